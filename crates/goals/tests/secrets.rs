//! The login and the token refresh carry credentials and return tokens: their errors show no
//! body (not even through `body()`), their messages never quote one, and they never follow a
//! redirect to another origin.

use std::time::Duration;

use questkit_core::{Error, RetryPolicy};
use questkit_goals::{Goals, GoalsBuilder};
use questkit_mock::Fault;
use questkit_mock::goals::{
    DEMO_ACCESS_TOKEN, DEMO_API_KEY, DEMO_API_SIGNATURE, GoalsMock, REFRESH_PATH,
};
use questkit_mock::wiremock::matchers::any;
use questkit_mock::wiremock::{Mock, MockServer, ResponseTemplate};

const SECRETS: [&str; 3] = ["pw-secret-123", "sk_access_secret", "sk_refresh_secret"];

fn base(uri: String) -> GoalsBuilder {
    Goals::builder()
        .base_url(uri)
        .api_key(DEMO_API_KEY)
        .signature(DEMO_API_SIGNATURE)
        .retry_policy(RetryPolicy {
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
}

fn client(mock: &GoalsMock) -> Goals {
    base(mock.uri())
        .access_token(DEMO_ACCESS_TOKEN)
        .build()
        .unwrap()
}

/// Neither `Display`, `Debug`, nor the body accessors of the error hold a secret.
fn assert_no_secret(err: &Error) {
    let shown = format!("{err} | {err:?}");
    let body = match err {
        Error::Api(api) => api.body_text(),
        Error::Decode(decode) => String::from_utf8_lossy(decode.body()).into_owned(),
        _ => String::new(),
    };
    for secret in SECRETS {
        assert!(!shown.contains(secret), "{secret} shown: {shown}");
        assert!(!body.contains(secret), "{secret} kept in the body: {body}");
        let api_body = err
            .api()
            .map(|a| String::from_utf8_lossy(a.body()).into_owned());
        assert!(!api_body.unwrap_or_default().contains(secret));
    }
}

#[tokio::test]
async fn a_login_answer_that_does_not_fit_shows_no_token() {
    let mock = GoalsMock::start().await;
    let goals = client(&mock);
    for body in [
        r#"{"access": 12, "refresh": "sk_refresh_secret"}"#,
        r#"{"access": ["sk_access_secret"], "refresh": "sk_refresh_secret"}"#,
        r#"{"data": {"access": "", "refresh": "sk_refresh_secret"}}"#,
        r#"["sk_refresh_secret", "sk_access_secret"]"#,
    ] {
        mock.fail_next(1, Fault::json(200, body)).await;
        let err = goals
            .user()
            .login("ann", "pw-secret-123")
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Decode(_)), "{body}: {err:?}");
        assert_no_secret(&err);
        let Error::Decode(decode) = &err else {
            unreachable!()
        };
        assert!(decode.body().is_empty(), "a sensitive call keeps no body");
        assert_eq!(decode.body_len(), body.len(), "its length is still known");
    }
}

#[tokio::test]
async fn a_refused_login_shows_no_password_or_token() {
    let mock = GoalsMock::start().await;
    let goals = client(&mock);
    for body in [
        // A deployment that echoes what it was sent.
        r#"{"status_code":400,"errors":{"password":["This password is too common."]},
            "data":{"username":"ann","password":"pw-secret-123","access":"sk_access_secret"}}"#,
        // A detail that is not a message but an object holding tokens.
        r#"{"detail":{"access":"sk_access_secret","refresh":"sk_refresh_secret"},"code":"x"}"#,
        r#"{"detail":["sk_access_secret"]}"#,
    ] {
        mock.fail_next(1, Fault::json(400, body)).await;
        let err = goals
            .user()
            .login("ann", "pw-secret-123")
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(400), "{body}");
        assert_no_secret(&err);
        let api = err.api().unwrap();
        assert!(api.body().is_empty(), "a sensitive call keeps no body");
        assert!(api.body_len() > 0);
    }
    // What the server meant as a message still shows.
    mock.fail_next(
        1,
        Fault::json(
            400,
            r#"{"status_code":400,"errors":{"password":["This password is too common."]}}"#,
        ),
    )
    .await;
    let err = goals
        .user()
        .login("ann", "pw-secret-123")
        .await
        .unwrap_err();
    assert_eq!(
        err.field_errors()[0].message,
        "This password is too common."
    );
}

#[tokio::test]
async fn the_automatic_login_and_the_refresh_keep_no_body_either() {
    let mock = GoalsMock::start().await;
    let secret_body = r#"{"detail":"bad","access":"sk_access_secret"}"#;
    let goals = base(mock.uri())
        .login("ann", "pw-secret-123")
        .build()
        .unwrap();
    mock.fail_next(1, Fault::json(401, secret_body)).await;
    let err = goals.profiles().overview().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_no_secret(&err);
    assert!(err.api().unwrap().body().is_empty());

    let refreshing = base(mock.uri())
        .access_token(DEMO_ACCESS_TOKEN)
        .refresh_token("sk_refresh_secret")
        .refresh_path(REFRESH_PATH)
        .build()
        .unwrap();
    mock.expire_access_tokens();
    mock.fail_next_on("POST", REFRESH_PATH, 1, Fault::json(401, secret_body))
        .await;
    let err = refreshing.profiles().overview().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_no_secret(&err);
    assert!(err.api().unwrap().body().is_empty());
}

#[tokio::test]
async fn a_login_redirected_to_another_origin_stops_there() {
    let mock = GoalsMock::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(r#"{"access":"attacker-access","refresh":"attacker-refresh"}"#),
        )
        .mount(&elsewhere)
        .await;
    let goals = client(&mock);
    for status in [307, 308] {
        mock.fail_next(
            1,
            Fault::status(status).header("Location", &format!("{}/steal", elsewhere.uri())),
        )
        .await;
        let err = goals
            .user()
            .login("ann", "pw-secret-123")
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Redirect { .. }), "{status}: {err:?}");
    }
    // The same for the client's own login before a profile call.
    let logging_in = base(mock.uri())
        .login("ann", "pw-secret-123")
        .build()
        .unwrap();
    mock.fail_next(
        1,
        Fault::status(307).header("Location", &format!("{}/steal", elsewhere.uri())),
    )
    .await;
    let err = logging_in.profiles().overview().await.unwrap_err();
    assert!(matches!(err, Error::Redirect { .. }), "{err:?}");
    let received = elsewhere.received_requests().await.unwrap_or_default();
    assert!(received.is_empty(), "the other origin got {received:?}");
}
