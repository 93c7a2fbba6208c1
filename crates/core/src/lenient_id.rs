//! [`LenientId`]: an opaque ID that a server sends as a string or as a number.
// This module reads network input: no indexing or unchecked arithmetic that could panic on it.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An opaque ID that arrives as a JSON string or number (`"id": 7` or `"id": "7"`): read as
/// text, and written back in the JSON type it came in.
///
/// A model forwarded as JSON (to a front end, a cache) keeps `7` a number and `"7"` a string.
/// Two IDs are equal when their text is: `7` and `"7"` name the same thing.
///
/// ```
/// use questkit_core::LenientId;
///
/// let id: LenientId = serde_json::from_str("7").unwrap();
/// assert_eq!(id.as_str(), "7");
/// assert_eq!(id, LenientId::from("7"));
/// assert_eq!(serde_json::to_string(&id).unwrap(), "7");
/// let text: LenientId = serde_json::from_str(r#""u-7""#).unwrap();
/// assert_eq!(serde_json::to_string(&text).unwrap(), r#""u-7""#);
/// ```
#[derive(Clone)]
pub struct LenientId {
    text: String,
    kind: Kind,
}

/// The JSON type an ID came in, so that it is written back the same way.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Text,
    Unsigned(u64),
    Signed(i64),
    Float(f64),
}

impl LenientId {
    /// The ID as text (`"7"` for the number 7).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the server sent the ID as a JSON number.
    pub fn is_number(&self) -> bool {
        !matches!(self.kind, Kind::Text)
    }

    /// The ID as an integer, when it is one (a number, or digits in a string).
    pub fn as_i64(&self) -> Option<i64> {
        match self.kind {
            Kind::Signed(v) => Some(v),
            Kind::Unsigned(v) => i64::try_from(v).ok(),
            Kind::Text | Kind::Float(_) => self.text.trim().parse().ok(),
        }
    }

    /// The text, owned.
    pub fn into_string(self) -> String {
        self.text
    }
}

impl PartialEq for LenientId {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for LenientId {}

impl std::hash::Hash for LenientId {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

impl PartialEq<str> for LenientId {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

impl PartialEq<&str> for LenientId {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

impl fmt::Debug for LenientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            Kind::Text => fmt::Debug::fmt(&self.text, f),
            _ => f.write_str(&self.text),
        }
    }
}

impl fmt::Display for LenientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The text, so that `id.len()`, `&*id` and `Option<LenientId>::as_deref()` work as on a
/// `String`.
impl std::ops::Deref for LenientId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

impl std::borrow::Borrow<str> for LenientId {
    fn borrow(&self) -> &str {
        &self.text
    }
}

impl AsRef<str> for LenientId {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

/// A text ID (written as a JSON string).
impl From<&str> for LenientId {
    fn from(text: &str) -> Self {
        LenientId::from(text.to_owned())
    }
}

/// A text ID (written as a JSON string).
impl From<String> for LenientId {
    fn from(text: String) -> Self {
        LenientId {
            text,
            kind: Kind::Text,
        }
    }
}

/// A numeric ID (written as a JSON number).
impl From<u64> for LenientId {
    fn from(value: u64) -> Self {
        LenientId {
            text: value.to_string(),
            kind: Kind::Unsigned(value),
        }
    }
}

/// A numeric ID (written as a JSON number).
impl From<i64> for LenientId {
    fn from(value: i64) -> Self {
        LenientId {
            text: value.to_string(),
            kind: Kind::Signed(value),
        }
    }
}

impl Serialize for LenientId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.kind {
            Kind::Text => serializer.serialize_str(&self.text),
            Kind::Unsigned(v) => serializer.serialize_u64(v),
            Kind::Signed(v) => serializer.serialize_i64(v),
            Kind::Float(v) => serializer.serialize_f64(v),
        }
    }
}

impl<'de> Deserialize<'de> for LenientId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IdVisitor;

        impl Visitor<'_> for IdVisitor {
            type Value = LenientId;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an ID as a string or a number")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<LenientId, E> {
                Ok(LenientId::from(v))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<LenientId, E> {
                Ok(LenientId::from(v))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<LenientId, E> {
                Ok(LenientId::from(v))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<LenientId, E> {
                Ok(LenientId::from(v))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<LenientId, E> {
                Ok(LenientId {
                    text: v.to_string(),
                    kind: Kind::Float(v),
                })
            }
        }

        deserializer.deserialize_any(IdVisitor)
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    #[test]
    fn keeps_the_json_type() {
        for raw in [
            json!(7),
            json!(-3),
            json!("7"),
            json!("u-1"),
            json!(1.5),
            json!(u64::MAX),
        ] {
            let id: LenientId = serde_json::from_value(raw.clone()).unwrap();
            assert_eq!(serde_json::to_value(&id).unwrap(), raw);
            let shown = match &raw {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            assert_eq!(id.as_str(), shown);
            assert_eq!(id.is_number(), raw.is_number());
        }
        let n: LenientId = serde_json::from_value(json!(7)).unwrap();
        assert_eq!(n, LenientId::from("7"));
        assert_eq!(n.as_i64(), Some(7));
        assert_eq!(LenientId::from("x").as_i64(), None);
        assert_eq!(format!("{n:?} {:?}", LenientId::from("7")), r#"7 "7""#);
        assert!(serde_json::from_value::<LenientId>(json!(null)).is_err());
        assert!(serde_json::from_value::<LenientId>(json!([1])).is_err());
    }
}
