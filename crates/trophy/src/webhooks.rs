//! Webhooks: the typed events Trophy posts to your endpoint, and signature verification.
//!
//! Trophy signs every delivery: the `X-Trophy-Signature` header holds
//! `base64(HMAC-SHA256(raw body, webhook secret))`. Verify the *raw* bytes you received, before
//! any JSON parsing or re-serialisation, then parse. Where requests arrive, a
//! [`WebhookVerifier`] does both, over an `http::HeaderMap` or the header's text, with one
//! secret or several (to rotate a secret without dropping deliveries):
//!
//! ```
//! use questkit_trophy::webhooks::{sign_webhook, DedupKey, WebhookEvent, WebhookVerifier};
//!
//! let verifier = WebhookVerifier::new(["whsec_new", "whsec_old"])?; // either one verifies
//! let body = br#"{"type":"streak.lost","user":{"id":"u1","created":"2025-01-01T00:00:00Z","updated":"2025-01-01T00:00:00Z"},"length":7}"#;
//! let header = sign_webhook(body, "whsec_old"); // what Trophy would send
//!
//! let mut headers = http::HeaderMap::new();
//! headers.insert("x-trophy-signature", header.parse()?);
//! let event = verifier.verify(&headers, body)?;
//! match &event {
//!     WebhookEvent::StreakLost(lost) => assert_eq!(lost.length, 7),
//!     other => panic!("unexpected {:?}", other.event_type()),
//! }
//! // Trophy delivers at least once: remember the key of what you processed.
//! let key = DedupKey::new(body, &event);
//! assert!(key.as_str().starts_with("streak.lost:user=u1:length=7:sha256="));
//!
//! // Frameworks on `http` 0.2 pass the header's text.
//! assert!(verifier.verify_signature(&header, body).is_ok());
//! assert!(verifier.verify_signature(&header, b"{}").is_err()); // body does not match
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! With a single secret, [`parse_webhook`] and [`verify_webhook`] do the same as plain
//! functions. [`DedupKey`] documents what a de-duplication key can and cannot recognise.

// This module reads what the network sends: no indexing or unchecked arithmetic on it.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::fmt;

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use chrono::{DateTime, NaiveDate, Utc};
use hmac::{Hmac, Mac};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::Sha256;
use subtle::ConstantTimeEq as _;

use crate::achievements::UserAchievement;
use crate::leaderboards::{LeaderboardWithRankings, RankChangedLeaderboard};
use crate::points::{EventPoints, PointsLevel, PointsTotal, WebhookPointsBoost};
use crate::streaks::{Streak, UserStreak};
use crate::users::User;

mod dedup;
mod verifier;

pub use dedup::DedupKey;
pub use verifier::{WebhookVerifier, signature_header};

/// The header that carries the signature of a delivery.
pub const SIGNATURE_HEADER: &str = "X-Trophy-Signature";

/// The length of an HMAC-SHA256 value.
const SIGNATURE_LEN: usize = 32;

type HmacSha256 = Hmac<Sha256>;

/// Standard base64, padding optional (some proxies strip `=`).
const SIGNATURE_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Why a webhook delivery was rejected.
///
/// Messages never contain the secret or the expected signature.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookError {
    /// The secret given to the verifier is empty (a configuration mistake).
    MissingSecret,
    /// The signature header is missing or empty.
    MissingSignature,
    /// The signature header is not a base64 HMAC-SHA256 value.
    MalformedSignature,
    /// The signature does not match the body and secret: reject the delivery.
    SignatureMismatch,
    /// The body is authentic but not a webhook payload this client can read.
    MalformedPayload {
        /// What was wrong (from the JSON parser).
        message: String,
    },
}

impl WebhookError {
    /// Whether the delivery failed authentication (anything but a payload problem).
    pub fn is_signature_error(&self) -> bool {
        !matches!(self, WebhookError::MalformedPayload { .. })
    }
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookError::MissingSecret => f.write_str("webhook secret is empty"),
            WebhookError::MissingSignature => {
                write!(f, "webhook has no {SIGNATURE_HEADER} header")
            }
            WebhookError::MalformedSignature => {
                write!(
                    f,
                    "{SIGNATURE_HEADER} is not a base64 HMAC-SHA256 signature"
                )
            }
            WebhookError::SignatureMismatch => {
                f.write_str("webhook signature does not match the body")
            }
            WebhookError::MalformedPayload { message } => {
                write!(f, "webhook payload could not be read: {message}")
            }
        }
    }
}

impl std::error::Error for WebhookError {}

/// The signature Trophy sends for `body` under `secret`: `base64(HMAC-SHA256(body, secret))`.
///
/// Useful to test your own webhook handler with signed sample deliveries.
pub fn sign_webhook(body: &[u8], secret: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(mac_of(body, secret.as_bytes()))
}

/// Checks that `signature_header` (the value of `X-Trophy-Signature`) is the signature of the
/// raw `body` under `secret`. The comparison runs in constant time.
///
/// To accept several secrets (during a rotation) or read the header from an
/// `http::HeaderMap`, use a [`WebhookVerifier`].
///
/// ```
/// use questkit_trophy::webhooks::{sign_webhook, verify_webhook, WebhookError};
///
/// let header = sign_webhook(b"{}", "s3cret");
/// assert_eq!(verify_webhook(b"{}", &header, "s3cret"), Ok(()));
/// assert_eq!(verify_webhook(b"{ }", &header, "s3cret"), Err(WebhookError::SignatureMismatch));
/// assert_eq!(verify_webhook(b"{}", "not base64!", "s3cret"), Err(WebhookError::MalformedSignature));
/// ```
pub fn verify_webhook(
    body: &[u8],
    signature_header: &str,
    secret: &str,
) -> Result<(), WebhookError> {
    if secret.is_empty() {
        return Err(WebhookError::MissingSecret);
    }
    let signature = decode_signature(signature_header)?;
    if bool::from(mac_of(body, secret.as_bytes()).ct_eq(&signature)) {
        Ok(())
    } else {
        Err(WebhookError::SignatureMismatch)
    }
}

/// The HMAC-SHA256 of `body` under `secret`.
fn mac_of(body: &[u8], secret: &[u8]) -> [u8; SIGNATURE_LEN] {
    // HMAC accepts keys of any length, so the error branch is never taken.
    let Ok(mut mac) = <HmacSha256 as Mac>::new_from_slice(secret) else {
        return [0; SIGNATURE_LEN];
    };
    mac.update(body);
    mac.finalize().into_bytes().into()
}

/// The MAC carried by a signature header's text (surrounding whitespace and missing padding
/// are tolerated), or why the text is not one.
fn decode_signature(header: &str) -> Result<[u8; SIGNATURE_LEN], WebhookError> {
    let header = header.trim();
    if header.is_empty() {
        return Err(WebhookError::MissingSignature);
    }
    let decoded = SIGNATURE_BASE64
        .decode(header)
        .map_err(|_| WebhookError::MalformedSignature)?;
    <[u8; SIGNATURE_LEN]>::try_from(decoded.as_slice())
        .map_err(|_| WebhookError::MalformedSignature)
}

/// Verifies the signature, then parses the body into a [`WebhookEvent`].
///
/// Event types this version does not know parse into [`WebhookEvent::Unknown`] rather than
/// failing, so a new Trophy event never breaks your endpoint.
pub fn parse_webhook(
    body: &[u8],
    signature_header: &str,
    secret: &str,
) -> Result<WebhookEvent, WebhookError> {
    verify_webhook(body, signature_header, secret)?;
    WebhookEvent::from_slice(body)
}

macro_rules! webhook_events {
    ($(
        $(#[$doc:meta])*
        $variant:ident($payload:ty) => $name:literal
    ),+ $(,)?) => {
        questkit_core::open_enum! {
            /// The `type` of a webhook event.
            pub enum WebhookEventType {
                $(
                    $(#[$doc])*
                    $variant => $name
                ),+
            }
        }

        /// A webhook delivery, by its `type`.
        ///
        /// Serializes back to Trophy's JSON shape (with `type`); an unknown type keeps its
        /// whole JSON object.
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum WebhookEvent {
            $(
                $(#[$doc])*
                $variant($payload),
            )+
            /// An event type this client version does not know.
            Unknown {
                /// The `type` as sent.
                event_type: String,
                /// The whole payload as sent (including `type`).
                payload: serde_json::Value,
            },
        }

        impl WebhookEvent {
            /// The event's `type`.
            pub fn event_type(&self) -> WebhookEventType {
                match self {
                    $(WebhookEvent::$variant(_) => WebhookEventType::$variant,)+
                    WebhookEvent::Unknown { event_type, .. } => WebhookEventType::from(event_type.as_str()),
                }
            }

            /// Reads an event from a JSON value (no signature check).
            pub fn from_value(value: serde_json::Value) -> Result<Self, serde_json::Error> {
                let event_type = match value.get("type") {
                    Some(serde_json::Value::String(t)) => t.clone(),
                    Some(_) => return Err(serde_json::Error::custom("webhook `type` is not a string")),
                    None => return Err(serde_json::Error::custom("webhook payload has no `type`")),
                };
                Ok(match event_type.as_str() {
                    $($name => WebhookEvent::$variant(serde_json::from_value(value)?),)+
                    _ => WebhookEvent::Unknown { event_type, payload: value },
                })
            }

            /// The event as a JSON value, `type` included.
            pub fn to_value(&self) -> Result<serde_json::Value, serde_json::Error> {
                let (name, mut value) = match self {
                    $(WebhookEvent::$variant(payload) => ($name, serde_json::to_value(payload)?),)+
                    WebhookEvent::Unknown { payload, .. } => return Ok(payload.clone()),
                };
                if let serde_json::Value::Object(map) = &mut value {
                    map.insert("type".to_owned(), serde_json::Value::String(name.to_owned()));
                }
                Ok(value)
            }
        }
    };
}

webhook_events! {
    /// A user completed an achievement (`achievement.completed`).
    AchievementCompleted(AchievementCompletedEvent) => "achievement.completed",
    /// A user started a streak (`streak.started`).
    StreakStarted(StreakChangedEvent) => "streak.started",
    /// A user extended a streak (`streak.extended`).
    StreakExtended(StreakChangedEvent) => "streak.extended",
    /// A user lost a streak (`streak.lost`).
    StreakLost(StreakLostEvent) => "streak.lost",
    /// A streak freeze was used up (`streak.freeze_consumed`).
    StreakFreezeConsumed(StreakFreezeConsumedEvent) => "streak.freeze_consumed",
    /// A user earned streak freezes (`streak.freeze_earned`).
    StreakFreezeEarned(StreakFreezeEarnedEvent) => "streak.freeze_earned",
    /// A user's points changed (`points.changed`; at most every 15 minutes per user and system).
    PointsChanged(PointsChangedEvent) => "points.changed",
    /// A user's level changed (`points.level_changed`).
    PointsLevelChanged(PointsLevelChangedEvent) => "points.level_changed",
    /// A points boost started (`points.boost_started`).
    PointsBoostStarted(PointsBoostEvent) => "points.boost_started",
    /// A points boost finished (`points.boost_finished`).
    PointsBoostFinished(PointsBoostEvent) => "points.boost_finished",
    /// A leaderboard run started (`leaderboard.started`).
    LeaderboardStarted(LeaderboardRunEvent) => "leaderboard.started",
    /// Leaderboard rankings changed (`leaderboard.changed`; at most every 15 minutes).
    LeaderboardChanged(LeaderboardRunEvent) => "leaderboard.changed",
    /// A leaderboard run finished (`leaderboard.finished`).
    LeaderboardFinished(LeaderboardRunEvent) => "leaderboard.finished",
    /// A user's rank changed (`leaderboard.rank_changed`).
    LeaderboardRankChanged(LeaderboardRankChangedEvent) => "leaderboard.rank_changed",
    /// A recap message is due (`emails.recap_due`).
    RecapDue(RecapDueEvent) => "emails.recap_due",
    /// A reactivation message is due (`emails.reactivation_due`).
    ReactivationDue(ReactivationDueEvent) => "emails.reactivation_due",
    /// A streak reminder is due (`emails.streak_reminder_due`).
    StreakReminderDue(StreakReminderDueEvent) => "emails.streak_reminder_due",
    /// An achievement message is due (`emails.achievement_due`).
    AchievementDue(AchievementDueEvent) => "emails.achievement_due",
}

impl WebhookEvent {
    /// Parses a raw body **without** checking its signature; prefer [`parse_webhook`].
    pub fn from_slice(body: &[u8]) -> Result<Self, WebhookError> {
        let value: serde_json::Value = questkit_core::decode::from_slice(body).map_err(|e| {
            WebhookError::MalformedPayload {
                message: e.to_string(),
            }
        })?;
        WebhookEvent::from_value(value).map_err(|e| WebhookError::MalformedPayload {
            message: e.to_string(),
        })
    }

    /// The user the event is about, for the event types that carry one.
    pub fn user(&self) -> Option<&User> {
        match self {
            WebhookEvent::AchievementCompleted(e) => Some(&e.user),
            WebhookEvent::StreakStarted(e) | WebhookEvent::StreakExtended(e) => Some(&e.user),
            WebhookEvent::StreakLost(e) => Some(&e.user),
            WebhookEvent::StreakFreezeConsumed(e) => Some(&e.user),
            WebhookEvent::StreakFreezeEarned(e) => Some(&e.user),
            WebhookEvent::PointsChanged(e) => Some(&e.user),
            WebhookEvent::PointsLevelChanged(e) => Some(&e.user),
            WebhookEvent::LeaderboardRankChanged(e) => Some(&e.user),
            WebhookEvent::RecapDue(e) => Some(&e.user),
            WebhookEvent::ReactivationDue(e) => Some(&e.user),
            WebhookEvent::StreakReminderDue(e) => Some(&e.user),
            WebhookEvent::AchievementDue(e) => Some(&e.user),
            WebhookEvent::PointsBoostStarted(_)
            | WebhookEvent::PointsBoostFinished(_)
            | WebhookEvent::LeaderboardStarted(_)
            | WebhookEvent::LeaderboardChanged(_)
            | WebhookEvent::LeaderboardFinished(_)
            | WebhookEvent::Unknown { .. } => None,
        }
    }
}

impl Serialize for WebhookEvent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_value()
            .map_err(serde::ser::Error::custom)?
            .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for WebhookEvent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        WebhookEvent::from_value(value).map_err(D::Error::custom)
    }
}

/// `achievement.completed`: a user completed an achievement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AchievementCompletedEvent {
    /// The user.
    pub user: User,
    /// The achievement, with `achievedAt` set.
    pub achievement: UserAchievement,
}

/// `streak.started` and `streak.extended`: a user's streak grew.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct StreakChangedEvent {
    /// The user.
    pub user: User,
    /// The streak after the change.
    pub streak: Streak,
}

/// `streak.lost`: a user lost a streak.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct StreakLostEvent {
    /// The user.
    pub user: User,
    /// The length of the lost streak.
    #[serde(default)]
    pub length: i64,
}

/// `streak.freeze_consumed`: freezes kept a streak alive.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct StreakFreezeConsumedEvent {
    /// The user.
    pub user: User,
    /// Freezes used.
    #[serde(default)]
    pub consumed: i64,
    /// Freezes left.
    #[serde(default)]
    pub freezes: i64,
}

/// `streak.freeze_earned`: a user earned freezes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct StreakFreezeEarnedEvent {
    /// The user.
    pub user: User,
    /// Freezes earned.
    #[serde(default)]
    pub earned: i64,
    /// Freezes held now.
    #[serde(default)]
    pub freezes: i64,
}

/// `points.changed`: a user gained or lost points.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PointsChangedEvent {
    /// The user.
    pub user: User,
    /// The user's points after the change, with the amount added.
    pub points: EventPoints,
}

/// `points.level_changed`: a user's level changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PointsLevelChangedEvent {
    /// The user.
    pub user: User,
    /// The points system and the user's total.
    pub points: PointsTotal,
    /// The level before; `None` when the user had none.
    #[serde(default)]
    pub previous_level: Option<PointsLevel>,
    /// The level now; `None` when the user has none any more.
    #[serde(default)]
    pub new_level: Option<PointsLevel>,
}

/// `points.boost_started` and `points.boost_finished`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PointsBoostEvent {
    /// When the event occurred.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<DateTime<Utc>>,
    /// The boost.
    pub boost: WebhookPointsBoost,
}

/// `leaderboard.started`, `leaderboard.changed` and `leaderboard.finished`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LeaderboardRunEvent {
    /// The leaderboard run and its rankings.
    pub leaderboard: LeaderboardWithRankings,
}

/// `leaderboard.rank_changed`: a user's rank changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LeaderboardRankChangedEvent {
    /// The user.
    pub user: User,
    /// The leaderboard with the user's rank before and after.
    pub leaderboard: RankChangedLeaderboard,
}

/// The period a recap covers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RecapPeriod {
    /// The first day.
    pub period_start: NaiveDate,
    /// The last day.
    pub period_end: NaiveDate,
}

/// `emails.recap_due`: a recap message is due.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RecapDueEvent {
    /// When the webhook was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<DateTime<Utc>>,
    /// The user.
    pub user: User,
    /// The recap period.
    pub recap: RecapPeriod,
}

/// Details of a due reactivation message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Reactivation {
    /// The message's number in the sequence.
    #[serde(default)]
    pub message_number: i64,
    /// Days since the user was last active.
    #[serde(default)]
    pub days_since_last_active: i64,
}

/// `emails.reactivation_due`: a reactivation message is due.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ReactivationDueEvent {
    /// When the webhook was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<DateTime<Utc>>,
    /// The user.
    pub user: User,
    /// The message details.
    pub reactivation: Reactivation,
}

/// `emails.streak_reminder_due`: a streak reminder is due.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct StreakReminderDueEvent {
    /// When the webhook was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<DateTime<Utc>>,
    /// The user.
    pub user: User,
    /// The user's streak with its history.
    pub streak: UserStreak,
}

/// `emails.achievement_due`: an achievement message is due.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AchievementDueEvent {
    /// When the webhook was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<DateTime<Utc>>,
    /// The user.
    pub user: User,
    /// The completed achievement.
    pub achievement: UserAchievement,
}

/// Signature failures become [`questkit_core::Error::Signature`]; an unreadable payload becomes
/// [`questkit_core::Error::InvalidInput`] (the body came from the caller, not from a Trophy
/// response).
impl From<WebhookError> for questkit_core::Error {
    fn from(error: WebhookError) -> Self {
        match error {
            WebhookError::MalformedPayload { message } => {
                questkit_core::Error::InvalidInput(format!("webhook payload: {message}"))
            }
            other => questkit_core::Error::Signature(other.to_string()),
        }
    }
}
