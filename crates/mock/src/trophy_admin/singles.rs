//! The admin mock's endpoints that are not list/create/get/update/delete of one resource:
//! per-user streak writes, streak pauses, application keys and the two settings documents.

use std::collections::{HashMap, HashSet};

use serde_json::{Value, json};
use wiremock::{Request, ResponseTemplate};

use super::rules::{check_field, is_date, today};
use super::{
    Ctx, Fields, MAX_ITEMS, Refused, UNKNOWN_USER_PREFIX, counted, delete_from, error, ids,
    issue_at, item_list, json_body, respond,
};

fn user_issue(user: &str, severity: &str, message: &str) -> Value {
    json!({"userId": user, "severity": severity, "message": message})
}

/// The list under `field` of a `{field: [...]}` body, 1 to 100 items; `shape` is the status
/// of a body of another shape (400 or 422, as the SDK documents for the endpoint).
fn wrapped_list(req: &Request, field: &str, shape: u16) -> Result<Vec<Value>, Refused> {
    let list = match json_body(req) {
        Ok(Value::Object(mut body)) => match body.remove(field) {
            Some(Value::Array(items)) => items,
            _ => return Err(Refused(shape, format!("{field} must be a list"))),
        },
        Ok(_) => return Err(Refused(shape, "the body must be a JSON object".into())),
        Err(message) => return Err(Refused(shape, message)),
    };
    counted(list, MAX_ITEMS, field.trim_end_matches('s')).map_err(|m| Refused(422, m))
}

/// The user ID an item names in `field`, or the issue for it.
fn user_of(item: &Value, index: usize, field: &str) -> Result<String, Value> {
    match item.get(field).and_then(Value::as_str) {
        Some(id) if id.trim().is_empty() => {
            Err(issue_at(index, &format!("{field} must not be empty")))
        }
        Some(id) if id.starts_with(UNKNOWN_USER_PREFIX) => {
            Err(user_issue(id, "error", "User does not exist"))
        }
        Some(id) => Ok(id.to_owned()),
        None => Err(issue_at(index, &format!("{field} must be a string"))),
    }
}

/// `POST /streaks/restore` and `/streaks/reset`: `{users: [{id}]}`; the users done are
/// listed under `result` (`restoredUsers`, `resetUsers`).
pub(super) fn per_user(_: &Ctx, req: &Request, result: &str) -> ResponseTemplate {
    let users = match wrapped_list(req, "users", 400) {
        Ok(users) => users,
        Err(refused) => return refused.respond(),
    };
    let mut done = Vec::new();
    let mut seen = HashSet::new();
    let mut issues = Vec::new();
    for (index, user) in users.iter().enumerate() {
        match user_of(user, index, "id") {
            Ok(id) if !seen.insert(id.clone()) => {
                issues.push(user_issue(&id, "warning", "User listed more than once"));
            }
            Ok(id) => done.push(json!(id)),
            Err(issue) => issues.push(issue),
        }
    }
    let status = if done.is_empty() { 200 } else { 201 };
    let mut body = Fields::new();
    body.insert(result.to_owned(), Value::Array(done));
    body.insert("issues".into(), Value::Array(issues));
    respond(status, &Value::Object(body))
}

/// `POST /streaks/freezes`: one freeze per item, up to the settings' `maxCount` per user.
pub(super) fn create_freezes(ctx: &Ctx, req: &Request) -> ResponseTemplate {
    let freezes = match wrapped_list(req, "freezes", 400) {
        Ok(freezes) => freezes,
        Err(refused) => return refused.respond(),
    };
    let max = {
        let state = ctx.state();
        let freezes = &state.streak_settings["freezes"];
        if freezes.is_null() {
            None
        } else {
            Some(freezes["maxCount"].as_i64().unwrap_or(0))
        }
    };
    let mut given: HashMap<String, i64> = HashMap::new();
    let mut issues = Vec::new();
    let mut created = 0;
    for (index, freeze) in freezes.iter().enumerate() {
        let user = match user_of(freeze, index, "userId") {
            Ok(user) => user,
            Err(issue) => {
                issues.push(issue);
                continue;
            }
        };
        let Some(max) = max else {
            issues.push(user_issue(&user, "error", "Streak freezes are disabled"));
            continue;
        };
        let count = given.entry(user.clone()).or_insert(0);
        if *count >= max {
            issues.push(user_issue(
                &user,
                "warning",
                "Would exceed maximum freeze limit",
            ));
        } else {
            *count += 1;
            created += 1;
        }
    }
    let status = if created == 0 { 200 } else { 201 };
    respond(status, &json!({ "issues": issues }))
}

/// `POST /streaks/pauses`: `{pauses: [{userId, start, end}]}`.
pub(super) fn create_pauses(ctx: &Ctx, req: &Request) -> ResponseTemplate {
    let pauses = match wrapped_list(req, "pauses", 422) {
        Ok(pauses) => pauses,
        Err(refused) => return refused.respond(),
    };
    let today = today();
    let mut state = ctx.state();
    let mut created = Vec::new();
    let mut issues = Vec::new();
    for (index, pause) in pauses.iter().enumerate() {
        let user = match user_of(pause, index, "userId") {
            Ok(user) => user,
            Err(issue) => {
                issues.push(issue);
                continue;
            }
        };
        let date = |field: &str| {
            pause
                .get(field)
                .and_then(Value::as_str)
                .filter(|d| is_date(d))
        };
        let (Some(start), Some(end)) = (date("start"), date("end")) else {
            issues.push(user_issue(
                &user,
                "error",
                "start and end must be YYYY-MM-DD dates",
            ));
            continue;
        };
        if start < today.as_str() {
            issues.push(user_issue(&user, "error", "Start date is in the past"));
        } else if end < start {
            issues.push(user_issue(
                &user,
                "error",
                "End date is before the start date",
            ));
        } else {
            let pause = json!({"id": state.new_id(), "userId": user, "start": start, "end": end,
                               "status": "active"});
            state.pauses.push(pause.clone());
            created.push(pause);
        }
    }
    let status = if created.is_empty() { 200 } else { 201 };
    respond(status, &json!({"created": created, "issues": issues}))
}

/// `DELETE /streaks/pauses?ids=..`.
pub(super) fn delete_pauses(ctx: &Ctx, req: &Request) -> ResponseTemplate {
    match ids(req) {
        Ok(ids) => respond(
            200,
            &delete_from(&mut ctx.state().pauses, ids, "Streak pause"),
        ),
        Err(message) => error(422, &message),
    }
}

/// `POST /application-api-keys`: `[{userId}]`, one key each.
pub(super) fn create_keys(ctx: &Ctx, req: &Request) -> ResponseTemplate {
    let items = match item_list(req) {
        Ok(items) => items,
        Err(refused) => return refused.respond(),
    };
    let mut state = ctx.state();
    let mut created = Vec::new();
    let mut issues = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let user = match user_of(item, index, "userId") {
            Ok(user) => user,
            Err(issue) => {
                issues.push(issue);
                continue;
            }
        };
        let id = state.new_id();
        let prefix = format!("app_{:05x}", state.next_id);
        let key = json!({"id": id, "userId": user, "key": format!("{prefix}.mock_secret_{}", state.next_id),
                         "prefix": prefix});
        state
            .application_keys
            .push(json!({"id": id, "userId": user, "prefix": prefix}));
        created.push(key);
    }
    let status = if created.is_empty() { 200 } else { 201 };
    respond(status, &json!({"created": created, "issues": issues}))
}

/// `DELETE /application-api-keys?ids=..`.
pub(super) fn delete_keys(ctx: &Ctx, req: &Request) -> ResponseTemplate {
    match ids(req) {
        Ok(ids) => respond(
            200,
            &delete_from(
                &mut ctx.state().application_keys,
                ids,
                "Application API key",
            ),
        ),
        Err(message) => error(422, &message),
    }
}

/// The object body of a settings update, or the 422.
fn object_body(req: &Request) -> Result<Fields, Refused> {
    match json_body(req) {
        Ok(Value::Object(body)) => Ok(body),
        Ok(_) => Err(Refused(422, "the body must be a JSON object".into())),
        Err(message) => Err(Refused(422, message)),
    }
}

fn enum_value(value: &Value, field: &str, allowed: &[&str]) -> Result<(), String> {
    match value.as_str() {
        Some(v) if allowed.contains(&v) => Ok(()),
        _ => Err(format!("{field} must be one of {}", allowed.join(", "))),
    }
}

/// Merges `update` into `target` (both objects), checking each field with `check`.
fn merge(
    target: &mut Value,
    update: &Value,
    what: &str,
    check: impl Fn(&str, &Value) -> Result<(), String>,
) -> Result<(), String> {
    let Some(update) = update.as_object() else {
        return Err(format!("{what} must be an object"));
    };
    for (field, value) in update {
        check(field, value).map_err(|m| format!("{what}.{m}"))?;
        target[field.as_str()] = value.clone();
    }
    Ok(())
}

const FONTS: [&str; 9] = [
    "MODERN_SANS",
    "BOOK_SANS",
    "ORGANIC_SANS",
    "GEOMETRIC_SANS",
    "HEAVY_SANS",
    "ROUNDED_SANS",
    "MODERN_SERIF",
    "BOOK_SERIF",
    "MONOSPACE",
];

fn check_branding(field: &str, value: &Value) -> Result<(), String> {
    match field {
        "appName" | "appUrl" | "brandColor" => check_field(field, value),
        "font" => enum_value(value, field, &FONTS),
        "logo" | "appIcon" if value.is_null() => Ok(()),
        "logo" | "appIcon" => check_field(field, value),
        other => Err(format!("{other} is not a branding setting")),
    }
}

fn check_experimentation(field: &str, value: &Value) -> Result<(), String> {
    match field {
        "controlRatio" | "userActivationWindow" => check_field(field, value),
        other => Err(format!("{other} is not an experimentation setting")),
    }
}

/// `PATCH /settings`.
pub(super) fn update_settings(ctx: &Ctx, req: &Request) -> ResponseTemplate {
    let body = match object_body(req) {
        Ok(body) => body,
        Err(refused) => return refused.respond(),
    };
    let mut state = ctx.state();
    let mut settings = state.settings.clone();
    let mut apply = || -> Result<(), String> {
        for (field, value) in &body {
            match field.as_str() {
                "branding" => merge(&mut settings["branding"], value, field, check_branding)?,
                "experimentation" => merge(
                    &mut settings["experimentation"],
                    value,
                    field,
                    check_experimentation,
                )?,
                "aggregationPeriod" => {
                    enum_value(value, field, &["weekly", "monthly"])?;
                    settings[field.as_str()] = value.clone();
                }
                other => return Err(format!("{other} is not a setting")),
            }
        }
        Ok(())
    };
    match apply() {
        Ok(()) => {
            state.settings = settings.clone();
            respond(200, &settings)
        }
        Err(message) => error(422, &message),
    }
}

fn check_freezes(value: &Value) -> Result<(), String> {
    if value.is_null() {
        return Ok(());
    }
    let Some(freezes) = value.as_object() else {
        return Err("freezes must be an object or null".into());
    };
    for field in ["startCount", "maxCount"] {
        match freezes.get(field) {
            Some(v) => check_field(field, v).map_err(|m| format!("freezes.{m}"))?,
            None => return Err(format!("freezes.{field} is required")),
        }
    }
    let interval = freezes.get("autoEarnInterval").filter(|v| !v.is_null());
    let amount = freezes.get("autoEarnAmount").filter(|v| !v.is_null());
    if interval.is_some() != amount.is_some() {
        return Err("freezes: autoEarnInterval and autoEarnAmount go together".into());
    }
    for (field, v) in [("autoEarnInterval", interval), ("autoEarnAmount", amount)] {
        if let Some(v) = v {
            check_field(field, v).map_err(|m| format!("freezes.{m}"))?;
        }
    }
    Ok(())
}

fn check_streak_setting(field: &str, value: &Value) -> Result<(), String> {
    match field {
        "frequency" => enum_value(value, field, &["daily", "weekly", "monthly"]),
        "evaluationMode" => enum_value(value, field, &["OR", "AND"]),
        "customizationEnabled" => check_field(field, value),
        "daysOff" => {
            let ok = value.as_array().is_some_and(|days| {
                days.iter()
                    .all(|d| d.as_i64().is_some_and(|d| (0..=6).contains(&d)))
            });
            ok.then_some(())
                .ok_or_else(|| "daysOff must be a list of days from 0 to 6".into())
        }
        "metrics" => {
            let ok = value.as_array().is_some_and(|metrics| {
                metrics.iter().all(|m| {
                    m.get("key").is_some_and(Value::is_string)
                        && m.get("threshold").is_some_and(Value::is_i64)
                })
            });
            ok.then_some(())
                .ok_or_else(|| "metrics must be a list of {key, threshold}".into())
        }
        "freezes" => check_freezes(value),
        other => Err(format!("{other} is not a streak setting")),
    }
}

/// `PATCH /streaks/settings`.
pub(super) fn update_streak_settings(ctx: &Ctx, req: &Request) -> ResponseTemplate {
    let body = match object_body(req) {
        Ok(body) => body,
        Err(refused) => return refused.respond(),
    };
    if let Some(message) = body
        .iter()
        .find_map(|(field, value)| check_streak_setting(field, value).err())
    {
        return error(422, &message);
    }
    let mut state = ctx.state();
    let mut settings = state.streak_settings.clone();
    for (field, value) in &body {
        settings[field.as_str()] = value.clone();
    }
    // Days off exist only for daily streaks: another frequency clears them.
    if settings["frequency"] != json!("daily") {
        if body
            .get("daysOff")
            .and_then(Value::as_array)
            .is_some_and(|d| !d.is_empty())
        {
            return error(422, "daysOff is only allowed for daily streaks");
        }
        settings["daysOff"] = json!([]);
    }
    if let Some(metrics) = body.get("metrics").and_then(Value::as_array) {
        let mut keys = HashSet::new();
        for key in metrics.iter().filter_map(|m| m["key"].as_str()) {
            if !keys.insert(key) {
                return error(422, &format!("metric {key} is listed twice"));
            }
            if !state.metrics.iter().any(|m| m["key"] == json!(key)) {
                return error(422, &format!("metric {key} does not exist"));
            }
        }
    }
    state.streak_settings = settings.clone();
    respond(200, &settings)
}
