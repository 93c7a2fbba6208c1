//! Points: a points system, its boosts and levels, and how users are spread over it
//! (`/points/{key}/...`). A user's own points are under [`crate::users::Users::points`].

use questkit_core::Transport;

use crate::common::user_attributes_query;

mod models;

pub use models::{
    BoostRounding, BoostStatus, EventPoints, LevelSummaryEntry, PointsAward, PointsBoost,
    PointsLevel, PointsRange, PointsSystem, PointsSystemInfo, PointsTimeUnit, PointsTotal,
    PointsTrigger, PointsTriggerStatus, PointsTriggerType, UserPoints, WebhookPointsBoost,
};

/// The points-system calls of a [`crate::Trophy`] client (`trophy.points()`).
#[derive(Clone, Copy, Debug)]
pub struct Points<'a> {
    transport: &'a Transport,
}

impl<'a> Points<'a> {
    pub(crate) fn new(transport: &'a Transport) -> Self {
        Points { transport }
    }

    /// `GET /points/{key}/summary`: how many users hold how many points, by range.
    pub fn summary(&self, key: &str) -> PointsSummary {
        PointsSummary::from(
            self.transport
                .get("points/{key}/summary", &[key])
                .operation("points.summary"),
        )
    }

    /// `GET /points/{key}`: a points system and its triggers.
    pub fn system(&self, key: &str) -> GetPointsSystem {
        GetPointsSystem::from(
            self.transport
                .get("points/{key}", &[key])
                .operation("points.system"),
        )
    }

    /// `GET /points/{key}/boosts`: the system's active and scheduled boosts (and finished ones
    /// with [`PointsBoosts::include_finished`]).
    pub fn boosts(&self, key: &str) -> PointsBoosts {
        PointsBoosts::from(
            self.transport
                .get("points/{key}/boosts", &[key])
                .operation("points.boosts"),
        )
    }

    /// `GET /points/{key}/levels`: the system's levels.
    pub fn levels(&self, key: &str) -> PointsLevels {
        PointsLevels::from(
            self.transport
                .get("points/{key}/levels", &[key])
                .operation("points.levels"),
        )
    }

    /// `GET /points/{key}/level-summary`: how many users are at each level (422 when the system
    /// has no levels).
    pub fn level_summary(&self, key: &str) -> LevelSummary {
        LevelSummary::from(
            self.transport
                .get("points/{key}/level-summary", &[key])
                .operation("points.level_summary"),
        )
    }
}

questkit_core::call! {
    /// The call of [`Points::summary`].
    pub struct PointsSummary -> Vec<PointsRange>;
}

impl PointsSummary {
    /// Only users with these attributes (`userAttributes`, sent as `key:value,key:value`).
    pub fn user_attributes<I, K, V>(mut self, pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        self.inner = self
            .inner
            .set_query("userAttributes", user_attributes_query(pairs));
        self
    }
}

questkit_core::call! {
    /// The call of [`Points::system`].
    pub struct GetPointsSystem -> PointsSystem;
}

questkit_core::call! {
    /// The call of [`Points::boosts`].
    pub struct PointsBoosts -> Vec<PointsBoost>;
}

impl PointsBoosts {
    /// Also returns finished boosts (`includeFinished`, default `false`).
    pub fn include_finished(mut self, include: bool) -> Self {
        self.inner = self.inner.set_query("includeFinished", include);
        self
    }
}

questkit_core::call! {
    /// The call of [`Points::levels`].
    pub struct PointsLevels -> Vec<PointsLevel>;
}

questkit_core::call! {
    /// The call of [`Points::level_summary`].
    pub struct LevelSummary -> Vec<LevelSummaryEntry>;
}
