//! The fuzz entry points survive hostile inputs and hold their invariants on real bodies.

use questkit_nudj::fuzzing::{criteria, decoders};

/// The core's hostile bodies, and this API's own.
fn hostile() -> Vec<Vec<u8>> {
    let mut inputs = questkit_core::fuzzing::hostile_inputs();
    inputs.extend(
        [
            &b"{\"totalCount\": 1, \"edges\": [1, 2,"[..],
            b"{\"totalCount\": 1e999, \"edges\": []}",
            b"{\"totalCount\": -0, \"items\": null}",
            b"{\"id\": -0, \"criteria\": {\"type\": \"sum\", \"parameters\": {\"value\": 1e308}}}",
            b"{\"id\": 1, \"userState\": {\"currentValue\": \"1e999\", \"targetValue\": -0}}",
            b"{\"type\": \"logical\", \"parameters\": {\"operator\": \"and\", \"conditions\": [[]]}}",
            b"{\"type\": \"count\", \"parameters\": {\"query\": \"q\", \"operator\": \">=\", \"value\": \"-0\"}}",
            b"{\"error\": {\"json\": {\"message\": \"m\", \"code\": -32001}}}",
            b"{\"message\": \"[{\\\"path\\\": [1, {}], \\\"message\\\": \\\"x\\\"}]\"}",
        ]
        .iter()
        .map(|b| b.to_vec()),
    );
    let deep = "{\"type\":\"logical\",\"parameters\":{\"operator\":\"and\",\"conditions\":[";
    inputs.push(format!("{}{}", deep.repeat(5_000), "]}}".repeat(5_000)).into_bytes());
    // As deep as the JSON parser allows: explain() walks the whole tree.
    inputs.push(format!("{}{}", deep.repeat(40), "]}}".repeat(40)).into_bytes());
    inputs
}

/// Every JSON fixture's bytes.
fn fixtures() -> Vec<Vec<u8>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/nudj");
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
        for selector in 0..10u8 {
            let mut input = vec![selector];
            input.extend_from_slice(&body);
            decoders(&input);
        }
    }
    decoders(b"");
}

#[test]
fn criteria_survive_hostile_trees() {
    for body in hostile() {
        criteria(&body);
    }
}

#[test]
fn invariants_hold_on_every_fixture_through_every_decoder() {
    for body in fixtures() {
        for selector in 0..10u8 {
            let mut input = vec![selector];
            input.extend_from_slice(&body);
            decoders(&input);
        }
        criteria(&body);
    }
}
