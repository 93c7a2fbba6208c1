//! The Goals client and its builder.

use std::fmt;
use std::sync::Arc;

use questkit_core::{Auth, Error, Result, SecretString, Transport, TransportBuilder};

use crate::error::parse_error_body;
use crate::profiles::Profiles;
use crate::signature::{Signature, Signer};
use crate::token::{Credentials, EpixelTokens, RefreshPath};
use crate::user::User;

/// A client of one Epixel MLM deployment's "Profiles - Goals" API.
///
/// Cheap to clone (the connection pool, credentials and tokens are shared). Build it with
/// [`Goals::builder`]; there is no default host, since every Epixel customer runs its own.
///
/// ```no_run
/// use questkit_goals::Goals;
///
/// # async fn run() -> questkit_core::Result<()> {
/// let goals = Goals::builder()
///     .base_url("https://mlm.example.com/api/v1/")
///     .api_key(std::env::var("EPIXEL_API_KEY").unwrap_or_default())
///     .login("distributor-42", "s3cret")
///     .signature(std::env::var("EPIXEL_API_SIGNATURE").unwrap_or_default())
///     .build()?;
/// let overview = goals.profiles().overview().await?;
/// for (key, goal) in &overview.user_goals {
///     println!("{key}: {:?} of {:?}", goal.current, goal.maximum);
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Goals {
    transport: Transport,
}

impl Goals {
    /// Starts configuring a client.
    pub fn builder() -> GoalsBuilder {
        GoalsBuilder::default()
    }

    /// The goal profiles resource: the goals overview and the goals leaderboard.
    pub fn profiles(&self) -> Profiles<'_> {
        Profiles::new(self)
    }

    /// The user resource: an explicit login.
    pub fn user(&self) -> User<'_> {
        User::new(self)
    }

    /// The underlying transport (base URL, retry policy), for advanced use.
    pub fn transport(&self) -> &Transport {
        &self.transport
    }
}

/// Settings of a [`Goals`] client. Setters never fail; [`GoalsBuilder::build`] checks them.
///
/// Required: a base URL, an API key, a way to get an access token (`access_token` and/or
/// `login`) and a signature (`signature`, `signer`, or an explicit `without_signature`).
#[must_use]
pub struct GoalsBuilder {
    transport: TransportBuilder,
    api_key: Option<SecretString>,
    access_token: Option<SecretString>,
    refresh_token: Option<SecretString>,
    credentials: Option<Credentials>,
    refresh_path: Option<String>,
    signature: Signature,
}

impl Default for GoalsBuilder {
    fn default() -> Self {
        GoalsBuilder {
            transport: Transport::builder("goals"),
            api_key: None,
            access_token: None,
            refresh_token: None,
            credentials: None,
            refresh_path: None,
            signature: Signature::Missing,
        }
    }
}

impl fmt::Debug for GoalsBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GoalsBuilder")
            .field("transport", &self.transport)
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field(
                "access_token",
                &self.access_token.as_ref().map(|_| "[redacted]"),
            )
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[redacted]"),
            )
            .field("credentials", &self.credentials)
            .field("refresh_path", &self.refresh_path)
            .field("signature", &self.signature)
            .finish()
    }
}

impl GoalsBuilder {
    questkit_core::transport_setters!(transport);

    /// The application's API key, sent as the `apikey` header on every request.
    pub fn api_key(mut self, key: impl Into<SecretString>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// An access token (JWT) obtained elsewhere, sent as `Authorization: Bearer <token>`.
    ///
    /// Alone, it is used until the server refuses it. With [`GoalsBuilder::login`] as well, it
    /// is used first and the client logs in when it is refused.
    pub fn access_token(mut self, token: impl Into<SecretString>) -> Self {
        self.access_token = Some(token.into());
        self
    }

    /// A refresh token obtained elsewhere, for [`GoalsBuilder::refresh_path`].
    pub fn refresh_token(mut self, token: impl Into<SecretString>) -> Self {
        self.refresh_token = Some(token.into());
        self
    }

    /// Logs in with `POST user/login/` (on first use, and again after a 401), keeping the
    /// tokens the server returns.
    pub fn login(mut self, username: impl Into<String>, password: impl Into<SecretString>) -> Self {
        self.credentials = Some(Credentials {
            username: username.into(),
            password: password.into(),
        });
        self
    }

    /// The token refresh endpoint, relative to the base URL (for example
    /// `user/token/refresh/`).
    ///
    /// Epixel does not document this path, so there is no default: without it, a refused token
    /// is replaced by logging in again. With it, the client first POSTs `{"refresh": <token>}`
    /// there and reads `{access}` (or `{access, refresh}`), and falls back to logging in when
    /// that fails and credentials are set.
    pub fn refresh_path(mut self, path: impl Into<String>) -> Self {
        self.refresh_path = Some(path.into());
        self
    }

    /// A fixed `api-signature` header value, sent on the goal endpoints.
    ///
    /// Use it when the deployment's operator gave you a static signature. If the signature
    /// depends on the request, use [`GoalsBuilder::signer`].
    pub fn signature(mut self, value: impl Into<SecretString>) -> Self {
        self.signature = Signature::Fixed(value.into());
        self
    }

    /// Computes the `api-signature` header per request (see [`Signer`]).
    pub fn signer(mut self, signer: impl Signer) -> Self {
        self.signature = Signature::Signer(Arc::new(signer));
        self
    }

    /// The same with a shared signer.
    pub fn shared_signer(mut self, signer: Arc<dyn Signer>) -> Self {
        self.signature = Signature::Signer(signer);
        self
    }

    /// Sends no `api-signature` header, for deployments that do not require one.
    pub fn without_signature(mut self) -> Self {
        self.signature = Signature::Disabled;
        self
    }

    /// Checks every setting and builds the client.
    pub fn build(self) -> Result<Goals> {
        if !self.transport.has_base_url() {
            return Err(Error::config(
                "goals: no base URL; Epixel runs on each customer's domain, so set \
                 .base_url(\"https://<domain>/<api prefix>/<version>/\")",
            ));
        }
        let api_key = self
            .api_key
            .ok_or_else(|| Error::config("goals: no API key; set .api_key(..)"))?;
        if let Signature::Missing = self.signature {
            return Err(Error::config(
                "goals: no api-signature; set .signature(..) or .signer(..), \
                 or .without_signature() if the deployment does not check it",
            ));
        }
        if let Signature::Fixed(value) = &self.signature {
            if value.is_empty() {
                return Err(Error::config("goals: the api-signature is empty"));
            }
        }
        let refresh_path = self
            .refresh_path
            .as_deref()
            .map(RefreshPath::parse)
            .transpose()?;
        let bearer = match (&self.credentials, &self.access_token) {
            (None, None) => {
                return Err(Error::config(
                    "goals: no access token; set .login(username, password) or .access_token(..)",
                ));
            }
            (Some(credentials), _) if credentials.username.trim().is_empty() => {
                return Err(Error::config("goals: the login username is empty"));
            }
            (Some(credentials), _) if credentials.password.is_empty() => {
                return Err(Error::config("goals: the login password is empty"));
            }
            (None, Some(token)) if refresh_path.is_none() || self.refresh_token.is_none() => {
                if refresh_path.is_some() {
                    return Err(Error::config(
                        "goals: a refresh path needs a refresh token (.refresh_token(..)) or a login",
                    ));
                }
                // A fixed token: nothing to renew it with, so a 401 is returned as is.
                Auth::bearer(token.clone())
            }
            _ => {
                if let Some(token) = &self.access_token {
                    if token.is_empty() {
                        return Err(Error::config("goals: the access token is empty"));
                    }
                }
                Auth::token_source(EpixelTokens::new(
                    self.credentials,
                    refresh_path,
                    self.access_token,
                    self.refresh_token,
                ))
            }
        };
        let mut transport = self.transport;
        if let Some(signer) = self.signature.into_request_signer()? {
            // The goal endpoints are signed; the login and refresh calls opt out.
            transport = transport.signer(signer);
        }
        let transport = transport
            .auth(Auth::header("apikey", api_key).and(bearer))
            .error_parser(parse_error_body)
            .header("Accept", "application/json")
            .build()?;
        Ok(Goals { transport })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `.ci/tls.sh` runs this with `--no-default-features` (no TLS backend): a client on a
    /// loopback `http` base URL builds, logs in and works.
    #[tokio::test]
    async fn loopback_http_without_tls() {
        use questkit_mock::goals::{
            DEMO_API_KEY, DEMO_API_SIGNATURE, DEMO_PASSWORD, DEMO_USERNAME, GoalsMock,
        };

        if questkit_core::transport::TLS_BACKEND.is_none() {
            let https = Goals::builder()
                .base_url("https://mlm.example.com/api/v1/")
                .api_key("k")
                .access_token("t")
                .without_signature()
                .build();
            assert!(
                matches!(https, Err(Error::Config(_))),
                "without TLS an https base URL is refused"
            );
        }
        let mock = GoalsMock::start().await;
        let goals = Goals::builder()
            .base_url(mock.uri())
            .api_key(DEMO_API_KEY)
            .login(DEMO_USERNAME, DEMO_PASSWORD)
            .signature(DEMO_API_SIGNATURE)
            .build()
            .unwrap();
        let overview = goals.profiles().overview().await.unwrap();
        assert!(!overview.user_goals.is_empty());
        assert_eq!(mock.login_count(), 1);
    }
}
