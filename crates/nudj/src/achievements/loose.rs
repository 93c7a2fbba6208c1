//! A JSON value as read, for the criteria tree: its strings borrowed from the body where they
//! can be, its objects kept as lists of entries.
//!
//! A criteria node is read once into a [`Loose`] value, then typed, or kept verbatim as a
//! `serde_json::Value` when it does not fit. Building a `Value` for every node first would
//! allocate every key and string and a map per object, only to copy them again.
// Values come from the network: no indexing, no unchecked arithmetic.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// A JSON value read without building a `serde_json::Value`.
#[derive(Debug)]
pub(crate) enum Loose<'de> {
    Null,
    Bool(bool),
    Number(Number),
    Str(Cow<'de, str>),
    Seq(Vec<Loose<'de>>),
    /// The entries in the order read; a repeated key counts once, with its last value (as in
    /// a `serde_json::Map`).
    Map(Vec<(Cow<'de, str>, Loose<'de>)>),
}

impl<'de> Loose<'de> {
    /// The value of `key`, when this is an object that has it.
    pub(crate) fn get(&self, key: &str) -> Option<&Loose<'de>> {
        match self {
            Loose::Map(entries) => entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value of `key`, for moving it out, when this is an object that has it.
    pub(crate) fn get_mut(&mut self, key: &str) -> Option<&mut Loose<'de>> {
        match self {
            Loose::Map(entries) => entries
                .iter_mut()
                .rev()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v),
            _ => None,
        }
    }

    pub(crate) fn is_map(&self) -> bool {
        matches!(self, Loose::Map(_))
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Loose::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The value as `serde_json` would have read it.
    pub(crate) fn into_value(self) -> Value {
        match self {
            Loose::Null => Value::Null,
            Loose::Bool(b) => Value::Bool(b),
            Loose::Number(n) => Value::Number(n),
            Loose::Str(s) => Value::String(s.into_owned()),
            Loose::Seq(items) => Value::Array(items.into_iter().map(Loose::into_value).collect()),
            Loose::Map(entries) => {
                let mut map = Map::new();
                for (key, value) in entries {
                    map.insert(key.into_owned(), value.into_value());
                }
                Value::Object(map)
            }
        }
    }
}

impl From<Value> for Loose<'static> {
    fn from(value: Value) -> Self {
        match value {
            Value::Null => Loose::Null,
            Value::Bool(b) => Loose::Bool(b),
            Value::Number(n) => Loose::Number(n),
            Value::String(s) => Loose::Str(Cow::Owned(s)),
            Value::Array(items) => Loose::Seq(items.into_iter().map(Loose::from).collect()),
            Value::Object(map) => Loose::Map(
                map.into_iter()
                    .map(|(k, v)| (Cow::Owned(k), Loose::from(v)))
                    .collect(),
            ),
        }
    }
}

impl<'de> Deserialize<'de> for Loose<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LooseVisitor)
    }
}

struct LooseVisitor;

impl<'de> Visitor<'de> for LooseVisitor {
    type Value = Loose<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Loose<'de>, E> {
        Ok(Loose::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Loose<'de>, E> {
        Ok(Loose::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Loose<'de>, D::Error> {
        Loose::deserialize(d)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Loose<'de>, E> {
        Ok(Loose::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Loose<'de>, E> {
        Ok(Loose::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Loose<'de>, E> {
        Ok(Loose::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Loose<'de>, E> {
        // As `serde_json::Value` does: a float JSON cannot hold is null.
        Ok(Number::from_f64(v).map_or(Loose::Null, Loose::Number))
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Loose<'de>, E> {
        Ok(Loose::Str(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Loose<'de>, E> {
        Ok(Loose::Str(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Loose<'de>, E> {
        Ok(Loose::Str(Cow::Owned(v)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Loose<'de>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Loose::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Loose<'de>, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
        while let Some(Key(key)) = map.next_key()? {
            entries.push((key, map.next_value()?));
        }
        Ok(Loose::Map(entries))
    }
}

/// An object key, borrowed from the body when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }

            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_any_json_as_serde_json_does() {
        let text = r#"{"b": [1, -2, 2.5, "x\"y", null, true], "a": {"k": {}}, "b": {"last": 1}}"#;
        let loose: Loose<'_> = serde_json::from_str(text).unwrap();
        assert!(loose.get("b").and_then(|b| b.get("last")).is_some());
        let value: Value = serde_json::from_str(text).unwrap();
        assert_eq!(loose.into_value(), value);
        let from_value = Loose::from(json!({"z": [1, {"y": "s"}]}));
        assert_eq!(from_value.into_value(), json!({"z": [1, {"y": "s"}]}));
    }
}
