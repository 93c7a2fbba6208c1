//! Every Giftoin fixture deserializes, round-trips, and carries the values it should.

use chrono::{DateTime, TimeZone, Utc};
use questkit_core::HasProgress;
use questkit_giftoin::envelope::{Payload, ServerTime};
use questkit_giftoin::orders::{CoinId, OrderStatus};
use questkit_giftoin::users::{ChallengeStatus, Environment, Rarity, ViewType};
use questkit_giftoin::{CollectionChallenge, ErrorBody, ErrorCode, Order, OrderCreated, Platform};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::fmt::Debug;
use std::time::Duration;

fn read(name: &str) -> String {
    let path = format!(
        "{}/../../fixtures/giftoin/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Deserializes a fixture, checks that serialize → deserialize gives an equal value and that
/// every ID keeps its JSON type, returns it.
fn load<T: DeserializeOwned + Serialize + PartialEq + Debug>(name: &str) -> T {
    let text = read(name);
    let value: T = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let again = serde_json::to_string(&value).unwrap();
    let back: T = serde_json::from_str(&again).unwrap_or_else(|e| panic!("{name} again: {e}"));
    assert_eq!(back, value, "{name} does not round-trip");
    let original: Value = serde_json::from_str(&text).unwrap();
    let rewritten: Value = serde_json::from_str(&again).unwrap();
    assert_id_types_kept(name, &original, &rewritten);
    value
}

/// Like [`load`], and the re-serialized JSON equals the fixture's JSON value exactly.
fn load_exact<T: DeserializeOwned + Serialize + PartialEq + Debug>(name: &str) -> T {
    let value: T = load(name);
    let original: Value = serde_json::from_str(&read(name)).unwrap();
    assert_eq!(
        serde_json::to_value(&value).unwrap(),
        original,
        "{name} does not re-serialize to the same JSON"
    );
    value
}

fn millis(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap()
}

fn assert_seed_program(p: &CollectionChallenge) {
    assert_eq!(p.id.as_ref().map(|id| id.as_str()), Some("program_123"));
    assert_eq!(p.name.as_deref(), Some("Winter Challenge"));
    assert_eq!(
        p.image.as_deref(),
        Some("https://example.com/images/winter-challenge.png")
    );
    assert_eq!(
        p.description.as_deref(),
        Some("Collect all winter-themed cards")
    );
    assert_eq!(p.size, Some(10));
    assert_eq!(p.cards.len(), 1);
    let card = &p.cards[0];
    assert_eq!(card.name.as_deref(), Some("Snowflake Card"));
    assert_eq!(card.id.as_ref().map(|id| id.as_str()), Some("card_456"));
    assert_eq!(
        card.image.as_deref(),
        Some("https://example.com/images/snowflake.png")
    );
    assert_eq!(card.owned_quantity, Some(2));
    assert_eq!(card.is_owned, Some(true));
    assert_eq!(card.rarity, Some(Rarity::Rare));
    assert_eq!(p.progress_in_percentage, Some(30.0));
    assert_eq!(p.environment, Some(Environment::Production));
    assert_eq!(p.created_timestamp, Some(millis(1_644_825_600_000)));
    assert_eq!(
        p.created_timestamp.unwrap().to_rfc3339(),
        "2022-02-14T08:00:00+00:00"
    );
    assert_eq!(p.time_left, Some(Duration::from_secs(7 * 24 * 3600)));
    let reward = p.reward.as_ref().unwrap();
    assert_eq!(reward.id.as_ref().map(|id| id.as_str()), Some("reward_789"));
    assert_eq!(reward.name.as_deref(), Some("Winter Champion Badge"));
    assert_eq!(
        reward.image.as_deref(),
        Some("https://example.com/images/winter-badge.png")
    );
    assert_eq!(
        reward.description.as_deref(),
        Some("Awarded to those who complete the Winter Challenge")
    );
    assert_eq!(reward.is_claimed, Some(false));
    assert_eq!(reward.can_claim, Some(false));
    assert_eq!(reward.value.as_deref(), Some("text"));
    assert_eq!(reward.claimed_timestamp, Some(millis(1)));
    assert_eq!(reward.view_type, Some(ViewType::Qr));
    assert_eq!(p.status, Some(ChallengeStatus::InProgress));
    assert_eq!(p.collected_count, Some(3));
    let duration = p.duration.as_ref().unwrap();
    let start = duration.start.as_ref().unwrap();
    assert_eq!(start.date, Some(millis(1_644_825_600_000)));
    assert_eq!(start.show_before, Some(true));
    let end = duration.end.as_ref().unwrap();
    assert_eq!(end.date, Some(millis(1_647_417_600_000)));
    assert_eq!(end.show_after, Some(false));
    assert_eq!(p.starts_at(), Some(millis(1_644_825_600_000)));
    assert_eq!(p.ends_at(), Some(millis(1_647_417_600_000)));

    let progress = p.progress();
    assert_eq!(progress.current, 3.0);
    assert_eq!(progress.target, Some(10.0));
    assert_eq!(progress.percent(), 30);
    assert!(!progress.is_completed());
    assert!(!p.is_completed());
    assert_eq!(p.missing_count(), 7);
    // The one listed card is owned, so no listed card is missing.
    assert_eq!(p.missing_cards().count(), 0);
}

#[test]
fn seed_list_round_trips_exactly() {
    let list: Vec<CollectionChallenge> = load_exact("progress_list.seed.json");
    assert_eq!(list.len(), 1);
    assert_seed_program(&list[0]);
    // The bare list also reads through the envelope-tolerant payload type.
    let payload: Payload<Vec<CollectionChallenge>> = load_exact("progress_list.seed.json");
    assert!(!payload.is_enveloped());
    assert_eq!(payload.data(), &list);
}

#[test]
fn seed_single_round_trips_exactly() {
    let program: CollectionChallenge = load_exact("progress_single.seed.json");
    assert_seed_program(&program);
    let list: Vec<CollectionChallenge> = load("progress_list.seed.json");
    assert_eq!(list[0], program);
    // The millisecond timestamps are written back as the same integers.
    let json = serde_json::to_value(&program).unwrap();
    assert_eq!(json["createdTimestamp"], Value::from(1_644_825_600_000_i64));
    assert_eq!(json["reward"]["claimedTimestamp"], Value::from(1));
    assert_eq!(json["timeLeft"], Value::from(604_800_000));
    assert_eq!(
        json["duration"]["end"]["date"],
        Value::from(1_647_417_600_000_i64)
    );
    assert_eq!(json["progressInPercentage"], Value::from(30));
}

#[test]
fn enveloped_progress_reads_like_bare() {
    let bare: Vec<CollectionChallenge> = load("progress_list.seed.json");
    let list: Payload<Vec<CollectionChallenge>> = load_exact("progress_list.enveloped.json");
    assert!(list.is_enveloped());
    assert_eq!(list.data(), &bare);
    let status = list.status().unwrap();
    assert_eq!(
        status.timestamp.as_ref().and_then(ServerTime::date_time),
        Some(millis(1_708_777_200_000))
    );
    assert_eq!(status.error_code, None);

    let single: Payload<CollectionChallenge> = load("progress_single.enveloped.json");
    assert!(single.is_enveloped());
    assert_eq!(single.status().unwrap().error_code, Some(ErrorCode(0)));
    assert_eq!(single.status().unwrap().error_message, None);
    assert_seed_program(single.data());
    assert_eq!(single.into_data(), bare[0]);
}

#[test]
fn open_ended_program_has_no_end() {
    let p: CollectionChallenge = load_exact("program_open_ended.json");
    let duration = p.duration.as_ref().unwrap();
    assert!(duration.end.is_none());
    assert_eq!(p.ends_at(), None);
    assert_eq!(p.starts_at(), Some(millis(1_700_000_000_123)));
    assert_eq!(p.time_left, None);
    assert_eq!(p.created_timestamp.unwrap().timestamp_subsec_millis(), 123);
    let missing: Vec<_> = p
        .missing_cards()
        .map(|c| c.name.as_deref().unwrap())
        .collect();
    assert_eq!(missing, ["Pine Card"]);
    assert_eq!(p.missing_count(), 3);
    assert_eq!(p.progress().percent(), 25);
}

#[test]
fn unknown_values_are_kept() {
    let p: CollectionChallenge = load("program_unknown_values.json");
    assert_eq!(p.status, Some(ChallengeStatus::Unknown("expired".into())));
    assert!(!p.is_completed(), "expired is not completed");
    assert_eq!(p.environment, Some(Environment::Unknown("staging".into())));
    let rarities: Vec<_> = p.cards.iter().map(|c| c.rarity.clone().unwrap()).collect();
    assert_eq!(
        rarities,
        [
            Rarity::Unknown("legendary".into()),
            Rarity::Unknown("mythic".into()),
            Rarity::Rare
        ]
    );
    assert_eq!(
        p.reward.as_ref().unwrap().view_type,
        Some(ViewType::Unknown("LINK".into()))
    );
    assert_eq!(p.time_left, Some(Duration::from_millis(1_234_567)));
    // Unknown values are written back verbatim; only the extra fields are dropped.
    let json = serde_json::to_value(&p).unwrap();
    assert_eq!(json["status"], "expired");
    assert_eq!(json["cards"][1]["rarity"], "mythic");
    assert_eq!(json["timeLeft"], 1_234_567);
    assert_eq!(json["duration"]["end"]["date"], 1_711_234_567_999_i64);
    assert!(json.get("season").is_none());
    let p2 = p.progress();
    assert_eq!((p2.current, p2.target), (2.0, Some(3.0)));
}

#[test]
fn missing_and_null_fields_are_none() {
    let min: CollectionChallenge = load_exact("program_minimal.json");
    assert_eq!(min.id.as_ref().map(|id| id.as_str()), Some("program_min"));
    assert!(min.cards.is_empty() && min.reward.is_none() && min.duration.is_none());
    let progress = min.progress();
    assert_eq!(progress.fraction(), 0.0);
    assert!(!progress.is_completed());

    let nulls: CollectionChallenge = load("program_nulls.json");
    assert_eq!(
        nulls.id.as_ref().map(|id| id.as_str()),
        Some("program_nulls")
    );
    assert!(nulls.name.is_none() && nulls.cards.is_empty() && nulls.status.is_none());
    assert!(nulls.time_left.is_none() && nulls.created_timestamp.is_none());
    assert_eq!(nulls.missing_count(), 0);
    assert!(!nulls.is_completed());
}

#[test]
fn percentage_is_used_without_counts() {
    let p: CollectionChallenge = load_exact("program_percentage_only.json");
    let progress = p.progress();
    assert_eq!(progress.fraction(), 0.45);
    assert_eq!(progress.target, None);
    assert!(!progress.is_completed());
}

#[test]
fn completed_program() {
    let p: CollectionChallenge = load("program_completed.json");
    assert_eq!(p.status, Some(ChallengeStatus::Unknown("completed".into())));
    assert!(p.all_cards_owned());
    assert!(p.is_completed());
    let progress = p.progress();
    assert!(progress.is_completed());
    assert_eq!(progress.fraction(), 1.0);
    assert_eq!(p.missing_cards().count(), 0);
    let reward = p.reward.as_ref().unwrap();
    assert_eq!(reward.is_claimed, Some(true));
    assert_eq!(reward.value.as_deref(), Some("AUTUMN-2023"));
    assert_eq!(reward.claimed_timestamp, Some(millis(1_695_000_000_456)));
    assert_eq!(p.time_left, Some(Duration::ZERO));
}

#[test]
fn order_requests() {
    let order: Order = load_exact("order_request.json");
    assert_eq!(order.contacts, ["player@example.com"]);
    assert_eq!(order.third_party_user_ids.len(), 1);
    assert_eq!(order.third_party_user_ids[0].kind, Platform::Discord);
    assert_eq!(order.third_party_user_ids[0].id, "123456789012345678");
    assert_eq!(order.title.as_deref(), Some("Daily login reward"));
    let points = &order.items.as_ref().unwrap().points;
    assert_eq!(
        (points[0].id.as_str(), points[0].quantity),
        ("point_789", 100)
    );
    let keys: Vec<_> = order.metadata.iter().collect();
    assert_eq!(keys, [("source", "daily_login"), ("streak", "7")]);
    assert!(order.validate().is_ok());
    // The builder produces the same body.
    let built = Order::new(["player@example.com"])
        .third_party_user_id(Platform::Discord, "123456789012345678")
        .title("Daily login reward")
        .description("Points for seven days in a row")
        .points("point_789", 100)
        .metadata("source", "daily_login")
        .metadata("streak", "7");
    assert_eq!(built, order);
    // Key order is the fixture's order, not alphabetical.
    let text = serde_json::to_string(&built).unwrap();
    assert!(text.find("\"source\"").unwrap() < text.find("\"streak\"").unwrap());

    let minimal: Order = load_exact("order_request_minimal.json");
    assert_eq!(minimal, Order::new(["player@example.com"]));

    let cashback: Order = load_exact("order_request_cashback.json");
    assert_eq!(cashback.coins.len(), 2);
    assert_eq!(cashback.coins[0].id, CoinId::Number(1));
    assert_eq!(cashback.coins[0].value_in_usd, 1.0);
    assert_eq!(cashback.coins[1].value_in_usd, 2.5);
    assert!(cashback.validate().is_ok());
}

#[test]
fn order_created_bare_and_enveloped() {
    let created: OrderCreated = load_exact("order_created.json");
    assert_eq!(
        created.order_id.as_ref().map(|id| id.as_str()),
        Some("order_12345")
    );
    assert_eq!(created.status, Some(OrderStatus::Created));
    let bare: Payload<OrderCreated> = load_exact("order_created.json");
    assert!(
        !bare.is_enveloped(),
        "an order's string status is not an envelope"
    );
    let enveloped: Payload<OrderCreated> = load("order_created.enveloped.json");
    assert!(enveloped.is_enveloped());
    assert_eq!(enveloped.into_data(), created);
}

#[test]
fn numeric_ids_keep_their_json_type() {
    let program: CollectionChallenge = load("program_numeric_ids.json");
    assert_eq!(program.cards.len(), 2);
    let json = serde_json::to_value(&program).unwrap();
    assert_eq!(json["id"], Value::from(123));
    assert_eq!(json["cards"][0]["id"], Value::from(456));
    assert_eq!(json["cards"][1]["id"], Value::from("card_457"));
    assert_eq!(json["reward"]["id"], Value::from(789));
    assert_eq!(program.id.as_ref().map(|id| id.as_str()), Some("123"));

    let order: Order = load("order_request_numeric_ids.json");
    assert!(order.validate().is_ok());
    let json = serde_json::to_value(&order).unwrap();
    assert_eq!(
        json["thirdPartyUserIds"][0]["id"],
        Value::from(123_456_789_012_345_678_u64)
    );
    assert_eq!(json["items"]["points"][0]["id"], Value::from(789));
    // The builder sends a numeric ID as a number, a text ID as a string.
    let built = Order::new(["player@example.com"])
        .third_party_user_id(Platform::Discord, 123_456_789_012_345_678_u64)
        .points(789_u64, 100);
    assert_eq!(built, order);
    assert_eq!(serde_json::to_value(&built).unwrap(), json);

    let created: OrderCreated = load("order_created_numeric_id.json");
    assert_eq!(created.status, Some(OrderStatus::Created));
    assert_eq!(
        serde_json::to_value(&created).unwrap()["orderId"],
        Value::from(12345)
    );
}

#[test]
fn error_bodies() {
    let cases: &[(&str, i64, Option<&str>, &str)] = &[
        (
            "error_400_1001.json",
            1001,
            Some("API_KEY_INVALID"),
            "This API Key is invalid.",
        ),
        (
            "error_400_invalid_value.json",
            400,
            None,
            "Invalid value for \"id\"",
        ),
        (
            "error_401_1002.json",
            1002,
            Some("API_KEY_MISSING"),
            "API key missing.",
        ),
        (
            "error_404_5250.json",
            5250,
            Some("CAMPAIGN_NOT_FOUND"),
            "Campaign not found",
        ),
        (
            "error_404_5252.json",
            5252,
            Some("CAMPAIGN_ORDER_NOT_FOUND"),
            "Order not found",
        ),
        (
            "error_429.json",
            429,
            None,
            "Rate limit exceeded for this API key",
        ),
        ("error_500.json", 500, None, "Internal server error"),
    ];
    for &(name, code, code_name, message) in cases {
        let body: ErrorBody = load_exact(name);
        assert_eq!(body.code(), Some(ErrorCode(code)), "{name}");
        assert_eq!(body.code().and_then(ErrorCode::name), code_name, "{name}");
        assert_eq!(body.message(), Some(message), "{name}");
        assert!(body.status.as_ref().unwrap().timestamp.is_some(), "{name}");
        assert_eq!(
            ErrorBody::parse(read(name).as_bytes()),
            Some(body),
            "{name}"
        );
    }
}

#[test]
fn every_fixture_is_covered() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/giftoin");
    let readme = read("README.md");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".json") {
            count += 1;
            assert!(
                readme.contains(&format!("`{name}`")),
                "{name} missing from README"
            );
            let this_file = include_str!("fixtures.rs");
            assert!(
                this_file.contains(&format!("\"{name}\"")),
                "{name} not tested"
            );
        }
    }
    assert_eq!(count, 25);
}

/// Every ID the model kept has the JSON type (string or number) and the value the server sent.
fn assert_id_types_kept(name: &str, original: &Value, rewritten: &Value) {
    let changed = questkit_core::fuzzing::ids_changed(original, rewritten);
    assert!(
        changed.is_empty(),
        "{name}: IDs changed their JSON type or value: {changed:?}"
    );
}
