//! A small insertion-ordered map for JSON objects whose key order carries meaning.
//!
//! Epixel returns goals and leaderboard rows as JSON objects keyed by goal keyword or user ID,
//! and the order of those keys is the order the server meant (a ranking, the dashboard's widget
//! order). `serde_json` in this workspace sorts object keys, so the models use this type instead.
// Maps are read from the network: no indexing, no unchecked arithmetic.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use std::borrow::Borrow;
use std::fmt;
use std::marker::PhantomData;

/// A map that keeps its entries in the order they were inserted (or read from JSON).
///
/// Lookups are linear, which is the right trade for the handful of goals or leaderboard rows a
/// response holds. Inserting an existing key replaces its value in place, as JSON parsers do
/// with duplicate keys (the last one wins).
///
/// When read from JSON it accepts an object, `null` (empty) and an empty array `[]` (empty;
/// Python and PHP back ends write empty dicts that way). It is written back as a JSON object.
///
/// ```
/// use questkit_goals::OrderedMap;
///
/// let map: OrderedMap<String, u32> = serde_json::from_str(r#"{"b": 1, "a": 2}"#).unwrap();
/// let keys: Vec<&str> = map.keys().map(String::as_str).collect();
/// assert_eq!(keys, ["b", "a"]);
/// assert_eq!(map.get("a"), Some(&2));
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct OrderedMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for OrderedMap<K, V> {
    fn default() -> Self {
        OrderedMap {
            entries: Vec::new(),
        }
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for OrderedMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.entries.iter().map(|(k, v)| (k, v)))
            .finish()
    }
}

impl<K, V> OrderedMap<K, V> {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries in order, as `(key, value)` references.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&K, &V)> + DoubleEndedIterator {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &K> + DoubleEndedIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values in order.
    pub fn values(&self) -> impl ExactSizeIterator<Item = &V> + DoubleEndedIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The first entry, if any (for a leaderboard: the top row).
    pub fn first(&self) -> Option<(&K, &V)> {
        self.entries.first().map(|(k, v)| (k, v))
    }

    /// The entries as a slice of pairs.
    pub fn as_slice(&self) -> &[(K, V)] {
        &self.entries
    }

    /// The entries as a vector of pairs.
    pub fn into_vec(self) -> Vec<(K, V)> {
        self.entries
    }
}

impl<K: PartialEq, V> OrderedMap<K, V> {
    /// The value for `key`, if present.
    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: PartialEq + ?Sized,
    {
        self.entries
            .iter()
            .find(|(k, _)| k.borrow() == key)
            .map(|(_, v)| v)
    }

    /// Whether `key` is present.
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: PartialEq + ?Sized,
    {
        self.get(key).is_some()
    }

    /// Inserts at the end, or replaces the value in place when the key exists; returns the
    /// previous value.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some((_, slot)) => Some(std::mem::replace(slot, value)),
            None => {
                self.entries.push((key, value));
                None
            }
        }
    }
}

impl<K: PartialEq, V> FromIterator<(K, V)> for OrderedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut map = OrderedMap::new();
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

impl<K, V> IntoIterator for OrderedMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a OrderedMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;
    fn into_iter(self) -> Self::IntoIter {
        fn pair<K, V>((k, v): &(K, V)) -> (&K, &V) {
            (k, v)
        }
        self.entries.iter().map(pair)
    }
}

impl<K: Serialize, V: Serialize> Serialize for OrderedMap<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (k, v) in &self.entries {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

struct OrderedMapVisitor<K, V>(PhantomData<(K, V)>);

impl<'de, K, V> Visitor<'de> for OrderedMapVisitor<K, V>
where
    K: Deserialize<'de> + PartialEq,
    V: Deserialize<'de>,
{
    type Value = OrderedMap<K, V>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object, null or an empty array")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut map = OrderedMap {
            entries: Vec::with_capacity(access.size_hint().unwrap_or(0).min(256)),
        };
        while let Some((k, v)) = access.next_entry()? {
            map.insert(k, v);
        }
        Ok(map)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(OrderedMap::new())
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(OrderedMap::new())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // Only an empty array stands for an empty object; a non-empty array is a different shape.
        match seq.next_element::<de::IgnoredAny>()? {
            None => Ok(OrderedMap::new()),
            Some(_) => Err(de::Error::invalid_type(
                de::Unexpected::Seq,
                &"a JSON object (an array is accepted only when empty)",
            )),
        }
    }
}

impl<'de, K, V> Deserialize<'de> for OrderedMap<K, V>
where
    K: Deserialize<'de> + PartialEq,
    V: Deserialize<'de>,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(OrderedMapVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::OrderedMap;

    #[test]
    fn keeps_order_and_replaces_duplicates_in_place() {
        let map: OrderedMap<String, i32> =
            serde_json::from_str(r#"{"z": 1, "a": 2, "m": 3, "a": 4}"#).unwrap();
        let pairs: Vec<(&str, i32)> = map.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        assert_eq!(pairs, [("z", 1), ("a", 4), ("m", 3)]);
        assert_eq!(
            serde_json::to_string(&map).unwrap(),
            r#"{"z":1,"a":4,"m":3}"#
        );
    }

    #[test]
    fn empty_forms() {
        for raw in ["{}", "null", "[]"] {
            let map: OrderedMap<String, i32> = serde_json::from_str(raw).unwrap();
            assert!(map.is_empty(), "{raw}");
        }
        assert!(serde_json::from_str::<OrderedMap<String, i32>>("[1]").is_err());
        assert!(serde_json::from_str::<OrderedMap<String, i32>>("3").is_err());
    }

    #[test]
    fn lookups_and_iteration() {
        let mut map: OrderedMap<String, i32> = OrderedMap::new();
        assert_eq!(map.insert("b".into(), 1), None);
        assert_eq!(map.insert("a".into(), 2), None);
        assert_eq!(map.insert("b".into(), 3), Some(1));
        assert_eq!(map.get("b"), Some(&3));
        assert!(map.contains_key("a"));
        assert!(!map.contains_key("c"));
        assert_eq!(map.first(), Some((&"b".to_string(), &3)));
        let collected: OrderedMap<String, i32> = map.clone().into_iter().collect();
        assert_eq!(collected, map);
        assert_eq!(format!("{map:?}"), r#"{"b": 3, "a": 2}"#);
    }
}
