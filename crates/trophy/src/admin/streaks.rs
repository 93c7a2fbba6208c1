//! Admin streaks: restore or reset users' streaks, give freezes, schedule and delete pauses
//! (`/streaks/...`), and the organisation's streak settings (`/streaks/settings`).

use chrono::NaiveDate;
use questkit_core::reqwest::Method;
use questkit_core::serde_helpers::null_as_default;
use questkit_core::{DateText, Error, LenientId, Patch, Request, Transport};
use serde::{Deserialize, Serialize};

use super::common::{
    AdminCall, AdminIssue, ArchiveStatus, Created, Deleted, MAX_ITEMS, check_count, delete,
};
use crate::preferences::StreakEvaluationMode;
use crate::streaks::StreakFrequency;

/// The answer of [`StreaksAdmin::restore`] (schema `RestoreStreaksResponse`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RestoredStreaks {
    /// The users whose streak was restored.
    #[serde(default, deserialize_with = "null_as_default")]
    pub restored_users: Vec<LenientId>,
    /// Users with nothing to restore, unknown users.
    #[serde(default, deserialize_with = "null_as_default")]
    pub issues: Vec<AdminIssue>,
}

/// The answer of [`StreaksAdmin::reset`] (schema `ResetStreaksResponse`, SDK 1.27).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ResetStreaks {
    /// The users whose streak was reset to zero.
    #[serde(default, deserialize_with = "null_as_default")]
    pub reset_users: Vec<LenientId>,
    /// Problems with individual users.
    #[serde(default, deserialize_with = "null_as_default")]
    pub issues: Vec<AdminIssue>,
}

/// The answer of [`StreakFreezesAdmin::create`] (schema `CreateStreakFreezesResponse`): only
/// issues (a user over the freeze limit, an unknown user).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreatedFreezes {
    /// Problems with individual freezes.
    #[serde(default, deserialize_with = "null_as_default")]
    pub issues: Vec<AdminIssue>,
}

/// A streak pause (schema `AdminStreakPause`): the user's streak holds from `start` to `end`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AdminStreakPause {
    /// The pause's ID.
    pub id: LenientId,
    /// The user.
    pub user_id: LenientId,
    /// The first day paused (`YYYY-MM-DD`), as sent.
    pub start: DateText,
    /// The last day paused, as sent.
    pub end: DateText,
    /// Active or archived.
    pub status: ArchiveStatus,
}

/// A pause to create (schema `CreateStreakPausesRequestPausesItem`): Trophy refuses a start
/// before today in the user's time zone and an end before the start.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct NewStreakPause {
    /// The user.
    pub user_id: String,
    /// The first day paused.
    pub start: NaiveDate,
    /// The last day paused.
    pub end: NaiveDate,
}

impl NewStreakPause {
    /// Pauses `user_id`'s streak from `start` to `end` (both included).
    pub fn new(user_id: impl Into<String>, start: NaiveDate, end: NaiveDate) -> Self {
        NewStreakPause {
            user_id: user_id.into(),
            start,
            end,
        }
    }
}

/// One metric of the streak settings (schema `StreakSettingsMetric`): a period counts when
/// the user adds at least `threshold` to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StreakSettingsMetric {
    /// The metric's key.
    pub key: String,
    /// The amount a period needs.
    pub threshold: i64,
}

impl StreakSettingsMetric {
    /// A metric that extends the streak once a period reaches `threshold`.
    pub fn new(key: impl Into<String>, threshold: i64) -> Self {
        StreakSettingsMetric {
            key: key.into(),
            threshold,
        }
    }
}

/// The freeze rules (schemas `StreakSettingsFreezes` and `UpdateStreakSettingsFreezes`).
/// Auto-earn is a pair: both `autoEarnInterval` and `autoEarnAmount`, or neither.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FreezeSettings {
    /// The freezes a new user starts with.
    pub start_count: i64,
    /// The most freezes a user can hold.
    pub max_count: i64,
    /// Days between auto-earned freezes (none: auto-earn off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_earn_interval: Option<i64>,
    /// Freezes earned per interval (none: auto-earn off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_earn_amount: Option<i64>,
}

impl FreezeSettings {
    /// Freezes without auto-earn.
    pub fn new(start_count: i64, max_count: i64) -> Self {
        FreezeSettings {
            start_count,
            max_count,
            auto_earn_interval: None,
            auto_earn_amount: None,
        }
    }

    /// Earns `amount` freezes every `interval_days` days.
    pub fn auto_earn(mut self, interval_days: i64, amount: i64) -> Self {
        self.auto_earn_interval = Some(interval_days);
        self.auto_earn_amount = Some(amount);
        self
    }
}

/// The organisation's streak configuration (schema `StreakSettings`, SDK 1.27).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct StreakSettings {
    /// Daily, weekly or monthly streaks.
    pub frequency: StreakFrequency,
    /// Whether a period needs one of the metrics (`OR`) or all (`AND`).
    pub evaluation_mode: StreakEvaluationMode,
    /// Whether users may customise their streak.
    pub customization_enabled: bool,
    /// Days of the week that do not break a streak (0 = Sunday).
    #[serde(default, deserialize_with = "null_as_default")]
    pub days_off: Vec<i64>,
    /// The metrics that extend a streak.
    #[serde(default, deserialize_with = "null_as_default")]
    pub metrics: Vec<StreakSettingsMetric>,
    /// The freeze rules (`None`: freezes are off).
    #[serde(default)]
    pub freezes: Option<FreezeSettings>,
}

/// Changes to the streak settings (the body of `PATCH /streaks/settings`); `freezes` can be
/// turned off with `null`.
///
/// ```
/// use questkit_trophy::admin::streaks::{FreezeSettings, StreakSettingsUpdate};
/// use questkit_trophy::streaks::StreakFrequency;
///
/// let update = StreakSettingsUpdate::new().frequency(StreakFrequency::Weekly).freezes(FreezeSettings::new(1, 3));
/// assert_eq!(
///     serde_json::to_value(&update).unwrap(),
///     serde_json::json!({"frequency": "weekly", "freezes": {"startCount": 1, "maxCount": 3}})
/// );
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct StreakSettingsUpdate {
    /// A new frequency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency: Option<StreakFrequency>,
    /// A new evaluation mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluation_mode: Option<StreakEvaluationMode>,
    /// Whether users may customise their streak.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customization_enabled: Option<bool>,
    /// New days off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_off: Option<Vec<i64>>,
    /// New metrics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Vec<StreakSettingsMetric>>,
    /// New freeze rules, or `null` to turn freezes off.
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    pub freezes: Patch<FreezeSettings>,
}

impl StreakSettingsUpdate {
    /// No change yet.
    pub fn new() -> Self {
        StreakSettingsUpdate::default()
    }

    /// Changes the frequency.
    pub fn frequency(mut self, frequency: StreakFrequency) -> Self {
        self.frequency = Some(frequency);
        self
    }

    /// Changes the evaluation mode.
    pub fn evaluation_mode(mut self, mode: StreakEvaluationMode) -> Self {
        self.evaluation_mode = Some(mode);
        self
    }

    /// Lets users customise their streak, or not.
    pub fn customization_enabled(mut self, enabled: bool) -> Self {
        self.customization_enabled = Some(enabled);
        self
    }

    /// Replaces the days off (0 = Sunday).
    pub fn days_off(mut self, days: impl IntoIterator<Item = i64>) -> Self {
        self.days_off = Some(days.into_iter().collect());
        self
    }

    /// Replaces the metrics.
    pub fn metrics(mut self, metrics: impl IntoIterator<Item = StreakSettingsMetric>) -> Self {
        self.metrics = Some(metrics.into_iter().collect());
        self
    }

    /// Replaces the freeze rules.
    pub fn freezes(mut self, freezes: FreezeSettings) -> Self {
        self.freezes = Patch::Set(freezes);
        self
    }

    /// Turns freezes off.
    pub fn disable_freezes(mut self) -> Self {
        self.freezes = Patch::Clear;
        self
    }

    fn check(&self) -> Result<(), String> {
        match &self.freezes {
            Patch::Set(f) if f.auto_earn_interval.is_some() != f.auto_earn_amount.is_some() => Err(
                "auto-earn needs both `autoEarnInterval` and `autoEarnAmount`, or neither".into(),
            ),
            _ => Ok(()),
        }
    }
}

#[derive(Serialize)]
struct UserRef<'a> {
    id: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FreezeItem<'a> {
    user_id: &'a str,
}

/// A `POST` whose body is `{<field>: [items]}`, checked for 1 to 100 items.
fn wrapped<T, I: Serialize>(
    transport: &Transport,
    template: &'static str,
    operation: &'static str,
    field: &'static str,
    items: &[I],
) -> Request<T>
where
    T: serde::de::DeserializeOwned,
{
    let mut body = serde_json::Map::new();
    let mut request = transport.post::<T>(template, &[]).operation(operation);
    match serde_json::to_value(items) {
        Ok(list) => {
            body.insert(field.to_owned(), list);
            request = request.json(&body);
        }
        Err(err) => request.fail(Error::invalid_input(format!("{operation}: {err}"))),
    }
    check_count(&mut request, operation, items.len(), MAX_ITEMS);
    request
}

/// The admin streak calls (`trophy.admin().streaks()`).
#[derive(Clone, Copy, Debug)]
pub struct StreaksAdmin<'a> {
    transport: &'a Transport,
}

impl<'a> StreaksAdmin<'a> {
    pub(crate) fn new(transport: &'a Transport) -> Self {
        StreaksAdmin { transport }
    }

    /// `POST /streaks/restore`: restores 1 to 100 users' streaks to the longest they reached
    /// within Trophy's restore window.
    ///
    /// ```no_run
    /// # async fn run(trophy: questkit_trophy::Trophy) -> questkit_core::Result<()> {
    /// let answer = trophy.admin().streaks().restore(["user-123", "user-456"]).await?;
    /// println!("restored: {:?}", answer.restored_users);
    /// # Ok(()) }
    /// ```
    pub fn restore<I, S>(&self, user_ids: I) -> AdminCall<RestoredStreaks>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let ids: Vec<S> = user_ids.into_iter().collect();
        let users: Vec<UserRef<'_>> = ids.iter().map(|id| UserRef { id: id.as_ref() }).collect();
        wrapped(
            self.transport,
            "streaks/restore",
            "admin.streaks.restore",
            "users",
            &users,
        )
        .into()
    }

    /// `POST /streaks/reset`: resets 1 to 100 users' current streaks to zero.
    pub fn reset<I, S>(&self, user_ids: I) -> AdminCall<ResetStreaks>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let ids: Vec<S> = user_ids.into_iter().collect();
        let users: Vec<UserRef<'_>> = ids.iter().map(|id| UserRef { id: id.as_ref() }).collect();
        wrapped(
            self.transport,
            "streaks/reset",
            "admin.streaks.reset",
            "users",
            &users,
        )
        .into()
    }

    /// Streak freezes: give users freezes.
    pub fn freezes(&self) -> StreakFreezesAdmin<'a> {
        StreakFreezesAdmin {
            transport: self.transport,
        }
    }

    /// Streak pauses: schedule and delete them.
    pub fn pauses(&self) -> StreakPausesAdmin<'a> {
        StreakPausesAdmin {
            transport: self.transport,
        }
    }

    /// The organisation's streak settings: get and update.
    pub fn settings(&self) -> StreakSettingsAdmin<'a> {
        StreakSettingsAdmin {
            transport: self.transport,
        }
    }
}

/// The streak-freeze calls (`trophy.admin().streaks().freezes()`).
#[derive(Clone, Copy, Debug)]
pub struct StreakFreezesAdmin<'a> {
    transport: &'a Transport,
}

impl StreakFreezesAdmin<'_> {
    /// `POST /streaks/freezes`: one freeze per user ID given (repeat an ID for several), 1 to
    /// 100 in all; users over their limit come back as warnings.
    pub fn create<I, S>(&self, user_ids: I) -> AdminCall<CreatedFreezes>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let ids: Vec<S> = user_ids.into_iter().collect();
        let freezes: Vec<FreezeItem<'_>> = ids
            .iter()
            .map(|id| FreezeItem {
                user_id: id.as_ref(),
            })
            .collect();
        let op = "admin.streaks.freezes.create";
        wrapped(self.transport, "streaks/freezes", op, "freezes", &freezes).into()
    }
}

/// The streak-pause calls (`trophy.admin().streaks().pauses()`).
#[derive(Clone, Copy, Debug)]
pub struct StreakPausesAdmin<'a> {
    transport: &'a Transport,
}

impl StreakPausesAdmin<'_> {
    /// `POST /streaks/pauses`: schedules 1 to 100 pauses.
    pub fn create(
        &self,
        pauses: impl IntoIterator<Item = NewStreakPause>,
    ) -> AdminCall<Created<AdminStreakPause>> {
        let items: Vec<NewStreakPause> = pauses.into_iter().collect();
        wrapped(
            self.transport,
            "streaks/pauses",
            "admin.streaks.pauses.create",
            "pauses",
            &items,
        )
        .into()
    }

    /// `DELETE /streaks/pauses?ids=..`: deletes 1 to 100 pauses by ID.
    pub fn delete<I, S>(&self, ids: I) -> AdminCall<Deleted>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        delete(
            self.transport,
            "streaks/pauses",
            &[],
            "admin.streaks.pauses.delete",
            ids,
        )
        .into()
    }
}

/// The streak-settings calls (`trophy.admin().streaks().settings()`).
#[derive(Clone, Copy, Debug)]
pub struct StreakSettingsAdmin<'a> {
    transport: &'a Transport,
}

impl StreakSettingsAdmin<'_> {
    /// `GET /streaks/settings`: the organisation's streak configuration.
    pub fn get(&self) -> AdminCall<StreakSettings> {
        self.transport
            .get("streaks/settings", &[])
            .operation("admin.streaks.settings.get")
            .into()
    }

    /// `PATCH /streaks/settings`: changes the given settings; returns them all.
    pub fn update(&self, update: StreakSettingsUpdate) -> AdminCall<StreakSettings> {
        let operation = "admin.streaks.settings.update";
        let mut request = self
            .transport
            .request::<StreakSettings>(Method::PATCH, "streaks/settings", &[])
            .operation(operation)
            .json(&update);
        if let Err(message) = update.check() {
            request.fail(Error::invalid_input(format!("{operation}: {message}")));
        }
        request.into()
    }
}
