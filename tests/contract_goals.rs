#![cfg(feature = "goals")]
//! The Epixel Goals wire contract: each of the 3 operations of `questkit::goals`, called once
//! against the Goals mock under `/goals/api/v1` on a shared `MockSuite` server, plus the login
//! the client makes by itself before its first profile call. Each row gives the call, the
//! requests the mock must receive (method, path relative to `/api/v1`, query, `apikey`,
//! `Authorization: Bearer` and `api-signature` where due, JSON body) and checks on the decoded
//! value.

mod common;

use common::{Api, Expect, row};
use questkit::HasProgress;
use questkit::goals::{Goals, NumberOrText};
use questkit_mock::MockSuite;
use questkit_mock::goals::{DEMO_API_KEY, DEMO_API_SIGNATURE, DEMO_PASSWORD, DEMO_USERNAME};
use serde_json::json;

/// A number as a placeholder field holds it.
fn num(value: f64) -> Option<NumberOrText> {
    Some(NumberOrText::Number(value))
}

/// Every operation of the client: method and path template, relative to the base path.
const OPERATIONS: [(&str, &str); 3] = [
    ("GET", "/profiles/overview/"),
    ("GET", "/profiles/user/goals-leaderboard/"),
    ("POST", "/user/login/"),
];

/// A profile call: signed, with the access token of the mock's `n`th login.
fn signed(expect: Expect, login: u32) -> Expect {
    expect
        .header("authorization", format!("Bearer mock-access-{login}"))
        .header("api-signature", DEMO_API_SIGNATURE)
}

#[tokio::test]
async fn every_goals_operation_matches_the_mock() {
    let suite = MockSuite::start().await;
    let goals = Goals::builder()
        .base_url(suite.goals.uri())
        .api_key(DEMO_API_KEY)
        .login(DEMO_USERNAME, DEMO_PASSWORD)
        .signature(DEMO_API_SIGNATURE)
        .max_retries(0)
        .build()
        .expect("a client of the mock");
    let api = Api::new(&suite.goals)
        .header("apikey", DEMO_API_KEY)
        .header("accept", "application/json");
    // The login: the API key only, no bearer token, not signed.
    let login = api
        .post(
            "/user/login/",
            "/user/login/",
            json!({"username": DEMO_USERNAME, "password": DEMO_PASSWORD}),
        )
        .without("authorization")
        .without("api-signature");

    let rows = vec![
        row(
            "profiles.overview",
            goals.profiles().overview().profile_id(12),
            [
                login.clone(),
                signed(
                    api.get("/profiles/overview/", "/profiles/overview/")
                        .query("profile_id", "12"),
                    1,
                ),
            ],
            |overview| {
                let keys: Vec<_> = overview.user_goals.keys().map(String::as_str).collect();
                assert_eq!(keys, ["personal_volume", "team_sales", "new_enrollments"]);
                let volume = overview.user_goals.get("personal_volume").expect("a goal");
                assert_eq!(volume.current, num(975.5));
                assert!(
                    overview
                        .user_goals
                        .get("team_sales")
                        .expect("a goal")
                        .progress()
                        .is_completed()
                );
                assert_eq!(overview.eligible_for_update, Some(true));
                assert_eq!(
                    overview.profiles[0].id.as_ref().map(|id| id.as_str()),
                    Some("12")
                );
            },
        ),
        row(
            "profiles.goals_leaderboard",
            goals
                .profiles()
                .goals_leaderboard()
                .profile(12)
                .goal("personal_volume"),
            // The token of the first login is reused.
            [signed(
                api.get(
                    "/profiles/user/goals-leaderboard/",
                    "/profiles/user/goals-leaderboard/",
                )
                .query("profile", "12")
                .query("goal", "personal_volume"),
                1,
            )],
            |board| {
                assert_eq!(board.selected_goal.as_deref(), Some("personal_volume"));
                assert_eq!(
                    board.selected_profile.as_ref().map(|id| id.as_str()),
                    Some("12")
                );
                assert_eq!(board.course_list.len(), 2);
                assert_eq!(board.goal_leader_board_user_data.len(), 3);
            },
        ),
        row(
            "user.login",
            goals.user().login(DEMO_USERNAME, DEMO_PASSWORD),
            [login.clone()],
            |tokens| {
                assert_eq!(tokens.access(), "mock-access-2");
                assert_eq!(tokens.refresh(), Some("mock-refresh-2"));
            },
        ),
    ];

    let coverage = common::run(&suite, rows).await;
    coverage.assert_exactly(&OPERATIONS);
    assert_eq!(common::recorded(&suite).await, [0, 0, 0, 4, 0]);
    assert_eq!(
        suite.goals.login_count(),
        2,
        "one automatic login, one explicit"
    );
}
