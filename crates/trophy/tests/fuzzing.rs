//! The fuzz entry points on hostile inputs and on every fixture: they never panic, every model
//! they decode survives a round trip, and a body signed by `sign_webhook` verifies.

use std::path::{Path, PathBuf};

use questkit_trophy::fuzzing::{DECODER_COUNT, decoders, webhook};

fn hostile_bodies() -> Vec<Vec<u8>> {
    let mut bodies: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"[]".to_vec(),
        b"{}".to_vec(),
        b"null".to_vec(),
        b"{\"id\": \"m1\", \"key\": \"k\", \"name\": ".to_vec(),
        b"[{\"id\": \"m1\"".to_vec(),
        br#"["m1","words-written","Words written",null,1500,[]]"#.to_vec(),
        b"1e999".to_vec(),
        br#"{"current": 1e999}"#.to_vec(),
        br#"{"id":"m","key":"k","name":"n","current":"1e999"}"#.to_vec(),
        br#"{"id":"m","key":"k","name":"n","current":-0.0,"achievements":null}"#.to_vec(),
        // Numbers that serde_json's default parser reads one unit in the last place off, so
        // that their re-serialized text reads back as another value.
        br#"[{"date":"2025-01-01","total":1.3825685132735164e+122,"change":-2.628696104559681e+197}]"#.to_vec(),
        br#"{"id":"m","key":"k","name":"n","current":2.5380436532484406e+276}"#.to_vec(),
        br#"{"error": "\ud800"}"#.to_vec(),
        br#"{"type":"streak.lost","user":{"id":"u","created":"2025-01-01T00:00:00Z","updated":"2025-01-01T00:00:00Z"},"length":9223372036854775807}"#.to_vec(),
        br#"{"type":"user.deleted","n":1.5e308,"deep":[[[[]]]]}"#.to_vec(),
        vec![0xff, 0xfe, 0x7b, 0x22, 0x80, 0x22, 0x7d],
        vec![0xc3, 0x28],
        "{\"error\": \"caf\u{e9} \u{1f3c6}\"}".as_bytes().to_vec(),
    ];
    bodies.push(vec![b'['; 10_000]);
    bodies.push(vec![b'{'; 10_000]);
    let mut nested = "[".repeat(10_000);
    nested.push_str(&"]".repeat(10_000));
    bodies.push(nested.into_bytes());
    bodies
}

fn fixtures() -> Vec<Vec<u8>> {
    let root: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/trophy");
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(std::fs::read(&path).unwrap());
            }
        }
    }
    assert!(out.len() > 80, "found {} fixtures", out.len());
    out
}

#[test]
fn decoders_survive_hostile_input() {
    for selector in 0..=255u8 {
        decoders(&[selector]);
        for body in hostile_bodies() {
            let mut input = vec![selector];
            input.extend_from_slice(&body);
            decoders(&input);
        }
    }
    decoders(&[]);
}

#[test]
fn every_fixture_round_trips_through_every_decoder() {
    let fixtures = fixtures();
    for body in &fixtures {
        for selector in 0..DECODER_COUNT {
            let mut input = vec![u8::try_from(selector).unwrap()];
            input.extend_from_slice(body);
            decoders(&input);
        }
    }
}

fn prefixed(secret: &[u8], header: &[u8], body: &[u8]) -> Vec<u8> {
    let mut input = vec![u8::try_from(secret.len()).unwrap()];
    input.extend_from_slice(secret);
    input.push(u8::try_from(header.len()).unwrap());
    input.extend_from_slice(header);
    input.extend_from_slice(body);
    input
}

#[test]
fn webhook_survives_hostile_input() {
    webhook(&[]);
    webhook(&[200]);
    webhook(&[3, b'a']);
    webhook(&[1, b's', 250, b'x']);
    for body in hostile_bodies().iter().chain(fixtures().iter()) {
        for (secret, header) in [
            (&b""[..], &b""[..]),
            (b"whsec_x", b""),
            (b"whsec_x", b"not base64!"),
            (b"whsec_x", b"c2hvcnQ="),
            (&[0xff, 0x00][..], b"AAAA"),
        ] {
            webhook(&prefixed(secret, header, body));
        }
        // A correctly signed body: verification and parsing agree.
        let signature = questkit_trophy::sign_webhook(body, "whsec_x");
        webhook(&prefixed(b"whsec_x", signature.as_bytes(), body));
    }
}
