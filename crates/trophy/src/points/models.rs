//! The points models: systems and their triggers, a user's points and awards, boosts, levels
//! and the distribution summaries.

// This module reads what the network sends: no indexing or unchecked arithmetic on it.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::ops::Deref;

use chrono::{DateTime, NaiveDate, Utc};
use questkit_core::decode::object::Item;
use questkit_core::serde_helpers::null_as_default;
use questkit_core::{DateText, HasProgress, Progress};
use serde::{Deserialize, Serialize};

use crate::common::Attribute;

questkit_core::open_enum! {
    /// What awards the points of a trigger.
    pub enum PointsTriggerType {
        /// A metric reaching a threshold.
        Metric => "metric",
        /// Completing an achievement.
        Achievement => "achievement",
        /// A streak reaching a length.
        Streak => "streak",
        /// Time passing (every `timeInterval` `timeUnit`s).
        Time => "time",
        /// The user being created.
        UserCreation => "user_creation",
    }
}

questkit_core::open_enum! {
    /// Whether a points trigger is live.
    pub enum PointsTriggerStatus {
        /// Awarding points.
        Active => "active",
        /// Switched off.
        Inactive => "inactive",
        /// Archived.
        Archived => "archived",
    }
}

questkit_core::open_enum! {
    /// The time unit of a `time` trigger.
    pub enum PointsTimeUnit {
        /// Hours.
        Hour => "hour",
        /// Days.
        Day => "day",
    }
}

questkit_core::open_enum! {
    /// The state of a points boost.
    pub enum BoostStatus {
        /// Running now.
        Active => "active",
        /// Starts later.
        Scheduled => "scheduled",
        /// Over.
        Finished => "finished",
    }
}

questkit_core::open_enum! {
    /// How boosted points are rounded to whole points.
    pub enum BoostRounding {
        /// Round down.
        Down => "down",
        /// Round up.
        Up => "up",
        /// Round to the nearest whole point.
        Nearest => "nearest",
    }
}

/// A rule that awards points (schema `PointsTrigger`).
///
/// Inside an award only some fields are sent, so everything beyond `id`, `type` and `points`
/// is optional.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PointsTrigger {
    /// The trigger ID.
    pub id: String,
    /// What awards the points.
    #[serde(rename = "type")]
    pub trigger_type: PointsTriggerType,
    /// The points awarded (may be negative).
    #[serde(default)]
    pub points: i64,
    /// Whether the trigger is live.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<PointsTriggerStatus>,
    /// The achievement (type `achievement`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub achievement_id: Option<String>,
    /// The achievement's name (type `achievement`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub achievement_name: Option<String>,
    /// The metric (type `metric`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_id: Option<String>,
    /// The metric's name (type `metric`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_name: Option<String>,
    /// The metric amount that awards the points (type `metric`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_threshold: Option<f64>,
    /// The streak length that awards the points (type `streak`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub streak_length_threshold: Option<i64>,
    /// The unit of a `time` trigger.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_unit: Option<PointsTimeUnit>,
    /// How many units between awards (type `time`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_interval: Option<i64>,
    /// User-attribute filters; empty when none.
    #[serde(default, deserialize_with = "null_as_default")]
    pub user_attributes: Vec<Attribute>,
    /// The single event-attribute filter of older configurations (deprecated by Trophy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_attribute: Option<Attribute>,
    /// Event-attribute filters (type `metric`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_attributes: Option<Vec<Attribute>>,
    /// When the trigger was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<DateTime<Utc>>,
    /// When the trigger was last updated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<DateTime<Utc>>,
}

/// A points boost: a multiplier over a date range (schema `PointsBoost`).
///
/// Trophy types `start` and `end` only as strings (a date, or a date-time), so they are kept as
/// sent: [`DateText::date`] and [`DateText::date_time`] read them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PointsBoost {
    /// The boost ID.
    pub id: String,
    /// The display name.
    pub name: String,
    /// Whether it is running.
    pub status: BoostStatus,
    /// When it starts, as sent (a date such as `2025-01-01`, or a date-time).
    pub start: DateText,
    /// When it ends, as sent; `None` when open-ended.
    #[serde(default)]
    pub end: Option<DateText>,
    /// The points multiplier.
    pub multiplier: f64,
    /// How boosted points are rounded.
    pub rounding: BoostRounding,
}

/// One award of points to a user (schema `PointsAward`; every field is optional there).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PointsAward {
    /// The award ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The points awarded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub awarded: Option<i64>,
    /// When the points were awarded, as sent (Trophy types it only as an ISO 8601 string:
    /// [`DateText::date_time`] reads it, a bare date as midnight UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<DateText>,
    /// The user's total after this award.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<i64>,
    /// The trigger that awarded the points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<PointsTrigger>,
    /// Boosts that applied to this award.
    #[serde(default, deserialize_with = "null_as_default")]
    pub boosts: Vec<PointsBoost>,
}

/// A level of a points system (schema `PointsLevel`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PointsLevel {
    /// The level ID.
    pub id: String,
    /// The level key.
    pub key: String,
    /// The display name.
    pub name: String,
    /// The description.
    #[serde(default)]
    pub description: Option<String>,
    /// The badge image URL.
    #[serde(default)]
    pub badge_url: Option<String>,
    /// The points needed to reach the level.
    #[serde(default)]
    pub points: i64,
}

/// How many users are at one level (an item of schema `PointsLevelSummaryResponse`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LevelSummaryEntry {
    /// The level.
    pub level: PointsLevel,
    /// The number of users at it.
    #[serde(default)]
    pub users: i64,
}

/// How many users hold points within a range (schema `PointsRange`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PointsRange {
    /// The lowest total in the range (inclusive).
    pub from: i64,
    /// The highest total in the range (inclusive).
    pub to: i64,
    /// The number of users in the range.
    #[serde(default)]
    pub users: i64,
}

/// A points system with its triggers (schema `PointsSystemResponse`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PointsSystem {
    /// The system ID.
    pub id: String,
    /// The display name.
    pub name: String,
    /// The description.
    #[serde(default)]
    pub description: Option<String>,
    /// The badge image URL.
    #[serde(default)]
    pub badge_url: Option<String>,
    /// The cap on a user's points, if any.
    #[serde(default)]
    pub max_points: Option<f64>,
    /// The rules that award points.
    #[serde(default, deserialize_with = "null_as_default")]
    pub triggers: Vec<PointsTrigger>,
}

/// Declares a struct with [`PointsSystemInfo`]'s fields followed by `$extra` ones.
///
/// Trophy's points schemas extend the points system's identity by a few fields each.
/// The public models hold the points system as a field; they are read through a flat wire
/// struct declared with this macro, in one pass, where `#[serde(flatten)]` would buffer the
/// whole object first.
macro_rules! with_points_system_fields {
    ($(#[$meta:meta])* $vis:vis struct $name:ident { $($extra:tt)* }) => {
        $(#[$meta])*
        $vis struct $name {
            /// The system ID.
            pub id: String,
            /// The system key (missing from some Trophy examples).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub key: Option<String>,
            /// The display name.
            pub name: String,
            /// The description.
            #[serde(default)]
            pub description: Option<String>,
            /// The badge image URL.
            #[serde(default)]
            pub badge_url: Option<String>,
            /// The cap on a user's points, if any.
            #[serde(default)]
            pub max_points: Option<f64>,
            $($extra)*
        }
    };
}

/// Moves the [`PointsSystemInfo`] fields out of a wire struct declared with [`with_points_system_fields!`].
macro_rules! take_points_system {
    ($wire:ident) => {
        PointsSystemInfo {
            id: $wire.id,
            key: $wire.key,
            name: $wire.name,
            description: $wire.description,
            badge_url: $wire.badge_url,
            max_points: $wire.max_points,
        }
    };
}

with_points_system_fields! {
    /// A points system as it appears in a user's points (schema `PointsResponse`).
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[non_exhaustive]
    pub struct PointsSystemInfo {}
}

/// A user's points in one system with recent awards (schema `GetUserPointsResponse`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", from = "Item<UserPointsWire>")]
#[non_exhaustive]
pub struct UserPoints {
    /// The points system.
    // Written flat; read through the flat wire form (see `with_points_system_fields!`).
    #[serde(flatten)]
    pub system: PointsSystemInfo,
    /// The user's total.
    #[serde(default)]
    pub total: i64,
    /// The user's level, if the system has levels and one is reached.
    #[serde(default)]
    pub level: Option<PointsLevel>,
    /// The most recent awards, newest first.
    #[serde(default, deserialize_with = "null_as_default")]
    pub awards: Vec<PointsAward>,
}

with_points_system_fields! {
    /// [`UserPoints`] as it arrives: every field at one level.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct UserPointsWire {
        #[serde(default)]
        total: i64,
        #[serde(default)]
        level: Option<PointsLevel>,
        #[serde(default, deserialize_with = "null_as_default")]
        awards: Vec<PointsAward>,
    }
}

/// Read from a JSON object only, as a flattened model was: never an array by position.
impl From<Item<UserPointsWire>> for UserPoints {
    fn from(Item(wire): Item<UserPointsWire>) -> Self {
        UserPoints {
            system: take_points_system!(wire),
            total: wire.total,
            level: wire.level,
            awards: wire.awards,
        }
    }
}

impl Deref for UserPoints {
    type Target = PointsSystemInfo;
    fn deref(&self) -> &PointsSystemInfo {
        &self.system
    }
}

impl UserPoints {
    /// Progress from the user's current level to the next one of `levels` (the list from
    /// `points().levels(key)`, any order). Completed when no higher level exists.
    pub fn level_progress(&self, levels: &[PointsLevel]) -> Progress {
        let next = levels
            .iter()
            .filter(|l| l.points > self.total)
            .min_by_key(|l| l.points);
        match next {
            Some(level) => Progress::new(self.total as f64, Some(level.points as f64)),
            None => {
                let top = levels.iter().map(|l| l.points).max();
                Progress::new(self.total as f64, top.map(|t| t as f64)).completed(true)
            }
        }
    }
}

/// The user's total against the system's `maxPoints`; with no cap the fraction stays 0.
impl HasProgress for UserPoints {
    fn progress(&self) -> Progress {
        Progress::new(self.total as f64, self.system.max_points)
    }
}

/// A user's points after a metric event or achievement completion
/// (schema `MetricEventPointsResponse`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", from = "Item<EventPointsWire>")]
#[non_exhaustive]
pub struct EventPoints {
    /// The points system.
    // Written flat; read through the flat wire form (see `with_points_system_fields!`).
    #[serde(flatten)]
    pub system: PointsSystemInfo,
    /// The user's new total.
    #[serde(default)]
    pub total: i64,
    /// The user's level after the change.
    #[serde(default)]
    pub level: Option<PointsLevel>,
    /// The points this event added (may be negative).
    #[serde(default)]
    pub added: i64,
    /// The awards this event made.
    #[serde(default, deserialize_with = "null_as_default")]
    pub awards: Vec<PointsAward>,
}

with_points_system_fields! {
    /// [`EventPoints`] as it arrives: every field at one level.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct EventPointsWire {
        #[serde(default)]
        total: i64,
        #[serde(default)]
        level: Option<PointsLevel>,
        #[serde(default)]
        added: i64,
        #[serde(default, deserialize_with = "null_as_default")]
        awards: Vec<PointsAward>,
    }
}

/// Read from a JSON object only, as a flattened model was: never an array by position.
impl From<Item<EventPointsWire>> for EventPoints {
    fn from(Item(wire): Item<EventPointsWire>) -> Self {
        EventPoints {
            system: take_points_system!(wire),
            total: wire.total,
            level: wire.level,
            added: wire.added,
            awards: wire.awards,
        }
    }
}

impl Deref for EventPoints {
    type Target = PointsSystemInfo;
    fn deref(&self) -> &PointsSystemInfo {
        &self.system
    }
}

/// A points system with only the user's total (the `points` of a `points.level_changed`
/// webhook).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", from = "Item<PointsTotalWire>")]
#[non_exhaustive]
pub struct PointsTotal {
    /// The points system.
    // Written flat; read through the flat wire form (see `with_points_system_fields!`).
    #[serde(flatten)]
    pub system: PointsSystemInfo,
    /// The user's total.
    #[serde(default)]
    pub total: i64,
}

with_points_system_fields! {
    /// [`PointsTotal`] as it arrives: every field at one level.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct PointsTotalWire {
        #[serde(default)]
        total: i64,
    }
}

/// Read from a JSON object only, as a flattened model was: never an array by position.
impl From<Item<PointsTotalWire>> for PointsTotal {
    fn from(Item(wire): Item<PointsTotalWire>) -> Self {
        PointsTotal {
            system: take_points_system!(wire),
            total: wire.total,
        }
    }
}

impl Deref for PointsTotal {
    type Target = PointsSystemInfo;
    fn deref(&self) -> &PointsSystemInfo {
        &self.system
    }
}

/// A points boost as sent in `points.boost_*` webhooks (schema `PointsBoostWebhookPayload`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WebhookPointsBoost {
    /// The boost ID.
    pub id: String,
    /// The display name.
    pub name: String,
    /// `active` when started, `finished` when over.
    pub status: BoostStatus,
    /// The user the boost is limited to; `None` for a global boost.
    #[serde(default)]
    pub user_id: Option<String>,
    /// The points system's ID.
    pub points_system_id: String,
    /// The points system's key.
    pub points_system_key: String,
    /// The points system's name.
    pub points_system_name: String,
    /// The first day.
    pub start: NaiveDate,
    /// The last day; `None` when open-ended.
    #[serde(default)]
    pub end: Option<NaiveDate>,
    /// The points multiplier.
    pub multiplier: f64,
    /// How boosted points are rounded.
    pub rounding: BoostRounding,
}
