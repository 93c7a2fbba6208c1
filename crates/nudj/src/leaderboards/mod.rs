//! Leaderboards: their configurations.

mod models;

pub use models::{
    LeaderboardCondition, LeaderboardConditionType, LeaderboardConfig, LeaderboardMetric,
    RankReward, RankRewardConfig,
};

use crate::client::Nudj;
use crate::list::ListCall;

/// Leaderboards: `GET /leaderboards/configs`.
#[derive(Clone, Copy, Debug)]
pub struct Leaderboards<'a> {
    nudj: &'a Nudj,
}

impl<'a> Leaderboards<'a> {
    pub(crate) fn new(nudj: &'a Nudj) -> Self {
        Leaderboards { nudj }
    }

    /// A page of leaderboard configurations, or all of them with `.stream()`.
    pub fn configs(&self) -> ListCall<LeaderboardConfig> {
        ListCall::new(self.nudj, "leaderboards/configs", "leaderboards.configs")
    }
}
