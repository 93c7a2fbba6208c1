//! The Trophy admin mock: all 58 operations of Trophy's admin API (SDK 1.27) under
//! `{prefix}/admin/v1`, beside the application API of [`crate::trophy::TrophyMock`] on the
//! same server.
//!
//! - Credentials: `X-API-KEY` must be [`DEMO_ADMIN_API_KEY`] (the application demo key gets
//!   401 here; the admin key is accepted by the application API too, as Trophy's are).
//! - State: an in-memory store per resource, seeded from `fixtures/trophy/admin/`: lists page
//!   with `limit` (1 to 100, default 10) and `skip`, gets answer 404 for unknown IDs (and
//!   every `/points/{systemId}/...` call for an unknown system), bulk writes change the store
//!   and answer partial success: items failing the mock's checks (a key already in use, a
//!   field missing or of the wrong type, a trigger without the fields its type needs, an
//!   unknown ID, a user whose ID starts with [`UNKNOWN_USER_PREFIX`]) come back as `issues`,
//!   never as an error of the whole request. Creates answer 201 when something was created,
//!   200 otherwise.
//! - Request shapes: a body that is not the JSON Trophy expects, an empty list or one over
//!   100 items (1,000 events), a delete without `ids`, a bad `limit` or `skip`, or settings
//!   of the wrong type answer 422 `{"error": ...}`; the endpoints whose SDK documents 400
//!   (batch events, streak freezes, restore and reset) answer 400 for a body that is not the
//!   expected JSON. `ids` may be repeated or comma-separated. 403, which the SDK lists for
//!   application keys, is never produced.
//! - Batch events (`POST /metrics/events`) answer 202 `{"accepted": n}` when every event is
//!   well formed and names a known metric (404 for the whole batch otherwise, or when one
//!   names a key refused with `TrophyMock::refuse_metric_key`), and record every event's
//!   idempotency key: [`TrophyAdminMock::batch_stats`] counts unique keys and duplicates, so a
//!   test can prove that no event was lost or counted twice. The faults of
//!   [`crate::trophy_traffic`] apply to it (503 before processing, 500 after, late answers).
//!
//! ```
//! use questkit_mock::trophy::{DEMO_ADMIN_API_KEY, TrophyMock};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let mock = TrophyMock::start().await;
//! assert!(mock.admin_uri().ends_with("/admin/v1"));
//! assert_eq!(mock.batch_stats().events, 0);
//! assert!(!DEMO_ADMIN_API_KEY.is_empty());
//! # }
//! ```

use std::collections::{HashMap, HashSet};
use std::ops::Deref;
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{Map, Value, json};
use wiremock::{MockServer, Request, ResponseTemplate};

use crate::api::{ApiSpec, MockApi};

mod rules;
mod singles;

/// The admin API key the mock accepts (on the admin API and on the application API).
pub const DEMO_ADMIN_API_KEY: &str = "trophy_admin_demo_key";

/// The base path of the admin API under the Trophy mock's prefix.
pub const BASE_PATH: &str = "/admin/v1";

/// User IDs starting with this do not exist in the mock: per-user writes (streaks, boosts,
/// pauses, application keys) answer an issue "User does not exist" for them.
pub const UNKNOWN_USER_PREFIX: &str = "unknown-";

/// The most items a bulk request takes.
const MAX_ITEMS: usize = 100;
/// The most events a batch takes.
const MAX_EVENTS: usize = 1000;

/// Every admin operation the mock serves: method and path template (relative to
/// `/admin/v1`), in the order of Trophy's SDK.
pub const OPERATIONS: [(&str, &str); 58] = [
    ("GET", "/achievements"),
    ("POST", "/achievements"),
    ("DELETE", "/achievements"),
    ("PATCH", "/achievements"),
    ("GET", "/achievements/{id}"),
    ("POST", "/application-api-keys"),
    ("DELETE", "/application-api-keys"),
    ("GET", "/attributes"),
    ("POST", "/attributes"),
    ("DELETE", "/attributes"),
    ("PATCH", "/attributes"),
    ("GET", "/attributes/{id}"),
    ("GET", "/environments"),
    ("GET", "/leaderboards"),
    ("POST", "/leaderboards"),
    ("DELETE", "/leaderboards"),
    ("PATCH", "/leaderboards"),
    ("GET", "/leaderboards/{id}"),
    ("GET", "/metrics"),
    ("POST", "/metrics"),
    ("DELETE", "/metrics"),
    ("PATCH", "/metrics"),
    ("GET", "/metrics/{id}"),
    ("POST", "/metrics/events"),
    ("GET", "/points/{systemId}/boosts"),
    ("POST", "/points/{systemId}/boosts"),
    ("DELETE", "/points/{systemId}/boosts"),
    ("PATCH", "/points/{systemId}/boosts"),
    ("GET", "/points/{systemId}/boosts/{id}"),
    ("GET", "/points/{systemId}/levels"),
    ("POST", "/points/{systemId}/levels"),
    ("DELETE", "/points/{systemId}/levels"),
    ("PATCH", "/points/{systemId}/levels"),
    ("GET", "/points/{systemId}/levels/{id}"),
    ("GET", "/points"),
    ("POST", "/points"),
    ("DELETE", "/points"),
    ("PATCH", "/points"),
    ("GET", "/points/{id}"),
    ("GET", "/points/{systemId}/triggers"),
    ("POST", "/points/{systemId}/triggers"),
    ("DELETE", "/points/{systemId}/triggers"),
    ("PATCH", "/points/{systemId}/triggers"),
    ("GET", "/points/{systemId}/triggers/{id}"),
    ("GET", "/settings"),
    ("PATCH", "/settings"),
    ("POST", "/streaks/freezes"),
    ("POST", "/streaks/pauses"),
    ("DELETE", "/streaks/pauses"),
    ("POST", "/streaks/restore"),
    ("POST", "/streaks/reset"),
    ("GET", "/streaks/settings"),
    ("PATCH", "/streaks/settings"),
    ("GET", "/tenants"),
    ("POST", "/tenants"),
    ("DELETE", "/tenants"),
    ("PATCH", "/tenants"),
    ("GET", "/tenants/{id}"),
];

macro_rules! fixture {
    ($path:literal) => {
        include_str!(concat!("../fixtures/trophy/admin/", $path))
    };
}

const UNAUTHORIZED: &str = fixture!("errors/401.json");
const SEED_ATTRIBUTES: &str = fixture!("responses/attributes_list.json");
const SEED_METRICS: &str = fixture!("responses/metrics_list.json");
const SEED_ACHIEVEMENTS: &str = fixture!("responses/achievements_list.json");
const SEED_LEADERBOARDS: &str = fixture!("responses/leaderboards_list.json");
const SEED_SYSTEMS: &str = fixture!("responses/points_systems_list.json");
const SEED_BOOSTS: &str = fixture!("responses/points_boosts_list.json");
const SEED_LEVELS: &str = fixture!("responses/points_levels_list.json");
const SEED_TRIGGERS: &str = fixture!("responses/points_triggers_list.json");
const SEED_TENANTS: &str = fixture!("responses/tenants_list.json");
const SEED_ENVIRONMENTS: &str = fixture!("responses/environments_list.json");
const SEED_SETTINGS: &str = fixture!("responses/settings_get.json");
const SEED_STREAK_SETTINGS: &str = fixture!("responses/streaks_settings_get.json");

/// What the mock saw of batch events ([`TrophyAdminMock::batch_stats`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct BatchStats {
    /// Batches processed: answered 202, or late or 500 by an injected fault
    /// ([`TrophyMock::fail_after_processing`](crate::trophy::TrophyMock::fail_after_processing)).
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
    attributes: Vec<Value>,
    metrics: Vec<Value>,
    achievements: Vec<Value>,
    leaderboards: Vec<Value>,
    systems: Vec<Value>,
    boosts: HashMap<String, Vec<Value>>,
    levels: HashMap<String, Vec<Value>>,
    triggers: HashMap<String, Vec<Value>>,
    tenants: Vec<Value>,
    application_keys: Vec<Value>,
    pauses: Vec<Value>,
    environments: Vec<Value>,
    settings: Value,
    streak_settings: Value,
    event_keys: HashSet<String>,
    event_key_order: Vec<String>,
    batch: BatchStats,
    next_id: u64,
}

impl State {
    fn seeded() -> State {
        let systems = seed(SEED_SYSTEMS);
        // The seed boosts, levels and triggers belong to the first seed system.
        let first = systems
            .first()
            .and_then(|s| s["id"].as_str())
            .unwrap_or_default()
            .to_owned();
        State {
            attributes: seed(SEED_ATTRIBUTES),
            metrics: seed(SEED_METRICS),
            achievements: seed(SEED_ACHIEVEMENTS),
            leaderboards: seed(SEED_LEADERBOARDS),
            boosts: HashMap::from([(first.clone(), seed(SEED_BOOSTS))]),
            levels: HashMap::from([(first.clone(), seed(SEED_LEVELS))]),
            triggers: HashMap::from([(first, seed(SEED_TRIGGERS))]),
            systems,
            tenants: seed(SEED_TENANTS),
            environments: seed(SEED_ENVIRONMENTS),
            settings: serde_json::from_str(SEED_SETTINGS).unwrap_or(Value::Null),
            streak_settings: serde_json::from_str(SEED_STREAK_SETTINGS).unwrap_or(Value::Null),
            ..State::default()
        }
    }

    /// A fresh UUID-shaped ID, distinct from the seeds' IDs.
    fn new_id(&mut self) -> String {
        self.next_id += 1;
        format!("9d1e0000-0000-4000-8000-{:012x}", self.next_id)
    }

    fn has_system(&self, id: &str) -> bool {
        self.systems.iter().any(|s| s["id"] == json!(id))
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
    traffic: crate::trophy_traffic::Traffic,
}

impl Ctx {
    fn state(&self) -> MutexGuard<'_, State> {
        // A handler that panicked mid-change leaves the store as it was: keep serving.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The decoded path segment at `index` after the API prefix (`points/{id}/boosts`: 1 is
    /// the system).
    fn segment(&self, req: &Request, index: usize) -> String {
        let path = req.url.path();
        let rest = path.strip_prefix(self.prefix.as_str()).unwrap_or(path);
        rest.trim_start_matches('/')
            .split('/')
            .nth(index)
            .map(|s| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8_lossy()
                    .into_owned()
            })
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
    pub(crate) async fn on_server(
        server: Arc<MockServer>,
        mount_prefix: &str,
        traffic: crate::trophy_traffic::Traffic,
    ) -> Self {
        let spec = ApiSpec::new("trophy-admin", BASE_PATH)
            .api_key_header("x-api-key", DEMO_ADMIN_API_KEY)
            .unauthorized(401, UNAUTHORIZED)
            .not_found(404, r#"{"error":"Not found"}"#);
        let api = MockApi::on_server(server, mount_prefix, spec).await;
        let ctx = Ctx {
            state: Arc::new(Mutex::new(State::seeded())),
            prefix: api.prefix().to_owned(),
            traffic,
        };
        for (method, template, handler) in routes() {
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

/// Every route, in the order of [`OPERATIONS`].
fn routes() -> [(&'static str, &'static str, Handler); 58] {
    use rules::{
        ACHIEVEMENT, ATTRIBUTE, BOOST, LEADERBOARD, LEVEL, METRIC, SYSTEM, TENANT, TRIGGER,
    };
    [
        ("GET", "/achievements", |c, r| list(c, r, &ACHIEVEMENT)),
        ("POST", "/achievements", |c, r| create(c, r, &ACHIEVEMENT)),
        ("DELETE", "/achievements", |c, r| remove(c, r, &ACHIEVEMENT)),
        ("PATCH", "/achievements", |c, r| update(c, r, &ACHIEVEMENT)),
        ("GET", "/achievements/{id}", |c, r| {
            get(c, r, 1, &ACHIEVEMENT)
        }),
        ("POST", "/application-api-keys", singles::create_keys),
        ("DELETE", "/application-api-keys", singles::delete_keys),
        ("GET", "/attributes", |c, r| list(c, r, &ATTRIBUTE)),
        ("POST", "/attributes", |c, r| create(c, r, &ATTRIBUTE)),
        ("DELETE", "/attributes", |c, r| remove(c, r, &ATTRIBUTE)),
        ("PATCH", "/attributes", |c, r| update(c, r, &ATTRIBUTE)),
        ("GET", "/attributes/{id}", |c, r| get(c, r, 1, &ATTRIBUTE)),
        ("GET", "/environments", |c, _| {
            respond(200, &Value::Array(c.state().environments.clone()))
        }),
        ("GET", "/leaderboards", |c, r| list(c, r, &LEADERBOARD)),
        ("POST", "/leaderboards", |c, r| create(c, r, &LEADERBOARD)),
        ("DELETE", "/leaderboards", |c, r| remove(c, r, &LEADERBOARD)),
        ("PATCH", "/leaderboards", |c, r| update(c, r, &LEADERBOARD)),
        ("GET", "/leaderboards/{id}", |c, r| {
            get(c, r, 1, &LEADERBOARD)
        }),
        ("GET", "/metrics", |c, r| list(c, r, &METRIC)),
        ("POST", "/metrics", |c, r| create(c, r, &METRIC)),
        ("DELETE", "/metrics", |c, r| remove(c, r, &METRIC)),
        ("PATCH", "/metrics", |c, r| update(c, r, &METRIC)),
        ("GET", "/metrics/{id}", |c, r| get(c, r, 1, &METRIC)),
        ("POST", "/metrics/events", batch_events),
        ("GET", "/points/{systemId}/boosts", |c, r| {
            list(c, r, &BOOST)
        }),
        ("POST", "/points/{systemId}/boosts", |c, r| {
            create(c, r, &BOOST)
        }),
        ("DELETE", "/points/{systemId}/boosts", |c, r| {
            remove(c, r, &BOOST)
        }),
        ("PATCH", "/points/{systemId}/boosts", |c, r| {
            update(c, r, &BOOST)
        }),
        ("GET", "/points/{systemId}/boosts/{id}", |c, r| {
            get(c, r, 3, &BOOST)
        }),
        ("GET", "/points/{systemId}/levels", |c, r| {
            list(c, r, &LEVEL)
        }),
        ("POST", "/points/{systemId}/levels", |c, r| {
            create(c, r, &LEVEL)
        }),
        ("DELETE", "/points/{systemId}/levels", |c, r| {
            remove(c, r, &LEVEL)
        }),
        ("PATCH", "/points/{systemId}/levels", |c, r| {
            update(c, r, &LEVEL)
        }),
        ("GET", "/points/{systemId}/levels/{id}", |c, r| {
            get(c, r, 3, &LEVEL)
        }),
        ("GET", "/points", |c, r| list(c, r, &SYSTEM)),
        ("POST", "/points", |c, r| create(c, r, &SYSTEM)),
        ("DELETE", "/points", |c, r| remove(c, r, &SYSTEM)),
        ("PATCH", "/points", |c, r| update(c, r, &SYSTEM)),
        ("GET", "/points/{id}", |c, r| get(c, r, 1, &SYSTEM)),
        ("GET", "/points/{systemId}/triggers", |c, r| {
            list(c, r, &TRIGGER)
        }),
        ("POST", "/points/{systemId}/triggers", |c, r| {
            create(c, r, &TRIGGER)
        }),
        ("DELETE", "/points/{systemId}/triggers", |c, r| {
            remove(c, r, &TRIGGER)
        }),
        ("PATCH", "/points/{systemId}/triggers", |c, r| {
            update(c, r, &TRIGGER)
        }),
        ("GET", "/points/{systemId}/triggers/{id}", |c, r| {
            get(c, r, 3, &TRIGGER)
        }),
        ("GET", "/settings", |c, _| respond(200, &c.state().settings)),
        ("PATCH", "/settings", singles::update_settings),
        ("POST", "/streaks/freezes", singles::create_freezes),
        ("POST", "/streaks/pauses", singles::create_pauses),
        ("DELETE", "/streaks/pauses", singles::delete_pauses),
        ("POST", "/streaks/restore", |c, r| {
            singles::per_user(c, r, "restoredUsers")
        }),
        ("POST", "/streaks/reset", |c, r| {
            singles::per_user(c, r, "resetUsers")
        }),
        ("GET", "/streaks/settings", |c, _| {
            respond(200, &c.state().streak_settings)
        }),
        (
            "PATCH",
            "/streaks/settings",
            singles::update_streak_settings,
        ),
        ("GET", "/tenants", |c, r| list(c, r, &TENANT)),
        ("POST", "/tenants", |c, r| create(c, r, &TENANT)),
        ("DELETE", "/tenants", |c, r| remove(c, r, &TENANT)),
        ("PATCH", "/tenants", |c, r| update(c, r, &TENANT)),
        ("GET", "/tenants/{id}", |c, r| get(c, r, 1, &TENANT)),
    ]
}

/// What the mock knows of one kind of resource with list, create, get, update and delete.
struct Resource {
    /// Its name in messages (`Metric`, `Points boost`).
    name: &'static str,
    /// Its store; for the resources of a points system, the store of the system the path
    /// names (`None` when the system is unknown).
    store: for<'s> fn(&'s mut State, &str) -> Option<&'s mut Vec<Value>>,
    /// Fields that together must be unique in the store (`key`), if any.
    unique: &'static [&'static str],
    /// Builds a stored item from a create item (without its ID), or says what is wrong.
    build: fn(&Fields) -> Result<Fields, String>,
    /// Applies an update item to a copy of a stored one, or says what is wrong.
    patch: fn(&mut Fields, &Fields) -> Result<(), String>,
    /// Stores what a created item brought along (a points system's levels, ...).
    adopt: Option<fn(&mut State, &mut Fields)>,
}

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

/// A list of 1 to `max` items, or the message of a 422.
fn counted(items: Vec<Value>, max: usize, what: &str) -> Result<Vec<Value>, String> {
    match items.len() {
        0 => Err(format!("at least one {what} is required")),
        n if n > max => Err(format!("{n} {what}s: at most {max} per request")),
        _ => Ok(items),
    }
}

/// A refusal of a whole request: its status and message.
struct Refused(u16, String);

impl Refused {
    fn respond(self) -> ResponseTemplate {
        error(self.0, &self.1)
    }
}

/// A body that is a list of 1 to 100 items, or its 422.
fn item_list(req: &Request) -> Result<Vec<Value>, Refused> {
    match json_body(req) {
        Ok(Value::Array(items)) => counted(items, MAX_ITEMS, "item").map_err(|m| Refused(422, m)),
        Ok(_) => Err(Refused(422, "the body must be a JSON array".into())),
        Err(message) => Err(Refused(422, message)),
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
    let number =
        |key: &str, default: usize, range: std::ops::RangeInclusive<usize>| match query_all(
            req, key,
        )
        .pop()
        {
            None => Ok(default),
            Some(raw) => match raw.parse::<usize>() {
                Ok(n) if range.contains(&n) => Ok(n),
                _ => Err(format!(
                    "{key} must be an integer from {} to {}, got {raw}",
                    range.start(),
                    range.end()
                )),
            },
        };
    Ok((
        number("limit", 10, 1..=MAX_ITEMS)?,
        number("skip", 0, 0..=usize::MAX)?,
    ))
}

fn no_system() -> ResponseTemplate {
    error(404, "Points system not found")
}

fn list(ctx: &Ctx, req: &Request, resource: &Resource) -> ResponseTemplate {
    let owner = ctx.segment(req, 1);
    let mut state = ctx.state();
    let Some(store) = (resource.store)(&mut state, &owner) else {
        return no_system();
    };
    let (limit, skip) = match page(req) {
        Ok(page) => page,
        Err(message) => return error(422, &message),
    };
    let items: Vec<Value> = store.iter().skip(skip).take(limit).cloned().collect();
    respond(200, &Value::Array(items))
}

fn get(ctx: &Ctx, req: &Request, id_segment: usize, resource: &Resource) -> ResponseTemplate {
    let id = ctx.segment(req, id_segment);
    let owner = ctx.segment(req, 1);
    let mut state = ctx.state();
    let Some(store) = (resource.store)(&mut state, &owner) else {
        return no_system();
    };
    match store.iter().find(|item| item["id"] == json!(id)) {
        Some(item) => respond(200, item),
        None => error(404, &format!("{} not found", resource.name)),
    }
}

fn create(ctx: &Ctx, req: &Request, resource: &Resource) -> ResponseTemplate {
    let owner = ctx.segment(req, 1);
    let mut state = ctx.state();
    if (resource.store)(&mut state, &owner).is_none() {
        return no_system();
    }
    let items = match item_list(req) {
        Ok(items) => items,
        Err(refused) => return refused.respond(),
    };
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
        if let Some(message) = taken(&mut state, resource, &owner, &built, None) {
            issues.push(issue_at(index, &message));
            continue;
        }
        let id = state.new_id();
        built.insert("id".into(), json!(id));
        if let Some(adopt) = resource.adopt {
            adopt(&mut state, &mut built);
        }
        let built = Value::Object(built);
        if let Some(store) = (resource.store)(&mut state, &owner) {
            store.push(built.clone());
        }
        created.push(built);
    }
    let status = if created.is_empty() { 200 } else { 201 };
    respond(status, &json!({"created": created, "issues": issues}))
}

/// The message when another stored item (not `except`) already has the unique fields.
fn taken(
    state: &mut State,
    resource: &Resource,
    owner: &str,
    item: &Fields,
    except: Option<&str>,
) -> Option<String> {
    let first = resource.unique.first()?;
    if item.get(*first).is_none_or(Value::is_null) {
        return None;
    }
    let store = (resource.store)(state, owner)?;
    let clash = store.iter().any(|stored| {
        stored["id"].as_str() != except
            && resource
                .unique
                .iter()
                .all(|field| item.get(*field) == stored.get(*field))
    });
    clash.then(|| {
        format!(
            "{} already in use by another {}",
            rules::capitalized(first),
            resource.name.to_lowercase()
        )
    })
}

fn update(ctx: &Ctx, req: &Request, resource: &Resource) -> ResponseTemplate {
    let owner = ctx.segment(req, 1);
    let mut state = ctx.state();
    if (resource.store)(&mut state, &owner).is_none() {
        return no_system();
    }
    let items = match item_list(req) {
        Ok(items) => items,
        Err(refused) => return refused.respond(),
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
        let Some(store) = (resource.store)(&mut state, &owner) else {
            break;
        };
        let Some(stored) = store.iter().find(|s| s["id"] == json!(id)) else {
            issues.push(issue_for(id, &format!("{} not found by ID", resource.name)));
            continue;
        };
        let mut changed = stored.as_object().cloned().unwrap_or_default();
        if let Err(message) = (resource.patch)(&mut changed, fields) {
            issues.push(issue_for(id, &message));
            continue;
        }
        if let Some(message) = taken(&mut state, resource, &owner, &changed, Some(id)) {
            issues.push(issue_for(id, &message));
            continue;
        }
        let changed = Value::Object(changed);
        if let Some(slot) = (resource.store)(&mut state, &owner)
            .and_then(|store| store.iter_mut().find(|s| s["id"] == json!(id)))
        {
            *slot = changed.clone();
        }
        updated.push(changed);
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

/// Deletes the `ids` from `store`: those found, and an issue per unknown ID.
fn delete_from(store: &mut Vec<Value>, ids: Vec<String>, name: &str) -> Value {
    let mut deleted = Vec::new();
    let mut issues = Vec::new();
    for id in ids {
        match store.iter().position(|s| s["id"] == json!(id)) {
            Some(at) => {
                store.remove(at);
                deleted.push(json!({ "id": id }));
            }
            None => issues.push(issue_for(&id, &format!("{name} not found by ID"))),
        }
    }
    json!({"deleted": deleted, "issues": issues})
}

fn remove(ctx: &Ctx, req: &Request, resource: &Resource) -> ResponseTemplate {
    let owner = ctx.segment(req, 1);
    let mut state = ctx.state();
    let Some(store) = (resource.store)(&mut state, &owner) else {
        return no_system();
    };
    match ids(req) {
        Ok(ids) => respond(200, &delete_from(store, ids, resource.name)),
        Err(message) => error(422, &message),
    }
}

fn batch_events(ctx: &Ctx, req: &Request) -> ResponseTemplate {
    let events = match json_body(req) {
        Ok(Value::Array(events)) => events,
        Ok(_) => return error(400, "the body must be a JSON array of events"),
        Err(message) => return error(400, &message),
    };
    let events = match counted(events, MAX_EVENTS, "event") {
        Ok(events) => events,
        Err(message) => return error(422, &message),
    };
    if let Some((index, message)) = events
        .iter()
        .enumerate()
        .find_map(|(i, e)| rules::check_event(e).err().map(|m| (i, m)))
    {
        return error(422, &format!("event {index}: {message}"));
    }
    // One event of a refused or unknown metric refuses the whole batch: nothing processed.
    let metric_keys = || events.iter().filter_map(|e| e["key"].as_str());
    if ctx.traffic.refused_metric(metric_keys()).is_some() {
        ctx.traffic.count_refused_batch();
        return error(404, "Metric not found");
    }
    let mut state = ctx.state();
    let known: HashSet<&str> = state
        .metrics
        .iter()
        .filter_map(|m| m["key"].as_str())
        .collect();
    if let Some(unknown) = metric_keys().find(|key| !known.contains(key)) {
        let message = format!("Metric not found: {unknown}");
        drop(state);
        ctx.traffic.count_refused_batch();
        return error(404, &message);
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
    drop(state);
    let how = ctx
        .traffic
        .record_batch(events.iter().map(|e| e["idempotencyKey"].as_str()));
    // Processed either way: a 500 here is a failure after the events were counted.
    let answer = if how.fail {
        error(500, "Internal server error")
    } else {
        respond(202, &json!({ "accepted": events.len() }))
    };
    match how.delay {
        Some(delay) => answer.set_delay(delay),
        None => answer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_parse() {
        let state = State::seeded();
        for (name, store) in [
            ("attributes", &state.attributes),
            ("metrics", &state.metrics),
            ("achievements", &state.achievements),
            ("leaderboards", &state.leaderboards),
            ("systems", &state.systems),
            ("tenants", &state.tenants),
            ("environments", &state.environments),
        ] {
            assert!(!store.is_empty(), "no seed {name}");
        }
        assert_eq!(state.boosts.len(), 1);
        assert!(state.settings.is_object() && state.streak_settings.is_object());
        assert!(serde_json::from_str::<Value>(UNAUTHORIZED).is_ok());
    }

    /// The batch endpoint under the traffic faults, through HTTP.
    mod batch_faults {
        use questkit_core::reqwest::Client;
        use serde_json::{Value, json};

        use crate::trophy::{DEMO_ADMIN_API_KEY, TrophyMock};

        fn event(metric: &str, key: &str) -> Value {
            json!({"key": metric, "user": {"id": "u1"}, "value": 1, "idempotencyKey": key})
        }

        async fn batch(mock: &TrophyMock, events: &[Value]) -> (u16, Value) {
            let answer = Client::new()
                .post(format!("{}/metrics/events", mock.admin_uri()))
                .header("x-api-key", DEMO_ADMIN_API_KEY)
                .header("content-type", "application/json")
                .body(Value::Array(events.to_vec()).to_string())
                .send()
                .await
                .unwrap();
            let status = answer.status().as_u16();
            let body = answer.text().await.unwrap();
            (status, serde_json::from_str(&body).unwrap_or(Value::Null))
        }

        #[tokio::test]
        async fn a_failure_after_processing_counts_the_events_and_answers_500() {
            let mock = TrophyMock::start().await;
            mock.fail_after_processing(2);
            let first = batch(&mock, &[event("words-written", "a")]).await;
            assert_eq!(first, (202, json!({"accepted": 1})));
            let second = batch(&mock, &[event("words-written", "b"), event("revenue", "c")]).await;
            assert_eq!(second.0, 500);
            assert!(second.1["error"].is_string(), "{:?}", second.1);
            // The client resends the failed batch: the server already has it.
            let resent = batch(&mock, &[event("words-written", "b"), event("revenue", "c")]).await;
            assert_eq!(resent.0, 202);
            let traffic = mock.traffic();
            assert_eq!(traffic.failed_after_processing, 1);
            assert_eq!(
                (traffic.events, traffic.unique_events, traffic.replays),
                (5, 3, 2)
            );
            let stats = mock.batch_stats();
            assert_eq!(
                (stats.batches, stats.unique_keys, stats.duplicates),
                (3, 3, 2)
            );
            // 0 turns it off.
            mock.fail_after_processing(0);
            for key in ["d", "e", "f"] {
                assert_eq!(batch(&mock, &[event("revenue", key)]).await.0, 202);
            }
            assert_eq!(mock.traffic().failed_after_processing, 1);
        }

        #[tokio::test]
        async fn a_refused_metric_key_refuses_the_whole_batch() {
            let mock = TrophyMock::start().await;
            mock.refuse_metric_key("revenue");
            let refused = batch(&mock, &[event("words-written", "a"), event("revenue", "b")]).await;
            assert_eq!(refused, (404, json!({"error": "Metric not found"})));
            // Nothing of it was processed.
            assert_eq!(mock.traffic().events, 0);
            assert_eq!(mock.batch_stats().batches, 0);
            // A batch without the key goes through; one with a key the store lacks is refused
            // too, and counted.
            assert_eq!(batch(&mock, &[event("words-written", "a")]).await.0, 202);
            let unknown = batch(&mock, &[event("no-such-metric", "c")]).await;
            assert_eq!(unknown.0, 404);
            let traffic = mock.traffic();
            assert_eq!((traffic.refused_batches, traffic.unique_events), (2, 1));
            // The refused key is still listed: a metric the client may believe in.
            let listed = Client::new()
                .get(format!("{}/metrics", mock.admin_uri()))
                .header("x-api-key", DEMO_ADMIN_API_KEY)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(listed.contains("\"revenue\""), "{listed}");
        }
    }

    #[test]
    fn routes_follow_the_operation_list() {
        let routes: Vec<(&str, &str)> = routes().iter().map(|(m, t, _)| (*m, *t)).collect();
        assert_eq!(routes, OPERATIONS);
        let distinct: HashSet<_> = OPERATIONS.iter().collect();
        assert_eq!(distinct.len(), 58);
    }
}
