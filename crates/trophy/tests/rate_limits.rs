//! Trophy's rate-limit tiers: every call spends from its tier, and the documented limits pace
//! the calls of one client.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use questkit_core::rate_limit::{RateLimit, RateLimiter};
use questkit_mock::trophy::{DEMO_ADMIN_API_KEY, TrophyMock};
use questkit_trophy::admin::metrics::BatchEvent;
use questkit_trophy::rate_limits::{TIER_1, TIER_2};
use questkit_trophy::{Trophy, UpsertedUser};

/// A limiter that grants everything and records which bucket each attempt spent from.
#[derive(Debug, Default)]
struct Recording(Mutex<Vec<String>>);

impl RateLimiter for Recording {
    fn acquire<'a>(
        &'a self,
        bucket: &'a str,
        _: Option<tokio::time::Instant>,
    ) -> BoxFuture<'a, questkit_core::Result<Duration>> {
        self.0.lock().unwrap().push(bucket.to_owned());
        Box::pin(async { Ok(Duration::ZERO) })
    }

    fn acquire_with_limit<'a>(
        &'a self,
        bucket: &'a str,
        _: RateLimit,
        deadline: Option<tokio::time::Instant>,
    ) -> BoxFuture<'a, questkit_core::Result<Duration>> {
        self.acquire(bucket, deadline)
    }

    fn pause<'a>(
        &'a self,
        _: &'a str,
        _: Option<Duration>,
    ) -> BoxFuture<'a, questkit_core::Result<()>> {
        Box::pin(async { Ok(()) })
    }
}

fn client(mock: &TrophyMock) -> questkit_trophy::TrophyBuilder {
    Trophy::builder()
        .api_key(DEMO_ADMIN_API_KEY)
        .base_url(mock.uri())
        .admin_base_url(mock.admin_uri())
        .max_retries(0)
}

#[tokio::test]
async fn every_call_spends_from_its_tier() {
    let mock = TrophyMock::start().await;
    let limiter = Arc::new(Recording::default());
    let trophy = client(&mock).rate_limiter(limiter.clone()).build().unwrap();
    let mut expect = Vec::new();
    let mut check = |name: &str, tier: &str| {
        let seen = limiter.0.lock().unwrap().drain(..).collect::<Vec<_>>();
        assert_eq!(seen, [tier], "{name}");
        expect.push(name.to_owned());
    };

    trophy
        .metrics()
        .event("words-written", UpsertedUser::new("user-1"), 1.0)
        .await
        .unwrap();
    check("metrics.event", TIER_1);
    trophy
        .achievements()
        .complete("finish-onboarding", UpsertedUser::new("user-1"))
        .await
        .unwrap();
    check("achievements.complete", TIER_1);
    trophy.users().get("user-1").await.unwrap();
    check("users.get", TIER_2);
    trophy
        .users()
        .single_metric("user-1", "words-written")
        .await
        .unwrap();
    check("users.single_metric", TIER_2);
    trophy.leaderboards().all().await.unwrap();
    check("leaderboards.all", TIER_2);
    trophy.admin().metrics().list().await.unwrap();
    check("admin.metrics.list", TIER_1);
    let outcome = trophy
        .admin()
        .metrics()
        .batch_events([BatchEvent::new("words-written", "user-1", 2.0)])
        .await
        .unwrap();
    assert!(outcome.is_complete());
    check("admin.metrics.batch_events", TIER_1);
    trophy.admin().environments().list().await.unwrap();
    check("admin.environments.list", TIER_1);
    assert_eq!(expect.len(), 8);
}

#[tokio::test]
async fn documented_limits_pace_tier_1_and_leave_tier_2_free() {
    let mock = TrophyMock::start().await;
    let trophy = client(&mock).documented_rate_limits().build().unwrap();
    assert_eq!(trophy.tier1_limit(), Some(RateLimit::per_second(10)));
    let started = Instant::now();
    for _ in 0..4 {
        trophy
            .metrics()
            .event("words-written", UpsertedUser::new("user-1"), 1.0)
            .await
            .unwrap();
    }
    // Four Tier 1 calls at 9 a second: three intervals of 111 ms.
    assert!(
        started.elapsed() >= Duration::from_millis(330),
        "{:?}",
        started.elapsed()
    );
    let started = Instant::now();
    for _ in 0..4 {
        trophy.users().get("user-1").await.unwrap();
    }
    assert!(
        started.elapsed() < Duration::from_millis(200),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_batcher_takes_its_budget_from_the_clients_limiter() {
    // A raised plan set once, on the limiter: 100 Tier 1 requests a second.
    let mock = TrophyMock::start().await;
    let limiter = questkit_core::rate_limit::LocalRateLimiter::new(
        questkit_trophy::rate_limits::BucketLimits::new()
            .bucket(TIER_1, RateLimit::per_second(100).margin(1.0)),
    );
    let trophy = client(&mock)
        .rate_limiter(Arc::new(limiter))
        .build()
        .unwrap();
    let batcher = trophy
        .admin()
        .metrics()
        .batcher(
            questkit_trophy::admin::batcher::BatcherConfig::default()
                .budget_share(1.0)
                .max_batch_size(1),
        )
        .unwrap();
    let started = Instant::now();
    for n in 0..21 {
        batcher
            .send(BatchEvent::new("words-written", format!("user-{n}"), 1.0))
            .await
            .unwrap();
    }
    batcher.flush(Duration::from_secs(30)).await.unwrap();
    // 21 single-event batches paced at 100 a second take 0.2 s; at the documented 10 a
    // second (paced at 9) they would take 2.2 s.
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(200), "{took:?}");
    assert!(
        took < Duration::from_millis(1500),
        "paced at the documented rate: {took:?}"
    );
    let report = batcher.shutdown(Duration::from_secs(5)).await;
    assert_eq!(report.delivered, 21);
}
