//! A user's notification and streak preferences (`/users/{id}/preferences`).

// This module reads what the network sends: no indexing or unchecked arithmetic on it.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use questkit_core::serde_helpers::null_as_default;
use serde::{Deserialize, Serialize};

questkit_core::open_enum! {
    /// A channel Trophy can notify a user through.
    pub enum NotificationChannel {
        /// Email.
        Email => "email",
        /// Push notification.
        Push => "push",
    }
}

questkit_core::open_enum! {
    /// How a personalised streak combines its metrics.
    pub enum StreakEvaluationMode {
        /// Any one metric reaching its threshold extends the streak.
        Or => "OR",
        /// Every metric must reach its threshold.
        And => "AND",
    }
}

/// The channels per notification type (schema `NotificationPreferences`).
///
/// Each field is optional: absent means "not set here" (in a PATCH: leave unchanged), an empty
/// list means "no channel" (the notification is off). The wire keys are snake_case.
///
/// ```
/// use questkit_trophy::preferences::{NotificationChannel, NotificationPreferences};
///
/// let prefs = NotificationPreferences::new()
///     .recap([NotificationChannel::Email])
///     .streak_reminder([]);
/// assert_eq!(
///     serde_json::to_value(&prefs).unwrap(),
///     serde_json::json!({"recap": ["email"], "streak_reminder": []})
/// );
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NotificationPreferences {
    /// Channels for "achievement completed" messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub achievement_completed: Option<Vec<NotificationChannel>>,
    /// Channels for recap messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recap: Option<Vec<NotificationChannel>>,
    /// Channels for reactivation messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reactivation: Option<Vec<NotificationChannel>>,
    /// Channels for streak reminders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub streak_reminder: Option<Vec<NotificationChannel>>,
}

impl NotificationPreferences {
    /// No preference set.
    pub fn new() -> Self {
        NotificationPreferences::default()
    }

    /// Sets the channels for "achievement completed" messages (empty turns them off).
    pub fn achievement_completed(
        mut self,
        channels: impl IntoIterator<Item = NotificationChannel>,
    ) -> Self {
        self.achievement_completed = Some(channels.into_iter().collect());
        self
    }

    /// Sets the channels for recap messages (empty turns them off).
    pub fn recap(mut self, channels: impl IntoIterator<Item = NotificationChannel>) -> Self {
        self.recap = Some(channels.into_iter().collect());
        self
    }

    /// Sets the channels for reactivation messages (empty turns them off).
    pub fn reactivation(mut self, channels: impl IntoIterator<Item = NotificationChannel>) -> Self {
        self.reactivation = Some(channels.into_iter().collect());
        self
    }

    /// Sets the channels for streak reminders (empty turns them off).
    pub fn streak_reminder(
        mut self,
        channels: impl IntoIterator<Item = NotificationChannel>,
    ) -> Self {
        self.streak_reminder = Some(channels.into_iter().collect());
        self
    }
}

/// One metric of a personalised streak and the daily amount that counts
/// (schema `StreakMetricPreference`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct StreakMetricPreference {
    /// The metric key.
    pub key: String,
    /// The amount that extends the streak.
    pub threshold: f64,
}

impl StreakMetricPreference {
    /// A metric and its threshold.
    pub fn new(key: impl Into<String>, threshold: f64) -> Self {
        StreakMetricPreference {
            key: key.into(),
            threshold,
        }
    }
}

/// A user's personalised streak settings (schema `StreakPreferences`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct StreakPreferences {
    /// Whether the personalised streak is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// How the metrics combine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluation_mode: Option<StreakEvaluationMode>,
    /// The metrics and thresholds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Vec<StreakMetricPreference>>,
    /// Days of the week that do not break the streak (newer API versions; 0 is Sunday).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_off: Option<Vec<u8>>,
}

impl StreakPreferences {
    /// No setting changed.
    pub fn new() -> Self {
        StreakPreferences::default()
    }

    /// Turns the personalised streak on or off.
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.enabled = Some(enabled);
        self
    }

    /// Sets how the metrics combine.
    pub fn evaluation_mode(mut self, mode: StreakEvaluationMode) -> Self {
        self.evaluation_mode = Some(mode);
        self
    }

    /// Adds a metric and its threshold.
    pub fn metric(mut self, key: impl Into<String>, threshold: f64) -> Self {
        self.metrics
            .get_or_insert_with(Vec::new)
            .push(StreakMetricPreference::new(key, threshold));
        self
    }

    /// Sets the days off (0 = Sunday ... 6 = Saturday).
    pub fn days_off(mut self, days: impl IntoIterator<Item = u8>) -> Self {
        self.days_off = Some(days.into_iter().collect());
        self
    }
}

/// A user's preferences (schema `UserPreferencesResponse`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UserPreferences {
    /// Notification channels per message type.
    #[serde(default, deserialize_with = "null_as_default")]
    pub notifications: NotificationPreferences,
    /// Personalised streak settings, when the organisation allows them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub streak: Option<StreakPreferences>,
}

/// The body of `PATCH /users/{id}/preferences` (schema `UpdateUserPreferencesRequest`): only
/// what is set is changed.
///
/// ```
/// use questkit_trophy::preferences::{NotificationPreferences, StreakPreferences, UpdateUserPreferences};
///
/// let body = UpdateUserPreferences::new()
///     .notifications(NotificationPreferences::new().streak_reminder([]))
///     .streak(StreakPreferences::new().metric("words-written", 500.0));
/// assert_eq!(
///     serde_json::to_value(&body).unwrap(),
///     serde_json::json!({
///         "notifications": {"streak_reminder": []},
///         "streak": {"metrics": [{"key": "words-written", "threshold": 500.0}]}
///     })
/// );
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UpdateUserPreferences {
    /// Notification channels to change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notifications: Option<NotificationPreferences>,
    /// Streak settings to change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub streak: Option<StreakPreferences>,
}

impl UpdateUserPreferences {
    /// An empty update.
    pub fn new() -> Self {
        UpdateUserPreferences::default()
    }

    /// Sets the notification channels to change.
    pub fn notifications(mut self, notifications: NotificationPreferences) -> Self {
        self.notifications = Some(notifications);
        self
    }

    /// Sets the streak settings to change.
    pub fn streak(mut self, streak: StreakPreferences) -> Self {
        self.streak = Some(streak);
        self
    }
}
