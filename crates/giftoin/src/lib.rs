//! A typed async client for the [Giftoin](https://giftoin.org) API: a user's progress in
//! collection challenges, and orders for reseller campaigns.
//!
//! | call | endpoint |
//! |---|---|
//! | [`users().collection_challenges(platform, user)`](users::Users::collection_challenges) | `GET users/{platform}/{platformUserId}/progress/collection-challenges` |
//! | [`users().collection_challenge(platform, user, program)`](users::Users::collection_challenge) | `GET .../collection-challenges/{programId}` |
//! | [`orders().create(campaign, order)`](orders::Orders::create) | `POST gcm/reseller/campaign/{campaignId}/order` |
//!
//! ```no_run
//! use questkit_core::HasProgress;
//! use questkit_giftoin::{Giftoin, Order, Platform};
//!
//! # async fn run() -> questkit_core::Result<()> {
//! let giftoin = Giftoin::new(std::env::var("GIFTOIN_API_KEY").unwrap_or_default())?;
//! let challenges = giftoin
//!     .users()
//!     .collection_challenges(Platform::Discord, "123456789012345678")
//!     .await?;
//! for challenge in &challenges {
//!     let missing: Vec<_> = challenge.missing_cards().filter_map(|c| c.name.as_deref()).collect();
//!     println!("{:?}: {}% (missing {missing:?})", challenge.name, challenge.progress().percent());
//! }
//! let created = giftoin
//!     .orders()
//!     .create("campaign_456", Order::new(["player@example.com"]).points("point_789", 100))
//!     .await?;
//! println!("order {:?}", created.order_id);
//! # Ok(())
//! # }
//! ```
//!
//! What the client does about Giftoin's loose spots:
//!
//! - **Envelope.** Giftoin's conventions page wraps results in `{data, status}`; its endpoint
//!   pages show bare results. Both are accepted ([`envelope::Payload`]). A 2xx body that holds
//!   only an error status is returned as an error.
//! - **Errors.** `{status: {timestamp, errorCode, errorMessage}}` becomes
//!   [`Error::Api`] with the numeric code as text in `code` (`"5250"`) and the message; compare
//!   with [`ErrorCode`] constants. An invalid key is a **400** with code 1001, not a 401.
//! - **Key header.** Sent as `x-gft-api-key` by default, not the documented `x-gft_api_key`,
//!   because proxies drop header names with underscores; see [`AuthHeader`].
//! - **Optional fields.** Every program field is optional in the docs, so every model field is
//!   an `Option`; enums are open and keep unknown values.
//! - **Round trips.** Serializing a model gives back the server's values: IDs keep their JSON
//!   type (string or number, via [`questkit_core::LenientId`]), epoch-millisecond numbers stay
//!   the same integers, the status timestamp keeps its text ([`ServerTime`]). Normalised by
//!   design: numeric strings in number fields come back as numbers, `1`/`0` flags as booleans,
//!   a negative `timeLeft` as `0`, numbers in `reward.value` and order metadata as strings,
//!   and a `null` or empty card list is left out. `send_raw()` returns the body exactly as
//!   sent.
//! - **Orders** are never retried after they may have reached the server (only on connection
//!   errors and 429), and are checked with [`Order::validate`] before sending.
//!
//! Every collection challenge implements [`questkit_core::HasProgress`], so it can drive the same
//! progress bar as the other questkit clients:
//!
//! ```
//! use questkit_core::HasProgress;
//! use questkit_giftoin::CollectionChallenge;
//!
//! let challenge: CollectionChallenge = serde_json::from_str(
//!     r#"{"id": "program_123", "size": 10, "collectedCount": 3, "status": "in_progress"}"#,
//! ).unwrap();
//! assert_eq!(challenge.progress().percent(), 30);
//! assert_eq!(challenge.missing_count(), 7);
//! ```
#![deny(missing_docs)]
// On docs.rs, items behind a cargo feature say which one.
#![cfg_attr(docsrs, feature(doc_cfg))]
// Data from the network never panics the client.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod client;
mod decode;
pub mod envelope;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod orders;
pub mod platform;
mod serde_util;
pub mod users;

pub use client::{AuthHeader, DEFAULT_BASE_URL, Giftoin, GiftoinBuilder};
pub use envelope::{Envelope, Payload, ResponseStatus, ServerTime};
pub use error::{ErrorBody, ErrorCode};
pub use orders::{Order, OrderCreated, OrderValidationError};
pub use platform::Platform;
pub use users::{Card, CollectionChallenge, Program, Reward};

/// The questkit error and result types, re-exported for convenience.
pub use questkit_core::{Error, Result};
