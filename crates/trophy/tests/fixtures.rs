//! Every fixture under `fixtures/trophy/` decodes into its model and round-trips, plus value
//! assertions on the important fields and the webhook signature checks.

use std::fmt::Debug;
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, TimeZone, Utc};
use questkit_core::{DateText, HasProgress, Patch};
use questkit_trophy::ErrorBody;
use questkit_trophy::achievements::{
    AchievementCompletion, AchievementTrigger, AchievementWithStats, CompleteAchievementBody,
    Requirement, UserAchievementWithStats,
};
use questkit_trophy::leaderboards::{
    Leaderboard, LeaderboardStatus, LeaderboardWithRankings, RankBy, RunUnit,
    UserLeaderboardWithHistory,
};
use questkit_trophy::metrics::{
    EventResponse, EventSummaryEntry, Metric, MetricEventBody, MetricStatus,
};
use questkit_trophy::points::{
    BoostRounding, BoostStatus, LevelSummaryEntry, PointsBoost, PointsLevel, PointsRange,
    PointsSystem, PointsTimeUnit, PointsTriggerStatus, PointsTriggerType, UserPoints,
};
use questkit_trophy::preferences::{
    NotificationChannel, StreakEvaluationMode, UpdateUserPreferences, UserPreferences,
};
use questkit_trophy::streaks::{BulkStreakEntry, StreakFrequency, UserStreak};
use questkit_trophy::users::{UpdatedUser, UpsertedUser, User};
use questkit_trophy::webhooks::{
    WebhookError, WebhookEvent, WebhookEventType, parse_webhook, sign_webhook, verify_webhook,
};
use questkit_trophy::wrapped::Wrapped;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/trophy")
}

fn raw(path: &str) -> Vec<u8> {
    std::fs::read(root().join(path)).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

/// Decodes a fixture, re-encodes it, decodes again and asserts both values are equal.
fn round_trip<T>(path: &str) -> T
where
    T: DeserializeOwned + Serialize + PartialEq + Debug,
{
    let bytes = raw(path);
    let first: T = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
    let encoded = serde_json::to_vec(&first).unwrap_or_else(|e| panic!("{path}: encode: {e}"));
    let second: T =
        serde_json::from_slice(&encoded).unwrap_or_else(|e| panic!("{path}: re-decode: {e}"));
    assert_eq!(first, second, "{path} does not round-trip");
    let original: Value = serde_json::from_slice(&bytes).unwrap();
    let written: Value = serde_json::from_slice(&encoded).unwrap();
    let mut problems = Vec::new();
    compare_written(&original, &written, "", &mut problems);
    assert!(
        problems.is_empty(),
        "{path} is not written back as sent:\n{}",
        problems.join("\n")
    );
    first
}

/// Whether a key names an ID (`id`, `userId`, `achievementIds`...).
fn is_id_key(key: &str) -> bool {
    key == "id" || key.ends_with("Id") || key.ends_with("Ids") || key == "eventId"
}

/// Whether a string is a date or date-time (`YYYY-MM-DD...`).
fn is_date_text(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= 10
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[5..7].iter().all(u8::is_ascii_digit)
        && bytes[7] == b'-'
        && bytes[8..10].iter().all(u8::is_ascii_digit)
}

/// The fields the models keep as `chrono::DateTime<Utc>` (Trophy's `format: date-time`): they
/// are written back as the same instant in RFC 3339 UTC (`...Z`), not always as the same
/// text: `2025-01-13T00:00:00.000Z` (the spec's own `LeaderboardEvent` example) comes back
/// without the `.000`, and `+02:00` as `Z`. Every other date, the plain-string ones
/// (`DateText`) and the `format: date` ones (`NaiveDate`), comes back byte-identical.
/// (`UserStreak.extended` is a date-time too but is not listed: the key also names the
/// plain-string `BulkStreakEntry.extended`, and no fixture holds it in another form.)
const NORMALISED_DATE_TIMES: [&str; 5] =
    ["achievedAt", "created", "updated", "timestamp", "resetAt"];

/// Numbers the models read leniently from numeric strings (`Metric.current`), written back as
/// numbers by design.
const LENIENT_NUMBERS: [&str; 1] = ["current"];

/// Compares what a model wrote back with what the fixture holds, at every path both have
/// (fields the models do not know, and `null`s they read as absent or empty, are left out by
/// design): a string stays a string and a number a number; IDs keep their value; dates come
/// back byte-identical (or as the same instant, for [`NORMALISED_DATE_TIMES`]).
fn compare_written(original: &Value, written: &Value, at: &str, problems: &mut Vec<String>) {
    let key = at
        .rsplit('/')
        .find(|k| k.parse::<usize>().is_err())
        .unwrap_or("");
    match (original, written) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                if let Some(w) = b.get(k) {
                    compare_written(v, w, &format!("{at}/{k}"), problems);
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                problems.push(format!("{at}: {} items became {}", a.len(), b.len()));
            }
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                compare_written(v, w, &format!("{at}/{i}"), problems);
            }
        }
        (Value::Null, _) => {}
        (Value::String(a), Value::String(b)) => {
            if is_id_key(key) && a != b {
                problems.push(format!("{at}: ID {a:?} became {b:?}"));
            }
            if is_date_text(a) && a != b {
                let same_instant = NORMALISED_DATE_TIMES.contains(&key)
                    && a.parse::<chrono::DateTime<Utc>>().ok()
                        == b.parse::<chrono::DateTime<Utc>>().ok();
                if !same_instant {
                    problems.push(format!("{at}: date {a:?} became {b:?}"));
                }
            }
        }
        (Value::Number(a), Value::Number(b)) => {
            if is_id_key(key) && a.as_f64() != b.as_f64() {
                problems.push(format!("{at}: ID {a} became {b}"));
            }
        }
        (Value::Bool(a), Value::Bool(b)) if a == b => {}
        (Value::String(a), Value::Number(b))
            if LENIENT_NUMBERS.contains(&key) && a.trim().parse::<f64>().ok() == b.as_f64() => {}
        (a, b) => problems.push(format!("{at}: {a} was written back as {b}")),
    }
}

/// Numbers compared as f64, so `750` and `750.0` are the same value.
fn normalize(value: Value) -> Value {
    match value {
        Value::Number(n) => json!(n.as_f64()),
        Value::Array(items) => Value::Array(items.into_iter().map(normalize).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, normalize(v))).collect())
        }
        other => other,
    }
}

/// Request bodies re-encode to exactly the fixture's JSON.
fn request_is_exact<T>(path: &str)
where
    T: DeserializeOwned + Serialize + PartialEq + Debug,
{
    let body: T = round_trip(path);
    let original: Value = serde_json::from_slice(&raw(path)).unwrap();
    assert_eq!(
        normalize(serde_json::to_value(&body).unwrap()),
        normalize(original),
        "{path} re-encodes differently"
    );
}

/// Decodes any fixture by its path; panics on a file no test knows.
fn decode_any(path: &str) {
    let name = path.rsplit('/').next().unwrap_or(path);
    match path {
        "seed_single_metric.json" => drop(round_trip::<Metric>(path)),
        "seed_user_achievements.json" => drop(round_trip::<Vec<UserAchievementWithStats>>(path)),
        "responses/achievements_all.json" => drop(round_trip::<Vec<AchievementWithStats>>(path)),
        "responses/achievements_complete.json" => drop(round_trip::<AchievementCompletion>(path)),
        "responses/metrics_event.json"
        | "responses/metrics_event_full.json"
        | "edge/metrics_event_replayed.json" => drop(round_trip::<EventResponse>(path)),
        "responses/users_create.json"
        | "responses/users_get.json"
        | "responses/users_get_full.json"
        | "responses/users_identify.json"
        | "responses/users_update.json"
        | "edge/user_both_email_flags.json"
        | "edge/user_nulls_extra_fields.json" => drop(round_trip::<User>(path)),
        "responses/users_get_preferences.json"
        | "responses/users_update_preferences.json"
        | "edge/preferences_unknown_values.json" => drop(round_trip::<UserPreferences>(path)),
        "responses/users_all_metrics.json" => drop(round_trip::<Vec<Metric>>(path)),
        "responses/users_single_metric.json" | "edge/metric_unknown_status_extra_fields.json" => {
            drop(round_trip::<Metric>(path))
        }
        "responses/users_metric_event_summary.json"
        | "responses/users_points_event_summary.json"
        | "edge/event_summary_empty.json" => drop(round_trip::<Vec<EventSummaryEntry>>(path)),
        "responses/users_achievements.json"
        | "responses/users_achievements_incomplete.json"
        | "edge/user_achievements_incomplete.json" => {
            drop(round_trip::<Vec<UserAchievementWithStats>>(path))
        }
        "responses/users_streak.json"
        | "responses/users_streak_full.json"
        | "edge/streak_unknown_frequency_nulls.json" => drop(round_trip::<UserStreak>(path)),
        "responses/streaks_list.json" | "edge/streaks_list_extended_dates.json" => {
            drop(round_trip::<Vec<BulkStreakEntry>>(path))
        }
        "responses/users_points.json" | "edge/users_points_no_level.json" => {
            drop(round_trip::<UserPoints>(path))
        }
        "responses/users_points_boosts.json"
        | "responses/points_boosts.json"
        | "edge/points_boosts_unknown_values.json" => drop(round_trip::<Vec<PointsBoost>>(path)),
        "responses/users_leaderboard.json" => drop(round_trip::<UserLeaderboardWithHistory>(path)),
        "responses/users_wrapped.json" | "edge/wrapped_minimal.json" => {
            drop(round_trip::<Wrapped>(path))
        }
        "responses/points_summary.json" => drop(round_trip::<Vec<PointsRange>>(path)),
        "responses/points_system.json" | "edge/points_system_unknown_trigger.json" => {
            drop(round_trip::<PointsSystem>(path))
        }
        "responses/points_levels.json" => drop(round_trip::<Vec<PointsLevel>>(path)),
        "responses/points_level_summary.json" => drop(round_trip::<Vec<LevelSummaryEntry>>(path)),
        "responses/leaderboards_all.json" => drop(round_trip::<Vec<Leaderboard>>(path)),
        "responses/leaderboards_get.json"
        | "responses/leaderboards_get_full.json"
        | "edge/leaderboard_unknown_values.json" => {
            drop(round_trip::<LeaderboardWithRankings>(path))
        }
        "requests/achievements_complete.json" => drop(round_trip::<CompleteAchievementBody>(path)),
        "requests/metrics_event.json" | "requests/metrics_event_minimal.json" => {
            request_is_exact::<MetricEventBody>(path)
        }
        "requests/users_create.json" | "requests/users_create_minimal.json" => {
            request_is_exact::<UpsertedUser>(path)
        }
        "requests/users_identify.json" | "requests/users_update_clear.json" => {
            request_is_exact::<UpdatedUser>(path)
        }
        // The spec's PATCH example also sends `id`, which the body type does not carry.
        "requests/users_update.json" => drop(round_trip::<UpdatedUser>(path)),
        p if p.starts_with("requests/users_update_preferences") => {
            request_is_exact::<UpdateUserPreferences>(path)
        }
        p if p.starts_with("errors/") => drop(round_trip::<ErrorBody>(path)),
        "webhooks/signatures.json" => drop(round_trip::<Value>(path)),
        // Maps of SDK type name to instance: each one is decoded by
        // `every_field_the_sdk_declares_is_modelled`.
        p if p.starts_with("sdk/") => drop(round_trip::<Value>(path)),
        p if p.starts_with("webhooks/") && name.ends_with(".json") => {
            drop(round_trip::<WebhookEvent>(path))
        }
        "README.md" => {}
        // The admin API's fixtures are decoded by `admin_fixtures.rs`.
        p if p.starts_with("admin/") => {}
        other => panic!("fixture {other} is not covered by any test: add it to decode_any"),
    }
}

fn all_fixture_files() -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(root())
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push(rel);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_fixture_decodes_and_round_trips() {
    let files = all_fixture_files();
    assert!(
        files.len() >= 85,
        "expected the full fixture set, found {}",
        files.len()
    );
    for file in &files {
        decode_any(file);
    }
}

#[test]
fn readme_names_every_fixture() {
    let readme = String::from_utf8(raw("README.md")).unwrap();
    for file in all_fixture_files() {
        if file != "README.md" {
            assert!(
                readme.contains(&format!("`{file}`")),
                "README.md does not list {file}"
            );
        }
    }
}

#[test]
fn one_response_fixture_per_operation() {
    let operations = [
        "achievements_all",
        "achievements_complete",
        "metrics_event",
        "users_create",
        "users_get",
        "users_identify",
        "users_update",
        "users_get_preferences",
        "users_update_preferences",
        "users_all_metrics",
        "users_single_metric",
        "users_metric_event_summary",
        "users_achievements",
        "users_streak",
        "streaks_list",
        "users_points",
        "users_points_boosts",
        "users_points_event_summary",
        "users_leaderboard",
        "users_wrapped",
        "points_summary",
        "points_system",
        "points_boosts",
        "points_levels",
        "points_level_summary",
        "leaderboards_all",
        "leaderboards_get",
    ];
    assert_eq!(operations.len(), 27);
    for op in operations {
        assert!(
            root().join(format!("responses/{op}.json")).is_file(),
            "no response fixture for {op}"
        );
    }
}

#[test]
fn seed_single_metric_with_status() {
    let metric: Metric = round_trip("seed_single_metric.json");
    assert_eq!(metric.key, "words-written");
    assert_eq!(metric.status, Some(MetricStatus::Active));
    assert_eq!(metric.current, 1500.0);
    assert_eq!(metric.achievements.len(), 3);
    let expert = &metric.achievements[2];
    assert_eq!(expert.name, "Expert Writer");
    assert_eq!(expert.achieved_at, None);
    assert_eq!(
        expert.badge_url.as_deref(),
        Some("https://example.com/badge.png")
    );
    assert_eq!(
        expert.requirement(),
        Requirement::Metric {
            metric_id: Some("d01dcbcb-d51e-4c12-b054-dc811dcdc623"),
            value: Some(2000.0),
        }
    );
    // Two of three achievements done: next is Expert (1500 / 2000).
    assert_eq!(
        metric.next_achievement().map(|a| a.id.as_str()),
        Some("2090d038-aa04-4048-ab2e-e2b7bf2d3b9f")
    );
    let progress = metric.progress();
    assert_eq!(progress.fraction(), 0.75);
    assert!(!progress.is_completed());
    let per_achievement: Vec<_> = metric
        .achievement_progress()
        .map(|m| m.progress())
        .collect();
    assert!(per_achievement[0].is_completed());
    assert_eq!(
        per_achievement[0].completed_at,
        Some(Utc.with_ymd_and_hms(2021, 1, 1, 0, 0, 0).unwrap())
    );
    assert_eq!(per_achievement[1].fraction(), 1.0);
    assert_eq!(per_achievement[2].fraction(), 0.75);
}

#[test]
fn metric_without_status_and_with_unknown_status() {
    let spec: Metric = round_trip("responses/users_single_metric.json");
    assert_eq!(spec.status, None);
    assert_eq!(spec.current, 1500.0);
    let odd: Metric = round_trip("edge/metric_unknown_status_extra_fields.json");
    assert_eq!(odd.status, Some(MetricStatus::Unknown("paused".into())));
    assert_eq!(odd.current, 1500.0, "numeric string accepted");
    assert!(
        odd.achievements.is_empty(),
        "null achievements read as empty"
    );
    // No achievements: no target, fraction 0.
    assert_eq!(odd.progress().target, None);
}

#[test]
fn all_metrics_keeps_string_nulls_as_strings() {
    let metrics: Vec<Metric> = round_trip("responses/users_all_metrics.json");
    let a = &metrics[0].achievements[2];
    assert_eq!(a.badge_url.as_deref(), Some("null"));
    // 4500 passed Expert's 2000, but Trophy has not marked it achieved: not complete, bar just short of full.
    let progress = metrics[0].progress();
    assert!(!progress.is_completed());
    assert!(
        progress.fraction() > 0.9 && progress.fraction() < 1.0,
        "{}",
        progress.fraction()
    );
}

#[test]
fn seed_user_achievements() {
    let list: Vec<UserAchievementWithStats> = round_trip("seed_user_achievements.json");
    assert_eq!(list.len(), 3);
    assert_eq!(list[0].trigger, AchievementTrigger::Api);
    assert_eq!(
        list[0].requirement(),
        Requirement::Api {
            key: Some("completed-onboarding")
        }
    );
    assert_eq!(list[0].completions, 100);
    assert_eq!(list[0].rarity, 50.0);
    assert_eq!(list[1].metric_name.as_deref(), Some("words written"));
    assert_eq!(list[2].streak_length, Some(3));
    assert_eq!(
        list[2].achieved_at,
        Some(Utc.with_ymd_and_hms(2021, 3, 1, 0, 0, 0).unwrap())
    );
    assert!(
        list.iter()
            .all(|a| a.is_achieved() && a.progress().is_completed())
    );
    assert!(
        list.iter()
            .all(|a| a.description.is_none() && a.user_attributes.is_empty())
    );
}

#[test]
fn incomplete_achievements_with_every_trigger_kind() {
    let list: Vec<UserAchievementWithStats> = round_trip("edge/user_achievements_incomplete.json");
    let triggers: Vec<_> = list.iter().map(|a| a.trigger.as_str().to_owned()).collect();
    assert_eq!(
        triggers,
        ["metric", "streak", "anniversary", "achievement", "seasonal"]
    );
    assert_eq!(list[2].trigger, AchievementTrigger::Anniversary);
    assert_eq!(
        list[2].requirement(),
        Requirement::Anniversary { years: Some(1) }
    );
    assert_eq!(
        list[3].requirement(),
        Requirement::Achievements {
            ids: &["a-metric".to_owned(), "a-streak".to_owned()]
        }
    );
    assert_eq!(list[3].target(), Some(2.0));
    assert_eq!(
        list[3].event_attribute.as_ref().map(|a| a.value.as_str()),
        Some("web")
    );
    assert_eq!(
        list[4].trigger,
        AchievementTrigger::Unknown("seasonal".into())
    );
    assert_eq!(
        list[4].requirement(),
        Requirement::Other {
            trigger: "seasonal"
        }
    );
    assert!(
        list[0].user_attributes.is_empty(),
        "null userAttributes read as empty"
    );
    assert_eq!(list[0].progress().fraction(), 0.0);
    assert!(list[2].progress().is_completed());
    assert_eq!(list[2].rarity, 12.25);
    // Partial progress from a caller-known value.
    assert_eq!(
        list[0]
            .to_user_achievement()
            .progress_towards(500.0)
            .fraction(),
        0.25
    );
}

#[test]
fn achievements_all_with_filters() {
    let list: Vec<AchievementWithStats> = round_trip("responses/achievements_all.json");
    assert_eq!(list.len(), 3);
    assert_eq!(list[1].user_attributes.len(), 2);
    assert_eq!(list[1].user_attributes[0].key, "plan-type");
    assert_eq!(list[1].event_attributes.as_ref().map(Vec::len), Some(2));
    assert_eq!(list[2].streak_length, Some(10));
    assert_eq!(list[2].rarity, 20.0);
}

#[test]
fn achievement_completion() {
    let done: AchievementCompletion = round_trip("responses/achievements_complete.json");
    assert_eq!(done.completion_id, "0040fe51-6bce-4b44-b0ad-bddc4e123534");
    assert!(done.achievement.is_achieved());
    let xp = &done.points["points-system-key"];
    assert_eq!((xp.total, xp.added), (10, 10));
    assert_eq!(xp.key.as_deref(), Some("points-system-key"));
    let trigger = xp.awards[0].trigger.as_ref().unwrap();
    assert_eq!(trigger.trigger_type, PointsTriggerType::Achievement);
    assert_eq!(trigger.status, Some(PointsTriggerStatus::Active));
    assert_eq!(
        trigger.created,
        Some(Utc.with_ymd_and_hms(2021, 1, 1, 0, 0, 0).unwrap())
    );
    assert!(trigger.user_attributes.is_empty());
    let date = xp.awards[0].date.as_ref().unwrap();
    assert_eq!(date.as_str(), "2021-01-01T00:00:00Z");
    assert_eq!(
        date.date_time(),
        Some(Utc.with_ymd_and_hms(2021, 1, 1, 0, 0, 0).unwrap())
    );
}

#[test]
fn metric_event_responses() {
    let created: EventResponse = round_trip("responses/metrics_event.json");
    assert_eq!(created.total, 750.0);
    assert!(!created.is_replay());
    let streak = created.current_streak.as_ref().unwrap();
    assert_eq!(streak.length, 1);
    assert_eq!(streak.frequency, StreakFrequency::Daily);
    assert_eq!(streak.extended, Some(true));
    assert_eq!(streak.expires, NaiveDate::from_ymd_opt(2025, 4, 12));
    let xp = &created.points["xp"];
    assert_eq!(xp.level.as_ref().map(|l| l.key.as_str()), Some("bronze"));
    let board = &created.leaderboards["all-time"];
    assert_eq!(
        (board.rank, board.previous_rank, board.threshold),
        (Some(100), None, 10.0)
    );
    assert!(board.breakdown_attributes.is_empty());

    let full: EventResponse = round_trip("responses/metrics_event_full.json");
    assert_eq!(full.idempotency_key.as_deref(), Some("essay-42"));
    assert_eq!(full.idempotent_replayed, Some(false));
    assert_eq!(
        full.current_streak.as_ref().and_then(|s| s.extended),
        Some(true)
    );
    let board = &full.leaderboards["weekly-words"];
    assert_eq!(board.rank_change(), Some(5));
    assert_eq!(board.breakdown_attribute_values.len(), 2);
    let award = &full.points["xp"].awards[0];
    assert_eq!(award.boosts[0].multiplier, 2.0);
    assert_eq!(
        award.trigger.as_ref().and_then(|t| t.metric_threshold),
        Some(100.0)
    );

    let replay: EventResponse = round_trip("edge/metrics_event_replayed.json");
    assert!(replay.is_replay());
    assert!(replay.points.is_empty() && replay.leaderboards.is_empty());
}

#[test]
fn users_and_email_flag_spellings() {
    let example: User = round_trip("responses/users_get.json");
    assert_eq!(
        example.subscribe_to_emails,
        Some(true),
        "subscribedToEmails (spec example) is read"
    );
    assert_eq!(example.attributes["department"], "engineering");
    assert_eq!(example.control, None);
    assert_eq!(example.name, None);
    let encoded = serde_json::to_value(&example).unwrap();
    assert_eq!(
        encoded["subscribeToEmails"],
        json!(true),
        "written with the schema spelling"
    );

    let full: User = round_trip("responses/users_get_full.json");
    assert_eq!(full.device_tokens, ["fcm-token-1", "apns-token-2"]);
    let signed_up = full.sign_up_date.as_ref().unwrap();
    assert_eq!(signed_up.as_str(), "2024-01-15");
    assert_eq!(signed_up.date(), NaiveDate::from_ymd_opt(2024, 1, 15));
    assert_eq!(full.control, Some(false));

    let both: User = round_trip("edge/user_both_email_flags.json");
    assert_eq!(
        both.subscribe_to_emails,
        Some(false),
        "the schema spelling wins"
    );

    let nulls: User = round_trip("edge/user_nulls_extra_fields.json");
    assert!(nulls.device_tokens.is_empty() && nulls.attributes.is_empty());
    assert_eq!(nulls.email, None);
    assert_eq!(
        nulls.created,
        Utc.with_ymd_and_hms(2024, 1, 15, 8, 30, 0).unwrap(),
        "offset converted to UTC"
    );

    let updated: User = round_trip("responses/users_update.json");
    assert_eq!(updated.tz, None);
    assert_eq!(updated.subscribe_to_emails, Some(false));
}

#[test]
fn request_bodies() {
    let complete: CompleteAchievementBody = round_trip("requests/achievements_complete.json");
    assert_eq!(complete.user.id, "user-id");
    assert_eq!(
        complete.user.profile.subscribe_to_emails,
        Some(true),
        "subscribedToEmails accepted"
    );
    assert_eq!(complete.user.profile.tz, Patch::Set("Europe/London".into()));

    let event: MetricEventBody = round_trip("requests/metrics_event.json");
    assert_eq!(event.value, 750.0);
    assert_eq!(event.user.id, "18");
    assert_eq!(
        event.attributes.as_ref().map(|a| a["source"].as_str()),
        Some("mobile-app")
    );
    let built = MetricEventBody::new(
        UpsertedUser::new("18")
            .email("user@example.com")
            .tz("Europe/London")
            .attribute("department", "engineering")
            .attribute("role", "developer"),
        750.0,
    )
    .attributes([("category", "writing"), ("source", "mobile-app")]);
    assert_eq!(built, event, "the builder produces the spec example");

    let clear: UpdatedUser = round_trip("requests/users_update_clear.json");
    assert_eq!(clear.tz, Patch::Clear);
    assert_eq!(clear.device_tokens, Patch::Clear);
    assert_eq!(
        clear,
        UpdatedUser::new()
            .name("Ada King")
            .clear_tz()
            .clear_device_tokens()
    );
    assert_eq!(
        serde_json::to_value(UpdatedUser::new()).unwrap(),
        json!({}),
        "nothing set, nothing sent"
    );
    // The three states survive the flattening into `UpsertedUser` both ways.
    for (body, tz, tokens) in [
        (json!({"id": "u"}), Patch::Unchanged, Patch::Unchanged),
        (
            json!({"id": "u", "tz": null, "deviceTokens": null}),
            Patch::Clear,
            Patch::Clear,
        ),
        (
            json!({"id": "u", "tz": "Europe/Rome", "deviceTokens": []}),
            Patch::Set("Europe/Rome".to_owned()),
            Patch::Set(vec![]),
        ),
    ] {
        let user: UpsertedUser = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(
            (&user.profile.tz, &user.profile.device_tokens),
            (&tz, &tokens)
        );
        assert_eq!(serde_json::to_value(&user).unwrap(), body);
    }

    let create: UpsertedUser = round_trip("requests/users_create.json");
    assert_eq!(
        create,
        UpsertedUser::new("user-123")
            .email("ada@example.com")
            .name("Ada Lovelace")
            .tz("Europe/London")
            .device_tokens(["fcm-token-1"])
            .subscribe_to_emails(true)
            .attributes([("plan-type", "premium"), ("region", "us-east")])
    );

    let streak_prefs: UpdateUserPreferences =
        round_trip("requests/users_update_preferences_streak.json");
    let streak = streak_prefs.streak.unwrap();
    assert_eq!(streak.evaluation_mode, Some(StreakEvaluationMode::Or));
    assert_eq!(streak.metrics.unwrap()[0].threshold, 500.0);
    let off: UpdateUserPreferences =
        round_trip("requests/users_update_preferences_disable_streak_reminders.json");
    let notifications = off.notifications.unwrap();
    assert_eq!(
        notifications.streak_reminder,
        Some(vec![]),
        "an empty list is kept: it turns reminders off"
    );
    assert_eq!(notifications.recap, None);
}

#[test]
fn preferences() {
    let prefs: UserPreferences = round_trip("responses/users_get_preferences.json");
    assert_eq!(
        prefs.notifications.achievement_completed,
        Some(vec![NotificationChannel::Email, NotificationChannel::Push])
    );
    assert_eq!(prefs.streak, None);
    let odd: UserPreferences = round_trip("edge/preferences_unknown_values.json");
    assert_eq!(
        odd.notifications.achievement_completed.as_deref(),
        Some(
            &[
                NotificationChannel::Email,
                NotificationChannel::Unknown("sms".into())
            ][..]
        )
    );
    assert_eq!(odd.notifications.recap, None);
    let streak = odd.streak.unwrap();
    assert_eq!(
        streak.evaluation_mode,
        Some(StreakEvaluationMode::Unknown("XOR".into()))
    );
    assert_eq!(streak.days_off, Some(vec![0, 6]));
    assert_eq!(streak.enabled, Some(false));
}

#[test]
fn streaks() {
    let streak: UserStreak = round_trip("responses/users_streak.json");
    assert_eq!(streak.frequency, StreakFrequency::Weekly);
    assert_eq!(streak.streak_history.len(), 7);
    assert_eq!(
        streak.extended,
        Some(Utc.with_ymd_and_hms(2025, 4, 3, 14, 30, 0).unwrap())
    );
    assert!(streak.is_active());

    let full: UserStreak = round_trip("responses/users_streak_full.json");
    assert_eq!(full.freezes, Some(1));
    assert_eq!(
        full.pauses[0].end,
        NaiveDate::from_ymd_opt(2025, 4, 14).unwrap()
    );
    assert_eq!(full.streak_history[1].used_freeze, Some(true));
    assert!(full.streak_history[2].used_pause);

    let achievements: Vec<UserAchievementWithStats> =
        round_trip("edge/user_achievements_incomplete.json");
    let thirty_days = achievements[1].to_user_achievement();
    let progress = full.achievement_progress(&thirty_days).progress();
    assert_eq!(progress.fraction(), 12.0 / 30.0);
    assert!(!progress.is_completed());

    let odd: UserStreak = round_trip("edge/streak_unknown_frequency_nulls.json");
    assert_eq!(odd.frequency, StreakFrequency::Unknown("hourly".into()));
    assert!(odd.streak_history.is_empty() && odd.pauses.is_empty());
    assert_eq!(odd.started, None);
    assert!(!odd.is_active());

    let extended = |entry: &BulkStreakEntry| entry.extended.as_ref().and_then(DateText::date_time);
    let bulk: Vec<BulkStreakEntry> = round_trip("responses/streaks_list.json");
    assert_eq!(
        extended(&bulk[0]),
        Some(Utc.with_ymd_and_hms(2025, 1, 1, 5, 3, 0).unwrap())
    );
    assert_eq!(bulk[2].extended, None);
    let dates: Vec<BulkStreakEntry> = round_trip("edge/streaks_list_extended_dates.json");
    assert_eq!(
        extended(&dates[0]),
        Some(Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap())
    );
    assert_eq!(
        extended(&dates[2]).map(|t| t.timestamp_millis() % 1000),
        Some(250)
    );
    let five_past = Utc.with_ymd_and_hms(2025, 1, 1, 5, 3, 0).unwrap();
    assert_eq!(extended(&dates[3]), Some(five_past), "space, no offset");
    assert_eq!(extended(&dates[4]), Some(five_past), "+0000 offset");
    assert_eq!(
        dates[3].extended.as_ref().map(DateText::as_str),
        Some("2025-01-01 05:03:00"),
        "the text is kept as sent"
    );
}

#[test]
fn points() {
    let mine: UserPoints = round_trip("responses/users_points.json");
    assert_eq!(mine.total, 100);
    assert_eq!(mine.key.as_deref(), Some("xp"));
    assert_eq!(mine.level.as_ref().map(|l| l.points), Some(50));
    assert_eq!(
        mine.awards[0].trigger.as_ref().map(|t| &t.trigger_type),
        Some(&PointsTriggerType::Metric)
    );
    assert_eq!(mine.progress().target, None, "no maxPoints, no target");

    let levels: Vec<PointsLevel> = round_trip("responses/points_levels.json");
    let to_gold = mine.level_progress(&levels);
    assert_eq!(to_gold.target, Some(200.0));
    assert_eq!(to_gold.fraction(), 0.5);

    let capped: UserPoints = round_trip("edge/users_points_no_level.json");
    assert_eq!(capped.progress().fraction(), 0.25);
    assert_eq!(capped.awards[0].awarded, Some(5));
    assert_eq!(
        capped.awards[1].date.as_ref().and_then(DateText::date_time),
        Some(Utc.with_ymd_and_hms(2025, 2, 1, 0, 0, 0).unwrap())
    );
    assert!(capped.awards[1].boosts.is_empty());
    assert!(capped.level_progress(&[]).is_completed());

    let system: PointsSystem = round_trip("responses/points_system.json");
    assert_eq!(system.triggers.len(), 3);
    assert_eq!(system.triggers[1].streak_length_threshold, Some(7));
    assert_eq!(system.triggers[0].status, Some(PointsTriggerStatus::Active));
    let odd: PointsSystem = round_trip("edge/points_system_unknown_trigger.json");
    assert_eq!(
        odd.triggers[0].trigger_type,
        PointsTriggerType::Unknown("referral".into())
    );
    assert_eq!(odd.triggers[0].points, -5);
    assert_eq!(
        odd.triggers[1].time_unit,
        Some(PointsTimeUnit::Unknown("week".into()))
    );
    assert_eq!(
        odd.triggers[2].trigger_type,
        PointsTriggerType::UserCreation
    );
    assert_eq!(odd.max_points, Some(500.5));

    let boosts: Vec<PointsBoost> = round_trip("responses/points_boosts.json");
    assert_eq!(boosts[1].status, BoostStatus::Finished);
    assert_eq!(boosts[1].rounding, BoostRounding::Nearest);
    assert_eq!(boosts[1].multiplier, 1.5);
    assert_eq!(
        boosts[1].start.date(),
        NaiveDate::from_ymd_opt(2024, 12, 25)
    );
    assert_eq!(
        boosts[1].end.as_ref().map(DateText::as_str),
        Some("2024-12-31")
    );
    let user_boosts: Vec<PointsBoost> = round_trip("responses/users_points_boosts.json");
    assert_eq!(user_boosts[1].end, None);
    let odd_boosts: Vec<PointsBoost> = round_trip("edge/points_boosts_unknown_values.json");
    assert_eq!(
        odd_boosts[0].rounding,
        BoostRounding::Unknown("bankers".into())
    );

    let ranges: Vec<PointsRange> = round_trip("responses/points_summary.json");
    assert_eq!(ranges.len(), 11);
    assert_eq!(
        (ranges[1].from, ranges[1].to, ranges[1].users),
        (1, 100, 1501)
    );
    let summary: Vec<LevelSummaryEntry> = round_trip("responses/points_level_summary.json");
    assert_eq!(summary[2].level.key, "gold");
    assert_eq!(summary[2].users, 102);
    let events: Vec<EventSummaryEntry> = round_trip("responses/users_points_event_summary.json");
    assert_eq!(events[2].change, 300.0);
}

#[test]
fn leaderboards() {
    let all: Vec<Leaderboard> = round_trip("responses/leaderboards_all.json");
    assert_eq!(all[0].status, Some(LeaderboardStatus::Active));
    assert_eq!(all[0].breakdown_attributes, ["country", "plan"]);
    assert_eq!(all[0].run_unit, Some(RunUnit::Day));
    assert_eq!(all[1].rank_by, RankBy::Points);
    assert_eq!(all[1].run_unit, None);

    let board: LeaderboardWithRankings = round_trip("responses/leaderboards_get.json");
    assert_eq!(board.rankings.len(), 3);
    assert_eq!(
        board.rankings[0].user_name.as_deref(),
        Some("Alice Johnson")
    );
    assert_eq!(board.rankings[2].value, 4200.0);
    assert_eq!(board.start, NaiveDate::from_ymd_opt(2025, 1, 1).unwrap());
    assert!(board.breakdown_attributes.is_empty(), "an empty list");

    let full: LeaderboardWithRankings = round_trip("responses/leaderboards_get_full.json");
    assert_eq!(full.status, Some(LeaderboardStatus::Scheduled));
    assert_eq!(full.start_time.as_deref(), Some("09:00"));
    assert_eq!(full.rankings[2].value, 12.5);
    assert_eq!(full.user_attributes[0].value, "GB");

    let odd: LeaderboardWithRankings = round_trip("edge/leaderboard_unknown_values.json");
    assert_eq!(odd.rank_by, RankBy::Unknown("xp".into()));
    assert_eq!(
        odd.status,
        Some(LeaderboardStatus::Unknown("paused".into()))
    );
    assert_eq!(odd.run_unit, Some(RunUnit::Unknown("week".into())));
    assert!(odd.rankings.is_empty());

    let mine: UserLeaderboardWithHistory = round_trip("responses/users_leaderboard.json");
    assert_eq!((mine.rank, mine.value), (Some(2), Some(4500.0)));
    assert_eq!(mine.history.len(), 3);
    assert_eq!(mine.history[0].previous_rank, None);
    assert_eq!(
        mine.history[2].date,
        NaiveDate::from_ymd_opt(2025, 1, 15).unwrap()
    );
    assert_eq!(
        mine.history[2].timestamp,
        Some(Utc.with_ymd_and_hms(2025, 1, 15, 0, 0, 0).unwrap())
    );
}

#[test]
fn wrapped() {
    let wrapped: Wrapped = round_trip("responses/users_wrapped.json");
    assert_eq!(wrapped.user.name.as_deref(), Some("John Doe"));
    let activity = &wrapped.activity;
    assert_eq!(
        (
            activity.days_active,
            activity.weeks_active,
            activity.months_active
        ),
        (156, 42, 11)
    );
    assert_eq!(
        activity.most_active_day.date,
        NaiveDate::from_ymd_opt(2024, 3, 15).unwrap()
    );
    assert_eq!(
        activity.most_active_day.metrics["words-written"].change_this_period,
        2500.0
    );
    assert_eq!(
        activity.most_active_day.leaderboards["weekly-words"].rank,
        Some(3)
    );
    assert_eq!(
        activity.most_active_week.metrics["words-written"].percentile_this_period,
        Some(95.0)
    );
    assert_eq!(activity.most_active_month.month, 2);
    assert_eq!(activity.most_active_month.month_number(), Some(3));
    assert_eq!(activity.entire_year.longest_streak.length, 45);
    assert_eq!(
        activity.entire_year.points["xp-system"].current_total,
        25000.0
    );
    assert_eq!(activity.entire_year.achievements.len(), 1);

    let minimal: Wrapped = round_trip("edge/wrapped_minimal.json");
    let gb = &minimal.activity.most_active_month.metrics["words"].by_attribute["country"]["GB"];
    assert_eq!(gb.percentile_this_period, Some(50.0));
    assert_eq!(gb.units, None);
    assert_eq!(minimal.activity.entire_year.longest_streak.started, None);
}

#[test]
fn error_bodies() {
    for (code, needle) in [
        (400, "Invalid"),
        (401, "Unauthorized"),
        (403, "Streak"),
        (404, "not found"),
        (422, "does not exist"),
        (429, "Too many"),
        (500, "Internal"),
    ] {
        let path = format!("errors/{code}.json");
        let body: ErrorBody = round_trip(&path);
        assert!(body.error.contains(needle), "{path}: {}", body.error);
        assert_eq!(ErrorBody::parse(&raw(&path)), Some(body));
    }
}

#[derive(serde::Deserialize)]
struct Signatures {
    header: String,
    secret: String,
    signatures: std::collections::BTreeMap<String, String>,
}

fn signatures() -> Signatures {
    serde_json::from_slice(&raw("webhooks/signatures.json")).unwrap()
}

#[test]
fn every_signed_webhook_verifies_and_parses() {
    let sigs = signatures();
    assert_eq!(sigs.header, questkit_trophy::webhooks::SIGNATURE_HEADER);
    let mut seen = std::collections::BTreeSet::new();
    for (file, signature) in &sigs.signatures {
        let body = raw(&format!("webhooks/{file}"));
        assert_eq!(
            &sign_webhook(&body, &sigs.secret),
            signature,
            "{file}: our signature differs from the recorded one"
        );
        let event =
            parse_webhook(&body, signature, &sigs.secret).unwrap_or_else(|e| panic!("{file}: {e}"));
        let declared = file
            .trim_end_matches(".json")
            .trim_end_matches(".extra_fields");
        if let Some(unknown) = declared.strip_prefix("unknown.") {
            assert_eq!(
                event.event_type(),
                WebhookEventType::Unknown(unknown.to_owned())
            );
        } else {
            assert_eq!(event.event_type().as_str(), declared, "{file}");
            assert!(!event.event_type().is_unknown());
        }
        seen.insert(event.event_type());
    }
    let known: Vec<_> = WebhookEventType::KNOWN
        .iter()
        .filter(|t| !seen.contains(*t))
        .collect();
    assert!(known.is_empty(), "no signed sample for {known:?}");
    assert_eq!(WebhookEventType::KNOWN.len(), 18);
}

#[test]
fn webhook_rejections() {
    let sigs = signatures();
    let file = "achievement.completed.json";
    let body = raw(&format!("webhooks/{file}"));
    let good = &sigs.signatures[file];
    assert_eq!(verify_webhook(&body, good, &sigs.secret), Ok(()));
    assert_eq!(
        verify_webhook(&body, &format!("  {good}\n"), &sigs.secret),
        Ok(()),
        "surrounding whitespace is ignored"
    );
    assert_eq!(
        verify_webhook(&body, good.trim_end_matches('='), &sigs.secret),
        Ok(()),
        "missing padding accepted"
    );

    // Wrong signature: a valid base64 HMAC of something else.
    let other = sign_webhook(b"something else", &sigs.secret);
    assert_eq!(
        verify_webhook(&body, &other, &sigs.secret),
        Err(WebhookError::SignatureMismatch)
    );
    // Wrong secret.
    assert_eq!(
        verify_webhook(&body, good, "whsec_wrong"),
        Err(WebhookError::SignatureMismatch)
    );
    // Tampered body: one byte changed.
    let mut tampered = body.clone();
    let at = tampered
        .iter()
        .position(|b| *b == b'7')
        .unwrap_or(tampered.len() / 2);
    tampered[at] = if tampered[at] == b'8' { b'9' } else { b'8' };
    assert_eq!(
        verify_webhook(&tampered, good, &sigs.secret),
        Err(WebhookError::SignatureMismatch)
    );
    assert!(matches!(
        parse_webhook(&tampered, good, &sigs.secret),
        Err(WebhookError::SignatureMismatch)
    ));
    // Re-serialised JSON is not the raw body.
    let reencoded = serde_json::to_vec(&serde_json::from_slice::<Value>(&body).unwrap()).unwrap();
    assert_eq!(
        verify_webhook(&reencoded, good, &sigs.secret),
        Err(WebhookError::SignatureMismatch)
    );
    // Header problems.
    assert_eq!(
        verify_webhook(&body, "not base64 at all!", &sigs.secret),
        Err(WebhookError::MalformedSignature)
    );
    assert_eq!(
        verify_webhook(&body, "c2hvcnQ=", &sigs.secret),
        Err(WebhookError::MalformedSignature),
        "wrong length"
    );
    assert_eq!(
        verify_webhook(&body, "   ", &sigs.secret),
        Err(WebhookError::MissingSignature)
    );
    assert_eq!(
        verify_webhook(&body, good, ""),
        Err(WebhookError::MissingSecret)
    );
    // Errors never print the secret or the signature.
    for err in [
        WebhookError::SignatureMismatch,
        WebhookError::MalformedSignature,
        WebhookError::MissingSecret,
    ] {
        let text = format!("{err} {err:?}");
        assert!(!text.contains(&sigs.secret) && !text.contains(good.as_str()));
        assert!(err.is_signature_error());
    }
}

#[test]
fn authentic_but_malformed_payloads() {
    let secret = "whsec_test";
    for body in [
        &b"not json"[..],
        br#"{"no":"type"}"#,
        br#"{"type":7}"#,
        br#"{"type":"streak.lost","length":3}"#,
    ] {
        let signature = sign_webhook(body, secret);
        let err = parse_webhook(body, &signature, secret).unwrap_err();
        assert!(
            matches!(err, WebhookError::MalformedPayload { .. }),
            "{err:?}"
        );
        assert!(!err.is_signature_error());
    }
}

#[test]
fn webhook_values() {
    let event = WebhookEvent::from_slice(&raw("webhooks/points.level_changed.json")).unwrap();
    let WebhookEvent::PointsLevelChanged(change) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(change.points.total, 100);
    assert_eq!(
        change.previous_level.as_ref().map(|l| l.key.as_str()),
        Some("bronze")
    );
    assert_eq!(change.new_level.as_ref().map(|l| l.points), Some(50));
    assert_eq!(event.user().map(|u| u.id.as_str()), Some("user-id"));
    assert_eq!(
        event.to_value().unwrap()["type"],
        json!("points.level_changed")
    );

    let event = WebhookEvent::from_slice(&raw("webhooks/points.boost_started.json")).unwrap();
    let WebhookEvent::PointsBoostStarted(boost) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(boost.boost.user_id, None);
    assert_eq!(
        boost.boost.start,
        NaiveDate::from_ymd_opt(2025, 1, 15).unwrap()
    );
    assert_eq!(
        boost.timestamp,
        Some(Utc.with_ymd_and_hms(2025, 1, 15, 0, 0, 0).unwrap())
    );
    assert!(event.user().is_none());

    let event = WebhookEvent::from_slice(&raw("webhooks/leaderboard.rank_changed.json")).unwrap();
    let WebhookEvent::LeaderboardRankChanged(rank) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(
        (rank.leaderboard.rank, rank.leaderboard.previous_rank),
        (Some(2), Some(1))
    );

    let event = WebhookEvent::from_slice(&raw("webhooks/emails.streak_reminder_due.json")).unwrap();
    let WebhookEvent::StreakReminderDue(reminder) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(reminder.streak.streak_history.len(), 2);
    assert_eq!(reminder.streak.expires, NaiveDate::from_ymd_opt(2025, 4, 4));

    let event = WebhookEvent::from_slice(&raw("webhooks/emails.reactivation_due.json")).unwrap();
    let WebhookEvent::ReactivationDue(due) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(
        (
            due.reactivation.message_number,
            due.reactivation.days_since_last_active
        ),
        (2, 14)
    );

    let event = WebhookEvent::from_slice(&raw("webhooks/streak.lost.extra_fields.json")).unwrap();
    let WebhookEvent::StreakLost(lost) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(lost.length, 21);
    assert_eq!(lost.user.subscribe_to_emails, None);

    let raw_unknown = raw("webhooks/unknown.user.deleted.json");
    let event = WebhookEvent::from_slice(&raw_unknown).unwrap();
    let WebhookEvent::Unknown {
        event_type,
        payload,
    } = &event
    else {
        panic!("{event:?}")
    };
    assert_eq!(event_type, "user.deleted");
    assert_eq!(payload["reason"], json!("gdpr"));
    // An unknown event serializes back to exactly what was received.
    assert_eq!(
        serde_json::to_value(&event).unwrap(),
        serde_json::from_slice::<Value>(&raw_unknown).unwrap()
    );
}

#[test]
fn hostile_numbers_never_overflow() {
    use questkit_trophy::leaderboards::EventLeaderboard;
    use questkit_trophy::wrapped::WrappedMonth;

    let board = |previous: i64, rank: i64| -> EventLeaderboard {
        serde_json::from_value(json!({
            "id": "l", "name": "L", "key": "l", "rankBy": "metric", "start": "2025-01-01",
            "threshold": 1, "previousRank": previous, "rank": rank
        }))
        .unwrap()
    };
    assert_eq!(board(7, 2).rank_change(), Some(5));
    assert_eq!(board(i64::MIN, 1).rank_change(), None, "would overflow");
    assert_eq!(board(i64::MAX, -1).rank_change(), None, "would overflow");

    let month =
        |month: u32| -> WrappedMonth { serde_json::from_value(json!({"month": month})).unwrap() };
    assert_eq!(month(0).month_number(), Some(1));
    assert_eq!(month(11).month_number(), Some(12));
    assert_eq!(month(12).month_number(), None);
    assert_eq!(month(u32::MAX).month_number(), None);
}

#[test]
fn the_written_back_check_finds_changes() {
    let check = |original: Value, written: Value| {
        let mut problems = Vec::new();
        compare_written(&original, &written, "", &mut problems);
        problems
    };
    assert!(check(json!({"id": "7", "n": 1}), json!({"id": "7", "n": 1.0})).is_empty());
    assert_eq!(
        check(json!({"id": 7}), json!({"id": "7"})).len(),
        1,
        "ID type"
    );
    assert_eq!(
        check(json!({"userId": "a"}), json!({"userId": "b"})).len(),
        1
    );
    assert_eq!(
        check(json!({"n": 1}), json!({"n": "1"})).len(),
        1,
        "number type"
    );
    assert_eq!(
        check(
            json!({"start": "2025-01-01 05:03:00"}),
            json!({"start": "2025-01-01T05:03:00Z"})
        )
        .len(),
        1,
        "a plain-string date must come back as sent"
    );
    assert!(
        check(
            json!({"created": "2024-01-15T10:30:00+02:00"}),
            json!({"created": "2024-01-15T08:30:00Z"})
        )
        .is_empty(),
        "a date-time comes back as the same instant"
    );
    assert_eq!(
        check(
            json!({"created": "2024-01-15T10:30:00+02:00"}),
            json!({"created": "2024-01-15T10:30:00Z"})
        )
        .len(),
        1,
        "but not as another one"
    );
    assert_eq!(check(json!({"ids": [1, 2]}), json!({"ids": [1]})).len(), 1);
    assert!(check(json!({"extra": null, "gone": 1}), json!({})).is_empty());
}

/// Writes `value` back through the model `T`.
fn through<T: DeserializeOwned + Serialize>(value: &Value) -> Result<Value, String> {
    let model: T = serde_json::from_value(value.clone()).map_err(|e| e.to_string())?;
    serde_json::to_value(&model).map_err(|e| e.to_string())
}

/// The key paths of `original` that `written` does not have.
fn lost_keys(original: &Value, written: &Value, at: &str, lost: &mut Vec<String>) {
    match (original, written) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                match b.get(key) {
                    Some(w) => lost_keys(value, w, &format!("{at}/{key}"), lost),
                    None => lost.push(format!("{at}/{key} is lost")),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                lost_keys(v, w, &format!("{at}/{i}"), lost);
            }
        }
        _ => {}
    }
}

/// `fixtures/trophy/sdk/*.json` hold one instance of each application type of the official
/// SDK 1.27.0 with every field it declares set (`scripts/sdk-compat/trophy_sdk_instances.py`).
/// Each decodes into the client's model and comes back with every field: nothing the SDK
/// declares is left unmodelled.
#[test]
fn every_field_the_sdk_declares_is_modelled() {
    type Through = fn(&Value) -> Result<Value, String>;
    let responses: [(&str, Through); 21] = [
        (
            "AchievementWithStatsResponse",
            through::<AchievementWithStats>,
        ),
        (
            "AchievementCompletionResponse",
            through::<AchievementCompletion>,
        ),
        ("EventResponse", through::<EventResponse>),
        ("User", through::<User>),
        ("UserPreferencesResponse", through::<UserPreferences>),
        ("MetricResponse", through::<Metric>),
        (
            "UsersMetricEventSummaryResponseItem",
            through::<EventSummaryEntry>,
        ),
        (
            "UsersPointsEventSummaryResponseItem",
            through::<EventSummaryEntry>,
        ),
        (
            "UserAchievementWithStatsResponse",
            through::<UserAchievementWithStats>,
        ),
        ("StreakResponse", through::<UserStreak>),
        ("BulkStreakResponseItem", through::<BulkStreakEntry>),
        ("GetUserPointsResponse", through::<UserPoints>),
        ("PointsBoost", through::<PointsBoost>),
        (
            "UserLeaderboardResponseWithHistory",
            through::<UserLeaderboardWithHistory>,
        ),
        ("WrappedResponse", through::<Wrapped>),
        ("PointsRange", through::<PointsRange>),
        ("PointsSystemResponse", through::<PointsSystem>),
        ("PointsLevel", through::<PointsLevel>),
        (
            "PointsLevelSummaryResponseItem",
            through::<LevelSummaryEntry>,
        ),
        ("LeaderboardsAllResponseItem", through::<Leaderboard>),
        (
            "LeaderboardResponseWithRankings",
            through::<LeaderboardWithRankings>,
        ),
    ];
    let requests: [(&str, Through); 2] = [
        ("UpsertedUser", through::<UpsertedUser>),
        ("UpdatedUser", through::<UpdatedUser>),
    ];
    let mut checked = 0;
    let mut problems = Vec::new();
    for (file, table) in [
        ("sdk/responses.json", &responses[..]),
        ("sdk/requests.json", &requests[..]),
        ("sdk/webhooks.json", &[][..]),
    ] {
        let documents: serde_json::Map<String, Value> = serde_json::from_slice(&raw(file)).unwrap();
        for (name, document) in &documents {
            let decode = if file == "sdk/webhooks.json" {
                through::<WebhookEvent>
            } else {
                match table.iter().find(|(n, _)| n == name) {
                    Some((_, decode)) => *decode,
                    None => panic!("{file}: no model is named for SDK type {name}"),
                }
            };
            match decode(document) {
                Ok(written) => {
                    let mut lost = Vec::new();
                    lost_keys(document, &written, "", &mut lost);
                    compare_written(document, &written, "", &mut lost);
                    problems.extend(lost.into_iter().map(|p| format!("{name}: {p}")));
                }
                Err(e) => problems.push(format!("{name}: {e}")),
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 41, "21 responses, 2 requests, 18 webhooks");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
