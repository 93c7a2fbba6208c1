//! The Trophy webhook extractor in a real axum router served on 127.0.0.1, called over HTTP
//! with reqwest: signed fixtures (fixtures/trophy/webhooks), rotation, refusals, body limits
//! and redeliveries.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRef, State};
use axum::http::StatusCode;
use axum::routing::post;
use questkit_axum::{DedupKey, TrophyWebhook, WebhookEvent, WebhookRejection, WebhookVerifier};
use questkit_core::reqwest;
use questkit_trophy::webhooks::{SIGNATURE_HEADER, sign_webhook};
use serde_json::{Value, json};

/// The secret the fixtures are signed with (fixtures/trophy/webhooks/signatures.json).
fn fixture_secret() -> String {
    let sigs: Value = serde_json::from_slice(&fixture("signatures.json")).unwrap();
    sigs["secret"].as_str().unwrap().to_owned()
}

fn fixture(file: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/trophy/webhooks")
        .join(file);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// What a handler saw: every event it was given, and the keys it processed.
#[derive(Clone)]
struct AppState {
    verifier: WebhookVerifier,
    events: Arc<Mutex<Vec<WebhookEvent>>>,
    processed: Arc<Mutex<HashSet<DedupKey>>>,
}

impl FromRef<AppState> for WebhookVerifier {
    fn from_ref(state: &AppState) -> Self {
        state.verifier.clone()
    }
}

/// Answers what it got: the type, the key, and whether the key was seen before.
async fn receive(State(state): State<AppState>, hook: TrophyWebhook) -> String {
    let duplicate = !state
        .processed
        .lock()
        .unwrap()
        .insert(hook.dedup_key.clone());
    state.events.lock().unwrap().push(hook.event.clone());
    json!({
        "type": hook.event.event_type().as_str(),
        "user": hook.event.user().map(|u| u.id.clone()),
        "key": hook.dedup_key.as_str(),
        "natural": hook.dedup_key.natural_key(),
        "duplicate": duplicate,
        "bodyLen": hook.body.len(),
    })
    .to_string()
}

/// Handles refusals itself: keeps an authentic but unreadable body.
async fn receive_or_keep(
    hook: Result<TrophyWebhook, WebhookRejection>,
) -> Result<&'static str, WebhookRejection> {
    match hook {
        Ok(_) => Ok("event"),
        Err(WebhookRejection::MalformedPayload { body, .. }) if body.starts_with(b"[") => {
            Ok("kept an unreadable but authentic body")
        }
        Err(other) => Err(other),
    }
}

struct Server {
    addr: SocketAddr,
    state: AppState,
    http: reqwest::Client,
}

impl Server {
    /// Serves the router on an ephemeral 127.0.0.1 port, `limit` being the body limit (axum's
    /// default when `None`).
    async fn start(secrets: &[&str], limit: Option<usize>) -> Server {
        let state = AppState {
            verifier: WebhookVerifier::new(secrets.iter().copied()).unwrap(),
            events: Arc::default(),
            processed: Arc::default(),
        };
        let mut app = Router::new()
            .route("/webhooks/trophy", post(receive))
            .route("/webhooks/keep", post(receive_or_keep));
        if let Some(limit) = limit {
            app = app.layer(DefaultBodyLimit::max(limit));
        }
        let app = app.with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Server {
            addr,
            state,
            http: reqwest::Client::new(),
        }
    }

    /// Posts `body` with `signature` (no header when `None`); the status and response text.
    async fn post_to(&self, path: &str, body: &[u8], signature: Option<&str>) -> (u16, String) {
        let mut request = self
            .http
            .post(format!("http://{}{path}", self.addr))
            .header("content-type", "application/json")
            .body(body.to_vec());
        if let Some(signature) = signature {
            request = request.header(SIGNATURE_HEADER, signature);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.text().await.unwrap())
    }

    async fn post(&self, body: &[u8], signature: Option<&str>) -> (u16, String) {
        self.post_to("/webhooks/trophy", body, signature).await
    }

    fn events(&self) -> Vec<WebhookEvent> {
        self.state.events.lock().unwrap().clone()
    }
}

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[tokio::test]
async fn a_valid_delivery_reaches_the_handler_typed() {
    let secret = fixture_secret();
    let server = Server::start(&[&secret], None).await;
    let body = fixture("achievement.completed.json");
    let (status, text) = server
        .post(&body, Some(&sign_webhook(&body, &secret)))
        .await;
    assert_eq!(status, 200, "{text}");
    let answer = json_of(&text);
    assert_eq!(answer["type"], "achievement.completed");
    assert_eq!(answer["user"], "user-id");
    assert_eq!(answer["duplicate"], false);
    assert_eq!(answer["bodyLen"], body.len());
    assert_eq!(
        answer["natural"],
        "achievement.completed:user=user-id:achievement=d01dcbcb-d51e-4c12-b054-dc811dcdc625"
    );
    match server.events().as_slice() {
        [WebhookEvent::AchievementCompleted(e)] => {
            assert_eq!(e.achievement.name, "Completed Onboarding");
            assert!(e.achievement.achieved_at.is_some());
        }
        other => panic!("{other:?}"),
    }
}

/// A body with a marker that must never come back in a refusal.
fn marked_body() -> Vec<u8> {
    br#"{"type":"streak.lost","user":{"id":"SECRET-MARKER-USER","created":"2025-01-01T00:00:00Z","updated":"2025-01-01T00:00:00Z"},"length":7}"#.to_vec()
}

fn assert_no_echo(text: &str, body: &[u8], secret: &str) {
    let body = String::from_utf8_lossy(body);
    assert!(
        !text.contains("SECRET-MARKER"),
        "the body is echoed: {text}"
    );
    assert!(!text.contains(body.as_ref()));
    assert!(!text.contains(secret), "the secret is echoed: {text}");
    assert!(
        text.len() < 80,
        "a short fixed message, not the request: {text}"
    );
}

#[tokio::test]
async fn a_missing_signature_is_401_without_echo() {
    let server = Server::start(&["whsec_test"], None).await;
    let body = marked_body();
    let (status, text) = server.post(&body, None).await;
    assert_eq!(status, 401);
    assert_eq!(text, "missing X-Trophy-Signature header");
    assert_no_echo(&text, &body, "whsec_test");
    // An empty header is as good as none.
    let (status, _) = server.post(&body, Some("")).await;
    assert_eq!(status, 401);
    assert!(server.events().is_empty(), "the handler never ran");
}

#[tokio::test]
async fn a_wrong_signature_is_401_without_echo() {
    let server = Server::start(&["whsec_test"], None).await;
    let body = marked_body();
    let wrong_secret = sign_webhook(&body, "whsec_other");
    let other_body = sign_webhook(b"{\"type\":\"streak.lost\"}", "whsec_test");
    for signature in [wrong_secret.as_str(), other_body.as_str()] {
        let (status, text) = server.post(&body, Some(signature)).await;
        assert_eq!(status, 401, "{signature}");
        assert_eq!(text, "invalid webhook signature");
        assert_no_echo(&text, &body, "whsec_test");
        assert!(!text.contains(signature));
    }
    let (status, text) = server.post(&body, Some("not a signature!")).await;
    assert_eq!(status, 401);
    assert_eq!(text, "X-Trophy-Signature is not a webhook signature");
    // A tampered body under a genuine signature.
    let genuine = sign_webhook(&body, "whsec_test");
    let tampered = String::from_utf8(body.clone())
        .unwrap()
        .replace("\"length\":7", "\"length\":70");
    let (status, text) = server.post(tampered.as_bytes(), Some(&genuine)).await;
    assert_eq!(status, 401);
    assert_no_echo(&text, tampered.as_bytes(), "whsec_test");
    assert!(server.events().is_empty(), "the handler never ran");
}

#[tokio::test]
async fn a_rotated_secret_old_and_new_both_accepted_while_both_configured() {
    let body = fixture("streak.extended.json");
    let (old, new) = ("whsec_old_secret", "whsec_new_secret");

    let during = Server::start(&[new, old], None).await;
    for secret in [old, new] {
        let (status, text) = during.post(&body, Some(&sign_webhook(&body, secret))).await;
        assert_eq!(status, 200, "{secret}: {text}");
        assert_eq!(json_of(&text)["type"], "streak.extended");
    }
    // Both copies are the same delivery to the de-duplication key.
    assert_eq!(during.events().len(), 2);
    assert_eq!(during.state.processed.lock().unwrap().len(), 1);

    let after = Server::start(&[new], None).await;
    let (status, _) = after.post(&body, Some(&sign_webhook(&body, old))).await;
    assert_eq!(status, 401, "the old secret is refused once dropped");
    let (status, _) = after.post(&body, Some(&sign_webhook(&body, new))).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn an_unknown_event_type_is_kept_raw() {
    let secret = fixture_secret();
    let server = Server::start(&[&secret], None).await;
    let body = fixture("unknown.user.deleted.json");
    let (status, text) = server
        .post(&body, Some(&sign_webhook(&body, &secret)))
        .await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(json_of(&text)["natural"], "user.deleted");
    match server.events().as_slice() {
        [
            WebhookEvent::Unknown {
                event_type,
                payload,
            },
        ] => {
            assert_eq!(event_type, "user.deleted");
            assert_eq!(payload["reason"], "gdpr");
            assert_eq!(payload["userId"], "user-123");
        }
        other => panic!("{other:?}"),
    }
}

/// A signed `streak.lost` padded with an ignored field to exactly `len` bytes.
fn padded_body(len: usize) -> Vec<u8> {
    let head = r#"{"type":"streak.lost","user":{"id":"u1","created":"2025-01-01T00:00:00Z","updated":"2025-01-01T00:00:00Z"},"length":7,"pad":""#;
    let tail = "\"}";
    let mut body = head.as_bytes().to_vec();
    body.resize(len - tail.len(), b'x');
    body.extend_from_slice(tail.as_bytes());
    assert_eq!(body.len(), len);
    body
}

#[tokio::test]
async fn a_body_over_the_configured_limit_is_413() {
    let server = Server::start(&["whsec_test"], Some(1024)).await;
    let fits = padded_body(1024);
    let (status, text) = server
        .post(&fits, Some(&sign_webhook(&fits, "whsec_test")))
        .await;
    assert_eq!(status, 200, "at the limit: {text}");
    let over = padded_body(1025);
    let (status, text) = server
        .post(&over, Some(&sign_webhook(&over, "whsec_test")))
        .await;
    assert_eq!(status, 413);
    assert_eq!(text, "webhook body is larger than this endpoint accepts");
    assert_eq!(server.events().len(), 1);
}

#[tokio::test]
async fn axums_default_limit_applies_when_none_is_configured() {
    // axum's DefaultBodyLimit is 2 MiB.
    let server = Server::start(&["whsec_test"], None).await;
    let over = padded_body(2 * 1024 * 1024 + 1);
    let (status, _) = server
        .post(&over, Some(&sign_webhook(&over, "whsec_test")))
        .await;
    assert_eq!(status, 413);
    let fits = padded_body(64 * 1024);
    let (status, _) = server
        .post(&fits, Some(&sign_webhook(&fits, "whsec_test")))
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_duplicate_delivery_is_recognised_by_its_key() {
    let secret = fixture_secret();
    let server = Server::start(&[&secret], None).await;
    let body = fixture("emails.recap_due.json");
    let signature = sign_webhook(&body, &secret);

    let (_, first) = server.post(&body, Some(&signature)).await;
    let (_, again) = server.post(&body, Some(&signature)).await;
    let (first, again) = (json_of(&first), json_of(&again));
    assert_eq!(first["duplicate"], false);
    assert_eq!(again["duplicate"], true, "the redelivery is recognised");
    assert_eq!(first["key"], again["key"]);

    // A retry whose timestamp was re-rendered is another key, with the same natural key.
    let retried = String::from_utf8(body)
        .unwrap()
        .replace("2025-04-07T08:00:00Z", "2025-04-07T08:05:00Z");
    let (_, changed) = server
        .post(
            retried.as_bytes(),
            Some(&sign_webhook(retried.as_bytes(), &secret)),
        )
        .await;
    let changed = json_of(&changed);
    assert_eq!(changed["duplicate"], false);
    assert_ne!(changed["key"], first["key"]);
    assert_eq!(changed["natural"], first["natural"]);
    assert_eq!(
        first["natural"],
        "emails.recap_due:user=user-123:period=2025-03-31..2025-04-06"
    );
}

#[tokio::test]
async fn an_authentic_but_unreadable_body_is_400_and_can_be_kept() {
    let server = Server::start(&["whsec_test"], None).await;
    let body = br#"[{"type":"SECRET-MARKER"}]"#;
    let signature = sign_webhook(body, "whsec_test");
    let (status, text) = server.post(body, Some(&signature)).await;
    assert_eq!(status, 400);
    assert_eq!(
        text,
        "webhook body is not a Trophy event this endpoint can read"
    );
    assert_no_echo(&text, body, "whsec_test");
    // A handler taking the Result sees the verified body.
    let (status, text) = server
        .post_to("/webhooks/keep", body, Some(&signature))
        .await;
    assert_eq!(
        (status, text.as_str()),
        (200, "kept an unreadable but authentic body")
    );
    // ... and still gets the 401 for an unsigned one.
    let (status, _) = server.post_to("/webhooks/keep", body, None).await;
    assert_eq!(status, 401);
}

#[test]
fn rejections_say_their_status_and_hide_the_body() {
    let rejection = WebhookRejection::MalformedPayload {
        error: questkit_axum::WebhookError::MalformedPayload {
            message: "expected value".into(),
        },
        body: axum::body::Bytes::from_static(b"SECRET-MARKER"),
    };
    assert_eq!(rejection.status(), StatusCode::BAD_REQUEST);
    let debug = format!("{rejection:?}");
    assert!(!debug.contains("SECRET-MARKER"), "{debug}");
    assert!(debug.contains("body_len: 13"), "{debug}");
    assert_eq!(
        WebhookRejection::PayloadTooLarge.status(),
        StatusCode::PAYLOAD_TOO_LARGE
    );
    let unauthorized =
        WebhookRejection::Unauthorized(questkit_axum::WebhookError::SignatureMismatch);
    assert_eq!(unauthorized.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        unauthorized.to_string(),
        "401 Unauthorized (webhook signature does not match the body)"
    );
}
