//! [`RedisRateLimiter`]: one rate limit shared by every replica, kept in Redis.
//!
//! Each permit is one round trip: a Lua script, loaded once and then called by its hash
//! (`EVALSHA`), reserves the caller's slot with the same algorithm as
//! [`LocalRateLimiter`](super::LocalRateLimiter), taking the time from Redis's own clock
//! (`TIME`) so that the replicas' clocks do not matter. A 429 pause is stored in Redis too, so
//! every replica sees it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures::future::BoxFuture;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, Script};
use tokio::time::Instant;

use super::{BucketLimits, LocalRateLimiter, RateLimiter};
use crate::error::{Error, Result};
use crate::secret::SecretString;

/// Reserves the next slot of a bucket. KEYS: the bucket's next-slot and pause keys. ARGV: the
/// interval and the burst tolerance in µs, and the longest wait the caller accepts (-1: any).
/// Returns `{granted, wait_us}`; nothing is reserved when `granted` is 0.
const ACQUIRE: &str = r"
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local next_slot = tonumber(redis.call('GET', KEYS[1]) or 0)
local paused = tonumber(redis.call('GET', KEYS[2]) or 0)
local start = math.max(next_slot, now, paused)
local go = math.max(start - tolerance, now, paused)
local wait = go - now
if max_wait >= 0 and wait > max_wait then
  return {0, wait}
end
local after = start + interval
redis.call('SET', KEYS[1], string.format('%.0f', after), 'PX', math.ceil((after - now) / 1000) + 1000)
return {1, wait}
";

/// Pauses a bucket. KEYS: the pause key. ARGV: the pause in µs. A longer pause already stored
/// is kept.
const PAUSE: &str = r"
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local wait = tonumber(ARGV[1])
local ends = now + wait
local current = tonumber(redis.call('GET', KEYS[1]) or 0)
if ends > current then
  redis.call('SET', KEYS[1], string.format('%.0f', ends), 'PX', math.ceil(wait / 1000) + 1000)
end
return 1
";

/// How often a limiter that fell back to its local share tries Redis again.
const PROBE_EVERY: Duration = Duration::from_secs(1);

/// The longest interval or pause sent to Redis, in µs (a year; absurd limits are clamped).
const LONGEST_US: u64 = 365 * 24 * 60 * 60 * 1_000_000;

/// A rate limiter shared by every process that uses the same Redis and namespace.
///
/// Build it with [`RedisRateLimiter::builder`]. Every replica must be given the same limits.
/// When Redis cannot be reached, [`RateLimiter::acquire`] fails with
/// [`Error::RateLimiterUnavailable`], unless a local fallback was chosen with
/// [`RedisRateLimiterBuilder::fallback`]: then the replica limits itself to the share of the
/// budget you gave it until Redis answers again. There is no unlimited mode.
///
/// ```no_run
/// use std::sync::Arc;
/// use questkit_core::rate_limit::{BucketLimits, RateLimit, RedisRateLimiter};
///
/// # async fn run() -> questkit_core::Result<()> {
/// let limits = BucketLimits::new()
///     .bucket("tier1", RateLimit::per_second(10))
///     .bucket("tier2", RateLimit::per_second(100));
/// let limiter = RedisRateLimiter::builder("redis://127.0.0.1:6379")
///     .namespace("trophy:acme-production")
///     .limits(limits.clone())
///     // Four replicas: each may spend a quarter of the budget while Redis is down.
///     .fallback(limits.share(0.25))
///     .build()?;
/// let limiter = Arc::new(limiter);
/// # drop(limiter);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct RedisRateLimiter {
    conn: ConnectionManager,
    namespace: Arc<str>,
    limits: BucketLimits,
    fallback: Option<Arc<LocalRateLimiter>>,
    degraded: Arc<AtomicBool>,
    next_probe: Arc<std::sync::Mutex<Option<Instant>>>,
    acquire: Arc<Script>,
    pause: Arc<Script>,
}

impl std::fmt::Debug for RedisRateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisRateLimiter")
            .field("namespace", &self.namespace)
            .field("limits", &self.limits)
            .field("fallback", &self.fallback.is_some())
            .field("degraded", &self.is_degraded())
            .finish_non_exhaustive()
    }
}

/// Settings of a [`RedisRateLimiter`].
#[derive(Debug, Clone)]
#[must_use]
pub struct RedisRateLimiterBuilder {
    // The URL may carry a password: never printed.
    url: SecretString,
    namespace: String,
    limits: BucketLimits,
    fallback: Option<BucketLimits>,
    timeout: Duration,
}

impl RedisRateLimiter {
    /// Starts a limiter on the Redis at `url` (`redis://host:port/db`, `rediss://` for TLS
    /// where the redis crate is built with it).
    pub fn builder(url: impl Into<String>) -> RedisRateLimiterBuilder {
        RedisRateLimiterBuilder {
            url: SecretString::new(url.into()),
            namespace: "questkit".to_owned(),
            limits: BucketLimits::new(),
            fallback: None,
            timeout: Duration::from_millis(500),
        }
    }

    /// Whether the last permit came from the local fallback because Redis was unreachable.
    pub fn is_degraded(&self) -> bool {
        self.degraded.load(Ordering::Relaxed)
    }

    /// Whether it is time to try Redis again (at most once per [`PROBE_EVERY`] while
    /// degraded).
    fn probe_due(&self) -> bool {
        let now = Instant::now();
        let mut next = self
            .next_probe
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if next.is_some_and(|at| at > now) {
            return false;
        }
        *next = now.checked_add(PROBE_EVERY);
        true
    }

    /// The Redis keys of a bucket: next slot and pause, in one hash slot (for Redis Cluster).
    fn keys(&self, bucket: &str) -> (String, String) {
        let tag = format!("qk:{{{}:{bucket}}}", self.namespace);
        (format!("{tag}:next"), format!("{tag}:pause"))
    }

    async fn acquire_remote(&self, bucket: &str, deadline: Option<Instant>) -> Result<Duration> {
        let started = Instant::now();
        let (interval, tolerance) = match self.limits.get(bucket) {
            Some(limit) => {
                let interval = micros(limit.interval());
                let extra = u64::from(limit.burst_size().saturating_sub(1));
                (interval, interval.saturating_mul(extra).min(LONGEST_US))
            }
            // No limit: only a pause can hold the caller.
            None => (0, 0),
        };
        let max_wait = deadline.map_or(-1, |d| {
            i64::try_from(micros(d.saturating_duration_since(started))).unwrap_or(i64::MAX)
        });
        let (next, pause) = self.keys(bucket);
        let mut conn = self.conn.clone();
        let (granted, wait_us): (i64, i64) = self
            .acquire
            .key(next)
            .key(pause)
            .arg(interval)
            .arg(tolerance)
            .arg(max_wait)
            .invoke_async(&mut conn)
            .await
            .map_err(unavailable)?;
        let wait = Duration::from_micros(u64::try_from(wait_us).unwrap_or(0));
        if granted == 0 {
            return Err(Error::RateLimited {
                bucket: bucket.to_owned(),
                wait,
            });
        }
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        Ok(wait)
    }
}

impl RedisRateLimiterBuilder {
    /// The prefix of this limiter's keys (default `questkit`): one namespace per budget, so
    /// that several organisations or environments can share one Redis.
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = namespace.into();
        self
    }

    /// The limits of the buckets (the same on every replica).
    pub fn limits(mut self, limits: BucketLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Limits this replica locally to `share` while Redis is unreachable (for example the
    /// fleet's limits divided by the number of replicas: [`BucketLimits::share`]). Without a
    /// fallback, an unreachable Redis fails the calls with
    /// [`Error::RateLimiterUnavailable`].
    pub fn fallback(mut self, share: BucketLimits) -> Self {
        self.fallback = Some(share);
        self
    }

    /// How long one Redis round trip may take before Redis counts as unreachable (default
    /// 500 ms).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Checks the settings and builds the limiter. The connection is made on first use (and
    /// remade after a failure), so a Redis that is down at start-up is not an error here.
    pub fn build(self) -> Result<RedisRateLimiter> {
        if self.namespace.is_empty() || self.namespace.contains(['{', '}']) {
            return Err(Error::config(
                "the rate limiter's namespace must be non-empty and hold no braces",
            ));
        }
        let client = Client::open(self.url.expose())
            .map_err(|e| Error::config(format!("invalid Redis URL ({})", e.category())))?;
        let config = ConnectionManagerConfig::new()
            .set_response_timeout(Some(self.timeout))
            .set_connection_timeout(Some(self.timeout))
            .set_number_of_retries(1);
        let conn = ConnectionManager::new_lazy_with_config(client, config)
            .map_err(|e| Error::config(format!("cannot set up the Redis connection: {e}")))?;
        Ok(RedisRateLimiter {
            conn,
            namespace: self.namespace.into(),
            limits: self.limits,
            fallback: self.fallback.map(|l| Arc::new(LocalRateLimiter::new(l))),
            degraded: Arc::new(AtomicBool::new(false)),
            next_probe: Arc::default(),
            acquire: Arc::new(Script::new(ACQUIRE)),
            pause: Arc::new(Script::new(PAUSE)),
        })
    }
}

impl RateLimiter for RedisRateLimiter {
    fn acquire<'a>(
        &'a self,
        bucket: &'a str,
        deadline: Option<Instant>,
    ) -> BoxFuture<'a, Result<Duration>> {
        Box::pin(async move {
            // While Redis is down, callers go straight to the local share and Redis is tried
            // again once per PROBE_EVERY, so that every call does not wait for a timeout.
            if let Some(local) = &self.fallback {
                if self.is_degraded() && !self.probe_due() {
                    return local.acquire(bucket, deadline).await;
                }
            }
            match self.acquire_remote(bucket, deadline).await {
                Err(Error::RateLimiterUnavailable(reason)) => match &self.fallback {
                    Some(local) => {
                        if !self.degraded.swap(true, Ordering::Relaxed) {
                            tracing::warn!(%reason, "Redis rate limiter unreachable: using the local share");
                        }
                        local.acquire(bucket, deadline).await
                    }
                    None => Err(Error::RateLimiterUnavailable(reason)),
                },
                other => {
                    if other.is_ok() && self.degraded.swap(false, Ordering::Relaxed) {
                        tracing::info!("Redis rate limiter reachable again");
                    }
                    other
                }
            }
        })
    }

    fn pause<'a>(&'a self, bucket: &'a str, wait: Option<Duration>) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let wait = wait
                .or_else(|| self.limits.get(bucket).map(|l| l.period()))
                .unwrap_or(Duration::from_secs(1));
            if let Some(local) = &self.fallback {
                // The fallback pauses too, in case Redis goes away before the pause ends.
                local.pause(bucket, Some(wait)).await?;
            }
            let (_, pause) = self.keys(bucket);
            let mut conn = self.conn.clone();
            let _: i64 = self
                .pause
                .key(pause)
                .arg(micros(wait))
                .invoke_async(&mut conn)
                .await
                .map_err(unavailable)?;
            Ok(())
        })
    }
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros())
        .unwrap_or(u64::MAX)
        .min(LONGEST_US)
}

fn unavailable(err: redis::RedisError) -> Error {
    Error::RateLimiterUnavailable(format!("Redis: {err}"))
}
