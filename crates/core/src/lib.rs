//! questkit-core: the shared mechanism of the questkit API clients.
//!
//! The vendor crates (`questkit-trophy`, `questkit-nudj`, `questkit-goals`, `questkit-giftoin`)
//! are thin layers over this crate: it holds the HTTP transport, authentication, errors,
//! retries, path and query building, pagination, secrets, open enums, serde helpers and the
//! common [`Progress`] view.
#![deny(missing_docs)]

pub mod open_enum;
pub mod progress;
pub mod secret;
pub mod serde_helpers;

pub use progress::{HasProgress, Progress};
pub use secret::SecretString;

#[doc(hidden)]
pub mod __private {
    pub use serde;
}
