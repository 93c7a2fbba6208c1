//! Admin points: points systems (`/points`) and, per system, their boosts, levels and
//! triggers (`/points/{systemId}/...`).

use questkit_core::Transport;

pub mod boosts;
pub mod levels;
pub mod systems;
pub mod triggers;

pub use boosts::{AdminPointsBoost, NewPointsBoost, PointsBoostUpdate, PointsBoostsAdmin};
pub use levels::{AdminPointsLevel, NewPointsLevel, PointsLevelUpdate, PointsLevelsAdmin};
pub use systems::{
    AdminPointsSystem, CreatedPointsSystem, NewPointsSystem, PointsSystemUpdate, PointsSystemsAdmin,
};
pub use triggers::{
    AdminPointsTrigger, NewPointsTrigger, PointsTriggerUpdate, PointsTriggersAdmin, TriggerTimeUnit,
};

/// The admin points calls (`trophy.admin().points()`), grouped as in Trophy's SDKs.
#[derive(Clone, Copy, Debug)]
pub struct PointsAdmin<'a> {
    transport: &'a Transport,
}

impl<'a> PointsAdmin<'a> {
    pub(crate) fn new(transport: &'a Transport) -> Self {
        PointsAdmin { transport }
    }

    /// Points systems: list, create (with levels, boosts and triggers), get, update, delete.
    pub fn systems(&self) -> PointsSystemsAdmin<'a> {
        PointsSystemsAdmin::new(self.transport)
    }

    /// The boosts of points system `system_id`.
    pub fn boosts(&self, system_id: impl Into<String>) -> PointsBoostsAdmin<'a> {
        PointsBoostsAdmin::new(self.transport, system_id.into())
    }

    /// The levels of points system `system_id`.
    pub fn levels(&self, system_id: impl Into<String>) -> PointsLevelsAdmin<'a> {
        PointsLevelsAdmin::new(self.transport, system_id.into())
    }

    /// The triggers of points system `system_id`.
    pub fn triggers(&self, system_id: impl Into<String>) -> PointsTriggersAdmin<'a> {
        PointsTriggersAdmin::new(self.transport, system_id.into())
    }
}
