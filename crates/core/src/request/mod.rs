//! The request value every call returns: set options, then `.await` it (or `.send()`).
//!
//! The stages of a call, one module each: this module holds the call value and its setters;
//! `execute` runs the attempts with retries, `attempt` sends one attempt and follows its
//! redirects, `response` reads and decodes the body; `macros` declares the vendor crates'
//! typed call values. `bare` is the benchmark's attribution build (none of the above's
//! safety machinery), never used otherwise.

use std::borrow::Cow;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use reqwest::Method;
use reqwest::header::{HeaderName, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tracing::Instrument;
use url::Url;

use crate::error::{Error, Result};
use crate::path;
use crate::secret::SecretString;
use crate::transport::Transport;

mod attempt;
mod bare;
mod execute;
mod macros;
mod response;

pub use response::{RawResponse, decode_error, decode_json};

/// A decoder turns a success response into the call's output.
pub type Decoder<T> = fn(&RawResponse) -> Result<T>;

/// A boxed, `Send` future (the vendor crates' calls with extra steps are awaited as one; a
/// plain call is a [`ResponseFuture`]).
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
    deadline: Option<Duration>,
    max_retries: Option<u32>,
    idempotency: Option<(HeaderName, Option<String>)>,
    replay_safe: bool,
    sensitive: bool,
    bucket: &'static str,
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
            deadline: self.deadline,
            max_retries: self.max_retries,
            idempotency: self.idempotency.clone(),
            replay_safe: self.replay_safe,
            sensitive: self.sensitive,
            bucket: self.bucket,
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
            .field("sensitive", &self.sensitive)
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
        let bucket = transport.inner.bucket;
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
            deadline: None,
            max_retries: None,
            idempotency: None,
            replay_safe: false,
            sensitive: false,
            bucket,
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

    /// The total deadline of this call: every attempt, the waits between them and any wait
    /// for a rate-limit permit (overrides the retry policy's `deadline`). When it passes, the
    /// call fails with [`Error::DeadlineExceeded`].
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// How many retries this call may make (overrides the client's setting).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// Marks the call safe to replay although its method is not idempotent, because its body
    /// makes every replay harmless (Trophy's batch events carry one idempotency key per event).
    /// It is then retried after a 5xx, a timeout or a broken connection like a call with an
    /// idempotency key. Mark only calls the server really de-duplicates.
    pub fn replay_safe(mut self) -> Self {
        self.replay_safe = true;
        self
    }

    /// Marks the call sensitive (a login, a token refresh, the creation of API keys): its
    /// errors keep no response body, not even for [`crate::ApiError::body`], and its trace
    /// is one span with the API and operation names and nothing else. Such a call never
    /// follows a redirect to another origin.
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    /// The rate-limit bucket this call spends from (default: the transport's, see
    /// [`Transport::with_rate_limit_bucket`], else [`crate::rate_limit::DEFAULT_BUCKET`]), when
    /// the transport has a rate limiter.
    pub fn rate_limit_bucket(mut self, bucket: &'static str) -> Self {
        self.bucket = bucket;
        self
    }

    /// The rate-limit bucket of this call.
    pub fn bucket(&self) -> &'static str {
        self.bucket
    }

    /// Whether the call is marked [`Request::sensitive`].
    pub fn is_sensitive(&self) -> bool {
        self.sensitive
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
            deadline: self.deadline,
            max_retries: self.max_retries,
            idempotency: self.idempotency,
            replay_safe: self.replay_safe,
            sensitive: self.sensitive,
            bucket: self.bucket,
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

    /// Sends the request and decodes the body (what `.await` on the request does).
    pub fn send(self) -> ResponseFuture<T> {
        let decoder = self.decoder;
        let sensitive = self.sensitive;
        ResponseFuture {
            raw: self.untyped().start(),
            decoder,
            sensitive,
        }
    }

    /// Decodes a success response the way this call does when it is sent (its decoder, and a
    /// sensitive call's errors without the body): for testing a call against a recorded
    /// response, and for timing the decode alone.
    pub fn decode(&self, raw: &RawResponse) -> Result<T> {
        decode_with(self.decoder, self.sensitive, raw)
    }

    /// Sends the request and returns the undecoded success response (status, headers,
    /// request id, body): the escape hatch for fields the models do not have yet. An error
    /// status is still an [`Error::Api`].
    pub fn send_raw(self) -> impl Future<Output = Result<RawResponse>> + Send {
        self.untyped().start()
    }

    /// This request without its output type. Sending, retrying and reading the response do
    /// not depend on the model, so they run on `Request<()>`: one copy of that code (its state
    /// machine is tens of kB of machine code) serves every model, instead of one per output
    /// type, which kept an application's hot code larger than its instruction cache.
    fn untyped(self) -> Request<()> {
        self.decoder(|_| Ok(()))
    }
}

impl Request<()> {
    /// Starts the call: its logical span, and the send machinery boxed here, in this crate.
    ///
    /// Boxed behind a trait object in a function that is not generic, the call's state
    /// machine (about 20 kB of machine code) is compiled once, into `questkit-core`: returned
    /// as an opaque type instead, every vendor crate that awaits it compiled its own copy, and
    /// an application calling several APIs ran up to four copies of the same code through its
    /// caches. This is the one box of a call (see [`ResponseFuture`]).
    #[inline(never)]
    fn start(self) -> BoxFuture<Result<RawResponse>> {
        // The attribution build only (see `bare`): no safety machinery, to measure its cost.
        #[cfg(questkit_bare)]
        return Box::pin(self.execute_bare());
        #[cfg(not(questkit_bare))]
        let span = if self.sensitive {
            tracing::info_span!(
                "questkit.request",
                otel.name = self.operation,
                api = self.transport.api(),
                operation = self.operation,
            )
        } else {
            tracing::info_span!(
                "questkit.request",
                otel.name = self.operation,
                api = self.transport.api(),
                operation = self.operation,
                method = %self.method,
                path = self.template,
                status = tracing::field::Empty,
                attempts = tracing::field::Empty,
            )
        };
        #[cfg(not(questkit_bare))]
        Box::pin(self.execute().instrument(span))
    }
}

impl<T> Request<T> {
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
                // Resolved against the base URL parsed once by the transport, so that only the
                // path is parsed per call, not the scheme and host again. The path is encoded
                // segment by segment and the base ends with `/`, so this is the base followed
                // by the path; `./` keeps a first segment holding `:` from reading as a scheme.
                let mut relative = String::with_capacity(path.len() + 2);
                relative.push_str("./");
                relative.push_str(path);
                base.join(&relative)
                    .map_err(|e| Error::invalid_input(format!("request URL: {e}")))?
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
}

/// Runs `decoder` on `raw`; a sensitive call's error loses the body here, whatever decoder
/// built it, so that no vendor decoder can leak it.
fn decode_with<T>(decoder: Decoder<T>, sensitive: bool, raw: &RawResponse) -> Result<T> {
    decoder(raw).map_err(|err| if sensitive { err.redact_body() } else { err })
}

impl<T> IntoFuture for Request<T> {
    type Output = Result<T>;
    type IntoFuture = ResponseFuture<T>;

    fn into_future(self) -> ResponseFuture<T> {
        self.send()
    }
}

/// A call on its way: what awaiting a [`Request`] (or a vendor crate's call value) runs.
///
/// It holds the call's send machinery, boxed once (retries, redirects, reading the body: the
/// same code for every output type), and the decoder of its output type, run on the success
/// response when it comes. `Unpin` and `Send`; drop it to cancel the call.
#[must_use = "a call does nothing unless awaited or polled"]
pub struct ResponseFuture<T> {
    raw: BoxFuture<Result<RawResponse>>,
    decoder: Decoder<T>,
    sensitive: bool,
}

impl<T> Future for ResponseFuture<T> {
    type Output = Result<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T>> {
        let raw = std::task::ready!(self.raw.as_mut().poll(cx));
        Poll::Ready(raw.and_then(|raw| decode_with(self.decoder, self.sensitive, &raw)))
    }
}

impl<T> fmt::Debug for ResponseFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}
