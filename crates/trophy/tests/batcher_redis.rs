//! The event batcher with a `RedisRateLimiter` on a real `redis-server` that dies mid-run
//! (killed by its PID) and comes back: with no fallback the batches wait instead of failing;
//! with `fallback_replicas` two replicas keep within Trophy's strict window throughout.
//! A machine without `redis-server` fails these tests (`scripts/test` installs it).
#![cfg(feature = "redis")]

use std::sync::Arc;
use std::time::Duration;

use questkit_mock::redis_server::RedisServer;
use questkit_mock::trophy::{DEMO_ADMIN_API_KEY, TrophyMock};
use questkit_trophy::Trophy;
use questkit_trophy::admin::batcher::{BatcherConfig, EventBatcher};
use questkit_trophy::admin::metrics::BatchEvent;
use questkit_trophy::rate_limits::{self, RedisRateLimiter};

fn replica(mock: &TrophyMock, redis: &RedisServer, fallback: Option<u32>) -> EventBatcher {
    let limiter = RedisRateLimiter::builder(redis.url())
        .namespace("batcher-test")
        .limits(rate_limits::documented());
    let limiter = match fallback {
        Some(replicas) => limiter.fallback_replicas(replicas),
        None => limiter,
    };
    let trophy = Trophy::builder()
        .api_key(DEMO_ADMIN_API_KEY)
        .server_url(mock.uri())
        .rate_limiter(Arc::new(limiter.build().unwrap()))
        .documented_rate_limits()
        .build()
        .unwrap();
    trophy
        .admin()
        .metrics()
        .batcher(
            BatcherConfig::default()
                .budget_share(1.0)
                .max_batch_size(20)
                .flush_interval(Duration::from_millis(20))
                .retry_backoff(Duration::from_millis(50), Duration::from_millis(200)),
        )
        .unwrap()
}

fn event(n: usize) -> BatchEvent {
    BatchEvent::new("words-written", format!("user-{}", n % 20), 1.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_fallback_a_dead_redis_makes_batches_wait_not_fail() {
    let mut redis = RedisServer::start().unwrap();
    let mock = TrophyMock::start().await;
    mock.enforce_rate_limits(10, 100);
    let batcher = replica(&mock, &redis, None);
    for n in 0..40 {
        batcher.send(event(n)).await.unwrap();
    }
    batcher.flush(Duration::from_secs(30)).await.unwrap();
    assert_eq!(batcher.stats().delivered, 40);

    redis.kill();
    for n in 40..80 {
        batcher.send(event(n)).await.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let stats = batcher.stats();
    assert_eq!(stats.delivered, 40, "no permit, no request: {stats:?}");
    assert_eq!(stats.failed, 0, "waiting, not failed: {stats:?}");
    assert_eq!(stats.pending, 40, "held, waiting for a permit: {stats:?}");

    redis.restart().unwrap();
    batcher.flush(Duration::from_secs(30)).await.unwrap();
    let report = batcher.shutdown(Duration::from_secs(10)).await;
    assert_eq!(
        (report.delivered, report.failed_count),
        (80, 0),
        "{report:?}"
    );
    let traffic = mock.traffic();
    assert_eq!(traffic.unique_events, 80);
    assert_eq!(traffic.tier1_rejected, 0, "{traffic:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_fallback_two_replicas_stay_within_the_window_while_redis_is_down() {
    let mut redis = RedisServer::start().unwrap();
    let mock = TrophyMock::start().await;
    mock.enforce_rate_limits(10, 100);
    let replicas = [
        replica(&mock, &redis, Some(2)),
        replica(&mock, &redis, Some(2)),
    ];
    let producers: Vec<_> = replicas
        .iter()
        .map(|batcher| {
            let batcher = batcher.clone();
            tokio::spawn(async move {
                for n in 0..500 {
                    batcher.send(event(n)).await.unwrap();
                    if n % 20 == 19 {
                        tokio::time::sleep(Duration::from_millis(150)).await;
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let before = mock.traffic().unique_events;
    redis.kill();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let during = mock.traffic().unique_events - before;
    redis.restart().unwrap();
    for producer in producers {
        producer.await.unwrap();
    }
    let mut delivered = 0;
    for batcher in &replicas {
        let report = batcher.shutdown(Duration::from_secs(60)).await;
        assert!(report.is_complete(), "{:?}", report.failed.first());
        delivered += report.delivered;
    }
    assert_eq!(delivered, 1000);
    let traffic = mock.traffic();
    assert_eq!(traffic.unique_events, 1000);
    assert!(during > 0, "the fallback kept the events flowing");
    assert_eq!(traffic.tier1_rejected, 0, "{traffic:?}");
}
