//! Entry points for fuzzers: plain functions that must not panic on any input, and that check
//! what must hold for every body (a decoded model serializes, decodes again, and gives the
//! same JSON).
//!
//! The core offers no public constructor of a [`questkit_core::RawResponse`], so these drive
//! the response decoders' own parts on the bytes, chained as the decoders chain them: the
//! envelope scan, the error status inside a 2xx, the typed decode of a bare or enveloped body
//! (with `questkit_core::decode::from_slice`, as `decode_json` does), and the error-body
//! parser.
// Fuzz input is arbitrary: no indexing, no unchecked arithmetic.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
// A broken invariant must stop the fuzzer; nothing here runs inside a client.
#![allow(clippy::panic)]

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::decode::{Data, Shape, parse_error_body, status_object};
use crate::envelope::{Payload, is_envelope};
use crate::error::ErrorBody;
use crate::{CollectionChallenge, OrderCreated};
use questkit_core::decode::object::List;
use questkit_core::fuzzing::{decode_body as decode, round_trip};

/// The first byte picks a response decoder (one challenge, the list of challenges, a created
/// order) or the error-body parser; the rest is the body.
pub fn decoders(data: &[u8]) {
    let Some((selector, body)) = data.split_first() else {
        return;
    };
    match selector % 4 {
        0 => payload::<CollectionChallenge>(body),
        1 => list::<CollectionChallenge>(body),
        2 => payload::<OrderCreated>(body),
        _ => error_body(body),
    }
}

/// Envelope detection: the decoders' scan agrees with the public [`is_envelope`] and
/// [`Payload`], an error status is only found with a code, and a status read leniently
/// round-trips.
pub fn envelope(data: &[u8]) {
    let shape = Shape::of(data);
    if let Some(error) = shape.error() {
        assert!(error.code.is_some(), "an error status without a code");
    }
    if let Ok(value) = serde_json::from_slice::<Value>(data) {
        assert_eq!(
            shape.is_envelope(),
            is_envelope(&value),
            "the scan and the public detection disagree"
        );
        if let Ok(payload) = serde_json::from_value::<Payload<Value>>(value) {
            assert_eq!(payload.is_enveloped(), shape.is_envelope());
        }
    }
    if let Some(status) = status_object(data) {
        round_trip(data, &status);
    }
}

/// As `decode_payload`: an error status in the body stops it; otherwise the model, bare or as
/// `data`.
fn payload<T: Serialize + DeserializeOwned>(body: &[u8]) {
    let shape = Shape::of(body);
    if shape.error().is_some() {
        return;
    }
    if shape.is_envelope() {
        if let Some(data) = decode::<Data<T>>(body) {
            round_trip(body, &data.data);
        }
    } else if let Some(model) = decode::<T>(body) {
        round_trip(body, &model);
    }
}

/// As `decode_list`.
fn list<T: Serialize + DeserializeOwned>(body: &[u8]) {
    let shape = Shape::of(body);
    if shape.error().is_some() {
        return;
    }
    let items = if shape.is_envelope() {
        decode::<Data<List<T>>>(body).map(|d| d.data.0)
    } else {
        decode::<List<T>>(body).map(|l| l.0)
    };
    if let Some(items) = items {
        round_trip(body, &items);
    }
}

/// The transport's error parser, and the public error body it is built on.
fn error_body(body: &[u8]) {
    let details = parse_error_body(body);
    let parsed = ErrorBody::parse(body);
    if details.is_some() {
        assert!(
            parsed.is_some(),
            "details from a body that is not an error body"
        );
    }
    if let Some(parsed) = parsed {
        round_trip(body, &parsed);
    }
}
