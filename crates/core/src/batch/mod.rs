//! A batching sink: many producers hand items to a bounded in-memory queue, and a worker sends
//! them in batches through a vendor's bulk endpoint, with back-pressure, flushing on size or
//! interval, bounded concurrency, pacing within a share of a rate-limit budget, patience with a
//! server that is down, isolation of bad items, and an account of every item (delivered, or
//! handed back with why).
//!
//! The vendor side is a [`BatchSink`]: how to check one item, how to send one batch, how many
//! items a batch takes. `questkit-trophy`'s event batcher is a `Batcher` over Trophy's admin
//! batch-events endpoint.
//!
//! **Delivered** means: the sink's batch call succeeded and the server acknowledged every item
//! of the batch ([`Sent::accepted`] equals the batch size). Anything else is reported as a
//! [`Failed`] item (to the failure callback, and counted in the [`BatchReport`]), never counted
//! as delivered.
//!
//! **Patience.** A batch that fails for a transient reason (a connection error or reset, a
//! timeout, a 5xx, a 429, a shared rate limiter that cannot be reached) is sent again, paced
//! like a first send, after a capped, jittered backoff, for as long as
//! [`BatcherConfig::give_up_after`] allows (default 5 minutes) or until the shutdown deadline.
//! The sink's own call makes no retries of its own: every request the batcher sends takes a
//! permit of its pace. While batches wait, the queue fills and [`Batcher::send`] waits
//! (back-pressure): an outage slows producers down instead of failing their events.
//!
//! **Bad items.** A batch the server refuses for its content ([`BatchSink::is_rejection`]) is
//! halved until the refused items are isolated, with no cap on the requests: a half whose
//! sibling was delivered is known to hold a bad item and is split without being sent again, a
//! half is never merged with other items, and a good item is never reported refused. Catch bad
//! items before they are queued ([`BatchSink::validate`], [`BatchSink::confirm`]): each one the
//! server must isolate costs `log2(batch size)` to `2 * log2(batch size)` requests. A sink can
//! learn from an isolated refusal ([`BatchSink::learn_rejection`]) and refuse the item's likes
//! when their batch forms ([`BatchSink::recheck`]), so that one wrong key costs one split.
//!
//! **What can be lost.** Items live in memory until delivered. On a crash (SIGKILL, OOM) the
//! queued items are gone, and the batches in flight are unconfirmed: the server may or may not
//! have counted them. Resending such items after a restart is safe only with the same
//! idempotency keys as before (keys you derive from your own data). When the runtime ends
//! before [`Batcher::shutdown`] (`main` returned with every handle dropped, say), nothing is
//! lost without a word: every item still queued is reported as [`FailureReason::NotSent`] and
//! every item in flight as [`FailureReason::Unconfirmed`] to the failure callback, and one
//! ERROR event (target `questkit::batch`) says how many. Dropping every handle while the
//! runtime lives still delivers what was queued, in the background.
//!
//! **Memory** is bounded in every failure mode: the queue by [`BatcherConfig::capacity`], the
//! batches in flight by [`BatcherConfig::max_in_flight`], and the failed items the
//! [`BatchReport`] keeps by [`BatcherConfig::keep_failed`] (the counts stay exact; the failure
//! callback sees every one).

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures::future::BoxFuture;

use crate::error::{Error, Result};
use crate::rate_limit::{RateLimit, RateLimiter};

mod delivery;
mod worker;

/// The default pause between the first item of a batch and its flush.
pub const DEFAULT_FLUSH_INTERVAL: Duration = Duration::from_millis(500);

/// How long a batch failing for transient reasons is retried by default: 5 minutes.
pub const DEFAULT_GIVE_UP_AFTER: Duration = Duration::from_secs(300);

/// What a vendor's bulk endpoint looks like to a [`Batcher`].
pub trait BatchSink: Send + Sync + 'static {
    /// One item (an event).
    type Item: Clone + Send + Sync + 'static;

    /// The most items one batch request takes.
    const MAX_BATCH: usize;

    /// Checks one item locally, for what the server certainly refuses; an item that fails is
    /// handed back to the producer at once and never queued.
    fn validate(&self, item: &Self::Item) -> Result<()>;

    /// A second check of an item that passed [`BatchSink::validate`], when it needs a look-up
    /// (Trophy: a metric key missing from the cached metric list, looked up again before the
    /// event is refused). `None`, the default, when nothing more is to be checked; otherwise
    /// the future that decides. [`Batcher::send`] awaits it; [`Batcher::try_send`], which
    /// cannot wait, queues the item and lets the server decide.
    fn confirm<'a>(&'a self, item: &'a Self::Item) -> Option<BoxFuture<'a, Result<()>>> {
        let _ = item;
        None
    }

    /// Checks a queued item again when its batch is formed, for what the sink learned since
    /// it was queued ([`BatchSink::learn_rejection`]); an item that fails is reported as
    /// refused without being sent. Called for every item of every batch: keep it cheap.
    /// Default: nothing to check.
    fn recheck(&self, item: &Self::Item) -> Result<()> {
        let _ = item;
        Ok(())
    }

    /// Told of an item the server refused on its own (isolated by splitting its batch), so
    /// that the sink can refuse its likes before they cost another split (Trophy: events for
    /// the same unknown metric). Default: nothing learned.
    fn learn_rejection(&self, item: &Self::Item, error: &Error) {
        let _ = (item, error);
    }

    /// Sends one batch as one request, with no retries of its own (the batcher retries, paced)
    /// and says how many items the server acknowledged.
    fn send<'a>(&'a self, items: &'a [Self::Item]) -> BoxFuture<'a, Result<Sent>>;

    /// Whether `error` refuses the batch for its content (a bad item in it), so that the
    /// batch is split to isolate the bad items. Default: 400 and 422.
    fn is_rejection(&self, error: &Error) -> bool {
        matches!(error.status().map(|s| s.as_u16()), Some(400 | 422))
    }

    /// Whether sending the same batch again later may succeed: a timeout, a connection error
    /// or reset, 408, 429, a 5xx, a rate limiter that refused or could not be reached. The
    /// batch is then retried with patience ([`BatcherConfig::give_up_after`]). Only for sinks
    /// whose batch requests are safe to replay (idempotency keys).
    fn is_transient(&self, error: &Error) -> bool {
        error.is_retryable()
            || matches!(
                error,
                Error::Transport { .. } | Error::RateLimiterUnavailable(_)
            )
            || error.status().is_some_and(|s| s.is_server_error())
    }

    /// The rate-limit budget the sink's requests spend (Trophy: its Tier 1), when known; a
    /// batcher paces its requests within [`BatcherConfig::budget_share`] of it.
    fn budget(&self) -> Option<RateLimit> {
        None
    }

    /// The rate limiter the sink's requests take their permits from, when the client has one.
    /// The batcher then paces its own requests in that limiter too, in
    /// [`BatchSink::pace_bucket`], so that with a limiter shared by several processes
    /// (`RedisRateLimiter`) the budget share holds for the whole fleet.
    fn limiter(&self) -> Option<Arc<dyn RateLimiter>> {
        None
    }

    /// The bucket the batcher's own pace is kept in, in [`BatchSink::limiter`] (default
    /// `batches`).
    fn pace_bucket(&self) -> &'static str {
        "batches"
    }
}

/// The answer to one batch request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sent {
    /// How many items the server acknowledged.
    pub accepted: u64,
    /// How many attempts the call made (1 without retries).
    pub attempts: u32,
}

/// A callback that receives every item not delivered.
pub type FailureCallback<T> = Arc<dyn Fn(Failed<T>) + Send + Sync>;

/// Settings of a [`Batcher`]. Setters never fail: values out of range are brought into it.
pub struct BatcherConfig<T> {
    pub(crate) max_batch_size: Option<usize>,
    pub(crate) flush_interval: Duration,
    pub(crate) capacity: usize,
    pub(crate) max_in_flight: usize,
    pub(crate) budget_share: f64,
    pub(crate) pace: Option<RateLimit>,
    pub(crate) resend_incomplete: u32,
    pub(crate) give_up_after: Duration,
    pub(crate) backoff_first: Duration,
    pub(crate) backoff_max: Duration,
    pub(crate) keep_failed: usize,
    pub(crate) on_failure: Option<FailureCallback<T>>,
}

impl<T> Clone for BatcherConfig<T> {
    fn clone(&self) -> Self {
        BatcherConfig {
            on_failure: self.on_failure.clone(),
            ..*self
        }
    }
}

impl<T> fmt::Debug for BatcherConfig<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatcherConfig")
            .field("max_batch_size", &self.max_batch_size)
            .field("flush_interval", &self.flush_interval)
            .field("capacity", &self.capacity)
            .field("max_in_flight", &self.max_in_flight)
            .field("budget_share", &self.budget_share)
            .field("pace", &self.pace)
            .field("resend_incomplete", &self.resend_incomplete)
            .field("give_up_after", &self.give_up_after)
            .field("backoff_first", &self.backoff_first)
            .field("backoff_max", &self.backoff_max)
            .field("keep_failed", &self.keep_failed)
            .field("on_failure", &self.on_failure.is_some())
            .finish()
    }
}

impl<T> Default for BatcherConfig<T> {
    /// The sink's largest batch, a flush every 500 ms, 100 000 items of buffer, 4 batches in
    /// flight, at most 80 % of the sink's rate-limit budget, one resend of a batch the server
    /// acknowledged only in part, transient failures retried for 5 minutes (backoff from
    /// 500 ms to 10 s), 1 000 failed items kept for the report.
    fn default() -> Self {
        BatcherConfig {
            max_batch_size: None,
            flush_interval: DEFAULT_FLUSH_INTERVAL,
            capacity: 100_000,
            max_in_flight: 4,
            budget_share: 0.8,
            pace: None,
            resend_incomplete: 1,
            give_up_after: DEFAULT_GIVE_UP_AFTER,
            backoff_first: Duration::from_millis(500),
            backoff_max: Duration::from_secs(10),
            keep_failed: 1_000,
            on_failure: None,
        }
    }
}

impl<T> BatcherConfig<T> {
    /// How many items one batch holds at most (1 to the sink's maximum; default the
    /// maximum).
    pub fn max_batch_size(mut self, size: usize) -> Self {
        self.max_batch_size = Some(size.max(1));
        self
    }

    /// How long the first item of a batch waits for more before the batch is sent (default
    /// 500 ms, at least 1 ms).
    pub fn flush_interval(mut self, interval: Duration) -> Self {
        self.flush_interval = interval.max(Duration::from_millis(1));
        self
    }

    /// How many items the queue holds before [`Batcher::send`] waits and
    /// [`Batcher::try_send`] hands the item back (default 100 000, at least 1).
    pub fn capacity(mut self, items: usize) -> Self {
        self.capacity = items.max(1);
        self
    }

    /// How many batch requests may be in flight at once (default 4, at least 1).
    pub fn max_in_flight(mut self, batches: usize) -> Self {
        self.max_in_flight = batches.max(1);
        self
    }

    /// The share of the sink's rate-limit budget the batcher's requests may use (default
    /// 0.8, within `0.01..=1.0`), so that other calls spending the same budget are not
    /// starved. With a limiter shared by several processes the share holds for all of them
    /// together (see [`BatchSink::limiter`]).
    pub fn budget_share(mut self, share: f64) -> Self {
        self.budget_share = if share.is_finite() {
            share.clamp(0.01, 1.0)
        } else {
            0.8
        };
        self
    }

    /// Paces batch requests at this rate instead of a share of the sink's budget.
    pub fn pace(mut self, limit: RateLimit) -> Self {
        self.pace = Some(limit);
        self
    }

    /// How many times a batch the server acknowledged only in part is resent (same items,
    /// same idempotency keys; default 1). Still incomplete after that, its items are
    /// reported: the server does not say which ones it left out.
    pub fn resend_incomplete(mut self, times: u32) -> Self {
        self.resend_incomplete = times;
        self
    }

    /// How long a batch that keeps failing for transient reasons is sent again before its
    /// items are reported as [`FailureReason::Failed`] (default 5 minutes), counted from its
    /// first request. The shutdown deadline also ends it.
    pub fn give_up_after(mut self, patience: Duration) -> Self {
        self.give_up_after = patience;
        self
    }

    /// The backoff between two sends of a batch that failed for a transient reason: `first`
    /// doubling up to `max` (defaults 500 ms and 10 s), each wait drawn between half and all
    /// of it so that replicas do not retry in step. A 429 also pauses the batcher's pace.
    pub fn retry_backoff(mut self, first: Duration, max: Duration) -> Self {
        self.backoff_first = first.max(Duration::from_millis(1));
        self.backoff_max = max.max(self.backoff_first);
        self
    }

    /// How many failed items the [`BatchReport`] keeps (default 1 000; the counts stay
    /// exact). Set a failure callback to see every one.
    pub fn keep_failed(mut self, items: usize) -> Self {
        self.keep_failed = items;
        self
    }

    /// Hands every item not delivered to `callback` as soon as it is known (instead of
    /// keeping it for the [`BatchReport`]). The callback runs on the batcher's tasks (or in
    /// the runtime's shutdown): keep it short and non-blocking.
    pub fn on_failure(mut self, callback: impl Fn(Failed<T>) + Send + Sync + 'static) -> Self {
        self.on_failure = Some(Arc::new(callback));
        self
    }
}

/// An item that was not delivered, and why.
#[derive(Clone, Debug)]
pub struct Failed<T> {
    /// The item, as it was queued (idempotency key included).
    pub item: T,
    /// Why it was not delivered.
    pub reason: FailureReason,
}

/// Why an item was not delivered.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum FailureReason {
    /// The server refused it (alone, after its batch was split to isolate it).
    Rejected(Arc<Error>),
    /// Its batch failed for good: an error that is not transient, or transient errors for
    /// longer than [`BatcherConfig::give_up_after`]. The server may have counted it when the
    /// last answer was lost (resending it with the same idempotency key is safe).
    Failed(Arc<Error>),
    /// The server acknowledged fewer items of its batch than were sent, also after resending.
    Incomplete {
        /// The items of the batch.
        sent: u64,
        /// The items the server acknowledged.
        accepted: u64,
    },
    /// The batcher stopped (the shutdown deadline passed, or the runtime ended) while its
    /// batch was in flight: the server may or may not have counted it (resending it with the
    /// same idempotency key is safe).
    Unconfirmed,
    /// The batcher stopped (the shutdown deadline passed, or the runtime ended) before it was
    /// sent: the server never saw it.
    NotSent,
}

impl fmt::Display for FailureReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailureReason::Rejected(err) => write!(f, "refused by the server: {err}"),
            FailureReason::Failed(err) => write!(f, "batch failed: {err}"),
            FailureReason::Incomplete { sent, accepted } => {
                write!(
                    f,
                    "the server acknowledged {accepted} of {sent} items of the batch"
                )
            }
            FailureReason::Unconfirmed => {
                f.write_str("in flight when the batcher stopped (may have been counted)")
            }
            FailureReason::NotSent => f.write_str("not sent before the batcher stopped"),
        }
    }
}

/// Why [`Batcher::send`] or [`Batcher::try_send`] did not queue an item; the item comes back.
#[derive(Debug)]
#[non_exhaustive]
pub enum SendError<T> {
    /// The queue is full ([`Batcher::try_send`] only).
    Full(T),
    /// The batcher was shut down.
    Closed(T),
    /// The item fails the sink's local check.
    Invalid(T, Error),
}

impl<T> SendError<T> {
    /// The item that was not queued.
    pub fn into_item(self) -> T {
        match self {
            SendError::Full(item) | SendError::Closed(item) | SendError::Invalid(item, _) => item,
        }
    }
}

impl<T> fmt::Display for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::Full(_) => f.write_str("the batcher's queue is full"),
            SendError::Closed(_) => f.write_str("the batcher is shut down"),
            SendError::Invalid(_, err) => write!(f, "invalid item: {err}"),
        }
    }
}

impl<T: fmt::Debug> std::error::Error for SendError<T> {}

/// The counters of a batcher, at any time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct BatcherStats {
    /// Items accepted into the queue so far.
    pub queued: u64,
    /// Items delivered (acknowledged by the server).
    pub delivered: u64,
    /// Items reported as not delivered.
    pub failed: u64,
    /// Items waiting in the queue or in a batch not yet confirmed.
    pub pending: u64,
    /// Batches formed, each counted at its first request.
    pub batches: u64,
    /// Requests that sent a batch (or a part of it) again: after a transient failure, or an
    /// incomplete acknowledgement.
    pub resends: u64,
    /// Requests that sent a part of a refused batch, to isolate its bad items.
    pub split_requests: u64,
}

impl BatcherStats {
    /// Every batch request sent: first sends, resends and split requests.
    pub fn requests(&self) -> u64 {
        self.batches
            .saturating_add(self.resends)
            .saturating_add(self.split_requests)
    }
}

/// What a [`Batcher::shutdown`] returns: the counters, and the items not delivered (a bounded
/// sample; all of them go to the failure callback when one is set).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct BatchReport<T> {
    /// Items delivered over the batcher's life.
    pub delivered: u64,
    /// Batches formed (first sends).
    pub batches: u64,
    /// Requests that sent a batch again (transient failure, incomplete acknowledgement).
    pub resends: u64,
    /// Requests that sent a part of a refused batch, to isolate its bad items.
    pub split_requests: u64,
    /// How many items were not delivered (exact, also those given to the failure callback).
    pub failed_count: u64,
    /// Items not delivered, with why: at most [`BatcherConfig::keep_failed`] of them, and none
    /// when a failure callback is set.
    pub failed: Vec<Failed<T>>,
}

impl<T> BatchReport<T> {
    /// Whether every item queued was delivered.
    pub fn is_complete(&self) -> bool {
        self.failed_count == 0
    }

    /// Every batch request sent: first sends, resends and split requests.
    pub fn requests(&self) -> u64 {
        self.batches
            .saturating_add(self.resends)
            .saturating_add(self.split_requests)
    }
}

#[derive(Default)]
struct Counters {
    queued: AtomicU64,
    delivered: AtomicU64,
    failed: AtomicU64,
    batches: AtomicU64,
    resends: AtomicU64,
    split_requests: AtomicU64,
}

impl Counters {
    fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    fn snapshot(&self) -> BatcherStats {
        let queued = self.queued.load(Ordering::Relaxed);
        let delivered = self.delivered.load(Ordering::Relaxed);
        let failed = self.failed.load(Ordering::Relaxed);
        BatcherStats {
            queued,
            delivered,
            failed,
            pending: queued.saturating_sub(delivered).saturating_sub(failed),
            batches: self.batches.load(Ordering::Relaxed),
            resends: self.resends.load(Ordering::Relaxed),
            split_requests: self.split_requests.load(Ordering::Relaxed),
        }
    }
}

pub use worker::Batcher;
