//! Nested models read only from JSON objects: the top-level rule of [`super::from_slice`] for
//! a field, an `Option` or the items of a list.
//!
//! serde's derived `Deserialize` for a struct accepts a JSON array by position, so
//! `{"data": []}` would give an all-default model and `[["m1", "org"]]` a list of one. Use:
//!
//! - `#[serde(deserialize_with = "questkit_core::decode::object::deserialize")]` on a model
//!   field, or `... object::option` on an `Option<Model>` field (`null` is `None`);
//! - [`List<T>`] for a list of models (`null` reads as empty), or [`Item<T>`] as the element
//!   type of your own collection.
//!
//! ```
//! use questkit_core::decode::object::{self, List};
//!
//! #[derive(serde::Deserialize, Debug)]
//! struct Goal { id: String }
//!
//! #[derive(serde::Deserialize, Debug)]
//! struct Page {
//!     #[serde(deserialize_with = "object::option", default)]
//!     first: Option<Goal>,
//!     items: List<Goal>,
//! }
//!
//! let page: Page = serde_json::from_str(r#"{"first": {"id": "a"}, "items": [{"id": "b"}]}"#).unwrap();
//! assert_eq!(page.items.len(), 1);
//! assert!(serde_json::from_str::<Page>(r#"{"items": [["b"]]}"#).is_err());
//! assert!(serde_json::from_str::<Page>(r#"{"first": [], "items": null}"#).is_err());
//! ```

use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::{Serialize, Serializer};

use super::NoPositional;

/// Deserializes `T`, refusing a JSON array where `T` is a struct. Other types (lists, maps,
/// scalars, enums) are read as usual.
pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    T::deserialize(NoPositional(deserializer))
}

/// `Option<T>` with `T` read by [`deserialize`]: `null` is `None` (and so is a missing field
/// with `#[serde(default)]`).
pub fn option<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    Ok(Option::<Item<T>>::deserialize(deserializer)?.map(|Item(value)| value))
}

/// A `T` read with [`deserialize`], for use as the element of a collection.
#[derive(Clone, Debug, PartialEq)]
pub struct Item<T>(pub T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Item<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize(deserializer).map(Item)
    }
}

impl<T: Serialize> Serialize for Item<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

/// A list of models, each read with [`deserialize`]; `null` reads as an empty list. Derefs to
/// the `Vec`, and serializes as the list.
#[derive(Clone, Debug, PartialEq)]
pub struct List<T>(pub Vec<T>);

impl<T> Default for List<T> {
    fn default() -> Self {
        List(Vec::new())
    }
}

impl<T> Deref for List<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

impl<T> From<List<T>> for Vec<T> {
    fn from(list: List<T>) -> Vec<T> {
        list.0
    }
}

impl<T: Serialize> Serialize for List<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for ListVisitor<T> {
            type Value = List<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list or null")
            }

            fn visit_none<E: de::Error>(self) -> Result<List<T>, E> {
                Ok(List(Vec::new()))
            }

            fn visit_unit<E: de::Error>(self) -> Result<List<T>, E> {
                Ok(List(Vec::new()))
            }

            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<List<T>, D::Error> {
                d.deserialize_seq(self)
            }

            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<List<T>, A::Error> {
                // A server's size hint is not trusted beyond a modest preallocation.
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
                while let Some(Item(item)) = seq.next_element::<Item<T>>()? {
                    items.push(item);
                }
                Ok(List(items))
            }
        }

        deserializer.deserialize_option(ListVisitor(PhantomData))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, PartialEq, Default)]
    #[serde(default)]
    struct Model {
        a: Option<String>,
        b: Vec<u8>,
    }

    fn read<T: for<'de> Deserialize<'de>>(json: &str) -> serde_json::Result<T> {
        deserialize(&mut serde_json::Deserializer::from_str(json))
    }

    #[test]
    fn structs_come_from_objects_only() {
        assert!(read::<Model>("[]").is_err());
        assert!(read::<Model>(r#"["x", [1]]"#).is_err());
        assert_eq!(
            read::<Model>(r#"{"a":"x"}"#).unwrap().a.as_deref(),
            Some("x")
        );
        assert!(read::<Model>("3").is_err());
        assert_eq!(read::<Vec<u8>>("[1, 2]").unwrap(), [1, 2]);
        assert_eq!(read::<Option<u8>>("null").unwrap(), None);
        let list = read::<List<Model>>(r#"[{"a":"x"},{}]"#).unwrap();
        assert_eq!(list.len(), 2);
        assert!(read::<List<Model>>(r#"[{"a":"x"},["y"]]"#).is_err());
        assert!(read::<List<Model>>("null").unwrap().is_empty());
        let some = |json: &str| option::<_, Model>(&mut serde_json::Deserializer::from_str(json));
        assert_eq!(some("null").unwrap(), None);
        assert!(some("{}").unwrap().is_some());
        assert!(some("[]").is_err());
        let message = read::<Model>("[]").unwrap_err().to_string();
        assert!(
            message.contains("expected a JSON object for `Model`"),
            "{message}"
        );
        let json = serde_json::to_string(&List(vec![Item(1), Item(2)])).unwrap();
        assert_eq!(json, "[1,2]");
    }
}
