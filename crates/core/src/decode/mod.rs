//! Decoding JSON bodies into models, with the top level held to the model's shape.
//!
//! serde's derived `Deserialize` for a struct also accepts a JSON array, read by position:
//! `["m1", "words", "Words", 1500]` would become a `Metric`, and `[]` a struct whose fields
//! all have defaults. No vendor sends a model that way, so a body whose top level is an array
//! where the model is a struct is a shape error here. Nested values are left to the models
//! (some accept `[]` for an empty object, as PHP and JavaScript back ends send it); the
//! [`object`] helpers hold a nested model to the same rule where a field or list item is one.

// This module reads network input: no indexing or unchecked arithmetic that could panic on it.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

pub mod object;

use std::fmt;

use serde::de::{self, Deserializer, Visitor};

/// Decodes `bytes` as JSON into `T`, refusing a top-level array where `T` is a struct.
///
/// Use it in vendor decoders instead of `serde_json::from_slice`; [`crate::decode_json`]
/// uses it for every call.
///
/// ```
/// #[derive(serde::Deserialize, Debug)]
/// struct Metric { id: String, current: f64 }
///
/// let metric: Metric = questkit_core::decode::from_slice(br#"{"id": "m1", "current": 3}"#).unwrap();
/// assert_eq!(metric.current, 3.0);
/// let positional = questkit_core::decode::from_slice::<Metric>(br#"["m1", 3]"#).unwrap_err();
/// assert!(positional.to_string().contains("expected a JSON object"), "{positional}");
/// let list: Vec<u8> = questkit_core::decode::from_slice(b"[1, 2]").unwrap();
/// assert_eq!(list, [1, 2]);
/// ```
pub fn from_slice<'a, T: de::Deserialize<'a>>(bytes: &'a [u8]) -> serde_json::Result<T> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = T::deserialize(NoPositional(&mut de))?;
    de.end()?;
    Ok(value)
}

/// Whether the first non-whitespace byte opens an array.
pub(crate) fn starts_with_array(bytes: &[u8]) -> bool {
    bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[')
}

/// A deserializer that refuses an array where the model asks for a struct, and otherwise
/// hands every call to `inner`. It follows newtypes and `Option` one level down, so that
/// `Option<Model>` and wrappers of a model are held to the same rule; what a struct holds is
/// read as usual (use [`object`] for nested models).
pub(crate) struct NoPositional<D>(pub(crate) D);

/// Forwards the methods that take only a visitor to the inner deserializer.
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

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_newtype_struct(name, Follow(visitor))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_option(Follow(visitor))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_enum(name, variants, visitor)
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

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_unit_struct(name, visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }

    forward! {
        deserialize_any deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32
        deserialize_i64 deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32
        deserialize_u64 deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char
        deserialize_str deserialize_string deserialize_bytes deserialize_byte_buf
        deserialize_unit deserialize_seq deserialize_map deserialize_identifier
        deserialize_ignored_any
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

/// A visitor that passes the rule on to the deserializer a newtype or `Some` hands it.
struct Follow<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for Follow<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    fn visit_newtype_struct<D2: Deserializer<'de>>(self, d: D2) -> Result<V::Value, D2::Error> {
        self.0.visit_newtype_struct(NoPositional(d))
    }

    fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<V::Value, D2::Error> {
        self.0.visit_some(NoPositional(d))
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_unit()
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.0.visit_seq(seq)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(map)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<V::Value, E> {
        self.0.visit_bool(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<V::Value, E> {
        self.0.visit_i64(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<V::Value, E> {
        self.0.visit_u64(v)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<V::Value, E> {
        self.0.visit_f64(v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        self.0.visit_str(v)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<V::Value, E> {
        self.0.visit_borrowed_str(v)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<V::Value, E> {
        self.0.visit_string(v)
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    #[derive(Deserialize, Debug, PartialEq, Default)]
    #[serde(default)]
    struct AllDefault {
        a: Option<String>,
        b: Vec<u8>,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Metric {
        id: String,
        key: String,
        current: f64,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Wrapper(Metric);

    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(transparent)]
    struct Transparent {
        inner: Metric,
    }

    #[test]
    fn arrays_are_not_structs_at_the_top() {
        assert!(from_slice::<AllDefault>(b"[]").is_err());
        assert!(from_slice::<AllDefault>(b"  \n[]").is_err());
        assert!(from_slice::<Metric>(br#"["m1","words",1500]"#).is_err());
        assert!(from_slice::<Option<Metric>>(br#"["m1","words",1500]"#).is_err());
        assert!(from_slice::<Wrapper>(br#"["m1","words",1500]"#).is_err());
        assert!(from_slice::<Transparent>(br#"["m1","words",1500]"#).is_err());
        assert!(from_slice::<Box<Metric>>(br#"["m1","words",1500]"#).is_err());
        assert_eq!(from_slice::<Option<Metric>>(b"null").unwrap(), None);
        assert_eq!(
            from_slice::<AllDefault>(b"{}").unwrap(),
            AllDefault::default()
        );
        let metric = from_slice::<Metric>(br#"{"id":"m1","key":"w","current":2}"#).unwrap();
        assert_eq!(metric.current, 2.0);
    }

    #[test]
    fn lists_maps_and_scalars_are_untouched() {
        assert_eq!(from_slice::<Vec<u8>>(b"[1,2]").unwrap(), vec![1, 2]);
        assert_eq!(
            from_slice::<Vec<Metric>>(br#"[{"id":"m","key":"k","current":1}]"#)
                .unwrap()
                .len(),
            1
        );
        assert!(from_slice::<BTreeMap<String, u8>>(br#"{"a":1}"#).is_ok());
        assert_eq!(
            from_slice::<serde_json::Value>(b"[]").unwrap(),
            serde_json::json!([])
        );
        assert_eq!(from_slice::<u8>(b"7").unwrap(), 7);
        assert!(from_slice::<u8>(b"7 x").is_err(), "trailing characters");
    }
}
