#![cfg(feature = "nudj")]
//! The Nudj wire contract: each of the 9 operations of `questkit::nudj`, called once against
//! the Nudj mock on a shared `MockSuite` server: eight under `/nudj/api/v2/integration`, the
//! custom event under `/nudj/api/v2/admin` (the admin base the client derives from the
//! integration one). Each row gives the call, the request the mock must receive (method, path
//! relative to the API's base path, query, `x-api-token`, JSON body) and checks on the decoded
//! value.

mod common;

use common::{Api, row};
use questkit::HasProgress;
use questkit::nudj::{CustomEvent, Nudj};
use questkit_mock::MockSuite;
use questkit_mock::nudj::{DEMO_ACHIEVEMENT_ID, DEMO_API_TOKEN, DEMO_USER_ID};
use serde_json::json;

/// Every operation of the client: method and path template, relative to the integration base
/// path (all but the last) or the admin one (`events/custom`).
const OPERATIONS: [(&str, &str); 9] = [
    ("GET", "/achievements/{achievementId}"),
    ("GET", "/achievements"),
    ("GET", "/rewards"),
    ("GET", "/me/rewards"),
    ("GET", "/me/reward-entries"),
    ("GET", "/me/reward-entries/{rewardEntryId}"),
    ("GET", "/me/streaks"),
    ("GET", "/leaderboards/configs"),
    ("POST", "/events/custom"),
];

#[tokio::test]
async fn every_nudj_operation_matches_the_mock() {
    let suite = MockSuite::start().await;
    let nudj = Nudj::builder()
        .api_token(DEMO_API_TOKEN)
        .base_url(suite.nudj.uri())
        .max_retries(0)
        .build()
        .expect("a client of the mock");
    assert_eq!(
        nudj.admin_base_url().trim_end_matches('/'),
        suite.nudj.admin_uri()
    );
    let api = Api::new(&suite.nudj)
        .header("x-api-token", DEMO_API_TOKEN)
        .header("accept", "application/json");
    let admin = Api::new(suite.nudj.admin())
        .header("x-api-token", DEMO_API_TOKEN)
        .header("accept", "application/json");

    let rows = vec![
        row(
            "achievements.get",
            nudj.achievements().get(DEMO_ACHIEVEMENT_ID).language("fr"),
            [api.get(
                "/achievements/{achievementId}",
                "/achievements/65a000000000000000000010",
            )
            .header("x-language", "fr")],
            |achievement| {
                let title = achievement.details.as_ref().and_then(|d| d.title.clone());
                assert_eq!(title.as_deref(), Some("Weekend warrior"));
                let progress = achievement.progress();
                assert_eq!((progress.current, progress.target), (1.0, Some(2.0)));
            },
        ),
        row(
            "achievements.list",
            nudj.achievements().list().limit(3).skip(1),
            [api.get("/achievements", "/achievements")
                .query("limit", "3")
                .query("skip", "1")],
            |page| {
                assert_eq!(page.total_count, Some(7));
                let ids: Vec<_> = page.edges.iter().map(|a| a.id.as_str()).collect();
                assert_eq!(
                    ids,
                    [
                        "65a000000000000000000002",
                        "65a000000000000000000003",
                        "65a000000000000000000004"
                    ]
                );
            },
        ),
        row(
            "rewards.list",
            nudj.rewards().list().search("voucher"),
            [api.get("/rewards", "/rewards").query("search", "voucher")],
            |page| {
                assert_eq!(page.total_count, Some(1));
                assert_eq!(page.edges[0].id, "65b0000000000000000000b3");
            },
        ),
        row(
            "me.rewards",
            nudj.me().rewards().limit(2),
            [api.get("/me/rewards", "/me/rewards").query("limit", "2")],
            |page| {
                assert_eq!((page.total_count, page.edges.len()), (Some(3), 2));
                assert_eq!(
                    page.edges[1].reward_id.as_deref(),
                    Some("65b0000000000000000000b3")
                );
            },
        ),
        row(
            "me.reward_entries",
            nudj.me().reward_entries(),
            [api.get("/me/reward-entries", "/me/reward-entries")],
            |page| {
                assert_eq!((page.total_count, page.edges.len()), (Some(2), 2));
                assert_eq!(page.edges[0].total_entries, Some(3));
            },
        ),
        row(
            "me.reward_entry",
            nudj.me().reward_entry("65f1000000000000000000e2"),
            [api.get(
                "/me/reward-entries/{rewardEntryId}",
                "/me/reward-entries/65f1000000000000000000e2",
            )],
            |entry| {
                assert_eq!(entry.id, "65f1000000000000000000e2");
                assert_eq!(entry.entries.len(), 2);
            },
        ),
        row(
            "me.streaks",
            nudj.me().streaks(),
            [api.get("/me/streaks", "/me/streaks")],
            |streaks| {
                assert_eq!(streaks.len(), 2);
                let state = streaks[0].user_state.as_ref().expect("a user state");
                assert_eq!(state.current_streak, Some(4));
            },
        ),
        row(
            "leaderboards.configs",
            nudj.leaderboards().configs(),
            [api.get("/leaderboards/configs", "/leaderboards/configs")],
            |page| {
                assert_eq!(page.total_count, Some(2));
                assert_eq!(page.edges[0].name.as_deref(), Some("Weekly XP"));
            },
        ),
        row(
            "events.custom",
            nudj.events().custom(
                CustomEvent::new("purchase", "customer-42")
                    .attribute("amount", 25)
                    .auto_create_user(true),
            ),
            [admin.post(
                "/events/custom",
                "/events/custom",
                json!({"eventName": "purchase", "payload": {"amount": 25},
                       "userId": "customer-42", "autoCreateUser": true}),
            )],
            |receipt| {
                assert_eq!(receipt.name.as_deref(), Some("purchase"));
                assert_eq!(receipt.user_id.as_deref(), Some(DEMO_USER_ID));
                assert_eq!(receipt.external_user_id.as_deref(), Some("customer-42"));
            },
        ),
    ];

    let coverage = common::run(&suite, rows).await;
    coverage.assert_exactly(&OPERATIONS);
    assert_eq!(common::recorded(&suite).await, [0, 8, 1, 0, 0]);
}
