//! Trophy's error body.

// This module reads what the network sends: no indexing or unchecked arithmetic on it.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use serde::{Deserialize, Serialize};

/// The body Trophy sends with 4xx and 5xx responses: `{"error": "..."}` (schema `ErrorBody`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorBody {
    /// The message.
    #[serde(default)]
    pub error: String,
}

impl ErrorBody {
    /// Reads an error body; `None` when the bytes are not Trophy's JSON shape (an HTML page from
    /// a proxy, an empty body, an array: `["User not found"]` is not read by position).
    pub fn parse(bytes: &[u8]) -> Option<ErrorBody> {
        let body: ErrorBody = questkit_core::decode::from_slice(bytes).ok()?;
        (!body.error.trim().is_empty()).then_some(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_only_trophy_shaped_bodies() {
        assert_eq!(
            ErrorBody::parse(br#"{"error":"User not found"}"#).map(|b| b.error),
            Some("User not found".to_owned())
        );
        assert_eq!(ErrorBody::parse(b"<html>502</html>"), None);
        assert_eq!(ErrorBody::parse(b""), None);
        assert_eq!(ErrorBody::parse(br#"{"message":"x"}"#), None);
        assert_eq!(ErrorBody::parse(br#"["User not found"]"#), None);
        assert_eq!(ErrorBody::parse(br#"{"error":"x"} trailing"#), None);
    }
}
