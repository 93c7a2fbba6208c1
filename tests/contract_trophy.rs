#![cfg(feature = "trophy")]
//! The Trophy wire contract: each of the 27 operations of `questkit::trophy`, called once
//! against the Trophy mock served under `/trophy/v1` on a shared `MockSuite` server (the
//! `questkit-mock` layout). Each row gives the call, the request the mock must receive
//! (method, path relative to `/v1`, query, `X-API-KEY`, JSON body) and checks on the decoded
//! value.

mod common;

use common::{Api, row};
use questkit::HasProgress;
use questkit::trophy::metrics::Aggregation;
use questkit::trophy::preferences::{
    NotificationChannel, NotificationPreferences, StreakPreferences, UpdateUserPreferences,
};
use questkit::trophy::{
    AchievementTrigger, BoostStatus, RankBy, StreakFrequency, Trophy, UpdatedUser, UpsertedUser,
};
use questkit_mock::MockSuite;
use questkit_mock::trophy::{DEMO_API_KEY, OPERATIONS};
use serde_json::json;

#[tokio::test]
async fn every_trophy_operation_matches_the_mock() {
    let suite = MockSuite::start().await;
    let trophy = Trophy::builder()
        .api_key(DEMO_API_KEY)
        .base_url(suite.trophy.uri())
        .max_retries(0)
        .build()
        .expect("a client of the mock");
    let api = Api::new(&suite.trophy).header("x-api-key", DEMO_API_KEY);
    let users = trophy.users();

    let rows = vec![
        // Users.
        row(
            "users.create",
            users.create(
                UpsertedUser::new("user-123")
                    .email("ada@example.com")
                    .subscribe_to_emails(true)
                    .attribute("plan-type", "premium"),
            ),
            [api.post(
                "/users",
                "/users",
                json!({"id": "user-123", "email": "ada@example.com", "subscribeToEmails": true,
                       "attributes": {"plan-type": "premium"}}),
            )],
            |user| {
                assert_eq!(user.id, "user-123");
                assert_eq!(user.subscribe_to_emails, Some(true));
                assert_eq!(user.attributes.len(), 1);
            },
        ),
        row(
            "users.get",
            users.get("user 1"),
            [api.get("/users/{id}", "/users/user%201")],
            |user| {
                assert_eq!(user.id, "user 1");
                assert_eq!(user.email.as_deref(), Some("ada@example.com"));
            },
        ),
        row(
            "users.identify",
            users.identify(
                "user-123",
                UpdatedUser::new().name("Ada").tz("Europe/Paris"),
            ),
            [api.put(
                "/users/{id}",
                "/users/user-123",
                json!({"name": "Ada", "tz": "Europe/Paris"}),
            )],
            |user| {
                assert_eq!(user.name.as_deref(), Some("Ada"));
                assert_eq!(user.tz.as_deref(), Some("Europe/Paris"));
            },
        ),
        row(
            "users.update",
            users.update(
                "user-123",
                UpdatedUser::new().email("ada@example.org").clear_tz(),
            ),
            [api.patch(
                "/users/{id}",
                "/users/user-123",
                json!({"email": "ada@example.org", "tz": null}),
            )],
            |user| {
                assert_eq!(user.email.as_deref(), Some("ada@example.org"));
                assert_eq!(user.tz, None);
            },
        ),
        row(
            "users.get_preferences",
            users.get_preferences("user-123"),
            [api.get("/users/{id}/preferences", "/users/user-123/preferences")],
            |prefs| {
                let recap = prefs.notifications.recap.expect("recap channels");
                assert_eq!(recap, [NotificationChannel::Email]);
            },
        ),
        row(
            "users.update_preferences",
            users.update_preferences(
                "user-123",
                UpdateUserPreferences::new()
                    .notifications(NotificationPreferences::new().streak_reminder([]))
                    .streak(
                        StreakPreferences::new()
                            .enabled(true)
                            .metric("words-written", 500.0),
                    ),
            ),
            [api.patch(
                "/users/{id}/preferences",
                "/users/user-123/preferences",
                json!({"notifications": {"streak_reminder": []},
                       "streak": {"enabled": true,
                                  "metrics": [{"key": "words-written", "threshold": 500.0}]}}),
            )],
            |prefs| {
                assert_eq!(prefs.notifications.streak_reminder, Some(vec![]));
                let streak = prefs.streak.expect("streak preferences");
                assert_eq!(streak.enabled, Some(true));
            },
        ),
        row(
            "users.all_metrics",
            users.all_metrics("user-123"),
            [api.get("/users/{id}/metrics", "/users/user-123/metrics")],
            |metrics| {
                assert_eq!(metrics.len(), 1);
                assert_eq!(metrics[0].key, "words-written");
            },
        ),
        row(
            "users.single_metric",
            users.single_metric("user-123", "words-written"),
            [api.get(
                "/users/{id}/metrics/{key}",
                "/users/user-123/metrics/words-written",
            )],
            |metric| {
                assert_eq!(metric.current, 1500.0);
                assert_eq!(metric.progress().percent(), 75);
            },
        ),
        row(
            "users.metric_event_summary",
            users.metric_event_summary(
                "user-123",
                "words-written",
                Aggregation::Daily,
                "2024-01-01".parse().expect("a date"),
                "2024-01-03".parse().expect("a date"),
            ),
            [api.get(
                "/users/{id}/metrics/{key}/event-summary",
                "/users/user-123/metrics/words-written/event-summary",
            )
            .query("aggregation", "daily")
            .query("startDate", "2024-01-01")
            .query("endDate", "2024-01-03")],
            |summary| {
                assert_eq!(summary.len(), 3);
                assert_eq!(summary[2].total, 600.0);
            },
        ),
        row(
            "users.achievements",
            users.achievements("user-123").include_incomplete(true),
            [
                api.get("/users/{id}/achievements", "/users/user-123/achievements")
                    .query("includeIncomplete", "true"),
            ],
            |achievements| {
                assert_eq!(achievements.len(), 8);
                assert_eq!(achievements.iter().filter(|a| a.is_achieved()).count(), 4);
            },
        ),
        row(
            "users.streak",
            users.streak("user-123").history_periods(7),
            [api.get("/users/{id}/streak", "/users/user-123/streak")
                .query("historyPeriods", "7")],
            |streak| {
                assert_eq!(streak.frequency, StreakFrequency::Weekly);
                assert_eq!(streak.streak_history.len(), 7);
            },
        ),
        row(
            "users.points",
            users.points("user-123", "xp").awards(5),
            [
                api.get("/users/{id}/points/{key}", "/users/user-123/points/xp")
                    .query("awards", "5"),
            ],
            |points| {
                assert_eq!(points.total, 100);
                assert_eq!(points.level.map(|l| l.key).as_deref(), Some("silver"));
            },
        ),
        row(
            "users.points_boosts",
            users.points_boosts("user-123", "xp"),
            [api.get(
                "/users/{id}/points/{key}/boosts",
                "/users/user-123/points/xp/boosts",
            )],
            |boosts| {
                assert_eq!(boosts.len(), 2);
                assert_eq!(boosts[1].multiplier, 1.5);
            },
        ),
        row(
            "users.points_event_summary",
            users.points_event_summary(
                "user-123",
                "xp",
                Aggregation::Weekly,
                "2024-01-01".parse().expect("a date"),
                "2024-01-31".parse().expect("a date"),
            ),
            [api.get(
                "/users/{id}/points/{key}/event-summary",
                "/users/user-123/points/xp/event-summary",
            )
            .query("aggregation", "weekly")
            .query("startDate", "2024-01-01")
            .query("endDate", "2024-01-31")],
            |summary| {
                assert_eq!(summary.len(), 3);
                assert_eq!(summary[0].change, 100.0);
            },
        ),
        row(
            "users.leaderboard",
            users
                .leaderboard("user-123", "weekly-words")
                .run("2025-01-13".parse().expect("a date"))
                .num_events(3),
            [api.get(
                "/users/{id}/leaderboards/{key}",
                "/users/user-123/leaderboards/weekly-words",
            )
            .query("run", "2025-01-13")
            .query("numEvents", "3")],
            |board| {
                assert_eq!(board.user_leaderboard.rank, Some(2));
                assert_eq!(board.history.len(), 3);
            },
        ),
        row(
            "users.wrapped",
            users.wrapped("user-123").year(2024),
            [api.get("/users/{id}/wrapped", "/users/user-123/wrapped")
                .query("year", "2024")],
            |wrapped| {
                assert_eq!(wrapped.user.id, "user-123");
                assert_eq!(wrapped.activity.days_active, 156);
            },
        ),
        // Metrics.
        row(
            "metrics.event",
            trophy
                .metrics()
                .event(
                    "words-written",
                    UpsertedUser::new("user-123").tz("Europe/London"),
                    750.0,
                )
                .attribute("source", "mobile-app")
                .idempotency_key("essay-42"),
            [api.post(
                "/metrics/{key}/event",
                "/metrics/words-written/event",
                json!({"user": {"id": "user-123", "tz": "Europe/London"}, "value": 750.0,
                       "attributes": {"source": "mobile-app"}}),
            )
            .header("idempotency-key", "essay-42")],
            |outcome| {
                assert_eq!((outcome.status, outcome.replayed), (201, false));
                assert_eq!(
                    outcome.total, 2250.0,
                    "the demo metric's 1500 plus the 750 sent"
                );
                assert_eq!(outcome.idempotency_key.as_deref(), Some("essay-42"));
            },
        ),
        // Achievements.
        row(
            "achievements.all",
            trophy
                .achievements()
                .all()
                .user_attributes([("plan-type", "premium"), ("region", "us-east")]),
            [api.get("/achievements", "/achievements")
                .query("userAttributes", "plan-type:premium,region:us-east")],
            |all| {
                assert_eq!(all.len(), 3);
                assert_eq!(all[0].trigger, AchievementTrigger::Api);
            },
        ),
        row(
            "achievements.complete",
            trophy
                .achievements()
                .complete("finish-onboarding", UpsertedUser::new("user-123")),
            [api.post(
                "/achievements/{key}/complete",
                "/achievements/finish-onboarding/complete",
                json!({"user": {"id": "user-123"}}),
            )],
            |done| {
                assert_eq!(done.achievement.key.as_deref(), Some("finish-onboarding"));
                assert!(done.achievement.is_achieved());
                assert!(done.points.contains_key("points-system-key"));
            },
        ),
        // Streaks.
        row(
            "streaks.list",
            trophy.streaks().list(["user-123", "user-456"]),
            [api.get("/streaks", "/streaks")
                .query("userIds", "user-123")
                .query("userIds", "user-456")],
            |streaks| {
                let lengths: Vec<_> = streaks
                    .iter()
                    .map(|s| (s.user_id.as_str(), s.streak_length))
                    .collect();
                assert_eq!(lengths, [("user-123", 15), ("user-456", 12)]);
            },
        ),
        // Points systems.
        row(
            "points.summary",
            trophy
                .points()
                .summary("xp")
                .user_attributes([("plan-type", "premium")]),
            [api.get("/points/{key}/summary", "/points/xp/summary")
                .query("userAttributes", "plan-type:premium")],
            |ranges| {
                assert_eq!(ranges.len(), 11);
                assert_eq!(
                    (ranges[1].from, ranges[1].to, ranges[1].users),
                    (1, 100, 1501)
                );
            },
        ),
        row(
            "points.system",
            trophy.points().system("xp"),
            [api.get("/points/{key}", "/points/xp")],
            |system| {
                assert_eq!(system.name, "XP System");
                assert!(!system.triggers.is_empty());
            },
        ),
        row(
            "points.boosts",
            trophy.points().boosts("xp").include_finished(true),
            [api.get("/points/{key}/boosts", "/points/xp/boosts")
                .query("includeFinished", "true")],
            |boosts| {
                assert_eq!(boosts.len(), 2);
                assert_eq!(boosts[1].status, BoostStatus::Finished);
            },
        ),
        row(
            "points.levels",
            trophy.points().levels("xp"),
            [api.get("/points/{key}/levels", "/points/xp/levels")],
            |levels| {
                let keys: Vec<_> = levels.iter().map(|l| l.key.as_str()).collect();
                assert_eq!(keys, ["bronze", "silver", "gold"]);
            },
        ),
        row(
            "points.level_summary",
            trophy.points().level_summary("xp"),
            [api.get("/points/{key}/level-summary", "/points/xp/level-summary")],
            |summary| {
                assert_eq!(summary.len(), 3);
                assert_eq!(
                    (summary[0].level.key.as_str(), summary[0].users),
                    ("bronze", 5012)
                );
            },
        ),
        // Leaderboards.
        row(
            "leaderboards.all",
            trophy.leaderboards().all().include_finished(false),
            [api.get("/leaderboards", "/leaderboards")
                .query("includeFinished", "false")],
            |boards| {
                assert_eq!(boards.len(), 2);
                assert_eq!(boards[1].rank_by, RankBy::Points);
            },
        ),
        row(
            "leaderboards.get",
            trophy.leaderboards().get("weekly-words").offset(1).limit(2),
            [api.get("/leaderboards/{key}", "/leaderboards/weekly-words")
                .query("offset", "1")
                .query("limit", "2")],
            |board| {
                assert_eq!(board.leaderboard.key, "weekly-words");
                let ranks: Vec<_> = board
                    .rankings
                    .iter()
                    .map(|r| (r.user_id.as_str(), r.rank))
                    .collect();
                assert_eq!(ranks, [("user-456", 2), ("user-789", 3)]);
            },
        ),
    ];

    let coverage = common::run(&suite, rows).await;
    coverage.assert_exactly(&OPERATIONS);
    assert_eq!(coverage.names.len(), 27);
    assert_eq!(common::recorded(&suite).await, [27, 0, 0, 0, 0]);
}
