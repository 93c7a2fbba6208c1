//! One list of progress bars for a user, whatever API reported the progress.
//!
//! Each API describes progress its own way: a Trophy metric total against an achievement's
//! `metricValue`, a Nudj criteria tree with a mirrored user state, an Epixel goal's `current`
//! and `maximum` (or a percentage), a Giftoin collection's cards. [`ProgressItem`] is the common
//! shape: the source, the user, a title, the core [`Progress`] (current, target, fraction,
//! completed, completed at) and an image or link where the API has one. The constructors below
//! convert each API's models, so a backend can render one list.
//!
//! ```
//! use questkit::progress::{ProgressItem, Source};
//! use questkit::Progress;
//!
//! let item = ProgressItem::new(Source::Giftoin, "Winter Challenge", Progress::new(3.0, Some(10.0)))
//!     .user("discord:1234")
//!     .unit("cards");
//! assert_eq!(item.progress.percent(), 30);
//! assert_eq!(item.to_string(), "[giftoin] Winter Challenge: 3 / 10 cards (30%)");
//! ```

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Progress;
#[cfg(any(
    feature = "trophy",
    feature = "nudj",
    feature = "goals",
    feature = "giftoin"
))]
use crate::core::HasProgress;

/// The API a progress item comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Source {
    /// Trophy (metrics and achievements).
    Trophy,
    /// Nudj (criteria achievements).
    Nudj,
    /// Epixel MLM goals.
    Goals,
    /// Giftoin collection challenges.
    Giftoin,
}

impl Source {
    /// The lowercase name (`trophy`, `nudj`, `goals`, `giftoin`).
    pub fn as_str(&self) -> &'static str {
        match self {
            Source::Trophy => "trophy",
            Source::Nudj => "nudj",
            Source::Goals => "goals",
            Source::Giftoin => "giftoin",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One progress bar: what it is, whose it is, and how far along.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProgressItem {
    /// The API that reported it.
    pub source: Source,
    /// The user it belongs to, when known.
    pub user: Option<String>,
    /// The item's ID in its API (achievement ID, goal key, program ID), when it has one.
    pub id: Option<String>,
    /// What to show as its name.
    pub title: String,
    /// Current, target, fraction (0 to 1), completed, completed at.
    pub progress: Progress,
    /// The unit of `current` and `target` (`cards`, `days`, `USD`, a metric's name).
    pub unit: Option<String>,
    /// An image (badge, collection artwork), when the API has one.
    pub image: Option<String>,
}

impl ProgressItem {
    /// An item with a title and progress.
    pub fn new(source: Source, title: impl Into<String>, progress: Progress) -> Self {
        ProgressItem {
            source,
            user: None,
            id: None,
            title: title.into(),
            progress,
            unit: None,
            image: None,
        }
    }

    /// Sets the user.
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.user = Some(user.into());
        self
    }

    /// Sets the ID.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Sets the unit.
    pub fn unit(mut self, unit: impl Into<String>) -> Self {
        self.unit = Some(unit.into());
        self
    }

    /// Sets the image.
    pub fn image(mut self, image: impl Into<String>) -> Self {
        self.image = Some(image.into());
        self
    }

    #[cfg(any(
        feature = "trophy",
        feature = "nudj",
        feature = "goals",
        feature = "giftoin"
    ))]
    fn maybe_user(self, user: Option<&str>) -> Self {
        match user {
            Some(user) => self.user(user),
            None => self,
        }
    }

    #[cfg(any(feature = "trophy", feature = "nudj", feature = "giftoin"))]
    fn maybe_image(mut self, image: Option<&str>) -> Self {
        self.image = image.filter(|i| !i.trim().is_empty()).map(str::to_owned);
        self
    }

    /// The current value.
    pub fn current(&self) -> f64 {
        self.progress.current
    }

    /// The target, when the API states one.
    pub fn target(&self) -> Option<f64> {
        self.progress.target
    }

    /// The fraction done, within `0.0..=1.0`.
    pub fn fraction(&self) -> f64 {
        self.progress.fraction()
    }

    /// Whether it is complete.
    pub fn is_completed(&self) -> bool {
        self.progress.is_completed()
    }

    /// When it was completed, when the API says.
    pub fn completed_at(&self) -> Option<DateTime<Utc>> {
        self.progress.completed_at
    }

    /// A text bar of `width` cells: `[######----]`.
    pub fn bar(&self, width: usize) -> String {
        let filled = ((self.fraction() * width as f64).round() as usize).min(width);
        format!("[{}{}]", "#".repeat(filled), "-".repeat(width - filled))
    }
}

/// `[source] title: current / target unit (percent)`; without a target, the current value
/// only when there is one (an API that reports just a percentage shows just the percentage).
impl fmt::Display for ProgressItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}: ", self.source, self.title)?;
        let amount = match self.target() {
            Some(target) => Some(format!("{} / {}", number(self.current()), number(target))),
            None if self.current() != 0.0 => Some(number(self.current())),
            None => None,
        };
        if let Some(amount) = amount {
            f.write_str(&amount)?;
            if let Some(unit) = &self.unit {
                write!(f, " {unit}")?;
            }
            f.write_str(" ")?;
        }
        write!(f, "({}%", self.progress.percent())?;
        if self.is_completed() {
            f.write_str(", done")?;
        }
        f.write_str(")")
    }
}

/// A number without a needless `.0`.
fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value:.2}")
    }
}

#[cfg(feature = "trophy")]
mod trophy_items {
    use super::*;
    use crate::trophy::achievements::{AchievementTrigger, UserAchievementWithStats};
    use crate::trophy::metrics::Metric;
    use crate::trophy::streaks::Streak;

    impl ProgressItem {
        /// One item per achievement of a Trophy metric (`users().single_metric`), each the
        /// user's total against the achievement's `metricValue`.
        pub fn trophy_metric_achievements(
            user: Option<&str>,
            metric: &Metric,
        ) -> Vec<ProgressItem> {
            metric
                .achievement_progress()
                .map(|view| {
                    let achievement = view.achievement;
                    ProgressItem::new(Source::Trophy, achievement.name.clone(), view.progress())
                        .id(achievement.id.clone())
                        .unit(metric.name.clone())
                        .maybe_user(user)
                        .maybe_image(achievement.badge_url.as_deref())
                })
                .collect()
        }

        /// One item per streak achievement among a user's achievements
        /// (`users().achievements(..).include_incomplete(true)`), each the user's current
        /// streak length (`users().streak`) against the achievement's `streakLength`.
        pub fn trophy_streak_achievements(
            user: Option<&str>,
            streak: &Streak,
            achievements: &[UserAchievementWithStats],
        ) -> Vec<ProgressItem> {
            achievements
                .iter()
                .map(UserAchievementWithStats::to_user_achievement)
                .filter(|a| a.trigger == AchievementTrigger::Streak)
                .map(|achievement| {
                    let progress = streak.achievement_progress(&achievement).progress();
                    let unit = match streak.frequency.as_str() {
                        "daily" => "days",
                        "weekly" => "weeks",
                        "monthly" => "months",
                        _ => "periods",
                    };
                    ProgressItem::new(Source::Trophy, achievement.name.clone(), progress)
                        .id(achievement.id.clone())
                        .unit(unit)
                        .maybe_user(user)
                        .maybe_image(achievement.badge_url.as_deref())
                })
                .collect()
        }
    }
}

#[cfg(feature = "nudj")]
mod nudj_items {
    use super::*;
    use crate::nudj::achievements::Achievement;

    impl ProgressItem {
        /// A Nudj achievement with its user state (`achievements().get` as the user): the
        /// root of the progress tree against its target.
        pub fn nudj_achievement(user: Option<&str>, achievement: &Achievement) -> ProgressItem {
            let title = achievement
                .title()
                .filter(|t| !t.trim().is_empty())
                .unwrap_or(achievement.id.as_str());
            let image = achievement
                .details
                .as_ref()
                .and_then(|d| d.primary_image_url(false));
            ProgressItem::new(Source::Nudj, title, achievement.progress())
                .id(achievement.id.as_str())
                .maybe_user(user)
                .maybe_image(image)
        }
    }
}

#[cfg(feature = "goals")]
mod goals_items {
    use super::*;
    use crate::goals::{Goal, Overview};

    impl ProgressItem {
        /// One item per goal of an Epixel goals overview (`profiles().overview()`), in the
        /// server's order: `current` against `maximum`, or the server's percentage.
        pub fn goals_overview(user: Option<&str>, overview: &Overview) -> Vec<ProgressItem> {
            overview
                .user_goals
                .iter()
                .map(|(key, goal)| ProgressItem::goal(user, key, goal))
                .collect()
        }

        /// One Epixel goal; `key` is its key in the overview.
        pub fn goal(user: Option<&str>, key: &str, goal: &Goal) -> ProgressItem {
            let title = goal
                .display_name
                .as_deref()
                .filter(|t| !t.trim().is_empty())
                .unwrap_or(key);
            let item = ProgressItem::new(Source::Goals, title, goal.progress())
                .id(key)
                .maybe_user(user);
            match goal.currency() {
                Some(currency) => item.unit(currency),
                None => item,
            }
        }
    }
}

#[cfg(feature = "giftoin")]
mod giftoin_items {
    use super::*;
    use crate::giftoin::CollectionChallenge;

    impl ProgressItem {
        /// A Giftoin collection challenge (`users().collection_challenges`): cards collected
        /// against the collection's size, or Giftoin's percentage.
        pub fn giftoin_challenge(
            user: Option<&str>,
            challenge: &CollectionChallenge,
        ) -> ProgressItem {
            let title = challenge
                .name
                .as_deref()
                .or(challenge.id.as_ref().map(|id| id.as_str()))
                .unwrap_or("collection challenge");
            let mut item = ProgressItem::new(Source::Giftoin, title, challenge.progress())
                .unit("cards")
                .maybe_user(user)
                .maybe_image(challenge.image.as_deref());
            item.id = challenge.id.as_ref().map(|id| id.to_string());
            item
        }
    }
}
