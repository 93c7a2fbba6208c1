//! A body whose model is an object but which holds a JSON array there (the envelope's `data`,
//! the envelope itself, the login tokens, an error body) is not read by position: serde's
//! derived structs would otherwise invent a model from the array.

use std::time::Duration;

use questkit_core::{Error, RetryPolicy};
use questkit_goals::{Envelope, Goals, Overview};
use questkit_mock::Fault;
use questkit_mock::goals::{DEMO_ACCESS_TOKEN, DEMO_API_KEY, DEMO_API_SIGNATURE, GoalsMock};

fn client(mock: &GoalsMock) -> Goals {
    Goals::builder()
        .base_url(mock.uri())
        .api_key(DEMO_API_KEY)
        .access_token(DEMO_ACCESS_TOKEN)
        .signature(DEMO_API_SIGNATURE)
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
async fn enveloped_data_is_never_read_from_an_array() {
    let mock = GoalsMock::start().await;
    let goals = client(&mock);
    for body in [
        "[]",
        r#"{"status_code":200,"errors":{},"data":[]}"#,
        // user_goals, eligibleforupdate, profiles by position.
        r#"{"status_code":200,"errors":{},"data":[[],true,[]]}"#,
        // The envelope itself by position: status_code, errors, data.
        r#"[200,{},{"user_goals":{}}]"#,
    ] {
        mock.fail_next(1, Fault::json(200, body)).await;
        decode_path(goals.profiles().overview().await, body);
        mock.fail_next(1, Fault::json(200, body)).await;
        decode_path(goals.profiles().goals_leaderboard().await, body);
    }
}

#[tokio::test]
async fn an_error_envelope_given_as_an_array_is_not_read_by_position() {
    let mock = GoalsMock::start().await;
    let goals = client(&mock);
    let positional = r#"[400,{"goal":["Invalid goal keyword."]}]"#;
    mock.fail_next(1, Fault::json(200, positional)).await;
    decode_path(goals.profiles().overview().await, positional);

    mock.fail_next(1, Fault::json(400, positional)).await;
    let err = goals.profiles().overview().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert!(err.field_errors().is_empty(), "{err}");
    assert_eq!(err.api().unwrap().message, "Bad Request");
}

#[tokio::test]
async fn login_tokens_are_never_read_from_an_array() {
    let mock = GoalsMock::start().await;
    let goals = client(&mock);
    for body in [
        r#"["r.r.r","a.a.a"]"#,
        r#"{"data":["r.r.r","a.a.a"]}"#,
        r#"{"status_code":200,"errors":{},"data":[]}"#,
    ] {
        mock.fail_next(1, Fault::json(200, body)).await;
        decode_path(goals.user().login("ann", "pw").await, body);
    }
}

#[tokio::test]
async fn empty_maps_written_as_arrays_are_still_empty() {
    let mock = GoalsMock::start().await;
    let goals = client(&mock);
    let body = r#"{"status_code":200,"errors":[],"data":{"user_goals":[],"profiles":[]}}"#;
    mock.fail_next(1, Fault::json(200, body)).await;
    let overview = goals.profiles().overview().await.unwrap();
    assert!(overview.user_goals.is_empty() && overview.profiles.is_empty());
}

#[test]
fn the_public_envelope_type_refuses_positional_data() {
    for body in [r#"{"data":[]}"#, r#"{"data":[[],true,[]]}"#] {
        assert!(
            serde_json::from_str::<Envelope<Overview>>(body).is_err(),
            "{body}"
        );
    }
    let list: Envelope<Vec<u8>> = serde_json::from_str(r#"{"data":[1]}"#).unwrap();
    assert_eq!(list.data, Some(vec![1]));
}
