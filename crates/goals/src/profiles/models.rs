//! Models of the two "Profiles - Goals" endpoints: the goals overview and the goals leaderboard.
//!
//! The vendor page shows only placeholders, not types, so every field is read leniently:
//! numeric placeholders as [`NumberOrText`] (a JSON number or numeric string reads as a number,
//! any other text is kept, so `"N/A"` never fails a response), IDs as [`LenientId`] (numbers or
//! strings, written back in the JSON type they came in), booleans as `true`/`false` or `1`/`0`,
//! and any field may be missing or `null`. Maps keyed by goal keyword or user ID keep the order
//! the server sent (see [`OrderedMap`]).
//!
//! Normalised by design, so serializing a model may differ from the bytes received: numeric
//! strings (`"1,250.50"`, `"40%"`) are written back as numbers, `1`/`0` flags as booleans,
//! `null` lists as `[]`, `[]` maps as `{}`, and `goal_status` values and `step` as strings.
//! `send_raw()` returns the body exactly as sent.
// Goals and leaderboards come from the network: no indexing, no unchecked arithmetic.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use crate::ordered_map::OrderedMap;
use crate::values::{NumberOrText, parse_number};
use questkit_core::serde_helpers::{lenient_bool, lenient_string, null_as_default};
use questkit_core::{HasProgress, LenientId, Progress};
use serde::{Deserialize, Serialize};

questkit_core::open_enum! {
    /// How often a goal resets.
    ///
    /// Epixel does not list the values; the known variants below are the common ones and are a
    /// guess. Any other value is kept as [`Period::Unknown`] and written back unchanged.
    pub enum Period {
        /// Every day.
        Daily => "daily",
        /// Every week.
        Weekly => "weekly",
        /// Every month.
        Monthly => "monthly",
        /// Every quarter.
        Quarterly => "quarterly",
        /// Every year.
        Yearly => "yearly",
    }
}

/// A goal: its definition and, where the endpoint reports it, the user's standing.
///
/// The overview's `user_goals` and the leaderboard's `current_goal_info` carry every field; the
/// leaderboard's `goals` list only the definition (`current`, `percentage` and `difference` are
/// then `None`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Goal {
    /// How often the goal resets.
    #[serde(default)]
    pub period: Option<Period>,
    /// The target value (a number; text the server sends instead is kept, see [`NumberOrText`]).
    #[serde(default)]
    pub maximum: Option<NumberOrText>,
    /// The lowest value the goal may be set to (or the floor that counts).
    #[serde(default)]
    pub minimum: Option<NumberOrText>,
    /// The name to show.
    #[serde(default)]
    pub display_name: Option<String>,
    /// The currency of a money goal (ISO code); empty or absent for counts.
    #[serde(default)]
    pub currency_code: Option<String>,
    /// The user's current value (a number, or text kept as sent).
    #[serde(default)]
    pub current: Option<NumberOrText>,
    /// The server's own progress percentage (`65.03` means 65.03 %), or text kept as sent.
    #[serde(default)]
    pub percentage: Option<NumberOrText>,
    /// How much is left to reach the target.
    #[serde(default)]
    pub difference: Option<NumberOrText>,
}

impl Goal {
    /// The currency code, when it names one (an empty string counts as none).
    pub fn currency(&self) -> Option<&str> {
        self.currency_code
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
    }
}

impl HasProgress for Goal {
    /// `current` against `maximum`; the server's `percentage`, when present, sets the fraction,
    /// and a percentage of 100 or more marks the goal completed. Text in place of a number
    /// counts as absent.
    fn progress(&self) -> Progress {
        let progress = Progress::new(number(&self.current).unwrap_or(0.0), number(&self.maximum));
        match number(&self.percentage) {
            Some(p) if p >= 100.0 => progress.completed(true),
            Some(p) => progress.with_percentage(p),
            None => progress,
        }
    }
}

/// The number a placeholder value holds, if it holds one.
fn number(value: &Option<NumberOrText>) -> Option<f64> {
    value.as_ref().and_then(NumberOrText::as_f64)
}

/// A goal profile the user can pick (`profile_id` / `profile` query values come from here).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Profile {
    /// The profile ID (a number or a string on the wire, written back in the same JSON type).
    #[serde(default)]
    pub id: Option<LenientId>,
    /// The profile's name.
    #[serde(default)]
    pub profilename: Option<String>,
}

/// `GET profiles/overview/`: the user's goals (the dashboard widget).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Overview {
    /// Goals by goal key, in the server's order.
    #[serde(default)]
    pub user_goals: OrderedMap<String, Goal>,
    /// Whether the user may change their goals now.
    #[serde(rename = "eligibleforupdate", default, with = "lenient_bool::option")]
    pub eligible_for_update: Option<bool>,
    /// The goal profiles the user can choose from.
    #[serde(default, deserialize_with = "null_as_default")]
    pub profiles: Vec<Profile>,
}

/// `GET profiles/user/goals-leaderboard/`: the leaderboard of one goal in one profile, with
/// learning suggestions.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GoalsLeaderboard {
    /// Suggested courses.
    #[serde(rename = "courseList", default, deserialize_with = "null_as_default")]
    pub course_list: Vec<Course>,
    /// Goal definitions by goal keyword (no user values).
    #[serde(default)]
    pub goals: OrderedMap<String, Goal>,
    /// The goal keyword this leaderboard is for.
    #[serde(default)]
    pub selected_goal: Option<String>,
    /// The profile ID this leaderboard is for (a number or a string, written back in the same
    /// JSON type).
    #[serde(default)]
    pub selected_profile: Option<LenientId>,
    /// Overall standing per user ID, in the server's (ranking) order.
    #[serde(default)]
    pub profiles_leader_board_data: OrderedMap<String, ProfileLeaderboardEntry>,
    /// Standing in the selected goal per user ID, in the server's (ranking) order.
    #[serde(default)]
    pub goal_leader_board_user_data: OrderedMap<String, GoalLeaderboardEntry>,
    /// The caller's own standing in the selected goal, by goal keyword.
    #[serde(default)]
    pub current_goal_info: OrderedMap<String, Goal>,
    /// A summary of the selected goal.
    #[serde(default)]
    pub goal_status: Option<GoalStatus>,
    /// Next steps towards the selected goal.
    #[serde(default)]
    pub current_goal_details: Option<CurrentGoalDetails>,
    /// The goal profiles the user can choose from.
    #[serde(default, deserialize_with = "null_as_default")]
    pub profiles: Vec<Profile>,
}

/// A suggested course in [`GoalsLeaderboard::course_list`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Course {
    /// Image URL.
    #[serde(default)]
    pub thumbnail: Option<String>,
    /// Length of the course; the unit is not documented (likely minutes).
    #[serde(default)]
    pub duration: Option<NumberOrText>,
    /// Title.
    #[serde(default)]
    pub title: Option<String>,
    /// One-line description.
    #[serde(default)]
    pub short_description: Option<String>,
    /// Link to the course page.
    #[serde(default)]
    pub detail_url: Option<String>,
}

/// A user's overall row in [`GoalsLeaderboard::profiles_leader_board_data`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProfileLeaderboardEntry {
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Level (a number on most deployments; kept as text when it is not one).
    #[serde(default)]
    pub level: Option<NumberOrText>,
    /// Overall score (a number, or text kept as sent).
    #[serde(default)]
    pub overall: Option<NumberOrText>,
    /// Overall progress percentage (a number, or text kept as sent).
    #[serde(default)]
    pub percentage: Option<NumberOrText>,
    /// Avatar URL.
    #[serde(default)]
    pub image: Option<String>,
}

/// A user's row in [`GoalsLeaderboard::goal_leader_board_user_data`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GoalLeaderboardEntry {
    /// The user's value in the goal (a number, or text kept as sent).
    #[serde(default)]
    pub value: Option<NumberOrText>,
    /// Avatar URL.
    #[serde(default)]
    pub image: Option<String>,
    /// First name.
    #[serde(default)]
    pub firstname: Option<String>,
    /// Last name.
    #[serde(default)]
    pub surname: Option<String>,
    /// Progress percentage towards the goal (a number, or text kept as sent).
    #[serde(default)]
    pub percentage: Option<NumberOrText>,
}

impl GoalLeaderboardEntry {
    /// First name and surname joined by a space (whichever are present).
    pub fn full_name(&self) -> String {
        [self.firstname.as_deref(), self.surname.as_deref()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl HasProgress for GoalLeaderboardEntry {
    /// The row's value with the server's percentage (the target is not part of the row). Text
    /// in place of a number counts as absent.
    fn progress(&self) -> Progress {
        let progress = Progress::new(number(&self.value).unwrap_or(0.0), None);
        match number(&self.percentage) {
            Some(p) if p >= 100.0 => progress.completed(true),
            Some(p) => progress.with_percentage(p),
            None => progress,
        }
    }
}

/// [`GoalsLeaderboard::goal_status`]: the selected goal's target and what was achieved, as the
/// server formats them (strings on the page; numbers are accepted and, normalised by design,
/// written back as strings).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GoalStatus {
    /// The goal's target value, as sent.
    #[serde(default, with = "lenient_string::option")]
    pub goal: Option<String>,
    /// The value achieved so far, as sent.
    #[serde(default, with = "lenient_string::option")]
    pub achieved: Option<String>,
    /// A sentence describing the status.
    #[serde(default)]
    pub status_text: Option<String>,
}

impl GoalStatus {
    /// [`GoalStatus::goal`] as a number, when it parses as one.
    pub fn goal_value(&self) -> Option<f64> {
        self.goal.as_deref().and_then(parse_number)
    }

    /// [`GoalStatus::achieved`] as a number, when it parses as one.
    pub fn achieved_value(&self) -> Option<f64> {
        self.achieved.as_deref().and_then(parse_number)
    }
}

/// [`GoalsLeaderboard::current_goal_details`]: suggested next steps.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CurrentGoalDetails {
    /// The steps, in order.
    #[serde(default, deserialize_with = "null_as_default")]
    pub variants: Vec<GoalVariant>,
}

/// One suggested step in [`CurrentGoalDetails::variants`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GoalVariant {
    /// The step label or number, as text (a number is written back as a string, by design).
    #[serde(default, with = "lenient_string::option")]
    pub step: Option<String>,
    /// A link for this step.
    #[serde(default)]
    pub active_link: Option<String>,
    /// A recommended course.
    #[serde(default)]
    pub recommended_course: Option<String>,
    /// A recommended article.
    #[serde(default)]
    pub recommended_article: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goal_progress() {
        let goal = |current: Option<f64>, maximum: Option<f64>, percentage: Option<f64>| Goal {
            current: current.map(NumberOrText::Number),
            maximum: maximum.map(NumberOrText::Number),
            percentage: percentage.map(NumberOrText::Number),
            ..Goal::default()
        };
        let p = goal(Some(3.0), Some(10.0), None).progress();
        assert_eq!((p.fraction(), p.is_completed()), (0.3, false));
        let p = goal(Some(3.0), Some(10.0), Some(35.0)).progress();
        assert_eq!((p.fraction(), p.is_completed()), (0.35, false));
        let p = goal(Some(9.0), Some(10.0), Some(100.0)).progress();
        assert_eq!((p.fraction(), p.is_completed()), (1.0, true));
        let p = goal(Some(12.0), Some(10.0), None).progress();
        assert!(p.is_completed());
        let p = goal(None, None, Some(40.0)).progress();
        assert_eq!((p.current, p.target, p.fraction()), (0.0, None, 0.4));
        let p = goal(None, None, None).progress();
        assert_eq!(p.fraction(), 0.0);
    }

    #[test]
    fn helpers() {
        let g = Goal {
            currency_code: Some(" ".into()),
            ..Goal::default()
        };
        assert_eq!(g.currency(), None);
        let entry = GoalLeaderboardEntry {
            firstname: Some("Ana".into()),
            surname: None,
            ..GoalLeaderboardEntry::default()
        };
        assert_eq!(entry.full_name(), "Ana");
        let status = GoalStatus {
            goal: Some("1,500.00".into()),
            achieved: Some("n/a".into()),
            status_text: None,
        };
        assert_eq!(status.goal_value(), Some(1500.0));
        assert_eq!(status.achieved_value(), None);
        assert_eq!(Period::from("monthly"), Period::Monthly);
    }
}
