//! The leaderboard models: definitions, rankings, a user's rank and history, and the leaderboard entries
//! of metric-event responses and webhooks.
//!
//! Rank values are `f64`: Trophy declares them integers, but a metric leaderboard ranks by a
//! metric total, and metric totals are doubles.

// This module reads what the network sends: no indexing or unchecked arithmetic on it.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::ops::Deref;

use chrono::{DateTime, NaiveDate, Utc};
use questkit_core::decode::object::Item;
use questkit_core::serde_helpers::null_as_default;
use serde::{Deserialize, Serialize};

use crate::common::Attribute;

questkit_core::open_enum! {
    /// What a leaderboard ranks users by.
    pub enum RankBy {
        /// A points system's totals.
        Points => "points",
        /// Streak lengths.
        Streak => "streak",
        /// A metric's totals.
        Metric => "metric",
    }
}

questkit_core::open_enum! {
    /// Whether a leaderboard (run) is on.
    pub enum LeaderboardStatus {
        /// Running now.
        Active => "active",
        /// Starts later.
        Scheduled => "scheduled",
        /// Over.
        Finished => "finished",
    }
}

questkit_core::open_enum! {
    /// The repetition unit of a recurring leaderboard.
    pub enum RunUnit {
        /// Days.
        Day => "day",
        /// Months.
        Month => "month",
        /// Years.
        Year => "year",
    }
}

/// Declares a struct with [`Leaderboard`]'s fields followed by `$extra` ones.
///
/// Trophy's schemas extend `LeaderboardResponse` by a few fields each.
/// The public models hold the leaderboard as a field; they are read through a flat wire
/// struct declared with this macro, in one pass, where `#[serde(flatten)]` would buffer the
/// whole object first.
macro_rules! with_leaderboard_fields {
    ($(#[$meta:meta])* $vis:vis struct $name:ident { $($extra:tt)* }) => {
        $(#[$meta])*
        $vis struct $name {
            /// The leaderboard ID.
            pub id: String,
            /// The display name.
            pub name: String,
            /// The key used in API paths.
            pub key: String,
            /// Whether the leaderboard is running, when sent.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub status: Option<LeaderboardStatus>,
            /// The description.
            #[serde(default)]
            pub description: Option<String>,
            /// What users are ranked by.
            pub rank_by: RankBy,
            /// The single breakdown attribute of older configurations (deprecated by Trophy).
            #[serde(default)]
            pub breakdown_attribute: Option<String>,
            /// The user-attribute keys the leaderboard is broken down by.
            #[serde(default, deserialize_with = "null_as_default")]
            pub breakdown_attributes: Vec<String>,
            /// The metric's key (rank by `metric`).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub metric_key: Option<String>,
            /// The metric's name (rank by `metric`).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub metric_name: Option<String>,
            /// The points system's key (rank by `points`).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub points_system_key: Option<String>,
            /// The points system's name (rank by `points`).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub points_system_name: Option<String>,
            /// The first day (of the current run, for a recurring leaderboard).
            pub start: NaiveDate,
            /// The last day; `None` when it never ends.
            #[serde(default)]
            pub end: Option<NaiveDate>,
            /// Daily window start (`HH:MM` or `HH:MM:SS`, the user's time zone), if set.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub start_time: Option<String>,
            /// Daily window end (`HH:MM` or `HH:MM:SS`), if set.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub end_time: Option<String>,
            /// The most users ranked, if limited.
            #[serde(default)]
            pub max_participants: Option<i64>,
            /// The repetition unit; `None` for a one-off leaderboard.
            #[serde(default)]
            pub run_unit: Option<RunUnit>,
            /// The number of units between runs; `None` for a one-off leaderboard.
            #[serde(default)]
            pub run_interval: Option<i64>,
            /// User-attribute filters; empty when none.
            #[serde(default, deserialize_with = "null_as_default")]
            pub user_attributes: Vec<Attribute>,
            $($extra)*
        }
    };
}

/// Moves the [`Leaderboard`] fields out of a wire struct declared with [`with_leaderboard_fields!`].
macro_rules! take_leaderboard {
    ($wire:ident) => {
        Leaderboard {
            id: $wire.id,
            name: $wire.name,
            key: $wire.key,
            status: $wire.status,
            description: $wire.description,
            rank_by: $wire.rank_by,
            breakdown_attribute: $wire.breakdown_attribute,
            breakdown_attributes: $wire.breakdown_attributes,
            metric_key: $wire.metric_key,
            metric_name: $wire.metric_name,
            points_system_key: $wire.points_system_key,
            points_system_name: $wire.points_system_name,
            start: $wire.start,
            end: $wire.end,
            start_time: $wire.start_time,
            end_time: $wire.end_time,
            max_participants: $wire.max_participants,
            run_unit: $wire.run_unit,
            run_interval: $wire.run_interval,
            user_attributes: $wire.user_attributes,
        }
    };
}

with_leaderboard_fields! {
    /// A leaderboard definition (schema `LeaderboardResponse`; the items of `GET /leaderboards`
    /// also carry `status`).
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[non_exhaustive]
    pub struct Leaderboard {}
}

/// One user's place in a leaderboard (schema `LeaderboardRanking`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LeaderboardRanking {
    /// The user's ID.
    pub user_id: String,
    /// The user's name, when known.
    #[serde(default)]
    pub user_name: Option<String>,
    /// The rank (1 is first; ties share a rank).
    pub rank: i64,
    /// The value ranked by.
    pub value: f64,
}

/// A leaderboard with a page of its rankings (schema `LeaderboardResponseWithRankings`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", from = "Item<LeaderboardWithRankingsWire>")]
#[non_exhaustive]
pub struct LeaderboardWithRankings {
    /// The leaderboard.
    // Written flat; read through the flat wire form (see `with_leaderboard_fields!`).
    #[serde(flatten)]
    pub leaderboard: Leaderboard,
    /// The rankings of the requested page, best first.
    #[serde(default, deserialize_with = "null_as_default")]
    pub rankings: Vec<LeaderboardRanking>,
}

with_leaderboard_fields! {
    /// [`LeaderboardWithRankings`] as it arrives: every field at one level.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct LeaderboardWithRankingsWire {
        #[serde(default, deserialize_with = "null_as_default")]
        rankings: Vec<LeaderboardRanking>,
    }
}

/// Read from a JSON object only, as a flattened model was: never an array by position.
impl From<Item<LeaderboardWithRankingsWire>> for LeaderboardWithRankings {
    fn from(Item(wire): Item<LeaderboardWithRankingsWire>) -> Self {
        LeaderboardWithRankings {
            leaderboard: take_leaderboard!(wire),
            rankings: wire.rankings,
        }
    }
}

impl Deref for LeaderboardWithRankings {
    type Target = Leaderboard;
    fn deref(&self) -> &Leaderboard {
        &self.leaderboard
    }
}

/// A leaderboard with one user's rank and value (schema `UserLeaderboardResponse`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", from = "Item<UserLeaderboardWire>")]
#[non_exhaustive]
pub struct UserLeaderboard {
    /// The leaderboard.
    // Written flat; read through the flat wire form (see `with_leaderboard_fields!`).
    #[serde(flatten)]
    pub leaderboard: Leaderboard,
    /// The user's rank; `None` when not on the leaderboard.
    #[serde(default)]
    pub rank: Option<i64>,
    /// The user's value; `None` when not on the leaderboard.
    #[serde(default)]
    pub value: Option<f64>,
}

with_leaderboard_fields! {
    /// [`UserLeaderboard`] as it arrives: every field at one level.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct UserLeaderboardWire {
        #[serde(default)]
        rank: Option<i64>,
        #[serde(default)]
        value: Option<f64>,
    }
}

/// Read from a JSON object only, as a flattened model was: never an array by position.
impl From<Item<UserLeaderboardWire>> for UserLeaderboard {
    fn from(Item(wire): Item<UserLeaderboardWire>) -> Self {
        UserLeaderboard {
            leaderboard: take_leaderboard!(wire),
            rank: wire.rank,
            value: wire.value,
        }
    }
}

impl Deref for UserLeaderboard {
    type Target = Leaderboard;
    fn deref(&self) -> &Leaderboard {
        &self.leaderboard
    }
}

/// A day of a user's rank history (schema `LeaderboardEvent`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LeaderboardHistoryEntry {
    /// The snapshot day.
    pub date: NaiveDate,
    /// The day boundary as a timestamp (deprecated by Trophy in favour of `date`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<DateTime<Utc>>,
    /// The rank before; `None` when the user was not on the leaderboard.
    #[serde(default)]
    pub previous_rank: Option<i64>,
    /// The rank after; `None` when the user left the leaderboard.
    #[serde(default)]
    pub rank: Option<i64>,
    /// The value before.
    #[serde(default)]
    pub previous_value: Option<f64>,
    /// The value after.
    #[serde(default)]
    pub value: Option<f64>,
}

/// A user's rank with its daily history (schema `UserLeaderboardResponseWithHistory`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    rename_all = "camelCase",
    from = "Item<UserLeaderboardWithHistoryWire>"
)]
#[non_exhaustive]
pub struct UserLeaderboardWithHistory {
    /// The leaderboard and the user's current rank.
    // Written flat; read through the flat wire form (see `with_leaderboard_fields!`).
    #[serde(flatten)]
    pub user_leaderboard: UserLeaderboard,
    /// Rank changes, oldest first.
    #[serde(default, deserialize_with = "null_as_default")]
    pub history: Vec<LeaderboardHistoryEntry>,
}

with_leaderboard_fields! {
    /// [`UserLeaderboardWithHistory`] as it arrives: every field at one level.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct UserLeaderboardWithHistoryWire {
        #[serde(default)]
        rank: Option<i64>,
        #[serde(default)]
        value: Option<f64>,
        #[serde(default, deserialize_with = "null_as_default")]
        history: Vec<LeaderboardHistoryEntry>,
    }
}

/// Read from a JSON object only, as a flattened model was: never an array by position.
impl From<Item<UserLeaderboardWithHistoryWire>> for UserLeaderboardWithHistory {
    fn from(Item(wire): Item<UserLeaderboardWithHistoryWire>) -> Self {
        UserLeaderboardWithHistory {
            user_leaderboard: UserLeaderboard {
                leaderboard: take_leaderboard!(wire),
                rank: wire.rank,
                value: wire.value,
            },
            history: wire.history,
        }
    }
}

impl Deref for UserLeaderboardWithHistory {
    type Target = UserLeaderboard;
    fn deref(&self) -> &UserLeaderboard {
        &self.user_leaderboard
    }
}

/// A user's rank change as sent in a `leaderboard.rank_changed` webhook
/// (schema `WebhookUserLeaderboardResponse`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", from = "Item<RankChangedLeaderboardWire>")]
#[non_exhaustive]
pub struct RankChangedLeaderboard {
    /// The leaderboard and the user's new rank.
    // Written flat; read through the flat wire form (see `with_leaderboard_fields!`).
    #[serde(flatten)]
    pub user_leaderboard: UserLeaderboard,
    /// The rank before the change.
    #[serde(default)]
    pub previous_rank: Option<i64>,
    /// The value before the change.
    #[serde(default)]
    pub previous_value: Option<f64>,
}

with_leaderboard_fields! {
    /// [`RankChangedLeaderboard`] as it arrives: every field at one level.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct RankChangedLeaderboardWire {
        #[serde(default)]
        rank: Option<i64>,
        #[serde(default)]
        value: Option<f64>,
        #[serde(default)]
        previous_rank: Option<i64>,
        #[serde(default)]
        previous_value: Option<f64>,
    }
}

/// Read from a JSON object only, as a flattened model was: never an array by position.
impl From<Item<RankChangedLeaderboardWire>> for RankChangedLeaderboard {
    fn from(Item(wire): Item<RankChangedLeaderboardWire>) -> Self {
        RankChangedLeaderboard {
            user_leaderboard: UserLeaderboard {
                leaderboard: take_leaderboard!(wire),
                rank: wire.rank,
                value: wire.value,
            },
            previous_rank: wire.previous_rank,
            previous_value: wire.previous_value,
        }
    }
}

impl Deref for RankChangedLeaderboard {
    type Target = UserLeaderboard;
    fn deref(&self) -> &UserLeaderboard {
        &self.user_leaderboard
    }
}

/// A leaderboard a metric event changed, with the user's rank before and after
/// (schema `MetricEventLeaderboardResponse`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", from = "Item<EventLeaderboardWire>")]
#[non_exhaustive]
pub struct EventLeaderboard {
    /// The leaderboard (its `start`/`end` are those of the current run).
    // Written flat; read through the flat wire form (see `with_leaderboard_fields!`).
    #[serde(flatten)]
    pub leaderboard: Leaderboard,
    /// The user's rank after the event; `None` when not on the leaderboard.
    #[serde(default)]
    pub rank: Option<i64>,
    /// The user's rank before the event.
    #[serde(default)]
    pub previous_rank: Option<i64>,
    /// The lowest value currently on the leaderboard.
    #[serde(default)]
    pub threshold: f64,
    /// The user's value of the single breakdown attribute (deprecated by Trophy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breakdown_attribute_value: Option<String>,
    /// The user's values of the breakdown attributes.
    #[serde(default, deserialize_with = "null_as_default")]
    pub breakdown_attribute_values: Vec<Attribute>,
}

with_leaderboard_fields! {
    /// [`EventLeaderboard`] as it arrives: every field at one level.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct EventLeaderboardWire {
        #[serde(default)]
        rank: Option<i64>,
        #[serde(default)]
        previous_rank: Option<i64>,
        #[serde(default)]
        threshold: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        breakdown_attribute_value: Option<String>,
        #[serde(default, deserialize_with = "null_as_default")]
        breakdown_attribute_values: Vec<Attribute>,
    }
}

/// Read from a JSON object only, as a flattened model was: never an array by position.
impl From<Item<EventLeaderboardWire>> for EventLeaderboard {
    fn from(Item(wire): Item<EventLeaderboardWire>) -> Self {
        EventLeaderboard {
            leaderboard: take_leaderboard!(wire),
            rank: wire.rank,
            previous_rank: wire.previous_rank,
            threshold: wire.threshold,
            breakdown_attribute_value: wire.breakdown_attribute_value,
            breakdown_attribute_values: wire.breakdown_attribute_values,
        }
    }
}

impl Deref for EventLeaderboard {
    type Target = Leaderboard;
    fn deref(&self) -> &Leaderboard {
        &self.leaderboard
    }
}

impl EventLeaderboard {
    /// Places gained by the event (positive means the user moved up), when both ranks are known
    /// (and their difference fits an `i64`).
    pub fn rank_change(&self) -> Option<i64> {
        match (self.previous_rank, self.rank) {
            (Some(before), Some(after)) => before.checked_sub(after),
            _ => None,
        }
    }
}
