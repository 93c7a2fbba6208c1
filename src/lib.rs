//! questkit: typed async clients for gamification progress APIs.
//!
//! One consistent client design over four upstream services, each behind a cargo feature
//! (all on by default):
//!
//! | module | API | crate |
//! |---|---|---|
//! | [`trophy`] | Trophy metrics, achievements, streaks, points, leaderboards | `questkit-trophy` |
//! | [`nudj`] | Nudj criteria achievements, rewards, leaderboards, streaks | `questkit-nudj` |
//! | [`goals`] | Epixel MLM "Profiles - Goals" | `questkit-goals` |
//! | [`giftoin`] | Giftoin collection challenges and orders | `questkit-giftoin` |
//! | [`mock`] | mock servers of all four (feature `mock`) | `questkit-mock` |
//!
//! Every client shares [`core`]: one [`Error`] type, retries with backoff, timeouts, secrets
//! that never print, and the [`Progress`] view. [`progress::ProgressItem`] turns what each API
//! reports into one list of progress bars for a user.
#![deny(missing_docs)]
// On docs.rs, items behind a cargo feature say which one.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod progress;

pub use questkit_core as core;
pub use questkit_core::{Error, HasProgress, Progress, Result, SecretString};

#[cfg(feature = "giftoin")]
pub use questkit_giftoin as giftoin;
#[cfg(feature = "goals")]
pub use questkit_goals as goals;
#[cfg(feature = "mock")]
pub use questkit_mock as mock;
#[cfg(feature = "nudj")]
pub use questkit_nudj as nudj;
#[cfg(feature = "trophy")]
pub use questkit_trophy as trophy;

/// The README's code blocks, compiled as doc tests so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
