//! Points systems (`/points`): created alone or with their levels, boosts and triggers.

use std::ops::Deref;

use questkit_core::reqwest::Method;
use questkit_core::{LenientId, Patch, Transport};
use serde::{Deserialize, Serialize};

use super::boosts::{AdminPointsBoost, NewPointsBoost};
use super::levels::{AdminPointsLevel, NewPointsLevel};
use super::triggers::{AdminPointsTrigger, NewPointsTrigger};
use crate::admin::common::{
    AdminCall, ArchiveStatus, Badge, Created, Deleted, ListCall, Updated, bulk, delete,
};

/// A points system (schema `AdminPointsSystem`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AdminPointsSystem {
    /// The system's ID (what boosts, levels and triggers are under).
    pub id: LenientId,
    /// The name.
    pub name: String,
    /// The key the application API uses.
    pub key: String,
    /// The description (empty when none).
    #[serde(default)]
    pub description: String,
    /// Active or archived.
    pub status: ArchiveStatus,
    /// The badge, if any.
    #[serde(default)]
    pub badge: Option<Badge>,
    /// The most points a user can hold, if capped.
    #[serde(default)]
    pub max_points: Option<i64>,
}

/// A points system just created (schema `CreatedAdminPointsSystem`), with the levels, boosts
/// and triggers created alongside it when the request had some.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreatedPointsSystem {
    /// The system.
    #[serde(flatten)]
    pub system: AdminPointsSystem,
    /// Its levels, when the request had some.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levels: Option<Vec<AdminPointsLevel>>,
    /// Its boosts, when the request had some.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boosts: Option<Vec<AdminPointsBoost>>,
    /// Its triggers, when the request had some.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub triggers: Option<Vec<AdminPointsTrigger>>,
}

impl Deref for CreatedPointsSystem {
    type Target = AdminPointsSystem;
    fn deref(&self) -> &AdminPointsSystem {
        &self.system
    }
}

/// A points system to create (schema `CreatePointsSystemRequestItem`), optionally with its
/// levels, boosts and triggers.
///
/// ```
/// use questkit_trophy::admin::points::{NewPointsLevel, NewPointsSystem, NewPointsTrigger};
///
/// let xp = NewPointsSystem::new("XP", "xp")
///     .description("Experience points")
///     .level(NewPointsLevel::new("Bronze", "bronze", 100))
///     .trigger(NewPointsTrigger::user_creation(50));
/// let json = serde_json::to_value(&xp).unwrap();
/// assert_eq!(json["levels"][0]["points"], 100);
/// assert_eq!(json["triggers"][0]["type"], "user_creation");
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct NewPointsSystem {
    /// The name.
    pub name: String,
    /// The key (unique).
    pub key: String,
    /// A description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A badge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub badge: Option<Badge>,
    /// A cap on the points a user can hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_points: Option<i64>,
    /// Levels to create with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levels: Option<Vec<NewPointsLevel>>,
    /// Boosts to create with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boosts: Option<Vec<NewPointsBoost>>,
    /// Triggers to create with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub triggers: Option<Vec<NewPointsTrigger>>,
}

impl NewPointsSystem {
    /// A system with this name and key.
    pub fn new(name: impl Into<String>, key: impl Into<String>) -> Self {
        NewPointsSystem {
            name: name.into(),
            key: key.into(),
            description: None,
            badge: None,
            max_points: None,
            levels: None,
            boosts: None,
            triggers: None,
        }
    }

    /// A description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// A badge image.
    pub fn badge(mut self, url: impl Into<String>) -> Self {
        self.badge = Some(Badge::new(url));
        self
    }

    /// Caps the points a user can hold.
    pub fn max_points(mut self, max: i64) -> Self {
        self.max_points = Some(max);
        self
    }

    /// Adds a level to create with the system.
    pub fn level(mut self, level: NewPointsLevel) -> Self {
        self.levels.get_or_insert_with(Vec::new).push(level);
        self
    }

    /// Adds a boost to create with the system.
    pub fn boost(mut self, boost: NewPointsBoost) -> Self {
        self.boosts.get_or_insert_with(Vec::new).push(boost);
        self
    }

    /// Adds a trigger to create with the system.
    pub fn trigger(mut self, trigger: NewPointsTrigger) -> Self {
        self.triggers.get_or_insert_with(Vec::new).push(trigger);
        self
    }

    /// The checks of its triggers and boosts.
    pub(crate) fn check(&self) -> Result<(), String> {
        for (i, trigger) in self.triggers.iter().flatten().enumerate() {
            trigger.check().map_err(|m| format!("trigger {i}: {m}"))?;
        }
        for (i, boost) in self.boosts.iter().flatten().enumerate() {
            boost.check().map_err(|m| format!("boost {i}: {m}"))?;
        }
        Ok(())
    }
}

/// Changes to one points system, by ID (schema `UpdatePointsSystemRequestItem`); `badge` and
/// `maxPoints` can be cleared.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PointsSystemUpdate {
    /// The system to change.
    pub id: String,
    /// A new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A new description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A new badge, or `null` to remove it.
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    pub badge: Patch<Badge>,
    /// A new cap, or `null` to remove it.
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    pub max_points: Patch<i64>,
}

impl PointsSystemUpdate {
    /// No change yet to system `id`.
    pub fn new(id: impl Into<String>) -> Self {
        PointsSystemUpdate {
            id: id.into(),
            name: None,
            description: None,
            badge: Patch::Unchanged,
            max_points: Patch::Unchanged,
        }
    }

    /// Renames it.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Changes the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets the badge.
    pub fn badge(mut self, url: impl Into<String>) -> Self {
        self.badge = Patch::Set(Badge::new(url));
        self
    }

    /// Removes the badge.
    pub fn clear_badge(mut self) -> Self {
        self.badge = Patch::Clear;
        self
    }

    /// Sets the cap on points.
    pub fn max_points(mut self, max: i64) -> Self {
        self.max_points = Patch::Set(max);
        self
    }

    /// Removes the cap on points.
    pub fn clear_max_points(mut self) -> Self {
        self.max_points = Patch::Clear;
        self
    }
}

/// The points-system calls (`trophy.admin().points().systems()`).
#[derive(Clone, Copy, Debug)]
pub struct PointsSystemsAdmin<'a> {
    transport: &'a Transport,
}

impl<'a> PointsSystemsAdmin<'a> {
    pub(crate) fn new(transport: &'a Transport) -> Self {
        PointsSystemsAdmin { transport }
    }

    /// `GET /points`: one page of points systems.
    pub fn list(&self) -> ListCall<AdminPointsSystem> {
        self.transport
            .get("points", &[])
            .operation("admin.points.systems.list")
            .into()
    }

    /// `POST /points`: creates 1 to 100 points systems, with their levels, boosts and
    /// triggers (each trigger and boost checked before sending).
    ///
    /// ```no_run
    /// # async fn run(trophy: questkit_trophy::Trophy) -> questkit_core::Result<()> {
    /// use questkit_trophy::admin::points::{NewPointsLevel, NewPointsSystem};
    /// let answer = trophy
    ///     .admin()
    ///     .points()
    ///     .systems()
    ///     .create([NewPointsSystem::new("XP", "xp").level(NewPointsLevel::new("Bronze", "bronze", 100))])
    ///     .await?;
    /// if let Some(xp) = answer.created.first() {
    ///     println!("{} ({} levels)", xp.id, xp.levels.as_ref().map_or(0, Vec::len));
    /// }
    /// # Ok(()) }
    /// ```
    pub fn create(
        &self,
        systems: impl IntoIterator<Item = NewPointsSystem>,
    ) -> AdminCall<Created<CreatedPointsSystem>> {
        let items: Vec<NewPointsSystem> = systems.into_iter().collect();
        let op = "admin.points.systems.create";
        bulk(
            self.transport,
            Method::POST,
            "points",
            &[],
            op,
            &items,
            NewPointsSystem::check,
        )
        .into()
    }

    /// `GET /points/{id}`: one points system (404 when unknown).
    pub fn get(&self, id: impl AsRef<str>) -> AdminCall<AdminPointsSystem> {
        self.transport
            .get("points/{id}", &[id.as_ref()])
            .operation("admin.points.systems.get")
            .into()
    }

    /// `PATCH /points`: changes 1 to 100 points systems by ID.
    pub fn update(
        &self,
        updates: impl IntoIterator<Item = PointsSystemUpdate>,
    ) -> AdminCall<Updated<AdminPointsSystem>> {
        let items: Vec<PointsSystemUpdate> = updates.into_iter().collect();
        let op = "admin.points.systems.update";
        bulk(
            self.transport,
            Method::PATCH,
            "points",
            &[],
            op,
            &items,
            |u| crate::admin::id_required(&u.id),
        )
        .into()
    }

    /// `DELETE /points?ids=..`: deletes 1 to 100 points systems by ID.
    pub fn delete<I, S>(&self, ids: I) -> AdminCall<Deleted>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        delete(
            self.transport,
            "points",
            &[],
            "admin.points.systems.delete",
            ids,
        )
        .into()
    }
}
