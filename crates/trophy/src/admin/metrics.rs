//! Admin metrics: list, create, get, update and delete metrics (`/metrics`), and record up to
//! 1,000 metric events in one request (`POST /metrics/events`).

use std::collections::BTreeMap;
use std::future::IntoFuture;
use std::time::Duration;

use questkit_core::rate_limit::RateLimit;
use questkit_core::reqwest::Method;
use questkit_core::{BoxFuture, Error, LenientId, Patch, RawResponse, Request, Result, Transport};
use serde::{Deserialize, Serialize};

use super::common::{
    AdminCall, Created, Deleted, ListCall, Updated, any, bulk, check_count, check_items, delete,
};

/// The most events one `batch_events` request takes.
pub const MAX_BATCH_EVENTS: usize = 1000;

questkit_core::open_enum! {
    /// What a metric counts.
    pub enum MetricUnitType {
        /// A plain number.
        Number => "number",
        /// An amount of money (`units` names the currency).
        Currency => "currency",
    }
}

/// A metric as the admin API returns it (schema `CreatedMetric`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AdminMetric {
    /// The metric's ID.
    pub id: LenientId,
    /// The display name.
    pub name: String,
    /// The key events and the application API use.
    pub key: String,
    /// Number or currency.
    pub unit_type: MetricUnitType,
    /// The unit label (`words`, `USD`).
    pub units: String,
}

/// A metric to create (schema `CreateMetricRequestItem`).
///
/// ```
/// use questkit_trophy::admin::metrics::{MetricUnitType, NewMetric};
///
/// let revenue = NewMetric::new("Revenue", "revenue").unit_type(MetricUnitType::Currency).units("USD");
/// assert_eq!(
///     serde_json::to_value(&revenue).unwrap(),
///     serde_json::json!({"name": "Revenue", "key": "revenue", "unitType": "currency", "units": "USD"})
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct NewMetric {
    /// The display name.
    pub name: String,
    /// The key (unique in the environment).
    pub key: String,
    /// Number (Trophy's default) or currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_type: Option<MetricUnitType>,
    /// The unit label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<String>,
}

impl NewMetric {
    /// A metric with this name and key.
    pub fn new(name: impl Into<String>, key: impl Into<String>) -> Self {
        NewMetric {
            name: name.into(),
            key: key.into(),
            unit_type: None,
            units: None,
        }
    }

    /// Number or currency.
    pub fn unit_type(mut self, unit_type: MetricUnitType) -> Self {
        self.unit_type = Some(unit_type);
        self
    }

    /// The unit label (`words`, `USD`).
    pub fn units(mut self, units: impl Into<String>) -> Self {
        self.units = Some(units.into());
        self
    }
}

/// Changes to one metric, by ID (schema `UpdateMetricRequestItem`); the key cannot change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MetricUpdate {
    /// The metric to change.
    pub id: String,
    /// A new display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A new unit type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_type: Option<MetricUnitType>,
    /// A new unit label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<String>,
}

impl MetricUpdate {
    /// No change yet to metric `id`.
    pub fn new(id: impl Into<String>) -> Self {
        MetricUpdate {
            id: id.into(),
            name: None,
            unit_type: None,
            units: None,
        }
    }

    /// Renames the metric.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Changes the unit type.
    pub fn unit_type(mut self, unit_type: MetricUnitType) -> Self {
        self.unit_type = Some(unit_type);
        self
    }

    /// Changes the unit label.
    pub fn units(mut self, units: impl Into<String>) -> Self {
        self.units = Some(units.into());
        self
    }
}

/// The user of a batch event (schema `BatchMetricEventUser`): created if Trophy does not know
/// them, updated with the fields given otherwise.
///
/// `tz` and `deviceTokens` are three-state: left alone, cleared (`null`) or set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BatchEventUser {
    /// Your ID for the user.
    pub id: String,
    /// The email address (Trophy wants one when the user subscribes to emails).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The name used in emails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The IANA time zone.
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    pub tz: Patch<String>,
    /// Push-notification device tokens.
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    pub device_tokens: Patch<Vec<String>>,
    /// Whether the user receives Trophy emails (Trophy's default: yes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscribe_to_emails: Option<bool>,
    /// Custom user attributes; the keys must exist in Trophy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<BTreeMap<String, String>>,
}

impl BatchEventUser {
    /// A user known only by ID.
    pub fn new(id: impl Into<String>) -> Self {
        BatchEventUser {
            id: id.into(),
            email: None,
            name: None,
            tz: Patch::Unchanged,
            device_tokens: Patch::Unchanged,
            subscribe_to_emails: None,
            attributes: None,
        }
    }

    /// Sets the email address.
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// Sets the name used in emails.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the IANA time zone (`Europe/London`).
    pub fn tz(mut self, tz: impl Into<String>) -> Self {
        self.tz = Patch::Set(tz.into());
        self
    }

    /// Clears the stored time zone (`tz: null`).
    pub fn clear_tz(mut self) -> Self {
        self.tz = Patch::Clear;
        self
    }

    /// Replaces the device tokens.
    pub fn device_tokens<I, S>(mut self, tokens: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.device_tokens = Patch::Set(tokens.into_iter().map(Into::into).collect());
        self
    }

    /// Clears the stored device tokens (`deviceTokens: null`).
    pub fn clear_device_tokens(mut self) -> Self {
        self.device_tokens = Patch::Clear;
        self
    }

    /// Sets whether the user receives Trophy emails.
    pub fn subscribe_to_emails(mut self, subscribe: bool) -> Self {
        self.subscribe_to_emails = Some(subscribe);
        self
    }

    /// Adds one user attribute.
    pub fn attribute(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes
            .get_or_insert_with(BTreeMap::new)
            .insert(key.into(), value.into());
        self
    }
}

impl From<&str> for BatchEventUser {
    fn from(id: &str) -> Self {
        BatchEventUser::new(id)
    }
}

impl From<String> for BatchEventUser {
    fn from(id: String) -> Self {
        BatchEventUser::new(id)
    }
}

impl From<&String> for BatchEventUser {
    fn from(id: &String) -> Self {
        BatchEventUser::new(id.as_str())
    }
}

/// One metric event of a batch (schema `BatchMetricEvent`), with its own idempotency key.
///
/// The key is generated (a UUID v4) when the event is built, unless you set yours with
/// [`BatchEvent::idempotency_key`]; it travels in the event's body, so the same event sent
/// twice (a retried batch, a batch resent after a crash) is counted once: Trophy ignores an
/// event whose key it has already processed. Keep the event (it is `Clone`) rather than
/// rebuilding it, or the retry gets a new key.
///
/// ```
/// use questkit_trophy::admin::metrics::{BatchEvent, BatchEventUser};
///
/// let event = BatchEvent::new("words-written", BatchEventUser::new("user-1").tz("Europe/London"), 750.0)
///     .attribute("source", "mobile-app");
/// assert_eq!(event.idempotency_key.len(), 36, "a UUID, generated once");
/// assert_eq!(event.clone().idempotency_key, event.idempotency_key, "clones keep the key");
/// assert!(event.validate().is_ok());
///
/// let mine = BatchEvent::new("words-written", "user-1", 1.0).idempotency_key("essay-42");
/// assert_eq!(mine.idempotency_key, "essay-42");
/// assert!(BatchEvent::new("", "user-1", 1.0).validate().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BatchEvent {
    /// The metric's key.
    pub key: String,
    /// The user the event belongs to.
    pub user: BatchEventUser,
    /// The amount added to the user's total (negative subtracts).
    pub value: f64,
    /// Event attributes; the keys must exist in Trophy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<BTreeMap<String, String>>,
    /// The event's idempotency key (read from JSON when present, generated otherwise).
    #[serde(default = "new_idempotency_key")]
    pub idempotency_key: String,
}

fn new_idempotency_key() -> String {
    uuid::Uuid::new_v4().to_string()
}

impl BatchEvent {
    /// An event adding `value` to `user`'s total for metric `key`, with a fresh idempotency
    /// key.
    pub fn new(key: impl Into<String>, user: impl Into<BatchEventUser>, value: f64) -> Self {
        BatchEvent {
            key: key.into(),
            user: user.into(),
            value,
            attributes: None,
            idempotency_key: new_idempotency_key(),
        }
    }

    /// Your idempotency key instead of the generated one (an order ID, a message ID...).
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = key.into();
        self
    }

    /// Adds one event attribute.
    pub fn attribute(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes
            .get_or_insert_with(BTreeMap::new)
            .insert(key.into(), value.into());
        self
    }

    /// Checks, without sending, what Trophy refuses in any event: an empty metric key, user
    /// ID or idempotency key, and a value that is not a finite number (JSON has no NaN).
    /// Fails with [`Error::InvalidInput`]. Whether the metric exists is only known to Trophy.
    pub fn validate(&self) -> Result<()> {
        self.problem()
            .map_or(Ok(()), |m| Err(Error::invalid_input(m)))
    }

    fn problem(&self) -> Option<String> {
        if self.key.trim().is_empty() {
            Some("the metric key is empty".into())
        } else if self.user.id.trim().is_empty() {
            Some("the user ID is empty".into())
        } else if !self.value.is_finite() {
            Some(format!("the value {} is not a finite number", self.value))
        } else if self.idempotency_key.trim().is_empty() {
            Some("the idempotency key is empty".into())
        } else {
            None
        }
    }
}

/// Trophy's answer to a batch (schema `BatchEventsResponse`): how many events it queued.
///
/// Trophy's spec types `accepted` as an integer with no minimum, and the answer arrives after
/// Trophy has queued the events, so no integer may fail the call: any JSON integer is read,
/// negative ones included, and one beyond `i64`'s range (or written as a float, such as
/// `1e30`) is saturated to `i64::MIN` or `i64::MAX`. Only a count equal to the number sent
/// makes the batch [`BatchOutcome::Complete`].
///
/// ```
/// use questkit_trophy::admin::metrics::BatchEventsResponse;
///
/// let odd: BatchEventsResponse = serde_json::from_str(r#"{"accepted": -1}"#)?;
/// assert_eq!(odd.accepted, -1);
/// let huge: BatchEventsResponse = serde_json::from_str(r#"{"accepted": 18446744073709551615}"#)?;
/// assert_eq!(huge.accepted, i64::MAX);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BatchEventsResponse {
    /// The events accepted into Trophy's processing queue, as Trophy counts them (any
    /// integer; saturated to `i64`'s range).
    #[serde(deserialize_with = "saturating_i64")]
    pub accepted: i64,
}

/// Reads any JSON integer as `i64`, saturating beyond its range; a float is accepted when it
/// is a whole number (serde_json reads integers beyond `u64` as floats), saturated the same
/// way. Other values (a fraction, a string, `null`) are a decode error.
fn saturating_i64<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    struct Saturating;

    impl serde::de::Visitor<'_> for Saturating {
        type Value = i64;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an integer")
        }

        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<i64, E> {
            Ok(v)
        }

        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<i64, E> {
            Ok(i64::try_from(v).unwrap_or(i64::MAX))
        }

        fn visit_i128<E: serde::de::Error>(self, v: i128) -> Result<i64, E> {
            Ok(i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX }))
        }

        fn visit_u128<E: serde::de::Error>(self, v: u128) -> Result<i64, E> {
            Ok(i64::try_from(v).unwrap_or(i64::MAX))
        }

        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<i64, E> {
            if v.is_finite() && v.fract() == 0.0 {
                // `as` saturates at i64's bounds: a count beyond them stays a count.
                Ok(v as i64)
            } else {
                Err(E::invalid_value(serde::de::Unexpected::Float(v), &self))
            }
        }
    }

    deserializer.deserialize_any(Saturating)
}

/// The outcome of a batch: every event queued, or another count than was sent.
///
/// Trophy answers `202 {"accepted": n}` and processes the events later. Only `n` equal to
/// the number sent is [`BatchOutcome::Complete`]; anything else (fewer, more, zero, negative)
/// is [`BatchOutcome::Incomplete`], which is not a success: Trophy does not say which events
/// it left out, so resend the same events (same idempotency keys: those already taken are
/// ignored) or report them.
///
/// ```
/// use questkit_trophy::admin::metrics::BatchOutcome;
///
/// let partial = BatchOutcome::new(1000, 998);
/// assert!(!partial.is_complete());
/// assert_eq!(partial.missing(), 2);
/// assert_eq!(BatchOutcome::new(3, 3), BatchOutcome::Complete { accepted: 3 });
/// let negative = BatchOutcome::new(3, -1);
/// assert!(!negative.is_complete());
/// assert_eq!((negative.accepted(), negative.missing()), (-1, 3));
/// ```
#[must_use = "an incomplete batch means Trophy did not take every event"]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BatchOutcome {
    /// Trophy queued every event sent.
    Complete {
        /// The events queued (all of them).
        accepted: u64,
    },
    /// Trophy's count differs from the number sent (almost always fewer).
    Incomplete {
        /// The events sent.
        sent: u64,
        /// The events Trophy says it queued: any integer, as Trophy sent it (negative or
        /// larger than `sent` included).
        accepted: i64,
    },
}

impl BatchOutcome {
    /// The outcome of sending `sent` events of which Trophy says it accepted `accepted`:
    /// complete only when the two are equal.
    pub fn new(sent: u64, accepted: i64) -> Self {
        if u64::try_from(accepted) == Ok(sent) {
            BatchOutcome::Complete { accepted: sent }
        } else {
            BatchOutcome::Incomplete { sent, accepted }
        }
    }

    /// Whether Trophy queued exactly the events sent.
    pub fn is_complete(&self) -> bool {
        matches!(self, BatchOutcome::Complete { .. })
    }

    /// The events sent.
    pub fn sent(&self) -> u64 {
        match *self {
            BatchOutcome::Complete { accepted } => accepted,
            BatchOutcome::Incomplete { sent, .. } => sent,
        }
    }

    /// The events Trophy says it queued, as it counted them (negative when Trophy sent a
    /// negative count; saturated at `i64::MAX` for a count beyond it).
    pub fn accepted(&self) -> i64 {
        match *self {
            BatchOutcome::Complete { accepted } => i64::try_from(accepted).unwrap_or(i64::MAX),
            BatchOutcome::Incomplete { accepted, .. } => accepted,
        }
    }

    /// How many events sent were not queued: 0 when complete or when Trophy counted more
    /// than were sent, all of them when its count is zero or negative.
    pub fn missing(&self) -> u64 {
        match *self {
            BatchOutcome::Complete { .. } => 0,
            BatchOutcome::Incomplete { sent, accepted } => {
                sent.saturating_sub(u64::try_from(accepted).unwrap_or(0))
            }
        }
    }
}

/// The admin metric calls (`trophy.admin().metrics()`).
#[derive(Clone, Copy, Debug)]
pub struct MetricsAdmin<'a> {
    pub(crate) transport: &'a Transport,
    /// The client's Tier 1 limit, when set: the event batcher's budget.
    pub(crate) tier1: Option<RateLimit>,
}

impl<'a> MetricsAdmin<'a> {
    pub(crate) fn new(transport: &'a Transport, tier1: Option<RateLimit>) -> Self {
        MetricsAdmin { transport, tier1 }
    }

    /// `GET /metrics`: one page of metrics (see [`ListCall::stream`] for all).
    pub fn list(&self) -> ListCall<AdminMetric> {
        self.transport
            .get("metrics", &[])
            .operation("admin.metrics.list")
            .into()
    }

    /// `POST /metrics`: creates 1 to 100 metrics; those refused come back as issues.
    ///
    /// ```no_run
    /// # async fn run(trophy: questkit_trophy::Trophy) -> questkit_core::Result<()> {
    /// use questkit_trophy::admin::metrics::NewMetric;
    /// let answer = trophy.admin().metrics().create([NewMetric::new("Words written", "words-written")]).await?;
    /// for issue in &answer.issues {
    ///     eprintln!("item {:?}: {}", issue.index, issue.message);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn create(
        &self,
        metrics: impl IntoIterator<Item = NewMetric>,
    ) -> AdminCall<Created<AdminMetric>> {
        let items: Vec<NewMetric> = metrics.into_iter().collect();
        bulk(
            self.transport,
            Method::POST,
            "metrics",
            &[],
            "admin.metrics.create",
            &items,
            any,
        )
        .into()
    }

    /// `GET /metrics/{id}`: one metric (404 when unknown).
    pub fn get(&self, id: impl AsRef<str>) -> AdminCall<AdminMetric> {
        self.transport
            .get("metrics/{id}", &[id.as_ref()])
            .operation("admin.metrics.get")
            .into()
    }

    /// `PATCH /metrics`: changes 1 to 100 metrics by ID.
    pub fn update(
        &self,
        updates: impl IntoIterator<Item = MetricUpdate>,
    ) -> AdminCall<Updated<AdminMetric>> {
        let items: Vec<MetricUpdate> = updates.into_iter().collect();
        bulk(
            self.transport,
            Method::PATCH,
            "metrics",
            &[],
            "admin.metrics.update",
            &items,
            |u| super::id_required(&u.id),
        )
        .into()
    }

    /// `DELETE /metrics?ids=..`: deletes 1 to 100 metrics by ID.
    pub fn delete<I, S>(&self, ids: I) -> AdminCall<Deleted>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        delete(self.transport, "metrics", &[], "admin.metrics.delete", ids).into()
    }

    /// `POST /metrics/events`: records 1 to 1,000 metric events in one request; Trophy queues
    /// them and answers 202 with the number accepted.
    ///
    /// Each event carries its own idempotency key in the body ([`BatchEvent`]), so the call is
    /// replay-safe: after a 5xx, a timeout or a broken connection it is retried with the same
    /// body, and Trophy ignores the events it already has. Every event is checked with
    /// [`BatchEvent::validate`] before sending. The answer is a [`BatchOutcome`]: check
    /// [`BatchOutcome::is_complete`].
    ///
    /// ```no_run
    /// # async fn run(trophy: questkit_trophy::Trophy) -> questkit_core::Result<()> {
    /// use questkit_trophy::admin::metrics::{BatchEvent, BatchOutcome};
    ///
    /// let events: Vec<BatchEvent> = (1..=3)
    ///     .map(|n| BatchEvent::new("words-written", format!("user-{n}"), 100.0 * n as f64))
    ///     .collect();
    /// match trophy.admin().metrics().batch_events(events.clone()).await? {
    ///     BatchOutcome::Complete { accepted } => println!("{accepted} events queued"),
    ///     incomplete => eprintln!("{} events not queued: resend them", incomplete.missing()),
    /// }
    /// # Ok(()) }
    /// ```
    pub fn batch_events(&self, events: impl IntoIterator<Item = BatchEvent>) -> BatchEvents {
        let events: Vec<BatchEvent> = events.into_iter().collect();
        batch_request(self.transport, &events)
    }
}

/// The request of a batch, from a slice (the batcher sends its buffer without copying it).
pub(crate) fn batch_request(transport: &Transport, events: &[BatchEvent]) -> BatchEvents {
    {
        let operation = "admin.metrics.batch_events";
        let mut inner = transport
            .post::<BatchEventsResponse>("metrics/events", &[])
            .operation(operation)
            .replay_safe()
            .json(events);
        check_count(&mut inner, operation, events.len(), MAX_BATCH_EVENTS);
        check_items(&mut inner, operation, events, |e| {
            e.problem().map_or(Ok(()), Err)
        });
        BatchEvents {
            inner,
            sent: events.len() as u64,
        }
    }
}

/// The call of [`MetricsAdmin::batch_events`]; await it for the [`BatchOutcome`].
#[must_use = "a call does nothing until it is awaited or sent"]
#[derive(Debug)]
pub struct BatchEvents {
    inner: Request<BatchEventsResponse>,
    sent: u64,
}

impl BatchEvents {
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

    /// The total deadline of this call, retries and waits included (overrides the client's).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.inner = self.inner.deadline(deadline);
        self
    }

    /// Adds a header to this call only; `Tenant-ID` here replaces the client's tenant.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.inner = self.inner.header(name, value);
        self
    }

    /// How many events the call sends.
    pub fn len(&self) -> u64 {
        self.sent
    }

    /// Whether the call sends no event (it then fails before sending).
    pub fn is_empty(&self) -> bool {
        self.sent == 0
    }

    /// Sends the batch and compares Trophy's count with the events sent.
    pub async fn send(self) -> Result<BatchOutcome> {
        let sent = self.sent;
        let answer = self.inner.send().await?;
        Ok(BatchOutcome::new(sent, answer.accepted))
    }

    /// Sends the batch and returns the raw success response.
    pub async fn send_raw(self) -> Result<RawResponse> {
        self.inner.send_raw().await
    }

    /// The underlying request (method, path, body).
    pub fn request(&self) -> &Request<BatchEventsResponse> {
        &self.inner
    }
}

impl IntoFuture for BatchEvents {
    type Output = Result<BatchOutcome>;
    type IntoFuture = BoxFuture<Result<BatchOutcome>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn events_keep_their_key_and_validate() {
        let event = BatchEvent::new("words", BatchEventUser::new("u1").clear_tz(), 2.5);
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(json["user"], json!({"id": "u1", "tz": null}));
        assert_eq!(json["idempotencyKey"], json!(event.idempotency_key));
        let back: BatchEvent = serde_json::from_value(json).unwrap();
        assert_eq!(back, event);
        let keyless: BatchEvent =
            serde_json::from_value(json!({"key": "k", "user": {"id": "u"}, "value": 1})).unwrap();
        assert!(!keyless.idempotency_key.is_empty());
        assert_ne!(
            BatchEvent::new("k", "u", 1.0).idempotency_key,
            keyless.idempotency_key
        );
        for bad in [
            BatchEvent::new(" ", "u", 1.0),
            BatchEvent::new("k", "", 1.0),
            BatchEvent::new("k", "u", f64::NAN),
            BatchEvent::new("k", "u", f64::INFINITY),
            BatchEvent::new("k", "u", 1.0).idempotency_key(""),
        ] {
            assert!(
                matches!(bad.validate(), Err(Error::InvalidInput(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn outcomes() {
        assert!(BatchOutcome::new(2, 2).is_complete());
        assert_eq!(
            BatchOutcome::new(0, 0),
            BatchOutcome::Complete { accepted: 0 }
        );
        let short = BatchOutcome::new(5, 3);
        assert_eq!((short.sent(), short.accepted(), short.missing()), (5, 3, 2));
        let over = BatchOutcome::new(1, 2);
        assert!(!over.is_complete());
        assert_eq!(over.missing(), 0);
        let negative = BatchOutcome::new(4, -2);
        assert!(!negative.is_complete());
        assert_eq!(
            (negative.sent(), negative.accepted(), negative.missing()),
            (4, -2, 4)
        );
        let none = BatchOutcome::new(3, 0);
        assert_eq!((none.is_complete(), none.missing()), (false, 3));
        let extreme = BatchOutcome::new(u64::MAX, i64::MIN);
        assert_eq!(extreme.missing(), u64::MAX);
        let saturated = BatchOutcome::new(1000, i64::MAX);
        assert_eq!((saturated.is_complete(), saturated.missing()), (false, 0));
        let all = BatchOutcome::new(u64::MAX, i64::MAX);
        assert!(
            !all.is_complete(),
            "a saturated count never equals a larger batch"
        );
        assert_eq!(
            BatchOutcome::Complete { accepted: u64::MAX }.accepted(),
            i64::MAX
        );
    }

    #[test]
    fn batch_answers_tolerate_any_integer() {
        let read = |body: &str| serde_json::from_str::<BatchEventsResponse>(body);
        let cases: [(&str, i64); 9] = [
            (r#"{"accepted": 998}"#, 998),
            (r#"{"accepted": 0}"#, 0),
            (r#"{"accepted": -5}"#, -5),
            (r#"{"accepted": -9223372036854775808}"#, i64::MIN),
            (r#"{"accepted": 9223372036854775807}"#, i64::MAX),
            (r#"{"accepted": 9223372036854775808}"#, i64::MAX),
            (r#"{"accepted": 18446744073709551615}"#, i64::MAX),
            (r#"{"accepted": 123456789012345678901234567890}"#, i64::MAX),
            (r#"{"accepted": -123456789012345678901234567890}"#, i64::MIN),
        ];
        for (body, accepted) in cases {
            let answer = read(body).unwrap_or_else(|e| panic!("{body}: {e}"));
            assert_eq!(answer.accepted, accepted, "{body}");
            let again: BatchEventsResponse =
                serde_json::from_value(serde_json::to_value(answer).unwrap()).unwrap();
            assert_eq!(again, answer, "round trip of {body}");
        }
        assert_eq!(read(r#"{"accepted": 3.0}"#).unwrap().accepted, 3);
        assert_eq!(read(r#"{"accepted": -1e30}"#).unwrap().accepted, i64::MIN);
        assert_eq!(
            read(r#"{"accepted": 2, "extra": true}"#).unwrap().accepted,
            2
        );
        for bad in [
            r#"{"accepted": 2.5}"#,
            r#"{"accepted": "2"}"#,
            r#"{"accepted": null}"#,
            r#"{}"#,
        ] {
            assert!(read(bad).is_err(), "{bad}");
        }
        let negative = read(r#"{"accepted": -3}"#).unwrap();
        assert_eq!(
            BatchOutcome::new(3, negative.accepted),
            BatchOutcome::Incomplete {
                sent: 3,
                accepted: -3
            }
        );
    }
}
