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
use questkit::nudj::{Achievement, Nudj};
use questkit_mock::nudj::{DEMO_ACHIEVEMENT_ID, DEMO_API_TOKEN, NudjMock};

const BAR_WIDTH: usize = 24;

#[tokio::main]
async fn main() {
    if let Err(err) = run().await {
        // Display is one line with the status, Nudj's tRPC code and message; never the token.
        eprintln!("error: {err}");
        std::process::exit(1);
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

async fn run() -> questkit::Result<()> {
    // Keep the mock alive for the whole run.
    let mut _mock = None;
    let mut default_id = None;
    let mut builder = Nudj::builder();
    if let Some(language) = env("NUDJ_LANGUAGE") {
        builder = builder.language(language);
    }
    let nudj = match env("NUDJ_API_TOKEN") {
        Some(token) => {
            builder = builder.api_token(token);
            match (env("NUDJ_BASE_URL"), env("NUDJ_SUBDOMAIN")) {
                (Some(base), _) => {
                    println!("Calling the Nudj API at {base}");
                    builder = builder.base_url(base);
                }
                (None, Some(subdomain)) => {
                    println!("Calling the Nudj API of {subdomain}.nudj.cx");
                    builder = builder.subdomain(subdomain);
                }
                (None, None) => {
                    return Err(questkit::Error::config(
                        "set NUDJ_BASE_URL or NUDJ_SUBDOMAIN along with NUDJ_API_TOKEN",
                    ));
                }
            }
            builder.build()?
        }
        None => {
            let mock = NudjMock::start().await;
            println!(
                "NUDJ_API_TOKEN is not set: using the built-in Nudj mock at {}",
                mock.uri()
            );
            let client = builder
                .api_token(DEMO_API_TOKEN)
                .base_url(mock.uri())
                .build()?;
            _mock = Some(mock);
            default_id = Some(DEMO_ACHIEVEMENT_ID.to_owned());
            client
        }
    };

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
