//! The fuzz entry points survive hostile inputs and hold their invariants on real bodies.

use questkit_giftoin::fuzzing::{decoders, envelope};

/// The core's hostile bodies, and this API's own.
fn hostile() -> Vec<Vec<u8>> {
    let mut inputs = questkit_core::fuzzing::hostile_inputs();
    inputs.extend(
        [
            &b"{\"data\": [1, 2,"[..],
            b"{\"data\": -0, \"status\": {\"errorCode\": 1e999}}",
            b"{\"data\": null, \"status\": {\"errorCode\": 5250, \"errorMessage\": \"x\"}}",
            b"{\"status\": {\"errorCode\": \"n/a\", \"timestamp\": [], \"errorMessage\": 7}}",
            b"{\"timeLeft\": -0, \"createdTimestamp\": 1e19, \"size\": 1e999}",
        ]
        .iter()
        .map(|b| b.to_vec()),
    );
    inputs.push(format!("{}{}", "{\"data\":".repeat(5_000), "}".repeat(5_000)).into_bytes());
    inputs
}

/// Every JSON fixture's bytes.
fn fixtures() -> Vec<Vec<u8>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/giftoin");
    let mut bodies = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            bodies.push(std::fs::read(&path).unwrap());
        }
    }
    assert!(bodies.len() > 20, "the fixtures were not found");
    bodies
}

#[test]
fn decoders_survive_hostile_bodies() {
    for body in hostile() {
        for selector in 0..4u8 {
            let mut input = vec![selector];
            input.extend_from_slice(&body);
            decoders(&input);
        }
    }
    decoders(b"");
}

#[test]
fn envelope_detection_survives_hostile_bodies() {
    for body in hostile() {
        envelope(&body);
    }
}

#[test]
fn invariants_hold_on_every_fixture_through_every_decoder() {
    for body in fixtures() {
        for selector in 0..4u8 {
            let mut input = vec![selector];
            input.extend_from_slice(&body);
            decoders(&input);
        }
        envelope(&body);
    }
}
