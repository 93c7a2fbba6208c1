//! Where the builder sends admin calls: never to production when only the application base URL
//! was moved (the admin calls fail with `Config` when awaited, sending nothing), and to the same
//! server as the application API with `server_url`, which matches questkit-mock's layout.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use questkit_core::Error;
use questkit_mock::trophy::{DEMO_ADMIN_API_KEY, TrophyMock};
use questkit_mock::wiremock::MockServer;
use questkit_trophy::Trophy;
use questkit_trophy::admin::batcher::BatcherConfig;
use questkit_trophy::admin::metrics::{BatchEvent, BatchOutcome, NewMetric};

fn not_set(err: &Error) -> bool {
    matches!(err, Error::Config(message) if message.contains("admin base URL not set"))
}

#[tokio::test]
async fn base_url_alone_keeps_admin_calls_off_the_default_host() {
    let mock = TrophyMock::start().await;
    let trophy = Trophy::builder()
        .api_key(DEMO_ADMIN_API_KEY)
        .base_url(mock.uri())
        .documented_rate_limits()
        .build()
        .expect("a client whose admin API is not configured still builds");
    assert_eq!(trophy.admin_base_url(), None);
    let host = trophy
        .admin_transport()
        .base_url()
        .host_str()
        .map(str::to_owned);
    assert_ne!(host.as_deref(), Some("admin.trophy.so"));

    // The application API works.
    assert!(trophy.users().get("user-1").await.is_ok());
    let app_requests = mock.received_requests().await.len();

    // Every kind of admin call fails with Config when awaited, quickly and without a request.
    let admin = trophy.admin();
    let started = std::time::Instant::now();
    let err = admin.metrics().list().await.unwrap_err();
    assert!(not_set(&err), "{err}");
    assert!(!err.is_retryable());
    let err = admin.metrics().get("m1").await.unwrap_err();
    assert!(not_set(&err), "{err}");
    let err = admin
        .metrics()
        .create([NewMetric::new("Words", "words")])
        .await
        .unwrap_err();
    assert!(not_set(&err), "{err}");
    let err = admin.tenants().list().await.unwrap_err();
    assert!(not_set(&err), "{err}");
    let first = admin.metrics().list().stream().next().await;
    assert!(matches!(&first, Some(Err(e)) if not_set(e)), "{first:?}");
    let err = admin
        .metrics()
        .batch_events([BatchEvent::new("words-written", "user-1", 1.0)])
        .await
        .unwrap_err();
    assert!(not_set(&err), "{err}");
    let err = admin
        .metrics()
        .batch_events([BatchEvent::new("words-written", "user-1", 1.0)])
        .send_raw()
        .await
        .unwrap_err();
    assert!(not_set(&err), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "no retry, no wait for a permit"
    );

    // The batcher's batches go through the admin transport: the events come back failed.
    let batcher = admin
        .metrics()
        .batcher(BatcherConfig::default().flush_interval(Duration::from_millis(10)))
        .unwrap();
    let event = BatchEvent::new("words-written", "user-1", 2.0);
    batcher.send(event.clone()).await.unwrap();
    let report = batcher.shutdown(Duration::from_secs(5)).await;
    assert_eq!(report.delivered, 0);
    assert_eq!(report.failed_count, 1);
    let failed = &report.failed[0];
    assert_eq!(failed.item.idempotency_key, event.idempotency_key);
    assert!(
        failed.reason.to_string().contains("admin base URL not set"),
        "{}",
        failed.reason
    );

    assert!(mock.admin().received_requests().await.is_empty());
    assert_eq!(mock.batch_stats().events, 0);
    assert_eq!(
        mock.received_requests().await.len(),
        app_requests,
        "no admin call went to the application API either"
    );
}

#[tokio::test]
async fn from_transport_off_production_leaves_the_admin_api_unset() {
    let mock = TrophyMock::start().await;
    let built = Trophy::builder()
        .api_key(DEMO_ADMIN_API_KEY)
        .base_url(mock.uri())
        .build()
        .unwrap();
    let trophy = Trophy::from_transport(built.transport().clone());
    assert_eq!(trophy.admin_base_url(), None);
    let err = trophy.admin().metrics().list().await.unwrap_err();
    assert!(
        matches!(&err, Error::Config(m) if m.contains("from_transports")),
        "{err}"
    );
    assert!(trophy.users().get("user-1").await.is_ok());
    assert!(mock.admin().received_requests().await.is_empty());
}

#[tokio::test]
async fn server_url_reaches_both_apis_of_the_mock() {
    let mock = TrophyMock::start().await;
    let trophy = Trophy::builder()
        .api_key(DEMO_ADMIN_API_KEY)
        .server_url(mock.uri())
        .build()
        .unwrap();
    assert_eq!(
        trophy.admin_base_url(),
        Some(format!("{}/", mock.admin_uri()).as_str())
    );

    let metric = trophy
        .users()
        .single_metric("user-1", "words-written")
        .await
        .unwrap();
    assert_eq!(metric.key, "words-written");
    let app = mock.last_request().await.unwrap();
    assert_eq!(app.url.path(), "/v1/users/user-1/metrics/words-written");

    let metrics = trophy.admin().metrics().list().await.unwrap();
    assert!(metrics.iter().any(|m| m.key == "words-written"));
    let events: Vec<BatchEvent> = (1..=3)
        .map(|n| BatchEvent::new("words-written", format!("user-{n}"), 10.0))
        .collect();
    let outcome = trophy.admin().metrics().batch_events(events).await.unwrap();
    assert_eq!(outcome, BatchOutcome::Complete { accepted: 3 });
    assert_eq!(mock.batch_stats().events, 3);
    let admin = mock.admin().last_request().await.unwrap();
    assert_eq!(admin.url.path(), "/admin/v1/metrics/events");
}

#[tokio::test]
async fn server_url_reaches_a_mock_under_a_prefix() {
    // The layout of the `questkit-mock` binary and `MockSuite`: `/trophy/v1`, `/trophy/admin/v1`.
    let server = Arc::new(MockServer::start().await);
    let mock = TrophyMock::on_server(server, "/trophy").await;
    assert!(mock.uri().ends_with("/trophy/v1"));
    let trophy = Trophy::builder()
        .api_key(DEMO_ADMIN_API_KEY)
        .server_url(mock.uri())
        .build()
        .unwrap();
    assert!(trophy.users().get("user-1").await.is_ok());
    let metrics = trophy.admin().metrics().list().await.unwrap();
    assert!(!metrics.is_empty());
    let admin = mock.admin().last_request().await.unwrap();
    assert_eq!(admin.url.path(), "/trophy/admin/v1/metrics");
}
