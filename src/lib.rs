//! questkit: typed async clients for gamification progress APIs.
#![deny(missing_docs)]

pub use questkit_core as core;
pub use questkit_core::{Progress, HasProgress, SecretString};
