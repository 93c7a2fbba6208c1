//! Field helpers specific to Giftoin payloads.
// Lenient values come from the network: no indexing, no unchecked arithmetic.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

/// A JSON number (or numeric string) read as `f64` and written back as an integer when it is
/// whole, so `30` stays `30` and does not come back as `30.0`.
pub(crate) mod whole_number {
    use serde::{Deserializer, Serializer};

    /// Largest integer an `f64` holds exactly.
    const EXACT: f64 = 9_007_199_254_740_992.0;

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        questkit_core::serde_helpers::lenient_f64::deserialize(d)
    }

    pub(crate) fn serialize<S: Serializer>(value: &f64, s: S) -> Result<S::Ok, S::Error> {
        let v = *value;
        if v.is_finite() && v.fract() == 0.0 && v.abs() <= EXACT {
            // Whole and exactly representable: the cast is lossless.
            s.serialize_i64(v as i64)
        } else {
            s.serialize_f64(v)
        }
    }

    pub(crate) mod option {
        use serde::{Deserializer, Serializer};

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<f64>, D::Error> {
            questkit_core::serde_helpers::lenient_f64::option::deserialize(d)
        }

        pub(crate) fn serialize<S: Serializer>(
            value: &Option<f64>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match value {
                Some(v) => super::serialize(v, s),
                None => s.serialize_none(),
            }
        }
    }
}

/// A duration in whole milliseconds (`timeLeft`), read as `std::time::Duration` and written
/// back as the same integer.
///
/// Read from a JSON integer, a whole float (`1000.0`) or a string holding one. A negative value
/// (a period that already ended) reads as zero, by design. A fraction of a millisecond, a value
/// beyond `u64` milliseconds or anything else is a decode error: it could not be written back
/// as the number the server sent.
pub(crate) mod whole_millis {
    use serde::Serializer;
    use serde::de::{self, Visitor};
    use std::fmt;
    use std::time::Duration;

    /// One past the largest `u64`, as an `f64` (2^64): floats below it fit in a `u64`.
    const U64_END: f64 = 18_446_744_073_709_551_616.0;

    struct MillisVisitor;

    impl Visitor<'_> for MillisVisitor {
        type Value = Duration;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a whole number of milliseconds")
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Duration, E> {
            Ok(Duration::from_millis(v))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Duration, E> {
            // A negative value is a period that already ended.
            Ok(u64::try_from(v).map_or(Duration::ZERO, Duration::from_millis))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Duration, E> {
            if v.is_finite() && v < 0.0 {
                return Ok(Duration::ZERO);
            }
            if !v.is_finite() || v.fract() != 0.0 || v >= U64_END {
                return Err(E::invalid_value(de::Unexpected::Float(v), &self));
            }
            // Whole, non-negative and below 2^64: the conversion is exact.
            Ok(Duration::from_millis(v as u64))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Duration, E> {
            let text = v.trim();
            if let Ok(millis) = text.parse::<u64>() {
                return self.visit_u64(millis);
            }
            if let Ok(millis) = text.parse::<i64>() {
                return self.visit_i64(millis);
            }
            match questkit_core::serde_helpers::lenient_f64::deserialize(
                de::value::StrDeserializer::<E>::new(text),
            ) {
                Ok(millis) => self.visit_f64(millis),
                Err(_) => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
            }
        }
    }

    pub(crate) fn serialize<S: Serializer>(value: &Duration, s: S) -> Result<S::Ok, S::Error> {
        // Built from u64 milliseconds, so this never saturates in practice.
        s.serialize_u64(u64::try_from(value.as_millis()).unwrap_or(u64::MAX))
    }

    pub(crate) mod option {
        use serde::{Deserialize, Deserializer, Serializer};
        use std::time::Duration;

        #[derive(Deserialize)]
        struct Wrapped(#[serde(deserialize_with = "deserialize_one")] Duration);

        fn deserialize_one<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
            d.deserialize_any(super::MillisVisitor)
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<Duration>, D::Error> {
            Ok(Option::<Wrapped>::deserialize(d)?.map(|w| w.0))
        }

        pub(crate) fn serialize<S: Serializer>(
            value: &Option<Duration>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match value {
                Some(v) => super::serialize(v, s),
                None => s.serialize_none(),
            }
        }
    }
}
