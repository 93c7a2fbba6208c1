//! The Nudj client and its builder.

use std::fmt;

use questkit_core::{Auth, Error, Result, SecretString, Transport, TransportBuilder};
use serde::de::DeserializeOwned;

use crate::achievements::Achievements;
use crate::error::parse_error_body;
use crate::events::Events;
use crate::leaderboards::Leaderboards;
use crate::me::Me;
use crate::rewards::Rewards;

/// The path of the integration API on a Nudj host.
pub const INTEGRATION_PATH: &str = "/api/v2/integration";
/// The path of the admin API on a Nudj host (custom events live there).
pub const ADMIN_PATH: &str = "/api/v2/admin";
/// The header that carries the legacy API token.
pub const API_TOKEN_HEADER: &str = "x-api-token";
/// The header that selects the response language.
pub const LANGUAGE_HEADER: &str = "x-language";

/// A client of Nudj's integration API (and the admin custom-event call).
///
/// Requests act as the user the token belongs to (hence the `me()` calls). Cloning is cheap;
/// clones share the connection pool.
///
/// ```no_run
/// use questkit_nudj::Nudj;
///
/// # async fn run() -> questkit_core::Result<()> {
/// let nudj = Nudj::new("acme", std::env::var("NUDJ_API_TOKEN").unwrap_or_default())?;
/// let achievement = nudj.achievements().get("65a000000000000000000001").await?;
/// println!("{}", achievement.explain());
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Nudj {
    transport: Transport,
    admin: Transport,
    language: Option<String>,
}

impl fmt::Debug for Nudj {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Nudj")
            .field("transport", &self.transport)
            .field("admin_base_url", &self.admin.base_url().as_str())
            .field("language", &self.language)
            .finish()
    }
}

impl Nudj {
    /// A client of `https://{subdomain}.nudj.cx/api/v2/integration` sending `x-api-token`.
    ///
    /// Fails with [`Error::Config`] when the subdomain or the token is not acceptable.
    pub fn new(subdomain: impl Into<String>, api_token: impl Into<SecretString>) -> Result<Self> {
        Nudj::builder()
            .subdomain(subdomain)
            .api_token(api_token)
            .build()
    }

    /// A builder for other settings: custom domain, bearer token, language, timeouts, retries.
    ///
    /// ```
    /// use questkit_nudj::Nudj;
    ///
    /// let nudj = Nudj::builder()
    ///     .base_url("http://127.0.0.1:8080/api/v2/integration")
    ///     .bearer_token("token")
    ///     .language("fr")
    ///     .max_retries(1)
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(nudj.admin_base_url(), "http://127.0.0.1:8080/api/v2/admin/");
    /// ```
    pub fn builder() -> NudjBuilder {
        NudjBuilder::default()
    }

    /// Achievements and the calling user's progress on them.
    pub fn achievements(&self) -> Achievements<'_> {
        Achievements::new(self)
    }

    /// The reward catalogue.
    pub fn rewards(&self) -> Rewards<'_> {
        Rewards::new(self)
    }

    /// The calling user's rewards, prize-draw entries and streaks.
    pub fn me(&self) -> Me<'_> {
        Me::new(self)
    }

    /// Leaderboard configurations.
    pub fn leaderboards(&self) -> Leaderboards<'_> {
        Leaderboards::new(self)
    }

    /// Custom events (admin API): what makes achievements progress.
    pub fn events(&self) -> Events<'_> {
        Events::new(self)
    }

    /// The language sent in `x-language` by default, if any.
    pub fn language(&self) -> Option<&str> {
        self.language.as_deref()
    }

    /// The transport of the integration API, for calls this crate does not model yet.
    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    /// The transport of the admin API (same host unless configured otherwise).
    pub fn admin_transport(&self) -> &Transport {
        &self.admin
    }

    /// The admin API's base URL.
    pub fn admin_base_url(&self) -> &str {
        self.admin.base_url().as_str()
    }

    /// A GET on the integration API with the default language header.
    pub(crate) fn get<T: DeserializeOwned>(
        &self,
        template: &'static str,
        params: &[&str],
    ) -> questkit_core::Request<T> {
        let request = self.transport.get(template, params);
        match &self.language {
            Some(language) => request.header(LANGUAGE_HEADER, language),
            None => request,
        }
    }
}

/// Settings of a [`Nudj`] client. Setters never fail; [`NudjBuilder::build`] checks them.
#[derive(Clone, Debug)]
#[must_use]
pub struct NudjBuilder {
    transport: TransportBuilder,
    subdomain: Option<String>,
    auth: Option<Credential>,
    admin_auth: Option<Credential>,
    admin_base_url: Option<String>,
    language: Option<String>,
}

#[derive(Clone, Debug)]
enum Credential {
    ApiToken(SecretString),
    Bearer(SecretString),
    Conflict,
}

impl Credential {
    fn set(slot: &mut Option<Credential>, new: Credential) {
        *slot = match slot {
            None => Some(new),
            Some(_) => Some(Credential::Conflict),
        };
    }

    fn to_auth(&self, what: &str) -> Result<Auth> {
        match self {
            Credential::ApiToken(token) => Ok(Auth::header(API_TOKEN_HEADER, token.clone())),
            Credential::Bearer(token) => Ok(Auth::bearer(token.clone())),
            Credential::Conflict => Err(Error::config(format!(
                "nudj: set one {what} credential: an API token or a bearer token, not both"
            ))),
        }
    }
}

impl Default for NudjBuilder {
    fn default() -> Self {
        NudjBuilder {
            transport: Transport::builder("nudj"),
            subdomain: None,
            auth: None,
            admin_auth: None,
            admin_base_url: None,
            language: None,
        }
    }
}

impl NudjBuilder {
    /// Your organisation's subdomain: `acme` for `https://acme.nudj.cx`. A base URL set with
    /// [`NudjBuilder::base_url`] takes precedence.
    pub fn subdomain(mut self, subdomain: impl Into<String>) -> Self {
        self.subdomain = Some(subdomain.into());
        self
    }

    /// Authenticates with the `x-api-token` header (long-lived integration token).
    pub fn api_token(mut self, token: impl Into<SecretString>) -> Self {
        Credential::set(&mut self.auth, Credential::ApiToken(token.into()));
        self
    }

    /// Authenticates with `Authorization: Bearer <token>` (RBAC-scoped, revocable tokens).
    pub fn bearer_token(mut self, token: impl Into<SecretString>) -> Self {
        Credential::set(&mut self.auth, Credential::Bearer(token.into()));
        self
    }

    /// Sends `x-language` on every call (each call can override it with `.language(..)`).
    /// Without it Nudj answers in the organisation's default language.
    pub fn language(mut self, language: impl Into<String>) -> Self {
        self.language = Some(language.into());
        self
    }

    /// The admin API's base URL, for the custom-event call. By default it is derived from the
    /// integration base URL: a final `integration` segment becomes `admin`, otherwise
    /// `/api/v2/admin` on the same origin.
    pub fn admin_base_url(mut self, url: impl Into<String>) -> Self {
        self.admin_base_url = Some(url.into());
        self
    }

    /// A separate `x-api-token` for the admin API (by default the integration credential is
    /// used).
    pub fn admin_api_token(mut self, token: impl Into<SecretString>) -> Self {
        Credential::set(&mut self.admin_auth, Credential::ApiToken(token.into()));
        self
    }

    /// A separate bearer token for the admin API.
    pub fn admin_bearer_token(mut self, token: impl Into<SecretString>) -> Self {
        Credential::set(&mut self.admin_auth, Credential::Bearer(token.into()));
        self
    }

    questkit_core::transport_setters!(transport);

    /// Checks the settings and builds the client.
    ///
    /// Needs a subdomain or a base URL, and exactly one credential.
    pub fn build(self) -> Result<Nudj> {
        let auth = self
            .auth
            .as_ref()
            .ok_or_else(|| Error::config("nudj: no API token or bearer token configured"))?
            .to_auth("")?;
        let mut builder = self.transport;
        if !builder.has_base_url() {
            let subdomain = self
                .subdomain
                .as_deref()
                .ok_or_else(|| Error::config("nudj: set a subdomain or a base URL"))?;
            builder = builder.base_url(subdomain_url(subdomain)?);
        }
        if let Some(language) = &self.language {
            check_language(language)?;
        }
        let builder = builder
            .header("Accept", "application/json")
            .error_parser(parse_error_body);
        let transport = builder.clone().auth(auth).build()?;
        let admin_url = match &self.admin_base_url {
            Some(url) => url.clone(),
            None => derive_admin_url(transport.base_url()),
        };
        let admin = match &self.admin_auth {
            None => transport.with_base_url(&admin_url)?,
            Some(credential) => {
                transport.with_base_url_and_auth(&admin_url, credential.to_auth("admin")?)?
            }
        };
        Ok(Nudj {
            transport,
            admin,
            language: self.language,
        })
    }
}

/// `https://{subdomain}.nudj.cx/api/v2/integration`, after checking the subdomain is a host
/// name fragment (letters, digits, `-`, inner dots).
fn subdomain_url(subdomain: &str) -> Result<String> {
    let s = subdomain.trim();
    let valid = !s.is_empty()
        && s.len() <= 200
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        && !s.starts_with(['.', '-'])
        && !s.ends_with(['.', '-'])
        && !s.contains("..");
    if !valid {
        return Err(Error::config(format!(
            "nudj: `{subdomain}` is not a valid subdomain (expected e.g. `acme` for acme.nudj.cx)"
        )));
    }
    Ok(format!(
        "https://{}.nudj.cx{INTEGRATION_PATH}",
        s.to_ascii_lowercase()
    ))
}

fn check_language(language: &str) -> Result<()> {
    if language.is_empty() || !language.chars().all(|c| c.is_ascii_graphic()) {
        return Err(Error::config(format!(
            "nudj: `{language}` is not a valid language tag"
        )));
    }
    Ok(())
}

/// The admin base URL next to an integration base URL.
fn derive_admin_url(integration: &url::Url) -> String {
    let path = integration.path().trim_end_matches('/');
    let origin = integration.origin().ascii_serialization();
    match path.strip_suffix("/integration") {
        Some(parent) => format!("{origin}{parent}/admin"),
        None => format!("{origin}{ADMIN_PATH}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_validates() {
        let err = |b: NudjBuilder| matches!(b.build(), Err(Error::Config(_)));
        assert!(err(Nudj::builder().subdomain("acme")));
        assert!(err(Nudj::builder().api_token("t")));
        assert!(err(Nudj::builder().subdomain("acme").api_token("")));
        assert!(err(Nudj::builder()
            .subdomain("acme")
            .api_token("t")
            .bearer_token("b")));
        assert!(err(Nudj::builder()
            .subdomain("acme")
            .api_token("t")
            .admin_api_token("a")
            .admin_bearer_token("b")));
        for bad in [
            "",
            "evil.com/x#",
            "a b",
            "-acme",
            "acme.",
            "a..b",
            "acme:80",
        ] {
            assert!(err(Nudj::builder().subdomain(bad).api_token("t")), "{bad}");
        }
        assert!(err(Nudj::builder()
            .subdomain("acme")
            .api_token("t")
            .language("f r")));
        assert!(err(Nudj::builder()
            .base_url("http://acme.example/api/v2/integration")
            .api_token("t")));
    }

    #[test]
    fn urls() {
        let nudj = Nudj::new("Acme", "secret-token").unwrap();
        assert_eq!(
            nudj.transport().base_url().as_str(),
            "https://acme.nudj.cx/api/v2/integration/"
        );
        assert_eq!(nudj.admin_base_url(), "https://acme.nudj.cx/api/v2/admin/");
        let custom = Nudj::builder()
            .base_url("https://rewards.example.com/nudj/api/v2/integration/")
            .api_token("t")
            .build()
            .unwrap();
        assert_eq!(
            custom.admin_base_url(),
            "https://rewards.example.com/nudj/api/v2/admin/"
        );
        let proxy = Nudj::builder()
            .base_url("https://proxy.example/nudj")
            .api_token("t")
            .build()
            .unwrap();
        assert_eq!(
            proxy.admin_base_url(),
            "https://proxy.example/api/v2/admin/"
        );
        let explicit = Nudj::builder()
            .subdomain("acme")
            .api_token("t")
            .admin_base_url("https://admin.example/api/v2/admin")
            .admin_bearer_token("admin-secret")
            .build()
            .unwrap();
        assert_eq!(
            explicit.admin_base_url(),
            "https://admin.example/api/v2/admin/"
        );
    }

    /// `.ci/tls.sh` runs this with `--no-default-features` (no TLS backend): a client on a
    /// loopback `http` base URL builds and works, its derived admin API included.
    #[tokio::test]
    async fn loopback_http_without_tls() {
        use questkit_mock::nudj::{DEMO_ACHIEVEMENT_ID, DEMO_API_TOKEN, NudjMock};

        if questkit_core::transport::TLS_BACKEND.is_none() {
            assert!(
                matches!(Nudj::new("acme", "t"), Err(Error::Config(_))),
                "without TLS an https base URL is refused"
            );
        }
        let mock = NudjMock::start().await;
        let nudj = Nudj::builder()
            .base_url(mock.uri())
            .api_token(DEMO_API_TOKEN)
            .build()
            .unwrap();
        assert_eq!(nudj.admin_base_url(), format!("{}/", mock.admin_uri()));
        let achievement = nudj.achievements().get(DEMO_ACHIEVEMENT_ID).await.unwrap();
        assert_eq!(achievement.id.to_string(), DEMO_ACHIEVEMENT_ID);
        let event = crate::CustomEvent::new("purchase", "customer-8812")
            .attribute("amount", 25)
            .community_id("64f1c2a9e4b0a1d2c3e4f5b1");
        let receipt = nudj.events().custom(event).await.unwrap();
        assert_eq!(receipt.name.as_deref(), Some("purchase"));
    }

    #[test]
    fn debug_hides_tokens() {
        let nudj = Nudj::builder()
            .subdomain("acme")
            .api_token("tok_visible_nowhere")
            .admin_bearer_token("adm_visible_nowhere")
            .build()
            .unwrap();
        let builder = Nudj::builder().api_token("tok_visible_nowhere");
        let shown = format!("{nudj:?} {builder:?}");
        assert!(!shown.contains("visible_nowhere"), "{shown}");
        assert!(shown.contains("x-api-token"), "{shown}");
    }
}
