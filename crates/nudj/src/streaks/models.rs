//! Streak models.

use questkit_core::serde_helpers::null_as_default;
use serde::{Deserialize, Serialize};

use crate::events::EventSubCategory;

/// A streak configuration and the user's standing on it (`GET /me/streaks`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Streak {
    /// The streak configuration's id.
    pub id: String,
    /// The organisation it belongs to.
    #[serde(default)]
    pub organisation_id: Option<String>,
    /// The community it applies to; `None` for an organisation-wide streak.
    #[serde(default)]
    pub community_id: Option<String>,
    /// Whether the streak is active.
    #[serde(default)]
    pub is_enabled: Option<bool>,
    /// The events that extend the streak.
    #[serde(default)]
    pub trigger_events: Option<StreakTriggers>,
    /// The user's standing.
    #[serde(default)]
    pub user_state: Option<StreakUserState>,
}

/// The events that extend a streak.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct StreakTriggers {
    /// Platform events.
    #[serde(default, deserialize_with = "null_as_default")]
    pub platform: Vec<EventSubCategory>,
    /// Custom event names.
    #[serde(default, deserialize_with = "null_as_default")]
    pub custom: Vec<String>,
}

/// The user's standing on a streak.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct StreakUserState {
    /// Consecutive periods so far.
    #[serde(default)]
    pub current_streak: Option<u64>,
    /// Whether today already counts.
    #[serde(default)]
    pub is_current_day_complete: Option<bool>,
}
