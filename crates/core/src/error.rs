//! The one error type of the questkit family.
// This module reads network input: no indexing or unchecked arithmetic that could panic on it.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HeaderMap};

/// The result type of every questkit call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in a questkit call, for every API of the family.
///
/// One type for all four APIs, so `?` works across them. The server's refusals are
/// [`Error::Api`]; the rest say where the call broke. `Display` is one line with the status,
/// code, message and request id; it never holds a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error status (or an error envelope).
    #[error("{0}")]
    Api(Box<ApiError>),

    /// No answer within the timeout of an attempt.
    #[error("request timed out{}", attempts_suffix(*.attempts))]
    Timeout {
        /// How many attempts were made before giving up.
        attempts: u32,
    },

    /// The call's total deadline passed (attempts, waits between them and any wait for a
    /// rate-limit permit included).
    #[error("the call's deadline of {deadline:?} passed{}", attempts_suffix(*.attempts))]
    DeadlineExceeded {
        /// The deadline that passed.
        deadline: Duration,
        /// How many attempts were made before giving up.
        attempts: u32,
    },

    /// The connection could not be made (DNS, refused, TLS handshake).
    #[error("could not connect: {source}{}", attempts_suffix(*.attempts))]
    Connect {
        /// The underlying error.
        #[source]
        source: reqwest::Error,
        /// How many attempts were made before giving up.
        attempts: u32,
    },

    /// The request broke after it was sent (connection reset, invalid HTTP, body read error).
    #[error("HTTP transport error: {source}{}", attempts_suffix(*.attempts))]
    Transport {
        /// The underlying error.
        #[source]
        source: reqwest::Error,
        /// How many attempts were made before giving up.
        attempts: u32,
    },

    /// A success response whose body does not match the expected model.
    #[error("{0}")]
    Decode(Box<DecodeError>),

    /// The client-side rate limiter could not give a permit before the call's deadline.
    #[error(
        "rate limit of bucket `{bucket}`: a permit would take {wait:?}, past the call's deadline"
    )]
    RateLimited {
        /// The bucket (`tier1`, `default`, ...).
        bucket: String,
        /// How long the call would have waited for its permit.
        wait: Duration,
    },

    /// The rate limiter could not decide: its shared store is unreachable and it was not set
    /// to fall back to a local limit, or its fallback cannot split the limit asked for among
    /// the replicas.
    #[error("rate limiter unavailable: {0}")]
    RateLimiterUnavailable(String),

    /// The response body is larger than the configured limit.
    #[error("response body larger than the limit of {limit} bytes")]
    BodyTooLarge {
        /// The limit in bytes.
        limit: usize,
    },

    /// A redirect the client will not follow (too many hops, or https to http).
    #[error("redirect refused: {reason}")]
    Redirect {
        /// Why the redirect was refused.
        reason: String,
    },

    /// A call argument is not acceptable (an empty ID, too many metadata pairs, ...).
    #[error("invalid input: {0}")]
    InvalidInput(String),

    /// The client configuration is not acceptable (missing key, bad base URL, ...).
    #[error("invalid configuration: {0}")]
    Config(String),

    /// A webhook or request signature did not verify.
    #[error("signature verification failed: {0}")]
    Signature(String),
}

fn attempts_suffix(attempts: u32) -> String {
    if attempts > 1 {
        format!(" (after {attempts} attempts)")
    } else {
        String::new()
    }
}

/// The server's refusal: status, the vendor's code and message, and what helps to retry or debug.
///
/// Neither `Display` nor `Debug` shows the body (it may hold personal data or, for a login,
/// tokens): they give its length and content type. [`ApiError::body`] reads it on purpose, and
/// is empty for a call marked sensitive.
#[derive(Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status (for an error envelope in a 200 response, the envelope's status when it
    /// names one, else the HTTP status).
    pub status: StatusCode,
    /// The vendor's error message, or the status's reason when the body has none.
    pub message: String,
    /// The vendor's error code (`NOT_FOUND`, `1001`, `authentication_failed`, ...).
    pub code: Option<String>,
    /// Per-field validation messages, in the order the server sent them.
    pub field_errors: Vec<FieldError>,
    /// The request id the server returned (`x-request-id` and the like), for support tickets.
    pub request_id: Option<String>,
    /// How long the server asked to wait before retrying (capped at
    /// [`crate::retry::MAX_SERVER_WAIT`]).
    pub retry_after: Option<Duration>,
    /// How many attempts were made.
    pub attempts: u32,
    /// Whether the vendor's body says the credentials were refused, whatever the status
    /// (Giftoin answers a wrong key with a 400).
    pub auth_failure: bool,
    body: BodyInfo,
}

/// What an error keeps of a response body: its first bytes (unless redacted), its full length
/// and its content type.
#[derive(Clone, Default)]
struct BodyInfo {
    bytes: Bytes,
    len: usize,
    content_type: Option<String>,
}

impl BodyInfo {
    fn new(body: &Bytes, headers: &HeaderMap, cap: usize) -> BodyInfo {
        BodyInfo {
            bytes: body.slice(..body.len().min(cap)),
            len: body.len(),
            content_type: headers
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.chars().take(100).collect()),
        }
    }

    fn describe(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} bytes", self.len)?;
        if let Some(kind) = &self.content_type {
            write!(f, " of {kind}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for BodyInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        self.describe(f)?;
        f.write_str("]")
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("message", &self.message)
            .field("code", &self.code)
            .field("field_errors", &self.field_errors)
            .field("request_id", &self.request_id)
            .field("retry_after", &self.retry_after)
            .field("attempts", &self.attempts)
            .field("auth_failure", &self.auth_failure)
            .field("body", &self.body)
            .finish()
    }
}

/// One field's validation message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The field (`profile`, `body.communityId`, ...).
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl FieldError {
    /// A field error.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// What a vendor's error parser found in an error body.
///
/// Each API crate supplies a parser (see [`ErrorParser`]); fields it leaves empty fall back to
/// the status's reason phrase.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ErrorDetails {
    /// The vendor's message.
    pub message: Option<String>,
    /// The vendor's error code.
    pub code: Option<String>,
    /// Per-field messages.
    pub field_errors: Vec<FieldError>,
    /// A status the body itself states, when it differs from the HTTP one (envelopes).
    pub status: Option<StatusCode>,
    /// Whether the body says the credentials were refused (see [`Error::is_auth`]).
    pub auth_failure: bool,
}

impl ErrorDetails {
    /// Details with a message.
    pub fn message(message: impl Into<String>) -> Self {
        ErrorDetails {
            message: Some(message.into()),
            ..ErrorDetails::default()
        }
    }

    /// Sets the code.
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    /// Adds a field error.
    pub fn with_field_error(
        mut self,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        self.field_errors.push(FieldError::new(field, message));
        self
    }

    /// Sets the status the body states.
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = Some(status);
        self
    }

    /// Marks the error as refused credentials, whatever its status.
    pub fn with_auth_failure(mut self) -> Self {
        self.auth_failure = true;
        self
    }
}

/// A vendor's error-body parser: returns what it understood of an error body, or `None`.
///
/// It must never panic; an HTML page, an empty body or any other unexpected shape returns `None`
/// and the error still becomes an [`Error::Api`] with the status.
pub type ErrorParser = fn(&[u8]) -> Option<ErrorDetails>;

/// How much of an error body an [`ApiError`] keeps.
pub const ERROR_BODY_CAP: usize = 4096;

impl ApiError {
    /// Builds the error of a response with an error status.
    pub fn from_response(
        status: StatusCode,
        headers: &HeaderMap,
        body: &Bytes,
        parser: Option<ErrorParser>,
    ) -> ApiError {
        let details = parser.and_then(|parse| parse(body)).unwrap_or_default();
        ApiError::from_details(status, headers, body, details)
    }

    /// Builds an error from details a vendor crate found itself (an error envelope in a 200).
    pub fn from_details(
        status: StatusCode,
        headers: &HeaderMap,
        body: &Bytes,
        details: ErrorDetails,
    ) -> ApiError {
        let status = details.status.unwrap_or(status);
        let message = details
            .message
            .filter(|m| !m.trim().is_empty())
            .or_else(|| {
                details
                    .field_errors
                    .first()
                    .map(|f| format!("{}: {}", f.field, f.message))
            })
            .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_owned());
        ApiError {
            status,
            message,
            code: details.code,
            field_errors: details.field_errors,
            request_id: crate::request_id(headers),
            retry_after: crate::retry::retry_after(headers, std::time::SystemTime::now()),
            attempts: 1,
            auth_failure: details.auth_failure,
            body: BodyInfo::new(body, headers, ERROR_BODY_CAP),
        }
    }

    /// The start of the response body (at most [`ERROR_BODY_CAP`] bytes), read on purpose:
    /// it may hold personal data. Empty for a call marked sensitive.
    pub fn body(&self) -> &[u8] {
        &self.body.bytes
    }

    /// [`ApiError::body`] as text (invalid UTF-8 replaced).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body.bytes).into_owned()
    }

    /// The length of the whole response body in bytes (also when it was not kept).
    pub fn body_len(&self) -> usize {
        self.body.len
    }

    /// The response's `Content-Type`, when it had one.
    pub fn content_type(&self) -> Option<&str> {
        self.body.content_type.as_deref()
    }

    /// Forgets the body (for sensitive calls); its length and type stay.
    pub(crate) fn redact_body(&mut self) {
        self.body.bytes = Bytes::new();
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status.as_u16())?;
        if let Some(code) = &self.code {
            write!(f, " [{code}]")?;
        }
        write!(f, ": {}", self.message)?;
        for field in self.field_errors.iter().take(3) {
            write!(f, "; {}: {}", field.field, field.message)?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        f.write_str(&attempts_suffix(self.attempts))
    }
}

impl From<ApiError> for Error {
    fn from(value: ApiError) -> Self {
        Error::Api(Box::new(value))
    }
}

/// A success body that does not match the model: which field, and what serde said.
///
/// Neither `Display` nor `Debug` quotes the body or the offending value (a login response
/// holds tokens, a user holds an email address): they give the JSON path, the kind of problem,
/// and the body's length and content type. [`DecodeError::body`] reads the body on purpose,
/// and is empty for a call marked sensitive.
#[non_exhaustive]
pub struct DecodeError {
    /// The JSON path of the field that failed (`data.user_goals.sales.current`, `.` for the root).
    pub path: String,
    /// What serde said, with any quoted value of the body taken out
    /// (`invalid type: string, expected f64 at line 1 column 20`).
    pub message: String,
    /// The HTTP status of the response.
    pub status: Option<StatusCode>,
    /// The request id the server returned.
    pub request_id: Option<String>,
    body: BodyInfo,
}

/// How much of a body a [`DecodeError`] keeps for [`DecodeError::body`].
pub const DECODE_BODY_CAP: usize = 4096;

impl DecodeError {
    /// A decode error for a response body (`message` is cleaned of quoted values).
    pub fn new(
        path: impl Into<String>,
        message: &str,
        status: Option<StatusCode>,
        headers: &HeaderMap,
        body: &Bytes,
    ) -> DecodeError {
        DecodeError {
            path: path.into(),
            message: redact_serde_message(message),
            status,
            request_id: crate::request_id(headers),
            body: BodyInfo::new(body, headers, DECODE_BODY_CAP),
        }
    }

    /// The start of the body that failed (at most [`DECODE_BODY_CAP`] bytes), read on
    /// purpose. Empty for a call marked sensitive.
    pub fn body(&self) -> &[u8] {
        &self.body.bytes
    }

    /// The length of the whole body in bytes.
    pub fn body_len(&self) -> usize {
        self.body.len
    }

    /// The response's `Content-Type`, when it had one.
    pub fn content_type(&self) -> Option<&str> {
        self.body.content_type.as_deref()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not decode the response at `{}`: {}",
            self.path, self.message
        )?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        f.write_str(" (body: ")?;
        self.body.describe(f)?;
        f.write_str(")")
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("path", &self.path)
            .field("message", &self.message)
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .field("body", &self.body)
            .finish()
    }
}

/// Takes the values serde quotes out of its messages: `invalid type: string "sk_live_1",
/// expected f64` becomes `invalid type: string, expected f64`, and `unknown variant `x``
/// loses the `x`. Field names (which come from the model) stay.
pub(crate) fn redact_serde_message(message: &str) -> String {
    const QUOTING: [&str; 3] = ["invalid type: ", "invalid value: ", "unknown variant"];
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some((at, prefix)) = QUOTING
        .iter()
        .filter_map(|p| rest.find(p).map(|at| (at, p.len())))
        .min()
    {
        let (before, after) = rest.split_at(at.saturating_add(prefix).min(rest.len()));
        out.push_str(before);
        let Some(open) = after.find(['"', '`']) else {
            rest = after;
            continue;
        };
        // Only a quote that starts right after the kind words (`string "..."`) is a value.
        let (kind, quoted) = after.split_at(open);
        if kind.contains(',') {
            rest = after;
            continue;
        }
        out.push_str(kind.trim_end());
        rest = skip_quoted(quoted);
    }
    out.push_str(rest);
    out
}

/// The text after a quoted value: `"..."` in Rust's debug escaping, or `` `...` ``.
fn skip_quoted(quoted: &str) -> &str {
    let mut chars = quoted.char_indices();
    let Some((_, quote)) = chars.next() else {
        return quoted;
    };
    let mut escaped = false;
    for (at, c) in chars {
        if quote == '"' && c == '\\' && !escaped {
            escaped = true;
            continue;
        }
        if c == quote && !escaped {
            return quoted.get(at.saturating_add(1)..).unwrap_or_default();
        }
        escaped = false;
    }
    ""
}

impl Error {
    /// The HTTP status, for [`Error::Api`] and decode errors.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode(decode) => decode.status,
            _ => None,
        }
    }

    /// The server's error details, for [`Error::Api`].
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The vendor's error code, for [`Error::Api`].
    pub fn code(&self) -> Option<&str> {
        self.api().and_then(|api| api.code.as_deref())
    }

    /// The request id the server returned, when it did.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(api) => api.request_id.as_deref(),
            Error::Decode(decode) => decode.request_id.as_deref(),
            _ => None,
        }
    }

    /// How long the server asked to wait, from `Retry-After` or `retry-after-ms`.
    pub fn retry_after(&self) -> Option<Duration> {
        self.api().and_then(|api| api.retry_after)
    }

    /// How many attempts the call made before this error (1 for errors before any attempt).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Api(api) => api.attempts,
            Error::Timeout { attempts }
            | Error::DeadlineExceeded { attempts, .. }
            | Error::Connect { attempts, .. }
            | Error::Transport { attempts, .. } => *attempts,
            _ => 1,
        }
    }

    /// Whether trying the same call again later may succeed (a timeout, a connection error,
    /// a rate-limit refusal, 408, 429 or a 5xx gateway/availability error).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Timeout { .. }
            | Error::DeadlineExceeded { .. }
            | Error::Connect { .. }
            | Error::RateLimited { .. } => true,
            Error::Api(api) => crate::retry::is_retryable_status(api.status),
            _ => false,
        }
    }

    /// Whether the server said 404 Not Found.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// Whether the server refused the credentials: a 401 or 403, or a vendor error body that
    /// says so under another status.
    pub fn is_auth(&self) -> bool {
        self.api().is_some_and(|api| api.auth_failure)
            || matches!(
                self.status(),
                Some(StatusCode::UNAUTHORIZED) | Some(StatusCode::FORBIDDEN)
            )
    }

    /// Whether the server said 429 Too Many Requests, or the client-side limiter refused a
    /// permit in time ([`Error::RateLimited`]).
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Error::RateLimited { .. })
            || self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// Whether this is a timeout: of an attempt, or of the call's total deadline.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. } | Error::DeadlineExceeded { .. })
    }

    /// Per-field validation messages, for [`Error::Api`].
    pub fn field_errors(&self) -> &[FieldError] {
        self.api()
            .map(|api| api.field_errors.as_slice())
            .unwrap_or(&[])
    }

    pub(crate) fn with_attempts(mut self, n: u32) -> Self {
        match &mut self {
            Error::Api(api) => api.attempts = n,
            Error::Timeout { attempts }
            | Error::DeadlineExceeded { attempts, .. }
            | Error::Connect { attempts, .. }
            | Error::Transport { attempts, .. } => *attempts = n,
            _ => {}
        }
        self
    }

    /// Classifies a reqwest error.
    pub(crate) fn from_reqwest(err: reqwest::Error) -> Error {
        // Drop the URL: it may carry user ids in the path, and it never adds much to the message.
        let err = err.without_url();
        // A connect timeout is both `is_connect` and `is_timeout`: the request never left, so
        // it is a connection failure (safe to retry whatever the method). When the attempt's
        // own timeout fires during the connect, reqwest reports a plain timeout and the two
        // cannot be told apart; a connect timeout below the attempt timeout keeps that rare.
        if err.is_connect() {
            Error::Connect {
                source: err,
                attempts: 1,
            }
        } else if err.is_timeout() {
            Error::Timeout { attempts: 1 }
        } else {
            Error::Transport {
                source: err,
                attempts: 1,
            }
        }
    }

    /// A short, stable name of the error's kind, for metrics and OpenTelemetry's `error.type`
    /// (`timeout`, `connect`, `decode`, the HTTP status for [`Error::Api`], ...).
    pub fn kind_name(&self) -> &'static str {
        match self {
            Error::Api(api) => match api.status.as_u16() {
                400 => "400",
                401 => "401",
                403 => "403",
                404 => "404",
                409 => "409",
                422 => "422",
                429 => "429",
                500 => "500",
                502 => "502",
                503 => "503",
                504 => "504",
                _ => "http_error",
            },
            Error::Timeout { .. } => "timeout",
            Error::DeadlineExceeded { .. } => "deadline_exceeded",
            Error::Connect { .. } => "connect",
            Error::Transport { .. } => "transport",
            Error::Decode(_) => "decode",
            Error::RateLimited { .. } => "rate_limited",
            Error::RateLimiterUnavailable(_) => "rate_limiter_unavailable",
            Error::BodyTooLarge { .. } => "body_too_large",
            Error::Redirect { .. } => "redirect",
            Error::InvalidInput(_) => "invalid_input",
            Error::Config(_) => "config",
            Error::Signature(_) => "signature",
        }
    }

    /// Forgets any response body this error keeps (for sensitive calls).
    pub(crate) fn redact_body(mut self) -> Self {
        match &mut self {
            Error::Api(api) => api.redact_body(),
            Error::Decode(decode) => decode.body.bytes = Bytes::new(),
            _ => {}
        }
        self
    }

    /// An invalid-input error.
    pub fn invalid_input(message: impl Into<String>) -> Error {
        Error::InvalidInput(message.into())
    }

    /// A configuration error.
    pub fn config(message: impl Into<String>) -> Error {
        Error::Config(message.into())
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod redact_tests {
    use super::redact_serde_message as redact;

    #[test]
    fn quoted_values_are_taken_out() {
        let table = [
            (
                r#"invalid type: string "sk_live_1", expected f64 at line 1 column 9"#,
                "invalid type: string, expected f64 at line 1 column 9",
            ),
            (
                r#"invalid value: string "a \", expected b", expected a date"#,
                "invalid value: string, expected a date",
            ),
            (
                "invalid type: integer `5`, expected a string",
                "invalid type: integer, expected a string",
            ),
            (
                "invalid type: floating point `1.5`, expected u64",
                "invalid type: floating point, expected u64",
            ),
            (
                "unknown variant `ada@example.com`, expected one of `a`, `b`",
                "unknown variant, expected one of `a`, `b`",
            ),
            (
                "invalid type: map, expected a sequence",
                "invalid type: map, expected a sequence",
            ),
            ("missing field `id`", "missing field `id`"),
            (
                "expected value at line 1 column 1",
                "expected value at line 1 column 1",
            ),
            (
                r#"invalid type: string "unterminated"#,
                "invalid type: string",
            ),
            ("invalid type: ", "invalid type: "),
        ];
        for (message, expected) in table {
            assert_eq!(redact(message), expected, "{message}");
        }
    }
}
