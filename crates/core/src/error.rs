//! The one error type of the questkit family.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

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

    /// No answer within the timeout.
    #[error("request timed out{}", attempts_suffix(*.attempts))]
    Timeout {
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
#[derive(Clone, Debug)]
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
    /// How long the server asked to wait before retrying.
    pub retry_after: Option<Duration>,
    /// The response body, capped to a few kilobytes.
    pub body: Bytes,
    /// How many attempts were made.
    pub attempts: u32,
    /// Whether the vendor's body says the credentials were refused, whatever the status
    /// (Giftoin answers a wrong key with a 400).
    pub auth_failure: bool,
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
            body: body.slice(..body.len().min(ERROR_BODY_CAP)),
            attempts: 1,
            auth_failure: details.auth_failure,
        }
    }

    /// The body as text (lossy), capped.
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
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

/// A success body that does not match the model: which field, and what the body looked like.
#[derive(Debug)]
#[non_exhaustive]
pub struct DecodeError {
    /// The JSON path of the field that failed (`data.user_goals.sales.current`, `.` for the root).
    pub path: String,
    /// What serde said.
    pub message: String,
    /// The start of the body, for debugging (at most 200 characters).
    pub snippet: String,
    /// The HTTP status of the response.
    pub status: Option<StatusCode>,
    /// The request id the server returned.
    pub request_id: Option<String>,
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
        write!(f, "; body starts: {}", self.snippet)
    }
}

/// The first `max_chars` characters of a body, on one line.
pub(crate) fn snippet(body: &[u8], max_chars: usize) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text
        .chars()
        .take(max_chars)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().count() > max_chars {
        out.push('…');
    }
    out
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
            | Error::Connect { attempts, .. }
            | Error::Transport { attempts, .. } => *attempts,
            _ => 1,
        }
    }

    /// Whether trying the same call again later may succeed (a timeout, a connection error,
    /// 408, 429 or a 5xx gateway/availability error).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Timeout { .. } | Error::Connect { .. } => true,
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

    /// Whether the server said 429 Too Many Requests.
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// Whether this is a timeout.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
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
        if err.is_timeout() {
            Error::Timeout { attempts: 1 }
        } else if err.is_connect() {
            Error::Connect {
                source: err,
                attempts: 1,
            }
        } else {
            Error::Transport {
                source: err,
                attempts: 1,
            }
        }
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
