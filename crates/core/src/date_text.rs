//! [`DateText`]: a date or time that the vendor types only as a string.
// This module reads network input: no indexing or unchecked arithmetic that could panic on it.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A date or date-time that the vendor documents only as a string: the text exactly as sent,
/// with parsed views on demand.
///
/// A strict `DateTime` field fails the whole response when a server writes a date in a form
/// the model did not expect (`2025-01-01 05:03:00`, `+0000` instead of `+00:00`, a date-time
/// where a date was shown). `DateText` never fails on a string: it keeps the text (and
/// serializes it back unchanged) and parses only when asked.
///
/// ```
/// use questkit_core::DateText;
///
/// let start: DateText = serde_json::from_str(r#""2025-01-01 05:03:00""#).unwrap();
/// assert_eq!(start.as_str(), "2025-01-01 05:03:00");
/// assert_eq!(start.date_time().unwrap().to_rfc3339(), "2025-01-01T05:03:00+00:00");
/// assert_eq!(start.date().unwrap().to_string(), "2025-01-01");
///
/// let odd = DateText::from("next tuesday");
/// assert_eq!(odd.date_time(), None);
/// assert_eq!(serde_json::to_string(&odd).unwrap(), r#""next tuesday""#);
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateText(String);

impl DateText {
    /// Wraps a text as sent.
    pub fn new(text: impl Into<String>) -> Self {
        DateText(text.into())
    }

    /// The text exactly as the server sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, owned.
    pub fn into_string(self) -> String {
        self.0
    }

    /// The instant, when the text is one of the forms servers commonly write: RFC 3339
    /// (`2025-01-01T00:00:00Z`, `...+02:00`), ISO 8601 with a `+0000` offset or none (read as
    /// UTC), a space instead of the `T`, fractional seconds, or a bare date (midnight UTC).
    /// `None` for anything else.
    pub fn date_time(&self) -> Option<DateTime<Utc>> {
        let text = self.0.trim();
        if let Ok(at) = DateTime::parse_from_rfc3339(text) {
            return Some(at.with_timezone(&Utc));
        }
        for format in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"] {
            if let Ok(at) = DateTime::parse_from_str(text, format) {
                return Some(at.with_timezone(&Utc));
            }
        }
        for format in [
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M",
        ] {
            if let Ok(at) = NaiveDateTime::parse_from_str(text, format) {
                return Some(at.and_utc());
            }
        }
        let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
        Some(date.and_time(chrono::NaiveTime::MIN).and_utc())
    }

    /// The calendar date as written (the date part of a date-time, before any conversion to
    /// UTC), when the text starts with a `YYYY-MM-DD` date that the rest of the text does not
    /// contradict. `None` otherwise.
    pub fn date(&self) -> Option<NaiveDate> {
        let text = self.0.trim();
        let head = text.get(..10)?;
        let date = NaiveDate::parse_from_str(head, "%Y-%m-%d").ok()?;
        if text.len() == 10 || self.date_time().is_some() {
            Some(date)
        } else {
            None
        }
    }
}

impl fmt::Debug for DateText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for DateText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for DateText {
    fn from(text: &str) -> Self {
        DateText(text.to_owned())
    }
}

impl From<String> for DateText {
    fn from(text: String) -> Self {
        DateText(text)
    }
}

/// Written in RFC 3339 with a `Z` (`2025-01-01T00:00:00Z`), the form every vendor accepts.
impl From<DateTime<Utc>> for DateText {
    fn from(at: DateTime<Utc>) -> Self {
        DateText(at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    }
}

/// Written as `YYYY-MM-DD`.
impl From<NaiveDate> for DateText {
    fn from(date: NaiveDate) -> Self {
        DateText(date.format("%Y-%m-%d").to_string())
    }
}

/// The text, so that `Option<DateText>::as_deref()` gives the text as sent.
impl std::ops::Deref for DateText {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for DateText {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for DateText {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for DateText {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl Serialize for DateText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for DateText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;

        impl Visitor<'_> for TextVisitor {
            type Value = DateText;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date or time as a string")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<DateText, E> {
                Ok(DateText(v.to_owned()))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<DateText, E> {
                Ok(DateText(v))
            }
        }

        deserializer.deserialize_str(TextVisitor)
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    #[test]
    fn forms_servers_write() {
        let utc = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let table: &[(&str, Option<&str>, Option<&str>)] = &[
            (
                "2025-01-01",
                Some("2025-01-01T00:00:00Z"),
                Some("2025-01-01"),
            ),
            (
                "2025-01-01T00:00:00Z",
                Some("2025-01-01T00:00:00Z"),
                Some("2025-01-01"),
            ),
            (
                "2025-01-01T10:00:00+02:00",
                Some("2025-01-01T08:00:00Z"),
                Some("2025-01-01"),
            ),
            (
                "2025-01-01T10:00:00+0000",
                Some("2025-01-01T10:00:00Z"),
                Some("2025-01-01"),
            ),
            (
                "2025-01-01T10:00:00.123",
                Some("2025-01-01T10:00:00.123Z"),
                Some("2025-01-01"),
            ),
            (
                "2025-01-01T10:00:00",
                Some("2025-01-01T10:00:00Z"),
                Some("2025-01-01"),
            ),
            (
                "2025-01-01 05:03:00",
                Some("2025-01-01T05:03:00Z"),
                Some("2025-01-01"),
            ),
            (
                "2025-01-01 05:03",
                Some("2025-01-01T05:03:00Z"),
                Some("2025-01-01"),
            ),
            (
                "2025-01-01T23:30:00-05:00",
                Some("2025-01-02T04:30:00Z"),
                Some("2025-01-01"),
            ),
            (
                " 2025-01-01 ",
                Some("2025-01-01T00:00:00Z"),
                Some("2025-01-01"),
            ),
            ("2025-13-01", None, None),
            ("2025-01-01Tnonsense", None, None),
            ("", None, None),
            ("soon", None, None),
            ("🏆🏆🏆🏆🏆", None, None),
            ("99999-01-01", None, None),
        ];
        for (text, at, date) in table {
            let value = DateText::from(*text);
            assert_eq!(value.date_time(), at.map(utc), "{text:?}");
            assert_eq!(
                value.date().map(|d| d.to_string()).as_deref(),
                *date,
                "{text:?}"
            );
            let json = serde_json::to_string(&value).unwrap();
            assert_eq!(serde_json::from_str::<DateText>(&json).unwrap(), value);
        }
    }

    #[test]
    fn only_strings_are_dates() {
        assert!(serde_json::from_str::<DateText>("20250101").is_err());
        assert!(serde_json::from_str::<DateText>("null").is_err());
        let from_chrono = DateText::from(utc_at());
        assert_eq!(from_chrono, "2025-01-01T00:00:00Z");
        assert_eq!(
            DateText::from(NaiveDate::from_ymd_opt(2025, 2, 3).unwrap()).as_str(),
            "2025-02-03"
        );
    }

    fn utc_at() -> DateTime<Utc> {
        "2025-01-01T00:00:00Z".parse().unwrap()
    }
}
