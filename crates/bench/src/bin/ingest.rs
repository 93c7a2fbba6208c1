//! `cargo run -p questkit-bench --release --bin ingest`: the event batcher's ingestion
//! benchmark against the Trophy mock with Trophy's limits (Tier 1: 10 requests a second per
//! API key, a strict 1 s sliding window), and faults on the way. Prints one table and exits
//! non-zero when an event was lost or counted twice, a request met a 429, a scenario that must
//! deliver everything reported failures (good events, in the `bad-*` ones), a scenario could
//! not run, or `bad-checked` kept less than 90 % of `steady`'s throughput. `steady` under
//! 8,500 events/s is only a warning: machines are noisy.
//!
//! ```text
//! ingest [--seconds N] [--scenario NAME[,NAME..]]     (default: 10 s, every scenario)
//! ingest --list                                       (the scenarios, one line each)
//! ```
//!
//! Every scenario starts a fresh mock (`enforce_rate_limits(10, 100)`), builds its clients and
//! their `EventBatcher`s, and lets producer tasks feed them as fast as `send()` accepts for `N`
//! seconds (events with generated, unique idempotency keys). Then the producers stop and each
//! batcher is shut down with a deadline (long enough to drain the queue, unless the scenario
//! is about a short one). Scenarios:
//!
//! - `steady`: one client (`documented_rate_limits()`), `budget_share(1.0)`, no faults.
//! - `faults`: the same, with 5 % of the batch requests failing after they were processed:
//!   half answered 500, half answered after 3 s to a client whose timeout is 2 s.
//! - `default`: `BatcherConfig::default()` (budget share 80 %), no faults.
//! - `outage`: `steady` with a 5 s outage of the mock (503 to everything) in the middle.
//! - `bad-checked`: 1 event in 5,000 names a metric the server refuses (404 "Metric not
//!   found" for the whole batch); the checked batcher catches it at `send()`.
//! - `bad-unchecked`: the same events through a plain batcher: the server isolates them
//!   (and the batcher then refuses that key locally for a minute).
//! - `bad-distinct`: 1 event in 5,000 names a metric of its own that does not exist, through
//!   a plain batcher: no local check can learn them, every one costs a split.
//! - `redis-fallback`: 4 clients ("replicas") in this process, each with its own
//!   `RedisRateLimiter` on one `redis-server` started here, with `fallback_replicas(4)`;
//!   Redis is killed (by its PID) in the middle of the run.
//! - `redis-down`: the same without a fallback: the batches wait, the queues fill, the
//!   producers feel back-pressure, and a short shutdown deadline reports what is left.
//! - `drop`: a child process (this binary again) sends events and returns from `main` without
//!   `shutdown`; it prints what its failure callback was told, and the parent checks that
//!   every event it sent was either counted by the mock or reported.
//!
//! Columns: events/s is what the mock counted (distinct idempotency keys) during the sending
//! window, divided by its length; sent is the events `send()` accepted; delivered is the
//! events the mock counted by the end; failed (reported) is the events handed to the failure
//! callback; lost is the events sent that the mock never counted and that were not reported
//! (must be 0); counted twice is the events the mock received without an idempotency key
//! (a resend of one would be counted twice; must be 0); 429s is the mock's Tier 1 and Tier 2
//! refusals (must be 0 everywhere). An event can be both delivered and reported: a batch whose
//! answer was lost and that the batcher could not confirm. Peak RSS is the process's
//! `VmHWM` (the mock runs in the same process, so it is included); it is reset before each
//! scenario where the kernel allows (`/proc/self/clear_refs`), else it is the peak so far.
//! The table says which.

use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, Write};
use std::process::{ExitCode, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use questkit_mock::redis_server::RedisServer;
use questkit_mock::trophy::{DEMO_ADMIN_API_KEY, TrophyMock};
use questkit_mock::trophy_traffic::WriteFaults;
use questkit_trophy::Trophy;
use questkit_trophy::admin::batcher::{
    BatchReport, BatcherConfig, EventBatcher, Failed, FailureReason, SendError,
};
use questkit_trophy::admin::metrics::BatchEvent;
use questkit_trophy::rate_limits::{self, RedisRateLimiter};
use tokio::sync::watch;

/// The metric every good event counts for (one the mock's store has).
const GOOD_METRIC: &str = "words-written";
/// The metric the mock refuses: absent from its store and refused with `refuse_metric_key`.
const BAD_METRIC: &str = "retired-metric";
/// One event in this many names [`BAD_METRIC`] in the `bad-*` scenarios.
const BAD_EVERY: u64 = 5_000;
/// The steady throughput the batcher should reach with the documented limits (a warning
/// only: machines are noisy).
const STEADY_TARGET: f64 = 8_500.0;
/// The share of `steady`'s throughput `bad-checked` must keep.
const CHECKED_SHARE: f64 = 0.9;
/// Producer tasks per batcher.
const PRODUCERS: usize = 2;
/// Distinct users the events are spread over.
const USERS: u64 = 1_000;
/// The longest a shutdown may take to drain a queue.
const LONGEST_DRAIN: Duration = Duration::from_secs(180);
/// The argument that makes this binary the `drop` scenario's child.
const CHILD_DROP: &str = "--child-drop";

/// Every scenario, in the order they run, with one line about it.
const SCENARIOS: [(&str, &str); 10] = [
    ("steady", "one client, budget_share(1.0), no faults"),
    (
        "faults",
        "steady + 5 % of batches failing after processing (500 / answer lost)",
    ),
    ("default", "BatcherConfig::default() (budget share 80 %)"),
    (
        "outage",
        "steady + a 5 s outage (503 to everything) mid-run",
    ),
    (
        "bad-checked",
        "1 event in 5,000 of a refused metric, checked_batcher",
    ),
    (
        "bad-unchecked",
        "1 event in 5,000 of a refused metric, plain batcher",
    ),
    (
        "bad-distinct",
        "1 event in 5,000 of a metric of its own that does not exist, plain batcher",
    ),
    (
        "redis-fallback",
        "4 replicas, RedisRateLimiter + fallback_replicas(4), Redis killed mid-run",
    ),
    (
        "redis-down",
        "4 replicas, RedisRateLimiter without fallback, Redis killed mid-run",
    ),
    ("drop", "a child process returns from main without shutdown"),
];

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(CHILD_DROP) {
        return match child_drop(&args[1..]) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("ingest {CHILD_DROP}: {err}");
                ExitCode::FAILURE
            }
        };
    }
    let options = match Options::parse(&args) {
        Ok(Some(options)) => options,
        Ok(None) => return ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("ingest: {err}\n\n{}", usage());
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("ingest: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let ok = runtime.block_on(run(options));
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn usage() -> String {
    let mut text = String::from(
        "usage: ingest [--seconds N] [--scenario NAME[,NAME..]] [--list]\n\nscenarios:\n",
    );
    for (name, about) in SCENARIOS {
        text.push_str(&format!("  {name:<15} {about}\n"));
    }
    text
}

/// The command line.
struct Options {
    window: Duration,
    scenarios: Vec<&'static str>,
}

impl Options {
    /// The options, or `None` when only help or the list was asked for.
    fn parse(args: &[String]) -> Result<Option<Options>, String> {
        let mut window = Duration::from_secs(10);
        let mut scenarios: Vec<&'static str> = Vec::new();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) => (flag, Some(value.to_owned())),
                None => (arg.as_str(), None),
            };
            let mut value = || {
                inline
                    .clone()
                    .or_else(|| args.next().cloned())
                    .ok_or_else(|| format!("{flag} needs a value"))
            };
            match flag {
                "--seconds" => {
                    let raw = value()?;
                    let seconds: f64 = raw
                        .parse()
                        .ok()
                        .filter(|s: &f64| s.is_finite() && *s >= 1.0 && *s <= 3600.0)
                        .ok_or_else(|| format!("--seconds: 1 to 3600, got {raw}"))?;
                    window = Duration::from_secs_f64(seconds);
                }
                "--scenario" | "--scenarios" => {
                    for name in value()?.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                        if name == "all" {
                            scenarios.extend(SCENARIOS.iter().map(|(n, _)| *n));
                            continue;
                        }
                        let known = SCENARIOS
                            .iter()
                            .map(|(n, _)| *n)
                            .find(|n| *n == name)
                            .ok_or_else(|| format!("unknown scenario {name}"))?;
                        scenarios.push(known);
                    }
                }
                "--list" => {
                    for (name, about) in SCENARIOS {
                        println!("{name:<15} {about}");
                    }
                    return Ok(None);
                }
                "-h" | "--help" => {
                    print!("{}", usage());
                    return Ok(None);
                }
                other => return Err(format!("unknown argument {other}")),
            }
        }
        if scenarios.is_empty() {
            scenarios = SCENARIOS.iter().map(|(n, _)| *n).collect();
        }
        // Run in the table's order, each once.
        let order = |name: &&str| SCENARIOS.iter().position(|(n, _)| n == name);
        scenarios.sort_by_key(order);
        scenarios.dedup();
        Ok(Some(Options { window, scenarios }))
    }
}

/// One scenario's figures.
#[derive(Default)]
struct Row {
    name: &'static str,
    events_per_second: f64,
    sent: u64,
    delivered: u64,
    reported: u64,
    lost: u64,
    counted_twice: u64,
    rejected_429: u64,
    peak_rss_mb: f64,
    /// Good events (not of the bad metric) reported failed.
    good_failed: u64,
    /// Whether reported failures are expected here (so not a problem).
    failures_expected: bool,
    /// What did not run, when it could not.
    skipped: Option<String>,
    notes: Vec<String>,
}

async fn run(options: Options) -> bool {
    let resets = reset_peak_rss();
    println!(
        "questkit ingestion benchmark: Trophy mock with tier1=10/s, tier2=100/s per API key \
         (strict 1 s sliding window), {} s of sending per scenario",
        options.window.as_secs_f64()
    );
    println!(
        "peak RSS: {}",
        if resets {
            "VmHWM of this process, reset before each scenario (mock included)"
        } else {
            "VmHWM of this process, the peak SO FAR (cannot reset it here; mock included)"
        }
    );
    let mut rows = Vec::new();
    for name in &options.scenarios {
        reset_peak_rss();
        println!("\n== {name}");
        let started = Instant::now();
        let row = match scenario(name, options.window).await {
            Ok(row) => row,
            Err(err) => Row {
                name,
                skipped: Some(err.to_string()),
                ..Row::default()
            },
        };
        for note in &row.notes {
            println!("   {note}");
        }
        if let Some(why) = &row.skipped {
            println!("   not run: {why}");
        }
        println!("   ({:.1} s)", started.elapsed().as_secs_f64());
        rows.push(row);
    }
    println!();
    print_table(&rows);
    verdict(&rows)
}

async fn scenario(name: &'static str, window: Duration) -> Result<Row, BoxError> {
    let mut row = match name {
        "steady" => single(Single::new(name, window)).await?,
        "faults" => {
            let mut setup = Single::new(name, window);
            setup.faults = true;
            single(setup).await?
        }
        "default" => {
            let mut setup = Single::new(name, window);
            setup.config = BatcherConfig::default();
            single(setup).await?
        }
        "outage" => {
            let mut setup = Single::new(name, window);
            setup.outage = Some(Duration::from_secs(5));
            single(setup).await?
        }
        "bad-checked" | "bad-unchecked" | "bad-distinct" => {
            let mut setup = Single::new(name, window);
            setup.bad_every = Some(BAD_EVERY);
            setup.bad_distinct = name == "bad-distinct";
            setup.checked = name == "bad-checked";
            single(setup).await?
        }
        "redis-fallback" => replicas(name, window, true).await?,
        "redis-down" => replicas(name, window, false).await?,
        "drop" => drop_scenario(name, window).await?,
        other => return Err(format!("unknown scenario {other}").into()),
    };
    row.peak_rss_mb = row.peak_rss_mb.max(peak_rss_mb());
    Ok(row)
}

/// A client on the mock, with Trophy's documented limits.
fn client(mock: &TrophyMock) -> questkit_trophy::TrophyBuilder {
    Trophy::builder()
        .api_key(DEMO_ADMIN_API_KEY)
        .server_url(mock.uri())
        .documented_rate_limits()
}

/// A mock with Trophy's documented limits and the bad metric refused.
async fn mock() -> TrophyMock {
    let mock = TrophyMock::start().await;
    mock.enforce_rate_limits(
        rate_limits::DOCUMENTED_TIER_1_PER_SECOND,
        rate_limits::DOCUMENTED_TIER_2_PER_SECOND,
    );
    mock.refuse_metric_key(BAD_METRIC);
    mock
}

/// What the failure callbacks were told.
#[derive(Default)]
struct Reported {
    keys: Mutex<HashSet<String>>,
    count: AtomicU64,
    good: AtomicU64,
    reasons: Mutex<BTreeMap<&'static str, u64>>,
}

impl Reported {
    fn record(&self, failed: Failed<BatchEvent>) {
        self.count.fetch_add(1, Ordering::Relaxed);
        if !failed.item.key.starts_with(BAD_METRIC) {
            self.good.fetch_add(1, Ordering::Relaxed);
        }
        *lock(&self.reasons)
            .entry(reason_name(&failed.reason))
            .or_default() += 1;
        lock(&self.keys).insert(failed.item.idempotency_key);
    }

    fn reasons(&self) -> String {
        let reasons = lock(&self.reasons);
        if reasons.is_empty() {
            return "none".into();
        }
        reasons
            .iter()
            .map(|(name, n)| format!("{name} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn reason_name(reason: &FailureReason) -> &'static str {
    match reason {
        FailureReason::Rejected(_) => "Rejected",
        FailureReason::Failed(_) => "Failed",
        FailureReason::Incomplete { .. } => "Incomplete",
        FailureReason::Unconfirmed => "Unconfirmed",
        FailureReason::NotSent => "NotSent",
        _ => "other",
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What the producers did.
#[derive(Default)]
struct Produced {
    /// Events `send()` accepted.
    sent: AtomicU64,
    /// Of them, events of the bad metric.
    sent_bad: AtomicU64,
    /// Bad events handed back by `send()` as invalid.
    invalid_bad: AtomicU64,
    /// Good events handed back by `send()` as invalid (a bug if any).
    invalid_good: AtomicU64,
    /// Events handed back for another reason (closed, full).
    refused_other: AtomicU64,
    /// Events created so far (numbers the events, so every `BAD_EVERY`-th is bad).
    created: AtomicU64,
}

/// Starts `PRODUCERS` tasks feeding `batcher` until `stop` turns true.
fn producers(
    batcher: &EventBatcher,
    produced: &Arc<Produced>,
    bad_every: Option<u64>,
    bad_distinct: bool,
    stop: &watch::Receiver<bool>,
) -> Vec<tokio::task::JoinHandle<()>> {
    (0..PRODUCERS)
        .map(|_| {
            let batcher = batcher.clone();
            let produced = produced.clone();
            let mut stop = stop.clone();
            tokio::spawn(async move {
                loop {
                    if *stop.borrow() {
                        break;
                    }
                    let n = produced.created.fetch_add(1, Ordering::Relaxed) + 1;
                    let bad = bad_every.is_some_and(|every| n % every == 0);
                    let metric = match (bad, bad_distinct) {
                        (true, true) => format!("{BAD_METRIC}-{n}"),
                        (true, false) => BAD_METRIC.to_owned(),
                        (false, _) => GOOD_METRIC.to_owned(),
                    };
                    let event = BatchEvent::new(metric, format!("user-{}", n % USERS), 1.0);
                    let outcome = tokio::select! {
                        biased;
                        outcome = batcher.send(event) => outcome,
                        _ = stop.changed() => break,
                    };
                    let counter = match outcome {
                        Ok(()) => {
                            if bad {
                                produced.sent_bad.fetch_add(1, Ordering::Relaxed);
                            }
                            &produced.sent
                        }
                        Err(SendError::Invalid(..)) if bad => &produced.invalid_bad,
                        Err(SendError::Invalid(..)) => &produced.invalid_good,
                        Err(_) => &produced.refused_other,
                    };
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect()
}

/// A scenario with one client and one batcher.
struct Single {
    name: &'static str,
    window: Duration,
    config: BatcherConfig,
    faults: bool,
    outage: Option<Duration>,
    bad_every: Option<u64>,
    /// Each bad event names a metric of its own (no check can learn it).
    bad_distinct: bool,
    checked: bool,
}

impl Single {
    fn new(name: &'static str, window: Duration) -> Single {
        Single {
            name,
            window,
            config: BatcherConfig::default().budget_share(1.0),
            faults: false,
            outage: None,
            bad_every: None,
            bad_distinct: false,
            checked: false,
        }
    }
}

async fn single(setup: Single) -> Result<Row, BoxError> {
    let mock = mock().await;
    let mut builder = client(&mock);
    if setup.faults {
        // 5 % of the batch requests fail after processing: 1 in 41 answered 500, 1 in 39
        // answered after 3 s, past the client's 2 s timeout (its answer is lost).
        mock.fail_after_processing(41);
        mock.inject_write_faults(WriteFaults {
            fail_every: 0,
            slow_every: 39,
            slow_delay: Duration::from_secs(3),
        });
        builder = builder.timeout(Duration::from_secs(2));
    }
    let trophy = builder.build()?;
    let reported = Arc::new(Reported::default());
    let sink = reported.clone();
    let config = setup
        .config
        .clone()
        .on_failure(move |failed: Failed<BatchEvent>| sink.record(failed));
    let metrics = trophy.admin().metrics();
    let batcher = if setup.checked {
        metrics.checked_batcher(config, Duration::from_secs(60))?
    } else {
        metrics.batcher(config)?
    };
    let produced = Arc::new(Produced::default());
    let (stop_tx, stop_rx) = watch::channel(false);
    let started = Instant::now();
    let tasks = producers(
        &batcher,
        &produced,
        setup.bad_every,
        setup.bad_distinct,
        &stop_rx,
    );
    if let Some(outage) = setup.outage {
        // In the middle of the window (or half a second in, for a short one).
        let at = setup
            .window
            .saturating_sub(outage)
            .div_f64(2.0)
            .max(Duration::from_millis(500));
        tokio::time::sleep(at).await;
        mock.outage(outage);
        println!(
            "   outage from {:.1} s to {:.1} s",
            at.as_secs_f64(),
            (at + outage).as_secs_f64()
        );
    }
    tokio::time::sleep(setup.window.saturating_sub(started.elapsed())).await;
    let in_window = mock.traffic().unique_events;
    let window = started.elapsed();
    let _ = stop_tx.send(true);
    for task in tasks {
        task.await?;
    }
    let (deadline, estimate) = drain_deadline(&[&batcher], setup.outage.unwrap_or_default());
    let stopping = Instant::now();
    let report = batcher.shutdown(deadline).await;
    let drain = Drain {
        deadline,
        estimate,
        took: stopping.elapsed(),
    };
    let mut row = account(
        setup.name,
        &mock,
        &produced,
        &reported,
        in_window as f64 / window.as_secs_f64(),
    );
    row.notes.push(report_note(&report, &drain));
    if setup.faults {
        let traffic = mock.traffic();
        row.notes.push(format!(
            "faults: {} batches answered 500 after processing, {} answered late (lost)",
            traffic.failed_after_processing, traffic.slowed_writes
        ));
    }
    if setup.outage.is_some() {
        row.notes.push(format!(
            "outage: {} requests answered 503",
            mock.traffic().outage_rejected
        ));
    }
    if setup.bad_every.is_some() {
        row.failures_expected = true;
        let traffic = mock.traffic();
        row.notes.push(format!(
            "bad events: {} handed back by send() as invalid, {} queued; {} batches refused \
             by the server (404), {} split requests",
            produced.invalid_bad.load(Ordering::Relaxed),
            produced.sent_bad.load(Ordering::Relaxed),
            traffic.refused_batches,
            report.split_requests,
        ));
    }
    Ok(row)
}

/// How long a shutdown may take, and the batchers' own estimate of their drain: twice the
/// estimate (it assumes full batches at the full pace, which splits and resends slow down),
/// plus the patience a recent outage may still need, plus slack; at most [`LONGEST_DRAIN`].
/// A shutdown that drains sooner returns sooner: the deadline only bounds a stuck one.
fn drain_deadline(batchers: &[&EventBatcher], extra: Duration) -> (Duration, Duration) {
    let estimate = batchers
        .iter()
        .map(|b| b.estimated_drain_time())
        .max()
        .unwrap_or_default();
    let deadline = (estimate * 2 + extra + Duration::from_secs(10)).min(LONGEST_DRAIN);
    (deadline, estimate)
}

/// How a shutdown went: its deadline, the batcher's estimate, the time it took.
struct Drain {
    deadline: Duration,
    estimate: Duration,
    took: Duration,
}

impl std::fmt::Display for Drain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "shutdown took {:.1} s (estimated drain {:.1} s, deadline {:.0} s)",
            self.took.as_secs_f64(),
            self.estimate.as_secs_f64(),
            self.deadline.as_secs_f64()
        )
    }
}

fn report_note(report: &BatchReport, drain: &Drain) -> String {
    format!(
        "batcher: {} delivered, {} batches, {} resends, {} split requests, {} failed; {drain}",
        report.delivered,
        report.batches,
        report.resends,
        report.split_requests,
        report.failed_count,
    )
}

/// The row's accounting, from what the producers sent, what the callbacks were told and
/// what the mock counted.
fn account(
    name: &'static str,
    mock: &TrophyMock,
    produced: &Produced,
    reported: &Reported,
    events_per_second: f64,
) -> Row {
    let traffic = mock.traffic();
    let counted: HashSet<String> = mock.batch_event_keys().into_iter().collect();
    let sent = produced.sent.load(Ordering::Relaxed);
    let reported_keys = lock(&reported.keys);
    let reported_only = reported_keys
        .iter()
        .filter(|key| !counted.contains(*key))
        .count() as u64;
    let lost = sent.saturating_sub(counted.len() as u64 + reported_only);
    let mut notes = vec![format!(
        "mock: {} batch requests processed, {} events, {} replays (ignored: same key), \
         {} tier1 allowed; reported: {}",
        mock.batch_stats().batches,
        traffic.events,
        traffic.replays,
        traffic.tier1_allowed,
        reported.reasons()
    )];
    let invalid_good = produced.invalid_good.load(Ordering::Relaxed);
    let refused_other = produced.refused_other.load(Ordering::Relaxed);
    if invalid_good + refused_other > 0 {
        notes.push(format!(
            "send() handed back {invalid_good} good events as invalid and {refused_other} \
             for another reason"
        ));
    }
    Row {
        name,
        events_per_second,
        sent,
        delivered: counted.len() as u64,
        reported: reported.count.load(Ordering::Relaxed),
        lost,
        counted_twice: traffic.without_key,
        rejected_429: traffic.tier1_rejected + traffic.tier2_rejected,
        good_failed: reported.good.load(Ordering::Relaxed) + invalid_good,
        notes,
        ..Row::default()
    }
}

/// `redis-fallback` and `redis-down`: four replicas, each with its own client, limiter and
/// batcher, sharing one Redis, which is killed mid-run.
async fn replicas(name: &'static str, window: Duration, fallback: bool) -> Result<Row, BoxError> {
    const REPLICAS: usize = 4;
    let mut redis = RedisServer::start()?;
    let mock = mock().await;
    let reported = Arc::new(Reported::default());
    let namespace = format!("questkit-bench:ingest:{}:{name}", std::process::id());
    let mut batchers = Vec::new();
    for _ in 0..REPLICAS {
        let mut limiter = RedisRateLimiter::builder(redis.url())
            .namespace(namespace.clone())
            .limits(rate_limits::documented());
        if fallback {
            limiter = limiter.fallback_replicas(REPLICAS as u32);
        }
        let trophy = client(&mock)
            .rate_limiter(Arc::new(limiter.build()?))
            .build()?;
        let sink = reported.clone();
        // A quarter of the default queue each: the fleet holds what one client would.
        let config = BatcherConfig::default()
            .budget_share(1.0)
            .capacity(25_000)
            .on_failure(move |failed: Failed<BatchEvent>| sink.record(failed));
        batchers.push(trophy.admin().metrics().batcher(config)?);
    }
    let produced = Arc::new(Produced::default());
    let (stop_tx, stop_rx) = watch::channel(false);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for batcher in &batchers {
        tasks.extend(producers(batcher, &produced, None, false, &stop_rx));
    }
    let kill_at = window.div_f64(2.0);
    tokio::time::sleep(kill_at).await;
    let before_kill = mock.traffic().unique_events;
    redis.kill();
    println!(
        "   redis-server killed at {:.1} s ({} events counted so far)",
        started.elapsed().as_secs_f64(),
        before_kill
    );
    tokio::time::sleep(window.saturating_sub(started.elapsed())).await;
    let in_window = mock.traffic().unique_events;
    let window = started.elapsed();
    let _ = stop_tx.send(true);
    for task in tasks {
        task.await?;
    }
    let pending: u64 = batchers.iter().map(|b| b.stats().pending).sum();
    // Without a fallback nothing can be sent any more: a short deadline, and what is left is
    // reported. With one, the fleet drains at its fallback pace.
    let all: Vec<&EventBatcher> = batchers.iter().collect();
    let (mut deadline, estimate) = drain_deadline(&all, Duration::ZERO);
    if !fallback {
        deadline = Duration::from_secs(3);
    }
    let stopping = Instant::now();
    let reports = futures::future::join_all(batchers.iter().map(|b| b.shutdown(deadline))).await;
    let drain = Drain {
        deadline,
        estimate,
        took: stopping.elapsed(),
    };
    let mut row = account(
        name,
        &mock,
        &produced,
        &reported,
        in_window as f64 / window.as_secs_f64(),
    );
    row.failures_expected = !fallback;
    let sum = |f: fn(&BatchReport) -> u64| reports.iter().map(f).sum::<u64>();
    row.notes.push(format!(
        "{REPLICAS} batchers: {} delivered, {} batches, {} resends, {} failed; {} pending when \
         the producers stopped; {drain}; {} events counted in the window after the kill",
        sum(|r| r.delivered),
        sum(|r| r.batches),
        sum(|r| r.resends),
        sum(|r| r.failed_count),
        pending,
        in_window.saturating_sub(before_kill),
    ));
    Ok(row)
}

/// `drop`: a child process sends events and returns from `main` without `shutdown`.
async fn drop_scenario(name: &'static str, window: Duration) -> Result<Row, BoxError> {
    let mock = mock().await;
    let exe = std::env::current_exe()?;
    let started = Instant::now();
    let child = tokio::process::Command::new(exe)
        .arg(CHILD_DROP)
        .arg(mock.admin_uri())
        .arg(mock.uri())
        .arg(format!("{}", window.as_secs_f64()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()?;
    let output = tokio::time::timeout(window + Duration::from_secs(120), child.wait_with_output())
        .await
        .map_err(|_| "the child did not end within its window + 120 s")??;
    let elapsed = started.elapsed();
    if !output.status.success() {
        return Err(format!("the child failed: {}", output.status).into());
    }
    // Batches the child left in flight may still be processed.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut sent = None;
    let mut reported_count = None;
    let mut child_rss = 0.0;
    let reported = Reported::default();
    for line in output.stdout.as_slice().lines() {
        let line = line?;
        let (word, rest) = line.split_once(' ').unwrap_or((line.as_str(), ""));
        match word {
            "sent" => sent = rest.parse::<u64>().ok(),
            "reported" => reported_count = rest.parse::<u64>().ok(),
            "peak-rss-mb" => child_rss = rest.parse().unwrap_or(0.0),
            "reported-key" => {
                lock(&reported.keys).insert(rest.to_owned());
            }
            _ => {}
        }
    }
    let (Some(sent), Some(reported_count)) = (sent, reported_count) else {
        return Err("the child did not print its counts".into());
    };
    reported.count.store(reported_count, Ordering::Relaxed);
    reported.good.store(reported_count, Ordering::Relaxed);
    let produced = Produced::default();
    produced.sent.store(sent, Ordering::Relaxed);
    let delivered = mock.traffic().unique_events;
    let mut row = account(
        name,
        &mock,
        &produced,
        &reported,
        delivered as f64 / elapsed.as_secs_f64(),
    );
    row.failures_expected = true;
    row.peak_rss_mb = child_rss;
    row.notes.push(format!(
        "child: sent {sent}, its failure callback was told of {reported_count}; mock counted \
         {delivered} (events/s over the child's whole life, {:.1} s; peak RSS is the child's)",
        elapsed.as_secs_f64()
    ));
    Ok(row)
}

/// The `drop` scenario's child: `--child-drop ADMIN_URL BASE_URL SECONDS`. Sends events for
/// `SECONDS`, then returns without `shutdown`; after its runtime is gone it prints what its
/// failure callback was told (`sent N`, `reported N`, one `reported-key K` per event,
/// `peak-rss-mb X`).
fn child_drop(args: &[String]) -> Result<(), BoxError> {
    let [admin, base, seconds] = args else {
        return Err("usage: --child-drop ADMIN_URL BASE_URL SECONDS".into());
    };
    let window = Duration::from_secs_f64(seconds.parse()?);
    let reported = Arc::new(Reported::default());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let sent = runtime.block_on(child_main(admin, base, window, reported.clone()))?;
    // What `main` returning does to a `#[tokio::main]` program: the runtime ends, with the
    // batcher's tasks still holding what was queued.
    drop(runtime);
    let mut out = std::io::stdout().lock();
    writeln!(out, "sent {sent}")?;
    writeln!(out, "reported {}", reported.count.load(Ordering::Relaxed))?;
    for key in lock(&reported.keys).iter() {
        writeln!(out, "reported-key {key}")?;
    }
    writeln!(out, "peak-rss-mb {:.1}", peak_rss_mb())?;
    out.flush()?;
    Ok(())
}

/// The child's `main`: a batcher, producers for `window`, and a return without `shutdown`.
async fn child_main(
    admin: &str,
    base: &str,
    window: Duration,
    reported: Arc<Reported>,
) -> Result<u64, BoxError> {
    let trophy = Trophy::builder()
        .api_key(DEMO_ADMIN_API_KEY)
        .base_url(base)
        .admin_base_url(admin)
        .documented_rate_limits()
        .build()?;
    let config = BatcherConfig::default()
        .budget_share(1.0)
        .on_failure(move |failed: Failed<BatchEvent>| reported.record(failed));
    let batcher = trophy.admin().metrics().batcher(config)?;
    let produced = Arc::new(Produced::default());
    let (stop_tx, stop_rx) = watch::channel(false);
    let tasks = producers(&batcher, &produced, None, false, &stop_rx);
    tokio::time::sleep(window).await;
    let _ = stop_tx.send(true);
    for task in tasks {
        task.await?;
    }
    // No shutdown: the handle is dropped here, and the runtime right after.
    drop(batcher);
    Ok(produced.sent.load(Ordering::Relaxed))
}

/// Resets the process's peak RSS (`VmHWM`); false where the kernel does not allow it.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// The process's peak RSS (`VmHWM`) in MB, 0 where unknown.
fn peak_rss_mb() -> f64 {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return 0.0;
    };
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<f64>()
                .ok()
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn print_table(rows: &[Row]) {
    println!(
        "| scenario | events/s | sent | delivered | failed (reported) | lost | counted twice | 429s | peak RSS MB |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for row in rows {
        if let Some(why) = &row.skipped {
            println!("| {} | not run: {why} | | | | | | | |", row.name);
            continue;
        }
        println!(
            "| {} | {:.0} | {} | {} | {} | {} | {} | {} | {:.1} |",
            row.name,
            row.events_per_second,
            row.sent,
            row.delivered,
            row.reported,
            row.lost,
            row.counted_twice,
            row.rejected_429,
            row.peak_rss_mb
        );
    }
}

/// Prints the checks and says whether every one passed.
fn verdict(rows: &[Row]) -> bool {
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    let rate = |name: &str| {
        rows.iter()
            .find(|r| r.name == name && r.skipped.is_none())
            .map(|r| r.events_per_second)
    };
    for row in rows {
        if let Some(why) = &row.skipped {
            problems.push(format!("{}: not run ({why})", row.name));
            continue;
        }
        if row.lost > 0 {
            problems.push(format!("{}: {} events lost", row.name, row.lost));
        }
        if row.counted_twice > 0 {
            problems.push(format!(
                "{}: {} events without an idempotency key",
                row.name, row.counted_twice
            ));
        }
        if row.rejected_429 > 0 {
            problems.push(format!(
                "{}: {} requests answered 429",
                row.name, row.rejected_429
            ));
        }
        if !row.failures_expected && row.reported > 0 {
            problems.push(format!(
                "{}: {} events reported failed",
                row.name, row.reported
            ));
        }
        if row.name.starts_with("bad-") && row.good_failed > 0 {
            problems.push(format!(
                "{}: {} good events reported failed",
                row.name, row.good_failed
            ));
        }
    }
    if let Some(steady) = rate("steady") {
        if steady < STEADY_TARGET {
            warnings.push(format!(
                "steady: {steady:.0} events/s, under the {STEADY_TARGET:.0} target (a noisy \
                 machine? not a failure)"
            ));
        }
        match rate("bad-checked") {
            Some(checked) if checked < CHECKED_SHARE * steady => problems.push(format!(
                "bad-checked: {checked:.0} events/s, under {:.0} % of steady ({steady:.0})",
                CHECKED_SHARE * 100.0
            )),
            _ => {}
        }
    } else if rate("bad-checked").is_some() {
        warnings.push("bad-checked: not compared (steady did not run)".into());
    }
    for warning in &warnings {
        println!("warning: {warning}");
    }
    for problem in &problems {
        println!("FAIL: {problem}");
    }
    if problems.is_empty() {
        println!("ok: nothing lost, nothing counted twice, no 429");
    }
    problems.is_empty()
}
