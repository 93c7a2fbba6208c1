//! Client-side rate limiting: stay under a vendor's limits instead of meeting its 429s.
//!
//! A [`RateLimiter`] hands out permits per named *bucket* (Trophy's `tier1` and `tier2`, or
//! `default`). A [`Transport`](crate::Transport) with a limiter asks it for a permit before
//! every attempt of every call (retries included), in the bucket the call names
//! ([`crate::Request::rate_limit_bucket`]), and tells it when the server answers 429, which
//! pauses that bucket for every caller sharing the limiter: until `Retry-After` (or
//! `X-RateLimit-Reset`) when the server sends one, else for one period of the bucket's limit,
//! plus a small random extra (a quarter of the wait, at least up to 100 ms), never less, so
//! that callers released by the same 429 do not all come back at the same instant.
//!
//! A bucket's limit is the one its [`BucketLimits`] give it, or, for
//! [`RateLimiter::acquire_with_limit`], the one each caller passes (the event batcher paces
//! its own bucket at a share of a tier that way, so that the share holds across replicas).
//!
//! Waiting for a permit counts against the call's total deadline: a call that cannot get a
//! permit in time fails at once with [`crate::Error::RateLimited`], saying how long it would
//! have waited.
//!
//! Two implementations: [`LocalRateLimiter`] for one process, and `RedisRateLimiter` (cargo
//! feature `redis`) for a fleet of replicas sharing one organisation's budget. While Redis is
//! unreachable, a `RedisRateLimiter` built with `fallback_replicas(n)` gives each of the `n`
//! replicas `floor(L / n)` permits per period of every limit of `L` permits, starting only
//! once the permits Redis granted before it went away have surely been used.
//!
//! ```
//! use std::sync::Arc;
//! use questkit_core::rate_limit::{BucketLimits, LocalRateLimiter, RateLimit};
//! use questkit_core::Transport;
//!
//! let limits = BucketLimits::new().bucket("tier1", RateLimit::per_second(10));
//! let transport = Transport::builder("example")
//!     .base_url("https://api.example.com")
//!     .rate_limiter(Arc::new(LocalRateLimiter::new(limits)))
//!     .build()
//!     .unwrap();
//! # drop(transport);
//! ```
// Limits and waits come from configuration and servers: no arithmetic that could panic.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::time::Instant;

use crate::error::Result;

mod local;
#[cfg(feature = "redis")]
mod redis;

pub use local::LocalRateLimiter;
#[cfg(feature = "redis")]
pub use redis::{RedisRateLimiter, RedisRateLimiterBuilder};

/// The bucket of calls that name none.
pub const DEFAULT_BUCKET: &str = "default";

/// The share of a limit a limiter paces at by default: 90 %.
///
/// A server counting requests in a strict sliding window sees them after network delays that
/// vary from call to call, so requests sent exactly one interval apart can arrive closer
/// together. Pacing 10 % under the limit absorbs that jitter: 10 req/s is sent as one request
/// every 111 ms, so any 11 requests span at least 1.11 s, and delays that differ by up to
/// 111 ms (a ninth of the period) cannot put 11 into one second.
pub const DEFAULT_MARGIN: f64 = 0.9;

/// A rate: `permits` per `period`, with a burst and a safety margin.
///
/// Defaults: a burst of 1 (requests are spaced evenly, never sent in clumps) and pacing at
/// [`DEFAULT_MARGIN`] of the rate. Both keep a strict server-side sliding window free of 429s
/// at steady state.
///
/// ```
/// use std::time::Duration;
/// use questkit_core::rate_limit::RateLimit;
///
/// let tier1 = RateLimit::per_second(10);
/// assert_eq!(tier1.interval(), Duration::from_nanos(111_111_111));
/// let exact = RateLimit::new(60, Duration::from_secs(60)).margin(1.0);
/// assert_eq!(exact.interval(), Duration::from_secs(1));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateLimit {
    permits: u32,
    period: Duration,
    burst: u32,
    margin: f64,
}

impl RateLimit {
    /// `permits` requests per `period` (at least one permit, a period of at least 1 µs).
    pub fn new(permits: u32, period: Duration) -> RateLimit {
        RateLimit {
            permits: permits.max(1),
            period: period.max(Duration::from_micros(1)),
            burst: 1,
            margin: DEFAULT_MARGIN,
        }
    }

    /// `permits` requests per second.
    pub fn per_second(permits: u32) -> RateLimit {
        RateLimit::new(permits, Duration::from_secs(1))
    }

    /// How many requests may go at once after a quiet spell (default 1). A burst above 1
    /// can exceed a strict sliding window: use it only where the server allows bursts.
    pub fn burst(mut self, burst: u32) -> RateLimit {
        self.burst = burst.max(1);
        self
    }

    /// The share of the rate to pace at, in `0.01..=1.0` (default [`DEFAULT_MARGIN`]).
    pub fn margin(mut self, share: f64) -> RateLimit {
        self.margin = if share.is_finite() {
            share.clamp(0.01, 1.0)
        } else {
            DEFAULT_MARGIN
        };
        self
    }

    /// The permits per period, as configured.
    pub fn permits(&self) -> u32 {
        self.permits
    }

    /// The period, as configured.
    pub fn period(&self) -> Duration {
        self.period
    }

    /// The burst.
    pub fn burst_size(&self) -> u32 {
        self.burst
    }

    /// The time between two permits at steady state: `period / (permits * margin)`.
    pub fn interval(&self) -> Duration {
        let per_permit = self.period.as_secs_f64() / (f64::from(self.permits) * self.margin);
        Duration::try_from_secs_f64(per_permit).unwrap_or(self.period)
    }

    /// This limit scaled to a share of it (a replica's part of a fleet's budget).
    pub fn share(self, fraction: f64) -> RateLimit {
        let fraction = if fraction.is_finite() {
            fraction.clamp(0.0001, 1.0)
        } else {
            1.0
        };
        let period = Duration::try_from_secs_f64(self.period.as_secs_f64() / fraction)
            .unwrap_or(Duration::MAX);
        RateLimit { period, ..self }
    }

    /// One replica's part of this limit when `replicas` replicas share it without talking to
    /// each other: `floor(permits / replicas)` permits per period, a burst of 1, paced at
    /// [`DEFAULT_MARGIN`] (or this limit's margin when it is lower). `None` when `replicas`
    /// is 0 or above the permits: then no replica can have a whole permit, and any split would
    /// exceed the limit.
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    pub(crate) fn split_among(&self, replicas: u32) -> Option<RateLimit> {
        let permits = self.permits.checked_div(replicas).filter(|k| *k > 0)?;
        Some(RateLimit {
            permits,
            period: self.period,
            burst: 1,
            margin: self.margin.min(DEFAULT_MARGIN),
        })
    }
}

/// The limits of named buckets, and an optional one for every other bucket.
///
/// A call whose bucket has no limit here (and no default is set) is not limited.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BucketLimits {
    buckets: BTreeMap<String, RateLimit>,
    default: Option<RateLimit>,
}

impl BucketLimits {
    /// No limits yet.
    pub fn new() -> BucketLimits {
        BucketLimits::default()
    }

    /// Limits the bucket `name`.
    pub fn bucket(mut self, name: impl Into<String>, limit: RateLimit) -> BucketLimits {
        self.buckets.insert(name.into(), limit);
        self
    }

    /// Limits every bucket not named otherwise.
    pub fn default_limit(mut self, limit: RateLimit) -> BucketLimits {
        self.default = Some(limit);
        self
    }

    /// The limit of bucket `name`.
    pub fn get(&self, name: &str) -> Option<&RateLimit> {
        self.buckets.get(name).or(self.default.as_ref())
    }

    /// Every named bucket and its limit.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &RateLimit)> {
        self.buckets.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Whether no bucket has a limit (no named bucket, no default).
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    pub(crate) fn is_empty(&self) -> bool {
        self.buckets.is_empty() && self.default.is_none()
    }

    /// The same limits, each scaled to `fraction` of itself (see [`RateLimit::share`]).
    pub fn share(&self, fraction: f64) -> BucketLimits {
        BucketLimits {
            buckets: self
                .buckets
                .iter()
                .map(|(k, v)| (k.clone(), v.share(fraction)))
                .collect(),
            default: self.default.map(|d| d.share(fraction)),
        }
    }
}

/// Hands out permits per named bucket, shared by every client (and, for a shared store, every
/// process) that uses it. Use it as `Arc<dyn RateLimiter>`.
///
/// Implementations must not hold a permit longer than asked: a caller whose `deadline` would
/// pass before its permit fails at once with [`crate::Error::RateLimited`] and consumes
/// nothing.
pub trait RateLimiter: Send + Sync + fmt::Debug + 'static {
    /// Waits for a permit of `bucket` and returns how long it waited. Fails at once with
    /// [`crate::Error::RateLimited`] when the permit would come after `deadline`, and with
    /// [`crate::Error::RateLimiterUnavailable`] when the limiter cannot decide (its store is
    /// unreachable).
    fn acquire<'a>(
        &'a self,
        bucket: &'a str,
        deadline: Option<Instant>,
    ) -> BoxFuture<'a, Result<Duration>>;

    /// Like [`RateLimiter::acquire`], but the limit of `bucket` for this call is `limit`
    /// rather than the one configured for it. Every caller of a bucket must pass the same
    /// limit: the event batcher uses it for its own bucket, paced at a share of a tier, so
    /// that a limiter shared by replicas holds the share fleet-wide.
    fn acquire_with_limit<'a>(
        &'a self,
        bucket: &'a str,
        limit: RateLimit,
        deadline: Option<Instant>,
    ) -> BoxFuture<'a, Result<Duration>>;

    /// Pauses `bucket` for every caller sharing this limiter, after the server answered 429:
    /// for `wait` when the server said how long, else for one period of the bucket's limit,
    /// plus an upward random extra (up to a quarter of that wait, or up to 100 ms when that is
    /// more) so that the callers it releases do not all return at once. Never shorter than
    /// the server's wait.
    fn pause<'a>(&'a self, bucket: &'a str, wait: Option<Duration>) -> BoxFuture<'a, Result<()>>;

    /// The limit this limiter is configured with for `bucket`, when it has one, so that a
    /// limit is set in one place (Trophy's event batcher reads its Tier 1 budget from it).
    /// Default: `None`.
    fn configured_limit(&self, bucket: &str) -> Option<RateLimit> {
        let _ = bucket;
        None
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;

    #[test]
    fn a_limit_splits_by_the_floor_of_its_permits() {
        let tier1 = RateLimit::per_second(10).margin(1.0);
        let cases: &[(u32, Option<u32>)] = &[
            (0, None),
            (1, Some(10)),
            (2, Some(5)),
            (3, Some(3)),
            (4, Some(2)),
            (5, Some(2)),
            (6, Some(1)),
            (10, Some(1)),
            (11, None),
            (u32::MAX, None),
        ];
        for (replicas, permits) in cases {
            let split = tier1.split_among(*replicas);
            assert_eq!(split.map(|s| s.permits()), *permits, "{replicas} replicas");
            if let Some(split) = split {
                // Same window, no burst, paced at the default margin: the replicas together
                // never spend more than the whole limit in one window.
                assert_eq!(split.period(), Duration::from_secs(1));
                assert_eq!(split.burst_size(), 1);
                assert!(split.interval() > Duration::from_secs(1) / split.permits());
                assert!(split.permits() * replicas <= tier1.permits());
            }
        }
        let four = tier1.split_among(4).unwrap();
        assert_eq!(four.interval(), Duration::from_nanos(555_555_556));
        // A lower margin is kept; a burst is not.
        let careful = RateLimit::per_second(10).margin(0.5).burst(5);
        let split = careful.split_among(2).unwrap();
        assert_eq!(split.interval(), Duration::from_millis(400));
        assert_eq!(split.burst_size(), 1);
        // A share keeps its longer window: 10 per 1.25 s split in four is 2 per 1.25 s.
        let batches = RateLimit::per_second(10).share(0.8).split_among(4).unwrap();
        assert_eq!(batches.permits(), 2);
        assert_eq!(batches.period(), Duration::from_millis(1250));
    }

    #[test]
    fn limits_know_when_they_are_empty() {
        assert!(BucketLimits::new().is_empty());
        assert!(
            !BucketLimits::new()
                .bucket("a", RateLimit::per_second(1))
                .is_empty()
        );
        assert!(
            !BucketLimits::new()
                .default_limit(RateLimit::per_second(1))
                .is_empty()
        );
    }
}
