//! Models inside an envelope or a list read only from JSON objects, never from arrays.
//!
//! serde's derived `Deserialize` for a struct also accepts a JSON array, read by position, so
//! `["program_123", "Winter"]` would become a [`CollectionChallenge`](crate::CollectionChallenge)
//! and `[]` an empty one. `questkit_core::decode::from_slice` refuses that at the top level of a
//! body; an envelope's `data` and the items of a list are one level down, so [`deserialize`]
//! applies the same rule to them.
// This module reads network input: no indexing, no unchecked arithmetic.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// Deserializes `T`, refusing a JSON array where `T` is a struct. Other types (lists, maps,
/// scalars, enums) are read as usual.
pub(crate) fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    T::deserialize(NoPositional(deserializer))
}

/// A `T` read with [`deserialize`], for use as a list element.
pub(crate) struct Item<T>(pub(crate) T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Item<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize(deserializer).map(Item)
    }
}

/// A list whose items are read with [`deserialize`]; `null` reads as an empty list.
pub(crate) struct List<T>(pub(crate) Vec<T>);

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
                let mut items = Vec::new();
                while let Some(Item(item)) = seq.next_element::<Item<T>>()? {
                    items.push(item);
                }
                Ok(List(items))
            }
        }

        deserializer.deserialize_option(ListVisitor(PhantomData))
    }
}

/// Hands every call to the inner deserializer, except that a struct's visitor is kept from
/// reading a sequence.
struct NoPositional<D>(D);

macro_rules! forward {
    ($($method:ident)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
                self.0.$method(visitor)
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for NoPositional<D> {
    type Error = D::Error;

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0
            .deserialize_struct(name, fields, ObjectOnly { visitor, name })
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_unit_struct(name, visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_newtype_struct(name, visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple(len, visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple_struct(name, len, visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_enum(name, variants, visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }

    forward! {
        deserialize_any deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32
        deserialize_i64 deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32
        deserialize_u64 deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char
        deserialize_str deserialize_string deserialize_bytes deserialize_byte_buf
        deserialize_option deserialize_unit deserialize_seq deserialize_map
        deserialize_identifier deserialize_ignored_any
    }
}

/// A struct's visitor that reads objects only; any other value gets the struct's own
/// "invalid type" error.
struct ObjectOnly<V> {
    visitor: V,
    name: &'static str,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for ObjectOnly<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_map(map)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, _seq: A) -> Result<V::Value, A::Error> {
        Err(de::Error::custom(format_args!(
            "expected a JSON object for `{}`, found an array",
            self.name
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug, PartialEq, Default)]
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
        let list = read::<List<Model>>(r#"[{"a":"x"},{}]"#).unwrap().0;
        assert_eq!(list.len(), 2);
        assert!(read::<List<Model>>(r#"[{"a":"x"},["y"]]"#).is_err());
        assert!(read::<List<Model>>("null").unwrap().0.is_empty());
        let message = read::<Model>("[]").unwrap_err().to_string();
        assert!(
            message.contains("expected a JSON object for `Model`"),
            "{message}"
        );
    }
}
