//! The order body sent to a reseller campaign and the order Giftoin creates.
// Created orders and metadata are read from the network: no indexing, no unchecked arithmetic.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use questkit_core::LenientId;
use questkit_core::serde_helpers::{lenient_string, null_as_default};
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

use crate::platform::Platform;

/// The most metadata pairs Giftoin stores with an order.
pub const MAX_METADATA_PAIRS: usize = 10;

/// An order for a reseller campaign: who receives it and, depending on the campaign, which
/// points or how much cashback.
///
/// The campaign decides what kind of order it is (points, collectibles, random collectibles,
/// cashback); the body is the same shape for all of them. Build it with [`Order::new`] and the
/// setters; [`Order::validate`] runs before the client sends it.
///
/// ```
/// use questkit_giftoin::{Order, Platform};
///
/// let order = Order::new(["player@example.com"])
///     .third_party_user_id(Platform::Discord, "123456789012345678")
///     .title("Daily login reward")
///     .points("point_789", 100)
///     .metadata("source", "daily_login");
/// assert!(order.validate().is_ok());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Order {
    /// E-mail addresses of the recipients (required, at least one).
    #[serde(default, deserialize_with = "null_as_default")]
    pub contacts: Vec<String>,
    /// Recipients identified by their platform account.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub third_party_user_ids: Vec<ThirdPartyUserId>,
    /// A title for the order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// A description of the order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The items to send (points orders).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<OrderItems>,
    /// Up to [`MAX_METADATA_PAIRS`] key-value pairs stored with the order, in insertion order.
    #[serde(default, skip_serializing_if = "Metadata::is_empty")]
    pub metadata: Metadata,
    /// Cashback amounts (dynamic cashback campaigns only).
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub coins: Vec<Coin>,
}

impl Order {
    /// An order for the given recipient e-mail addresses.
    pub fn new<I, S>(contacts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Order {
            contacts: contacts.into_iter().map(Into::into).collect(),
            ..Order::default()
        }
    }

    /// Adds a recipient e-mail address.
    pub fn contact(mut self, email: impl Into<String>) -> Self {
        self.contacts.push(email.into());
        self
    }

    /// Adds a recipient identified by a platform account (`discord`, `123456789012345678`).
    pub fn third_party_user_id(
        mut self,
        platform: impl Into<Platform>,
        id: impl Into<LenientId>,
    ) -> Self {
        self.third_party_user_ids
            .push(ThirdPartyUserId::new(platform, id));
        self
    }

    /// Sets the title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Adds a quantity of a points item (`items.points`).
    pub fn points(mut self, id: impl Into<LenientId>, quantity: u64) -> Self {
        self.items
            .get_or_insert_with(OrderItems::default)
            .points
            .push(PointsItem::new(id, quantity));
        self
    }

    /// Sets a metadata pair, replacing the value of an existing key. More than
    /// [`MAX_METADATA_PAIRS`] pairs fail [`validate`](Self::validate).
    pub fn metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.insert(key, value);
        self
    }

    /// Adds a cashback amount in US dollars for a coin (dynamic cashback campaigns).
    pub fn coin(mut self, id: impl Into<CoinId>, value_in_usd: f64) -> Self {
        self.coins.push(Coin::new(id, value_in_usd));
        self
    }

    /// Checks what Giftoin would reject, before anything is sent: at least one non-blank
    /// contact, at most [`MAX_METADATA_PAIRS`] metadata pairs with non-blank keys, non-blank
    /// item and user IDs, and finite, non-negative cashback amounts.
    pub fn validate(&self) -> Result<(), OrderValidationError> {
        if self.contacts.is_empty() {
            return Err(OrderValidationError::NoContacts);
        }
        if let Some(index) = self.contacts.iter().position(|c| c.trim().is_empty()) {
            return Err(OrderValidationError::BlankContact { index });
        }
        if self.metadata.len() > MAX_METADATA_PAIRS {
            return Err(OrderValidationError::TooMuchMetadata {
                pairs: self.metadata.len(),
            });
        }
        if self.metadata.iter().any(|(key, _)| key.trim().is_empty()) {
            return Err(OrderValidationError::BlankMetadataKey);
        }
        if let Some(index) = self
            .third_party_user_ids
            .iter()
            .position(|u| u.id.as_str().trim().is_empty() || u.kind.as_str().trim().is_empty())
        {
            return Err(OrderValidationError::BlankThirdPartyUserId { index });
        }
        let points = self
            .items
            .as_ref()
            .map(|i| i.points.as_slice())
            .unwrap_or(&[]);
        if let Some(index) = points.iter().position(|p| p.id.as_str().trim().is_empty()) {
            return Err(OrderValidationError::BlankItemId { index });
        }
        if let Some(index) = self
            .coins
            .iter()
            .position(|c| !c.value_in_usd.is_finite() || c.value_in_usd < 0.0)
        {
            return Err(OrderValidationError::InvalidCoinValue { index });
        }
        Ok(())
    }
}

/// Why an [`Order`] cannot be sent.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OrderValidationError {
    /// `contacts` is required and must name at least one recipient.
    #[error("order has no contacts; at least one recipient e-mail is required")]
    NoContacts,
    /// A contact is empty or blank.
    #[error("order contact #{index} is blank")]
    BlankContact {
        /// Position of the blank contact.
        index: usize,
    },
    /// More metadata pairs than Giftoin stores.
    #[error("order has {pairs} metadata pairs; at most 10 are allowed")]
    TooMuchMetadata {
        /// How many pairs the order has.
        pairs: usize,
    },
    /// A metadata key is empty or blank.
    #[error("order metadata has a blank key")]
    BlankMetadataKey,
    /// A third-party user ID or its platform is blank.
    #[error("order third-party user ID #{index} is blank")]
    BlankThirdPartyUserId {
        /// Position of the blank entry.
        index: usize,
    },
    /// A points item has a blank ID.
    #[error("order points item #{index} has a blank ID")]
    BlankItemId {
        /// Position of the item.
        index: usize,
    },
    /// A cashback amount is negative, infinite or NaN.
    #[error("order coin #{index} has an invalid USD value")]
    InvalidCoinValue {
        /// Position of the coin.
        index: usize,
    },
}

/// A recipient identified by a platform account: `{"type": "discord", "id": "..."}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ThirdPartyUserId {
    /// The platform of the account (`type` on the wire).
    #[serde(rename = "type")]
    pub kind: Platform,
    /// The user's ID on that platform (a string or a number, sent in the JSON type it has).
    pub id: LenientId,
}

impl ThirdPartyUserId {
    /// A platform account (`"123456789012345678"`, or a number to send a JSON number).
    pub fn new(platform: impl Into<Platform>, id: impl Into<LenientId>) -> Self {
        ThirdPartyUserId {
            kind: platform.into(),
            id: id.into(),
        }
    }
}

/// The items of an order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OrderItems {
    /// Points to send.
    #[serde(default, deserialize_with = "null_as_default")]
    pub points: Vec<PointsItem>,
}

/// A quantity of one points item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PointsItem {
    /// The points item ID (`point_789`; a number is sent as a JSON number).
    pub id: LenientId,
    /// How many points.
    pub quantity: u64,
}

impl PointsItem {
    /// A quantity of a points item.
    pub fn new(id: impl Into<LenientId>, quantity: u64) -> Self {
        PointsItem {
            id: id.into(),
            quantity,
        }
    }
}

/// A cashback amount for one coin: `{"id": 1, "valueInUSD": 1}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Coin {
    /// The coin ID.
    pub id: CoinId,
    /// The amount in US dollars.
    #[serde(rename = "valueInUSD", with = "crate::serde_util::whole_number")]
    pub value_in_usd: f64,
}

impl Coin {
    /// A cashback amount for a coin.
    pub fn new(id: impl Into<CoinId>, value_in_usd: f64) -> Self {
        Coin {
            id: id.into(),
            value_in_usd,
        }
    }
}

/// A coin ID: Giftoin's example uses a number; a string is kept as a string.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CoinId {
    /// A numeric ID, sent as a JSON number.
    Number(u64),
    /// Any other ID, sent as a JSON string.
    Text(String),
}

impl From<u64> for CoinId {
    fn from(id: u64) -> Self {
        CoinId::Number(id)
    }
}

impl From<&str> for CoinId {
    fn from(id: &str) -> Self {
        CoinId::Text(id.to_owned())
    }
}

impl From<String> for CoinId {
    fn from(id: String) -> Self {
        CoinId::Text(id)
    }
}

impl fmt::Display for CoinId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CoinId::Number(n) => write!(f, "{n}"),
            CoinId::Text(s) => f.write_str(s),
        }
    }
}

/// Order metadata: string pairs kept in the order they were set (and read).
///
/// Serialized as a JSON object. Setting an existing key replaces its value in place.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Metadata(Vec<(String, String)>);

impl Metadata {
    /// Empty metadata.
    pub fn new() -> Self {
        Metadata::default()
    }

    /// Sets a pair; an existing key keeps its position and gets the new value.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<String>) {
        let key = key.into();
        let value = value.into();
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(pair) => pair.1 = value,
            None => self.0.push((key, value)),
        }
    }

    /// The value of a key.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// How many pairs there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Metadata {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut metadata = Metadata::new();
        for (k, v) in iter {
            metadata.insert(k, v);
        }
        metadata
    }
}

impl Serialize for Metadata {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

struct MetadataVisitor;

impl<'de> Visitor<'de> for MetadataVisitor {
    type Value = Metadata;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of metadata pairs")
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Metadata, E> {
        Ok(Metadata::new())
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Metadata, E> {
        Ok(Metadata::new())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Metadata, D::Error> {
        d.deserialize_map(self)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Metadata, A::Error> {
        #[derive(Deserialize)]
        struct Value(#[serde(with = "lenient_string")] String);

        let mut metadata = Metadata::new();
        while let Some((key, Value(value))) = access.next_entry::<String, Value>()? {
            metadata.insert(key, value);
        }
        Ok(metadata)
    }
}

impl<'de> Deserialize<'de> for Metadata {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_option(MetadataVisitor)
    }
}

questkit_core::open_enum! {
    /// The state of an order. Only `created` has been seen.
    pub enum OrderStatus {
        /// The order was accepted and created.
        Created => "created",
    }
}

/// What Giftoin answers when it creates an order (HTTP 201).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OrderCreated {
    /// The new order's ID (`order_12345`; a number is written back as a number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<LenientId>,
    /// The order's state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<OrderStatus>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn builder_serializes_only_what_was_set() {
        let order = Order::new(["a@example.com"]);
        assert_eq!(
            serde_json::to_value(&order).unwrap(),
            json!({"contacts": ["a@example.com"]})
        );
        let order = order
            .contact("b@example.com")
            .third_party_user_id("roblox", "42")
            .description("d")
            .points("p1", 5)
            .points("p2", 7)
            .metadata("z", "1")
            .metadata("a", "2")
            .metadata("z", "3")
            .coin(1, 1.0)
            .coin("gold", 2.5);
        assert_eq!(
            serde_json::to_string(&order).unwrap(),
            r#"{"contacts":["a@example.com","b@example.com"],"thirdPartyUserIds":[{"type":"roblox","id":"42"}],"description":"d","items":{"points":[{"id":"p1","quantity":5},{"id":"p2","quantity":7}]},"metadata":{"z":"3","a":"2"},"coins":[{"id":1,"valueInUSD":1},{"id":"gold","valueInUSD":2.5}]}"#
        );
        assert_eq!(order.metadata.get("z"), Some("3"));
        assert_eq!(order.metadata.get("missing"), None);
        assert!(order.validate().is_ok());
    }

    #[test]
    fn validation_table() {
        let ok = || Order::new(["a@example.com"]);
        let too_much: Order = (0..11).fold(ok(), |o, i| o.metadata(format!("k{i}"), "v"));
        let ten: Order = (0..10).fold(ok(), |o, i| o.metadata(format!("k{i}"), "v"));
        let cases: Vec<(Order, Result<(), OrderValidationError>)> = vec![
            (ok(), Ok(())),
            (ten, Ok(())),
            (
                Order::new(Vec::<String>::new()),
                Err(OrderValidationError::NoContacts),
            ),
            (
                ok().contact("  "),
                Err(OrderValidationError::BlankContact { index: 1 }),
            ),
            (
                too_much,
                Err(OrderValidationError::TooMuchMetadata { pairs: 11 }),
            ),
            (
                ok().metadata(" ", "v"),
                Err(OrderValidationError::BlankMetadataKey),
            ),
            (
                ok().third_party_user_id(Platform::Discord, ""),
                Err(OrderValidationError::BlankThirdPartyUserId { index: 0 }),
            ),
            (
                ok().points("", 1),
                Err(OrderValidationError::BlankItemId { index: 0 }),
            ),
            (
                ok().coin(1, 1.0).coin(2, f64::NAN),
                Err(OrderValidationError::InvalidCoinValue { index: 1 }),
            ),
            (
                ok().coin(1, -1.0),
                Err(OrderValidationError::InvalidCoinValue { index: 0 }),
            ),
        ];
        for (order, expected) in cases {
            assert_eq!(order.validate(), expected, "{order:?}");
        }
        assert!(
            OrderValidationError::TooMuchMetadata { pairs: 11 }
                .to_string()
                .contains("11")
        );
    }

    #[test]
    fn metadata_keeps_wire_order_and_reads_numbers() {
        let m: Metadata = serde_json::from_str(r#"{"b":"1","a":2,"c":"x"}"#).unwrap();
        let keys: Vec<_> = m.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["b", "a", "c"]);
        assert_eq!(m.get("a"), Some("2"));
        assert!(serde_json::from_str::<Metadata>("null").unwrap().is_empty());
        assert!(serde_json::from_str::<Metadata>("[1]").is_err());
        let collected: Metadata = [("x", "1"), ("y", "2")].into_iter().collect();
        assert_eq!(collected.len(), 2);
    }
}
