//! A service that feeds Trophy's event batcher and stops cleanly on SIGTERM (a deploy, a
//! scale-down) or Ctrl-C: it stops taking work, then gives the batcher the time its queue
//! needs ([`EventBatcher::estimated_drain_time`]), and accounts for every event.
//!
//! Runs against the embedded Trophy mock (with Trophy's documented limits: Tier 1 is 10
//! requests a second) until it receives SIGTERM or Ctrl-C:
//!
//! ```text
//! cargo run --example trophy_ingest_service --features trophy
//! kill -TERM <pid>    # or Ctrl-C
//! ```
//!
//! How long a drain takes: every batch is one Tier 1 request, paced 10 % under the limit, so
//! 100,000 queued events (100 batches of 1,000) take about 11 s at 10 requests a second; the
//! estimate adds the flush interval and 10 s for the last answers. Give your orchestrator's
//! grace period (Kubernetes' `terminationGracePeriodSeconds`, 30 s by default) more than
//! that, or lower `capacity` so that the queue can always drain in time.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use questkit::trophy::Trophy;
use questkit::trophy::admin::batcher::{BatcherConfig, EventBatcher, Failed, SendError};
use questkit::trophy::admin::metrics::BatchEvent;
use questkit_mock::trophy::{DEMO_ADMIN_API_KEY, TrophyMock};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mock = TrophyMock::start().await;
    mock.enforce_rate_limits(10, 100);
    println!(
        "Trophy ingestion service on the built-in mock (questkit_mock) at {}; pid {}: send SIGTERM or press Ctrl-C to stop",
        mock.uri(),
        std::process::id()
    );
    let trophy = Trophy::builder()
        .api_key(DEMO_ADMIN_API_KEY)
        .base_url(mock.uri())
        .admin_base_url(mock.admin_uri())
        .documented_rate_limits()
        .build()?;

    // Events not delivered go to a dead-letter place of yours (here: a counter and stderr).
    let undelivered = Arc::new(AtomicU64::new(0));
    let dead_letters = undelivered.clone();
    let config = BatcherConfig::default()
        .budget_share(1.0)
        .capacity(20_000)
        .on_failure(move |failed: Failed<BatchEvent>| {
            dead_letters.fetch_add(1, Ordering::Relaxed);
            eprintln!(
                "not delivered: {} ({})",
                failed.item.idempotency_key, failed.reason
            );
        });
    let batcher = trophy.admin().metrics().batcher(config)?;

    // The service's work: producers queueing events until told to stop.
    let stop = Arc::new(AtomicBool::new(false));
    let producers: Vec<_> = (0..4)
        .map(|n| tokio::spawn(produce(batcher.clone(), stop.clone(), n)))
        .collect();

    wait_for_termination().await?;

    // 1. Stop taking work, so that the queue only shrinks.
    stop.store(true, Ordering::Relaxed);
    let mut queued = 0;
    for producer in producers {
        queued += producer.await?;
    }
    // 2. Give the batcher the time its queue needs, then account for every event.
    let deadline = batcher.estimated_drain_time();
    let pending = batcher.stats().pending;
    println!("stopping: {pending} events pending, draining within {deadline:.1?}");
    let report = batcher.shutdown(deadline).await;
    let lost = i128::from(queued) - i128::from(report.delivered) - i128::from(report.failed_count);
    println!(
        "queued {queued}, delivered {}, not delivered {} (reported), lost {lost}, Trophy counted {}",
        report.delivered,
        undelivered.load(Ordering::Relaxed),
        mock.traffic().unique_events,
    );
    if lost != 0 || !report.is_complete() {
        return Err("events were not delivered".into());
    }
    Ok(())
}

/// Queues events until `stop`; how many were queued.
async fn produce(batcher: EventBatcher, stop: Arc<AtomicBool>, producer: u64) -> u64 {
    let mut queued = 0;
    while !stop.load(Ordering::Relaxed) {
        let event = BatchEvent::new(
            "words-written",
            format!("user-{producer}-{}", queued % 100),
            1.0,
        );
        match batcher.send(event).await {
            Ok(()) => queued += 1,
            Err(SendError::Closed(_)) => break,
            Err(other) => eprintln!("not queued: {other}"),
        }
    }
    queued
}

/// SIGTERM (what orchestrators send) or Ctrl-C.
async fn wait_for_termination() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            _ = term.recv() => Ok(()),
            ctrl_c = tokio::signal::ctrl_c() => ctrl_c,
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}
