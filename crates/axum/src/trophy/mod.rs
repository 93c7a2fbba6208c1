//! The Trophy webhook extractor.

mod rejection;

use std::fmt;

use axum::body::Bytes;
use axum::extract::{FromRef, FromRequest, Request};
use questkit_trophy::webhooks::{DedupKey, WebhookEvent, WebhookVerifier, signature_header};

pub use rejection::WebhookRejection;

/// A Trophy webhook delivery whose `X-Trophy-Signature` was verified: the typed event, its
/// de-duplication key and the raw body.
///
/// As a handler argument (the last one, since it reads the body) it:
///
/// 1. takes the [`WebhookVerifier`] from the router state (`WebhookVerifier: FromRef<S>`),
/// 2. refuses a delivery without a signature header (401) before reading the body,
/// 3. reads the raw body under the route's body limit (axum's [`DefaultBodyLimit`], 2 MB
///    unless configured; beyond it: 413),
/// 4. checks the signature against every configured secret in constant time (401 when none
///    matches; the response never echoes the body),
/// 5. parses the event (an unknown event type is kept raw in [`WebhookEvent::Unknown`]; an
///    authentic body that is not a webhook payload at all: 400), and computes its
///    [`DedupKey`].
///
/// The refusals are [`WebhookRejection`]s. To handle them yourself (say, to keep an
/// authentic but unreadable payload), take `Result<TrophyWebhook, WebhookRejection>`.
///
/// Trophy delivers at least once: answer 2xx to a delivery whose key you have already
/// processed, so that Trophy stops retrying it, and see [`DedupKey`] for what the key can
/// and cannot recognise.
///
/// ```no_run
/// use axum::{Router, extract::DefaultBodyLimit, routing::post};
/// use questkit_axum::{TrophyWebhook, WebhookEvent, WebhookVerifier};
///
/// async fn trophy_webhook(TrophyWebhook { event, dedup_key, .. }: TrophyWebhook) {
///     if let WebhookEvent::AchievementCompleted(done) = &event {
///         println!("{} completed {} ({dedup_key})", done.user.id, done.achievement.name);
///     }
/// }
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let verifier = WebhookVerifier::new([std::env::var("TROPHY_WEBHOOK_SECRET")?])?;
/// let app = Router::new()
///     .route("/webhooks/trophy", post(trophy_webhook))
///     .layer(DefaultBodyLimit::max(256 * 1024))
///     .with_state(verifier); // or a state of your own with `impl FromRef<AppState> for WebhookVerifier`
/// let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await?;
/// axum::serve(listener, app).await?;
/// # Ok(())
/// # }
/// ```
///
/// [`DefaultBodyLimit`]: axum::extract::DefaultBodyLimit
#[derive(Clone)]
#[non_exhaustive]
pub struct TrophyWebhook {
    /// The event, by its type.
    pub event: WebhookEvent,
    /// The delivery's de-duplication key.
    pub dedup_key: DedupKey,
    /// The raw body, exactly as received and verified (to archive or forward).
    pub body: Bytes,
}

impl<S> FromRequest<S> for TrophyWebhook
where
    S: Send + Sync,
    WebhookVerifier: FromRef<S>,
{
    type Rejection = WebhookRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = WebhookVerifier::from_ref(state);
        // Checked before the body is read: an unsigned request costs no buffering.
        let signature = signature_header(req.headers())
            .map_err(WebhookRejection::Unauthorized)?
            .to_owned();
        let body = Bytes::from_request(req, state)
            .await
            .map_err(WebhookRejection::from_body_error)?;
        verifier
            .check_signature(&signature, &body)
            .map_err(WebhookRejection::Unauthorized)?;
        match WebhookEvent::from_slice(&body) {
            Ok(event) => Ok(TrophyWebhook {
                dedup_key: DedupKey::new(&body, &event),
                event,
                body,
            }),
            Err(error) => Err(WebhookRejection::MalformedPayload { error, body }),
        }
    }
}

impl fmt::Debug for TrophyWebhook {
    // The body is summarised: it holds users' data (emails, names).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TrophyWebhook")
            .field("event_type", &self.event.event_type())
            .field("dedup_key", &self.dedup_key)
            .field("body_len", &self.body.len())
            .finish()
    }
}
