#![cfg(feature = "giftoin")]
//! The Giftoin wire contract: each of the 3 operations of `questkit::giftoin`, called once
//! against the Giftoin mock under `/giftoin/api/v1` on a shared `MockSuite` server. Each row
//! gives the call, the request the mock must receive (method, path relative to `/api/v1`,
//! query, `x-gft-api-key`, JSON body) and checks on the decoded value.

mod common;

use common::{Api, row};
use questkit::HasProgress;
use questkit::giftoin::orders::OrderStatus;
use questkit::giftoin::{Giftoin, Order, Platform};
use questkit_mock::MockSuite;
use questkit_mock::giftoin::{DEMO_API_KEY, DEMO_CAMPAIGN_ID, PROGRAM_IDS};
use serde_json::json;

/// Every operation of the client: method and path template, relative to the base path.
const OPERATIONS: [(&str, &str); 3] = [
    (
        "GET",
        "/users/{platform}/{platformUserId}/progress/collection-challenges",
    ),
    (
        "GET",
        "/users/{platform}/{platformUserId}/progress/collection-challenges/{programId}",
    ),
    ("POST", "/gcm/reseller/campaign/{campaignId}/order"),
];

#[tokio::test]
async fn every_giftoin_operation_matches_the_mock() {
    let suite = MockSuite::start().await;
    let giftoin = Giftoin::builder()
        .api_key(DEMO_API_KEY)
        .base_url(suite.giftoin.uri())
        .max_retries(0)
        .build()
        .expect("a client of the mock");
    let api = Api::new(&suite.giftoin)
        .header("x-gft-api-key", DEMO_API_KEY)
        .header("accept", "application/json");

    let rows = vec![
        row(
            "users.collection_challenges",
            giftoin
                .users()
                .collection_challenges(Platform::Discord, "user-42"),
            [api.get(
                "/users/{platform}/{platformUserId}/progress/collection-challenges",
                "/users/discord/user-42/progress/collection-challenges",
            )],
            |programs| {
                let ids: Vec<_> = programs
                    .iter()
                    .filter_map(|p| p.id.as_ref().map(|id| id.as_str()))
                    .collect();
                assert_eq!(ids, PROGRAM_IDS);
                assert!(programs[3].progress().is_completed());
            },
        ),
        row(
            "users.collection_challenge",
            giftoin
                .users()
                .collection_challenge(Platform::Roblox, "user-42", "program_123"),
            [api.get(
                "/users/{platform}/{platformUserId}/progress/collection-challenges/{programId}",
                "/users/roblox/user-42/progress/collection-challenges/program_123",
            )],
            |program| {
                assert_eq!(program.name.as_deref(), Some("Winter Challenge"));
                assert_eq!(program.progress_in_percentage, Some(30.0));
                assert_eq!(program.cards.len(), 1);
            },
        ),
        row(
            "orders.create",
            giftoin.orders().create(
                DEMO_CAMPAIGN_ID,
                Order::new(["ada@example.com"])
                    .title("Winter prize")
                    .points("pts-1", 100)
                    .metadata("source", "contract-test"),
            ),
            [api.post(
                "/gcm/reseller/campaign/{campaignId}/order",
                "/gcm/reseller/campaign/campaign_456/order",
                json!({"contacts": ["ada@example.com"], "title": "Winter prize",
                       "items": {"points": [{"id": "pts-1", "quantity": 100}]},
                       "metadata": {"source": "contract-test"}}),
            )],
            |created| {
                assert_eq!(
                    created.order_id.as_ref().map(|id| id.as_str()),
                    Some("order_12345")
                );
                assert_eq!(created.status, Some(OrderStatus::Created));
            },
        ),
    ];

    let coverage = common::run(&suite, rows).await;
    coverage.assert_exactly(&OPERATIONS);
    assert_eq!(common::recorded(&suite).await, [0, 0, 0, 0, 3]);
}
