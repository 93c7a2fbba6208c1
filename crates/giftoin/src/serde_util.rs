//! Field helpers specific to Giftoin payloads.

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

/// Epoch milliseconds sent as a JSON string (`"1688555980233"`, the envelope's `timestamp`), read
/// from a string or a number and written back as a string.
pub(crate) mod epoch_millis_string {
    pub(crate) mod option {
        use chrono::{DateTime, Utc};
        use serde::{Deserializer, Serializer};

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<DateTime<Utc>>, D::Error> {
            questkit_core::serde_helpers::epoch_millis::option::deserialize(d)
        }

        pub(crate) fn serialize<S: Serializer>(
            value: &Option<DateTime<Utc>>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match value {
                Some(v) => s.collect_str(&v.timestamp_millis()),
                None => s.serialize_none(),
            }
        }
    }
}
