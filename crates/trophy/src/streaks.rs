//! Streaks: several users' streaks at once (`GET /streaks`), and the models of a user's streak,
//! its history and pauses, and the streak in a metric-event response.

// This module reads what the network sends: no indexing or unchecked arithmetic on it.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::ops::Deref;

use chrono::{DateTime, NaiveDate, Utc};
use questkit_core::decode::object::Item;
use questkit_core::serde_helpers::null_as_default;
use questkit_core::{DateText, Error, HasProgress, Progress, Transport};
use serde::{Deserialize, Serialize};

use crate::achievements::UserAchievement;

questkit_core::open_enum! {
    /// How often a streak must be extended.
    pub enum StreakFrequency {
        /// Once a day.
        Daily => "daily",
        /// Once a week.
        Weekly => "weekly",
        /// Once a month.
        Monthly => "monthly",
    }
}

/// Declares a struct with [`Streak`]'s fields followed by `$extra` ones.
///
/// Trophy's schemas extend the streak by a few fields each.
/// The public models hold the streak as a field; they are read through a flat wire
/// struct declared with this macro, in one pass, where `#[serde(flatten)]` would buffer the
/// whole object first.
macro_rules! with_streak_fields {
    ($(#[$meta:meta])* $vis:vis struct $name:ident { $($extra:tt)* }) => {
        $(#[$meta])*
        $vis struct $name {
            /// The current length in periods (0 when there is no active streak).
            #[serde(default)]
            pub length: i64,
            /// How often the streak must be extended.
            pub frequency: StreakFrequency,
            /// The day the streak started, if active.
            #[serde(default)]
            pub started: Option<NaiveDate>,
            /// The first day of the current period.
            #[serde(default)]
            pub period_start: Option<NaiveDate>,
            /// The last day of the current period.
            #[serde(default)]
            pub period_end: Option<NaiveDate>,
            /// The day the streak is lost unless extended.
            #[serde(default)]
            pub expires: Option<NaiveDate>,
            /// Streak freezes available (only when freezes are enabled).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub freezes: Option<i64>,
            /// The most freezes a user can hold.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub max_freezes: Option<i64>,
            /// Every how many days a freeze is earned.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub freeze_auto_earn_interval: Option<i64>,
            /// How many freezes are earned per interval.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub freeze_auto_earn_amount: Option<i64>,
            $($extra)*
        }
    };
}

/// Moves the [`Streak`] fields out of a wire struct declared with [`with_streak_fields!`].
macro_rules! take_streak {
    ($wire:ident) => {
        Streak {
            length: $wire.length,
            frequency: $wire.frequency,
            started: $wire.started,
            period_start: $wire.period_start,
            period_end: $wire.period_end,
            expires: $wire.expires,
            freezes: $wire.freezes,
            max_freezes: $wire.max_freezes,
            freeze_auto_earn_interval: $wire.freeze_auto_earn_interval,
            freeze_auto_earn_amount: $wire.freeze_auto_earn_amount,
        }
    };
}

with_streak_fields! {
    /// A user's streak (schema `BaseStreakResponse`).
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[non_exhaustive]
    pub struct Streak {}
}

impl Streak {
    /// Whether the streak is active (longer than zero).
    pub fn is_active(&self) -> bool {
        self.length > 0
    }

    /// The user's progress towards a streak achievement, as a [`HasProgress`] view.
    pub fn achievement_progress<'a>(
        &'a self,
        achievement: &'a UserAchievement,
    ) -> StreakAchievement<'a> {
        StreakAchievement {
            streak: self,
            achievement,
        }
    }
}

/// A streak achievement seen against the user's current streak length.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StreakAchievement<'a> {
    /// The user's streak.
    pub streak: &'a Streak,
    /// The achievement (trigger `streak`, target `streakLength`).
    pub achievement: &'a UserAchievement,
}

/// Current streak length against `streakLength`; completion follows `achievedAt`.
impl HasProgress for StreakAchievement<'_> {
    fn progress(&self) -> Progress {
        self.achievement.progress_towards(self.streak.length as f64)
    }
}

/// One past or current period of a streak (an item of `streakHistory`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct StreakPeriod {
    /// The first day of the period.
    pub period_start: NaiveDate,
    /// The last day of the period.
    pub period_end: NaiveDate,
    /// The streak length at the end of the period.
    #[serde(default)]
    pub length: i64,
    /// Whether a freeze kept the streak alive in this period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_freeze: Option<bool>,
    /// Whether a pause covered this period.
    #[serde(default)]
    pub used_pause: bool,
    /// When the streak was reset in this period (newer API versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reset_at: Option<DateTime<Utc>>,
}

/// An upcoming or active pause of a user's streak.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct StreakPause {
    /// The pause ID.
    pub id: String,
    /// The first paused day.
    pub start: NaiveDate,
    /// The last paused day.
    pub end: NaiveDate,
}

/// A user's streak with its history and pauses (schema `StreakResponse`, returned by
/// `GET /users/{id}/streak`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", from = "Item<UserStreakWire>")]
#[non_exhaustive]
pub struct UserStreak {
    /// The streak itself.
    // Written flat; read through the flat wire form (see `with_streak_fields!`).
    #[serde(flatten)]
    pub streak: Streak,
    /// When the streak was last extended; `None` when not active.
    #[serde(default)]
    pub extended: Option<DateTime<Utc>>,
    /// Past periods up to the current one, oldest first.
    #[serde(default, deserialize_with = "null_as_default")]
    pub streak_history: Vec<StreakPeriod>,
    /// Upcoming and active pauses.
    #[serde(default, deserialize_with = "null_as_default")]
    pub pauses: Vec<StreakPause>,
}

with_streak_fields! {
    /// [`UserStreak`] as it arrives: every field at one level.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct UserStreakWire {
        #[serde(default)]
        extended: Option<DateTime<Utc>>,
        #[serde(default, deserialize_with = "null_as_default")]
        streak_history: Vec<StreakPeriod>,
        #[serde(default, deserialize_with = "null_as_default")]
        pauses: Vec<StreakPause>,
    }
}

/// Read from a JSON object only, as a flattened model was: never an array by position.
impl From<Item<UserStreakWire>> for UserStreak {
    fn from(Item(wire): Item<UserStreakWire>) -> Self {
        UserStreak {
            streak: take_streak!(wire),
            extended: wire.extended,
            streak_history: wire.streak_history,
            pauses: wire.pauses,
        }
    }
}

impl Deref for UserStreak {
    type Target = Streak;
    fn deref(&self) -> &Streak {
        &self.streak
    }
}

/// The user's streak after a metric event (schema `MetricEventStreakResponse`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", from = "Item<EventStreakWire>")]
#[non_exhaustive]
pub struct EventStreak {
    /// The streak itself.
    // Written flat; read through the flat wire form (see `with_streak_fields!`).
    #[serde(flatten)]
    pub streak: Streak,
    /// Whether this event extended the streak, when the response says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended: Option<bool>,
}

with_streak_fields! {
    /// [`EventStreak`] as it arrives: every field at one level.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct EventStreakWire {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        extended: Option<bool>,
    }
}

/// Read from a JSON object only, as a flattened model was: never an array by position.
impl From<Item<EventStreakWire>> for EventStreak {
    fn from(Item(wire): Item<EventStreakWire>) -> Self {
        EventStreak {
            streak: take_streak!(wire),
            extended: wire.extended,
        }
    }
}

impl Deref for EventStreak {
    type Target = Streak;
    fn deref(&self) -> &Streak {
        &self.streak
    }
}

/// One user's streak in `GET /streaks` (an item of schema `BulkStreakResponse`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BulkStreakEntry {
    /// The user's ID.
    pub user_id: String,
    /// The current streak length.
    #[serde(default)]
    pub streak_length: i64,
    /// When the streak was last extended, as sent; `None` when not active. Trophy types it only
    /// as a string (seen as `2025-01-01 05:03:00`, RFC 3339 and bare dates):
    /// [`DateText::date_time`] reads it.
    #[serde(default)]
    pub extended: Option<DateText>,
}

/// The streak calls of a [`crate::Trophy`] client (`trophy.streaks()`).
#[derive(Clone, Copy, Debug)]
pub struct Streaks<'a> {
    transport: &'a Transport,
}

impl<'a> Streaks<'a> {
    pub(crate) fn new(transport: &'a Transport) -> Self {
        Streaks { transport }
    }

    /// `GET /streaks`: the current streak of several users at once (`userIds` repeated once
    /// per user). An empty list fails with [`questkit_core::Error::InvalidInput`] before
    /// sending: Trophy requires at least one ID.
    ///
    /// ```no_run
    /// # async fn run(trophy: questkit_trophy::Trophy) -> questkit_core::Result<()> {
    /// for entry in trophy.streaks().list(["user-1", "user-2"]).await? {
    ///     println!("{}: {}", entry.user_id, entry.streak_length);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list<I, S>(&self, user_ids: I) -> ListStreaks
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let ids: Vec<String> = user_ids
            .into_iter()
            .map(|s| s.as_ref().to_owned())
            .collect();
        let mut request = self.transport.get("streaks", &[]).operation("streaks.list");
        if ids.is_empty() {
            request.fail(Error::invalid_input(
                "streaks().list needs at least one user ID",
            ));
        }
        ListStreaks::from(request.query_each("userIds", ids))
    }
}

questkit_core::call! {
    /// The call of [`Streaks::list`].
    pub struct ListStreaks -> Vec<BulkStreakEntry>;
}
