//! [`RedisRateLimiter`]: one rate limit shared by every replica, kept in Redis.
//!
//! Each permit is one round trip: a Lua script, loaded once and then called by its hash
//! (`EVALSHA`), reserves the caller's slot with the same algorithm as
//! [`LocalRateLimiter`](super::LocalRateLimiter), taking the time from Redis's own clock
//! (`TIME`) so that the replicas' clocks do not matter. A 429 pause is stored in Redis too, so
//! every replica sees it.
//!
//! While Redis is unreachable, a limiter built with
//! [`fallback_replicas`](RedisRateLimiterBuilder::fallback_replicas) gives permits from a
//! [`LocalRateLimiter`](super::LocalRateLimiter) at this replica's floor share of each limit,
//! entering and leaving that mode with the waits [`RedisRateLimiter`] describes.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures::future::BoxFuture;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, FromRedisValue, Script};
use tokio::time::Instant;

use super::local::LONGEST;
use super::{BucketLimits, LocalRateLimiter, RateLimit, RateLimiter};
use crate::error::{Error, Result};
use crate::retry::upward_jitter;
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
pub(crate) const PROBE_EVERY: Duration = Duration::from_secs(1);

/// The longest interval or pause sent to Redis, in µs (a year; absurd limits are clamped).
const LONGEST_US: u64 = 365 * 24 * 60 * 60 * 1_000_000;

/// A rate limiter shared by every process that uses the same Redis and namespace.
///
/// Build it with [`RedisRateLimiter::builder`]. Every replica must be given the same limits.
/// When Redis cannot be reached, [`RateLimiter::acquire`] fails with
/// [`Error::RateLimiterUnavailable`], unless a local fallback was chosen with
/// [`RedisRateLimiterBuilder::fallback_replicas`]: then each of the `n` replicas limits
/// itself to `floor(L / n)` permits per period of every limit of `L` permits, until Redis
/// answers again. There is no unlimited mode.
///
/// Switching is careful in both directions, so that the fleet never spends the budget twice:
///
/// - into the fallback, a replica's first local permit of a bucket comes no earlier than one
///   period (plus the probe interval, 1 s) after the later of the last permit Redis granted it
///   and the moment Redis was found unreachable: permits Redis granted the other replicas
///   just before it went away may still be in use;
/// - back to Redis (tried once a second, also by the callers waiting for a local permit), the
///   replica first pauses in Redis, for one period plus 1 s, every bucket it knows, so that
///   the first Redis permit comes after every replica (each notices within a second) has
///   stopped spending its local share; Redis then paces the permits as usual. A caller
///   still waiting for a local permit when Redis comes back gives it up and asks Redis.
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
///     .limits(limits)
///     // Four replicas: while Redis is down, each may send 2 tier1 and 25 tier2 requests a
///     // second (floor(10 / 4) and floor(100 / 4)).
///     .fallback_replicas(4)
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
    shared: Arc<Shared>,
    acquire: Arc<Script>,
    pause: Arc<Script>,
}

/// What the clones of one limiter share besides the connection.
#[derive(Debug)]
struct Shared {
    /// The replicas sharing the budget when falling back (`None`: no fallback).
    replicas: Option<u32>,
    /// The local limiter of the fallback (empty limits: every call passes its share), which
    /// also keeps the pauses after a 429 in case Redis goes away before they end.
    local: LocalRateLimiter,
    /// A copy of `state.outage.is_some()`, read without the lock.
    degraded: AtomicBool,
    state: Mutex<State>,
}

/// The fallback's state.
#[derive(Debug, Default)]
struct State {
    /// The current outage, while Redis is unreachable.
    outage: Option<Outage>,
    /// How many outages so far (numbers them).
    outages: u64,
    /// When Redis may be tried again during an outage.
    next_probe: Option<Instant>,
    /// Every bucket this replica has used, by name.
    buckets: HashMap<String, Used>,
}

/// One outage: when Redis was found unreachable, and its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Outage {
    since: Instant,
    number: u64,
}

/// What this replica knows of a bucket it used.
#[derive(Debug, Default)]
struct Used {
    /// The limit its callers passed ([`RateLimiter::acquire_with_limit`]), if any.
    given: Option<RateLimit>,
    /// When the caller of the last permit Redis granted goes (maybe in the future).
    last_go: Option<Instant>,
    /// The outage whose fallback hold was set on this bucket.
    held_in: Option<u64>,
}

impl std::fmt::Debug for RedisRateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisRateLimiter")
            .field("namespace", &self.namespace)
            .field("limits", &self.limits)
            .field("fallback_replicas", &self.shared.replicas)
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
    replicas: Option<u32>,
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
            replicas: None,
            timeout: Duration::from_millis(500),
        }
    }

    /// Whether Redis counts as unreachable: permits come from the local fallback until a
    /// probe (once a second) finds Redis again. Always `false` without a fallback.
    pub fn is_degraded(&self) -> bool {
        self.shared.degraded.load(Ordering::Relaxed)
    }

    /// The Redis keys of a bucket: next slot and pause, in one hash slot (for Redis Cluster).
    fn keys(&self, bucket: &str) -> (String, String) {
        let tag = format!("qk:{{{}:{bucket}}}", self.namespace);
        (format!("{tag}:next"), format!("{tag}:pause"))
    }

    /// Runs `script` with these keys and arguments, once more if the first try fails: the
    /// redis crate fails the call that finds its connection broken and only then reconnects,
    /// so the second try is the one that says whether Redis is reachable (a Redis that
    /// came back is not missed, and a dropped idle connection is no outage).
    async fn run<T: FromRedisValue>(
        &self,
        script: &Script,
        keys: &[&str],
        args: impl Fn() -> Vec<i64>,
    ) -> Result<T> {
        let mut failure = None;
        for _ in 0..2 {
            let mut invocation = script.prepare_invoke();
            for key in keys {
                invocation.key(*key);
            }
            for arg in args() {
                invocation.arg(arg);
            }
            let mut conn = self.conn.clone();
            match invocation.invoke_async(&mut conn).await {
                Ok(value) => return Ok(value),
                Err(err) => failure = Some(err),
            }
        }
        Err(failure.map_or_else(
            || Error::RateLimiterUnavailable("Redis: no answer".to_owned()),
            unavailable,
        ))
    }

    /// Reserves a permit in Redis: how long the caller waits, and the instant it goes. Does
    /// not sleep.
    async fn acquire_remote(
        &self,
        bucket: &str,
        limit: Option<RateLimit>,
        deadline: Option<Instant>,
    ) -> Result<(Duration, Instant)> {
        let (interval, tolerance) = match limit {
            Some(limit) => {
                let interval = micros(limit.interval());
                let extra = u64::from(limit.burst_size().saturating_sub(1));
                (interval, interval.saturating_mul(extra).min(LONGEST_US))
            }
            // No limit: only a pause can hold the caller.
            None => (0, 0),
        };
        let args = || {
            // The longest wait the caller accepts, from now (-1: any).
            let max_wait = deadline.map_or(-1, |d| {
                signed(micros(d.saturating_duration_since(Instant::now())))
            });
            vec![signed(interval), signed(tolerance), max_wait]
        };
        let (next, pause) = self.keys(bucket);
        let (granted, wait_us): (i64, i64) =
            self.run(&self.acquire, &[&next, &pause], args).await?;
        let wait = Duration::from_micros(u64::try_from(wait_us).unwrap_or(0).min(LONGEST_US));
        if granted == 0 {
            return Err(Error::RateLimited {
                bucket: bucket.to_owned(),
                wait,
            });
        }
        let now = Instant::now();
        Ok((wait, now.checked_add(wait).unwrap_or(now)))
    }

    /// Stores a pause of `wait` on `bucket` in Redis (a longer one already stored is kept).
    async fn store_pause(&self, bucket: &str, wait: Duration) -> Result<()> {
        let (_, pause) = self.keys(bucket);
        let _: i64 = self
            .run(&self.pause, &[&pause], || vec![signed(micros(wait))])
            .await?;
        Ok(())
    }

    /// A permit of `bucket`, limited by `given` or else its configured limit: from Redis, or
    /// from the local fallback while Redis is unreachable.
    async fn acquire_any(
        &self,
        bucket: &str,
        given: Option<RateLimit>,
        deadline: Option<Instant>,
    ) -> Result<Duration> {
        let limit = given.or_else(|| self.limits.get(bucket).copied());
        let Some(replicas) = self.shared.replicas else {
            let (wait, go) = self.acquire_remote(bucket, limit, deadline).await?;
            if given.is_some() {
                self.shared
                    .lock()
                    .buckets
                    .entry(bucket.to_owned())
                    .or_default()
                    .given = given;
            }
            if !wait.is_zero() {
                tokio::time::sleep_until(go).await;
            }
            return Ok(wait);
        };
        let started = Instant::now();
        loop {
            let outage = self.shared.lock().outage;
            let Some(outage) = outage else {
                match self.acquire_remote(bucket, limit, deadline).await {
                    Ok((wait, go)) => {
                        self.shared.granted(bucket, given, limit, go);
                        if !wait.is_zero() {
                            tokio::time::sleep_until(go).await;
                        }
                        return Ok(wait);
                    }
                    Err(Error::RateLimiterUnavailable(reason)) => {
                        self.shared.enter_outage(&reason, replicas);
                        continue;
                    }
                    Err(other) => return Err(other),
                }
            };
            // While Redis is down, callers go straight to the local share and Redis is tried
            // again once per PROBE_EVERY, so that every call does not wait for a timeout.
            if self.shared.probe_due() && self.recover(outage.number, bucket).await {
                continue;
            }
            let share = match limit {
                Some(limit) => Some(limit.split_among(replicas).ok_or_else(|| {
                    Error::RateLimiterUnavailable(format!(
                        "Redis is unreachable, and the limit of bucket `{bucket}` ({} per {:?}) \
                         cannot be split between {replicas} replicas: fewer permits than \
                         replicas, so any local share would exceed it",
                        limit.permits(),
                        limit.period()
                    ))
                })?),
                None => None,
            };
            self.shared.hold_once(bucket, given, limit, outage);
            let go = self.shared.local.reserve(bucket, share, deadline)?;
            if self.wait_local(go, outage.number, bucket).await {
                return Ok(go.saturating_duration_since(started));
            }
            // Redis came back while this caller waited: its local slot is given up (a slot
            // not used never exceeds a limit) and it asks Redis, which is paused for now.
        }
    }

    /// Waits until `go`, the instant of a local permit, unless Redis comes back first: the
    /// waiting callers wake at every probe time to try Redis (so that a replica whose
    /// callers all wait still notices within [`PROBE_EVERY`]). True when the caller may go.
    async fn wait_local(&self, go: Instant, outage: u64, bucket: &str) -> bool {
        loop {
            // Redis back (or another outage): the local slot is not used, even when due.
            if self.shared.outage_number() != Some(outage) {
                return false;
            }
            if go <= Instant::now() {
                return true;
            }
            if self.shared.probe_due() {
                // A slow probe (Redis still down) must not make this caller late: when its
                // slot comes first, the probe is dropped (the next one is a second later).
                tokio::select! {
                    recovered = self.recover(outage, bucket) => {
                        if recovered {
                            return false;
                        }
                        continue;
                    }
                    () = tokio::time::sleep_until(go) => continue,
                }
            }
            let wake = self.shared.next_probe().map_or(go, |probe| probe.min(go));
            tokio::time::sleep_until(wake).await;
        }
    }

    /// Tries Redis during outage number `outage`, by pausing in Redis every bucket this
    /// replica knows for one period plus [`PROBE_EVERY`]: every replica notices Redis within
    /// [`PROBE_EVERY`] and then stops spending its local share, so the first permit Redis
    /// grants after the pause cannot meet the fleet's fallback traffic in one window. True
    /// when Redis answered and the outage is over.
    async fn recover(&self, outage: u64, bucket: &str) -> bool {
        let mut pauses = self.shared.recovery_pauses(&self.limits);
        if pauses.is_empty() {
            // Only buckets without a limit: a pause of nothing is the probe.
            pauses.insert(bucket.to_owned(), Duration::ZERO);
        }
        for (name, wait) in &pauses {
            if let Err(err) = self.store_pause(name, *wait).await {
                tracing::debug!(error = %err, "Redis rate limiter still unreachable");
                return false;
            }
        }
        self.shared.end_outage(outage);
        true
    }
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock leaves consistent data: keep using it.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn outage_number(&self) -> Option<u64> {
        self.lock().outage.map(|o| o.number)
    }

    fn next_probe(&self) -> Option<Instant> {
        self.lock().next_probe
    }

    /// Whether it is time to try Redis again (at most once per [`PROBE_EVERY`] while
    /// degraded). Claims the probe when it is.
    fn probe_due(&self) -> bool {
        let now = Instant::now();
        let mut state = self.lock();
        if state.outage.is_none() || state.next_probe.is_some_and(|at| at > now) {
            return false;
        }
        state.next_probe = now.checked_add(PROBE_EVERY);
        true
    }

    /// Starts an outage, unless one is under way.
    fn enter_outage(&self, reason: &str, replicas: u32) {
        let now = Instant::now();
        let mut state = self.lock();
        if state.outage.is_some() {
            return;
        }
        state.outages = state.outages.wrapping_add(1);
        state.outage = Some(Outage {
            since: now,
            number: state.outages,
        });
        state.next_probe = now.checked_add(PROBE_EVERY);
        self.degraded.store(true, Ordering::Relaxed);
        tracing::warn!(
            %reason,
            replicas,
            "Redis rate limiter unreachable: using this replica's local share of each limit"
        );
    }

    /// Ends outage number `outage` (not a later one).
    fn end_outage(&self, outage: u64) {
        let mut state = self.lock();
        if state.outage.map(|o| o.number) != Some(outage) {
            return;
        }
        state.outage = None;
        state.next_probe = None;
        self.degraded.store(false, Ordering::Relaxed);
        tracing::info!("Redis rate limiter reachable again");
    }

    /// Records a permit Redis granted, whose caller goes at `go`.
    fn granted(
        &self,
        bucket: &str,
        given: Option<RateLimit>,
        limit: Option<RateLimit>,
        go: Instant,
    ) {
        let mut state = self.lock();
        let outage = state.outage;
        let used = state.buckets.entry(bucket.to_owned()).or_default();
        if given.is_some() {
            used.given = given;
        }
        used.last_go = Some(used.last_go.map_or(go, |last| last.max(go)));
        // An answer that left before Redis went away but arrived after the fallback started:
        // the fallback waits for this permit too.
        if let (Some(outage), Some(limit)) = (outage, limit) {
            if used.held_in == Some(outage.number) {
                self.local
                    .hold(bucket, entry_hold(Some(go), outage.since, limit.period()));
            }
        }
    }

    /// Holds the fallback of `bucket` once per outage, before its first local permit.
    fn hold_once(
        &self,
        bucket: &str,
        given: Option<RateLimit>,
        limit: Option<RateLimit>,
        outage: Outage,
    ) {
        let mut state = self.lock();
        let used = state.buckets.entry(bucket.to_owned()).or_default();
        if given.is_some() {
            used.given = given;
        }
        if used.held_in == Some(outage.number) {
            return;
        }
        used.held_in = Some(outage.number);
        if let Some(limit) = limit {
            // Set under the state lock: no caller of this bucket reserves a local slot of
            // this outage before the hold is in place.
            self.local.hold(
                bucket,
                entry_hold(used.last_go, outage.since, limit.period()),
            );
        }
    }

    /// The pauses to store in Redis before using it again: one period of the limit plus
    /// [`PROBE_EVERY`], for every configured bucket and every limited bucket used.
    fn recovery_pauses(&self, limits: &BucketLimits) -> BTreeMap<String, Duration> {
        let mut pauses: BTreeMap<String, Duration> = limits
            .iter()
            .map(|(name, limit)| (name.to_owned(), limit.period()))
            .collect();
        let state = self.lock();
        for (name, used) in &state.buckets {
            if let Some(limit) = used.given.or_else(|| limits.get(name).copied()) {
                let period = pauses.entry(name.clone()).or_insert(limit.period());
                *period = (*period).max(limit.period());
            }
        }
        for wait in pauses.values_mut() {
            *wait = wait.saturating_add(PROBE_EVERY);
        }
        pauses
    }

    /// The limit of `bucket`: configured, else the one its callers passed.
    fn limit_of(&self, bucket: &str, limits: &BucketLimits) -> Option<RateLimit> {
        limits
            .get(bucket)
            .copied()
            .or_else(|| self.lock().buckets.get(bucket).and_then(|u| u.given))
    }
}

/// The first instant the fallback may give a permit of a bucket whose limit has this
/// `period`: one period plus [`PROBE_EVERY`] after the later of `last_go` (when the last
/// caller Redis granted this replica goes) and `since` (when Redis was found unreachable).
///
/// Why so late: the other replicas may hold permits Redis granted just before it went away,
/// whose callers go in the future (Redis had queued them), and they notice the outage only
/// on their next call. Waiting one whole window after those permits is what keeps a strict
/// server-side sliding window from seeing them and the local shares together.
fn entry_hold(last_go: Option<Instant>, since: Instant, period: Duration) -> Instant {
    let from = last_go.map_or(since, |go| go.max(since));
    let wait = period.min(LONGEST).saturating_add(PROBE_EVERY);
    from.checked_add(wait).unwrap_or(from)
}

impl RedisRateLimiterBuilder {
    /// The prefix of this limiter's keys (default `questkit`): one namespace per budget, so
    /// that several organisations or environments can share one Redis.
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = namespace.into();
        self
    }

    /// The limits of the buckets (the same on every replica). Required: [`build`] refuses a
    /// limiter without any.
    ///
    /// [`build`]: RedisRateLimiterBuilder::build
    pub fn limits(mut self, limits: BucketLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Falls back to a local limit while Redis is unreachable, the fleet being `replicas`
    /// processes that share these limits: each then gets `floor(L / replicas)` permits per
    /// period of every limit of `L` permits (paced at [`DEFAULT_MARGIN`]), so that the
    /// replicas together stay within it. Without a fallback, an unreachable Redis fails the
    /// calls with [`Error::RateLimiterUnavailable`].
    ///
    /// Count every process that may share the budget (a rolling deploy can run old and new
    /// replicas at once). [`build`] fails when a limit has fewer permits than `replicas`:
    /// no split can hold then.
    ///
    /// [`DEFAULT_MARGIN`]: super::DEFAULT_MARGIN
    /// [`build`]: RedisRateLimiterBuilder::build
    pub fn fallback_replicas(mut self, replicas: u32) -> Self {
        self.replicas = Some(replicas);
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
    ///
    /// Fails with [`Error::Config`] for an empty namespace or one holding braces, an invalid
    /// URL, no limits at all (such a limiter would limit nothing), `fallback_replicas(0)`, or
    /// `fallback_replicas(n)` with a limit of fewer than `n` permits.
    pub fn build(self) -> Result<RedisRateLimiter> {
        if self.namespace.is_empty() || self.namespace.contains(['{', '}']) {
            return Err(Error::config(
                "the rate limiter's namespace must be non-empty and hold no braces",
            ));
        }
        if self.limits.is_empty() {
            return Err(Error::config(
                "the Redis rate limiter has no limits, so it would limit nothing: set them with \
                 .limits(BucketLimits::new().bucket(...))",
            ));
        }
        if let Some(replicas) = self.replicas {
            check_split(&self.limits, replicas)?;
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
            shared: Arc::new(Shared {
                replicas: self.replicas,
                local: LocalRateLimiter::new(BucketLimits::new()),
                degraded: AtomicBool::new(false),
                state: Mutex::default(),
            }),
            acquire: Arc::new(Script::new(ACQUIRE)),
            pause: Arc::new(Script::new(PAUSE)),
        })
    }
}

/// Checks that every limit can be split between `replicas` replicas.
fn check_split(limits: &BucketLimits, replicas: u32) -> Result<()> {
    if replicas == 0 {
        return Err(Error::config(
            "fallback_replicas(0): the fallback needs the number of replicas sharing the limits \
             (at least 1)",
        ));
    }
    let named = limits
        .iter()
        .map(|(name, limit)| (format!("`{name}`"), limit));
    let other = limits
        .default
        .as_ref()
        .map(|limit| ("of the other buckets (default)".to_owned(), limit));
    for (name, limit) in named.chain(other) {
        if limit.split_among(replicas).is_none() {
            return Err(Error::config(format!(
                "fallback_replicas({replicas}): the limit {name} allows {permits} requests per \
                 {period:?}, and a local share cannot hold for more replicas than permits \
                 (floor({permits} / {replicas}) = 0): use at most fallback_replicas({permits})",
                permits = limit.permits(),
                period = limit.period(),
            )));
        }
    }
    Ok(())
}

impl RateLimiter for RedisRateLimiter {
    fn configured_limit(&self, bucket: &str) -> Option<RateLimit> {
        self.limits.get(bucket).copied()
    }

    fn acquire<'a>(
        &'a self,
        bucket: &'a str,
        deadline: Option<Instant>,
    ) -> BoxFuture<'a, Result<Duration>> {
        Box::pin(self.acquire_any(bucket, None, deadline))
    }

    fn acquire_with_limit<'a>(
        &'a self,
        bucket: &'a str,
        limit: RateLimit,
        deadline: Option<Instant>,
    ) -> BoxFuture<'a, Result<Duration>> {
        Box::pin(self.acquire_any(bucket, Some(limit), deadline))
    }

    fn pause<'a>(&'a self, bucket: &'a str, wait: Option<Duration>) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let wait = wait
                .or_else(|| {
                    self.shared
                        .limit_of(bucket, &self.limits)
                        .map(|l| l.period())
                })
                .unwrap_or(Duration::from_secs(1))
                .min(LONGEST);
            // One draw for Redis and the local fallback alike.
            let wait = upward_jitter(wait, fastrand::f64());
            // The fallback pauses too, in case Redis goes away before the pause ends.
            let now = Instant::now();
            self.shared
                .local
                .hold(bucket, now.checked_add(wait).unwrap_or(now));
            self.store_pause(bucket, wait).await
        })
    }
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros())
        .unwrap_or(u64::MAX)
        .min(LONGEST_US)
}

fn signed(us: u64) -> i64 {
    i64::try_from(us).unwrap_or(i64::MAX)
}

fn unavailable(err: redis::RedisError) -> Error {
    Error::RateLimiterUnavailable(format!("Redis: {err}"))
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;

    fn tier1() -> BucketLimits {
        BucketLimits::new().bucket("tier1", RateLimit::per_second(10))
    }

    fn config_error(builder: RedisRateLimiterBuilder) -> String {
        match builder.build() {
            Err(Error::Config(message)) => message,
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn build_refuses_what_cannot_hold() {
        let url = "redis://127.0.0.1:1/";
        // No limits: it would limit nothing.
        let message = config_error(RedisRateLimiter::builder(url));
        assert!(message.contains("no limits"), "{message}");
        let message = config_error(RedisRateLimiter::builder(url).limits(BucketLimits::new()));
        assert!(message.contains("no limits"), "{message}");
        // No replicas.
        let message = config_error(
            RedisRateLimiter::builder(url)
                .limits(tier1())
                .fallback_replicas(0),
        );
        assert!(message.contains("fallback_replicas(0)"), "{message}");
        // More replicas than permits.
        let message = config_error(
            RedisRateLimiter::builder(url)
                .limits(tier1().bucket("tier2", RateLimit::per_second(100)))
                .fallback_replicas(11),
        );
        assert!(message.contains("`tier1`"), "{message}");
        assert!(message.contains("cannot hold"), "{message}");
        assert!(
            message.contains("at most fallback_replicas(10)"),
            "{message}"
        );
        // The default limit counts too.
        let message = config_error(
            RedisRateLimiter::builder(url)
                .limits(tier1().default_limit(RateLimit::per_second(3)))
                .fallback_replicas(4),
        );
        assert!(message.contains("default"), "{message}");
        // As many replicas as permits is fine (one each), and so is a default limit alone.
        for n in [1, 4, 10] {
            let limiter = RedisRateLimiter::builder(url)
                .limits(tier1())
                .fallback_replicas(n)
                .build()
                .unwrap();
            assert!(!limiter.is_degraded());
        }
        RedisRateLimiter::builder(url)
            .limits(BucketLimits::new().default_limit(RateLimit::per_second(5)))
            .build()
            .unwrap();
    }

    #[test]
    fn the_fallback_starts_a_window_and_a_probe_after_the_last_redis_permit() {
        let since = Instant::now();
        let second = Duration::from_secs(1);
        // Nothing granted yet: from the moment Redis was found unreachable.
        assert_eq!(entry_hold(None, since, second), since + 2 * second);
        // A permit Redis granted that goes later than that: from it.
        let go = since + Duration::from_millis(700);
        assert_eq!(entry_hold(Some(go), since, second), go + 2 * second);
        // One that went before: from the outage.
        let early = since
            .checked_sub(Duration::from_millis(300))
            .unwrap_or(since);
        assert_eq!(entry_hold(Some(early), since, second), since + 2 * second);
        // The bucket's own period counts (a share of a tier has a longer one).
        let batches = RateLimit::per_second(10).share(0.8).period();
        assert_eq!(
            entry_hold(Some(go), since, batches),
            go + Duration::from_millis(2250)
        );
        // Absurd periods are clamped, never overflow.
        assert!(entry_hold(Some(go), since, Duration::MAX) > go);
    }

    #[tokio::test]
    async fn recovery_pauses_every_known_bucket_for_a_window_and_a_probe() {
        let limiter = RedisRateLimiter::builder("redis://127.0.0.1:1/")
            .limits(tier1().bucket("tier2", RateLimit::new(100, Duration::from_secs(2))))
            .fallback_replicas(4)
            .build()
            .unwrap();
        let shared = &limiter.shared;
        let batches = RateLimit::per_second(10).share(0.8);
        let now = Instant::now();
        shared.granted("tier1:batches", Some(batches), Some(batches), now);
        shared.granted("unlimited", None, None, now);
        let pauses = shared.recovery_pauses(&limiter.limits);
        let ms = Duration::from_millis;
        let expected: BTreeMap<String, Duration> = [
            ("tier1".to_owned(), ms(2000)),
            ("tier1:batches".to_owned(), ms(2250)),
            ("tier2".to_owned(), ms(3000)),
        ]
        .into_iter()
        .collect();
        assert_eq!(pauses, expected);
        // A 429 on a bucket whose callers bring their limit pauses for one period of it.
        assert_eq!(
            shared.limit_of("tier1:batches", &limiter.limits),
            Some(batches)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_hold_is_set_once_per_outage_and_follows_late_grants() {
        let limiter = RedisRateLimiter::builder("redis://127.0.0.1:1/")
            .limits(tier1())
            .fallback_replicas(2)
            .build()
            .unwrap();
        let shared = &limiter.shared;
        let limit = RateLimit::per_second(10);
        let start = Instant::now();
        shared.granted(
            "tier1",
            None,
            Some(limit),
            start + Duration::from_millis(400),
        );
        shared.enter_outage("test", 2);
        assert!(limiter.is_degraded());
        let outage = shared.lock().outage.unwrap();
        shared.hold_once("tier1", None, Some(limit), outage);
        let share = limit.split_among(2);
        let go = shared.local.reserve("tier1", share, None).unwrap();
        assert_eq!(go, start + Duration::from_millis(2400));
        // An answer Redis sent before it went away, arriving late, moves the hold.
        shared.granted(
            "tier1",
            None,
            Some(limit),
            start + Duration::from_millis(900),
        );
        let next = shared.local.reserve("tier1", share, None).unwrap();
        assert_eq!(next, start + Duration::from_millis(2900));
        // A second call in the same outage does not set it again.
        shared.hold_once("tier1", None, Some(limit), outage);
        let after = shared.local.reserve("tier1", share, None).unwrap();
        assert_eq!(after, next + share.unwrap().interval());
        // A probe is due once per second.
        assert!(!shared.probe_due());
        tokio::time::advance(PROBE_EVERY).await;
        assert!(shared.probe_due());
        assert!(!shared.probe_due());
        shared.end_outage(outage.number + 1);
        assert!(
            limiter.is_degraded(),
            "another outage's end changes nothing"
        );
        shared.end_outage(outage.number);
        assert!(!limiter.is_degraded());
        assert!(!shared.probe_due(), "no probe while Redis is reachable");
    }

    #[tokio::test]
    async fn a_given_limit_too_small_to_split_is_refused_in_the_fallback() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let limiter = RedisRateLimiter::builder(format!("redis://127.0.0.1:{port}/"))
            .limits(tier1())
            .fallback_replicas(4)
            .build()
            .unwrap();
        let err = limiter
            .acquire_with_limit("tiny", RateLimit::per_second(3), None)
            .await
            .unwrap_err();
        assert!(limiter.is_degraded());
        let Error::RateLimiterUnavailable(message) = &err else {
            panic!("{err:?}")
        };
        assert!(message.contains("`tiny`"), "{message}");
        assert!(message.contains("4 replicas"), "{message}");
    }
}
