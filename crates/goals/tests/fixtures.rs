//! Every fixture in `fixtures/goals/` deserializes, round-trips, and holds the expected values.

use questkit_core::HasProgress;
use questkit_goals::{
    AuthErrorBody, Envelope, ErrorMessages, GoalsLeaderboard, LoginTokens, NON_FIELD_ERRORS,
    NumberOrText, Overview, Period,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::fmt::Debug;
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/goals"))
}

fn load(name: &str) -> String {
    std::fs::read_to_string(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Deserializes, serializes and deserializes again; both values must be equal.
/// Every ID keeps its JSON type too.
fn round_trip<T: DeserializeOwned + Serialize + PartialEq + Debug>(name: &str) -> T {
    let first: T = serde_json::from_str(&load(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let json = serde_json::to_string(&first).unwrap();
    let second: T = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{name} again: {e}"));
    assert_eq!(first, second, "{name} does not round-trip");
    let original: Value = serde_json::from_str(&load(name)).unwrap();
    let rewritten: Value = serde_json::from_str(&json).unwrap();
    assert_id_types_kept(name, &original, &rewritten);
    first
}

/// A number as a placeholder field holds it.
fn num(value: f64) -> Option<NumberOrText> {
    Some(NumberOrText::Number(value))
}

fn data<T>(envelope: Envelope<T>) -> T {
    assert!(envelope.is_success());
    envelope.data.expect("data present")
}

fn keys<V>(map: &questkit_goals::OrderedMap<String, V>) -> Vec<&str> {
    map.keys().map(String::as_str).collect()
}

const JSON_FIXTURES: &[&str] = &[
    "overview.json",
    "overview_numeric_strings.json",
    "overview_edge_cases.json",
    "overview_empty.json",
    "goals_leaderboard.json",
    "goals_leaderboard_numeric_strings.json",
    "goals_leaderboard_edge_cases.json",
    "goals_leaderboard_empty.json",
    "login_response.json",
    "refresh_response.json",
    "error_invalid_profile.json",
    "error_invalid_profile_id.json",
    "error_invalid_goal.json",
    "error_list_messages.json",
    "error_non_field.json",
    "error_status_200_with_errors.json",
    "login_401.json",
    "token_invalid_401.json",
];

#[test]
fn every_fixture_file_is_covered_and_listed_in_the_readme() {
    let readme = load("README.md");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n != "README.md")
        .collect();
    on_disk.sort();
    for name in &on_disk {
        assert!(
            readme.contains(&format!("`{name}`")),
            "{name} missing from README"
        );
        if name.ends_with(".json") {
            assert!(JSON_FIXTURES.contains(&name.as_str()), "{name} has no test");
        }
    }
    for name in JSON_FIXTURES {
        assert!(on_disk.iter().any(|n| n == name), "{name} not on disk");
    }
}

#[test]
fn seed_bodies_are_kept_verbatim_and_are_not_json() {
    // The seed document lives outside the repository; where it is present, the copies must be
    // exact excerpts of it.
    let seed = std::fs::read_to_string("/work/shared/seeds/003_8e5dbab00707b620.txt").ok();
    for name in [
        "seed_overview_response.txt",
        "seed_goals_leaderboard_response.txt",
    ] {
        let text = load(name);
        assert!(
            serde_json::from_str::<serde_json::Value>(&text).is_err(),
            "{name}"
        );
        assert!(text.starts_with("{\n\"status_code\": 200,"), "{name}");
        if let Some(seed) = &seed {
            assert!(seed.contains(&text), "{name} differs from the seed");
        }
    }
    assert!(load("seed_overview_response.txt").contains("\"maximum\": <maximum>,"));
    assert!(load("seed_goals_leaderboard_response.txt").contains("thumbnail: \"<thumbnail>\","));
    assert!(load("seed_error_responses.txt").contains("Invalid goal keyword."));
}

#[test]
fn overview() {
    let env: Envelope<Overview> = round_trip("overview.json");
    assert_eq!(env.status_code, Some(200));
    let overview = data(env);
    assert_eq!(
        keys(&overview.user_goals),
        ["personal_volume", "team_sales", "new_enrollments"]
    );
    let pv = overview.user_goals.get("personal_volume").unwrap();
    assert_eq!(pv.period, Some(Period::Monthly));
    assert_eq!(pv.maximum, num(1500.0));
    assert_eq!(pv.minimum, num(100.0));
    assert_eq!(pv.display_name.as_deref(), Some("Personal Volume"));
    assert_eq!(pv.currency(), Some("USD"));
    assert_eq!(pv.current, num(975.5));
    assert_eq!(pv.percentage, num(65.03));
    assert_eq!(pv.difference, num(524.5));
    assert_eq!(pv.progress().fraction(), 0.6503);
    assert!(!pv.progress().is_completed());

    let team = overview.user_goals.get("team_sales").unwrap();
    assert!(team.progress().is_completed());
    let recruits = overview.user_goals.get("new_enrollments").unwrap();
    assert_eq!(recruits.period, Some(Period::Weekly));
    assert_eq!(recruits.currency(), None);
    assert_eq!(recruits.progress().percent(), 30);

    assert_eq!(overview.eligible_for_update, Some(true));
    let ids: Vec<_> = overview
        .profiles
        .iter()
        .map(|p| p.id.as_ref().map(|id| id.as_str()))
        .collect();
    assert_eq!(ids, [Some("12"), Some("15")]);
    assert_eq!(
        overview.profiles[1].profilename.as_deref(),
        Some("Leadership Track")
    );
}

#[test]
fn numeric_ids_are_written_back_as_numbers() {
    let env: Envelope<Overview> = round_trip("overview.json");
    let json = serde_json::to_value(&env).unwrap();
    assert_eq!(json["data"]["profiles"][0]["id"], serde_json::json!(12));
    let env: Envelope<Overview> = round_trip("overview_numeric_strings.json");
    let json = serde_json::to_value(&env).unwrap();
    assert!(json["data"]["profiles"][0]["id"].is_string());
    let board: Envelope<GoalsLeaderboard> = round_trip("goals_leaderboard.json");
    let json = serde_json::to_value(&board).unwrap();
    assert!(json["data"]["selected_profile"].is_number());
}

#[test]
fn overview_serializes_in_server_order() {
    let env: Envelope<Overview> = serde_json::from_str(&load("overview.json")).unwrap();
    let json = serde_json::to_string(&env).unwrap();
    let pos = |needle: &str| json.find(needle).unwrap_or_else(|| panic!("{needle}"));
    assert!(pos("\"personal_volume\"") < pos("\"team_sales\""));
    assert!(pos("\"team_sales\"") < pos("\"new_enrollments\""));
    assert!(json.contains("\"eligibleforupdate\":true"));
}

#[test]
fn overview_numeric_strings() {
    let env: Envelope<Overview> = round_trip("overview_numeric_strings.json");
    assert_eq!(env.status_code, Some(200));
    let overview = data(env);
    assert_eq!(
        keys(&overview.user_goals),
        ["zeta_retail", "alpha_recruits"]
    );
    let retail = overview.user_goals.get("zeta_retail").unwrap();
    assert_eq!(retail.maximum, num(2000.0));
    assert_eq!(retail.minimum, num(250.0));
    assert_eq!(retail.current, num(1250.5));
    assert_eq!(retail.percentage, num(62.53));
    assert_eq!(retail.difference, num(749.5));
    let recruits = overview.user_goals.get("alpha_recruits").unwrap();
    assert_eq!(recruits.percentage, num(40.0));
    assert_eq!(recruits.currency_code, None);
    assert_eq!(recruits.progress().fraction(), 0.4);
    assert_eq!(overview.eligible_for_update, Some(false));
    let ids: Vec<_> = overview
        .profiles
        .iter()
        .map(|p| p.id.as_ref().map(|id| id.as_str()))
        .collect();
    assert_eq!(ids, [Some("12"), Some("p-77")]);
}

#[test]
fn overview_edge_cases() {
    let overview = data(round_trip::<Envelope<Overview>>("overview_edge_cases.json"));
    assert_eq!(
        keys(&overview.user_goals),
        ["z_last_but_listed_first", "a_no_target", "m_empty"]
    );
    let first = overview.user_goals.get("z_last_but_listed_first").unwrap();
    assert_eq!(
        first.period,
        Some(Period::Unknown("quarter_to_date".into()))
    );
    assert_eq!(first.display_name, None);
    assert_eq!(first.progress().fraction(), 0.4);
    let no_target = overview.user_goals.get("a_no_target").unwrap();
    assert_eq!(no_target.period, None);
    assert_eq!(no_target.maximum, None);
    assert_eq!(no_target.progress().fraction(), 0.8);
    let empty = overview.user_goals.get("m_empty").unwrap();
    assert_eq!(*empty, questkit_goals::Goal::default());
    assert_eq!(overview.eligible_for_update, Some(true));
    assert!(overview.profiles.is_empty());
}

#[test]
fn overview_empty() {
    let env: Envelope<Overview> = round_trip("overview_empty.json");
    assert!(env.errors.is_empty());
    let overview = data(env);
    assert!(overview.user_goals.is_empty());
    assert_eq!(overview.eligible_for_update, Some(false));
    assert!(overview.profiles.is_empty());
}

#[test]
fn goals_leaderboard() {
    let board = data(round_trip::<Envelope<GoalsLeaderboard>>(
        "goals_leaderboard.json",
    ));
    assert_eq!(board.course_list.len(), 2);
    let course = &board.course_list[0];
    assert_eq!(course.title.as_deref(), Some("Closing 101"));
    assert_eq!(course.duration, Some(NumberOrText::Number(45.0)));
    assert_eq!(
        course.detail_url.as_deref(),
        Some("https://shop.example.com/learn/courses/closing-101/")
    );
    assert!(course.thumbnail.as_deref().unwrap().ends_with(".jpg"));
    assert_eq!(
        course.short_description.as_deref(),
        Some("Turn warm leads into first orders.")
    );

    assert_eq!(keys(&board.goals), ["personal_volume", "team_sales"]);
    let team = board.goals.get("team_sales").unwrap();
    assert_eq!(team.maximum, num(25000.0));
    assert_eq!(team.current, None);
    assert_eq!(board.selected_goal.as_deref(), Some("personal_volume"));
    assert_eq!(
        board.selected_profile.as_ref().map(|id| id.as_str()),
        Some("12")
    );

    assert_eq!(
        keys(&board.profiles_leader_board_data),
        ["1042", "977", "1203"]
    );
    let maria = board.profiles_leader_board_data.get("1042").unwrap();
    assert_eq!(maria.name.as_deref(), Some("Maria Lopez"));
    assert_eq!(maria.level, Some(NumberOrText::Number(3.0)));
    assert_eq!(maria.overall, num(88.5));
    assert_eq!(maria.percentage, num(88.5));

    assert_eq!(
        keys(&board.goal_leader_board_user_data),
        ["977", "1042", "1203"]
    );
    let (top_id, top) = board.goal_leader_board_user_data.first().unwrap();
    assert_eq!(top_id, "977");
    assert_eq!(top.full_name(), "Sam Okafor");
    assert_eq!(top.value, num(1620.0));
    assert_eq!(top.percentage, num(108.0));
    assert!(top.progress().is_completed());
    let ana = board.goal_leader_board_user_data.get("1203").unwrap();
    assert_eq!(ana.image.as_deref(), Some(""));
    assert_eq!(ana.progress().percent(), 65);

    let info = board.current_goal_info.get("personal_volume").unwrap();
    assert_eq!(info.current, num(975.5));
    assert_eq!(info.difference, num(524.5));

    let status = board.goal_status.as_ref().unwrap();
    assert_eq!(status.goal.as_deref(), Some("1500.00"));
    assert_eq!(status.goal_value(), Some(1500.0));
    assert_eq!(status.achieved_value(), Some(975.5));
    assert!(status.status_text.as_deref().unwrap().contains("524.50"));

    let variants = &board.current_goal_details.as_ref().unwrap().variants;
    assert_eq!(variants.len(), 2);
    assert_eq!(variants[1].step.as_deref(), Some("2"));
    assert_eq!(
        variants[1].recommended_course.as_deref(),
        Some("Building a Team")
    );
    assert_eq!(
        variants[0].recommended_article.as_deref(),
        Some("Five follow-up habits")
    );
    assert!(variants[0].active_link.is_some());

    assert_eq!(board.profiles.len(), 2);
    assert_eq!(
        board.profiles[0].profilename.as_deref(),
        Some("Spring Push")
    );
}

#[test]
fn goals_leaderboard_numeric_strings() {
    let board = data(round_trip::<Envelope<GoalsLeaderboard>>(
        "goals_leaderboard_numeric_strings.json",
    ));
    assert_eq!(
        board.course_list[0].duration,
        Some(NumberOrText::Number(45.0))
    );
    assert_eq!(board.goals.get("team_sales").unwrap().minimum, num(5000.0));
    assert_eq!(
        board.selected_profile.as_ref().map(|id| id.as_str()),
        Some("12")
    );
    let sam = board.profiles_leader_board_data.get("977").unwrap();
    assert_eq!(sam.level.as_ref().and_then(NumberOrText::as_f64), Some(2.0));
    assert_eq!(sam.overall, num(71.0));
    assert_eq!(sam.image, None);
    let row = board.goal_leader_board_user_data.get("977").unwrap();
    assert_eq!(row.value, num(26340.0));
    assert_eq!(row.percentage, num(105.36));
    let info = board.current_goal_info.get("team_sales").unwrap();
    assert!(info.progress().is_completed());
    let status = board.goal_status.unwrap();
    assert_eq!(status.goal.as_deref(), Some("25000"));
    assert_eq!(status.achieved_value(), Some(26340.0));
    assert_eq!(
        board.current_goal_details.unwrap().variants[0]
            .step
            .as_deref(),
        Some("1")
    );
    assert_eq!(
        board.profiles[0].id.as_ref().map(|id| id.as_str()),
        Some("12")
    );
}

#[test]
fn goals_leaderboard_edge_cases() {
    let board = data(round_trip::<Envelope<GoalsLeaderboard>>(
        "goals_leaderboard_edge_cases.json",
    ));
    assert!(board.course_list.is_empty());
    assert_eq!(
        board.goals.get("new_enrollments").unwrap().period,
        Some(Period::Unknown("fortnightly".into()))
    );
    assert_eq!(board.selected_goal.as_deref(), Some("new_enrollments"));
    assert_eq!(board.selected_profile, None);
    let lee = board.profiles_leader_board_data.get("5").unwrap();
    assert_eq!(lee.level, Some(NumberOrText::Text("Gold".into())));
    assert_eq!(lee.percentage, num(120.0));
    assert!(board.goal_leader_board_user_data.is_empty());
    assert!(board.current_goal_info.is_empty());
    assert_eq!(board.goal_status, None);
    assert!(board.current_goal_details.unwrap().variants.is_empty());
    assert!(board.profiles.is_empty());
}

#[test]
fn goals_leaderboard_empty() {
    let board = data(round_trip::<Envelope<GoalsLeaderboard>>(
        "goals_leaderboard_empty.json",
    ));
    assert!(board.course_list.is_empty());
    assert!(board.goals.is_empty());
    assert!(board.profiles_leader_board_data.is_empty());
    assert!(board.goal_leader_board_user_data.is_empty());
    assert!(board.current_goal_info.is_empty());
    assert_eq!(board.selected_goal.as_deref(), Some(""));
    assert_eq!(
        board.selected_profile.as_ref().map(|id| id.as_str()),
        Some("0")
    );
    assert_eq!(board.goal_status.unwrap().goal_value(), Some(0.0));
    assert!(board.current_goal_details.unwrap().variants.is_empty());
}

#[test]
fn login_and_refresh_tokens() {
    let tokens: LoginTokens = round_trip("login_response.json");
    assert!(tokens.access().starts_with("eyJ"));
    assert!(tokens.access().ends_with("c2lnbmF0dXJlLWFjY2Vzcw"));
    assert!(
        tokens
            .refresh()
            .unwrap()
            .ends_with("c2lnbmF0dXJlLXJlZnJlc2g")
    );
    let debug = format!("{tokens:?}");
    assert!(!debug.contains("eyJ"), "{debug}");

    let refreshed: LoginTokens = round_trip("refresh_response.json");
    assert_eq!(refreshed.refresh(), None);
    assert!(refreshed.access().ends_with("c2lnbmF0dXJlLWFjY2VzczI"));
}

#[test]
fn validation_errors() {
    let profile: Envelope = round_trip("error_invalid_profile.json");
    assert!(!profile.is_success());
    assert_eq!(profile.status_code, Some(400));
    assert_eq!(
        profile.errors.get("profile"),
        Some(&ErrorMessages::One("Invalid profile id.".into()))
    );
    assert_eq!(profile.data, Some(serde_json::json!({})));

    let profile_id: Envelope = round_trip("error_invalid_profile_id.json");
    assert_eq!(
        profile_id.errors.first_message("profile_id"),
        Some("Invalid profile id.")
    );
    assert_eq!(profile_id.data, None);

    let goal: Envelope = round_trip("error_invalid_goal.json");
    assert_eq!(
        goal.errors.first_message("goal"),
        Some("Invalid goal keyword.")
    );
    assert_eq!(goal.data, None);

    let list: Envelope = round_trip("error_list_messages.json");
    assert_eq!(list.errors.len(), 2);
    assert_eq!(
        list.errors.get("goal"),
        Some(&ErrorMessages::Many(vec![
            "Invalid goal keyword.".into(),
            "This field may not be blank.".into()
        ]))
    );
    assert_eq!(
        list.errors.pairs(),
        [
            ("profile".to_string(), "Invalid profile id.".to_string()),
            ("goal".to_string(), "Invalid goal keyword.".to_string()),
            (
                "goal".to_string(),
                "This field may not be blank.".to_string()
            ),
        ]
    );
    assert_eq!(list.data, None);

    let non_field: Envelope = round_trip("error_non_field.json");
    assert_eq!(
        non_field.errors.first_message(NON_FIELD_ERRORS),
        Some("There is a user registered with the specified E-Mail address.")
    );

    let sneaky: Envelope = round_trip("error_status_200_with_errors.json");
    assert_eq!(sneaky.status_code, Some(200));
    assert!(!sneaky.is_success());
}

#[test]
fn error_envelopes_also_read_with_a_typed_payload() {
    // The client reads `data` only after checking `errors`, but a typed read must not fail.
    for name in [
        "error_invalid_profile.json",
        "error_invalid_goal.json",
        "error_list_messages.json",
    ] {
        let env: Envelope<Overview> = round_trip(name);
        assert!(!env.is_success(), "{name}");
        if let Some(data) = env.data {
            assert_eq!(data, Overview::default(), "{name}");
        }
    }
}

#[test]
fn auth_error_bodies() {
    let login: AuthErrorBody = round_trip("login_401.json");
    assert_eq!(login.code.as_deref(), Some("no_active_account"));
    assert_eq!(
        login.detail.as_deref(),
        Some("No active account found with the given credentials")
    );
    assert!(login.messages.is_empty());

    let token: AuthErrorBody = round_trip("token_invalid_401.json");
    assert_eq!(token.code.as_deref(), Some("token_not_valid"));
    assert_eq!(token.messages.len(), 1);
    assert_eq!(token.messages[0].token_type.as_deref(), Some("access"));
    assert_eq!(
        token.messages[0].message.as_deref(),
        Some("Token is invalid or expired")
    );
}

/// Every ID the model kept has the JSON type (string or number) and the value the server sent.
fn assert_id_types_kept(name: &str, original: &Value, rewritten: &Value) {
    let changed = questkit_core::fuzzing::ids_changed(original, rewritten);
    assert!(
        changed.is_empty(),
        "{name}: IDs changed their JSON type or value: {changed:?}"
    );
}
