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
// The benchmark's attribution build bypasses the send machinery, which is then unused.
#![cfg_attr(questkit_bare, allow(dead_code, unused_imports))]
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
pub use request::{
    BoxFuture, Decoder, RawResponse, Request, ResponseFuture, decode_error, decode_json,
};
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
    // One pass over the response's few headers rather than a hashed lookup per name. The
    // first value of each name counts, and the earliest name in `NAMES` with a usable value.
    let mut seen = [false; 5];
    let mut best: Option<(usize, &str)> = None;
    for (name, value) in headers {
        let Some(rank) = NAMES.iter().position(|known| known == name) else {
            continue;
        };
        let Some(first) = seen.get_mut(rank).filter(|seen| !**seen) else {
            continue;
        };
        *first = true;
        if best.is_some_and(|(held, _)| held < rank) {
            continue;
        }
        if let Some(text) = value.to_str().ok().map(str::trim).filter(|t| !t.is_empty()) {
            best = Some((rank, text));
        }
    }
    best.map(|(_, text)| text.chars().take(128).collect())
}

#[cfg(test)]
mod request_id_tests {
    use reqwest::header::{HeaderMap, HeaderValue};

    fn map(pairs: &[(&'static str, &[u8])]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_bytes(value).unwrap());
        }
        map
    }

    #[test]
    fn the_earliest_known_name_with_a_usable_first_value_wins() {
        assert_eq!(super::request_id(&map(&[])), None);
        assert_eq!(super::request_id(&map(&[("content-type", b"x")])), None);
        assert_eq!(
            super::request_id(&map(&[("x-trace-id", b"t"), ("x-request-id", b" r ")])).as_deref(),
            Some("r")
        );
        // An empty or non-text first value does not count; a second value of it is ignored.
        assert_eq!(
            super::request_id(&map(&[
                ("x-request-id", b" "),
                ("x-request-id", b"second"),
                ("request-id", b"q"),
            ]))
            .as_deref(),
            Some("q")
        );
        assert_eq!(
            super::request_id(&map(&[("x-request-id", b"\xff"), ("x-trace-id", b"t")])).as_deref(),
            Some("t")
        );
        assert_eq!(
            super::request_id(&map(&[("x-request-id", "é".repeat(200).as_bytes())]))
                .map(|id| id.chars().count()),
            None,
            "not visible ASCII: not text"
        );
        assert_eq!(
            super::request_id(&map(&[("x-request-id", "a".repeat(200).as_bytes())]))
                .map(|id| id.len()),
            Some(128)
        );
    }
}

#[doc(hidden)]
pub mod __private {
    pub use serde;
}
