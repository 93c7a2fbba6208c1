//! The fuzz entry points survive hostile inputs and hold their invariants on real bodies.

use questkit_goals::fuzzing::{decoders, envelope};

/// The core's hostile bodies, and this API's own.
fn hostile() -> Vec<Vec<u8>> {
    let mut inputs = questkit_core::fuzzing::hostile_inputs();
    inputs.extend(
        [
            &b"{\"data\": [1, 2,"[..],
            b"{\"status_code\": 1e999}",
            b"{\"status_code\": -0, \"errors\": [], \"data\": []}",
            b"{\"status_code\": 70000, \"errors\": {\"a\": [1, [\"b\"]]}}",
            b"{\"status_code\": \"200\", \"errors\": \"\", \"data\": {\"user_goals\": []}}",
            b"{\"data\": {\"user_goals\": {\"a\": {\"current\": \"1e999\", \"maximum\": -0}}}}",
            b"{\"access\": 12, \"refresh\": \"r\"}",
            b"{\"data\": {\"access\": \"a\"}, \"detail\": {\"x\": 1}}",
            b"\"1,250.50%\"",
        ]
        .iter()
        .map(|b| b.to_vec()),
    );
    inputs.push(format!("{}{}", "{\"errors\":".repeat(5_000), "}".repeat(5_000)).into_bytes());
    inputs
}

/// Every JSON fixture's bytes.
fn fixtures() -> Vec<Vec<u8>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/goals");
    let mut bodies = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            bodies.push(std::fs::read(&path).unwrap());
        }
    }
    assert!(bodies.len() > 15, "the fixtures were not found");
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
