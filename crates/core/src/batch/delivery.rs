//! One batch on its way to the server: paced, sent again with patience after transient
//! failures, resent when acknowledged in part, split when refused for its content.

use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::time::Instant;
use tracing::Instrument;

use super::worker::Shared;
use super::{BatchSink, Counters, FailureReason};
use crate::error::{Error, Result};
use crate::rate_limit::{BucketLimits, LocalRateLimiter, RateLimit, RateLimiter};

/// The bucket the batcher paces its own requests in when it has a limiter of its own.
const OWN_BUCKET: &str = "batches";

/// Where the batcher takes a permit before each of its requests.
pub(super) enum Pacer {
    /// A limiter of the batcher's own (the client has none).
    Own(LocalRateLimiter, RateLimit),
    /// The client's limiter (local or shared by a fleet), in a bucket of the batcher's, so
    /// that the budget share holds for every process sharing the limiter.
    Shared {
        limiter: Arc<dyn RateLimiter>,
        bucket: &'static str,
        limit: RateLimit,
    },
}

impl Pacer {
    pub(super) fn new(
        limit: RateLimit,
        shared: Option<(Arc<dyn RateLimiter>, &'static str)>,
    ) -> Pacer {
        match shared {
            Some((limiter, bucket)) => Pacer::Shared {
                limiter,
                bucket,
                limit,
            },
            None => Pacer::Own(
                LocalRateLimiter::new(BucketLimits::new().default_limit(limit)),
                limit,
            ),
        }
    }

    async fn acquire(&self) -> Result<Duration> {
        match self {
            Pacer::Own(limiter, _) => limiter.acquire(OWN_BUCKET, None).await,
            Pacer::Shared {
                limiter,
                bucket,
                limit,
            } => limiter.acquire_with_limit(bucket, *limit, None).await,
        }
    }

    /// Holds every later request after a 429 (the limiter adds an upward jitter).
    async fn pause(&self, wait: Option<Duration>) {
        let paused = match self {
            Pacer::Own(limiter, _) => limiter.pause(OWN_BUCKET, wait).await,
            Pacer::Shared {
                limiter, bucket, ..
            } => limiter.pause(bucket, wait).await,
        };
        if let Err(err) = paused {
            tracing::debug!(error = %err, "batch pace not paused");
        }
    }

    /// The time between two requests at steady state.
    pub(super) fn interval(&self) -> Duration {
        match self {
            Pacer::Own(_, limit) | Pacer::Shared { limit, .. } => limit.interval(),
        }
    }
}

/// Which counter a request goes to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    First,
    Resend,
    Split,
}

/// How one part's requests ended.
enum PartEnd {
    Delivered,
    /// Refused for its content: to be split.
    Refused(Arc<Error>),
    /// Reported as failed (incomplete, given up, not transient).
    Reported,
}

/// One batch on its way. Items not settled when it is dropped (the shutdown deadline aborted
/// it, or the runtime ended) are reported as unconfirmed, or as not sent when no request
/// left.
pub(super) struct Delivery<S: BatchSink> {
    items: Arc<[S::Item]>,
    settled: Vec<bool>,
    sent_any: bool,
    shared: Arc<Shared<S>>,
    started: Instant,
    requests: u32,
    status: &'static str,
}

impl<S: BatchSink> Delivery<S> {
    /// A delivery of `items`, less those the sink now refuses ([`BatchSink::recheck`]: what
    /// it learned since they were queued), which are reported at once.
    pub(super) fn new(mut items: Vec<S::Item>, shared: Arc<Shared<S>>) -> Delivery<S> {
        if items.iter().any(|item| shared.sink.recheck(item).is_err()) {
            items.retain(|item| match shared.sink.recheck(item) {
                Ok(()) => true,
                Err(err) => {
                    let reason = FailureReason::Rejected(Arc::new(err));
                    shared.fail(std::slice::from_ref(item), &reason);
                    false
                }
            });
        }
        Delivery {
            settled: vec![false; items.len()],
            items: items.into(),
            sent_any: false,
            shared,
            started: Instant::now(),
            requests: 0,
            status: "delivered",
        }
    }

    pub(super) async fn run(mut self) {
        let span = tracing::info_span!(
            "questkit.batch",
            size = self.items.len(),
            requests = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        let len = self.items.len();
        self.resolve(0, len, None, Kind::First)
            .instrument(span.clone())
            .await;
        span.record("requests", self.requests);
        span.record("status", self.status);
    }

    /// Delivers `start..end`; `true` when every item of it was delivered. With `refused`, the
    /// part is already known to hold a refused item (its sibling went through) and is split
    /// without being sent again.
    fn resolve(
        &mut self,
        start: usize,
        end: usize,
        refused: Option<Arc<Error>>,
        kind: Kind,
    ) -> BoxFuture<'_, bool> {
        Box::pin(async move {
            let refusal = match refused {
                Some(err) => err,
                None => match self.send_part(start, end, kind).await {
                    PartEnd::Delivered => return true,
                    PartEnd::Reported => return false,
                    PartEnd::Refused(err) => err,
                },
            };
            let len = end.saturating_sub(start);
            if len <= 1 {
                self.status = "rejected";
                if let Some(item) = self.items.get(start) {
                    self.shared.sink.learn_rejection(item, &refusal);
                }
                self.report(start, end, &FailureReason::Rejected(refusal));
                return false;
            }
            // Halve it. When the left half goes through, the refused item is on the right:
            // that half is split without another request.
            let middle = start.saturating_add(len / 2);
            let left_delivered = self.resolve(start, middle, None, Kind::Split).await;
            let right_known = left_delivered.then(|| refusal.clone());
            self.resolve(middle, end, right_known, Kind::Split).await;
            false
        })
    }

    /// Sends `start..end` until it is delivered, refused or reported.
    async fn send_part(&mut self, start: usize, end: usize, mut kind: Kind) -> PartEnd {
        let items = self.items.clone();
        let Some(part) = items.get(start..end) else {
            return PartEnd::Reported;
        };
        let count = part.len() as u64;
        let mut incomplete_resends = 0u32;
        let mut failures = 0u32;
        loop {
            if let Some(pacer) = &self.shared.pacer {
                if let Err(err) = pacer.acquire().await {
                    // A shared limiter that cannot be reached: wait as for a failed request.
                    if self.wait_after(&err, &mut failures, false).await {
                        continue;
                    }
                    self.status = "failed";
                    self.report(start, end, &FailureReason::Failed(Arc::new(err)));
                    return PartEnd::Reported;
                }
            }
            let counter = match kind {
                Kind::First => &self.shared.counters.batches,
                Kind::Resend => &self.shared.counters.resends,
                Kind::Split => &self.shared.counters.split_requests,
            };
            Counters::add(counter, 1);
            self.requests = self.requests.saturating_add(1);
            let reached_before = self.sent_any;
            self.sent_any = true;
            let sink = &self.shared.sink;
            let answer = sink.send(part).await;
            if answer.as_ref().is_err_and(never_left) {
                // This request never left: it does not make the items unconfirmed.
                self.sent_any = reached_before;
            }
            match answer {
                Ok(sent) if sent.accepted == count => {
                    Counters::add(&self.shared.counters.delivered, count);
                    self.settle(start, end);
                    return PartEnd::Delivered;
                }
                Ok(sent) => {
                    if incomplete_resends < self.shared.resend_incomplete {
                        incomplete_resends = incomplete_resends.saturating_add(1);
                        kind = Kind::Resend;
                        continue;
                    }
                    self.status = "incomplete";
                    let reason = FailureReason::Incomplete {
                        sent: count,
                        accepted: sent.accepted,
                    };
                    self.report(start, end, &reason);
                    return PartEnd::Reported;
                }
                Err(err) if sink.is_rejection(&err) => return PartEnd::Refused(Arc::new(err)),
                Err(err) if sink.is_transient(&err) => {
                    let rate_limited = err.is_rate_limited();
                    if rate_limited {
                        if let Some(pacer) = &self.shared.pacer {
                            pacer.pause(err.retry_after()).await;
                        }
                    }
                    if self.wait_after(&err, &mut failures, rate_limited).await {
                        kind = Kind::Resend;
                        continue;
                    }
                    self.status = "failed";
                    self.report(start, end, &FailureReason::Failed(Arc::new(err)));
                    return PartEnd::Reported;
                }
                Err(err) => {
                    self.status = "failed";
                    self.report(start, end, &FailureReason::Failed(Arc::new(err)));
                    return PartEnd::Reported;
                }
            }
        }
    }

    /// Waits before the next try after a transient failure; `false` when the batcher's
    /// patience is spent. After a 429 the paused pace does the waiting.
    async fn wait_after(&self, err: &Error, failures: &mut u32, paused: bool) -> bool {
        let patience = self.shared.give_up_after;
        let elapsed = self.started.elapsed();
        if elapsed >= patience {
            return false;
        }
        let wait = if paused && self.shared.pacer.is_some() {
            Duration::ZERO
        } else {
            backoff(
                self.shared.backoff_first,
                self.shared.backoff_max,
                *failures,
                fastrand::f64(),
            )
        };
        *failures = failures.saturating_add(1);
        tracing::debug!(error = %err, ?wait, "batch request failed, sending it again");
        tokio::time::sleep(wait.min(patience.saturating_sub(elapsed))).await;
        true
    }

    fn report(&mut self, start: usize, end: usize, reason: &FailureReason) {
        if let Some(items) = self.items.get(start..end) {
            self.shared.fail(items, reason);
        }
        self.settle(start, end);
    }

    fn settle(&mut self, start: usize, end: usize) {
        if let Some(flags) = self.settled.get_mut(start..end) {
            flags.fill(true);
        }
    }
}

/// Whether a failed request surely never reached the server: refused by a rate limiter
/// (or one that cannot be reached), a connection never made, a request never built.
fn never_left(error: &Error) -> bool {
    error.attempts() <= 1
        && matches!(
            error,
            Error::RateLimited { .. }
                | Error::RateLimiterUnavailable(_)
                | Error::Connect { .. }
                | Error::Config(_)
                | Error::InvalidInput(_)
        )
}

/// The wait before try `failures + 1`: `first` doubling up to `max`, drawn between half and
/// all of it (`jitter` in `0.0..1.0`), so that replicas that failed together do not come back
/// together.
pub(super) fn backoff(first: Duration, max: Duration, failures: u32, jitter: f64) -> Duration {
    let step = first
        .checked_mul(1u32.checked_shl(failures.min(20)).unwrap_or(u32::MAX))
        .unwrap_or(max)
        .min(max);
    let jitter = if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        1.0
    };
    step.mul_f64(0.5 + jitter / 2.0)
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
            let (reason, counter) = if self.sent_any {
                (FailureReason::Unconfirmed, &self.shared.stopped_in_flight)
            } else {
                (FailureReason::NotSent, &self.shared.stopped_unsent)
            };
            Counters::add(counter, unsettled.len() as u64);
            self.shared.fail(&unsettled, &reason);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_cap_and_jitters_down_to_half() {
        let (first, max) = (Duration::from_millis(500), Duration::from_secs(10));
        assert_eq!(backoff(first, max, 0, 1.0), first);
        assert_eq!(backoff(first, max, 0, 0.0), first / 2);
        assert_eq!(backoff(first, max, 3, 1.0), Duration::from_secs(4));
        assert_eq!(backoff(first, max, 5, 1.0), max, "capped");
        assert_eq!(backoff(first, max, u32::MAX, 0.0), max / 2, "no overflow");
        assert_eq!(backoff(first, max, 1, f64::NAN), Duration::from_secs(1));
    }
}
