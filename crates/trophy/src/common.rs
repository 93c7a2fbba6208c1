//! Small types and serde helpers shared by several Trophy resources.

use serde::{Deserialize, Serialize};

/// A `key: value` pair: a user-attribute filter, an event-attribute filter or a breakdown value.
///
/// Trophy uses this shape for the attribute filters on achievements, points triggers and
/// leaderboards (`userAttributes`, `eventAttributes`) and for the breakdown values of a
/// leaderboard entry (`breakdownAttributeValues`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Attribute {
    /// The attribute key as configured in the Trophy dashboard.
    pub key: String,
    /// The attribute value.
    pub value: String,
}

impl Attribute {
    /// A pair from a key and a value.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Attribute {
            key: key.into(),
            value: value.into(),
        }
    }
}

/// Formats attribute pairs the way Trophy's `userAttributes` query parameter wants them:
/// `key:value,key:value`, in the order given.
///
/// ```
/// use questkit_trophy::common::user_attributes_query;
///
/// let q = user_attributes_query([("plan-type", "premium"), ("region", "us-east")]);
/// assert_eq!(q, "plan-type:premium,region:us-east");
/// ```
pub fn user_attributes_query<I, K, V>(pairs: I) -> String
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    let mut out = String::new();
    for (key, value) in pairs {
        if !out.is_empty() {
            out.push(',');
        }
        out.push_str(key.as_ref());
        out.push(':');
        out.push_str(value.as_ref());
    }
    out
}

/// Three-state optional fields for PATCH-like bodies: absent (`None`, not sent), `null`
/// (`Some(None)`, clears the value) or a value (`Some(Some(v))`).
///
/// Use with `#[serde(default, skip_serializing_if = "Option::is_none", with = "crate::common::double_option")]`.
pub(crate) mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(crate) fn deserialize<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        Option::<T>::deserialize(deserializer).map(Some)
    }

    pub(crate) fn serialize<S, T>(
        value: &Option<Option<T>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error>
    where
        S: Serializer,
        T: Serialize,
    {
        match value {
            Some(inner) => inner.serialize(serializer),
            None => serializer.serialize_none(),
        }
    }
}

/// A timestamp field the spec types as a plain string: read an RFC 3339 date-time or a bare
/// `YYYY-MM-DD` date (midnight UTC), write RFC 3339.
///
/// Trophy documents these fields as "ISO 8601" without a format, and its examples use full
/// date-times; accepting a bare date as well keeps a response decodable if that changes.
pub(crate) mod lenient_timestamp {
    use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn parse(raw: &str) -> Option<DateTime<Utc>> {
        let raw = raw.trim();
        if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
            return Some(at.with_timezone(&Utc));
        }
        NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|naive| naive.and_utc())
    }

    /// `Option<DateTime<Utc>>`: `null`, `""` and a missing field are `None`.
    pub(crate) mod option {
        use super::*;

        pub(crate) fn deserialize<'de, D>(
            deserializer: D,
        ) -> Result<Option<DateTime<Utc>>, D::Error>
        where
            D: Deserializer<'de>,
        {
            let raw = Option::<String>::deserialize(deserializer)?;
            match raw {
                None => Ok(None),
                Some(s) if s.trim().is_empty() => Ok(None),
                Some(s) => parse(&s).map(Some).ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "expected an ISO 8601 date-time or date, got {s:?}"
                    ))
                }),
            }
        }

        pub(crate) fn serialize<S>(
            value: &Option<DateTime<Utc>>,
            serializer: S,
        ) -> Result<S::Ok, S::Error>
        where
            S: Serializer,
        {
            match value {
                Some(at) => {
                    serializer.serialize_str(&at.to_rfc3339_opts(SecondsFormat::AutoSi, true))
                }
                None => serializer.serialize_none(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_query_keeps_order() {
        assert_eq!(user_attributes_query(Vec::<(&str, &str)>::new()), "");
        assert_eq!(user_attributes_query([("b", "2"), ("a", "1")]), "b:2,a:1");
    }

    #[test]
    fn lenient_timestamps() {
        let at = lenient_timestamp::parse("2025-01-01").unwrap();
        assert_eq!(at.to_rfc3339(), "2025-01-01T00:00:00+00:00");
        let at = lenient_timestamp::parse("2025-01-01T05:03:00.250+01:00").unwrap();
        assert_eq!(at.to_rfc3339(), "2025-01-01T04:03:00.250+00:00");
        assert!(lenient_timestamp::parse("yesterday").is_none());
    }
}
