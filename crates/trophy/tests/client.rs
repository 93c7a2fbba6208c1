//! Every operation of the client against the Trophy mock: the request as it arrived (method,
//! path, query, headers, body) and the typed response; errors, retries and idempotency.

use std::time::Duration;

use chrono::NaiveDate;
use futures::TryStreamExt;
use questkit_core::{Error, HasProgress, RetryPolicy};
use questkit_mock::Fault;
use questkit_mock::trophy::{DEMO_API_KEY, OPERATIONS, TrophyMock};
use questkit_mock::wiremock::Request;
use questkit_trophy::metrics::Aggregation;
use questkit_trophy::preferences::{
    NotificationChannel, NotificationPreferences, StreakEvaluationMode, StreakPreferences,
    UpdateUserPreferences,
};
use questkit_trophy::{AchievementTrigger, LeaderboardStatus, Trophy, UpdatedUser, UpsertedUser};
use serde_json::{Value, json};

const ERROR_404: &str = include_str!("../../../fixtures/trophy/errors/404.json");
const ERROR_422: &str = include_str!("../../../fixtures/trophy/errors/422.json");
const ERROR_429: &str = include_str!("../../../fixtures/trophy/errors/429.json");
const ERROR_500: &str = include_str!("../../../fixtures/trophy/errors/500.json");

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
        .api_key(DEMO_API_KEY)
        .base_url(mock.uri())
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    (mock, trophy)
}

async fn last(mock: &TrophyMock) -> Request {
    mock.last_request()
        .await
        .expect("the mock received a request")
}

fn query(req: &Request) -> Vec<(String, String)> {
    req.url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn header(req: &Request, name: &str) -> Option<String> {
    req.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn body(req: &Request) -> Value {
    serde_json::from_slice(&req.body).expect("a JSON body")
}

/// Method, path and query of a request, plus the headers every call carries.
fn assert_request(req: &Request, method: &str, path: &str, expected_query: &[(&str, &str)]) {
    assert_eq!(req.method.as_str(), method, "{path}");
    assert_eq!(req.url.path(), path);
    let expected: Vec<(String, String)> = expected_query
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    assert_eq!(query(req), expected, "query of {path}");
    assert_eq!(header(req, "x-api-key").as_deref(), Some(DEMO_API_KEY));
    assert!(header(req, "user-agent").is_some_and(|ua| ua.starts_with("questkit/")));
    if matches!(method, "POST" | "PUT" | "PATCH") {
        assert_eq!(
            header(req, "content-type").as_deref(),
            Some("application/json")
        );
    } else {
        assert!(req.body.is_empty(), "{method} {path} sends no body");
    }
}

#[tokio::test]
async fn user_profile_calls() {
    let (mock, trophy) = setup().await;

    let created = trophy
        .users()
        .create(
            UpsertedUser::new("user-1")
                .email("ada@example.com")
                .tz("Europe/London")
                .subscribe_to_emails(true)
                .attribute("plan-type", "premium"),
        )
        .await
        .unwrap();
    let req = last(&mock).await;
    assert_request(&req, "POST", "/v1/users", &[]);
    assert_eq!(
        body(&req),
        json!({"id": "user-1", "email": "ada@example.com", "tz": "Europe/London",
               "subscribeToEmails": true, "attributes": {"plan-type": "premium"}})
    );
    assert_eq!(created.id, "user-1");
    assert_eq!(created.email.as_deref(), Some("ada@example.com"));

    let user = trophy.users().get("user-1").await.unwrap();
    assert_request(&last(&mock).await, "GET", "/v1/users/user-1", &[]);
    assert_eq!(user.id, "user-1");
    assert_eq!(user.name.as_deref(), Some("Ada Lovelace"));

    let identified = trophy
        .users()
        .identify(
            "user-2",
            UpdatedUser::new().name("Bo").device_tokens(["t1"]),
        )
        .await
        .unwrap();
    let req = last(&mock).await;
    assert_request(&req, "PUT", "/v1/users/user-2", &[]);
    assert_eq!(body(&req), json!({"name": "Bo", "deviceTokens": ["t1"]}));
    assert_eq!(
        (identified.id.as_str(), identified.device_tokens.as_slice()),
        ("user-2", &["t1".to_owned()][..])
    );

    let updated = trophy
        .users()
        .update(
            "user-2",
            UpdatedUser::new().clear_tz().clear_device_tokens(),
        )
        .await
        .unwrap();
    let req = last(&mock).await;
    assert_request(&req, "PATCH", "/v1/users/user-2", &[]);
    assert_eq!(
        body(&req),
        json!({"tz": null, "deviceTokens": null}),
        "three-state fields send null"
    );
    assert_eq!(updated.tz, None);
    assert!(updated.device_tokens.is_empty());

    let prefs = trophy.users().get_preferences("user-2").await.unwrap();
    assert_request(
        &last(&mock).await,
        "GET",
        "/v1/users/user-2/preferences",
        &[],
    );
    assert_eq!(
        prefs.notifications.recap,
        Some(vec![NotificationChannel::Email])
    );

    let changed = trophy
        .users()
        .update_preferences(
            "user-2",
            UpdateUserPreferences::new()
                .notifications(NotificationPreferences::new().streak_reminder([]))
                .streak(
                    StreakPreferences::new()
                        .evaluation_mode(StreakEvaluationMode::And)
                        .metric("words-written", 500.0),
                ),
        )
        .await
        .unwrap();
    let req = last(&mock).await;
    assert_request(&req, "PATCH", "/v1/users/user-2/preferences", &[]);
    assert_eq!(
        body(&req),
        json!({"notifications": {"streak_reminder": []},
               "streak": {"evaluationMode": "AND", "metrics": [{"key": "words-written", "threshold": 500.0}]}})
    );
    assert_eq!(changed.notifications.streak_reminder, Some(vec![]));
    assert_eq!(
        changed.streak.and_then(|s| s.evaluation_mode),
        Some(StreakEvaluationMode::And)
    );
}

#[tokio::test]
async fn user_tracking_calls() {
    let (mock, trophy) = setup().await;

    let metrics = trophy.users().all_metrics("user-1").await.unwrap();
    assert_request(&last(&mock).await, "GET", "/v1/users/user-1/metrics", &[]);
    assert_eq!(metrics[0].current, 4500.0);

    // The seed endpoint: single metric, with `status`.
    let metric = trophy
        .users()
        .single_metric("user-1", "words-written")
        .await
        .unwrap();
    assert_request(
        &last(&mock).await,
        "GET",
        "/v1/users/user-1/metrics/words-written",
        &[],
    );
    assert_eq!(
        metric.status, None,
        "MetricResponse (SDK 1.27) has no status"
    );
    assert_eq!(metric.progress().fraction(), 0.75);

    let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let end = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
    let summary = trophy
        .users()
        .metric_event_summary("user-1", "words-written", Aggregation::Daily, start, end)
        .await
        .unwrap();
    assert_request(
        &last(&mock).await,
        "GET",
        "/v1/users/user-1/metrics/words-written/event-summary",
        &[
            ("aggregation", "daily"),
            ("startDate", "2024-01-01"),
            ("endDate", "2024-01-31"),
        ],
    );
    assert_eq!(summary.len(), 3);

    // The other seed endpoint: achievements, with and without includeIncomplete.
    let done = trophy.users().achievements("user-1").await.unwrap();
    assert_request(
        &last(&mock).await,
        "GET",
        "/v1/users/user-1/achievements",
        &[],
    );
    assert_eq!(done.len(), 3);
    assert!(done.iter().all(|a| a.is_achieved()));
    let all = trophy
        .users()
        .achievements("user-1")
        .include_incomplete(true)
        .await
        .unwrap();
    assert_request(
        &last(&mock).await,
        "GET",
        "/v1/users/user-1/achievements",
        &[("includeIncomplete", "true")],
    );
    assert!(all.len() > done.len());
    assert!(
        all.iter()
            .any(|a| a.trigger == AchievementTrigger::Anniversary)
    );
    trophy
        .users()
        .achievements("user-1")
        .include_incomplete(false)
        .await
        .unwrap();
    assert_request(
        &last(&mock).await,
        "GET",
        "/v1/users/user-1/achievements",
        &[],
    );

    let streak = trophy
        .users()
        .streak("user-1")
        .history_periods(14)
        .await
        .unwrap();
    assert_request(
        &last(&mock).await,
        "GET",
        "/v1/users/user-1/streak",
        &[("historyPeriods", "14")],
    );
    assert_eq!(streak.streak_history.len(), 7);

    let points = trophy
        .users()
        .points("user-1", "xp")
        .awards(5)
        .await
        .unwrap();
    assert_request(
        &last(&mock).await,
        "GET",
        "/v1/users/user-1/points/xp",
        &[("awards", "5")],
    );
    assert_eq!(points.total, 100);

    let boosts = trophy.users().points_boosts("user-1", "xp").await.unwrap();
    assert_request(
        &last(&mock).await,
        "GET",
        "/v1/users/user-1/points/xp/boosts",
        &[],
    );
    assert_eq!(boosts.len(), 2);

    let summary = trophy
        .users()
        .points_event_summary("user-1", "xp", Aggregation::Monthly, start, end)
        .await
        .unwrap();
    assert_request(
        &last(&mock).await,
        "GET",
        "/v1/users/user-1/points/xp/event-summary",
        &[
            ("aggregation", "monthly"),
            ("startDate", "2024-01-01"),
            ("endDate", "2024-01-31"),
        ],
    );
    assert_eq!(summary[2].total, 600.0);

    let run = NaiveDate::from_ymd_opt(2025, 1, 15).unwrap();
    let board = trophy
        .users()
        .leaderboard("user-1", "weekly-words")
        .run(run)
        .num_events(3)
        .await
        .unwrap();
    assert_request(
        &last(&mock).await,
        "GET",
        "/v1/users/user-1/leaderboards/weekly-words",
        &[("run", "2025-01-15"), ("numEvents", "3")],
    );
    assert_eq!(board.rank, Some(2));
    assert_eq!(board.history.len(), 3);

    let wrapped = trophy.users().wrapped("user-1").year(2024).await.unwrap();
    assert_request(
        &last(&mock).await,
        "GET",
        "/v1/users/user-1/wrapped",
        &[("year", "2024")],
    );
    assert_eq!(wrapped.activity.days_active, 156);
}

#[tokio::test]
async fn metric_events_are_idempotent() {
    let (mock, trophy) = setup().await;

    let first = trophy
        .metrics()
        .event(
            "words-written",
            UpsertedUser::new("user-1").tz("Europe/London"),
            750.0,
        )
        .attribute("source", "mobile-app")
        .await
        .unwrap();
    let req = last(&mock).await;
    assert_request(&req, "POST", "/v1/metrics/words-written/event", &[]);
    assert_eq!(
        body(&req),
        json!({"user": {"id": "user-1", "tz": "Europe/London"}, "value": 750.0, "attributes": {"source": "mobile-app"}})
    );
    let generated = header(&req, "idempotency-key").expect("a generated key");
    assert_eq!(generated.len(), 36, "a UUID: {generated}");
    assert_eq!(first.status, 201);
    assert!(!first.replayed);
    assert_eq!(
        first.total, 2250.0,
        "the demo metric's 1500 plus the 750 sent"
    );
    assert_eq!(first.idempotency_key.as_deref(), Some(generated.as_str()));

    // A second logical call gets a fresh key: it is a new event, not a replay.
    let second = trophy
        .metrics()
        .event("words-written", "user-1", 1.0)
        .await
        .unwrap();
    let key2 = header(&last(&mock).await, "idempotency-key").unwrap();
    assert_ne!(key2, generated);
    assert!(!second.replayed);

    // The caller's key, sent twice: the second answer is a 202 replay.
    let mine = trophy
        .metrics()
        .event("words-written", "user-1", 5.0)
        .idempotency_key("essay-42")
        .await
        .unwrap();
    assert_eq!(
        header(&last(&mock).await, "idempotency-key").as_deref(),
        Some("essay-42")
    );
    assert_eq!((mine.status, mine.replayed), (201, false));
    let again = trophy
        .metrics()
        .event("words-written", "user-1", 5.0)
        .idempotency_key("essay-42")
        .await
        .unwrap();
    assert_eq!((again.status, again.replayed), (202, true));
    assert!(again.is_replay());

    // A 503 is retried (the key makes the POST safe) with the same generated key.
    let before = mock.received_requests().await.len();
    mock.fail_next_on("POST", "/metrics/{key}/event", 1, Fault::status(503))
        .await;
    let retried = trophy
        .metrics()
        .event("words-written", "user-1", 2.0)
        .send_raw()
        .await
        .unwrap();
    assert_eq!(retried.attempts, 2);
    assert_eq!(retried.status.as_u16(), 201);
    let requests = mock.received_requests().await;
    let keys: Vec<_> = requests[before..]
        .iter()
        .map(|r| header(r, "idempotency-key"))
        .collect();
    assert_eq!(keys.len(), 2);
    assert!(keys[0].is_some());
    assert_eq!(keys[0], keys[1], "every attempt carries the same key");
}

#[tokio::test]
async fn achievements_streaks_points_and_leaderboards() {
    let (mock, trophy) = setup().await;

    let all = trophy
        .achievements()
        .all()
        .user_attributes([("plan-type", "premium"), ("region", "us-east")])
        .await
        .unwrap();
    assert_request(
        &last(&mock).await,
        "GET",
        "/v1/achievements",
        &[("userAttributes", "plan-type:premium,region:us-east")],
    );
    assert_eq!(all.len(), 3);

    let done = trophy
        .achievements()
        .complete(
            "finish-onboarding",
            UpsertedUser::new("user-1").email("ada@example.com"),
        )
        .await
        .unwrap();
    let req = last(&mock).await;
    assert_request(
        &req,
        "POST",
        "/v1/achievements/finish-onboarding/complete",
        &[],
    );
    assert_eq!(
        body(&req),
        json!({"user": {"id": "user-1", "email": "ada@example.com"}})
    );
    assert!(
        header(&req, "idempotency-key").is_none(),
        "Trophy takes no key here"
    );
    assert_eq!(done.achievement.key.as_deref(), Some("finish-onboarding"));
    assert!(done.achievement.is_achieved());

    let streaks = trophy.streaks().list(["user-123", "nobody"]).await.unwrap();
    assert_request(
        &last(&mock).await,
        "GET",
        "/v1/streaks",
        &[("userIds", "user-123"), ("userIds", "nobody")],
    );
    assert_eq!(streaks.len(), 2);
    assert_eq!(streaks[0].streak_length, 15);
    assert_eq!(
        (streaks[1].user_id.as_str(), streaks[1].streak_length),
        ("nobody", 0)
    );

    let before = mock.received_requests().await.len();
    let empty = trophy
        .streaks()
        .list(Vec::<String>::new())
        .await
        .unwrap_err();
    assert!(matches!(empty, Error::InvalidInput(_)), "{empty}");
    assert_eq!(mock.received_requests().await.len(), before, "nothing sent");

    let ranges = trophy
        .points()
        .summary("xp")
        .user_attributes([("region", "us-east")])
        .await
        .unwrap();
    assert_request(
        &last(&mock).await,
        "GET",
        "/v1/points/xp/summary",
        &[("userAttributes", "region:us-east")],
    );
    assert_eq!(ranges.len(), 11);

    let system = trophy.points().system("xp").await.unwrap();
    assert_request(&last(&mock).await, "GET", "/v1/points/xp", &[]);
    assert_eq!(system.triggers.len(), 3);

    let boosts = trophy
        .points()
        .boosts("xp")
        .include_finished(true)
        .await
        .unwrap();
    assert_request(
        &last(&mock).await,
        "GET",
        "/v1/points/xp/boosts",
        &[("includeFinished", "true")],
    );
    assert_eq!(boosts.len(), 2);

    let levels = trophy.points().levels("xp").await.unwrap();
    assert_request(&last(&mock).await, "GET", "/v1/points/xp/levels", &[]);
    assert_eq!(levels[2].key, "gold");

    let summary = trophy.points().level_summary("xp").await.unwrap();
    assert_request(
        &last(&mock).await,
        "GET",
        "/v1/points/xp/level-summary",
        &[],
    );
    assert_eq!(summary[0].users, 5012);

    let boards = trophy
        .leaderboards()
        .all()
        .include_finished(false)
        .await
        .unwrap();
    assert_request(
        &last(&mock).await,
        "GET",
        "/v1/leaderboards",
        &[("includeFinished", "false")],
    );
    assert_eq!(boards[0].status, Some(LeaderboardStatus::Active));

    let page = trophy
        .leaderboards()
        .get("weekly-words")
        .offset(1)
        .limit(1)
        .run(NaiveDate::from_ymd_opt(2025, 1, 15).unwrap())
        .user_attributes([("city", "London")])
        .await
        .unwrap();
    assert_request(
        &last(&mock).await,
        "GET",
        "/v1/leaderboards/weekly-words",
        &[
            ("offset", "1"),
            ("limit", "1"),
            ("run", "2025-01-15"),
            ("userAttributes", "city:London"),
        ],
    );
    assert_eq!(page.rankings.len(), 1);
    assert_eq!(page.rankings[0].user_id, "user-456");

    let around = trophy
        .leaderboards()
        .get("weekly-words")
        .user_id("user-456")
        .await
        .unwrap();
    assert_request(
        &last(&mock).await,
        "GET",
        "/v1/leaderboards/weekly-words",
        &[("userId", "user-456")],
    );
    assert_eq!(
        around.rankings[0].user_id, "user-456",
        "offset relative to the user"
    );
}

#[tokio::test]
async fn leaderboard_rankings_stream_pages_lazily() {
    let (mock, trophy) = setup().await;
    let ranked: Vec<_> = trophy
        .leaderboards()
        .get("weekly-words")
        .limit(2)
        .rankings()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<_> = ranked.iter().map(|r| r.user_id.as_str()).collect();
    assert_eq!(ids, ["user-123", "user-456", "user-789"]);
    let pages: Vec<_> = mock.received_requests().await.iter().map(query).collect();
    assert_eq!(
        pages,
        [
            vec![
                ("offset".to_owned(), "0".to_owned()),
                ("limit".to_owned(), "2".to_owned())
            ],
            vec![
                ("offset".to_owned(), "2".to_owned()),
                ("limit".to_owned(), "2".to_owned())
            ],
        ],
        "the short second page ends the stream"
    );

    // A failing page is yielded once and ends the stream.
    mock.fail_next(1, Fault::json(500, ERROR_500)).await;
    let err = trophy
        .leaderboards()
        .get("weekly-words")
        .max_retries(0)
        .rankings()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
}

#[tokio::test]
async fn the_mock_serves_every_operation_the_client_calls() {
    // Every (method, template) the mock mounts was exercised by the tests above; this pins the
    // count so a new operation needs a test.
    assert_eq!(OPERATIONS.len(), 27);
    let (mock, trophy) = setup().await;
    let d = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let users = trophy.users();
    users.create(UpsertedUser::new("u")).await.unwrap();
    users.get("u").await.unwrap();
    users.identify("u", UpdatedUser::new()).await.unwrap();
    users.update("u", UpdatedUser::new()).await.unwrap();
    users.get_preferences("u").await.unwrap();
    users
        .update_preferences("u", UpdateUserPreferences::new())
        .await
        .unwrap();
    users.all_metrics("u").await.unwrap();
    users.single_metric("u", "m").await.unwrap();
    users
        .metric_event_summary("u", "m", Aggregation::Weekly, d, d)
        .await
        .unwrap();
    users.achievements("u").await.unwrap();
    users.streak("u").await.unwrap();
    users.points("u", "p").await.unwrap();
    users.points_boosts("u", "p").await.unwrap();
    users
        .points_event_summary("u", "p", Aggregation::Daily, d, d)
        .await
        .unwrap();
    users.leaderboard("u", "l").await.unwrap();
    users.wrapped("u").await.unwrap();
    trophy.metrics().event("m", "u", 1.0).await.unwrap();
    trophy.achievements().all().await.unwrap();
    trophy.achievements().complete("a", "u").await.unwrap();
    trophy.streaks().list(["u"]).await.unwrap();
    let points = trophy.points();
    points.summary("p").await.unwrap();
    points.system("p").await.unwrap();
    points.boosts("p").await.unwrap();
    points.levels("p").await.unwrap();
    points.level_summary("p").await.unwrap();
    trophy.leaderboards().all().await.unwrap();
    trophy.leaderboards().get("l").await.unwrap();

    let received = mock.received_requests().await;
    assert_eq!(received.len(), 27, "one request per operation, no retries");
    for (method, template) in OPERATIONS {
        let matcher = mock.path(template);
        let hit = received.iter().any(|r| {
            r.method.as_str() == method && questkit_mock::wiremock::Match::matches(&matcher, r)
        });
        assert!(hit, "{method} {template} was not called");
    }
}

#[tokio::test]
async fn hostile_ids_stay_one_segment() {
    let (mock, trophy) = setup().await;
    let user = trophy.users().get("a/../b?x#").await.unwrap();
    let req = last(&mock).await;
    assert_eq!(req.url.path(), "/v1/users/a%2F..%2Fb%3Fx%23");
    assert_eq!(req.url.query(), None);
    assert_eq!(user.id, "a/../b?x#", "the mock decoded one segment");

    trophy
        .users()
        .single_metric("a/../b?x#", "../../achievements")
        .await
        .unwrap();
    assert_eq!(
        last(&mock).await.url.path(),
        "/v1/users/a%2F..%2Fb%3Fx%23/metrics/..%2F..%2Fachievements"
    );

    let before = mock.received_requests().await.len();
    for bad in ["", ".", ".."] {
        let err = trophy.users().get(bad).await.unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)), "{bad:?}: {err}");
    }
    assert_eq!(
        mock.received_requests().await.len(),
        before,
        "nothing sent for invalid IDs"
    );
}

#[tokio::test]
async fn errors_carry_trophy_messages() {
    let (mock, trophy) = setup().await;

    let wrong = Trophy::builder()
        .api_key("not-the-key")
        .base_url(mock.uri())
        .build()
        .unwrap();
    let err = wrong.users().get("user-1").await.unwrap_err();
    assert!(err.is_auth());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(err.api().unwrap().message, "Unauthorized: invalid API key");
    assert!(!err.to_string().contains("not-the-key"), "{err}");

    mock.fail_next_on("GET", "/users/{id}", 1, Fault::json(404, ERROR_404))
        .await;
    let err = trophy.users().get("ghost").await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.api().unwrap().message, "User not found");
    assert_eq!(err.to_string(), "HTTP 404: User not found");

    mock.fail_next_on(
        "POST",
        "/metrics/{key}/event",
        1,
        Fault::json(422, ERROR_422),
    )
    .await;
    let err = trophy
        .metrics()
        .event("words-writen", "u", 1.0)
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422));
    assert!(err.api().unwrap().message.contains("does not exist"));
    assert_eq!(err.attempts(), 1, "422 is not retried");

    // The mock's own request-shape check: a bad query answers 400 with Trophy's body.
    let err = trophy
        .users()
        .points("u", "xp")
        .awards(500)
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert!(err.api().unwrap().message.contains("awards"), "{err}");

    // An HTML page from a proxy is still an API error with the status.
    mock.fail_next(1, Fault::html(502)).await;
    let err = trophy
        .points()
        .system("xp")
        .max_retries(0)
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(err.api().unwrap().message, "Bad Gateway");

    // A malformed success body is a decode error naming the problem.
    mock.fail_next(1, Fault::malformed_json()).await;
    let err = trophy.points().system("xp").await.unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err}");

    // A body of the wrong shape names the failing field.
    mock.fail_next(
        1,
        Fault::json(
            200,
            r#"{"id": "m", "key": "k", "name": "n", "current": "lots"}"#,
        ),
    )
    .await;
    let err = trophy.users().single_metric("u", "k").await.unwrap_err();
    let Error::Decode(decode) = &err else {
        panic!("{err}")
    };
    assert_eq!(decode.path, "current");
}

#[tokio::test]
async fn retries_follow_the_method_rules() {
    let (mock, trophy) = setup().await;

    // GET: a 503 then a 429 with Retry-After are retried.
    mock.fail_next(1, Fault::status(503)).await;
    mock.fail_next(1, Fault::json(429, ERROR_429).header("Retry-After", "0"))
        .await;
    let raw = trophy.users().all_metrics("u").send_raw().await.unwrap();
    assert_eq!(raw.attempts, 3);

    // Out of retries: the last error, with the attempt count.
    mock.fail_next(3, Fault::json(500, ERROR_500)).await;
    let err = trophy.users().all_metrics("u").await.unwrap_err();
    assert_eq!(err.attempts(), 3);
    assert_eq!(err.api().unwrap().message, "Internal server error");

    // POST without an idempotency key (achievement completion): a 500 is not retried...
    let before = mock.received_requests().await.len();
    mock.fail_next(1, Fault::json(500, ERROR_500)).await;
    let err = trophy.achievements().complete("a", "u").await.unwrap_err();
    assert_eq!(err.attempts(), 1);
    assert_eq!(mock.received_requests().await.len(), before + 1);
    // ...but a 429 is (the server refused it before doing anything).
    mock.fail_next(1, Fault::retry_after(429, "0")).await;
    let done = trophy
        .achievements()
        .complete("a", "u")
        .send_raw()
        .await
        .unwrap();
    assert_eq!(done.attempts, 2);

    // Per-call retry override.
    mock.fail_next(1, Fault::status(503)).await;
    let err = trophy.users().get("u").max_retries(0).await.unwrap_err();
    assert_eq!(err.attempts(), 1);

    // Per-call timeout.
    mock.fail_next(1, Fault::delay(Duration::from_millis(500)))
        .await;
    let err = trophy
        .users()
        .get("u")
        .timeout(Duration::from_millis(50))
        .max_retries(0)
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err}");
}

#[tokio::test]
async fn tenant_and_extra_headers() {
    let mock = TrophyMock::start().await;
    let trophy = Trophy::builder()
        .api_key(DEMO_API_KEY)
        .base_url(mock.uri())
        .tenant_id("customer_12345")
        .user_agent("my-app/2.0")
        .build()
        .unwrap();
    trophy
        .users()
        .get("u")
        .header("x-trace", "abc")
        .await
        .unwrap();
    let req = last(&mock).await;
    assert_eq!(header(&req, "tenant-id").as_deref(), Some("customer_12345"));
    assert_eq!(header(&req, "x-trace").as_deref(), Some("abc"));
    assert!(header(&req, "user-agent").is_some_and(|ua| ua.ends_with("my-app/2.0")));
    trophy.metrics().event("m", "u", 1.0).await.unwrap();
    assert_eq!(
        header(&last(&mock).await, "tenant-id").as_deref(),
        Some("customer_12345")
    );

    // Without a tenant, no Tenant-ID header.
    let (mock, trophy) = setup().await;
    trophy.users().get("u").await.unwrap();
    assert!(header(&last(&mock).await, "tenant-id").is_none());
}

#[tokio::test]
async fn raw_responses_and_request_accessors() {
    let (mock, trophy) = setup().await;
    let call = trophy.users().single_metric("user-1", "words-written");
    assert_eq!(call.request().path_template(), "users/{id}/metrics/{key}");
    assert_eq!(
        call.request().encoded_path(),
        "users/user-1/metrics/words-written"
    );
    let raw = call.send_raw().await.unwrap();
    assert_eq!(raw.status.as_u16(), 200);
    let value: Value = raw.json().unwrap();
    assert_eq!(value["current"], json!(1500));
    assert_eq!(value["achievements"][0]["userAttributes"], json!([]));

    let event = trophy.metrics().event("m", "u", 2.5).attribute("a", "b");
    assert_eq!(event.body().value, 2.5);
    let sent: Value = serde_json::from_slice(event.request().body().unwrap()).unwrap();
    assert_eq!(sent["attributes"], json!({"a": "b"}));

    let get = trophy.leaderboards().get("l").offset(5);
    assert_eq!(
        get.request().query_pairs().collect::<Vec<_>>(),
        [("offset", "5")]
    );
    drop(mock);
}

#[test]
fn webhook_errors_map_into_core_errors() {
    use questkit_trophy::webhooks::{WebhookError, parse_webhook};
    let err: Error = parse_webhook(b"{}", "bm9wZQ==", "secret")
        .unwrap_err()
        .into();
    assert!(matches!(err, Error::Signature(_)), "{err}");
    let err: Error = WebhookError::MalformedPayload {
        message: "x".into(),
    }
    .into();
    assert!(matches!(err, Error::InvalidInput(_)), "{err}");
}

#[tokio::test]
async fn the_mock_checks_request_shapes() {
    let (mock, trophy) = setup().await;
    let transport = trophy.transport();
    let cases = [
        ("POST", "users", json!({"email": "no-id@example.com"}), "id"),
        (
            "POST",
            "users",
            json!({"id": "u", "subscribeToEmails": "yes"}),
            "subscribeToEmails",
        ),
        (
            "PUT",
            "users/u",
            json!({"attributes": {"plan": 3}}),
            "attributes",
        ),
        (
            "PATCH",
            "users/u/preferences",
            json!({"notifications": {"recap": ["sms"]}}),
            "recap",
        ),
        (
            "POST",
            "metrics/m/event",
            json!({"user": {"id": "u"}}),
            "value",
        ),
        (
            "POST",
            "metrics/m/event",
            json!({"user": {}, "value": 1}),
            "user.id",
        ),
        ("POST", "achievements/a/complete", json!({}), "user"),
    ];
    for (method, path, body, needle) in cases {
        let method = questkit_core::reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let err = transport
            .request::<Value>(method.clone(), path, &[])
            .json(&body)
            .await
            .unwrap_err();
        assert_eq!(
            err.status().map(|s| s.as_u16()),
            Some(400),
            "{method} {path}"
        );
        assert!(
            err.api().unwrap().message.contains(needle),
            "{method} {path}: {err}"
        );
    }
    let err = transport
        .get::<Value>("users/u/metrics/m/event-summary", &[])
        .query("aggregation", "hourly")
        .await
        .unwrap_err();
    assert!(err.api().unwrap().message.contains("aggregation"), "{err}");
    let err = transport.get::<Value>("streaks", &[]).await.unwrap_err();
    assert!(err.api().unwrap().message.contains("userIds"), "{err}");
    let err = transport
        .get::<Value>("nothing/here", &[])
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    drop(mock);
}

#[tokio::test]
async fn the_mock_mounts_on_a_shared_server() {
    let server = std::sync::Arc::new(questkit_mock::wiremock::MockServer::start().await);
    let mock = TrophyMock::on_server(server, "/trophy").await;
    assert!(mock.uri().ends_with("/trophy/v1"), "{}", mock.uri());
    let trophy = Trophy::builder()
        .api_key(DEMO_API_KEY)
        .base_url(mock.uri())
        .build()
        .unwrap();
    let metric = trophy
        .users()
        .single_metric("u", "words-written")
        .await
        .unwrap();
    assert_eq!(metric.key, "words-written");
    assert_eq!(
        last(&mock).await.url.path(),
        "/trophy/v1/users/u/metrics/words-written"
    );
}
