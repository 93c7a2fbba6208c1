//! The framework-neutral webhook verifier and the de-duplication key over every signed
//! webhook fixture (fixtures/trophy/webhooks, signatures in signatures.json).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use questkit_trophy::webhooks::{
    DedupKey, SIGNATURE_HEADER, WebhookError, WebhookEvent, WebhookVerifier, sign_webhook,
};

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

/// The natural key of each fixture (see the table on `DedupKey`).
const NATURAL_KEYS: &[(&str, &str)] = &[
    (
        "achievement.completed.json",
        "achievement.completed:user=user-id:achievement=d01dcbcb-d51e-4c12-b054-dc811dcdc625",
    ),
    (
        "emails.achievement_due.json",
        "emails.achievement_due:user=user-123:achievement=a-1",
    ),
    (
        "emails.reactivation_due.json",
        "emails.reactivation_due:user=user-123:message=2",
    ),
    (
        "emails.recap_due.json",
        "emails.recap_due:user=user-123:period=2025-03-31..2025-04-06",
    ),
    (
        "emails.streak_reminder_due.json",
        "emails.streak_reminder_due:user=user-123:period=2025-04-03",
    ),
    (
        "leaderboard.changed.json",
        "leaderboard.changed:leaderboard=5100fe51-6bce-6j44-b0hs-bddc4e123682:run=2025-01-01",
    ),
    (
        "leaderboard.finished.json",
        "leaderboard.finished:leaderboard=5100fe51-6bce-6j44-b0hs-bddc4e123682:run=2025-01-01",
    ),
    (
        "leaderboard.rank_changed.json",
        "leaderboard.rank_changed:user=user-id:leaderboard=5100fe51-6bce-6j44-b0hs-bddc4e123682:run=2025-01-01:previous=1:rank=2",
    ),
    (
        "leaderboard.started.json",
        "leaderboard.started:leaderboard=5100fe51-6bce-6j44-b0hs-bddc4e123682:run=2025-01-01",
    ),
    (
        "points.boost_finished.json",
        "points.boost_finished:boost=0040fe51-6bce-4b44-b0ad-bddc4e123534",
    ),
    (
        "points.boost_started.json",
        "points.boost_started:boost=0040fe51-6bce-4b44-b0ad-bddc4e123534",
    ),
    (
        "points.changed.json",
        "points.changed:user=user-id:points=0040fe51-6bce-4b44-b0ad-bddc4e123534:total=100",
    ),
    (
        "points.level_changed.json",
        "points.level_changed:user=user-id:points=0040fe51-6bce-4b44-b0ad-bddc4e123534:from=1140fe51-6bce-4b44-b0ad-bddc4e123534:to=2240fe51-6bce-4b44-b0ad-bddc4e123534",
    ),
    (
        "streak.extended.json",
        "streak.extended:user=user-id:period=2025-04-03:length=2",
    ),
    (
        "streak.freeze_consumed.json",
        "streak.freeze_consumed:user=user-id:consumed=1:freezes=2",
    ),
    (
        "streak.freeze_earned.json",
        "streak.freeze_earned:user=user-id:earned=1:freezes=2",
    ),
    (
        "streak.lost.extra_fields.json",
        "streak.lost:user=user-7:length=21",
    ),
    ("streak.lost.json", "streak.lost:user=user-id:length=7"),
    (
        "streak.started.json",
        "streak.started:user=user-id:period=2025-04-02:length=1",
    ),
    ("unknown.user.deleted.json", "user.deleted"),
];

#[test]
fn every_fixture_verifies_during_a_rotation_and_has_its_natural_key() {
    let sigs = signatures();
    // The fixture secret is the "old" one; a new one is configured next to it.
    let verifier = WebhookVerifier::new(["whsec_the_new_one", sigs.secret.as_str()]).unwrap();
    let expected: BTreeMap<_, _> = NATURAL_KEYS.iter().copied().collect();
    assert_eq!(
        expected.keys().copied().collect::<BTreeSet<_>>(),
        sigs.signatures.keys().map(String::as_str).collect(),
        "one natural key per signed fixture"
    );
    let mut keys = BTreeSet::new();
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
        let key = DedupKey::new(&body, &event);
        assert_eq!(key.natural_key(), expected[file.as_str()], "{file}");
        assert_eq!(
            key.as_str(),
            format!("{}:sha256={}", key.natural_key(), key.body_sha256())
        );
        assert!(key.as_str().is_ascii());
        keys.insert(key);
    }
    assert_eq!(
        keys.len(),
        sigs.signatures.len(),
        "every fixture has its own key"
    );
}

#[test]
fn the_same_fixture_signed_by_either_secret_has_one_key() {
    let verifier = WebhookVerifier::new(["whsec_new", "whsec_old"]).unwrap();
    let body = raw("achievement.completed.json");
    let first = verifier
        .verify(&headers(&sign_webhook(&body, "whsec_old")), &body)
        .unwrap();
    let retry = verifier
        .verify(&headers(&sign_webhook(&body, "whsec_new")), &body)
        .unwrap();
    assert_eq!(DedupKey::new(&body, &first), DedupKey::new(&body, &retry));
}

#[test]
fn a_retry_with_a_new_timestamp_is_another_key_with_the_same_natural_key() {
    let body = raw("emails.recap_due.json");
    let text = String::from_utf8(body.clone()).unwrap();
    let retried = text.replace("2025-04-07T08:00:00Z", "2025-04-07T08:05:00Z");
    assert_ne!(text, retried);
    let (a, b) = (
        DedupKey::new(&body, &WebhookEvent::from_slice(&body).unwrap()),
        DedupKey::new(
            retried.as_bytes(),
            &WebhookEvent::from_slice(retried.as_bytes()).unwrap(),
        ),
    );
    assert_ne!(a, b);
    assert_eq!(a.natural_key(), b.natural_key());
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
