//! The Trophy mock API: all 27 operations of Trophy's application API under `/v1`.
//!
//! - Credentials: `X-API-KEY` must be [`DEMO_API_KEY`]; otherwise 401 `{"error": ...}`.
//! - Answers come from `fixtures/trophy/responses/`: the spec's examples completed to the shape
//!   of today's API (every field the official SDK 1.27.0 requires, such as `userAttributes`,
//!   `breakdownAttributes`, a points trigger's `status`/`created`/`updated`), so that the
//!   official SDK parses every answer (`scripts/sdk-compat`). They are adapted to the request
//!   where that makes the mock useful: user calls echo the user ID and the fields sent, metric events
//!   answer 201 the first time an `Idempotency-Key` is seen and 202 (a replay) after, with
//!   a `total` that continues the demo metric (1500 plus the value sent),
//!   `includeIncomplete=true` adds open achievements, `GET /streaks` answers one entry per
//!   requested ID, and leaderboard rankings honour `offset`, `limit` and `userId`.
//! - Request shapes are checked: bodies of POST/PUT/PATCH must be the JSON Trophy expects
//!   (`user.id`, a numeric `value`, string attributes, channel lists...), required query
//!   parameters must be present and well formed; otherwise 400 `{"error": ...}`.
//!
//! ```
//! use questkit_mock::trophy::{TrophyMock, DEMO_API_KEY};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let mock = TrophyMock::start().await;
//! assert!(mock.uri().ends_with("/v1"));
//! assert!(!DEMO_API_KEY.is_empty());
//! # }
//! ```

use std::collections::HashSet;
use std::ops::Deref;
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value, json};
use wiremock::{MockServer, Request, ResponseTemplate};

use crate::api::{ApiSpec, MockApi};
pub use crate::trophy_admin::DEMO_ADMIN_API_KEY;

/// The API key the mock accepts in `X-API-KEY` (the application API also accepts
/// [`DEMO_ADMIN_API_KEY`], as Trophy accepts admin keys there).
pub const DEMO_API_KEY: &str = "trophy_demo_key";

/// Every operation the mock serves: method and path template (relative to `/v1`).
pub const OPERATIONS: [(&str, &str); 27] = [
    ("GET", "/achievements"),
    ("POST", "/achievements/{key}/complete"),
    ("POST", "/metrics/{key}/event"),
    ("POST", "/users"),
    ("GET", "/users/{id}"),
    ("PUT", "/users/{id}"),
    ("PATCH", "/users/{id}"),
    ("GET", "/users/{id}/preferences"),
    ("PATCH", "/users/{id}/preferences"),
    ("GET", "/users/{id}/metrics"),
    ("GET", "/users/{id}/metrics/{key}"),
    ("GET", "/users/{id}/metrics/{key}/event-summary"),
    ("GET", "/users/{id}/achievements"),
    ("GET", "/users/{id}/streak"),
    ("GET", "/streaks"),
    ("GET", "/users/{id}/points/{key}"),
    ("GET", "/users/{id}/points/{key}/boosts"),
    ("GET", "/users/{id}/points/{key}/event-summary"),
    ("GET", "/users/{id}/leaderboards/{key}"),
    ("GET", "/users/{id}/wrapped"),
    ("GET", "/points/{key}/summary"),
    ("GET", "/points/{key}"),
    ("GET", "/points/{key}/boosts"),
    ("GET", "/points/{key}/levels"),
    ("GET", "/points/{key}/level-summary"),
    ("GET", "/leaderboards"),
    ("GET", "/leaderboards/{key}"),
];

macro_rules! fixture {
    ($path:literal) => {
        include_str!(concat!("../fixtures/trophy/", $path))
    };
}

const UNAUTHORIZED: &str = fixture!("errors/401.json");
const SINGLE_METRIC: &str = fixture!("responses/users_single_metric.json");
const USER_ACHIEVEMENTS: &str = fixture!("responses/users_achievements.json");
const INCOMPLETE_ACHIEVEMENTS: &str = fixture!("responses/users_achievements_incomplete.json");
const ACHIEVEMENTS_ALL: &str = fixture!("responses/achievements_all.json");
const ACHIEVEMENT_COMPLETE: &str = fixture!("responses/achievements_complete.json");
const METRIC_EVENT: &str = fixture!("responses/metrics_event.json");
const USER: &str = fixture!("responses/users_get_full.json");
const PREFERENCES: &str = fixture!("responses/users_get_preferences.json");
const ALL_METRICS: &str = fixture!("responses/users_all_metrics.json");
const METRIC_EVENT_SUMMARY: &str = fixture!("responses/users_metric_event_summary.json");
const STREAK: &str = fixture!("responses/users_streak.json");
const STREAKS_LIST: &str = fixture!("responses/streaks_list.json");
const USER_POINTS: &str = fixture!("responses/users_points.json");
const USER_POINTS_BOOSTS: &str = fixture!("responses/users_points_boosts.json");
const POINTS_EVENT_SUMMARY: &str = fixture!("responses/users_points_event_summary.json");
const USER_LEADERBOARD: &str = fixture!("responses/users_leaderboard.json");
const WRAPPED: &str = fixture!("responses/users_wrapped.json");
const POINTS_SUMMARY: &str = fixture!("responses/points_summary.json");
const POINTS_SYSTEM: &str = fixture!("responses/points_system.json");
const POINTS_BOOSTS: &str = fixture!("responses/points_boosts.json");
const POINTS_LEVELS: &str = fixture!("responses/points_levels.json");
const POINTS_LEVEL_SUMMARY: &str = fixture!("responses/points_level_summary.json");
const LEADERBOARDS_ALL: &str = fixture!("responses/leaderboards_all.json");
const LEADERBOARD: &str = fixture!("responses/leaderboards_get.json");

/// A running Trophy mock. Derefs to [`MockApi`] for faults and received requests; the admin
/// API is [`TrophyMock::admin`].
#[derive(Clone, Debug)]
pub struct TrophyMock {
    api: MockApi,
    pub(crate) admin: crate::trophy_admin::TrophyAdminMock,
    pub(crate) traffic: crate::trophy_traffic::Traffic,
}

impl Deref for TrophyMock {
    type Target = MockApi;
    fn deref(&self) -> &MockApi {
        &self.api
    }
}

impl TrophyMock {
    /// Starts the mock on its own server on `127.0.0.1`.
    pub async fn start() -> Self {
        TrophyMock::on_server(Arc::new(MockServer::start().await), "").await
    }

    /// Serves the mock on a shared server under `mount_prefix` (`/trophy`).
    pub async fn on_server(server: Arc<MockServer>, mount_prefix: &str) -> Self {
        let spec = ApiSpec::new("trophy", "/v1")
            .auth_check(|req: &Request| {
                let key = req.headers.get("x-api-key").and_then(|v| v.to_str().ok());
                key == Some(DEMO_API_KEY) || key == Some(DEMO_ADMIN_API_KEY)
            })
            .unauthorized(401, UNAUTHORIZED)
            .not_found(404, r#"{"error":"Not found"}"#);
        let traffic = crate::trophy_traffic::Traffic::default();
        let admin = crate::trophy_admin::TrophyAdminMock::on_server(
            server.clone(),
            mount_prefix,
            traffic.clone(),
        )
        .await;
        let api = MockApi::on_server(server, mount_prefix, spec).await;
        traffic.mount(&api, false).await;
        traffic.mount(&admin, true).await;
        let seen_keys: Arc<Mutex<HashSet<String>>> = Arc::default();

        let fixed: [(&str, &str, &'static str); 14] = [
            ("GET", "/achievements", ACHIEVEMENTS_ALL),
            ("GET", "/users/{id}/preferences", PREFERENCES),
            ("GET", "/users/{id}/metrics", ALL_METRICS),
            ("GET", "/users/{id}/metrics/{key}", SINGLE_METRIC),
            ("GET", "/users/{id}/points/{key}/boosts", USER_POINTS_BOOSTS),
            ("GET", "/points/{key}/summary", POINTS_SUMMARY),
            ("GET", "/points/{key}", POINTS_SYSTEM),
            ("GET", "/points/{key}/levels", POINTS_LEVELS),
            ("GET", "/points/{key}/level-summary", POINTS_LEVEL_SUMMARY),
            ("GET", "/leaderboards", LEADERBOARDS_ALL),
            ("GET", "/users/{id}/streak", STREAK),
            ("GET", "/users/{id}/points/{key}", USER_POINTS),
            ("GET", "/users/{id}/leaderboards/{key}", USER_LEADERBOARD),
            ("GET", "/users/{id}/wrapped", WRAPPED),
        ];
        for (method, template, body) in fixed {
            let checks = query_checks(template);
            api.mount(
                api.route(method, template)
                    .respond_with(move |req: &Request| match checks(req) {
                        Err(message) => bad_request(&message),
                        Ok(()) => crate::api::json(200, body),
                    }),
            )
            .await;
        }

        let prefix = api.prefix().to_owned();
        let p = prefix.clone();
        api.mount(
            api.route("POST", "/achievements/{key}/complete")
                .respond_with(move |req: &Request| {
                    let body = match json_object(req) {
                        Ok(body) => body,
                        Err(message) => return bad_request(&message),
                    };
                    if let Err(message) = check_upserted_user(body.get("user"), "user") {
                        return bad_request(&message);
                    }
                    let mut out = parse(ACHIEVEMENT_COMPLETE);
                    if let Some(key) = path_params(req, &p).get(1) {
                        out["achievement"]["key"] = json!(key);
                    }
                    respond(201, &out)
                }),
        )
        .await;

        let keys = seen_keys.clone();
        let events = traffic.clone();
        api.mount(
            api.route("POST", "/metrics/{key}/event")
                .respond_with(move |req: &Request| {
                    let body = match json_object(req) {
                        Ok(body) => body,
                        Err(message) => return bad_request(&message),
                    };
                    if let Err(message) = check_metric_event(&body) {
                        return bad_request(&message);
                    }
                    let key = header(req, "idempotency-key");
                    let replay = match &key {
                        Some(key) => match keys.lock() {
                            Ok(mut seen) => !seen.insert(key.clone()),
                            Err(_) => false,
                        },
                        None => false,
                    };
                    let mut out = parse(METRIC_EVENT);
                    // The new total continues the demo metric, so examples add up.
                    let value = body.get("value").and_then(Value::as_f64).unwrap_or(0.0);
                    let before = parse(SINGLE_METRIC)["current"].as_f64().unwrap_or(0.0);
                    out["total"] = json!(before + value);
                    let delay = events.record_events([key.as_deref()]);
                    if let Some(key) = key {
                        out["idempotencyKey"] = json!(key);
                        out["idempotentReplayed"] = json!(replay);
                    }
                    let answer = respond(if replay { 202 } else { 201 }, &out);
                    match delay {
                        Some(delay) => answer.set_delay(delay),
                        None => answer,
                    }
                }),
        )
        .await;

        api.mount(
            api.route("POST", "/users")
                .respond_with(move |req: &Request| {
                    let body = match json_object(req) {
                        Ok(body) => body,
                        Err(message) => return bad_request(&message),
                    };
                    if let Err(message) =
                        check_upserted_user(Some(&Value::Object(body.clone())), "body")
                    {
                        return bad_request(&message);
                    }
                    let mut user = parse(USER);
                    apply_user_fields(&mut user, &body);
                    respond(201, &user)
                }),
        )
        .await;

        let p = prefix.clone();
        api.mount(
            api.route("GET", "/users/{id}")
                .respond_with(move |req: &Request| {
                    let mut user = parse(USER);
                    if let Some(id) = path_params(req, &p).get(1) {
                        user["id"] = json!(id);
                    }
                    respond(200, &user)
                }),
        )
        .await;

        for method in ["PUT", "PATCH"] {
            let p = prefix.clone();
            api.mount(
                api.route(method, "/users/{id}")
                    .respond_with(move |req: &Request| {
                        let body = match json_object(req) {
                            Ok(body) => body,
                            Err(message) => return bad_request(&message),
                        };
                        if let Err(message) = check_user_fields(&body, "body") {
                            return bad_request(&message);
                        }
                        let mut user = parse(USER);
                        if let Some(id) = path_params(req, &p).get(1) {
                            user["id"] = json!(id);
                        }
                        apply_user_fields(&mut user, &body);
                        respond(200, &user)
                    }),
            )
            .await;
        }

        api.mount(
            api.route("PATCH", "/users/{id}/preferences")
                .respond_with(|req: &Request| {
                    let body = match json_object(req) {
                        Ok(body) => body,
                        Err(message) => return bad_request(&message),
                    };
                    match updated_preferences(&body) {
                        Ok(prefs) => respond(200, &prefs),
                        Err(message) => bad_request(&message),
                    }
                }),
        )
        .await;

        for (template, body) in [
            (
                "/users/{id}/metrics/{key}/event-summary",
                METRIC_EVENT_SUMMARY,
            ),
            (
                "/users/{id}/points/{key}/event-summary",
                POINTS_EVENT_SUMMARY,
            ),
        ] {
            api.mount(
                api.route("GET", template)
                    .respond_with(move |req: &Request| match check_summary_query(req) {
                        Ok(()) => crate::api::json(200, body),
                        Err(message) => bad_request(&message),
                    }),
            )
            .await;
        }

        api.mount(
            api.route("GET", "/users/{id}/achievements")
                .respond_with(|req: &Request| {
                    let mut list = parse(USER_ACHIEVEMENTS);
                    if query(req, "includeIncomplete").as_deref() == Some("true") {
                        if let (Value::Array(items), Value::Array(open)) =
                            (&mut list, parse(INCOMPLETE_ACHIEVEMENTS))
                        {
                            items.extend(open);
                        }
                    }
                    respond(200, &list)
                }),
        )
        .await;

        api.mount(api.route("GET", "/streaks").respond_with(|req: &Request| {
            let ids = query_all(req, "userIds");
            if ids.is_empty() {
                return bad_request("userIds is required");
            }
            let known = parse(STREAKS_LIST);
            let entries: Vec<Value> = ids
                .iter()
                .map(|id| {
                    known
                        .as_array()
                        .and_then(|list| list.iter().find(|e| e["userId"] == json!(id)))
                        .cloned()
                        .unwrap_or_else(
                            || json!({"userId": id, "streakLength": 0, "extended": null}),
                        )
                })
                .collect();
            respond(200, &Value::Array(entries))
        }))
        .await;

        api.mount(
            api.route("GET", "/points/{key}/boosts")
                .respond_with(
                    |req: &Request| match query(req, "includeFinished").as_deref() {
                        None | Some("true") | Some("false") => crate::api::json(200, POINTS_BOOSTS),
                        Some(other) => {
                            bad_request(&format!("includeFinished must be a boolean, got {other}"))
                        }
                    },
                ),
        )
        .await;

        api.mount(
            api.route("GET", "/leaderboards/{key}")
                .respond_with(|req: &Request| match leaderboard_page(req) {
                    Ok(board) => respond(200, &board),
                    Err(message) => bad_request(&message),
                }),
        )
        .await;

        TrophyMock {
            api,
            admin,
            traffic,
        }
    }

    /// The base URL to give a client (`http://127.0.0.1:PORT/v1`).
    pub fn uri(&self) -> String {
        self.api.uri()
    }
}

fn parse(fixture: &str) -> Value {
    serde_json::from_str(fixture).unwrap_or(Value::Null)
}

fn respond(status: u16, body: &Value) -> ResponseTemplate {
    crate::api::json(status, &body.to_string())
}

fn bad_request(message: &str) -> ResponseTemplate {
    respond(400, &json!({ "error": message }))
}

fn header(req: &Request, name: &str) -> Option<String> {
    req.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn query(req: &Request, key: &str) -> Option<String> {
    req.url
        .query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

fn query_all(req: &Request, key: &str) -> Vec<String> {
    req.url
        .query_pairs()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
        .collect()
}

/// The decoded path segments after the API prefix (`["users", "a/../b?x#", "metrics", ...]`).
fn path_params(req: &Request, prefix: &str) -> Vec<String> {
    let path = req.url.path();
    let rest = path.strip_prefix(prefix).unwrap_or(path);
    rest.trim_start_matches('/')
        .split('/')
        .map(percent_decode)
        .collect()
}

fn percent_decode(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8_lossy()
        .into_owned()
}

fn json_object(req: &Request) -> Result<Map<String, Value>, String> {
    let is_json = header(req, "content-type").is_some_and(|c| c.starts_with("application/json"));
    if !is_json {
        return Err("the body must be JSON (Content-Type: application/json)".into());
    }
    match serde_json::from_slice::<Value>(&req.body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("the body must be a JSON object".into()),
        Err(err) => Err(format!("the body is not valid JSON: {err}")),
    }
}

fn check_string_map(value: &Value, what: &str) -> Result<(), String> {
    match value {
        Value::Object(map) if map.values().all(Value::is_string) => Ok(()),
        _ => Err(format!("{what} must be an object of strings")),
    }
}

/// The optional profile fields of `UpdatedUser`.
fn check_user_fields(user: &Map<String, Value>, what: &str) -> Result<(), String> {
    for field in ["email", "name", "signUpDate"] {
        if let Some(v) = user.get(field) {
            if !v.is_string() {
                return Err(format!("{what}.{field} must be a string"));
            }
        }
    }
    if let Some(v) = user.get("tz") {
        if !(v.is_string() || v.is_null()) {
            return Err(format!("{what}.tz must be a string or null"));
        }
    }
    if let Some(v) = user.get("deviceTokens") {
        let ok = v.is_null() || v.as_array().is_some_and(|a| a.iter().all(Value::is_string));
        if !ok {
            return Err(format!(
                "{what}.deviceTokens must be a list of strings or null"
            ));
        }
    }
    if let Some(v) = user.get("subscribeToEmails") {
        if !v.is_boolean() {
            return Err(format!("{what}.subscribeToEmails must be a boolean"));
        }
    }
    if let Some(v) = user.get("attributes") {
        check_string_map(v, &format!("{what}.attributes"))?;
    }
    Ok(())
}

/// An `UpsertedUser`: a non-empty string `id` and valid profile fields.
fn check_upserted_user(user: Option<&Value>, what: &str) -> Result<(), String> {
    let Some(Value::Object(user)) = user else {
        return Err(format!("{what} must be a user object"));
    };
    match user.get("id") {
        Some(Value::String(id)) if !id.trim().is_empty() => {}
        _ => return Err(format!("{what}.id must be a non-empty string")),
    }
    check_user_fields(user, what)
}

fn check_metric_event(body: &Map<String, Value>) -> Result<(), String> {
    check_upserted_user(body.get("user"), "user")?;
    if !body.get("value").is_some_and(Value::is_number) {
        return Err("value must be a number".into());
    }
    if let Some(attributes) = body.get("attributes") {
        check_string_map(attributes, "attributes")?;
    }
    Ok(())
}

fn apply_user_fields(user: &mut Value, body: &Map<String, Value>) {
    for (key, value) in body {
        user[key.as_str()] = match (key.as_str(), value) {
            ("deviceTokens", Value::Null) => json!([]),
            _ => value.clone(),
        };
    }
}

fn updated_preferences(body: &Map<String, Value>) -> Result<Value, String> {
    let mut prefs = parse(PREFERENCES);
    if let Some(notifications) = body.get("notifications") {
        let Value::Object(map) = notifications else {
            return Err("notifications must be an object".into());
        };
        for (kind, channels) in map {
            let known = [
                "achievement_completed",
                "recap",
                "reactivation",
                "streak_reminder",
            ];
            if !known.contains(&kind.as_str()) {
                return Err(format!("unknown notification type {kind}"));
            }
            let ok = channels.as_array().is_some_and(|list| {
                list.iter()
                    .all(|c| c.as_str().is_some_and(|c| c == "email" || c == "push"))
            });
            if !ok {
                return Err(format!(
                    "notifications.{kind} must be a list of \"email\"/\"push\""
                ));
            }
            prefs["notifications"][kind.as_str()] = channels.clone();
        }
    }
    if let Some(streak) = body.get("streak") {
        if !streak.is_object() {
            return Err("streak must be an object".into());
        }
        prefs["streak"] = streak.clone();
    }
    Ok(prefs)
}

fn is_date(raw: &str) -> bool {
    let parts: Vec<&str> = raw.split('-').collect();
    parts.len() == 3
        && [4, 2, 2]
            .iter()
            .zip(&parts)
            .all(|(len, p)| p.len() == *len && p.bytes().all(|b| b.is_ascii_digit()))
}

fn check_summary_query(req: &Request) -> Result<(), String> {
    match query(req, "aggregation").as_deref() {
        Some("daily" | "weekly" | "monthly") => {}
        Some(other) => {
            return Err(format!(
                "aggregation must be daily, weekly or monthly, got {other}"
            ));
        }
        None => return Err("aggregation is required".into()),
    }
    for key in ["startDate", "endDate"] {
        match query(req, key) {
            Some(date) if is_date(&date) => {}
            Some(date) => return Err(format!("{key} must be YYYY-MM-DD, got {date}")),
            None => return Err(format!("{key} is required")),
        }
    }
    Ok(())
}

fn int_in(req: &Request, key: &str, min: i64, max: i64) -> Result<Option<i64>, String> {
    match query(req, key) {
        None => Ok(None),
        Some(raw) => match raw.parse::<i64>() {
            Ok(v) if (min..=max).contains(&v) => Ok(Some(v)),
            _ => Err(format!(
                "{key} must be an integer from {min} to {max}, got {raw}"
            )),
        },
    }
}

/// The query checks of the endpoints served straight from a fixture.
fn query_checks(template: &str) -> fn(&Request) -> Result<(), String> {
    match template {
        "/users/{id}/streak" => |req| int_in(req, "historyPeriods", 0, i64::MAX).map(drop),
        "/users/{id}/points/{key}" => |req| int_in(req, "awards", 1, 100).map(drop),
        "/users/{id}/leaderboards/{key}" => |req| {
            int_in(req, "numEvents", 0, 100)?;
            match query(req, "run") {
                Some(run) if !is_date(&run) => Err(format!("run must be YYYY-MM-DD, got {run}")),
                _ => Ok(()),
            }
        },
        "/users/{id}/wrapped" => |req| int_in(req, "year", 1, 9999).map(drop),
        _ => |_| Ok(()),
    }
}

/// One page of the leaderboard fixture's rankings, by `offset`, `limit` and `userId`.
fn leaderboard_page(req: &Request) -> Result<Value, String> {
    let offset = int_in(req, "offset", 0, i64::MAX)?.unwrap_or(0) as usize;
    let limit = int_in(req, "limit", 0, i64::MAX)?.unwrap_or(10) as usize;
    if let Some(run) = query(req, "run") {
        if !is_date(&run) {
            return Err(format!("run must be YYYY-MM-DD, got {run}"));
        }
    }
    let mut board = parse(LEADERBOARD);
    let rankings: Vec<Value> = board["rankings"].as_array().cloned().unwrap_or_default();
    let start = match query(req, "userId") {
        Some(user) => rankings
            .iter()
            .position(|r| r["userId"] == json!(user))
            .map(|at| at + offset),
        None => Some(offset),
    };
    let page: Vec<Value> = match start {
        Some(start) => rankings.into_iter().skip(start).take(limit).collect(),
        None => Vec::new(),
    };
    board["rankings"] = Value::Array(page);
    Ok(board)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures_parse() {
        for fixture in [
            SINGLE_METRIC,
            USER_ACHIEVEMENTS,
            INCOMPLETE_ACHIEVEMENTS,
            METRIC_EVENT,
            USER,
            LEADERBOARD,
        ] {
            assert!(!parse(fixture).is_null());
        }
    }

    #[test]
    fn decoding_and_dates() {
        assert_eq!(percent_decode("a%2F..%2Fb%3Fx%23"), "a/../b?x#");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
        assert!(is_date("2024-01-31"));
        assert!(!is_date("2024-1-31"));
        assert!(!is_date("yesterday"));
    }
}
