//! Authentication schemes as values: API-key headers, bearer tokens, token sources, and
//! combinations of them.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use futures::future::BoxFuture;
use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};

use crate::error::{Error, Result};
use crate::secret::SecretString;
use crate::transport::Transport;

/// How a client proves who it is. Built once, applied to every request.
///
/// ```
/// use questkit_core::Auth;
///
/// let trophy = Auth::header("X-API-KEY", "sk_123");
/// let epixel = Auth::header("apikey", "app-key").and(Auth::bearer("jwt"));
/// assert!(!format!("{epixel:?}").contains("app-key"));
/// ```
#[derive(Clone, Default)]
pub struct Auth {
    parts: Vec<AuthPart>,
}

#[derive(Clone)]
enum AuthPart {
    Header {
        name: Cow<'static, str>,
        value: SecretString,
    },
    Source(Arc<dyn TokenSource>),
}

impl Auth {
    /// No authentication.
    pub fn none() -> Self {
        Auth::default()
    }

    /// A secret sent in a header of the given name (`X-API-KEY`, `x-api-token`, `apikey`, ...).
    pub fn header(name: impl Into<Cow<'static, str>>, value: impl Into<SecretString>) -> Self {
        Auth {
            parts: vec![AuthPart::Header {
                name: name.into(),
                value: value.into(),
            }],
        }
    }

    /// `Authorization: Bearer <token>`.
    pub fn bearer(token: impl Into<SecretString>) -> Self {
        let token: SecretString = token.into();
        Auth::header(
            "authorization",
            SecretString::new(format!("Bearer {}", token.expose())),
        )
    }

    /// `Authorization: Bearer <token>` with the token asked from `source` on each request, and
    /// refreshed once after a 401.
    pub fn token_source(source: impl TokenSource) -> Self {
        Auth {
            parts: vec![AuthPart::Source(Arc::new(source))],
        }
    }

    /// The same with a shared source.
    pub fn shared_token_source(source: Arc<dyn TokenSource>) -> Self {
        Auth {
            parts: vec![AuthPart::Source(source)],
        }
    }

    /// Both this and `other` (every header of both is sent).
    pub fn and(mut self, other: Auth) -> Self {
        self.parts.extend(other.parts);
        self
    }

    /// Whether no credentials are configured.
    pub fn is_none(&self) -> bool {
        self.parts.is_empty()
    }

    /// Checks the values and turns them into ready-made header values (marked sensitive).
    pub(crate) fn prepare(&self) -> Result<PreparedAuth> {
        let mut headers = Vec::with_capacity(self.parts.len());
        let mut source = None;
        for part in &self.parts {
            match part {
                AuthPart::Header { name, value } => {
                    if value.is_empty() || value.expose().trim() == "Bearer" {
                        return Err(Error::config(format!("the `{name}` credential is empty")));
                    }
                    let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                        Error::config(format!("`{name}` is not a valid header name"))
                    })?;
                    let mut value = HeaderValue::from_str(value.expose()).map_err(|_| {
                        Error::config(format!(
                            "the `{name}` credential holds characters a header cannot carry"
                        ))
                    })?;
                    value.set_sensitive(true);
                    headers.push((name, value));
                }
                AuthPart::Source(s) => {
                    if source.is_some() {
                        return Err(Error::config("only one token source can be configured"));
                    }
                    source = Some(s.clone());
                }
            }
        }
        Ok(PreparedAuth { headers, source })
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for part in &self.parts {
            match part {
                AuthPart::Header { name, .. } => list.entry(&format_args!("{name}: [redacted]")),
                AuthPart::Source(_) => list.entry(&format_args!("token source")),
            };
        }
        list.finish()
    }
}

/// Auth ready for the wire: header values built once per client, not per call.
#[derive(Clone, Default)]
pub(crate) struct PreparedAuth {
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) source: Option<Arc<dyn TokenSource>>,
}

impl PreparedAuth {
    /// The names of every header that carries a credential (stripped on a cross-origin redirect).
    pub(crate) fn is_credential(&self, name: &HeaderName) -> bool {
        *name == AUTHORIZATION || self.headers.iter().any(|(n, _)| n == name)
    }
}

/// A source of bearer tokens that can log in and refresh (Epixel's JWT login, OAuth, ...).
///
/// The transport asks [`TokenSource::token`] before each request that uses it and, when the
/// server answers 401, calls [`TokenSource::refresh`] once with the token that was refused, then
/// retries the request with the new token. Implementations should make concurrent refreshes
/// cheap: if the current token is already newer than `rejected`, return it without logging in
/// again. Requests the source makes itself (a login call) should use
/// [`crate::Request::without_token_source`] so that they do not ask the source in turn.
pub trait TokenSource: Send + Sync + 'static {
    /// The token to send now (logging in first if there is none yet).
    fn token<'a>(&'a self, transport: &'a Transport) -> BoxFuture<'a, Result<SecretString>>;

    /// A new token after the server refused `rejected`.
    fn refresh<'a>(
        &'a self,
        transport: &'a Transport,
        rejected: &'a SecretString,
    ) -> BoxFuture<'a, Result<SecretString>>;
}

/// Formats a token as the `Authorization` header value, marked sensitive.
pub(crate) fn bearer_header(token: &SecretString) -> Result<HeaderValue> {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
        .map_err(|_| Error::config("the token holds characters a header cannot carry"))?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prepared_header_values_are_sensitive() {
        let auth = Auth::header("apikey", "k1")
            .and(Auth::bearer("t1"))
            .and(Auth::header("api-signature", "s1"));
        let prepared = auth.prepare().unwrap();
        assert_eq!(prepared.headers.len(), 3);
        assert!(prepared.headers.iter().all(|(_, v)| v.is_sensitive()));
        assert_eq!(prepared.headers[1].1, "Bearer t1");
        assert!(prepared.is_credential(&HeaderName::from_static("apikey")));
        assert!(prepared.is_credential(&AUTHORIZATION));
        assert!(!prepared.is_credential(&HeaderName::from_static("accept")));
        assert!(
            bearer_header(&SecretString::new("x"))
                .unwrap()
                .is_sensitive()
        );
        assert!(Auth::none().is_none());
        let debug = format!("{auth:?}");
        assert!(
            !debug.contains("k1") && !debug.contains("t1") && !debug.contains("s1"),
            "{debug}"
        );
    }
}
