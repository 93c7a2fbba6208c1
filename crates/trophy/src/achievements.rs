//! Achievements: listing them and completing one (`/achievements`), and the models of
//! definitions, a user's completions and completion stats.
//!
//! Trophy's schemas build on each other (`AchievementResponse` → `UserAchievementResponse`,
//! `AchievementWithStatsResponse` → `UserAchievementWithStatsResponse`). Here each layer holds
//! the one below it as a field and dereferences to it, so `user_achievement.name` works as well
//! as `user_achievement.achievement.name`. On the wire the layers are one flat object: each
//! model is read through a flat wire struct (`with_achievement_fields!`), in one pass.

// This module reads what the network sends: no indexing or unchecked arithmetic on it.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::collections::BTreeMap;
use std::ops::Deref;

use chrono::{DateTime, Utc};
use questkit_core::decode::object::Item;
use questkit_core::serde_helpers::null_as_default;
use questkit_core::{HasProgress, Progress, Transport};
use serde::{Deserialize, Serialize};

use crate::common::{Attribute, user_attributes_query};
use crate::points::EventPoints;
use crate::users::UpsertedUser;

questkit_core::open_enum! {
    /// What completes an achievement.
    pub enum AchievementTrigger {
        /// A metric total reaching `metricValue`.
        Metric => "metric",
        /// A streak reaching `streakLength`.
        Streak => "streak",
        /// An explicit call to `POST /achievements/{key}/complete`.
        Api => "api",
        /// Completing every achievement listed in `achievementIds`.
        Achievement => "achievement",
        /// Being a user for `anniversaryYears` years.
        Anniversary => "anniversary",
    }
}

/// Declares a struct with [`Achievement`]'s fields followed by `$extra` ones.
///
/// Trophy's schemas extend `AchievementResponse` by a few fields each. The public models hold
/// the achievement as a field (`user_achievement.achievement`), but they are read through a
/// flat wire struct declared with this macro, in one pass: `#[serde(flatten)]` would buffer
/// the whole object first and cost about a third more to decode.
macro_rules! with_achievement_fields {
    ($(#[$meta:meta])* $vis:vis struct $name:ident { $($extra:tt)* }) => {
        $(#[$meta])*
        $vis struct $name {
            /// The achievement's unique ID.
            pub id: String,
            /// The display name.
            pub name: String,
            /// What completes the achievement.
            pub trigger: AchievementTrigger,
            /// The description, when one is set.
            #[serde(default)]
            pub description: Option<String>,
            /// The badge image URL, when a badge was uploaded.
            #[serde(default)]
            pub badge_url: Option<String>,
            /// The key used to complete it through the API (trigger `api`; some responses send it for
            /// every trigger).
            #[serde(default)]
            pub key: Option<String>,
            /// The streak length that completes it (trigger `streak`).
            #[serde(default)]
            pub streak_length: Option<i64>,
            /// The number of years of membership that completes it (trigger `anniversary`).
            #[serde(default)]
            pub anniversary_years: Option<i64>,
            /// The prerequisite achievements (trigger `achievement`).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub achievement_ids: Option<Vec<String>>,
            /// The metric's ID (trigger `metric`).
            #[serde(default)]
            pub metric_id: Option<String>,
            /// The metric value that completes it (trigger `metric`).
            #[serde(default)]
            pub metric_value: Option<f64>,
            /// The metric's name (trigger `metric`).
            #[serde(default)]
            pub metric_name: Option<String>,
            /// User-attribute filters a user must match to earn it; empty when there are none.
            #[serde(default, deserialize_with = "null_as_default")]
            pub user_attributes: Vec<Attribute>,
            /// The single event-attribute filter of older configurations (deprecated by Trophy in
            /// favour of `eventAttributes`).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub event_attribute: Option<Attribute>,
            /// Event-attribute filters a metric event must match to count.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub event_attributes: Option<Vec<Attribute>>,
            $($extra)*
        }
    };
}

/// Moves the [`Achievement`] fields out of a wire struct declared with
/// [`with_achievement_fields!`].
macro_rules! take_achievement {
    ($wire:ident) => {
        Achievement {
            id: $wire.id,
            name: $wire.name,
            trigger: $wire.trigger,
            description: $wire.description,
            badge_url: $wire.badge_url,
            key: $wire.key,
            streak_length: $wire.streak_length,
            anniversary_years: $wire.anniversary_years,
            achievement_ids: $wire.achievement_ids,
            metric_id: $wire.metric_id,
            metric_value: $wire.metric_value,
            metric_name: $wire.metric_name,
            user_attributes: $wire.user_attributes,
            event_attribute: $wire.event_attribute,
            event_attributes: $wire.event_attributes,
        }
    };
}

with_achievement_fields! {
    /// An achievement as Trophy defines it (schema `AchievementResponse`).
    ///
    /// Which of the optional fields are set depends on [`Achievement::trigger`];
    /// [`Achievement::requirement`] gives a typed view of them.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[non_exhaustive]
    pub struct Achievement {}
}

/// What an achievement asks of a user, by trigger kind.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum Requirement<'a> {
    /// Reach `value` on the metric `metric_id`.
    Metric {
        /// The metric's ID, when sent.
        metric_id: Option<&'a str>,
        /// The value to reach, when sent.
        value: Option<f64>,
    },
    /// Reach a streak of `length` periods.
    Streak {
        /// The streak length to reach, when sent.
        length: Option<i64>,
    },
    /// Be completed by an API call with this key.
    Api {
        /// The achievement key, when sent.
        key: Option<&'a str>,
    },
    /// Complete every listed achievement first.
    Achievements {
        /// The prerequisite achievement IDs.
        ids: &'a [String],
    },
    /// Stay a user for this many years.
    Anniversary {
        /// The number of years, when sent.
        years: Option<i64>,
    },
    /// A trigger this client version does not know.
    Other {
        /// The trigger as sent.
        trigger: &'a str,
    },
}

impl Achievement {
    /// A typed view of the trigger-specific fields.
    pub fn requirement(&self) -> Requirement<'_> {
        match &self.trigger {
            AchievementTrigger::Metric => Requirement::Metric {
                metric_id: self.metric_id.as_deref(),
                value: self.metric_value,
            },
            AchievementTrigger::Streak => Requirement::Streak {
                length: self.streak_length,
            },
            AchievementTrigger::Api => Requirement::Api {
                key: self.key.as_deref(),
            },
            AchievementTrigger::Achievement => Requirement::Achievements {
                ids: self.achievement_ids.as_deref().unwrap_or(&[]),
            },
            AchievementTrigger::Anniversary => Requirement::Anniversary {
                years: self.anniversary_years,
            },
            AchievementTrigger::Unknown(other) => Requirement::Other { trigger: other },
        }
    }

    /// The number the user must reach, for the triggers that have one: the metric value, the
    /// streak length, the anniversary years or the number of prerequisites.
    pub fn target(&self) -> Option<f64> {
        match self.requirement() {
            Requirement::Metric { value, .. } => value,
            Requirement::Streak { length } => length.map(|l| l as f64),
            Requirement::Anniversary { years } => years.map(|y| y as f64),
            Requirement::Achievements { ids } if !ids.is_empty() => Some(ids.len() as f64),
            _ => None,
        }
    }
}

/// An achievement together with whether and when a user completed it
/// (schema `UserAchievementResponse`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", from = "Item<UserAchievementWire>")]
#[non_exhaustive]
pub struct UserAchievement {
    /// The achievement definition.
    // Written flat; read through the flat wire form (see `with_achievement_fields!`).
    #[serde(flatten)]
    pub achievement: Achievement,
    /// When the user completed it; `None` if not (yet).
    #[serde(default)]
    pub achieved_at: Option<DateTime<Utc>>,
}

with_achievement_fields! {
    /// [`UserAchievement`] as it arrives: every field at one level.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct UserAchievementWire {
        #[serde(default)]
        achieved_at: Option<DateTime<Utc>>,
    }
}

/// Read from a JSON object only, as a flattened model was: never an array by position.
impl From<Item<UserAchievementWire>> for UserAchievement {
    fn from(Item(wire): Item<UserAchievementWire>) -> Self {
        UserAchievement {
            achievement: take_achievement!(wire),
            achieved_at: wire.achieved_at,
        }
    }
}

impl Deref for UserAchievement {
    type Target = Achievement;
    fn deref(&self) -> &Achievement {
        &self.achievement
    }
}

impl UserAchievement {
    /// Whether the user has completed it.
    pub fn is_achieved(&self) -> bool {
        self.achieved_at.is_some()
    }

    /// Progress from a current value the caller knows (the metric total, the streak length)
    /// towards this achievement's [`Achievement::target`].
    ///
    /// Completion follows `achievedAt`, not the numbers: a user who reached the value but does
    /// not match the attribute filters is not complete.
    pub fn progress_towards(&self, current: f64) -> Progress {
        Progress::new(current, self.target())
            .completed(self.is_achieved())
            .completed_at(self.achieved_at)
    }
}

/// Done or not: a completed achievement is at 1 of 1, an open one at 0 of 1.
///
/// The achievement alone does not carry the user's current value; for a real fraction use
/// [`crate::metrics::Metric::achievement_progress`], [`crate::streaks::Streak::achievement_progress`]
/// or [`UserAchievement::progress_towards`].
impl HasProgress for UserAchievement {
    fn progress(&self) -> Progress {
        let current = if self.is_achieved() { 1.0 } else { 0.0 };
        Progress::new(current, Some(1.0))
            .completed(self.is_achieved())
            .completed_at(self.achieved_at)
    }
}

/// An achievement with how many users completed it (schema `AchievementWithStatsResponse`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", from = "Item<AchievementWithStatsWire>")]
#[non_exhaustive]
pub struct AchievementWithStats {
    /// The achievement definition.
    // Written flat; read through the flat wire form (see `with_achievement_fields!`).
    #[serde(flatten)]
    pub achievement: Achievement,
    /// How many users completed it.
    #[serde(default)]
    pub completions: i64,
    /// The percentage (0-100) of all users who completed it.
    #[serde(default)]
    pub rarity: f64,
}

with_achievement_fields! {
    /// [`AchievementWithStats`] as it arrives: every field at one level.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct AchievementWithStatsWire {
        #[serde(default)]
        completions: i64,
        #[serde(default)]
        rarity: f64,
    }
}

/// Read from a JSON object only, as a flattened model was: never an array by position.
impl From<Item<AchievementWithStatsWire>> for AchievementWithStats {
    fn from(Item(wire): Item<AchievementWithStatsWire>) -> Self {
        AchievementWithStats {
            achievement: take_achievement!(wire),
            completions: wire.completions,
            rarity: wire.rarity,
        }
    }
}

impl Deref for AchievementWithStats {
    type Target = Achievement;
    fn deref(&self) -> &Achievement {
        &self.achievement
    }
}

/// An achievement with its stats and a user's completion
/// (schema `UserAchievementWithStatsResponse`, returned by `GET /users/{id}/achievements`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", from = "Item<UserAchievementWithStatsWire>")]
#[non_exhaustive]
pub struct UserAchievementWithStats {
    /// The achievement and its stats.
    // Written flat; read through the flat wire form (see `with_achievement_fields!`).
    #[serde(flatten)]
    pub stats: AchievementWithStats,
    /// When the user completed it; `None` if not (yet).
    #[serde(default)]
    pub achieved_at: Option<DateTime<Utc>>,
}

with_achievement_fields! {
    /// [`UserAchievementWithStats`] as it arrives: every field at one level.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct UserAchievementWithStatsWire {
        #[serde(default)]
        completions: i64,
        #[serde(default)]
        rarity: f64,
        #[serde(default)]
        achieved_at: Option<DateTime<Utc>>,
    }
}

/// Read from a JSON object only, as a flattened model was: never an array by position.
impl From<Item<UserAchievementWithStatsWire>> for UserAchievementWithStats {
    fn from(Item(wire): Item<UserAchievementWithStatsWire>) -> Self {
        UserAchievementWithStats {
            stats: AchievementWithStats {
                achievement: take_achievement!(wire),
                completions: wire.completions,
                rarity: wire.rarity,
            },
            achieved_at: wire.achieved_at,
        }
    }
}

impl Deref for UserAchievementWithStats {
    type Target = AchievementWithStats;
    fn deref(&self) -> &AchievementWithStats {
        &self.stats
    }
}

impl UserAchievementWithStats {
    /// Whether the user has completed it.
    pub fn is_achieved(&self) -> bool {
        self.achieved_at.is_some()
    }

    /// The same achievement without the stats, as a [`UserAchievement`].
    pub fn to_user_achievement(&self) -> UserAchievement {
        UserAchievement {
            achievement: self.stats.achievement.clone(),
            achieved_at: self.achieved_at,
        }
    }
}

/// Done or not, as for [`UserAchievement`].
impl HasProgress for UserAchievementWithStats {
    fn progress(&self) -> Progress {
        self.to_user_achievement().progress()
    }
}

/// The result of completing an achievement (schema `AchievementCompletionResponse`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AchievementCompletion {
    /// The ID of this completion.
    pub completion_id: String,
    /// The achievement, with `achievedAt` set.
    pub achievement: UserAchievement,
    /// Points systems changed by the completion, by points-system key.
    #[serde(default, deserialize_with = "null_as_default")]
    pub points: BTreeMap<String, EventPoints>,
}

/// The body of `POST /achievements/{key}/complete`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CompleteAchievementBody {
    /// The user who completed the achievement (created or updated on the way).
    pub user: UpsertedUser,
}

impl CompleteAchievementBody {
    /// A body for this user.
    pub fn new(user: UpsertedUser) -> Self {
        CompleteAchievementBody { user }
    }
}

/// The achievement calls of a [`crate::Trophy`] client (`trophy.achievements()`).
#[derive(Clone, Copy, Debug)]
pub struct Achievements<'a> {
    transport: &'a Transport,
}

impl<'a> Achievements<'a> {
    pub(crate) fn new(transport: &'a Transport) -> Self {
        Achievements { transport }
    }

    /// `GET /achievements`: every achievement with its completion stats.
    pub fn all(&self) -> AllAchievements {
        AllAchievements::from(
            self.transport
                .get("achievements", &[])
                .operation("achievements.all"),
        )
    }

    /// `POST /achievements/{key}/complete`: marks an `api`-triggered achievement complete for
    /// the user (creating or updating the user on the way).
    ///
    /// Trophy takes no idempotency key here, so the call is retried only when it surely did
    /// not reach the server (a connection error) or on 429.
    ///
    /// ```no_run
    /// # async fn run(trophy: questkit_trophy::Trophy) -> questkit_core::Result<()> {
    /// let done = trophy.achievements().complete("finish-onboarding", "user-1").await?;
    /// println!("{} at {:?}", done.achievement.name, done.achievement.achieved_at);
    /// # Ok(()) }
    /// ```
    pub fn complete(&self, key: &str, user: impl Into<UpsertedUser>) -> CompleteAchievement {
        CompleteAchievement::from(
            self.transport
                .post("achievements/{key}/complete", &[key])
                .rate_limit_bucket(crate::rate_limits::TIER_1)
                .operation("achievements.complete")
                .json(&CompleteAchievementBody::new(user.into())),
        )
    }
}

questkit_core::call! {
    /// The call of [`Achievements::all`].
    pub struct AllAchievements -> Vec<AchievementWithStats>;
}

impl AllAchievements {
    /// Only the achievements a user with these attributes can earn (`userAttributes`, sent as
    /// `key:value,key:value` in the given order).
    pub fn user_attributes<I, K, V>(mut self, pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        self.inner = self
            .inner
            .set_query("userAttributes", user_attributes_query(pairs));
        self
    }
}

questkit_core::call! {
    /// The call of [`Achievements::complete`].
    pub struct CompleteAchievement -> AchievementCompletion;
}
