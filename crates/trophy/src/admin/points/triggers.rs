//! The triggers of a points system (`/points/{systemId}/triggers`): what awards (or takes)
//! points.
//!
//! What a trigger needs depends on its type: a metric trigger a metric and a threshold, an
//! achievement trigger an achievement, a streak trigger a length, a time trigger a unit and
//! an interval. One constructor of [`NewPointsTrigger`] per type, and
//! [`NewPointsTrigger::custom`] for types Trophy adds later.

use std::collections::BTreeMap;

use questkit_core::reqwest::Method;
use questkit_core::serde_helpers::null_as_default;
use questkit_core::{Error, LenientId, Patch, Result, Transport};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::admin::common::{
    AdminCall, AttributeFilter, Created, Deleted, ListCall, Updated, bulk, delete,
};
use crate::points::{PointsTriggerStatus, PointsTriggerType};

questkit_core::open_enum! {
    /// The unit of a time trigger's interval.
    pub enum TriggerTimeUnit {
        /// Hours.
        Hours => "hours",
        /// Days.
        Days => "days",
    }
}

/// A points trigger as the admin API returns it (schema `AdminPointsTrigger`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AdminPointsTrigger {
    /// The trigger's ID.
    pub id: LenientId,
    /// What fires it.
    #[serde(rename = "type")]
    pub kind: PointsTriggerType,
    /// The points awarded (negative: deducted).
    pub points: i64,
    /// Active or inactive.
    pub status: PointsTriggerStatus,
    /// The user-attribute filters.
    #[serde(default, deserialize_with = "null_as_default")]
    pub user_attributes: Vec<AttributeFilter>,
    /// The metric (metric triggers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_id: Option<LenientId>,
    /// The metric increment that fires it (metric triggers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_threshold: Option<i64>,
    /// The event-attribute filters (metric triggers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_attributes: Option<Vec<AttributeFilter>>,
    /// The achievement (achievement triggers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub achievement_id: Option<LenientId>,
    /// The streak length (streak triggers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub streak_length: Option<i64>,
    /// The unit of the interval (time triggers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_unit: Option<TriggerTimeUnit>,
    /// The interval between awards (time triggers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_interval: Option<i64>,
    /// Whether events that would take a user below zero points are blocked.
    #[serde(default)]
    pub block_if_out_of_points: bool,
}

/// A trigger to create (schema `CreatePointsTriggerRequestItem`): one constructor per type,
/// each taking the fields that type requires.
///
/// ```
/// use questkit_trophy::admin::points::NewPointsTrigger;
///
/// let per_word = NewPointsTrigger::metric("metric-uuid", 100, 5).active();
/// assert_eq!(
///     serde_json::to_value(&per_word).unwrap(),
///     serde_json::json!({"type": "metric", "points": 5, "status": "active",
///                        "metricId": "metric-uuid", "metricThreshold": 100})
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct NewPointsTrigger {
    /// What fires it.
    #[serde(rename = "type")]
    pub kind: PointsTriggerType,
    /// The points awarded (negative: deducted; not zero).
    pub points: i64,
    /// The initial status (Trophy's default: inactive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<PointsTriggerStatus>,
    /// User-attribute filters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_attributes: Option<Vec<AttributeFilter>>,
    /// The metric (required for metric triggers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_id: Option<String>,
    /// The metric increment (required for metric triggers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_threshold: Option<i64>,
    /// Event-attribute filters (metric triggers only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_attributes: Option<Vec<AttributeFilter>>,
    /// The achievement (required for achievement triggers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub achievement_id: Option<String>,
    /// The streak length (required for streak triggers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub streak_length: Option<i64>,
    /// The interval unit (required for time triggers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_unit: Option<TriggerTimeUnit>,
    /// The interval (required for time triggers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_interval: Option<i64>,
    /// Block events that would take a user below zero points (Trophy's default: no).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_if_out_of_points: Option<bool>,
    /// Fields this version of the client does not model, sent as given.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

impl NewPointsTrigger {
    fn of(kind: PointsTriggerType, points: i64) -> Self {
        NewPointsTrigger {
            kind,
            points,
            status: None,
            user_attributes: None,
            metric_id: None,
            metric_threshold: None,
            event_attributes: None,
            achievement_id: None,
            streak_length: None,
            time_unit: None,
            time_interval: None,
            block_if_out_of_points: None,
            extra: BTreeMap::new(),
        }
    }

    /// Awards `points` each time a metric total grows by `threshold`.
    pub fn metric(metric_id: impl Into<String>, threshold: i64, points: i64) -> Self {
        let mut item = NewPointsTrigger::of(PointsTriggerType::Metric, points);
        item.metric_id = Some(metric_id.into());
        item.metric_threshold = Some(threshold);
        item
    }

    /// Awards `points` when a user completes an achievement.
    pub fn achievement(achievement_id: impl Into<String>, points: i64) -> Self {
        let mut item = NewPointsTrigger::of(PointsTriggerType::Achievement, points);
        item.achievement_id = Some(achievement_id.into());
        item
    }

    /// Awards `points` when a user's streak reaches `length`.
    pub fn streak(length: i64, points: i64) -> Self {
        let mut item = NewPointsTrigger::of(PointsTriggerType::Streak, points);
        item.streak_length = Some(length);
        item
    }

    /// Awards `points` every `interval` `unit`s.
    pub fn time(unit: TriggerTimeUnit, interval: i64, points: i64) -> Self {
        let mut item = NewPointsTrigger::of(PointsTriggerType::Time, points);
        item.time_unit = Some(unit);
        item.time_interval = Some(interval);
        item
    }

    /// Awards `points` when a user is created.
    pub fn user_creation(points: i64) -> Self {
        NewPointsTrigger::of(PointsTriggerType::UserCreation, points)
    }

    /// A type this version does not know; add its fields with [`NewPointsTrigger::extra`].
    /// Nothing is checked before sending.
    pub fn custom(kind: impl Into<PointsTriggerType>, points: i64) -> Self {
        NewPointsTrigger::of(kind.into(), points)
    }

    /// Starts active instead of Trophy's default, inactive.
    pub fn active(mut self) -> Self {
        self.status = Some(PointsTriggerStatus::Active);
        self
    }

    /// The initial status.
    pub fn status(mut self, status: PointsTriggerStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Adds a user-attribute filter.
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

    /// Adds an event-attribute filter (metric triggers only).
    pub fn event_attribute(
        mut self,
        attribute_id: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.event_attributes
            .get_or_insert_with(Vec::new)
            .push(AttributeFilter::new(attribute_id, value));
        self
    }

    /// Blocks events that would take a user below zero points.
    pub fn block_if_out_of_points(mut self, block: bool) -> Self {
        self.block_if_out_of_points = Some(block);
        self
    }

    /// Adds a field this version does not model (sent as given).
    pub fn extra(mut self, field: impl Into<String>, value: Value) -> Self {
        self.extra.insert(field.into(), value);
        self
    }

    /// Checks, without sending, that the fields the type requires are there.
    pub fn validate(&self) -> Result<()> {
        self.check().map_err(Error::invalid_input)
    }

    pub(crate) fn check(&self) -> std::result::Result<(), String> {
        required_for_type(
            &self.kind,
            self.metric_id.is_some() && self.metric_threshold.is_some(),
            self.achievement_id.is_some(),
            self.streak_length.is_some(),
            self.time_unit.is_some() && self.time_interval.is_some(),
        )
    }
}

fn required_for_type(
    kind: &PointsTriggerType,
    metric: bool,
    achievement: bool,
    streak: bool,
    time: bool,
) -> std::result::Result<(), String> {
    let (present, needs) = match kind {
        PointsTriggerType::Metric => (metric, "`metricId` and `metricThreshold`"),
        PointsTriggerType::Achievement => (achievement, "an `achievementId`"),
        PointsTriggerType::Streak => (streak, "`streakLength`"),
        PointsTriggerType::Time => (time, "`timeUnit` and `timeInterval`"),
        PointsTriggerType::UserCreation | PointsTriggerType::Unknown(_) => (true, ""),
    };
    if present {
        Ok(())
    } else {
        Err(format!("a `{kind}` trigger needs {needs}"))
    }
}

/// Changes to one trigger, by ID (schema `PatchPointsTriggersRequestItem`). The type can
/// change only while the trigger is inactive, and needs the new type's fields in the same
/// item (checked before sending).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PointsTriggerUpdate {
    /// The trigger to change.
    pub id: String,
    /// A new type (with its required fields).
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<PointsTriggerType>,
    /// New points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<i64>,
    /// A new status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<PointsTriggerStatus>,
    /// New user-attribute filters, or `null` to clear them.
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    pub user_attributes: Patch<Vec<AttributeFilter>>,
    /// A new metric (metric triggers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_id: Option<String>,
    /// A new threshold (metric triggers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_threshold: Option<i64>,
    /// New event-attribute filters, or `null` to clear them (metric triggers).
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    pub event_attributes: Patch<Vec<AttributeFilter>>,
    /// A new achievement (achievement triggers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub achievement_id: Option<String>,
    /// A new streak length (streak triggers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub streak_length: Option<i64>,
    /// A new interval unit (time triggers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_unit: Option<TriggerTimeUnit>,
    /// A new interval (time triggers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_interval: Option<i64>,
    /// A new block-if-out-of-points setting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_if_out_of_points: Option<bool>,
    /// Fields this version of the client does not model, sent as given.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

impl PointsTriggerUpdate {
    /// No change yet to trigger `id`.
    pub fn new(id: impl Into<String>) -> Self {
        PointsTriggerUpdate {
            id: id.into(),
            kind: None,
            points: None,
            status: None,
            user_attributes: Patch::Unchanged,
            metric_id: None,
            metric_threshold: None,
            event_attributes: Patch::Unchanged,
            achievement_id: None,
            streak_length: None,
            time_unit: None,
            time_interval: None,
            block_if_out_of_points: None,
            extra: BTreeMap::new(),
        }
    }

    /// Changes the type; set the new type's fields too.
    pub fn kind(mut self, kind: PointsTriggerType) -> Self {
        self.kind = Some(kind);
        self
    }

    /// Changes the points.
    pub fn points(mut self, points: i64) -> Self {
        self.points = Some(points);
        self
    }

    /// Changes the status.
    pub fn status(mut self, status: PointsTriggerStatus) -> Self {
        self.status = Some(status);
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

    /// Changes the metric and threshold (metric triggers).
    pub fn metric(mut self, metric_id: impl Into<String>, threshold: i64) -> Self {
        self.metric_id = Some(metric_id.into());
        self.metric_threshold = Some(threshold);
        self
    }

    /// Changes the threshold only (metric triggers).
    pub fn metric_threshold(mut self, threshold: i64) -> Self {
        self.metric_threshold = Some(threshold);
        self
    }

    /// Replaces the event-attribute filters (metric triggers).
    pub fn event_attributes(mut self, filters: impl IntoIterator<Item = AttributeFilter>) -> Self {
        self.event_attributes = Patch::Set(filters.into_iter().collect());
        self
    }

    /// Clears the event-attribute filters.
    pub fn clear_event_attributes(mut self) -> Self {
        self.event_attributes = Patch::Clear;
        self
    }

    /// Changes the achievement (achievement triggers).
    pub fn achievement_id(mut self, id: impl Into<String>) -> Self {
        self.achievement_id = Some(id.into());
        self
    }

    /// Changes the streak length (streak triggers).
    pub fn streak_length(mut self, length: i64) -> Self {
        self.streak_length = Some(length);
        self
    }

    /// Changes the interval (time triggers).
    pub fn time(mut self, unit: TriggerTimeUnit, interval: i64) -> Self {
        self.time_unit = Some(unit);
        self.time_interval = Some(interval);
        self
    }

    /// Changes the block-if-out-of-points setting.
    pub fn block_if_out_of_points(mut self, block: bool) -> Self {
        self.block_if_out_of_points = Some(block);
        self
    }

    /// Adds a field this version does not model (sent as given).
    pub fn extra(mut self, field: impl Into<String>, value: Value) -> Self {
        self.extra.insert(field.into(), value);
        self
    }

    pub(crate) fn check(&self) -> std::result::Result<(), String> {
        crate::admin::id_required(&self.id)?;
        match &self.kind {
            Some(kind) => required_for_type(
                kind,
                self.metric_id.is_some() && self.metric_threshold.is_some(),
                self.achievement_id.is_some(),
                self.streak_length.is_some(),
                self.time_unit.is_some() && self.time_interval.is_some(),
            ),
            None => Ok(()),
        }
    }
}

/// The trigger calls of one points system (`trophy.admin().points().triggers(system_id)`).
#[derive(Clone, Debug)]
pub struct PointsTriggersAdmin<'a> {
    transport: &'a Transport,
    system_id: String,
}

impl<'a> PointsTriggersAdmin<'a> {
    pub(crate) fn new(transport: &'a Transport, system_id: String) -> Self {
        PointsTriggersAdmin {
            transport,
            system_id,
        }
    }

    /// `GET /points/{systemId}/triggers`: one page of the system's triggers (404 for an
    /// unknown system).
    pub fn list(&self) -> ListCall<AdminPointsTrigger> {
        self.transport
            .get("points/{systemId}/triggers", &[&self.system_id])
            .operation("admin.points.triggers.list")
            .into()
    }

    /// `POST /points/{systemId}/triggers`: creates 1 to 100 triggers, each checked for the
    /// fields its type requires before sending.
    ///
    /// ```no_run
    /// # async fn run(trophy: questkit_trophy::Trophy) -> questkit_core::Result<()> {
    /// use questkit_trophy::admin::points::{NewPointsTrigger, TriggerTimeUnit};
    /// let answer = trophy
    ///     .admin()
    ///     .points()
    ///     .triggers("system-uuid")
    ///     .create([
    ///         NewPointsTrigger::metric("metric-uuid", 100, 5).active(),
    ///         NewPointsTrigger::time(TriggerTimeUnit::Days, 1, 10),
    ///     ])
    ///     .await?;
    /// println!("{} triggers created", answer.created.len());
    /// # Ok(()) }
    /// ```
    pub fn create(
        &self,
        triggers: impl IntoIterator<Item = NewPointsTrigger>,
    ) -> AdminCall<Created<AdminPointsTrigger>> {
        let items: Vec<NewPointsTrigger> = triggers.into_iter().collect();
        let op = "admin.points.triggers.create";
        let path = "points/{systemId}/triggers";
        bulk(
            self.transport,
            Method::POST,
            path,
            &[&self.system_id],
            op,
            &items,
            NewPointsTrigger::check,
        )
        .into()
    }

    /// `GET /points/{systemId}/triggers/{id}`: one trigger.
    pub fn get(&self, id: impl AsRef<str>) -> AdminCall<AdminPointsTrigger> {
        self.transport
            .get(
                "points/{systemId}/triggers/{id}",
                &[&self.system_id, id.as_ref()],
            )
            .operation("admin.points.triggers.get")
            .into()
    }

    /// `PATCH /points/{systemId}/triggers`: changes 1 to 100 triggers by ID.
    pub fn update(
        &self,
        updates: impl IntoIterator<Item = PointsTriggerUpdate>,
    ) -> AdminCall<Updated<AdminPointsTrigger>> {
        let items: Vec<PointsTriggerUpdate> = updates.into_iter().collect();
        let op = "admin.points.triggers.update";
        let path = "points/{systemId}/triggers";
        bulk(
            self.transport,
            Method::PATCH,
            path,
            &[&self.system_id],
            op,
            &items,
            PointsTriggerUpdate::check,
        )
        .into()
    }

    /// `DELETE /points/{systemId}/triggers?ids=..`: deletes 1 to 100 triggers by ID.
    pub fn delete<I, S>(&self, ids: I) -> AdminCall<Deleted>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let op = "admin.points.triggers.delete";
        delete(
            self.transport,
            "points/{systemId}/triggers",
            &[&self.system_id],
            op,
            ids,
        )
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_type_needs_its_fields() {
        for ok in [
            NewPointsTrigger::metric("m", 1, 5),
            NewPointsTrigger::achievement("a", 5),
            NewPointsTrigger::streak(3, 5),
            NewPointsTrigger::time(TriggerTimeUnit::Hours, 6, 1),
            NewPointsTrigger::user_creation(50),
            NewPointsTrigger::custom("referral", 5),
        ] {
            assert!(ok.validate().is_ok(), "{ok:?}");
        }
        assert!(
            NewPointsTrigger::custom("time", 1)
                .check()
                .unwrap_err()
                .contains("timeInterval")
        );
        let retyped = PointsTriggerUpdate::new("t").kind(PointsTriggerType::Achievement);
        assert!(retyped.check().is_err());
        assert!(retyped.achievement_id("a").check().is_ok());
    }
}
