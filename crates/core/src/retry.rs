//! When to retry a failed attempt, and how long to wait first.
//!
//! [`RetryPolicy::decide`] is a pure function of the attempt's outcome, the request's
//! idempotency, the time spent so far and a random number, so that every rule is testable
//! by table. The transport calls it after each failed attempt.
// This module reads network input: no indexing or unchecked arithmetic that could panic on it.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

/// The retry rules of a client. Cheap to copy.
///
/// Defaults: up to 2 retries; retry on connection errors, timeouts, 408, 429, 500, 502, 503 and
/// 504; honour `Retry-After` (seconds or HTTP date), `retry-after-ms` and `X-RateLimit-Reset`
/// up to 60 s (a longer wait is not slept: the error is returned with its `retry_after`);
/// otherwise exponential backoff from 250 ms, capped at 8 s, with full jitter; a total
/// deadline of 2 minutes per call.
///
/// After a 429 the wait is never shorter than the server asked, and is spread upwards so
/// that clients refused together do not return together: `Retry-After` plus a random extra
/// of up to a quarter of it (at least up to 100 ms); without `Retry-After`, at least
/// [`MIN_WAIT_AFTER_429`] (or the backoff when it is longer) plus the same kind of extra.
///
/// A request that is not replay-safe (a POST or PATCH without an idempotency key, not marked
/// [`crate::Request::replay_safe`]) is retried only when it surely did not reach the server
/// (a connection error) or on 429.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// How many retries after the first attempt.
    pub max_retries: u32,
    /// The first backoff step.
    pub base_delay: Duration,
    /// The largest backoff step.
    pub max_delay: Duration,
    /// The longest server-requested wait that is honoured by sleeping.
    pub max_retry_after: Duration,
    /// The total deadline of a call: attempts, waits between them and waits for a rate-limit
    /// permit, from the moment it is sent. When it passes the call fails with
    /// [`crate::Error::DeadlineExceeded`]; no retry is started whose wait would end past it.
    /// `None` for no deadline (each attempt still has its timeout).
    pub deadline: Option<Duration>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            deadline: Some(Duration::from_secs(120)),
        }
    }
}

/// What a failed attempt ended with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The connection could not be made: the request never reached the server.
    Connect,
    /// No answer in time: the request may have reached the server.
    Timeout,
    /// The connection broke after sending: the request may have reached the server.
    Transport,
    /// The server answered with this status, maybe asking to wait.
    Status {
        /// The status.
        status: StatusCode,
        /// The server's `Retry-After` / `retry-after-ms`, if any.
        retry_after: Option<Duration>,
    },
}

/// The policy's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Wait this long, then try again.
    Retry(Duration),
    /// Return the error.
    Stop,
}

/// Everything the policy needs to know about the call so far.
#[derive(Clone, Copy, Debug)]
pub struct Attempt<'a> {
    /// How many attempts have been made (1 after the first).
    pub number: u32,
    /// The request method.
    pub method: &'a Method,
    /// Whether the request can be replayed safely although its method is not idempotent: it
    /// carries an idempotency key, or its body does (per-item keys).
    pub has_idempotency_key: bool,
    /// Time since the first attempt started.
    pub elapsed: Duration,
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn never() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// The same policy with another retry count.
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Decides whether to retry after a failed attempt.
    ///
    /// `jitter` is a random number in `0.0..1.0` (the transport draws it; tests pass fixed
    /// values). The backoff delay is `jitter * min(max_delay, base_delay * 2^(attempt - 1))`.
    /// After a 429 the delay is `wait + jitter * max(wait / 4, 100 ms)`, where `wait` is the
    /// server's `Retry-After`, else the larger of [`MIN_WAIT_AFTER_429`] and the backoff.
    pub fn decide(&self, attempt: Attempt<'_>, outcome: Outcome, jitter: f64) -> Decision {
        if attempt.number > self.max_retries {
            return Decision::Stop;
        }
        let replay_safe = attempt.has_idempotency_key || is_idempotent(attempt.method);
        let too_many = matches!(
            outcome,
            Outcome::Status { status, .. } if status == StatusCode::TOO_MANY_REQUESTS
        );
        let (retryable, retry_after) = match outcome {
            Outcome::Connect => (true, None),
            Outcome::Timeout | Outcome::Transport => (replay_safe, None),
            Outcome::Status {
                status,
                retry_after,
            } => {
                let allowed = if status == StatusCode::TOO_MANY_REQUESTS {
                    true
                } else {
                    replay_safe && is_retryable_status(status)
                };
                (allowed, retry_after)
            }
        };
        if !retryable {
            return Decision::Stop;
        }
        let delay = match retry_after {
            Some(wait) if wait > self.max_retry_after => return Decision::Stop,
            Some(wait) if too_many => upward_jitter(wait, jitter),
            Some(wait) => wait,
            None if too_many => upward_jitter(
                MIN_WAIT_AFTER_429.max(self.backoff(attempt.number, jitter)),
                jitter,
            ),
            None => self.backoff(attempt.number, jitter),
        };
        if let Some(deadline) = self.deadline {
            if attempt.elapsed.saturating_add(delay) > deadline {
                return Decision::Stop;
            }
        }
        Decision::Retry(delay)
    }

    /// The full-jitter backoff before retry number `attempt` (1-based).
    pub fn backoff(&self, attempt: u32, jitter: f64) -> Duration {
        let exp = attempt.saturating_sub(1).min(30);
        let step = self
            .base_delay
            .checked_mul(1u32 << exp)
            .unwrap_or(self.max_delay)
            .min(self.max_delay);
        let jitter = if jitter.is_finite() {
            jitter.clamp(0.0, 1.0)
        } else {
            0.0
        };
        step.mul_f64(jitter)
    }
}

/// The shortest wait before retrying a 429 that named no wait: one second, the window of a
/// per-second limit (Trophy's tiers; Trophy sends no `Retry-After`). A shorter wait would
/// only meet the same full window again.
pub const MIN_WAIT_AFTER_429: Duration = Duration::from_secs(1);

/// The smallest spread of [`upward_jitter`]: waits under 400 ms are spread over 100 ms.
const MIN_JITTER_SPREAD: Duration = Duration::from_millis(100);

/// `wait` plus a random extra: `jitter` (in `0.0..1.0`; clamped, `NaN` counts as 0) times
/// `max(wait / 4, 100 ms)`. Never shorter than `wait`, so a server's `Retry-After` is always
/// honoured; callers that met the same 429 spread out after it instead of colliding again.
pub(crate) fn upward_jitter(wait: Duration, jitter: f64) -> Duration {
    let spread = wait
        .checked_div(4)
        .unwrap_or_default()
        .max(MIN_JITTER_SPREAD);
    let jitter = if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        0.0
    };
    // `spread * jitter` is at most `spread`: no overflow, no panic.
    wait.saturating_add(spread.mul_f64(jitter))
}

/// Whether a method can be replayed without changing the outcome (RFC 9110 section 9.2.2).
pub fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
    )
}

/// Whether a status is worth retrying: 408, 429, 500, 502, 503, 504.
pub fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

/// The longest wait a response header can ask for: longer values are read as this much.
///
/// Every parsed wait is clamped to it, so that `Instant::now() + wait` can never overflow in
/// this crate or in a caller's code. A wait this long is far above any policy's
/// `max_retry_after`, so the call returns the error with its `retry_after` at once.
pub const MAX_SERVER_WAIT: Duration = Duration::from_secs(24 * 60 * 60);

/// The wait a response asks for: `retry-after-ms`, else `Retry-After` in seconds or as an
/// HTTP date (relative to `now`), else `X-RateLimit-Reset` (seconds to wait, or a Unix time
/// in seconds). A date in the past means "now" (zero). Any value, however absurd (huge,
/// negative, `NaN`, `1e30`), gives `None` or a wait of at most [`MAX_SERVER_WAIT`].
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let number = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<f64>().ok())
    };
    if let Some(wait) = number("retry-after-ms").and_then(|ms| wait_of(ms / 1000.0)) {
        return Some(wait);
    }
    if let Some(value) = headers.get(reqwest::header::RETRY_AFTER) {
        let value = value.to_str().ok()?.trim();
        if let Ok(seconds) = value.parse::<f64>() {
            return wait_of(seconds);
        }
        let at = httpdate::parse_http_date(value).ok()?;
        return Some(clamp(at.duration_since(now).unwrap_or(Duration::ZERO)));
    }
    let reset = number("x-ratelimit-reset")?;
    // Servers send either seconds to wait or a Unix time; a value past 2001-09-09 in seconds
    // can only be a Unix time.
    if reset >= 1e9 {
        let unix = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .ok()?
            .as_secs_f64();
        return wait_of((reset - unix).max(0.0));
    }
    wait_of(reset)
}

/// A non-negative, finite number of seconds as a wait of at most [`MAX_SERVER_WAIT`], with no
/// conversion that can overflow or panic; `None` for a negative or not finite number.
fn wait_of(seconds: f64) -> Option<Duration> {
    if !seconds.is_finite() || seconds < 0.0 {
        return None;
    }
    Some(clamp(
        Duration::try_from_secs_f64(seconds).unwrap_or(MAX_SERVER_WAIT),
    ))
}

fn clamp(wait: Duration) -> Duration {
    wait.min(MAX_SERVER_WAIT)
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    const S: fn(u16) -> Outcome = |code| Outcome::Status {
        status: StatusCode::from_u16(code).unwrap(),
        retry_after: None,
    };

    fn attempt(number: u32, method: &Method, key: bool, elapsed_ms: u64) -> Attempt<'_> {
        Attempt {
            number,
            method,
            has_idempotency_key: key,
            elapsed: Duration::from_millis(elapsed_ms),
        }
    }

    fn ms(v: u64) -> Decision {
        Decision::Retry(Duration::from_millis(v))
    }

    #[test]
    fn decision_table() {
        let p = RetryPolicy::default();
        let get = Method::GET;
        let post = Method::POST;
        let put = Method::PUT;
        let patch = Method::PATCH;
        let ra = |code: u16, secs: u64| Outcome::Status {
            status: StatusCode::from_u16(code).unwrap(),
            retry_after: Some(Duration::from_secs(secs)),
        };
        #[rustfmt::skip]
        let table: Vec<(Attempt<'_>, Outcome, f64, Decision, &str)> = vec![
            (attempt(1, &get, false, 0), S(503), 1.0, ms(250), "GET 503 first retry: full step"),
            (attempt(2, &get, false, 0), S(503), 1.0, ms(500), "second step doubles"),
            (attempt(2, &get, false, 0), S(503), 0.5, ms(250), "jitter scales the step"),
            (attempt(1, &get, false, 0), S(503), 0.0, ms(0), "jitter 0 means no wait"),
            (attempt(3, &get, false, 0), S(503), 1.0, Decision::Stop, "max_retries 2 reached"),
            (attempt(1, &get, false, 0), S(500), 1.0, ms(250), "500 retried"),
            (attempt(1, &get, false, 0), S(502), 1.0, ms(250), "502 retried"),
            (attempt(1, &get, false, 0), S(504), 1.0, ms(250), "504 retried"),
            (attempt(1, &get, false, 0), S(408), 1.0, ms(250), "408 retried"),
            (attempt(1, &get, false, 0), S(429), 1.0, ms(1250), "429 without Retry-After: Trophy's 1 s window plus a quarter"),
            (attempt(1, &get, false, 0), S(429), 0.0, ms(1000), "429 without Retry-After: never under 1 s"),
            (attempt(2, &get, false, 0), S(429), 0.5, ms(1125), "429 without Retry-After: 1 s beats the 250 ms backoff"),
            (attempt(1, &get, false, 0), S(400), 1.0, Decision::Stop, "400 never"),
            (attempt(1, &get, false, 0), S(401), 1.0, Decision::Stop, "401 never"),
            (attempt(1, &get, false, 0), S(404), 1.0, Decision::Stop, "404 never"),
            (attempt(1, &get, false, 0), S(422), 1.0, Decision::Stop, "422 never"),
            (attempt(1, &get, false, 0), S(501), 1.0, Decision::Stop, "501 never"),
            (attempt(1, &get, false, 0), Outcome::Connect, 1.0, ms(250), "GET connect error"),
            (attempt(1, &get, false, 0), Outcome::Timeout, 1.0, ms(250), "GET timeout"),
            (attempt(1, &get, false, 0), Outcome::Transport, 1.0, ms(250), "GET broken connection"),
            (attempt(1, &put, false, 0), S(503), 1.0, ms(250), "PUT is idempotent"),
            (attempt(1, &post, false, 0), S(500), 1.0, Decision::Stop, "POST without key: no 500 retry"),
            (attempt(1, &post, false, 0), S(503), 1.0, Decision::Stop, "POST without key: no 503 retry"),
            (attempt(1, &post, false, 0), Outcome::Timeout, 1.0, Decision::Stop, "POST without key: timeout may have landed"),
            (attempt(1, &post, false, 0), Outcome::Transport, 1.0, Decision::Stop, "POST without key: broken after send"),
            (attempt(1, &post, false, 0), Outcome::Connect, 1.0, ms(250), "POST without key: connect error is safe"),
            (attempt(1, &post, false, 0), S(429), 1.0, ms(1250), "POST without key: 429 is safe"),
            (attempt(1, &patch, false, 0), S(503), 1.0, Decision::Stop, "PATCH without key"),
            (attempt(1, &post, true, 0), S(500), 1.0, ms(250), "POST with key: 500 retried"),
            (attempt(1, &post, true, 0), Outcome::Timeout, 1.0, ms(250), "POST with key: timeout retried"),
            (attempt(1, &get, false, 0), ra(429, 3), 0.0, ms(3000), "Retry-After honoured, jitter 0 adds nothing"),
            (attempt(1, &get, false, 0), ra(429, 3), 0.5, ms(3375), "429 Retry-After plus half of a quarter of it"),
            (attempt(1, &get, false, 0), ra(429, 3), 1.0, ms(3750), "429 Retry-After plus at most a quarter of it"),
            (attempt(1, &get, false, 0), ra(429, 0), 0.5, ms(50), "429 Retry-After 0: spread over 100 ms"),
            (attempt(1, &get, false, 0), ra(503, 3), 0.5, ms(3000), "503 Retry-After: exact"),
            (attempt(1, &get, false, 0), ra(503, 60), 0.5, ms(60_000), "Retry-After at the cap"),
            (attempt(1, &get, false, 0), ra(503, 61), 0.5, Decision::Stop, "Retry-After over the cap"),
            (attempt(1, &post, false, 0), ra(503, 1), 1.0, Decision::Stop, "Retry-After does not make a POST safe"),
            (attempt(1, &get, false, 119_900), S(503), 1.0, Decision::Stop, "deadline would pass"),
            (attempt(1, &get, false, 119_700), S(503), 1.0, ms(250), "deadline not yet"),
            (attempt(1, &get, false, 100_000), ra(429, 30), 1.0, Decision::Stop, "Retry-After past the deadline"),
            (attempt(1, &get, false, 118_800), S(429), 0.0, ms(1000), "429 wait ends before the deadline"),
            (attempt(1, &get, false, 118_800), S(429), 1.0, Decision::Stop, "429 wait with its jitter would end past the deadline"),
        ];
        for (a, outcome, jitter, expected, why) in table {
            assert_eq!(p.decide(a, outcome, jitter), expected, "{why}");
        }
    }

    #[test]
    fn backoff_is_capped_and_never_overflows() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(6, 1.0), Duration::from_secs(8));
        assert_eq!(p.backoff(100, 1.0), Duration::from_secs(8));
        assert_eq!(p.backoff(u32::MAX, 1.0), Duration::from_secs(8));
        assert_eq!(p.backoff(1, f64::NAN), Duration::ZERO);
        assert_eq!(p.backoff(1, 7.0), Duration::from_millis(250));
        let never = RetryPolicy::never();
        assert_eq!(
            never.decide(attempt(1, &Method::GET, false, 0), S(503), 1.0),
            Decision::Stop
        );
        let more = RetryPolicy::default().with_max_retries(5);
        assert_eq!(
            more.decide(attempt(5, &Method::GET, false, 0), S(503), 1.0),
            ms(4000)
        );
    }

    #[test]
    fn upward_jitter_stays_between_the_wait_and_a_quarter_more() {
        let ms = Duration::from_millis;
        assert_eq!(upward_jitter(ms(2000), 0.0), ms(2000));
        assert_eq!(upward_jitter(ms(2000), 0.5), ms(2250));
        assert_eq!(upward_jitter(ms(2000), 1.0), ms(2500));
        assert_eq!(
            upward_jitter(ms(200), 0.5),
            ms(250),
            "spread at least 100 ms"
        );
        assert_eq!(upward_jitter(Duration::ZERO, 0.3), ms(30));
        assert_eq!(upward_jitter(ms(1000), f64::NAN), ms(1000));
        assert_eq!(upward_jitter(ms(1000), -1.0), ms(1000));
        assert_eq!(upward_jitter(ms(1000), 9.0), ms(1250));
        assert_eq!(upward_jitter(Duration::MAX, 1.0), Duration::MAX);
        for wait in [ms(0), ms(10), ms(399), ms(400), ms(1000), ms(61_000)] {
            let spread = (wait / 4).max(ms(100));
            let mut seen_extra = false;
            for _ in 0..1000 {
                let got = upward_jitter(wait, fastrand::f64());
                assert!(got >= wait, "{got:?} < {wait:?}");
                assert!(got <= wait + spread, "{got:?} > {wait:?} + {spread:?}");
                seen_extra |= got > wait;
            }
            assert!(seen_extra, "a random draw adds something");
        }
    }

    #[test]
    fn retry_after_headers() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        let h = |name: &'static str, value: &str| {
            let mut map = HeaderMap::new();
            map.insert(name, HeaderValue::from_str(value).unwrap());
            map
        };
        let secs = Duration::from_secs;
        assert_eq!(retry_after(&h("retry-after", "3"), now), Some(secs(3)));
        assert_eq!(retry_after(&h("retry-after", " 0 "), now), Some(secs(0)));
        assert_eq!(
            retry_after(&h("retry-after", "1.5"), now),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            retry_after(&h("retry-after", "Sun, 06 Nov 1994 08:49:47 GMT"), now),
            Some(secs(10))
        );
        assert_eq!(
            retry_after(&h("retry-after", "Sun, 06 Nov 1994 08:49:00 GMT"), now),
            Some(secs(0))
        );
        assert_eq!(retry_after(&h("retry-after", "soon"), now), None);
        assert_eq!(retry_after(&h("retry-after", "-5"), now), None);
        assert_eq!(
            retry_after(&h("retry-after-ms", "250"), now),
            Some(Duration::from_millis(250))
        );
        let mut both = h("retry-after", "10");
        both.insert("retry-after-ms", HeaderValue::from_static("1500"));
        assert_eq!(retry_after(&both, now), Some(Duration::from_millis(1500)));
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn absurd_waits_are_clamped_never_panic() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let h = |name: &'static str, value: &str| {
            let mut map = HeaderMap::new();
            map.insert(name, HeaderValue::from_str(value).unwrap());
            map
        };
        let cases: &[(&str, &str, Option<Duration>)] = &[
            ("retry-after", "99999999999999999999", Some(MAX_SERVER_WAIT)),
            ("retry-after", "18446744073709551615", Some(MAX_SERVER_WAIT)),
            ("retry-after", "1e20", Some(MAX_SERVER_WAIT)),
            ("retry-after", "1e308", Some(MAX_SERVER_WAIT)),
            ("retry-after", "1e309", None),
            ("retry-after", "inf", None),
            ("retry-after", "NaN", None),
            ("retry-after", "-1e20", None),
            ("retry-after", "-0", Some(Duration::ZERO)),
            (
                "retry-after",
                "Fri, 31 Dec 9999 23:59:59 GMT",
                Some(MAX_SERVER_WAIT),
            ),
            ("retry-after-ms", "1e30", Some(MAX_SERVER_WAIT)),
            (
                "retry-after-ms",
                "99999999999999999999999",
                Some(MAX_SERVER_WAIT),
            ),
            ("retry-after-ms", "-3", None),
            ("x-ratelimit-reset", "2", Some(Duration::from_secs(2))),
            (
                "x-ratelimit-reset",
                "1700000005",
                Some(Duration::from_secs(5)),
            ),
            ("x-ratelimit-reset", "1600000000", Some(Duration::ZERO)),
            ("x-ratelimit-reset", "1e300", Some(MAX_SERVER_WAIT)),
        ];
        for (name, value, expected) in cases {
            let wait = retry_after(&h(name, value), now);
            assert_eq!(wait, *expected, "{name}: {value}");
            // A caller adding the wait to the clock must not overflow either.
            if let Some(wait) = wait {
                assert!(std::time::Instant::now().checked_add(wait).is_some());
            }
        }
        let policy = RetryPolicy::default();
        let huge = Outcome::Status {
            status: StatusCode::TOO_MANY_REQUESTS,
            retry_after: Some(Duration::MAX),
        };
        let late = attempt(1, &Method::GET, false, u64::MAX);
        assert_eq!(policy.decide(late, S(503), 1.0), Decision::Stop);
        assert_eq!(
            policy.decide(attempt(1, &Method::GET, false, 0), huge, 1.0),
            Decision::Stop
        );
    }
}
