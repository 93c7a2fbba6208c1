//! The Nudj mock API: the integration API under `/api/v2/integration` and the admin
//! custom-event call under `/api/v2/admin`, on the same server.
//!
//! - Credentials: [`DEMO_API_TOKEN`] in `x-api-token` (an optional `Bearer ` prefix is
//!   accepted, as Nudj strips it) or in `Authorization: Bearer`. Anything else answers a
//!   tRPC-shaped 401 (`{message, code: "UNAUTHORIZED", data: {httpStatus, path}}`).
//! - `GET achievements`, `GET rewards`, `GET me/rewards`, `GET me/reward-entries`,
//!   `GET leaderboards/configs`: `{totalCount, edges}` pages honouring `limit` (1..=100,
//!   default 10), `skip` (default 0) and `search` (case-insensitive, on the title or name);
//!   an out-of-range `limit` or a bad `skip` answers a tRPC 400. Seven achievements, three
//!   rewards, three assets, two entries, two leaderboards.
//! - `GET achievements/{achievementId}`: every achievement fixture by id (the list's, the
//!   seed's `<string>`, the logical, reward-form and edge-case ones); 404 otherwise.
//! - `GET me/reward-entries/{rewardEntryId}`: the entries of the list by id; 404 otherwise.
//! - `GET me/streaks`: a bare array of two streaks.
//! - `POST /api/v2/admin/events/custom`: checks `eventName`, `userId` (strings) and `payload`
//!   (an object) and answers `{name, userId, externalUserId}`; a tRPC 400 names the first bad
//!   field.
//!
//! ```
//! use questkit_mock::nudj::NudjMock;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let mock = NudjMock::start().await;
//! assert!(mock.uri().ends_with("/api/v2/integration"));
//! assert!(mock.admin_uri().ends_with("/api/v2/admin"));
//! # }
//! ```

use std::ops::Deref;
use std::sync::Arc;

use serde_json::{Value, json};
use wiremock::{MockServer, Request, Respond, ResponseTemplate};

use crate::api::{ApiSpec, MockApi, json};

/// The token the mock accepts, in `x-api-token` or as a bearer token.
pub const DEMO_API_TOKEN: &str = "nudj_demo_token";
/// The Nudj id the mock gives users of custom events sent with an external id.
pub const DEMO_USER_ID: &str = "6601d0c0ffee000000000042";
/// The id of the logical two-level achievement, handy for demos.
pub const DEMO_ACHIEVEMENT_ID: &str = "65a000000000000000000010";

const ACHIEVEMENTS_LIST: &str = include_str!("../fixtures/nudj/achievements_list.json");
const SINGLE_ACHIEVEMENTS: [&str; 11] = [
    include_str!("../fixtures/nudj/achievement_seed.json"),
    include_str!("../fixtures/nudj/achievement_logical.json"),
    include_str!("../fixtures/nudj/achievement_reward_full.json"),
    include_str!("../fixtures/nudj/achievement_legacy_reward.json"),
    include_str!("../fixtures/nudj/edge_unknown_criteria.json"),
    include_str!("../fixtures/nudj/edge_unknown_enums.json"),
    include_str!("../fixtures/nudj/edge_nulls.json"),
    include_str!("../fixtures/nudj/edge_missing_user_state.json"),
    include_str!("../fixtures/nudj/edge_user_state_shorter.json"),
    include_str!("../fixtures/nudj/edge_logical_alt_spelling.json"),
    include_str!("../fixtures/nudj/achievements_list.json"),
];
const REWARDS_LIST: &str = include_str!("../fixtures/nudj/rewards_list.json");
const ME_REWARDS: &str = include_str!("../fixtures/nudj/me_rewards.json");
const ME_REWARD_ENTRIES: &str = include_str!("../fixtures/nudj/me_reward_entries.json");
const LEADERBOARDS: &str = include_str!("../fixtures/nudj/leaderboards_configs.json");
const ME_STREAKS: &str = include_str!("../fixtures/nudj/me_streaks.json");
const UNAUTHORIZED: &str = include_str!("../fixtures/nudj/error_401.json");

/// A running Nudj mock (integration and admin APIs on one server). Derefs to the integration
/// [`MockApi`] (faults, received requests); [`NudjMock::admin`] is the admin one.
#[derive(Clone, Debug)]
pub struct NudjMock {
    api: MockApi,
    admin: MockApi,
}

impl NudjMock {
    /// Starts the mock on a free port of `127.0.0.1`.
    pub async fn start() -> Self {
        NudjMock::on_server(Arc::new(MockServer::start().await), "").await
    }

    /// Serves the mock on an existing server under `mount_prefix` (`/nudj`).
    pub async fn on_server(server: Arc<MockServer>, mount_prefix: &str) -> Self {
        let api = MockApi::on_server(
            server.clone(),
            mount_prefix,
            spec("nudj", "/api/v2/integration"),
        )
        .await;
        let admin =
            MockApi::on_server(server, mount_prefix, spec("nudj-admin", "/api/v2/admin")).await;
        mount_integration(&api).await;
        admin
            .mount(
                admin
                    .route("POST", "/events/custom")
                    .respond_with(CustomEventResponder),
            )
            .await;
        NudjMock { api, admin }
    }

    /// The integration API's base URL, for `Nudj::builder().base_url(..)`.
    pub fn uri(&self) -> String {
        self.api.uri()
    }

    /// The admin API's base URL (the client derives it from [`NudjMock::uri`]).
    pub fn admin_uri(&self) -> String {
        self.admin.uri()
    }

    /// The admin API mock (faults and received requests of the custom-event call).
    pub fn admin(&self) -> &MockApi {
        &self.admin
    }
}

impl Deref for NudjMock {
    type Target = MockApi;

    fn deref(&self) -> &MockApi {
        &self.api
    }
}

fn spec(name: &'static str, base_path: &str) -> ApiSpec {
    ApiSpec::new(name, base_path)
        .auth_check(has_demo_token)
        .unauthorized(401, UNAUTHORIZED)
        .not_found(
            404,
            &trpc_error(
                404,
                "NOT_FOUND",
                "No procedure found on this path",
                "unknown",
            ),
        )
}

/// `x-api-token: <token>` (optionally `Bearer <token>`) or `Authorization: Bearer <token>`.
fn has_demo_token(request: &Request) -> bool {
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let strip_bearer = |value: &str| -> Option<String> {
        let (scheme, rest) = value.split_once(' ')?;
        scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| rest.trim().to_owned())
    };
    let api_token = header("x-api-token")
        .map(|v| strip_bearer(v).unwrap_or_else(|| v.to_owned()))
        .is_some_and(|t| t == DEMO_API_TOKEN);
    let bearer = header("authorization")
        .and_then(strip_bearer)
        .is_some_and(|t| t == DEMO_API_TOKEN);
    api_token || bearer
}

async fn mount_integration(api: &MockApi) {
    let achievements = edges(ACHIEVEMENTS_LIST);
    let mut by_id: Vec<Value> = Vec::new();
    for raw in SINGLE_ACHIEVEMENTS {
        let value: Value = serde_json::from_str(raw).unwrap_or(Value::Null);
        match value.get("edges").and_then(Value::as_array) {
            Some(items) => by_id.extend(items.iter().cloned()),
            None => by_id.push(value),
        }
    }
    let lists: [(&str, &str, Vec<Value>); 5] = [
        ("/achievements", "getAchievements", achievements),
        ("/rewards", "getRewards", edges(REWARDS_LIST)),
        ("/me/rewards", "getMyRewards", edges(ME_REWARDS)),
        (
            "/me/reward-entries",
            "getMyRewardEntries",
            edges(ME_REWARD_ENTRIES),
        ),
        (
            "/leaderboards/configs",
            "getLeaderboardConfigs",
            edges(LEADERBOARDS),
        ),
    ];
    for (template, procedure, items) in lists {
        api.mount(api.route("GET", template).respond_with(PagedList {
            procedure,
            items: Arc::new(items),
        }))
        .await;
    }
    let singles: [(&str, &str, &str, Vec<Value>); 2] = [
        (
            "/achievements/{achievementId}",
            "getAchievementById",
            "Achievement not found",
            by_id,
        ),
        (
            "/me/reward-entries/{rewardEntryId}",
            "getMyRewardEntryById",
            "Reward entry not found",
            edges(ME_REWARD_ENTRIES),
        ),
    ];
    for (template, procedure, missing, items) in singles {
        api.mount(api.route("GET", template).respond_with(ById {
            procedure,
            missing,
            items: Arc::new(items),
        }))
        .await;
    }
    api.mount_json("GET", "/me/streaks", 200, ME_STREAKS).await;
}

fn edges(raw: &str) -> Vec<Value> {
    serde_json::from_str::<Value>(raw)
        .ok()
        .and_then(|v| v.get("edges").and_then(Value::as_array).cloned())
        .unwrap_or_default()
}

fn trpc_error(status: u16, code: &str, message: &str, path: &str) -> String {
    json!({"message": message, "code": code, "data": {"httpStatus": status, "path": path}})
        .to_string()
}

/// Serves a `{totalCount, edges}` page of `items` for `limit`, `skip` and `search`.
struct PagedList {
    procedure: &'static str,
    items: Arc<Vec<Value>>,
}

impl Respond for PagedList {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut limit: usize = 10;
        let mut skip: usize = 0;
        let mut search: Option<String> = None;
        for (key, value) in request.url.query_pairs() {
            match key.as_ref() {
                "limit" => match value.parse::<usize>() {
                    Ok(n) if (1..=100).contains(&n) => limit = n,
                    _ => {
                        return bad_request(
                            &format!(
                                "Invalid input: limit must be an integer within 1..100, got {value}"
                            ),
                            self.procedure,
                        );
                    }
                },
                "skip" => match value.parse::<usize>() {
                    Ok(n) => skip = n,
                    _ => {
                        return bad_request(
                            &format!(
                                "Invalid input: skip must be a non-negative integer, got {value}"
                            ),
                            self.procedure,
                        );
                    }
                },
                "search" => search = Some(value.to_lowercase()),
                _ => {}
            }
        }
        let matching: Vec<&Value> = self
            .items
            .iter()
            .filter(|item| match &search {
                Some(needle) => label(item).to_lowercase().contains(needle.as_str()),
                None => true,
            })
            .collect();
        let page: Vec<&Value> = matching.iter().copied().skip(skip).take(limit).collect();
        json(
            200,
            &json!({"totalCount": matching.len(), "edges": page}).to_string(),
        )
    }
}

/// The text `search` matches: the title, else the name.
fn label(item: &Value) -> &str {
    item.pointer("/details/title")
        .and_then(Value::as_str)
        .or_else(|| item.get("name").and_then(Value::as_str))
        .unwrap_or_default()
}

fn bad_request(message: &str, procedure: &str) -> ResponseTemplate {
    json(400, &trpc_error(400, "BAD_REQUEST", message, procedure))
}

/// Serves the item whose `id` is the last path segment, or a tRPC 404.
struct ById {
    procedure: &'static str,
    missing: &'static str,
    items: Arc<Vec<Value>>,
}

impl Respond for ById {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let id = request
            .url
            .path_segments()
            .and_then(|mut s| s.next_back())
            .map(percent_decode)
            .unwrap_or_default();
        match self
            .items
            .iter()
            .find(|item| item.get("id").and_then(Value::as_str) == Some(id.as_str()))
        {
            Some(item) => json(200, &item.to_string()),
            None => json(
                404,
                &trpc_error(404, "NOT_FOUND", self.missing, self.procedure),
            ),
        }
    }
}

/// Checks a custom-event body and answers as Nudj does.
struct CustomEventResponder;

impl Respond for CustomEventResponder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        const PROCEDURE: &str = "createCustomEvent";
        let Ok(body) = serde_json::from_slice::<Value>(&request.body) else {
            return bad_request("Invalid input: the body is not JSON", PROCEDURE);
        };
        let text = |key: &str| {
            body.get(key)
                .and_then(Value::as_str)
                .filter(|s| !s.trim().is_empty())
        };
        let Some(name) = text("eventName") else {
            return bad_request(
                "Invalid input: expected string for body.eventName",
                PROCEDURE,
            );
        };
        let Some(user) = text("userId") else {
            return bad_request("Invalid input: expected string for body.userId", PROCEDURE);
        };
        if !body.get("payload").is_some_and(Value::is_object) {
            return bad_request("Invalid input: expected object for body.payload", PROCEDURE);
        }
        if !matches!(
            body.get("communityId"),
            None | Some(Value::Null | Value::String(_))
        ) {
            return bad_request(
                "Invalid input: expected string for body.communityId",
                PROCEDURE,
            );
        }
        if !matches!(body.get("autoCreateUser"), None | Some(Value::Bool(_))) {
            return bad_request(
                "Invalid input: expected boolean for body.autoCreateUser",
                PROCEDURE,
            );
        }
        let is_nudj_id = user.len() == 24 && user.chars().all(|c| c.is_ascii_hexdigit());
        let receipt = if is_nudj_id {
            json!({"name": name, "userId": user})
        } else {
            json!({"name": name, "userId": DEMO_USER_ID, "externalUserId": user})
        };
        json(200, &receipt.to_string())
    }
}

/// Decodes `%XX` escapes of a path segment (invalid escapes are kept as they are).
fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes.get(i), bytes.get(i + 1), bytes.get(i + 2)) {
            (Some(b'%'), Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                let value = hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0);
                out.push(value as u8);
                i += 3;
            }
            (Some(&b), _, _) => {
                out.push(b);
                i += 1;
            }
            _ => break,
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_segments() {
        assert_eq!(percent_decode("%3Cstring%3E"), "<string>");
        assert_eq!(percent_decode("a%2F..%2Fb%3Fx%23"), "a/../b?x#");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }

    #[test]
    fn fixtures_are_present() {
        assert_eq!(edges(ACHIEVEMENTS_LIST).len(), 7);
        assert_eq!(edges(REWARDS_LIST).len(), 3);
        assert_eq!(edges(ME_REWARD_ENTRIES).len(), 2);
        for raw in SINGLE_ACHIEVEMENTS {
            assert!(serde_json::from_str::<Value>(raw).is_ok());
        }
    }
}
