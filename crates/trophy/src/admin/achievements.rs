//! Admin achievements: list, create, get, update and delete achievements (`/achievements`).
//!
//! What an achievement needs depends on its trigger: a metric achievement a metric and a
//! threshold, a streak achievement a length, an API achievement a key, and so on. Each
//! trigger has a constructor of [`NewAchievement`] taking exactly those fields;
//! [`NewAchievement::custom`] (with [`NewAchievement::extra`]) covers triggers Trophy adds
//! later.

use std::collections::BTreeMap;

use questkit_core::reqwest::Method;
use questkit_core::serde_helpers::null_as_default;
use questkit_core::{Error, LenientId, Patch, Result, Transport};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::common::{
    AdminCall, AttributeFilter, Badge, Created, Deleted, ListCall, Updated, bulk, delete,
};
use crate::achievements::AchievementTrigger;

questkit_core::open_enum! {
    /// Whether users can earn an achievement.
    pub enum AchievementStatus {
        /// Users earn it.
        Active => "active",
        /// Not earned, not shown (Trophy's default for a new achievement).
        Inactive => "inactive",
        /// Shown but not earnable yet.
        Locked => "locked",
    }
}

/// An achievement as the admin API returns it (schema `AdminAchievement`, SDK 1.27).
/// Trigger-specific fields are present only for their trigger.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AdminAchievement {
    /// The achievement's ID.
    pub id: LenientId,
    /// The name.
    pub name: String,
    /// The description, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// What completes it.
    pub trigger: AchievementTrigger,
    /// Active, inactive or locked.
    pub status: AchievementStatus,
    /// The badge, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub badge: Option<Badge>,
    /// The user-attribute filters (only matching users can earn it).
    #[serde(default, deserialize_with = "null_as_default")]
    pub user_attributes: Vec<AttributeFilter>,
    /// The key (API achievements).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The metric (metric achievements).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_id: Option<LenientId>,
    /// The metric threshold (metric achievements).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_value: Option<f64>,
    /// The event-attribute filters (metric achievements).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_attributes: Option<Vec<AttributeFilter>>,
    /// The streak length (streak achievements).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub streak_length: Option<i64>,
    /// The years since sign-up (anniversary achievements).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anniversary_years: Option<i64>,
    /// The prerequisite achievements (achievement achievements).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub achievement_ids: Option<Vec<LenientId>>,
}

/// An achievement to create (schema `CreateAchievementRequestItem`): one constructor per
/// trigger, each taking the fields that trigger requires.
///
/// ```
/// use questkit_trophy::admin::achievements::NewAchievement;
///
/// let novice = NewAchievement::metric("Novice writer", "metric-uuid", 500.0).description("500 words");
/// assert_eq!(
///     serde_json::to_value(&novice).unwrap(),
///     serde_json::json!({"name": "Novice writer", "trigger": "metric", "description": "500 words",
///                        "metricId": "metric-uuid", "metricValue": 500.0})
/// );
/// // A trigger this version does not know, with its own fields:
/// let seasonal = NewAchievement::custom("Winter", "seasonal").extra("season", "winter".into());
/// assert_eq!(serde_json::to_value(&seasonal).unwrap()["season"], "winter");
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct NewAchievement {
    /// The name.
    pub name: String,
    /// What completes it.
    pub trigger: AchievementTrigger,
    /// A description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The status (Trophy's default: inactive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<AchievementStatus>,
    /// A badge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub badge: Option<Badge>,
    /// User-attribute filters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_attributes: Option<Vec<AttributeFilter>>,
    /// The key (required for API achievements).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The metric (required for metric achievements).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_id: Option<String>,
    /// The threshold (required for metric achievements).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_value: Option<f64>,
    /// Event-attribute filters (metric achievements only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_attributes: Option<Vec<AttributeFilter>>,
    /// The streak length (required for streak achievements).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub streak_length: Option<i64>,
    /// The years since sign-up (required for anniversary achievements).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anniversary_years: Option<i64>,
    /// The prerequisites (required for achievement achievements).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub achievement_ids: Option<Vec<String>>,
    /// Fields this version of the client does not model, sent as given.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

impl NewAchievement {
    fn with_trigger(name: impl Into<String>, trigger: AchievementTrigger) -> Self {
        NewAchievement {
            name: name.into(),
            trigger,
            description: None,
            status: None,
            badge: None,
            user_attributes: None,
            key: None,
            metric_id: None,
            metric_value: None,
            event_attributes: None,
            streak_length: None,
            anniversary_years: None,
            achievement_ids: None,
            extra: BTreeMap::new(),
        }
    }

    /// Earned when a metric total reaches `value`.
    pub fn metric(name: impl Into<String>, metric_id: impl Into<String>, value: f64) -> Self {
        let mut item = NewAchievement::with_trigger(name, AchievementTrigger::Metric);
        item.metric_id = Some(metric_id.into());
        item.metric_value = Some(value);
        item
    }

    /// Earned when the user's streak reaches `length`.
    pub fn streak(name: impl Into<String>, length: i64) -> Self {
        let mut item = NewAchievement::with_trigger(name, AchievementTrigger::Streak);
        item.streak_length = Some(length);
        item
    }

    /// Earned through `POST /achievements/{key}/complete`.
    pub fn api(name: impl Into<String>, key: impl Into<String>) -> Self {
        let mut item = NewAchievement::with_trigger(name, AchievementTrigger::Api);
        item.key = Some(key.into());
        item
    }

    /// Earned by completing every achievement of `achievement_ids`.
    pub fn achievement<I, S>(name: impl Into<String>, achievement_ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut item = NewAchievement::with_trigger(name, AchievementTrigger::Achievement);
        item.achievement_ids = Some(achievement_ids.into_iter().map(Into::into).collect());
        item
    }

    /// Earned `years` years after sign-up.
    pub fn anniversary(name: impl Into<String>, years: i64) -> Self {
        let mut item = NewAchievement::with_trigger(name, AchievementTrigger::Anniversary);
        item.anniversary_years = Some(years);
        item
    }

    /// A trigger of any name (one Trophy added after this version); add its fields with
    /// [`NewAchievement::extra`]. Nothing is checked before sending.
    pub fn custom(name: impl Into<String>, trigger: impl Into<AchievementTrigger>) -> Self {
        NewAchievement::with_trigger(name, trigger.into())
    }

    /// A description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// The status (Trophy's default: inactive).
    pub fn status(mut self, status: AchievementStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// A badge image.
    pub fn badge(mut self, url: impl Into<String>) -> Self {
        self.badge = Some(Badge::new(url));
        self
    }

    /// A key (API achievements require one; others may have one).
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// Adds a user-attribute filter (attribute ID and value).
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

    /// Adds an event-attribute filter (metric achievements only).
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

    /// Adds a field this version does not model (sent as given, beside the others).
    pub fn extra(mut self, field: impl Into<String>, value: Value) -> Self {
        self.extra.insert(field.into(), value);
        self
    }

    /// Checks, without sending, that the fields the trigger requires are there (Trophy
    /// refuses the item otherwise). Unknown triggers are not checked.
    pub fn validate(&self) -> Result<()> {
        self.check().map_err(Error::invalid_input)
    }

    pub(crate) fn check(&self) -> std::result::Result<(), String> {
        required_for_trigger(
            &self.trigger,
            self.metric_id.is_some() && self.metric_value.is_some(),
            self.streak_length.is_some(),
            self.key.is_some(),
            self.achievement_ids
                .as_ref()
                .is_some_and(|ids| !ids.is_empty()),
            self.anniversary_years.is_some(),
        )
    }
}

/// What each trigger requires, given which fields are present.
fn required_for_trigger(
    trigger: &AchievementTrigger,
    metric: bool,
    streak: bool,
    key: bool,
    prerequisites: bool,
    anniversary: bool,
) -> std::result::Result<(), String> {
    let (present, needs) = match trigger {
        AchievementTrigger::Metric => (metric, "`metricId` and `metricValue`"),
        AchievementTrigger::Streak => (streak, "`streakLength`"),
        AchievementTrigger::Api => (key, "a `key`"),
        AchievementTrigger::Achievement => (prerequisites, "`achievementIds`"),
        AchievementTrigger::Anniversary => (anniversary, "`anniversaryYears`"),
        AchievementTrigger::Unknown(_) => (true, ""),
    };
    if present {
        Ok(())
    } else {
        Err(format!("a `{trigger}` achievement needs {needs}"))
    }
}

/// Changes to one achievement, by ID (schema `UpdateAchievementRequestItem`, SDK 1.27).
/// Omitted fields are kept; `description`, `badge` and the filters can be cleared.
///
/// Changing the trigger needs the new trigger's fields in the same item (checked before
/// sending).
///
/// ```
/// use questkit_trophy::admin::achievements::AchievementUpdate;
///
/// let update = AchievementUpdate::new("ach-uuid").name("Wordsmith").clear_badge();
/// assert_eq!(
///     serde_json::to_value(&update).unwrap(),
///     serde_json::json!({"id": "ach-uuid", "name": "Wordsmith", "badge": null})
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AchievementUpdate {
    /// The achievement to change.
    pub id: String,
    /// A new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A new trigger (with its required fields).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<AchievementTrigger>,
    /// A new description, or `null` to clear it.
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    pub description: Patch<String>,
    /// A new status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<AchievementStatus>,
    /// A new badge, or `null` to clear it.
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    pub badge: Patch<Badge>,
    /// New user-attribute filters, or `null` to clear them.
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    pub user_attributes: Patch<Vec<AttributeFilter>>,
    /// A new key (API achievements).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// A new metric (metric achievements).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_id: Option<String>,
    /// A new threshold (metric achievements).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_value: Option<f64>,
    /// New event-attribute filters, or `null` to clear them (metric achievements).
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    pub event_attributes: Patch<Vec<AttributeFilter>>,
    /// A new streak length (streak achievements).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub streak_length: Option<i64>,
    /// New anniversary years (anniversary achievements).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anniversary_years: Option<i64>,
    /// New prerequisites (achievement achievements).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub achievement_ids: Option<Vec<String>>,
    /// Fields this version of the client does not model, sent as given.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

impl AchievementUpdate {
    /// No change yet to achievement `id`.
    pub fn new(id: impl Into<String>) -> Self {
        AchievementUpdate {
            id: id.into(),
            name: None,
            trigger: None,
            description: Patch::Unchanged,
            status: None,
            badge: Patch::Unchanged,
            user_attributes: Patch::Unchanged,
            key: None,
            metric_id: None,
            metric_value: None,
            event_attributes: Patch::Unchanged,
            streak_length: None,
            anniversary_years: None,
            achievement_ids: None,
            extra: BTreeMap::new(),
        }
    }

    /// Renames it.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Changes the trigger; set the new trigger's fields too (`metric`, `streak_length`...).
    pub fn trigger(mut self, trigger: AchievementTrigger) -> Self {
        self.trigger = Some(trigger);
        self
    }

    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Patch::Set(description.into());
        self
    }

    /// Clears the description.
    pub fn clear_description(mut self) -> Self {
        self.description = Patch::Clear;
        self
    }

    /// Changes the status.
    pub fn status(mut self, status: AchievementStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Sets the badge.
    pub fn badge(mut self, url: impl Into<String>) -> Self {
        self.badge = Patch::Set(Badge::new(url));
        self
    }

    /// Clears the badge.
    pub fn clear_badge(mut self) -> Self {
        self.badge = Patch::Clear;
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

    /// Changes the key (API achievements).
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// Changes the metric and threshold (metric achievements).
    pub fn metric(mut self, metric_id: impl Into<String>, value: f64) -> Self {
        self.metric_id = Some(metric_id.into());
        self.metric_value = Some(value);
        self
    }

    /// Changes the threshold only (metric achievements).
    pub fn metric_value(mut self, value: f64) -> Self {
        self.metric_value = Some(value);
        self
    }

    /// Replaces the event-attribute filters (metric achievements).
    pub fn event_attributes(mut self, filters: impl IntoIterator<Item = AttributeFilter>) -> Self {
        self.event_attributes = Patch::Set(filters.into_iter().collect());
        self
    }

    /// Clears the event-attribute filters.
    pub fn clear_event_attributes(mut self) -> Self {
        self.event_attributes = Patch::Clear;
        self
    }

    /// Changes the streak length (streak achievements).
    pub fn streak_length(mut self, length: i64) -> Self {
        self.streak_length = Some(length);
        self
    }

    /// Changes the anniversary years (anniversary achievements).
    pub fn anniversary_years(mut self, years: i64) -> Self {
        self.anniversary_years = Some(years);
        self
    }

    /// Replaces the prerequisites (achievement achievements).
    pub fn achievement_ids<I, S>(mut self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.achievement_ids = Some(ids.into_iter().map(Into::into).collect());
        self
    }

    /// Adds a field this version does not model (sent as given).
    pub fn extra(mut self, field: impl Into<String>, value: Value) -> Self {
        self.extra.insert(field.into(), value);
        self
    }

    pub(crate) fn check(&self) -> std::result::Result<(), String> {
        super::id_required(&self.id)?;
        match &self.trigger {
            Some(trigger) => required_for_trigger(
                trigger,
                self.metric_id.is_some() && self.metric_value.is_some(),
                self.streak_length.is_some(),
                self.key.is_some(),
                self.achievement_ids
                    .as_ref()
                    .is_some_and(|ids| !ids.is_empty()),
                self.anniversary_years.is_some(),
            ),
            None => Ok(()),
        }
    }
}

/// The admin achievement calls (`trophy.admin().achievements()`).
#[derive(Clone, Copy, Debug)]
pub struct AchievementsAdmin<'a> {
    transport: &'a Transport,
}

impl<'a> AchievementsAdmin<'a> {
    pub(crate) fn new(transport: &'a Transport) -> Self {
        AchievementsAdmin { transport }
    }

    /// `GET /achievements`: one page of achievements.
    pub fn list(&self) -> ListCall<AdminAchievement> {
        self.transport
            .get("achievements", &[])
            .operation("admin.achievements.list")
            .into()
    }

    /// `POST /achievements`: creates 1 to 100 achievements, each checked for the fields its
    /// trigger requires before sending.
    ///
    /// ```no_run
    /// # async fn run(trophy: questkit_trophy::Trophy) -> questkit_core::Result<()> {
    /// use questkit_trophy::admin::achievements::{AchievementStatus, NewAchievement};
    /// let answer = trophy
    ///     .admin()
    ///     .achievements()
    ///     .create([
    ///         NewAchievement::metric("Novice writer", "metric-uuid", 500.0).status(AchievementStatus::Active),
    ///         NewAchievement::streak("Week streak", 7),
    ///     ])
    ///     .await?;
    /// println!("{} created, {} issues", answer.created.len(), answer.issues.len());
    /// # Ok(()) }
    /// ```
    pub fn create(
        &self,
        achievements: impl IntoIterator<Item = NewAchievement>,
    ) -> AdminCall<Created<AdminAchievement>> {
        let items: Vec<NewAchievement> = achievements.into_iter().collect();
        let op = "admin.achievements.create";
        bulk(
            self.transport,
            Method::POST,
            "achievements",
            &[],
            op,
            &items,
            NewAchievement::check,
        )
        .into()
    }

    /// `GET /achievements/{id}`: one achievement (404 when unknown).
    pub fn get(&self, id: impl AsRef<str>) -> AdminCall<AdminAchievement> {
        self.transport
            .get("achievements/{id}", &[id.as_ref()])
            .operation("admin.achievements.get")
            .into()
    }

    /// `PATCH /achievements`: changes 1 to 100 achievements by ID.
    pub fn update(
        &self,
        updates: impl IntoIterator<Item = AchievementUpdate>,
    ) -> AdminCall<Updated<AdminAchievement>> {
        let items: Vec<AchievementUpdate> = updates.into_iter().collect();
        let op = "admin.achievements.update";
        bulk(
            self.transport,
            Method::PATCH,
            "achievements",
            &[],
            op,
            &items,
            AchievementUpdate::check,
        )
        .into()
    }

    /// `DELETE /achievements?ids=..`: deletes 1 to 100 achievements by ID.
    pub fn delete<I, S>(&self, ids: I) -> AdminCall<Deleted>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        delete(
            self.transport,
            "achievements",
            &[],
            "admin.achievements.delete",
            ids,
        )
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_trigger_needs_its_fields() {
        for ok in [
            NewAchievement::metric("a", "m", 1.0),
            NewAchievement::streak("a", 3),
            NewAchievement::api("a", "k"),
            NewAchievement::achievement("a", ["x"]),
            NewAchievement::anniversary("a", 1),
            NewAchievement::custom("a", "seasonal"),
        ] {
            assert!(ok.validate().is_ok(), "{ok:?}");
        }
        let mut missing = NewAchievement::metric("a", "m", 1.0);
        missing.metric_value = None;
        assert!(missing.check().unwrap_err().contains("metricValue"));
        assert!(
            NewAchievement::achievement("a", Vec::<String>::new())
                .check()
                .is_err()
        );
        assert!(
            NewAchievement::custom("a", "streak").check().is_err(),
            "a known trigger named as text"
        );
        let update = AchievementUpdate::new("id").trigger(AchievementTrigger::Streak);
        assert!(update.check().unwrap_err().contains("streakLength"));
        assert!(update.streak_length(4).check().is_ok());
        assert!(AchievementUpdate::new(" ").check().is_err());
    }
}
