//! The HTTP transport every questkit client is built on.

use std::borrow::Cow;
use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue, USER_AGENT};
use reqwest::{Method, redirect};
use serde::de::DeserializeOwned;
use url::Url;

use crate::auth::{Auth, PreparedAuth};
use crate::error::{Error, ErrorParser, Result};
use crate::rate_limit::RateLimiter;
use crate::request::Request;
use crate::retry::RetryPolicy;
use crate::signing::RequestSigner;

/// The default total timeout of one attempt (connect, send, read the whole body).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default connect timeout (applies to clients questkit builds itself).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default largest response body: 16 MiB.
pub const DEFAULT_MAX_BODY: usize = 16 * 1024 * 1024;
/// The user agent questkit sends.
pub const USER_AGENT_VALUE: &str = concat!("questkit/", env!("CARGO_PKG_VERSION"));

/// A configured connection to one API: base URL, credentials, retries, limits, and one shared
/// connection pool. Cloning is cheap (an `Arc`); clones share everything.
///
/// Vendor clients hold a `Transport` and build [`Request`]s with it; users rarely touch it
/// directly. See [`TransportBuilder`] for the settings.
#[derive(Clone)]
pub struct Transport {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    /// Whether questkit built the HTTP client (and so chose its TLS backend).
    pub(crate) own_client: bool,
    /// Whether plain `http://` to a host other than loopback was allowed (for siblings).
    pub(crate) allow_http: bool,
    pub(crate) api: &'static str,
    pub(crate) http: reqwest::Client,
    pub(crate) base: Url,
    pub(crate) auth: PreparedAuth,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Duration,
    /// The total timeout the HTTP client itself gives every request (questkit's own client
    /// is built with `timeout`): a request sets its own only when it needs another, which
    /// spares reqwest a per-request extensions map (two allocations per call).
    pub(crate) client_timeout: Option<Duration>,
    pub(crate) max_body: usize,
    pub(crate) error_parser: Option<ErrorParser>,
    pub(crate) signer: Option<Arc<dyn RequestSigner>>,
    pub(crate) limiter: Option<Arc<dyn RateLimiter>>,
    /// The rate-limit bucket of calls that do not name one.
    pub(crate) bucket: &'static str,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self
            .inner
            .auth
            .headers
            .iter()
            .map(|(n, _)| n.as_str())
            .collect();
        f.debug_struct("Transport")
            .field("api", &self.inner.api)
            .field("base_url", &self.inner.base.as_str())
            .field("auth_headers", &names)
            .field("token_source", &self.inner.auth.source.is_some())
            .field("signer", &self.inner.signer.is_some())
            .field("rate_limiter", &self.inner.limiter)
            .field("retry", &self.inner.retry)
            .field("timeout", &self.inner.timeout)
            .field("max_body", &self.inner.max_body)
            .finish_non_exhaustive()
    }
}

impl Transport {
    /// Starts a transport for the API named `api` (used in tracing and errors).
    pub fn builder(api: &'static str) -> TransportBuilder {
        TransportBuilder::new(api)
    }

    /// The API's name.
    pub fn api(&self) -> &'static str {
        self.inner.api
    }

    /// The base URL, always ending with `/`.
    pub fn base_url(&self) -> &Url {
        &self.inner.base
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The underlying `reqwest::Client` (shared pool). When questkit built it, it carries the
    /// transport's timeout and follows no redirect.
    pub fn http_client(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// A request to `template` (relative to the base URL) with `params` filling its `{...}`
    /// placeholders, each encoded as one path segment. Errors in the parameters surface when
    /// the request is sent.
    pub fn request<T: DeserializeOwned>(
        &self,
        method: Method,
        template: &'static str,
        params: &[&str],
    ) -> Request<T> {
        Request::new(self.clone(), method, template, params)
    }

    /// A GET request; see [`Transport::request`].
    pub fn get<T: DeserializeOwned>(&self, template: &'static str, params: &[&str]) -> Request<T> {
        self.request(Method::GET, template, params)
    }

    /// A POST request; see [`Transport::request`].
    pub fn post<T: DeserializeOwned>(&self, template: &'static str, params: &[&str]) -> Request<T> {
        self.request(Method::POST, template, params)
    }

    /// A PUT request; see [`Transport::request`].
    pub fn put<T: DeserializeOwned>(&self, template: &'static str, params: &[&str]) -> Request<T> {
        self.request(Method::PUT, template, params)
    }

    /// A PATCH request; see [`Transport::request`].
    pub fn patch<T: DeserializeOwned>(
        &self,
        template: &'static str,
        params: &[&str],
    ) -> Request<T> {
        self.request(Method::PATCH, template, params)
    }

    /// A DELETE request; see [`Transport::request`].
    pub fn delete<T: DeserializeOwned>(
        &self,
        template: &'static str,
        params: &[&str],
    ) -> Request<T> {
        self.request(Method::DELETE, template, params)
    }

    /// A request to a path known only at run time (a configured endpoint), relative to the
    /// base URL; see [`crate::path::relative`] for how it is checked and encoded. Traced as
    /// `<configured path>`. Errors in the path surface when the request is sent.
    pub fn request_path<T: DeserializeOwned>(&self, method: Method, path: &str) -> Request<T> {
        Request::configured(self.clone(), method, path)
    }

    /// A GET of an absolute URL the server gave (a `next` page link). The URL must have the
    /// base URL's origin, so that credentials never go to another host.
    pub fn get_url<T: DeserializeOwned>(&self, url: &str) -> Request<T> {
        Request::absolute(self.clone(), Method::GET, url)
    }

    /// A transport identical to this one (same pool, credentials and settings) on another base
    /// URL, e.g. an admin API on the same host.
    pub fn with_base_url(&self, base_url: &str) -> Result<Transport> {
        self.sibling(base_url, self.inner.auth.clone())
    }

    /// A transport on another base URL with other credentials, sharing this one's connection
    /// pool and every other setting (an admin API with its own key).
    pub fn with_base_url_and_auth(&self, base_url: &str, auth: Auth) -> Result<Transport> {
        self.sibling(base_url, auth.prepare()?)
    }

    fn sibling(&self, base_url: &str, auth: PreparedAuth) -> Result<Transport> {
        let base = parse_base_url(base_url, true)?;
        if base.origin() != self.inner.base.origin() {
            check_scheme(&base, self.inner.allow_http)?;
        }
        check_tls(&base, self.inner.own_client)?;
        Ok(Transport {
            inner: Arc::new(Inner {
                own_client: self.inner.own_client,
                allow_http: self.inner.allow_http,
                api: self.inner.api,
                http: self.inner.http.clone(),
                base,
                auth,
                headers: self.inner.headers.clone(),
                retry: self.inner.retry,
                timeout: self.inner.timeout,
                client_timeout: self.inner.client_timeout,
                max_body: self.inner.max_body,
                error_parser: self.inner.error_parser,
                signer: self.inner.signer.clone(),
                limiter: self.inner.limiter.clone(),
                bucket: self.inner.bucket,
            }),
        })
    }

    /// The same transport (pool, credentials, settings) whose calls spend from `bucket` unless
    /// they name another (an admin API whose every call is in one rate-limit tier).
    pub fn with_rate_limit_bucket(&self, bucket: &'static str) -> Transport {
        Transport {
            inner: Arc::new(Inner {
                own_client: self.inner.own_client,
                allow_http: self.inner.allow_http,
                api: self.inner.api,
                http: self.inner.http.clone(),
                base: self.inner.base.clone(),
                auth: self.inner.auth.clone(),
                headers: self.inner.headers.clone(),
                retry: self.inner.retry,
                timeout: self.inner.timeout,
                client_timeout: self.inner.client_timeout,
                max_body: self.inner.max_body,
                error_parser: self.inner.error_parser,
                signer: self.inner.signer.clone(),
                limiter: self.inner.limiter.clone(),
                bucket,
            }),
        }
    }

    /// The rate limiter, when one is set.
    pub fn rate_limiter(&self) -> Option<&Arc<dyn RateLimiter>> {
        self.inner.limiter.as_ref()
    }
}

/// Where the transport's `reqwest::Client` comes from.
#[derive(Clone)]
enum HttpClient {
    /// Built from the user's builder with redirects off (or why it could not be built).
    Built(std::result::Result<reqwest::Client, String>),
    /// A ready client whose redirect policy questkit cannot check.
    Unchecked(reqwest::Client),
}

/// Settings of a [`Transport`]. Setters never fail; [`TransportBuilder::build`] checks them all.
///
/// ```
/// use std::time::Duration;
/// use questkit_core::{Auth, Transport};
///
/// let transport = Transport::builder("example")
///     .base_url("https://api.example.com/v1")
///     .auth(Auth::header("X-API-KEY", "key"))
///     .timeout(Duration::from_secs(5))
///     .max_retries(3)
///     .build()
///     .unwrap();
/// assert_eq!(transport.base_url().as_str(), "https://api.example.com/v1/");
/// ```
#[derive(Clone)]
#[must_use]
pub struct TransportBuilder {
    api: &'static str,
    base_url: Option<String>,
    auth: Auth,
    http: Option<HttpClient>,
    timeout: Duration,
    connect_timeout: Option<Duration>,
    retry: RetryPolicy,
    max_body: usize,
    allow_http: bool,
    user_agent: Option<String>,
    headers: Vec<(Cow<'static, str>, String)>,
    error_parser: Option<ErrorParser>,
    signer: Option<Arc<dyn RequestSigner>>,
    limiter: Option<Arc<dyn RateLimiter>>,
}

impl fmt::Debug for TransportBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportBuilder")
            .field("api", &self.api)
            .field("base_url", &self.base_url)
            .field("auth", &self.auth)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("max_body", &self.max_body)
            .finish_non_exhaustive()
    }
}

impl TransportBuilder {
    /// Default settings for the API named `api`.
    pub fn new(api: &'static str) -> Self {
        TransportBuilder {
            api,
            base_url: None,
            auth: Auth::none(),
            http: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: None,
            retry: RetryPolicy::default(),
            max_body: DEFAULT_MAX_BODY,
            allow_http: false,
            user_agent: None,
            headers: Vec::new(),
            error_parser: None,
            signer: None,
            limiter: None,
        }
    }

    /// The base URL; its path (`/v1`, `/api/v2/integration`) is kept and requests are relative
    /// to it.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Whether a base URL has been set.
    pub fn has_base_url(&self) -> bool {
        self.base_url.is_some()
    }

    /// The credentials.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self
    }

    /// Adds credentials to those already set.
    pub fn add_auth(mut self, auth: Auth) -> Self {
        self.auth = std::mem::take(&mut self.auth).and(auth);
        self
    }

    /// Builds the HTTP client from your `reqwest::ClientBuilder` (its proxy, TLS, pool, DNS
    /// and connect-timeout settings). questkit sets the redirect policy to `none` on it,
    /// because it follows redirects itself so that credentials never reach another origin.
    /// [`TransportBuilder::connect_timeout`] does not apply: set it on your builder.
    ///
    /// ```
    /// use questkit_core::Transport;
    ///
    /// let transport = Transport::builder("example")
    ///     .base_url("https://api.example.com")
    ///     .http_client(questkit_core::reqwest::Client::builder().pool_max_idle_per_host(4))
    ///     .build()
    ///     .unwrap();
    /// # drop(transport);
    /// ```
    pub fn http_client(mut self, builder: reqwest::ClientBuilder) -> Self {
        self.http = Some(HttpClient::Built(build_client(builder)));
        self
    }

    /// Uses a `reqwest::Client` you already have, sharing its connection pool, **unchecked**:
    /// a built client does not reveal its redirect policy, and if it follows redirects itself
    /// (reqwest's default does), it keeps the API-key header on a hop to another host. Build
    /// it with `reqwest::redirect::Policy::none()`; prefer [`TransportBuilder::http_client`].
    pub fn http_client_unchecked(mut self, client: reqwest::Client) -> Self {
        self.http = Some(HttpClient::Unchecked(client));
        self
    }

    /// The total timeout of one attempt, body included (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The connect timeout (default 10 s, or half the attempt timeout when that is shorter;
    /// with your own client or builder, set it there).
    ///
    /// Keep it below the attempt timeout: a connect that times out is known not to have
    /// reached the server and is retried whatever the method, while an attempt timeout that
    /// fires during the connect looks like any other timeout.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The total deadline of each call, retries and waits included (default 2 minutes);
    /// `None` for none. A call can override it with `.deadline(..)`.
    pub fn deadline(mut self, deadline: Option<Duration>) -> Self {
        self.retry.deadline = deadline;
        self
    }

    /// How many retries after a failed attempt (default 2).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry.max_retries = retries;
        self
    }

    /// The whole retry policy.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The largest response body accepted (default 16 MiB).
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// Allows a plain `http://` base URL on a host other than loopback.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Appends a product token to the user agent (`questkit/0.1.0 my-app/2.3`).
    pub fn user_agent(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent = Some(suffix.into());
        self
    }

    /// A header sent on every request (`Tenant-ID`, `x-language`, `Accept`).
    pub fn header(mut self, name: impl Into<Cow<'static, str>>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
        self.headers.push((name, value.into()));
        self
    }

    /// The vendor's error-body parser.
    pub fn error_parser(mut self, parser: ErrorParser) -> Self {
        self.error_parser = Some(parser);
        self
    }

    /// Signs every request (except those sent `without_signer`) with headers computed from
    /// the final request.
    pub fn signer(mut self, signer: Arc<dyn RequestSigner>) -> Self {
        self.signer = Some(signer);
        self
    }

    /// Asks `limiter` for a permit before every attempt (in the bucket each call names) and
    /// tells it about every 429, so that the bucket pauses for everyone sharing it. Share one
    /// limiter between the clients that spend the same budget. See [`crate::rate_limit`].
    pub fn rate_limiter(mut self, limiter: Arc<dyn RateLimiter>) -> Self {
        self.limiter = Some(limiter);
        self
    }

    /// Whether a rate limiter is set.
    pub fn has_rate_limiter(&self) -> bool {
        self.limiter.is_some()
    }

    /// Checks every setting and builds the transport.
    pub fn build(self) -> Result<Transport> {
        let raw = self
            .base_url
            .as_deref()
            .ok_or_else(|| Error::config(format!("{}: no base URL configured", self.api)))?;
        let base = parse_base_url(raw, self.allow_http)?;
        let auth = self.auth.prepare()?;
        if self.max_body == 0 {
            return Err(Error::config("max_body_size must be at least 1 byte"));
        }
        if self.timeout.is_zero() {
            return Err(Error::config("timeout must be longer than zero"));
        }
        let mut headers = Vec::with_capacity(self.headers.len() + 1);
        let agent = match &self.user_agent {
            Some(suffix) => format!("{USER_AGENT_VALUE} {suffix}"),
            None => USER_AGENT_VALUE.to_owned(),
        };
        headers.push((
            USER_AGENT,
            HeaderValue::from_str(&agent)
                .map_err(|_| Error::config("the user agent holds invalid characters"))?,
        ));
        for (name, value) in &self.headers {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::config(format!("`{name}` is not a valid header name")))?;
            let value = HeaderValue::from_str(value)
                .map_err(|_| Error::config(format!("the `{name}` header value is invalid")))?;
            headers.push((header, value));
        }
        if self.connect_timeout.is_some_and(|t| t.is_zero()) {
            return Err(Error::config("connect_timeout must be longer than zero"));
        }
        let own_client = self.http.is_none();
        let client_timeout = own_client.then_some(self.timeout);
        let http = match self.http {
            Some(HttpClient::Unchecked(client)) => client,
            Some(HttpClient::Built(client)) => client.map_err(Error::config)?,
            None => {
                check_tls(&base, true)?;
                let connect = self
                    .connect_timeout
                    .unwrap_or_else(|| DEFAULT_CONNECT_TIMEOUT.min(self.timeout / 2));
                build_client(select_tls(
                    reqwest::Client::builder()
                        .timeout(self.timeout)
                        .connect_timeout(connect)
                        .pool_idle_timeout(Duration::from_secs(60)),
                ))
                .map_err(Error::config)?
            }
        };
        Ok(Transport {
            inner: Arc::new(Inner {
                own_client,
                allow_http: self.allow_http,
                api: self.api,
                http,
                base,
                auth,
                headers,
                retry: self.retry,
                timeout: self.timeout,
                client_timeout,
                max_body: self.max_body,
                error_parser: self.error_parser,
                signer: self.signer,
                limiter: self.limiter,
                bucket: crate::rate_limit::DEFAULT_BUCKET,
            }),
        })
    }
}

/// The TLS backend questkit's own HTTP clients use, chosen by cargo features: `native-tls`
/// when that feature is on, else rustls (`rustls`, `rustls-native-roots`), else none.
///
/// The choice is made explicitly on the client builder, so that another crate in the graph
/// turning on reqwest's default (native) TLS does not switch questkit away from rustls.
pub const TLS_BACKEND: Option<&str> = if cfg!(feature = "native-tls") {
    Some("native-tls")
} else if cfg!(any(feature = "rustls", feature = "rustls-native-roots")) {
    Some("rustls")
} else {
    None
};

/// Selects [`TLS_BACKEND`] on a client builder questkit makes itself.
fn select_tls(builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
    #[cfg(feature = "native-tls")]
    let builder = builder.use_native_tls();
    #[cfg(all(
        not(feature = "native-tls"),
        any(feature = "rustls", feature = "rustls-native-roots")
    ))]
    let builder = builder.use_rustls_tls();
    builder
}

/// Builds a client that never follows redirects itself.
fn build_client(builder: reqwest::ClientBuilder) -> std::result::Result<reqwest::Client, String> {
    builder
        .redirect(redirect::Policy::none())
        .build()
        .map_err(|e| format!("could not build the HTTP client: {e}"))
}

/// An `https` base URL needs a TLS backend compiled in (questkit's own client).
fn check_tls(url: &Url, own_client: bool) -> Result<()> {
    if own_client && url.scheme() == "https" && TLS_BACKEND.is_none() {
        return Err(Error::config(
            "an https base URL needs a TLS backend: enable questkit's `rustls` (default), \
             `rustls-native-roots` or `native-tls` feature",
        ));
    }
    Ok(())
}

/// Parses a base URL: http(s), a host, no query or fragment, a path ending in `/`.
fn parse_base_url(raw: &str, allow_http: bool) -> Result<Url> {
    let mut url = Url::parse(raw.trim())
        .map_err(|e| Error::config(format!("base URL `{raw}` is not a URL: {e}")))?;
    if url.cannot_be_a_base() || url.host().is_none() {
        return Err(Error::config(format!("base URL `{raw}` has no host")));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(format!(
            "base URL `{raw}` must not have a query or fragment"
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::config(
            "base URL must not carry credentials; use the key setters",
        ));
    }
    check_scheme(&url, allow_http)?;
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

fn check_scheme(url: &Url, allow_http: bool) -> Result<()> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if allow_http || is_loopback(url) => Ok(()),
        "http" => Err(Error::config(format!(
            "refusing plain http to `{}`: use https, or allow_insecure_http(true)",
            url.host_str().unwrap_or_default()
        ))),
        other => Err(Error::config(format!("unsupported URL scheme `{other}`"))),
    }
}

/// Whether a URL points at this machine (localhost, 127.0.0.0/8, ::1).
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(url: &str) -> Result<Transport> {
        Transport::builder("t").base_url(url).build()
    }

    #[test]
    fn base_urls() {
        assert_eq!(
            build("https://a.example/v1").unwrap().base_url().as_str(),
            "https://a.example/v1/"
        );
        assert_eq!(
            build("https://a.example/v1/").unwrap().base_url().as_str(),
            "https://a.example/v1/"
        );
        assert_eq!(
            build("https://a.example").unwrap().base_url().as_str(),
            "https://a.example/"
        );
        assert!(build("http://127.0.0.1:8080/x").is_ok());
        assert!(build("http://localhost:8080").is_ok());
        assert!(build("http://[::1]:8080").is_ok());
        for bad in [
            "http://api.example/v1",
            "ftp://a.example",
            "not a url",
            "https://a.example/v1?x=1",
            "https://a.example/#f",
            "https://user:pw@a.example/",
            "mailto:x@y.z",
        ] {
            assert!(matches!(build(bad), Err(Error::Config(_))), "{bad}");
        }
        assert!(
            Transport::builder("t")
                .base_url("http://api.example")
                .allow_insecure_http(true)
                .build()
                .is_ok()
        );
        assert!(matches!(
            Transport::builder("t").build(),
            Err(Error::Config(_))
        ));
    }

    #[test]
    fn bad_settings_fail_at_build() {
        let b = || Transport::builder("t").base_url("https://a.example");
        assert!(b().auth(Auth::header("X-API-KEY", "")).build().is_err());
        assert!(b().auth(Auth::header("bad header", "k")).build().is_err());
        assert!(
            b().auth(Auth::header("X-API-KEY", "line\nbreak"))
                .build()
                .is_err()
        );
        assert!(b().auth(Auth::bearer("")).build().is_err());
        assert!(b().header("Tenant-ID", "a\r\nb").build().is_err());
        assert!(b().max_body_size(0).build().is_err());
        assert!(b().timeout(Duration::ZERO).build().is_err());
        assert!(
            b().auth(Auth::header("X-API-KEY", "k"))
                .header("Tenant-ID", "t")
                .build()
                .is_ok()
        );
    }

    #[test]
    fn tls_backend_follows_the_features() {
        let https = Transport::builder("t")
            .base_url("https://a.example")
            .build();
        let loopback = Transport::builder("t")
            .base_url("http://127.0.0.1:9/v1")
            .build();
        assert!(loopback.is_ok(), "plain http needs no TLS");
        match TLS_BACKEND {
            None => {
                let err = https.unwrap_err();
                assert!(matches!(err, Error::Config(_)), "{err:?}");
                assert!(err.to_string().contains("rustls"), "{err}");
                let sibling = loopback.unwrap().with_base_url("https://b.example");
                assert!(matches!(sibling, Err(Error::Config(_))));
            }
            Some(backend) => {
                assert!(https.is_ok());
                let expected = if cfg!(feature = "native-tls") {
                    "native-tls"
                } else {
                    "rustls"
                };
                assert_eq!(backend, expected);
            }
        }
    }

    #[test]
    fn debug_never_shows_secrets() {
        let t = Transport::builder("t")
            .base_url("https://a.example")
            .auth(Auth::header("X-API-KEY", "sk_live_secret").and(Auth::bearer("tok_secret")))
            .build()
            .unwrap();
        let shown = format!("{t:?}");
        assert!(
            !shown.contains("sk_live_secret") && !shown.contains("tok_secret"),
            "{shown}"
        );
        assert!(shown.contains("x-api-key"), "{shown}");
        let builder = Transport::builder("t").auth(Auth::header("X-API-KEY", "sk_live_secret"));
        assert!(!format!("{builder:?}").contains("sk_live_secret"));
    }

    #[test]
    fn derived_base_url_keeps_settings() {
        let t = build("https://acme.example/api/v2/integration").unwrap();
        let admin = t
            .with_base_url("https://acme.example/api/v2/admin")
            .unwrap();
        assert_eq!(
            admin.base_url().as_str(),
            "https://acme.example/api/v2/admin/"
        );
        assert_eq!(admin.api(), "t");
    }
}
