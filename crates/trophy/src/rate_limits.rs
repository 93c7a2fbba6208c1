//! Trophy's rate limits: per organisation, in two tiers, with 429 beyond.
//!
//! - **Tier 1** ([`TIER_1`]): metric events, achievement completions and every admin call;
//!   10 requests a second in Trophy's current documentation.
//! - **Tier 2** ([`TIER_2`]): every other application call; 100 requests a second.
//!
//! Older copies of the documentation said 5 and 50, and plans can be raised on request: use
//! [`tiers`] with your own numbers when yours differ. No rate-limit headers are documented.
//!
//! Every call of the client names its tier, so a limiter set with
//! [`TrophyBuilder::documented_rate_limits`](crate::TrophyBuilder::documented_rate_limits),
//! [`rate_limit_tiers`](crate::TrophyBuilder::rate_limit_tiers) or
//! [`rate_limiter`](crate::TrophyBuilder::rate_limiter) paces each tier on its own. The limits
//! are per organisation: when several processes share one, give them one
//! `RedisRateLimiter` (feature `redis`) with [`documented`] (or [`tiers`]) limits and one
//! namespace.
//!
//! The limiter types are re-exported here from `questkit_core::rate_limit`, so that a crate
//! depending only on `questkit-trophy` can name them: [`RateLimit`], [`BucketLimits`], the
//! [`RateLimiter`] trait, [`LocalRateLimiter`] (one process), and with the `redis` feature
//! `RedisRateLimiter` and `RedisRateLimiterBuilder` (a fleet).
#![cfg_attr(
    feature = "redis",
    doc = r#"
A fleet of four replicas sharing one organisation's budget through Redis (the event batcher of
each replica takes its Tier 1 permits from the same limiter):

```no_run
use std::sync::Arc;
use questkit_trophy::Trophy;
use questkit_trophy::rate_limits::{self, RedisRateLimiter};

# async fn run() -> Result<(), Box<dyn std::error::Error>> {
let limiter = RedisRateLimiter::builder("redis://127.0.0.1:6379")
    .namespace("trophy:acme-production")
    .limits(rate_limits::documented())
    // While Redis is unreachable, each of the 4 replicas paces itself at a quarter of the
    // budget, so that together they stay within it.
    .fallback_replicas(4)
    .build()?;
let trophy = Trophy::builder()
    .api_key(std::env::var("TROPHY_API_KEY").unwrap_or_default())
    .rate_limiter(Arc::new(limiter))
    .build()?;
let user = trophy.users().get("user-1").await?;
# drop(user);
# Ok(())
# }
```
"#
)]

pub use questkit_core::rate_limit::{BucketLimits, LocalRateLimiter, RateLimit, RateLimiter};
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use questkit_core::rate_limit::{RedisRateLimiter, RedisRateLimiterBuilder};

/// The bucket of metric events, achievement completions and every admin call.
pub const TIER_1: &str = "tier1";
/// The bucket of every other application call.
pub const TIER_2: &str = "tier2";

/// Tier 1's documented rate, per second.
pub const DOCUMENTED_TIER_1_PER_SECOND: u32 = 10;
/// Tier 2's documented rate, per second.
pub const DOCUMENTED_TIER_2_PER_SECOND: u32 = 100;

/// Trophy's documented limits: 10 requests a second in Tier 1, 100 in Tier 2 (paced 10 %
/// under them, see [`questkit_core::rate_limit::DEFAULT_MARGIN`]).
///
/// ```
/// let limits = questkit_trophy::rate_limits::documented();
/// assert_eq!(limits.get("tier1").unwrap().permits(), 10);
/// assert_eq!(limits.get("tier2").unwrap().permits(), 100);
/// ```
pub fn documented() -> BucketLimits {
    tiers(
        RateLimit::per_second(DOCUMENTED_TIER_1_PER_SECOND),
        RateLimit::per_second(DOCUMENTED_TIER_2_PER_SECOND),
    )
}

/// Limits with your own rates per tier (a raised plan, or the older 5 and 50).
pub fn tiers(tier1: RateLimit, tier2: RateLimit) -> BucketLimits {
    BucketLimits::new()
        .bucket(TIER_1, tier1)
        .bucket(TIER_2, tier2)
}
