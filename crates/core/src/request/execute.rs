//! Running a call: the deadline, the token source, the signer, and the retry loop around
//! single attempts.

use std::time::Instant;

use reqwest::StatusCode;
use reqwest::header::{HeaderName, HeaderValue};
use url::Url;

use super::{RawResponse, Request};
use crate::error::{ApiError, Error, Result};
use crate::retry::{Attempt, Decision, Outcome};

impl<T> Request<T> {
    pub(super) async fn execute(mut self) -> Result<RawResponse> {
        if let Some(err) = self.take_invalid() {
            return Err(err);
        }
        let url = self.build_url()?;
        let inner = &self.transport.inner;
        let mut policy = inner.retry;
        if let Some(n) = self.max_retries {
            policy.max_retries = n;
        }
        let idempotency = match self.idempotency.take() {
            Some((name, key)) => {
                let key = key.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
                let value = HeaderValue::from_str(&key).map_err(|_| {
                    Error::invalid_input("the idempotency key holds invalid characters")
                })?;
                Some((name, value))
            }
            None => None,
        };
        let signature = match inner.signer.as_ref().filter(|_| self.use_signer) {
            Some(signer) => self.signature(signer.as_ref(), &url)?,
            None => Vec::new(),
        };
        let source = inner.auth.source.clone().filter(|_| self.use_token_source);
        let mut token = match &source {
            Some(source) => Some(source.token(&self.transport).await?),
            None => None,
        };
        let started = Instant::now();
        let mut attempts = 0u32;
        let mut refreshed = false;
        loop {
            attempts += 1;
            let attempt_started = Instant::now();
            let result = self
                .attempt(&url, token.as_ref(), idempotency.as_ref(), &signature)
                .await;
            let latency_ms = attempt_started.elapsed().as_millis() as u64;
            let (error, outcome) = match result {
                Ok(mut raw) if raw.status.is_success() => {
                    raw.attempts = attempts;
                    let span = tracing::Span::current();
                    span.record("status", raw.status.as_u16());
                    span.record("attempts", attempts);
                    tracing::debug!(
                        attempt = attempts,
                        status = raw.status.as_u16(),
                        latency_ms,
                        "response"
                    );
                    return Ok(raw);
                }
                Ok(raw) => {
                    tracing::debug!(
                        attempt = attempts,
                        status = raw.status.as_u16(),
                        latency_ms,
                        "error response"
                    );
                    if raw.status == StatusCode::UNAUTHORIZED && !refreshed {
                        if let (Some(source), Some(rejected)) = (&source, &token) {
                            // A token refresh is not a retry: it does not count against the budget.
                            refreshed = true;
                            attempts -= 1;
                            token = Some(source.refresh(&self.transport, rejected).await?);
                            continue;
                        }
                    }
                    let api = ApiError::from_response(
                        raw.status,
                        &raw.headers,
                        &raw.body,
                        inner.error_parser,
                    );
                    let outcome = Outcome::Status {
                        status: api.status,
                        retry_after: api.retry_after,
                    };
                    (Error::from(api), Some(outcome))
                }
                Err(err) => {
                    tracing::debug!(attempt = attempts, latency_ms, error = %err, "attempt failed");
                    let outcome = match &err {
                        Error::Connect { .. } => Some(Outcome::Connect),
                        Error::Timeout { .. } => Some(Outcome::Timeout),
                        Error::Transport { .. } => Some(Outcome::Transport),
                        _ => None,
                    };
                    (err, outcome)
                }
            };
            let decision = match outcome {
                Some(outcome) => policy.decide(
                    Attempt {
                        number: attempts,
                        method: &self.method,
                        has_idempotency_key: idempotency.is_some(),
                        elapsed: started.elapsed(),
                    },
                    outcome,
                    fastrand::f64(),
                ),
                None => Decision::Stop,
            };
            match decision {
                Decision::Retry(delay) => {
                    tracing::debug!(
                        attempt = attempts,
                        delay_ms = delay.as_millis() as u64,
                        "retrying"
                    );
                    tokio::time::sleep(delay).await;
                }
                Decision::Stop => {
                    let span = tracing::Span::current();
                    if let Some(status) = error.status() {
                        span.record("status", status.as_u16());
                    }
                    span.record("attempts", attempts);
                    return Err(error.with_attempts(attempts));
                }
            }
        }
    }

    /// Asks the signer for this call's headers, marked sensitive.
    fn signature(
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
