//! Responses built from Trophy's own OpenAPI schemas decode, whatever a plain-string field holds.
//!
//! `tests/data/application-1.21.1.shapes.json` holds the structure of Trophy's OpenAPI 1.21.1
//! spec (types, formats, enums, required fields; no prose), written by
//! `scripts/spec-shapes/trophy_shapes.py`. For every 2xx response of the 27 operations and every
//! webhook body, a small generator builds schema-valid instances: every property set, and only
//! the required ones with `null` where the schema allows it. Then every string the spec types
//! without a `format` is set, one at a time, to each of the date and time forms servers write
//! (a field typed only as a string may hold any of them) and the whole response must still
//! decode into the client's model.

use std::fmt::Write as _;
use std::path::Path;

use questkit_trophy::UserAchievementWithStats;
use questkit_trophy::achievements::{AchievementCompletion, AchievementWithStats};
use questkit_trophy::leaderboards::{
    Leaderboard, LeaderboardWithRankings, UserLeaderboardWithHistory,
};
use questkit_trophy::metrics::{EventResponse, EventSummaryEntry, Metric};
use questkit_trophy::points::{
    LevelSummaryEntry, PointsBoost, PointsLevel, PointsRange, PointsSystem, UserPoints,
};
use questkit_trophy::preferences::UserPreferences;
use questkit_trophy::streaks::{BulkStreakEntry, UserStreak};
use questkit_trophy::users::User;
use questkit_trophy::webhooks::WebhookEvent;
use questkit_trophy::wrapped::Wrapped;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

/// The forms a date or time typed only as a string arrives in (issue 10, defect 7).
const DATE_FORMS: [&str; 9] = [
    "2025-01-01T00:00:00Z",
    "2025-01-01T00:00:00.000Z",
    "2025-01-01T00:00:00",
    "2025-01-01T00:00:00+0000",
    "2025-01-01T10:00:00+02:00",
    "2025-01-01 05:03:00",
    "2025-01-01",
    "20250101",
    "",
];

fn shapes() -> Value {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/application-1.21.1.shapes.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut shapes: Value = serde_json::from_str(&text).expect("shapes JSON");
    sdk_1_27_additions(&mut shapes);
    shapes
}

/// Plain-string fields that SDK 1.27.0 declares and spec 1.21.1 does not have yet.
fn sdk_1_27_additions(shapes: &mut Value) {
    let user = &mut shapes["schemas"]["User"]["properties"];
    user["signUpDate"] = json!({"type": ["string", "null"]});
}

type Decode = fn(&[u8]) -> Result<(), String>;

fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<(), String> {
    questkit_core::decode::from_slice::<T>(bytes)
        .map(drop)
        .map_err(|e| e.to_string())
}

fn decode_webhook(bytes: &[u8]) -> Result<(), String> {
    match WebhookEvent::from_slice(bytes) {
        Ok(WebhookEvent::Unknown { event_type, .. }) => Err(format!("unknown type {event_type}")),
        Ok(_) => Ok(()),
        Err(e) => Err(e.to_string()),
    }
}

/// Each operation's response, as the client decodes it.
fn decoders() -> Vec<(&'static str, Decode)> {
    vec![
        ("GET /achievements", decode::<Vec<AchievementWithStats>>),
        (
            "POST /achievements/{key}/complete",
            decode::<AchievementCompletion>,
        ),
        ("POST /metrics/{key}/event", decode::<EventResponse>),
        ("POST /users", decode::<User>),
        ("GET /users/{id}", decode::<User>),
        ("PUT /users/{id}", decode::<User>),
        ("PATCH /users/{id}", decode::<User>),
        ("GET /users/{id}/preferences", decode::<UserPreferences>),
        ("PATCH /users/{id}/preferences", decode::<UserPreferences>),
        ("GET /users/{id}/metrics", decode::<Vec<Metric>>),
        ("GET /users/{id}/metrics/{key}", decode::<Metric>),
        (
            "GET /users/{id}/metrics/{key}/event-summary",
            decode::<Vec<EventSummaryEntry>>,
        ),
        (
            "GET /users/{id}/achievements",
            decode::<Vec<UserAchievementWithStats>>,
        ),
        ("GET /users/{id}/streak", decode::<UserStreak>),
        ("GET /streaks", decode::<Vec<BulkStreakEntry>>),
        ("GET /users/{id}/points/{key}", decode::<UserPoints>),
        (
            "GET /users/{id}/points/{key}/boosts",
            decode::<Vec<PointsBoost>>,
        ),
        (
            "GET /users/{id}/points/{key}/event-summary",
            decode::<Vec<EventSummaryEntry>>,
        ),
        (
            "GET /users/{id}/leaderboards/{key}",
            decode::<UserLeaderboardWithHistory>,
        ),
        ("GET /users/{id}/wrapped", decode::<Wrapped>),
        ("GET /points/{key}/summary", decode::<Vec<PointsRange>>),
        ("GET /points/{key}", decode::<PointsSystem>),
        ("GET /points/{key}/boosts", decode::<Vec<PointsBoost>>),
        ("GET /points/{key}/levels", decode::<Vec<PointsLevel>>),
        (
            "GET /points/{key}/level-summary",
            decode::<Vec<LevelSummaryEntry>>,
        ),
        ("GET /leaderboards", decode::<Vec<Leaderboard>>),
        ("GET /leaderboards/{key}", decode::<LeaderboardWithRankings>),
    ]
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// Every property, never `null`.
    Full,
    /// Only required properties, `null` wherever the schema allows it.
    Sparse,
}

/// Builds schema-valid instances and records where the plain strings are.
struct Generator<'a> {
    schemas: &'a Map<String, Value>,
    mode: Mode,
    /// JSON pointers of the strings without `format` or `enum`.
    plain_strings: Vec<String>,
}

impl Generator<'_> {
    fn resolve<'s>(&'s self, schema: &'s Value) -> &'s Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let name = reference.rsplit('/').next().unwrap_or(reference);
                self.schemas
                    .get(name)
                    .unwrap_or_else(|| panic!("unknown $ref {reference}"))
            }
            None => schema,
        }
    }

    fn types(schema: &Value) -> Vec<&str> {
        match schema.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }

    fn nullable(&self, schema: &Value) -> bool {
        let schema = self.resolve(schema);
        Self::types(schema).contains(&"null")
            || schema
                .get("oneOf")
                .and_then(Value::as_array)
                .is_some_and(|v| v.iter().any(|s| Self::types(s) == ["null"]))
    }

    fn instance(&mut self, schema: &Value, at: &str, depth: usize) -> Value {
        assert!(depth < 32, "schema nests too deeply at {at}");
        let schema = self.resolve(schema).clone();
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            let mut merged = Map::new();
            for part in parts {
                if let Value::Object(map) = self.instance(part, at, depth + 1) {
                    merged.extend(map);
                }
            }
            return Value::Object(merged);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(options) = schema.get(key).and_then(Value::as_array) {
                let chosen = options
                    .iter()
                    .find(|s| Self::types(s) != ["null"])
                    .unwrap_or_else(|| panic!("{key} without a value at {at}"));
                return self.instance(chosen, at, depth + 1);
            }
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            return values.first().cloned().unwrap_or(Value::Null);
        }
        let types = Self::types(&schema);
        let kind = types.iter().copied().find(|t| *t != "null").unwrap_or(
            if schema.get("properties").is_some() {
                "object"
            } else {
                "null"
            },
        );
        match kind {
            "object" => self.object(&schema, at, depth),
            "array" => {
                let item = schema.get("items").cloned().unwrap_or(json!({}));
                Value::Array(vec![self.instance(&item, &format!("{at}/0"), depth + 1)])
            }
            "string" => match schema.get("format").and_then(Value::as_str) {
                Some("date") => json!("2025-01-01"),
                Some("date-time") => json!("2025-01-01T00:00:00Z"),
                Some("uuid") => json!("0040fe51-6bce-4b44-b0ad-bddc4e123534"),
                Some(other) => panic!("format {other} at {at}: teach the generator"),
                None => {
                    self.plain_strings.push(at.to_owned());
                    json!("text")
                }
            },
            "integer" => json!(
                schema
                    .get("minimum")
                    .and_then(Value::as_i64)
                    .unwrap_or(1)
                    .max(1)
            ),
            "number" => json!(1.5),
            "boolean" => json!(true),
            "null" => Value::Null,
            other => panic!("type {other} at {at}: teach the generator"),
        }
    }

    fn object(&mut self, schema: &Value, at: &str, depth: usize) -> Value {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut out = Map::new();
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                let is_required = required.contains(&name.as_str());
                if self.mode == Mode::Sparse && !is_required {
                    continue;
                }
                let value = if self.mode == Mode::Sparse && self.nullable(property) {
                    Value::Null
                } else {
                    self.instance(property, &format!("{at}/{name}"), depth + 1)
                };
                out.insert(name.clone(), value);
            }
        }
        if let Some(values @ Value::Object(_)) = schema.get("additionalProperties") {
            let value = self.instance(values, &format!("{at}/key-1"), depth + 1);
            out.insert("key-1".to_owned(), value);
        }
        Value::Object(out)
    }
}

struct Case {
    name: String,
    schema: Value,
    decode: Decode,
}

fn cases(shapes: &Value) -> Vec<Case> {
    let operations = shapes["operations"].as_object().expect("operations");
    let mut cases = Vec::new();
    let decoders = decoders();
    assert_eq!(decoders.len(), 27);
    assert_eq!(operations.len(), 27, "the spec has 27 operations");
    for (operation, decode) in decoders {
        let entry = operations
            .get(operation)
            .unwrap_or_else(|| panic!("{operation} is not in the spec"));
        cases.push(Case {
            name: operation.to_owned(),
            schema: entry["schema"].clone(),
            decode,
        });
    }
    let webhooks = shapes["webhooks"].as_object().expect("webhooks");
    assert_eq!(webhooks.len(), 18);
    for (name, schema) in webhooks {
        cases.push(Case {
            name: format!("webhook {name}"),
            schema: schema.clone(),
            decode: decode_webhook,
        });
    }
    cases
}

fn set(document: &mut Value, pointer: &str, value: &str) {
    match document.pointer_mut(pointer) {
        Some(slot) => *slot = json!(value),
        None => panic!("no {pointer} in the generated document"),
    }
}

#[test]
fn plain_string_fields_hold_any_date_form() {
    let shapes = shapes();
    let schemas = shapes["schemas"].as_object().expect("schemas").clone();
    let mut failures = String::new();
    let mut decoded = 0usize;
    let mut all_slots: Vec<String> = Vec::new();
    for case in cases(&shapes) {
        for mode in [Mode::Full, Mode::Sparse] {
            let mut generator = Generator {
                schemas: &schemas,
                mode,
                plain_strings: Vec::new(),
            };
            let document = generator.instance(&case.schema, "", 0);
            let bytes = serde_json::to_vec(&document).unwrap();
            decoded += 1;
            if let Err(e) = (case.decode)(&bytes) {
                let _ = writeln!(failures, "{} (as generated): {e}", case.name);
            }
            if mode == Mode::Sparse {
                continue;
            }
            for slot in &generator.plain_strings {
                all_slots.push(format!("{} {slot}", case.name));
                for form in DATE_FORMS {
                    let mut variant = document.clone();
                    set(&mut variant, slot, form);
                    decoded += 1;
                    if let Err(e) = (case.decode)(&serde_json::to_vec(&variant).unwrap()) {
                        let _ = writeln!(failures, "{} {slot} = {form:?}: {e}", case.name);
                    }
                }
            }
        }
    }
    // The fields issue 10 names are among the ones varied.
    for needle in [
        "GET /points/{key}/boosts /0/start",
        "GET /points/{key}/boosts /0/end",
        "GET /users/{id}/points/{key} /awards/0/date",
        "GET /streaks /0/extended",
        "GET /users/{id} /signUpDate",
    ] {
        assert!(
            all_slots.iter().any(|s| s == needle),
            "{needle} was not varied; slots: {all_slots:#?}"
        );
    }
    assert!(decoded > 1000, "only {decoded} documents decoded");
    let count = failures.lines().count();
    let shown: Vec<&str> = failures.lines().take(40).collect();
    assert!(
        failures.is_empty(),
        "{count} responses failed to decode, the first ones:\n{}",
        shown.join("\n")
    );
}
