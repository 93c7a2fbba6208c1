//! Trophy quickstart: a user's metric with progress towards its achievements, the user's
//! achievements (completed and open), and one metric event.
//!
//! ```text
//! cargo run --example trophy_quickstart                     # the built-in mock
//! TROPHY_API_KEY=... cargo run --example trophy_quickstart  # the real API
//! ```
//!
//! Environment: `TROPHY_API_KEY` (without it the example starts the mock), `TROPHY_BASE_URL`
//! (default: production), `TROPHY_USER_ID` (default `user-1`), `TROPHY_METRIC_KEY` (default
//! `words-written`).

use questkit::HasProgress;
use questkit::trophy::UpsertedUser;

mod support;

use support::env;

const BAR_WIDTH: usize = 20;

#[tokio::main]
async fn main() {
    support::finish(run().await);
}

async fn run() -> questkit::Result<()> {
    let connected = support::trophy().await?;
    println!("{}", connected.description);
    let trophy = &connected.client;
    let user_id = env("TROPHY_USER_ID").unwrap_or_else(|| "user-1".to_owned());
    let metric_key = env("TROPHY_METRIC_KEY").unwrap_or_else(|| "words-written".to_owned());

    // 1. GET /users/{id}/metrics/{key}
    let metric = trophy.users().single_metric(&user_id, &metric_key).await?;
    println!();
    println!("{} for {user_id}: {}", metric.name, metric.current);
    for view in metric.achievement_progress() {
        let progress = view.progress();
        println!(
            "  {} {:<22} {:>5.0} / {:<6} {}",
            bar(progress.fraction()),
            view.achievement.name,
            progress.current,
            progress
                .target
                .map_or("-".to_owned(), |t| format!("{t:.0}")),
            if progress.is_completed() { "done" } else { "" },
        );
    }
    match metric.next_achievement() {
        Some(next) => println!(
            "  next: {} ({}% there)",
            next.name,
            metric.progress().percent()
        ),
        None => println!("  every achievement of this metric is done"),
    }

    // 2. GET /users/{id}/achievements?includeIncomplete=true
    let achievements = trophy
        .users()
        .achievements(&user_id)
        .include_incomplete(true)
        .await?;
    let done = achievements.iter().filter(|a| a.is_achieved()).count();
    println!();
    println!("Achievements: {done} of {} completed", achievements.len());
    for a in &achievements {
        let when = a
            .achieved_at
            .map_or_else(String::new, |t| t.format("%Y-%m-%d").to_string());
        println!(
            "  [{}] {:<24} {:<12} rarity {:>5.1}%  {when}",
            if a.is_achieved() { "x" } else { " " },
            a.name,
            a.trigger.as_str(),
            a.rarity,
        );
    }

    // 3. POST /metrics/{key}/event (an idempotency key is generated once and reused on retry)
    let outcome = trophy
        .metrics()
        .event(&metric_key, UpsertedUser::new(&user_id), 250.0)
        .attribute("source", "quickstart")
        .await?;
    println!();
    println!(
        "Event: +250 {} -> total {} (HTTP {}{})",
        metric.name,
        outcome.total,
        outcome.status,
        if outcome.replayed { ", replayed" } else { "" }
    );
    for a in &outcome.achievements {
        println!("  unlocked: {}", a.name);
    }
    if let Some(streak) = &outcome.current_streak {
        println!(
            "  streak: {} ({}){}",
            streak.length,
            streak.frequency,
            if streak.extended == Some(true) {
                ", extended"
            } else {
                ""
            }
        );
    }
    for (key, points) in &outcome.points {
        println!("  points {key}: +{} = {}", points.added, points.total);
    }
    Ok(())
}

fn bar(fraction: f64) -> String {
    let filled = ((fraction * BAR_WIDTH as f64).round() as usize).min(BAR_WIDTH);
    format!("[{}{}]", "#".repeat(filled), "-".repeat(BAR_WIDTH - filled))
}
