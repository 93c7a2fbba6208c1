//! The bearer token source: logs in with `POST user/login/`, refreshes after a 401.

use std::fmt;

use futures::future::BoxFuture;
use questkit_core::reqwest::Method;
use questkit_core::{Error, Result, SecretString, TokenSource, Transport};
use serde::Serialize;
use tokio::sync::Mutex;

use crate::auth::LoginTokens;
use crate::error::decode_tokens;

/// The login path, relative to the base URL.
pub(crate) const LOGIN_PATH: &str = "user/login/";

/// A username and password for `POST user/login/`.
#[derive(Clone)]
pub(crate) struct Credentials {
    pub(crate) username: String,
    pub(crate) password: SecretString,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"[redacted]")
            .finish()
    }
}

#[derive(Serialize)]
struct LoginBody<'a> {
    username: &'a str,
    password: &'a str,
}

#[derive(Serialize)]
struct RefreshBody<'a> {
    refresh: &'a str,
}

/// Sends the login call and returns the tokens (shared by the token source and
/// `user().login(..)`).
///
/// Sensitive: it carries the password and returns tokens, so its errors keep no body and it
/// never follows a redirect to another origin.
pub(crate) fn login_request(
    transport: &Transport,
    username: &str,
    password: &SecretString,
) -> questkit_core::Request<LoginTokens> {
    transport
        .post::<LoginTokens>(LOGIN_PATH, &[])
        .operation("user.login")
        .sensitive()
        .json(&LoginBody {
            username,
            password: password.expose(),
        })
        .without_token_source()
        .without_signer()
        .decoder(decode_tokens)
}

/// The configured refresh path, checked once when the client is built.
#[derive(Clone, Debug)]
pub(crate) struct RefreshPath(String);

impl RefreshPath {
    /// Checks a path relative to the base URL (`user/token/refresh/`).
    pub(crate) fn parse(raw: &str) -> Result<Self> {
        questkit_core::path::relative(raw).map_err(|_| {
            Error::config(format!(
                "refresh path `{raw}` must be a plain relative path"
            ))
        })?;
        Ok(RefreshPath(raw.to_owned()))
    }

    /// The refresh call: sensitive, like the login (it carries and returns tokens).
    fn request(
        &self,
        transport: &Transport,
        refresh: &SecretString,
    ) -> questkit_core::Request<LoginTokens> {
        transport
            .request_path::<LoginTokens>(Method::POST, &self.0)
            .operation("user.refresh")
            .sensitive()
            .json(&RefreshBody {
                refresh: refresh.expose(),
            })
            .without_token_source()
            .without_signer()
            .decoder(decode_tokens)
    }
}

#[derive(Default)]
struct State {
    access: Option<SecretString>,
    refresh: Option<SecretString>,
}

/// Epixel's JWT pair, kept for the client's lifetime.
pub(crate) struct EpixelTokens {
    credentials: Option<Credentials>,
    refresh_path: Option<RefreshPath>,
    state: Mutex<State>,
}

impl EpixelTokens {
    pub(crate) fn new(
        credentials: Option<Credentials>,
        refresh_path: Option<RefreshPath>,
        access: Option<SecretString>,
        refresh: Option<SecretString>,
    ) -> Self {
        EpixelTokens {
            credentials,
            refresh_path,
            state: Mutex::new(State { access, refresh }),
        }
    }

    async fn login(&self, transport: &Transport, state: &mut State) -> Result<SecretString> {
        let Some(credentials) = &self.credentials else {
            return Err(Error::config(
                "no access token and no login credentials: call .login(..) or .access_token(..)",
            ));
        };
        let tokens = login_request(transport, &credentials.username, &credentials.password).await?;
        Ok(store(state, tokens))
    }
}

fn store(state: &mut State, tokens: LoginTokens) -> SecretString {
    let access = SecretString::new(tokens.access());
    state.access = Some(access.clone());
    if let Some(refresh) = tokens.refresh() {
        state.refresh = Some(SecretString::new(refresh));
    }
    access
}

impl TokenSource for EpixelTokens {
    fn token<'a>(&'a self, transport: &'a Transport) -> BoxFuture<'a, Result<SecretString>> {
        Box::pin(async move {
            let mut state = self.state.lock().await;
            if let Some(access) = &state.access {
                return Ok(access.clone());
            }
            self.login(transport, &mut state).await
        })
    }

    fn refresh<'a>(
        &'a self,
        transport: &'a Transport,
        rejected: &'a SecretString,
    ) -> BoxFuture<'a, Result<SecretString>> {
        Box::pin(async move {
            let mut state = self.state.lock().await;
            if let Some(current) = &state.access {
                if current.expose() != rejected.expose() {
                    // Another call already replaced the refused token.
                    return Ok(current.clone());
                }
            }
            state.access = None;
            if let (Some(path), Some(refresh)) = (&self.refresh_path, state.refresh.clone()) {
                match path.request(transport, &refresh).await {
                    Ok(tokens) => return Ok(store(&mut state, tokens)),
                    // Without credentials there is nothing else to try.
                    Err(err) if self.credentials.is_none() => return Err(err),
                    Err(_) => {}
                }
            }
            self.login(transport, &mut state).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_paths() {
        for good in ["/user/token/refresh/", "auth/refresh", "a/b/c/d/e/f/g/"] {
            assert!(RefreshPath::parse(good).is_ok(), "{good}");
        }
        for bad in ["", "/", "a/../b", "a/b?x=1", "a//b"] {
            assert!(RefreshPath::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn credentials_debug_hides_the_password() {
        let c = Credentials {
            username: "ann".into(),
            password: SecretString::new("hunter2"),
        };
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
