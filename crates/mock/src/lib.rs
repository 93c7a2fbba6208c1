//! Mock servers of the Trophy, Nudj, Epixel Goals and Giftoin APIs, for examples, the
//! questkit test suite and your own tests.
//!
//! Each API module (`trophy`, `nudj`, `goals`, `giftoin`) starts a real HTTP server on
//! `127.0.0.1` with every endpoint its client covers, answering from the recorded fixtures,
//! checking credentials (a vendor-shaped 401 otherwise) and recording what it received.
//! Trophy's admin API is served beside its application API ([`trophy_admin`], reached with
//! `TrophyMock::admin`). The shared machinery is [`MockApi`]: mount fixtures, inject faults
//! for the next requests ([`Fault`]), read the requests received.
//!
//! ```
//! use questkit_mock::{ApiSpec, Fault, MockApi};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let spec = ApiSpec::new("demo", "/v1")
//!     .api_key_header("x-api-key", "demo-key")
//!     .unauthorized(401, r#"{"error":"unauthorized"}"#);
//! let api = MockApi::start(spec).await;
//! api.mount_json("GET", "/things/{id}", 200, r#"{"id":"1"}"#).await;
//! api.fail_next(1, Fault::status(503)).await;
//! assert!(api.uri().starts_with("http://127.0.0.1:"));
//! # }
//! ```
#![deny(missing_docs)]
// On docs.rs, items behind a cargo feature say which one.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod api;
mod fault;
#[cfg(feature = "giftoin")]
pub mod giftoin;
#[cfg(feature = "goals")]
pub mod goals;
mod matchers;
#[cfg(feature = "nudj")]
pub mod nudj;
pub mod redis_server;
#[cfg(all(
    feature = "trophy",
    feature = "nudj",
    feature = "goals",
    feature = "giftoin"
))]
mod suite;
#[cfg(feature = "trophy")]
pub mod trophy;
#[cfg(feature = "trophy")]
pub mod trophy_admin;
#[cfg(feature = "trophy")]
pub mod trophy_traffic;

pub use api::{ApiSpec, AuthCheck, MockApi, json};
pub use fault::Fault;
pub use matchers::PathTemplate;
#[cfg(all(
    feature = "trophy",
    feature = "nudj",
    feature = "goals",
    feature = "giftoin"
))]
pub use suite::{MockSuite, PREFIXES};
pub use wiremock;
