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

use questkit_core::fuzzing::{decode_body as decode, round_trip};
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
        round_trip(data, &envelope);
    }
    if let Some(errors) = decode::<FieldErrors>(data) {
        round_trip(data, &errors);
        let _ = errors.summary();
    }
    if let Some(value) = decode::<NumberOrText>(data) {
        round_trip(data, &value);
        assert!(value.as_f64().is_none_or(f64::is_finite));
    }
    if let Some(map) = decode::<OrderedMap<String, NumberOrText>>(data) {
        round_trip(data, &map);
    }
}

/// As `decode_envelope`: an error envelope stops it; otherwise the model in `data`.
fn enveloped<T: Serialize + DeserializeOwned>(body: &[u8]) {
    if let Ok(None) = envelope_head(body) {
        if let Some(DataOnly { data: Some(model) }) = decode::<DataOnly<T>>(body) {
            round_trip(body, &model);
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
        round_trip(body, &tokens);
        let redacted = LoginTokens::new("a", tokens.refresh().map(|_| "r".to_owned()));
        assert_eq!(format!("{tokens:?}"), format!("{redacted:?}"));
    }
}
