//! Every call of the public client against the Giftoin mock: requests sent, responses decoded,
//! errors mapped, retries, hostile IDs.

use std::time::Duration;

use questkit_core::{Error, HasProgress, RetryPolicy, Transport};
use questkit_giftoin::orders::OrderStatus;
use questkit_giftoin::{AuthHeader, CollectionChallenge, Giftoin, Order, OrderCreated, Platform};
use questkit_mock::Fault;
use questkit_mock::giftoin::{DEMO_API_KEY, DEMO_CAMPAIGN_ID, GiftoinMock, PROGRAM_IDS};
use questkit_mock::wiremock::Request;
use serde_json::Value;

const USER: &str = "123456789012345678";
const LIST_PATH: &str = "/api/v1/users/discord/123456789012345678/progress/collection-challenges";

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/../../fixtures/giftoin/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn fast() -> RetryPolicy {
    RetryPolicy {
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        ..RetryPolicy::default()
    }
}

fn client_with(mock: &GiftoinMock, key: &str, header: AuthHeader) -> Giftoin {
    Giftoin::builder()
        .api_key(key)
        .auth_header(header)
        .base_url(mock.uri())
        .retry_policy(fast())
        .build()
        .unwrap()
}

fn client(mock: &GiftoinMock) -> Giftoin {
    client_with(mock, DEMO_API_KEY, AuthHeader::default())
}

fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

fn seed_program() -> CollectionChallenge {
    serde_json::from_str(&fixture("progress_single.seed.json")).unwrap()
}

fn api_error(err: &Error) -> (u16, Option<&str>, &str) {
    let api = err
        .api()
        .unwrap_or_else(|| panic!("not an API error: {err:?}"));
    (
        api.status.as_u16(),
        api.code.as_deref(),
        api.message.as_str(),
    )
}

#[tokio::test]
async fn collection_challenges_lists_every_program() {
    let mock = GiftoinMock::start().await;
    let list = client(&mock)
        .users()
        .collection_challenges(Platform::Discord, USER)
        .await
        .unwrap();
    let ids: Vec<_> = list
        .iter()
        .map(|p| p.id.as_ref().map(|id| id.as_str()).unwrap())
        .collect();
    assert_eq!(ids, PROGRAM_IDS);
    assert_eq!(list[0], seed_program());
    assert_eq!(list[0].progress().percent(), 30);
    let missing: Vec<_> = list[1]
        .missing_cards()
        .map(|c| c.name.as_deref().unwrap())
        .collect();
    assert_eq!(missing, ["Pine Card"]);
    assert!(list[3].progress().is_completed());

    let request = mock.last_request().await.unwrap();
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), LIST_PATH);
    assert_eq!(request.url.query(), None);
    assert_eq!(header(&request, "accept"), Some("application/json"));
    assert_eq!(header(&request, "x-gft-api-key"), Some(DEMO_API_KEY));
    assert_eq!(header(&request, "x-gft_api_key"), None);
    assert!(
        header(&request, "user-agent")
            .unwrap()
            .starts_with("questkit/")
    );
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn collection_challenge_fetches_one_program() {
    let mock = GiftoinMock::start().await;
    let giftoin = client(&mock);
    let program = giftoin
        .users()
        .collection_challenge("roblox", "261", "program_123")
        .await
        .unwrap();
    assert_eq!(program, seed_program());
    let request = mock.last_request().await.unwrap();
    assert_eq!(
        request.url.path(),
        "/api/v1/users/roblox/261/progress/collection-challenges/program_123"
    );
    assert_eq!(header(&request, "accept"), Some("application/json"));

    for id in PROGRAM_IDS {
        let program = giftoin
            .users()
            .collection_challenge(Platform::Roblox, "261", id)
            .await
            .unwrap();
        assert_eq!(program.id.as_ref().map(|id| id.as_str()), Some(id));
    }

    let err = giftoin
        .users()
        .collection_challenge(Platform::Discord, USER, "program_unknown")
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert_eq!(api_error(&err), (404, Some("404"), "Program not found"));
}

#[tokio::test]
async fn enveloped_responses_read_like_bare_ones() {
    let mock = GiftoinMock::start().await;
    let giftoin = client(&mock);
    let bare_list = giftoin
        .users()
        .collection_challenges("discord", USER)
        .await
        .unwrap();
    let bare_one = giftoin
        .users()
        .collection_challenge("discord", USER, "program_evergreen")
        .await
        .unwrap();
    let bare_order = giftoin
        .orders()
        .create(DEMO_CAMPAIGN_ID, Order::new(["a@example.com"]))
        .await
        .unwrap();

    mock.set_enveloped(true);
    let raw = giftoin
        .users()
        .collection_challenges("discord", USER)
        .send_raw()
        .await
        .unwrap();
    let raw: Value = serde_json::from_slice(&raw.body).unwrap();
    assert!(raw["data"].is_array() && raw["status"]["timestamp"].is_string());

    let list = giftoin
        .users()
        .collection_challenges("discord", USER)
        .await
        .unwrap();
    let one = giftoin
        .users()
        .collection_challenge("discord", USER, "program_evergreen")
        .await
        .unwrap();
    let order = giftoin
        .orders()
        .create(DEMO_CAMPAIGN_ID, Order::new(["a@example.com"]))
        .await
        .unwrap();
    assert_eq!(list, bare_list);
    assert_eq!(one, bare_one);
    assert_eq!(order, bare_order);
    assert_eq!(one.ends_at(), None);
}

#[tokio::test]
async fn every_key_header_is_accepted_and_sent_alone() {
    let mock = GiftoinMock::start().await;
    for choice in AuthHeader::ALL {
        let list = client_with(&mock, DEMO_API_KEY, choice)
            .users()
            .collection_challenges(Platform::Discord, USER)
            .await
            .unwrap();
        assert_eq!(list.len(), 4, "{choice:?}");
        let request = mock.last_request().await.unwrap();
        for other in AuthHeader::ALL {
            let expected = (other == choice).then_some(DEMO_API_KEY);
            assert_eq!(header(&request, other.as_str()), expected, "{choice:?}");
        }
    }
}

#[tokio::test]
async fn missing_and_invalid_keys() {
    let mock = GiftoinMock::start().await;
    // No key at all: the mock answers 401 with code 1002.
    let bare = Transport::builder("giftoin")
        .base_url(mock.uri())
        .build()
        .unwrap();
    let err = bare
        .get::<Value>(
            "users/{platform}/{id}/progress/collection-challenges",
            &["discord", USER],
        )
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert!(err.api().unwrap().body_text().contains("1002"));

    // The same answer read by the client: code and message kept.
    mock.fail_next(1, Fault::json(401, &fixture("error_401_1002.json")))
        .await;
    let err = client(&mock)
        .users()
        .collection_challenges(Platform::Discord, USER)
        .await
        .unwrap_err();
    assert_eq!(api_error(&err), (401, Some("1002"), "API key missing."));
    assert!(err.is_auth());

    // A wrong key: 400 with code 1001, as Giftoin documents.
    for choice in AuthHeader::ALL {
        let err = client_with(&mock, "gft_wrong_secret", choice)
            .users()
            .collection_challenges(Platform::Discord, USER)
            .await
            .unwrap_err();
        assert_eq!(
            api_error(&err),
            (400, Some("1001"), "This API Key is invalid."),
            "{choice:?}"
        );
        assert_eq!(err.attempts(), 1, "a 400 is not retried");
        assert!(err.is_auth(), "a refused key, although the status is 400");
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("gft_wrong_secret"), "{shown}");
        assert!(shown.contains("1001"), "{shown}");
    }
}

#[tokio::test]
async fn create_order_sends_the_body_and_reads_201() {
    let mock = GiftoinMock::start().await;
    let order = Order::new(["player@example.com"])
        .third_party_user_id(Platform::Discord, "123456789012345678")
        .title("Daily login reward")
        .description("Points for seven days in a row")
        .points("point_789", 100)
        .metadata("source", "daily_login")
        .metadata("streak", "7");
    let created = client(&mock)
        .orders()
        .create(DEMO_CAMPAIGN_ID, order)
        .await
        .unwrap();
    let expected: OrderCreated = serde_json::from_str(&fixture("order_created.json")).unwrap();
    assert_eq!(created, expected);
    assert_eq!(
        created.order_id.as_ref().map(|id| id.as_str()),
        Some("order_12345")
    );
    assert_eq!(created.status, Some(OrderStatus::Created));

    let request = mock.last_request().await.unwrap();
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(
        request.url.path(),
        "/api/v1/gcm/reseller/campaign/campaign_456/order"
    );
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    assert_eq!(header(&request, "accept"), Some("application/json"));
    let sent: Value = serde_json::from_slice(&request.body).unwrap();
    let fixture_body: Value = serde_json::from_str(&fixture("order_request.json")).unwrap();
    assert_eq!(sent, fixture_body);
    // Metadata keeps its order on the wire.
    let text = String::from_utf8(request.body.clone()).unwrap();
    assert!(text.find("\"source\"").unwrap() < text.find("\"streak\"").unwrap());

    let cashback: Order = serde_json::from_str(&fixture("order_request_cashback.json")).unwrap();
    let created = client(&mock)
        .orders()
        .create(DEMO_CAMPAIGN_ID, cashback)
        .await
        .unwrap();
    assert_eq!(
        created.order_id.as_ref().map(|id| id.as_str()),
        Some("order_12345")
    );
    let sent: Value = serde_json::from_slice(&mock.last_request().await.unwrap().body).unwrap();
    assert_eq!(
        sent,
        serde_json::from_str::<Value>(&fixture("order_request_cashback.json")).unwrap()
    );
}

#[tokio::test]
async fn unknown_campaign_is_5250() {
    let mock = GiftoinMock::start().await;
    let err = client(&mock)
        .orders()
        .create("campaign_missing", Order::new(["a@example.com"]))
        .await
        .unwrap_err();
    assert_eq!(api_error(&err), (404, Some("5250"), "Campaign not found"));
    assert!(err.is_not_found());
    assert_eq!(mock.received_requests().await.len(), 1);
}

#[tokio::test]
async fn invalid_orders_are_never_sent() {
    let mock = GiftoinMock::start().await;
    let giftoin = client(&mock);
    let too_much = (0..11).fold(Order::new(["a@example.com"]), |o, i| {
        o.metadata(format!("key{i}"), "v")
    });
    for order in [
        Order::new(Vec::<String>::new()),
        Order::new([" "]),
        too_much,
    ] {
        let err = giftoin
            .orders()
            .create(DEMO_CAMPAIGN_ID, order)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
    }
    let ten = (0..10).fold(Order::new(["a@example.com"]), |o, i| {
        o.metadata(format!("key{i}"), "v")
    });
    giftoin
        .orders()
        .create(DEMO_CAMPAIGN_ID, ten)
        .await
        .unwrap();
    assert_eq!(mock.received_requests().await.len(), 1);
}

#[tokio::test]
async fn orders_are_retried_only_on_429() {
    let mock = GiftoinMock::start().await;
    let giftoin = client(&mock);
    let order = || Order::new(["a@example.com"]);

    mock.fail_next(1, Fault::json(500, &fixture("error_500.json")))
        .await;
    let err = giftoin
        .orders()
        .create(DEMO_CAMPAIGN_ID, order())
        .await
        .unwrap_err();
    assert_eq!(api_error(&err), (500, Some("500"), "Internal server error"));
    assert_eq!(err.attempts(), 1);
    assert_eq!(mock.received_requests().await.len(), 1);

    mock.fail_next(1, Fault::status(503)).await;
    let err = giftoin
        .orders()
        .create(DEMO_CAMPAIGN_ID, order())
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(mock.received_requests().await.len(), 2);

    mock.fail_next(1, Fault::delay(Duration::from_millis(500)))
        .await;
    let err = giftoin
        .orders()
        .create(DEMO_CAMPAIGN_ID, order())
        .timeout(Duration::from_millis(100))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.attempts(), 1);
    assert_eq!(mock.received_requests().await.len(), 3);

    mock.fail_next(
        1,
        Fault::json(429, &fixture("error_429.json")).header("Retry-After", "0"),
    )
    .await;
    let raw = giftoin
        .orders()
        .create(DEMO_CAMPAIGN_ID, order())
        .send_raw()
        .await
        .unwrap();
    assert_eq!(raw.status.as_u16(), 201);
    assert_eq!(raw.attempts, 2);
    assert_eq!(mock.received_requests().await.len(), 5);
}

#[tokio::test]
async fn reads_are_retried_on_server_errors() {
    let mock = GiftoinMock::start().await;
    mock.fail_next(1, Fault::status(503)).await;
    let raw = client(&mock)
        .users()
        .collection_challenges(Platform::Discord, USER)
        .send_raw()
        .await
        .unwrap();
    assert_eq!(raw.attempts, 2);
    assert_eq!(mock.received_requests().await.len(), 2);
}

#[tokio::test]
async fn every_error_body_keeps_its_code() {
    let mock = GiftoinMock::start().await;
    let giftoin = client(&mock);
    let cases = [
        (
            "error_400_1001.json",
            400,
            "1001",
            "This API Key is invalid.",
        ),
        (
            "error_400_invalid_value.json",
            400,
            "400",
            "Invalid value for \"id\"",
        ),
        ("error_401_1002.json", 401, "1002", "API key missing."),
        ("error_404_5250.json", 404, "5250", "Campaign not found"),
        ("error_404_5252.json", 404, "5252", "Order not found"),
        (
            "error_429.json",
            429,
            "429",
            "Rate limit exceeded for this API key",
        ),
        ("error_500.json", 500, "500", "Internal server error"),
    ];
    for (file, status, code, message) in cases {
        mock.fail_next(1, Fault::json(status, &fixture(file))).await;
        let err = giftoin
            .users()
            .collection_challenge(Platform::Discord, USER, "program_123")
            .max_retries(0)
            .await
            .unwrap_err();
        assert_eq!(api_error(&err), (status, Some(code), message), "{file}");
        assert!(err.to_string().contains(code), "{file}: {err}");
    }

    // A proxy's HTML page is still an API error, with the status's reason.
    mock.fail_next(1, Fault::html(502)).await;
    let err = giftoin
        .users()
        .collection_challenges(Platform::Discord, USER)
        .max_retries(0)
        .await
        .unwrap_err();
    assert_eq!(api_error(&err), (502, None, "Bad Gateway"));
}

#[tokio::test]
async fn error_envelopes_inside_200_are_errors() {
    let mock = GiftoinMock::start().await;
    let giftoin = client(&mock);
    let cases = [
        (
            r#"{"data":null,"status":{"timestamp":"1708777200000","errorCode":5250,"errorMessage":"Campaign not found"}}"#,
            404,
            "5250",
        ),
        (
            r#"{"status":{"timestamp":"1708777200000","errorCode":1002,"errorMessage":"API key missing."}}"#,
            401,
            "1002",
        ),
        (
            r#"{"status":{"errorCode":7777,"errorMessage":"Something new"}}"#,
            200,
            "7777",
        ),
    ];
    for (body, status, code) in cases {
        mock.fail_next(1, Fault::json(200, body)).await;
        let err = giftoin
            .orders()
            .create(DEMO_CAMPAIGN_ID, Order::new(["a@example.com"]))
            .await
            .unwrap_err();
        let (got_status, got_code, _) = api_error(&err);
        assert_eq!((got_status, got_code), (status, Some(code)), "{body}");
    }

    // A success status next to the data is not an error.
    mock.fail_next(
        1,
        Fault::json(
            200,
            r#"{"data":{"orderId":"o-1","status":"created"},"status":{"errorCode":0}}"#,
        ),
    )
    .await;
    let created = giftoin
        .orders()
        .create(DEMO_CAMPAIGN_ID, Order::new(["a@example.com"]))
        .await
        .unwrap();
    assert_eq!(created.order_id.as_ref().map(|id| id.as_str()), Some("o-1"));
}

#[tokio::test]
async fn empty_and_malformed_bodies() {
    let mock = GiftoinMock::start().await;
    let giftoin = client(&mock);
    for body in ["null", r#"{"data":null}"#, "[]", r#"{"data":[]}"#] {
        mock.fail_next(1, Fault::json(200, body)).await;
        let list = giftoin
            .users()
            .collection_challenges(Platform::Discord, USER)
            .await
            .unwrap();
        assert!(list.is_empty(), "{body}");
    }

    mock.fail_next(
        1,
        Fault::json(200, r#"{"data":[{"id":"p","size":"lots"}]}"#),
    )
    .await;
    let err = giftoin
        .users()
        .collection_challenges(Platform::Discord, USER)
        .await
        .unwrap_err();
    let Error::Decode(decode) = &err else {
        panic!("{err:?}")
    };
    assert!(
        decode.path.starts_with("data") && decode.path.ends_with("size"),
        "{}",
        decode.path
    );

    mock.fail_next(1, Fault::json(200, r#"[{"cards":[{"ownedQuantity":-1}]}]"#))
        .await;
    let err = giftoin
        .users()
        .collection_challenges(Platform::Discord, USER)
        .await
        .unwrap_err();
    let Error::Decode(decode) = &err else {
        panic!("{err:?}")
    };
    assert!(decode.path.contains("ownedQuantity"), "{}", decode.path);

    mock.fail_next(1, Fault::malformed_json()).await;
    let err = giftoin
        .users()
        .collection_challenge(Platform::Discord, USER, "program_123")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
}

#[tokio::test]
async fn hostile_ids_stay_one_segment() {
    let mock = GiftoinMock::start().await;
    let giftoin = client(&mock);

    let err = giftoin
        .users()
        .collection_challenges("discord/../admin?x=1#", "a/../b?x#")
        .await
        .unwrap_err();
    assert_eq!(
        api_error(&err).0,
        400,
        "an unknown platform is a bad parameter"
    );
    assert_eq!(
        mock.last_request().await.unwrap().url.path(),
        "/api/v1/users/discord%2F..%2Fadmin%3Fx%3D1%23/a%2F..%2Fb%3Fx%23/progress/collection-challenges"
    );

    let err = giftoin
        .users()
        .collection_challenge(Platform::Discord, "a/../b?x#", "../program_123/x?y#z")
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    let request = mock.last_request().await.unwrap();
    assert_eq!(
        request.url.path(),
        "/api/v1/users/discord/a%2F..%2Fb%3Fx%23/progress/collection-challenges/..%2Fprogram_123%2Fx%3Fy%23z"
    );
    assert_eq!(request.url.query(), None);

    let err = giftoin
        .orders()
        .create("campaign_456/../x", Order::new(["a@example.com"]))
        .await
        .unwrap_err();
    assert_eq!(api_error(&err).1, Some("5250"));
    assert_eq!(
        mock.last_request().await.unwrap().url.path(),
        "/api/v1/gcm/reseller/campaign/campaign_456%2F..%2Fx/order"
    );

    let sent = mock.received_requests().await.len();
    for (platform, user, program) in [
        ("discord", "..", "p"),
        ("", USER, "p"),
        ("discord", USER, "."),
    ] {
        let err = giftoin
            .users()
            .collection_challenge(platform, user, program)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
    }
    let err = giftoin
        .orders()
        .create("", Order::new(["a@example.com"]))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
    assert_eq!(mock.received_requests().await.len(), sent);
}

#[tokio::test]
async fn base_url_path_is_kept_behind_a_prefix() {
    let first = GiftoinMock::start().await;
    let shared = GiftoinMock::on_server(first.shared_server(), "/giftoin").await;
    assert!(shared.uri().ends_with("/giftoin/api/v1"));
    let list = client(&shared)
        .users()
        .collection_challenges(Platform::Discord, USER)
        .await
        .unwrap();
    assert_eq!(list.len(), 4);
    assert_eq!(
        shared.last_request().await.unwrap().url.path(),
        format!("/giftoin{LIST_PATH}")
    );
}
