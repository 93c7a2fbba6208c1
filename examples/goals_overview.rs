//! An Epixel MLM user's goals as a small table, then the top of the goals leaderboard.
//!
//! ```text
//! cargo run --example goals_overview          # the built-in mock
//! EPIXEL_BASE_URL=https://mlm.example.com/api/v1/ EPIXEL_API_KEY=... \
//!   EPIXEL_USERNAME=... EPIXEL_PASSWORD=... EPIXEL_API_SIGNATURE=... \
//!   cargo run --example goals_overview        # a real deployment
//! ```
//!
//! Environment: `EPIXEL_BASE_URL` (without it the example starts the mock; Epixel has no
//! default host), `EPIXEL_API_KEY`, either `EPIXEL_USERNAME` + `EPIXEL_PASSWORD` (log in) or
//! `EPIXEL_ACCESS_TOKEN`, `EPIXEL_API_SIGNATURE` (the value your deployment's operator gave you;
//! without it no `api-signature` header is sent), and optionally `EPIXEL_PROFILE_ID`.

use questkit::HasProgress;
use questkit::goals::{Goal, GoalsLeaderboard, NumberOrText, Overview};

mod support;

use support::env;

const TOP: usize = 3;

#[tokio::main]
async fn main() {
    support::finish(run().await);
}

async fn run() -> questkit::Result<()> {
    let connected = support::goals().await?;
    println!("{}", connected.description);
    let goals = &connected.client;

    let mut overview = goals.profiles().overview();
    if let Some(profile) = env("EPIXEL_PROFILE_ID") {
        overview = overview.profile_id(profile);
    }
    let overview = overview.await?;
    print_overview(&overview);

    let board = goals.profiles().goals_leaderboard().await?;
    print_leaderboard(&board);
    Ok(())
}

/// An amount with its currency; a placeholder the server filled with text is shown as sent.
fn amount(value: Option<&NumberOrText>, goal: &Goal) -> String {
    match (value, goal.currency()) {
        (Some(NumberOrText::Number(v)), Some(currency)) => format!("{v:.2} {currency}"),
        (Some(other), _) => other.to_string(),
        (None, _) => "-".to_owned(),
    }
}

/// A leaderboard number with `digits` decimals, or the server's text.
fn figure(value: Option<&NumberOrText>, digits: usize) -> String {
    match value {
        Some(NumberOrText::Number(v)) => format!("{v:.digits$}"),
        Some(other) => other.to_string(),
        None => "-".to_owned(),
    }
}

fn print_overview(overview: &Overview) {
    println!();
    println!(
        "{:<20} {:>14} {:>14} {:>8}",
        "goal", "current", "target", "percent"
    );
    for (key, goal) in &overview.user_goals {
        let name = goal.display_name.as_deref().unwrap_or(key);
        let progress = goal.progress();
        let done = if progress.is_completed() { " done" } else { "" };
        println!(
            "{:<20} {:>14} {:>14} {:>7}%{done}",
            name,
            amount(goal.current.as_ref(), goal),
            amount(goal.maximum.as_ref(), goal),
            progress.percent()
        );
    }
    if overview.user_goals.is_empty() {
        println!("(no goals set)");
    }
    let profiles: Vec<String> = overview
        .profiles
        .iter()
        .map(|p| {
            format!(
                "{} ({})",
                p.profilename.as_deref().unwrap_or("?"),
                p.id.as_ref().map(|id| id.as_str()).unwrap_or("?")
            )
        })
        .collect();
    println!("profiles: {}", profiles.join(", "));
}

fn print_leaderboard(board: &GoalsLeaderboard) {
    let goal_key = board.selected_goal.as_deref().unwrap_or("?");
    let goal_name = board
        .goals
        .get(goal_key)
        .and_then(|g| g.display_name.as_deref())
        .unwrap_or(goal_key);
    println!();
    println!("Top {TOP} in {goal_name}:");
    for (rank, (user_id, row)) in board
        .goal_leader_board_user_data
        .iter()
        .take(TOP)
        .enumerate()
    {
        let name = row.full_name();
        println!(
            "{:>2}. {:<20} {:>12} {:>5}%  (user {user_id})",
            rank + 1,
            if name.is_empty() {
                "(no name)"
            } else {
                name.as_str()
            },
            figure(row.value.as_ref(), 2),
            figure(row.percentage.as_ref(), 0),
        );
    }
    if let Some(status) = &board.goal_status {
        if let Some(text) = &status.status_text {
            println!("{text}");
        }
    }
}
