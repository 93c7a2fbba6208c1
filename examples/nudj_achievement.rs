//! A Nudj achievement and what is left to complete it: its criteria tree explained against the
//! user's progress.
//!
//! ```text
//! cargo run --example nudj_achievement                                           # the built-in mock
//! NUDJ_API_TOKEN=... NUDJ_SUBDOMAIN=acme cargo run --example nudj_achievement ID # the real API
//! ```
//!
//! Environment: `NUDJ_API_TOKEN` (without it the example starts the mock), `NUDJ_BASE_URL`
//! (a custom domain, e.g. `https://rewards.example.com/api/v2/integration`) or
//! `NUDJ_SUBDOMAIN` (`acme` for acme.nudj.cx), `NUDJ_LANGUAGE` (optional `x-language`).
//! The achievement id is the first argument, else `NUDJ_ACHIEVEMENT_ID`, else the first
//! achievement of the list.

use questkit::HasProgress;
use questkit::nudj::Achievement;
use questkit_mock::nudj::DEMO_ACHIEVEMENT_ID;

mod support;

use support::env;

const BAR_WIDTH: usize = 24;

#[tokio::main]
async fn main() {
    support::finish(run().await);
}

async fn run() -> questkit::Result<()> {
    let connected = support::nudj().await?;
    println!("{}", connected.description);
    let nudj = &connected.client;
    let default_id = connected.mocked.then(|| DEMO_ACHIEVEMENT_ID.to_owned());

    let id = std::env::args()
        .nth(1)
        .or_else(|| env("NUDJ_ACHIEVEMENT_ID"))
        .or(default_id);
    let achievement = match id {
        Some(id) => nudj.achievements().get(&id).await?,
        None => {
            let page = nudj.achievements().list().limit(1).await?;
            match page.edges.into_iter().next() {
                Some(first) => first,
                None => {
                    println!("No achievements are visible to this token.");
                    return Ok(());
                }
            }
        }
    };
    show(&achievement);
    Ok(())
}

fn show(achievement: &Achievement) {
    let title = achievement.title().unwrap_or("(untitled)");
    let period = achievement
        .progress_period
        .as_ref()
        .map_or_else(|| "?".to_owned(), |p| p.to_string());
    println!();
    println!("{title} [{}] (resets: {period})", achievement.id);
    if let Some(description) = achievement
        .details
        .as_ref()
        .and_then(|d| d.description.as_deref())
    {
        println!("{description}");
    }
    let progress = achievement.progress();
    let filled = (progress.fraction() * BAR_WIDTH as f64).round() as usize;
    println!(
        "[{}{}] {:>3}%{}",
        "#".repeat(filled),
        "-".repeat(BAR_WIDTH - filled),
        progress.percent(),
        if progress.is_completed() {
            " completed"
        } else {
            ""
        }
    );
    println!();
    println!("{}", achievement.explain());
    if let (Some(points), Some(xp)) = (achievement.reward_points(), achievement.reward_xp()) {
        println!();
        println!("Reward: {points} points, {xp} XP");
    }
}
