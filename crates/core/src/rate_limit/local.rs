//! [`LocalRateLimiter`]: an in-process limiter, a GCRA on tokio's clock.
//!
//! Why not `governor`: its limiters check "may I go now?" and leave waiting callers to poll,
//! its clocks are not tokio's (so tests cannot use tokio's paused time), and it has no notion
//! of pausing a bucket after a 429. A generic cell rate algorithm that *reserves* each
//! caller's slot is a few lines: callers are served in arrival order, each sleeps exactly
//! until its slot, a caller whose slot falls after its deadline is refused before it takes
//! one, and a pause moves every later slot.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::time::Instant;

use super::{BucketLimits, RateLimiter};
use crate::error::{Error, Result};

/// How long a pause lasts when a bucket has no limit and the server named no wait.
const UNLIMITED_PAUSE: Duration = Duration::from_secs(1);

/// The longest interval or pause a schedule holds (absurd limits are clamped to it, so that no
/// instant arithmetic can overflow).
const LONGEST: Duration = Duration::from_secs(365 * 24 * 60 * 60);

/// Rate limits for the clients of one process: one slot schedule per bucket, shared by every
/// transport (and clone) that holds this limiter.
///
/// ```
/// use std::time::Duration;
/// use questkit_core::rate_limit::{BucketLimits, LocalRateLimiter, RateLimit, RateLimiter};
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> questkit_core::Result<()> {
/// let limiter = LocalRateLimiter::new(
///     BucketLimits::new().bucket("tier1", RateLimit::per_second(10).margin(1.0)),
/// );
/// assert_eq!(limiter.acquire("tier1", None).await?, Duration::ZERO);
/// assert_eq!(limiter.acquire("tier1", None).await?, Duration::from_millis(100));
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct LocalRateLimiter {
    limits: BucketLimits,
    buckets: Mutex<HashMap<String, Schedule>>,
}

/// A bucket's schedule: when the next slot is free, and until when the bucket is paused.
#[derive(Debug, Clone, Copy)]
struct Schedule {
    next_slot: Instant,
    paused_until: Option<Instant>,
}

impl LocalRateLimiter {
    /// A limiter with these limits.
    pub fn new(limits: BucketLimits) -> LocalRateLimiter {
        LocalRateLimiter {
            limits,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// The limits.
    pub fn limits(&self) -> &BucketLimits {
        &self.limits
    }

    /// Reserves the next slot of `bucket`: the instant the caller may go, or the error when
    /// that is past `deadline` (nothing is reserved then).
    fn reserve(&self, bucket: &str, deadline: Option<Instant>) -> Result<Instant> {
        let now = Instant::now();
        let Some(limit) = self.limits.get(bucket) else {
            // No limit, but a pause after a 429 still holds.
            let paused = self.lock().get(bucket).and_then(|s| s.paused_until);
            return check_deadline(bucket, paused.map_or(now, |p| p.max(now)), now, deadline);
        };
        let interval = limit.interval().min(LONGEST);
        let tolerance = interval
            .checked_mul(limit.burst_size().saturating_sub(1))
            .unwrap_or(LONGEST);
        let mut buckets = self.lock();
        let schedule = buckets.entry(bucket.to_owned()).or_insert(Schedule {
            next_slot: now,
            paused_until: None,
        });
        let paused = schedule.paused_until.filter(|p| *p > now);
        let start = schedule.next_slot.max(now).max(paused.unwrap_or(now));
        // A burst lets a caller go up to `tolerance` before its slot, never inside a pause.
        let go = start
            .checked_sub(tolerance)
            .unwrap_or(now)
            .max(now)
            .max(paused.unwrap_or(now));
        let go = check_deadline(bucket, go, now, deadline)?;
        schedule.next_slot = start.checked_add(interval).unwrap_or(start);
        Ok(go)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Schedule>> {
        // A panic elsewhere while holding the lock leaves consistent data: keep using it.
        self.buckets.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn check_deadline(
    bucket: &str,
    go: Instant,
    now: Instant,
    deadline: Option<Instant>,
) -> Result<Instant> {
    match deadline {
        Some(deadline) if go > deadline => Err(Error::RateLimited {
            bucket: bucket.to_owned(),
            wait: go.saturating_duration_since(now),
        }),
        _ => Ok(go),
    }
}

impl RateLimiter for LocalRateLimiter {
    fn acquire<'a>(
        &'a self,
        bucket: &'a str,
        deadline: Option<Instant>,
    ) -> BoxFuture<'a, Result<Duration>> {
        Box::pin(async move {
            let started = Instant::now();
            let go = self.reserve(bucket, deadline)?;
            if go > started {
                tokio::time::sleep_until(go).await;
            }
            Ok(go.saturating_duration_since(started))
        })
    }

    fn pause<'a>(&'a self, bucket: &'a str, wait: Option<Duration>) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let wait = wait
                .or_else(|| self.limits.get(bucket).map(|l| l.period()))
                .unwrap_or(UNLIMITED_PAUSE);
            let now = Instant::now();
            let until = now.checked_add(wait.min(LONGEST)).unwrap_or(now);
            let mut buckets = self.lock();
            let schedule = buckets.entry(bucket.to_owned()).or_insert(Schedule {
                next_slot: now,
                paused_until: None,
            });
            schedule.paused_until = Some(schedule.paused_until.map_or(until, |p| p.max(until)));
            Ok(())
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::arithmetic_side_effects)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::rate_limit::RateLimit;

    fn limiter(limit: RateLimit) -> Arc<LocalRateLimiter> {
        Arc::new(LocalRateLimiter::new(
            BucketLimits::new().bucket("t", limit),
        ))
    }

    #[tokio::test(start_paused = true)]
    async fn paces_at_the_margin_in_arrival_order() {
        let limiter = limiter(RateLimit::per_second(10));
        let start = Instant::now();
        let mut handles = Vec::new();
        for i in 0..30u32 {
            let limiter = limiter.clone();
            handles.push(tokio::spawn(async move {
                limiter.acquire("t", None).await.unwrap();
                (i, Instant::now() - start)
            }));
        }
        let mut times = Vec::new();
        for h in handles {
            times.push(h.await.unwrap());
        }
        let interval = RateLimit::per_second(10).interval();
        for (i, at) in &times {
            // tokio's timer wakes on whole milliseconds.
            let slot = interval * *i;
            assert!(
                *at >= slot && *at < slot + Duration::from_millis(2),
                "caller {i}: {at:?}"
            );
        }
        // Any 11 permits span at least a period plus the 10 % margin: a strict one-second
        // window never sees more than 10, even with a ninth of a second of jitter.
        let at: Vec<Duration> = times.iter().map(|(_, t)| *t).collect();
        for pair in at.windows(11) {
            assert!(
                pair[10] - pair[0] >= Duration::from_millis(1110),
                "{pair:?}"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_goes_at_once_then_paces() {
        let limiter = limiter(RateLimit::per_second(10).margin(1.0).burst(3));
        let start = Instant::now();
        for _ in 0..3 {
            limiter.acquire("t", None).await.unwrap();
        }
        assert_eq!(Instant::now() - start, Duration::ZERO);
        limiter.acquire("t", None).await.unwrap();
        assert_eq!(Instant::now() - start, Duration::from_millis(100));
    }

    #[tokio::test(start_paused = true)]
    async fn a_permit_after_the_deadline_is_refused_and_not_taken() {
        let limiter = limiter(RateLimit::per_second(1).margin(1.0));
        limiter.acquire("t", None).await.unwrap();
        let deadline = Instant::now() + Duration::from_millis(500);
        let err = limiter.acquire("t", Some(deadline)).await.unwrap_err();
        let Error::RateLimited { bucket, wait } = &err else {
            panic!("{err:?}")
        };
        assert_eq!(bucket, "t");
        assert_eq!(*wait, Duration::from_secs(1));
        assert!(err.is_rate_limited());
        // The refused caller took nothing: the next one gets the slot at 1 s.
        let waited = limiter.acquire("t", None).await.unwrap();
        assert_eq!(waited, Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn a_pause_holds_every_caller_of_the_bucket_only() {
        let limiter = Arc::new(LocalRateLimiter::new(
            BucketLimits::new()
                .bucket("a", RateLimit::per_second(100))
                .bucket("b", RateLimit::per_second(100)),
        ));
        limiter
            .pause("a", Some(Duration::from_secs(3)))
            .await
            .unwrap();
        let start = Instant::now();
        assert_eq!(limiter.acquire("b", None).await.unwrap(), Duration::ZERO);
        let waited = limiter.acquire("a", None).await.unwrap();
        assert_eq!(waited, Duration::from_secs(3));
        assert_eq!(Instant::now() - start, Duration::from_secs(3));
        // Without a server wait, a pause lasts one period of the bucket's limit.
        limiter.pause("b", None).await.unwrap();
        let waited = limiter.acquire("b", None).await.unwrap();
        assert_eq!(waited, Duration::from_secs(1));
        // A bucket with no limit is not limited, but honours a pause.
        assert_eq!(
            limiter.acquire("other", None).await.unwrap(),
            Duration::ZERO
        );
        limiter.pause("other", None).await.unwrap();
        assert_eq!(
            limiter.acquire("other", None).await.unwrap(),
            UNLIMITED_PAUSE
        );
    }

    #[tokio::test(start_paused = true)]
    async fn absurd_limits_never_panic() {
        let limiter = limiter(RateLimit::new(1, Duration::MAX).share(0.0001));
        limiter.acquire("t", None).await.unwrap();
        let err = limiter
            .acquire("t", Some(Instant::now() + Duration::from_secs(1)))
            .await
            .unwrap_err();
        assert!(err.is_rate_limited());
        limiter.pause("t", Some(Duration::MAX)).await.unwrap();
    }
}
