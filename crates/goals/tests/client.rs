//! The Goals client against the Goals mock: both endpoints, login, 401 and re-login, refresh,
//! validation errors, signatures, retries and configuration.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use questkit_core::{Error, FieldError, HasProgress, RetryPolicy};
use questkit_goals::{Goals, GoalsBuilder, NumberOrText, Period, SignatureInput};
use questkit_mock::Fault;
use questkit_mock::goals::{
    DEMO_ACCESS_TOKEN, DEMO_API_KEY, DEMO_API_SIGNATURE, DEMO_PASSWORD, DEMO_REFRESH_TOKEN,
    DEMO_USERNAME, GoalsMock, REFRESH_PATH,
};
use questkit_mock::wiremock::Request;

const ERROR_LIST_MESSAGES: &str = include_str!("../../../fixtures/goals/error_list_messages.json");

/// A number as a placeholder field holds it.
fn num(value: f64) -> Option<NumberOrText> {
    Some(NumberOrText::Number(value))
}

fn base(mock: &GoalsMock) -> GoalsBuilder {
    Goals::builder()
        .base_url(mock.uri())
        .api_key(DEMO_API_KEY)
        .retry_policy(RetryPolicy {
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
}

fn with_login(mock: &GoalsMock) -> Goals {
    base(mock)
        .login(DEMO_USERNAME, DEMO_PASSWORD)
        .signature(DEMO_API_SIGNATURE)
        .build()
        .unwrap()
}

fn header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

fn query(request: &Request) -> Vec<(String, String)> {
    request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn summary(requests: &[Request]) -> Vec<String> {
    requests
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect()
}

#[tokio::test]
async fn overview_logs_in_once_and_sends_every_header() {
    let mock = GoalsMock::start().await;
    let goals = with_login(&mock);

    let overview = goals.profiles().overview().await.unwrap();
    let keys: Vec<&str> = overview.user_goals.keys().map(String::as_str).collect();
    assert_eq!(keys, ["personal_volume", "team_sales", "new_enrollments"]);
    let pv = overview.user_goals.get("personal_volume").unwrap();
    assert_eq!(pv.period, Some(Period::Monthly));
    assert_eq!(pv.current, num(975.5));
    assert_eq!(pv.progress().percent(), 65);
    assert_eq!(overview.eligible_for_update, Some(true));
    assert_eq!(overview.profiles.len(), 2);

    goals.profiles().overview().await.unwrap();
    assert_eq!(mock.login_count(), 1, "the token is kept between calls");

    let sent = mock.received_requests().await;
    assert_eq!(
        summary(&sent),
        [
            "POST /api/v1/user/login/",
            "GET /api/v1/profiles/overview/",
            "GET /api/v1/profiles/overview/",
        ]
    );
    let login = &sent[0];
    assert_eq!(header(login, "apikey"), Some(DEMO_API_KEY));
    assert_eq!(header(login, "authorization"), None);
    assert_eq!(header(login, "api-signature"), None);
    assert_eq!(header(login, "content-type"), Some("application/json"));
    let body: serde_json::Value = serde_json::from_slice(&login.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"username": DEMO_USERNAME, "password": DEMO_PASSWORD})
    );
    let call = &sent[1];
    assert_eq!(header(call, "apikey"), Some(DEMO_API_KEY));
    assert_eq!(header(call, "authorization"), Some("Bearer mock-access-1"));
    assert_eq!(header(call, "api-signature"), Some(DEMO_API_SIGNATURE));
    assert!(header(call, "user-agent").unwrap().starts_with("questkit/"));
    assert!(query(call).is_empty());
}

#[tokio::test]
async fn overview_with_a_profile_id() {
    let mock = GoalsMock::start().await;
    let goals = with_login(&mock);
    let overview = goals.profiles().overview().profile_id(15).await.unwrap();
    assert!(!overview.user_goals.is_empty());
    let last = mock.last_request().await.unwrap();
    assert_eq!(query(&last), [("profile_id".into(), "15".into())]);
}

#[tokio::test]
async fn goals_leaderboard_with_profile_and_goal() {
    let mock = GoalsMock::start().await;
    let goals = with_login(&mock);

    let board = goals.profiles().goals_leaderboard().await.unwrap();
    assert_eq!(board.selected_goal.as_deref(), Some("personal_volume"));
    let ranking: Vec<&str> = board
        .goal_leader_board_user_data
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(ranking, ["977", "1042", "1203"]);
    assert_eq!(board.course_list.len(), 2);
    assert_eq!(board.current_goal_details.unwrap().variants.len(), 2);

    let team = goals
        .profiles()
        .goals_leaderboard()
        .profile("12")
        .goal("team_sales")
        .await
        .unwrap();
    assert_eq!(team.selected_goal.as_deref(), Some("team_sales"));
    assert_eq!(
        team.selected_profile.as_ref().map(|id| id.as_str()),
        Some("12")
    );
    let row = team.goal_leader_board_user_data.get("977").unwrap();
    assert_eq!(row.value, num(26340.0));

    let last = mock.last_request().await.unwrap();
    assert_eq!(last.url.path(), "/api/v1/profiles/user/goals-leaderboard/");
    assert_eq!(
        query(&last),
        [
            ("profile".into(), "12".into()),
            ("goal".into(), "team_sales".into())
        ]
    );
    assert_eq!(header(&last, "api-signature"), Some(DEMO_API_SIGNATURE));
}

#[tokio::test]
async fn validation_errors_are_api_errors_with_field_errors() {
    let mock = GoalsMock::start().await;
    let goals = with_login(&mock);

    let err = goals
        .profiles()
        .overview()
        .profile_id("999")
        .await
        .unwrap_err();
    let api = err.api().expect("an Api error");
    assert_eq!(api.status.as_u16(), 400);
    assert_eq!(api.message, "Validation Error");
    assert_eq!(
        err.field_errors(),
        [FieldError::new("profile", "Invalid profile id.")]
    );
    assert!(!err.is_retryable());

    let err = goals
        .profiles()
        .goals_leaderboard()
        .goal("no-such-goal")
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(
        err.field_errors(),
        [FieldError::new("goal", "Invalid goal keyword.")]
    );
    assert!(
        err.to_string().contains("goal: Invalid goal keyword."),
        "{err}"
    );
}

#[tokio::test]
async fn an_error_envelope_in_a_200_is_an_api_error_with_list_messages_kept() {
    let mock = GoalsMock::start().await;
    let goals = with_login(&mock);
    goals.profiles().overview().await.unwrap(); // log in first: the fault hits the next call
    mock.fail_next(1, Fault::json(200, ERROR_LIST_MESSAGES))
        .await;

    let err = goals
        .profiles()
        .goals_leaderboard()
        .goal("x")
        .await
        .unwrap_err();
    let api = err.api().expect("an Api error");
    assert_eq!(api.status.as_u16(), 400, "the envelope's status_code wins");
    assert_eq!(
        api.field_errors,
        [
            FieldError::new("profile", "Invalid profile id."),
            FieldError::new("goal", "Invalid goal keyword."),
            FieldError::new("goal", "This field may not be blank."),
        ]
    );
    assert!(api.body_text().contains("status_code"));

    // status_code 200 but errors present: still an error, status as the body says.
    mock.fail_next(
        1,
        Fault::json(
            200,
            r#"{"status_code":200,"errors":{"goal":"Invalid goal keyword."}}"#,
        ),
    )
    .await;
    let err = goals.profiles().overview().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(err.field_errors()[0].field, "goal");
}

#[tokio::test]
async fn a_given_access_token_is_used_and_a_401_is_returned_without_login() {
    let mock = GoalsMock::start().await;
    let goals = base(&mock)
        .access_token(DEMO_ACCESS_TOKEN)
        .signature(DEMO_API_SIGNATURE)
        .build()
        .unwrap();
    goals.profiles().overview().await.unwrap();
    let first = mock.last_request().await.unwrap();
    assert_eq!(
        header(&first, "authorization"),
        Some(format!("Bearer {DEMO_ACCESS_TOKEN}").as_str())
    );

    mock.expire_access_tokens();
    let err = goals.profiles().overview().await.unwrap_err();
    assert!(err.is_auth());
    assert_eq!(err.code(), Some("token_not_valid"));
    assert_eq!(
        err.api().unwrap().message,
        "Given token not valid for any token type"
    );
    assert_eq!(
        mock.received_requests().await.len(),
        2,
        "no login, no retry"
    );
    assert_eq!(mock.login_count(), 0);
}

#[tokio::test]
async fn an_expired_token_triggers_one_login_and_a_retry() {
    let mock = GoalsMock::start().await;
    let goals = with_login(&mock);
    goals.profiles().overview().await.unwrap();
    mock.expire_access_tokens();

    let board = goals.profiles().goals_leaderboard().await.unwrap();
    assert!(!board.goals.is_empty());
    assert_eq!(mock.login_count(), 2);
    let sent = mock.received_requests().await;
    assert_eq!(
        summary(&sent),
        [
            "POST /api/v1/user/login/",
            "GET /api/v1/profiles/overview/",
            "GET /api/v1/profiles/user/goals-leaderboard/",
            "POST /api/v1/user/login/",
            "GET /api/v1/profiles/user/goals-leaderboard/",
        ]
    );
    assert_eq!(
        header(&sent[2], "authorization"),
        Some("Bearer mock-access-1")
    );
    assert_eq!(
        header(&sent[4], "authorization"),
        Some("Bearer mock-access-2")
    );
    assert_eq!(header(&sent[4], "api-signature"), Some(DEMO_API_SIGNATURE));
}

#[tokio::test]
async fn concurrent_calls_after_expiry_share_one_login() {
    let mock = GoalsMock::start().await;
    let goals = with_login(&mock);
    goals.profiles().overview().await.unwrap();
    mock.expire_access_tokens();

    let (a, b) = tokio::join!(
        goals.profiles().overview().send(),
        goals.profiles().goals_leaderboard().send()
    );
    a.unwrap();
    b.unwrap();
    assert_eq!(
        mock.login_count(),
        2,
        "one login at start, one after expiry"
    );
}

#[tokio::test]
async fn a_given_token_is_replaced_by_a_login_when_refused() {
    let mock = GoalsMock::start().await;
    let goals = base(&mock)
        .access_token(DEMO_ACCESS_TOKEN)
        .login(DEMO_USERNAME, DEMO_PASSWORD)
        .signature(DEMO_API_SIGNATURE)
        .build()
        .unwrap();
    goals.profiles().overview().await.unwrap();
    assert_eq!(mock.login_count(), 0, "the given token is used first");
    mock.expire_access_tokens();
    goals.profiles().overview().await.unwrap();
    assert_eq!(mock.login_count(), 1);
}

#[tokio::test]
async fn a_configured_refresh_path_is_used_before_logging_in() {
    let mock = GoalsMock::start().await;
    let goals = base(&mock)
        .access_token(DEMO_ACCESS_TOKEN)
        .refresh_token(DEMO_REFRESH_TOKEN)
        .refresh_path(REFRESH_PATH)
        .login(DEMO_USERNAME, DEMO_PASSWORD)
        .signature(DEMO_API_SIGNATURE)
        .build()
        .unwrap();
    mock.expire_access_tokens();
    goals.profiles().overview().await.unwrap();
    assert_eq!((mock.refresh_count(), mock.login_count()), (1, 0));
    let sent = mock.received_requests().await;
    assert_eq!(sent[1].url.path(), "/api/v1/user/token/refresh/");
    let body: serde_json::Value = serde_json::from_slice(&sent[1].body).unwrap();
    assert_eq!(body, serde_json::json!({"refresh": DEMO_REFRESH_TOKEN}));
    assert_eq!(header(&sent[1], "apikey"), Some(DEMO_API_KEY));

    // A refused refresh falls back to logging in.
    mock.expire_access_tokens();
    mock.expire_refresh_tokens();
    goals.profiles().overview().await.unwrap();
    assert_eq!((mock.refresh_count(), mock.login_count()), (1, 1));
}

#[tokio::test]
async fn a_refused_refresh_without_credentials_is_the_error() {
    let mock = GoalsMock::start().await;
    let goals = base(&mock)
        .access_token(DEMO_ACCESS_TOKEN)
        .refresh_token("stale")
        .refresh_path(format!("/{REFRESH_PATH}"))
        .signature(DEMO_API_SIGNATURE)
        .build()
        .unwrap();
    mock.expire_access_tokens();
    let err = goals.profiles().overview().await.unwrap_err();
    assert!(err.is_auth());
    assert_eq!(err.code(), Some("token_not_valid"));
}

#[tokio::test]
async fn a_refused_login_is_an_api_error() {
    let mock = GoalsMock::start().await;
    let goals = base(&mock)
        .login(DEMO_USERNAME, "wrong-password")
        .signature(DEMO_API_SIGNATURE)
        .build()
        .unwrap();
    let err = goals.profiles().overview().await.unwrap_err();
    let api = err.api().expect("an Api error");
    assert_eq!(api.status.as_u16(), 401);
    assert_eq!(api.code.as_deref(), Some("no_active_account"));
    assert_eq!(
        api.message,
        "No active account found with the given credentials"
    );
    assert!(!err.to_string().contains("wrong-password"));
    let sent = mock.received_requests().await;
    assert_eq!(summary(&sent), ["POST /api/v1/user/login/"]);
}

#[tokio::test]
async fn explicit_login_returns_the_tokens() {
    let mock = GoalsMock::start().await;
    let goals = with_login(&mock);
    let tokens = goals
        .user()
        .login(DEMO_USERNAME, DEMO_PASSWORD)
        .await
        .unwrap();
    assert_eq!(tokens.access(), "mock-access-1");
    assert_eq!(tokens.refresh(), Some("mock-refresh-1"));

    let err = goals.user().login("", DEMO_PASSWORD).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(
        err.field_errors(),
        [FieldError::new("username", "This field is required.")]
    );
}

#[tokio::test]
async fn a_signer_sees_the_request_as_sent() {
    let mock = GoalsMock::start().await;
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let record = seen.clone();
    let goals = base(&mock)
        .login(DEMO_USERNAME, DEMO_PASSWORD)
        .signer(move |input: &SignatureInput<'_>| {
            let line = format!(
                "{}|{}|{}|{}|{:?}|{}",
                input.method(),
                input.path(),
                input.endpoint(),
                input.query(),
                input.query_pairs(),
                input.body().len()
            );
            record.lock().unwrap().push(line.clone());
            format!("sig:{}", line.len())
        })
        .build()
        .unwrap();
    let expected_line = "GET|/api/v1/profiles/user/goals-leaderboard/|profiles/user/goals-leaderboard/|profile=12&goal=team+sales|[(\"profile\", \"12\"), (\"goal\", \"team sales\")]|0";
    mock.require_signature(Some(&format!("sig:{}", expected_line.len())));

    // An unknown goal: the server answers 400, which proves the signature was accepted.
    let err = goals
        .profiles()
        .goals_leaderboard()
        .profile(12)
        .goal("team sales")
        .await
        .unwrap_err();
    assert_eq!(err.field_errors()[0].field, "goal");
    assert_eq!(seen.lock().unwrap().as_slice(), [expected_line]);
    let last = mock.last_request().await.unwrap();
    assert_eq!(last.url.query(), Some("profile=12&goal=team+sales"));

    // A wrong signature is refused by the mock with 403.
    mock.require_signature(Some("something-else"));
    let err = goals.profiles().overview().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(err.code(), Some("permission_denied"));
    assert_eq!(seen.lock().unwrap().len(), 2);
    assert!(seen.lock().unwrap()[1].starts_with("GET|/api/v1/profiles/overview/|"));
}

#[tokio::test]
async fn a_failing_signer_stops_the_call_before_sending() {
    struct Broken;
    impl questkit_goals::Signer for Broken {
        fn sign(&self, _input: &SignatureInput<'_>) -> questkit_core::Result<String> {
            Err(Error::config("no signing secret configured"))
        }
    }
    let mock = GoalsMock::start().await;
    let goals = base(&mock)
        .access_token(DEMO_ACCESS_TOKEN)
        .signer(Broken)
        .build()
        .unwrap();
    let err = goals.profiles().overview().await.unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(mock.received_requests().await.is_empty());

    let empty = base(&mock)
        .access_token(DEMO_ACCESS_TOKEN)
        .signer(|_: &SignatureInput<'_>| String::new())
        .build()
        .unwrap();
    assert!(matches!(
        empty.profiles().overview().await,
        Err(Error::Config(_))
    ));
}

#[tokio::test]
async fn a_fixed_signature_a_header_cannot_carry_is_refused_when_building() {
    let mock = GoalsMock::start().await;
    let err = base(&mock)
        .access_token(DEMO_ACCESS_TOKEN)
        .signature("line\nbreak")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(!err.to_string().contains("line"), "{err}");
    assert!(mock.received_requests().await.is_empty());
}

#[tokio::test]
async fn without_a_signature_the_mock_refuses_with_403() {
    let mock = GoalsMock::start().await;
    let goals = base(&mock)
        .access_token(DEMO_ACCESS_TOKEN)
        .without_signature()
        .build()
        .unwrap();
    let err = goals.profiles().overview().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(
        err.api().unwrap().message,
        "API signature missing or invalid."
    );
    let last = mock.last_request().await.unwrap();
    assert_eq!(header(&last, "api-signature"), None);
}

#[tokio::test]
async fn base_url_with_or_without_trailing_slash() {
    let mock = GoalsMock::start().await;
    for url in [mock.uri(), format!("{}/", mock.uri())] {
        let goals = base(&mock)
            .base_url(url)
            .access_token(DEMO_ACCESS_TOKEN)
            .signature(DEMO_API_SIGNATURE)
            .build()
            .unwrap();
        goals.profiles().overview().await.unwrap();
        let last = mock.last_request().await.unwrap();
        assert_eq!(last.url.path(), "/api/v1/profiles/overview/");
    }
}

#[tokio::test]
async fn server_errors_are_retried_and_html_is_an_api_error() {
    let mock = GoalsMock::start().await;
    let goals = base(&mock)
        .access_token(DEMO_ACCESS_TOKEN)
        .signature(DEMO_API_SIGNATURE)
        .build()
        .unwrap();
    mock.fail_next(1, Fault::status(503)).await;
    let raw = goals.profiles().overview().send_raw().await.unwrap();
    assert_eq!(raw.attempts, 2);
    assert!(raw.text().contains("\"user_goals\""));

    mock.fail_next(1, Fault::html(502)).await;
    let err = goals
        .profiles()
        .overview()
        .max_retries(0)
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert!(err.field_errors().is_empty());

    mock.fail_next(1, Fault::malformed_json()).await;
    let err = goals.profiles().overview().await.unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
}

#[tokio::test]
async fn a_payload_that_does_not_fit_names_the_field() {
    let mock = GoalsMock::start().await;
    let goals = base(&mock)
        .access_token(DEMO_ACCESS_TOKEN)
        .signature(DEMO_API_SIGNATURE)
        .build()
        .unwrap();
    mock.fail_next(
        1,
        Fault::json(
            200,
            r#"{"status_code":200,"errors":{},"data":{"user_goals":{"a":{"current":true}}}}"#,
        ),
    )
    .await;
    let err = goals.profiles().overview().await.unwrap_err();
    match err {
        Error::Decode(decode) => assert_eq!(decode.path, "data.user_goals.a.current"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn hostile_query_values_stay_one_parameter() {
    let mock = GoalsMock::start().await;
    let goals = with_login(&mock);
    let err = goals
        .profiles()
        .goals_leaderboard()
        .profile("12&goal=x#frag")
        .await
        .unwrap_err();
    assert_eq!(err.field_errors()[0].field, "profile");
    let last = mock.last_request().await.unwrap();
    assert_eq!(query(&last), [("profile".into(), "12&goal=x#frag".into())]);
}

#[test]
fn configuration_is_checked_at_build() {
    let ok = || {
        Goals::builder()
            .base_url("https://mlm.example.com/api/v1")
            .api_key("key")
            .access_token("jwt")
            .signature("sig")
    };
    assert!(ok().build().is_ok());
    let cases: Vec<(&str, GoalsBuilder)> = vec![
        (
            "no base URL",
            Goals::builder()
                .api_key("key")
                .access_token("jwt")
                .signature("sig"),
        ),
        (
            "no api key",
            Goals::builder()
                .base_url("https://mlm.example.com/api/v1")
                .access_token("jwt")
                .signature("sig"),
        ),
        (
            "no token",
            Goals::builder()
                .base_url("https://mlm.example.com/api/v1")
                .api_key("key")
                .signature("sig"),
        ),
        (
            "no signature",
            Goals::builder()
                .base_url("https://mlm.example.com/api/v1")
                .api_key("key")
                .access_token("jwt"),
        ),
        ("empty key", ok().api_key("")),
        ("empty signature", ok().signature(" ")),
        ("empty token", ok().access_token("")),
        ("empty password", ok().login("ann", "")),
        ("empty username", ok().login(" ", "pw")),
        (
            "refresh path without token",
            ok().refresh_path("user/token/refresh/"),
        ),
        (
            "bad refresh path",
            ok().login("ann", "pw").refresh_path("a/../b"),
        ),
        ("plain http", ok().base_url("http://mlm.example.com/api/v1")),
    ];
    for (what, builder) in cases {
        assert!(
            matches!(builder.build(), Err(Error::Config(_))),
            "{what} should be refused"
        );
    }
}

#[test]
fn secrets_never_show_in_debug() {
    let builder = Goals::builder()
        .base_url("https://mlm.example.com/api/v1")
        .api_key("key-SECRET")
        .access_token("jwt-SECRET")
        .refresh_token("refresh-SECRET")
        .login("ann", "pw-SECRET")
        .signature("sig-SECRET");
    let shown = format!("{builder:?}");
    assert!(!shown.contains("SECRET"), "{shown}");
    let client = builder.build().unwrap();
    let shown = format!("{client:?}");
    assert!(!shown.contains("SECRET"), "{shown}");
    assert!(shown.contains("apikey"), "{shown}");
    let call = format!("{:?}", client.profiles().overview().profile_id(7));
    assert!(!call.contains("SECRET"), "{call}");
}
