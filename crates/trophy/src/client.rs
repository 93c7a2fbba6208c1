//! The Trophy client and its builder.

use std::sync::Arc;

use questkit_core::rate_limit::{LocalRateLimiter, RateLimit};
use questkit_core::{Auth, Error, ErrorDetails, Result, SecretString, Transport, TransportBuilder};

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

    /// A client on a transport you built yourself (its auth and error parser are yours); admin
    /// calls go to [`DEFAULT_ADMIN_BASE_URL`] with the same settings.
    pub fn from_transport(transport: Transport) -> Trophy {
        // The constant is a valid https URL, so deriving from it cannot fail; if it ever did,
        // admin calls would fail on the application API's 404 rather than panic here.
        let admin = transport
            .with_base_url(DEFAULT_ADMIN_BASE_URL)
            .unwrap_or_else(|_| transport.clone());
        Trophy::from_transports(transport, admin)
    }

    /// A client on two transports you built yourself: the application API's and the admin
    /// API's (build the second with [`Transport::with_base_url`] to share the pool).
    /// Calls spend from their Trophy tier ([`crate::rate_limits`]) if the transports have a
    /// rate limiter.
    pub fn from_transports(transport: Transport, admin: Transport) -> Trophy {
        Trophy {
            transport: transport.with_rate_limit_bucket(TIER_2),
            admin: admin.with_rate_limit_bucket(TIER_1),
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
    pub fn admin_transport(&self) -> &Transport {
        &self.admin
    }

    /// The admin API: configuration (metrics, achievements, points, leaderboards, attributes,
    /// streaks, settings, tenants, application keys) and bulk metric events. See
    /// [`crate::admin`] for keys, the tenant header and bulk semantics.
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
    admin_base_url: Option<String>,
    tenant_id: Option<String>,
    tiers: Option<(RateLimit, RateLimit)>,
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
            admin_base_url: None,
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

    /// The admin API's base URL (default [`DEFAULT_ADMIN_BASE_URL`]; a mock's is
    /// `TrophyMock::admin_uri()`). Set it along with [`TrophyBuilder::base_url`] when you point
    /// the client at a mock or a proxy. It shares the connection pool and every other setting.
    pub fn admin_base_url(mut self, url: impl Into<String>) -> Self {
        self.admin_base_url = Some(url.into());
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
    /// non-loopback base URL (application or admin), or an invalid tenant header value.
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
        let admin_base = self
            .admin_base_url
            .as_deref()
            .unwrap_or(DEFAULT_ADMIN_BASE_URL);
        let admin = match self.admin_api_key {
            Some(admin_key) => transport
                .with_base_url_and_auth(admin_base, Auth::header(API_KEY_HEADER, admin_key))?,
            None => transport.with_base_url(admin_base)?,
        };
        let mut trophy = Trophy::from_transports(transport, admin);
        trophy.tier1 = self.tiers.map(|(tier1, _)| tier1);
        Ok(trophy)
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
    fn error_bodies() {
        assert_eq!(
            parse_error_body(br#"{"error":"User not found"}"#).and_then(|d| d.message),
            Some("User not found".to_owned())
        );
        assert_eq!(parse_error_body(b"<html></html>"), None);
    }
}
