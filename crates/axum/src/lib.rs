//! [axum](https://docs.rs/axum) support for questkit: an extractor for signed
//! [Trophy](https://trophy.so) webhooks.
//!
//! [`TrophyWebhook`] verifies `X-Trophy-Signature` over the raw body with the secrets of a
//! [`WebhookVerifier`] taken from the router state, under axum's body limit, and yields the
//! typed [`WebhookEvent`] with its [`DedupKey`]. A wrong or missing signature is a 401 that
//! echoes nothing; a body over the limit is a 413. This crate is separate from
//! `questkit-trophy` so that a new axum major version is a new `questkit-axum` release, not a
//! breaking change of the client; other frameworks call [`WebhookVerifier`] directly.
//!
//! ```no_run
//! use std::collections::HashSet;
//! use std::sync::{Arc, Mutex};
//!
//! use axum::extract::{DefaultBodyLimit, FromRef, State};
//! use axum::http::StatusCode;
//! use axum::{Router, routing::post};
//! use questkit_axum::{DedupKey, TrophyWebhook, WebhookEvent, WebhookVerifier};
//!
//! #[derive(Clone)]
//! struct AppState {
//!     verifier: WebhookVerifier,
//!     // In production: a store every replica sees (Redis, a table), with a TTL of days.
//!     processed: Arc<Mutex<HashSet<DedupKey>>>,
//! }
//!
//! impl FromRef<AppState> for WebhookVerifier {
//!     fn from_ref(state: &AppState) -> Self {
//!         state.verifier.clone() // cheap: the secrets are shared
//!     }
//! }
//!
//! async fn trophy_webhook(State(state): State<AppState>, hook: TrophyWebhook) -> StatusCode {
//!     if state.processed.lock().unwrap().contains(&hook.dedup_key) {
//!         return StatusCode::OK; // a redelivery: acknowledge it, do nothing
//!     }
//!     match &hook.event {
//!         WebhookEvent::AchievementCompleted(e) => println!("{} earned {}", e.user.id, e.achievement.name),
//!         WebhookEvent::Unknown { event_type, .. } => println!("not handled yet: {event_type}"),
//!         other => println!("{}", other.event_type()),
//!     }
//!     // Recorded once processed: a failed attempt must let Trophy's retry through.
//!     state.processed.lock().unwrap().insert(hook.dedup_key);
//!     StatusCode::OK
//! }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let state = AppState {
//!     // During a rotation, both secrets: deliveries signed with either are accepted.
//!     verifier: WebhookVerifier::new([
//!         std::env::var("TROPHY_WEBHOOK_SECRET")?,
//!         std::env::var("TROPHY_WEBHOOK_SECRET_OLD")?,
//!     ])?,
//!     processed: Arc::default(),
//! };
//! let app = Router::new()
//!     .route("/webhooks/trophy", post(trophy_webhook))
//!     // Trophy's payloads are small, but leaderboard events carry the rankings.
//!     .layer(DefaultBodyLimit::max(512 * 1024))
//!     .with_state(state);
//! let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await?;
//! axum::serve(listener, app).await?;
//! # Ok(())
//! # }
//! ```
//!
//! To change secrets without a restart, keep the verifier behind a lock in your state
//! (`Arc<RwLock<WebhookVerifier>>`) and clone it out in your `FromRef` implementation.
#![deny(missing_docs)]
// On docs.rs, items behind a cargo feature say which one.
#![cfg_attr(docsrs, feature(doc_cfg))]
// Requests come from the network: no unwrap, expect or panic outside tests.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod trophy;

pub use questkit_trophy::webhooks::{DedupKey, WebhookError, WebhookEvent, WebhookVerifier};
pub use trophy::{TrophyWebhook, WebhookRejection};
