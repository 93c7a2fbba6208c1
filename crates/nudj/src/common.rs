//! Shapes shared by several Nudj resources: entity details, themed images, timestamps.

use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// The display text and images of an entity (achievement, reward, asset, entry).
///
/// Nudj returns localised text according to the `x-language` header of the request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Details {
    /// The title, in the requested language.
    #[serde(default)]
    pub title: Option<String>,
    /// The longer description, in the requested language.
    #[serde(default)]
    pub description: Option<String>,
    /// Images for a light colour scheme.
    #[serde(default)]
    pub light: Option<ThemeImages>,
    /// Images for a dark colour scheme.
    #[serde(default)]
    pub dark: Option<ThemeImages>,
}

impl Details {
    /// The primary image for the given scheme, falling back to the other scheme when unset.
    ///
    /// Useful for a UI that has one slot and prefers one theme.
    pub fn primary_image_url(&self, dark: bool) -> Option<&str> {
        let (first, second) = if dark {
            (&self.dark, &self.light)
        } else {
            (&self.light, &self.dark)
        };
        first
            .as_ref()
            .and_then(ThemeImages::primary_url)
            .or_else(|| second.as_ref().and_then(ThemeImages::primary_url))
    }
}

/// The images of one colour scheme.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ThemeImages {
    /// The main image.
    #[serde(default)]
    pub primary_image_url: Option<ImageRef>,
    /// A secondary image (background, banner).
    #[serde(default)]
    pub secondary_image_url: Option<ImageRef>,
}

impl ThemeImages {
    /// The primary image URL, when it is one.
    pub fn primary_url(&self) -> Option<&str> {
        self.primary_image_url.as_ref().and_then(ImageRef::url)
    }

    /// The secondary image URL, when it is one.
    pub fn secondary_url(&self) -> Option<&str> {
        self.secondary_image_url.as_ref().and_then(ImageRef::url)
    }
}

/// An image reference as Nudj sends it.
///
/// The documentation types image URLs as "any", so besides a plain URL string any other JSON
/// value is kept as is instead of failing the whole payload. `null` is `None` on the field.
#[derive(Clone, Debug, PartialEq)]
pub enum ImageRef {
    /// A URL string (the usual case).
    Url(String),
    /// Any other JSON value, kept as sent.
    Other(Value),
}

impl ImageRef {
    /// The URL, when the value is a non-empty string or an object with a `url` string.
    pub fn url(&self) -> Option<&str> {
        match self {
            ImageRef::Url(url) if !url.trim().is_empty() => Some(url),
            ImageRef::Url(_) => None,
            ImageRef::Other(value) => value
                .get("url")
                .and_then(Value::as_str)
                .filter(|u| !u.trim().is_empty()),
        }
    }
}

impl Serialize for ImageRef {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            ImageRef::Url(url) => serializer.serialize_str(url),
            ImageRef::Other(value) => value.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for ImageRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Value::deserialize(deserializer)? {
            Value::String(url) => ImageRef::Url(url),
            other => ImageRef::Other(other),
        })
    }
}

/// A point in time as Nudj sends it.
///
/// The documentation shows every timestamp as a plain string without a format, so a value that
/// is not RFC 3339 is kept verbatim as [`Timestamp::Unparsed`] rather than rejected. Epoch
/// milliseconds (a JSON number) are read as well.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Timestamp {
    /// A valid date-time, converted to UTC.
    At(DateTime<Utc>),
    /// A string that is not an RFC 3339 date-time, kept as sent.
    Unparsed(String),
}

impl Timestamp {
    /// The date-time, when the value was one.
    pub fn as_datetime(&self) -> Option<DateTime<Utc>> {
        match self {
            Timestamp::At(at) => Some(*at),
            Timestamp::Unparsed(_) => None,
        }
    }

    /// Parses a string leniently: RFC 3339 first, then a naive `YYYY-MM-DDTHH:MM:SS` read as UTC.
    pub fn parse(raw: &str) -> Timestamp {
        let trimmed = raw.trim();
        if let Ok(at) = DateTime::parse_from_rfc3339(trimmed) {
            return Timestamp::At(at.with_timezone(&Utc));
        }
        if let Ok(naive) = chrono::NaiveDateTime::parse_from_str(trimmed, "%Y-%m-%dT%H:%M:%S%.f") {
            return Timestamp::At(naive.and_utc());
        }
        Timestamp::Unparsed(raw.to_owned())
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(at: DateTime<Utc>) -> Self {
        Timestamp::At(at)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Timestamp::At(at) => f.write_str(&at.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
            Timestamp::Unparsed(raw) => f.write_str(raw),
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TimestampVisitor;

        impl serde::de::Visitor<'_> for TimestampVisitor {
            type Value = Timestamp;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date-time string or epoch milliseconds")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Timestamp, E> {
                Ok(Timestamp::parse(v))
            }

            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Timestamp, E> {
                DateTime::from_timestamp_millis(v)
                    .map(Timestamp::At)
                    .ok_or_else(|| E::custom(format!("epoch milliseconds out of range: {v}")))
            }

            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Timestamp, E> {
                let v = i64::try_from(v)
                    .map_err(|_| E::custom(format!("epoch milliseconds out of range: {v}")))?;
                self.visit_i64(v)
            }
        }

        deserializer.deserialize_any(TimestampVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn timestamps_parse_leniently() {
        let at = Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0).unwrap();
        for raw in [
            "\"2024-05-01T12:00:00Z\"",
            "\"2024-05-01T14:00:00+02:00\"",
            "\"2024-05-01T12:00:00.000Z\"",
            "\"2024-05-01T12:00:00\"",
            "1714564800000",
        ] {
            let ts: Timestamp = serde_json::from_str(raw).unwrap();
            assert_eq!(ts.as_datetime(), Some(at), "{raw}");
        }
        let odd: Timestamp = serde_json::from_str("\"<string>\"").unwrap();
        assert_eq!(odd, Timestamp::Unparsed("<string>".into()));
        assert_eq!(serde_json::to_string(&odd).unwrap(), "\"<string>\"");
        assert_eq!(
            serde_json::to_string(&Timestamp::At(at)).unwrap(),
            "\"2024-05-01T12:00:00Z\""
        );
        assert!(serde_json::from_str::<Timestamp>("true").is_err());
    }

    #[test]
    fn image_refs_accept_any_json() {
        let url: ImageRef = serde_json::from_str("\"https://x/y.png\"").unwrap();
        assert_eq!(url.url(), Some("https://x/y.png"));
        let obj: ImageRef = serde_json::from_str(r#"{"url":"https://x/z.png","w":3}"#).unwrap();
        assert_eq!(obj.url(), Some("https://x/z.png"));
        let num: ImageRef = serde_json::from_str("42").unwrap();
        assert_eq!(num.url(), None);
        assert_eq!(serde_json::to_string(&num).unwrap(), "42");
        let empty: ImageRef = serde_json::from_str("\"\"").unwrap();
        assert_eq!(empty.url(), None);
    }
}
