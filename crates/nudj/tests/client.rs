//! Every call of the public client against the Nudj mock.

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use questkit_core::{Error, RetryPolicy};
use questkit_mock::Fault;
use questkit_mock::nudj::{DEMO_ACHIEVEMENT_ID, DEMO_API_TOKEN, DEMO_USER_ID, NudjMock};
use questkit_mock::wiremock::Request;
use questkit_nudj::achievements::ProgressPeriod;
use questkit_nudj::rewards::RewardEntryStatus;
use questkit_nudj::{Achievement, CustomEvent, Nudj, NudjBuilder, TrpcCode, TrpcError};

fn builder(mock: &NudjMock) -> NudjBuilder {
    Nudj::builder()
        .base_url(mock.uri())
        .retry_policy(RetryPolicy {
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
}

fn client(mock: &NudjMock) -> Nudj {
    builder(mock).api_token(DEMO_API_TOKEN).build().unwrap()
}

fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// The query pairs of a request, sorted: their order carries no meaning.
fn query(request: &Request) -> Vec<(String, String)> {
    let mut pairs: Vec<_> = request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    pairs.sort();
    pairs
}

/// Expected query pairs, sorted like [`query`]'s.
fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut pairs: Vec<_> = expected
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    pairs.sort();
    pairs
}

#[tokio::test]
async fn get_achievement_sends_token_and_language() {
    let mock = NudjMock::start().await;
    let nudj = builder(&mock)
        .api_token(DEMO_API_TOKEN)
        .language("fr")
        .build()
        .unwrap();
    let achievement = nudj.achievements().get(DEMO_ACHIEVEMENT_ID).await.unwrap();
    assert_eq!(achievement.id, DEMO_ACHIEVEMENT_ID);
    assert_eq!(achievement.title(), Some("Weekend warrior"));
    assert_eq!(achievement.progress_period, Some(ProgressPeriod::Weekly));
    assert_eq!(
        achievement.explain().lines()[1],
        "  [ ] 35 / 50 spent in store (sum of amount >= 50)"
    );

    let request = mock.last_request().await.unwrap();
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(
        request.url.path(),
        format!("/api/v2/integration/achievements/{DEMO_ACHIEVEMENT_ID}")
    );
    assert_eq!(header(&request, "x-api-token"), Some(DEMO_API_TOKEN));
    assert_eq!(header(&request, "authorization"), None);
    assert_eq!(header(&request, "x-language"), Some("fr"));
    assert_eq!(header(&request, "accept"), Some("application/json"));
    assert!(
        header(&request, "user-agent").is_some_and(|ua| ua.starts_with("questkit/")),
        "{:?}",
        header(&request, "user-agent")
    );

    // A per-call language replaces the client's (one header, not two).
    nudj.achievements()
        .get(DEMO_ACHIEVEMENT_ID)
        .language("de")
        .await
        .unwrap();
    let request = mock.last_request().await.unwrap();
    let languages: Vec<_> = request.headers.get_all("x-language").iter().collect();
    assert_eq!(languages, ["de"]);

    // Without a language, no header.
    client(&mock)
        .achievements()
        .get(DEMO_ACHIEVEMENT_ID)
        .await
        .unwrap();
    assert_eq!(
        header(&mock.last_request().await.unwrap(), "x-language"),
        None
    );
}

#[tokio::test]
async fn bearer_token_is_accepted() {
    let mock = NudjMock::start().await;
    let nudj = builder(&mock).bearer_token(DEMO_API_TOKEN).build().unwrap();
    let seed = nudj.achievements().get("<string>").await.unwrap();
    assert_eq!(seed.id, "<string>");
    let request = mock.last_request().await.unwrap();
    assert_eq!(
        request.url.path(),
        "/api/v2/integration/achievements/%3Cstring%3E"
    );
    assert_eq!(
        header(&request, "authorization"),
        Some(format!("Bearer {DEMO_API_TOKEN}").as_str())
    );
    assert_eq!(header(&request, "x-api-token"), None);
}

#[tokio::test]
async fn wrong_token_is_a_trpc_401() {
    let mock = NudjMock::start().await;
    let nudj = builder(&mock).api_token("not-the-token").build().unwrap();
    let err = nudj.achievements().list().await.unwrap_err();
    assert!(err.is_auth());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(err.code(), Some("UNAUTHORIZED"));
    assert_eq!(err.api().unwrap().message, "Invalid or expired API token");
    let trpc = TrpcError::from_error(&err).unwrap();
    assert_eq!(trpc.code, Some(TrpcCode::Unauthorized));
    assert!(!err.to_string().contains("not-the-token"), "{err}");
    assert_eq!(
        mock.received_requests().await.len(),
        1,
        "a 401 is not retried"
    );
}

#[tokio::test]
async fn hostile_ids_stay_one_segment_and_404_is_parsed() {
    let mock = NudjMock::start().await;
    let err = client(&mock)
        .achievements()
        .get("a/../b?x#")
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.code(), Some("NOT_FOUND"));
    assert_eq!(err.api().unwrap().message, "Achievement not found");
    let request = mock.last_request().await.unwrap();
    assert_eq!(
        request.url.path(),
        "/api/v2/integration/achievements/a%2F..%2Fb%3Fx%23"
    );
    assert_eq!(request.url.query(), None);
    let trpc = TrpcError::from_error(&err).unwrap();
    assert_eq!(
        trpc.data.and_then(|d| d.path).as_deref(),
        Some("getAchievementById")
    );
}

#[tokio::test]
async fn list_achievements_with_options() {
    let mock = NudjMock::start().await;
    let nudj = client(&mock);
    let page = nudj
        .achievements()
        .list()
        .limit(2)
        .skip(1)
        .sort("-createdAt")
        .language("es")
        .await
        .unwrap();
    assert_eq!(page.total_count, Some(7));
    let ids: Vec<_> = page.edges.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        ids,
        ["65a000000000000000000002", "65a000000000000000000003"]
    );
    let request = mock.last_request().await.unwrap();
    assert_eq!(request.url.path(), "/api/v2/integration/achievements");
    assert_eq!(
        query(&request),
        pairs(&[("limit", "2"), ("skip", "1"), ("sort", "-createdAt")])
    );
    assert_eq!(header(&request, "x-language"), Some("es"));

    let found = nudj.achievements().list().search("SPENDER").await.unwrap();
    assert_eq!(found.total_count, Some(1));
    assert_eq!(found.edges[0].title(), Some("Big spender"));
    assert_eq!(
        query(&mock.last_request().await.unwrap()),
        pairs(&[("search", "SPENDER")])
    );

    // No options: no query string, Nudj's default page of 10.
    let first = nudj.achievements().list().await.unwrap();
    assert_eq!(first.edges.len(), 7);
    assert_eq!(mock.last_request().await.unwrap().url.query(), None);
}

#[tokio::test]
async fn out_of_range_limit_fails_before_sending() {
    let mock = NudjMock::start().await;
    for limit in [0, 101] {
        let err = client(&mock)
            .achievements()
            .list()
            .limit(limit)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)), "{err}");
    }
    assert!(mock.received_requests().await.is_empty());
}

#[tokio::test]
async fn stream_yields_every_achievement_once() {
    let mock = NudjMock::start().await;
    let items: Vec<Achievement> = client(&mock)
        .achievements()
        .list()
        .limit(3)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<String> = items.iter().map(|a| a.id.to_string()).collect();
    let expected: Vec<String> = (1..=7)
        .map(|n| format!("65a0000000000000000000{n:02}"))
        .collect();
    assert_eq!(ids, expected);
    let skips: Vec<Vec<(String, String)>> =
        mock.received_requests().await.iter().map(query).collect();
    assert_eq!(
        skips,
        [
            pairs(&[("limit", "3"), ("skip", "0")]),
            pairs(&[("limit", "3"), ("skip", "3")]),
            pairs(&[("limit", "3"), ("skip", "6")]),
        ],
        "stops at totalCount without asking for an empty page"
    );
}

#[tokio::test]
async fn stream_defaults_to_pages_of_100_and_honours_skip() {
    let mock = NudjMock::start().await;
    let items: Vec<Achievement> = client(&mock)
        .achievements()
        .list()
        .skip(5)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].id, "65a000000000000000000006");
    let requests = mock.received_requests().await;
    assert_eq!(requests.len(), 1);
    assert_eq!(
        query(&requests[0]),
        pairs(&[("limit", "100"), ("skip", "5")])
    );
}

#[tokio::test]
async fn stream_error_is_yielded_once_and_ends() {
    let mock = NudjMock::start().await;
    let nudj = client(&mock);
    let mut stream = nudj.achievements().list().limit(3).max_retries(0).stream();
    let mut ok = 0;
    while ok < 3 {
        stream.next().await.unwrap().unwrap();
        ok += 1;
    }
    mock.fail_next(1, Fault::status(500)).await;
    let err = stream.next().await.unwrap().unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert!(stream.next().await.is_none());
}

#[tokio::test]
async fn neighbour_lists_and_their_streams() {
    let mock = NudjMock::start().await;
    let nudj = client(&mock);

    let rewards = nudj.rewards().list().limit(2).await.unwrap();
    assert_eq!(rewards.total_count, Some(3));
    assert_eq!(rewards.edges[0].id, "65b0000000000000000000b1");
    assert_eq!(
        mock.last_request().await.unwrap().url.path(),
        "/api/v2/integration/rewards"
    );
    let all_rewards: Vec<_> = nudj
        .rewards()
        .list()
        .limit(1)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<_> = all_rewards.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "65b0000000000000000000b1",
            "65b0000000000000000000b2",
            "65b0000000000000000000b3"
        ]
    );

    let assets = nudj.me().rewards().await.unwrap();
    assert_eq!(assets.edges.len(), 3);
    assert_eq!(
        mock.last_request().await.unwrap().url.path(),
        "/api/v2/integration/me/rewards"
    );
    let streamed: Vec<_> = nudj
        .me()
        .rewards()
        .limit(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(streamed, assets.edges);

    let entries = nudj.me().reward_entries().await.unwrap();
    assert_eq!(entries.total_count, Some(2));
    assert_eq!(
        mock.last_request().await.unwrap().url.path(),
        "/api/v2/integration/me/reward-entries"
    );
    let streamed: Vec<_> = nudj
        .me()
        .reward_entries()
        .limit(1)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(streamed, entries.edges);

    let boards = nudj.leaderboards().configs().await.unwrap();
    assert_eq!(boards.edges[0].name.as_deref(), Some("Weekly XP"));
    assert_eq!(
        mock.last_request().await.unwrap().url.path(),
        "/api/v2/integration/leaderboards/configs"
    );
    let streamed: Vec<_> = nudj
        .leaderboards()
        .configs()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(streamed, boards.edges);
}

#[tokio::test]
async fn reward_entry_and_streaks() {
    let mock = NudjMock::start().await;
    let nudj = builder(&mock)
        .api_token(DEMO_API_TOKEN)
        .language("en")
        .build()
        .unwrap();
    let entry = nudj
        .me()
        .reward_entry("65f1000000000000000000e2")
        .language("fr")
        .await
        .unwrap();
    assert_eq!(entry.status, Some(RewardEntryStatus::Unknown("won".into())));
    let request = mock.last_request().await.unwrap();
    assert_eq!(
        request.url.path(),
        "/api/v2/integration/me/reward-entries/65f1000000000000000000e2"
    );
    assert_eq!(header(&request, "x-language"), Some("fr"));

    let missing = nudj.me().reward_entry("nope").await.unwrap_err();
    assert!(missing.is_not_found());
    assert_eq!(missing.api().unwrap().message, "Reward entry not found");

    let streaks = nudj.me().streaks().await.unwrap();
    assert_eq!(streaks.len(), 2);
    assert_eq!(streaks[0].id, "662000000000000000000051");
    let request = mock.last_request().await.unwrap();
    assert_eq!(request.url.path(), "/api/v2/integration/me/streaks");
    assert_eq!(header(&request, "x-language"), Some("en"));
}

#[tokio::test]
async fn custom_event_goes_to_the_admin_api() {
    let mock = NudjMock::start().await;
    let nudj = client(&mock);
    assert_eq!(nudj.admin_base_url(), format!("{}/", mock.admin_uri()));
    let event = CustomEvent::new("purchase", "customer-8812")
        .attribute("amount", 25)
        .community_id("64f1c2a9e4b0a1d2c3e4f5b1");
    let receipt = nudj.events().custom(event).await.unwrap();
    assert_eq!(receipt.name.as_deref(), Some("purchase"));
    assert_eq!(receipt.user_id.as_deref(), Some(DEMO_USER_ID));
    assert_eq!(receipt.external_user_id.as_deref(), Some("customer-8812"));

    assert!(mock.received_requests().await.is_empty());
    let request = mock.admin().last_request().await.unwrap();
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/api/v2/admin/events/custom");
    assert_eq!(header(&request, "x-api-token"), Some(DEMO_API_TOKEN));
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "eventName": "purchase",
            "payload": {"amount": 25},
            "userId": "customer-8812",
            "communityId": "64f1c2a9e4b0a1d2c3e4f5b1"
        })
    );

    let err = nudj
        .events()
        .custom(CustomEvent::new("", "u"))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(err.code(), Some("BAD_REQUEST"));
    assert_eq!(
        err.api().unwrap().message,
        "Invalid input: expected string for body.eventName"
    );
}

#[tokio::test]
async fn separate_admin_credentials() {
    let mock = NudjMock::start().await;
    let nudj = builder(&mock)
        .api_token(DEMO_API_TOKEN)
        .admin_bearer_token("wrong-admin-token")
        .build()
        .unwrap();
    nudj.achievements().list().await.unwrap();
    let err = nudj
        .events()
        .custom(CustomEvent::new("visit", DEMO_USER_ID))
        .await
        .unwrap_err();
    assert!(err.is_auth());
    let request = mock.admin().last_request().await.unwrap();
    assert_eq!(header(&request, "x-api-token"), None);
    assert_eq!(
        header(&request, "authorization"),
        Some("Bearer wrong-admin-token")
    );
}

#[tokio::test]
async fn server_errors_are_retried_on_reads() {
    let mock = NudjMock::start().await;
    let nudj = client(&mock);
    mock.fail_next(1, Fault::status(503)).await;
    let page = nudj.achievements().list().await.unwrap();
    assert_eq!(page.total_count, Some(7));
    assert_eq!(mock.received_requests().await.len(), 2);

    let body = include_str!("../../../fixtures/nudj/error_500.json");
    mock.fail_next(3, Fault::json(500, body)).await;
    let err = nudj
        .achievements()
        .get(DEMO_ACHIEVEMENT_ID)
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 3);
    assert_eq!(err.code(), Some("INTERNAL_SERVER_ERROR"));
    assert_eq!(err.api().unwrap().message, "Output validation failed");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn custom_events_are_not_retried_on_server_errors() {
    let mock = NudjMock::start().await;
    let nudj = client(&mock);
    mock.admin().fail_next(1, Fault::status(503)).await;
    let err = nudj
        .events()
        .custom(CustomEvent::new("visit", DEMO_USER_ID))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(mock.admin().received_requests().await.len(), 1);
}

#[tokio::test]
async fn html_errors_and_bad_bodies() {
    let mock = NudjMock::start().await;
    let nudj = client(&mock);
    mock.fail_next(1, Fault::html(502)).await;
    let err = nudj.me().streaks().max_retries(0).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(err.code(), None);
    assert!(TrpcError::from_error(&err).is_none());

    mock.fail_next(
        1,
        Fault::json(200, r#"{"totalCount":1,"edges":[{"id":true}]}"#),
    )
    .await;
    let err = nudj.achievements().list().await.unwrap_err();
    let Error::Decode(decode) = &err else {
        panic!("expected a decode error: {err}");
    };
    assert_eq!(decode.path, "edges[0].id");
}

#[tokio::test]
async fn raw_responses() {
    let mock = NudjMock::start().await;
    let raw = client(&mock)
        .achievements()
        .get(DEMO_ACHIEVEMENT_ID)
        .send_raw()
        .await
        .unwrap();
    assert_eq!(raw.status.as_u16(), 200);
    let value: serde_json::Value = raw.json().unwrap();
    assert_eq!(value["id"], DEMO_ACHIEVEMENT_ID);
    let page = client(&mock).rewards().list().send_raw().await.unwrap();
    assert!(page.text().contains("totalCount"));
}

#[tokio::test]
async fn mock_validates_pagination_like_nudj() {
    let mock = NudjMock::start().await;
    let nudj = client(&mock);
    // Bypass the client's own check to see the server's answer.
    let err = nudj
        .transport()
        .get::<serde_json::Value>("achievements", &[])
        .query("limit", 500)
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(err.code(), Some("BAD_REQUEST"));
    assert!(err.api().unwrap().message.contains("limit"), "{err}");
    let trpc = TrpcError::from_error(&err).unwrap();
    assert_eq!(
        trpc.data.and_then(|d| d.path).as_deref(),
        Some("getAchievements")
    );

    let boards = nudj
        .leaderboards()
        .configs()
        .search("chasers")
        .await
        .unwrap();
    assert_eq!(boards.total_count, Some(1));
    assert_eq!(boards.edges[0].id, "6610000000000000000000f2");
    let beyond = nudj.rewards().list().skip(10).await.unwrap();
    assert_eq!(beyond.total_count, Some(3));
    assert!(beyond.edges.is_empty());
}
