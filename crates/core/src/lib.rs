//! questkit-core: the shared mechanism of the questkit API clients.
//!
//! The vendor crates (`questkit-trophy`, `questkit-nudj`, `questkit-goals`, `questkit-giftoin`)
//! are thin layers over this crate. It holds:
//!
//! - [`Transport`]: one `reqwest` connection pool, a base URL whose path is kept, credentials,
//!   timeouts, a body-size limit and the retry loop; [`Request`]: the call value you `.await`.
//! - [`Auth`]: API-key headers, bearer tokens, a [`TokenSource`] that logs in and refreshes.
//! - [`Error`]: one error type for the family; [`RetryPolicy`]: when to retry, as a pure
//!   function.
//! - [`path`]: IDs encoded as exactly one path segment; [`pagination`]: offset and next-link
//!   pagers as `Stream`s.
//! - [`open_enum!`], [`serde_helpers`], [`SecretString`] and the common [`Progress`] view.
//!
//! ```no_run
//! use questkit_core::{Auth, Transport};
//!
//! # async fn run() -> questkit_core::Result<()> {
//! let transport = Transport::builder("trophy")
//!     .base_url("https://api.trophy.so/v1")
//!     .auth(Auth::header("X-API-KEY", std::env::var("TROPHY_API_KEY").unwrap_or_default()))
//!     .build()?;
//! let metric: serde_json::Value = transport
//!     .get("users/{id}/metrics/{key}", &["user-1", "words-written"])
//!     .await?;
//! println!("{metric}");
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]
// On docs.rs, items behind a cargo feature say which one.
#![cfg_attr(docsrs, feature(doc_cfg))]
// Data from the network must never panic the client: no unwrap, expect or panic outside tests.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod auth;
pub mod batch;
pub mod date_text;
pub mod decode;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod lenient_id;
pub mod open_enum;
pub mod pagination;
pub mod patch;
pub mod path;
pub mod progress;
pub mod rate_limit;
pub mod request;
pub mod retry;
pub mod secret;
pub mod serde_helpers;
pub mod signing;
pub mod transport;

pub use auth::{Auth, TokenSource};
pub use date_text::DateText;
pub use error::{ApiError, DecodeError, Error, ErrorDetails, ErrorParser, FieldError, Result};
pub use lenient_id::LenientId;
pub use patch::Patch;
pub use progress::{HasProgress, Progress};
pub use rate_limit::{BucketLimits, LocalRateLimiter, RateLimit, RateLimiter};
pub use request::{BoxFuture, Decoder, RawResponse, Request, decode_error, decode_json};
pub use retry::RetryPolicy;
pub use secret::SecretString;
pub use signing::{RequestSigner, SigningInput};
pub use transport::{Transport, TransportBuilder};

/// Re-exported so vendor crates and users name the same `reqwest` and `http` types.
pub use reqwest;

/// The request id a response carries, from the headers servers commonly use.
pub fn request_id(headers: &reqwest::header::HeaderMap) -> Option<String> {
    use reqwest::header::HeaderName;
    // Parsed once at compile time: a lookup by `&str` would parse each name on every response.
    const NAMES: [HeaderName; 5] = [
        HeaderName::from_static("x-request-id"),
        HeaderName::from_static("request-id"),
        HeaderName::from_static("x-correlation-id"),
        HeaderName::from_static("x-amzn-requestid"),
        HeaderName::from_static("x-trace-id"),
    ];
    if headers.is_empty() {
        return None;
    }
    NAMES.iter().find_map(|name| {
        let value = headers.get(name)?.to_str().ok()?.trim();
        (!value.is_empty()).then(|| value.chars().take(128).collect())
    })
}

#[doc(hidden)]
pub mod __private {
    pub use serde;
}
