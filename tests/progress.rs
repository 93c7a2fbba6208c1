#![cfg(all(
    feature = "trophy",
    feature = "nudj",
    feature = "goals",
    feature = "giftoin"
))]
//! The unified progress view: each API's models as `ProgressItem`s, on the recorded fixtures
//! and on the edge cases (target 0 or missing, current above target, percentage as a string,
//! completed without a date).

use questkit::giftoin::CollectionChallenge;
use questkit::goals::{Envelope, Goal, Overview};
use questkit::nudj::achievements::Achievement;
use questkit::progress::{ProgressItem, Source};
use questkit::trophy::achievements::UserAchievementWithStats;
use questkit::trophy::metrics::Metric;
use questkit::trophy::streaks::Streak;
use serde::de::DeserializeOwned;

fn fixture<T: DeserializeOwned>(path: &str) -> T {
    let full = format!("{}/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn overview(path: &str) -> Overview {
    let envelope: Envelope<Overview> = fixture(path);
    envelope.data.expect("the fixture has data")
}

/// (title, current, target, fraction, completed, has completion date)
type Expected<'a> = (&'a str, f64, Option<f64>, f64, bool, bool);

fn check(items: &[ProgressItem], source: Source, expected: &[Expected<'_>]) {
    let got: Vec<Expected<'_>> = items
        .iter()
        .map(|i| {
            assert_eq!(i.source, source);
            (
                i.title.as_str(),
                i.current(),
                i.target(),
                (i.fraction() * 10_000.0).round() / 10_000.0,
                i.is_completed(),
                i.completed_at().is_some(),
            )
        })
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn trophy_metric_achievements_of_the_seed_metric() {
    let metric: Metric = fixture("trophy/seed_single_metric.json");
    let items = ProgressItem::trophy_metric_achievements(Some("user-1"), &metric);
    check(
        &items,
        Source::Trophy,
        &[
            // Current above target: clamped to a full bar.
            ("Novice Writer", 1500.0, Some(500.0), 1.0, true, true),
            ("Intermediate Writer", 1500.0, Some(1000.0), 1.0, true, true),
            ("Expert Writer", 1500.0, Some(2000.0), 0.75, false, false),
        ],
    );
    assert!(items.iter().all(|i| i.user.as_deref() == Some("user-1")));
    assert_eq!(items[0].unit.as_deref(), Some("Words written"));
    assert_eq!(
        items[2].to_string(),
        "[trophy] Expert Writer: 1500 / 2000 Words written (75%)"
    );
}

#[test]
fn trophy_streak_achievements_follow_achieved_at() {
    let streak: Streak = fixture("trophy/responses/users_streak.json");
    let mut achievements: Vec<UserAchievementWithStats> =
        fixture("trophy/edge/user_achievements_incomplete.json");
    achievements.extend(fixture::<Vec<UserAchievementWithStats>>(
        "trophy/responses/users_achievements.json",
    ));
    let items = ProgressItem::trophy_streak_achievements(None, &streak, &achievements);
    check(
        &items,
        Source::Trophy,
        &[
            ("30-Day Streak", 1.0, Some(30.0), 0.0333, false, false),
            // Achieved earlier although today's streak is shorter: done, with its date.
            ("3-Day Streak", 1.0, Some(3.0), 1.0, true, true),
        ],
    );
    // Only streak achievements are listed, whatever else the user has.
    assert!(achievements.len() > items.len());
}

#[test]
fn nudj_achievements_with_and_without_user_state() {
    let cases: [(&str, Expected<'_>); 4] = [
        (
            "nudj/achievement_logical.json",
            ("Weekend warrior", 1.0, Some(2.0), 0.5, false, false),
        ),
        // No user state: nothing done against the criteria's two conditions.
        (
            "nudj/edge_missing_user_state.json",
            ("Newcomer", 0.0, Some(2.0), 0.0, false, false),
        ),
        (
            "nudj/edge_user_state_shorter.json",
            ("Triathlon", 1.0, Some(2.0), 0.5, false, false),
        ),
        // Nulls everywhere: no target at all.
        (
            "nudj/edge_nulls.json",
            ("Bare", 0.0, None, 0.0, false, false),
        ),
    ];
    for (path, expected) in cases {
        let achievement: Achievement = fixture(path);
        let item = ProgressItem::nudj_achievement(Some("customer-8812"), &achievement);
        check(std::slice::from_ref(&item), Source::Nudj, &[expected]);
        assert_eq!(item.id.as_deref(), Some(achievement.id.as_str()), "{path}");
    }
    let logical: Achievement = fixture("nudj/achievement_logical.json");
    let item = ProgressItem::nudj_achievement(None, &logical);
    assert_eq!(
        item.image.as_deref(),
        Some("https://cdn.nudj.cx/img/weekend-warrior-light.png")
    );
}

#[test]
fn goals_in_server_order_with_numeric_strings_and_missing_targets() {
    check(
        &ProgressItem::goals_overview(Some("distributor-42"), &overview("goals/overview.json")),
        Source::Goals,
        &[
            // The server's percentage (65.03) sets the fraction.
            ("Personal Volume", 975.5, Some(1500.0), 0.6503, false, false),
            // Above target and completed, with no date from the API.
            ("Team Sales", 26340.0, Some(25000.0), 1.0, true, false),
            ("New Enrollments", 3.0, Some(10.0), 0.3, false, false),
        ],
    );
    check(
        &ProgressItem::goals_overview(None, &overview("goals/overview_numeric_strings.json")),
        Source::Goals,
        &[
            // The server's percentage ("62.53", "40%") sets the fraction.
            ("Retail Sales", 1250.5, Some(2000.0), 0.6253, false, false),
            ("Recruits", 2.0, Some(5.0), 0.4, false, false),
        ],
    );
    let edge = ProgressItem::goals_overview(None, &overview("goals/overview_edge_cases.json"));
    check(
        &edge,
        Source::Goals,
        &[
            (
                "z_last_but_listed_first",
                120.0,
                Some(300.0),
                0.4,
                false,
                false,
            ),
            // No target: only the percentage.
            ("a_no_target", 40.0, None, 0.8, false, false),
            ("m_empty", 0.0, None, 0.0, false, false),
        ],
    );
    assert_eq!(edge[1].to_string(), "[goals] a_no_target: 40 (80%)");
    assert_eq!(edge[2].to_string(), "[goals] m_empty: (0%)");
}

#[test]
fn goal_with_a_zero_target_is_never_complete_or_divided_by_zero() {
    let goal: Goal = serde_json::from_str(r#"{"maximum": 0, "current": 5}"#).unwrap();
    let item = ProgressItem::goal(None, "zero", &goal);
    assert_eq!(
        (item.target(), item.fraction(), item.is_completed()),
        (Some(0.0), 0.0, false)
    );
}

#[test]
fn goal_placeholders_written_as_text_count_as_absent() {
    let goal: Goal = serde_json::from_str(
        r#"{"display_name": "Sales", "maximum": "N/A", "current": "-", "percentage": "n/a"}"#,
    )
    .unwrap();
    let item = ProgressItem::goal(None, "sales", &goal);
    assert_eq!(
        (
            item.current(),
            item.target(),
            item.fraction(),
            item.is_completed()
        ),
        (0.0, None, 0.0, false)
    );
    let half: Goal = serde_json::from_str(r#"{"maximum": "N/A", "percentage": "50"}"#).unwrap();
    assert_eq!(ProgressItem::goal(None, "half", &half).fraction(), 0.5);
}

#[test]
fn nudj_completion_time_is_parsed_from_the_servers_text() {
    let achievement: Achievement = serde_json::from_str(
        r#"{"id": "a1", "details": {"title": "Done"},
            "userState": {"isComplete": true, "completedAt": "2024-05-01 12:00:00"}}"#,
    )
    .unwrap();
    let item = ProgressItem::nudj_achievement(None, &achievement);
    assert!(item.is_completed());
    assert_eq!(
        item.completed_at().map(|t| t.to_rfc3339()).as_deref(),
        Some("2024-05-01T12:00:00+00:00")
    );
}

#[test]
fn giftoin_cards_or_percentage() {
    let seed: Vec<CollectionChallenge> = fixture("giftoin/progress_list.seed.json");
    let mut items: Vec<ProgressItem> = seed
        .iter()
        .map(|c| ProgressItem::giftoin_challenge(Some("discord:1"), c))
        .collect();
    for path in [
        "giftoin/program_completed.json",
        "giftoin/program_percentage_only.json",
        "giftoin/program_minimal.json",
    ] {
        let challenge: CollectionChallenge = fixture(path);
        items.push(ProgressItem::giftoin_challenge(None, &challenge));
    }
    check(
        &items,
        Source::Giftoin,
        &[
            ("Winter Challenge", 3.0, Some(10.0), 0.3, false, false),
            // Every card owned: done, without a completion date (Giftoin sends none).
            ("Autumn Leaves", 2.0, Some(2.0), 1.0, true, false),
            ("Percent Only", 0.0, None, 0.45, false, false),
            // No name, no counts: the program ID as title, nothing done.
            ("program_min", 0.0, None, 0.0, false, false),
        ],
    );
    assert_eq!(
        items[0].image.as_deref(),
        Some("https://example.com/images/winter-challenge.png")
    );
    assert_eq!(
        items[0].to_string(),
        "[giftoin] Winter Challenge: 3 / 10 cards (30%)"
    );
    assert_eq!(items[2].to_string(), "[giftoin] Percent Only: (45%)");
    assert_eq!(items[1].bar(10), "[##########]");
    assert_eq!(items[0].bar(10), "[###-------]");
}

#[test]
fn one_list_sorted_and_serialized() {
    let metric: Metric = fixture("trophy/seed_single_metric.json");
    let seed: Vec<CollectionChallenge> = fixture("giftoin/progress_list.seed.json");
    let mut all = ProgressItem::trophy_metric_achievements(None, &metric);
    all.extend(ProgressItem::goals_overview(
        None,
        &overview("goals/overview.json"),
    ));
    all.extend(
        seed.iter()
            .map(|c| ProgressItem::giftoin_challenge(None, c)),
    );
    all.sort_by(|a, b| b.fraction().total_cmp(&a.fraction()));
    assert_eq!(all.len(), 7);
    assert!(all.windows(2).all(|w| w[0].fraction() >= w[1].fraction()));
    let json = serde_json::to_value(&all[0]).unwrap();
    assert!(
        json["source"].is_string() && json["progress"]["fraction"] == 1.0,
        "{json}"
    );
    let back: ProgressItem = serde_json::from_value(json).unwrap();
    assert_eq!(back, all[0]);
}
