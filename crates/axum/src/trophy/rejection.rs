//! Why a delivery was refused, and the response Trophy gets.

use std::fmt;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use questkit_trophy::webhooks::WebhookError;

/// Why [`TrophyWebhook`](crate::TrophyWebhook) refused a delivery.
///
/// As a response it is a short `text/plain` status line: it never echoes the body, the
/// signature or a secret, and never repeats the JSON parser's message (which can quote the
/// payload).
#[derive(Clone)]
#[non_exhaustive]
pub enum WebhookRejection {
    /// The signature header is missing, not a signature, or matches no configured secret:
    /// 401 Unauthorized. The body may come from anyone: do not use it.
    Unauthorized(WebhookError),
    /// The body is larger than the route's body limit (axum's `DefaultBodyLimit`):
    /// 413 Payload Too Large.
    PayloadTooLarge,
    /// The body could not be read (the connection failed mid-body): 400 Bad Request.
    BodyUnreadable,
    /// The body is authentic (the signature matched) but is not a webhook payload this
    /// version can read: 400 Bad Request. Unknown event *types* are not refused (they
    /// arrive as `WebhookEvent::Unknown`); this is JSON that is not an object, lacks `type`,
    /// or misses a field a known type requires. The verified body is kept, so that a handler
    /// taking `Result<TrophyWebhook, WebhookRejection>` can store it instead of losing it.
    MalformedPayload {
        /// What was wrong (its message may quote the payload).
        error: WebhookError,
        /// The verified raw body.
        body: Bytes,
    },
}

impl WebhookRejection {
    /// The status the response carries.
    pub fn status(&self) -> StatusCode {
        match self {
            WebhookRejection::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            WebhookRejection::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            WebhookRejection::BodyUnreadable | WebhookRejection::MalformedPayload { .. } => {
                StatusCode::BAD_REQUEST
            }
        }
    }

    /// The response text: a fixed sentence per kind, with nothing from the request in it.
    pub fn body_text(&self) -> &'static str {
        match self {
            WebhookRejection::Unauthorized(WebhookError::MissingSignature) => {
                "missing X-Trophy-Signature header"
            }
            WebhookRejection::Unauthorized(WebhookError::MalformedSignature) => {
                "X-Trophy-Signature is not a webhook signature"
            }
            WebhookRejection::Unauthorized(_) => "invalid webhook signature",
            WebhookRejection::PayloadTooLarge => {
                "webhook body is larger than this endpoint accepts"
            }
            WebhookRejection::BodyUnreadable => "webhook body could not be read",
            WebhookRejection::MalformedPayload { .. } => {
                "webhook body is not a Trophy event this endpoint can read"
            }
        }
    }

    /// axum's body rejections: its length limit is 413, anything else a failed read.
    pub(crate) fn from_body_error(rejection: BytesRejection) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            WebhookRejection::PayloadTooLarge
        } else {
            WebhookRejection::BodyUnreadable
        }
    }
}

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        (self.status(), self.body_text()).into_response()
    }
}

impl fmt::Display for WebhookRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookRejection::Unauthorized(error)
            | WebhookRejection::MalformedPayload { error, .. } => {
                write!(f, "{} ({error})", self.status())
            }
            _ => write!(f, "{} ({})", self.status(), self.body_text()),
        }
    }
}

impl fmt::Debug for WebhookRejection {
    // The body is summarised: it holds users' data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookRejection::Unauthorized(error) => {
                f.debug_tuple("Unauthorized").field(error).finish()
            }
            WebhookRejection::PayloadTooLarge => f.write_str("PayloadTooLarge"),
            WebhookRejection::BodyUnreadable => f.write_str("BodyUnreadable"),
            WebhookRejection::MalformedPayload { error, body } => f
                .debug_struct("MalformedPayload")
                .field("error", error)
                .field("body_len", &body.len())
                .finish(),
        }
    }
}

impl std::error::Error for WebhookRejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WebhookRejection::Unauthorized(error)
            | WebhookRejection::MalformedPayload { error, .. } => Some(error),
            _ => None,
        }
    }
}
