//! The `{status_code, errors, data}` envelope around every Epixel response except login.
// The envelope comes from the network: no indexing, no unchecked arithmetic.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use crate::ordered_map::OrderedMap;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;
use std::fmt;

/// The key under which messages that belong to no field are kept.
///
/// Epixel documents some errors without a field; when `errors` arrives as a list or a single
/// string instead of an object, its messages are filed under this key (Django REST Framework's
/// own name for such errors).
pub const NON_FIELD_ERRORS: &str = "non_field_errors";

/// The body Epixel wraps around its data: `{"status_code": 200, "errors": {}, "data": {...}}`.
///
/// The body's `status_code` is authoritative: a body with a non-2xx `status_code` or a non-empty
/// `errors` map is a failure even when the HTTP status is 200. The client unwraps this for you;
/// the type is public for code that reads raw responses or recorded payloads.
///
/// ```
/// use questkit_goals::Envelope;
///
/// let body = r#"{"status_code": 400, "errors": {"goal": "Invalid goal keyword."}}"#;
/// let envelope: Envelope = serde_json::from_str(body).unwrap();
/// assert!(!envelope.is_success());
/// assert_eq!(envelope.errors.first_message("goal"), Some("Invalid goal keyword."));
/// assert_eq!(envelope.data, None);
/// ```
///
/// When `T` is a model (a struct), `data` must be a JSON object: an array is never read by
/// position (`"data": []` is not an empty model).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
#[non_exhaustive]
pub struct Envelope<T = Value> {
    /// The status the server put in the body (a number or a numeric string on the wire).
    #[serde(default, with = "status_code")]
    pub status_code: Option<u16>,
    /// Messages per field; empty on success.
    #[serde(default)]
    pub errors: FieldErrors,
    /// The payload; `None` when the body had `data: null` or no `data` at all.
    #[serde(
        default = "Option::default",
        deserialize_with = "questkit_core::decode::object::option"
    )]
    pub data: Option<T>,
}

impl<T> Envelope<T> {
    /// Whether the body reports success: `errors` is empty and `status_code`, when present,
    /// is 2xx.
    pub fn is_success(&self) -> bool {
        self.errors.is_empty() && self.status_code.is_none_or(|s| (200..300).contains(&s))
    }
}

/// An error value: one message, a list of messages, or some other JSON shape kept as sent.
#[derive(Clone, Debug, PartialEq)]
pub enum ErrorMessages {
    /// A single message, e.g. `"Invalid profile id."`.
    One(String),
    /// A list of messages, e.g. `["Invalid goal keyword."]`.
    Many(Vec<String>),
    /// Anything else (nested objects from nested validators, numbers), kept as JSON.
    Other(Value),
}

impl ErrorMessages {
    /// Every message as text; strings found inside an `Other` value are collected in order.
    pub fn messages(&self) -> Vec<String> {
        match self {
            ErrorMessages::One(m) => vec![m.clone()],
            ErrorMessages::Many(list) => list.clone(),
            ErrorMessages::Other(value) => {
                let mut out = Vec::new();
                collect_strings(value, &mut out);
                if out.is_empty() && !value.is_null() {
                    out.push(value.to_string());
                }
                out
            }
        }
    }

    /// The first message, when it is a plain string.
    pub fn first(&self) -> Option<&str> {
        match self {
            ErrorMessages::One(m) => Some(m),
            ErrorMessages::Many(list) => list.first().map(String::as_str),
            ErrorMessages::Other(_) => None,
        }
    }
}

fn collect_strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

impl Serialize for ErrorMessages {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            ErrorMessages::One(m) => serializer.serialize_str(m),
            ErrorMessages::Many(list) => list.serialize(serializer),
            ErrorMessages::Other(value) => value.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for ErrorMessages {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(ErrorMessages::from_value(Value::deserialize(deserializer)?))
    }
}

impl ErrorMessages {
    fn from_value(value: Value) -> Self {
        match value {
            Value::String(s) => ErrorMessages::One(s),
            Value::Array(items) if items.iter().all(Value::is_string) => ErrorMessages::Many(
                items
                    .into_iter()
                    .filter_map(|v| match v {
                        Value::String(s) => Some(s),
                        _ => None,
                    })
                    .collect(),
            ),
            other => ErrorMessages::Other(other),
        }
    }
}

/// The `errors` of an envelope: messages per field, in the order the server sent them.
///
/// Read leniently: an object maps fields to a string or a list of strings; `null` and `[]` are
/// empty; a list of strings or a single string (messages without a field) is kept under
/// [`NON_FIELD_ERRORS`].
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct FieldErrors(OrderedMap<String, ErrorMessages>);

impl FieldErrors {
    /// Whether there are no errors at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The number of fields with errors.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The messages for `field`.
    pub fn get(&self, field: &str) -> Option<&ErrorMessages> {
        self.0.get(field)
    }

    /// The first message for `field`.
    pub fn first_message(&self, field: &str) -> Option<&str> {
        self.get(field).and_then(ErrorMessages::first)
    }

    /// Fields and their messages, in server order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ErrorMessages)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Every `(field, message)` pair, one per message, in server order.
    pub fn pairs(&self) -> Vec<(String, String)> {
        self.0
            .iter()
            .flat_map(|(field, messages)| {
                messages
                    .messages()
                    .into_iter()
                    .map(move |m| (field.clone(), m))
            })
            .collect()
    }

    /// One line for an error message: `"profile: Invalid profile id.; goal: Invalid goal keyword."`.
    pub fn summary(&self) -> String {
        self.pairs()
            .iter()
            .map(|(field, message)| format!("{field}: {message}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The underlying ordered map.
    pub fn as_map(&self) -> &OrderedMap<String, ErrorMessages> {
        &self.0
    }
}

impl FromIterator<(String, ErrorMessages)> for FieldErrors {
    fn from_iter<I: IntoIterator<Item = (String, ErrorMessages)>>(iter: I) -> Self {
        FieldErrors(iter.into_iter().collect())
    }
}

impl<'de> Deserialize<'de> for FieldErrors {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(FieldErrorsVisitor)
    }
}

/// Reads `errors` without going through `serde_json::Value`, whose objects would lose the
/// server's field order.
struct FieldErrorsVisitor;

impl FieldErrorsVisitor {
    fn non_field(messages: ErrorMessages) -> FieldErrors {
        let mut map = OrderedMap::new();
        map.insert(NON_FIELD_ERRORS.to_owned(), messages);
        FieldErrors(map)
    }
}

impl<'de> Visitor<'de> for FieldErrorsVisitor {
    type Value = FieldErrors;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of field errors, a list of messages, a message or null")
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut map = OrderedMap::new();
        while let Some((field, messages)) = access.next_entry::<String, ErrorMessages>()? {
            map.insert(field, messages);
        }
        Ok(FieldErrors(map))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Value>()? {
            items.push(item);
        }
        if items.is_empty() {
            return Ok(FieldErrors::default());
        }
        Ok(Self::non_field(ErrorMessages::from_value(Value::Array(
            items,
        ))))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v.trim().is_empty() {
            return Ok(FieldErrors::default());
        }
        Ok(Self::non_field(ErrorMessages::One(v.to_owned())))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(FieldErrors::default())
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(FieldErrors::default())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Self::non_field(ErrorMessages::Other(Value::Bool(v))))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Self::non_field(ErrorMessages::Other(v.into())))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Self::non_field(ErrorMessages::Other(v.into())))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Self::non_field(ErrorMessages::Other(v.into())))
    }
}

/// `status_code` as a number or numeric string; `null` or missing is `None`.
pub(crate) mod status_code {
    use super::*;

    struct StatusVisitor;

    impl<'de> Visitor<'de> for StatusVisitor {
        type Value = Option<u16>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an HTTP status code as a number or a numeric string")
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
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            u16::try_from(v)
                .map(Some)
                .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            u16::try_from(v)
                .map(Some)
                .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            if v.fract() == 0.0 && (0.0..=f64::from(u16::MAX)).contains(&v) {
                Ok(Some(v as u16))
            } else {
                Err(E::invalid_value(de::Unexpected::Float(v), &self))
            }
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            let trimmed = v.trim();
            if trimmed.is_empty() {
                return Ok(None);
            }
            trimmed
                .parse::<u16>()
                .map(Some)
                .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u16>, D::Error> {
        d.deserialize_option(StatusVisitor)
    }

    pub(crate) fn serialize<S: Serializer>(v: &Option<u16>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(code) => s.serialize_u16(*code),
            None => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_rules() {
        let cases: &[(&str, bool)] = &[
            (r#"{"status_code":200,"errors":{},"data":{}}"#, true),
            (r#"{"status_code":"201","errors":[],"data":[]}"#, true),
            (r#"{"errors":null,"data":{}}"#, true),
            (r#"{"status_code":400,"errors":{},"data":{}}"#, false),
            (r#"{"status_code":200,"errors":{"goal":"x"}}"#, false),
            (r#"{"status_code":200,"errors":["x"]}"#, false),
            (r#"{"status_code":200,"errors":"x"}"#, false),
        ];
        for (raw, ok) in cases {
            let env: Envelope = serde_json::from_str(raw).unwrap();
            assert_eq!(env.is_success(), *ok, "{raw}");
        }
        assert!(serde_json::from_str::<Envelope>(r#"{"status_code":"OK"}"#).is_err());
        assert!(serde_json::from_str::<Envelope>(r#"{"status_code":70000}"#).is_err());
    }

    #[test]
    fn messages_of_every_shape() {
        let raw = r#"{"errors":{"b":"one","a":["x","y"],"n":{"inner":["deep"]},"k":7}}"#;
        let env: Envelope = serde_json::from_str(raw).unwrap();
        let fields: Vec<&str> = env.errors.iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["b", "a", "n", "k"]);
        assert_eq!(env.errors.first_message("a"), Some("x"));
        assert_eq!(env.errors.get("n").unwrap().messages(), ["deep"]);
        assert_eq!(env.errors.get("k").unwrap().messages(), ["7"]);
        assert_eq!(env.errors.first_message("n"), None);
        assert_eq!(
            env.errors.summary(),
            "b: one; a: x; a: y; n: deep; k: 7".to_string()
        );
        let back: Envelope = serde_json::from_str(&serde_json::to_string(&env).unwrap()).unwrap();
        assert_eq!(back, env);
    }

    #[test]
    fn non_field_messages() {
        let env: Envelope = serde_json::from_str(r#"{"errors":"Something failed."}"#).unwrap();
        assert_eq!(
            env.errors.first_message(NON_FIELD_ERRORS),
            Some("Something failed.")
        );
    }
}
