//! The admin client against the Trophy mock: the checks made before sending, partial
//! success, retries of batch events with the same per-event keys, incomplete batches, and the
//! sensitive creation of application keys.

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use questkit_core::{Error, RetryPolicy};
use questkit_mock::Fault;
use questkit_mock::trophy::{DEMO_ADMIN_API_KEY, DEMO_API_KEY, TrophyMock};
use questkit_mock::wiremock::Request;
use questkit_trophy::Trophy;
use questkit_trophy::admin::achievements::{AchievementUpdate, NewAchievement};
use questkit_trophy::admin::leaderboards::NewLeaderboard;
use questkit_trophy::admin::metrics::{
    BatchEvent, BatchEventUser, BatchOutcome, MetricUpdate, NewMetric,
};
use questkit_trophy::admin::points::{
    NewPointsBoost, NewPointsSystem, NewPointsTrigger, PointsTriggerUpdate,
};
use questkit_trophy::admin::streaks::{FreezeSettings, StreakSettingsUpdate};
use questkit_trophy::admin::tenants::TenantUpdate;
use questkit_trophy::points::PointsTriggerType;
use serde_json::{Value, json};

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        ..RetryPolicy::default()
    }
}

async fn setup() -> (TrophyMock, Trophy) {
    let mock = TrophyMock::start().await;
    let trophy = Trophy::builder()
        .api_key(DEMO_ADMIN_API_KEY)
        .base_url(mock.uri())
        .admin_base_url(mock.admin_uri())
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    (mock, trophy)
}

fn body(req: &Request) -> Value {
    serde_json::from_slice(&req.body).expect("a JSON body")
}

fn invalid(err: Error) -> String {
    match err {
        Error::InvalidInput(message) => message,
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

fn events(n: usize) -> Vec<BatchEvent> {
    (0..n)
        .map(|i| BatchEvent::new("words-written", format!("user-{i}"), i as f64))
        .collect()
}

#[tokio::test]
async fn batch_events_are_sent_once_per_key() {
    let (mock, trophy) = setup().await;
    let batch = events(3);
    let keys: Vec<String> = batch.iter().map(|e| e.idempotency_key.clone()).collect();
    let outcome = trophy
        .admin()
        .metrics()
        .batch_events(batch.clone())
        .await
        .unwrap();
    assert_eq!(outcome, BatchOutcome::Complete { accepted: 3 });
    let req = mock.admin().last_request().await.unwrap();
    assert_eq!(req.method.as_str(), "POST");
    assert_eq!(req.url.path(), "/admin/v1/metrics/events");
    let sent = body(&req);
    let sent_keys: Vec<&str> = sent
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["idempotencyKey"].as_str().unwrap())
        .collect();
    assert_eq!(sent_keys, keys);
    assert_eq!(
        sent[1],
        json!({"key": "words-written", "user": {"id": "user-1"}, "value": 1.0,
                              "idempotencyKey": keys[1]})
    );
    assert_eq!(mock.batch_event_keys(), keys);

    // The same events again (a resend after a crash): Trophy would ignore them.
    let again = trophy.admin().metrics().batch_events(batch).await.unwrap();
    assert!(again.is_complete());
    let stats = mock.batch_stats();
    assert_eq!(
        (
            stats.batches,
            stats.events,
            stats.unique_keys,
            stats.duplicates
        ),
        (2, 6, 3, 3)
    );
}

#[tokio::test]
async fn a_batch_is_retried_after_a_503_with_the_same_keys() {
    let (mock, trophy) = setup().await;
    mock.admin()
        .fail_next_on("POST", "/metrics/events", 1, Fault::status(503))
        .await;
    let batch = events(2);
    let outcome = trophy
        .admin()
        .metrics()
        .batch_events(batch.clone())
        .await
        .unwrap();
    assert!(outcome.is_complete());
    let requests = mock.admin().received_requests().await;
    assert_eq!(requests.len(), 2, "one 503, one retry");
    assert_eq!(
        body(&requests[0]),
        body(&requests[1]),
        "the retry sends the same body"
    );
    let stats = mock.batch_stats();
    assert_eq!((stats.unique_keys, stats.duplicates), (2, 0));

    // A timeout is retried too: the call is replay-safe.
    mock.admin()
        .fail_next_on(
            "POST",
            "/metrics/events",
            1,
            Fault::status(202)
                .body(r#"{"accepted":2}"#)
                .delayed(Duration::from_millis(400)),
        )
        .await;
    let slow = trophy
        .admin()
        .metrics()
        .batch_events(batch)
        .timeout(Duration::from_millis(100))
        .await
        .unwrap();
    assert!(slow.is_complete());
    assert_eq!(
        mock.batch_stats().duplicates,
        2,
        "the retry after the timeout reused the keys"
    );
}

#[tokio::test]
async fn fewer_accepted_than_sent_is_not_a_success() {
    let (mock, trophy) = setup().await;
    mock.admin()
        .fail_next_on(
            "POST",
            "/metrics/events",
            1,
            Fault::json(202, r#"{"accepted": 1}"#),
        )
        .await;
    let outcome = trophy
        .admin()
        .metrics()
        .batch_events(events(3))
        .await
        .unwrap();
    assert_eq!(
        outcome,
        BatchOutcome::Incomplete {
            sent: 3,
            accepted: 1
        }
    );
    assert!(!outcome.is_complete());
    assert_eq!(outcome.missing(), 2);
}

#[tokio::test]
async fn batches_are_checked_before_sending() {
    let (mock, trophy) = setup().await;
    let metrics = trophy.admin().metrics();
    let empty = metrics.batch_events(Vec::new()).await.unwrap_err();
    assert!(invalid(empty).contains("at least one"));
    let too_many = metrics.batch_events(events(1001)).await.unwrap_err();
    assert!(invalid(too_many).contains("1001 items, at most 1000"));
    let bad = metrics
        .batch_events([
            BatchEvent::new("words-written", "u", 1.0),
            BatchEvent::new("words-written", BatchEventUser::new(" "), 1.0),
        ])
        .await
        .unwrap_err();
    assert!(invalid(bad).contains("item 1: the user ID is empty"));
    assert!(
        metrics
            .batch_events(events(1000))
            .await
            .unwrap()
            .is_complete()
    );
    assert_eq!(
        mock.admin().received_requests().await.len(),
        1,
        "only the valid batch was sent"
    );
}

#[tokio::test]
async fn the_mock_refuses_batches_trophy_refuses() {
    let (_mock, trophy) = setup().await;
    let unknown = trophy
        .admin()
        .metrics()
        .batch_events([BatchEvent::new("no-such-metric", "u", 1.0)])
        .await
        .unwrap_err();
    assert_eq!(unknown.status().map(|s| s.as_u16()), Some(404));
    assert!(
        unknown.to_string().contains("Metric not found"),
        "{unknown}"
    );
}

#[tokio::test]
async fn bulk_writes_are_checked_and_partly_succeed() {
    let (mock, trophy) = setup().await;
    let metrics = trophy.admin().metrics();
    let answer = metrics
        .create([
            NewMetric::new("Pages read", "pages-read").units("pages"),
            NewMetric::new("Words again", "words-written"),
        ])
        .await
        .unwrap();
    assert_eq!(answer.created.len(), 1);
    assert_eq!(answer.created[0].units, "pages");
    assert_eq!(answer.issues.len(), 1);
    assert_eq!(answer.issues[0].position(), Some(1));
    assert!(answer.has_errors());
    let id = answer.created[0].id.clone();
    assert_eq!(metrics.get(id.as_str()).await.unwrap().key, "pages-read");
    let updated = metrics
        .update([
            MetricUpdate::new(id.as_str()).name("Pages"),
            MetricUpdate::new("nope"),
        ])
        .await
        .unwrap();
    assert_eq!(updated.updated[0].name, "Pages");
    assert_eq!(
        updated.issues[0].id.as_ref().map(|i| i.as_str()),
        Some("nope")
    );

    let before = mock.admin().received_requests().await.len();
    let empty = metrics.create(Vec::new()).await.unwrap_err();
    assert!(invalid(empty).contains("admin.metrics.create: at least one item"));
    let many = (0..101).map(|i| NewMetric::new("m", format!("m{i}")));
    assert!(invalid(metrics.create(many).await.unwrap_err()).contains("101 items, at most 100"));
    let no_ids = metrics.delete(Vec::<String>::new()).await.unwrap_err();
    assert!(invalid(no_ids).contains("admin.metrics.delete"));
    let blank = metrics.update([MetricUpdate::new("")]).await.unwrap_err();
    assert!(invalid(blank).contains("item 0: the ID is empty"));
    assert_eq!(
        mock.admin().received_requests().await.len(),
        before,
        "nothing was sent"
    );

    let deleted = metrics.delete([id.as_str(), "nope"]).await.unwrap();
    let req = mock.admin().last_request().await.unwrap();
    let ids: Vec<String> = req
        .url
        .query_pairs()
        .filter(|(k, _)| k == "ids")
        .map(|(_, v)| v.into_owned())
        .collect();
    assert_eq!(ids, [id.as_str(), "nope"], "ids as a repeated parameter");
    assert_eq!(deleted.deleted.len(), 1);
    assert_eq!(deleted.issues.len(), 1);
    assert!(metrics.get(id.as_str()).await.unwrap_err().is_not_found());
}

#[tokio::test]
async fn keys_and_bases() {
    let (mock, _) = setup().await;
    // An application key is refused by the admin API, an admin key works on both.
    let app_only = Trophy::builder()
        .api_key(DEMO_API_KEY)
        .base_url(mock.uri())
        .admin_base_url(mock.admin_uri())
        .build()
        .unwrap();
    let refused = app_only.admin().metrics().list().await.unwrap_err();
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(401));
    assert!(app_only.users().get("u1").await.is_ok());
    let split = Trophy::builder()
        .api_key(DEMO_API_KEY)
        .admin_api_key(DEMO_ADMIN_API_KEY)
        .base_url(mock.uri())
        .admin_base_url(mock.admin_uri())
        .tenant_id("customer_12345")
        .build()
        .unwrap();
    assert!(split.admin().metrics().list().await.is_ok());
    let req = mock.admin().last_request().await.unwrap();
    let header = |name: &str| {
        req.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    assert_eq!(header("x-api-key").as_deref(), Some(DEMO_ADMIN_API_KEY));
    assert_eq!(header("tenant-id").as_deref(), Some("customer_12345"));
    assert!(split.users().get("u1").await.is_ok());
    let app_req = mock.last_request().await.unwrap();
    assert_eq!(
        app_req
            .headers
            .get("x-api-key")
            .and_then(|v| v.to_str().ok()),
        Some(DEMO_API_KEY),
        "the application API keeps the client's key"
    );
    let admin_everywhere = Trophy::builder()
        .api_key(DEMO_ADMIN_API_KEY)
        .base_url(mock.uri())
        .build()
        .unwrap();
    assert!(admin_everywhere.users().get("u1").await.is_ok());
}

#[tokio::test]
async fn error_fixtures_become_api_errors_with_trophy_messages() {
    let (mock, trophy) = setup().await;
    for status in [400u16, 401, 403, 404, 422] {
        let body = std::fs::read_to_string(format!(
            "{}/../../fixtures/trophy/admin/errors/{status}.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let message = serde_json::from_str::<Value>(&body).unwrap()["error"]
            .as_str()
            .unwrap()
            .to_owned();
        mock.admin().fail_next(1, Fault::json(status, &body)).await;
        let err = trophy.admin().tenants().list().await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(
            err.api().map(|a| a.message.as_str()),
            Some(message.as_str())
        );
        assert_eq!(err.attempts(), 1, "{status} is not retried");
    }
}

#[tokio::test]
async fn items_missing_what_their_variant_requires_are_never_sent() {
    let (mock, trophy) = setup().await;
    let admin = trophy.admin();
    let mut metric = NewAchievement::metric("Novice", "m", 500.0);
    metric.metric_id = None;
    let err = admin
        .achievements()
        .create([NewAchievement::streak("ok", 3), metric])
        .await
        .unwrap_err();
    assert!(
        invalid(err).contains("item 1: a `metric` achievement needs `metricId` and `metricValue`")
    );
    let retrigger = AchievementUpdate::new("a1").trigger("anniversary".into());
    assert!(
        invalid(admin.achievements().update([retrigger]).await.unwrap_err())
            .contains("anniversaryYears")
    );

    let time = NewPointsTrigger::custom("time", 5);
    let err = admin
        .points()
        .triggers("s")
        .create([time])
        .await
        .unwrap_err();
    assert!(invalid(err).contains("`timeUnit` and `timeInterval`"));
    let retype = PointsTriggerUpdate::new("t1")
        .kind(PointsTriggerType::Metric)
        .metric_threshold(3);
    assert!(
        invalid(
            admin
                .points()
                .triggers("s")
                .update([retype])
                .await
                .unwrap_err()
        )
        .contains("metricId")
    );
    let nested = NewPointsSystem::new("XP", "xp").trigger(NewPointsTrigger::custom("streak", 1));
    assert!(
        invalid(admin.points().systems().create([nested]).await.unwrap_err()).contains("trigger 0")
    );

    let board = NewLeaderboard::custom("B", "b", "points");
    assert!(
        invalid(admin.leaderboards().create([board]).await.unwrap_err()).contains("pointsSystemId")
    );
    let start = chrono::NaiveDate::from_ymd_opt(2099, 1, 1).unwrap();
    let both = NewPointsBoost::for_user("u", "b", start, 2.0).user_attribute("a", "v");
    assert!(
        invalid(admin.points().boosts("s").create([both]).await.unwrap_err()).contains("not both")
    );
    let empty = admin
        .tenants()
        .update([TenantUpdate::new("t1")])
        .await
        .unwrap_err();
    assert!(invalid(empty).contains("`customerId` or `name`"));
    let mut half = FreezeSettings::new(1, 3);
    half.auto_earn_interval = Some(7);
    let settings = StreakSettingsUpdate::new().freezes(half);
    assert!(
        invalid(
            admin
                .streaks()
                .settings()
                .update(settings)
                .await
                .unwrap_err()
        )
        .contains("auto-earn")
    );
    assert!(
        invalid(
            admin
                .streaks()
                .restore(Vec::<&str>::new())
                .await
                .unwrap_err()
        )
        .contains("at least one")
    );
    let many: Vec<String> = (0..101).map(|i| format!("u{i}")).collect();
    assert!(
        invalid(admin.streaks().freezes().create(&many).await.unwrap_err()).contains("101 items")
    );
    assert!(invalid(admin.tenants().delete(&many).await.unwrap_err()).contains("101 items"));
    assert!(
        mock.admin().received_requests().await.is_empty(),
        "nothing reached the server"
    );

    // A trigger Trophy added later is sent as given, with its own fields.
    let referral = NewPointsTrigger::custom("referral", 5).extra("referralCode", json!("abc"));
    let answer = admin
        .points()
        .triggers("550e8400-e29b-41d4-a716-446655440000")
        .create([referral])
        .await
        .unwrap();
    let sent = body(&mock.admin().last_request().await.unwrap());
    assert_eq!(
        sent,
        json!([{"type": "referral", "points": 5, "referralCode": "abc"}])
    );
    assert_eq!(
        answer.issues.len(),
        1,
        "the mock does not know the type: an issue, not an error"
    );
}

#[tokio::test]
async fn application_key_creation_is_sensitive() {
    let (mock, trophy) = setup().await;
    let answer = trophy
        .admin()
        .application_api_keys()
        .create(["user-1"])
        .await
        .unwrap();
    let key = &answer.created[0];
    assert!(key.key.expose().starts_with("app_"));
    assert!(
        !format!("{answer:?}").contains(key.key.expose()),
        "Debug never shows the key"
    );

    let leaky = r#"{"error": "refused", "echo": "app_secret.do_not_log"}"#;
    mock.admin()
        .fail_next_on("POST", "/application-api-keys", 1, Fault::json(422, leaky))
        .await;
    let err = trophy
        .admin()
        .application_api_keys()
        .create(["user-1"])
        .await
        .unwrap_err();
    let api = err.api().expect("an API error");
    assert_eq!(api.status.as_u16(), 422);
    assert!(api.body().is_empty(), "a sensitive call keeps no body");
    assert!(!format!("{err} {err:?}").contains("do_not_log"));

    // The same body on a call that is not sensitive is kept (for debugging).
    mock.admin()
        .fail_next_on(
            "DELETE",
            "/application-api-keys",
            1,
            Fault::json(422, leaky),
        )
        .await;
    let err = trophy
        .admin()
        .application_api_keys()
        .delete(["k"])
        .await
        .unwrap_err();
    assert!(!err.api().unwrap().body().is_empty());
}

#[tokio::test]
async fn lists_stream_every_item_page_by_page() {
    let (mock, trophy) = setup().await;
    let all: Vec<_> = trophy
        .admin()
        .metrics()
        .list()
        .limit(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let keys: Vec<_> = all.iter().map(|m| m.key.as_str()).collect();
    assert_eq!(keys, ["oldest-metric", "revenue", "words-written"]);
    let pages: Vec<String> = mock
        .admin()
        .received_requests()
        .await
        .iter()
        .map(|r| r.url.query().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        pages,
        ["skip=0&limit=2", "skip=2&limit=2"],
        "stops after the short page"
    );

    let from_second: Vec<_> = trophy
        .admin()
        .tenants()
        .list()
        .skip(1)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(from_second.len(), 1);
    let last = mock.admin().last_request().await.unwrap();
    assert_eq!(
        last.url.query(),
        Some("skip=1&limit=100"),
        "default page: the largest Trophy serves"
    );

    mock.admin().fail_next(1, Fault::status(500)).await;
    let failed: Vec<_> = trophy
        .admin()
        .attributes()
        .list()
        .max_retries(0)
        .stream()
        .collect::<Vec<_>>()
        .await;
    assert_eq!(
        failed.len(),
        1,
        "an error is yielded once and ends the stream"
    );
    assert!(failed[0].is_err());
}
