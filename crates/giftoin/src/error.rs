//! Giftoin's error body and numeric error codes.
// Error bodies come from the network: no indexing, no unchecked arithmetic.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

use crate::envelope::ResponseStatus;

/// A Giftoin error code (`status.errorCode`), kept as the number the server sent.
///
/// The documented codes have constants; any other number (including an HTTP status, which
/// Giftoin also uses as a code) is still representable, so new codes never break a client.
///
/// ```
/// use questkit_giftoin::ErrorCode;
///
/// assert_eq!(ErrorCode::from(5250), ErrorCode::CAMPAIGN_NOT_FOUND);
/// assert_eq!(ErrorCode::CAMPAIGN_NOT_FOUND.name(), Some("CAMPAIGN_NOT_FOUND"));
/// assert_eq!(ErrorCode(429).name(), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ErrorCode(pub i64);

impl ErrorCode {
    /// 1001: the API key is invalid (sent with HTTP 400, not 401).
    pub const API_KEY_INVALID: ErrorCode = ErrorCode(1001);
    /// 1002: no API key header was sent (HTTP 401).
    pub const API_KEY_MISSING: ErrorCode = ErrorCode(1002);
    /// 5250: the campaign does not exist (HTTP 404).
    pub const CAMPAIGN_NOT_FOUND: ErrorCode = ErrorCode(5250);
    /// 5252: the campaign order does not exist (HTTP 404).
    pub const CAMPAIGN_ORDER_NOT_FOUND: ErrorCode = ErrorCode(5252);

    /// Every documented code, for lookups and tests.
    pub const KNOWN: &'static [ErrorCode] = &[
        ErrorCode::API_KEY_INVALID,
        ErrorCode::API_KEY_MISSING,
        ErrorCode::CAMPAIGN_NOT_FOUND,
        ErrorCode::CAMPAIGN_ORDER_NOT_FOUND,
    ];

    /// The code as a number.
    pub fn as_i64(self) -> i64 {
        self.0
    }

    /// Giftoin's name for a documented code, `None` for any other number.
    pub fn name(self) -> Option<&'static str> {
        match self {
            ErrorCode::API_KEY_INVALID => Some("API_KEY_INVALID"),
            ErrorCode::API_KEY_MISSING => Some("API_KEY_MISSING"),
            ErrorCode::CAMPAIGN_NOT_FOUND => Some("CAMPAIGN_NOT_FOUND"),
            ErrorCode::CAMPAIGN_ORDER_NOT_FOUND => Some("CAMPAIGN_ORDER_NOT_FOUND"),
            _ => None,
        }
    }

    /// The HTTP status Giftoin documents for this code: 400 for 1001, 401 for 1002, 404 for
    /// 5250 and 5252, the code itself when it is an HTTP error status (400 to 599), otherwise
    /// `None`.
    pub fn http_status(self) -> Option<u16> {
        match self {
            ErrorCode::API_KEY_INVALID => Some(400),
            ErrorCode::API_KEY_MISSING => Some(401),
            ErrorCode::CAMPAIGN_NOT_FOUND | ErrorCode::CAMPAIGN_ORDER_NOT_FOUND => Some(404),
            ErrorCode(code @ 400..=599) => u16::try_from(code).ok(),
            _ => None,
        }
    }

    /// Whether the code reports an error: anything but 0 and the 2xx statuses.
    pub fn is_error(self) -> bool {
        !(self.0 == 0 || (200..300).contains(&self.0))
    }

    /// Whether the code says the API key is missing or invalid.
    pub fn is_auth_error(self) -> bool {
        matches!(
            self,
            ErrorCode::API_KEY_INVALID | ErrorCode::API_KEY_MISSING
        )
    }
}

impl From<i64> for ErrorCode {
    fn from(code: i64) -> Self {
        ErrorCode(code)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.0)
    }
}

struct CodeVisitor;

impl Visitor<'_> for CodeVisitor {
    type Value = ErrorCode;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer error code or a string holding one")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<ErrorCode, E> {
        Ok(ErrorCode(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<ErrorCode, E> {
        i64::try_from(v)
            .map(ErrorCode)
            .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<ErrorCode, E> {
        if v.fract() == 0.0 && v.abs() < 9.0e15 {
            Ok(ErrorCode(v as i64))
        } else {
            Err(E::invalid_value(de::Unexpected::Float(v), &self))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<ErrorCode, E> {
        v.trim()
            .parse::<i64>()
            .map(ErrorCode)
            .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(CodeVisitor)
    }
}

/// The body Giftoin sends with an error status: `{"status": {timestamp, errorCode, errorMessage}}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorBody {
    /// The status object with the code and message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ResponseStatus>,
}

impl ErrorBody {
    /// The numeric error code, when the body had one.
    pub fn code(&self) -> Option<ErrorCode> {
        self.status.as_ref().and_then(|s| s.error_code)
    }

    /// The error message, when the body had one.
    pub fn message(&self) -> Option<&str> {
        self.status
            .as_ref()
            .and_then(|s| s.error_message.as_deref())
    }

    /// Parses an error body; `None` when the bytes are not a JSON object with a `status`
    /// object (HTML, empty, an array, another JSON shape). The status is read leniently: a
    /// member of an unexpected type is left out, so the others (the code, the message) still
    /// count.
    pub fn parse(bytes: &[u8]) -> Option<ErrorBody> {
        crate::decode::status_object(bytes).map(|status| ErrorBody {
            status: Some(status),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_from_numbers_and_strings() {
        for raw in ["5250", "\"5250\"", "5250.0", "\" 5250 \""] {
            let code: ErrorCode = serde_json::from_str(raw).unwrap();
            assert_eq!(code, ErrorCode::CAMPAIGN_NOT_FOUND, "{raw}");
        }
        for bad in ["\"x\"", "1.5", "true", "18446744073709551615"] {
            assert!(serde_json::from_str::<ErrorCode>(bad).is_err(), "{bad}");
        }
        assert_eq!(serde_json::to_string(&ErrorCode(1002)).unwrap(), "1002");
        assert!(ErrorCode::API_KEY_INVALID.is_auth_error());
        assert!(!ErrorCode(400).is_auth_error());
        assert_eq!(ErrorCode::KNOWN.len(), 4);
        assert!(ErrorCode::KNOWN.iter().all(|c| c.name().is_some()));
        assert_eq!(ErrorCode(7).to_string(), "7");
        let statuses: Vec<_> = [1001, 1002, 5250, 5252, 429, 500, 0, 200, 7, 600]
            .into_iter()
            .map(|c| ErrorCode(c).http_status())
            .collect();
        assert_eq!(
            statuses,
            [
                Some(400),
                Some(401),
                Some(404),
                Some(404),
                Some(429),
                Some(500),
                None,
                None,
                None,
                None
            ]
        );
        assert!(!ErrorCode(0).is_error() && !ErrorCode(201).is_error());
        assert!(ErrorCode(1001).is_error() && ErrorCode(500).is_error());
    }

    #[test]
    fn error_body_parse_is_forgiving() {
        let body =
            ErrorBody::parse(br#"{"status":{"errorCode":1002,"errorMessage":"API key missing."}}"#)
                .unwrap();
        assert_eq!(body.code(), Some(ErrorCode::API_KEY_MISSING));
        assert_eq!(body.message(), Some("API key missing."));
        assert!(ErrorBody::parse(b"<html>Bad gateway</html>").is_none());
        assert!(ErrorBody::parse(b"").is_none());
        assert!(ErrorBody::parse(b"{}").is_none());
        assert!(ErrorBody::parse(br#"{"status":"created"}"#).is_none());
    }
}
