//! Giftoin's times: epoch milliseconds as JSON numbers in programs, a string of epoch
//! milliseconds in the envelope's status. Whatever number arrives either parses or is a clear
//! decode error (never a panic), a parsed value round-trips exactly, and the string-typed
//! status timestamp never fails a response.

use std::time::Duration;

use questkit_core::{Error, RetryPolicy};
use questkit_giftoin::{CollectionChallenge, Giftoin, Platform};
use questkit_mock::Fault;
use questkit_mock::giftoin::{DEMO_API_KEY, GiftoinMock};
use serde_json::Value;

/// Every program field that carries a number, as a JSON template (`@` is the value).
const NUMERIC_FIELDS: &[&str] = &[
    r#"{"createdTimestamp": @}"#,
    r#"{"reward": {"claimedTimestamp": @}}"#,
    r#"{"duration": {"start": {"date": @}, "end": {"date": @}}}"#,
    r#"{"timeLeft": @}"#,
    r#"{"progressInPercentage": @}"#,
    r#"{"size": @}"#,
    r#"{"collectedCount": @}"#,
    r#"{"cards": [{"ownedQuantity": @}]}"#,
];

/// Hostile and ordinary numbers, as JSON text.
const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "-1",
    "1",
    "1.5",
    "-0.5",
    "1000.0",
    "1e3",
    "1644825600000",
    "1e15",
    "9007199254740993",
    "1e20",
    "1.5e300",
    "1e999",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "\"1644825600000\"",
    "\" 42 \"",
    "\"1.5\"",
    "\"abc\"",
    "\"\"",
    "true",
    "[]",
    "{}",
];

#[test]
fn every_number_parses_or_is_a_clear_error_and_round_trips() {
    for field in NUMERIC_FIELDS {
        for number in NUMBERS {
            let json = field.replace('@', number);
            match serde_json::from_str::<CollectionChallenge>(&json) {
                Ok(challenge) => {
                    let written = serde_json::to_string(&challenge).unwrap();
                    let again: CollectionChallenge = serde_json::from_str(&written)
                        .unwrap_or_else(|e| panic!("{json} -> {written}: {e}"));
                    assert_eq!(again, challenge, "{json} -> {written} does not round-trip");
                    let rewritten: Value = serde_json::from_str(&written).unwrap();
                    assert_eq!(
                        serde_json::to_value(&again).unwrap(),
                        rewritten,
                        "{json}: a second write differs from the first"
                    );
                }
                Err(err) => assert!(!err.to_string().is_empty(), "{json}"),
            }
        }
    }
}

#[test]
fn whole_epoch_numbers_are_written_back_as_the_same_integer() {
    for (raw, written) in [
        ("1644825600000", "1644825600000"),
        ("1644825600000.0", "1644825600000"),
        ("-1", "-1"),
        ("0", "0"),
    ] {
        let json = format!(r#"{{"createdTimestamp": {raw}, "timeLeft": 1000}}"#);
        let challenge: CollectionChallenge = serde_json::from_str(&json).unwrap();
        let back = serde_json::to_value(&challenge).unwrap();
        assert_eq!(back["createdTimestamp"].to_string(), written, "{raw}");
        assert_eq!(back["timeLeft"], 1000);
    }
}

fn client(mock: &GiftoinMock) -> Giftoin {
    Giftoin::builder()
        .api_key(DEMO_API_KEY)
        .base_url(mock.uri())
        .retry_policy(RetryPolicy {
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
}

#[tokio::test]
async fn an_odd_status_timestamp_never_fails_the_response() {
    let mock = GiftoinMock::start().await;
    let giftoin = client(&mock);
    for timestamp in [
        r#""1708777200000""#,
        "1708777200000",
        r#""2024-02-24T12:20:00Z""#,
        r#""""#,
        r#""soon""#,
        r#""1708777200000.5""#,
        "1.5",
        "null",
    ] {
        let body = format!(
            r#"{{"data":[{{"id":"program_1","size":2}}],"status":{{"timestamp":{timestamp}}}}}"#
        );
        mock.fail_next(1, Fault::json(200, &body)).await;
        let list = giftoin
            .users()
            .collection_challenges(Platform::Discord, "1")
            .await
            .unwrap_or_else(|e| panic!("{timestamp}: {e}"));
        assert_eq!(list.len(), 1, "{timestamp}");
    }
    // The error body's code and message survive an odd timestamp too.
    mock.fail_next(
        1,
        Fault::json(
            404,
            r#"{"status":{"timestamp":"n/a","errorCode":5250,"errorMessage":"Campaign not found"}}"#,
        ),
    )
    .await;
    let err = giftoin
        .users()
        .collection_challenges(Platform::Discord, "1")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Api(_)));
    assert_eq!(err.code(), Some("5250"), "{err}");
}
