//! The Giftoin client and its builder.

use questkit_core::{Auth, Error, Result, SecretString, Transport, TransportBuilder};

use crate::decode::parse_error_body;
use crate::orders::Orders;
use crate::users::Users;

/// Giftoin's production API: every documented path is under `/api/v1`.
pub const DEFAULT_BASE_URL: &str = "https://api.giftoin.org/api/v1";

/// Which header carries the API key.
///
/// Giftoin documents `x-gft_api_key` and says it also accepts `x-gft-api-key` and `gft-api-key`.
/// The default is [`AuthHeader::Dashed`] (`x-gft-api-key`): header names with an underscore are
/// legal, but common proxies and load balancers drop them silently (nginx does unless
/// `underscores_in_headers` is on), and a dropped key shows up as a confusing
/// "API key missing". Choose [`AuthHeader::Underscore`] to send exactly the documented name.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthHeader {
    /// `x-gft-api-key`: accepted by Giftoin and safe through proxies (the default).
    #[default]
    Dashed,
    /// `x-gft_api_key`: the name the endpoint pages show.
    Underscore,
    /// `gft-api-key`: the short alternative Giftoin accepts.
    Short,
}

impl AuthHeader {
    /// Every header name Giftoin accepts.
    pub const ALL: [AuthHeader; 3] = [
        AuthHeader::Dashed,
        AuthHeader::Underscore,
        AuthHeader::Short,
    ];

    /// The header name as sent.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthHeader::Dashed => "x-gft-api-key",
            AuthHeader::Underscore => "x-gft_api_key",
            AuthHeader::Short => "gft-api-key",
        }
    }
}

/// A client of the Giftoin API: collection-challenge progress and reseller orders.
///
/// Cloning is cheap; clones share the connection pool. Every request sends
/// `Accept: application/json` and the API key (see [`AuthHeader`] for the header used).
///
/// ```no_run
/// use questkit_giftoin::{Giftoin, Platform};
///
/// # async fn run() -> questkit_core::Result<()> {
/// let giftoin = Giftoin::new(std::env::var("GIFTOIN_API_KEY").unwrap_or_default())?;
/// for challenge in giftoin.users().collection_challenges(Platform::Discord, "123456789012345678").await? {
///     println!("{:?}: {} missing", challenge.name, challenge.missing_count());
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Giftoin {
    transport: Transport,
}

impl Giftoin {
    /// A client of the production API with default settings.
    ///
    /// Fails with [`Error::Config`] when the key is empty or cannot be sent in a header.
    pub fn new(api_key: impl Into<SecretString>) -> Result<Self> {
        Giftoin::builder().api_key(api_key).build()
    }

    /// A builder for a client with other settings (base URL, header name, timeouts, retries).
    ///
    /// ```
    /// use std::time::Duration;
    /// use questkit_giftoin::{AuthHeader, Giftoin};
    ///
    /// let giftoin = Giftoin::builder()
    ///     .api_key("gft_test_key")
    ///     .auth_header(AuthHeader::Underscore)
    ///     .base_url("http://127.0.0.1:8080/api/v1")
    ///     .timeout(Duration::from_secs(5))
    ///     .max_retries(1)
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(giftoin.transport().base_url().as_str(), "http://127.0.0.1:8080/api/v1/");
    /// ```
    pub fn builder() -> GiftoinBuilder {
        GiftoinBuilder::default()
    }

    /// Users API: a user's progress in collection challenges.
    pub fn users(&self) -> Users<'_> {
        Users::new(&self.transport)
    }

    /// Orders API: orders for reseller campaigns.
    pub fn orders(&self) -> Orders<'_> {
        Orders::new(&self.transport)
    }

    /// The underlying transport, for calls this crate does not model yet.
    pub fn transport(&self) -> &Transport {
        &self.transport
    }
}

/// Settings of a [`Giftoin`] client. Setters never fail; [`GiftoinBuilder::build`] checks them.
#[derive(Clone, Debug)]
#[must_use]
pub struct GiftoinBuilder {
    transport: TransportBuilder,
    api_key: Option<SecretString>,
    auth_header: AuthHeader,
}

impl Default for GiftoinBuilder {
    fn default() -> Self {
        GiftoinBuilder {
            transport: Transport::builder("giftoin"),
            api_key: None,
            auth_header: AuthHeader::default(),
        }
    }
}

impl GiftoinBuilder {
    /// The API key (required).
    pub fn api_key(mut self, key: impl Into<SecretString>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The header that carries the key (default `x-gft-api-key`; see [`AuthHeader`]).
    pub fn auth_header(mut self, header: AuthHeader) -> Self {
        self.auth_header = header;
        self
    }

    questkit_core::transport_setters!(transport);

    /// Checks the settings and builds the client: a key is required, the base URL defaults to
    /// [`DEFAULT_BASE_URL`].
    pub fn build(self) -> Result<Giftoin> {
        let key = self
            .api_key
            .ok_or_else(|| Error::config("giftoin: no API key configured"))?;
        let mut transport = self.transport;
        if !transport.has_base_url() {
            transport = transport.base_url(DEFAULT_BASE_URL);
        }
        let transport = transport
            .auth(Auth::header(self.auth_header.as_str(), key))
            .header("Accept", "application/json")
            .error_parser(parse_error_body)
            .build()?;
        Ok(Giftoin { transport })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_validates() {
        assert!(matches!(Giftoin::builder().build(), Err(Error::Config(_))));
        assert!(matches!(Giftoin::new(""), Err(Error::Config(_))));
        assert!(matches!(Giftoin::new("a\nb"), Err(Error::Config(_))));
        assert!(matches!(
            Giftoin::builder()
                .api_key("k")
                .base_url("http://api.giftoin.org/api/v1")
                .build(),
            Err(Error::Config(_))
        ));
        let client = Giftoin::new("gft_secret_key").unwrap();
        assert_eq!(
            client.transport().base_url().as_str(),
            "https://api.giftoin.org/api/v1/"
        );
        let shown = format!(
            "{client:?} {:?}",
            Giftoin::builder().api_key("gft_secret_key")
        );
        assert!(!shown.contains("gft_secret_key"), "{shown}");
        assert!(shown.contains("x-gft-api-key"), "{shown}");
    }

    /// `.ci/tls.sh` runs this with `--no-default-features` (no TLS backend): a client on a
    /// loopback `http` base URL builds and works.
    #[tokio::test]
    async fn loopback_http_without_tls() {
        use questkit_mock::giftoin::{DEMO_API_KEY, GiftoinMock, PROGRAM_IDS};

        if questkit_core::transport::TLS_BACKEND.is_none() {
            assert!(
                matches!(Giftoin::new("k"), Err(Error::Config(_))),
                "without TLS the default https base URL is refused"
            );
        }
        let mock = GiftoinMock::start().await;
        let client = Giftoin::builder()
            .api_key(DEMO_API_KEY)
            .base_url(mock.uri())
            .build()
            .unwrap();
        let list = client
            .users()
            .collection_challenges(crate::Platform::Discord, "123456789012345678")
            .await
            .unwrap();
        assert_eq!(list.len(), PROGRAM_IDS.len());
    }

    #[test]
    fn header_names() {
        let names: Vec<_> = AuthHeader::ALL.iter().map(|h| h.as_str()).collect();
        assert_eq!(names, ["x-gft-api-key", "x-gft_api_key", "gft-api-key"]);
        assert_eq!(AuthHeader::default(), AuthHeader::Dashed);
    }
}
