//! The event batcher: metric events from many producers, sent to Trophy in batches of up to
//! 1,000 through `POST /metrics/events`, within a share of the Tier 1 budget, with patience
//! when Trophy is away and an account of every event.
//!
//! Built with [`MetricsAdmin::batcher`] (or [`MetricsAdmin::checked_batcher`], which also
//! checks metric keys); the mechanism is `questkit_core::batch` (read it for what is
//! delivered, reported and lost). What Trophy adds:
//!
//! - **Idempotency.** Every [`BatchEvent`] carries its own key, given when it is built (or
//!   yours). Batch requests are replay-safe, so a batch sent again after a 5xx, a timeout or a
//!   reset relies on Trophy ignoring events whose key it has already processed: no event is
//!   counted twice. Trophy processes batches asynchronously, and an event counts on the day
//!   Trophy processes it.
//! - **Delivered** means a 202 whose `accepted` equals the batch size. A smaller count is
//!   resent once with the same keys, then reported: Trophy does not say which events it left
//!   out.
//! - **Patience.** A batch that fails for a transient reason (connection error or reset,
//!   timeout, 5xx, 429, an unreachable shared limiter) is sent again, each time paced like a
//!   first send, with a capped jittered backoff, for [`BatcherConfig::give_up_after`]
//!   (default 5 minutes). Batch requests make no transport-level retries of their own. During
//!   an outage the queue fills and `send` waits: producers slow down, events do not fail.
//! - **Timing.** Trophy's batch events carry no timestamp: Trophy counts an event when the
//!   batch arrives. A flush interval of 500 ms (the default) moves an event by at most that
//!   much, plus the time it waits for its batch's turn; an event queued just before midnight
//!   in the user's time zone can still count for the next day in a streak or a daily
//!   leaderboard. Keep the interval short (at most a second) if that matters, and call
//!   [`EventBatcher::flush`] at the edges that do (the end of a job).
//! - **Budget.** Every batch is a Tier 1 request. The batcher paces its requests within
//!   [`BatcherConfig::budget_share`] (default 80 %) of the client's Tier 1 limit (the one set
//!   with `documented_rate_limits` or `rate_limit_tiers`, else the `tier1` limit of the
//!   client's rate limiter, else Trophy's documented 10 per second), so that other Tier 1 calls of the client (metric events, achievement
//!   completions, admin calls) are not starved. With a client-wide limiter the batcher keeps
//!   its pace in that limiter (bucket `tier1:batches`), and every request also takes its
//!   Tier 1 permit from it: with one `RedisRateLimiter` shared by a fleet, the share holds for
//!   the fleet.
//! - **Throughput.** Each limit is paced 10 % under itself (see
//!   `questkit_core::rate_limit::DEFAULT_MARGIN`), so at Trophy's 10 requests a second the
//!   ceiling is 9 batches of 1,000 events a second. The default share (80 %) gives about
//!   7,200 events a second and leaves 20 % of Tier 1 to your other calls; `budget_share(1.0)`
//!   gives about 9,000 when the batcher is the only Tier 1 caller.
//! - **Bad events.** Events are checked locally when queued ([`BatchEvent::validate`]): the
//!   producer gets them back at once. [`MetricsAdmin::checked_batcher`] also checks each
//!   event's metric key against Trophy's metric list. A batch Trophy refuses as a whole (400
//!   or 422, or 404 "Metric not found") is split until the events at fault are isolated; they
//!   are reported, the rest delivered. Each such event costs 10 to 20 extra requests; a key
//!   Trophy refused ("Metric not found") is then refused locally for a minute (events queued
//!   with it are reported without being sent), so one wrong key costs one split, not one per
//!   batch. Check keys locally when your keys can be wrong.
//! - **Shutdown.** Call [`EventBatcher::shutdown`] before the process ends, with a deadline
//!   from [`EventBatcher::estimated_drain_time`] (100,000 queued events at Tier 1's 10 requests
//!   a second take about 11 s, plus 10 s of slack): on SIGTERM, see the
//!   `trophy_ingest_service` example. If the runtime ends first, every event still queued or
//!   in flight is reported to the failure callback and an ERROR event says how many.
//!
//! ```no_run
//! use std::time::Duration;
//! use questkit_trophy::admin::batcher::{BatcherConfig, SendError};
//! use questkit_trophy::admin::metrics::BatchEvent;
//!
//! # async fn run(trophy: questkit_trophy::Trophy) -> questkit_core::Result<()> {
//! let batcher = trophy
//!     .admin()
//!     .metrics()
//!     .checked_batcher(
//!         BatcherConfig::default()
//!             .flush_interval(Duration::from_millis(250))
//!             .on_failure(|failed| {
//!                 eprintln!("{} not delivered: {}", failed.item.idempotency_key, failed.reason)
//!             }),
//!         Duration::from_secs(300),
//!     )?;
//! // Any number of producers, each with a clone of the handle:
//! let producer = batcher.clone();
//! match producer.send(BatchEvent::new("words-written", "user-1", 750.0)).await {
//!     Ok(()) => {}
//!     Err(SendError::Invalid(event, why)) => eprintln!("{}: {why}", event.key),
//!     Err(other) => eprintln!("not queued: {other}"),
//! }
//! // At the end: deliver what is queued, within a deadline, and account for every event.
//! let report = batcher.shutdown(batcher.estimated_drain_time()).await;
//! println!(
//!     "{} delivered in {} batches ({} resent, {} split requests), {} failed",
//!     report.delivered, report.batches, report.resends, report.split_requests, report.failed_count
//! );
//! # Ok(()) }
//! ```

use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use questkit_core::batch::{BatchSink, Batcher, Sent};
use questkit_core::rate_limit::{RateLimit, RateLimiter};
use questkit_core::{Error, Result, Transport};

use super::metric_keys::{MetricKeys, Verdict, missing};
use super::metrics::{
    BatchEvent, BatchEventsResponse, MAX_BATCH_EVENTS, MetricsAdmin, batch_request,
};
use crate::rate_limits::{DOCUMENTED_TIER_1_PER_SECOND, TIER_1};

pub use questkit_core::batch::{BatcherStats, Failed, FailureReason, SendError};

/// The bucket the batcher keeps its pace in, in the client's limiter.
pub const BATCH_BUCKET: &str = "tier1:batches";

/// The settings of an [`EventBatcher`]: `max_batch_size` (1..=1000, default 1000),
/// `flush_interval` (default 500 ms), `capacity` (events held in memory, default 100 000),
/// `max_in_flight` (default 4), `budget_share` of Tier 1 (default 0.8), `give_up_after`
/// (default 5 minutes), `retry_backoff` (default 500 ms to 10 s), `resend_incomplete`
/// (default 1), `keep_failed` (events kept for the report, default 1 000), `on_failure`.
///
/// ```
/// use std::time::Duration;
/// use questkit_trophy::admin::batcher::BatcherConfig;
///
/// let config = BatcherConfig::default()
///     .budget_share(1.0) // the batcher is the only Tier 1 caller of this organisation
///     .flush_interval(Duration::from_millis(200))
///     .give_up_after(Duration::from_secs(600))
///     .on_failure(|failed| eprintln!("{}: {}", failed.item.idempotency_key, failed.reason));
/// # drop(config);
/// ```
pub type BatcherConfig = questkit_core::batch::BatcherConfig<BatchEvent>;

/// A cloneable handle to Trophy's event batcher (see [the module](self)): `send` (waits while
/// the queue is full), `try_send`, `flush(deadline)`, `shutdown(deadline)`, `stats`,
/// `estimated_drain_time`.
///
/// ```no_run
/// use std::time::Duration;
/// use questkit_trophy::admin::batcher::BatcherConfig;
/// use questkit_trophy::admin::metrics::BatchEvent;
///
/// # async fn run(trophy: questkit_trophy::Trophy) -> questkit_core::Result<()> {
/// let batcher = trophy.admin().metrics().batcher(BatcherConfig::default())?;
/// for user in ["user-1", "user-2"] {
///     batcher
///         .send(BatchEvent::new("words-written", user, 1.0))
///         .await
///         .map_err(|e| questkit_core::Error::invalid_input(e.to_string()))?;
/// }
/// batcher.flush(Duration::from_secs(30)).await?; // the end of a job: delivered or reported
/// let report = batcher.shutdown(batcher.estimated_drain_time()).await;
/// assert!(report.is_complete());
/// # Ok(()) }
/// ```
pub type EventBatcher = Batcher<BatchEventsSink>;

/// What [`EventBatcher::shutdown`] returns: `delivered`, `batches` (first sends), `resends`,
/// `split_requests`, `failed_count` (exact), `failed` (a bounded sample of the events not
/// delivered, with why; empty when a failure callback is set).
///
/// ```no_run
/// # async fn run(batcher: questkit_trophy::admin::batcher::EventBatcher) {
/// let report = batcher.shutdown(std::time::Duration::from_secs(30)).await;
/// for failed in &report.failed {
///     eprintln!("{} not delivered: {}", failed.item.idempotency_key, failed.reason);
/// }
/// # }
/// ```
pub type BatchReport = questkit_core::batch::BatchReport<BatchEvent>;

/// Trophy's batch-events endpoint as a batching sink.
#[derive(Clone, Debug)]
pub struct BatchEventsSink {
    transport: Transport,
    budget: RateLimit,
    keys: Arc<MetricKeys>,
}

impl BatchSink for BatchEventsSink {
    type Item = BatchEvent;
    const MAX_BATCH: usize = MAX_BATCH_EVENTS;

    fn validate(&self, event: &BatchEvent) -> Result<()> {
        event.validate()?;
        self.recheck(event)
    }

    fn confirm<'a>(&'a self, event: &'a BatchEvent) -> Option<BoxFuture<'a, Result<()>>> {
        match self.keys.verdict(&event.key) {
            Verdict::Known => None,
            Verdict::Missing => Some(Box::pin(async move { Err(missing(&event.key)) })),
            Verdict::Unsure => Some(Box::pin(self.keys.check(&event.key))),
        }
    }

    /// Events queued before Trophy refused their metric are refused when their batch forms.
    fn recheck(&self, event: &BatchEvent) -> Result<()> {
        if self.keys.is_missing(&event.key) {
            return Err(missing(&event.key));
        }
        Ok(())
    }

    /// An event Trophy refused with 404 "Metric not found": its key is refused locally for a
    /// while (see [`MetricsAdmin::checked_batcher`]).
    fn learn_rejection(&self, event: &BatchEvent, error: &Error) {
        if is_unknown_metric(error) {
            self.keys.refused(&event.key);
        }
    }

    fn send<'a>(&'a self, events: &'a [BatchEvent]) -> BoxFuture<'a, Result<Sent>> {
        Box::pin(async move {
            // One attempt: the batcher retries, each time through its pace.
            let raw = batch_request(&self.transport, events)
                .max_retries(0)
                .send_raw()
                .await?;
            let answer: BatchEventsResponse = raw.json()?;
            Ok(Sent {
                accepted: u64::try_from(answer.accepted).unwrap_or(0),
                attempts: raw.attempts,
            })
        })
    }

    /// Trophy refuses a whole batch for one bad event: 400 or 422 for its shape, 404
    /// "Metric not found" for a metric that does not exist. Halving isolates it. Any other
    /// 404 (a wrong base URL) is not about the events, and fails the batch without splitting.
    fn is_rejection(&self, error: &Error) -> bool {
        matches!(error.status().map(|s| s.as_u16()), Some(400 | 422)) || is_unknown_metric(error)
    }

    fn budget(&self) -> Option<RateLimit> {
        Some(self.budget)
    }

    fn limiter(&self) -> Option<Arc<dyn RateLimiter>> {
        self.transport.rate_limiter().cloned()
    }

    fn pace_bucket(&self) -> &'static str {
        BATCH_BUCKET
    }
}

/// Whether Trophy refused a batch for a metric it does not have (404 "Metric not found"), not
/// for a wrong URL (a 404 too).
fn is_unknown_metric(error: &Error) -> bool {
    error.status().map(|s| s.as_u16()) == Some(404)
        && error
            .api()
            .is_some_and(|api| api.message.to_ascii_lowercase().contains("metric"))
}

impl BatchEventsSink {
    fn new(admin: &MetricsAdmin<'_>, refresh_every: Option<Duration>) -> BatchEventsSink {
        let keys = MetricKeys::new(admin.transport.clone(), refresh_every);
        BatchEventsSink {
            transport: admin.transport.clone(),
            // The tiers given to the builder, else the limit the client's limiter keeps for
            // Tier 1 (set once, on the limiter), else Trophy's documented 10 a second.
            budget: admin
                .tier1
                .or_else(|| {
                    let limiter = admin.transport.rate_limiter()?;
                    limiter.configured_limit(TIER_1)
                })
                .unwrap_or_else(|| RateLimit::per_second(DOCUMENTED_TIER_1_PER_SECOND)),
            keys: Arc::new(keys),
        }
    }
}

impl MetricsAdmin<'_> {
    /// An event batcher on this client: a bounded queue that many producers feed and that
    /// sends `POST /metrics/events` batches in the background. See [`crate::admin::batcher`].
    ///
    /// Metric keys are not checked before queueing, but a key Trophy refused ("Metric not
    /// found", isolated by splitting its batch) is refused locally for a minute afterwards:
    /// `send` hands its events back as `SendError::Invalid`, and queued ones are reported
    /// without being sent. One wrong key costs one split, not one per batch.
    ///
    /// Fails with [`questkit_core::Error::Config`] outside a tokio runtime.
    pub fn batcher(&self, config: BatcherConfig) -> Result<EventBatcher> {
        Batcher::start(BatchEventsSink::new(self, None), config)
    }

    /// An event batcher that also checks each event's metric key against Trophy's metric
    /// list (`GET /metrics`, a Tier 1 call), so that an event for a metric that does not
    /// exist comes back to its producer from `send` as `SendError::Invalid` instead of making
    /// Trophy refuse its whole batch.
    ///
    /// The list is fetched when first needed and again when it is older than
    /// `refresh_every`; a key missing from it is looked up once more in a new list before the
    /// event is refused (so a metric created a moment ago goes through), then refused at once
    /// until the next periodic refresh. When the list cannot be fetched nothing is refused:
    /// Trophy decides. `try_send`, which cannot wait for a look-up, refuses only keys already
    /// known to be missing.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use questkit_trophy::admin::batcher::{BatcherConfig, SendError};
    /// use questkit_trophy::admin::metrics::BatchEvent;
    ///
    /// # async fn run(trophy: questkit_trophy::Trophy) -> questkit_core::Result<()> {
    /// let batcher = trophy
    ///     .admin()
    ///     .metrics()
    ///     .checked_batcher(BatcherConfig::default(), Duration::from_secs(300))?;
    /// let event = BatchEvent::new("no-such-metric", "user-1", 1.0);
    /// if let Err(SendError::Invalid(event, why)) = batcher.send(event).await {
    ///     eprintln!("{} refused: {why}", event.key);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn checked_batcher(
        &self,
        config: BatcherConfig,
        refresh_every: Duration,
    ) -> Result<EventBatcher> {
        Batcher::start(BatchEventsSink::new(self, Some(refresh_every)), config)
    }
}
