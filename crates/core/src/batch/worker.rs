//! The [`Batcher`] handle and the worker task behind it.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{Semaphore, mpsc, oneshot, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tracing::Instrument;

use super::{
    BatchReport, BatchSink, BatcherConfig, BatcherStats, Counters, Failed, FailureCallback,
    FailureReason, SendError,
};
use crate::error::{Error, Result};
use crate::rate_limit::{BucketLimits, LocalRateLimiter, RateLimiter};

/// A cloneable handle to a batching queue: many producers `send` items, one worker sends them
/// in batches. See [`crate::batch`] for what is delivered, reported and lost.
pub struct Batcher<S: BatchSink> {
    items: mpsc::Sender<S::Item>,
    control: mpsc::UnboundedSender<Control>,
    shared: Arc<Shared<S>>,
}

impl<S: BatchSink> Clone for Batcher<S> {
    fn clone(&self) -> Self {
        Batcher {
            items: self.items.clone(),
            control: self.control.clone(),
            shared: self.shared.clone(),
        }
    }
}

impl<S: BatchSink> std::fmt::Debug for Batcher<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batcher")
            .field("stats", &self.stats())
            .field("closed", &self.shared.closed.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// Requests to the worker, beside the items (their own channel, so that a full queue never
/// holds up a flush or a shutdown; the worker takes every item queued before acting on one).
enum Control {
    Flush(oneshot::Sender<()>),
    Shutdown(Duration, oneshot::Sender<()>),
}

/// What the handles and the worker share.
struct Shared<S: BatchSink> {
    sink: S,
    counters: Counters,
    closed: AtomicBool,
    failures: Mutex<Vec<Failed<S::Item>>>,
    on_failure: Option<FailureCallback<S::Item>>,
    pacer: Option<LocalRateLimiter>,
    split_budget: u32,
    resend_incomplete: u32,
    done: watch::Sender<bool>,
}

/// The bucket the batcher paces its own requests in.
const PACE_BUCKET: &str = "batches";

impl<S: BatchSink> Batcher<S> {
    /// Starts the worker on the current tokio runtime. Fails with [`Error::Config`] outside
    /// one.
    pub fn start(sink: S, config: BatcherConfig<S::Item>) -> Result<Batcher<S>> {
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|_| Error::config("a batcher needs a running tokio runtime"))?;
        let max_batch = config
            .max_batch_size
            .unwrap_or(S::MAX_BATCH)
            .clamp(1, S::MAX_BATCH.max(1));
        let pace = config
            .pace
            .or_else(|| sink.budget().map(|b| b.share(config.budget_share)));
        let (items, rx) = mpsc::channel(config.capacity);
        let (control, control_rx) = mpsc::unbounded_channel();
        let (done, _) = watch::channel(false);
        let shared = Arc::new(Shared {
            sink,
            counters: Counters::default(),
            closed: AtomicBool::new(false),
            failures: Mutex::new(Vec::new()),
            on_failure: config.on_failure,
            pacer: pace.map(|p| LocalRateLimiter::new(BucketLimits::new().default_limit(p))),
            split_budget: config.split_budget,
            resend_incomplete: config.resend_incomplete,
            done,
        });
        let worker = Worker {
            rx,
            control: control_rx,
            shared: shared.clone(),
            max_batch,
            flush_interval: config.flush_interval,
            slots: Arc::new(Semaphore::new(config.max_in_flight)),
            tasks: JoinSet::new(),
            buffer: Vec::with_capacity(max_batch),
            deferred: VecDeque::new(),
            draining: false,
        };
        runtime.spawn(worker.run());
        Ok(Batcher {
            items,
            control,
            shared,
        })
    }

    /// Queues an item, waiting while the queue is full (back-pressure). The item comes back
    /// when it fails the sink's check or the batcher is shut down.
    pub async fn send(&self, item: S::Item) -> std::result::Result<(), SendError<S::Item>> {
        let item = self.admit(item)?;
        match self.items.send(item).await {
            Ok(()) => {
                Counters::add(&self.shared.counters.queued, 1);
                Ok(())
            }
            Err(mpsc::error::SendError(item)) => Err(SendError::Closed(item)),
        }
    }

    /// Queues an item if there is room now; a full queue hands it back.
    pub fn try_send(&self, item: S::Item) -> std::result::Result<(), SendError<S::Item>> {
        let item = self.admit(item)?;
        match self.items.try_send(item) {
            Ok(()) => {
                Counters::add(&self.shared.counters.queued, 1);
                Ok(())
            }
            Err(mpsc::error::TrySendError::Full(item)) => Err(SendError::Full(item)),
            Err(mpsc::error::TrySendError::Closed(item)) => Err(SendError::Closed(item)),
        }
    }

    fn admit(&self, item: S::Item) -> std::result::Result<S::Item, SendError<S::Item>> {
        if self.shared.closed.load(Ordering::Acquire) {
            return Err(SendError::Closed(item));
        }
        match self.shared.sink.validate(&item) {
            Ok(()) => Ok(item),
            Err(err) => Err(SendError::Invalid(item, err)),
        }
    }

    /// Sends everything queued so far and waits until each batch is delivered or reported.
    /// Fails with [`Error::Config`] once the batcher is shut down.
    pub async fn flush(&self) -> Result<()> {
        if self.shared.closed.load(Ordering::Acquire) {
            return Err(Error::config("the batcher is shut down"));
        }
        let (reply, wait) = oneshot::channel();
        self.control
            .send(Control::Flush(reply))
            .map_err(|_| Error::config("the batcher is shut down"))?;
        wait.await
            .map_err(|_| Error::config("the batcher stopped during the flush"))
    }

    /// Stops taking items (a `send` still waiting for room gets its item back as
    /// [`SendError::Closed`]), sends everything queued, and waits for the batches in flight for
    /// at most `deadline`; what is still unconfirmed then is reported as
    /// [`FailureReason::Unconfirmed`]. Returns the report (every handle may call it; the
    /// items not delivered go to the first caller, or to the failure callback).
    pub async fn shutdown(&self, deadline: Duration) -> BatchReport<S::Item> {
        self.shared.closed.store(true, Ordering::Release);
        let mut done = self.shared.done.subscribe();
        let (reply, wait) = oneshot::channel();
        if self
            .control
            .send(Control::Shutdown(deadline, reply))
            .is_ok()
        {
            let _ = wait.await;
        }
        // Another handle's shutdown, or the worker ending: wait until it is over.
        let _ = done.wait_for(|finished| *finished).await;
        let failed = std::mem::take(&mut *self.shared.lock_failures());
        let stats = self.stats();
        BatchReport {
            delivered: stats.delivered,
            batches: stats.batches,
            retries: stats.retries,
            failed_count: stats.failed,
            failed,
        }
    }

    /// The counters now.
    pub fn stats(&self) -> BatcherStats {
        self.shared.counters.snapshot()
    }
}

impl<S: BatchSink> Shared<S> {
    fn lock_failures(&self) -> std::sync::MutexGuard<'_, Vec<Failed<S::Item>>> {
        self.failures.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Reports items as not delivered.
    fn fail(&self, items: &[S::Item], reason: &FailureReason) {
        Counters::add(&self.counters.failed, items.len() as u64);
        for item in items {
            let failed = Failed {
                item: item.clone(),
                reason: reason.clone(),
            };
            match &self.on_failure {
                Some(callback) => callback(failed),
                None => self.lock_failures().push(failed),
            }
        }
    }
}

/// The task that owns the queue's receiving end.
///
/// It never blocks outside its `select!` without listening to the control channel: while it
/// waits for a free slot or for the batches of a flush, a shutdown still gets through (its
/// deadline bounds the whole drain).
struct Worker<S: BatchSink> {
    rx: mpsc::Receiver<S::Item>,
    control: mpsc::UnboundedReceiver<Control>,
    shared: Arc<Shared<S>>,
    max_batch: usize,
    flush_interval: Duration,
    slots: Arc<Semaphore>,
    tasks: JoinSet<()>,
    buffer: Vec<S::Item>,
    /// Requests seen while waiting, handled next (a shutdown goes first).
    deferred: VecDeque<Control>,
    /// Set by a shutdown: from then on nothing interrupts the drain but its deadline.
    draining: bool,
}

/// Whether a wait ran to its end or stopped for a shutdown request.
#[derive(PartialEq)]
enum Waited {
    Done,
    Interrupted,
}

impl<S: BatchSink> Worker<S> {
    async fn run(mut self) {
        let mut flush_at: Option<Instant> = None;
        loop {
            if let Some(control) = self.deferred.pop_front() {
                if self.handle(control, &mut flush_at).await {
                    break;
                }
                continue;
            }
            tokio::select! {
                item = self.rx.recv() => match item {
                    Some(item) => {
                        if self.buffer.is_empty() {
                            flush_at = Instant::now().checked_add(self.flush_interval);
                        }
                        self.push(item).await;
                        if self.buffer.is_empty() {
                            flush_at = None;
                        }
                    }
                    None => {
                        // Every handle is gone: deliver what is left, with no deadline.
                        self.draining = true;
                        self.drain(None).await;
                        let failed = self.shared.counters.snapshot().failed;
                        if failed > 0 && self.shared.on_failure.is_none() {
                            tracing::error!(
                                failed,
                                "batcher dropped without shutdown: items were not delivered"
                            );
                        }
                        break;
                    }
                },
                Some(control) = self.control.recv() => {
                    if self.handle(control, &mut flush_at).await {
                        break;
                    }
                }
                () = sleep_until(flush_at), if flush_at.is_some() => {
                    flush_at = None;
                    self.dispatch().await;
                }
                Some(_) = self.tasks.join_next(), if !self.tasks.is_empty() => {}
            }
        }
        // Answer whatever else was asked meanwhile: the work is done.
        self.control.close();
        while let Ok(control) = self.control.try_recv() {
            self.deferred.push_back(control);
        }
        for control in self.deferred.drain(..) {
            match control {
                Control::Flush(reply) | Control::Shutdown(_, reply) => {
                    let _ = reply.send(());
                }
            }
        }
        self.shared.done.send_replace(true);
    }

    /// Handles a request; `true` when the worker is to stop.
    async fn handle(&mut self, control: Control, flush_at: &mut Option<Instant>) -> bool {
        match control {
            Control::Flush(reply) => {
                *flush_at = None;
                let waited = match self.take_queued().await {
                    Waited::Done => self.wait_all().await,
                    Waited::Interrupted => Waited::Interrupted,
                };
                match waited {
                    Waited::Done => {
                        let _ = reply.send(());
                    }
                    // The shutdown goes first; the flush is answered once it is over.
                    Waited::Interrupted => self.deferred.push_back(Control::Flush(reply)),
                }
                false
            }
            Control::Shutdown(deadline, reply) => {
                self.shared.closed.store(true, Ordering::Release);
                self.draining = true;
                self.drain(Instant::now().checked_add(deadline)).await;
                let _ = reply.send(());
                true
            }
        }
    }

    /// Adds an item to the batch being filled, sending it when full.
    async fn push(&mut self, item: S::Item) -> Waited {
        self.buffer.push(item);
        if self.buffer.len() >= self.max_batch {
            return self.dispatch().await;
        }
        Waited::Done
    }

    /// Takes every item queued now into batches, and sends the last one.
    async fn take_queued(&mut self) -> Waited {
        while let Ok(item) = self.rx.try_recv() {
            if self.push(item).await == Waited::Interrupted {
                return Waited::Interrupted;
            }
        }
        self.dispatch().await
    }

    /// Takes every item left, sends them all, and waits for the batches in flight.
    ///
    /// With `until`, the whole drain is bounded: when it passes, the batches in flight are
    /// abandoned (their deliveries report their items as unconfirmed) and the items not sent
    /// yet are reported as [`FailureReason::NotSent`].
    async fn drain(&mut self, until: Option<Instant>) {
        self.rx.close();
        let all = async {
            // Cancel-safe: `recv` loses no item, and `dispatch` takes the buffer only once it
            // has a slot, so whatever the deadline interrupts is still in `rx` or the buffer.
            while let Some(item) = self.rx.recv().await {
                self.push(item).await;
            }
            self.dispatch().await;
            while self.tasks.join_next().await.is_some() {}
        };
        let Some(until) = until else {
            return all.await;
        };
        if tokio::time::timeout_at(until, all).await.is_err() {
            self.tasks.abort_all();
            while self.tasks.join_next().await.is_some() {}
            let mut unsent = std::mem::take(&mut self.buffer);
            while let Ok(item) = self.rx.try_recv() {
                unsent.push(item);
            }
            self.shared.fail(&unsent, &FailureReason::NotSent);
        }
    }

    /// Waits for every batch in flight, unless a shutdown comes first.
    async fn wait_all(&mut self) -> Waited {
        while !self.tasks.is_empty() {
            tokio::select! {
                _ = self.tasks.join_next() => {}
                Some(control) = self.control.recv() => {
                    if self.defer(control) {
                        return Waited::Interrupted;
                    }
                }
            }
        }
        Waited::Done
    }

    /// Keeps a request for later; `true` when it is a shutdown (which then goes first).
    fn defer(&mut self, control: Control) -> bool {
        match control {
            Control::Shutdown(..) => {
                self.deferred.push_front(control);
                true
            }
            flush => {
                self.deferred.push_back(flush);
                false
            }
        }
    }

    /// Sends the buffer as one batch once a slot is free; a shutdown that comes while it
    /// waits interrupts it (the items stay in the buffer for the drain).
    async fn dispatch(&mut self) -> Waited {
        if self.buffer.is_empty() {
            return Waited::Done;
        }
        // The slot first: a drain cut short by its deadline finds the items still here.
        let slot = loop {
            tokio::select! {
                slot = self.slots.clone().acquire_owned() => break slot,
                Some(control) = self.control.recv(), if !self.draining => {
                    if self.defer(control) {
                        return Waited::Interrupted;
                    }
                }
            }
        };
        let Ok(slot) = slot else {
            // The semaphore is never closed; should it be, nothing is lost silently.
            let items = std::mem::take(&mut self.buffer);
            self.shared.fail(
                &items,
                &FailureReason::Failed(Arc::new(Error::config("the batcher's slots are closed"))),
            );
            return Waited::Done;
        };
        let items: Arc<[S::Item]> = std::mem::take(&mut self.buffer).into();
        self.buffer.reserve(self.max_batch);
        let delivery = Delivery {
            settled: vec![false; items.len()],
            items,
            shared: self.shared.clone(),
        };
        self.tasks.spawn(async move {
            let _slot = slot;
            delivery.run().await;
        });
        Waited::Done
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// One batch on its way: sent, resent when incomplete, halved when refused for its content.
/// Items not settled when it is dropped (the shutdown deadline aborted it) are reported as
/// unconfirmed.
struct Delivery<S: BatchSink> {
    items: Arc<[S::Item]>,
    settled: Vec<bool>,
    shared: Arc<Shared<S>>,
}

impl<S: BatchSink> Delivery<S> {
    async fn run(mut self) {
        let span = tracing::info_span!(
            "questkit.batch",
            size = self.items.len(),
            requests = tracing::field::Empty,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        let outcome = self.deliver().instrument(span.clone()).await;
        span.record("requests", outcome.requests);
        span.record("attempts", outcome.attempts);
        span.record("status", outcome.status);
    }

    async fn deliver(&mut self) -> Outcome {
        let mut outcome = Outcome {
            requests: 0,
            attempts: 0,
            status: "delivered",
        };
        let mut budget = self.shared.split_budget;
        let mut parts = vec![(0, self.items.len())];
        while let Some((start, end)) = parts.pop() {
            let items = self.items.clone();
            let Some(part) = items.get(start..end) else {
                continue;
            };
            let mut resends = 0;
            loop {
                if let Some(pacer) = &self.shared.pacer {
                    let _ = pacer.acquire(PACE_BUCKET, None).await;
                }
                outcome.requests = outcome.requests.saturating_add(1);
                Counters::add(&self.shared.counters.batches, 1);
                let count = part.len() as u64;
                match self.shared.sink.send(part).await {
                    Ok(sent) => {
                        outcome.attempts = outcome.attempts.saturating_add(sent.attempts);
                        let retries = u64::from(sent.attempts.saturating_sub(1));
                        Counters::add(&self.shared.counters.retries, retries);
                        if sent.accepted == count {
                            Counters::add(&self.shared.counters.delivered, count);
                            self.settle(start, end);
                        } else if resends < self.shared.resend_incomplete {
                            resends = resends.saturating_add(1);
                            continue;
                        } else {
                            outcome.status = "incomplete";
                            let reason = FailureReason::Incomplete {
                                sent: count,
                                accepted: sent.accepted,
                            };
                            self.shared.fail(part, &reason);
                            self.settle(start, end);
                        }
                    }
                    Err(err) if self.shared.sink.is_rejection(&err) => {
                        outcome.attempts = outcome.attempts.saturating_add(err.attempts());
                        let len = end.saturating_sub(start);
                        if len > 1 && budget >= 2 {
                            // Halve it: the good half is delivered, the bad half halved again.
                            budget = budget.saturating_sub(2);
                            let middle = start.saturating_add(len / 2);
                            parts.push((middle, end));
                            parts.push((start, middle));
                        } else {
                            outcome.status = "rejected";
                            self.shared
                                .fail(part, &FailureReason::Rejected(Arc::new(err)));
                            self.settle(start, end);
                        }
                    }
                    Err(err) => {
                        outcome.attempts = outcome.attempts.saturating_add(err.attempts());
                        outcome.status = "failed";
                        self.shared
                            .fail(part, &FailureReason::Failed(Arc::new(err)));
                        self.settle(start, end);
                    }
                }
                break;
            }
        }
        outcome
    }

    fn settle(&mut self, start: usize, end: usize) {
        if let Some(flags) = self.settled.get_mut(start..end) {
            flags.fill(true);
        }
    }
}

impl<S: BatchSink> Drop for Delivery<S> {
    fn drop(&mut self) {
        let unsettled: Vec<S::Item> = self
            .items
            .iter()
            .zip(&self.settled)
            .filter(|(_, settled)| !**settled)
            .map(|(item, _)| item.clone())
            .collect();
        if !unsettled.is_empty() {
            self.shared.fail(&unsettled, &FailureReason::Unconfirmed);
        }
    }
}

/// What one batch's delivery did, for its span.
struct Outcome {
    requests: u32,
    attempts: u32,
    status: &'static str,
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;
    use crate::batch::Sent;
    use futures::future::BoxFuture;
    use std::sync::atomic::AtomicU32;

    /// A sink that records batches and answers by rule: items equal to `bad` make a 422,
    /// the first `fail_first` calls fail with 503, and `short` makes the server acknowledge
    /// one item fewer.
    #[derive(Default)]
    struct Recorder {
        batches: Mutex<Vec<Vec<u32>>>,
        bad: Option<u32>,
        fail_first: AtomicU32,
        short: bool,
        delay: Option<Duration>,
    }

    fn api_error(status: u16) -> Error {
        let status = reqwest::StatusCode::from_u16(status).unwrap();
        crate::ApiError::from_details(
            status,
            &reqwest::header::HeaderMap::new(),
            &bytes::Bytes::new(),
            crate::ErrorDetails::default(),
        )
        .into()
    }

    impl BatchSink for Arc<Recorder> {
        type Item = u32;
        const MAX_BATCH: usize = 10;

        fn validate(&self, item: &u32) -> Result<()> {
            if *item == u32::MAX {
                return Err(Error::invalid_input("u32::MAX is refused locally"));
            }
            Ok(())
        }

        fn send<'a>(&'a self, items: &'a [u32]) -> BoxFuture<'a, Result<Sent>> {
            Box::pin(async move {
                if let Some(delay) = self.delay {
                    tokio::time::sleep(delay).await;
                }
                self.batches.lock().unwrap().push(items.to_vec());
                if self.fail_first.load(Ordering::SeqCst) > 0 {
                    self.fail_first.fetch_sub(1, Ordering::SeqCst);
                    return Err(api_error(503));
                }
                if self.bad.is_some_and(|bad| items.contains(&bad)) {
                    return Err(api_error(422));
                }
                let accepted = items.len() as u64 - u64::from(self.short);
                Ok(Sent {
                    accepted,
                    attempts: 1,
                })
            })
        }
    }

    fn config() -> BatcherConfig<u32> {
        BatcherConfig::default().flush_interval(Duration::from_millis(50))
    }

    #[tokio::test(start_paused = true)]
    async fn flushes_on_size_and_on_interval() {
        let sink = Arc::new(Recorder::default());
        let batcher = Batcher::start(sink.clone(), config()).unwrap();
        for i in 0..25 {
            batcher.send(i).await.unwrap();
        }
        // Two full batches go at once; the last five wait for the interval.
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert_eq!(sink.batches.lock().unwrap().len(), 2);
        tokio::time::sleep(Duration::from_millis(60)).await;
        let batches = sink.batches.lock().unwrap().clone();
        assert_eq!(
            batches.iter().map(Vec::len).collect::<Vec<_>>(),
            [10, 10, 5]
        );
        let report = batcher.shutdown(Duration::from_secs(1)).await;
        assert_eq!(report.delivered, 25);
        assert!(report.is_complete());
    }

    #[tokio::test(start_paused = true)]
    async fn a_refused_batch_is_split_to_isolate_the_bad_item() {
        let sink = Arc::new(Recorder {
            bad: Some(6),
            ..Recorder::default()
        });
        let batcher = Batcher::start(sink.clone(), config()).unwrap();
        for i in 0..10 {
            batcher.send(i).await.unwrap();
        }
        batcher.flush().await.unwrap();
        let report = batcher.shutdown(Duration::from_secs(1)).await;
        assert_eq!(report.delivered, 9);
        assert_eq!(report.failed_count, 1);
        assert_eq!(report.failed[0].item, 6);
        assert!(matches!(
            report.failed[0].reason,
            FailureReason::Rejected(_)
        ));
        // 10 -> 5 + 5 -> (5 ok) 2 + 3 -> ... : a handful of requests, not one per item.
        assert!(report.batches <= 8, "{}", report.batches);
    }

    #[tokio::test(start_paused = true)]
    async fn the_split_budget_bounds_the_requests() {
        let sink = Arc::new(Recorder {
            bad: Some(3),
            ..Recorder::default()
        });
        let batcher = Batcher::start(sink.clone(), config().split_budget(2)).unwrap();
        for i in 0..10 {
            batcher.send(i).await.unwrap();
        }
        let report = batcher.shutdown(Duration::from_secs(1)).await;
        assert_eq!(report.batches, 3, "the batch and its two halves");
        assert_eq!(report.delivered, 5);
        assert_eq!(report.failed_count, 5, "the unresolved half is reported");
    }

    #[tokio::test(start_paused = true)]
    async fn failures_and_incomplete_batches_are_reported_never_delivered() {
        let sink = Arc::new(Recorder {
            short: true,
            ..Recorder::default()
        });
        let batcher = Batcher::start(sink.clone(), config()).unwrap();
        for i in 0..3 {
            batcher.send(i).await.unwrap();
        }
        let report = batcher.shutdown(Duration::from_secs(1)).await;
        assert_eq!(report.delivered, 0);
        assert_eq!(report.batches, 2, "sent, then resent once");
        assert_eq!(report.failed_count, 3);
        assert!(matches!(
            report.failed[0].reason,
            FailureReason::Incomplete {
                sent: 3,
                accepted: 2
            }
        ));

        let failing = Arc::new(Recorder {
            fail_first: AtomicU32::new(100),
            ..Recorder::default()
        });
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink_seen = seen.clone();
        let batcher = Batcher::start(
            failing,
            config().on_failure(move |f: Failed<u32>| sink_seen.lock().unwrap().push(f.item)),
        )
        .unwrap();
        batcher.send(7).await.unwrap();
        let report = batcher.shutdown(Duration::from_secs(1)).await;
        assert_eq!(report.failed_count, 1);
        assert!(report.failed.is_empty(), "the callback took it");
        assert_eq!(*seen.lock().unwrap(), [7]);
    }

    #[tokio::test(start_paused = true)]
    async fn back_pressure_invalid_items_and_closed_batcher() {
        let sink = Arc::new(Recorder {
            delay: Some(Duration::from_secs(10)),
            ..Recorder::default()
        });
        let batcher = Batcher::start(
            sink.clone(),
            config().capacity(2).max_in_flight(1).max_batch_size(1),
        )
        .unwrap();
        let invalid = batcher.send(u32::MAX).await.unwrap_err();
        assert!(matches!(invalid, SendError::Invalid(u32::MAX, _)));
        // One in flight, one waiting for a slot in the worker, two in the queue: full.
        let mut sent = 0;
        while batcher.try_send(sent).is_ok() {
            sent += 1;
            tokio::task::yield_now().await;
        }
        assert!(sent >= 2, "{sent}");
        let SendError::Full(back) = batcher.try_send(99).unwrap_err() else {
            panic!("full")
        };
        assert_eq!(back, 99, "the item comes back");
        // send() waits instead of failing.
        let waiting = tokio::spawn({
            let batcher = batcher.clone();
            async move { batcher.send(100).await }
        });
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert!(!waiting.is_finished(), "send waits while the queue is full");
        let report = batcher.shutdown(Duration::from_secs(60)).await;
        // The waiting item was either taken before the queue closed, and delivered, or handed
        // back to its producer: never lost.
        let extra = match waiting.await.unwrap() {
            Ok(()) => 1,
            Err(SendError::Closed(100)) => 0,
            Err(other) => panic!("{other:?}"),
        };
        assert_eq!(report.delivered, sent as u64 + extra);
        assert!(report.is_complete());
        let closed = batcher.send(5).await.unwrap_err();
        assert!(matches!(closed, SendError::Closed(5)));
        assert!(batcher.flush().await.is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn the_shutdown_deadline_reports_unconfirmed_batches() {
        let sink = Arc::new(Recorder {
            delay: Some(Duration::from_secs(30)),
            ..Recorder::default()
        });
        let batcher =
            Batcher::start(sink.clone(), config().max_in_flight(1).max_batch_size(2)).unwrap();
        for i in 0..10 {
            batcher.send(i).await.unwrap();
        }
        let started = Instant::now();
        let report = batcher.shutdown(Duration::from_secs(1)).await;
        assert_eq!(
            started.elapsed(),
            Duration::from_secs(1),
            "the deadline bounds it all"
        );
        assert_eq!(report.delivered, 0);
        assert_eq!(report.failed_count, 10);
        let unconfirmed = report
            .failed
            .iter()
            .filter(|f| matches!(f.reason, FailureReason::Unconfirmed))
            .count();
        let not_sent = report
            .failed
            .iter()
            .filter(|f| matches!(f.reason, FailureReason::NotSent))
            .count();
        // The batch in flight is unconfirmed (it may have been counted); the rest never left.
        assert_eq!(unconfirmed + not_sent, 10);
        assert!(
            unconfirmed >= 1 && not_sent >= 7,
            "{unconfirmed} {not_sent}"
        );
        let stats = batcher.stats();
        assert_eq!(stats.pending, 0, "every item is accounted for");
    }

    #[tokio::test(start_paused = true)]
    async fn dropping_every_handle_still_delivers() {
        let sink = Arc::new(Recorder::default());
        let batcher = Batcher::start(sink.clone(), config()).unwrap();
        for i in 0..3 {
            batcher.send(i).await.unwrap();
        }
        drop(batcher);
        tokio::time::sleep(Duration::from_millis(10)).await;
        let delivered: usize = sink.batches.lock().unwrap().iter().map(Vec::len).sum();
        assert_eq!(delivered, 3);
    }

    #[tokio::test(start_paused = true)]
    async fn batches_are_paced_within_the_budget_share() {
        struct Budgeted(Arc<Recorder>);
        impl BatchSink for Budgeted {
            type Item = u32;
            const MAX_BATCH: usize = 1;
            fn validate(&self, _: &u32) -> Result<()> {
                Ok(())
            }
            fn send<'a>(&'a self, items: &'a [u32]) -> BoxFuture<'a, Result<Sent>> {
                self.0.send(items)
            }
            fn budget(&self) -> Option<crate::RateLimit> {
                Some(crate::RateLimit::per_second(10).margin(1.0))
            }
        }
        let sink = Arc::new(Recorder::default());
        let batcher = Batcher::start(Budgeted(sink.clone()), config().budget_share(0.5)).unwrap();
        let started = Instant::now();
        for i in 0..6 {
            batcher.send(i).await.unwrap();
        }
        batcher.flush().await.unwrap();
        // Half of 10/s: 5 batches a second, so six take a second.
        assert_eq!(started.elapsed(), Duration::from_secs(1));
        assert_eq!(sink.batches.lock().unwrap().len(), 6);
    }

    #[test]
    fn starting_outside_a_runtime_is_an_error() {
        let err = Batcher::start(Arc::new(Recorder::default()), config()).unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err:?}");
    }
}
