//! Turning Epixel bodies into results: the envelope decoder and the error-body parser.
// Decoders and error bodies read network input: no indexing, no unchecked arithmetic.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use questkit_core::decode::from_slice;
use questkit_core::reqwest::StatusCode;
use questkit_core::{
    ApiError, Error, ErrorDetails, RawResponse, Result, decode_error, decode_json,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::auth::LoginTokens;
use crate::envelope::{FieldErrors, NON_FIELD_ERRORS};

/// The parts of a body that say whether it is an error, read before the payload.
#[derive(Deserialize, Default)]
struct ErrorBody {
    #[serde(default, with = "crate::envelope::status_code")]
    status_code: Option<u16>,
    #[serde(default)]
    errors: FieldErrors,
    #[serde(default)]
    detail: Option<serde_json::Value>,
    #[serde(default)]
    code: Option<String>,
}

impl ErrorBody {
    fn is_envelope_error(&self) -> bool {
        !self.errors.is_empty() || self.status_code.is_some_and(|s| !(200..300).contains(&s))
    }

    /// What the body says, as core error details.
    fn details(&self) -> ErrorDetails {
        let mut details = ErrorDetails::default();
        for (field, message) in self.errors.pairs() {
            details = details.with_field_error(field, message);
        }
        let status = self.status_code.and_then(|s| StatusCode::from_u16(s).ok());
        if let Some(status) = status.filter(|s| !s.is_success()) {
            details = details.with_status(status);
        }
        // Only a text `detail` is a message: any other JSON there is body content (a login
        // may echo tokens), never copied into the error.
        let detail = match &self.detail {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            _ => None,
        };
        details.message = detail
            .or_else(|| {
                self.errors
                    .first_message(NON_FIELD_ERRORS)
                    .map(str::to_owned)
            })
            .or_else(|| {
                // The vendor names 400 field errors "Validation Error".
                (status == Some(StatusCode::BAD_REQUEST) && !self.errors.is_empty())
                    .then(|| "Validation Error".to_owned())
            });
        details.code = self.code.clone();
        details
    }
}

/// The error-body parser given to the transport for non-2xx responses.
///
/// Understands the envelope (`{status_code, errors, data}`), the token service's
/// `{detail, code}`, and a bare map of field errors (`{"username": ["This field is required."]}`).
/// Anything else (HTML, empty, other JSON) returns `None`.
pub(crate) fn parse_error_body(body: &[u8]) -> Option<ErrorDetails> {
    // Not serde_json's own `from_slice`: it would read `[400, {...}]` by position.
    let parsed: ErrorBody = from_slice(body).ok()?;
    if parsed.is_envelope_error() || parsed.detail.is_some() || parsed.code.is_some() {
        return Some(parsed.details());
    }
    // A bare map of field errors, without an envelope.
    let fields: FieldErrors = from_slice(body).ok()?;
    let all_messages = fields
        .iter()
        .all(|(_, m)| !matches!(m, crate::envelope::ErrorMessages::Other(_)));
    if fields.is_empty() || !all_messages || !body.trim_ascii_start().starts_with(b"{") {
        return None;
    }
    let mut details = ErrorDetails::default();
    for (field, message) in fields.pairs() {
        details = details.with_field_error(field, message);
    }
    Some(details)
}

/// What an envelope says before its payload is read: the error it describes, or `None` for a
/// success envelope. Fails when the body is not a JSON object of that shape.
pub(crate) fn envelope_head(body: &[u8]) -> serde_json::Result<Option<ErrorDetails>> {
    let head: ErrorBody = from_slice(body)?;
    Ok(head.is_envelope_error().then(|| head.details()))
}

/// The error an envelope describes, or `None` when it is a success envelope.
fn envelope_error(raw: &RawResponse) -> Result<Option<Error>> {
    match envelope_head(&raw.body) {
        Ok(None) => Ok(None),
        Ok(Some(details)) => Ok(Some(Error::from(ApiError::from_details(
            raw.status,
            &raw.headers,
            &raw.body,
            details,
        )))),
        Err(e) => Err(decode_error(raw, ".".to_owned(), e.to_string())),
    }
}

/// An envelope read whole: [`ErrorBody`]'s fields and `data`, in one pass.
#[derive(Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
struct Whole<T> {
    #[serde(default, with = "crate::envelope::status_code")]
    status_code: Option<u16>,
    #[serde(default)]
    errors: FieldErrors,
    #[serde(default)]
    detail: Option<serde_json::Value>,
    #[serde(default)]
    code: Option<String>,
    #[serde(
        default = "Option::default",
        deserialize_with = "questkit_core::decode::object::option"
    )]
    data: Option<T>,
}

/// The payload of an envelope: a model read from a JSON object only (`"data": []` is not an
/// empty model).
#[derive(Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
pub(crate) struct DataOnly<T> {
    #[serde(
        default = "Option::default",
        deserialize_with = "questkit_core::decode::object::option"
    )]
    pub(crate) data: Option<T>,
}

/// Decodes an enveloped success body into its `data`; an error envelope (non-2xx `status_code`
/// or non-empty `errors`) becomes [`Error::Api`] whatever the HTTP status. A body, or a `data`,
/// that is an array where the model is an object is a decode error.
pub(crate) fn decode_envelope<T: DeserializeOwned + Default>(raw: &RawResponse) -> Result<T> {
    // The usual answer in one pass: the envelope's status and errors read beside the data. A
    // body that fails it, or that reports an error, takes the two passes below, which say
    // what is wrong.
    if let Ok(whole) = from_slice::<Whole<T>>(&raw.body) {
        let head = ErrorBody {
            status_code: whole.status_code,
            errors: whole.errors,
            detail: whole.detail,
            code: whole.code,
        };
        if !head.is_envelope_error() {
            return Ok(whole.data.unwrap_or_default());
        }
    }
    if let Some(error) = envelope_error(raw)? {
        return Err(error);
    }
    // The core decoder names the failing field (`data.user_goals...`) only when decoding fails.
    let parsed: DataOnly<T> = decode_json(raw)?;
    // A success with `data: null` or no data reads as an empty payload.
    Ok(parsed.data.unwrap_or_default())
}

/// Decodes login and refresh responses: bare `{refresh, access}` as documented, or the same
/// inside an envelope, should a deployment wrap it. Tokens written as an array are refused.
pub(crate) fn decode_tokens(raw: &RawResponse) -> Result<LoginTokens> {
    let bare = decode_json::<LoginTokens>(raw);
    match &bare {
        Ok(tokens) if has_access(tokens) => return bare,
        _ => {}
    }
    if let Some(error) = envelope_error(raw)? {
        return Err(error);
    }
    match decode_json::<DataOnly<LoginTokens>>(raw)?.data {
        Some(tokens) if has_access(&tokens) => Ok(tokens),
        Some(_) => Err(no_access_token(raw, "data.access")),
        // Not enveloped: what was wrong with the bare tokens is the useful error.
        None => match bare {
            Err(err) => Err(err),
            Ok(_) => Err(no_access_token(raw, "access")),
        },
    }
}

fn has_access(tokens: &LoginTokens) -> bool {
    !tokens.access().trim().is_empty()
}

fn no_access_token(raw: &RawResponse, path: &str) -> Error {
    decode_error(
        raw,
        path.to_owned(),
        "the response holds no access token".to_owned(),
    )
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)] // A test may panic on a wrong index.
mod tests {
    use super::*;

    #[test]
    fn error_bodies() {
        let d = parse_error_body(
            br#"{"status_code":400,"errors":{"goal":["Invalid goal keyword."]},"data":{}}"#,
        )
        .unwrap();
        assert_eq!(d.status, Some(StatusCode::BAD_REQUEST));
        assert_eq!(d.message.as_deref(), Some("Validation Error"));
        assert_eq!(d.field_errors[0].field, "goal");
        assert_eq!(d.field_errors[0].message, "Invalid goal keyword.");

        let d = parse_error_body(br#"{"detail":"No active account found with the given credentials","code":"no_active_account"}"#)
            .unwrap();
        assert_eq!(d.code.as_deref(), Some("no_active_account"));
        assert!(d.message.unwrap().starts_with("No active account"));
        assert_eq!(d.status, None);

        let d =
            parse_error_body(br#"{"username":["This field is required."],"password":"Required."}"#)
                .unwrap();
        assert_eq!(d.field_errors.len(), 2);
        assert_eq!(d.field_errors[1].field, "password");

        let d = parse_error_body(br#"{"status_code":403,"errors":["Not allowed."]}"#).unwrap();
        assert_eq!(d.message.as_deref(), Some("Not allowed."));
        assert_eq!(d.status, Some(StatusCode::FORBIDDEN));

        for junk in [
            &b""[..],
            b"<html>Bad Gateway</html>",
            b"[]",
            b"{}",
            b"\"text\"",
            b"{\"status_code\":200,\"errors\":{}}",
            b"{\"a\": {\"b\": 1}}",
        ] {
            assert_eq!(
                parse_error_body(junk),
                None,
                "{}",
                String::from_utf8_lossy(junk)
            );
        }
    }
}
