//! The framework-neutral webhook verifier over every signed webhook fixture
//! (fixtures/trophy/webhooks, signatures in signatures.json).

use std::collections::BTreeMap;
use std::path::Path;

use questkit_trophy::webhooks::{SIGNATURE_HEADER, WebhookError, WebhookVerifier};

#[derive(serde::Deserialize)]
struct Signatures {
    secret: String,
    signatures: BTreeMap<String, String>,
}

fn raw(file: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/trophy/webhooks")
        .join(file);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn signatures() -> Signatures {
    serde_json::from_slice(&raw("signatures.json")).unwrap()
}

fn headers(signature: &str) -> http::HeaderMap {
    let mut map = http::HeaderMap::new();
    map.insert(SIGNATURE_HEADER, signature.parse().unwrap());
    map
}

#[test]
fn every_fixture_verifies_during_a_rotation() {
    let sigs = signatures();
    // The fixture secret is the "old" one; a new one is configured next to it.
    let verifier = WebhookVerifier::new(["whsec_the_new_one", sigs.secret.as_str()]).unwrap();
    assert_eq!(sigs.signatures.len(), 20);
    for (file, signature) in &sigs.signatures {
        let body = raw(file);
        let event = verifier
            .verify(&headers(signature), &body)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(
            verifier.verify_signature(signature, &body).as_ref(),
            Ok(&event),
            "{file}: the header-text form agrees"
        );
    }
}

#[test]
fn a_wrong_secret_never_verifies_a_fixture() {
    let sigs = signatures();
    let verifier = WebhookVerifier::new(["whsec_a", "whsec_b", "whsec_c"]).unwrap();
    for (file, signature) in &sigs.signatures {
        assert_eq!(
            verifier
                .verify(&headers(signature), &raw(file))
                .unwrap_err(),
            WebhookError::SignatureMismatch,
            "{file}"
        );
    }
}
