//! Nudj's tRPC-shaped error body.
// Error bodies come from the network: no indexing, no unchecked arithmetic.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::collections::BTreeMap;

use questkit_core::{Error, ErrorDetails};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

questkit_core::open_enum! {
    /// The tRPC error code of a failed call.
    pub enum TrpcCode {
        /// 400: the body, a parameter or a required header failed validation.
        BadRequest => "BAD_REQUEST",
        /// 401: the token is missing, malformed, expired, or for another subdomain.
        Unauthorized => "UNAUTHORIZED",
        /// 403: the token is valid but lacks the permission.
        Forbidden => "FORBIDDEN",
        /// 404: wrong id, wrong organisation, or deleted.
        NotFound => "NOT_FOUND",
        /// 409: a uniqueness or state conflict (for example a reward already claimed).
        Conflict => "CONFLICT",
        /// 500: a server error, including responses that failed the server's own schema.
        InternalServerError => "INTERNAL_SERVER_ERROR",
    }
}

/// The error body every Nudj API returns: `{message, code, data: {httpStatus, path}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TrpcError {
    /// A human-readable explanation (for validation errors it names the field).
    #[serde(default)]
    pub message: Option<String>,
    /// The tRPC code (a numeric JSON-RPC code is kept as its text).
    #[serde(default, deserialize_with = "lenient_code")]
    pub code: Option<TrpcCode>,
    /// Where and how it failed.
    #[serde(default)]
    pub data: Option<TrpcErrorData>,
}

/// The `data` member of a [`TrpcError`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TrpcErrorData {
    /// The HTTP status the server meant.
    #[serde(default)]
    pub http_status: Option<u16>,
    /// The server procedure that failed (for example `getAchievements`).
    #[serde(default)]
    pub path: Option<String>,
    /// Any other members (validation details, stack in development), kept verbatim.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

impl TrpcError {
    /// Reads an error body; `None` when it is not a JSON object with a message or code.
    ///
    /// Besides the documented `{message, code, data}`, the `{"error": {...}}` wrapping of the
    /// tRPC HTTP wire format is read too.
    pub fn parse(body: &[u8]) -> Option<TrpcError> {
        let value: Value = serde_json::from_slice(body).ok()?;
        let inner = match value.get("error") {
            Some(wrapped @ Value::Object(_)) => wrapped.get("json").unwrap_or(wrapped).clone(),
            _ => value,
        };
        // serde would read an array by position (`["oops", "BAD_REQUEST"]`): only an object
        // is a tRPC error.
        if !inner.is_object() {
            return None;
        }
        let parsed: TrpcError = serde_json::from_value(inner).ok()?;
        (parsed.message.is_some() || parsed.code.is_some()).then_some(parsed)
    }

    /// The tRPC body of a failed call, when the server sent one.
    ///
    /// ```
    /// # fn show(err: questkit_core::Error) {
    /// use questkit_nudj::TrpcError;
    ///
    /// if let Some(trpc) = TrpcError::from_error(&err) {
    ///     println!("{:?} in {:?}", trpc.code, trpc.data.and_then(|d| d.path));
    /// }
    /// # }
    /// ```
    pub fn from_error(error: &Error) -> Option<TrpcError> {
        TrpcError::parse(error.api()?.body())
    }

    /// The tRPC code name: the top-level code, or `data.code` when the top level is numeric.
    pub fn code_name(&self) -> Option<String> {
        let top = self.code.as_ref().map(TrpcCode::as_str);
        let from_data = || {
            self.data
                .as_ref()
                .and_then(|d| d.extra.get("code"))
                .and_then(Value::as_str)
        };
        match top {
            Some(code) if !looks_numeric(code) => Some(code.to_owned()),
            other => from_data().or(other).map(str::to_owned),
        }
    }

    /// Field errors from the message (tRPC sends Zod issues as a JSON array in the message) or
    /// from `data.zodError.fieldErrors`.
    pub fn field_errors(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let Some(issues) = self
            .message
            .as_deref()
            .filter(|m| m.trim_start().starts_with('['))
            .and_then(|m| serde_json::from_str::<Vec<Value>>(m).ok())
        {
            for issue in issues {
                let field = issue
                    .get("path")
                    .and_then(Value::as_array)
                    .map(|parts| {
                        parts
                            .iter()
                            .map(|p| match p {
                                Value::String(s) => s.clone(),
                                other => other.to_string(),
                            })
                            .collect::<Vec<_>>()
                            .join(".")
                    })
                    .unwrap_or_default();
                if let Some(message) = issue.get("message").and_then(Value::as_str) {
                    out.push((field, message.to_owned()));
                }
            }
        }
        let zod_fields = self
            .data
            .as_ref()
            .and_then(|d| d.extra.get("zodError"))
            .and_then(|z| z.get("fieldErrors"))
            .and_then(Value::as_object);
        if let Some(fields) = zod_fields {
            for (field, messages) in fields {
                let messages = messages.as_array().map(Vec::as_slice).unwrap_or_default();
                for message in messages.iter().filter_map(Value::as_str) {
                    out.push((field.clone(), message.to_owned()));
                }
            }
        }
        out
    }

    /// The details the core error keeps: message, code, field errors.
    pub fn to_details(&self) -> ErrorDetails {
        let fields = self.field_errors();
        let message = match self.message.as_deref() {
            // A JSON array of issues is not a message: the first issue stands in.
            Some(m) if !fields.is_empty() && m.trim_start().starts_with('[') => {
                fields.first().map(|(_, m)| m.clone())
            }
            other => other.map(str::to_owned),
        };
        let mut details = ErrorDetails::default();
        details.message = message;
        details.code = self.code_name();
        for (field, message) in fields {
            details = details.with_field_error(field, message);
        }
        details
    }
}

/// The transport's error parser: a tRPC body, or `None` for anything else (HTML, empty).
pub(crate) fn parse_error_body(body: &[u8]) -> Option<ErrorDetails> {
    TrpcError::parse(body).map(|e| e.to_details())
}

fn looks_numeric(code: &str) -> bool {
    code.trim_start_matches('-')
        .chars()
        .all(|c| c.is_ascii_digit())
}

fn lenient_code<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<TrpcCode>, D::Error> {
    Ok(match Option::<Value>::deserialize(deserializer)? {
        Some(Value::String(code)) => Some(TrpcCode::from(code)),
        Some(Value::Number(n)) => Some(TrpcCode::Unknown(n.to_string())),
        _ => None,
    })
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)] // A test may panic on a wrong index.
mod tests {
    use super::*;

    #[test]
    fn wrapped_and_numeric_codes() {
        let body = br#"{"error":{"json":{"message":"nope","code":-32001,"data":{"code":"UNAUTHORIZED","httpStatus":401}}}}"#;
        let err = TrpcError::parse(body).unwrap();
        assert_eq!(err.code, Some(TrpcCode::Unknown("-32001".into())));
        assert_eq!(err.code_name().as_deref(), Some("UNAUTHORIZED"));
        let details = err.to_details();
        assert_eq!(details.message.as_deref(), Some("nope"));
        assert_eq!(details.code.as_deref(), Some("UNAUTHORIZED"));
    }

    #[test]
    fn zod_issues_become_field_errors() {
        let message = r#"[{"code":"invalid_type","path":["body","communityId"],"message":"Expected string"}]"#;
        let body = serde_json::json!({"message": message, "code": "BAD_REQUEST",
            "data": {"httpStatus": 400, "zodError": {"fieldErrors": {"limit": ["Too big"]}, "formErrors": []}}});
        let err = TrpcError::parse(body.to_string().as_bytes()).unwrap();
        let details = err.to_details();
        assert_eq!(details.message.as_deref(), Some("Expected string"));
        assert_eq!(details.field_errors.len(), 2);
        assert_eq!(details.field_errors[0].field, "body.communityId");
        assert_eq!(details.field_errors[1].field, "limit");
        assert_eq!(details.field_errors[1].message, "Too big");
    }

    #[test]
    fn other_bodies_are_not_trpc() {
        for body in [
            &b""[..],
            b"<html></html>",
            b"[]",
            b"{\"error\":\"x\"}",
            b"null",
        ] {
            assert_eq!(
                parse_error_body(body),
                None,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }
}
