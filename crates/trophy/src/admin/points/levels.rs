//! The levels of a points system (`/points/{systemId}/levels`).

use questkit_core::reqwest::Method;
use questkit_core::{LenientId, Patch, Transport};
use serde::{Deserialize, Serialize};

use crate::admin::common::{
    AdminCall, Badge, Created, Deleted, ListCall, Updated, any, bulk, delete,
};

/// A points level (schema `AdminPointsLevel`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AdminPointsLevel {
    /// The level's ID.
    pub id: LenientId,
    /// The name.
    pub name: String,
    /// The key.
    pub key: String,
    /// The points a user needs to reach it.
    pub points: i64,
    /// The description (empty when none).
    #[serde(default)]
    pub description: String,
    /// The badge, if any.
    #[serde(default)]
    pub badge: Option<Badge>,
}

/// A level to create (schema `CreatePointsLevelRequestItem`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NewPointsLevel {
    /// The name.
    pub name: String,
    /// The key (letters, digits, `-` and `_`).
    pub key: String,
    /// The points a user needs to reach it.
    pub points: i64,
    /// A description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A badge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub badge: Option<Badge>,
}

impl NewPointsLevel {
    /// A level reached at `points`.
    pub fn new(name: impl Into<String>, key: impl Into<String>, points: i64) -> Self {
        NewPointsLevel {
            name: name.into(),
            key: key.into(),
            points,
            description: None,
            badge: None,
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
}

/// Changes to one level, by ID (schema `PatchPointsLevelsRequestItem`); the key cannot change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PointsLevelUpdate {
    /// The level to change.
    pub id: String,
    /// A new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A new threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<i64>,
    /// A new description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A new badge, or `null` to clear it.
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    pub badge: Patch<Badge>,
}

impl PointsLevelUpdate {
    /// No change yet to level `id`.
    pub fn new(id: impl Into<String>) -> Self {
        PointsLevelUpdate {
            id: id.into(),
            name: None,
            points: None,
            description: None,
            badge: Patch::Unchanged,
        }
    }

    /// Renames it.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Changes the threshold.
    pub fn points(mut self, points: i64) -> Self {
        self.points = Some(points);
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

    /// Clears the badge.
    pub fn clear_badge(mut self) -> Self {
        self.badge = Patch::Clear;
        self
    }
}

/// The level calls of one points system (`trophy.admin().points().levels(system_id)`).
#[derive(Clone, Debug)]
pub struct PointsLevelsAdmin<'a> {
    transport: &'a Transport,
    system_id: String,
}

impl<'a> PointsLevelsAdmin<'a> {
    pub(crate) fn new(transport: &'a Transport, system_id: String) -> Self {
        PointsLevelsAdmin {
            transport,
            system_id,
        }
    }

    /// `GET /points/{systemId}/levels`: one page of the system's levels (404 for an unknown
    /// system).
    pub fn list(&self) -> ListCall<AdminPointsLevel> {
        self.transport
            .get("points/{systemId}/levels", &[&self.system_id])
            .operation("admin.points.levels.list")
            .into()
    }

    /// `POST /points/{systemId}/levels`: creates 1 to 100 levels.
    pub fn create(
        &self,
        levels: impl IntoIterator<Item = NewPointsLevel>,
    ) -> AdminCall<Created<AdminPointsLevel>> {
        let items: Vec<NewPointsLevel> = levels.into_iter().collect();
        let op = "admin.points.levels.create";
        let path = "points/{systemId}/levels";
        bulk(
            self.transport,
            Method::POST,
            path,
            &[&self.system_id],
            op,
            &items,
            any,
        )
        .into()
    }

    /// `GET /points/{systemId}/levels/{id}`: one level.
    pub fn get(&self, id: impl AsRef<str>) -> AdminCall<AdminPointsLevel> {
        self.transport
            .get(
                "points/{systemId}/levels/{id}",
                &[&self.system_id, id.as_ref()],
            )
            .operation("admin.points.levels.get")
            .into()
    }

    /// `PATCH /points/{systemId}/levels`: changes 1 to 100 levels by ID.
    pub fn update(
        &self,
        updates: impl IntoIterator<Item = PointsLevelUpdate>,
    ) -> AdminCall<Updated<AdminPointsLevel>> {
        let items: Vec<PointsLevelUpdate> = updates.into_iter().collect();
        let op = "admin.points.levels.update";
        let path = "points/{systemId}/levels";
        bulk(
            self.transport,
            Method::PATCH,
            path,
            &[&self.system_id],
            op,
            &items,
            |u| crate::admin::id_required(&u.id),
        )
        .into()
    }

    /// `DELETE /points/{systemId}/levels?ids=..`: deletes 1 to 100 levels by ID.
    pub fn delete<I, S>(&self, ids: I) -> AdminCall<Deleted>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let op = "admin.points.levels.delete";
        delete(
            self.transport,
            "points/{systemId}/levels",
            &[&self.system_id],
            op,
            ids,
        )
        .into()
    }
}
