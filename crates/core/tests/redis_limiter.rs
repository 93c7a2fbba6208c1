//! `RedisRateLimiter` against a real `redis-server`, started on a free loopback port for each
//! test and stopped after. A machine without `redis-server` fails these tests: the README's
//! test command (`scripts/test`) installs it.
#![cfg(feature = "redis")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use questkit_core::rate_limit::{BucketLimits, RateLimit, RateLimiter, RedisRateLimiter};
use questkit_core::{Error, RetryPolicy, Transport};
use wiremock::{Mock, MockServer, ResponseTemplate};

use questkit_mock::redis_server::RedisServer;

fn limiter(redis: &RedisServer, namespace: &str, limit: RateLimit) -> Arc<RedisRateLimiter> {
    Arc::new(
        RedisRateLimiter::builder(redis.url())
            .namespace(namespace)
            .limits(BucketLimits::new().bucket("tier1", limit))
            .build()
            .unwrap(),
    )
}

/// Acquires `n` permits from each limiter at once and returns when each was granted.
async fn grants(limiters: &[Arc<RedisRateLimiter>], n: usize) -> Vec<Instant> {
    let mut tasks = Vec::new();
    for limiter in limiters {
        for _ in 0..n {
            let limiter = limiter.clone();
            tasks.push(tokio::spawn(async move {
                limiter.acquire("tier1", None).await.unwrap();
                Instant::now()
            }));
        }
    }
    let mut at = Vec::new();
    for task in tasks {
        at.push(task.await.unwrap());
    }
    at.sort();
    at
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_share_one_budget_and_namespaces_are_apart() {
    let redis = RedisServer::start().expect("redis-server (scripts/test installs it)");
    let limit = RateLimit::per_second(10).margin(1.0);
    // Two replicas of one organisation: 20 permits at 10/s take about 1.9 s in all.
    let replicas = [
        limiter(&redis, "org-a", limit),
        limiter(&redis, "org-a", limit),
    ];
    let started = Instant::now();
    let at = grants(&replicas, 10).await;
    assert!(
        started.elapsed() >= Duration::from_millis(1850),
        "{:?}",
        started.elapsed()
    );
    for pair in at.windows(11) {
        assert!(pair[10] - pair[0] >= Duration::from_millis(950), "{pair:?}");
    }
    // Another namespace has its own budget.
    let other = limiter(&redis, "org-b", limit);
    let quick = Instant::now();
    assert_eq!(other.acquire("tier1", None).await.unwrap(), Duration::ZERO);
    assert!(quick.elapsed() < Duration::from_millis(100));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_script_call_by_hash_per_permit() {
    let redis = RedisServer::start().expect("redis-server (scripts/test installs it)");
    let limiter = limiter(&redis, "org", RateLimit::per_second(1000));
    limiter.acquire("tier1", None).await.unwrap();
    let (evalsha, eval, load) = (
        redis.command_calls("evalsha"),
        redis.command_calls("eval"),
        redis.command_calls("script|load"),
    );
    for _ in 0..20 {
        limiter.acquire("tier1", None).await.unwrap();
    }
    assert_eq!(redis.command_calls("evalsha") - evalsha, 20);
    assert_eq!(
        redis.command_calls("eval"),
        eval,
        "never the whole script again"
    );
    assert_eq!(redis.command_calls("script|load"), load, "loaded once");
    assert!(load <= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pause_is_seen_by_every_replica_and_deadlines_take_nothing() {
    let redis = RedisServer::start().expect("redis-server (scripts/test installs it)");
    let limit = RateLimit::per_second(100);
    let a = limiter(&redis, "org", limit);
    let b = limiter(&redis, "org", limit);
    a.pause("tier1", Some(Duration::from_millis(800)))
        .await
        .unwrap();
    let started = Instant::now();
    let waited = b.acquire("tier1", None).await.unwrap();
    assert!(waited >= Duration::from_millis(700), "{waited:?}");
    assert!(started.elapsed() >= Duration::from_millis(700));

    let slow = limiter(&redis, "slow", RateLimit::per_second(1).margin(1.0));
    slow.acquire("tier1", None).await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_millis(300);
    let err = slow.acquire("tier1", Some(deadline)).await.unwrap_err();
    let Error::RateLimited { wait, .. } = err else {
        panic!("{err:?}")
    };
    assert!(wait > Duration::from_millis(800), "{wait:?}");
    // The refusal reserved nothing: the next permit comes one interval after the first.
    let waited = slow.acquire("tier1", None).await.unwrap();
    assert!(waited <= Duration::from_millis(1000), "{waited:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_through_one_transport_pauses_the_other_replica() {
    let redis = RedisServer::start().expect("redis-server (scripts/test installs it)");
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_string("1"))
        .mount(&server)
        .await;
    let replica = |limiter: Arc<RedisRateLimiter>| {
        Transport::builder("test")
            .base_url(server.uri())
            .rate_limiter(limiter)
            .retry_policy(RetryPolicy::never())
            .build()
            .unwrap()
    };
    let limit = RateLimit::per_second(100);
    let first = replica(limiter(&redis, "org", limit));
    let second = replica(limiter(&redis, "org", limit));
    let err = first
        .get::<u32>("x", &[])
        .rate_limit_bucket("tier1")
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    let started = Instant::now();
    let n: u32 = second
        .get("x", &[])
        .rate_limit_bucket("tier1")
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_redis_is_an_error_or_the_chosen_local_share() {
    // A Redis that was there and is gone: its port refuses connections.
    let url = {
        let mut gone = RedisServer::start().expect("redis-server (scripts/test installs it)");
        gone.kill();
        gone.url()
    };
    let limits = BucketLimits::new().bucket("tier1", RateLimit::per_second(10).margin(1.0));
    let strict = RedisRateLimiter::builder(&url)
        .limits(limits.clone())
        .build()
        .unwrap();
    let started = Instant::now();
    let err = strict.acquire("tier1", None).await.unwrap_err();
    assert!(matches!(err, Error::RateLimiterUnavailable(_)), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(3), "fails fast");
    assert!(!err.to_string().is_empty());

    // With a fallback, this replica limits itself to its share: two replicas, 5 of the
    // 10 per second each, paced at 90 %: one every 222 ms.
    let lenient = RedisRateLimiter::builder(&url)
        .limits(limits.clone())
        .fallback_replicas(2)
        .build()
        .unwrap();
    let started = Instant::now();
    let waited = lenient.acquire("tier1", None).await.unwrap();
    assert!(lenient.is_degraded());
    // Its first local permit waits a window and a probe interval after Redis was found
    // unreachable: permits Redis granted the other replicas may still be in use.
    assert!(waited >= Duration::from_millis(1990), "{waited:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let first = Instant::now();
    for _ in 0..3 {
        lenient.acquire("tier1", None).await.unwrap();
    }
    // Paced at its share, and without waiting for Redis on every call.
    let spent = first.elapsed();
    assert!(spent >= Duration::from_millis(660), "{spent:?}");
    assert!(spent < Duration::from_millis(1500), "{spent:?}");
    // A secret in the URL never shows.
    let with_password = RedisRateLimiter::builder("redis://:hunter2secret@127.0.0.1:1/");
    assert!(!format!("{with_password:?}").contains("hunter2secret"));
}
