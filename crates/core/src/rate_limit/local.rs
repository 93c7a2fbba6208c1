//! [`LocalRateLimiter`]: an in-process limiter, a GCRA on tokio's clock.
//!
//! Why not `governor`: its limiters check "may I go now?" and leave waiting callers to poll,
//! its clocks are not tokio's (so tests cannot use tokio's paused time), and it has no notion
//! of pausing a bucket after a 429. A generic cell rate algorithm that *reserves* each
//! caller's slot is a few lines: callers are served in arrival order, each sleeps exactly
//! until its slot, a caller whose slot falls after its deadline is refused before it takes
//! one, and a pause moves every later slot.
//!
//! A pause (after a 429) and a hold (the Redis limiter's fallback waiting for the permits
//! Redis granted to be used) are one thing here: an instant before which no caller of the
//! bucket goes, after which the waiting callers are paced from that instant at the bucket's
//! rate, not released at once (only a limit with a burst above 1 lets a few go together).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::time::Instant;

use super::{BucketLimits, RateLimit, RateLimiter};
use crate::error::{Error, Result};
use crate::retry::upward_jitter;

/// How long a pause lasts when a bucket has no limit and the server named no wait.
const UNLIMITED_PAUSE: Duration = Duration::from_secs(1);

/// The longest interval or pause a schedule holds (absurd limits are clamped to it, so that no
/// instant arithmetic can overflow).
pub(crate) const LONGEST: Duration = Duration::from_secs(365 * 24 * 60 * 60);

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
/// // A bucket whose callers bring their limit: 5 per second.
/// let five = RateLimit::per_second(5).margin(1.0);
/// assert_eq!(limiter.acquire_with_limit("batches", five, None).await?, Duration::ZERO);
/// assert_eq!(
///     limiter.acquire_with_limit("batches", five, None).await?,
///     Duration::from_millis(200)
/// );
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct LocalRateLimiter {
    limits: BucketLimits,
    buckets: Mutex<HashMap<String, Schedule>>,
}

/// A bucket's schedule: when the next slot is free, before when no caller may go (a pause
/// after a 429, or a hold), and the limit its callers last passed, if they pass one.
#[derive(Debug, Clone, Copy)]
struct Schedule {
    next_slot: Instant,
    not_before: Option<Instant>,
    given: Option<RateLimit>,
}

impl Schedule {
    fn new(now: Instant) -> Schedule {
        Schedule {
            next_slot: now,
            not_before: None,
            given: None,
        }
    }

    /// Holds the bucket until `until` (a longer hold already set is kept).
    fn hold(&mut self, until: Instant) {
        self.not_before = Some(self.not_before.map_or(until, |p| p.max(until)));
    }
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

    /// Reserves the next slot of `bucket` under `limit` (else its configured limit): the
    /// instant the caller may go, or the error when that is past `deadline` (nothing is
    /// reserved then).
    pub(crate) fn reserve(
        &self,
        bucket: &str,
        given: Option<RateLimit>,
        deadline: Option<Instant>,
    ) -> Result<Instant> {
        let now = Instant::now();
        let mut buckets = self.lock();
        let Some(limit) = given.or_else(|| self.limits.get(bucket).copied()) else {
            // No limit, but a pause after a 429 (or a hold) still holds.
            let held = buckets.get(bucket).and_then(|s| s.not_before);
            return check_deadline(bucket, held.map_or(now, |p| p.max(now)), now, deadline);
        };
        let interval = limit.interval().min(LONGEST);
        let tolerance = interval
            .checked_mul(limit.burst_size().saturating_sub(1))
            .unwrap_or(LONGEST);
        let schedule = buckets
            .entry(bucket.to_owned())
            .or_insert_with(|| Schedule::new(now));
        let held = schedule.not_before.filter(|p| *p > now);
        // A held bucket restarts its schedule where the hold ends: its callers are paced from
        // there, one interval apart, never released together.
        let start = schedule.next_slot.max(now).max(held.unwrap_or(now));
        // A burst lets a caller go up to `tolerance` before its slot, never inside a hold.
        let go = start
            .checked_sub(tolerance)
            .unwrap_or(now)
            .max(now)
            .max(held.unwrap_or(now));
        let go = check_deadline(bucket, go, now, deadline)?;
        schedule.next_slot = start.checked_add(interval).unwrap_or(start);
        if given.is_some() {
            schedule.given = given;
        }
        Ok(go)
    }

    /// Holds every caller of `bucket` until `until`: none goes before it, and those waiting
    /// are then paced from it at the bucket's rate. A longer hold or pause already set is
    /// kept. The Redis limiter holds its fallback this way while permits Redis granted may
    /// still be in use.
    pub(crate) fn hold(&self, bucket: &str, until: Instant) {
        let now = Instant::now();
        let until = until.min(now.checked_add(LONGEST).unwrap_or(until));
        self.lock()
            .entry(bucket.to_owned())
            .or_insert_with(|| Schedule::new(now))
            .hold(until);
    }

    /// The limit of `bucket`: configured, else the one its callers last passed.
    pub(crate) fn limit_of(&self, bucket: &str) -> Option<RateLimit> {
        self.limits
            .get(bucket)
            .copied()
            .or_else(|| self.lock().get(bucket).and_then(|s| s.given))
    }

    async fn acquire_inner(
        &self,
        bucket: &str,
        limit: Option<RateLimit>,
        deadline: Option<Instant>,
    ) -> Result<Duration> {
        let started = Instant::now();
        let go = self.reserve(bucket, limit, deadline)?;
        if go > started {
            tokio::time::sleep_until(go).await;
        }
        Ok(go.saturating_duration_since(started))
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
    fn configured_limit(&self, bucket: &str) -> Option<RateLimit> {
        self.limits.get(bucket).copied()
    }

    fn acquire<'a>(
        &'a self,
        bucket: &'a str,
        deadline: Option<Instant>,
    ) -> BoxFuture<'a, Result<Duration>> {
        Box::pin(self.acquire_inner(bucket, None, deadline))
    }

    fn acquire_with_limit<'a>(
        &'a self,
        bucket: &'a str,
        limit: RateLimit,
        deadline: Option<Instant>,
    ) -> BoxFuture<'a, Result<Duration>> {
        Box::pin(self.acquire_inner(bucket, Some(limit), deadline))
    }

    fn pause<'a>(&'a self, bucket: &'a str, wait: Option<Duration>) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let wait = wait
                .or_else(|| self.limit_of(bucket).map(|l| l.period()))
                .unwrap_or(UNLIMITED_PAUSE)
                .min(LONGEST);
            let now = Instant::now();
            let wait = upward_jitter(wait, fastrand::f64());
            self.hold(bucket, now.checked_add(wait).unwrap_or(now));
            Ok(())
        })
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing
)]
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

    /// Asserts that a wait after a pause of `base` lies in `[base, base + max(base / 4,
    /// 100 ms)]`, give or take tokio's millisecond timer.
    fn assert_jittered(waited: Duration, base: Duration) {
        let spread = (base / 4).max(Duration::from_millis(100));
        assert!(waited >= base, "{waited:?} < {base:?}");
        assert!(
            waited <= base + spread + Duration::from_millis(1),
            "{waited:?} > {base:?} + {spread:?}"
        );
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
        assert_jittered(waited, Duration::from_secs(3));
        // tokio's timer wakes on whole milliseconds.
        let slept = Instant::now() - start;
        assert!(slept >= waited && slept <= waited + Duration::from_millis(1));
        // Without a server wait, a pause lasts one period of the bucket's limit.
        limiter.pause("b", None).await.unwrap();
        let waited = limiter.acquire("b", None).await.unwrap();
        assert_jittered(waited, Duration::from_secs(1));
        // A bucket with no limit is not limited, but honours a pause.
        assert_eq!(
            limiter.acquire("other", None).await.unwrap(),
            Duration::ZERO
        );
        limiter.pause("other", None).await.unwrap();
        let waited = limiter.acquire("other", None).await.unwrap();
        assert_jittered(waited, UNLIMITED_PAUSE);
        // A bucket whose callers bring their limit pauses for one period of it.
        let slow = RateLimit::new(10, Duration::from_secs(2));
        limiter
            .acquire_with_limit("given", slow, None)
            .await
            .unwrap();
        limiter.pause("given", None).await.unwrap();
        let waited = limiter
            .acquire_with_limit("given", slow, None)
            .await
            .unwrap();
        assert_jittered(waited, Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn pauses_are_jittered_upwards_only() {
        let base = Duration::from_millis(800);
        let mut waits = Vec::new();
        for _ in 0..200 {
            let limiter = limiter(RateLimit::per_second(100));
            limiter.pause("t", Some(base)).await.unwrap();
            let waited = limiter.acquire("t", None).await.unwrap();
            assert_jittered(waited, base);
            waits.push(waited);
        }
        // Spread: two callers released by one 429 on two replicas rarely meet again.
        waits.sort();
        waits.dedup();
        assert!(waits.len() > 50, "{} distinct waits", waits.len());
        // A longer pause already set is kept.
        let limiter = limiter(RateLimit::per_second(100));
        limiter
            .pause("t", Some(Duration::from_secs(5)))
            .await
            .unwrap();
        limiter.pause("t", Some(Duration::ZERO)).await.unwrap();
        assert!(limiter.acquire("t", None).await.unwrap() >= Duration::from_secs(5));
    }

    #[tokio::test(start_paused = true)]
    async fn a_hold_restarts_the_schedule_paced_from_its_end() {
        let limiter = limiter(RateLimit::per_second(10).margin(1.0));
        let start = Instant::now();
        limiter.acquire("t", None).await.unwrap();
        limiter.hold("t", start + Duration::from_secs(2));
        // A shorter hold later does not shorten it.
        limiter.hold("t", start + Duration::from_secs(1));
        let mut handles = Vec::new();
        for _ in 0..5 {
            let limiter = limiter.clone();
            handles.push(tokio::spawn(async move {
                limiter.acquire("t", None).await.unwrap();
                Instant::now() - start
            }));
        }
        let mut at = Vec::new();
        for h in handles {
            at.push(h.await.unwrap());
        }
        at.sort();
        // Nobody before the hold ends, then one every interval: no burst at its end.
        let ms = Duration::from_millis;
        assert_eq!(at, [ms(2000), ms(2100), ms(2200), ms(2300), ms(2400)]);
        // A deadline before the hold's end is refused at once, reserving nothing.
        limiter.hold("t", Instant::now() + Duration::from_secs(10));
        let err = limiter
            .acquire("t", Some(Instant::now() + Duration::from_secs(1)))
            .await
            .unwrap_err();
        assert!(err.is_rate_limited(), "{err:?}");
        // A bucket without a limit is held too.
        let until = Instant::now() + Duration::from_millis(700);
        limiter.hold("free", until);
        assert_eq!(
            limiter.acquire("free", None).await.unwrap(),
            Duration::from_millis(700)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_given_limit_paces_its_bucket() {
        let limiter = limiter(RateLimit::per_second(100).margin(1.0));
        let given = RateLimit::per_second(10).margin(1.0).share(0.5);
        let start = Instant::now();
        for _ in 0..4 {
            limiter.acquire_with_limit("b", given, None).await.unwrap();
        }
        // 10 per 2 s: one every 200 ms.
        assert_eq!(Instant::now() - start, Duration::from_millis(600));
        // A given limit replaces a configured one for that call.
        let start = Instant::now();
        for _ in 0..3 {
            limiter.acquire_with_limit("t", given, None).await.unwrap();
        }
        assert_eq!(Instant::now() - start, Duration::from_millis(400));
        assert_eq!(limiter.limit_of("b"), Some(given));
        assert_eq!(
            limiter.limit_of("t"),
            Some(RateLimit::per_second(100).margin(1.0))
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
