//! Login tokens and the token service's error body.
//!
//! Epixel's login (`POST user/login/`) answers with a bare `{refresh, access}` pair of JWTs, not
//! the usual envelope, and refuses with a bare `{detail, code}` body.
// Token responses and auth error bodies come from the network: no indexing, no unchecked arithmetic.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use serde::{Deserialize, Serialize};
use std::fmt;

/// The tokens a login (or a refresh) returns.
///
/// `Debug` never prints the tokens. A refresh may return only a new access token, so
/// `refresh` is optional.
///
/// ```
/// use questkit_goals::LoginTokens;
///
/// let tokens: LoginTokens = serde_json::from_str(r#"{"refresh": "r.r.r", "access": "a.a.a"}"#).unwrap();
/// assert_eq!(tokens.access(), "a.a.a");
/// assert_eq!(tokens.refresh(), Some("r.r.r"));
/// assert!(!format!("{tokens:?}").contains("a.a.a"));
/// ```
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LoginTokens {
    /// The refresh token (absent in a refresh response without rotation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh: Option<String>,
    /// The access token, sent as `Authorization: Bearer <access>`.
    access: String,
}

impl LoginTokens {
    /// Tokens from their values (useful in tests and for callers that log in elsewhere).
    pub fn new(access: impl Into<String>, refresh: Option<String>) -> Self {
        LoginTokens {
            refresh,
            access: access.into(),
        }
    }

    /// The access token. Put it on the wire only.
    pub fn access(&self) -> &str {
        &self.access
    }

    /// The refresh token, when the server sent one. Put it on the wire only.
    pub fn refresh(&self) -> Option<&str> {
        self.refresh.as_deref()
    }
}

impl fmt::Debug for LoginTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginTokens")
            .field("refresh", &self.refresh.as_ref().map(|_| "[redacted]"))
            .field("access", &"[redacted]")
            .finish()
    }
}

/// The body of a refused login or an invalid token: `{detail, code}`, sometimes with `messages`.
///
/// The shape is that of the JWT library Epixel appears to use (inferred, not documented); every
/// field is optional so that other shapes still read.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AuthErrorBody {
    /// Human-readable reason, e.g. "No active account found with the given credentials".
    #[serde(default)]
    pub detail: Option<String>,
    /// Machine-readable reason, e.g. `no_active_account` or `token_not_valid`.
    #[serde(default)]
    pub code: Option<String>,
    /// Per-token details, present when a token was rejected.
    #[serde(
        default,
        deserialize_with = "questkit_core::serde_helpers::null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub messages: Vec<TokenMessage>,
}

/// One rejected token in an [`AuthErrorBody`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TokenMessage {
    /// The token class, e.g. `AccessToken`.
    #[serde(default)]
    pub token_class: Option<String>,
    /// The token type, e.g. `access`.
    #[serde(default)]
    pub token_type: Option<String>,
    /// Why the token was rejected, e.g. "Token is invalid or expired".
    #[serde(default)]
    pub message: Option<String>,
}
