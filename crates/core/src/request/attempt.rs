//! One attempt of a call: build the HTTP request, send it, follow redirects (never taking
//! credentials to another origin), and read the answer.
// This module reads network input: no indexing or unchecked arithmetic that could panic on it.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::borrow::Cow;
use std::future::Future;

use bytes::Bytes;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, LOCATION};
use reqwest::{Method, StatusCode};
use tracing::Instrument;
use url::Url;

use super::response::read_response;
use super::{RawResponse, Request};
use crate::error::{Error, Result};
use crate::secret::SecretString;

/// How many redirects one attempt follows.
const MAX_REDIRECTS: u32 = 5;

// One copy for every model: the output is decoded after this stage (see `Request::untyped`).
impl Request<()> {
    /// One attempt: send, follow same-origin redirects, read the body within the limit. Each
    /// physical request (the first and every redirect hop) is one client span; `sent` counts
    /// the physical requests of the whole call (the resend count of the next one).
    pub(super) async fn attempt(
        &self,
        url: &Url,
        token: Option<&SecretString>,
        idempotency: Option<&(HeaderName, HeaderValue)>,
        signature: &[(HeaderName, HeaderValue)],
        sent: &mut u32,
        due: Option<tokio::time::Instant>,
    ) -> Result<RawResponse> {
        let mut hop = Hop {
            url: Cow::Borrowed(url),
            method: self.method.clone(),
            body: self.body.clone(),
            trusted: true,
        };
        let mut hops: u32 = 0;
        loop {
            let span = self.client_span(&hop, *sent);
            *sent = sent.saturating_add(1);
            let sent = self
                .send_hop(&hop, token, idempotency, signature, due)
                .instrument(span.clone())
                .await;
            // A disabled span still looks each field up by name to record it: skip that.
            let traced = !span.is_disabled();
            let next = match sent {
                Ok(HopResult::Redirect(next)) => next,
                Ok(HopResult::Response(response)) => {
                    if traced {
                        span.record("http.response.status_code", response.status.as_u16());
                        if !response.status.is_success() {
                            span.record("error.type", response.status.as_str());
                        }
                    }
                    return Ok(response);
                }
                Err(err) => {
                    if traced {
                        span.record("error.type", err.kind_name());
                    }
                    return Err(err);
                }
            };
            if traced {
                span.record("http.response.status_code", next.status);
            }
            hops = hops.saturating_add(1);
            if hops > MAX_REDIRECTS {
                return Err(Error::Redirect {
                    reason: format!("more than {MAX_REDIRECTS} redirects"),
                });
            }
            hop = self.follow(hop, next)?;
        }
    }

    /// The OpenTelemetry client span of one physical request: the method and path template,
    /// the server, the resend count. Never the filled path, query or full URL (they hold user
    /// IDs and other personal data). A sensitive call has none.
    fn client_span(&self, hop: &Hop<'_>, resends: u32) -> tracing::Span {
        if self.sensitive {
            return tracing::Span::none();
        }
        let span = tracing::info_span!(
            "HTTP",
            otel.kind = "client",
            otel.name = %SpanName(&hop.method, self.template),
            http.request.method = %hop.method,
            url.template = self.template,
            server.address = hop.url.host_str().unwrap_or_default(),
            server.port = hop.url.port_or_known_default().unwrap_or_default(),
            http.request.resend_count = tracing::field::Empty,
            http.response.status_code = tracing::field::Empty,
            error.type = tracing::field::Empty,
        );
        if resends > 0 && !span.is_disabled() {
            span.record("http.request.resend_count", resends);
        }
        span
    }

    /// Sends one physical request; a redirect comes back as its target.
    // Not an `async fn` (it would copy its arguments into its future), and the response is
    // only ever moved in the block, never borrowed: a borrowed local stays in the future's
    // layout beside the body reader that took it over.
    fn send_hop<'a>(
        &'a self,
        hop: &'a Hop<'_>,
        token: Option<&SecretString>,
        idempotency: Option<&(HeaderName, HeaderValue)>,
        signature: &[(HeaderName, HeaderValue)],
        due: Option<tokio::time::Instant>,
    ) -> impl Future<Output = Result<HopResult>> + Send + 'a {
        let pending = self.prepare(hop, token, idempotency, signature, due);
        let limit = self.transport.inner.max_body;
        // Each `?` and `match` ends before the next `.await`: their temporaries would
        // otherwise be kept in the future across it.
        async move {
            let pending = pending?;
            let response = pending.await.map_err(Error::from_reqwest)?;
            let response = match redirect_of(response, &hop.url)? {
                Answer::Redirect(redirect) => return Ok(HopResult::Redirect(redirect)),
                Answer::Response(response) => response,
            };
            read_response(response, limit)
                .await
                .map(HopResult::Response)
        }
    }

    /// The HTTP request of one hop, sent: its timeout (never past the call's deadline) and
    /// headers (credentials only to the trusted origin).
    fn prepare(
        &self,
        hop: &Hop<'_>,
        token: Option<&SecretString>,
        idempotency: Option<&(HeaderName, HeaderValue)>,
        signature: &[(HeaderName, HeaderValue)],
        due: Option<tokio::time::Instant>,
    ) -> Result<impl Future<Output = reqwest::Result<reqwest::Response>> + Send + use<>> {
        let inner = &self.transport.inner;
        let mut timeout = self.timeout.unwrap_or(inner.timeout);
        if let Some(due) = due {
            // Never past the call's deadline (the caller tells a cut request from a timeout).
            let left = due.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                return Err(Error::Timeout { attempts: 1 });
            }
            timeout = timeout.min(left);
        }
        let mut builder = inner
            .http
            .request(hop.method.clone(), hop.url.as_ref().clone());
        if inner.client_timeout != Some(timeout) {
            builder = builder.timeout(timeout);
        }
        // A call's own header replaces the client's header of the same name.
        let client_headers = inner
            .headers
            .iter()
            .filter(|(name, _)| !self.headers.iter().any(|(own, _)| own == name));
        for (name, value) in client_headers.chain(&self.headers) {
            if hop.trusted || !(inner.auth.is_credential(name) || value.is_sensitive()) {
                builder = builder.header(name, value);
            }
        }
        if hop.trusted {
            for (name, value) in &inner.auth.headers {
                builder = builder.header(name, value);
            }
            if let Some(token) = token {
                builder = builder.header(AUTHORIZATION, crate::auth::bearer_header(token)?);
            }
            for (name, value) in signature {
                builder = builder.header(name, value);
            }
        }
        if let Some((name, value)) = idempotency {
            builder = builder.header(name, value);
        }
        if let Some(bytes) = &hop.body {
            builder = builder
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(bytes.clone());
        }
        Ok(builder.send())
    }

    /// The next hop of a redirect, or why it is refused.
    fn follow<'u>(&self, hop: Hop<'u>, next: Redirect) -> Result<Hop<'u>> {
        let mut trusted = hop.trusted;
        if next.url.origin() != self.transport.inner.base.origin() {
            // A body is resent on 307/308: a login's password, a key creation's payload.
            // Such a request and a sensitive one stop at another origin.
            if self.body.is_some() || self.sensitive {
                return Err(Error::Redirect {
                    reason: format!(
                        "a request with a body or marked sensitive does not follow a redirect \
                         to another origin ({})",
                        next.url.origin().ascii_serialization()
                    ),
                });
            }
            // Another origin never sees our credentials, on this hop or later ones.
            trusted = false;
        }
        let (method, body) = if next.status == 303
            || (matches!(next.status, 301 | 302) && hop.method == Method::POST)
        {
            (Method::GET, None)
        } else {
            (hop.method, hop.body)
        };
        Ok(Hop {
            url: Cow::Owned(next.url),
            method,
            body,
            trusted,
        })
    }
}

/// One physical request of an attempt (the first one borrows the call's URL).
struct Hop<'u> {
    url: Cow<'u, Url>,
    method: Method,
    body: Option<Bytes>,
    /// Whether credentials go with it (false once a redirect left the base origin).
    trusted: bool,
}

enum HopResult {
    Response(RawResponse),
    Redirect(Redirect),
}

/// A response: a redirect to follow, or the answer.
enum Answer {
    Redirect(Redirect),
    Response(reqwest::Response),
}

struct Redirect {
    url: Url,
    status: u16,
}

/// `GET users/{id}`: the OpenTelemetry span name of an HTTP client request, formatted only
/// when a subscriber records it.
struct SpanName<'a>(&'a Method, &'a str);

impl std::fmt::Display for SpanName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.0, self.1)
    }
}

/// Tells a redirect to follow from the answer (taking the response by value keeps it out
/// of the hop's future while its body is read).
fn redirect_of(response: reqwest::Response, current: &Url) -> Result<Answer> {
    let status = response.status();
    if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
        if let Some(url) = redirect_target(current, response.headers())? {
            return Ok(Answer::Redirect(Redirect {
                url,
                status: status.as_u16(),
            }));
        }
    }
    Ok(Answer::Response(response))
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
