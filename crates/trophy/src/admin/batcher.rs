//! The event batcher: metric events from many producers, sent to Trophy in batches of up to
//! 1,000 through `POST /metrics/events`, within a share of the Tier 1 budget.
//!
//! Built with [`MetricsAdmin::batcher`]; the mechanism is `questkit_core::batch` (read it for
//! what is delivered, reported and lost). What Trophy adds:
//!
//! - **Idempotency.** Every [`BatchEvent`] carries its own key, given when it is built (or
//!   yours). Batch requests are replay-safe, so a batch retried after a 5xx, a timeout or a
//!   reset relies on Trophy ignoring events whose key it has already processed: no event is
//!   counted twice.
//! - **Delivered** means a 202 whose `accepted` equals the batch size. A smaller count is
//!   resent once with the same keys, then reported: Trophy does not say which events it left
//!   out.
//! - **Timing.** Trophy's batch events carry no timestamp: Trophy counts an event when the
//!   batch arrives. A flush interval of 500 ms (the default) moves an event by at most that
//!   much, plus the time it waits for its batch's turn; an event queued just before midnight
//!   in the user's time zone can still count for the next day in a streak or a daily
//!   leaderboard. Keep the interval short (at most a second) if that matters, and call
//!   [`EventBatcher::flush`] at the edges that do (the end of a job).
//! - **Budget.** Every batch is a Tier 1 request. The batcher paces its requests within
//!   [`BatcherConfig::budget_share`] (default 80 %) of the client's Tier 1 limit (the one set
//!   with `documented_rate_limits` or `rate_limit_tiers`, else Trophy's documented 10 per
//!   second), so that other Tier 1 calls of the client (metric events, achievement
//!   completions, admin calls) are not starved. With a client-wide limiter the batches also
//!   take their Tier 1 permits from it.
//! - **Bad events.** Events are checked locally when queued ([`BatchEvent::validate`]): the
//!   producer gets them back at once. A batch Trophy refuses as a whole (400 or 422, or 404
//!   for a metric that does not exist) is halved
//!   until the events at fault are isolated (within [`BatcherConfig::split_budget`] extra
//!   requests); they are reported, the rest delivered.
//!
//! ```no_run
//! use std::time::Duration;
//! use questkit_trophy::admin::batcher::BatcherConfig;
//! use questkit_trophy::admin::metrics::BatchEvent;
//!
//! # async fn run(trophy: questkit_trophy::Trophy) -> questkit_core::Result<()> {
//! let batcher = trophy
//!     .admin()
//!     .metrics()
//!     .batcher(BatcherConfig::default().flush_interval(Duration::from_millis(250)))?;
//! // Any number of producers, each with a clone of the handle:
//! let producer = batcher.clone();
//! producer
//!     .send(BatchEvent::new("words-written", "user-1", 750.0))
//!     .await
//!     .map_err(|e| questkit_core::Error::invalid_input(e.to_string()))?;
//! // At the end: deliver what is queued, within a deadline, and account for every event.
//! let report = batcher.shutdown(Duration::from_secs(30)).await;
//! println!("{} delivered in {} batches", report.delivered, report.batches);
//! for failed in &report.failed {
//!     eprintln!("{} not delivered: {}", failed.item.idempotency_key, failed.reason);
//! }
//! # Ok(()) }
//! ```

use futures::future::BoxFuture;
use questkit_core::batch::{BatchSink, Batcher, Sent};
use questkit_core::rate_limit::RateLimit;
use questkit_core::{Result, Transport};

use super::metrics::{
    BatchEvent, BatchEventsResponse, MAX_BATCH_EVENTS, MetricsAdmin, batch_request,
};
use crate::rate_limits::DOCUMENTED_TIER_1_PER_SECOND;

/// The settings of an [`EventBatcher`] (see `questkit_core::batch::BatcherConfig`):
/// `max_batch_size` (1..=1000, default 1000), `flush_interval` (default 500 ms), `capacity`
/// (events held in memory, default 100 000), `max_in_flight` (default 4), `budget_share` of
/// Tier 1 (default 0.8), `split_budget`, `resend_incomplete`, `on_failure`.
pub type BatcherConfig = questkit_core::batch::BatcherConfig<BatchEvent>;

/// A cloneable handle to Trophy's event batcher: `send`, `try_send`, `flush`, `shutdown`,
/// `stats` (see `questkit_core::batch::Batcher`).
pub type EventBatcher = Batcher<BatchEventsSink>;

/// What the batcher reports at shutdown: delivered, batches, retries, and every event not
/// delivered with why.
pub type BatchReport = questkit_core::batch::BatchReport<BatchEvent>;

/// Trophy's batch-events endpoint as a batching sink.
#[derive(Clone, Debug)]
pub struct BatchEventsSink {
    transport: Transport,
    budget: RateLimit,
}

impl BatchSink for BatchEventsSink {
    type Item = BatchEvent;
    const MAX_BATCH: usize = MAX_BATCH_EVENTS;

    fn validate(&self, event: &BatchEvent) -> Result<()> {
        event.validate()
    }

    fn send<'a>(&'a self, events: &'a [BatchEvent]) -> BoxFuture<'a, Result<Sent>> {
        Box::pin(async move {
            let raw = batch_request(&self.transport, events).send_raw().await?;
            let answer: BatchEventsResponse = raw.json()?;
            Ok(Sent {
                accepted: answer.accepted,
                attempts: raw.attempts,
            })
        })
    }

    /// Trophy refuses a whole batch for one bad event: 400 or 422 for its shape, 404 for a
    /// metric that does not exist. Halving isolates it.
    fn is_rejection(&self, error: &questkit_core::Error) -> bool {
        matches!(error.status().map(|s| s.as_u16()), Some(400 | 404 | 422))
    }

    fn budget(&self) -> Option<RateLimit> {
        Some(self.budget)
    }
}

impl MetricsAdmin<'_> {
    /// An event batcher on this client: a bounded queue that many producers feed and that
    /// sends `POST /metrics/events` batches in the background. See [`crate::admin::batcher`].
    ///
    /// Fails with [`questkit_core::Error::Config`] outside a tokio runtime.
    pub fn batcher(&self, config: BatcherConfig) -> Result<EventBatcher> {
        let budget = self
            .tier1
            .unwrap_or_else(|| RateLimit::per_second(DOCUMENTED_TIER_1_PER_SECOND));
        Batcher::start(
            BatchEventsSink {
                transport: self.transport.clone(),
                budget,
            },
            config,
        )
    }
}
