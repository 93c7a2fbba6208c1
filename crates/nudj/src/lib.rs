//! Typed client for Nudj's integration API, centred on achievements.
//!
//! A Nudj achievement is completed when its **criteria** tree holds: leaves sum or count the
//! events of a named query and compare the result with a threshold, logical nodes combine
//! leaves. The calling user's progress is a mirrored **user state** tree.
//! [`Achievement::explain`] turns the two into readable lines:
//!
//! ```text
//! [ ] all of:
//!   [ ] 35 / 50 spent in store (sum of amount >= 50)
//!   [x] any of:
//!     [ ] 1 / 3 store visits (count >= 3)
//!     [x] 2 / 2 product reviews (count >= 2)
//! ```
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use questkit_nudj::{CustomEvent, Nudj};
//!
//! # async fn run() -> questkit_core::Result<()> {
//! let nudj = Nudj::builder()
//!     .subdomain("acme")
//!     .api_token(std::env::var("NUDJ_API_TOKEN").unwrap_or_default())
//!     .language("en")
//!     .build()?;
//! let achievement = nudj.achievements().get("65a000000000000000000010").await?;
//! println!("{}", achievement.explain());
//!
//! let all: Vec<_> = nudj.achievements().list().stream().try_collect().await?;
//! let streaks = nudj.me().streaks().await?;
//! nudj.events()
//!     .custom(CustomEvent::new("purchase", "customer-8812").attribute("amount", 25))
//!     .await?;
//! # Ok(())
//! # }
//! ```
//!
//! Calls: [`Nudj::achievements`] (`get`, `list`), [`Nudj::rewards`] (`list`), [`Nudj::me`]
//! (`rewards`, `reward_entries`, `reward_entry`, `streaks`), [`Nudj::leaderboards`]
//! (`configs`) and [`Nudj::events`] (`custom`, on the admin API of the same host). Lists return
//! a [`Page`] and offer `.stream()`. Errors are `questkit_core::Error`; Nudj's tRPC body
//! (`{message, code, data}`) fills its code and message, and [`TrpcError::from_error`] gives
//! the whole body back.
//!
//! Models are forgiving: Nudj adds enum values without notice (every enum is open), documents
//! timestamps only as strings (kept verbatim as [`DateText`], parsed on demand with
//! [`DateText::date_time`] and [`DateText::date`], so no date form ever fails a response), has
//! changed its reward shapes over time (`reward` and the older `rewardDistribution` are both
//! read), and only documents the sum criteria node (other nodes that do not fit are kept as
//! [`Criteria::Unknown`]).
//!
//! Serializing a model gives back what the server sent, with these normalisations by design:
//! `null` lists and maps come back as `[]` / `{}`, numeric strings in progress values and
//! criteria thresholds (`"12.5"`) as numbers, a numeric tRPC `code` as a string, and a criteria
//! node in its documented nested shape. IDs keep their JSON type (an achievement `id` sent as
//! a number stays a number), timestamps their text. `send_raw()` returns the body exactly as
//! sent.
#![deny(missing_docs)]
// On docs.rs, items behind a cargo feature say which one.
#![cfg_attr(docsrs, feature(doc_cfg))]
// Data from the network never panics the client.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod achievements;
mod client;
mod common;
pub mod error;
pub mod events;
pub mod explain;
#[doc(hidden)]
pub mod fuzzing;
pub mod leaderboards;
mod list;
pub mod me;
mod page;
pub mod rewards;
pub mod streaks;

pub use achievements::{
    Achievement, ComparisonOperator, Criteria, LogicalOperator, ProgressNode, UserState,
};
pub use client::{
    ADMIN_PATH, API_TOKEN_HEADER, INTEGRATION_PATH, LANGUAGE_HEADER, Nudj, NudjBuilder,
};
pub use common::{Details, ImageRef, ThemeImages};
pub use error::{TrpcCode, TrpcError};
pub use events::{CustomEvent, CustomEventReceipt};
pub use explain::Explanation;
pub use leaderboards::LeaderboardConfig;
pub use list::{ListCall, MAX_LIMIT};
pub use page::Page;
/// Re-exported: the type of every Nudj timestamp.
pub use questkit_core::DateText;
pub use rewards::{Reward, RewardAsset, RewardEntry};
pub use streaks::Streak;
