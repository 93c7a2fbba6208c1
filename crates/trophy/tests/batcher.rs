//! The event batcher against the Trophy mock: batches by size and interval, faults on the
//! way (503s, answers lost after the event was counted), refused events, Trophy's limits.

use std::time::Duration;

use questkit_core::RetryPolicy;
use questkit_core::batch::FailureReason;
use questkit_core::rate_limit::RateLimit;
use questkit_mock::trophy::{DEMO_ADMIN_API_KEY, TrophyMock};
use questkit_mock::trophy_traffic::WriteFaults;
use questkit_trophy::Trophy;
use questkit_trophy::admin::batcher::{BatcherConfig, SendError};
use questkit_trophy::admin::metrics::{BatchEvent, NewMetric};

fn trophy(mock: &TrophyMock) -> questkit_trophy::TrophyBuilder {
    Trophy::builder()
        .api_key(DEMO_ADMIN_API_KEY)
        .base_url(mock.uri())
        .admin_base_url(mock.admin_uri())
}

fn events(n: usize) -> Vec<BatchEvent> {
    (0..n)
        .map(|i| BatchEvent::new("words-written", format!("user-{}", i % 50), 1.0))
        .collect()
}

/// Fast pacing for tests (Trophy's own budget is 10 batches a second).
fn fast() -> BatcherConfig {
    BatcherConfig::default()
        .pace(RateLimit::per_second(200))
        .flush_interval(Duration::from_millis(50))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_batches_go_at_once_and_the_rest_on_the_interval() {
    let mock = TrophyMock::start().await;
    let trophy = trophy(&mock).build().unwrap();
    let batcher = trophy.admin().metrics().batcher(fast()).unwrap();
    for event in events(2500) {
        batcher.send(event).await.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let stats = mock.batch_stats();
    assert_eq!(
        (stats.batches, stats.events),
        (3, 2500),
        "1000 + 1000 + 500"
    );
    let report = batcher.shutdown(Duration::from_secs(5)).await;
    assert_eq!(report.delivered, 2500);
    assert!(report.is_complete());
    assert_eq!(mock.traffic().unique_events, 2500);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_is_lost_or_counted_twice_under_faults() {
    let mock = TrophyMock::start().await;
    // Every 4th write fails with 503 before it is processed; every 7th is processed and its
    // answer comes after the client's timeout: the retry resends the same keys.
    mock.inject_write_faults(WriteFaults {
        fail_every: 4,
        slow_every: 7,
        slow_delay: Duration::from_secs(2),
    });
    // The client's retry policy does not apply to batches: the batcher sends them again
    // itself, paced, with its own backoff.
    let trophy = trophy(&mock)
        .timeout(Duration::from_millis(400))
        .retry_policy(RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    let batcher = trophy
        .admin()
        .metrics()
        .batcher(
            fast()
                .max_batch_size(100)
                .retry_backoff(Duration::from_millis(10), Duration::from_millis(50)),
        )
        .unwrap();
    let sent = events(3000);
    for event in sent.clone() {
        batcher.send(event).await.unwrap();
    }
    let report = batcher.shutdown(Duration::from_secs(60)).await;
    let traffic = mock.traffic();
    assert!(
        traffic.failed_writes > 0 && traffic.slowed_writes > 0,
        "{traffic:?}"
    );
    assert!(report.resends > 0, "{report:?}");
    assert_eq!(report.delivered, 3000, "{:?}", report.failed.first());
    assert!(report.is_complete());
    // Every event reached Trophy exactly once as far as counting goes: the replays of the
    // lost answers carried the same keys.
    assert_eq!(traffic.unique_events, 3000, "{traffic:?}");
    assert!(
        traffic.replays > 0,
        "answers were lost and resent: {traffic:?}"
    );
    assert_eq!(traffic.without_key, 0);
    let mut keys = mock.batch_event_keys();
    keys.sort();
    let mut expected: Vec<String> = sent.into_iter().map(|e| e.idempotency_key).collect();
    expected.sort();
    assert_eq!(
        keys, expected,
        "the keys given at enqueue are the keys Trophy saw"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_event_is_isolated_and_the_rest_delivered() {
    let mock = TrophyMock::start().await;
    let trophy = trophy(&mock).build().unwrap();
    let batcher = trophy.admin().metrics().batcher(fast()).unwrap();
    let mut batch = events(16);
    batch[11] = BatchEvent::new("no-such-metric", "user-1", 1.0);
    let bad = batch[11].idempotency_key.clone();
    for event in batch {
        batcher.send(event).await.unwrap();
    }
    // An event Trophy refuses whatever the batch never enters the queue.
    let invalid = batcher
        .send(BatchEvent::new("words-written", "", 1.0))
        .await
        .unwrap_err();
    assert!(invalid.to_string().contains("user"), "{invalid}");
    let report = batcher.shutdown(Duration::from_secs(10)).await;
    assert_eq!(report.delivered, 15);
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].item.idempotency_key, bad);
    let FailureReason::Rejected(err) = &report.failed[0].reason else {
        panic!("{:?}", report.failed[0].reason)
    };
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(report.batches, 1);
    assert!(
        report.split_requests <= 8,
        "halving, not one request per event: {}",
        report.split_requests
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn within_the_documented_limits_the_mock_never_answers_429() {
    let mock = TrophyMock::start().await;
    mock.enforce_rate_limits(10, 100);
    let trophy = trophy(&mock).documented_rate_limits().build().unwrap();
    let batcher = trophy
        .admin()
        .metrics()
        .batcher(
            BatcherConfig::default()
                .max_batch_size(10)
                .flush_interval(Duration::from_millis(20))
                .budget_share(1.0),
        )
        .unwrap();
    // Other Tier 1 calls of the same client share the budget.
    let other = tokio::spawn({
        let trophy = trophy.clone();
        async move {
            for _ in 0..5 {
                trophy.admin().metrics().list().await.unwrap();
            }
        }
    });
    for event in events(150) {
        batcher.send(event).await.unwrap();
    }
    let report = batcher.shutdown(Duration::from_secs(30)).await;
    other.await.unwrap();
    assert_eq!(report.delivered, 150);
    let traffic = mock.traffic();
    assert_eq!(traffic.tier1_rejected, 0, "{traffic:?}");
    assert!(traffic.tier1_allowed >= 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_checked_batcher_hands_unknown_metric_keys_back_to_the_producer() {
    let mock = TrophyMock::start().await;
    let trophy = trophy(&mock).build().unwrap();
    let batcher = trophy
        .admin()
        .metrics()
        .checked_batcher(fast(), Duration::from_secs(300))
        .unwrap();
    for event in events(20) {
        batcher.send(event).await.unwrap();
    }
    let refused = batcher
        .send(BatchEvent::new("no-such-metric", "user-1", 1.0))
        .await
        .unwrap_err();
    let SendError::Invalid(event, why) = refused else {
        panic!("{refused:?}")
    };
    assert_eq!(event.key, "no-such-metric");
    assert!(why.to_string().contains("no-such-metric"), "{why}");
    let lists = list_calls(&mock).await;
    assert_eq!(
        lists, 2,
        "one list when first needed, one more for the missing key"
    );
    // The same key again: refused at once, no other look-up (even by try_send).
    for _ in 0..5 {
        let again = batcher
            .send(BatchEvent::new("no-such-metric", "user-2", 1.0))
            .await;
        assert!(matches!(again, Err(SendError::Invalid(..))), "{again:?}");
    }
    assert!(matches!(
        batcher.try_send(BatchEvent::new("no-such-metric", "user-3", 1.0)),
        Err(SendError::Invalid(..))
    ));
    assert_eq!(list_calls(&mock).await, lists);
    // A metric created after the list was fetched goes through: its key is looked up again.
    trophy
        .admin()
        .metrics()
        .create([NewMetric::new("Pages read", "pages-read")])
        .await
        .unwrap();
    batcher
        .send(BatchEvent::new("pages-read", "user-1", 3.0))
        .await
        .unwrap();
    let report = batcher.shutdown(Duration::from_secs(10)).await;
    assert_eq!(report.delivered, 21);
    assert!(report.is_complete(), "{:?}", report.failed);
    assert_eq!(report.split_requests, 0, "no batch was refused");
}

/// How many `GET /metrics` the admin mock received.
async fn list_calls(mock: &TrophyMock) -> usize {
    mock.admin()
        .received_requests()
        .await
        .iter()
        .filter(|r| r.method.as_str() == "GET" && r.url.path().ends_with("/metrics"))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_404_that_is_not_about_a_metric_fails_the_batch_without_splitting_it() {
    let mock = TrophyMock::start().await;
    // A wrong admin base: every batch request answers 404 for the path.
    let trophy = Trophy::builder()
        .api_key(DEMO_ADMIN_API_KEY)
        .base_url(mock.uri())
        .admin_base_url(format!("{}/wrong", mock.admin_uri()))
        .build()
        .unwrap();
    let batcher = trophy.admin().metrics().batcher(fast()).unwrap();
    for event in events(40) {
        batcher.send(event).await.unwrap();
    }
    let report = batcher.shutdown(Duration::from_secs(10)).await;
    assert_eq!(report.failed_count, 40);
    assert_eq!(
        (report.batches, report.split_requests, report.resends),
        (1, 0, 0)
    );
    assert!(
        matches!(report.failed[0].reason, FailureReason::Failed(_)),
        "{:?}",
        report.failed[0]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_metric_trophy_refused_is_refused_locally_afterwards() {
    let mock = TrophyMock::start().await;
    let trophy = trophy(&mock).build().unwrap();
    let batcher = trophy
        .admin()
        .metrics()
        .batcher(fast().max_batch_size(10).max_in_flight(1))
        .unwrap();
    // Two batches of ten, each with one event for a metric Trophy does not have. The second
    // forms once the first is done (one in flight), after its bad event was isolated.
    let mut sent = events(20);
    sent[3] = BatchEvent::new("no-such-metric", "user-1", 1.0);
    sent[14] = BatchEvent::new("no-such-metric", "user-2", 1.0);
    for event in sent {
        batcher.send(event).await.unwrap();
    }
    batcher.flush(Duration::from_secs(30)).await.unwrap();
    let after_first = batcher.stats();
    // Learned: the key now comes back from send at once.
    let again = batcher
        .send(BatchEvent::new("no-such-metric", "user-3", 1.0))
        .await;
    assert!(matches!(again, Err(SendError::Invalid(..))), "{again:?}");
    let report = batcher.shutdown(Duration::from_secs(10)).await;
    assert_eq!((report.delivered, report.failed_count), (18, 2));
    assert!(
        report
            .failed
            .iter()
            .all(|f| f.item.key == "no-such-metric"
                && matches!(f.reason, FailureReason::Rejected(_)))
    );
    // Only the first batch was split; the second went out once, without its bad event.
    assert_eq!(report.batches, 2);
    assert_eq!(report.split_requests, after_first.split_requests);
    assert!(report.split_requests <= 8, "{}", report.split_requests);
    assert_eq!(
        mock.batch_stats().events,
        18,
        "each good event processed once"
    );
}
