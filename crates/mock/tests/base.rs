//! The mock base: credentials, fixtures, faults, not-found, recording, shared servers.

use std::sync::Arc;
use std::time::Duration;

use questkit_core::{Auth, Error, RetryPolicy, Transport};
use questkit_mock::{ApiSpec, Fault, MockApi};

fn spec() -> ApiSpec {
    ApiSpec::new("demo", "/v1")
        .api_key_header("x-api-key", "demo-key")
        .unauthorized(401, r#"{"error":"Invalid API key"}"#)
        .not_found(404, r#"{"error":"Not found"}"#)
}

fn client(api: &MockApi, key: &str) -> Transport {
    Transport::builder("demo")
        .base_url(api.uri())
        .auth(Auth::header("x-api-key", key))
        .retry_policy(RetryPolicy {
            base_delay: Duration::from_millis(1),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
}

#[tokio::test]
async fn serves_fixtures_only_with_the_right_key() {
    let api = MockApi::start(spec()).await;
    api.mount_json("GET", "/users/{id}", 200, r#"{"id":"u1"}"#)
        .await;
    let ok: serde_json::Value = client(&api, "demo-key")
        .get("users/{id}", &["u1"])
        .await
        .unwrap();
    assert_eq!(ok["id"], "u1");

    let err = client(&api, "wrong")
        .get::<serde_json::Value>("users/{id}", &["u1"])
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert!(err.api().unwrap().body_text().contains("Invalid API key"));

    let err = client(&api, "demo-key")
        .get::<serde_json::Value>("nothing/here", &[])
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(api.received_requests().await.len(), 3);
}

#[tokio::test]
async fn faults_apply_to_the_next_requests_only() {
    let api = MockApi::start(spec()).await;
    api.mount_json("GET", "/users/{id}", 200, r#"{"id":"u1"}"#)
        .await;
    api.fail_next(2, Fault::status(503)).await;
    let raw = client(&api, "demo-key")
        .get::<serde_json::Value>("users/{id}", &["u1"])
        .send_raw()
        .await
        .unwrap();
    assert_eq!(raw.attempts, 3);

    api.fail_next_on("GET", "/users/{id}", 1, Fault::html(502))
        .await;
    let err = client(&api, "demo-key")
        .get::<serde_json::Value>("users/{id}", &["u1"])
        .max_retries(0)
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));

    api.fail_next(1, Fault::malformed_json()).await;
    let err = client(&api, "demo-key")
        .get::<serde_json::Value>("users/{id}", &["u1"])
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");

    api.fail_next(1, Fault::delay(Duration::from_secs(2))).await;
    let err = client(&api, "demo-key")
        .get::<serde_json::Value>("users/{id}", &["u1"])
        .timeout(Duration::from_millis(100))
        .max_retries(0)
        .await
        .unwrap_err();
    assert!(err.is_timeout());

    api.fail_next(1, Fault::retry_after(429, "0")).await;
    let raw = client(&api, "demo-key")
        .get::<serde_json::Value>("users/{id}", &["u1"])
        .send_raw()
        .await
        .unwrap();
    assert_eq!(raw.attempts, 2);
}

#[tokio::test]
async fn apis_share_one_server_under_prefixes() {
    let first = MockApi::start(spec()).await;
    let second = MockApi::on_server(
        first.shared_server(),
        "/other",
        ApiSpec::new("other", "/api/v2"),
    )
    .await;
    first.mount_json("GET", "/ping", 200, "1").await;
    second.mount_json("GET", "/ping", 200, "2").await;
    assert_eq!(
        second.uri(),
        format!("{}/other/api/v2", first.server().uri())
    );
    let a: u32 = client(&first, "demo-key").get("ping", &[]).await.unwrap();
    let b: u32 = client(&second, "no key needed")
        .get("ping", &[])
        .await
        .unwrap();
    assert_eq!((a, b), (1, 2));
    assert_eq!(first.received_requests().await.len(), 1);
    assert_eq!(second.received_requests().await.len(), 1);
    assert!(Arc::strong_count(&first.shared_server()) >= 2);
}
