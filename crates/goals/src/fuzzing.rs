//! Entry points for fuzzers: plain functions that must not panic on any input, and that check
//! what must hold for every body (a decoded model serializes, decodes again, and gives the
//! same JSON; an envelope's success and its error reading agree).
//!
//! The core offers no public constructor of a [`questkit_core::RawResponse`], so these drive
//! the response decoders' own parts on the bytes, chained as the decoders chain them: the
//! envelope pre-scan, the typed decode of `data` (with `questkit_core::decode::from_slice`, as
//! `decode_json` does), the login tokens bare or enveloped, and the error-body parser.
// Fuzz input is arbitrary: no indexing, no unchecked arithmetic.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
// A broken invariant must stop the fuzzer; nothing here runs inside a client.
#![allow(clippy::panic)]

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{DataOnly, envelope_head, parse_error_body};
use crate::{
    Envelope, FieldErrors, GoalsLeaderboard, LoginTokens, NumberOrText, OrderedMap, Overview,
};

/// The first byte picks a response decoder (the overview, the leaderboard, the login or
/// refresh tokens) or the error-body parser; the rest is the body.
pub fn decoders(data: &[u8]) {
    let Some((selector, body)) = data.split_first() else {
        return;
    };
    match selector % 4 {
        0 => enveloped::<Overview>(body),
        1 => enveloped::<GoalsLeaderboard>(body),
        2 => tokens(body),
        _ => {
            let _ = parse_error_body(body);
        }
    }
}

/// The Epixel envelope and the lenient values on their own: an envelope's `is_success` agrees
/// with the decoders' error reading, and the envelope, its field errors, placeholder numbers
/// and ordered maps round-trip.
pub fn envelope(data: &[u8]) {
    if let Some(envelope) = decode::<Envelope<Value>>(data) {
        if let Ok(head) = envelope_head(data) {
            assert_eq!(
                envelope.is_success(),
                head.is_none(),
                "the envelope and the error reading disagree"
            );
        }
        round_trip(&envelope);
    }
    if let Some(errors) = decode::<FieldErrors>(data) {
        round_trip(&errors);
        let _ = errors.summary();
    }
    if let Some(value) = decode::<NumberOrText>(data) {
        round_trip(&value);
        assert!(value.as_f64().is_none_or(f64::is_finite));
    }
    if let Some(map) = decode::<OrderedMap<String, NumberOrText>>(data) {
        round_trip(&map);
    }
}

/// As `decode_envelope`: an error envelope stops it; otherwise the model in `data`.
fn enveloped<T: Serialize + DeserializeOwned>(body: &[u8]) {
    if let Ok(None) = envelope_head(body) {
        if let Some(DataOnly { data: Some(model) }) = decode::<DataOnly<T>>(body) {
            round_trip(&model);
        }
    }
}

/// As `decode_tokens`: bare `{refresh, access}`, else the envelope's. `Debug` never depends on
/// the tokens.
fn tokens(body: &[u8]) {
    let mut found = decode::<LoginTokens>(body);
    if let Ok(None) = envelope_head(body) {
        if let Some(DataOnly { data: Some(tokens) }) = decode::<DataOnly<LoginTokens>>(body) {
            found.get_or_insert(tokens);
        }
    }
    if let Some(tokens) = found {
        round_trip(&tokens);
        let redacted = LoginTokens::new("a", tokens.refresh().map(|_| "r".to_owned()));
        assert_eq!(format!("{tokens:?}"), format!("{redacted:?}"));
    }
}

/// Decodes as the core's default decoder does: an empty body reads as `null`.
fn decode<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        body
    };
    questkit_core::decode::from_slice(body).ok()
}

/// A decoded value serializes, decodes again, and serializes to the same JSON.
fn round_trip<T: Serialize + DeserializeOwned>(value: &T) {
    let (Ok(bytes), Ok(first)) = (serde_json::to_vec(value), serde_json::to_value(value)) else {
        panic!("a decoded value does not serialize");
    };
    let Ok(again) = questkit_core::decode::from_slice::<T>(&bytes) else {
        panic!(
            "a serialized value does not decode again: {}",
            String::from_utf8_lossy(&bytes)
        );
    };
    let second = serde_json::to_value(&again).unwrap_or(Value::Null);
    assert!(
        same_json(&first, &second),
        "the round trip changed the value: {first} -> {second}"
    );
}

/// JSON equality, with floats equal up to the last bits (serde_json's default float parsing
/// is not always correctly rounded).
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x == y
                || matches!((x.as_f64(), y.as_f64()), (Some(x), Some(y))
                    if (x - y).abs() <= 4.0 * f64::EPSILON * x.abs().max(y.abs()))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, x)| y.get(key).is_some_and(|y| same_json(x, y)))
        }
        _ => a == b,
    }
}
