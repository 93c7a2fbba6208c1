//! A response whose top level is not the model's shape is a decode error (issue 10, defect 4).
//!
//! serde's derived structs also read a JSON array by position, so before the core's
//! `decode::from_slice` a positional array such as `["m1","words-written","Words written",
//! null,1500,[]]` came back as a `Metric`, and `[]` as a struct whose fields all have
//! defaults. Every Trophy call whose answer is an object is tried here with both against the
//! mock; the list calls still read `[]` as an empty list; an error body that is an array is
//! not taken for Trophy's `{"error": ...}`.

use std::future::Future;
use std::pin::Pin;

use chrono::NaiveDate;
use questkit_core::Error;
use questkit_mock::Fault;
use questkit_mock::trophy::{DEMO_API_KEY, TrophyMock};
use questkit_trophy::metrics::Aggregation;
use questkit_trophy::preferences::UpdateUserPreferences;
use questkit_trophy::{ErrorBody, Trophy, UpdatedUser, UpsertedUser};

const POSITIONAL_METRIC: &str = r#"["m1","words-written","Words written",null,1500,[]]"#;

type Call = Pin<Box<dyn Future<Output = Result<(), Error>> + Send>>;

fn ok<T, F>(future: F) -> Call
where
    F: Future<Output = Result<T, Error>> + Send + 'static,
{
    Box::pin(async move { future.await.map(drop) })
}

async fn setup() -> (TrophyMock, Trophy) {
    let mock = TrophyMock::start().await;
    let trophy = Trophy::builder()
        .api_key(DEMO_API_KEY)
        .base_url(mock.uri())
        .max_retries(0)
        .build()
        .unwrap();
    (mock, trophy)
}

/// Every call whose answer is one JSON object (status as the mock answers it).
fn object_calls(trophy: &Trophy) -> Vec<(&'static str, u16, Call)> {
    let users = trophy.users();
    vec![
        (
            "users.create",
            201,
            ok(users.create(UpsertedUser::new("u")).into_future()),
        ),
        ("users.get", 200, ok(users.get("u").into_future())),
        (
            "users.identify",
            200,
            ok(users.identify("u", UpdatedUser::new()).into_future()),
        ),
        (
            "users.update",
            200,
            ok(users.update("u", UpdatedUser::new()).into_future()),
        ),
        (
            "users.get_preferences",
            200,
            ok(users.get_preferences("u").into_future()),
        ),
        (
            "users.update_preferences",
            200,
            ok(users
                .update_preferences("u", UpdateUserPreferences::new())
                .into_future()),
        ),
        (
            "users.single_metric",
            200,
            ok(users.single_metric("u", "k").into_future()),
        ),
        ("users.streak", 200, ok(users.streak("u").into_future())),
        (
            "users.points",
            200,
            ok(users.points("u", "xp").into_future()),
        ),
        (
            "users.leaderboard",
            200,
            ok(users.leaderboard("u", "lb").into_future()),
        ),
        ("users.wrapped", 200, ok(users.wrapped("u").into_future())),
        (
            "achievements.complete",
            201,
            ok(trophy.achievements().complete("a", "u").into_future()),
        ),
        (
            "metrics.event (201)",
            201,
            ok(trophy.metrics().event("k", "u", 1.0).into_future()),
        ),
        (
            "metrics.event (202)",
            202,
            ok(trophy.metrics().event("k", "u", 1.0).into_future()),
        ),
        (
            "points.system",
            200,
            ok(trophy.points().system("xp").into_future()),
        ),
        (
            "leaderboards.get",
            200,
            ok(trophy.leaderboards().get("lb").into_future()),
        ),
    ]
}

/// Every call whose answer is a JSON list.
fn list_calls(trophy: &Trophy) -> Vec<(&'static str, Call)> {
    let users = trophy.users();
    let day = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    vec![
        (
            "achievements.all",
            ok(trophy.achievements().all().into_future()),
        ),
        (
            "leaderboards.all",
            ok(trophy.leaderboards().all().into_future()),
        ),
        (
            "streaks.list",
            ok(trophy.streaks().list(["u"]).into_future()),
        ),
        (
            "users.all_metrics",
            ok(users.all_metrics("u").into_future()),
        ),
        (
            "users.achievements",
            ok(users.achievements("u").into_future()),
        ),
        (
            "users.points_boosts",
            ok(users.points_boosts("u", "xp").into_future()),
        ),
        (
            "users.metric_event_summary",
            ok(users
                .metric_event_summary("u", "k", Aggregation::Daily, day, day)
                .into_future()),
        ),
        (
            "users.points_event_summary",
            ok(users
                .points_event_summary("u", "xp", Aggregation::Daily, day, day)
                .into_future()),
        ),
        (
            "points.summary",
            ok(trophy.points().summary("xp").into_future()),
        ),
        (
            "points.boosts",
            ok(trophy.points().boosts("xp").into_future()),
        ),
        (
            "points.levels",
            ok(trophy.points().levels("xp").into_future()),
        ),
        (
            "points.level_summary",
            ok(trophy.points().level_summary("xp").into_future()),
        ),
    ]
}

#[tokio::test]
async fn arrays_never_decode_into_object_models() {
    let (mock, trophy) = setup().await;
    let calls = object_calls(&trophy);
    assert_eq!(calls.len(), 16);
    let mut wrong = Vec::new();
    for (name, status, _) in &calls {
        for body in ["[]", POSITIONAL_METRIC, "  [\n]"] {
            mock.fail_next(1, Fault::json(*status, body)).await;
            // A fresh call value: each one is sent once.
            let call = object_calls(&trophy)
                .into_iter()
                .find(|(n, _, _)| n == name)
                .map(|(_, _, call)| call)
                .unwrap();
            // Models with flattened parts are read as maps only; the others are refused by
            // the core's top-level check. Either way: a decode error.
            match call.await {
                Err(Error::Decode(_)) => {}
                other => wrong.push(format!("{name} <- {body}: {other:?}")),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "decoded an array as an object:\n{}",
        wrong.join("\n")
    );
}

#[tokio::test]
async fn the_metric_seen_by_position_is_refused() {
    let (mock, trophy) = setup().await;
    mock.fail_next(1, Fault::json(200, POSITIONAL_METRIC)).await;
    let err = trophy
        .users()
        .single_metric("u", "words-written")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err}");
    // The same values as an object are a metric.
    let object = r#"{"id":"m1","key":"words-written","name":"Words written","current":1500,"achievements":[]}"#;
    mock.fail_next(1, Fault::json(200, object)).await;
    let metric = trophy
        .users()
        .single_metric("u", "words-written")
        .await
        .unwrap();
    assert_eq!((metric.id.as_str(), metric.current), ("m1", 1500.0));
}

#[tokio::test]
async fn lists_read_an_empty_array_and_refuse_an_object() {
    let (mock, trophy) = setup().await;
    let calls = list_calls(&trophy);
    assert_eq!(calls.len(), 12);
    for (name, call) in calls {
        mock.fail_next(1, Fault::json(200, "[]")).await;
        assert!(call.await.is_ok(), "{name}: [] is an empty list");
    }
    for (name, call) in list_calls(&trophy) {
        mock.fail_next(1, Fault::json(200, "{}")).await;
        let err = call.await.unwrap_err();
        assert!(matches!(err, Error::Decode(_)), "{name}: {err}");
    }
}

#[tokio::test]
async fn an_array_error_body_is_not_trophys_message() {
    let (mock, trophy) = setup().await;
    mock.fail_next(1, Fault::json(404, r#"["User not found"]"#))
        .await;
    let err = trophy.users().get("ghost").await.unwrap_err();
    let api = err.api().expect("an API error");
    assert_eq!(api.status.as_u16(), 404);
    assert_ne!(api.message, "User not found", "read by position");
    assert_eq!(ErrorBody::parse(br#"["User not found"]"#), None);
    assert_eq!(
        ErrorBody::parse(br#"{"error":"User not found"}"#).map(|b| b.error),
        Some("User not found".to_owned())
    );
}
