//! Event ingestion at scale against the Trophy mock with Trophy's limits (Tier 1: 10 requests
//! a second per key) and faults on the way (503s, answers lost after the event was counted).
//! Four scenarios, each time-boxed, then one table:
//!
//! - (a) a naive loop: 64 tasks calling `metrics().event` (no limiter);
//! - (b) the event batcher on one client with the documented limits;
//! - (c) four clients (four "replicas") with batchers sharing one Redis rate limiter;
//! - (d) the same four with local limiters only, each believing it has the whole budget.
//!
//! ```text
//! cargo run --release --example trophy_ingest --features redis       # 20 s per scenario
//! QUESTKIT_INGEST_SECONDS=5 cargo run --release --example trophy_ingest --features redis
//! ```
//!
//! Scenario (c) uses `REDIS_URL`, or starts `redis-server` from the PATH on a free loopback
//! port; with neither it is reported as not run.
//!
//! Columns: events/s that Trophy counted; requests that reached it; 429s; replays (events
//! resent after a lost answer, ignored by Trophy thanks to their idempotency keys); counted
//! twice (events Trophy counted more than once: needs a replay without its key); failed
//! (events handed back to the caller with an error: reported, not lost); lost (events the
//! caller was told were delivered that Trophy never counted).

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use questkit::core::RetryPolicy;
use questkit::core::rate_limit::{RateLimiter, RedisRateLimiter};
use questkit::trophy::admin::batcher::BatcherConfig;
use questkit::trophy::admin::metrics::BatchEvent;
use questkit::trophy::{Trophy, UpsertedUser, rate_limits};
use questkit_mock::trophy::{DEMO_ADMIN_API_KEY, TrophyMock};
use questkit_mock::trophy_traffic::{TrafficStats, WriteFaults};

/// One scenario's figures.
struct Row {
    name: &'static str,
    events_per_second: f64,
    traffic: TrafficStats,
    failed: u64,
    lost: u64,
    note: String,
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let seconds: u64 = std::env::var("QUESTKIT_INGEST_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|s| *s > 0)
        .unwrap_or(20);
    let window = Duration::from_secs(seconds);
    println!(
        "Trophy ingestion on the built-in mock (questkit_mock), tier1=10/s per key, faults on: \
         {seconds} s per scenario"
    );
    let redis = RedisUrl::find();
    let rows = vec![
        naive(window).await,
        batched(window, 1, Limiter::Local).await,
        match &redis {
            Some(redis) => batched(window, 4, Limiter::Redis(redis.url.clone())).await,
            None => Row::not_run(
                "(c) 4 replicas, shared Redis limiter",
                "no Redis: set REDIS_URL or install redis-server",
            ),
        },
        batched(window, 4, Limiter::Local).await,
    ];
    print_table(&rows);
    drop(redis);
}

/// A mock with Trophy's documented limits and faults on the write endpoints.
async fn mock() -> TrophyMock {
    let mock = TrophyMock::start().await;
    mock.enforce_rate_limits(
        rate_limits::DOCUMENTED_TIER_1_PER_SECOND,
        rate_limits::DOCUMENTED_TIER_2_PER_SECOND,
    );
    mock.inject_write_faults(WriteFaults {
        fail_every: 10,
        slow_every: 25,
        slow_delay: Duration::from_secs(3),
    });
    mock
}

fn client(mock: &TrophyMock) -> questkit::trophy::TrophyBuilder {
    Trophy::builder()
        .api_key(DEMO_ADMIN_API_KEY)
        .base_url(mock.uri())
        .admin_base_url(mock.admin_uri())
        .timeout(Duration::from_secs(2))
        .retry_policy(RetryPolicy {
            max_retries: 4,
            ..RetryPolicy::default()
        })
}

/// (a) 64 tasks, each calling `metrics().event` in a loop for the window.
async fn naive(window: Duration) -> Row {
    let mock = mock().await;
    let trophy = client(&mock).build().expect("client");
    let ok = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let tasks: Vec<_> = (0..64)
        .map(|task| {
            let (trophy, ok, failed, stop) =
                (trophy.clone(), ok.clone(), failed.clone(), stop.clone());
            tokio::spawn(async move {
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let user = UpsertedUser::new(format!("user-{task}-{n}"));
                    match trophy.metrics().event("words-written", user, 1.0).await {
                        Ok(_) => ok.fetch_add(1, Ordering::Relaxed),
                        Err(_) => failed.fetch_add(1, Ordering::Relaxed),
                    };
                }
            })
        })
        .collect();
    tokio::time::sleep(window).await;
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        let _ = task.await;
    }
    let elapsed = started.elapsed();
    let traffic = mock.traffic();
    let ok = ok.load(Ordering::Relaxed);
    Row {
        name: "(a) naive loop, 64 tasks",
        events_per_second: traffic.unique_events as f64 / elapsed.as_secs_f64(),
        traffic,
        failed: failed.load(Ordering::Relaxed),
        lost: ok.saturating_sub(traffic.unique_events),
        note: String::new(),
    }
}

enum Limiter {
    Local,
    Redis(String),
}

/// (b), (c), (d): `replicas` clients, each with a batcher fed as fast as it takes events.
async fn batched(window: Duration, replicas: usize, limiter: Limiter) -> Row {
    let mock = mock().await;
    let name = match (&limiter, replicas) {
        (Limiter::Local, 1) => "(b) batcher, local limiter",
        (Limiter::Redis(_), _) => "(c) 4 replicas, shared Redis limiter",
        (Limiter::Local, _) => "(d) 4 replicas, local limiters only",
    };
    let namespace = format!("ingest-{}", std::process::id());
    let mut batchers = Vec::new();
    for _ in 0..replicas {
        let builder = client(&mock).documented_rate_limits();
        let builder = match &limiter {
            Limiter::Local => builder,
            Limiter::Redis(url) => {
                let shared: Arc<dyn RateLimiter> = Arc::new(
                    RedisRateLimiter::builder(url.as_str())
                        .namespace(namespace.as_str())
                        .limits(rate_limits::documented())
                        .build()
                        .expect("Redis limiter"),
                );
                builder.rate_limiter(shared)
            }
        };
        let trophy = builder.build().expect("client");
        // Each replica's batcher keeps within its share of Tier 1: all of it with a limiter
        // that sees the others (Redis), all of it too with a local one (which is the mistake
        // scenario (d) shows).
        // A queue of two seconds of the ceiling: enough to keep batches full, short to drain.
        let config = BatcherConfig::default()
            .budget_share(1.0)
            .capacity(20_000)
            .flush_interval(Duration::from_millis(200));
        batchers.push(trophy.admin().metrics().batcher(config).expect("batcher"));
    }
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let producers: Vec<_> = batchers
        .iter()
        .enumerate()
        .map(|(replica, batcher)| {
            let (batcher, stop) = (batcher.clone(), stop.clone());
            tokio::spawn(async move {
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let event = BatchEvent::new(
                        "words-written",
                        format!("user-{replica}-{}", n % 1000),
                        1.0,
                    );
                    if batcher.send(event).await.is_err() {
                        break;
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep(window).await;
    stop.store(true, Ordering::Relaxed);
    for producer in producers {
        let _ = producer.await;
    }
    let mut delivered = 0;
    let mut failed = 0;
    let mut reasons = std::collections::BTreeMap::<String, u64>::new();
    for batcher in &batchers {
        let report = batcher.shutdown(Duration::from_secs(30)).await;
        delivered += report.delivered;
        failed += report.failed_count;
        for item in &report.failed {
            *reasons.entry(item.reason.to_string()).or_default() += 1;
        }
    }
    let note = reasons
        .iter()
        .map(|(reason, n)| format!("{n}: {reason}"))
        .collect::<Vec<_>>()
        .join("; ");
    let elapsed = started.elapsed();
    let traffic = mock.traffic();
    Row {
        name,
        events_per_second: traffic.unique_events as f64 / elapsed.as_secs_f64(),
        traffic,
        failed,
        lost: delivered.saturating_sub(traffic.unique_events),
        note,
    }
}

impl Row {
    fn not_run(name: &'static str, why: &str) -> Row {
        Row {
            name,
            events_per_second: 0.0,
            traffic: TrafficStats::default(),
            failed: 0,
            lost: 0,
            note: format!("not run: {why}"),
        }
    }
}

fn print_table(rows: &[Row]) {
    println!();
    println!(
        "| scenario | events/s | requests | 429s | replays ignored | counted twice | failed (reported) | lost |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for row in rows {
        if row.note.starts_with("not run") {
            println!("| {} | {} | | | | | | |", row.name, row.note);
            continue;
        }
        let t = &row.traffic;
        let requests = t.tier1_allowed + t.tier1_rejected + t.tier2_allowed + t.tier2_rejected;
        let rejected = t.tier1_rejected + t.tier2_rejected;
        // A replay is counted twice only without its key; every event here has one.
        let twice = t.without_key.min(t.replays);
        println!(
            "| {} | {:.0} | {} | {} | {} | {} | {} | {} |",
            row.name,
            row.events_per_second,
            requests,
            rejected,
            t.replays,
            twice,
            row.failed,
            row.lost
        );
    }
    for row in rows
        .iter()
        .filter(|r| !r.note.is_empty() && !r.note.starts_with("not run"))
    {
        println!("{}: failed events: {}", row.name, row.note);
    }
    println!();
    println!("Ceiling: 1,000 events a batch x Tier 1's 10 requests a second = 10,000 events/s,");
    println!("paced 10 % under the limit (9,000) so that a strict sliding window never overflows.");
}

/// A Redis to share the limit in: `REDIS_URL`, or a `redis-server` of our own.
struct RedisUrl {
    url: String,
    child: Option<Child>,
}

impl RedisUrl {
    fn find() -> Option<RedisUrl> {
        if let Ok(url) = std::env::var("REDIS_URL") {
            return Some(RedisUrl { url, child: None });
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
            ])
            .args(["--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if started.elapsed() > Duration::from_secs(5) {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(RedisUrl {
            url: format!("redis://127.0.0.1:{port}/"),
            child: Some(child),
        })
    }
}

impl Drop for RedisUrl {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
