//! Trophy admin: set up a metric, an achievement and a points system, record a batch of
//! metric events, then read a user's progress through the application API.
//!
//! ```text
//! cargo run --example trophy_admin                           # the built-in mock (questkit_mock)
//! TROPHY_ADMIN_API_KEY=... cargo run --example trophy_admin  # the real APIs
//! ```
//!
//! Environment: `TROPHY_ADMIN_API_KEY` (without it the example starts the mock),
//! `TROPHY_API_KEY` (application calls; default: the admin key), `TROPHY_BASE_URL` and
//! `TROPHY_ADMIN_BASE_URL` (default: production), `TROPHY_METRIC_KEY` (default
//! `words-written`), `TROPHY_USER_ID` (default `user-1`).
//!
//! Against a real organisation the example creates what is missing and reuses what exists
//! (a key already in use comes back as an issue, not an error).

use futures::TryStreamExt;
use questkit::HasProgress;
use questkit::trophy::Trophy;
use questkit::trophy::admin::achievements::{AchievementStatus, NewAchievement};
use questkit::trophy::admin::metrics::{
    AdminMetric, BatchEvent, BatchEventUser, BatchOutcome, NewMetric,
};
use questkit::trophy::admin::points::{NewPointsLevel, NewPointsSystem, NewPointsTrigger};

mod support;

use support::env;

#[tokio::main]
async fn main() {
    support::finish(run().await);
}

async fn run() -> questkit::Result<()> {
    let connected = support::trophy_admin().await?;
    println!("{}", connected.description);
    let trophy = &connected.client;
    let metric_key = env("TROPHY_METRIC_KEY").unwrap_or_else(|| "words-written".to_owned());
    let user_id = env("TROPHY_USER_ID").unwrap_or_else(|| "user-1".to_owned());

    // 1. POST /metrics, or the metric of that key when it exists (GET /metrics, all pages).
    let metric = metric(trophy, &metric_key).await?;
    println!();
    println!("Metric {} ({}), id {}", metric.name, metric.key, metric.id);

    // 2. POST /achievements: a metric achievement, active at once.
    let achievements = trophy
        .admin()
        .achievements()
        .create([
            NewAchievement::metric("Wordsmith", metric.id.as_str(), 2000.0)
                .description("Write 2,000 words")
                .status(AchievementStatus::Active),
        ])
        .await?;
    for created in &achievements.created {
        println!(
            "Achievement {} ({}) at {:?}",
            created.name, created.status, created.metric_value
        );
    }
    for issue in &achievements.issues {
        println!("Achievement not created: {}", issue.message);
    }

    // 3. POST /points: a points system with two levels and a trigger on the metric.
    let systems = trophy
        .admin()
        .points()
        .systems()
        .create([NewPointsSystem::new("Writing XP", "writing-xp")
            .level(NewPointsLevel::new("Apprentice", "apprentice", 100))
            .level(NewPointsLevel::new("Author", "author", 1000))
            .trigger(NewPointsTrigger::metric(metric.id.as_str(), 100, 10).active())])
        .await?;
    for system in &systems.created {
        println!(
            "Points system {} with {} levels and {} trigger(s)",
            system.name,
            system.levels.as_ref().map_or(0, Vec::len),
            system.triggers.as_ref().map_or(0, Vec::len)
        );
    }
    for issue in &systems.issues {
        println!("Points system not created: {}", issue.message);
    }

    // 4. POST /metrics/events: one request for the whole batch; each event has its own
    //    idempotency key, so resending the same events never counts one twice.
    let events: Vec<BatchEvent> = [(&*user_id, 250.0), ("user-2", 400.0), ("user-3", 120.0)]
        .into_iter()
        .map(|(user, words)| {
            BatchEvent::new(&metric.key, BatchEventUser::new(user), words)
                .attribute("source", "admin-example")
        })
        .collect();
    println!();
    match trophy
        .admin()
        .metrics()
        .batch_events(events.clone())
        .await?
    {
        BatchOutcome::Complete { accepted } => println!("Batch: {accepted} events queued"),
        incomplete => {
            println!(
                "Batch: {} of {} events queued, resending the same events",
                incomplete.accepted(),
                incomplete.sent()
            );
            let again = trophy.admin().metrics().batch_events(events).await?;
            println!("Resend: {} of {} queued", again.accepted(), again.sent());
        }
    }

    // 5. GET /users/{id}/metrics/{key}: the user's total and progress (Trophy processes batches
    //    asynchronously, so a total read right away may not include them yet).
    let progress = trophy.users().single_metric(&user_id, &metric.key).await?;
    println!();
    println!(
        "{user_id}: {} {} ({}% to the next achievement)",
        progress.current,
        progress.name,
        progress.progress().percent()
    );
    for view in progress.achievement_progress() {
        let p = view.progress();
        println!(
            "  [{}] {:<20} {:>6.0} / {}",
            if p.is_completed() { "x" } else { " " },
            view.achievement.name,
            p.current,
            p.target.map_or("-".to_owned(), |t| format!("{t:.0}"))
        );
    }
    Ok(())
}

/// The metric of `key`: created, or found among the existing ones when the key is taken.
async fn metric(trophy: &Trophy, key: &str) -> questkit::Result<AdminMetric> {
    let answer = trophy
        .admin()
        .metrics()
        .create([NewMetric::new("Words written", key).units("words")])
        .await?;
    if let Some(created) = answer.created.into_iter().next() {
        return Ok(created);
    }
    for issue in &answer.issues {
        println!("Metric not created ({}): looking it up", issue.message);
    }
    let existing: Vec<AdminMetric> = trophy
        .admin()
        .metrics()
        .list()
        .stream()
        .try_collect()
        .await?;
    existing.into_iter().find(|m| m.key == key).ok_or_else(|| {
        questkit::Error::invalid_input(format!("no metric {key} could be created or found"))
    })
}
