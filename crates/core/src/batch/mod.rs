//! A batching sink: many producers hand items to a bounded in-memory queue, and a worker sends
//! them in batches through a vendor's bulk endpoint, with back-pressure, flushing on size or
//! interval, bounded concurrency, pacing within a share of a rate-limit budget, isolation of
//! bad items, and an account of every item (delivered, or handed back with why).
//!
//! The vendor side is a [`BatchSink`]: how to check one item, how to send one batch, how many
//! items a batch takes. `questkit-trophy`'s event batcher is a `Batcher` over Trophy's admin
//! batch-events endpoint.
//!
//! What "delivered" means: the sink's batch call succeeded and the server acknowledged every
//! item of the batch ([`Sent::accepted`] equals the batch size). Anything else is reported as a
//! [`Failed`] item, never counted as delivered.
//!
//! What can be lost: items live in memory until delivered. A crash (or a runtime shut down
//! before [`Batcher::shutdown`]) loses the queued items, and leaves the batches in flight
//! unconfirmed: the server may or may not have counted them. Resending such items after a
//! restart is safe only when their idempotency keys are the same as before (keys you derive
//! from your own data, not generated ones). Dropping every handle without `shutdown` still
//! delivers what was queued, in the background while the runtime lives, and reports the
//! failures to the failure callback (or as an error event in the traces when none is set).

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures::future::BoxFuture;

use crate::error::{Error, Result};
use crate::rate_limit::RateLimit;

mod worker;

/// The default pause between the first item of a batch and its flush.
pub const DEFAULT_FLUSH_INTERVAL: Duration = Duration::from_millis(500);

/// What a vendor's bulk endpoint looks like to a [`Batcher`].
pub trait BatchSink: Send + Sync + 'static {
    /// One item (an event).
    type Item: Clone + Send + Sync + 'static;

    /// The most items one batch request takes.
    const MAX_BATCH: usize;

    /// Checks one item locally, for what the server certainly refuses; an item that fails is
    /// handed back to the producer at once and never queued.
    fn validate(&self, item: &Self::Item) -> Result<()>;

    /// Sends one batch (one logical call: the transport's retries happen inside it) and says
    /// how many items the server acknowledged.
    fn send<'a>(&'a self, items: &'a [Self::Item]) -> BoxFuture<'a, Result<Sent>>;

    /// Whether `error` refuses the batch for its content (a bad item in it), so that the
    /// batch is split to isolate the bad items. Default: 400 and 422.
    fn is_rejection(&self, error: &Error) -> bool {
        matches!(error.status().map(|s| s.as_u16()), Some(400 | 422))
    }

    /// The rate-limit budget the sink's requests spend (Trophy: its Tier 1), when known; a
    /// batcher paces its requests within [`BatcherConfig::budget_share`] of it.
    fn budget(&self) -> Option<RateLimit> {
        None
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
    pub(crate) split_budget: u32,
    pub(crate) resend_incomplete: u32,
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
            .field("split_budget", &self.split_budget)
            .field("resend_incomplete", &self.resend_incomplete)
            .field("on_failure", &self.on_failure.is_some())
            .finish()
    }
}

impl<T> Default for BatcherConfig<T> {
    /// The sink's largest batch, a flush every 500 ms, 100 000 items of buffer, 4 batches in
    /// flight, at most 80 % of the sink's rate-limit budget, 32 extra requests to isolate bad
    /// items of a refused batch, one resend of a batch the server acknowledged only in part.
    fn default() -> Self {
        BatcherConfig {
            max_batch_size: None,
            flush_interval: DEFAULT_FLUSH_INTERVAL,
            capacity: 100_000,
            max_in_flight: 4,
            budget_share: 0.8,
            pace: None,
            split_budget: 32,
            resend_incomplete: 1,
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
    /// starved.
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

    /// How many extra requests may be spent isolating the bad items of a batch the server
    /// refused as a whole (by halving it; default 32). Items still unresolved when the
    /// budget runs out are reported with the server's error.
    pub fn split_budget(mut self, requests: u32) -> Self {
        self.split_budget = requests;
        self
    }

    /// How many times a batch the server acknowledged only in part is resent (same items,
    /// same idempotency keys; default 1). Still incomplete after that, its items are
    /// reported: the server does not say which ones it left out.
    pub fn resend_incomplete(mut self, times: u32) -> Self {
        self.resend_incomplete = times;
        self
    }

    /// Hands every item not delivered to `callback` as soon as it is known (instead of
    /// keeping it for the [`BatchReport`]).
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
    /// The server refused it (alone, or in a batch the split budget could not break down).
    Rejected(Arc<Error>),
    /// Its batch failed after the transport's retries (5xx, timeouts, broken connections).
    Failed(Arc<Error>),
    /// The server acknowledged fewer items of its batch than were sent, also after resending.
    Incomplete {
        /// The items of the batch.
        sent: u64,
        /// The items the server acknowledged.
        accepted: u64,
    },
    /// The shutdown deadline passed before its batch was confirmed: the server may or may
    /// not have counted it (resending it with the same idempotency key is safe).
    Unconfirmed,
    /// The shutdown deadline passed before it was sent: the server never saw it.
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
                f.write_str("not confirmed before the shutdown deadline (may have been counted)")
            }
            FailureReason::NotSent => f.write_str("not sent before the shutdown deadline"),
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
    /// Batch requests sent (splits and resends included).
    pub batches: u64,
    /// Retries made inside batch requests.
    pub retries: u64,
}

/// What a [`Batcher::shutdown`] returns: the counters, and every item not delivered (unless a
/// failure callback took them).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct BatchReport<T> {
    /// Items delivered over the batcher's life.
    pub delivered: u64,
    /// Batch requests sent.
    pub batches: u64,
    /// Retries made inside batch requests.
    pub retries: u64,
    /// How many items were not delivered (also those given to the failure callback).
    pub failed_count: u64,
    /// The items not delivered, with why (empty when a failure callback is set).
    pub failed: Vec<Failed<T>>,
}

impl<T> BatchReport<T> {
    /// Whether every item queued was delivered.
    pub fn is_complete(&self) -> bool {
        self.failed_count == 0
    }
}

#[derive(Default)]
struct Counters {
    queued: AtomicU64,
    delivered: AtomicU64,
    failed: AtomicU64,
    batches: AtomicU64,
    retries: AtomicU64,
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
            retries: self.retries.load(Ordering::Relaxed),
        }
    }
}

pub use worker::Batcher;
