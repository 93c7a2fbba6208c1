//! Achievements: criteria-driven goals and the calling user's progress on them.

mod criteria;
mod loose;
mod models;
mod user_state;

pub use criteria::{ComparisonOperator, ConditionType, Criteria, LogicalOperator};
pub use models::{
    Achievement, AchievementStats, DisplayMode, EventQuery, EventQueryParameters, ProgressPeriod,
    QueryDescription, QueryType,
};
pub use user_state::{
    EarnedRewardAsset, EarnedRewardEntry, ProgressNode, RewardAssetRef, RewardEntryRef,
    UserAchievementStatus, UserState,
};

use crate::client::{LANGUAGE_HEADER, Nudj};
use crate::list::ListCall;

/// The achievements API: `GET /achievements` and `GET /achievements/{achievementId}`.
///
/// Achievements come with the calling user's `userState`.
#[derive(Clone, Copy, Debug)]
pub struct Achievements<'a> {
    nudj: &'a Nudj,
}

impl<'a> Achievements<'a> {
    pub(crate) fn new(nudj: &'a Nudj) -> Self {
        Achievements { nudj }
    }

    /// One achievement with the user's progress (`GET /achievements/{achievementId}`).
    ///
    /// ```no_run
    /// # async fn run(nudj: questkit_nudj::Nudj) -> questkit_core::Result<()> {
    /// let achievement = nudj.achievements().get("65a000000000000000000001").language("fr").await?;
    /// println!("{}", achievement.explain());
    /// # Ok(())
    /// # }
    /// ```
    pub fn get(&self, achievement_id: &str) -> GetAchievement {
        GetAchievement::from(
            self.nudj
                .get("achievements/{achievementId}", &[achievement_id])
                .operation("achievements.get"),
        )
    }

    /// A page of achievements (`GET /achievements`), or all of them with `.stream()`.
    pub fn list(&self) -> ListCall<Achievement> {
        ListCall::new(self.nudj, "achievements", "achievements.list")
    }
}

questkit_core::call! {
    /// The call of [`Achievements::get`].
    pub struct GetAchievement -> Achievement;
}

impl GetAchievement {
    /// The response language for this call (overrides the client's).
    pub fn language(mut self, language: impl AsRef<str>) -> Self {
        self.inner = self.inner.header(LANGUAGE_HEADER, language);
        self
    }
}
