//! Receiving Trophy webhooks in axum: verified, typed, and de-duplicated.
//!
//! ```text
//! cargo run --example trophy_webhook_axum
//! ```
//!
//! Offline: the example serves an axum router on 127.0.0.1, then plays Trophy itself. It posts
//! a built-in sample delivery signed with a demo secret, the same delivery again (as Trophy's
//! at-least-once delivery may: here signed with the previous secret, which is still accepted
//! during a rotation), and a forged one. The handler recognises the redelivery by its
//! `DedupKey` and acknowledges it without processing it twice; the forgery gets a 401.
//!
//! In your service: take the secrets from your configuration, keep the processed keys where
//! every replica sees them (Redis, a table) for days, and route Trophy to `/webhooks/trophy`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRef, State};
use axum::http::StatusCode;
use axum::routing::post;
use questkit::core::reqwest;
use questkit::trophy::webhooks::{SIGNATURE_HEADER, sign_webhook};
use questkit_axum::{DedupKey, TrophyWebhook, WebhookEvent, WebhookVerifier};

const SAMPLE: &str = r#"{
  "type": "achievement.completed",
  "user": {"id": "user-1", "email": "ada@example.com", "subscribeToEmails": true,
           "attributes": {}, "created": "2025-01-01T00:00:00Z", "updated": "2025-04-03T14:30:00Z"},
  "achievement": {"id": "a-1", "name": "Novice Writer", "trigger": "metric", "metricValue": 500,
                  "metricName": "words written", "achievedAt": "2025-04-03T14:30:00Z"}
}"#;

const NEW_SECRET: &str = "whsec_demo_new";
const OLD_SECRET: &str = "whsec_demo_old";

/// The keys of processed deliveries, each forgotten after `ttl` (longer than Trophy retries).
struct ProcessedKeys {
    ttl: Duration,
    keys: HashMap<DedupKey, Instant>,
}

impl ProcessedKeys {
    fn contains(&mut self, key: &DedupKey) -> bool {
        let now = Instant::now();
        self.keys.retain(|_, at| now.duration_since(*at) < self.ttl);
        self.keys.contains_key(key)
    }

    fn record(&mut self, key: DedupKey) {
        self.keys.insert(key, Instant::now());
    }
}

#[derive(Clone)]
struct AppState {
    verifier: WebhookVerifier,
    processed: Arc<Mutex<ProcessedKeys>>,
}

impl FromRef<AppState> for WebhookVerifier {
    fn from_ref(state: &AppState) -> Self {
        state.verifier.clone()
    }
}

async fn trophy_webhook(
    State(state): State<AppState>,
    hook: TrophyWebhook,
) -> (StatusCode, &'static str) {
    let mut processed = state.processed.lock().unwrap_or_else(|e| e.into_inner());
    if processed.contains(&hook.dedup_key) {
        println!(
            "  server: duplicate of {}, acknowledged, not processed again",
            hook.dedup_key
        );
        return (StatusCode::OK, "duplicate");
    }
    match &hook.event {
        WebhookEvent::AchievementCompleted(e) => println!(
            "  server: {} completed \"{}\"",
            e.user.id, e.achievement.name
        ),
        WebhookEvent::Unknown { event_type, .. } => {
            println!("  server: not handled by this version: {event_type} (kept as raw JSON)")
        }
        other => println!("  server: a `{}` event", other.event_type()),
    }
    // Recorded once processed, so that a failed attempt lets Trophy's retry through. With
    // several replicas, claim the key first in the shared store (SET NX with a short TTL).
    processed.record(hook.dedup_key);
    (StatusCode::OK, "processed")
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!(
        "Using a built-in sample delivery (a mock of Trophy's side) posted to an axum router on 127.0.0.1"
    );
    let state = AppState {
        // Rotating: the new secret and the old one, until the old one's deliveries stop.
        verifier: WebhookVerifier::new([NEW_SECRET, OLD_SECRET])?,
        processed: Arc::new(Mutex::new(ProcessedKeys {
            ttl: Duration::from_secs(3 * 24 * 60 * 60),
            keys: HashMap::new(),
        })),
    };
    let app = Router::new()
        .route("/webhooks/trophy", post(trophy_webhook))
        .layer(DefaultBodyLimit::max(512 * 1024))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/webhooks/trophy", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    println!("Listening on {url}");

    let http = reqwest::Client::new();
    let deliveries = [
        ("the sample, signed with the new secret", NEW_SECRET),
        (
            "the same delivery again, signed with the old secret",
            OLD_SECRET,
        ),
        (
            "a forgery, signed with a secret we do not hold",
            "whsec_forged",
        ),
    ];
    let mut answers = Vec::new();
    for (what, secret) in deliveries {
        println!("Posting {what}");
        let response = http
            .post(&url)
            .header("content-type", "application/json")
            .header(SIGNATURE_HEADER, sign_webhook(SAMPLE.as_bytes(), secret))
            .body(SAMPLE)
            .send()
            .await?;
        let status = response.status().as_u16();
        let text = response.text().await?;
        println!("  -> {status} {text}");
        answers.push((status, text));
    }

    let kept = state.processed.lock().map(|p| p.keys.len()).unwrap_or(0);
    let recognised = answers.get(1).is_some_and(|(_, text)| text == "duplicate");
    let refused = answers.get(2).is_some_and(|(status, _)| *status == 401);
    println!(
        "The duplicate was recognised: {recognised}; the forgery was refused: {refused}; keys kept: {kept}"
    );
    if !(recognised && refused && kept == 1) {
        return Err("unexpected answers".into());
    }
    Ok(())
}
