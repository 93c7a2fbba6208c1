//! Admin leaderboards: list, create, get, update and delete leaderboards (`/leaderboards`).
//!
//! A leaderboard ranks by a metric (it then needs the metric's ID), by points (it needs the
//! points system's ID) or by streak: one constructor of [`NewLeaderboard`] each, and
//! [`NewLeaderboard::custom`] for rankings Trophy adds later.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use questkit_core::reqwest::Method;
use questkit_core::serde_helpers::null_as_default;
use questkit_core::{DateText, Error, LenientId, Patch, Result, Transport};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::common::{
    AdminCall, AttributeFilter, Created, Deleted, ListCall, Updated, bulk, delete,
};
use crate::leaderboards::{RankBy, RunUnit};

questkit_core::open_enum! {
    /// Where a leaderboard is in its life.
    pub enum AdminLeaderboardStatus {
        /// Not running (Trophy's default for a new leaderboard).
        Inactive => "inactive",
        /// Running.
        Active => "active",
        /// Starts later.
        Scheduled => "scheduled",
        /// Over.
        Finished => "finished",
    }
}

/// A leaderboard as the admin API returns it (schema `AdminLeaderboard`, SDK 1.27).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AdminLeaderboard {
    /// The leaderboard's ID.
    pub id: LenientId,
    /// The name.
    pub name: String,
    /// The key the application API uses.
    pub key: String,
    /// The description, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Where it is in its life.
    pub status: AdminLeaderboardStatus,
    /// What it ranks by.
    pub rank_by: RankBy,
    /// The metric (metric leaderboards).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_id: Option<LenientId>,
    /// The points system (points leaderboards).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points_system_id: Option<LenientId>,
    /// The most users ranked, if capped.
    #[serde(default)]
    pub max_participants: Option<i64>,
    /// The start date (`YYYY-MM-DD`), as sent.
    pub start: DateText,
    /// The end date, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<DateText>,
    /// Activity counts only from this time of day (`HH:mm`, the user's time zone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// Activity counts only before this time of day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    /// The user attributes (by ID) the rankings are broken down by.
    #[serde(default, deserialize_with = "null_as_default")]
    pub breakdown_attributes: Vec<LenientId>,
    /// The unit of a repeating leaderboard's runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_unit: Option<RunUnit>,
    /// How many units each run lasts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_interval: Option<i64>,
    /// The user-attribute filters (only matching users are ranked).
    #[serde(default, deserialize_with = "null_as_default")]
    pub user_attributes: Vec<AttributeFilter>,
}

/// A leaderboard to create (schema `CreateLeaderboardRequestItem`): one constructor per
/// `rankBy`, each taking the fields it requires.
///
/// ```
/// use chrono::NaiveDate;
/// use questkit_trophy::admin::leaderboards::NewLeaderboard;
/// use questkit_trophy::leaderboards::RunUnit;
///
/// let board = NewLeaderboard::metric("Weekly words", "weekly-words", "metric-uuid")
///     .start(NaiveDate::from_ymd_opt(2026, 5, 4).unwrap())
///     .recurring(RunUnit::Day, 7);
/// assert_eq!(
///     serde_json::to_value(&board).unwrap(),
///     serde_json::json!({"name": "Weekly words", "key": "weekly-words", "rankBy": "metric",
///                        "metricId": "metric-uuid", "start": "2026-05-04",
///                        "runUnit": "day", "runInterval": 7})
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct NewLeaderboard {
    /// The name.
    pub name: String,
    /// The key (unique).
    pub key: String,
    /// A description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The initial status (Trophy's default: inactive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<AdminLeaderboardStatus>,
    /// What it ranks by.
    pub rank_by: RankBy,
    /// The metric (required when ranking by metric).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_id: Option<String>,
    /// The points system (required when ranking by points).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points_system_id: Option<String>,
    /// The most users ranked (Trophy's default: 1000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_participants: Option<i64>,
    /// The start date (Trophy's default: today).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<NaiveDate>,
    /// The end date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<NaiveDate>,
    /// Count activity from this time of day (`HH:mm`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// Count activity before this time of day (`HH:mm`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    /// User-attribute IDs to break the rankings down by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breakdown_attributes: Option<Vec<String>>,
    /// The unit of a repeating leaderboard's runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_unit: Option<RunUnit>,
    /// How many units each run lasts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_interval: Option<i64>,
    /// User-attribute filters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_attributes: Option<Vec<AttributeFilter>>,
    /// Fields this version of the client does not model, sent as given.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

impl NewLeaderboard {
    fn ranked_by(name: impl Into<String>, key: impl Into<String>, rank_by: RankBy) -> Self {
        NewLeaderboard {
            name: name.into(),
            key: key.into(),
            description: None,
            status: None,
            rank_by,
            metric_id: None,
            points_system_id: None,
            max_participants: None,
            start: None,
            end: None,
            start_time: None,
            end_time: None,
            breakdown_attributes: None,
            run_unit: None,
            run_interval: None,
            user_attributes: None,
            extra: BTreeMap::new(),
        }
    }

    /// Ranks users by their total of a metric.
    pub fn metric(
        name: impl Into<String>,
        key: impl Into<String>,
        metric_id: impl Into<String>,
    ) -> Self {
        let mut item = NewLeaderboard::ranked_by(name, key, RankBy::Metric);
        item.metric_id = Some(metric_id.into());
        item
    }

    /// Ranks users by their points in a points system.
    pub fn points(
        name: impl Into<String>,
        key: impl Into<String>,
        system_id: impl Into<String>,
    ) -> Self {
        let mut item = NewLeaderboard::ranked_by(name, key, RankBy::Points);
        item.points_system_id = Some(system_id.into());
        item
    }

    /// Ranks users by their streak length.
    pub fn streak(name: impl Into<String>, key: impl Into<String>) -> Self {
        NewLeaderboard::ranked_by(name, key, RankBy::Streak)
    }

    /// Ranks by something this version does not know; add its fields with
    /// [`NewLeaderboard::extra`]. Nothing is checked before sending.
    pub fn custom(
        name: impl Into<String>,
        key: impl Into<String>,
        rank_by: impl Into<RankBy>,
    ) -> Self {
        NewLeaderboard::ranked_by(name, key, rank_by.into())
    }

    /// A description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// The initial status.
    pub fn status(mut self, status: AdminLeaderboardStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Caps the users ranked.
    pub fn max_participants(mut self, max: i64) -> Self {
        self.max_participants = Some(max);
        self
    }

    /// The start date.
    pub fn start(mut self, date: NaiveDate) -> Self {
        self.start = Some(date);
        self
    }

    /// The end date.
    pub fn end(mut self, date: NaiveDate) -> Self {
        self.end = Some(date);
        self
    }

    /// Counts only activity between these times of day (`HH:mm`, the user's time zone).
    pub fn daily_window(mut self, start: impl Into<String>, end: impl Into<String>) -> Self {
        self.start_time = Some(start.into());
        self.end_time = Some(end.into());
        self
    }

    /// Adds a user attribute (by ID) to break the rankings down by.
    pub fn breakdown_attribute(mut self, attribute_id: impl Into<String>) -> Self {
        self.breakdown_attributes
            .get_or_insert_with(Vec::new)
            .push(attribute_id.into());
        self
    }

    /// Repeats the leaderboard in runs of `interval` `unit`s.
    pub fn recurring(mut self, unit: RunUnit, interval: i64) -> Self {
        self.run_unit = Some(unit);
        self.run_interval = Some(interval);
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

    /// Adds a field this version does not model (sent as given).
    pub fn extra(mut self, field: impl Into<String>, value: Value) -> Self {
        self.extra.insert(field.into(), value);
        self
    }

    /// Checks, without sending, that the fields `rankBy` requires are there.
    pub fn validate(&self) -> Result<()> {
        self.check().map_err(Error::invalid_input)
    }

    pub(crate) fn check(&self) -> std::result::Result<(), String> {
        required_for_rank(
            &self.rank_by,
            self.metric_id.is_some(),
            self.points_system_id.is_some(),
        )
    }
}

fn required_for_rank(
    rank_by: &RankBy,
    metric: bool,
    points: bool,
) -> std::result::Result<(), String> {
    match rank_by {
        RankBy::Metric if !metric => {
            Err("a leaderboard ranked by `metric` needs a `metricId`".into())
        }
        RankBy::Points if !points => {
            Err("a leaderboard ranked by `points` needs a `pointsSystemId`".into())
        }
        _ => Ok(()),
    }
}

/// Changes to one leaderboard, by ID (schema `UpdateLeaderboardRequestItem`, SDK 1.27).
/// `maxParticipants`, `end`, the daily window, `runUnit` and the filters can be cleared.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LeaderboardUpdate {
    /// The leaderboard to change.
    pub id: String,
    /// A new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A new key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// A new description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A new status (like activating, scheduling or finishing it in the dashboard).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<AdminLeaderboardStatus>,
    /// A new ranking ([`LeaderboardUpdate::rank_by_metric`] and
    /// [`LeaderboardUpdate::rank_by_points`] set its source too).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank_by: Option<RankBy>,
    /// A new metric.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_id: Option<String>,
    /// A new points system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points_system_id: Option<String>,
    /// A new cap, or `null` to remove it.
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    pub max_participants: Patch<i64>,
    /// A new start date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<NaiveDate>,
    /// A new end date, or `null` to remove it.
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    pub end: Patch<NaiveDate>,
    /// A new window start, or `null` to remove it.
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    pub start_time: Patch<String>,
    /// A new window end, or `null` to remove it.
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    pub end_time: Patch<String>,
    /// New breakdown attributes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breakdown_attributes: Option<Vec<String>>,
    /// A new run unit, or `null` to stop repeating.
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    pub run_unit: Patch<RunUnit>,
    /// A new run interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_interval: Option<i64>,
    /// New user-attribute filters, or `null` to clear them (only while inactive).
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    pub user_attributes: Patch<Vec<AttributeFilter>>,
    /// Fields this version of the client does not model, sent as given.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

impl LeaderboardUpdate {
    /// No change yet to leaderboard `id`.
    pub fn new(id: impl Into<String>) -> Self {
        LeaderboardUpdate {
            id: id.into(),
            name: None,
            key: None,
            description: None,
            status: None,
            rank_by: None,
            metric_id: None,
            points_system_id: None,
            max_participants: Patch::Unchanged,
            start: None,
            end: Patch::Unchanged,
            start_time: Patch::Unchanged,
            end_time: Patch::Unchanged,
            breakdown_attributes: None,
            run_unit: Patch::Unchanged,
            run_interval: None,
            user_attributes: Patch::Unchanged,
            extra: BTreeMap::new(),
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

    /// Changes the status.
    pub fn status(mut self, status: AdminLeaderboardStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Ranks by a metric from now on.
    pub fn rank_by_metric(mut self, metric_id: impl Into<String>) -> Self {
        self.rank_by = Some(RankBy::Metric);
        self.metric_id = Some(metric_id.into());
        self
    }

    /// Ranks by points from now on.
    pub fn rank_by_points(mut self, system_id: impl Into<String>) -> Self {
        self.rank_by = Some(RankBy::Points);
        self.points_system_id = Some(system_id.into());
        self
    }

    /// Sets the cap on users ranked.
    pub fn max_participants(mut self, max: i64) -> Self {
        self.max_participants = Patch::Set(max);
        self
    }

    /// Removes the cap.
    pub fn clear_max_participants(mut self) -> Self {
        self.max_participants = Patch::Clear;
        self
    }

    /// Changes the start date.
    pub fn start(mut self, date: NaiveDate) -> Self {
        self.start = Some(date);
        self
    }

    /// Sets the end date.
    pub fn end(mut self, date: NaiveDate) -> Self {
        self.end = Patch::Set(date);
        self
    }

    /// Removes the end date.
    pub fn clear_end(mut self) -> Self {
        self.end = Patch::Clear;
        self
    }

    /// Sets the daily window (`HH:mm`).
    pub fn daily_window(mut self, start: impl Into<String>, end: impl Into<String>) -> Self {
        self.start_time = Patch::Set(start.into());
        self.end_time = Patch::Set(end.into());
        self
    }

    /// Removes the daily window.
    pub fn clear_daily_window(mut self) -> Self {
        self.start_time = Patch::Clear;
        self.end_time = Patch::Clear;
        self
    }

    /// Repeats in runs of `interval` `unit`s.
    pub fn recurring(mut self, unit: RunUnit, interval: i64) -> Self {
        self.run_unit = Patch::Set(unit);
        self.run_interval = Some(interval);
        self
    }

    /// Stops repeating.
    pub fn clear_recurrence(mut self) -> Self {
        self.run_unit = Patch::Clear;
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

    /// Adds a field this version does not model (sent as given).
    pub fn extra(mut self, field: impl Into<String>, value: Value) -> Self {
        self.extra.insert(field.into(), value);
        self
    }

    // Only the ID: Trophy documents no rule for a change of `rankBy` (unlike trigger types),
    // and the leaderboard may already have the metric or points system it needs.
    pub(crate) fn check(&self) -> std::result::Result<(), String> {
        super::id_required(&self.id)
    }
}

/// The admin leaderboard calls (`trophy.admin().leaderboards()`).
#[derive(Clone, Copy, Debug)]
pub struct LeaderboardsAdmin<'a> {
    transport: &'a Transport,
}

impl<'a> LeaderboardsAdmin<'a> {
    pub(crate) fn new(transport: &'a Transport) -> Self {
        LeaderboardsAdmin { transport }
    }

    /// `GET /leaderboards`: one page of leaderboards.
    pub fn list(&self) -> ListCall<AdminLeaderboard> {
        self.transport
            .get("leaderboards", &[])
            .operation("admin.leaderboards.list")
            .into()
    }

    /// `POST /leaderboards`: creates 1 to 100 leaderboards, each checked for the field its
    /// `rankBy` requires before sending.
    pub fn create(
        &self,
        leaderboards: impl IntoIterator<Item = NewLeaderboard>,
    ) -> AdminCall<Created<AdminLeaderboard>> {
        let items: Vec<NewLeaderboard> = leaderboards.into_iter().collect();
        let op = "admin.leaderboards.create";
        bulk(
            self.transport,
            Method::POST,
            "leaderboards",
            &[],
            op,
            &items,
            NewLeaderboard::check,
        )
        .into()
    }

    /// `GET /leaderboards/{id}`: one leaderboard (404 when unknown).
    pub fn get(&self, id: impl AsRef<str>) -> AdminCall<AdminLeaderboard> {
        self.transport
            .get("leaderboards/{id}", &[id.as_ref()])
            .operation("admin.leaderboards.get")
            .into()
    }

    /// `PATCH /leaderboards`: changes 1 to 100 leaderboards by ID.
    pub fn update(
        &self,
        updates: impl IntoIterator<Item = LeaderboardUpdate>,
    ) -> AdminCall<Updated<AdminLeaderboard>> {
        let items: Vec<LeaderboardUpdate> = updates.into_iter().collect();
        let op = "admin.leaderboards.update";
        bulk(
            self.transport,
            Method::PATCH,
            "leaderboards",
            &[],
            op,
            &items,
            LeaderboardUpdate::check,
        )
        .into()
    }

    /// `DELETE /leaderboards?ids=..`: deletes 1 to 100 leaderboards by ID.
    pub fn delete<I, S>(&self, ids: I) -> AdminCall<Deleted>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        delete(
            self.transport,
            "leaderboards",
            &[],
            "admin.leaderboards.delete",
            ids,
        )
        .into()
    }
}
