//! Event vocabulary and the custom-event request and response.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

questkit_core::open_enum! {
    /// The broad kind of a platform event.
    ///
    /// `achievement` and `action` are documented; `challenge`, `reward`, `streak` and `shop` are
    /// inferred from the event catalogue's sub-categories.
    pub enum EventCategory {
        /// Achievement events.
        Achievement => "achievement",
        /// Action (quiz, poll, ...) events.
        Action => "action",
        /// Challenge events.
        Challenge => "challenge",
        /// Reward events.
        Reward => "reward",
        /// Streak events.
        Streak => "streak",
        /// Shop events.
        Shop => "shop",
    }
}

questkit_core::open_enum! {
    /// The precise kind of a platform event (names from Nudj's event catalogue).
    pub enum EventSubCategory {
        /// An achievement was completed.
        AchievementCompletion => "achievement-completion",
        /// A user took part in an action.
        ActionParticipation => "action-participation",
        /// A challenge was started.
        ChallengeStarted => "challenge-started",
        /// A challenge was completed.
        ChallengeCompletion => "challenge-completion",
        /// A reward was distributed.
        RewardDistribution => "reward-distribution",
        /// A reward was claimed.
        RewardClaim => "reward-claim",
        /// A reward was redeemed.
        RewardRedemption => "reward-redemption",
        /// Something was bought in the shop.
        ShopPurchase => "shop-purchase",
        /// A post was liked.
        PostLike => "post-like",
        /// A post was commented on.
        PostComment => "post-comment",
        /// A streak was extended.
        StreakExtended => "streak-extended",
    }
}

/// A custom event to record for a user (`POST /api/v2/admin/events/custom`).
///
/// Custom events are what achievement queries count and sum: a sum criterion adds up one key
/// of the event's `payload`.
///
/// ```
/// use questkit_nudj::CustomEvent;
///
/// let event = CustomEvent::new("purchase", "user-42")
///     .attribute("amount", 25)
///     .auto_create_user(true);
/// let json = serde_json::to_value(&event).unwrap();
/// assert_eq!(json["payload"]["amount"], 25);
/// assert!(json.get("communityId").is_none());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CustomEvent {
    /// The event name achievement queries match on.
    pub event_name: String,
    /// Key/value pairs stored with the event (always sent, `{}` when empty).
    #[serde(default)]
    pub payload: Map<String, Value>,
    /// The Nudj id or your own (external) id of the user.
    pub user_id: String,
    /// The community the event belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub community_id: Option<String>,
    /// Whether Nudj creates the user when the id is unknown (server default: false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_create_user: Option<bool>,
}

impl CustomEvent {
    /// An event with an empty payload.
    pub fn new(event_name: impl Into<String>, user_id: impl Into<String>) -> Self {
        CustomEvent {
            event_name: event_name.into(),
            payload: Map::new(),
            user_id: user_id.into(),
            community_id: None,
            auto_create_user: None,
        }
    }

    /// Sets one payload key (a sum criterion's `attribute` reads it).
    pub fn attribute(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.payload.insert(key.into(), value.into());
        self
    }

    /// Replaces the whole payload.
    pub fn payload(mut self, payload: Map<String, Value>) -> Self {
        self.payload = payload;
        self
    }

    /// Records the event in a community.
    pub fn community_id(mut self, community_id: impl Into<String>) -> Self {
        self.community_id = Some(community_id.into());
        self
    }

    /// Asks Nudj to create the user when the id is unknown.
    pub fn auto_create_user(mut self, auto_create: bool) -> Self {
        self.auto_create_user = Some(auto_create);
        self
    }
}

/// Nudj's answer to a recorded custom event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CustomEventReceipt {
    /// The recorded event name.
    #[serde(default)]
    pub name: Option<String>,
    /// The user's Nudj id.
    #[serde(default)]
    pub user_id: Option<String>,
    /// The user's external id, when one was given.
    #[serde(default)]
    pub external_user_id: Option<String>,
}
