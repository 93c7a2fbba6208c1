//! Metrics: recording metric events (`POST /metrics/{key}/event`), and the models of a user's
//! metrics, their achievements and event summaries.

// This module reads what the network sends: no indexing or unchecked arithmetic on it.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::collections::BTreeMap;
use std::future::IntoFuture;
use std::ops::Deref;
use std::time::Duration;

use chrono::NaiveDate;
use questkit_core::serde_helpers::{lenient_f64, null_as_default};
use questkit_core::{
    HasProgress, Progress, RawResponse, Request, ResponseFuture, Transport, decode_json,
};
use serde::{Deserialize, Serialize};

use crate::achievements::UserAchievement;
use crate::leaderboards::EventLeaderboard;
use crate::points::EventPoints;
use crate::streaks::EventStreak;
use crate::users::UpsertedUser;

questkit_core::open_enum! {
    /// Whether a metric is in use.
    pub enum MetricStatus {
        /// In use.
        Active => "active",
        /// Archived.
        Archived => "archived",
    }
}

questkit_core::open_enum! {
    /// The bucket size of an event summary.
    pub enum Aggregation {
        /// One entry per day.
        Daily => "daily",
        /// One entry per week.
        Weekly => "weekly",
        /// One entry per month.
        Monthly => "monthly",
    }
}

/// A user's total for a metric and the metric's achievements (schema `MetricResponse`).
///
/// The current spec has no `status`; the documentation page the project started from shows
/// one. Both forms are read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Metric {
    /// The metric ID.
    pub id: String,
    /// The metric key.
    pub key: String,
    /// The display name.
    pub name: String,
    /// Whether the metric is active, when the response says (older API versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<MetricStatus>,
    /// The user's current total (a numeric string is accepted too).
    #[serde(with = "lenient_f64")]
    pub current: f64,
    /// The metric's achievements and whether the user completed each.
    #[serde(default, deserialize_with = "null_as_default")]
    pub achievements: Vec<UserAchievement>,
}

impl Metric {
    /// Each achievement of the metric seen against the user's current total.
    ///
    /// ```
    /// use questkit_core::HasProgress;
    /// use questkit_trophy::metrics::Metric;
    ///
    /// let metric: Metric = serde_json::from_value(serde_json::json!({
    ///     "id": "m1", "key": "words", "name": "Words", "current": 1500,
    ///     "achievements": [{"id": "a1", "name": "Expert", "trigger": "metric",
    ///                       "metricValue": 2000, "achievedAt": null}]
    /// })).unwrap();
    /// let progress = metric.achievement_progress().next().unwrap().progress();
    /// assert_eq!(progress.fraction(), 0.75);
    /// ```
    pub fn achievement_progress(&self) -> impl Iterator<Item = MetricAchievement<'_>> + '_ {
        self.achievements
            .iter()
            .map(move |achievement| MetricAchievement {
                metric: self,
                achievement,
            })
    }

    /// The open achievement with the lowest `metricValue`: the next one the user can earn.
    pub fn next_achievement(&self) -> Option<&UserAchievement> {
        self.achievements
            .iter()
            .filter(|a| !a.is_achieved())
            .filter_map(|a| a.metric_value.map(|v| (v, a)))
            .min_by(|(x, _), (y, _)| x.total_cmp(y))
            .map(|(_, a)| a)
    }
}

/// Progress towards the next achievement of the metric ([`Metric::next_achievement`]).
///
/// With every achievement done it is complete at the highest `metricValue` (and the latest
/// `achievedAt`); with no achievement at all it has no target.
impl HasProgress for Metric {
    fn progress(&self) -> Progress {
        if let Some(next) = self.next_achievement() {
            return next.progress_towards(self.current);
        }
        let top = self
            .achievements
            .iter()
            .filter_map(|a| a.metric_value)
            .max_by(f64::total_cmp);
        if top.is_none() {
            return Progress::new(self.current, None);
        }
        let latest = self.achievements.iter().filter_map(|a| a.achieved_at).max();
        Progress::new(self.current, top)
            .completed(true)
            .completed_at(latest)
    }
}

/// A metric achievement seen against the user's current metric total.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MetricAchievement<'a> {
    /// The metric (its `current` is the user's total).
    pub metric: &'a Metric,
    /// One of the metric's achievements.
    pub achievement: &'a UserAchievement,
}

/// `current` against `metricValue`; completion follows `achievedAt`.
impl HasProgress for MetricAchievement<'_> {
    fn progress(&self) -> Progress {
        self.achievement.progress_towards(self.metric.current)
    }
}

/// One bucket of a metric or points event summary
/// (schemas `UsersMetricEventSummaryResponseItem`, `UsersPointsEventSummaryResponseItem`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EventSummaryEntry {
    /// The first day of the bucket.
    pub date: NaiveDate,
    /// The user's total at the end of the bucket.
    pub total: f64,
    /// The change within the bucket.
    pub change: f64,
}

/// The body of `POST /metrics/{key}/event`.
///
/// ```
/// use questkit_trophy::{metrics::MetricEventBody, users::UpsertedUser};
///
/// let body = MetricEventBody::new(UpsertedUser::new("user-1"), 750.0).attribute("source", "mobile-app");
/// assert_eq!(
///     serde_json::to_value(&body).unwrap(),
///     serde_json::json!({"user": {"id": "user-1"}, "value": 750.0, "attributes": {"source": "mobile-app"}})
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MetricEventBody {
    /// The user the event belongs to (created or updated on the way).
    pub user: UpsertedUser,
    /// The amount added to the user's total (negative subtracts).
    pub value: f64,
    /// Event attributes; the keys must exist in the Trophy dashboard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<BTreeMap<String, String>>,
}

impl MetricEventBody {
    /// A body for this user and value.
    pub fn new(user: UpsertedUser, value: f64) -> Self {
        MetricEventBody {
            user,
            value,
            attributes: None,
        }
    }

    /// Adds one event attribute.
    pub fn attribute(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes
            .get_or_insert_with(BTreeMap::new)
            .insert(key.into(), value.into());
        self
    }

    /// Replaces the event attributes with these pairs.
    pub fn attributes<I, K, V>(mut self, pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        self.attributes = Some(
            pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        );
        self
    }
}

/// What a metric event changed (schema `EventResponse`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EventResponse {
    /// The event ID.
    pub event_id: String,
    /// The metric's ID.
    pub metric_id: String,
    /// The user's new total for the metric.
    pub total: f64,
    /// Achievements completed by this event.
    #[serde(default, deserialize_with = "null_as_default")]
    pub achievements: Vec<UserAchievement>,
    /// The user's streak after the event.
    #[serde(default)]
    pub current_streak: Option<EventStreak>,
    /// Points systems changed by the event, by key.
    #[serde(default, deserialize_with = "null_as_default")]
    pub points: BTreeMap<String, EventPoints>,
    /// Leaderboards changed by the event, by key.
    #[serde(default, deserialize_with = "null_as_default")]
    pub leaderboards: BTreeMap<String, EventLeaderboard>,
    /// The idempotency key of the request, when one was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
    /// Whether this response replays an earlier event with the same key (nothing was counted
    /// again).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotent_replayed: Option<bool>,
}

impl EventResponse {
    /// Whether the body says the event was a replay of an earlier one with the same key.
    pub fn is_replay(&self) -> bool {
        self.idempotent_replayed == Some(true)
    }
}

/// A metric event's result: the response body and whether Trophy counted it now (201) or
/// replayed an earlier event with the same idempotency key (202).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EventOutcome {
    /// What the event changed (for a replay: what the original event changed).
    pub response: EventResponse,
    /// `true` when Trophy replayed an earlier event (HTTP 202 or `idempotentReplayed`): nothing
    /// was counted again.
    pub replayed: bool,
    /// The HTTP status (201 created, 202 replayed).
    pub status: u16,
}

impl Deref for EventOutcome {
    type Target = EventResponse;
    fn deref(&self) -> &EventResponse {
        &self.response
    }
}

/// Decodes a metric-event response, telling 201 from 202.
fn decode_event(raw: &RawResponse) -> questkit_core::Result<EventOutcome> {
    let response: EventResponse = decode_json(raw)?;
    let status = raw.status.as_u16();
    Ok(EventOutcome {
        replayed: status == 202 || response.is_replay(),
        response,
        status,
    })
}

/// The metric calls of a [`crate::Trophy`] client (`trophy.metrics()`).
#[derive(Clone, Copy, Debug)]
pub struct Metrics<'a> {
    transport: &'a Transport,
}

impl<'a> Metrics<'a> {
    pub(crate) fn new(transport: &'a Transport) -> Self {
        Metrics { transport }
    }

    /// `POST /metrics/{key}/event`: adds `value` to the user's total for the metric (a
    /// negative value subtracts), creating or updating the user on the way.
    ///
    /// Every call carries an `Idempotency-Key`: yours ([`MetricEvent::idempotency_key`]) or
    /// one generated once per call. Retries reuse it, so a retried event is never counted
    /// twice; a replay is reported in [`EventOutcome::replayed`].
    ///
    /// ```no_run
    /// # async fn run(trophy: questkit_trophy::Trophy) -> questkit_core::Result<()> {
    /// use questkit_trophy::UpsertedUser;
    /// let outcome = trophy
    ///     .metrics()
    ///     .event("words-written", UpsertedUser::new("user-1").tz("Europe/London"), 750.0)
    ///     .attribute("source", "mobile-app")
    ///     .idempotency_key("essay-42")
    ///     .await?;
    /// for achievement in &outcome.achievements {
    ///     println!("unlocked {}", achievement.name);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn event(&self, key: &str, user: impl Into<UpsertedUser>, value: f64) -> MetricEvent {
        let body = MetricEventBody::new(user.into(), value);
        let inner = self
            .transport
            .post::<EventResponse>("metrics/{key}/event", &[key])
            .rate_limit_bucket(crate::rate_limits::TIER_1)
            .operation("metrics.event")
            // The core wants the lowercase form (HTTP header names are case-insensitive).
            .idempotency_header("idempotency-key")
            .decoder(decode_event)
            .json(&body);
        MetricEvent { inner, body }
    }
}

/// The call of [`Metrics::event`]; await it for the [`EventOutcome`].
#[must_use = "a call does nothing until it is awaited or sent"]
#[derive(Debug)]
pub struct MetricEvent {
    inner: Request<EventOutcome>,
    body: MetricEventBody,
}

impl MetricEvent {
    /// Adds one event attribute (the key must exist in the Trophy dashboard).
    pub fn attribute(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.body = self.body.attribute(key, value);
        self.inner = self.inner.json(&self.body);
        self
    }

    /// Replaces the event attributes with these pairs.
    pub fn attributes<I, K, V>(mut self, pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        self.body = self.body.attributes(pairs);
        self.inner = self.inner.json(&self.body);
        self
    }

    /// Your idempotency key for this event (a request ID, an essay ID...). Without one, a
    /// UUID v4 is generated once for the call and reused by its retries.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.inner = self.inner.idempotency_key(key);
        self
    }

    /// The body that will be sent.
    pub fn body(&self) -> &MetricEventBody {
        &self.body
    }

    /// The total timeout of each attempt of this call (overrides the client's).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.inner = self.inner.timeout(timeout);
        self
    }

    /// How many retries this call may make (overrides the client's).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.inner = self.inner.max_retries(retries);
        self
    }

    /// Adds a header to this call only.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.inner = self.inner.header(name, value);
        self
    }

    /// Sends the event and decodes the response.
    pub fn send(self) -> ResponseFuture<EventOutcome> {
        self.inner.send()
    }

    /// Sends the event and returns the raw success response.
    pub async fn send_raw(self) -> questkit_core::Result<RawResponse> {
        self.inner.send_raw().await
    }

    /// The underlying request (method, path, body).
    pub fn request(&self) -> &Request<EventOutcome> {
        &self.inner
    }
}

impl IntoFuture for MetricEvent {
    type Output = questkit_core::Result<EventOutcome>;
    type IntoFuture = ResponseFuture<EventOutcome>;

    fn into_future(self) -> Self::IntoFuture {
        self.inner.send()
    }
}
