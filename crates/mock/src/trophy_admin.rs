//! The Trophy admin mock: Trophy's admin API under `{prefix}/admin/v1`, beside the
//! application API of [`crate::trophy::TrophyMock`] on the same server.
//!
//! - Credentials: `X-API-KEY` must be [`DEMO_ADMIN_API_KEY`] (the application demo key gets
//!   401 here; the admin key is accepted by the application API too, as Trophy's are).
//! - State: an in-memory store per resource, seeded from `fixtures/trophy/admin/`: lists page
//!   with `limit` (1 to 100, default 10) and `skip`, gets answer 404 for unknown IDs, bulk
//!   writes change the store and answer partial success: items failing the mock's checks (a
//!   key already in use, a missing field, an unknown ID) come back as `issues`, never as an
//!   error of the whole request.
//! - Request shapes: a body that is not the JSON Trophy expects, an empty list or one over
//!   100 items (1,000 events), a delete without `ids`, a bad `limit` answer 422
//!   `{"error": ...}` (400 for the endpoints whose SDK documents it, such as batch events);
//!   `ids` may be repeated or comma-separated.
//! - Batch events (`POST /metrics/events`) answer 202 `{"accepted": n}` when every event is
//!   well formed and names a known metric (404 otherwise), and record every event's
//!   idempotency key: [`TrophyAdminMock::batch_stats`] counts unique keys and duplicates, so a
//!   test can prove that no event was lost or counted twice.

use std::collections::HashSet;
use std::ops::Deref;
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{Map, Value, json};
use wiremock::{MockServer, Request, ResponseTemplate};

use crate::api::{ApiSpec, MockApi};

/// The admin API key the mock accepts (on the admin API and on the application API).
pub const DEMO_ADMIN_API_KEY: &str = "trophy_admin_demo_key";

/// The base path of the admin API under the Trophy mock's prefix.
pub const BASE_PATH: &str = "/admin/v1";

/// The most items a bulk request takes.
const MAX_ITEMS: usize = 100;
/// The most events a batch takes.
const MAX_EVENTS: usize = 1000;

/// Every admin operation the mock serves: method and path template (relative to
/// `/admin/v1`).
pub const OPERATIONS: [(&str, &str); 6] = [
    ("GET", "/metrics"),
    ("POST", "/metrics"),
    ("PATCH", "/metrics"),
    ("DELETE", "/metrics"),
    ("GET", "/metrics/{id}"),
    ("POST", "/metrics/events"),
];

macro_rules! fixture {
    ($path:literal) => {
        include_str!(concat!("../fixtures/trophy/admin/", $path))
    };
}

const UNAUTHORIZED: &str = fixture!("errors/401.json");
const SEED_METRICS: &str = fixture!("responses/metrics_list.json");

/// What the mock saw of batch events ([`TrophyAdminMock::batch_stats`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct BatchStats {
    /// Batches answered 202.
    pub batches: u64,
    /// Events in those batches.
    pub events: u64,
    /// Distinct idempotency keys seen.
    pub unique_keys: u64,
    /// Events whose key had been seen before (Trophy would ignore them: not counted twice).
    pub duplicates: u64,
    /// Events sent without an idempotency key (nothing protects them from a replay).
    pub without_key: u64,
}

/// The store behind the mock.
#[derive(Default)]
struct State {
    metrics: Vec<Value>,
    event_keys: HashSet<String>,
    event_key_order: Vec<String>,
    batch: BatchStats,
    next_id: u64,
}

impl State {
    fn seeded() -> State {
        State {
            metrics: seed(SEED_METRICS),
            ..State::default()
        }
    }

    /// A fresh UUID-shaped ID, distinct from the seeds' IDs.
    fn new_id(&mut self) -> String {
        self.next_id += 1;
        format!("9d1e0000-0000-4000-8000-{:012x}", self.next_id)
    }
}

fn seed(fixture: &str) -> Vec<Value> {
    match serde_json::from_str(fixture) {
        Ok(Value::Array(items)) => items,
        _ => Vec::new(),
    }
}

/// The shared state and where the API is mounted, handed to every handler.
#[derive(Clone)]
struct Ctx {
    state: Arc<Mutex<State>>,
    prefix: String,
}

impl Ctx {
    fn state(&self) -> MutexGuard<'_, State> {
        // A handler that panicked mid-change leaves the store as it was: keep serving.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The decoded path segments after the API prefix.
    fn segments(&self, req: &Request) -> Vec<String> {
        let path = req.url.path();
        let rest = path.strip_prefix(self.prefix.as_str()).unwrap_or(path);
        rest.trim_start_matches('/')
            .split('/')
            .map(|s| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8_lossy()
                    .into_owned()
            })
            .collect()
    }

    /// The path segment at `index` (`["points", "{id}", "boosts"]`: index 1 is the system).
    fn segment(&self, req: &Request, index: usize) -> String {
        self.segments(req)
            .into_iter()
            .nth(index)
            .unwrap_or_default()
    }
}

/// The Trophy admin mock, served beside the application mock. Derefs to [`MockApi`] for
/// faults and the requests received.
#[derive(Clone)]
pub struct TrophyAdminMock {
    api: MockApi,
    ctx: Ctx,
}

impl std::fmt::Debug for TrophyAdminMock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrophyAdminMock")
            .field("uri", &self.api.uri())
            .finish_non_exhaustive()
    }
}

impl Deref for TrophyAdminMock {
    type Target = MockApi;
    fn deref(&self) -> &MockApi {
        &self.api
    }
}

impl TrophyAdminMock {
    /// Serves the admin API on `server` under `mount_prefix` + `/admin/v1`.
    pub(crate) async fn on_server(server: Arc<MockServer>, mount_prefix: &str) -> Self {
        let spec = ApiSpec::new("trophy-admin", BASE_PATH)
            .api_key_header("x-api-key", DEMO_ADMIN_API_KEY)
            .unauthorized(401, UNAUTHORIZED)
            .not_found(404, r#"{"error":"Not found"}"#);
        let api = MockApi::on_server(server, mount_prefix, spec).await;
        let ctx = Ctx {
            state: Arc::new(Mutex::new(State::seeded())),
            prefix: api.prefix().to_owned(),
        };
        let routes: [(&str, &str, Handler); 6] = [
            ("GET", "/metrics", |c, r| list(c, r, |s| &s.metrics)),
            ("POST", "/metrics", |c, r| create(c, r, &METRIC)),
            ("PATCH", "/metrics", |c, r| update(c, r, &METRIC)),
            ("DELETE", "/metrics", |c, r| remove(c, r, &METRIC)),
            ("GET", "/metrics/{id}", |c, r| get(c, r, 1, &METRIC)),
            ("POST", "/metrics/events", batch_events),
        ];
        for (method, template, handler) in routes {
            let ctx = ctx.clone();
            api.mount(
                api.route(method, template)
                    .respond_with(move |req: &Request| handler(&ctx, req)),
            )
            .await;
        }
        TrophyAdminMock { api, ctx }
    }

    /// The admin base URL to give a client (`http://127.0.0.1:PORT/admin/v1`).
    pub fn uri(&self) -> String {
        self.api.uri()
    }

    /// Counters of the batch events received.
    pub fn batch_stats(&self) -> BatchStats {
        self.ctx.state().batch
    }

    /// Every distinct idempotency key of the batch events received, in arrival order.
    pub fn batch_event_keys(&self) -> Vec<String> {
        self.ctx.state().event_key_order.clone()
    }
}

/// The admin API on the Trophy mock.
impl crate::trophy::TrophyMock {
    /// The admin API mock (faults, received requests, batch-event counters).
    pub fn admin(&self) -> &TrophyAdminMock {
        &self.admin
    }

    /// The admin base URL to give a client (`TrophyBuilder::admin_base_url`).
    pub fn admin_uri(&self) -> String {
        self.admin.uri()
    }

    /// Counters of the batch events the admin API received ([`BatchStats`]).
    pub fn batch_stats(&self) -> BatchStats {
        self.admin.batch_stats()
    }

    /// Every distinct idempotency key of the batch events received, in arrival order.
    pub fn batch_event_keys(&self) -> Vec<String> {
        self.admin.batch_event_keys()
    }
}

/// Answers one request.
type Handler = fn(&Ctx, &Request) -> ResponseTemplate;

/// A JSON object.
type Fields = Map<String, Value>;

/// What the mock knows of one kind of resource.
struct Resource {
    /// Its name in messages (`Metric`, `Points boost`).
    name: &'static str,
    /// Its store, for the system named by the path where it belongs to one.
    store: for<'s> fn(&'s mut State, &str) -> Option<&'s mut Vec<Value>>,
    /// The field that must be unique in the store (`key`), if any.
    unique: Option<&'static str>,
    /// Builds a stored item from a create item (without its ID), or says what is wrong.
    build: fn(&Fields) -> Result<Fields, String>,
    /// Applies an update item to a stored one, or says what is wrong.
    patch: fn(&mut Fields, &Fields) -> Result<(), String>,
}

const METRIC: Resource = Resource {
    name: "Metric",
    store: |s, _| Some(&mut s.metrics),
    unique: Some("key"),
    build: build_metric,
    patch: patch_metric,
};

fn respond(status: u16, body: &Value) -> ResponseTemplate {
    crate::api::json(status, &body.to_string())
}

fn error(status: u16, message: &str) -> ResponseTemplate {
    respond(status, &json!({ "error": message }))
}

fn query_all(req: &Request, key: &str) -> Vec<String> {
    req.url
        .query_pairs()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
        .collect()
}

/// The JSON body, when the request says it is JSON and it parses.
fn json_body(req: &Request) -> Result<Value, String> {
    let is_json = req
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("application/json"));
    if !is_json {
        return Err("the body must be JSON (Content-Type: application/json)".into());
    }
    serde_json::from_slice(&req.body).map_err(|e| format!("the body is not valid JSON: {e}"))
}

/// A body that is a list of 1 to `max` items.
fn item_list(req: &Request, max: usize) -> Result<Vec<Value>, String> {
    match json_body(req)? {
        Value::Array(items) if items.is_empty() => Err("at least one item is required".into()),
        Value::Array(items) if items.len() > max => {
            Err(format!("{} items: at most {max} per request", items.len()))
        }
        Value::Array(items) => Ok(items),
        _ => Err("the body must be a JSON array".into()),
    }
}

fn issue_at(index: usize, message: &str) -> Value {
    json!({"index": index, "severity": "error", "message": message})
}

fn issue_for(id: &str, message: &str) -> Value {
    json!({"id": id, "severity": "error", "message": message})
}

/// `limit` (1 to 100, default 10) and `skip` (default 0).
fn page(req: &Request) -> Result<(usize, usize), String> {
    let number = |key: &str, default: usize, min: usize| -> Result<usize, String> {
        match query_all(req, key).pop() {
            None => Ok(default),
            Some(raw) => match raw.parse::<usize>() {
                Ok(n) if n >= min && (key != "limit" || n <= MAX_ITEMS) => Ok(n),
                _ => Err(format!("{key} must be an integer in range, got {raw}")),
            },
        }
    };
    Ok((number("limit", 10, 1)?, number("skip", 0, 0)?))
}

fn list(ctx: &Ctx, req: &Request, store: fn(&State) -> &Vec<Value>) -> ResponseTemplate {
    let (limit, skip) = match page(req) {
        Ok(page) => page,
        Err(message) => return error(422, &message),
    };
    let state = ctx.state();
    let items: Vec<Value> = store(&state)
        .iter()
        .skip(skip)
        .take(limit)
        .cloned()
        .collect();
    respond(200, &Value::Array(items))
}

/// The store of `resource` for this request (`None` for an unknown points system).
fn store_of<'s>(
    state: &'s mut State,
    resource: &Resource,
    owner: &str,
) -> Option<&'s mut Vec<Value>> {
    (resource.store)(state, owner)
}

fn no_system() -> ResponseTemplate {
    error(404, "Points system not found")
}

fn get(ctx: &Ctx, req: &Request, id_segment: usize, resource: &Resource) -> ResponseTemplate {
    let id = ctx.segment(req, id_segment);
    let owner = ctx.segment(req, 1);
    let mut state = ctx.state();
    let Some(store) = store_of(&mut state, resource, &owner) else {
        return no_system();
    };
    match store.iter().find(|item| item["id"] == json!(id)) {
        Some(item) => respond(200, item),
        None => error(404, &format!("{} not found", resource.name)),
    }
}

fn create(ctx: &Ctx, req: &Request, resource: &Resource) -> ResponseTemplate {
    let items = match item_list(req, MAX_ITEMS) {
        Ok(items) => items,
        Err(message) => return error(422, &message),
    };
    let owner = ctx.segment(req, 1);
    let mut state = ctx.state();
    if store_of(&mut state, resource, &owner).is_none() {
        return no_system();
    }
    let mut created = Vec::new();
    let mut issues = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let built = match item {
            Value::Object(fields) => (resource.build)(fields),
            _ => Err("Item must be an object".into()),
        };
        let mut built = match built {
            Ok(built) => built,
            Err(message) => {
                issues.push(issue_at(index, &message));
                continue;
            }
        };
        let id = state.new_id();
        let Some(store) = store_of(&mut state, resource, &owner) else {
            break;
        };
        if let Some(field) = resource.unique {
            if store.iter().any(|s| s[field] == built[field]) {
                let message = format!(
                    "{} already in use by another {}",
                    capitalized(field),
                    resource.name.to_lowercase()
                );
                issues.push(issue_at(index, &message));
                continue;
            }
        }
        built.insert("id".into(), json!(id));
        let built = Value::Object(built);
        store.push(built.clone());
        created.push(built);
    }
    let status = if created.is_empty() { 200 } else { 201 };
    respond(status, &json!({"created": created, "issues": issues}))
}

fn update(ctx: &Ctx, req: &Request, resource: &Resource) -> ResponseTemplate {
    let items = match item_list(req, MAX_ITEMS) {
        Ok(items) => items,
        Err(message) => return error(422, &message),
    };
    let owner = ctx.segment(req, 1);
    let mut state = ctx.state();
    let Some(store) = store_of(&mut state, resource, &owner) else {
        return no_system();
    };
    let mut updated = Vec::new();
    let mut issues = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let Some(fields) = item.as_object() else {
            issues.push(issue_at(index, "Item must be an object"));
            continue;
        };
        let Some(id) = fields.get("id").and_then(Value::as_str) else {
            issues.push(issue_at(index, "id must be a string"));
            continue;
        };
        let Some(stored) = store.iter_mut().find(|s| s["id"] == json!(id)) else {
            issues.push(issue_for(id, &format!("{} not found by ID", resource.name)));
            continue;
        };
        let Some(target) = stored.as_object_mut() else {
            continue;
        };
        let mut changed = target.clone();
        match (resource.patch)(&mut changed, fields) {
            Ok(()) => {
                *target = changed;
                updated.push(Value::Object(target.clone()));
            }
            Err(message) => issues.push(issue_for(id, &message)),
        }
    }
    respond(200, &json!({"updated": updated, "issues": issues}))
}

/// The `ids` of a delete: repeated and/or comma-separated, 1 to 100.
fn ids(req: &Request) -> Result<Vec<String>, String> {
    let ids: Vec<String> = query_all(req, "ids")
        .iter()
        .flat_map(|v| v.split(','))
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect();
    match ids.len() {
        0 => Err("ids is required".into()),
        n if n > MAX_ITEMS => Err(format!("{n} IDs: at most {MAX_ITEMS} per request")),
        _ => Ok(ids),
    }
}

fn remove(ctx: &Ctx, req: &Request, resource: &Resource) -> ResponseTemplate {
    let ids = match ids(req) {
        Ok(ids) => ids,
        Err(message) => return error(422, &message),
    };
    let owner = ctx.segment(req, 1);
    let mut state = ctx.state();
    let Some(store) = store_of(&mut state, resource, &owner) else {
        return no_system();
    };
    let mut deleted = Vec::new();
    let mut issues = Vec::new();
    for id in ids {
        match store.iter().position(|s| s["id"] == json!(id)) {
            Some(at) => {
                store.remove(at);
                deleted.push(json!({ "id": id }));
            }
            None => issues.push(issue_for(
                &id,
                &format!("{} not found by ID", resource.name),
            )),
        }
    }
    respond(200, &json!({"deleted": deleted, "issues": issues}))
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A required non-empty string field.
fn required_string(item: &Fields, field: &str) -> Result<String, String> {
    match item.get(field) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
        Some(Value::String(_)) => Err(format!("{field} must not be empty")),
        Some(_) => Err(format!("{field} must be a string")),
        None => Err(format!("{field} is required")),
    }
}

/// An optional field that must be a string when present.
fn optional_string(item: &Fields, field: &str) -> Result<Option<String>, String> {
    match item.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("{field} must be a string")),
    }
}

/// An optional field that must be one of `allowed` when present.
fn optional_enum(item: &Fields, field: &str, allowed: &[&str]) -> Result<Option<String>, String> {
    match optional_string(item, field)? {
        Some(v) if !allowed.contains(&v.as_str()) => {
            Err(format!("{field} must be one of {}", allowed.join(", ")))
        }
        other => Ok(other),
    }
}

/// Copies the fields present in `from` onto `to`, checking each with `check`.
fn copy_fields(
    to: &mut Fields,
    from: &Fields,
    fields: &[&str],
    check: impl Fn(&str, &Value) -> Result<(), String>,
) -> Result<(), String> {
    for field in fields {
        if let Some(value) = from.get(*field) {
            check(field, value)?;
            to.insert((*field).to_owned(), value.clone());
        }
    }
    Ok(())
}

fn build_metric(item: &Fields) -> Result<Fields, String> {
    let name = required_string(item, "name")?;
    let key = required_string(item, "key")?;
    let unit_type = optional_enum(item, "unitType", &["number", "currency"])?;
    let units = optional_string(item, "units")?;
    let mut out = Map::new();
    out.insert("name".into(), json!(name));
    out.insert("key".into(), json!(key));
    out.insert(
        "unitType".into(),
        json!(unit_type.unwrap_or_else(|| "number".into())),
    );
    out.insert("units".into(), json!(units.unwrap_or_default()));
    Ok(out)
}

fn patch_metric(stored: &mut Fields, item: &Fields) -> Result<(), String> {
    if item.contains_key("key") {
        return Err("key cannot be changed".into());
    }
    optional_enum(item, "unitType", &["number", "currency"])?;
    copy_fields(
        stored,
        item,
        &["name", "unitType", "units"],
        |field, value| {
            if value.is_string() {
                Ok(())
            } else {
                Err(format!("{field} must be a string"))
            }
        },
    )
}

/// Checks a batch event; `Err` is the 422 message.
fn check_event(event: &Value) -> Result<(), String> {
    let Some(event) = event.as_object() else {
        return Err("each event must be an object".into());
    };
    required_string(event, "key")?;
    let Some(user) = event.get("user").and_then(Value::as_object) else {
        return Err("user must be an object".into());
    };
    required_string(user, "id").map_err(|e| format!("user.{e}"))?;
    for field in ["email", "name"] {
        optional_string(user, field).map_err(|e| format!("user.{e}"))?;
    }
    if let Some(tz) = user.get("tz") {
        if !(tz.is_string() || tz.is_null()) {
            return Err("user.tz must be a string or null".into());
        }
    }
    if let Some(tokens) = user.get("deviceTokens") {
        let ok = tokens.is_null()
            || tokens
                .as_array()
                .is_some_and(|list| list.iter().all(Value::is_string));
        if !ok {
            return Err("user.deviceTokens must be a list of strings or null".into());
        }
    }
    if user
        .get("subscribeToEmails")
        .is_some_and(|v| !v.is_boolean())
    {
        return Err("user.subscribeToEmails must be a boolean".into());
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
    optional_string(event, "idempotencyKey")?;
    Ok(())
}

fn batch_events(ctx: &Ctx, req: &Request) -> ResponseTemplate {
    let events = match json_body(req) {
        Ok(Value::Array(events)) => events,
        Ok(_) => return error(400, "the body must be a JSON array of events"),
        Err(message) => return error(400, &message),
    };
    if events.is_empty() {
        return error(422, "at least one event is required");
    }
    if events.len() > MAX_EVENTS {
        return error(
            422,
            &format!("{} events: at most {MAX_EVENTS} per request", events.len()),
        );
    }
    if let Some((index, message)) = events
        .iter()
        .enumerate()
        .find_map(|(i, e)| check_event(e).err().map(|m| (i, m)))
    {
        return error(422, &format!("event {index}: {message}"));
    }
    let mut state = ctx.state();
    let known: HashSet<&str> = state
        .metrics
        .iter()
        .filter_map(|m| m["key"].as_str())
        .collect();
    if let Some(unknown) = events
        .iter()
        .filter_map(|e| e["key"].as_str())
        .find(|key| !known.contains(key))
    {
        return error(404, &format!("Metric not found: {unknown}"));
    }
    for event in &events {
        match event["idempotencyKey"].as_str() {
            Some(key) => {
                if state.event_keys.insert(key.to_owned()) {
                    state.event_key_order.push(key.to_owned());
                } else {
                    state.batch.duplicates += 1;
                }
            }
            None => state.batch.without_key += 1,
        }
    }
    state.batch.batches += 1;
    state.batch.events += events.len() as u64;
    state.batch.unique_keys = state.event_keys.len() as u64;
    respond(202, &json!({ "accepted": events.len() }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_parse() {
        assert!(!seed(SEED_METRICS).is_empty());
        assert!(serde_json::from_str::<Value>(UNAUTHORIZED).is_ok());
    }

    #[test]
    fn metric_checks() {
        let item = |v: Value| v.as_object().cloned().unwrap();
        let built = build_metric(&item(json!({"name": "Words", "key": "words"}))).unwrap();
        assert_eq!(built["unitType"], json!("number"));
        assert_eq!(built["units"], json!(""));
        assert!(build_metric(&item(json!({"name": 3, "key": "k"}))).is_err());
        assert!(
            build_metric(&item(
                json!({"name": "n", "key": "k", "unitType": "pounds"})
            ))
            .is_err()
        );
        let mut stored = built.clone();
        assert!(patch_metric(&mut stored, &item(json!({"id": "x", "key": "new"}))).is_err());
        patch_metric(&mut stored, &item(json!({"id": "x", "name": "Words!"}))).unwrap();
        assert_eq!(stored["name"], json!("Words!"));
    }

    #[test]
    fn events() {
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
