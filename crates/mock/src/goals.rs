//! The Epixel MLM "Profiles - Goals" mock API.
//!
//! Served under `/api/v1` (an Epixel base URL is `https://<domain>/<api prefix>/<version>/`):
//!
//! - `POST user/login/` with `{username, password}` (JSON or form-encoded): `{refresh, access}`
//!   for [`DEMO_USERNAME`] / [`DEMO_PASSWORD`], a 401 `{detail, code}` otherwise, a 400 field
//!   map when a field is missing. Each login issues a new access token.
//! - `POST user/token/refresh/` with `{refresh}`: a new `{access}`. Epixel does not document a
//!   refresh endpoint; this path ([`REFRESH_PATH`]) exists only in the mock, to exercise a
//!   client's configurable refresh path.
//! - `GET profiles/overview/` (`profile_id` in [`PROFILE_IDS`] or absent) and
//!   `GET profiles/user/goals-leaderboard/` (`profile` in [`PROFILE_IDS`], `goal` in
//!   [`GOAL_KEYWORDS`], or absent), answered from `fixtures/goals/`; an unknown profile or goal
//!   gets the documented 400 validation envelope.
//!
//! Every request needs `apikey: `[`DEMO_API_KEY`]; the profile endpoints also need
//! `Authorization: Bearer <access>` with a token the mock issued (or [`DEMO_ACCESS_TOKEN`]) and
//! a non-empty `api-signature` (403 otherwise). [`GoalsMock::expire_access_tokens`] makes every
//! access token invalid, to exercise a client's re-login.
//!
//! ```
//! use questkit_mock::goals::GoalsMock;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let mock = GoalsMock::start().await;
//! assert!(mock.uri().ends_with("/api/v1"));
//! mock.expire_access_tokens();
//! assert_eq!(mock.login_count(), 0);
//! # }
//! ```

use std::collections::HashSet;
use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{Value, json};
use wiremock::{Match, Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::api::{ApiSpec, MockApi};

/// The `apikey` header value the mock accepts.
pub const DEMO_API_KEY: &str = "demo-epixel-apikey";
/// The username the mock's login accepts.
pub const DEMO_USERNAME: &str = "demo.distributor";
/// The password the mock's login accepts.
pub const DEMO_PASSWORD: &str = "demo-password";
/// An access token the mock accepts from the start (until expired), for clients given a token.
pub const DEMO_ACCESS_TOKEN: &str = "demo-access-token";
/// A refresh token the mock accepts from the start, for [`REFRESH_PATH`].
pub const DEMO_REFRESH_TOKEN: &str = "demo-refresh-token";
/// An `api-signature` value for examples (the mock accepts any non-empty value unless
/// [`GoalsMock::require_signature`] says otherwise).
pub const DEMO_API_SIGNATURE: &str = "demo-api-signature";
/// The API's path on the mock server (`<api prefix>/<version>`).
pub const BASE_PATH: &str = "/api/v1";
/// The mock's token refresh path, relative to the base URL (not an Epixel-documented path).
pub const REFRESH_PATH: &str = "user/token/refresh/";
/// The goal profile IDs the mock knows.
pub const PROFILE_IDS: &[&str] = &["12", "15"];
/// The goal keywords the mock knows.
pub const GOAL_KEYWORDS: &[&str] = &["personal_volume", "team_sales"];

const OVERVIEW: &str = include_str!("../fixtures/goals/overview.json");
const LEADERBOARD: &str = include_str!("../fixtures/goals/goals_leaderboard.json");
const LEADERBOARD_TEAM_SALES: &str =
    include_str!("../fixtures/goals/goals_leaderboard_numeric_strings.json");
const INVALID_PROFILE: &str = include_str!("../fixtures/goals/error_invalid_profile.json");
const INVALID_GOAL: &str = include_str!("../fixtures/goals/error_invalid_goal.json");
const LOGIN_REFUSED: &str = include_str!("../fixtures/goals/login_401.json");
const TOKEN_INVALID: &str = include_str!("../fixtures/goals/token_invalid_401.json");
const SIGNATURE_REFUSED: &str =
    r#"{"detail":"API signature missing or invalid.","code":"permission_denied"}"#;
const REFRESH_REFUSED: &str =
    r#"{"detail":"Token is invalid or expired","code":"token_not_valid"}"#;

const LOGIN_ROUTE: &str = "/user/login/";
const REFRESH_ROUTE: &str = "/user/token/refresh/";
const OVERVIEW_ROUTE: &str = "/profiles/overview/";
const LEADERBOARD_ROUTE: &str = "/profiles/user/goals-leaderboard/";

/// Between the credential check (2) and the fixtures (5).
const SIGNATURE_PRIORITY: u8 = 3;

#[derive(Debug)]
struct State {
    access: HashSet<String>,
    refresh: HashSet<String>,
    issued: u64,
    logins: u64,
    refreshes: u64,
    signature: Option<String>,
}

type Shared = Arc<Mutex<State>>;

fn lock(state: &Shared) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The running Goals mock. Derefs to [`MockApi`] for faults and recorded requests.
pub struct GoalsMock {
    api: MockApi,
    state: Shared,
}

impl fmt::Debug for GoalsMock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GoalsMock")
            .field("uri", &self.uri())
            .finish_non_exhaustive()
    }
}

impl Deref for GoalsMock {
    type Target = MockApi;
    fn deref(&self) -> &MockApi {
        &self.api
    }
}

impl GoalsMock {
    /// Starts the mock on its own server (a free port of `127.0.0.1`).
    pub async fn start() -> Self {
        GoalsMock::on_server(Arc::new(MockServer::start().await), "").await
    }

    /// Serves the mock on a shared server under `mount_prefix` (`/goals`).
    pub async fn on_server(server: Arc<MockServer>, mount_prefix: &str) -> Self {
        let state: Shared = Arc::new(Mutex::new(State {
            access: HashSet::from([DEMO_ACCESS_TOKEN.to_owned()]),
            refresh: HashSet::from([DEMO_REFRESH_TOKEN.to_owned()]),
            issued: 0,
            logins: 0,
            refreshes: 0,
            signature: None,
        }));
        let check_state = state.clone();
        let spec = ApiSpec::new("goals", BASE_PATH)
            .auth_check(move |request: &Request| credentials_ok(&check_state, request))
            .unauthorized(401, TOKEN_INVALID)
            .not_found(404, r#"{"detail":"Not found.","code":"not_found"}"#);
        let api = MockApi::on_server(server, mount_prefix, spec).await;

        for route in [OVERVIEW_ROUTE, LEADERBOARD_ROUTE] {
            Mock::given(wiremock::matchers::method("GET"))
                .and(api.path(route))
                .and(BadSignature(state.clone()))
                .respond_with(crate::api::json(403, SIGNATURE_REFUSED))
                .with_priority(SIGNATURE_PRIORITY)
                .named("goals api-signature")
                .mount(api.server())
                .await;
        }
        api.mount(
            api.route("POST", LOGIN_ROUTE)
                .respond_with(Login(state.clone())),
        )
        .await;
        api.mount(
            api.route("POST", REFRESH_ROUTE)
                .respond_with(Refresh(state.clone())),
        )
        .await;
        api.mount(api.route("GET", OVERVIEW_ROUTE).respond_with(Overview))
            .await;
        api.mount(
            api.route("GET", LEADERBOARD_ROUTE)
                .respond_with(Leaderboard),
        )
        .await;
        GoalsMock { api, state }
    }

    /// The base URL to give a client (`http://127.0.0.1:PORT/api/v1`).
    pub fn uri(&self) -> String {
        self.api.uri()
    }

    /// Makes every access token issued so far (and [`DEMO_ACCESS_TOKEN`]) invalid: the next
    /// profile call gets a 401, and a client must log in (or refresh) again.
    pub fn expire_access_tokens(&self) {
        lock(&self.state).access.clear();
    }

    /// Makes every refresh token invalid (a refresh then gets a 401).
    pub fn expire_refresh_tokens(&self) {
        lock(&self.state).refresh.clear();
    }

    /// Requires this exact `api-signature` value (`None`: any non-empty value).
    pub fn require_signature(&self, value: Option<&str>) {
        lock(&self.state).signature = value.map(str::to_owned);
    }

    /// How many successful logins the mock has answered.
    pub fn login_count(&self) -> u64 {
        lock(&self.state).logins
    }

    /// How many successful refreshes the mock has answered.
    pub fn refresh_count(&self) -> u64 {
        lock(&self.state).refreshes
    }
}

fn header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// `apikey` everywhere; a valid bearer token except on the token endpoints.
fn credentials_ok(state: &Shared, request: &Request) -> bool {
    if header(request, "apikey") != Some(DEMO_API_KEY) {
        return false;
    }
    let path = request.url.path();
    if path.ends_with(LOGIN_ROUTE) || path.ends_with(REFRESH_ROUTE) {
        return true;
    }
    header(request, "authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|token| lock(state).access.contains(token.trim()))
}

/// Matches requests whose `api-signature` is missing, empty or not the required value.
struct BadSignature(Shared);

impl Match for BadSignature {
    fn matches(&self, request: &Request) -> bool {
        let sent = header(request, "api-signature")
            .map(str::trim)
            .unwrap_or("");
        match &lock(&self.0).signature {
            Some(expected) => sent != expected,
            None => sent.is_empty(),
        }
    }
}

/// Reads a body of string fields, JSON or form-encoded.
fn body_fields(request: &Request) -> Vec<(String, String)> {
    if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(&request.body) {
        return map
            .into_iter()
            .filter_map(|(k, v)| match v {
                Value::String(s) => Some((k, s)),
                Value::Number(n) => Some((k, n.to_string())),
                _ => None,
            })
            .collect();
    }
    let text = String::from_utf8_lossy(&request.body);
    let mut url = request.url.clone();
    url.set_query(Some(&text));
    url.query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

fn query(request: &Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

struct Login(Shared);

impl Respond for Login {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let fields = body_fields(request);
        let (username, password) = (field(&fields, "username"), field(&fields, "password"));
        let (Some(username), Some(password)) = (username, password) else {
            let mut missing = serde_json::Map::new();
            for (name, value) in [("username", username), ("password", password)] {
                if value.is_none() {
                    missing.insert(name.into(), json!(["This field is required."]));
                }
            }
            return crate::api::json(400, &Value::Object(missing).to_string());
        };
        if username != DEMO_USERNAME || password != DEMO_PASSWORD {
            return crate::api::json(401, LOGIN_REFUSED);
        }
        let mut state = lock(&self.0);
        state.issued += 1;
        state.logins += 1;
        let access = format!("mock-access-{}", state.issued);
        let refresh = format!("mock-refresh-{}", state.issued);
        state.access.insert(access.clone());
        state.refresh.insert(refresh.clone());
        let body = json!({ "refresh": refresh, "access": access });
        crate::api::json(200, &body.to_string())
    }
}

struct Refresh(Shared);

impl Respond for Refresh {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let fields = body_fields(request);
        let mut state = lock(&self.0);
        if !field(&fields, "refresh").is_some_and(|r| state.refresh.contains(r)) {
            return crate::api::json(401, REFRESH_REFUSED);
        }
        state.issued += 1;
        state.refreshes += 1;
        let access = format!("mock-access-{}", state.issued);
        state.access.insert(access.clone());
        crate::api::json(200, &json!({ "access": access }).to_string())
    }
}

fn known(value: Option<&str>, set: &[&str]) -> bool {
    value.is_none_or(|v| set.contains(&v))
}

struct Overview;

impl Respond for Overview {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        if !known(query(request, "profile_id").as_deref(), PROFILE_IDS) {
            return crate::api::json(400, INVALID_PROFILE);
        }
        crate::api::json(200, OVERVIEW)
    }
}

struct Leaderboard;

impl Respond for Leaderboard {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        if !known(query(request, "profile").as_deref(), PROFILE_IDS) {
            return crate::api::json(400, INVALID_PROFILE);
        }
        match query(request, "goal").as_deref() {
            None | Some("personal_volume") => crate::api::json(200, LEADERBOARD),
            Some("team_sales") => crate::api::json(200, LEADERBOARD_TEAM_SALES),
            Some(_) => crate::api::json(400, INVALID_GOAL),
        }
    }
}
