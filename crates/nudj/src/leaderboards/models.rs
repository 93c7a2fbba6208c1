//! Leaderboard configuration models.

use questkit_core::serde_helpers::null_as_default;
use serde::{Deserialize, Serialize};

use crate::achievements::ProgressPeriod;
use crate::rewards::{EntityStatus, RewardItem};
use questkit_core::DateText;

questkit_core::open_enum! {
    /// What a leaderboard ranks users by.
    pub enum LeaderboardMetric {
        /// XP earned.
        TotalXp => "total-xp",
        /// Challenges completed.
        TotalChallengesCompleted => "total-challenges-completed",
        /// Challenges started.
        TotalChallengesStarted => "total-challenges-started",
        /// Actions completed.
        TotalActionsCompleted => "total-actions-completed",
    }
}

questkit_core::open_enum! {
    /// The kind of a leaderboard condition (only `community` is documented).
    pub enum LeaderboardConditionType {
        /// Only users of one community take part.
        Community => "community",
    }
}

/// A leaderboard's configuration (`GET /leaderboards/configs`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LeaderboardConfig {
    /// The leaderboard's id.
    pub id: String,
    /// The organisation it belongs to.
    #[serde(default)]
    pub organisation_id: Option<String>,
    /// Its name.
    #[serde(default)]
    pub name: Option<String>,
    /// Its description.
    #[serde(default)]
    pub description: Option<String>,
    /// What users are ranked by.
    #[serde(default)]
    pub metric_type: Option<LeaderboardMetric>,
    /// The period after which the ranking restarts.
    #[serde(default)]
    pub period: Option<ProgressPeriod>,
    /// When it starts.
    #[serde(default)]
    pub starts_at: Option<DateText>,
    /// When it ends.
    #[serde(default)]
    pub expires_at: Option<DateText>,
    /// Its lifecycle status.
    #[serde(default)]
    pub status: Option<EntityStatus>,
    /// Who takes part.
    #[serde(default, deserialize_with = "null_as_default")]
    pub conditions: Vec<LeaderboardCondition>,
    /// What each rank band wins.
    #[serde(default, deserialize_with = "null_as_default")]
    pub reward: Vec<RankReward>,
    /// Rank bands and their distribution events (admin payloads).
    #[serde(default, deserialize_with = "null_as_default")]
    pub rewards_config: Vec<RankRewardConfig>,
    /// When it was created.
    #[serde(default)]
    pub created_at: Option<DateText>,
    /// When it was last changed.
    #[serde(default)]
    pub updated_at: Option<DateText>,
}

/// A condition restricting who takes part in a leaderboard.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LeaderboardCondition {
    /// The kind of condition.
    #[serde(default, rename = "type")]
    pub condition_type: Option<LeaderboardConditionType>,
    /// The community, for a `community` condition.
    #[serde(default)]
    pub community_id: Option<String>,
}

/// What the users ranked within `start_rank..=end_rank` win.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RankReward {
    /// The first rank of the band (1 is the top).
    #[serde(default)]
    pub start_rank: Option<u64>,
    /// The last rank of the band.
    #[serde(default)]
    pub end_rank: Option<u64>,
    /// Points given.
    #[serde(default)]
    pub points: Option<i64>,
    /// XP given.
    #[serde(default)]
    pub completion_xp: Option<i64>,
    /// Reward items given.
    #[serde(default, deserialize_with = "null_as_default")]
    pub items: Vec<RewardItem>,
}

/// A rank band and the distribution event that pays it (admin payloads).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RankRewardConfig {
    /// The first rank of the band.
    #[serde(default)]
    pub start_rank: Option<u64>,
    /// The last rank of the band.
    #[serde(default)]
    pub end_rank: Option<u64>,
    /// The distribution event.
    #[serde(default)]
    pub distribution_event_id: Option<String>,
}
