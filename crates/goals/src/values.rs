//! Loosely typed scalar values whose type the vendor page does not pin down.
// Lenient values come from the network: no indexing, no unchecked arithmetic.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, Serializer};
use std::fmt;

/// A value documented only as a placeholder that may be a number or free text.
///
/// The Epixel page shows, for example, a course `duration` and a leaderboard `level` as bare
/// placeholders, and goal amounts (`<maximum>`, `<current>`) and leaderboard scores the same
/// way. They are most likely numbers, but a deployment could send `"1h 30m"`, `"Gold"` or
/// `"N/A"`; rather than failing the whole response, such a value is kept as text (and written
/// back unchanged).
///
/// Normalised by design: numeric strings (`"45"`, `"1,250.50"`, `"40%"`) read as numbers and
/// are written back as JSON numbers, whole numbers as integers (`1500`, not `1500.0`).
///
/// ```
/// use questkit_goals::NumberOrText;
///
/// let n: NumberOrText = serde_json::from_str(r#""45""#).unwrap();
/// assert_eq!(n.as_f64(), Some(45.0));
/// let t: NumberOrText = serde_json::from_str(r#""Gold""#).unwrap();
/// assert_eq!(t, NumberOrText::Text("Gold".into()));
/// assert_eq!(t.to_string(), "Gold");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum NumberOrText {
    /// A number, or a string that parsed as one.
    Number(f64),
    /// Text that is not a number, kept as sent.
    Text(String),
}

impl NumberOrText {
    /// The numeric value, when this is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            NumberOrText::Number(n) => Some(*n),
            NumberOrText::Text(_) => None,
        }
    }
}

impl fmt::Display for NumberOrText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NumberOrText::Number(n) => write!(f, "{n}"),
            NumberOrText::Text(t) => f.write_str(t),
        }
    }
}

impl Serialize for NumberOrText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            // Whole numbers that an i64 holds exactly are written as integers, as servers do.
            NumberOrText::Number(n) if n.fract() == 0.0 && n.abs() <= EXACT_INTEGER => {
                serializer.serialize_i64(*n as i64)
            }
            NumberOrText::Number(n) => serializer.serialize_f64(*n),
            NumberOrText::Text(t) => serializer.serialize_str(t),
        }
    }
}

/// The largest integer an `f64` holds exactly (2^53).
const EXACT_INTEGER: f64 = 9_007_199_254_740_992.0;

/// A number.
impl From<f64> for NumberOrText {
    fn from(value: f64) -> Self {
        NumberOrText::Number(value)
    }
}

struct NumberOrTextVisitor;

impl Visitor<'_> for NumberOrTextVisitor {
    type Value = NumberOrText;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number or a string")
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(NumberOrText::Number(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(NumberOrText::Number(v as f64))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(NumberOrText::Number(v as f64))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(match parse_number(v) {
            Some(n) => NumberOrText::Number(n),
            None => NumberOrText::Text(v.to_owned()),
        })
    }
}

impl<'de> Deserialize<'de> for NumberOrText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NumberOrTextVisitor)
    }
}

/// Parses a numeric string the way Epixel tends to format amounts: surrounding spaces, thousands
/// separators (`,`) and a trailing `%` are ignored. Returns `None` for anything else.
pub(crate) fn parse_number(raw: &str) -> Option<f64> {
    let trimmed = raw.trim().trim_end_matches('%').trim();
    if trimmed.is_empty() {
        return None;
    }
    let cleaned: String = trimmed.chars().filter(|c| *c != ',').collect();
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_numbers_and_keeps_text() {
        let cases: &[(&str, NumberOrText)] = &[
            ("45", NumberOrText::Number(45.0)),
            ("4.5", NumberOrText::Number(4.5)),
            (r#""1,250.50""#, NumberOrText::Number(1250.5)),
            (r#"" 40% ""#, NumberOrText::Number(40.0)),
            (r#""Gold""#, NumberOrText::Text("Gold".into())),
            (r#""""#, NumberOrText::Text(String::new())),
            (r#""NaN""#, NumberOrText::Text("NaN".into())),
        ];
        for (raw, expected) in cases {
            let got: NumberOrText = serde_json::from_str(raw).unwrap();
            assert_eq!(&got, expected, "{raw}");
            let back: NumberOrText =
                serde_json::from_str(&serde_json::to_string(&got).unwrap()).unwrap();
            assert_eq!(&back, expected, "{raw} round trip");
        }
        assert!(serde_json::from_str::<NumberOrText>("true").is_err());
    }
}
