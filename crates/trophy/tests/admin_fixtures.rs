//! Every fixture under `fixtures/trophy/admin/` decodes into its admin model and round-trips,
//! keeping every ID's JSON type; request fixtures are exactly what the client sends.

use std::fmt::Debug;
use std::path::{Path, PathBuf};

use questkit_trophy::admin::achievements::{
    AchievementStatus, AchievementUpdate, AdminAchievement, NewAchievement,
};
use questkit_trophy::admin::application_api_keys::ApplicationKey;
use questkit_trophy::admin::attributes::{
    AdminAttribute, AttributeType, AttributeUpdate, NewAttribute,
};
use questkit_trophy::admin::environments::AdminEnvironment;
use questkit_trophy::admin::leaderboards::{AdminLeaderboard, LeaderboardUpdate, NewLeaderboard};
use questkit_trophy::admin::metrics::{
    AdminMetric, BatchEvent, BatchEventsResponse, BatchOutcome, MetricUpdate, NewMetric,
};
use questkit_trophy::admin::points::{
    AdminPointsBoost, AdminPointsLevel, AdminPointsSystem, AdminPointsTrigger, CreatedPointsSystem,
    NewPointsBoost, NewPointsLevel, NewPointsSystem, NewPointsTrigger, PointsBoostUpdate,
    PointsLevelUpdate, PointsSystemUpdate, PointsTriggerUpdate,
};
use questkit_trophy::admin::settings::{AdminSettings, FontFamily, SettingsUpdate};
use questkit_trophy::admin::streaks::{
    AdminStreakPause, CreatedFreezes, NewStreakPause, ResetStreaks, RestoredStreaks,
    StreakSettings, StreakSettingsUpdate,
};
use questkit_trophy::admin::tenants::{AdminTenant, NewTenant, TenantUpdate};
use questkit_trophy::admin::{ArchiveStatus, Created, Deleted, IssueSeverity, Updated};
use questkit_trophy::points::PointsTriggerType;
use questkit_trophy::{ErrorBody, Trophy};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/trophy/admin")
}

fn raw(path: &str) -> Vec<u8> {
    std::fs::read(root().join(path)).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

fn json_of(path: &str) -> Value {
    serde_json::from_slice(&raw(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Whether a key names an ID (or a list of IDs).
fn is_id_key(key: &str) -> bool {
    key == "id" || key.ends_with("Id") || key.ends_with("Ids") || key == "breakdownAttributes"
}

/// Every ID in a document: its path and whether it is a JSON number.
fn ids(value: &Value, path: String, out: &mut Vec<(String, &'static str)>, under_id: bool) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                ids(v, format!("{path}.{k}"), out, is_id_key(k));
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                ids(v, format!("{path}[{i}]"), out, under_id);
            }
        }
        Value::String(_) if under_id => out.push((path, "string")),
        Value::Number(_) if under_id => out.push((path, "number")),
        _ => {}
    }
}

/// Decodes a fixture, re-encodes it, decodes again: both values must be equal, and every ID
/// of the fixture must come back with its JSON type.
fn round_trip<T>(path: &str) -> T
where
    T: DeserializeOwned + Serialize + PartialEq + Debug,
{
    let bytes = raw(path);
    let first: T = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
    let encoded = serde_json::to_value(&first).unwrap_or_else(|e| panic!("{path}: encode: {e}"));
    let second: T = serde_json::from_value(encoded.clone())
        .unwrap_or_else(|e| panic!("{path}: re-decode: {e}"));
    assert_eq!(first, second, "{path} does not round-trip");
    let (mut before, mut after) = (Vec::new(), Vec::new());
    ids(&json_of(path), String::new(), &mut before, false);
    ids(&encoded, String::new(), &mut after, false);
    for id in &before {
        assert!(
            after.contains(id),
            "{path}: the ID at {} lost its JSON type ({})",
            id.0,
            id.1
        );
    }
    first
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

/// A request fixture round-trips, and `sent(items)` (the body the client sends for them) is
/// exactly the fixture.
fn request_is_sent<T>(path: &str, sent: impl FnOnce(T) -> Option<Vec<u8>>)
where
    T: DeserializeOwned + Serialize + PartialEq + Debug,
{
    let items: T = round_trip(path);
    let body = sent(items).unwrap_or_else(|| panic!("{path}: the call has no body"));
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        normalize(body),
        normalize(json_of(path)),
        "{path}: the client sends another body"
    );
}

/// A client that is never sent anything: only its requests' bodies are read.
fn client() -> Trophy {
    Trophy::builder()
        .api_key("k")
        .base_url("http://127.0.0.1:9/v1")
        .admin_base_url("http://127.0.0.1:9/admin/v1")
        .build()
        .unwrap()
}

fn body<T>(call: &questkit_core::Request<T>) -> Option<Vec<u8>> {
    call.body().map(<[u8]>::to_vec)
}

/// Decodes any admin fixture by its path; panics on a file no test knows.
fn decode_any(path: &str) {
    let trophy = client();
    let admin = trophy.admin();
    let name = path
        .rsplit('/')
        .next()
        .unwrap_or(path)
        .trim_end_matches(".json");
    let resource = name
        .trim_end_matches("_partial")
        .rsplit_once('_')
        .map(|(r, _)| r)
        .unwrap_or(name);
    macro_rules! crud {
        ($model:ty, $created:ty) => {
            match name.trim_end_matches("_partial").rsplit('_').next() {
                Some("list") => drop(round_trip::<Vec<$model>>(path)),
                Some("get") => drop(round_trip::<$model>(path)),
                Some("create") => drop(round_trip::<Created<$created>>(path)),
                Some("update") => drop(round_trip::<Updated<$model>>(path)),
                Some("delete") => drop(round_trip::<Deleted>(path)),
                _ => panic!("fixture {path} is not covered: add it to decode_any"),
            }
        };
    }
    match path {
        p if p.starts_with("errors/") => {
            let error: ErrorBody = round_trip(path);
            assert!(!error.error.is_empty(), "{path}");
        }
        "responses/metrics_batch_events.json" | "edge/batch_events_partial.json" => {
            let _: BatchEventsResponse = round_trip(path);
        }
        "responses/environments_list.json" => drop(round_trip::<Vec<AdminEnvironment>>(path)),
        "responses/settings_get.json"
        | "responses/settings_update.json"
        | "edge/settings_unknown_font.json" => drop(round_trip::<AdminSettings>(path)),
        "responses/streaks_settings_get.json"
        | "responses/streaks_settings_update.json"
        | "edge/streak_settings_no_freezes.json" => drop(round_trip::<StreakSettings>(path)),
        p if p.starts_with("responses/streaks_freezes_create") => {
            drop(round_trip::<CreatedFreezes>(path))
        }
        p if p.starts_with("responses/streaks_pauses_create") => {
            drop(round_trip::<Created<AdminStreakPause>>(path))
        }
        p if p.starts_with("responses/streaks_pauses_delete") => drop(round_trip::<Deleted>(path)),
        p if p.starts_with("responses/streaks_restore") => {
            drop(round_trip::<RestoredStreaks>(path))
        }
        p if p.starts_with("responses/streaks_reset") => drop(round_trip::<ResetStreaks>(path)),
        p if p.starts_with("responses/") => match resource {
            "attributes" => crud!(AdminAttribute, AdminAttribute),
            "metrics" => crud!(AdminMetric, AdminMetric),
            "achievements" => crud!(AdminAchievement, AdminAchievement),
            "leaderboards" => crud!(AdminLeaderboard, AdminLeaderboard),
            "points_systems" => crud!(AdminPointsSystem, CreatedPointsSystem),
            "points_boosts" => crud!(AdminPointsBoost, AdminPointsBoost),
            "points_levels" => crud!(AdminPointsLevel, AdminPointsLevel),
            "points_triggers" => crud!(AdminPointsTrigger, AdminPointsTrigger),
            "tenants" => crud!(AdminTenant, AdminTenant),
            "application_api_keys" => crud!(ApplicationKey, ApplicationKey),
            _ => panic!("fixture {path} is not covered: add it to decode_any"),
        },
        "edge/achievement_unknown_values.json" => drop(round_trip::<AdminAchievement>(path)),
        "edge/leaderboard_unknown_values.json" => drop(round_trip::<AdminLeaderboard>(path)),
        "edge/points_trigger_unknown_values.json" => drop(round_trip::<AdminPointsTrigger>(path)),
        "edge/issues_unknown_severity.json" => drop(round_trip::<Created<Value>>(path)),
        "edge/tenant_numeric_customer_id.json" => drop(round_trip::<AdminTenant>(path)),
        "edge/boost_user_and_dates.json" => drop(round_trip::<AdminPointsBoost>(path)),
        "requests/attributes_create.json" => request_is_sent(path, |v: Vec<NewAttribute>| {
            body(admin.attributes().create(v).request())
        }),
        "requests/attributes_update.json" => request_is_sent(path, |v: Vec<AttributeUpdate>| {
            body(admin.attributes().update(v).request())
        }),
        "requests/metrics_create.json" => request_is_sent(path, |v: Vec<NewMetric>| {
            body(admin.metrics().create(v).request())
        }),
        "requests/metrics_update.json" => request_is_sent(path, |v: Vec<MetricUpdate>| {
            body(admin.metrics().update(v).request())
        }),
        "requests/metrics_batch_events.json" => request_is_sent(path, |v: Vec<BatchEvent>| {
            body(admin.metrics().batch_events(v).request())
        }),
        "requests/achievements_create.json" => request_is_sent(path, |v: Vec<NewAchievement>| {
            body(admin.achievements().create(v).request())
        }),
        "requests/achievements_update.json" => {
            request_is_sent(path, |v: Vec<AchievementUpdate>| {
                body(admin.achievements().update(v).request())
            })
        }
        "requests/leaderboards_create.json" => request_is_sent(path, |v: Vec<NewLeaderboard>| {
            body(admin.leaderboards().create(v).request())
        }),
        "requests/leaderboards_update.json" => {
            request_is_sent(path, |v: Vec<LeaderboardUpdate>| {
                body(admin.leaderboards().update(v).request())
            })
        }
        "requests/points_systems_create.json" => {
            request_is_sent(path, |v: Vec<NewPointsSystem>| {
                body(admin.points().systems().create(v).request())
            })
        }
        "requests/points_systems_update.json" => {
            request_is_sent(path, |v: Vec<PointsSystemUpdate>| {
                body(admin.points().systems().update(v).request())
            })
        }
        "requests/points_boosts_create.json" => request_is_sent(path, |v: Vec<NewPointsBoost>| {
            body(admin.points().boosts("s").create(v).request())
        }),
        "requests/points_boosts_update.json" => {
            request_is_sent(path, |v: Vec<PointsBoostUpdate>| {
                body(admin.points().boosts("s").update(v).request())
            })
        }
        "requests/points_levels_create.json" => request_is_sent(path, |v: Vec<NewPointsLevel>| {
            body(admin.points().levels("s").create(v).request())
        }),
        "requests/points_levels_update.json" => {
            request_is_sent(path, |v: Vec<PointsLevelUpdate>| {
                body(admin.points().levels("s").update(v).request())
            })
        }
        "requests/points_triggers_create.json" => {
            request_is_sent(path, |v: Vec<NewPointsTrigger>| {
                body(admin.points().triggers("s").create(v).request())
            })
        }
        "requests/points_triggers_update.json" => {
            request_is_sent(path, |v: Vec<PointsTriggerUpdate>| {
                body(admin.points().triggers("s").update(v).request())
            })
        }
        "requests/tenants_create.json" => request_is_sent(path, |v: Vec<NewTenant>| {
            body(admin.tenants().create(v).request())
        }),
        "requests/tenants_update.json" => request_is_sent(path, |v: Vec<TenantUpdate>| {
            body(admin.tenants().update(v).request())
        }),
        "requests/settings_update.json" => request_is_sent(path, |v: SettingsUpdate| {
            body(admin.settings().update(v).request())
        }),
        "requests/streaks_settings_update.json" => {
            request_is_sent(path, |v: StreakSettingsUpdate| {
                body(admin.streaks().settings().update(v).request())
            })
        }
        "requests/streaks_pauses_create.json" => {
            let pauses: Vec<NewStreakPause> =
                serde_json::from_value(json_of(path)["pauses"].clone()).unwrap();
            let sent = body(admin.streaks().pauses().create(pauses).request()).unwrap();
            let sent: Value = serde_json::from_slice(&sent).unwrap();
            assert_eq!(sent, json_of(path), "{path}");
        }
        // Bodies of user IDs: the client builds them from the IDs alone.
        "requests/streaks_restore.json" => {
            let users = user_ids(path, "users", "id");
            let sent = body(admin.streaks().restore(&users).request()).unwrap();
            assert_eq!(
                serde_json::from_slice::<Value>(&sent).unwrap(),
                json_of(path)
            );
        }
        "requests/streaks_freezes_create.json" => {
            let users = user_ids(path, "freezes", "userId");
            let sent = body(admin.streaks().freezes().create(&users).request()).unwrap();
            assert_eq!(
                serde_json::from_slice::<Value>(&sent).unwrap(),
                json_of(path)
            );
        }
        "requests/application_api_keys_create.json" => {
            let doc = json!({ "items": json_of(path) });
            let users = ids_in(&doc["items"], "userId");
            let sent = body(admin.application_api_keys().create(&users).request()).unwrap();
            assert_eq!(
                serde_json::from_slice::<Value>(&sent).unwrap(),
                json_of(path)
            );
        }
        other => panic!("fixture {other} is not covered: add it to decode_any"),
    }
}

fn ids_in(list: &Value, field: &str) -> Vec<String> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| item[field].as_str().map(str::to_owned))
        .collect()
}

fn user_ids(path: &str, list: &str, field: &str) -> Vec<String> {
    ids_in(&json_of(path)[list], field)
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
                out.push(
                    path.strip_prefix(root())
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_admin_fixture_decodes_and_round_trips() {
    let files = all_fixture_files();
    assert!(
        files.len() >= 120,
        "expected the full admin fixture set, found {}",
        files.len()
    );
    for file in &files {
        decode_any(file);
    }
}

#[test]
fn the_readme_names_every_admin_fixture() {
    let readme = std::fs::read_to_string(root().join("../README.md")).unwrap();
    for file in all_fixture_files() {
        assert!(
            readme.contains(&format!("`admin/{file}`")),
            "README.md does not list admin/{file}"
        );
    }
}

#[test]
fn every_operation_has_success_partial_and_error_fixtures() {
    let crud = [
        "attributes",
        "metrics",
        "achievements",
        "leaderboards",
        "points_systems",
        "points_boosts",
        "points_levels",
        "points_triggers",
        "tenants",
    ];
    let mut expected: Vec<String> = Vec::new();
    for resource in crud {
        for op in ["list", "get", "create", "update", "delete"] {
            expected.push(format!("{resource}_{op}"));
        }
        for op in ["create", "update", "delete"] {
            expected.push(format!("{resource}_{op}_partial"));
        }
    }
    for name in [
        "metrics_batch_events",
        "application_api_keys_create",
        "application_api_keys_create_partial",
        "application_api_keys_delete",
        "application_api_keys_delete_partial",
        "environments_list",
        "settings_get",
        "settings_update",
        "streaks_freezes_create",
        "streaks_freezes_create_partial",
        "streaks_pauses_create",
        "streaks_pauses_create_partial",
        "streaks_pauses_delete",
        "streaks_pauses_delete_partial",
        "streaks_restore",
        "streaks_restore_partial",
        "streaks_reset",
        "streaks_reset_partial",
        "streaks_settings_get",
        "streaks_settings_update",
    ] {
        expected.push(name.to_owned());
    }
    for name in &expected {
        assert!(
            root().join(format!("responses/{name}.json")).is_file(),
            "no fixture responses/{name}.json"
        );
    }
    // 9 resources x 5 + 58 - 45 other operations, each with a success fixture.
    assert_eq!(
        expected.iter().filter(|n| !n.ends_with("_partial")).count(),
        58
    );
    for status in [400, 401, 403, 404, 422] {
        assert!(
            root().join(format!("errors/{status}.json")).is_file(),
            "no errors/{status}.json"
        );
    }
}

#[test]
fn values_of_the_fixtures() {
    let systems: Created<CreatedPointsSystem> = round_trip("responses/points_systems_create.json");
    let xp = &systems.created[0];
    assert_eq!(
        (xp.key.as_str(), xp.status.clone()),
        ("xp", ArchiveStatus::Active)
    );
    assert_eq!(xp.levels.as_ref().map(Vec::len), Some(1));
    assert!(xp.boosts.is_none());

    let keys: Created<ApplicationKey> = round_trip("responses/application_api_keys_create.json");
    assert_eq!(keys.created[0].key.expose(), "app_XXXXX.YOUR_API_KEY");
    assert!(
        !format!("{keys:?}").contains("YOUR_API_KEY"),
        "the key never prints"
    );

    let partial: Created<AdminMetric> = round_trip("responses/metrics_create_partial.json");
    assert_eq!(partial.created.len(), 1);
    assert_eq!(partial.issues[0].position(), Some(0));
    assert!(partial.has_errors());

    let freezes: CreatedFreezes = round_trip("responses/streaks_freezes_create_partial.json");
    let severities: Vec<_> = freezes.issues.iter().map(|i| i.severity.clone()).collect();
    assert_eq!(severities, [IssueSeverity::Error, IssueSeverity::Warning]);
    assert_eq!(
        freezes.issues[0].user_id.as_ref().map(|u| u.as_str()),
        Some("non-existent-user")
    );

    let odd: AdminAchievement = round_trip("edge/achievement_unknown_values.json");
    assert!(odd.trigger.is_unknown());
    assert_eq!(odd.status, AchievementStatus::Unknown("archived".into()));
    assert!(odd.id.is_number());
    assert!(odd.user_attributes.is_empty());

    let trigger: AdminPointsTrigger = round_trip("edge/points_trigger_unknown_values.json");
    assert_eq!(trigger.kind, PointsTriggerType::Unknown("referral".into()));
    assert_eq!(trigger.points, -5);

    let mut found = Vec::new();
    ids(
        &json_of("edge/tenant_numeric_customer_id.json"),
        String::new(),
        &mut found,
        false,
    );
    assert!(
        found.contains(&(".customerId".to_owned(), "number")),
        "{found:?}"
    );
    assert!(found.contains(&(".id".to_owned(), "string")), "{found:?}");
    let tenant: AdminTenant = round_trip("edge/tenant_numeric_customer_id.json");
    assert!(tenant.customer_id.is_number());
    assert!(tenant.created.date_time().is_some() && tenant.updated.date_time().is_some());

    let settings: AdminSettings = round_trip("edge/settings_unknown_font.json");
    assert_eq!(
        settings.branding.font,
        FontFamily::Unknown("COMIC_SANS".into())
    );
    let streaks: StreakSettings = round_trip("edge/streak_settings_no_freezes.json");
    assert!(streaks.freezes.is_none() && streaks.days_off.is_empty());

    let attrs: Vec<AdminAttribute> = round_trip("responses/attributes_list.json");
    assert_eq!(attrs[1].kind, AttributeType::Event);

    let partial: BatchEventsResponse = round_trip("edge/batch_events_partial.json");
    let outcome = BatchOutcome::new(1000, partial.accepted);
    assert_eq!((outcome.is_complete(), outcome.missing()), (false, 2));

    let boards: Vec<AdminLeaderboard> = round_trip("responses/leaderboards_list.json");
    assert!(boards.iter().all(|b| b.start.date().is_some()));
    assert_eq!(boards[2].start_time.as_deref(), Some("09:00"));
}
