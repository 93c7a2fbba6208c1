//! The questkit tour: one user's progress on Trophy, Nudj, Epixel Goals and Giftoin as one
//! table of progress bars, then what is left of one Nudj achievement.
//!
//! ```text
//! cargo run --example tour
//! ```
//!
//! With no keys in the environment every API is served by its built-in mock (on 127.0.0.1), so
//! the tour works offline. Name an API's keys (see the README's environment table) and that
//! API is called for real, the others stay on their mocks. Extra settings: `TROPHY_USER_ID`,
//! `TROPHY_METRIC_KEY`, `NUDJ_ACHIEVEMENT_ID`, `GIFTOIN_PLATFORM`, `GIFTOIN_USER_ID`.

use questkit::giftoin::Platform;
use questkit::progress::ProgressItem;
use questkit_mock::nudj::DEMO_ACHIEVEMENT_ID;

mod support;

use support::{Connected, env};

const BAR: usize = 20;
/// How many Nudj achievements the table shows.
const NUDJ_ROWS: usize = 4;

#[tokio::main]
async fn main() {
    support::finish(run().await);
}

async fn run() -> questkit::Result<()> {
    let (trophy, nudj, goals, giftoin) = futures::try_join!(
        support::trophy(),
        support::nudj(),
        support::goals(),
        support::giftoin()
    )?;
    let mocked = [
        ("Trophy", trophy.mocked),
        ("Nudj", nudj.mocked),
        ("Goals", goals.mocked),
        ("Giftoin", giftoin.mocked),
    ];
    let on_mock: Vec<&str> = mocked
        .iter()
        .filter(|(_, m)| *m)
        .map(|(name, _)| *name)
        .collect();
    match on_mock.len() {
        4 => println!(
            "questkit tour: no API keys set, so all four APIs are the built-in mocks on 127.0.0.1"
        ),
        0 => println!("questkit tour: calling the four real APIs"),
        _ => println!(
            "questkit tour: {} on the built-in mocks, the rest for real",
            on_mock.join(", ")
        ),
    }
    for line in [
        &trophy.description,
        &nudj.description,
        &goals.description,
        &giftoin.description,
    ] {
        println!("  {line}");
    }

    // The four APIs are asked at the same time; one failing does not hide the others.
    let (t, n, g, c) = futures::join!(
        trophy_items(&trophy),
        nudj_items(&nudj),
        goals_items(&goals),
        giftoin_items(&giftoin)
    );
    let mut failed = 0;
    println!();
    println!(
        "{:<8} {:<28} {:<width$}  {:>4}  state",
        "API",
        "item",
        "progress",
        "%",
        width = BAR + 2
    );
    println!("{}", "-".repeat(8 + 1 + 28 + 1 + BAR + 2 + 2 + 4 + 2 + 24));
    for (api, result) in [("trophy", t), ("nudj", n), ("goals", g), ("giftoin", c)] {
        match result {
            Ok(items) => items.iter().for_each(print_row),
            Err(err) => {
                failed += 1;
                println!("{api:<8} error: {err}");
            }
        }
    }

    // What is left of one Nudj achievement, criterion by criterion.
    let id =
        env("NUDJ_ACHIEVEMENT_ID").or_else(|| nudj.mocked.then(|| DEMO_ACHIEVEMENT_ID.to_owned()));
    if let Some(id) = id {
        match nudj.client.achievements().get(&id).await {
            Ok(achievement) => {
                let title = achievement
                    .title()
                    .unwrap_or(achievement.id.as_str())
                    .to_owned();
                println!("\nWhat is left of the Nudj achievement \"{title}\":");
                println!("{}", achievement.explain());
            }
            Err(err) => {
                failed += 1;
                println!("\nNudj achievement {id}: error: {err}");
            }
        }
    }
    if failed > 0 {
        return Err(questkit::Error::config(format!(
            "{failed} API call(s) failed"
        )));
    }
    Ok(())
}

fn print_row(item: &ProgressItem) {
    let state = if item.is_completed() {
        match item.completed_at() {
            Some(at) => format!("done {}", at.format("%Y-%m-%d")),
            None => "done".to_owned(),
        }
    } else if item.fraction() > 0.0 {
        "in progress".to_owned()
    } else {
        "not started".to_owned()
    };
    let title: String = item.title.chars().take(28).collect();
    println!(
        "{:<8} {:<28} {}  {:>3}%  {state}",
        item.source.as_str(),
        title,
        item.bar(BAR),
        item.progress.percent()
    );
}

/// The user's metric achievements and streak achievements.
async fn trophy_items(
    trophy: &Connected<questkit::trophy::Trophy>,
) -> questkit::Result<Vec<ProgressItem>> {
    let user = env("TROPHY_USER_ID").unwrap_or_else(|| "user-1".to_owned());
    let metric_key = env("TROPHY_METRIC_KEY").unwrap_or_else(|| "words-written".to_owned());
    let users = trophy.client.users();
    let (metric, streak, achievements) = futures::try_join!(
        users.single_metric(&user, &metric_key).send(),
        users.streak(&user).send(),
        users.achievements(&user).include_incomplete(true).send()
    )?;
    let mut items = ProgressItem::trophy_metric_achievements(Some(&user), &metric);
    items.extend(ProgressItem::trophy_streak_achievements(
        Some(&user),
        &streak,
        &achievements,
    ));
    Ok(items)
}

/// The first achievements of the token's user, with their user state.
async fn nudj_items(nudj: &Connected<questkit::nudj::Nudj>) -> questkit::Result<Vec<ProgressItem>> {
    let page = nudj
        .client
        .achievements()
        .list()
        .limit(NUDJ_ROWS as u32)
        .await?;
    Ok(page
        .edges
        .iter()
        .map(|a| ProgressItem::nudj_achievement(None, a))
        .collect())
}

/// The logged-in distributor's goals.
async fn goals_items(
    goals: &Connected<questkit::goals::Goals>,
) -> questkit::Result<Vec<ProgressItem>> {
    let overview = goals.client.profiles().overview().await?;
    Ok(ProgressItem::goals_overview(None, &overview))
}

/// The platform user's collection challenges.
async fn giftoin_items(
    giftoin: &Connected<questkit::giftoin::Giftoin>,
) -> questkit::Result<Vec<ProgressItem>> {
    let platform = Platform::from(env("GIFTOIN_PLATFORM").unwrap_or_else(|| "discord".to_owned()));
    let user = env("GIFTOIN_USER_ID").unwrap_or_else(|| "123456789012345678".to_owned());
    let challenges = giftoin
        .client
        .users()
        .collection_challenges(platform, &user)
        .await?;
    let owner = format!(
        "{}:{user}",
        challenges.first().map(|_| "giftoin").unwrap_or("giftoin")
    );
    Ok(challenges
        .iter()
        .map(|c| ProgressItem::giftoin_challenge(Some(&owner), c))
        .collect())
}
