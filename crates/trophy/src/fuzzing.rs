//! Fuzz entry points: plain functions over bytes, for a fuzzer and for ordinary tests.
//!
//! Not part of the API (hidden from the docs). Each function must return normally for every
//! input; a panic is a bug it found: a decoder that panics, a model that does not survive a
//! round trip through JSON, a signature that does not verify.

// Fuzz input is hostile by definition: no indexing or unchecked arithmetic on it.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::fmt::Debug;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::achievements::{AchievementCompletion, AchievementWithStats, UserAchievementWithStats};
use crate::error_body::ErrorBody;
use crate::leaderboards::{Leaderboard, LeaderboardWithRankings, UserLeaderboardWithHistory};
use crate::metrics::{EventResponse, EventSummaryEntry, Metric};
use crate::points::{
    LevelSummaryEntry, PointsBoost, PointsLevel, PointsRange, PointsSystem, UserPoints,
};
use crate::preferences::UserPreferences;
use crate::streaks::{BulkStreakEntry, UserStreak};
use crate::users::User;
use crate::webhooks::{WebhookError, WebhookEvent, parse_webhook, sign_webhook, verify_webhook};
use crate::wrapped::Wrapped;

/// Decodes `body` as the client decodes a response; on success, writes the model back to JSON
/// and decodes that again: both values must be equal.
fn round_trip<T>(body: &[u8])
where
    T: DeserializeOwned + Serialize + PartialEq + Debug,
{
    let Ok(first) = questkit_core::decode::from_slice::<T>(body) else {
        return;
    };
    let encoded = serde_json::to_vec(&first);
    assert!(
        encoded.is_ok(),
        "a decoded model does not serialize: {encoded:?}"
    );
    let encoded = encoded.unwrap_or_default();
    let second = questkit_core::decode::from_slice::<T>(&encoded);
    assert!(
        second.is_ok(),
        "a re-serialized model does not decode: {second:?}"
    );
    if let Ok(second) = second {
        assert_eq!(first, second, "a model changed on a round trip");
    }
}

/// The error-body parser, held to the same round trip.
fn error_body(body: &[u8]) {
    if let Some(first) = ErrorBody::parse(body) {
        let encoded = serde_json::to_vec(&first).unwrap_or_default();
        assert_eq!(ErrorBody::parse(&encoded), Some(first));
    }
}

/// A webhook body parsed without its signature, held to the same round trip.
fn webhook_body(body: &[u8]) {
    if let Ok(first) = WebhookEvent::from_slice(body) {
        let encoded = serde_json::to_vec(&first);
        assert!(
            encoded.is_ok(),
            "a webhook event does not serialize: {encoded:?}"
        );
        let second = WebhookEvent::from_slice(&encoded.unwrap_or_default());
        assert_eq!(second.as_ref().ok(), Some(&first), "{second:?}");
    }
}

/// Every response decoder of the application API (one per response type), then the error
/// body and the webhook payload.
const DECODERS: [fn(&[u8]); 23] = [
    round_trip::<Vec<AchievementWithStats>>,
    round_trip::<AchievementCompletion>,
    round_trip::<EventResponse>,
    round_trip::<User>,
    round_trip::<UserPreferences>,
    round_trip::<Vec<Metric>>,
    round_trip::<Metric>,
    round_trip::<Vec<EventSummaryEntry>>,
    round_trip::<Vec<UserAchievementWithStats>>,
    round_trip::<UserStreak>,
    round_trip::<Vec<BulkStreakEntry>>,
    round_trip::<UserPoints>,
    round_trip::<Vec<PointsBoost>>,
    round_trip::<UserLeaderboardWithHistory>,
    round_trip::<Wrapped>,
    round_trip::<Vec<PointsRange>>,
    round_trip::<PointsSystem>,
    round_trip::<Vec<PointsLevel>>,
    round_trip::<Vec<LevelSummaryEntry>>,
    round_trip::<Vec<Leaderboard>>,
    round_trip::<LeaderboardWithRankings>,
    error_body,
    webhook_body,
];

/// How many decoders [`decoders`] chooses from.
pub const DECODER_COUNT: usize = DECODERS.len();

/// The first byte picks a decoder (modulo [`DECODER_COUNT`]), the rest is the body.
pub fn decoders(data: &[u8]) {
    let Some((selector, body)) = data.split_first() else {
        return;
    };
    let index = usize::from(*selector)
        .checked_rem(DECODER_COUNT)
        .unwrap_or(0);
    if let Some(decode) = DECODERS.get(index) {
        decode(body);
    }
}

/// Takes `[length byte][that many bytes]` off the front of `data`.
fn take_prefixed(data: &[u8]) -> (&[u8], &[u8]) {
    let Some((length, rest)) = data.split_first() else {
        return (&[], &[]);
    };
    rest.split_at_checked(usize::from(*length))
        .unwrap_or((rest, &[]))
}

/// Splits the input into a secret, a signature header and a body (the first two prefixed by a
/// length byte), then checks that verification and parsing agree, and that the body signed
/// with [`sign_webhook`] verifies.
pub fn webhook(data: &[u8]) {
    let (secret, rest) = take_prefixed(data);
    let (header, body) = take_prefixed(rest);
    let secret = String::from_utf8_lossy(secret);
    let header = String::from_utf8_lossy(header);

    let verified = verify_webhook(body, &header, &secret);
    match parse_webhook(body, &header, &secret) {
        Ok(_) => assert_eq!(verified, Ok(())),
        Err(WebhookError::MalformedPayload { .. }) => assert_eq!(verified, Ok(())),
        Err(other) => assert_eq!(verified, Err(other)),
    }
    webhook_body(body);

    let signature = sign_webhook(body, &secret);
    let expected = if secret.is_empty() {
        Err(WebhookError::MissingSecret)
    } else {
        Ok(())
    };
    assert_eq!(verify_webhook(body, &signature, &secret), expected);
}
