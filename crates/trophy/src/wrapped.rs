//! A user's year in review (`GET /users/{id}/wrapped`).

// This module reads what the network sends: no indexing or unchecked arithmetic on it.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::collections::BTreeMap;
use std::ops::Deref;

use chrono::NaiveDate;
use questkit_core::decode::object::Item;
use questkit_core::serde_helpers::null_as_default;
use serde::{Deserialize, Serialize};

use crate::achievements::UserAchievement;
use crate::leaderboards::UserLeaderboard;
use crate::streaks::StreakFrequency;
use crate::users::User;

/// A user's year in review (schema `WrappedResponse`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Wrapped {
    /// The user.
    pub user: User,
    /// The user's activity over the year.
    pub activity: WrappedActivity,
}

/// Activity counts and highlights of the year (schema `WrappedActivity`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WrappedActivity {
    /// Days with activity.
    #[serde(default)]
    pub days_active: i64,
    /// Weeks with activity.
    #[serde(default)]
    pub weeks_active: i64,
    /// Months with activity.
    #[serde(default)]
    pub months_active: i64,
    /// The most active day.
    pub most_active_day: WrappedDay,
    /// The most active week.
    pub most_active_week: WrappedWeek,
    /// The most active month.
    pub most_active_month: WrappedMonth,
    /// The whole year.
    pub entire_year: WrappedYear,
}

/// Declares a struct with [`WrappedPeriod`]'s fields followed by `$extra` ones.
///
/// Each period of the review (day, week, month, year) extends the same four collections.
/// The public models hold the period as a field; they are read through a flat wire
/// struct declared with this macro, in one pass, where `#[serde(flatten)]` would buffer the
/// whole object first.
macro_rules! with_period_fields {
    ($(#[$meta:meta])* $vis:vis struct $name:ident { $($extra:tt)* }) => {
        $(#[$meta])*
        $vis struct $name {
            /// Metric changes, by metric key.
            #[serde(default, deserialize_with = "null_as_default")]
            pub metrics: BTreeMap<String, WrappedMetric>,
            /// Points changes, by points-system key.
            #[serde(default, deserialize_with = "null_as_default")]
            pub points: BTreeMap<String, WrappedPoints>,
            /// Achievements completed in the period.
            #[serde(default, deserialize_with = "null_as_default")]
            pub achievements: Vec<UserAchievement>,
            /// The user's leaderboard standings, by leaderboard key.
            #[serde(default, deserialize_with = "null_as_default")]
            pub leaderboards: BTreeMap<String, UserLeaderboard>,
            $($extra)*
        }
    };
}

/// Moves the [`WrappedPeriod`] fields out of a wire struct declared with [`with_period_fields!`].
macro_rules! take_period {
    ($wire:ident) => {
        WrappedPeriod {
            metrics: $wire.metrics,
            points: $wire.points,
            achievements: $wire.achievements,
            leaderboards: $wire.leaderboards,
        }
    };
}

with_period_fields! {
    /// What happened within one period of the year (schema `WrappedActivityPeriod`).
    #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[non_exhaustive]
    pub struct WrappedPeriod {}
}

/// The most active day (schema `WrappedMostActiveDay`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", from = "Item<WrappedDayWire>")]
#[non_exhaustive]
pub struct WrappedDay {
    /// The day.
    pub date: NaiveDate,
    /// What happened on it.
    // Written flat; read through the flat wire form (see `with_period_fields!`).
    #[serde(flatten)]
    pub period: WrappedPeriod,
}

with_period_fields! {
    /// [`WrappedDay`] as it arrives: every field at one level.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct WrappedDayWire {
        date: NaiveDate,
    }
}

/// Read from a JSON object only, as a flattened model was: never an array by position.
impl From<Item<WrappedDayWire>> for WrappedDay {
    fn from(Item(wire): Item<WrappedDayWire>) -> Self {
        WrappedDay {
            period: take_period!(wire),
            date: wire.date,
        }
    }
}

/// The most active week (schema `WrappedMostActiveWeek`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", from = "Item<WrappedWeekWire>")]
#[non_exhaustive]
pub struct WrappedWeek {
    /// The first day of the week.
    pub start: NaiveDate,
    /// The last day of the week.
    pub end: NaiveDate,
    /// What happened in it.
    // Written flat; read through the flat wire form (see `with_period_fields!`).
    #[serde(flatten)]
    pub period: WrappedPeriod,
}

with_period_fields! {
    /// [`WrappedWeek`] as it arrives: every field at one level.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct WrappedWeekWire {
        start: NaiveDate,
        end: NaiveDate,
    }
}

/// Read from a JSON object only, as a flattened model was: never an array by position.
impl From<Item<WrappedWeekWire>> for WrappedWeek {
    fn from(Item(wire): Item<WrappedWeekWire>) -> Self {
        WrappedWeek {
            period: take_period!(wire),
            start: wire.start,
            end: wire.end,
        }
    }
}

/// The most active month (schema `WrappedMostActiveMonth`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", from = "Item<WrappedMonthWire>")]
#[non_exhaustive]
pub struct WrappedMonth {
    /// The month, zero-based as Trophy sends it (0 is January, 11 is December).
    pub month: u32,
    /// What happened in it.
    // Written flat; read through the flat wire form (see `with_period_fields!`).
    #[serde(flatten)]
    pub period: WrappedPeriod,
}

with_period_fields! {
    /// [`WrappedMonth`] as it arrives: every field at one level.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct WrappedMonthWire {
        month: u32,
    }
}

/// Read from a JSON object only, as a flattened model was: never an array by position.
impl From<Item<WrappedMonthWire>> for WrappedMonth {
    fn from(Item(wire): Item<WrappedMonthWire>) -> Self {
        WrappedMonth {
            period: take_period!(wire),
            month: wire.month,
        }
    }
}

impl WrappedMonth {
    /// The month as a calendar number (1 is January), or `None` if out of range.
    pub fn month_number(&self) -> Option<u32> {
        self.month.checked_add(1).filter(|month| *month <= 12)
    }
}

/// The whole year (schema `WrappedEntireYear`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", from = "Item<WrappedYearWire>")]
#[non_exhaustive]
pub struct WrappedYear {
    /// The longest streak of the year.
    pub longest_streak: WrappedStreak,
    /// What happened in the year.
    // Written flat; read through the flat wire form (see `with_period_fields!`).
    #[serde(flatten)]
    pub period: WrappedPeriod,
}

with_period_fields! {
    /// [`WrappedYear`] as it arrives: every field at one level.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct WrappedYearWire {
        longest_streak: WrappedStreak,
    }
}

/// Read from a JSON object only, as a flattened model was: never an array by position.
impl From<Item<WrappedYearWire>> for WrappedYear {
    fn from(Item(wire): Item<WrappedYearWire>) -> Self {
        WrappedYear {
            period: take_period!(wire),
            longest_streak: wire.longest_streak,
        }
    }
}

macro_rules! deref_period {
    ($($ty:ty),*) => {$(
        impl Deref for $ty {
            type Target = WrappedPeriod;
            fn deref(&self) -> &WrappedPeriod {
                &self.period
            }
        }
    )*};
}

deref_period!(WrappedDay, WrappedWeek, WrappedMonth, WrappedYear);

/// A metric's change within a period (schema `WrappedMetric`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WrappedMetric {
    /// The metric's name.
    pub name: String,
    /// The metric's units.
    #[serde(default)]
    pub units: Option<String>,
    /// The user's total at the end of the period.
    pub current_total: f64,
    /// The change within the period.
    pub change_this_period: f64,
    /// The change in percent.
    pub percent_change: f64,
    /// The user's percentile among all users for the period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percentile_this_period: Option<f64>,
    /// The same numbers broken down: attribute key → attribute value → numbers.
    #[serde(default, deserialize_with = "null_as_default")]
    pub by_attribute: BTreeMap<String, BTreeMap<String, WrappedMetricBreakdown>>,
}

/// A metric's change for one attribute value (every field optional in the spec).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WrappedMetricBreakdown {
    /// The metric's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The metric's units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<String>,
    /// The total at the end of the period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_total: Option<f64>,
    /// The change within the period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_this_period: Option<f64>,
    /// The change in percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent_change: Option<f64>,
    /// The percentile among all users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percentile_this_period: Option<f64>,
}

/// A points system's change within a period (schema `WrappedPoints`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WrappedPoints {
    /// The points system's name.
    pub name: String,
    /// The points system's description.
    #[serde(default)]
    pub description: Option<String>,
    /// The user's total at the end of the period.
    pub current_total: f64,
    /// The change within the period.
    pub change_this_period: f64,
    /// The change in percent.
    pub percent_change: f64,
    /// The user's percentile among all users for the period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percentile_this_period: Option<f64>,
}

/// The longest streak of the year (schema `WrappedStreak`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WrappedStreak {
    /// The streak length in periods.
    #[serde(default)]
    pub length: i64,
    /// How often it had to be extended.
    pub frequency: StreakFrequency,
    /// The first day of its last period.
    #[serde(default)]
    pub period_start: Option<NaiveDate>,
    /// The last day of its last period.
    #[serde(default)]
    pub period_end: Option<NaiveDate>,
    /// The day it started.
    #[serde(default)]
    pub started: Option<NaiveDate>,
}
