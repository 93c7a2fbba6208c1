//! The [`Batcher`] handle and the worker task behind it.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{Semaphore, mpsc, oneshot, watch};
use tokio::task::{Id, JoinError, JoinSet};
use tokio::time::Instant;

use super::delivery::{Delivery, Pacer};
use super::{
    BatchReport, BatchSink, BatcherConfig, BatcherStats, Counters, Failed, FailureCallback,
    FailureReason, SendError,
};
use crate::error::{Error, Result};

/// What [`Batcher::estimated_drain_time`] adds for the last batches' answers.
const DRAIN_SLACK: Duration = Duration::from_secs(10);

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
/// holds up a flush or a shutdown).
enum Control {
    Flush(oneshot::Sender<()>),
    Shutdown(Duration, oneshot::Sender<()>),
}

/// What the handles, the worker and the deliveries share.
pub(super) struct Shared<S: BatchSink> {
    pub(super) sink: S,
    pub(super) counters: Counters,
    pub(super) pacer: Option<Pacer>,
    pub(super) resend_incomplete: u32,
    pub(super) give_up_after: Duration,
    pub(super) backoff_first: Duration,
    pub(super) backoff_max: Duration,
    closed: AtomicBool,
    failures: Mutex<Vec<Failed<S::Item>>>,
    keep_failed: usize,
    on_failure: Option<FailureCallback<S::Item>>,
    max_batch: usize,
    flush_interval: Duration,
    done: watch::Sender<bool>,
    /// Set when the worker was dropped before its work ended (its runtime shut down).
    cut_off: AtomicBool,
    /// Items the batcher stopped with: never sent, and in flight (unconfirmed).
    pub(super) stopped_unsent: AtomicU64,
    pub(super) stopped_in_flight: AtomicU64,
}

impl<S: BatchSink> Drop for Shared<S> {
    /// The last part of a batcher cut off by its runtime's end: one ERROR event with the
    /// count of what was not delivered (each item also went to the failure callback).
    fn drop(&mut self) {
        if !self.cut_off.load(Ordering::Acquire) {
            return;
        }
        let not_sent = self.stopped_unsent.load(Ordering::Acquire);
        let in_flight = self.stopped_in_flight.load(Ordering::Acquire);
        if not_sent == 0 && in_flight == 0 {
            return;
        }
        tracing::error!(
            target: "questkit::batch",
            not_sent,
            in_flight,
            "the batcher's runtime ended before shutdown: {not_sent} items were never sent \
             and {in_flight} were in flight unconfirmed; each was reported as not delivered"
        );
    }
}

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
        let pacer = pace.map(|limit| {
            Pacer::new(
                limit,
                sink.limiter().map(|limiter| (limiter, sink.pace_bucket())),
            )
        });
        let (items, rx) = mpsc::channel(config.capacity);
        let (control, control_rx) = mpsc::unbounded_channel();
        let (done, _) = watch::channel(false);
        let shared = Arc::new(Shared {
            sink,
            counters: Counters::default(),
            pacer,
            resend_incomplete: config.resend_incomplete,
            give_up_after: config.give_up_after,
            backoff_first: config.backoff_first,
            backoff_max: config.backoff_max,
            closed: AtomicBool::new(false),
            failures: Mutex::new(Vec::new()),
            keep_failed: config.keep_failed,
            on_failure: config.on_failure,
            max_batch,
            flush_interval: config.flush_interval,
            done,
            cut_off: AtomicBool::new(false),
            stopped_unsent: AtomicU64::new(0),
            stopped_in_flight: AtomicU64::new(0),
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
            next_batch: 0,
            in_flight: HashMap::new(),
            flushes: Vec::new(),
            finished: false,
        };
        runtime.spawn(worker.run());
        Ok(Batcher {
            items,
            control,
            shared,
        })
    }

    /// Queues an item, waiting while the queue is full (back-pressure). The item comes back
    /// when it fails the sink's checks ([`BatchSink::validate`], then
    /// [`BatchSink::confirm`]) or the batcher is shut down.
    pub async fn send(&self, item: S::Item) -> std::result::Result<(), SendError<S::Item>> {
        let item = self.admit(item)?;
        let confirmed = match self.shared.sink.confirm(&item) {
            Some(check) => check.await,
            None => Ok(()),
        };
        if let Err(err) = confirmed {
            return Err(SendError::Invalid(item, err));
        }
        match self.items.send(item).await {
            Ok(()) => {
                Counters::add(&self.shared.counters.queued, 1);
                Ok(())
            }
            Err(mpsc::error::SendError(item)) => Err(SendError::Closed(item)),
        }
    }

    /// Queues an item if there is room now; a full queue hands it back. Only
    /// [`BatchSink::validate`] is checked (a look-up of [`BatchSink::confirm`] would have to
    /// wait: the server decides).
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

    /// Sends everything queued so far and waits, for at most `deadline`, until each of those
    /// batches is delivered or reported. Producers may keep sending meanwhile. Fails with
    /// [`Error::DeadlineExceeded`] when the deadline passes first (the batches go on), and
    /// with [`Error::Config`] once the batcher is shut down.
    pub async fn flush(&self, deadline: Duration) -> Result<()> {
        if self.shared.closed.load(Ordering::Acquire) {
            return Err(Error::config("the batcher is shut down"));
        }
        let (reply, wait) = oneshot::channel();
        self.control
            .send(Control::Flush(reply))
            .map_err(|_| Error::config("the batcher is shut down"))?;
        match tokio::time::timeout(deadline, wait).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(Error::config("the batcher stopped during the flush")),
            Err(_) => Err(Error::DeadlineExceeded {
                deadline,
                attempts: 0,
            }),
        }
    }

    /// Stops taking items (a `send` still waiting for room gets its item back as
    /// [`SendError::Closed`]), sends everything queued, and waits for the batches for at most
    /// `deadline`; what is still unconfirmed then is reported as
    /// [`FailureReason::Unconfirmed`], what was never sent as [`FailureReason::NotSent`].
    /// Returns the report (every handle may call it; the sample of failed items goes to the
    /// first caller). [`Batcher::estimated_drain_time`] tells what deadline the queue needs.
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
            resends: stats.resends,
            split_requests: stats.split_requests,
            failed_count: stats.failed,
            failed,
        }
    }

    /// How long delivering what is pending now takes at the batcher's pace, when the server
    /// answers: one pace interval per request, with as many requests per batch as so far
    /// (resends and split requests included), plus the flush interval and 10 s for the
    /// answers of the last requests. A deadline for [`Batcher::shutdown`] on SIGTERM
    /// (100 000 events at Trophy's 10 requests a second, paced at 9, take about 11 s plus
    /// those 10 s).
    pub fn estimated_drain_time(&self) -> Duration {
        let stats = self.stats();
        let batches = stats.pending.div_ceil(self.shared.max_batch.max(1) as u64) as f64;
        let requests_per_batch = if stats.batches == 0 {
            1.0
        } else {
            (stats.requests() as f64 / stats.batches as f64).max(1.0)
        };
        let interval = self
            .shared
            .pacer
            .as_ref()
            .map_or(Duration::ZERO, Pacer::interval);
        Duration::try_from_secs_f64(interval.as_secs_f64() * batches * requests_per_batch)
            .unwrap_or(Duration::MAX)
            .saturating_add(self.shared.flush_interval)
            .saturating_add(DRAIN_SLACK)
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

    /// Reports items as not delivered: to the callback, else into the report's bounded
    /// sample; counted either way.
    pub(super) fn fail(&self, items: &[S::Item], reason: &FailureReason) {
        Counters::add(&self.counters.failed, items.len() as u64);
        match &self.on_failure {
            Some(callback) => {
                for item in items {
                    callback(Failed {
                        item: item.clone(),
                        reason: reason.clone(),
                    });
                }
            }
            None => {
                let mut kept = self.lock_failures();
                let room = self.keep_failed.saturating_sub(kept.len());
                kept.extend(items.iter().take(room).map(|item| Failed {
                    item: item.clone(),
                    reason: reason.clone(),
                }));
            }
        }
    }
}

/// The task that owns the queue's receiving end.
///
/// It never blocks outside its `select!` without listening to the control channel: while it
/// waits for a free slot, a shutdown still gets through (its deadline bounds the whole
/// drain). A flush does not stop it: it marks the batches it waits for and is answered when
/// they are done, while new items keep flowing.
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
    /// The number the next batch gets.
    next_batch: u64,
    /// The batches in flight, by task.
    in_flight: HashMap<Id, u64>,
    /// Flushes waiting for every batch numbered below theirs.
    flushes: Vec<(u64, oneshot::Sender<()>)>,
    /// Set when the worker ended its work; a worker dropped without it was cut off.
    finished: bool,
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
            // A full batch leaves before another item is taken: a batch never exceeds its
            // maximum, whatever interrupted its dispatch.
            if self.buffer.len() >= self.max_batch {
                flush_at = None;
                self.dispatch().await;
                continue;
            }
            tokio::select! {
                item = self.rx.recv() => match item {
                    Some(item) => {
                        if self.buffer.is_empty() {
                            flush_at = Instant::now().checked_add(self.flush_interval);
                        }
                        self.buffer.push(item);
                    }
                    None => {
                        // Every handle is gone: deliver what is left, with no deadline but
                        // the batches' patience.
                        self.draining = true;
                        self.drain(None).await;
                        let stats = self.shared.counters.snapshot();
                        if stats.failed > 0 {
                            tracing::error!(
                                target: "questkit::batch",
                                failed = stats.failed,
                                delivered = stats.delivered,
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
                Some(done) = self.tasks.join_next_with_id(), if !self.tasks.is_empty() => {
                    self.batch_done(done);
                }
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
        for (_, reply) in self.flushes.drain(..) {
            let _ = reply.send(());
        }
        self.finished = true;
        self.shared.done.send_replace(true);
    }

    /// Handles a request; `true` when the worker is to stop.
    async fn handle(&mut self, control: Control, flush_at: &mut Option<Instant>) -> bool {
        match control {
            Control::Flush(reply) => {
                *flush_at = None;
                match self.take_queued().await {
                    Waited::Done => {
                        self.flushes.push((self.next_batch, reply));
                        self.answer_flushes();
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

    /// Takes the items queued now (not those that arrive meanwhile) into batches, and sends
    /// them all.
    async fn take_queued(&mut self) -> Waited {
        for _ in 0..self.rx.len() {
            if self.buffer.len() >= self.max_batch && self.dispatch().await == Waited::Interrupted {
                return Waited::Interrupted;
            }
            match self.rx.try_recv() {
                Ok(item) => self.buffer.push(item),
                Err(_) => break,
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
            loop {
                if self.buffer.len() >= self.max_batch {
                    self.dispatch().await;
                }
                match self.rx.recv().await {
                    Some(item) => self.buffer.push(item),
                    None => break,
                }
            }
            self.dispatch().await;
            while let Some(done) = self.tasks.join_next_with_id().await {
                self.batch_done(done);
            }
        };
        let Some(until) = until else {
            return all.await;
        };
        if tokio::time::timeout_at(until, all).await.is_err() {
            self.tasks.abort_all();
            while let Some(done) = self.tasks.join_next_with_id().await {
                self.batch_done(done);
            }
            self.report_unsent();
        }
    }

    /// Reports the buffer and the queue as never sent.
    fn report_unsent(&mut self) {
        self.rx.close();
        let mut unsent = std::mem::take(&mut self.buffer);
        while let Ok(item) = self.rx.try_recv() {
            unsent.push(item);
        }
        Counters::add(&self.shared.stopped_unsent, unsent.len() as u64);
        self.shared.fail(&unsent, &FailureReason::NotSent);
    }

    /// A batch task ended (delivered, reported, or aborted): answers the flushes waiting for
    /// no later batch.
    fn batch_done(&mut self, done: std::result::Result<(Id, ()), JoinError>) {
        let id = match done {
            Ok((id, ())) => id,
            Err(err) => err.id(),
        };
        self.in_flight.remove(&id);
        self.answer_flushes();
    }

    fn answer_flushes(&mut self) {
        let oldest = self.in_flight.values().copied().collect::<BTreeSet<u64>>();
        let oldest = oldest.first().copied().unwrap_or(u64::MAX);
        let (done, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut self.flushes)
            .into_iter()
            .partition(|(mark, _)| oldest >= *mark);
        self.flushes = waiting;
        for (_, reply) in done {
            let _ = reply.send(());
        }
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
        let items = std::mem::replace(&mut self.buffer, Vec::with_capacity(self.max_batch));
        let delivery = Delivery::new(items, self.shared.clone());
        let task = self.tasks.spawn(async move {
            let _slot = slot;
            delivery.run().await;
        });
        self.in_flight.insert(task.id(), self.next_batch);
        self.next_batch = self.next_batch.saturating_add(1);
        Waited::Done
    }
}

impl<S: BatchSink> Drop for Worker<S> {
    /// The worker was cut off before its work ended: its runtime shut down (`main` returned
    /// without [`Batcher::shutdown`]). Nothing goes silently: the items not sent are reported,
    /// the batches in flight report theirs as they are dropped, and the last part of the
    /// batcher to go logs one ERROR event that counts them.
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        self.shared.cut_off.store(true, Ordering::Release);
        self.report_unsent();
        self.tasks.abort_all();
        self.shared.done.send_replace(true);
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
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
    use crate::batch::Sent;
    use crate::rate_limit::{BucketLimits, LocalRateLimiter, RateLimit, RateLimiter};
    use futures::future::BoxFuture;
    use std::sync::atomic::AtomicU32;

    /// A sink that records batches and answers by rule: items in `bad` make a 422, the first
    /// `fail_first` calls fail with `fail_status` (503 by default), `short` makes the server
    /// acknowledge one item fewer, a batch over 10 items is refused (as Trophy refuses one
    /// over 1,000), and `gate` holds every call until the test adds permits.
    struct Recorder {
        batches: Mutex<Vec<Vec<u32>>>,
        times: Mutex<Vec<Instant>>,
        bad: Vec<u32>,
        fail_first: AtomicU32,
        fail_status: u16,
        short: bool,
        delay: Option<Duration>,
        gate: Option<Arc<Semaphore>>,
    }

    impl Default for Recorder {
        fn default() -> Self {
            Recorder {
                batches: Mutex::default(),
                times: Mutex::default(),
                bad: Vec::new(),
                fail_first: AtomicU32::new(0),
                fail_status: 503,
                short: false,
                delay: None,
                gate: None,
            }
        }
    }

    impl Recorder {
        fn sizes(&self) -> Vec<usize> {
            self.batches.lock().unwrap().iter().map(Vec::len).collect()
        }
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

    fn record<'a>(
        recorder: &'a Recorder,
        items: &'a [u32],
        max: usize,
    ) -> BoxFuture<'a, Result<Sent>> {
        Box::pin(async move {
            if let Some(gate) = &recorder.gate {
                gate.acquire().await.unwrap().forget();
            }
            if let Some(delay) = recorder.delay {
                tokio::time::sleep(delay).await;
            }
            recorder.batches.lock().unwrap().push(items.to_vec());
            recorder.times.lock().unwrap().push(Instant::now());
            if items.len() > max {
                return Err(api_error(400));
            }
            if recorder.fail_first.load(Ordering::SeqCst) > 0 {
                recorder.fail_first.fetch_sub(1, Ordering::SeqCst);
                if recorder.fail_status == 0 {
                    // A shared limiter that cannot be reached: the request never left.
                    return Err(Error::RateLimiterUnavailable("Redis: refused".into()));
                }
                return Err(api_error(recorder.fail_status));
            }
            if items.iter().any(|item| recorder.bad.contains(item)) {
                return Err(api_error(422));
            }
            let accepted = items.len() as u64 - u64::from(recorder.short);
            Ok(Sent {
                accepted,
                attempts: 1,
            })
        })
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
            record(self, items, Self::MAX_BATCH)
        }
    }

    /// Batches of up to 1,000, as Trophy's.
    struct Big(Arc<Recorder>);

    impl BatchSink for Big {
        type Item = u32;
        const MAX_BATCH: usize = 1000;
        fn validate(&self, _: &u32) -> Result<()> {
            Ok(())
        }
        fn send<'a>(&'a self, items: &'a [u32]) -> BoxFuture<'a, Result<Sent>> {
            record(&self.0, items, Self::MAX_BATCH)
        }
    }

    /// Paced within 10 requests a second (exactly: no margin), in a limiter of its own or in
    /// a shared one.
    struct Budgeted(Arc<Recorder>, Option<Arc<dyn RateLimiter>>);

    impl BatchSink for Budgeted {
        type Item = u32;
        const MAX_BATCH: usize = 1;
        fn validate(&self, _: &u32) -> Result<()> {
            Ok(())
        }
        fn send<'a>(&'a self, items: &'a [u32]) -> BoxFuture<'a, Result<Sent>> {
            record(&self.0, items, Self::MAX_BATCH)
        }
        fn budget(&self) -> Option<RateLimit> {
            Some(RateLimit::per_second(10).margin(1.0))
        }
        fn limiter(&self) -> Option<Arc<dyn RateLimiter>> {
            self.1.clone()
        }
    }

    fn config() -> BatcherConfig<u32> {
        BatcherConfig::default().flush_interval(Duration::from_millis(50))
    }

    fn reasons(report: &BatchReport<u32>, what: fn(&FailureReason) -> bool) -> usize {
        report.failed.iter().filter(|f| what(&f.reason)).count()
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
        assert_eq!(sink.sizes().len(), 2);
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert_eq!(sink.sizes(), [10, 10, 5]);
        let report = batcher.shutdown(Duration::from_secs(1)).await;
        assert_eq!(report.delivered, 25);
        assert_eq!(
            (report.batches, report.resends, report.split_requests),
            (3, 0, 0)
        );
        assert!(report.is_complete());
    }

    /// The race the issue found: a dispatch interrupted by the shutdown with a full buffer,
    /// then the drain adding the queued items to it. Every batch must stay within the
    /// sink's maximum, and every item be delivered.
    #[tokio::test(start_paused = true)]
    async fn a_shutdown_during_a_full_dispatch_never_makes_an_oversized_batch() {
        let gate = Arc::new(Semaphore::new(0));
        let sink = Arc::new(Recorder {
            gate: Some(gate.clone()),
            ..Recorder::default()
        });
        let batcher = Batcher::start(sink.clone(), config().max_in_flight(1)).unwrap();
        // One batch in flight (held at the gate), one full batch waiting for the slot, five
        // items in the queue behind it.
        for i in 0..25 {
            batcher.send(i).await.unwrap();
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
        let shutdown = tokio::spawn({
            let batcher = batcher.clone();
            async move { batcher.shutdown(Duration::from_secs(60)).await }
        });
        tokio::time::sleep(Duration::from_millis(1)).await;
        gate.add_permits(100);
        let report = shutdown.await.unwrap();
        assert!(
            sink.sizes().iter().all(|size| *size <= 10),
            "{:?}",
            sink.sizes()
        );
        assert_eq!(report.delivered, 25, "{:?}", report.failed);
        assert!(report.is_complete());
    }

    #[tokio::test(start_paused = true)]
    async fn a_refused_batch_is_split_to_isolate_the_bad_item() {
        let sink = Arc::new(Recorder {
            bad: vec![6],
            ..Recorder::default()
        });
        let batcher = Batcher::start(sink.clone(), config()).unwrap();
        for i in 0..10 {
            batcher.send(i).await.unwrap();
        }
        batcher.flush(Duration::from_secs(60)).await.unwrap();
        let report = batcher.shutdown(Duration::from_secs(1)).await;
        assert_eq!(report.delivered, 9);
        assert_eq!(report.failed_count, 1);
        assert_eq!(report.failed[0].item, 6);
        assert!(matches!(
            report.failed[0].reason,
            FailureReason::Rejected(_)
        ));
        // 10 -> [0..5 ok] [5..10 known bad] -> [5..7 refused] [7..10 ok] -> [5 ok] [6 known].
        assert_eq!(report.batches, 1);
        assert_eq!(
            report.split_requests,
            4,
            "{:?}",
            sink.batches.lock().unwrap()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn splitting_has_no_budget_and_never_resends_a_half_known_to_be_refused() {
        // A bad item at the end: every left half goes through, every right half is known bad
        // and split without being sent.
        let sink = Arc::new(Recorder {
            bad: vec![999],
            ..Recorder::default()
        });
        let batcher = Batcher::start(Big(sink.clone()), BatcherConfig::default()).unwrap();
        for i in 0..1000 {
            batcher.send(i).await.unwrap();
        }
        let report = batcher.shutdown(Duration::from_secs(60)).await;
        assert_eq!((report.delivered, report.failed_count), (999, 1));
        assert_eq!(report.split_requests, 10, "one request per halving");
        let sent = sink.batches.lock().unwrap().clone();
        assert_eq!(
            sent.iter().filter(|b| b.contains(&999)).count(),
            1,
            "sent once, whole"
        );

        // Several bad items spread out: no good item is ever reported, however many requests
        // it takes.
        let bad = vec![3, 500, 501, 640, 998];
        let sink = Arc::new(Recorder {
            bad: bad.clone(),
            ..Recorder::default()
        });
        let batcher = Batcher::start(Big(sink.clone()), BatcherConfig::default()).unwrap();
        for i in 0..1000 {
            batcher.send(i).await.unwrap();
        }
        let report = batcher.shutdown(Duration::from_secs(60)).await;
        let mut refused: Vec<u32> = report.failed.iter().map(|f| f.item).collect();
        refused.sort_unstable();
        assert_eq!(refused, bad);
        assert_eq!(report.delivered, 995);
        assert!(
            report.split_requests <= 5 * 2 * 10,
            "{}",
            report.split_requests
        );
    }

    #[tokio::test(start_paused = true)]
    async fn transient_failures_are_retried_with_patience_not_reported() {
        let sink = Arc::new(Recorder {
            fail_first: AtomicU32::new(6),
            ..Recorder::default()
        });
        let batcher = Batcher::start(sink.clone(), config()).unwrap();
        for i in 0..10 {
            batcher.send(i).await.unwrap();
        }
        let started = Instant::now();
        batcher.flush(Duration::from_secs(600)).await.unwrap();
        let report = batcher.shutdown(Duration::from_secs(1)).await;
        assert!(report.is_complete(), "{:?}", report.failed);
        assert_eq!(
            (report.delivered, report.batches, report.resends),
            (10, 1, 6)
        );
        // Backoff 0.5 s doubling (jittered to half or more): over 0.25+0.5+1+2+4+5 s at least.
        assert!(
            started.elapsed() >= Duration::from_millis(12_750),
            "{:?}",
            started.elapsed()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn patience_ends_after_give_up_after_and_then_the_items_are_reported() {
        let sink = Arc::new(Recorder {
            fail_first: AtomicU32::new(u32::MAX),
            fail_status: 500,
            ..Recorder::default()
        });
        let batcher = Batcher::start(
            sink.clone(),
            config()
                .give_up_after(Duration::from_secs(30))
                .keep_failed(4),
        )
        .unwrap();
        for i in 0..10 {
            batcher.send(i).await.unwrap();
        }
        let started = Instant::now();
        batcher.flush(Duration::from_secs(600)).await.unwrap();
        let waited = started.elapsed();
        assert!(
            waited >= Duration::from_secs(30) && waited < Duration::from_secs(32),
            "{waited:?}"
        );
        let report = batcher.shutdown(Duration::from_secs(1)).await;
        assert_eq!(report.failed_count, 10, "exact count");
        assert_eq!(report.failed.len(), 4, "a bounded sample");
        assert_eq!(
            reasons(&report, |r| matches!(r, FailureReason::Failed(_))),
            4
        );
    }

    #[test]
    fn transient_errors_are_told_from_final_ones() {
        let sink = Arc::new(Recorder::default());
        for status in [408, 429, 500, 502, 503, 504] {
            assert!(sink.is_transient(&api_error(status)), "{status}");
        }
        assert!(sink.is_transient(&Error::Timeout { attempts: 1 }));
        assert!(sink.is_transient(&Error::RateLimiterUnavailable("down".into())));
        for status in [400, 401, 403, 404, 422] {
            assert!(!sink.is_transient(&api_error(status)), "{status}");
        }
        assert!(!sink.is_transient(&Error::config("x")));
    }

    #[tokio::test(start_paused = true)]
    async fn every_resend_takes_a_permit_of_the_pace() {
        let sink = Arc::new(Recorder {
            fail_first: AtomicU32::new(3),
            ..Recorder::default()
        });
        let batcher = Batcher::start(
            Budgeted(sink.clone(), None),
            config()
                .budget_share(1.0)
                .retry_backoff(Duration::from_millis(1), Duration::from_millis(1)),
        )
        .unwrap();
        for i in 0..3 {
            batcher.send(i).await.unwrap();
        }
        batcher.flush(Duration::from_secs(60)).await.unwrap();
        let times = sink.times.lock().unwrap().clone();
        assert_eq!(times.len(), 6, "3 failures, then 3 batches");
        for pair in times.windows(2) {
            assert!(pair[1] - pair[0] >= Duration::from_millis(100), "{times:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_pauses_the_pace_for_a_window() {
        let sink = Arc::new(Recorder {
            fail_first: AtomicU32::new(1),
            fail_status: 429,
            ..Recorder::default()
        });
        let batcher =
            Batcher::start(Budgeted(sink.clone(), None), config().budget_share(1.0)).unwrap();
        batcher.send(1).await.unwrap();
        batcher.flush(Duration::from_secs(60)).await.unwrap();
        let times = sink.times.lock().unwrap().clone();
        assert_eq!(times.len(), 2);
        // No Retry-After: one period of the budget (1 s), never less.
        assert!(times[1] - times[0] >= Duration::from_secs(1), "{times:?}");
        let stats = batcher.stats();
        assert_eq!((stats.delivered, stats.resends, stats.failed), (1, 1, 0));
    }

    #[tokio::test(start_paused = true)]
    async fn the_share_holds_for_every_batcher_of_a_shared_limiter() {
        // Two "replicas" whose clients share one limiter: together they keep to half the
        // budget (5 a second), not half each.
        let shared: Arc<dyn RateLimiter> = Arc::new(LocalRateLimiter::new(BucketLimits::new()));
        let sinks = [Arc::new(Recorder::default()), Arc::new(Recorder::default())];
        let batchers: Vec<_> = sinks
            .iter()
            .map(|sink| {
                Batcher::start(
                    Budgeted(sink.clone(), Some(shared.clone())),
                    config().budget_share(0.5),
                )
                .unwrap()
            })
            .collect();
        let started = Instant::now();
        for i in 0..6 {
            for batcher in &batchers {
                batcher.send(i).await.unwrap();
            }
        }
        for batcher in &batchers {
            batcher.flush(Duration::from_secs(60)).await.unwrap();
        }
        // 12 batches at 5 a second: the last one goes at 2.2 s.
        assert!(
            started.elapsed() >= Duration::from_millis(2200),
            "{:?}",
            started.elapsed()
        );
        let mut times: Vec<Instant> = sinks
            .iter()
            .flat_map(|s| s.times.lock().unwrap().clone())
            .collect();
        times.sort();
        assert_eq!(times.len(), 12);
        for pair in times.windows(2) {
            assert!(pair[1] - pair[0] >= Duration::from_millis(200), "{times:?}");
        }
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
        assert_eq!(
            (report.batches, report.resends),
            (1, 1),
            "sent, then resent once"
        );
        assert_eq!(report.failed_count, 3);
        assert!(matches!(
            report.failed[0].reason,
            FailureReason::Incomplete {
                sent: 3,
                accepted: 2
            }
        ));

        // A final error (401) is reported at once, to the callback.
        let failing = Arc::new(Recorder {
            fail_first: AtomicU32::new(100),
            fail_status: 401,
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
        assert!(batcher.flush(Duration::from_secs(1)).await.is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn a_flush_has_a_deadline_and_does_not_stop_the_producers() {
        let sink = Arc::new(Recorder {
            delay: Some(Duration::from_secs(30)),
            ..Recorder::default()
        });
        let batcher = Batcher::start(sink.clone(), config().max_batch_size(2)).unwrap();
        batcher.send(1).await.unwrap();
        let err = batcher.flush(Duration::from_secs(1)).await.unwrap_err();
        assert!(matches!(err, Error::DeadlineExceeded { .. }), "{err:?}");
        // While the flush's batch is out, new items are still batched and sent.
        let flushing = tokio::spawn({
            let batcher = batcher.clone();
            async move { batcher.flush(Duration::from_secs(120)).await }
        });
        tokio::time::sleep(Duration::from_millis(1)).await;
        for i in 10..14 {
            batcher.send(i).await.unwrap();
        }
        tokio::time::sleep(Duration::from_secs(31)).await;
        assert_eq!(sink.sizes().len(), 3, "{:?}", sink.sizes());
        flushing.await.unwrap().unwrap();
        let report = batcher.shutdown(Duration::from_secs(60)).await;
        assert_eq!(report.delivered, 5);
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
        let unconfirmed = reasons(&report, |r| matches!(r, FailureReason::Unconfirmed));
        let not_sent = reasons(&report, |r| matches!(r, FailureReason::NotSent));
        // The batch in flight is unconfirmed (it may have been counted); the rest never left.
        assert_eq!((unconfirmed, not_sent), (2, 8));
        assert_eq!(batcher.stats().pending, 0, "every item is accounted for");
    }

    #[tokio::test(start_paused = true)]
    async fn items_whose_requests_never_left_are_reported_not_sent() {
        let sink = Arc::new(Recorder {
            fail_first: AtomicU32::new(u32::MAX),
            fail_status: 0,
            ..Recorder::default()
        });
        let batcher = Batcher::start(sink.clone(), config()).unwrap();
        for i in 0..10 {
            batcher.send(i).await.unwrap();
        }
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert!(sink.sizes().len() > 1, "the batch is being retried");
        let report = batcher.shutdown(Duration::from_secs(1)).await;
        assert_eq!(report.failed_count, 10);
        assert_eq!(
            reasons(&report, |r| matches!(r, FailureReason::NotSent)),
            10
        );
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
        assert_eq!(sink.sizes().iter().sum::<usize>(), 3);
    }

    /// A writer into a shared buffer, to read what the ERROR event said.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// Runs `run` with a subscriber that keeps ERROR events on this thread; what it wrote.
    fn errors_logged_by(run: impl FnOnce()) -> String {
        // tracing-core 0.1.36 (tokio-rs/tracing#3611): with a single dispatch in the process, a
        // callsite first reached by another test's thread caches "never interested"; a second
        // dispatch alive makes tracing ask each subscriber (as tests/common does).
        static SILENT: std::sync::OnceLock<tracing::Dispatch> = std::sync::OnceLock::new();
        SILENT.get_or_init(|| tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default()));
        let logs = Captured::default();
        let writer = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::ERROR)
            .finish();
        tracing::subscriber::with_default(subscriber, run);
        String::from_utf8(logs.0.lock().unwrap().clone()).unwrap()
    }

    /// A runtime of the test's own, to end as `main` returning ends it.
    fn own_runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    /// `main` returning without `shutdown`: the runtime ends with items queued and in flight.
    /// Each one reaches the failure callback, and an ERROR event counts them.
    #[test]
    fn a_runtime_ending_before_shutdown_reports_every_item_and_logs_an_error() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let logs = errors_logged_by(|| {
            let runtime = own_runtime();
            let sink = Arc::new(Recorder {
                delay: Some(Duration::from_secs(3600)),
                ..Recorder::default()
            });
            let callback_seen = seen.clone();
            let batcher = runtime.block_on(async {
                let batcher = Batcher::start(
                    sink,
                    config().max_batch_size(5).max_in_flight(1).on_failure(
                        move |f: Failed<u32>| {
                            callback_seen
                                .lock()
                                .unwrap()
                                .push((f.item, f.reason.to_string()));
                        },
                    ),
                )
                .unwrap();
                for i in 0..20 {
                    batcher.send(i).await.unwrap();
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
                // `main` returns here.
                batcher
            });
            drop(runtime);
            // Every item was reported as the runtime ended; the ERROR event comes with the
            // last part of the batcher (here a handle kept beyond the runtime).
            assert_eq!(seen.lock().unwrap().len(), 20);
            drop(batcher);
        });
        let mut seen = seen.lock().unwrap().clone();
        seen.sort();
        assert_eq!(
            seen.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
            (0..20).collect::<Vec<_>>()
        );
        let in_flight = seen.iter().filter(|(_, r)| r.contains("in flight")).count();
        assert_eq!(in_flight, 5, "{seen:?}");
        assert!(logs.contains("ERROR"), "{logs}");
        assert!(logs.contains("15 items were never sent"), "{logs}");
        assert!(logs.contains("5 were in flight"), "{logs}");
    }

    /// A runtime that ends with everything delivered has nothing to say.
    #[test]
    fn a_runtime_ending_with_nothing_pending_logs_nothing() {
        let logs = errors_logged_by(|| {
            let runtime = own_runtime();
            let sink = Arc::new(Recorder::default());
            let batcher = runtime.block_on(async {
                let batcher = Batcher::start(sink.clone(), config()).unwrap();
                for i in 0..3 {
                    batcher.send(i).await.unwrap();
                }
                batcher.flush(Duration::from_secs(5)).await.unwrap();
                batcher
            });
            drop(runtime);
            assert_eq!(batcher.stats().delivered, 3);
            drop(batcher);
        });
        assert!(logs.is_empty(), "{logs}");
    }

    #[tokio::test(start_paused = true)]
    async fn batches_are_paced_within_the_budget_share() {
        let sink = Arc::new(Recorder::default());
        let batcher =
            Batcher::start(Budgeted(sink.clone(), None), config().budget_share(0.5)).unwrap();
        let started = Instant::now();
        for i in 0..6 {
            batcher.send(i).await.unwrap();
        }
        batcher.flush(Duration::from_secs(60)).await.unwrap();
        // Half of 10/s: 5 batches a second, so six take a second.
        assert_eq!(started.elapsed(), Duration::from_secs(1));
        assert_eq!(sink.sizes().len(), 6);
        // 6 pending at 200 ms each would be 1.2 s, plus the flush interval and the slack.
        for i in 0..6 {
            batcher.try_send(i).unwrap();
        }
        assert_eq!(
            batcher.estimated_drain_time(),
            Duration::from_millis(1200 + 50) + DRAIN_SLACK
        );
    }

    #[test]
    fn starting_outside_a_runtime_is_an_error() {
        let err = Batcher::start(Arc::new(Recorder::default()), config()).unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err:?}");
    }
}
