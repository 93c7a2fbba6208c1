//! The attribution build: a call sent with none of questkit's request-path safety machinery,
//! to measure what that machinery costs per call.
//!
//! Built only with `RUSTFLAGS="--cfg questkit_bare"` (`scripts/bench --bare`,
//! `scripts/bench-instructions --bare`); never in a normal build, never for production. The
//! call keeps what it shares with a hand-written client (the request value, the path encoding
//! and URL built from the parsed base, the client's and the credentials' headers, the boxed
//! future of `.await`, the vendor decoders) and drops what a hand-written client lacks: retries
//! and the total deadline, the rate limiter, the redirect checks, the body size limit, both
//! spans and the trace events, the request id. Comparing it with the normal build tells the
//! cost of questkit's design from the cost of its safety properties.
// This module reads network input: no indexing or unchecked arithmetic that could panic on it.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
// Compiled (and linted) in every build so that it cannot rot; called only in the bare one.
#![cfg_attr(not(questkit_bare), allow(dead_code))]

use std::future::Future;

use reqwest::header::AUTHORIZATION;

use super::{RawResponse, Request};
use crate::error::{ApiError, Error, Result};

impl Request<()> {
    /// Sends the call once, as a hand-written client would: one request, the body read whole,
    /// an error status turned into the usual [`Error::Api`].
    // Not an `async fn`, as `execute` is not: the future holds the request once.
    #[allow(clippy::manual_async_fn)] // on purpose, see above
    pub(super) fn execute_bare(mut self) -> impl Future<Output = Result<RawResponse>> + Send {
        async move {
            if let Some(err) = self.take_invalid() {
                return Err(err);
            }
            let url = self.build_url()?;
            let inner = &self.transport.inner;
            let mut builder = inner.http.request(self.method.clone(), url.clone());
            for (name, value) in inner.headers.iter().chain(&self.headers) {
                builder = builder.header(name, value);
            }
            for (name, value) in &inner.auth.headers {
                builder = builder.header(name, value);
            }
            if let Some(source) = inner.auth.source.as_ref().filter(|_| self.use_token_source) {
                let token = source.token(&self.transport).await?;
                builder = builder.header(AUTHORIZATION, crate::auth::bearer_header(&token)?);
            }
            if let Some(signer) = inner.signer.as_ref().filter(|_| self.use_signer) {
                for (name, value) in self.signature(signer.as_ref(), &url)? {
                    builder = builder.header(name, value);
                }
            }
            if let Some(body) = &self.body {
                builder = builder
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body.clone());
            }
            let mut response = builder.send().await.map_err(Error::from_reqwest)?;
            let status = response.status();
            let headers = std::mem::take(response.headers_mut());
            let body = response.bytes().await.map_err(Error::from_reqwest)?;
            if !status.is_success() {
                let api = ApiError::from_response(status, &headers, &body, inner.error_parser);
                return Err(Error::from(api));
            }
            Ok(RawResponse {
                status,
                headers,
                body,
                request_id: None,
                attempts: 1,
            })
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use wiremock::matchers::{header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use crate::{Auth, Transport};

    // The bare path must make the same request as the normal one, or the attribution
    // compares unlike calls.
    #[tokio::test]
    async fn the_bare_call_sends_what_the_normal_call_sends() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/v1/users/u%2F1"))
            .and(header("x-api-key", "k"))
            .and(header("x-extra", "e"))
            .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"id":"u/1"}"#))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/v1/missing"))
            .respond_with(ResponseTemplate::new(404).set_body_string("no"))
            .mount(&server)
            .await;
        let transport = Transport::builder("test")
            .base_url(format!("{}/v1", server.uri()))
            .auth(Auth::header("x-api-key", "k"))
            .header("x-extra", "e")
            .build()
            .unwrap();
        let call = || transport.get::<serde_json::Value>("users/{id}", &["u/1"]);
        let raw = call().untyped().execute_bare().await.unwrap();
        assert_eq!(raw.status, 200);
        let decoded = call().decode(&raw).unwrap();
        assert_eq!(decoded.get("id").and_then(|id| id.as_str()), Some("u/1"));
        let normal = call().send_raw().await.unwrap();
        assert_eq!(normal.body, raw.body);
        let missing = transport
            .get::<()>("missing", &[])
            .untyped()
            .execute_bare()
            .await;
        assert_eq!(missing.unwrap_err().status().map(|s| s.as_u16()), Some(404));
    }
}
