//! Verifying and parsing a Trophy webhook delivery.
//!
//! Trophy signs each delivery with `X-Trophy-Signature: base64(HMAC-SHA256(raw body, secret))`.
//! A handler checks the signature over the raw bytes first, then dispatches on the event type.
//!
//! ```text
//! cargo run --example trophy_webhook                          # signs and checks a sample delivery
//! TROPHY_WEBHOOK_SECRET=... TROPHY_WEBHOOK_BODY=body.json \
//!   TROPHY_WEBHOOK_SIGNATURE=... cargo run --example trophy_webhook   # checks a real one
//! ```
//!
//! Environment: `TROPHY_WEBHOOK_SECRET`, `TROPHY_WEBHOOK_BODY` (a file holding the raw body) and
//! `TROPHY_WEBHOOK_SIGNATURE` (the header's value). Without all three, the example signs a
//! built-in sample with a demo secret, so it needs no network and no account.

use questkit::trophy::webhooks::{
    SIGNATURE_HEADER, WebhookError, WebhookEvent, parse_webhook, sign_webhook,
};

const SAMPLE: &str = r#"{
  "type": "achievement.completed",
  "user": {"id": "user-1", "email": "ada@example.com", "subscribeToEmails": true,
           "attributes": {}, "created": "2025-01-01T00:00:00Z", "updated": "2025-04-03T14:30:00Z"},
  "achievement": {"id": "a-1", "name": "Novice Writer", "trigger": "metric", "metricValue": 500,
                  "metricName": "words written", "achievedAt": "2025-04-03T14:30:00Z"}
}"#;

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn main() {
    let real = match (
        env("TROPHY_WEBHOOK_SECRET"),
        env("TROPHY_WEBHOOK_BODY"),
        env("TROPHY_WEBHOOK_SIGNATURE"),
    ) {
        (Some(secret), Some(path), Some(signature)) => match std::fs::read(&path) {
            Ok(body) => Some((secret, body, signature)),
            Err(err) => {
                eprintln!("error: cannot read {path}: {err}");
                std::process::exit(1);
            }
        },
        _ => None,
    };
    let (secret, body, signature) = match real {
        Some(delivery) => {
            println!("Checking the delivery from TROPHY_WEBHOOK_BODY");
            delivery
        }
        None => {
            let secret = "whsec_demo_secret".to_owned();
            let signature = sign_webhook(SAMPLE.as_bytes(), &secret);
            println!(
                "TROPHY_WEBHOOK_* not set: checking a built-in sample signed with a demo secret"
            );
            println!("{SIGNATURE_HEADER}: {signature}");
            (secret, SAMPLE.as_bytes().to_vec(), signature)
        }
    };

    match handle(&body, &signature, &secret) {
        Ok(()) => {}
        Err(err) => {
            // What a web handler would answer: 401 for a bad signature, 400 for a bad payload.
            let status = if err.is_signature_error() { 401 } else { 400 };
            eprintln!("rejected ({status}): {err}");
            std::process::exit(1);
        }
    }

    // A tampered body never passes.
    let mut tampered = body.clone();
    tampered.extend_from_slice(b" ");
    match parse_webhook(&tampered, &signature, &secret) {
        Err(WebhookError::SignatureMismatch) => {
            println!("A tampered copy is rejected: signature mismatch")
        }
        other => println!("unexpected result for a tampered copy: {other:?}"),
    }
}

fn handle(body: &[u8], signature: &str, secret: &str) -> Result<(), WebhookError> {
    let event = parse_webhook(body, signature, secret)?;
    println!("Verified a `{}` event", event.event_type());
    match &event {
        WebhookEvent::AchievementCompleted(e) => {
            println!("  {} completed {}", e.user.id, e.achievement.name)
        }
        WebhookEvent::StreakExtended(e) | WebhookEvent::StreakStarted(e) => {
            println!("  {}'s streak is now {}", e.user.id, e.streak.length)
        }
        WebhookEvent::StreakLost(e) => println!("  {} lost a streak of {}", e.user.id, e.length),
        WebhookEvent::PointsChanged(e) => println!(
            "  {} has {} {} (+{})",
            e.user.id, e.points.total, e.points.name, e.points.added
        ),
        WebhookEvent::LeaderboardRankChanged(e) => println!(
            "  {} moved from {:?} to {:?} on {}",
            e.user.id, e.leaderboard.previous_rank, e.leaderboard.rank, e.leaderboard.name
        ),
        WebhookEvent::Unknown { event_type, .. } => {
            println!("  not handled by this version: {event_type} (kept as raw JSON)")
        }
        other => match other.user() {
            Some(user) => println!("  about user {}", user.id),
            None => println!("  no user attached"),
        },
    }
    Ok(())
}
