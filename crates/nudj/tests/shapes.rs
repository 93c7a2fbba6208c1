//! A response whose top level (or a page's item) is a JSON array where the model is an object
//! is a decode error, for every decoder: serde's derived structs would otherwise read the array
//! by position and invent a model.

use std::time::Duration;

use questkit_core::{Error, RetryPolicy};
use questkit_mock::Fault;
use questkit_mock::nudj::{DEMO_ACHIEVEMENT_ID, DEMO_API_TOKEN, NudjMock};
use questkit_nudj::{CustomEvent, Nudj, Page};

/// An achievement written by position: id, organisationId, communityId, details,
/// progressPeriod, displayMode, tags, campaigns. serde's derived struct reads it happily.
const POSITIONAL_ACHIEVEMENT: &str =
    r#"["m1","words-written","Words written",null,"daily","default",[],[]]"#;

fn client(mock: &NudjMock) -> Nudj {
    Nudj::builder()
        .base_url(mock.uri())
        .api_token(DEMO_API_TOKEN)
        .retry_policy(RetryPolicy {
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
}

fn assert_decode(result: Result<impl std::fmt::Debug, Error>, what: &str) -> String {
    match result {
        Err(Error::Decode(decode)) => decode.path.clone(),
        other => panic!("{what}: expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn single_models_refuse_arrays() {
    let mock = NudjMock::start().await;
    let nudj = client(&mock);
    for body in ["[]", POSITIONAL_ACHIEVEMENT] {
        mock.fail_next(1, Fault::json(200, body)).await;
        assert_decode(nudj.achievements().get(DEMO_ACHIEVEMENT_ID).await, body);
        mock.fail_next(1, Fault::json(200, body)).await;
        assert_decode(nudj.me().reward_entry("e1").await, body);
    }
    mock.admin()
        .fail_next(1, Fault::json(200, r#"["purchase","u-1","ext-1"]"#))
        .await;
    let event = CustomEvent::new("purchase", "u-1");
    assert_decode(nudj.events().custom(event).await, "custom event receipt");
}

#[tokio::test]
async fn page_items_refuse_arrays() {
    let mock = NudjMock::start().await;
    let nudj = client(&mock);
    let enveloped = format!(r#"{{"totalCount":1,"edges":[{POSITIONAL_ACHIEVEMENT}]}}"#);
    let items = format!(r#"{{"items":[{POSITIONAL_ACHIEVEMENT}]}}"#);
    let bare = format!("[{POSITIONAL_ACHIEVEMENT}]");
    for (body, path) in [
        (enveloped.as_str(), "edges[0]"),
        (items.as_str(), "items[0]"),
        (bare.as_str(), "[0]"),
    ] {
        mock.fail_next(1, Fault::json(200, body)).await;
        let got = assert_decode(nudj.achievements().list().await, body);
        assert_eq!(got, path, "{body}");
        // Every other list shares the page decoder.
        mock.fail_next(1, Fault::json(200, body)).await;
        assert_decode(nudj.rewards().list().await, body);
        mock.fail_next(1, Fault::json(200, body)).await;
        assert_decode(nudj.me().rewards().await, body);
        mock.fail_next(1, Fault::json(200, body)).await;
        assert_decode(nudj.me().reward_entries().await, body);
        mock.fail_next(1, Fault::json(200, body)).await;
        assert_decode(nudj.leaderboards().configs().await, body);
    }
    // A page itself written by position is not a page either.
    mock.fail_next(1, Fault::json(200, "[3, []]")).await;
    assert_decode(nudj.achievements().list().await, "positional page");
}

#[tokio::test]
async fn streaks_refuse_positional_items() {
    let mock = NudjMock::start().await;
    let nudj = client(&mock);
    for body in [
        r#"[["s1","org-1",null,true]]"#,
        r#"{"totalCount":1,"edges":[["s1","org-1",null,true]]}"#,
    ] {
        mock.fail_next(1, Fault::json(200, body)).await;
        assert_decode(nudj.me().streaks().await, body);
    }
}

#[tokio::test]
async fn empty_lists_are_still_empty() {
    let mock = NudjMock::start().await;
    let nudj = client(&mock);
    for body in ["[]", r#"{"totalCount":0,"edges":[]}"#, r#"{"edges":null}"#] {
        mock.fail_next(1, Fault::json(200, body)).await;
        let page = nudj.achievements().list().await.unwrap();
        assert!(page.edges.is_empty(), "{body}");
        mock.fail_next(1, Fault::json(200, body)).await;
        assert!(nudj.me().streaks().await.unwrap().is_empty(), "{body}");
    }
}

#[tokio::test]
async fn an_array_error_body_is_not_a_trpc_error() {
    let mock = NudjMock::start().await;
    let nudj = client(&mock);
    mock.fail_next(1, Fault::json(400, r#"["Invalid input","BAD_REQUEST"]"#))
        .await;
    let err = nudj
        .achievements()
        .get(DEMO_ACHIEVEMENT_ID)
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(err.code(), None, "{err}");
    assert_eq!(err.api().unwrap().message, "Bad Request");
}

#[test]
fn the_public_page_type_refuses_positional_items() {
    let bare = format!("[{POSITIONAL_ACHIEVEMENT}]");
    assert!(serde_json::from_str::<Page<questkit_nudj::Achievement>>(&bare).is_err());
    let ok: Page<u32> = serde_json::from_str("[1, 2]").unwrap();
    assert_eq!(ok.edges, [1, 2]);
}
