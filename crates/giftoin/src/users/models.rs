//! Collection challenges ("programs"): cards, reward, duration and the user's progress.
//!
//! Giftoin marks every field of these objects optional, so every field here is an `Option` (or
//! an empty list), and fields Giftoin adds later are ignored rather than rejected.
// Programs and their counts come from the network: no indexing, no unchecked arithmetic.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use chrono::{DateTime, Utc};
use questkit_core::serde_helpers::{epoch_millis, lenient_bool, lenient_string, null_as_default};
use questkit_core::{HasProgress, LenientId, Progress};
use serde::{Deserialize, Serialize};
use std::time::Duration;

questkit_core::open_enum! {
    /// Where a collection challenge stands. Giftoin documents this as an enum but only
    /// `in_progress` has been seen; other values arrive as [`ChallengeStatus::Unknown`].
    pub enum ChallengeStatus {
        /// The challenge is running and the user has not finished it.
        InProgress => "in_progress",
    }
}

impl ChallengeStatus {
    /// Whether the status reads as finished (`completed`, `complete`, `claimed`, `finished`,
    /// `done`, in any case).
    ///
    /// These words are a guess: Giftoin's list of statuses is not public. Anything else,
    /// `expired` included, counts as not completed.
    pub fn indicates_completion(&self) -> bool {
        let raw = self.as_str().trim();
        ["completed", "complete", "claimed", "finished", "done"]
            .iter()
            .any(|word| raw.eq_ignore_ascii_case(word))
    }
}

questkit_core::open_enum! {
    /// How rare a card is. Only `rare` has been seen.
    pub enum Rarity {
        /// A rare card.
        Rare => "rare",
    }
}

questkit_core::open_enum! {
    /// How a reward's value is presented to the user. Only `QR` has been seen.
    pub enum ViewType {
        /// The value is shown as a QR code.
        Qr => "QR",
    }
}

questkit_core::open_enum! {
    /// The environment a challenge is active in. Only `production` has been seen.
    pub enum Environment {
        /// The live environment.
        Production => "production",
    }
}

/// A collection challenge (Giftoin calls it a "program"): a set of cards to collect for a reward,
/// with the user's progress.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CollectionChallenge {
    /// The program ID (`program_123`), the `{programId}` of the single-challenge call. A
    /// number is accepted too and written back as a number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<LenientId>,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// URL of the challenge's image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Description shown to users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// How many cards the collection holds in total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// The cards of the collection with the user's ownership. It may list fewer cards than
    /// [`size`](Self::size). An empty list is not serialized.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub cards: Vec<Card>,
    /// The user's completion as a percentage (0 to 100), as Giftoin computed it.
    #[serde(
        default,
        with = "crate::serde_util::whole_number::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub progress_in_percentage: Option<f64>,
    /// The environment the challenge is active in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<Environment>,
    /// When the challenge was created (epoch milliseconds on the wire).
    #[serde(
        default,
        with = "epoch_millis::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_timestamp: Option<DateTime<Utc>>,
    /// Time left until the challenge ends (whole milliseconds on the wire). Meaningless when
    /// [`ChallengeDuration::end`] is `None`. Normalised by design: a negative value (a period
    /// that already ended) reads as zero, and a numeric string is written back as a number; a
    /// fraction of a millisecond is a decode error.
    #[serde(
        default,
        with = "crate::serde_util::whole_millis::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub time_left: Option<Duration>,
    /// The reward for completing the collection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reward: Option<Reward>,
    /// Where the challenge stands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ChallengeStatus>,
    /// How many of the collection's cards the user holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected_count: Option<u64>,
    /// When the challenge starts and ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<ChallengeDuration>,
}

/// Giftoin's own name for a [`CollectionChallenge`].
pub type Program = CollectionChallenge;

/// One card of a collection and whether the user holds it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Card {
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The card ID (`card_456`). A number is accepted too and written back as a number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<LenientId>,
    /// URL of the card's image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// How many copies of the card the user holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owned_quantity: Option<u64>,
    /// Whether the user holds the card.
    #[serde(
        default,
        with = "lenient_bool::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_owned: Option<bool>,
    /// How rare the card is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rarity: Option<Rarity>,
}

impl Card {
    /// Whether the user holds the card: `isOwned` when sent, otherwise a positive
    /// `ownedQuantity`.
    pub fn owned(&self) -> bool {
        self.is_owned
            .unwrap_or_else(|| self.owned_quantity.is_some_and(|q| q > 0))
    }
}

/// The reward for completing a collection.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Reward {
    /// The reward ID. A number is accepted too and written back as a number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<LenientId>,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// URL of the reward's image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Description shown to users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether the user has claimed the reward.
    #[serde(
        default,
        with = "lenient_bool::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_claimed: Option<bool>,
    /// Whether the user may claim the reward now. Claiming happens in Giftoin's apps, not
    /// through this API.
    #[serde(
        default,
        with = "lenient_bool::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub can_claim: Option<bool>,
    /// The reward's value (a code or text). Normalised by design: a number is read as its text
    /// and written back as a string.
    #[serde(
        default,
        with = "lenient_string::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub value: Option<String>,
    /// When the reward was claimed (epoch milliseconds on the wire).
    #[serde(
        default,
        with = "epoch_millis::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub claimed_timestamp: Option<DateTime<Utc>>,
    /// How the value is presented.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view_type: Option<ViewType>,
}

/// When a challenge runs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ChallengeDuration {
    /// The start of the challenge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<DurationStart>,
    /// The end of the challenge; `None` (JSON `null`) for a challenge without an end, which is
    /// sent back as `null`.
    #[serde(default)]
    pub end: Option<DurationEnd>,
}

/// The start of a challenge.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DurationStart {
    /// The start time (epoch milliseconds on the wire).
    #[serde(
        default,
        with = "epoch_millis::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub date: Option<DateTime<Utc>>,
    /// Whether the challenge is shown before it starts.
    #[serde(
        default,
        with = "lenient_bool::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub show_before: Option<bool>,
}

/// The end of a challenge.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DurationEnd {
    /// The end time (epoch milliseconds on the wire).
    #[serde(
        default,
        with = "epoch_millis::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub date: Option<DateTime<Utc>>,
    /// Whether the challenge stays visible after it ends.
    #[serde(
        default,
        with = "lenient_bool::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub show_after: Option<bool>,
}

impl CollectionChallenge {
    /// The cards listed as not held by the user, in Giftoin's order.
    ///
    /// Only listed cards can be named; [`missing_count`](Self::missing_count) may be larger
    /// when the list is shorter than the collection.
    pub fn missing_cards(&self) -> impl Iterator<Item = &Card> {
        self.cards.iter().filter(|card| !card.owned())
    }

    /// The cards listed as held by the user.
    pub fn owned_cards(&self) -> impl Iterator<Item = &Card> {
        self.cards.iter().filter(|card| card.owned())
    }

    /// How many cards the user holds: `collectedCount`, or the held cards of the list when the
    /// count is missing.
    pub fn collected(&self) -> u64 {
        self.collected_count
            .unwrap_or_else(|| self.owned_cards().count() as u64)
    }

    /// How many cards are still missing: `size` minus collected, or the listed missing cards
    /// when `size` is unknown.
    pub fn missing_count(&self) -> u64 {
        match self.size {
            Some(size) => size.saturating_sub(self.collected()),
            None => self.missing_cards().count() as u64,
        }
    }

    /// The end of the challenge, `None` when it has none (or Giftoin did not say).
    pub fn ends_at(&self) -> Option<DateTime<Utc>> {
        self.duration
            .as_ref()
            .and_then(|d| d.end.as_ref())
            .and_then(|end| end.date)
    }

    /// The start of the challenge, when Giftoin said.
    pub fn starts_at(&self) -> Option<DateTime<Utc>> {
        self.duration
            .as_ref()
            .and_then(|d| d.start.as_ref())
            .and_then(|start| start.date)
    }

    /// Whether every card is held: the count reached a known positive size, or, with no counts,
    /// a non-empty card list (as long as the collection) is all held.
    pub fn all_cards_owned(&self) -> bool {
        match (self.size, self.collected_count) {
            (Some(size), Some(collected)) if size > 0 => collected >= size,
            (size, _) => {
                let listed = self.cards.len() as u64;
                listed > 0
                    && size.is_none_or(|size| listed >= size)
                    && self.cards.iter().all(Card::owned)
            }
        }
    }

    /// Whether the challenge is complete: every card is held or the status says so.
    pub fn is_completed(&self) -> bool {
        self.all_cards_owned()
            || self
                .status
                .as_ref()
                .is_some_and(ChallengeStatus::indicates_completion)
    }
}

impl HasProgress for CollectionChallenge {
    /// `collectedCount` out of `size`; when either is missing (or the size is zero), Giftoin's
    /// `progressInPercentage`; with neither, the held cards of the list out of the list.
    /// Completed when every card is held or the status says so.
    fn progress(&self) -> Progress {
        let size = self.size.filter(|s| *s > 0);
        let progress = match (self.collected_count, size, self.progress_in_percentage) {
            (Some(collected), Some(size), _) => Progress::new(collected as f64, Some(size as f64)),
            (_, size, Some(percentage)) => {
                Progress::new(self.collected() as f64, size.map(|s| s as f64))
                    .with_percentage(percentage)
            }
            (_, size, None) => {
                let listed = (!self.cards.is_empty()).then_some(self.cards.len() as u64);
                Progress::new(self.collected() as f64, size.or(listed).map(|s| s as f64))
            }
        };
        if self.is_completed() {
            progress.completed(true)
        } else if progress.is_completed() {
            // The numbers disagree with the card list: not done, so never a full bar.
            progress.completed(false)
        } else {
            progress
        }
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)] // A test may panic on a wrong index.
mod tests {
    use super::*;
    use serde_json::json;

    fn challenge(value: serde_json::Value) -> CollectionChallenge {
        serde_json::from_value(value).unwrap()
    }

    fn card(owned: Option<bool>, quantity: Option<u64>) -> serde_json::Value {
        let mut card = json!({"id": "c"});
        if let Some(owned) = owned {
            card["isOwned"] = json!(owned);
        }
        if let Some(quantity) = quantity {
            card["ownedQuantity"] = json!(quantity);
        }
        card
    }

    #[test]
    fn card_ownership_falls_back_to_quantity() {
        let owned = |c| serde_json::from_value::<Card>(c).unwrap().owned();
        assert!(owned(card(Some(true), None)));
        assert!(!owned(card(Some(false), Some(3))));
        assert!(owned(card(None, Some(1))));
        assert!(!owned(card(None, Some(0))));
        assert!(!owned(card(None, None)));
        assert!(owned(json!({"isOwned": 1})));
    }

    #[test]
    fn status_words_that_mean_done() {
        for done in ["completed", "COMPLETE", "claimed", "Finished", "done"] {
            assert!(ChallengeStatus::from(done).indicates_completion(), "{done}");
        }
        for open in ["in_progress", "expired", "not_started", ""] {
            assert!(
                !ChallengeStatus::from(open).indicates_completion(),
                "{open}"
            );
        }
    }

    #[test]
    fn progress_table() {
        // (payload, current, target, fraction, completed)
        let cases: Vec<(serde_json::Value, f64, Option<f64>, f64, bool)> = vec![
            (
                json!({"size": 10, "collectedCount": 3, "progressInPercentage": 99}),
                3.0,
                Some(10.0),
                0.3,
                false,
            ),
            (
                json!({"size": 4, "collectedCount": 4}),
                4.0,
                Some(4.0),
                1.0,
                true,
            ),
            (
                json!({"size": 4, "collectedCount": 9}),
                9.0,
                Some(4.0),
                1.0,
                true,
            ),
            (
                json!({"size": 0, "collectedCount": 0, "progressInPercentage": 50}),
                0.0,
                None,
                0.5,
                false,
            ),
            (
                json!({"collectedCount": 2, "progressInPercentage": 20}),
                2.0,
                None,
                0.2,
                false,
            ),
            (
                json!({"size": 5, "progressInPercentage": 40}),
                0.0,
                Some(5.0),
                0.4,
                false,
            ),
            (
                json!({"size": 5, "collectedCount": 1, "status": "completed"}),
                1.0,
                Some(5.0),
                1.0,
                true,
            ),
            (
                json!({"progressInPercentage": 100, "status": "in_progress"}),
                0.0,
                None,
                1.0,
                false,
            ),
            (
                json!({"cards": [card(Some(true), None), card(Some(false), None)]}),
                1.0,
                Some(2.0),
                0.5,
                false,
            ),
            (
                json!({"cards": [card(Some(true), None), card(None, Some(2))]}),
                2.0,
                Some(2.0),
                1.0,
                true,
            ),
            (
                json!({"size": 3, "cards": [card(Some(true), None), card(Some(true), None)]}),
                2.0,
                Some(3.0),
                2.0 / 3.0,
                false,
            ),
            // The count says done but the listed cards do not: not completed, bar short of full.
            (
                json!({"collectedCount": 2, "cards": [card(Some(true), None), card(Some(false), None)]}),
                2.0,
                Some(2.0),
                0.99,
                false,
            ),
            (json!({}), 0.0, None, 0.0, false),
        ];
        for (payload, current, target, fraction, completed) in cases {
            let text = payload.to_string();
            let progress = challenge(payload).progress();
            assert_eq!(progress.current, current, "{text}");
            assert_eq!(progress.target, target, "{text}");
            assert!(
                (progress.fraction() - fraction).abs() < 1e-9,
                "{text}: {}",
                progress.fraction()
            );
            assert_eq!(progress.is_completed(), completed, "{text}");
        }
    }

    #[test]
    fn missing_cards_and_counts() {
        let c = challenge(json!({
            "size": 5,
            "cards": [
                {"id": "a", "isOwned": true},
                {"id": "b", "isOwned": false},
                {"id": "c", "ownedQuantity": 0}
            ]
        }));
        let missing: Vec<_> = c
            .missing_cards()
            .filter_map(|c| c.id.as_ref().map(|id| id.as_str()))
            .collect();
        assert_eq!(missing, ["b", "c"]);
        assert_eq!(c.collected(), 1);
        assert_eq!(c.missing_count(), 4);
        let no_size = challenge(json!({"cards": [{"id": "a", "isOwned": false}]}));
        assert_eq!(no_size.missing_count(), 1);
    }

    #[test]
    fn hostile_values_are_errors_not_panics() {
        let negative = challenge(json!({"timeLeft": -5}));
        assert_eq!(negative.time_left, Some(Duration::ZERO));
        for payload in [
            json!({"timeLeft": 1.5e300}),
            json!({"createdTimestamp": 9_000_000_000_000_000_i64}),
            json!({"size": -1}),
            json!({"progressInPercentage": "abc"}),
            json!({"cards": "nope"}),
        ] {
            let parsed = serde_json::from_value::<CollectionChallenge>(payload.clone());
            assert!(parsed.is_err(), "{payload}");
        }
    }
}
