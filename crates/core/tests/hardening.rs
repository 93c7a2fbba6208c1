//! The defects a fault matrix found in the transport (issue "Hardening"), each tried the way a
//! user meets it: a real server on 127.0.0.1 answering what a hostile or broken server would.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use questkit_core::{Auth, Error, RetryPolicy, Transport, TransportBuilder};
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk_live_hardening_secret";

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Tokens {
    access: String,
    refresh: String,
}

fn builder(base: &str) -> TransportBuilder {
    Transport::builder("test")
        .base_url(format!("{base}/v1"))
        .auth(Auth::header("X-API-KEY", KEY))
        .retry_policy(RetryPolicy {
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
}

async fn answering(status: u16, headers: &[(&str, &str)], body: &str) -> MockServer {
    let server = MockServer::start().await;
    let kind = headers
        .iter()
        .find(|(name, _)| *name == "content-type")
        .map_or("text/plain", |(_, value)| *value);
    let mut template = ResponseTemplate::new(status).set_body_raw(body, kind);
    for (name, value) in headers.iter().filter(|(name, _)| *name != "content-type") {
        template = template.insert_header(*name, *value);
    }
    Mock::given(method("GET"))
        .respond_with(template.clone())
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

// Defect 1: an absurd retry header panicked inside the request future.
#[tokio::test]
async fn absurd_retry_after_values_give_the_error_at_once() {
    let cases = [
        ("retry-after", "99999999999999999999"),
        ("retry-after", "1e20"),
        ("retry-after", "1e308"),
        ("retry-after-ms", "1e30"),
        ("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT"),
        ("x-ratelimit-reset", "1e300"),
    ];
    for (name, value) in cases {
        let server = answering(429, &[(name, value)], r#"{"error":"slow down"}"#).await;
        let transport = builder(&server.uri()).build().unwrap();
        let started = Instant::now();
        let err = transport.get::<u32>("x", &[]).await.unwrap_err();
        assert!(err.is_rate_limited(), "{name}: {value}: {err:?}");
        assert_eq!(
            err.retry_after(),
            Some(questkit_core::retry::MAX_SERVER_WAIT),
            "{name}: {value}"
        );
        assert_eq!(err.attempts(), 1, "a wait over the cap is not slept");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{name}: {value}"
        );
    }
    for value in ["NaN", "-1", "-1e20", "inf", "lots"] {
        let server = answering(503, &[("retry-after", value)], "").await;
        let err = builder(&server.uri())
            .build()
            .unwrap()
            .get::<u32>("x", &[])
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(503), "{value}");
        assert_eq!(err.retry_after(), None, "{value}");
        assert_eq!(
            err.attempts(),
            3,
            "unusable values fall back to backoff: {value}"
        );
    }
}

// Defect 2: a 307 to another origin resent the login body (username and password).
#[tokio::test]
async fn a_body_or_a_sensitive_call_never_follows_a_redirect_to_another_origin() {
    let elsewhere = answering(200, &[], r#"{"access":"evil","refresh":"evil"}"#).await;
    for status in [301u16, 302, 303, 307, 308] {
        let origin = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(status)
                    .insert_header("location", format!("{}/v1/login", elsewhere.uri())),
            )
            .mount(&origin)
            .await;
        let transport = builder(&origin.uri()).build().unwrap();
        let err = transport
            .post::<Tokens>("user/login/", &[])
            .json(&serde_json::json!({"username": "ada", "password": "hunter2"}))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Redirect { .. }), "{status}: {err:?}");
    }
    // A sensitive call without a body stops too.
    let origin = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("{}/v1/x", elsewhere.uri())),
        )
        .mount(&origin)
        .await;
    let err = builder(&origin.uri())
        .build()
        .unwrap()
        .get::<Tokens>("keys", &[])
        .sensitive()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Redirect { .. }), "{err:?}");
    assert!(
        elsewhere.received_requests().await.unwrap().is_empty(),
        "the other origin received nothing"
    );
    // Same-origin redirects of a body are still followed (307 keeps the body).
    let same = MockServer::start().await;
    Mock::given(wiremock::matchers::path("/v1/old"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/v1/new"))
        .mount(&same)
        .await;
    Mock::given(wiremock::matchers::path("/v1/new"))
        .respond_with(ResponseTemplate::new(200).set_body_string("7"))
        .mount(&same)
        .await;
    let n: u32 = builder(&same.uri())
        .build()
        .unwrap()
        .post("old", &[])
        .json(&serde_json::json!({"a": 1}))
        .await
        .unwrap();
    assert_eq!(n, 7);
    let sent = same.received_requests().await.unwrap();
    assert_eq!(sent[1].body, br#"{"a":1}"#);
}

// Defect 3: errors quoted bodies (tokens, emails) in Display and Debug.
#[tokio::test]
async fn errors_never_print_bodies_and_sensitive_calls_keep_none() {
    const SECRET: &str = "sk_refresh_secret_value";
    const EMAIL: &str = "ada@example.com";
    let decode_body = format!(r#"{{"access": 12, "refresh": "{SECRET}", "email": "{EMAIL}"}}"#);
    let enum_body = format!(r#"{{"access": "{SECRET}", "refresh": ["{EMAIL}"]}}"#);
    let api_body = format!(r#"{{"error": "bad", "token": "{SECRET}", "email": "{EMAIL}"}}"#);
    for (status, body) in [(200, &decode_body), (200, &enum_body), (400, &api_body)] {
        let server = answering(status, &[("content-type", "application/json")], body).await;
        let transport = builder(&server.uri()).build().unwrap();

        let plain = transport.post::<Tokens>("login", &[]).await.unwrap_err();
        for text in [
            plain.to_string(),
            format!("{plain:?}"),
            format!("{plain:#?}"),
        ] {
            assert!(!text.contains(SECRET) && !text.contains(EMAIL), "{text}");
        }
        let shown = plain.to_string();
        assert!(
            shown.contains(&format!("{} bytes of application/json", body.len())) || status == 400,
            "{shown}"
        );
        // The body stays reachable on purpose for ordinary calls ...
        let kept = match &plain {
            Error::Api(api) => api.body().to_vec(),
            Error::Decode(decode) => decode.body().to_vec(),
            other => panic!("{other:?}"),
        };
        assert_eq!(kept, body.as_bytes());

        // ... and not at all for sensitive ones.
        let sensitive = transport
            .post::<Tokens>("login", &[])
            .sensitive()
            .await
            .unwrap_err();
        match &sensitive {
            Error::Api(api) => {
                assert!(api.body().is_empty());
                assert_eq!(api.body_len(), body.len());
            }
            Error::Decode(decode) => {
                assert!(decode.body().is_empty());
                assert_eq!(
                    decode.path,
                    if body == &decode_body {
                        "access"
                    } else {
                        "refresh"
                    }
                );
            }
            other => panic!("{other:?}"),
        }
        for text in [sensitive.to_string(), format!("{sensitive:?}")] {
            assert!(!text.contains(SECRET) && !text.contains(EMAIL), "{text}");
        }
    }
}

#[tokio::test]
async fn a_sensitive_call_is_traced_by_its_name_only() {
    let (captured, _guard) = common::Traces::capture();
    let server = answering(503, &[], "").await;
    let transport = builder(&server.uri()).build().unwrap();
    let _ = transport
        .post::<Tokens>("user/login/", &[])
        .operation("user.login")
        .sensitive()
        .await;
    let traces = captured.text();
    assert!(traces.contains("user.login"), "{traces}");
    for absent in ["user/login/", "status", "attempt", "503", "latency"] {
        assert!(!traces.contains(absent), "`{absent}` traced: {traces}");
    }
}

// Defect 5: a connect timeout was reported as a timeout, and a keyless POST was not retried.
#[tokio::test]
async fn a_post_is_retried_after_a_connect_timeout() {
    // A listener whose accept queue is full drops new SYNs: connecting times out. After a
    // while it starts accepting and answering, so a retry gets through.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut fillers = Vec::new();
    for _ in 0..8 {
        match tokio::time::timeout(
            Duration::from_millis(100),
            tokio::net::TcpStream::connect(addr),
        )
        .await
        {
            Ok(Ok(stream)) => fillers.push(stream),
            _ => break,
        }
    }
    let opened = Arc::new(tokio::sync::Notify::new());
    let open = opened.clone();
    tokio::spawn(async move {
        open.notified().await;
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                if let Ok(Ok(n)) =
                    tokio::time::timeout(Duration::from_secs(2), stream.read(&mut buf)).await
                {
                    if n > 0 {
                        let _ = stream
                            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\n7")
                            .await;
                    }
                }
            });
        }
    });
    let transport = Transport::builder("test")
        .base_url(format!("http://{addr}/v1"))
        .connect_timeout(Duration::from_millis(200))
        .retry_policy(RetryPolicy {
            max_retries: 6,
            base_delay: Duration::from_millis(50),
            max_delay: Duration::from_millis(100),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    let call = tokio::spawn(async move {
        transport
            .post::<u32>("events", &[])
            .json(&serde_json::json!({"value": 1}))
            .send_raw()
            .await
    });
    tokio::time::sleep(Duration::from_millis(450)).await;
    opened.notify_one();
    let raw = call
        .await
        .unwrap()
        .expect("retried after the connect timeout");
    assert!(raw.attempts >= 2, "{}", raw.attempts);
    drop(fillers);
}

// Defect 6: a carelessly built client followed redirects itself, keeping X-API-KEY.
#[tokio::test]
async fn a_careless_client_builder_never_carries_the_key_elsewhere() {
    let elsewhere = answering(200, &[], "1").await;
    let origin = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("{}/v1/x", elsewhere.uri())),
        )
        .mount(&origin)
        .await;
    // reqwest's default builder follows up to 10 redirects and keeps custom headers.
    let careless = questkit_core::reqwest::Client::builder();
    let transport = builder(&origin.uri())
        .http_client(careless)
        .build()
        .unwrap();
    let n: u32 = transport.get("x", &[]).await.unwrap();
    assert_eq!(n, 1);
    let hops = elsewhere.received_requests().await.unwrap();
    assert_eq!(hops.len(), 1, "questkit followed the redirect itself");
    assert!(
        hops[0].headers.get("x-api-key").is_none(),
        "{:?}",
        hops[0].headers
    );
}

// Defect 9: a call could run for several attempt timeouts plus a long Retry-After.
#[tokio::test]
async fn the_total_deadline_covers_attempts_and_waits() {
    // A 30 s Retry-After is under the 60 s cap, so without a deadline the call would sleep;
    // a wait that would end past the deadline is not started: the 503 comes back at once.
    let server = answering(503, &[("retry-after", "30")], "").await;
    let transport = builder(&server.uri()).build().unwrap();
    let started = Instant::now();
    let err = transport
        .get::<u32>("x", &[])
        .deadline(Duration::from_millis(300))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503), "{err:?}");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(30)));
    assert!(started.elapsed() < Duration::from_secs(3));

    // A token source that hangs is inside the deadline too.
    struct Hanging;
    impl questkit_core::TokenSource for Hanging {
        fn token<'a>(
            &'a self,
            _: &'a Transport,
        ) -> futures::future::BoxFuture<'a, questkit_core::Result<questkit_core::SecretString>>
        {
            Box::pin(futures::future::pending())
        }
        fn refresh<'a>(
            &'a self,
            _: &'a Transport,
            _: &'a questkit_core::SecretString,
        ) -> futures::future::BoxFuture<'a, questkit_core::Result<questkit_core::SecretString>>
        {
            Box::pin(futures::future::pending())
        }
    }
    let err = builder(&server.uri())
        .auth(Auth::token_source(Hanging))
        .deadline(Some(Duration::from_millis(200)))
        .build()
        .unwrap()
        .get::<u32>("x", &[])
        .await
        .unwrap_err();
    assert!(matches!(err, Error::DeadlineExceeded { .. }), "{err:?}");
    assert!(err.is_timeout());

    // Slow attempts: three 400 ms attempt timeouts do not fit a 700 ms deadline.
    let slow = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&slow)
        .await;
    let transport = builder(&slow.uri())
        .timeout(Duration::from_millis(400))
        .deadline(Some(Duration::from_millis(700)))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = transport.get::<u32>("x", &[]).await.unwrap_err();
    let Error::DeadlineExceeded { deadline, attempts } = err else {
        panic!("{err:?}")
    };
    assert_eq!(deadline, Duration::from_millis(700));
    assert_eq!(attempts, 2);
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
}

// Defect 4, at the core: a top-level array is not a struct.
#[tokio::test]
async fn a_top_level_array_is_not_a_model() {
    #[derive(Debug, Deserialize, Default)]
    #[serde(default)]
    #[allow(dead_code)]
    struct Overview {
        name: Option<String>,
        goals: Vec<u32>,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Metric {
        id: String,
        key: String,
        name: String,
        status: Option<String>,
        current: f64,
        achievements: Vec<u32>,
    }
    let empty = answering(200, &[], "[]").await;
    let err = builder(&empty.uri())
        .build()
        .unwrap()
        .get::<Overview>("x", &[])
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
    let positional = answering(
        200,
        &[],
        r#"["m1","words-written","Words written",null,1500,[]]"#,
    )
    .await;
    let err = builder(&positional.uri())
        .build()
        .unwrap()
        .get::<Metric>("x", &[])
        .await
        .unwrap_err();
    let Error::Decode(decode) = &err else {
        panic!("{err:?}")
    };
    assert!(
        decode.message.contains("expected a JSON object"),
        "{}",
        decode.message
    );
    // Lists of models are still lists.
    let list: Vec<Overview> = builder(&empty.uri())
        .build()
        .unwrap()
        .get("x", &[])
        .await
        .unwrap();
    assert!(list.is_empty());
}
