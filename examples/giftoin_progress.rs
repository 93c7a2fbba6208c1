//! A user's Giftoin collection challenges, each with a text progress bar and the cards still
//! missing.
//!
//! ```text
//! cargo run --example giftoin_progress                      # the built-in mock
//! GIFTOIN_API_KEY=... cargo run --example giftoin_progress  # the real API
//! ```
//!
//! Environment: `GIFTOIN_API_KEY` (without it the example starts the mock), `GIFTOIN_BASE_URL`
//! (default: production), `GIFTOIN_PLATFORM` (default `discord`), `GIFTOIN_USER_ID` (default
//! the documentation's example user).

use questkit::HasProgress;
use questkit::giftoin::{CollectionChallenge, Platform};

mod support;

const BAR_WIDTH: usize = 24;

#[tokio::main]
async fn main() {
    support::finish(run().await);
}

async fn run() -> questkit::Result<()> {
    let connected = support::giftoin().await?;
    println!("{}", connected.description);
    let giftoin = &connected.client;

    let platform =
        Platform::from(std::env::var("GIFTOIN_PLATFORM").unwrap_or_else(|_| "discord".to_owned()));
    let user = std::env::var("GIFTOIN_USER_ID").unwrap_or_else(|_| "123456789012345678".to_owned());
    let challenges = giftoin
        .users()
        .collection_challenges(platform.clone(), &user)
        .await?;
    println!(
        "{} collection challenge(s) for {platform} user {user}",
        challenges.len()
    );
    for challenge in &challenges {
        print_challenge(challenge);
    }

    // The single-challenge call returns the same program on its own.
    if let Some(id) = challenges
        .first()
        .and_then(|c| c.id.as_ref().map(|id| id.as_str()))
    {
        let one = giftoin
            .users()
            .collection_challenge(platform.clone(), &user, id)
            .await?;
        println!(
            "\nFetched {id} on its own: {}% complete",
            one.progress().percent()
        );
    }
    Ok(())
}

fn print_challenge(challenge: &CollectionChallenge) {
    let progress = challenge.progress();
    let filled = (progress.fraction() * BAR_WIDTH as f64).round() as usize;
    let bar = format!(
        "{}{}",
        "#".repeat(filled.min(BAR_WIDTH)),
        "-".repeat(BAR_WIDTH - filled.min(BAR_WIDTH))
    );
    let name = challenge.name.as_deref().unwrap_or("(unnamed)");
    let id = challenge.id.as_ref().map(|id| id.as_str()).unwrap_or("?");
    println!("\n{name} ({id})");
    let counts = match progress.target {
        Some(target) => format!("{}/{} cards", progress.current, target),
        None => format!("{} cards", progress.current),
    };
    let state = if progress.is_completed() {
        "complete".to_owned()
    } else {
        challenge
            .status
            .as_ref()
            .map_or_else(|| "status unknown".to_owned(), |s| s.to_string())
    };
    println!("  [{bar}] {:>3}%  {counts}  {state}", progress.percent());

    match (challenge.ends_at(), challenge.time_left) {
        (Some(end), Some(left)) => println!(
            "  ends {} ({} h left)",
            end.format("%Y-%m-%d %H:%M UTC"),
            left.as_secs() / 3600
        ),
        (Some(end), None) => println!("  ends {}", end.format("%Y-%m-%d %H:%M UTC")),
        (None, _) => println!("  no end date"),
    }
    if let Some(reward) = &challenge.reward {
        let claimed = match (reward.is_claimed, reward.can_claim) {
            (Some(true), _) => "claimed",
            (_, Some(true)) => "ready to claim",
            _ => "not claimable yet",
        };
        println!(
            "  reward: {} ({claimed})",
            reward.name.as_deref().unwrap_or("(unnamed)")
        );
    }

    let missing: Vec<String> = challenge
        .missing_cards()
        .map(|card| {
            let name = card
                .name
                .as_deref()
                .or(card.id.as_ref().map(|id| id.as_str()))
                .unwrap_or("?");
            match &card.rarity {
                Some(rarity) => format!("{name} [{rarity}]"),
                None => name.to_owned(),
            }
        })
        .collect();
    let unlisted = challenge
        .missing_count()
        .saturating_sub(missing.len() as u64);
    match (missing.is_empty(), unlisted) {
        (true, 0) => println!("  missing: nothing"),
        (true, n) => println!("  missing: {n} card(s) not listed by Giftoin"),
        (false, 0) => println!("  missing: {}", missing.join(", ")),
        (false, n) => println!("  missing: {} and {n} more not listed", missing.join(", ")),
    }
}
