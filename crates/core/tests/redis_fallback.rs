//! Four `RedisRateLimiter` replicas on one real `redis-server`, which is killed mid-run and
//! started again on the same port, against what a strict server-side sliding window of one
//! second would see: never more than 10 requests of `tier1` in any second, before, during
//! and after the outage, and the permits keep coming throughout.
//!
//! A machine without `redis-server` fails these tests: the README's test command
//! (`scripts/test`) installs it.
#![cfg(feature = "redis")]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use questkit_core::rate_limit::{BucketLimits, RateLimit, RateLimiter, RedisRateLimiter};

use questkit_mock::redis_server::RedisServer;

const REPLICAS: usize = 4;
/// How long each phase runs: Redis up, Redis down, Redis up again.
const BEFORE: Duration = Duration::from_millis(2500);
const OUTAGE: Duration = Duration::from_secs(5);
const AFTER: Duration = Duration::from_millis(4500);

/// One permit: when its caller went, which replica, whether that replica was degraded
/// (using its local share) right after.
#[derive(Clone, Copy, Debug)]
struct Go {
    at: Instant,
    replica: usize,
    degraded: bool,
}

#[derive(Default)]
struct Log {
    tier1: Vec<Go>,
    batches: Vec<Go>,
    errors: Vec<String>,
}

/// What one task of a replica does in a loop.
#[derive(Clone, Copy)]
enum Task {
    /// `acquire("tier1")`, like any Tier 1 call.
    Tier1,
    /// `acquire_with_limit("tier1:batches", 80 % of Tier 1)` then `acquire("tier1")`, like
    /// the event batcher's requests.
    Batch,
}

fn batches() -> RateLimit {
    RateLimit::per_second(10).share(0.8)
}

fn replica(redis: &RedisServer, namespace: &str) -> Arc<RedisRateLimiter> {
    Arc::new(
        RedisRateLimiter::builder(redis.url())
            .namespace(namespace)
            .limits(BucketLimits::new().bucket("tier1", RateLimit::per_second(10)))
            .fallback_replicas(REPLICAS as u32)
            .build()
            .unwrap(),
    )
}

async fn spend(
    limiter: Arc<RedisRateLimiter>,
    replica: usize,
    task: Task,
    log: Arc<Mutex<Log>>,
    stop: Arc<AtomicBool>,
) {
    let go = |limiter: &RedisRateLimiter| Go {
        at: Instant::now(),
        replica,
        degraded: limiter.is_degraded(),
    };
    while !stop.load(Ordering::Relaxed) {
        if let Task::Batch = task {
            match limiter
                .acquire_with_limit("tier1:batches", batches(), None)
                .await
            {
                Ok(_) => log.lock().unwrap().batches.push(go(&limiter)),
                Err(err) => {
                    log.lock().unwrap().errors.push(err.to_string());
                    continue;
                }
            }
        }
        match limiter.acquire("tier1", None).await {
            Ok(_) => log.lock().unwrap().tier1.push(go(&limiter)),
            Err(err) => log.lock().unwrap().errors.push(err.to_string()),
        }
    }
}

/// Checks that no window of `window` holds more than `limit` permits: any `limit + 1`
/// consecutive ones span at least the window, as a strict sliding window requires.
fn assert_strict_window(name: &str, gos: &[Go], limit: usize, window: Duration, t0: Instant) {
    let mut at: Vec<Instant> = gos.iter().map(|g| g.at).collect();
    at.sort();
    for run in at.windows(limit + 1) {
        let (first, last) = (run[0], run[limit]);
        assert!(
            last - first >= window,
            "{name}: {} permits within {:?} from {:?}: {:?}",
            limit + 1,
            last - first,
            first - t0,
            run.iter().map(|t| *t - t0).collect::<Vec<_>>()
        );
    }
}

/// Runs `tasks` on each of four replicas through an outage of Redis and returns the log,
/// when Redis was killed and when it was back, the start, and the replicas.
async fn through_an_outage(
    tasks: &[Task],
    namespace: &str,
) -> (
    Log,
    Instant,
    Instant,
    Instant,
    Vec<Arc<RedisRateLimiter>>,
    RedisServer,
) {
    let mut redis = RedisServer::start().expect("redis-server (scripts/test installs it)");
    let replicas: Vec<_> = (0..REPLICAS).map(|_| replica(&redis, namespace)).collect();
    let log: Arc<Mutex<Log>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let t0 = Instant::now();
    let mut handles = Vec::new();
    for (n, limiter) in replicas.iter().enumerate() {
        for task in tasks {
            handles.push(tokio::spawn(spend(
                limiter.clone(),
                n,
                *task,
                log.clone(),
                stop.clone(),
            )));
        }
    }
    tokio::time::sleep(BEFORE).await;
    redis.kill();
    let killed = Instant::now();
    tokio::time::sleep(OUTAGE).await;
    redis.restart().expect("redis-server restarts");
    let back = Instant::now();
    tokio::time::sleep(AFTER).await;
    stop.store(true, Ordering::Relaxed);
    // A task still waiting for a permit has not gone: dropping it spends nothing.
    for handle in &handles {
        handle.abort();
    }
    for handle in handles {
        let _ = handle.await;
    }
    let log = std::mem::take(&mut *log.lock().unwrap());
    (log, t0, killed, back, replicas, redis)
}

/// The checks both scenarios share, on `tier1` (or another bucket's permits).
fn assert_survived(
    name: &str,
    gos: &[Go],
    (t0, killed, back): (Instant, Instant, Instant),
    limit: usize,
    window: Duration,
) {
    assert_strict_window(name, gos, limit, window, t0);
    let before = gos.iter().filter(|g| g.at < killed && !g.degraded).count();
    assert!(
        before >= 4,
        "{name}: {before} permits from Redis before the outage"
    );
    // The fallback worked: every replica went on, on its local share, during the outage
    // (2 s after the kill, every permit Redis had granted has gone).
    let local_from = killed + Duration::from_secs(2);
    for replica in 0..REPLICAS {
        let local = gos
            .iter()
            .filter(|g| g.replica == replica && g.degraded && g.at > local_from && g.at < back)
            .count();
        assert!(
            local >= 1,
            "{name}: replica {replica}: no permit during the outage"
        );
    }
    // Redis was used again after it came back.
    let after = gos.iter().filter(|g| g.at > back && !g.degraded).count();
    assert!(
        after >= 2,
        "{name}: {after} permits from Redis after the outage"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_replicas_stay_within_a_strict_window_through_a_redis_outage() {
    let (log, t0, killed, back, replicas, redis) =
        through_an_outage(&[Task::Tier1, Task::Tier1, Task::Tier1], "fleet").await;
    assert!(log.errors.is_empty(), "{:?}", log.errors);
    let times = (t0, killed, back);
    assert_survived("tier1", &log.tier1, times, 10, Duration::from_secs(1));
    for limiter in &replicas {
        assert!(!limiter.is_degraded(), "back on Redis at the end");
    }
    assert!(redis.command_calls("evalsha") > 0, "the new Redis was used");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_given_limit_holds_fleet_wide_through_a_redis_outage_too() {
    let (log, t0, killed, back, replicas, redis) = through_an_outage(
        &[Task::Tier1, Task::Tier1, Task::Batch, Task::Batch],
        "mixed",
    )
    .await;
    assert!(log.errors.is_empty(), "{:?}", log.errors);
    let times = (t0, killed, back);
    // Tier 1 as a whole, batches included, within 10 a second...
    assert_survived("tier1", &log.tier1, times, 10, Duration::from_secs(1));
    // ...and the batches within their own limit: 10 per 1.25 s (80 % of Tier 1).
    let window = batches().period();
    assert_eq!(window, Duration::from_millis(1250));
    assert_survived("tier1:batches", &log.batches, times, 10, window);
    for limiter in &replicas {
        assert!(!limiter.is_degraded(), "back on Redis at the end");
    }
    assert!(redis.command_calls("evalsha") > 0, "the new Redis was used");
}
