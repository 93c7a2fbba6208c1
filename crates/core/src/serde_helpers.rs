//! Field helpers for payloads that are looser than their documentation.
//!
//! Use them with serde's field attributes; every `option` variant wants `#[serde(default)]` too,
//! so that a missing field is `None`:
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use questkit_core::serde_helpers::{lenient_f64, null_as_default};
//!
//! #[derive(Deserialize, Serialize, Debug, PartialEq)]
//! struct Goal {
//!     #[serde(default, with = "lenient_f64::option")]
//!     current: Option<f64>,
//!     #[serde(default, deserialize_with = "null_as_default")]
//!     tags: Vec<String>,
//! }
//!
//! let goal: Goal = serde_json::from_str(r#"{"current": "12.5", "tags": null}"#).unwrap();
//! assert_eq!(goal, Goal { current: Some(12.5), tags: vec![] });
//! ```
// This module reads network input: no indexing or unchecked arithmetic that could panic on it.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use serde::{Deserialize, Deserializer};

/// Reads `null` as the type's default (an empty list, an empty map, zero).
///
/// Use with `#[serde(default, deserialize_with = "questkit_core::serde_helpers::null_as_default")]`.
pub fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A JSON number or a string holding one, read as `f64` and written back as a number.
pub mod lenient_f64 {
    use serde::de::{self, Visitor};
    use serde::{Deserializer, Serializer};
    use std::fmt;

    struct F64Visitor;

    impl Visitor<'_> for F64Visitor {
        type Value = f64;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a number or a numeric string")
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
            Ok(v)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
            Ok(v as f64)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
            Ok(v as f64)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
            parse_number(v).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
        }
    }

    /// Parses a numeric string such as `"12.5"`, `" 3 "`, `"1,250.00"` or `"40%"`.
    pub(crate) fn parse_number(raw: &str) -> Option<f64> {
        let trimmed = raw.trim().trim_end_matches('%').trim();
        let cleaned: String = trimmed.chars().filter(|c| *c != ',' && *c != '_').collect();
        cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
    }

    /// Deserializes a number or numeric string.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
        deserializer.deserialize_any(F64Visitor)
    }

    /// Serializes as a JSON number.
    pub fn serialize<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(*value)
    }

    /// The same for `Option<f64>`: `null`, `""` and a missing field are `None`.
    pub mod option {
        use super::F64Visitor;
        use serde::de::{self, Visitor};
        use serde::{Deserializer, Serializer};
        use std::fmt;

        struct OptVisitor;

        impl<'de> Visitor<'de> for OptVisitor {
            type Value = Option<f64>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number, a numeric string or null")
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_any(self)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Some(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Some(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Some(v as f64))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                if v.trim().is_empty() {
                    return Ok(None);
                }
                F64Visitor.visit_str(v).map(Some)
            }
        }

        /// Deserializes an optional number or numeric string.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
            d.deserialize_option(OptVisitor)
        }

        /// Serializes as a JSON number or `null`.
        pub fn serialize<S: Serializer>(value: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
            match value {
                Some(v) => s.serialize_f64(*v),
                None => s.serialize_none(),
            }
        }
    }
}

/// A JSON string or number read as a `String` (IDs that arrive either way), written as a string.
pub mod lenient_string {
    use serde::de::{self, Visitor};
    use serde::{Deserializer, Serializer};
    use std::fmt;

    struct StrVisitor;

    impl Visitor<'_> for StrVisitor {
        type Value = String;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string or a number")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
            Ok(v)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
            Ok(v.to_string())
        }
    }

    /// Deserializes a string or number.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(StrVisitor)
    }

    /// Serializes as a JSON string.
    pub fn serialize<S: Serializer>(value: &str, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(value)
    }

    /// The same for `Option<String>`.
    pub mod option {
        use serde::{Deserialize, Deserializer, Serializer};

        #[derive(Deserialize)]
        struct Wrapped(#[serde(with = "super")] String);

        /// Deserializes an optional string or number.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
            Ok(Option::<Wrapped>::deserialize(d)?.map(|w| w.0))
        }

        /// Serializes as a JSON string or `null`.
        pub fn serialize<S: Serializer>(value: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
            match value {
                Some(v) => s.serialize_str(v),
                None => s.serialize_none(),
            }
        }
    }
}

/// `true`/`false`, `1`/`0` or their string forms read as `bool`, written as a JSON bool.
pub mod lenient_bool {
    use serde::de::{self, Visitor};
    use serde::{Deserializer, Serializer};
    use std::fmt;

    struct BoolVisitor;

    impl Visitor<'_> for BoolVisitor {
        type Value = bool;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a boolean, 0/1, or \"true\"/\"false\"")
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
            Ok(v)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
            match v {
                0 => Ok(false),
                1 => Ok(true),
                _ => Err(E::invalid_value(de::Unexpected::Signed(v), &self)),
            }
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
            match v {
                0 => Ok(false),
                1 => Ok(true),
                _ => Err(E::invalid_value(de::Unexpected::Unsigned(v), &self)),
            }
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
            match v.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" => Ok(true),
                "false" | "0" | "no" => Ok(false),
                _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
            }
        }
    }

    /// Deserializes a lenient boolean.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(BoolVisitor)
    }

    /// Serializes as a JSON bool.
    pub fn serialize<S: Serializer>(value: &bool, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bool(*value)
    }

    /// The same for `Option<bool>`.
    pub mod option {
        use serde::{Deserialize, Deserializer, Serializer};

        #[derive(Deserialize)]
        struct Wrapped(#[serde(with = "super")] bool);

        /// Deserializes an optional lenient boolean.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
            Ok(Option::<Wrapped>::deserialize(d)?.map(|w| w.0))
        }

        /// Serializes as a JSON bool or `null`.
        pub fn serialize<S: Serializer>(value: &Option<bool>, s: S) -> Result<S::Ok, S::Error> {
            match value {
                Some(v) => s.serialize_bool(*v),
                None => s.serialize_none(),
            }
        }
    }
}

/// Epoch milliseconds (a JSON integer) read as `DateTime<Utc>` and written back exactly.
pub mod epoch_millis {
    use chrono::{DateTime, Utc};
    use serde::de::{self, Visitor};
    use serde::{Deserializer, Serializer};
    use std::fmt;

    struct MillisVisitor;

    impl Visitor<'_> for MillisVisitor {
        type Value = DateTime<Utc>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("epoch milliseconds")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            DateTime::from_timestamp_millis(v)
                .ok_or_else(|| E::invalid_value(de::Unexpected::Signed(v), &self))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            let signed = i64::try_from(v)
                .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))?;
            self.visit_i64(signed)
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            if v.fract() == 0.0 && v.abs() < 9.0e15 {
                self.visit_i64(v as i64)
            } else {
                Err(E::invalid_value(de::Unexpected::Float(v), &self))
            }
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            let millis: i64 = v
                .trim()
                .parse()
                .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))?;
            self.visit_i64(millis)
        }
    }

    /// Deserializes epoch milliseconds.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        d.deserialize_any(MillisVisitor)
    }

    /// Serializes as epoch milliseconds.
    pub fn serialize<S: Serializer>(value: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(value.timestamp_millis())
    }

    /// The same for `Option<DateTime<Utc>>`.
    pub mod option {
        use chrono::{DateTime, Utc};
        use serde::{Deserialize, Deserializer, Serializer};

        #[derive(Deserialize)]
        struct Wrapped(#[serde(with = "super")] DateTime<Utc>);

        /// Deserializes optional epoch milliseconds.
        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<DateTime<Utc>>, D::Error> {
            Ok(Option::<Wrapped>::deserialize(d)?.map(|w| w.0))
        }

        /// Serializes as epoch milliseconds or `null`.
        pub fn serialize<S: Serializer>(
            value: &Option<DateTime<Utc>>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match value {
                Some(v) => s.serialize_i64(v.timestamp_millis()),
                None => s.serialize_none(),
            }
        }
    }
}

/// A duration in milliseconds (a non-negative JSON integer) read as `std::time::Duration`.
pub mod duration_millis {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    /// Deserializes milliseconds; a negative value (an already ended period) reads as zero.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let millis = super::lenient_f64::deserialize(d)?;
        if millis.is_sign_negative() {
            return Ok(Duration::ZERO);
        }
        Duration::try_from_secs_f64(millis / 1000.0).map_err(serde::de::Error::custom)
    }

    /// Serializes as whole milliseconds.
    pub fn serialize<S: Serializer>(value: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(value.as_millis()).unwrap_or(u64::MAX))
    }

    /// The same for `Option<Duration>`.
    pub mod option {
        use super::*;

        #[derive(Deserialize)]
        struct Wrapped(#[serde(with = "super")] Duration);

        /// Deserializes optional milliseconds.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
            Ok(Option::<Wrapped>::deserialize(d)?.map(|w| w.0))
        }

        /// Serializes as whole milliseconds or `null`.
        pub fn serialize<S: Serializer>(value: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
            match value {
                Some(v) => super::serialize(v, s),
                None => s.serialize_none(),
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Serialize};
    use std::time::Duration;

    #[derive(Debug, PartialEq, Deserialize, Serialize)]
    struct All {
        #[serde(default, with = "lenient_f64::option")]
        amount: Option<f64>,
        #[serde(default, with = "lenient_string::option")]
        id: Option<String>,
        #[serde(default, with = "lenient_bool::option")]
        flag: Option<bool>,
        #[serde(default, with = "epoch_millis::option")]
        at: Option<DateTime<Utc>>,
        #[serde(default, with = "duration_millis::option")]
        left: Option<Duration>,
        #[serde(default, deserialize_with = "null_as_default")]
        list: Vec<u8>,
    }

    fn parse(json: &str) -> All {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn lenient_values() {
        let a = parse(
            r#"{"amount":"1,250.5","id":42,"flag":1,"at":1644825600000,"left":604800000,"list":null}"#,
        );
        assert_eq!(a.amount, Some(1250.5));
        assert_eq!(a.id.as_deref(), Some("42"));
        assert_eq!(a.flag, Some(true));
        assert_eq!(a.at.unwrap().timestamp_millis(), 1_644_825_600_000);
        assert_eq!(a.left, Some(Duration::from_secs(604_800)));
        assert!(a.list.is_empty());

        let b = parse(r#"{"amount":7,"id":"x-1","flag":"false","at":null,"left":null}"#);
        assert_eq!(b.amount, Some(7.0));
        assert_eq!(b.flag, Some(false));
        assert_eq!(b.at, None);

        let empty = parse("{}");
        assert_eq!(empty.amount, None);
        assert_eq!(parse(r#"{"amount":""}"#).amount, None);
        assert_eq!(parse(r#"{"amount":"40%"}"#).amount, Some(40.0));
    }

    #[test]
    fn bad_values_fail_with_a_message() {
        for bad in [
            r#"{"amount":"lots"}"#,
            r#"{"flag":2}"#,
            r#"{"flag":"maybe"}"#,
            r#"{"at":"soon"}"#,
            r#"{"at":1.5}"#,
            r#"{"amount":[1]}"#,
        ] {
            assert!(serde_json::from_str::<All>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn round_trip_is_exact() {
        let json =
            r#"{"amount":12.5,"id":"7","flag":true,"at":1647417600001,"left":1500,"list":[1,2]}"#;
        let a = parse(json);
        let back = serde_json::to_string(&a).unwrap();
        assert_eq!(back, json);
        assert_eq!(parse(&back), a);
    }
}
