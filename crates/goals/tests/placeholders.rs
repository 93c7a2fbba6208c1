//! The vendor page shows most Epixel values only as placeholders (`<maximum>`, `<overall>`),
//! so a deployment that writes text where a number was expected (`"N/A"`, `"-"`) must not fail
//! the whole response: the text is kept (and written back), numbers still read as numbers.

use std::time::Duration;

use questkit_core::{HasProgress, RetryPolicy};
use questkit_goals::Goals;
use questkit_mock::Fault;
use questkit_mock::goals::{DEMO_ACCESS_TOKEN, DEMO_API_KEY, DEMO_API_SIGNATURE, GoalsMock};
use serde_json::{Value, json};

fn client(mock: &GoalsMock) -> Goals {
    Goals::builder()
        .base_url(mock.uri())
        .api_key(DEMO_API_KEY)
        .access_token(DEMO_ACCESS_TOKEN)
        .signature(DEMO_API_SIGNATURE)
        .retry_policy(RetryPolicy {
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
}

fn goal(text: &str) -> Value {
    json!({
        "period": "monthly", "maximum": text, "minimum": text, "display_name": "Sales",
        "currency_code": "USD", "current": text, "percentage": text, "difference": text
    })
}

#[tokio::test]
async fn text_in_numeric_placeholders_does_not_fail_the_overview() {
    let mock = GoalsMock::start().await;
    let goals = client(&mock);
    for text in ["N/A", "-", "<current>", ""] {
        let body = json!({"status_code": 200, "errors": {}, "data": {
            "user_goals": {"sales": goal(text), "volume": {"current": 3, "maximum": "10"}},
            "eligibleforupdate": true, "profiles": []
        }});
        mock.fail_next(1, Fault::json(200, &body.to_string())).await;
        let overview = goals
            .profiles()
            .overview()
            .await
            .unwrap_or_else(|e| panic!("{text:?}: {e}"));
        let written = serde_json::to_value(&overview).unwrap();
        assert_eq!(written["user_goals"]["sales"]["maximum"], text, "{text:?}");
        assert_eq!(written["user_goals"]["sales"]["current"], text, "{text:?}");
        // The numeric goal next to it is still a number, and still makes progress.
        let volume = overview.user_goals.get("volume").unwrap();
        assert_eq!(volume.progress().fraction(), 0.3);
        let sales = overview.user_goals.get("sales").unwrap();
        assert_eq!(sales.progress().current, 0.0);
    }
}

#[tokio::test]
async fn text_in_numeric_placeholders_does_not_fail_the_leaderboard() {
    let mock = GoalsMock::start().await;
    let goals = client(&mock);
    for text in ["N/A", "—", "<overall>"] {
        let body = json!({"status_code": 200, "errors": {}, "data": {
            "goals": {"sales": goal(text)},
            "current_goal_info": {"sales": goal(text)},
            "profiles_leader_board_data": {
                "7": {"name": "Ann", "level": text, "overall": text, "percentage": text}
            },
            "goal_leader_board_user_data": {
                "7": {"value": text, "firstname": "Ann", "percentage": text}
            }
        }});
        mock.fail_next(1, Fault::json(200, &body.to_string())).await;
        let board = goals
            .profiles()
            .goals_leaderboard()
            .await
            .unwrap_or_else(|e| panic!("{text:?}: {e}"));
        let written = serde_json::to_value(&board).unwrap();
        assert_eq!(written["profiles_leader_board_data"]["7"]["overall"], text);
        assert_eq!(written["goal_leader_board_user_data"]["7"]["value"], text);
        let row = board.goal_leader_board_user_data.get("7").unwrap();
        assert_eq!(row.progress().current, 0.0);
    }
}
