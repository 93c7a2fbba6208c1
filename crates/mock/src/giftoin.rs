//! The Giftoin mock API: collection-challenge progress and reseller orders under `/api/v1`.
//!
//! - Credentials: the key in any of `x-gft_api_key`, `x-gft-api-key` or `gft-api-key`. No key
//!   answers 401 with error code 1002; a wrong key answers 400 with code 1001, as Giftoin
//!   documents.
//! - `GET users/{platform}/{platformUserId}/progress/collection-challenges`: four programs (the
//!   seed's `program_123`, an open-ended one, one with unknown enum values, a completed one) for
//!   any user on `discord` or `roblox`; another platform answers 400.
//! - `GET .../collection-challenges/{programId}`: one of those programs, 404 for another ID.
//! - `POST gcm/reseller/campaign/{campaignId}/order`: 201 `{orderId, status}` for
//!   [`DEMO_CAMPAIGN_ID`], 404 with code 5250 for another campaign, 400 for a body without
//!   contacts or with more than 10 metadata pairs.
//!
//! Success bodies are bare, as the endpoint pages show; [`GiftoinMock::set_enveloped`] wraps
//! them in `{data, status}` as the conventions page describes.
//!
//! ```
//! use questkit_mock::giftoin::GiftoinMock;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let mock = GiftoinMock::start().await;
//! assert!(mock.uri().ends_with("/api/v1"));
//! mock.set_enveloped(true);
//! # }
//! ```

use std::ops::Deref;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::api::{ApiSpec, MockApi, json};

/// The API key the mock accepts.
pub const DEMO_API_KEY: &str = "gft_demo_key";
/// The campaign the mock creates orders for; any other campaign is "not found" (5250).
pub const DEMO_CAMPAIGN_ID: &str = "campaign_456";
/// The platforms the mock serves users of.
pub const PLATFORMS: [&str; 2] = ["discord", "roblox"];
/// The header names Giftoin accepts for the API key.
pub const KEY_HEADERS: [&str; 3] = ["x-gft_api_key", "x-gft-api-key", "gft-api-key"];

/// The IDs of the programs the mock serves, in list order.
pub const PROGRAM_IDS: [&str; 4] = [
    "program_123",
    "program_evergreen",
    "program_unknowns",
    "program_done",
];

const PROGRAMS: [&str; 4] = [
    include_str!("../fixtures/giftoin/progress_single.seed.json"),
    include_str!("../fixtures/giftoin/program_open_ended.json"),
    include_str!("../fixtures/giftoin/program_unknown_values.json"),
    include_str!("../fixtures/giftoin/program_completed.json"),
];
const ORDER_CREATED: &str = include_str!("../fixtures/giftoin/order_created.json");
const KEY_MISSING: &str = include_str!("../fixtures/giftoin/error_401_1002.json");
const KEY_INVALID: &str = include_str!("../fixtures/giftoin/error_400_1001.json");
const CAMPAIGN_NOT_FOUND: &str = include_str!("../fixtures/giftoin/error_404_5250.json");

/// Checked after the credential check (2) and before the fixtures (5).
const WRONG_KEY_PRIORITY: u8 = 3;

const LIST_TEMPLATE: &str = "/users/{platform}/{platformUserId}/progress/collection-challenges";
const SINGLE_TEMPLATE: &str =
    "/users/{platform}/{platformUserId}/progress/collection-challenges/{programId}";
const ORDER_TEMPLATE: &str = "/gcm/reseller/campaign/{campaignId}/order";

/// A running Giftoin mock. Derefs to [`MockApi`] for faults and received requests.
#[derive(Clone, Debug)]
pub struct GiftoinMock {
    api: MockApi,
    enveloped: Arc<AtomicBool>,
}

impl GiftoinMock {
    /// Starts the mock on its own server on `127.0.0.1`.
    pub async fn start() -> Self {
        GiftoinMock::on_server(Arc::new(MockServer::start().await), "").await
    }

    /// Serves the mock on a shared server under `mount_prefix` (`/giftoin`).
    pub async fn on_server(server: Arc<MockServer>, mount_prefix: &str) -> Self {
        let spec = ApiSpec::new("giftoin", "/api/v1")
            .auth_check(|request: &Request| presented_keys(request).next().is_some())
            .unauthorized(401, KEY_MISSING)
            .not_found(404, &error_body(404, "Not found"));
        let api = MockApi::on_server(server, mount_prefix, spec).await;
        let enveloped = Arc::new(AtomicBool::new(false));

        Mock::given(|request: &Request| {
            presented_keys(request).next().is_some()
                && !presented_keys(request).any(|key| key == DEMO_API_KEY)
        })
        .and(api_prefix_matcher(api.prefix().to_owned()))
        .respond_with(json(400, KEY_INVALID))
        .with_priority(WRONG_KEY_PRIORITY)
        .named("giftoin invalid key")
        .mount(api.server())
        .await;

        let responder = Responder {
            enveloped: enveloped.clone(),
        };
        api.mount(
            api.route("GET", LIST_TEMPLATE)
                .respond_with(Route::List(responder.clone())),
        )
        .await;
        api.mount(
            api.route("GET", SINGLE_TEMPLATE)
                .respond_with(Route::Single(responder.clone())),
        )
        .await;
        api.mount(
            api.route("POST", ORDER_TEMPLATE)
                .respond_with(Route::Order(responder)),
        )
        .await;
        GiftoinMock { api, enveloped }
    }

    /// The base URL to give the client (`http://127.0.0.1:PORT/api/v1`).
    pub fn uri(&self) -> String {
        self.api.uri()
    }

    /// Wraps success bodies in `{data, status: {timestamp}}` (or sends them bare again).
    pub fn set_enveloped(&self, enveloped: bool) {
        self.enveloped.store(enveloped, Ordering::SeqCst);
    }

    /// The JSON of a program the mock serves, by ID.
    pub fn program_json(id: &str) -> Option<&'static str> {
        PROGRAM_IDS
            .iter()
            .position(|known| *known == id)
            .and_then(|i| PROGRAMS.get(i).copied())
    }
}

impl Deref for GiftoinMock {
    type Target = MockApi;

    fn deref(&self) -> &MockApi {
        &self.api
    }
}

/// The non-empty API keys a request carries, under any accepted header name.
fn presented_keys(request: &Request) -> impl Iterator<Item = &str> {
    KEY_HEADERS.into_iter().filter_map(|name| {
        request
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    })
}

fn api_prefix_matcher(prefix: String) -> impl Fn(&Request) -> bool + Send + Sync + 'static {
    move |request: &Request| {
        let path = request.url.path();
        path == prefix
            || path
                .strip_prefix(prefix.as_str())
                .is_some_and(|rest| rest.starts_with('/'))
    }
}

fn now_millis() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default()
}

/// A Giftoin error body.
fn error_body(code: u16, message: &str) -> String {
    let body = serde_json::json!({
        "status": {
            "timestamp": now_millis().to_string(),
            "errorCode": code,
            "errorMessage": message,
        }
    });
    body.to_string()
}

#[derive(Clone)]
struct Responder {
    enveloped: Arc<AtomicBool>,
}

impl Responder {
    fn success(&self, status: u16, body: &str) -> ResponseTemplate {
        if self.enveloped.load(Ordering::SeqCst) {
            let wrapped = format!(
                "{{\"data\":{},\"status\":{{\"timestamp\":\"{}\"}}}}",
                body.trim(),
                now_millis()
            );
            json(status, &wrapped)
        } else {
            json(status, body)
        }
    }
}

enum Route {
    List(Responder),
    Single(Responder),
    Order(Responder),
}

/// The path segments after `/users/` or `/campaign/`, still percent-encoded.
fn segments_after<'a>(request: &'a Request, marker: &str) -> Vec<&'a str> {
    let path = request.url.path();
    match path.find(marker) {
        Some(at) => path[at + marker.len()..].split('/').collect(),
        None => Vec::new(),
    }
}

impl Respond for Route {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        match self {
            Route::List(responder) => {
                let segments = segments_after(request, "/users/");
                if !segments.first().is_some_and(|p| PLATFORMS.contains(p)) {
                    return json(400, &error_body(400, "Invalid value for \"platform\""));
                }
                responder.success(200, &format!("[{}]", PROGRAMS.map(str::trim).join(",")))
            }
            Route::Single(responder) => {
                let segments = segments_after(request, "/users/");
                if !segments.first().is_some_and(|p| PLATFORMS.contains(p)) {
                    return json(400, &error_body(400, "Invalid value for \"platform\""));
                }
                match segments.get(4).and_then(|id| GiftoinMock::program_json(id)) {
                    Some(program) => responder.success(200, program),
                    None => json(404, &error_body(404, "Program not found")),
                }
            }
            Route::Order(responder) => {
                let segments = segments_after(request, "/campaign/");
                if segments.first().copied() != Some(DEMO_CAMPAIGN_ID) {
                    return json(404, CAMPAIGN_NOT_FOUND);
                }
                match check_order(&request.body) {
                    Ok(()) => responder.success(201, ORDER_CREATED),
                    Err(message) => json(400, &error_body(400, message)),
                }
            }
        }
    }
}

/// The checks Giftoin documents for an order body.
fn check_order(body: &[u8]) -> Result<(), &'static str> {
    let body: Value = serde_json::from_slice(body).map_err(|_| "The body is not valid JSON")?;
    let contacts = body
        .get("contacts")
        .and_then(Value::as_array)
        .ok_or("Invalid value for \"contacts\"")?;
    if contacts.is_empty() || !contacts.iter().all(Value::is_string) {
        return Err("Invalid value for \"contacts\"");
    }
    match body.get("metadata") {
        None | Some(Value::Null) => {}
        Some(Value::Object(pairs)) if pairs.len() <= 10 => {}
        Some(_) => return Err("Invalid value for \"metadata\": at most 10 pairs"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_program_is_json_with_its_id() {
        for (id, text) in PROGRAM_IDS.iter().zip(PROGRAMS) {
            let value: Value = serde_json::from_str(text).unwrap();
            assert_eq!(value["id"], *id);
        }
        assert!(GiftoinMock::program_json("program_123").is_some());
        assert!(GiftoinMock::program_json("nope").is_none());
    }

    #[test]
    fn order_checks() {
        assert!(check_order(br#"{"contacts":["a@b.c"]}"#).is_ok());
        assert!(check_order(br#"{"contacts":[]}"#).is_err());
        assert!(check_order(br#"{"contacts":[1]}"#).is_err());
        assert!(check_order(br#"{"title":"x"}"#).is_err());
        assert!(check_order(b"not json").is_err());
        let many: serde_json::Map<String, Value> = (0..11)
            .map(|i| (format!("k{i}"), Value::from("v")))
            .collect();
        let body = serde_json::json!({"contacts": ["a@b.c"], "metadata": many});
        assert!(check_order(body.to_string().as_bytes()).is_err());
    }
}
