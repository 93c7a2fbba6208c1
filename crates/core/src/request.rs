//! The request value every call returns: set options, then `.await` it (or `.send()`).

use std::borrow::Cow;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, LOCATION};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tracing::Instrument;
use url::Url;

use crate::error::{ApiError, DecodeError, Error, Result, snippet};
use crate::path;
use crate::retry::{Attempt, Decision, Outcome};
use crate::secret::SecretString;
use crate::transport::Transport;

/// How many redirects one attempt follows.
const MAX_REDIRECTS: u32 = 5;

/// A decoder turns a success response into the call's output.
pub type Decoder<T> = fn(&RawResponse) -> Result<T>;

/// A boxed, `Send` future: what `.await` on a request runs.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// One API call, ready to be sent. Awaiting it sends it (with retries) and decodes the body
/// into `T`.
///
/// Vendor crates wrap it in typed call values; the options below are shared by every call.
#[must_use = "a request does nothing until it is awaited or sent"]
pub struct Request<T> {
    transport: Transport,
    method: Method,
    template: &'static str,
    operation: &'static str,
    target: Target,
    query: Vec<(Cow<'static, str>, String)>,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Option<Bytes>,
    timeout: Option<Duration>,
    max_retries: Option<u32>,
    idempotency: Option<(HeaderName, Option<String>)>,
    use_token_source: bool,
    use_signer: bool,
    decoder: Decoder<T>,
    invalid: Option<Arc<Error>>,
    _output: PhantomData<fn() -> T>,
}

/// A clone is an independent request with the same settings (a pager sends one per page).
impl<T> Clone for Request<T> {
    fn clone(&self) -> Self {
        Request {
            transport: self.transport.clone(),
            method: self.method.clone(),
            template: self.template,
            operation: self.operation,
            target: self.target.clone(),
            query: self.query.clone(),
            headers: self.headers.clone(),
            body: self.body.clone(),
            timeout: self.timeout,
            max_retries: self.max_retries,
            idempotency: self.idempotency.clone(),
            use_token_source: self.use_token_source,
            use_signer: self.use_signer,
            decoder: self.decoder,
            invalid: self.invalid.clone(),
            _output: PhantomData,
        }
    }
}

#[derive(Clone)]
enum Target {
    Relative(String),
    Absolute(String),
}

impl<T> fmt::Debug for Request<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.template)
            .field("operation", &self.operation)
            .field(
                "query_keys",
                &self.query.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .field("has_body", &self.body.is_some())
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned> Request<T> {
    pub(crate) fn new(
        transport: Transport,
        method: Method,
        template: &'static str,
        params: &[&str],
    ) -> Self {
        let (target, invalid) = match path::fill(template, params) {
            Ok(path) => (Target::Relative(path), None),
            Err(err) => (Target::Relative(String::new()), Some(Arc::new(err))),
        };
        Request {
            transport,
            method,
            template,
            operation: template,
            target,
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            timeout: None,
            max_retries: None,
            idempotency: None,
            use_token_source: true,
            use_signer: true,
            decoder: decode_json::<T>,
            invalid,
            _output: PhantomData,
        }
    }

    pub(crate) fn configured(transport: Transport, method: Method, raw: &str) -> Self {
        let mut request = Request::new(transport, method, "<configured path>", &[]);
        match path::relative(raw) {
            Ok(path) => request.target = Target::Relative(path),
            Err(err) => request.fail(err),
        }
        request
    }

    pub(crate) fn absolute(transport: Transport, method: Method, url: &str) -> Self {
        let mut request = Request::new(transport, method, "<page link>", &[]);
        request.target = Target::Absolute(url.to_owned());
        request
    }
}

impl<T> Request<T> {
    /// Names the operation in tracing spans (`users.single_metric`); defaults to the path
    /// template.
    pub fn operation(mut self, name: &'static str) -> Self {
        self.operation = name;
        self
    }

    /// Adds a query parameter. Repeated keys are sent repeatedly (`userIds=a&userIds=b`).
    pub fn query(mut self, key: impl Into<Cow<'static, str>>, value: impl ToString) -> Self {
        self.query.push((key.into(), value.to_string()));
        self
    }

    /// Adds a query parameter when `value` is `Some`.
    pub fn query_opt<V: ToString>(
        self,
        key: impl Into<Cow<'static, str>>,
        value: Option<V>,
    ) -> Self {
        match value {
            Some(value) => self.query(key, value),
            None => self,
        }
    }

    /// Adds one `key=value` pair per item.
    pub fn query_each<I>(mut self, key: &'static str, values: I) -> Self
    where
        I: IntoIterator,
        I::Item: ToString,
    {
        for value in values {
            self.query.push((Cow::Borrowed(key), value.to_string()));
        }
        self
    }

    /// Replaces every value of a query parameter.
    pub fn set_query(mut self, key: impl Into<Cow<'static, str>>, value: impl ToString) -> Self {
        let key = key.into();
        self.query.retain(|(k, _)| *k != key);
        self.query.push((key, value.to_string()));
        self
    }

    /// Removes every value of a query parameter (to undo an earlier setter).
    pub fn remove_query(mut self, key: &str) -> Self {
        self.query.retain(|(k, _)| k != key);
        self
    }

    /// Sends `body` as JSON. A body that cannot be serialized fails the call before sending.
    pub fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = Some(Bytes::from(bytes)),
            Err(err) => self.fail(Error::invalid_input(format!("request body: {err}"))),
        }
        self
    }

    /// Adds a header to this call only. An invalid name or value fails the call before sending.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        let name = name.as_ref();
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value.as_ref()),
        ) {
            (Ok(name), Ok(value)) => {
                self.headers.retain(|(n, _)| *n != name);
                self.headers.push((name, value));
            }
            _ => self.fail(Error::invalid_input(format!("invalid header `{name}`"))),
        }
        self
    }

    /// Adds a secret header to this call only (marked sensitive, never logged).
    pub fn secret_header(mut self, name: &str, value: &SecretString) -> Self {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value.expose()),
        ) {
            (Ok(name), Ok(mut value)) => {
                value.set_sensitive(true);
                self.headers.retain(|(n, _)| *n != name);
                self.headers.push((name, value));
            }
            _ => self.fail(Error::invalid_input(format!("invalid header `{name}`"))),
        }
        self
    }

    /// The total timeout of each attempt of this call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How many retries this call may make (overrides the client's setting).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// Makes the call idempotent with a key in header `name`: the given key, or a UUID v4
    /// generated once when the call is sent. The same key goes with every attempt, so the
    /// call can be retried safely.
    pub fn idempotency_header(mut self, name: &str) -> Self {
        let key = self.idempotency.take().and_then(|(_, key)| key);
        match HeaderName::from_bytes(name.as_bytes()) {
            Ok(name) => self.idempotency = Some((name, key)),
            Err(_) => self.fail(Error::invalid_input(format!(
                "invalid header name `{name}`"
            ))),
        }
        self
    }

    /// The idempotency key to send (instead of a generated one). Needs
    /// [`Request::idempotency_header`] to name the header.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        let key = key.into();
        match self.idempotency.as_mut() {
            Some((_, slot)) => *slot = Some(key),
            None => self.fail(Error::invalid_input("this call takes no idempotency key")),
        }
        self
    }

    /// Does not ask the client's token source for a bearer token (for the login call that
    /// produces the token).
    pub fn without_token_source(mut self) -> Self {
        self.use_token_source = false;
        self
    }

    /// Does not sign this request with the transport's [`crate::RequestSigner`] (for calls the
    /// API does not want signed, such as a login).
    pub fn without_signer(mut self) -> Self {
        self.use_signer = false;
        self
    }

    /// Decodes the success body with `decoder` instead of plain JSON (envelopes, status-aware
    /// responses).
    pub fn decoder<U>(self, decoder: Decoder<U>) -> Request<U> {
        Request {
            transport: self.transport,
            method: self.method,
            template: self.template,
            operation: self.operation,
            target: self.target,
            query: self.query,
            headers: self.headers,
            body: self.body,
            timeout: self.timeout,
            max_retries: self.max_retries,
            idempotency: self.idempotency,
            use_token_source: self.use_token_source,
            use_signer: self.use_signer,
            decoder,
            invalid: self.invalid,
            _output: PhantomData,
        }
    }

    /// Fails the call with `error` when it is sent (for checks of call arguments).
    pub fn fail(&mut self, error: Error) {
        if self.invalid.is_none() {
            self.invalid = Some(Arc::new(error));
        }
    }

    /// The error a deferred check stored, taken out (rebuilt as `InvalidInput` when a clone of
    /// this request still shares it).
    fn take_invalid(&mut self) -> Option<Error> {
        self.invalid.take().map(|shared| {
            Arc::try_unwrap(shared)
                .unwrap_or_else(|shared| Error::invalid_input(shared.to_string()))
        })
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path template (`users/{id}/metrics/{key}`).
    pub fn path_template(&self) -> &'static str {
        self.template
    }

    /// The query parameters set so far.
    pub fn query_pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.query.iter().map(|(k, v)| (k.as_ref(), v.as_str()))
    }

    /// The JSON body, if any.
    pub fn body(&self) -> Option<&[u8]> {
        self.body.as_deref()
    }

    /// The path relative to the base URL, encoded, without the query (empty for an absolute
    /// URL request).
    pub fn encoded_path(&self) -> &str {
        match &self.target {
            Target::Relative(p) => p,
            Target::Absolute(_) => "",
        }
    }

    /// The value of a query parameter set so far (the last one, for a repeated key).
    pub fn query_value(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every item of an offset/limit list, as a stream that sends one clone of this request per
    /// page with `offset_key` and `limit_key` set (see [`crate::pagination::offset_stream`] for
    /// when it stops).
    ///
    /// The first page starts at this request's own `offset_key` value (else 0) and pages hold
    /// its `limit_key` value (else `default_limit`) items, so a call's `offset`/`limit` setters
    /// shape the stream too. `items` takes a page's decoded body apart.
    pub fn paginate<I>(
        self,
        offset_key: &'static str,
        limit_key: &'static str,
        default_limit: u64,
        items: fn(T) -> crate::pagination::OffsetPage<I>,
    ) -> futures::stream::BoxStream<'static, Result<I>>
    where
        T: Send + 'static,
        I: Send + 'static,
    {
        let start = self
            .query_value(offset_key)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let page_size = self
            .query_value(limit_key)
            .and_then(|v| v.parse().ok())
            .filter(|l| *l > 0)
            .unwrap_or(default_limit);
        crate::pagination::offset_stream(start, page_size, move |offset, limit| {
            let page = self
                .clone()
                .set_query(offset_key, offset)
                .set_query(limit_key, limit)
                .send();
            async move { page.await.map(items) }
        })
    }

    /// Sends the request and decodes the body.
    pub async fn send(self) -> Result<T> {
        let decoder = self.decoder;
        let raw = self.send_raw().await?;
        decoder(&raw)
    }

    /// Sends the request and returns the undecoded success response (status, headers,
    /// request id, body): the escape hatch for fields the models do not have yet. An error
    /// status is still an [`Error::Api`].
    pub async fn send_raw(self) -> Result<RawResponse> {
        let span = tracing::info_span!(
            "questkit.request",
            api = self.transport.api(),
            operation = self.operation,
            method = %self.method,
            path = self.template,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
        );
        self.execute().instrument(span).await
    }

    /// The URL this request will be sent to (base URL, encoded path, query).
    pub fn url(&self) -> Result<Url> {
        if let Some(err) = &self.invalid {
            return Err(Error::invalid_input(err.to_string()));
        }
        self.build_url()
    }

    fn build_url(&self) -> Result<Url> {
        let base = self.transport.base_url();
        let mut url = match &self.target {
            Target::Relative(path) => {
                let mut s = String::with_capacity(base.as_str().len() + path.len());
                s.push_str(base.as_str());
                s.push_str(path);
                Url::parse(&s).map_err(|e| Error::invalid_input(format!("request URL: {e}")))?
            }
            Target::Absolute(raw) => {
                let url = base
                    .join(raw)
                    .map_err(|e| Error::invalid_input(format!("page link `{raw}`: {e}")))?;
                if url.origin() != base.origin() {
                    return Err(Error::invalid_input(format!(
                        "page link to another origin refused: {}",
                        url.origin().ascii_serialization()
                    )));
                }
                url
            }
        };
        if !self.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in &self.query {
                pairs.append_pair(k, v);
            }
        }
        Ok(url)
    }

    async fn execute(mut self) -> Result<RawResponse> {
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

    /// One attempt: send, follow same-origin redirects, read the body within the limit.
    async fn attempt(
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
        let mut hops = 0;
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
                    hops += 1;
                    if hops > MAX_REDIRECTS {
                        return Err(Error::Redirect {
                            reason: format!("more than {MAX_REDIRECTS} redirects"),
                        });
                    }
                    if next.origin() != inner.base.origin() {
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

/// Reads the body in chunks, failing as soon as it passes `limit`: a huge body is never
/// buffered whole.
async fn read_response(mut response: reqwest::Response, limit: usize) -> Result<RawResponse> {
    let status = response.status();
    if response
        .content_length()
        .is_some_and(|len| len > limit as u64)
    {
        return Err(Error::BodyTooLarge { limit });
    }
    let headers = std::mem::take(response.headers_mut());
    let mut first: Option<Bytes> = None;
    let mut rest: Option<BytesMut> = None;
    let mut total = 0usize;
    while let Some(chunk) = response.chunk().await.map_err(Error::from_reqwest)? {
        total = total.saturating_add(chunk.len());
        if total > limit {
            return Err(Error::BodyTooLarge { limit });
        }
        // Most bodies arrive in one chunk: keep it as is, copy only when a second one comes.
        match (&mut first, &mut rest) {
            (None, None) => first = Some(chunk),
            (Some(head), None) => {
                let mut buf = BytesMut::with_capacity(total.max(head.len() * 2).min(limit));
                buf.extend_from_slice(head);
                buf.extend_from_slice(&chunk);
                first = None;
                rest = Some(buf);
            }
            (_, Some(buf)) => buf.extend_from_slice(&chunk),
        }
    }
    let body = match (first, rest) {
        (_, Some(buf)) => buf.freeze(),
        (Some(head), None) => head,
        (None, None) => Bytes::new(),
    };
    let request_id = crate::request_id(&headers);
    Ok(RawResponse {
        status,
        headers,
        body,
        request_id,
        attempts: 1,
    })
}

impl<T: Send + 'static> IntoFuture for Request<T> {
    type Output = Result<T>;
    type IntoFuture = BoxFuture<Result<T>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// A success response as it came: the escape hatch for what the models do not cover.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RawResponse {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
    /// The request id the server returned (`x-request-id` and the like).
    pub request_id: Option<String>,
    /// How many attempts the call made.
    pub attempts: u32,
}

impl RawResponse {
    /// Decodes the body as JSON into any type (a model, or `serde_json::Value`).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        decode_json(self)
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }
}

/// The default decoder: the body as JSON into `T`, naming the failing field on error. An empty
/// body reads as `null` (so `()` and `Option<T>` accept a 204).
///
/// The body is decoded once with plain serde_json (path tracking costs about twice the decode
/// time); only a body that fails is decoded again with path tracking, to name the field.
pub fn decode_json<T: DeserializeOwned>(raw: &RawResponse) -> Result<T> {
    let bytes: &[u8] = if raw.body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        &raw.body
    };
    match serde_json::from_slice(bytes) {
        Ok(value) => Ok(value),
        Err(plain) => Err(locate_decode_error::<T>(raw, bytes, plain)),
    }
}

#[cold]
fn locate_decode_error<T: DeserializeOwned>(
    raw: &RawResponse,
    bytes: &[u8],
    plain: serde_json::Error,
) -> Error {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(err) => decode_error(raw, err.path().to_string(), err.inner().to_string()),
        // Only trailing characters can fail the plain decode but not this one.
        Ok(_) => decode_error(raw, ".".to_owned(), plain.to_string()),
    }
}

/// Builds a [`Error::Decode`] for a response (for vendor decoders).
pub fn decode_error(raw: &RawResponse, path: String, message: String) -> Error {
    Error::Decode(Box::new(DecodeError {
        path,
        message,
        snippet: snippet(&raw.body, 200),
        status: Some(raw.status),
        request_id: raw.request_id.clone(),
    }))
}

/// Declares a typed call value wrapping a [`Request`]: the vendor crates' calls.
///
/// The generated struct has a private `inner: Request<T>` (vendor setters change it), the
/// shared per-call options (`timeout`, `max_retries`, `header`), `send`, `send_raw` and
/// `IntoFuture`, so `client.users().get("id").timeout(d).await` works.
///
/// ```
/// use questkit_core::{Transport, call};
///
/// call! {
///     /// Fetches a thing.
///     pub struct GetThing -> serde_json::Value;
/// }
///
/// impl GetThing {
///     /// Includes archived things.
///     pub fn archived(mut self, yes: bool) -> Self {
///         self.inner = self.inner.query("archived", yes);
///         self
///     }
/// }
///
/// let transport = Transport::builder("demo").base_url("https://api.example").build().unwrap();
/// let call = GetThing::from(transport.get("things/{id}", &["7"])).archived(true);
/// # drop(call);
/// ```
#[macro_export]
macro_rules! call {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident -> $output:ty;
    ) => {
        $(#[$meta])*
        #[must_use = "a call does nothing until it is awaited or sent"]
        #[derive(Debug)]
        $vis struct $name {
            inner: $crate::Request<$output>,
        }

        impl ::std::convert::From<$crate::Request<$output>> for $name {
            fn from(inner: $crate::Request<$output>) -> Self {
                $name { inner }
            }
        }

        #[allow(dead_code)]
        impl $name {
            /// The total timeout of each attempt of this call (overrides the client's).
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.inner = self.inner.timeout(timeout);
                self
            }

            /// How many retries this call may make (overrides the client's).
            pub fn max_retries(mut self, retries: u32) -> Self {
                self.inner = self.inner.max_retries(retries);
                self
            }

            /// Adds a header to this call only.
            pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
                self.inner = self.inner.header(name, value);
                self
            }

            /// Sends the call and decodes the response.
            pub async fn send(self) -> $crate::Result<$output> {
                self.inner.send().await
            }

            /// Sends the call and returns the raw success response (status, headers, request
            /// id, body), for fields the models do not have yet.
            pub async fn send_raw(self) -> $crate::Result<$crate::RawResponse> {
                self.inner.send_raw().await
            }

            /// The underlying request (method, path, query, body).
            pub fn request(&self) -> &$crate::Request<$output> {
                &self.inner
            }
        }

        impl ::std::future::IntoFuture for $name {
            type Output = $crate::Result<$output>;
            type IntoFuture = $crate::BoxFuture<$crate::Result<$output>>;

            fn into_future(self) -> Self::IntoFuture {
                ::std::boxed::Box::pin(self.inner.send())
            }
        }
    };
}

/// Generates the client-builder setters every vendor client shares, forwarding to a
/// [`crate::TransportBuilder`] field. Use inside an `impl` block:
/// `questkit_core::transport_setters!(transport);`.
#[macro_export]
macro_rules! transport_setters {
    ($field:ident) => {
        /// The base URL (a mock server, a proxy, a regional host). Its path is kept.
        pub fn base_url(mut self, url: impl Into<String>) -> Self {
            self.$field = self.$field.base_url(url);
            self
        }

        /// The total timeout of one attempt, body included (default 30 s).
        pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.$field = self.$field.timeout(timeout);
            self
        }

        /// The connect timeout (default 10 s).
        pub fn connect_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.$field = self.$field.connect_timeout(timeout);
            self
        }

        /// How many retries after a failed attempt (default 2).
        pub fn max_retries(mut self, retries: u32) -> Self {
            self.$field = self.$field.max_retries(retries);
            self
        }

        /// The whole retry policy.
        pub fn retry_policy(mut self, policy: $crate::RetryPolicy) -> Self {
            self.$field = self.$field.retry_policy(policy);
            self
        }

        /// Uses your own `reqwest::Client`; build it with `redirect::Policy::none()`.
        pub fn http_client(mut self, client: $crate::reqwest::Client) -> Self {
            self.$field = self.$field.http_client(client);
            self
        }

        /// The largest response body accepted (default 16 MiB).
        pub fn max_body_size(mut self, bytes: usize) -> Self {
            self.$field = self.$field.max_body_size(bytes);
            self
        }

        /// Allows a plain `http://` base URL on a host other than loopback.
        pub fn allow_insecure_http(mut self, allow: bool) -> Self {
            self.$field = self.$field.allow_insecure_http(allow);
            self
        }

        /// Appends a product token to the `questkit/<version>` user agent.
        pub fn user_agent(mut self, suffix: impl Into<String>) -> Self {
            self.$field = self.$field.user_agent(suffix);
            self
        }
    };
}
