//! Running a call: the total deadline, the token source, the signer, and the retry loop around
//! single attempts.
// This module reads network input: no indexing or unchecked arithmetic that could panic on it.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::future::Future;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::header::{HeaderName, HeaderValue};
use url::Url;

use super::{RawResponse, Request};
use crate::error::{ApiError, Error, Result};
use crate::retry::{Attempt, Decision, Outcome, RetryPolicy};

// One copy for every model: the output is decoded after this stage (see `Request::untyped`).
impl Request<()> {
    /// Runs the call within its total deadline (the per-call one, else the policy's).
    ///
    /// The deadline bounds each wait of the call rather than wrapping the whole call in one
    /// more timer: every physical request's timeout is cut to the time left, retries never
    /// wait past it (the retry policy), and the rarer waits (a rate-limit permit, a token, a
    /// 429 pause) are bounded by it.
    // Not an `async fn`: an async fn copies its arguments into its body, so the call's future
    // would hold the request twice. The block below holds it once.
    #[allow(clippy::manual_async_fn)] // on purpose, see above
    pub(super) fn execute(mut self) -> impl Future<Output = Result<RawResponse>> + Send {
        async move {
            if let Some(err) = self.take_invalid() {
                return Err(err);
            }
            let result = self.run().await;
            if let Err(err) = &result {
                let span = tracing::Span::current();
                if let Some(status) = err.status() {
                    span.record("status", status.as_u16());
                }
                span.record("attempts", err.attempts());
            }
            result
        }
    }

    /// The retry policy of this call: the client's, with the call's own overrides.
    fn policy(&self) -> RetryPolicy {
        let mut policy = self.transport.inner.retry;
        if let Some(n) = self.max_retries {
            policy.max_retries = n;
        }
        if let Some(deadline) = self.deadline {
            policy.deadline = Some(deadline);
        }
        policy
    }

    /// The attempts of a call, with rate-limit permits, token refresh and retries.
    ///
    /// Only the attempt itself is awaited on the common path; what a failed attempt means is
    /// worked out by [`Request::assess`] outside the future, so that the call's future stays
    /// small (it is copied into the box of `.await` on every call).
    async fn run(&self) -> Result<RawResponse> {
        // One clock read for the deadline and the retry policy's elapsed time (tokio's clock,
        // which a test can pause, as the deadline's timers do).
        let started = tokio::time::Instant::now();
        let due = self
            .policy()
            .deadline
            .and_then(|deadline| started.checked_add(deadline).map(|at| Due { at, deadline }));
        let url = self.build_url()?;
        let inner = &self.transport.inner;
        let idempotency = self.idempotency_to_send()?;
        let signature = match inner.signer.as_ref().filter(|_| self.use_signer) {
            Some(signer) => self.signature(signer.as_ref(), &url)?,
            None => Vec::new(),
        };
        let source = inner.auth.source.as_ref().filter(|_| self.use_token_source);
        let mut token = match source {
            Some(source) => Some(within(due, 0, source.token(&self.transport)).await?),
            None => None,
        };
        let replay_safe = self.replay_safe || idempotency.is_some();
        let traced = !self.sensitive;
        let mut count = 0u32;
        let mut sent = 0u32;
        let mut refreshed = false;
        let limiter = inner.limiter.as_deref();
        loop {
            if let Some(limiter) = limiter {
                let acquire = limiter.acquire(self.bucket, due.map(|d| d.at));
                let waited = within(due, count, acquire).await?;
                if traced && !waited.is_zero() {
                    tracing::debug!(
                        bucket = self.bucket,
                        wait_ms = millis(waited),
                        "rate limited"
                    );
                }
            }
            count = count.saturating_add(1);
            // The latency is only traced: no clock read when no one listens.
            let attempt_started =
                (traced && tracing::enabled!(tracing::Level::DEBUG)).then(Instant::now);
            let result = self
                .attempt(
                    &url,
                    token.as_ref(),
                    idempotency.as_ref(),
                    &signature,
                    &mut sent,
                    due.map(|d| d.at),
                )
                .await;
            let can_refresh = !refreshed && source.is_some() && token.is_some();
            let (error, outcome) =
                match self.assess(result, count, attempt_started, due, can_refresh) {
                    Assessed::Done(raw) => return Ok(raw),
                    Assessed::Stop(error) => return Err(error),
                    Assessed::Refresh => {
                        if let (Some(source), Some(rejected)) = (source, &token) {
                            // A token refresh is not a retry: it does not count against the budget.
                            refreshed = true;
                            count = count.saturating_sub(1);
                            let refresh = source.refresh(&self.transport, rejected);
                            token = Some(within(due, count, refresh).await?);
                        }
                        continue;
                    }
                    Assessed::Failed { error, outcome } => (error, outcome),
                };
            if let (
                Some(limiter),
                Some(Outcome::Status {
                    status,
                    retry_after,
                }),
            ) = (limiter, outcome)
            {
                if status == StatusCode::TOO_MANY_REQUESTS {
                    // Everyone sharing the bucket waits; a limiter that cannot record the
                    // pause still lets this call report its 429.
                    let pause = limiter.pause(self.bucket, retry_after);
                    if let Err(err) = within(due, count, pause).await {
                        if traced {
                            tracing::debug!(bucket = self.bucket, error = %err, "pause not recorded");
                        }
                    }
                }
            }
            let decision = match outcome {
                // The policy is rebuilt here rather than kept: the future stays smaller.
                Some(outcome) => self.policy().decide(
                    Attempt {
                        number: count,
                        method: &self.method,
                        has_idempotency_key: replay_safe,
                        elapsed: started.elapsed(),
                    },
                    outcome,
                    fastrand::f64(),
                ),
                None => Decision::Stop,
            };
            match decision {
                Decision::Retry(delay) => {
                    if traced {
                        tracing::debug!(attempt = count, delay_ms = millis(delay), "retrying");
                    }
                    // The policy starts no retry whose wait ends past the deadline; the
                    // deadline was set a little earlier than the policy's clock, so it still
                    // bounds the wait.
                    match due {
                        Some(due)
                            if tokio::time::Instant::now()
                                .checked_add(delay)
                                .is_none_or(|end| end >= due.at) =>
                        {
                            tokio::time::sleep_until(due.at).await;
                            return Err(due.exceeded(count));
                        }
                        _ => tokio::time::sleep(delay).await,
                    }
                }
                Decision::Stop => return Err(error.with_attempts(count)),
            }
        }
    }

    /// The idempotency header of this call, its key generated now when none was given.
    fn idempotency_to_send(&self) -> Result<Option<(HeaderName, HeaderValue)>> {
        let Some((name, key)) = &self.idempotency else {
            return Ok(None);
        };
        let key = key
            .clone()
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let value = HeaderValue::from_str(&key)
            .map_err(|_| Error::invalid_input("the idempotency key holds invalid characters"))?;
        Ok(Some((name.clone(), value)))
    }

    /// What the result of attempt number `count` means for the call: its answer, a token to
    /// refresh, or an error and how it may be retried. Traces the attempt.
    fn assess(
        &self,
        result: Result<RawResponse>,
        count: u32,
        attempt_started: Option<Instant>,
        due: Option<Due>,
        can_refresh: bool,
    ) -> Assessed {
        let traced = !self.sensitive;
        // A request cut short by the deadline ends the call.
        let result = match (result, due) {
            (Err(Error::Timeout { .. }), Some(due)) if due.passed() => {
                return Assessed::Stop(due.exceeded(count));
            }
            (result, _) => result,
        };
        let latency_ms = attempt_started.map(|at| millis(at.elapsed()));
        if let (true, Ok(raw)) = (traced, &result) {
            let what = if raw.status.is_success() {
                "response"
            } else {
                "error response"
            };
            tracing::debug!(
                attempt = count,
                status = raw.status.as_u16(),
                latency_ms,
                "{what}"
            );
        }
        match result {
            Ok(mut raw) if raw.status.is_success() => {
                raw.attempts = count;
                let span = tracing::Span::current();
                if !span.is_disabled() {
                    span.record("status", raw.status.as_u16());
                    span.record("attempts", count);
                }
                Assessed::Done(raw)
            }
            Ok(raw) => {
                if raw.status == StatusCode::UNAUTHORIZED && can_refresh {
                    return Assessed::Refresh;
                }
                let inner = &self.transport.inner;
                let mut api = ApiError::from_response(
                    raw.status,
                    &raw.headers,
                    &raw.body,
                    inner.error_parser,
                );
                if self.sensitive {
                    api.redact_body();
                }
                let outcome = Outcome::Status {
                    status: api.status,
                    retry_after: api.retry_after,
                };
                Assessed::Failed {
                    error: Error::from(api),
                    outcome: Some(outcome),
                }
            }
            Err(err) => {
                if traced {
                    tracing::debug!(attempt = count, latency_ms, error = %err, "attempt failed");
                }
                let outcome = match &err {
                    Error::Connect { .. } => Some(Outcome::Connect),
                    Error::Timeout { .. } => Some(Outcome::Timeout),
                    Error::Transport { .. } => Some(Outcome::Transport),
                    _ => None,
                };
                Assessed::Failed {
                    error: err,
                    outcome,
                }
            }
        }
    }

    /// Asks the signer for this call's headers, marked sensitive.
    pub(super) fn signature(
        &self,
        signer: &dyn crate::RequestSigner,
        url: &Url,
    ) -> Result<Vec<(HeaderName, HeaderValue)>> {
        let input = crate::SigningInput {
            method: &self.method,
            url,
            endpoint: self.encoded_path(),
            body: self.body.as_deref().unwrap_or_default(),
        };
        let mut headers = signer.sign(&input)?;
        for (_, value) in &mut headers {
            value.set_sensitive(true);
        }
        Ok(headers)
    }
}

/// What one attempt's result means for the call.
enum Assessed {
    /// A success: the call's answer.
    Done(RawResponse),
    /// The call ends with this error (its deadline passed).
    Stop(Error),
    /// A 401 with a token that can be refreshed once: refresh it and try again.
    Refresh,
    /// The attempt failed; `outcome` says how it may be retried (`None`: not at all).
    Failed {
        error: Error,
        outcome: Option<Outcome>,
    },
}

/// When a call's deadline passes.
#[derive(Clone, Copy)]
struct Due {
    /// The instant.
    at: tokio::time::Instant,
    /// The deadline it came from, for the error.
    deadline: Duration,
}

impl Due {
    fn passed(&self) -> bool {
        tokio::time::Instant::now() >= self.at
    }

    fn exceeded(&self, attempts: u32) -> Error {
        Error::DeadlineExceeded {
            deadline: self.deadline,
            attempts: attempts.max(1),
        }
    }
}

/// Waits for `future`, at most until the call's deadline (`attempts` so far, for the error).
async fn within<T>(
    due: Option<Due>,
    attempts: u32,
    future: impl std::future::Future<Output = Result<T>>,
) -> Result<T> {
    match due {
        Some(due) => match tokio::time::timeout_at(due.at, future).await {
            Ok(result) => result,
            Err(_) => Err(due.exceeded(attempts)),
        },
        None => future.await,
    }
}

/// Whole milliseconds, saturating, for trace fields.
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
