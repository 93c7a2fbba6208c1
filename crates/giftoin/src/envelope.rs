//! The response envelope `{data, status}` and its status object.
//!
//! Giftoin's conventions page says every response wraps its result in `data` next to a `status`
//! object, while the endpoint pages show bare results. [`Payload`] reads either form, so the
//! client keeps working whichever one the server sends.
// The envelope comes from the network: no indexing, no unchecked arithmetic.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use chrono::{DateTime, Utc};
use questkit_core::{DateText, LenientId};
use std::borrow::Cow;

use serde::de::{DeserializeOwned, Error as _, IgnoredAny, MapAccess};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::error::ErrorCode;

/// The `status` object of an envelope or error body.
///
/// Giftoin includes it "when possible", on success and on failure; every field is optional.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ResponseStatus {
    /// Server time when the call ran, as sent (documented as a string of epoch milliseconds).
    /// Kept verbatim so that an odd value never fails the response; see [`ServerTime`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<ServerTime>,
    /// Giftoin's numeric error code; on some errors it is simply the HTTP status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<ErrorCode>,
    /// A human-readable explanation of the error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

impl ResponseStatus {
    /// Reads a status object member by member, keeping what fits: a member of an unexpected
    /// type (`"errorCode": "n/a"`) is left out instead of failing the body it annotates. The
    /// keys are not kept, and only the known members' values are read into JSON values; a
    /// repeated member counts with its last value, as in a JSON map.
    pub(crate) fn lenient<'de, A: MapAccess<'de>>(mut map: A) -> Result<ResponseStatus, A::Error> {
        // A member's value as it came; `null` counts as absent.
        fn fits<T: DeserializeOwned>(value: Value) -> Option<T> {
            match value {
                Value::Null => None,
                value => serde_json::from_value(value).ok(),
            }
        }
        let mut status = ResponseStatus::default();
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match key.as_ref() {
                "timestamp" => status.timestamp = fits(map.next_value()?),
                "errorCode" => status.error_code = fits(map.next_value()?),
                "errorMessage" => {
                    status.error_message = match map.next_value()? {
                        Value::String(message) => Some(message),
                        _ => None,
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(status)
    }
}

/// The envelope's `timestamp` exactly as the server wrote it: documented as a string holding
/// epoch milliseconds (`"1688555980233"`), read from a number too.
///
/// Giftoin types it only as a string, so the text is kept (and written back in the JSON type
/// it came in) rather than parsed strictly; [`ServerTime::millis`] and
/// [`ServerTime::date_time`] read it on demand.
///
/// ```
/// use questkit_giftoin::envelope::ServerTime;
///
/// let at: ServerTime = serde_json::from_str(r#""1688555980233""#).unwrap();
/// assert_eq!(at.millis(), Some(1_688_555_980_233));
/// assert_eq!(at.date_time().unwrap().to_rfc3339(), "2023-07-05T11:19:40.233+00:00");
/// assert_eq!(serde_json::to_string(&at).unwrap(), r#""1688555980233""#);
/// let odd: ServerTime = serde_json::from_str(r#""soon""#).unwrap();
/// assert_eq!((odd.as_str(), odd.date_time()), ("soon", None));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ServerTime(LenientId);

impl ServerTime {
    /// The value as text, as sent (`"1688555980233"`; a number is shown in JSON form).
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The epoch milliseconds, when the value is a whole number.
    pub fn millis(&self) -> Option<i64> {
        self.0.as_i64()
    }

    /// The instant: epoch milliseconds, or a date-time text (see
    /// [`questkit_core::DateText::date_time`]) should the server write one.
    pub fn date_time(&self) -> Option<DateTime<Utc>> {
        match self.millis() {
            Some(millis) => DateTime::from_timestamp_millis(millis),
            None => DateText::from(self.as_str()).date_time(),
        }
    }
}

/// Written as a string of epoch milliseconds, as Giftoin documents it.
impl From<DateTime<Utc>> for ServerTime {
    fn from(at: DateTime<Utc>) -> Self {
        ServerTime(LenientId::from(at.timestamp_millis().to_string()))
    }
}

/// A result wrapped the documented way: `{"data": ..., "status": {...}}`.
///
/// When `T` is a model (a struct), `data` must be a JSON object: an array is never read by
/// position.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
#[non_exhaustive]
pub struct Envelope<T> {
    /// The result of the call.
    #[serde(deserialize_with = "questkit_core::decode::object::deserialize")]
    pub data: T,
    /// Server time and error details, when the server includes them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ResponseStatus>,
}

impl<T> Envelope<T> {
    /// Wraps a result with an optional status (used by mocks and tests).
    pub fn new(data: T, status: Option<ResponseStatus>) -> Self {
        Envelope { data, status }
    }
}

/// A response body that is either the bare result or the result inside an [`Envelope`].
///
/// A JSON object is read as an envelope when it has a `data` key and its `status`, if any, is an
/// object. Programs and orders carry a *string* `status`, so they are never mistaken for one.
/// A model (a struct) is read from a JSON object only, bare or as `data`.
///
/// ```
/// use questkit_giftoin::envelope::Payload;
///
/// let bare: Payload<Vec<u32>> = serde_json::from_str("[1, 2]").unwrap();
/// let wrapped: Payload<Vec<u32>> =
///     serde_json::from_str(r#"{"data": [1, 2], "status": {"timestamp": "1708777200000"}}"#).unwrap();
/// assert_eq!(bare.data(), wrapped.data());
/// assert!(wrapped.status().is_some());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Payload<T> {
    /// The result as the endpoint pages show it.
    Bare(T),
    /// The result inside the documented envelope.
    Enveloped(Envelope<T>),
}

impl<T> Payload<T> {
    /// The result, whichever form it came in.
    pub fn data(&self) -> &T {
        match self {
            Payload::Bare(data) => data,
            Payload::Enveloped(envelope) => &envelope.data,
        }
    }

    /// Takes the result out, whichever form it came in.
    pub fn into_data(self) -> T {
        match self {
            Payload::Bare(data) => data,
            Payload::Enveloped(envelope) => envelope.data,
        }
    }

    /// The envelope's status object, when the body was enveloped and had one.
    pub fn status(&self) -> Option<&ResponseStatus> {
        match self {
            Payload::Bare(_) => None,
            Payload::Enveloped(envelope) => envelope.status.as_ref(),
        }
    }

    /// Whether the body came wrapped in an envelope.
    pub fn is_enveloped(&self) -> bool {
        matches!(self, Payload::Enveloped(_))
    }
}

/// Whether a JSON value has the shape of an envelope: an object with a `data` key whose
/// `status`, when present, is an object (or null).
pub fn is_envelope(value: &Value) -> bool {
    match value {
        Value::Object(map) => {
            map.contains_key("data")
                && matches!(
                    map.get("status"),
                    None | Some(Value::Object(_)) | Some(Value::Null)
                )
        }
        _ => false,
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Payload<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        if is_envelope(&value) {
            Envelope::<T>::deserialize(value)
                .map(Payload::Enveloped)
                .map_err(D::Error::custom)
        } else {
            questkit_core::decode::object::deserialize(value)
                .map(Payload::Bare)
                .map_err(D::Error::custom)
        }
    }
}

impl<T: Serialize> Serialize for Payload<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Payload::Bare(data) => data.serialize(serializer),
            Payload::Enveloped(envelope) => envelope.serialize(serializer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn envelope_detection() {
        assert!(is_envelope(
            &json!({"data": [], "status": {"timestamp": "1"}})
        ));
        assert!(is_envelope(&json!({"data": {}})));
        assert!(is_envelope(&json!({"data": {}, "status": null})));
        assert!(!is_envelope(&json!({"orderId": "o", "status": "created"})));
        assert!(!is_envelope(&json!({"data": "x", "status": "created"})));
        assert!(!is_envelope(&json!([{"data": 1}])));
        assert!(!is_envelope(&json!({"status": {"errorCode": 1002}})));
    }

    #[test]
    fn timestamp_round_trips_as_a_string() {
        let status: ResponseStatus =
            serde_json::from_value(json!({"timestamp": "1688555980233", "errorCode": 400}))
                .unwrap();
        let at = status.timestamp.as_ref().unwrap();
        assert_eq!(at.millis(), Some(1_688_555_980_233));
        assert_eq!(
            at.date_time().map(|t| t.timestamp_millis()),
            Some(1_688_555_980_233)
        );
        assert_eq!(status.error_code, Some(ErrorCode(400)));
        assert_eq!(
            serde_json::to_value(&status).unwrap(),
            json!({"timestamp": "1688555980233", "errorCode": 400})
        );
        // A numeric timestamp is accepted too, and written back as a number.
        let numeric: ResponseStatus =
            serde_json::from_value(json!({"timestamp": 1688555980233_i64})).unwrap();
        assert_eq!(numeric.timestamp, status.timestamp);
        assert_eq!(
            serde_json::to_value(&numeric).unwrap(),
            json!({"timestamp": 1688555980233_i64})
        );
        let iso: ServerTime = serde_json::from_value(json!("2024-02-24T12:20:00Z")).unwrap();
        assert_eq!(iso.millis(), None);
        assert_eq!(
            iso.date_time().map(|t| t.timestamp_millis()),
            Some(1_708_777_200_000)
        );
        let at = DateTime::from_timestamp_millis(1_708_777_200_000).unwrap();
        assert_eq!(ServerTime::from(at).as_str(), "1708777200000");
    }

    #[test]
    fn bad_inner_data_is_an_error() {
        let bad = serde_json::from_str::<Payload<Vec<u32>>>(r#"{"data": "nope"}"#);
        assert!(bad.is_err());
    }
}
