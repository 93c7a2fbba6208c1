//! One attempt of a call: build the HTTP request, send it, follow redirects (never taking
//! credentials to another origin), and read the answer.
// This module reads network input: no indexing or unchecked arithmetic that could panic on it.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, LOCATION};
use reqwest::{Method, StatusCode};
use url::Url;

use super::response::read_response;
use super::{RawResponse, Request};
use crate::error::{Error, Result};
use crate::secret::SecretString;

/// How many redirects one attempt follows.
const MAX_REDIRECTS: u32 = 5;

impl<T> Request<T> {
    /// One attempt: send, follow same-origin redirects, read the body within the limit.
    pub(super) async fn attempt(
        &self,
        url: &Url,
        token: Option<&SecretString>,
        idempotency: Option<&(HeaderName, HeaderValue)>,
        signature: &[(HeaderName, HeaderValue)],
    ) -> Result<RawResponse> {
        let inner = &self.transport.inner;
        let timeout = self.timeout.unwrap_or(inner.timeout);
        let mut url = url.clone();
        let mut method = self.method.clone();
        let mut body = self.body.clone();
        let mut trusted = true;
        let mut hops: u32 = 0;
        loop {
            let mut builder = inner
                .http
                .request(method.clone(), url.clone())
                .timeout(timeout);
            // A call's own header replaces the client's header of the same name.
            let client_headers = inner
                .headers
                .iter()
                .filter(|(name, _)| !self.headers.iter().any(|(own, _)| own == name));
            for (name, value) in client_headers.chain(&self.headers) {
                if trusted || !(inner.auth.is_credential(name) || value.is_sensitive()) {
                    builder = builder.header(name, value);
                }
            }
            if trusted {
                for (name, value) in &inner.auth.headers {
                    builder = builder.header(name, value);
                }
                if let Some(token) = token {
                    builder = builder.header(AUTHORIZATION, crate::auth::bearer_header(token)?);
                }
            }
            if trusted {
                for (name, value) in signature {
                    builder = builder.header(name, value);
                }
            }
            if let Some((name, value)) = idempotency {
                builder = builder.header(name, value);
            }
            if let Some(bytes) = &body {
                builder = builder
                    .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                    .body(bytes.clone());
            }
            let response = builder.send().await.map_err(Error::from_reqwest)?;
            let status = response.status();
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                if let Some(next) = redirect_target(&url, response.headers())? {
                    hops = hops.saturating_add(1);
                    if hops > MAX_REDIRECTS {
                        return Err(Error::Redirect {
                            reason: format!("more than {MAX_REDIRECTS} redirects"),
                        });
                    }
                    if next.origin() != inner.base.origin() {
                        // A body is resent on 307/308: a login's password, a key creation's
                        // payload. Such a request and a sensitive one stop at another origin.
                        if self.body.is_some() || self.sensitive {
                            return Err(Error::Redirect {
                                reason: format!(
                                    "a request with a body or marked sensitive does not follow \
                                     a redirect to another origin ({})",
                                    next.origin().ascii_serialization()
                                ),
                            });
                        }
                        // Another origin never sees our credentials, on this hop or later ones.
                        trusted = false;
                    }
                    if status == StatusCode::SEE_OTHER
                        || (matches!(status.as_u16(), 301 | 302) && method == Method::POST)
                    {
                        method = Method::GET;
                        body = None;
                    }
                    url = next;
                    continue;
                }
            }
            return read_response(response, inner.max_body).await;
        }
    }
}

fn redirect_target(current: &Url, headers: &HeaderMap) -> Result<Option<Url>> {
    let Some(location) = headers.get(LOCATION) else {
        return Ok(None);
    };
    let location = location.to_str().map_err(|_| Error::Redirect {
        reason: "the Location header is not text".into(),
    })?;
    let next = current.join(location).map_err(|e| Error::Redirect {
        reason: format!("bad Location: {e}"),
    })?;
    if current.scheme() == "https" && next.scheme() != "https" {
        return Err(Error::Redirect {
            reason: "refusing a redirect from https to another scheme".into(),
        });
    }
    if !matches!(next.scheme(), "https" | "http") {
        return Err(Error::Redirect {
            reason: format!("unsupported scheme `{}`", next.scheme()),
        });
    }
    Ok(Some(next))
}
