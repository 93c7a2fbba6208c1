//! questkit-goals: a typed client for the "Profiles - Goals" API of Epixel MLM deployments.
//!
//! Epixel MLM software runs on each customer's own domain, so there is no default host: the
//! base URL (`https://<domain>/<api prefix>/<version>/`) comes from the deployment. The crate
//! covers the two goal endpoints and the login that provides their bearer token:
//!
//! | call | endpoint | returns |
//! |---|---|---|
//! | [`Profiles::overview`] (`.profile_id(..)`) | `GET profiles/overview/` | [`Overview`] |
//! | [`Profiles::goals_leaderboard`] (`.profile(..)`, `.goal(..)`) | `GET profiles/user/goals-leaderboard/` | [`GoalsLeaderboard`] |
//! | [`User::login`], or automatically via [`GoalsBuilder::login`] | `POST user/login/` | [`LoginTokens`] |
//!
//! ```no_run
//! use questkit_core::HasProgress;
//! use questkit_goals::Goals;
//!
//! # async fn run() -> questkit_core::Result<()> {
//! let goals = Goals::builder()
//!     .base_url("https://mlm.example.com/api/v1/")
//!     .api_key("app-key")
//!     .login("distributor-42", "s3cret")
//!     .signature("signature-from-your-operator")
//!     .build()?;
//! let overview = goals.profiles().overview().await?;
//! for (key, goal) in &overview.user_goals {
//!     println!("{key}: {}%", goal.progress().percent());
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Responses and errors
//!
//! Every response except login is wrapped in an [`Envelope`] (`{status_code, errors, data}`).
//! The client returns the typed `data`; a body with a non-2xx `status_code` or a non-empty
//! `errors` is a [`questkit_core::Error::Api`] whatever the HTTP status, with the field
//! messages in `field_errors` (`profile` → "Invalid profile id.", `goal` → "Invalid goal
//! keyword."), whether the server sends each as a string or a list. A refused login
//! (`{detail, code}`) is an `Api` error too.
//!
//! The vendor page shows placeholders rather than types, so the models read numeric
//! placeholders as [`NumberOrText`] (numbers or numeric strings as numbers, other text such as
//! `"N/A"` kept, never failing the response), IDs as numbers or strings, flags as
//! `true`/`false` or `1`/`0`, and keep the server's key order in maps keyed by goal or user
//! ([`OrderedMap`]).
//!
//! Some values are normalised by design, so serializing a model can differ from the body
//! received: numeric strings come back as numbers, `1`/`0` flags as booleans, `null` lists as
//! `[]` and `[]` maps as `{}`. IDs keep their JSON type. For the bytes exactly as sent, use
//! `send_raw()` on any call.
//!
//! # What the client cannot know
//!
//! - **The `api-signature` algorithm.** Epixel requires the header on the goal endpoints but
//!   does not publish how it is computed. Supply it: a fixed value from your operator with
//!   [`GoalsBuilder::signature`], or a [`Signer`] with [`GoalsBuilder::signer`] that receives
//!   the method, path, query and body of each request. [`GoalsBuilder::without_signature`]
//!   sends none, for deployments that do not check it.
//! - **The token refresh endpoint.** The docs say access tokens expire and are renewed with the
//!   refresh token, but not where. By default the client logs in again after a 401 and retries
//!   once; if you know the path, set [`GoalsBuilder::refresh_path`] (and
//!   [`GoalsBuilder::refresh_token`] if you did not log in through the client).
//! - **The login body encoding.** The vendor's samples send form data; the client sends JSON,
//!   which the Django REST Framework stack the responses point to accepts by default.
#![deny(missing_docs)]
// On docs.rs, items behind a cargo feature say which one.
#![cfg_attr(docsrs, feature(doc_cfg))]
// Data from the network never panics the client.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod auth;
mod client;
mod envelope;
mod error;
#[doc(hidden)]
pub mod fuzzing;
mod ordered_map;
pub mod profiles;
mod signature;
mod token;
pub mod user;
mod values;

pub use auth::{AuthErrorBody, LoginTokens, TokenMessage};
pub use client::{Goals, GoalsBuilder};
pub use envelope::{Envelope, ErrorMessages, FieldErrors, NON_FIELD_ERRORS};
pub use ordered_map::OrderedMap;
pub use profiles::{
    Course, CurrentGoalDetails, Goal, GoalLeaderboardEntry, GoalStatus, GoalVariant,
    GoalsLeaderboard, GoalsLeaderboardCall, Overview, OverviewCall, Period, Profile,
    ProfileLeaderboardEntry, Profiles,
};
pub use signature::{SignatureInput, Signer};
pub use user::{LoginCall, User};
pub use values::NumberOrText;
