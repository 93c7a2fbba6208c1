//! What the admin mock accepts in each resource's create and update items, and how it builds
//! the stored item (with every field the 1.27 SDK requires in the answer).

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use super::{Fields, Resource, State, UNKNOWN_USER_PREFIX};

pub(super) const ATTRIBUTE: Resource = Resource {
    name: "Attribute",
    store: |s, _| Some(&mut s.attributes),
    unique: &["key", "type"],
    build: build_attribute,
    patch: |stored, item| apply(stored, item, &["name"], &[]),
    adopt: None,
};

pub(super) const METRIC: Resource = Resource {
    name: "Metric",
    store: |s, _| Some(&mut s.metrics),
    unique: &["key"],
    build: build_metric,
    patch: patch_metric,
    adopt: None,
};

pub(super) const ACHIEVEMENT: Resource = Resource {
    name: "Achievement",
    store: |s, _| Some(&mut s.achievements),
    unique: &["key"],
    build: build_achievement,
    patch: patch_achievement,
    adopt: None,
};

pub(super) const LEADERBOARD: Resource = Resource {
    name: "Leaderboard",
    store: |s, _| Some(&mut s.leaderboards),
    unique: &["key"],
    build: build_leaderboard,
    patch: patch_leaderboard,
    adopt: None,
};

pub(super) const SYSTEM: Resource = Resource {
    name: "Points system",
    store: |s, _| Some(&mut s.systems),
    unique: &["key"],
    build: build_system,
    patch: |stored, item| {
        apply(
            stored,
            item,
            &["name", "description", "badge", "maxPoints"],
            &["badge", "maxPoints"],
        )
    },
    adopt: Some(adopt_system),
};

pub(super) const BOOST: Resource = Resource {
    name: "Points boost",
    store: |s, system| {
        if s.has_system(system) {
            Some(s.boosts.entry(system.to_owned()).or_default())
        } else {
            None
        }
    },
    unique: &[],
    build: build_boost,
    patch: patch_boost,
    adopt: None,
};

pub(super) const LEVEL: Resource = Resource {
    name: "Level",
    store: |s, system| {
        if s.has_system(system) {
            Some(s.levels.entry(system.to_owned()).or_default())
        } else {
            None
        }
    },
    unique: &["key"],
    build: build_level,
    patch: |stored, item| {
        apply(
            stored,
            item,
            &["name", "points", "description", "badge"],
            &["badge"],
        )?;
        at_least(stored, "points", 0)
    },
    adopt: None,
};

pub(super) const TRIGGER: Resource = Resource {
    name: "Points trigger",
    store: |s, system| {
        if s.has_system(system) {
            Some(s.triggers.entry(system.to_owned()).or_default())
        } else {
            None
        }
    },
    unique: &[],
    build: build_trigger,
    patch: patch_trigger,
    adopt: None,
};

pub(super) const TENANT: Resource = Resource {
    name: "Tenant",
    store: |s, _| Some(&mut s.tenants),
    unique: &["customerId"],
    build: build_tenant,
    patch: patch_tenant,
    adopt: None,
};

/// The first letter in upper case (`key` -> `Key`).
pub(super) fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Whether `raw` is a `YYYY-MM-DD` date.
pub(super) fn is_date(raw: &str) -> bool {
    let parts: Vec<&str> = raw.split('-').collect();
    parts.len() == 3
        && [4, 2, 2]
            .iter()
            .zip(&parts)
            .all(|(len, p)| p.len() == *len && p.bytes().all(|b| b.is_ascii_digit()))
}

/// The civil date of a day count since 1970-01-01 (H. Hinnant's algorithm).
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn since_epoch() -> std::time::Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

/// Today's date in UTC (`YYYY-MM-DD`).
pub(super) fn today() -> String {
    let (y, m, d) = civil((since_epoch().as_secs() / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Now in RFC 3339 with milliseconds, as Trophy writes timestamps.
pub(super) fn now() -> String {
    let elapsed = since_epoch();
    let secs = elapsed.as_secs();
    let (y, m, d) = civil((secs / 86_400) as i64);
    let rest = secs % 86_400;
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60,
        elapsed.subsec_millis()
    )
}

fn is_filters(value: &Value) -> bool {
    value.as_array().is_some_and(|list| {
        list.iter().all(|f| {
            f.get("attributeId").is_some_and(Value::is_string)
                && f.get("attributeValue").is_some_and(Value::is_string)
        })
    })
}

fn is_string_list(value: &Value) -> bool {
    value
        .as_array()
        .is_some_and(|list| list.iter().all(Value::is_string))
}

/// The type every field of the admin API has, by name (the same name has the same type in
/// every resource); `Err` is the issue message.
pub(super) fn check_field(field: &str, value: &Value) -> Result<(), String> {
    let (ok, what) = match field {
        "name" | "key" | "description" | "units" | "metricId" | "pointsSystemId"
        | "achievementId" | "startTime" | "endTime" | "customerId" | "userId" | "appName"
        | "appUrl" | "brandColor" => (value.is_string(), "a string"),
        "metricValue" | "multiplier" => (value.is_number(), "a number"),
        "streakLength"
        | "anniversaryYears"
        | "metricThreshold"
        | "timeInterval"
        | "runInterval"
        | "maxParticipants"
        | "maxPoints"
        | "points"
        | "controlRatio"
        | "userActivationWindow"
        | "startCount"
        | "maxCount"
        | "autoEarnInterval"
        | "autoEarnAmount"
        | "threshold" => (value.is_i64(), "an integer"),
        "achievementIds" | "breakdownAttributes" => (is_string_list(value), "a list of strings"),
        "userAttributes" | "eventAttributes" => (
            is_filters(value),
            "a list of {attributeId, attributeValue} strings",
        ),
        "badge" | "logo" | "appIcon" => (
            value.get("url").is_some_and(Value::is_string),
            "an object with a string url",
        ),
        "start" | "end" => (value.as_str().is_some_and(is_date), "a YYYY-MM-DD date"),
        "blockIfOutOfPoints" | "customizationEnabled" | "subscribeToEmails" => {
            (value.is_boolean(), "a boolean")
        }
        _ => (true, ""),
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{field} must be {what}"))
    }
}

/// Copies `required` (present, not null, non-empty strings) and the `optional` fields that
/// are present and not null from `item` to `out`, each checked with [`check_field`].
fn take(
    item: &Fields,
    out: &mut Fields,
    required: &[&str],
    optional: &[&str],
) -> Result<(), String> {
    for field in required {
        match item.get(*field) {
            None | Some(Value::Null) => return Err(format!("{field} is required")),
            Some(Value::String(s)) if s.trim().is_empty() => {
                return Err(format!("{field} must not be empty"));
            }
            Some(value) => {
                check_field(field, value)?;
                out.insert((*field).to_owned(), value.clone());
            }
        }
    }
    for field in optional {
        if let Some(value) = item.get(*field).filter(|v| !v.is_null()) {
            check_field(field, value)?;
            out.insert((*field).to_owned(), value.clone());
        }
    }
    Ok(())
}

/// Sets `field` to `default` when absent.
fn default(out: &mut Fields, field: &str, value: Value) {
    out.entry(field.to_owned()).or_insert(value);
}

/// Checks that `field`, when set, is one of `allowed`.
fn one_of(out: &Fields, field: &str, allowed: &[&str]) -> Result<(), String> {
    match out.get(field) {
        None | Some(Value::Null) => Ok(()),
        Some(Value::String(v)) if allowed.contains(&v.as_str()) => Ok(()),
        Some(_) => Err(format!("{field} must be one of {}", allowed.join(", "))),
    }
}

/// Checks that the integer `field`, when set, is at least `min`.
fn at_least(out: &Fields, field: &str, min: i64) -> Result<(), String> {
    match out.get(field).and_then(Value::as_i64) {
        Some(v) if v < min => Err(format!("{field} must be at least {min}")),
        _ => Ok(()),
    }
}

/// Applies an update: each field of `item` (besides `id`) must be in `allowed`; `null` only
/// for those in `nullable`; lists of filters cleared with `null` become empty.
fn apply(
    stored: &mut Fields,
    item: &Fields,
    allowed: &[&str],
    nullable: &[&str],
) -> Result<(), String> {
    for (field, value) in item {
        if field == "id" {
            continue;
        }
        if !allowed.contains(&field.as_str()) {
            return Err(format!("{field} cannot be changed"));
        }
        if value.is_null() {
            if !nullable.contains(&field.as_str()) {
                return Err(format!("{field} cannot be null"));
            }
        } else {
            check_field(field, value)?;
        }
        let value = match (field.as_str(), value) {
            ("userAttributes" | "eventAttributes", Value::Null) => json!([]),
            _ => value.clone(),
        };
        stored.insert(field.clone(), value);
    }
    Ok(())
}

/// The variants of a resource (an achievement's `trigger`, a trigger's `type`, a
/// leaderboard's `rankBy`) and the fields each requires.
struct Variants {
    field: &'static str,
    what: &'static str,
    table: &'static [(&'static str, &'static [&'static str])],
}

const ACHIEVEMENT_TRIGGERS: Variants = Variants {
    field: "trigger",
    what: "achievement",
    table: &[
        ("metric", &["metricId", "metricValue"]),
        ("streak", &["streakLength"]),
        ("api", &["key"]),
        ("achievement", &["achievementIds"]),
        ("anniversary", &["anniversaryYears"]),
    ],
};

const TRIGGER_TYPES: Variants = Variants {
    field: "type",
    what: "trigger",
    table: &[
        ("metric", &["metricId", "metricThreshold"]),
        ("achievement", &["achievementId"]),
        ("streak", &["streakLength"]),
        ("time", &["timeUnit", "timeInterval"]),
        ("user_creation", &[]),
    ],
};

const RANKINGS: Variants = Variants {
    field: "rankBy",
    what: "leaderboard",
    table: &[
        ("metric", &["metricId"]),
        ("points", &["pointsSystemId"]),
        ("streak", &[]),
    ],
};

impl Variants {
    fn names(&self) -> Vec<&'static str> {
        self.table.iter().map(|(name, _)| *name).collect()
    }

    fn required(&self, variant: &str) -> &'static [&'static str] {
        self.table
            .iter()
            .find(|(name, _)| *name == variant)
            .map_or(&[], |(_, fields)| *fields)
    }

    fn all_fields(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.table
            .iter()
            .flat_map(|(_, fields)| fields.iter().copied())
    }

    /// The variant of a create item and its required fields, copied to `out`.
    fn build(&self, item: &Fields, out: &mut Fields) -> Result<String, String> {
        let variant = match item.get(self.field) {
            Some(Value::String(v)) if self.names().contains(&v.as_str()) => v.clone(),
            Some(_) => {
                return Err(format!(
                    "{} must be one of {}",
                    self.field,
                    self.names().join(", ")
                ));
            }
            None => return Err(format!("{} is required", self.field)),
        };
        out.insert(self.field.to_owned(), json!(variant));
        for field in self.required(&variant) {
            if item.get(*field).is_none_or(Value::is_null) {
                return Err(format!("{field} is required for {variant} {}s", self.what));
            }
        }
        take(item, out, self.required(&variant), &[])?;
        Ok(variant)
    }

    /// Applies the variant fields of an update item: a new variant needs its fields in the
    /// item (the old variant's are dropped); a variant field is only taken by its variant.
    fn patch(&self, stored: &mut Fields, item: &Fields) -> Result<String, String> {
        let current = stored
            .get(self.field)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let variant = match item.get(self.field) {
            None => current.clone(),
            Some(Value::String(v)) if self.names().contains(&v.as_str()) => v.clone(),
            Some(_) => {
                return Err(format!(
                    "{} must be one of {}",
                    self.field,
                    self.names().join(", ")
                ));
            }
        };
        let required = self.required(&variant);
        for field in self.all_fields() {
            if item.contains_key(field) && !required.contains(&field) {
                return Err(format!(
                    "{field} is only permitted for other {}s",
                    self.what
                ));
            }
        }
        if variant != current {
            for field in required {
                if item.get(*field).is_none_or(Value::is_null) {
                    return Err(format!(
                        "changing {} to {variant} needs {field}",
                        self.field
                    ));
                }
            }
            for field in self.all_fields() {
                stored.remove(field);
            }
            stored.insert(self.field.to_owned(), json!(variant));
        }
        take(item, stored, &[], required)?;
        Ok(variant)
    }
}

fn build_attribute(item: &Fields) -> Result<Fields, String> {
    let mut out = Fields::new();
    take(item, &mut out, &["name", "key", "type"], &[])?;
    one_of(&out, "type", &["user", "event"])?;
    Ok(out)
}

fn build_metric(item: &Fields) -> Result<Fields, String> {
    let mut out = Fields::new();
    take(item, &mut out, &["name", "key"], &["unitType", "units"])?;
    one_of(&out, "unitType", &["number", "currency"])?;
    default(&mut out, "unitType", json!("number"));
    default(&mut out, "units", json!(""));
    Ok(out)
}

fn patch_metric(stored: &mut Fields, item: &Fields) -> Result<(), String> {
    apply(stored, item, &["name", "unitType", "units"], &[])?;
    one_of(stored, "unitType", &["number", "currency"])
}

fn build_achievement(item: &Fields) -> Result<Fields, String> {
    let mut out = Fields::new();
    take(
        item,
        &mut out,
        &["name"],
        &["description", "status", "badge", "userAttributes"],
    )?;
    let trigger = ACHIEVEMENT_TRIGGERS.build(item, &mut out)?;
    one_of(&out, "status", &["active", "inactive", "locked"])?;
    for field in ["metricValue", "streakLength", "anniversaryYears"] {
        match out.get(field).and_then(Value::as_f64) {
            Some(v) if v < 1.0 => return Err(format!("{field} must be at least 1")),
            _ => {}
        }
    }
    match item.get("eventAttributes").filter(|v| !v.is_null()) {
        Some(_) if trigger != "metric" => {
            return Err("eventAttributes is only permitted for metric achievements".into());
        }
        Some(filters) => {
            check_field("eventAttributes", filters)?;
            out.insert("eventAttributes".into(), filters.clone());
        }
        None if trigger == "metric" => default(&mut out, "eventAttributes", json!([])),
        None => {}
    }
    default(&mut out, "status", json!("inactive"));
    default(&mut out, "description", Value::Null);
    default(&mut out, "badge", Value::Null);
    default(&mut out, "userAttributes", json!([]));
    Ok(out)
}

fn patch_achievement(stored: &mut Fields, item: &Fields) -> Result<(), String> {
    let variant_fields: Vec<&str> = ACHIEVEMENT_TRIGGERS.all_fields().collect();
    let (common, variant): (Fields, Fields) = item.clone().into_iter().partition(|(k, _)| {
        !variant_fields.contains(&k.as_str()) && k != "trigger" && k != "eventAttributes"
    });
    apply(
        stored,
        &common,
        &["name", "description", "status", "badge", "userAttributes"],
        &["description", "badge", "userAttributes"],
    )?;
    one_of(stored, "status", &["active", "inactive", "locked"])?;
    let trigger = ACHIEVEMENT_TRIGGERS.patch(stored, &variant)?;
    if trigger == "metric" {
        default(stored, "eventAttributes", json!([]));
    } else {
        stored.remove("eventAttributes");
    }
    if let Some(filters) = item.get("eventAttributes") {
        if trigger != "metric" {
            return Err("eventAttributes is only permitted for metric achievements".into());
        }
        apply(
            stored,
            &single("eventAttributes", filters),
            &["eventAttributes"],
            &["eventAttributes"],
        )?;
    }
    Ok(())
}

fn single(field: &str, value: &Value) -> Fields {
    let mut fields = Fields::new();
    fields.insert(field.to_owned(), value.clone());
    fields
}

const LEADERBOARD_FIELDS: [&str; 11] = [
    "description",
    "status",
    "maxParticipants",
    "start",
    "end",
    "startTime",
    "endTime",
    "breakdownAttributes",
    "runUnit",
    "runInterval",
    "userAttributes",
];

fn build_leaderboard(item: &Fields) -> Result<Fields, String> {
    let mut out = Fields::new();
    take(item, &mut out, &["name", "key"], &LEADERBOARD_FIELDS)?;
    RANKINGS.build(item, &mut out)?;
    one_of(
        &out,
        "status",
        &["inactive", "active", "scheduled", "finished"],
    )?;
    one_of(&out, "runUnit", &["day", "month", "year"])?;
    at_least(&out, "maxParticipants", 1)?;
    at_least(&out, "runInterval", 1)?;
    default(&mut out, "status", json!("inactive"));
    default(&mut out, "maxParticipants", json!(1000));
    default(&mut out, "start", json!(today()));
    default(&mut out, "breakdownAttributes", json!([]));
    default(&mut out, "userAttributes", json!([]));
    Ok(out)
}

fn patch_leaderboard(stored: &mut Fields, item: &Fields) -> Result<(), String> {
    let (common, variant): (Fields, Fields) = item
        .clone()
        .into_iter()
        .partition(|(k, _)| !matches!(k.as_str(), "rankBy" | "metricId" | "pointsSystemId"));
    let mut allowed = vec!["name", "key"];
    allowed.extend(LEADERBOARD_FIELDS);
    apply(
        stored,
        &common,
        &allowed,
        &[
            "maxParticipants",
            "end",
            "startTime",
            "endTime",
            "runUnit",
            "userAttributes",
        ],
    )?;
    one_of(
        stored,
        "status",
        &["inactive", "active", "scheduled", "finished"],
    )?;
    one_of(stored, "runUnit", &["day", "month", "year"])?;
    RANKINGS.patch(stored, &variant).map(drop)
}

fn build_system(item: &Fields) -> Result<Fields, String> {
    let mut out = Fields::new();
    take(
        item,
        &mut out,
        &["name", "key"],
        &["description", "badge", "maxPoints"],
    )?;
    at_least(&out, "maxPoints", 1)?;
    default(&mut out, "description", json!(""));
    default(&mut out, "status", json!("active"));
    default(&mut out, "badge", Value::Null);
    default(&mut out, "maxPoints", Value::Null);
    for (field, build) in [
        (
            "levels",
            build_level as fn(&Fields) -> Result<Fields, String>,
        ),
        ("boosts", build_boost),
        ("triggers", build_trigger),
    ] {
        let Some(list) = item.get(field).filter(|v| !v.is_null()) else {
            continue;
        };
        let Some(list) = list.as_array() else {
            return Err(format!("{field} must be a list"));
        };
        let mut built = Vec::with_capacity(list.len());
        for (i, sub) in list.iter().enumerate() {
            let sub = sub
                .as_object()
                .ok_or_else(|| format!("{field}[{i}] must be an object"))?;
            built.push(Value::Object(
                build(sub).map_err(|m| format!("{field}[{i}]: {m}"))?,
            ));
        }
        out.insert(field.to_owned(), Value::Array(built));
    }
    Ok(out)
}

/// Gives the levels, boosts and triggers created with a system their IDs and stores them
/// under it.
fn adopt_system(state: &mut State, system: &mut Fields) {
    let system_id = system
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    for field in ["levels", "boosts", "triggers"] {
        let Some(Value::Array(items)) = system.get_mut(field) else {
            continue;
        };
        for item in items.iter_mut() {
            if let Some(fields) = item.as_object_mut() {
                fields.insert("id".into(), json!(state.new_id()));
            }
        }
        let store = match field {
            "levels" => &mut state.levels,
            "boosts" => &mut state.boosts,
            _ => &mut state.triggers,
        };
        store
            .entry(system_id.clone())
            .or_default()
            .extend(items.iter().cloned());
    }
}

fn boost_status(out: &Fields) -> &'static str {
    let today = today();
    let start = out.get("start").and_then(Value::as_str).unwrap_or_default();
    let end = out.get("end").and_then(Value::as_str);
    if start > today.as_str() {
        "scheduled"
    } else if end.is_some_and(|end| end < today.as_str()) {
        "finished"
    } else {
        "active"
    }
}

fn build_boost(item: &Fields) -> Result<Fields, String> {
    let mut out = Fields::new();
    take(
        item,
        &mut out,
        &["name", "start", "multiplier"],
        &["userId", "end", "rounding", "userAttributes"],
    )?;
    one_of(&out, "rounding", &["down", "up", "nearest"])?;
    let multiplier = out.get("multiplier").and_then(Value::as_f64).unwrap_or(0.0);
    if !(multiplier > 0.0 && multiplier < 100.0) || multiplier == 1.0 {
        return Err("multiplier must be more than 0, less than 100 and not 1".into());
    }
    match out.get("userId").and_then(Value::as_str) {
        Some(_) if out.contains_key("userAttributes") => {
            return Err("userAttributes cannot be set on a boost for one user".into());
        }
        Some(user) if user.starts_with(UNKNOWN_USER_PREFIX) => {
            return Err("User does not exist".into());
        }
        Some(_) => {}
        None => {
            default(&mut out, "userId", Value::Null);
            default(&mut out, "userAttributes", json!([]));
        }
    }
    default(&mut out, "end", Value::Null);
    default(&mut out, "rounding", json!("down"));
    out.insert("status".into(), json!(boost_status(&out)));
    Ok(out)
}

fn patch_boost(stored: &mut Fields, item: &Fields) -> Result<(), String> {
    if item.contains_key("userAttributes") && stored.get("userId").is_some_and(|u| !u.is_null()) {
        return Err("userAttributes cannot be set on a boost for one user".into());
    }
    apply(
        stored,
        item,
        &[
            "name",
            "start",
            "end",
            "multiplier",
            "rounding",
            "userAttributes",
        ],
        &["end", "userAttributes"],
    )?;
    one_of(stored, "rounding", &["down", "up", "nearest"])?;
    let status = boost_status(stored);
    stored.insert("status".into(), json!(status));
    Ok(())
}

fn build_level(item: &Fields) -> Result<Fields, String> {
    let mut out = Fields::new();
    take(
        item,
        &mut out,
        &["name", "key", "points"],
        &["description", "badge"],
    )?;
    at_least(&out, "points", 0)?;
    default(&mut out, "description", json!(""));
    default(&mut out, "badge", Value::Null);
    Ok(out)
}

fn build_trigger(item: &Fields) -> Result<Fields, String> {
    let mut out = Fields::new();
    take(
        item,
        &mut out,
        &["points"],
        &["status", "userAttributes", "blockIfOutOfPoints"],
    )?;
    if out.get("points").and_then(Value::as_i64) == Some(0) {
        return Err("points cannot be zero".into());
    }
    let kind = TRIGGER_TYPES.build(item, &mut out)?;
    one_of(&out, "status", &["active", "inactive"])?;
    one_of(&out, "timeUnit", &["hours", "days"])?;
    for field in ["metricThreshold", "streakLength", "timeInterval"] {
        at_least(&out, field, 1)?;
    }
    match item.get("eventAttributes").filter(|v| !v.is_null()) {
        Some(_) if kind != "metric" => {
            return Err("eventAttributes is only permitted for metric triggers".into());
        }
        Some(filters) => {
            check_field("eventAttributes", filters)?;
            out.insert("eventAttributes".into(), filters.clone());
        }
        None if kind == "metric" => default(&mut out, "eventAttributes", json!([])),
        None => {}
    }
    default(&mut out, "status", json!("inactive"));
    default(&mut out, "userAttributes", json!([]));
    default(&mut out, "blockIfOutOfPoints", json!(false));
    Ok(out)
}

fn patch_trigger(stored: &mut Fields, item: &Fields) -> Result<(), String> {
    let variant_fields: Vec<&str> = TRIGGER_TYPES.all_fields().collect();
    let (common, variant): (Fields, Fields) = item.clone().into_iter().partition(|(k, _)| {
        !variant_fields.contains(&k.as_str()) && k != "type" && k != "eventAttributes"
    });
    apply(
        stored,
        &common,
        &["points", "status", "userAttributes", "blockIfOutOfPoints"],
        &["userAttributes"],
    )?;
    if stored.get("points").and_then(Value::as_i64) == Some(0) {
        return Err("points cannot be zero".into());
    }
    one_of(stored, "status", &["active", "inactive"])?;
    let retyped = item
        .get("type")
        .is_some_and(|t| Some(t) != stored.get("type"));
    if retyped && stored.get("status") == Some(&json!("active")) {
        return Err("type can only be changed while the trigger is inactive".into());
    }
    let kind = TRIGGER_TYPES.patch(stored, &variant)?;
    one_of(stored, "timeUnit", &["hours", "days"])?;
    if kind == "metric" {
        default(stored, "eventAttributes", json!([]));
    } else {
        stored.remove("eventAttributes");
    }
    match item.get("eventAttributes") {
        Some(_) if kind != "metric" => {
            Err("eventAttributes is only permitted for metric triggers".into())
        }
        Some(filters) => apply(
            stored,
            &single("eventAttributes", filters),
            &["eventAttributes"],
            &["eventAttributes"],
        ),
        None => Ok(()),
    }
}

fn build_tenant(item: &Fields) -> Result<Fields, String> {
    let mut out = Fields::new();
    take(item, &mut out, &["customerId", "name"], &[])?;
    out.insert("status".into(), json!("active"));
    let now = now();
    out.insert("created".into(), json!(now));
    out.insert("updated".into(), json!(now));
    Ok(out)
}

fn patch_tenant(stored: &mut Fields, item: &Fields) -> Result<(), String> {
    if !item.contains_key("customerId") && !item.contains_key("name") {
        return Err("customerId or name is required".into());
    }
    apply(stored, item, &["customerId", "name"], &[])?;
    stored.insert("updated".into(), json!(now()));
    Ok(())
}

/// Checks a batch event; `Err` is the 422 message.
pub(super) fn check_event(event: &Value) -> Result<(), String> {
    let Some(event) = event.as_object() else {
        return Err("each event must be an object".into());
    };
    let mut seen = Fields::new();
    take(event, &mut seen, &["key"], &[])?;
    let Some(user) = event.get("user").and_then(Value::as_object) else {
        return Err("user must be an object".into());
    };
    take(
        user,
        &mut seen,
        &["id"],
        &["email", "name", "subscribeToEmails"],
    )
    .map_err(|e| format!("user.{e}"))?;
    if user.get("id").is_some_and(|id| !id.is_string()) {
        return Err("user.id must be a string".into());
    }
    for field in ["email", "name"] {
        if user
            .get(field)
            .is_some_and(|v| !v.is_string() && !v.is_null())
        {
            return Err(format!("user.{field} must be a string"));
        }
    }
    if user
        .get("tz")
        .is_some_and(|tz| !(tz.is_string() || tz.is_null()))
    {
        return Err("user.tz must be a string or null".into());
    }
    if user
        .get("deviceTokens")
        .is_some_and(|t| !(t.is_null() || is_string_list(t)))
    {
        return Err("user.deviceTokens must be a list of strings or null".into());
    }
    for (what, map) in [
        ("user.attributes", user.get("attributes")),
        ("attributes", event.get("attributes")),
    ] {
        if let Some(map) = map {
            if !map
                .as_object()
                .is_some_and(|m| m.values().all(Value::is_string))
            {
                return Err(format!("{what} must be an object of strings"));
            }
        }
    }
    if !event.get("value").is_some_and(Value::is_number) {
        return Err("value must be a number".into());
    }
    if event.get("idempotencyKey").is_some_and(|k| !k.is_string()) {
        return Err("idempotencyKey must be a string".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(v: Value) -> Fields {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn dates() {
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(civil(19_782), (2024, 2, 29));
        assert_eq!(civil(-1), (1969, 12, 31));
        assert!(is_date(&today()));
        assert_eq!(now().len(), "2026-01-15T09:30:00.000Z".len());
        assert!(is_date("2024-01-31") && !is_date("2024-1-31") && !is_date("soon"));
    }

    #[test]
    fn metrics_and_attributes() {
        let built = build_metric(&fields(json!({"name": "Words", "key": "words"}))).unwrap();
        assert_eq!(
            (built["unitType"].clone(), built["units"].clone()),
            (json!("number"), json!(""))
        );
        assert!(build_metric(&fields(json!({"name": 3, "key": "k"}))).is_err());
        assert!(
            build_metric(&fields(
                json!({"name": "n", "key": "k", "unitType": "pounds"})
            ))
            .is_err()
        );
        let mut stored = built.clone();
        assert!(patch_metric(&mut stored, &fields(json!({"id": "x", "key": "new"}))).is_err());
        patch_metric(&mut stored, &fields(json!({"id": "x", "name": "Words!"}))).unwrap();
        assert_eq!(stored["name"], json!("Words!"));
        assert!(
            build_attribute(&fields(json!({"name": "P", "key": "p", "type": "group"}))).is_err()
        );
    }

    #[test]
    fn variants_need_their_fields() {
        let metric = build_achievement(&fields(json!({
            "name": "Novice", "trigger": "metric", "metricId": "m", "metricValue": 500
        })))
        .unwrap();
        assert_eq!(metric["status"], json!("inactive"));
        assert_eq!(metric["eventAttributes"], json!([]));
        assert_eq!(metric["userAttributes"], json!([]));
        let missing = build_achievement(&fields(json!({"name": "A", "trigger": "streak"})));
        assert!(missing.unwrap_err().contains("streakLength"));
        let mut stored = metric.clone();
        let retrigger = fields(json!({"id": "a", "trigger": "streak"}));
        assert!(patch_achievement(&mut stored, &retrigger).is_err());
        let retrigger = fields(json!({"id": "a", "trigger": "streak", "streakLength": 7}));
        patch_achievement(&mut stored, &retrigger).unwrap();
        assert_eq!(stored["streakLength"], json!(7));
        assert!(
            !stored.contains_key("metricId"),
            "the old trigger's fields are dropped"
        );
        let time = build_trigger(&fields(json!({"type": "time", "points": 5})));
        assert!(time.unwrap_err().contains("timeUnit"));
        let board = build_leaderboard(&fields(
            json!({"name": "B", "key": "b", "rankBy": "points"}),
        ));
        assert!(board.unwrap_err().contains("pointsSystemId"));
    }

    #[test]
    fn boosts_and_events() {
        let both = json!({"name": "b", "start": "2024-01-01", "multiplier": 2,
                          "userId": "u", "userAttributes": []});
        assert!(build_boost(&fields(both)).is_err());
        let global = build_boost(&fields(
            json!({"name": "b", "start": "2024-01-01", "end": "2024-01-02", "multiplier": 2}),
        ))
        .unwrap();
        assert_eq!(global["status"], json!("finished"));
        assert_eq!(global["userId"], Value::Null);
        assert!(
            build_boost(&fields(
                json!({"name": "b", "start": "2024-01-01", "multiplier": 1})
            ))
            .is_err()
        );
        assert!(check_event(&json!({"key": "k", "user": {"id": "u"}, "value": 1})).is_ok());
        for bad in [
            json!({"user": {"id": "u"}, "value": 1}),
            json!({"key": "k", "user": {"id": ""}, "value": 1}),
            json!({"key": "k", "user": {"id": "u"}, "value": "1"}),
            json!({"key": "k", "user": {"id": "u", "tz": 1}, "value": 1}),
            json!({"key": "k", "user": {"id": "u"}, "value": 1, "attributes": {"a": 1}}),
            json!([]),
        ] {
            assert!(check_event(&bad).is_err(), "{bad}");
        }
    }
}
