//! The Trophy client and its builder.

use std::sync::Arc;

use futures::future::BoxFuture;
use questkit_core::rate_limit::{LocalRateLimiter, RateLimit};
use questkit_core::{
    Auth, Error, ErrorDetails, Result, SecretString, TokenSource, Transport, TransportBuilder,
};

use crate::achievements::Achievements;
use crate::admin::Admin;
use crate::error_body::ErrorBody;
use crate::leaderboards::Leaderboards;
use crate::metrics::Metrics;
use crate::points::Points;
use crate::rate_limits::{TIER_1, TIER_2};
use crate::streaks::Streaks;
use crate::users::Users;

/// The production base URL of Trophy's application API.
pub const DEFAULT_BASE_URL: &str = "https://api.trophy.so/v1";
/// The production base URL of Trophy's admin API.
pub const DEFAULT_ADMIN_BASE_URL: &str = "https://admin.trophy.so/v1";
/// The header that carries the API key.
pub const API_KEY_HEADER: &str = "X-API-KEY";
/// The header that names the tenant in multi-tenant organisations.
pub const TENANT_HEADER: &str = "Tenant-ID";
/// The header that carries a metric event's idempotency key.
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";
/// Where [`TrophyBuilder::server_url`] puts the admin API: beside the application API, in
/// place of its final `/v1` (questkit-mock's layout: `{prefix}/v1` and `{prefix}/admin/v1`).
pub const SERVER_ADMIN_PATH: &str = "/admin/v1";

/// Why admin calls fail on a client whose base URL was set without an admin base URL.
const ADMIN_NOT_SET: &str = "trophy: admin base URL not set (base_url points elsewhere): \
                             set admin_base_url or use server_url";
/// Why admin calls fail on a client made with [`Trophy::from_transport`] on a transport that
/// is not Trophy's production API.
const ADMIN_NOT_SET_FROM_TRANSPORT: &str = "trophy: admin base URL not set (the transport's \
    base URL is not Trophy's production API): use Trophy::from_transports with an admin transport";

/// A client of Trophy's application API: metrics, achievements, streaks, points, leaderboards
/// and users.
///
/// Cheap to clone (clones share one connection pool); `Send + Sync`. Calls are grouped by
/// resource, named as in Trophy's own SDKs:
///
/// ```no_run
/// use questkit_trophy::{Trophy, UpsertedUser};
///
/// # async fn run() -> questkit_core::Result<()> {
/// let trophy = Trophy::new(std::env::var("TROPHY_API_KEY").unwrap_or_default())?;
/// let metric = trophy.users().single_metric("user-1", "words-written").await?;
/// let done = trophy.users().achievements("user-1").include_incomplete(true).await?;
/// let event = trophy
///     .metrics()
///     .event("words-written", UpsertedUser::new("user-1"), 750.0)
///     .idempotency_key("essay-42")
///     .await?;
/// println!("{} = {}, {} achievements, replay: {}", metric.name, event.total, done.len(), event.replayed);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Trophy {
    transport: Transport,
    admin: Transport,
    /// Whether `admin` reaches an admin API (false: every admin call fails with `Config`).
    admin_configured: bool,
    tier1: Option<RateLimit>,
}

impl Trophy {
    /// A client of the production API with default settings (30 s timeout, 2 retries).
    ///
    /// Fails with [`Error::Config`] when the key is empty.
    pub fn new(api_key: impl Into<String>) -> Result<Trophy> {
        Trophy::builder().api_key(api_key).build()
    }

    /// A builder for every setting: base URL (a mock, a proxy), tenant, timeouts, retries,
    /// your own `reqwest::Client`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use questkit_trophy::Trophy;
    ///
    /// let trophy = Trophy::builder()
    ///     .api_key("sk_test")
    ///     .base_url("http://127.0.0.1:8080/v1")
    ///     .tenant_id("customer_12345")
    ///     .timeout(Duration::from_secs(5))
    ///     .max_retries(3)
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(trophy.transport().base_url().as_str(), "http://127.0.0.1:8080/v1/");
    /// assert!(Trophy::builder().build().is_err(), "an API key is required");
    /// ```
    pub fn builder() -> TrophyBuilder {
        TrophyBuilder::new()
    }

    /// A client on a transport you built yourself (its auth and error parser are yours).
    ///
    /// Admin calls go to [`DEFAULT_ADMIN_BASE_URL`] with the same settings only when the
    /// transport's base URL is Trophy's production API ([`DEFAULT_BASE_URL`]). On any other
    /// base URL (a mock, a proxy) the admin API is not configured: every admin call fails with
    /// [`Error::Config`] when it is awaited, and nothing is sent. Use
    /// [`Trophy::from_transports`] to give the admin API a transport of its own.
    pub fn from_transport(transport: Transport) -> Trophy {
        let (admin, admin_configured) = if is_production(&transport) {
            default_admin(&transport)
        } else {
            (
                not_configured(&transport, ADMIN_NOT_SET_FROM_TRANSPORT),
                false,
            )
        };
        let mut trophy = Trophy::from_transports(transport, admin);
        trophy.admin_configured = admin_configured;
        trophy
    }

    /// A client on two transports you built yourself: the application API's and the admin
    /// API's (build the second with [`Transport::with_base_url`] to share the pool).
    /// Calls spend from their Trophy tier ([`crate::rate_limits`]) if the transports have a
    /// rate limiter.
    pub fn from_transports(transport: Transport, admin: Transport) -> Trophy {
        Trophy {
            transport: transport.with_rate_limit_bucket(TIER_2),
            admin: admin.with_rate_limit_bucket(TIER_1),
            admin_configured: true,
            tier1: None,
        }
    }

    /// The Tier 1 limit the client paces at, when it was set with
    /// [`TrophyBuilder::documented_rate_limits`] or [`TrophyBuilder::rate_limit_tiers`] (the
    /// event batcher keeps within a share of it).
    pub fn tier1_limit(&self) -> Option<RateLimit> {
        self.tier1
    }

    /// The underlying transport, for requests the client does not model yet.
    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    /// The admin API's transport (its base URL and key), sharing the connection pool.
    ///
    /// When the admin API is not configured ([`Trophy::admin_base_url`] is `None`), this is
    /// a transport on the application API's base URL, without credentials, whose every call
    /// fails with [`Error::Config`] before anything is sent.
    pub fn admin_transport(&self) -> &Transport {
        &self.admin
    }

    /// The admin API's base URL (always ending with `/`), or `None` when the admin API is
    /// not configured: the base URL was set without an admin base URL (see
    /// [`TrophyBuilder::admin_base_url`]), and every admin call fails with [`Error::Config`].
    ///
    /// ```
    /// use questkit_trophy::Trophy;
    ///
    /// let production = Trophy::new("sk_live").unwrap();
    /// assert_eq!(production.admin_base_url(), Some("https://admin.trophy.so/v1/"));
    /// let mock = Trophy::builder().api_key("k").server_url("http://127.0.0.1:9/v1").build().unwrap();
    /// assert_eq!(mock.admin_base_url(), Some("http://127.0.0.1:9/admin/v1/"));
    /// let app_only = Trophy::builder().api_key("k").base_url("http://127.0.0.1:9/v1").build().unwrap();
    /// assert_eq!(app_only.admin_base_url(), None);
    /// ```
    pub fn admin_base_url(&self) -> Option<&str> {
        self.admin_configured
            .then(|| self.admin.base_url().as_str())
    }

    /// The admin API: configuration (metrics, achievements, points, leaderboards, attributes,
    /// streaks, settings, tenants, application keys) and bulk metric events. See
    /// [`crate::admin`] for keys, the tenant header and bulk semantics.
    ///
    /// On a client whose admin API is not configured ([`Trophy::admin_base_url`] is `None`)
    /// every admin call, and every batch of an event batcher, fails with [`Error::Config`]
    /// when it is awaited.
    ///
    /// ```no_run
    /// # async fn run(trophy: questkit_trophy::Trophy) -> questkit_core::Result<()> {
    /// let metrics = trophy.admin().metrics().list().limit(20).await?;
    /// for metric in &metrics {
    ///     println!("{} ({})", metric.name, metric.key);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn admin(&self) -> Admin<'_> {
        Admin::new(&self.admin, self.tier1)
    }

    /// User calls: create, identify, update, metrics, achievements, streak, points,
    /// leaderboards, wrapped, preferences.
    pub fn users(&self) -> Users<'_> {
        Users::new(&self.transport)
    }

    /// Metric calls: record an event.
    pub fn metrics(&self) -> Metrics<'_> {
        Metrics::new(&self.transport)
    }

    /// Achievement calls: list all, complete one.
    pub fn achievements(&self) -> Achievements<'_> {
        Achievements::new(&self.transport)
    }

    /// Streak calls: several users' streaks at once.
    pub fn streaks(&self) -> Streaks<'_> {
        Streaks::new(&self.transport)
    }

    /// Points-system calls: system, boosts, levels, summaries.
    pub fn points(&self) -> Points<'_> {
        Points::new(&self.transport)
    }

    /// Leaderboard calls: list all, get one with its rankings.
    pub fn leaderboards(&self) -> Leaderboards<'_> {
        Leaderboards::new(&self.transport)
    }
}

/// Settings of a [`Trophy`] client. Setters never fail; [`TrophyBuilder::build`] checks them.
#[derive(Clone, Debug)]
#[must_use]
pub struct TrophyBuilder {
    transport: TransportBuilder,
    api_key: Option<SecretString>,
    admin_api_key: Option<SecretString>,
    admin_base: AdminBase,
    tenant_id: Option<String>,
    tiers: Option<(RateLimit, RateLimit)>,
}

/// Where the builder puts the admin API.
#[derive(Clone, Debug)]
enum AdminBase {
    /// Not set: production when the application API is production, else not configured.
    Unset,
    /// Set with [`TrophyBuilder::admin_base_url`].
    Url(String),
    /// Beside the application API, set with [`TrophyBuilder::server_url`].
    BesideServer,
}

impl Default for TrophyBuilder {
    fn default() -> Self {
        TrophyBuilder::new()
    }
}

impl TrophyBuilder {
    /// Default settings: the production base URL, no key yet.
    pub fn new() -> Self {
        TrophyBuilder {
            transport: Transport::builder("trophy").error_parser(parse_error_body),
            api_key: None,
            admin_api_key: None,
            admin_base: AdminBase::Unset,
            tenant_id: None,
            tiers: None,
        }
    }

    /// The API key (sent as `X-API-KEY`, never printed).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(SecretString::new(key));
        self
    }

    /// A key for the admin API only (sent as `X-API-KEY` on admin calls, never printed).
    ///
    /// Without it the admin calls use [`TrophyBuilder::api_key`]: an admin key works on both
    /// APIs, an application key only on the application API. With only an admin key set, it
    /// is used for both.
    pub fn admin_api_key(mut self, key: impl Into<String>) -> Self {
        self.admin_api_key = Some(SecretString::new(key));
        self
    }

    /// The admin API's base URL (a mock's is `TrophyMock::admin_uri()`). It shares the
    /// connection pool and every other setting; [`TrophyBuilder::build`] checks it like the
    /// base URL.
    ///
    /// Without it, the admin API is Trophy's production one ([`DEFAULT_ADMIN_BASE_URL`]) only
    /// while the base URL is too (not set, or [`DEFAULT_BASE_URL`]). When you point the
    /// client elsewhere with [`TrophyBuilder::base_url`] (a mock, a proxy, a staging host), the
    /// admin API is **not configured** rather than left on production: the client builds,
    /// application calls work, and every admin call (event batches included) fails with
    /// [`Error::Config`] ("admin base URL not set ...") when it is awaited, sending nothing.
    /// Failing the calls, not `build()`, keeps clients that never use the admin API working
    /// (a loopback mock with no TLS feature compiled in, where the production admin URL could
    /// not even be built); failing them rather than guessing keeps test traffic and keys
    /// away from production. Set this, or use [`TrophyBuilder::server_url`] for one server
    /// serving both. A later call of either replaces this one.
    ///
    /// ```
    /// use questkit_trophy::Trophy;
    ///
    /// let proxied = Trophy::builder()
    ///     .api_key("sk_test")
    ///     .base_url("https://trophy-proxy.example/v1")
    ///     .admin_base_url("https://trophy-proxy.example/admin/v1")
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(proxied.admin_base_url(), Some("https://trophy-proxy.example/admin/v1/"));
    /// ```
    pub fn admin_base_url(mut self, url: impl Into<String>) -> Self {
        self.admin_base = AdminBase::Url(url.into());
        self
    }

    /// One server for both APIs (a mock, a proxy, the `questkit-mock` binary): the application
    /// API at `url`, the admin API beside it at the same origin, where `url`'s final `/v1`
    /// segment becomes [`SERVER_ADMIN_PATH`] (`/admin/v1`); a `url` whose path does not end in
    /// `/v1` gets `/admin/v1` appended. This is questkit-mock's layout, so
    /// `server_url(mock.uri())` reaches both APIs of a `TrophyMock`:
    ///
    /// | `url`                               | application API                     | admin API |
    /// |-------------------------------------|-------------------------------------|-----------|
    /// | `http://127.0.0.1:8080/v1`          | `http://127.0.0.1:8080/v1/`         | `http://127.0.0.1:8080/admin/v1/` |
    /// | `http://127.0.0.1:8080/trophy/v1`   | `http://127.0.0.1:8080/trophy/v1/`  | `http://127.0.0.1:8080/trophy/admin/v1/` |
    /// | `https://proxy.example/trophy`      | `https://proxy.example/trophy/`     | `https://proxy.example/trophy/admin/v1/` |
    ///
    /// It sets the base URL and replaces an earlier [`TrophyBuilder::admin_base_url`]; a later
    /// `admin_base_url` replaces the admin half, a later `base_url` moves both.
    ///
    /// ```
    /// use questkit_trophy::Trophy;
    ///
    /// let trophy = Trophy::builder()
    ///     .api_key("sk_test")
    ///     .server_url("http://127.0.0.1:8080/trophy/v1")
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(trophy.transport().base_url().as_str(), "http://127.0.0.1:8080/trophy/v1/");
    /// assert_eq!(trophy.admin_base_url(), Some("http://127.0.0.1:8080/trophy/admin/v1/"));
    /// ```
    pub fn server_url(mut self, url: impl Into<String>) -> Self {
        self.transport = self.transport.base_url(url);
        self.admin_base = AdminBase::BesideServer;
        self
    }

    /// The tenant, for multi-tenant organisations (sent as `Tenant-ID` on every call, admin
    /// calls included; Trophy ignores it for single-tenant organisations).
    pub fn tenant_id(mut self, tenant: impl Into<String>) -> Self {
        self.tenant_id = Some(tenant.into());
        self
    }

    /// Paces calls within Trophy's documented limits: 10 requests a second in Tier 1 (metric
    /// events, achievement completions, every admin call), 100 in Tier 2, each paced 10 %
    /// under its limit, with a 429 pausing its tier for every call of this client (see
    /// [`crate::rate_limits`]).
    ///
    /// Off by default. Turn it on when one process sends more than a few Tier 1 calls a
    /// second (a `metrics().event` per user action), so that calls wait their turn instead of
    /// meeting 429s; for several processes on one organisation use
    /// [`TrophyBuilder::rate_limiter`] with a shared `RedisRateLimiter`.
    ///
    /// ```
    /// let trophy = questkit_trophy::Trophy::builder()
    ///     .api_key("sk_test")
    ///     .documented_rate_limits()
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(trophy.tier1_limit().unwrap().permits(), 10);
    /// ```
    pub fn documented_rate_limits(self) -> Self {
        self.rate_limit_tiers(
            RateLimit::per_second(crate::rate_limits::DOCUMENTED_TIER_1_PER_SECOND),
            RateLimit::per_second(crate::rate_limits::DOCUMENTED_TIER_2_PER_SECOND),
        )
    }

    /// Paces calls within your organisation's own limits per tier (a raised plan). With a
    /// limiter of your own ([`TrophyBuilder::rate_limiter`]) that limiter is used, and these
    /// tiers only tell the event batcher its Tier 1 budget.
    pub fn rate_limit_tiers(mut self, tier1: RateLimit, tier2: RateLimit) -> Self {
        self.tiers = Some((tier1, tier2));
        self
    }

    questkit_core::transport_setters!(transport);

    /// Checks the settings and builds the client.
    ///
    /// Fails with [`Error::Config`] without an API key, with an unparsable or plain-`http`
    /// non-loopback base URL (the application API's, or an admin base URL you set), an
    /// invalid key, or an invalid tenant header value. An admin base URL you did not choose
    /// never fails the build: see [`TrophyBuilder::admin_base_url`].
    pub fn build(self) -> Result<Trophy> {
        let key = self
            .api_key
            .or_else(|| self.admin_api_key.clone())
            .ok_or_else(|| Error::config("trophy: no API key configured"))?;
        let mut transport = self.transport;
        if let (Some((tier1, tier2)), false) = (self.tiers, transport.has_rate_limiter()) {
            let limits = crate::rate_limits::tiers(tier1, tier2);
            transport = transport.rate_limiter(Arc::new(LocalRateLimiter::new(limits)));
        }
        if !transport.has_base_url() {
            transport = transport.base_url(DEFAULT_BASE_URL);
        }
        if let Some(tenant) = self.tenant_id {
            transport = transport.header(TENANT_HEADER, tenant);
        }
        let transport = transport.auth(Auth::header(API_KEY_HEADER, key)).build()?;
        let admin_auth = self
            .admin_api_key
            .map(|admin_key| Auth::header(API_KEY_HEADER, admin_key));
        let chosen = match self.admin_base {
            AdminBase::Url(url) => Some(url),
            AdminBase::BesideServer => {
                let base = transport.base_url();
                Some(beside(&base.origin().ascii_serialization(), base.path()))
            }
            AdminBase::Unset => None,
        };
        let (admin, admin_configured) = match (chosen, admin_auth) {
            // A base URL the user chose: its errors are theirs, reported now.
            (Some(url), Some(auth)) => (transport.with_base_url_and_auth(&url, auth)?, true),
            (Some(url), None) => (transport.with_base_url(&url)?, true),
            (None, auth) => {
                if let Some(auth) = auth {
                    // The admin key is checked even when no admin API is configured.
                    transport.with_base_url_and_auth(transport.base_url().as_str(), auth)?;
                }
                if is_production(&transport) {
                    default_admin(&transport)
                } else {
                    (not_configured(&transport, ADMIN_NOT_SET), false)
                }
            }
        };
        let mut trophy = Trophy::from_transports(transport, admin);
        trophy.admin_configured = admin_configured;
        trophy.tier1 = self.tiers.map(|(tier1, _)| tier1);
        Ok(trophy)
    }
}

/// Whether `transport` is on Trophy's production application API.
fn is_production(transport: &Transport) -> bool {
    transport.base_url().as_str().trim_end_matches('/') == DEFAULT_BASE_URL
}

/// The production admin API beside the production application API, or, if the transport
/// cannot reach it (no TLS backend with your own HTTP client...), a transport whose calls
/// fail with the reason. The flag says which.
fn default_admin(transport: &Transport) -> (Transport, bool) {
    match transport.with_base_url(DEFAULT_ADMIN_BASE_URL) {
        Ok(admin) => (admin, true),
        Err(err) => {
            let reason =
                format!("trophy: the admin API {DEFAULT_ADMIN_BASE_URL} cannot be used: {err}");
            (not_configured(transport, reason), false)
        }
    }
}

/// The admin base URL [`TrophyBuilder::server_url`] derives from the application API's
/// origin and path: a final `/v1` becomes [`SERVER_ADMIN_PATH`], other paths get it appended.
fn beside(origin: &str, path: &str) -> String {
    let path = path.trim_end_matches('/');
    let prefix = path.strip_suffix("/v1").unwrap_or(path);
    format!("{origin}{prefix}{SERVER_ADMIN_PATH}")
}

/// The admin transport of a client whose admin API is not configured.
///
/// Admin calls are built by every admin resource from the admin [`Transport`], so the
/// transport itself carries the failure: its only credential is a token source that fails
/// with [`Error::Config`] (`reason`). The transport asks for the token before taking a
/// rate-limit permit or sending anything, so every admin call, and every batch of an event
/// batcher, fails when it is awaited, without a request, and `build()` never fails because
/// of an admin URL the user did not choose. It stays on the application API's origin and
/// carries no key, so nothing could reach production or leak a key even if a call skipped
/// the token source.
fn not_configured(transport: &Transport, reason: impl Into<String>) -> Transport {
    let source = AdminNotConfigured {
        reason: reason.into(),
    };
    // A sibling on the transport's own base URL: its scheme, origin and TLS were checked when
    // the transport was built, and a token source is always a valid credential, so this does
    // not fail; if it ever did, admin calls would use the application transport's settings
    // on its own base URL, never production.
    transport
        .with_base_url_and_auth(transport.base_url().as_str(), Auth::token_source(source))
        .unwrap_or_else(|_| transport.clone())
}

/// The "credential" of an admin API that is not configured: every call fails with
/// [`Error::Config`] saying why.
struct AdminNotConfigured {
    reason: String,
}

impl TokenSource for AdminNotConfigured {
    fn token<'a>(&'a self, _: &'a Transport) -> BoxFuture<'a, Result<SecretString>> {
        Box::pin(std::future::ready(Err(Error::config(self.reason.clone()))))
    }

    fn refresh<'a>(
        &'a self,
        transport: &'a Transport,
        _: &'a SecretString,
    ) -> BoxFuture<'a, Result<SecretString>> {
        self.token(transport)
    }
}

/// Reads Trophy's `{"error": "..."}` body into the core error's message.
fn parse_error_body(body: &[u8]) -> Option<ErrorDetails> {
    ErrorBody::parse(body).map(|b| ErrorDetails::message(b.error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_is_send_sync_clone() {
        fn assert_traits<T: Send + Sync + Clone + 'static>() {}
        assert_traits::<Trophy>();
    }

    #[test]
    fn build_checks_settings() {
        let trophy = Trophy::new("sk_live").unwrap();
        assert_eq!(
            trophy.transport().base_url().as_str(),
            "https://api.trophy.so/v1/"
        );
        assert!(matches!(Trophy::new(""), Err(Error::Config(_))));
        assert!(matches!(Trophy::builder().build(), Err(Error::Config(_))));
        let insecure = Trophy::builder()
            .api_key("k")
            .base_url("http://trophy.example/v1")
            .build();
        assert!(matches!(insecure, Err(Error::Config(_))));
        let bad_tenant = Trophy::builder()
            .api_key("k")
            .tenant_id("bad\nvalue")
            .build();
        assert!(matches!(bad_tenant, Err(Error::Config(_))));
        let debug = format!("{:?}", Trophy::builder().api_key("sk_secret_value"));
        assert!(!debug.contains("sk_secret_value"), "{debug}");
        let debug = format!("{trophy:?}");
        assert!(!debug.contains("sk_live"), "{debug}");
    }

    #[test]
    fn admin_settings() {
        let trophy = Trophy::new("sk_admin").unwrap();
        assert_eq!(
            trophy.admin_transport().base_url().as_str(),
            "https://admin.trophy.so/v1/"
        );
        let local = Trophy::builder()
            .api_key("k")
            .base_url("http://127.0.0.1:9/trophy/v1")
            .admin_base_url("http://127.0.0.1:9/trophy/admin/v1")
            .admin_api_key("admin_secret_value")
            .build()
            .unwrap();
        assert_eq!(
            local.admin().transport().base_url().as_str(),
            "http://127.0.0.1:9/trophy/admin/v1/"
        );
        assert!(!format!("{local:?}").contains("admin_secret_value"));
        let only_admin = Trophy::builder().admin_api_key("a").build();
        assert!(only_admin.is_ok(), "an admin key alone serves both APIs");
        let insecure = Trophy::builder()
            .api_key("k")
            .admin_base_url("http://admin.example/v1")
            .build();
        assert!(matches!(insecure, Err(Error::Config(_))));
        let derived = Trophy::from_transport(trophy.transport().clone());
        assert_eq!(
            derived.admin_transport().base_url().as_str(),
            "https://admin.trophy.so/v1/"
        );
    }

    #[test]
    fn admin_base_follows_the_base_url() {
        let build = |b: TrophyBuilder| b.api_key("k").build().unwrap();
        let production = build(Trophy::builder());
        assert_eq!(
            production.admin_base_url(),
            Some("https://admin.trophy.so/v1/")
        );
        let explicit = build(Trophy::builder().base_url("https://API.trophy.so/v1/"));
        assert_eq!(
            explicit.admin_base_url(),
            Some("https://admin.trophy.so/v1/"),
            "the production base URL, however written, keeps the production admin API"
        );
        for app in ["http://127.0.0.1:9/v1", "https://trophy-proxy.example/v1"] {
            let elsewhere = build(Trophy::builder().base_url(app));
            assert_eq!(elsewhere.admin_base_url(), None, "{app}");
            let production = DEFAULT_ADMIN_BASE_URL
                .trim_start_matches("https://")
                .split('/')
                .next();
            assert_ne!(
                elsewhere.admin_transport().base_url().host_str(),
                production,
                "{app}"
            );
        }
        let with_admin_key = Trophy::builder()
            .api_key("k")
            .admin_api_key("bad\nkey")
            .base_url("http://127.0.0.1:9/v1")
            .build();
        assert!(
            matches!(with_admin_key, Err(Error::Config(_))),
            "the admin key is checked even without an admin API"
        );
        let mock = Trophy::builder()
            .api_key("k")
            .base_url("http://127.0.0.1:9/v1")
            .build()
            .unwrap();
        let derived = Trophy::from_transport(mock.transport().clone());
        assert_eq!(derived.admin_base_url(), None);
        let both = Trophy::from_transports(
            mock.transport().clone(),
            mock.transport()
                .with_base_url("http://127.0.0.1:9/a/")
                .unwrap(),
        );
        assert_eq!(both.admin_base_url(), Some("http://127.0.0.1:9/a/"));
    }

    #[test]
    fn server_url_puts_the_admin_api_beside_the_application_api() {
        let cases = [
            (
                "http://127.0.0.1:8080/v1",
                "http://127.0.0.1:8080/v1/",
                "http://127.0.0.1:8080/admin/v1/",
            ),
            (
                "http://127.0.0.1:8080/v1/",
                "http://127.0.0.1:8080/v1/",
                "http://127.0.0.1:8080/admin/v1/",
            ),
            (
                "http://127.0.0.1:8080/trophy/v1",
                "http://127.0.0.1:8080/trophy/v1/",
                "http://127.0.0.1:8080/trophy/admin/v1/",
            ),
            (
                "http://[::1]:9",
                "http://[::1]:9/",
                "http://[::1]:9/admin/v1/",
            ),
            (
                "http://localhost:9/api",
                "http://localhost:9/api/",
                "http://localhost:9/api/admin/v1/",
            ),
            (
                "https://proxy.example/trophy/v10",
                "https://proxy.example/trophy/v10/",
                "https://proxy.example/trophy/v10/admin/v1/",
            ),
        ];
        for (url, app, admin) in cases {
            let trophy = Trophy::builder()
                .api_key("k")
                .server_url(url)
                .build()
                .unwrap();
            assert_eq!(trophy.transport().base_url().as_str(), app, "{url}");
            assert_eq!(trophy.admin_base_url(), Some(admin), "{url}");
        }
        let overridden = Trophy::builder()
            .api_key("k")
            .server_url("http://127.0.0.1:9/v1")
            .admin_base_url("http://127.0.0.1:9/other/v1")
            .build()
            .unwrap();
        assert_eq!(
            overridden.admin_base_url(),
            Some("http://127.0.0.1:9/other/v1/")
        );
        let replaced = Trophy::builder()
            .api_key("k")
            .admin_base_url("http://127.0.0.1:9/other/v1")
            .server_url("http://127.0.0.1:9/v1")
            .build()
            .unwrap();
        assert_eq!(
            replaced.admin_base_url(),
            Some("http://127.0.0.1:9/admin/v1/")
        );
        let moved = Trophy::builder()
            .api_key("k")
            .server_url("http://127.0.0.1:9/v1")
            .base_url("http://127.0.0.1:7/x/v1")
            .build()
            .unwrap();
        assert_eq!(
            moved.admin_base_url(),
            Some("http://127.0.0.1:7/x/admin/v1/")
        );
        let insecure = Trophy::builder()
            .api_key("k")
            .server_url("http://trophy.example/v1")
            .build();
        assert!(matches!(insecure, Err(Error::Config(_))));
        assert_eq!(beside("http://h", "/"), "http://h/admin/v1");
        assert_eq!(beside("http://h", "/a/v1/"), "http://h/a/admin/v1");
    }

    /// `.ci/tls.sh` runs this with `--no-default-features` (no TLS backend): a client on
    /// loopback `http` base URLs builds and works, admin API included, and one whose admin
    /// API is not configured builds too, its admin calls failing with `Config` when awaited.
    #[tokio::test]
    async fn loopback_http_without_tls() {
        use questkit_mock::trophy::{DEMO_ADMIN_API_KEY, TrophyMock};

        if questkit_core::transport::TLS_BACKEND.is_none() {
            assert!(
                matches!(Trophy::new("k"), Err(Error::Config(_))),
                "without TLS the production https base URL is refused"
            );
        }
        let mock = TrophyMock::start().await;
        let trophy = Trophy::builder()
            .api_key(DEMO_ADMIN_API_KEY)
            .server_url(mock.uri())
            .build()
            .unwrap();
        let metric = trophy
            .users()
            .single_metric("user-1", "words-written")
            .await
            .unwrap();
        assert_eq!(metric.key, "words-written");
        let metrics = trophy.admin().metrics().list().await.unwrap();
        assert!(metrics.iter().any(|m| m.key == "words-written"));

        let app_only = Trophy::builder()
            .api_key(DEMO_ADMIN_API_KEY)
            .base_url(mock.uri())
            .build()
            .unwrap();
        assert!(app_only.users().get("user-1").await.is_ok());
        let err = app_only.admin().metrics().list().await.unwrap_err();
        assert!(
            matches!(&err, Error::Config(m) if m.contains("admin base URL not set")),
            "{err}"
        );
    }

    #[test]
    fn error_bodies() {
        assert_eq!(
            parse_error_body(br#"{"error":"User not found"}"#).and_then(|d| d.message),
            Some("User not found".to_owned())
        );
        assert_eq!(parse_error_body(b"<html></html>"), None);
    }
}
