//! The boosts of a points system (`/points/{systemId}/boosts`): multipliers on the points
//! users earn, for everyone, for one user, or for users matching attribute filters.

use chrono::NaiveDate;
use questkit_core::reqwest::Method;
use questkit_core::{DateText, LenientId, Patch, Transport};
use serde::{Deserialize, Serialize};

use crate::admin::common::{
    AdminCall, AttributeFilter, Created, Deleted, ListCall, Updated, bulk, delete,
};
use crate::points::{BoostRounding, BoostStatus};

/// A points boost (schema `AdminPointsBoost`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AdminPointsBoost {
    /// The boost's ID.
    pub id: LenientId,
    /// The name.
    pub name: String,
    /// Active, scheduled or finished.
    pub status: BoostStatus,
    /// The first day (`YYYY-MM-DD`), as sent.
    pub start: DateText,
    /// The last day, if any.
    #[serde(default)]
    pub end: Option<DateText>,
    /// The points multiplier.
    pub multiplier: f64,
    /// How boosted points are rounded.
    pub rounding: BoostRounding,
    /// The user it was created for (`None` for global and filtered boosts).
    #[serde(default)]
    pub user_id: Option<LenientId>,
    /// The user-attribute filters (boosts not made for one user).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_attributes: Option<Vec<AttributeFilter>>,
}

/// A boost to create (schema `CreatePointsBoostRequestItem`): for everyone
/// ([`NewPointsBoost::global`], optionally filtered by user attributes) or for one user
/// ([`NewPointsBoost::for_user`]); Trophy refuses a boost that is both.
///
/// ```
/// use chrono::NaiveDate;
/// use questkit_trophy::admin::points::NewPointsBoost;
///
/// let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
/// let holiday = NewPointsBoost::global("Holiday bonus", day(24), 1.5).end(day(26));
/// assert_eq!(
///     serde_json::to_value(&holiday).unwrap(),
///     serde_json::json!({"name": "Holiday bonus", "start": "2026-12-24", "end": "2026-12-26", "multiplier": 1.5})
/// );
/// assert!(NewPointsBoost::for_user("u1", "Mine", day(1), 2.0).user_attribute("a", "b").validate().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct NewPointsBoost {
    /// The user the boost is for (none: everyone matching the filters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The name.
    pub name: String,
    /// The first day.
    pub start: NaiveDate,
    /// The last day (none: no end).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<NaiveDate>,
    /// The multiplier (Trophy takes more than 0, less than 100, not 1).
    pub multiplier: f64,
    /// How boosted points are rounded (Trophy's default: down).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rounding: Option<BoostRounding>,
    /// User-attribute filters (not with `userId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_attributes: Option<Vec<AttributeFilter>>,
}

impl NewPointsBoost {
    /// A boost for every user (narrow it with [`NewPointsBoost::user_attribute`]).
    pub fn global(name: impl Into<String>, start: NaiveDate, multiplier: f64) -> Self {
        NewPointsBoost {
            user_id: None,
            name: name.into(),
            start,
            end: None,
            multiplier,
            rounding: None,
            user_attributes: None,
        }
    }

    /// A boost for one user.
    pub fn for_user(
        user_id: impl Into<String>,
        name: impl Into<String>,
        start: NaiveDate,
        multiplier: f64,
    ) -> Self {
        NewPointsBoost {
            user_id: Some(user_id.into()),
            ..NewPointsBoost::global(name, start, multiplier)
        }
    }

    /// The last day.
    pub fn end(mut self, date: NaiveDate) -> Self {
        self.end = Some(date);
        self
    }

    /// How boosted points are rounded.
    pub fn rounding(mut self, rounding: BoostRounding) -> Self {
        self.rounding = Some(rounding);
        self
    }

    /// Adds a user-attribute filter (global boosts only).
    pub fn user_attribute(
        mut self,
        attribute_id: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.user_attributes
            .get_or_insert_with(Vec::new)
            .push(AttributeFilter::new(attribute_id, value));
        self
    }

    /// Checks, without sending, that the boost is not both for one user and filtered.
    pub fn validate(&self) -> questkit_core::Result<()> {
        self.check().map_err(questkit_core::Error::invalid_input)
    }

    pub(crate) fn check(&self) -> Result<(), String> {
        let filtered = self.user_attributes.as_ref().is_some_and(|f| !f.is_empty());
        if self.user_id.is_some() && filtered {
            Err("a boost has either a `userId` or `userAttributes`, not both".into())
        } else {
            Ok(())
        }
    }
}

/// Changes to one boost, by ID (schema `PatchPointsBoostsRequestItem`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PointsBoostUpdate {
    /// The boost to change.
    pub id: String,
    /// A new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A new first day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<NaiveDate>,
    /// A new last day, or `null` for no end.
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    pub end: Patch<NaiveDate>,
    /// A new multiplier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multiplier: Option<f64>,
    /// A new rounding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rounding: Option<BoostRounding>,
    /// New user-attribute filters, or `null` to clear them (not on user boosts).
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    pub user_attributes: Patch<Vec<AttributeFilter>>,
}

impl PointsBoostUpdate {
    /// No change yet to boost `id`.
    pub fn new(id: impl Into<String>) -> Self {
        PointsBoostUpdate {
            id: id.into(),
            name: None,
            start: None,
            end: Patch::Unchanged,
            multiplier: None,
            rounding: None,
            user_attributes: Patch::Unchanged,
        }
    }

    /// Renames it.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Changes the first day.
    pub fn start(mut self, date: NaiveDate) -> Self {
        self.start = Some(date);
        self
    }

    /// Sets the last day.
    pub fn end(mut self, date: NaiveDate) -> Self {
        self.end = Patch::Set(date);
        self
    }

    /// Removes the last day (the boost runs on).
    pub fn clear_end(mut self) -> Self {
        self.end = Patch::Clear;
        self
    }

    /// Changes the multiplier.
    pub fn multiplier(mut self, multiplier: f64) -> Self {
        self.multiplier = Some(multiplier);
        self
    }

    /// Changes the rounding.
    pub fn rounding(mut self, rounding: BoostRounding) -> Self {
        self.rounding = Some(rounding);
        self
    }

    /// Replaces the user-attribute filters.
    pub fn user_attributes(mut self, filters: impl IntoIterator<Item = AttributeFilter>) -> Self {
        self.user_attributes = Patch::Set(filters.into_iter().collect());
        self
    }

    /// Clears the user-attribute filters.
    pub fn clear_user_attributes(mut self) -> Self {
        self.user_attributes = Patch::Clear;
        self
    }
}

/// The boost calls of one points system (`trophy.admin().points().boosts(system_id)`).
#[derive(Clone, Debug)]
pub struct PointsBoostsAdmin<'a> {
    transport: &'a Transport,
    system_id: String,
}

impl<'a> PointsBoostsAdmin<'a> {
    pub(crate) fn new(transport: &'a Transport, system_id: String) -> Self {
        PointsBoostsAdmin {
            transport,
            system_id,
        }
    }

    /// `GET /points/{systemId}/boosts`: one page of the system's boosts (404 for an unknown
    /// system).
    pub fn list(&self) -> ListCall<AdminPointsBoost> {
        self.transport
            .get("points/{systemId}/boosts", &[&self.system_id])
            .operation("admin.points.boosts.list")
            .into()
    }

    /// `POST /points/{systemId}/boosts`: creates 1 to 100 boosts.
    pub fn create(
        &self,
        boosts: impl IntoIterator<Item = NewPointsBoost>,
    ) -> AdminCall<Created<AdminPointsBoost>> {
        let items: Vec<NewPointsBoost> = boosts.into_iter().collect();
        let op = "admin.points.boosts.create";
        let path = "points/{systemId}/boosts";
        bulk(
            self.transport,
            Method::POST,
            path,
            &[&self.system_id],
            op,
            &items,
            NewPointsBoost::check,
        )
        .into()
    }

    /// `GET /points/{systemId}/boosts/{id}`: one boost.
    pub fn get(&self, id: impl AsRef<str>) -> AdminCall<AdminPointsBoost> {
        self.transport
            .get(
                "points/{systemId}/boosts/{id}",
                &[&self.system_id, id.as_ref()],
            )
            .operation("admin.points.boosts.get")
            .into()
    }

    /// `PATCH /points/{systemId}/boosts`: changes 1 to 100 boosts by ID.
    pub fn update(
        &self,
        updates: impl IntoIterator<Item = PointsBoostUpdate>,
    ) -> AdminCall<Updated<AdminPointsBoost>> {
        let items: Vec<PointsBoostUpdate> = updates.into_iter().collect();
        let op = "admin.points.boosts.update";
        let path = "points/{systemId}/boosts";
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

    /// `DELETE /points/{systemId}/boosts?ids=..`: deletes 1 to 100 boosts by ID.
    pub fn delete<I, S>(&self, ids: I) -> AdminCall<Deleted>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let op = "admin.points.boosts.delete";
        delete(
            self.transport,
            "points/{systemId}/boosts",
            &[&self.system_id],
            op,
            ids,
        )
        .into()
    }
}
