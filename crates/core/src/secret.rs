//! Secret values (API keys, tokens, passwords) that never print.

use std::fmt;
use std::sync::Arc;

/// A secret string: an API key, a token, a password.
///
/// `Debug` and `Display` print `[redacted]`, so a secret cannot leak through logs, errors or
/// `{:?}` of a client. Cloning is cheap (the value is shared). Read it with
/// [`SecretString::expose`] only where it is put on the wire.
///
/// ```
/// use questkit_core::SecretString;
///
/// let key = SecretString::new("sk_live_123");
/// assert_eq!(format!("{key:?} {key}"), "[redacted] [redacted]");
/// assert_eq!(key.expose(), "sk_live_123");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(Arc<str>);

impl SecretString {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        SecretString(Arc::from(value.into()))
    }

    /// The secret itself. Call this only to put it on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is empty (an empty key is a configuration error).
    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        SecretString::new(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        SecretString::new(value)
    }
}

impl From<&String> for SecretString {
    fn from(value: &String) -> Self {
        SecretString::new(value.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints() {
        let s = SecretString::from("hunter2");
        assert!(!format!("{s:?}").contains("hunter2"));
        assert!(!format!("{s}").contains("hunter2"));
        assert!(!format!("{:#?}", Some(s.clone())).contains("hunter2"));
        assert!(SecretString::new("  ").is_empty());
    }
}
