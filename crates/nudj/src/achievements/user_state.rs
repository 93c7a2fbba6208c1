//! The calling user's progress on an achievement: a tree that mirrors the criteria tree.
// Progress trees and lenient values come from the network: no indexing, no unchecked arithmetic.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use questkit_core::decode::object::Item;
use questkit_core::serde_helpers::{lenient_f64, null_as_default};
use questkit_core::{HasProgress, Progress};
use serde::{Deserialize, Serialize};

use super::criteria::ConditionType;
use crate::rewards::{RewardAsset, RewardEntry};
use questkit_core::DateText;

questkit_core::open_enum! {
    /// Where the user stands on an achievement.
    ///
    /// Only `abandoned` and `completed` have been seen in the documentation; others exist.
    pub enum UserAchievementStatus {
        /// The user gave up or the period ended before completion.
        Abandoned => "abandoned",
        /// The achievement is complete.
        Completed => "completed",
    }
}

/// Declares a struct with [`ProgressNode`]'s fields followed by `$extra` ones.
///
/// A user state is the root progress node with aggregates beside it.
/// The public models hold the root node as a field; they are read through a flat wire
/// struct declared with this macro, in one pass, where `#[serde(flatten)]` would buffer the
/// whole object first.
macro_rules! with_progress_fields {
    ($(#[$meta:meta])* $vis:vis struct $name:ident { $($extra:tt)* }) => {
        $(#[$meta])*
        $vis struct $name {
            /// The type of the criteria node this mirrors.
            #[serde(default, rename = "type")]
            pub node_type: Option<ConditionType>,
            /// Whether the node's condition is met.
            #[serde(default)]
            pub is_complete: Option<bool>,
            /// The measured value (sum or count) so far. A numeric string is read too and, by
            /// design, written back as a number.
            #[serde(default, with = "lenient_f64::option")]
            pub current_value: Option<f64>,
            /// The threshold the measured value is compared with (a numeric string is read too and
            /// written back as a number).
            #[serde(default, with = "lenient_f64::option")]
            pub target_value: Option<f64>,
            /// Progress on the children of a logical node.
            #[serde(default, deserialize_with = "null_as_default")]
            pub conditions: Vec<ProgressNode>,
            $($extra)*
        }
    };
}

/// Moves the [`ProgressNode`] fields out of a wire struct declared with [`with_progress_fields!`].
macro_rules! take_progress {
    ($wire:ident) => {
        ProgressNode {
            node_type: $wire.node_type,
            is_complete: $wire.is_complete,
            current_value: $wire.current_value,
            target_value: $wire.target_value,
            conditions: $wire.conditions,
        }
    };
}

with_progress_fields! {
    /// The user's progress on one criteria node.
    ///
    /// Logical nodes carry one child per child condition, in the same order as the criteria.
    /// Every field is optional: children have been seen as empty objects.
    #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[non_exhaustive]
    pub struct ProgressNode {}
}

impl HasProgress for ProgressNode {
    /// The node's values; a node without values counts its completed children.
    fn progress(&self) -> Progress {
        let (current, target) = match (self.current_value, self.target_value) {
            (None, None) if !self.conditions.is_empty() => {
                let done = self
                    .conditions
                    .iter()
                    .filter(|c| c.is_complete == Some(true))
                    .count();
                (done as f64, Some(self.conditions.len() as f64))
            }
            (current, target) => (current.unwrap_or(0.0), target),
        };
        let progress = Progress::new(current, target);
        match self.is_complete {
            Some(done) => progress.completed(done),
            None => progress,
        }
    }
}

/// A reward asset earned through an achievement: a reference (older payloads) or the full asset.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EarnedRewardAsset {
    /// The older `{rewardAssetId, rewardId}` form.
    Reference(RewardAssetRef),
    /// The newer form: the whole asset.
    Full(Box<RewardAsset>),
    /// Anything else, kept verbatim.
    Other(serde_json::Value),
}

impl EarnedRewardAsset {
    /// The asset's id, whichever form it came in.
    pub fn asset_id(&self) -> Option<&str> {
        match self {
            EarnedRewardAsset::Reference(r) => Some(&r.reward_asset_id),
            EarnedRewardAsset::Full(asset) => Some(&asset.id),
            EarnedRewardAsset::Other(raw) => raw.get("id").and_then(|v| v.as_str()),
        }
    }

    /// The id of the reward the asset belongs to.
    pub fn reward_id(&self) -> Option<&str> {
        match self {
            EarnedRewardAsset::Reference(r) => r.reward_id.as_deref(),
            EarnedRewardAsset::Full(asset) => asset.reward_id.as_deref(),
            EarnedRewardAsset::Other(raw) => raw.get("rewardId").and_then(|v| v.as_str()),
        }
    }
}

/// The older reference to an earned reward asset.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RewardAssetRef {
    /// The earned asset.
    pub reward_asset_id: String,
    /// The reward it belongs to.
    #[serde(default)]
    pub reward_id: Option<String>,
}

/// A reward entry earned through an achievement: a reference (older payloads) or the full entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EarnedRewardEntry {
    /// The older `{rewardEntryId, rewardId, amount}` form.
    Reference(RewardEntryRef),
    /// The newer form: the whole entry.
    Full(Box<RewardEntry>),
    /// Anything else, kept verbatim.
    Other(serde_json::Value),
}

impl EarnedRewardEntry {
    /// The entry's id, whichever form it came in.
    pub fn entry_id(&self) -> Option<&str> {
        match self {
            EarnedRewardEntry::Reference(r) => Some(&r.reward_entry_id),
            EarnedRewardEntry::Full(entry) => Some(&entry.id),
            EarnedRewardEntry::Other(raw) => raw.get("id").and_then(|v| v.as_str()),
        }
    }
}

/// The older reference to an earned reward entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RewardEntryRef {
    /// The entry.
    pub reward_entry_id: String,
    /// The reward (prize draw) it enters.
    #[serde(default)]
    pub reward_id: Option<String>,
    /// How many entries were earned.
    #[serde(default)]
    pub amount: Option<u64>,
}

/// The calling user's state on an achievement: aggregates plus the root progress node.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", from = "Item<UserStateWire>")]
#[non_exhaustive]
pub struct UserState {
    /// Where the user stands.
    #[serde(default)]
    pub status: Option<UserAchievementStatus>,
    /// When the achievement was (last) completed.
    #[serde(default)]
    pub completed_at: Option<DateText>,
    /// How many times it was completed (repeating achievements complete once per period).
    #[serde(default)]
    pub times_completed: Option<u64>,
    /// Whether a reward can be claimed now.
    #[serde(default)]
    pub is_claimable: Option<bool>,
    /// Whether the reward was claimed.
    #[serde(default)]
    pub is_claimed: Option<bool>,
    /// When this state last changed.
    #[serde(default)]
    pub updated_at: Option<DateText>,
    /// Points earned through the achievement.
    #[serde(default)]
    pub earned_points: Option<i64>,
    /// XP earned through the achievement.
    #[serde(default)]
    pub earned_xp: Option<i64>,
    /// Reward assets earned.
    #[serde(default, deserialize_with = "null_as_default")]
    pub earned_reward_assets: Vec<EarnedRewardAsset>,
    /// Reward (prize draw) entries earned.
    #[serde(default, deserialize_with = "null_as_default")]
    pub earned_reward_entries: Vec<EarnedRewardEntry>,
    /// When periodic progress resets (daily, weekly, ... achievements).
    #[serde(default)]
    pub progress_resets_at: Option<DateText>,
    /// Progress on the root criteria node (its children follow the criteria tree).
    // Written flat; read through the flat wire form (see `with_progress_fields!`).
    #[serde(flatten)]
    pub progress: ProgressNode,
}

with_progress_fields! {
    /// [`UserState`] as it arrives: every field at one level.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct UserStateWire {
        #[serde(default)]
        status: Option<UserAchievementStatus>,
        #[serde(default)]
        completed_at: Option<DateText>,
        #[serde(default)]
        times_completed: Option<u64>,
        #[serde(default)]
        is_claimable: Option<bool>,
        #[serde(default)]
        is_claimed: Option<bool>,
        #[serde(default)]
        updated_at: Option<DateText>,
        #[serde(default)]
        earned_points: Option<i64>,
        #[serde(default)]
        earned_xp: Option<i64>,
        #[serde(default, deserialize_with = "null_as_default")]
        earned_reward_assets: Vec<EarnedRewardAsset>,
        #[serde(default, deserialize_with = "null_as_default")]
        earned_reward_entries: Vec<EarnedRewardEntry>,
        #[serde(default)]
        progress_resets_at: Option<DateText>,
    }
}

/// Read from a JSON object only, as a flattened model was: never an array by position.
impl From<Item<UserStateWire>> for UserState {
    fn from(Item(wire): Item<UserStateWire>) -> Self {
        UserState {
            progress: take_progress!(wire),
            status: wire.status,
            completed_at: wire.completed_at,
            times_completed: wire.times_completed,
            is_claimable: wire.is_claimable,
            is_claimed: wire.is_claimed,
            updated_at: wire.updated_at,
            earned_points: wire.earned_points,
            earned_xp: wire.earned_xp,
            earned_reward_assets: wire.earned_reward_assets,
            earned_reward_entries: wire.earned_reward_entries,
            progress_resets_at: wire.progress_resets_at,
        }
    }
}

impl UserState {
    /// Whether the achievement is complete: the root node says so, the status is `completed`,
    /// or a completion time is set.
    pub fn is_completed(&self) -> bool {
        self.progress.is_complete == Some(true)
            || self.status == Some(UserAchievementStatus::Completed)
            || self
                .completed_at
                .as_ref()
                .and_then(DateText::date_time)
                .is_some()
    }
}

impl HasProgress for UserState {
    /// Root current against root target; completed and completion time from the aggregates.
    fn progress(&self) -> Progress {
        let progress = self.progress.progress();
        let completed_at = self.completed_at.as_ref().and_then(DateText::date_time);
        progress
            .completed(self.is_completed())
            .completed_at(completed_at)
    }
}
