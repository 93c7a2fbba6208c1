//! A response whose model is an object but which holds a JSON array there (at the top level,
//! as the envelope's `data`, or as a list item) is a decode error: serde's derived structs
//! would otherwise read the array by position and invent a model.

use std::time::Duration;

use questkit_core::{Error, RetryPolicy};
use questkit_giftoin::envelope::Payload;
use questkit_giftoin::{CollectionChallenge, Giftoin, Order, OrderCreated, Platform};
use questkit_mock::Fault;
use questkit_mock::giftoin::{DEMO_API_KEY, DEMO_CAMPAIGN_ID, GiftoinMock};

const USER: &str = "123456789012345678";
/// A challenge written by position: id, name, image, description, size.
const POSITIONAL_CHALLENGE: &str = r#"["program_123","Winter Challenge",null,null,10]"#;

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

fn decode_path(result: Result<impl std::fmt::Debug, Error>, what: &str) -> String {
    match result {
        Err(Error::Decode(decode)) => decode.path.clone(),
        other => panic!("{what}: expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_challenge_is_never_read_from_an_array() {
    let mock = GiftoinMock::start().await;
    let giftoin = client(&mock);
    let enveloped = format!(r#"{{"data":{POSITIONAL_CHALLENGE},"status":{{"errorCode":0}}}}"#);
    for body in [
        "[]",
        POSITIONAL_CHALLENGE,
        r#"{"data":[]}"#,
        r#"{"data":[],"status":{"timestamp":"1708777200000"}}"#,
        enveloped.as_str(),
    ] {
        mock.fail_next(1, Fault::json(200, body)).await;
        let result = giftoin
            .users()
            .collection_challenge(Platform::Discord, USER, "program_123")
            .await;
        decode_path(result, body);
    }
}

#[tokio::test]
async fn list_items_are_never_read_from_arrays() {
    let mock = GiftoinMock::start().await;
    let giftoin = client(&mock);
    let bare = format!("[{POSITIONAL_CHALLENGE}]");
    let enveloped = format!(r#"{{"data":[{POSITIONAL_CHALLENGE}]}}"#);
    for (body, path) in [(bare.as_str(), "[0]"), (enveloped.as_str(), "data[0]")] {
        mock.fail_next(1, Fault::json(200, body)).await;
        let result = giftoin
            .users()
            .collection_challenges(Platform::Discord, USER)
            .await;
        assert_eq!(decode_path(result, body), path, "{body}");
    }
    // Empty lists stay empty, bare or enveloped.
    for body in ["[]", r#"{"data":[]}"#, r#"{"data":null}"#, "null"] {
        mock.fail_next(1, Fault::json(200, body)).await;
        let list = giftoin
            .users()
            .collection_challenges(Platform::Discord, USER)
            .await
            .unwrap();
        assert!(list.is_empty(), "{body}");
    }
}

#[tokio::test]
async fn a_created_order_is_never_read_from_an_array() {
    let mock = GiftoinMock::start().await;
    let giftoin = client(&mock);
    for body in [
        r#"["order_1","created"]"#,
        r#"{"data":["order_1","created"]}"#,
        r#"{"data":[],"status":null}"#,
    ] {
        mock.fail_next(1, Fault::json(201, body)).await;
        let result = giftoin
            .orders()
            .create(DEMO_CAMPAIGN_ID, Order::new(["a@example.com"]))
            .await;
        decode_path(result, body);
    }
}

#[tokio::test]
async fn an_error_body_written_as_an_array_is_not_read_by_position() {
    let mock = GiftoinMock::start().await;
    let giftoin = client(&mock);
    mock.fail_next(
        1,
        Fault::json(
            404,
            r#"[{"errorCode":5250,"errorMessage":"Campaign not found"}]"#,
        ),
    )
    .await;
    let err = giftoin
        .orders()
        .create(DEMO_CAMPAIGN_ID, Order::new(["a@example.com"]))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.code(), None, "{err}");
}

#[test]
fn the_public_payload_types_refuse_positional_models() {
    for body in ["[]", POSITIONAL_CHALLENGE, r#"{"data":[]}"#] {
        assert!(
            serde_json::from_str::<Payload<CollectionChallenge>>(body).is_err(),
            "{body}"
        );
    }
    assert!(serde_json::from_str::<Payload<OrderCreated>>(r#"["o","created"]"#).is_err());
    let list: Payload<Vec<u32>> = serde_json::from_str(r#"{"data":[1,2]}"#).unwrap();
    assert_eq!(list.data(), &[1, 2]);
}
