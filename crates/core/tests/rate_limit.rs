//! Client-side rate limiting through a `Transport`, against a real server on 127.0.0.1.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use questkit_core::rate_limit::{BucketLimits, LocalRateLimiter, RateLimit, RateLimiter};
use questkit_core::{Error, RetryPolicy, Transport};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A server that records when each request arrived and answers with `answer(n)` (n counts
/// from 0).
async fn recording(
    answer: impl Fn(usize) -> ResponseTemplate + Send + Sync + 'static,
) -> (MockServer, Arc<Mutex<Vec<Instant>>>) {
    let server = MockServer::start().await;
    let arrivals: Arc<Mutex<Vec<Instant>>> = Arc::default();
    let seen = arrivals.clone();
    Mock::given(wiremock::matchers::any())
        .respond_with(move |_: &Request| {
            let mut seen = seen.lock().unwrap();
            seen.push(Instant::now());
            answer(seen.len() - 1)
        })
        .mount(&server)
        .await;
    (server, arrivals)
}

fn transport(server: &MockServer, limiter: Arc<dyn RateLimiter>) -> Transport {
    Transport::builder("test")
        .base_url(server.uri())
        .rate_limiter(limiter)
        .retry_policy(RetryPolicy {
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            max_retries: 3,
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
}

/// The most arrivals in any window of `window` starting at an arrival.
fn busiest(arrivals: &[Instant], window: Duration) -> usize {
    arrivals
        .iter()
        .map(|start| {
            arrivals
                .iter()
                .filter(|t| **t >= *start && **t < *start + window)
                .count()
        })
        .max()
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_stay_under_the_rate_in_every_window() {
    let (server, arrivals) = recording(|_| ResponseTemplate::new(200).set_body_string("1")).await;
    let limiter = Arc::new(LocalRateLimiter::new(
        BucketLimits::new().bucket("tier1", RateLimit::per_second(20)),
    ));
    let t = transport(&server, limiter);
    let started = Instant::now();
    let calls: Vec<_> = (0..40)
        .map(|_| {
            let t = t.clone();
            tokio::spawn(async move { t.get::<u32>("x", &[]).rate_limit_bucket("tier1").await })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap().unwrap(), 1);
    }
    let arrivals = arrivals.lock().unwrap().clone();
    assert_eq!(arrivals.len(), 40);
    // 20/s paced at 90 %: never more than 20 in a second, and any 21 arrivals span the
    // second plus the margin (1.11 s, less a little scheduling noise).
    assert!(
        busiest(&arrivals, Duration::from_secs(1)) <= 20,
        "{arrivals:?}"
    );
    for run in arrivals.windows(21) {
        assert!(run[20] - run[0] >= Duration::from_millis(1080), "{run:?}");
    }
    assert!(
        started.elapsed() >= Duration::from_millis(2000),
        "{:?}",
        started.elapsed()
    );
    // Another bucket is not held by this one.
    let quick = Instant::now();
    let _: u32 = t.get("x", &[]).rate_limit_bucket("tier2").await.unwrap();
    assert!(quick.elapsed() < Duration::from_millis(200));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_with_retry_after_pauses_every_caller_of_the_bucket() {
    let (server, arrivals) = recording(|n| {
        if n == 0 {
            ResponseTemplate::new(429).insert_header("retry-after", "1")
        } else {
            ResponseTemplate::new(200).set_body_string("1")
        }
    })
    .await;
    let limiter = Arc::new(LocalRateLimiter::new(
        BucketLimits::new().bucket("tier1", RateLimit::per_second(100)),
    ));
    let t = transport(&server, limiter.clone());
    let first: u32 = t.get("x", &[]).rate_limit_bucket("tier1").await.unwrap();
    assert_eq!(first, 1, "the 429 was retried after its Retry-After");
    // A second client sharing the limiter was paused too: nothing reached the server
    // between the 429 and the end of its pause.
    let other = transport(&server, limiter);
    let _: u32 = other
        .get("x", &[])
        .rate_limit_bucket("tier1")
        .await
        .unwrap();
    let arrivals = arrivals.lock().unwrap().clone();
    assert_eq!(arrivals.len(), 3);
    assert!(
        arrivals[1] - arrivals[0] >= Duration::from_millis(990),
        "{arrivals:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_without_retry_after_pauses_for_one_period() {
    let (server, arrivals) = recording(|n| {
        if n == 0 {
            ResponseTemplate::new(429)
        } else {
            ResponseTemplate::new(200).set_body_string("1")
        }
    })
    .await;
    let limiter = Arc::new(LocalRateLimiter::new(
        BucketLimits::new().bucket("tier1", RateLimit::new(50, Duration::from_millis(500))),
    ));
    let t = transport(&server, limiter);
    let _: u32 = t.get("x", &[]).rate_limit_bucket("tier1").await.unwrap();
    let arrivals = arrivals.lock().unwrap().clone();
    assert_eq!(arrivals.len(), 2);
    // The bucket paused for its 500 ms period (plus jitter), and the retry itself waited at
    // least a second, Trophy's window, although the policy's backoff starts at 1 ms: a 429
    // that names no wait is never retried sooner.
    let gap = arrivals[1] - arrivals[0];
    assert!(gap >= Duration::from_millis(1000), "{arrivals:?}");
    assert!(gap < Duration::from_millis(1400), "{arrivals:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_permit_past_the_deadline_fails_at_once_with_the_wait() {
    let (server, arrivals) = recording(|_| ResponseTemplate::new(200).set_body_string("1")).await;
    let limiter = Arc::new(LocalRateLimiter::new(
        BucketLimits::new().default_limit(RateLimit::per_second(1).margin(1.0)),
    ));
    let t = transport(&server, limiter);
    let _: u32 = t.get("x", &[]).await.unwrap();
    let started = Instant::now();
    let err = t
        .get::<u32>("x", &[])
        .deadline(Duration::from_millis(300))
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(200), "no hang");
    let Error::RateLimited { bucket, wait } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(bucket, "default");
    assert!(*wait > Duration::from_millis(800), "{wait:?}");
    assert!(err.is_rate_limited() && err.is_retryable());
    assert!(err.to_string().contains("default"), "{err}");
    assert_eq!(arrivals.lock().unwrap().len(), 1);
}
