//! Reading Giftoin responses: bare or enveloped results, and error bodies.
//!
//! A body is decoded straight into the typed model. To know whether it is enveloped, the top
//! level is scanned once first without building a JSON tree ([`Shape`]): the keys are read and
//! every value skipped, except a `status` object, which is small. The status only annotates a
//! body, so it is read leniently: a member of an unexpected type is left out rather than
//! failing the response.
// Decoders read network input: no indexing, no unchecked arithmetic.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::borrow::Cow;
use std::fmt;

use questkit_core::reqwest::StatusCode;
use questkit_core::{ApiError, Error, ErrorDetails, RawResponse, Result, decode_json};
use serde::de::{DeserializeOwned, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::envelope::ResponseStatus;
use crate::error::{ErrorBody, ErrorCode};
use questkit_core::decode::object::List;

/// The error parser given to the transport: `{status: {errorCode, errorMessage}}` to the core
/// error's code (the number, as text) and message. Anything else returns `None`, and the core
/// falls back to the HTTP status.
pub(crate) fn parse_error_body(body: &[u8]) -> Option<ErrorDetails> {
    let body = ErrorBody::parse(body)?;
    details(body.status.as_ref()?)
}

/// The `status` object at the top level of `body`, read leniently; `None` when the body is
/// not a JSON object with a `status` object.
pub(crate) fn status_object(body: &[u8]) -> Option<ResponseStatus> {
    match Shape::of(body).status {
        StatusField::Object(status) => Some(*status),
        _ => None,
    }
}

fn details(status: &ResponseStatus) -> Option<ErrorDetails> {
    let message = status
        .error_message
        .as_deref()
        .filter(|m| !m.trim().is_empty());
    let details = match (message, status.error_code) {
        (Some(message), _) => ErrorDetails::message(message),
        (None, Some(_)) => ErrorDetails::default(),
        (None, None) => return None,
    };
    Some(match status.error_code {
        // A wrong key is a 400 at Giftoin; say it is a credentials problem all the same.
        Some(code @ (ErrorCode::API_KEY_INVALID | ErrorCode::API_KEY_MISSING)) => {
            details.with_code(code.to_string()).with_auth_failure()
        }
        Some(code) => details.with_code(code.to_string()),
        None => details,
    })
}

/// Decodes a success body into `T`, bare or inside `{data, status}`. A 2xx body that carries
/// only an error status (`{"status": {"errorCode": 5250, ...}}`, or `data: null` next to it)
/// becomes an [`Error::Api`] with Giftoin's code.
///
/// `T` is read from a JSON object only, bare or as `data`: an array is never read by position
/// (see [`questkit_core::decode::object`]).
pub(crate) fn decode_payload<T: DeserializeOwned>(raw: &RawResponse) -> Result<T> {
    let shape = Shape::of(&raw.body);
    shape.check_error(raw)?;
    if shape.is_envelope() {
        decode_json::<Data<T>>(raw).map(|d| d.data)
    } else {
        decode_json::<T>(raw)
    }
}

/// Like [`decode_payload`] for a list, where `null` (bare or as `data`) reads as empty and each
/// item is read from a JSON object only.
pub(crate) fn decode_list<T: DeserializeOwned>(raw: &RawResponse) -> Result<Vec<T>> {
    // The usual answers (a bare list, or `{data, status}`) in one pass over the body. Any other
    // body, and any failure, takes the two passes below, which name what is wrong.
    if let Ok(body) = questkit_core::decode::from_slice::<ListBody<T>>(&raw.body) {
        if !body.object || body.shape.is_envelope() {
            body.shape.check_error(raw)?;
            return Ok(body.items);
        }
    }
    let shape = Shape::of(&raw.body);
    shape.check_error(raw)?;
    let list = if shape.is_envelope() {
        decode_json::<Data<List<T>>>(raw)?.data
    } else {
        decode_json::<List<T>>(raw)?
    };
    Ok(list.0)
}

/// A list body read in one pass: the items of a bare list, or the `data` of an object with
/// the object's [`Shape`] (the same keys [`Shape::of`] reads).
struct ListBody<T> {
    items: Vec<T>,
    shape: Shape,
    /// Whether the body was an object (else a bare list or `null`).
    object: bool,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ListBody<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct BodyVisitor<T>(std::marker::PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for BodyVisitor<T> {
            type Value = ListBody<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list, null or a {data, status} object")
            }

            fn visit_unit<E>(self) -> std::result::Result<ListBody<T>, E> {
                Ok(ListBody {
                    items: Vec::new(),
                    shape: Shape::default(),
                    object: false,
                })
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                seq: A,
            ) -> std::result::Result<ListBody<T>, A::Error> {
                let list =
                    List::<T>::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))?;
                Ok(ListBody {
                    items: list.0,
                    shape: Shape::default(),
                    object: false,
                })
            }

            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<ListBody<T>, A::Error> {
                let mut shape = Shape::default();
                let mut items = Vec::new();
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    match key.as_ref() {
                        "data" if shape.has_data => {
                            return Err(serde::de::Error::duplicate_field("data"));
                        }
                        "data" => {
                            shape.has_data = true;
                            match map.next_value::<Option<List<T>>>()? {
                                Some(list) => items = list.0,
                                None => shape.data_is_null = true,
                            }
                        }
                        "status" => shape.status = map.next_value()?,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(ListBody {
                    items,
                    shape,
                    object: true,
                })
            }
        }

        deserializer.deserialize_any(BodyVisitor(std::marker::PhantomData))
    }
}

/// The `data` member of an envelope, a model read from an object only.
#[derive(Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub(crate) struct Data<T> {
    #[serde(deserialize_with = "questkit_core::decode::object::deserialize")]
    pub(crate) data: T,
}

/// The top level of a body: whether it is an object with `data`, and its `status` object.
#[derive(Default)]
pub(crate) struct Shape {
    has_data: bool,
    data_is_null: bool,
    status: StatusField,
}

#[derive(Default)]
enum StatusField {
    /// No `status` key (or the body is not an object).
    #[default]
    Absent,
    /// `status: null`.
    Null,
    /// An envelope status object.
    Object(Box<ResponseStatus>),
    /// A string or anything else: a model's own `status` field (programs, orders).
    Other,
}

impl Shape {
    /// Scans `body`; a body that is not a JSON object (or not JSON) has the default shape, and
    /// the typed decode that follows reports what is wrong with it.
    pub(crate) fn of(body: &[u8]) -> Shape {
        serde_json::from_slice(body).unwrap_or_default()
    }

    /// An object with a `data` key whose `status`, if any, is an object or null.
    pub(crate) fn is_envelope(&self) -> bool {
        self.has_data && !matches!(self.status, StatusField::Other)
    }

    /// The error a success response carries: an error status with no data (Giftoin's error
    /// body inside a 2xx), with the HTTP status its code stands for.
    pub(crate) fn error(&self) -> Option<ErrorDetails> {
        let StatusField::Object(status) = &self.status else {
            return None;
        };
        if self.has_data && !self.data_is_null {
            return None;
        }
        let code = status.error_code.filter(|c| c.is_error())?;
        let details = details(status)?;
        Some(
            match code
                .http_status()
                .and_then(|s| StatusCode::from_u16(s).ok())
            {
                Some(http) => details.with_status(http),
                None => details,
            },
        )
    }

    /// [`Shape::error`] as the call's error.
    fn check_error(&self, raw: &RawResponse) -> Result<()> {
        match self.error() {
            Some(details) => Err(Error::from(ApiError::from_details(
                raw.status,
                &raw.headers,
                &raw.body,
                details,
            ))),
            None => Ok(()),
        }
    }
}

impl<'de> Deserialize<'de> for Shape {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct ShapeVisitor;

        impl<'de> Visitor<'de> for ShapeVisitor {
            type Value = Shape;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Shape, A::Error> {
                let mut shape = Shape::default();
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    match key.as_ref() {
                        "data" => {
                            shape.has_data = true;
                            shape.data_is_null = map.next_value::<Option<IgnoredAny>>()?.is_none();
                        }
                        "status" => shape.status = map.next_value()?,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(shape)
            }
        }

        deserializer.deserialize_map(ShapeVisitor)
    }
}

impl<'de> Deserialize<'de> for StatusField {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct StatusVisitor;

        impl<'de> Visitor<'de> for StatusVisitor {
            type Value = StatusField;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a status object, null or a status value")
            }

            fn visit_map<A: MapAccess<'de>>(
                self,
                map: A,
            ) -> std::result::Result<StatusField, A::Error> {
                // Small, and read member by member so that one odd member never fails it.
                let status = ResponseStatus::lenient(map)?;
                Ok(StatusField::Object(Box::new(status)))
            }

            fn visit_unit<E>(self) -> std::result::Result<StatusField, E> {
                Ok(StatusField::Null)
            }

            fn visit_none<E>(self) -> std::result::Result<StatusField, E> {
                Ok(StatusField::Null)
            }

            fn visit_str<E>(self, _: &str) -> std::result::Result<StatusField, E> {
                Ok(StatusField::Other)
            }

            fn visit_bool<E>(self, _: bool) -> std::result::Result<StatusField, E> {
                Ok(StatusField::Other)
            }

            fn visit_i64<E>(self, _: i64) -> std::result::Result<StatusField, E> {
                Ok(StatusField::Other)
            }

            fn visit_u64<E>(self, _: u64) -> std::result::Result<StatusField, E> {
                Ok(StatusField::Other)
            }

            fn visit_f64<E>(self, _: f64) -> std::result::Result<StatusField, E> {
                Ok(StatusField::Other)
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<StatusField, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(StatusField::Other)
            }
        }

        deserializer.deserialize_any(StatusVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(json: &str) -> Shape {
        Shape::of(json.as_bytes())
    }

    #[test]
    fn odd_status_members_are_left_out() {
        let body = br#"{"status":{"errorCode":"n/a","errorMessage":"Campaign not found"}}"#;
        assert_eq!(
            parse_error_body(body).and_then(|d| d.message).as_deref(),
            Some("Campaign not found")
        );
        let status = status_object(br#"{"status":{"errorCode":5250,"errorMessage":7}}"#).unwrap();
        assert_eq!(status.error_code, Some(ErrorCode::CAMPAIGN_NOT_FOUND));
        assert_eq!(status.error_message, None);
        let enveloped = shape(r#"{"data": {"id": "p"}, "status": {"timestamp": true}}"#);
        assert!(enveloped.is_envelope() && enveloped.error().is_none());
    }

    #[test]
    fn shapes() {
        assert!(shape(r#"{"data": [], "status": {"timestamp": "1"}}"#).is_envelope());
        assert!(shape(r#"{"data": {}}"#).is_envelope());
        assert!(shape(r#"{"data": {}, "status": null}"#).is_envelope());
        assert!(!shape(r#"{"orderId": "o", "status": "created"}"#).is_envelope());
        assert!(!shape(r#"{"data": "x", "status": "created"}"#).is_envelope());
        assert!(!shape(r#"[{"data": 1}]"#).is_envelope());
        assert!(!shape(r#"{"status": {"errorCode": 1002}}"#).is_envelope());
        assert!(!shape("not json").is_envelope());
        assert!(!shape("").is_envelope());
        let error = shape(
            r#"{"data": null, "status": {"errorCode": 5250, "errorMessage": "Campaign not found"}}"#,
        );
        assert!(error.data_is_null && matches!(error.status, StatusField::Object(_)));
    }
}
