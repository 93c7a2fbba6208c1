//! The Trophy mock's traffic rules: limits per key and tier in a strict sliding window,
//! injected write faults, and the idempotency-key counters.
#![cfg(feature = "trophy")]

use std::time::Duration;

use questkit_core::reqwest::Client;
use questkit_mock::trophy::{DEMO_ADMIN_API_KEY, DEMO_API_KEY, TrophyMock};
use questkit_mock::trophy_traffic::WriteFaults;
use serde_json::json;

async fn event(client: &Client, mock: &TrophyMock, key: &str, idempotency: &str) -> u16 {
    client
        .post(format!("{}/metrics/words-written/event", mock.uri()))
        .header("x-api-key", key)
        .header("idempotency-key", idempotency)
        .header("content-type", "application/json")
        .body(json!({"user": {"id": "u1"}, "value": 1}).to_string())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn get(client: &Client, url: String, key: &str) -> u16 {
    client
        .get(url)
        .header("x-api-key", key)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn limits_count_per_key_and_tier_in_a_sliding_window() {
    let mock = TrophyMock::start().await;
    let client = Client::new();
    // No limits unless asked for.
    for i in 0..5 {
        assert_eq!(
            event(&client, &mock, DEMO_API_KEY, &format!("k{i}")).await,
            201
        );
    }
    mock.enforce_rate_limits(3, 5);
    let statuses = [
        event(&client, &mock, DEMO_API_KEY, "a").await,
        event(&client, &mock, DEMO_API_KEY, "b").await,
        event(&client, &mock, DEMO_API_KEY, "c").await,
        event(&client, &mock, DEMO_API_KEY, "d").await,
    ];
    assert_eq!(statuses, [201, 201, 201, 429]);
    // Admin calls are Tier 1 too, but another key has its own window.
    let admin = get(
        &client,
        format!("{}/metrics", mock.admin_uri()),
        DEMO_ADMIN_API_KEY,
    )
    .await;
    assert_eq!(admin, 200);
    // Tier 2 is counted apart.
    for _ in 0..5 {
        assert_eq!(
            get(&client, format!("{}/users/u1", mock.uri()), DEMO_API_KEY).await,
            200
        );
    }
    assert_eq!(
        get(&client, format!("{}/users/u1", mock.uri()), DEMO_API_KEY).await,
        429
    );
    let traffic = mock.traffic();
    assert_eq!((traffic.tier1_allowed, traffic.tier1_rejected), (4, 1));
    assert_eq!((traffic.tier2_allowed, traffic.tier2_rejected), (5, 1));
    // The window slides: a second later the key may go again.
    tokio::time::sleep(Duration::from_millis(1050)).await;
    assert_eq!(event(&client, &mock, DEMO_API_KEY, "e").await, 201);
}

#[tokio::test]
async fn write_faults_and_key_counters() {
    let mock = TrophyMock::start().await;
    mock.inject_write_faults(WriteFaults {
        fail_every: 3,
        slow_every: 0,
        slow_delay: Duration::ZERO,
    });
    let client = Client::new();
    let mut statuses = Vec::new();
    for key in ["a", "b", "c", "a", "b"] {
        statuses.push(event(&client, &mock, DEMO_API_KEY, key).await);
    }
    // The third write failed unprocessed; "a" and "b" came back as replays (202).
    assert_eq!(statuses, [201, 201, 503, 202, 202]);
    let traffic = mock.traffic();
    assert_eq!(traffic.failed_writes, 1);
    assert_eq!(
        (traffic.events, traffic.unique_events, traffic.replays),
        (4, 2, 2)
    );
}
