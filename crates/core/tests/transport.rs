//! The transport's behaviour against real HTTP servers on 127.0.0.1.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use questkit_core::{
    Auth, Error, ErrorDetails, RetryPolicy, SecretString, TokenSource, Transport, TransportBuilder,
};
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "sk_test_very_secret";

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        ..RetryPolicy::default()
    }
}

fn builder(server: &MockServer) -> TransportBuilder {
    Transport::builder("test")
        .base_url(format!("{}/v1", server.uri()))
        .auth(Auth::header("X-API-KEY", KEY))
        .retry_policy(fast_retries())
}

fn client(server: &MockServer) -> Transport {
    builder(server).build().unwrap()
}

fn vendor_parser(body: &[u8]) -> Option<ErrorDetails> {
    #[derive(Deserialize)]
    struct Body {
        error: String,
        code: Option<String>,
    }
    let body: Body = serde_json::from_slice(body).ok()?;
    let details = ErrorDetails::message(body.error);
    Some(match body.code {
        Some(code) => details.with_code(code),
        None => details,
    })
}

#[derive(Debug, Deserialize, PartialEq)]
struct Metric {
    id: String,
    current: f64,
}

/// Answers the next `n` requests of `verb` with `failure`, then every later one with a metric.
async fn fail_then_succeed(server: &MockServer, verb: &str, n: u64, failure: ResponseTemplate) {
    Mock::given(method(verb))
        .respond_with(failure)
        .up_to_n_times(n)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method(verb))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"id":"m","current":1}"#))
        .mount(server)
        .await;
}

/// A server that answers every `verb` request with `status` and `body`.
async fn answering(verb: &str, status: u16, body: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(verb))
        .respond_with(ResponseTemplate::new(status).set_body_string(body))
        .mount(&server)
        .await;
    server
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

#[tokio::test]
async fn sends_auth_user_agent_and_base_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/users/u1/metrics/words"))
        .and(header("X-API-KEY", KEY))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"id": "m", "current": 3.5})),
        )
        .mount(&server)
        .await;
    let metric: Metric = client(&server)
        .get("users/{id}/metrics/{key}", &["u1", "words"])
        .await
        .unwrap();
    assert_eq!(
        metric,
        Metric {
            id: "m".into(),
            current: 3.5
        }
    );
    let sent = &requests(&server).await[0];
    let agent = sent.headers.get("user-agent").unwrap().to_str().unwrap();
    assert!(agent.starts_with("questkit/"), "{agent}");
}

#[tokio::test]
async fn retries_503_then_succeeds() {
    let server = MockServer::start().await;
    fail_then_succeed(&server, "GET", 2, ResponseTemplate::new(503)).await;
    let raw = client(&server)
        .get::<Metric>("m", &[])
        .send_raw()
        .await
        .unwrap();
    assert_eq!(raw.attempts, 3);
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn gives_up_after_max_retries_and_says_how_many_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(503).set_body_string(r#"{"error":"down for maintenance"}"#),
        )
        .mount(&server)
        .await;
    let err = builder(&server)
        .error_parser(vendor_parser)
        .build()
        .unwrap()
        .get::<Metric>("m", &[])
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(err.attempts(), 3);
    assert!(err.is_retryable());
    let shown = err.to_string();
    assert!(
        shown.contains("503")
            && shown.contains("down for maintenance")
            && shown.contains("3 attempts"),
        "{shown}"
    );
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn honours_retry_after_in_seconds_and_as_http_date() {
    // The date is two seconds ahead when the case starts; HTTP dates have whole seconds, so
    // that wait is between 1 and 2 s.
    let in_two_seconds =
        || httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(2));
    type Case = (u16, fn() -> String, u64);
    let cases: [Case; 2] = [(429, || "1".to_owned(), 1000), (503, in_two_seconds, 900)];
    for (status, value, min_wait_ms) in cases {
        let server = MockServer::start().await;
        let value = value();
        let failure = ResponseTemplate::new(status).insert_header("Retry-After", value.as_str());
        fail_then_succeed(&server, "GET", 1, failure).await;
        let started = Instant::now();
        client(&server).get::<Metric>("m", &[]).await.unwrap();
        let waited = started.elapsed();
        assert!(
            waited >= Duration::from_millis(min_wait_ms),
            "{value}: {waited:?}"
        );
    }
}

#[tokio::test]
async fn retry_after_beyond_the_cap_is_returned_not_slept() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "3600"))
        .mount(&server)
        .await;
    let started = Instant::now();
    let err = client(&server).get::<Metric>("m", &[]).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert!(err.is_rate_limited());
    assert_eq!(err.attempts(), 1);
}

#[tokio::test]
async fn post_without_idempotency_key_is_not_retried_on_500() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let err = client(&server)
        .post::<Metric>("events", &[])
        .json(&serde_json::json!({"value": 1}))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn post_is_retried_on_429_even_without_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .mount(&server)
        .await;
    let err = client(&server)
        .post::<Metric>("events", &[])
        .await
        .unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn post_with_idempotency_key_is_retried_with_the_same_key() {
    let server = MockServer::start().await;
    fail_then_succeed(&server, "POST", 2, ResponseTemplate::new(500)).await;
    let transport = client(&server);
    // A generated key: one per logical call, reused on every attempt.
    transport
        .post::<Metric>("events", &[])
        .json(&serde_json::json!({"value": 1}))
        .idempotency_header("Idempotency-Key")
        .await
        .unwrap();
    let keys: Vec<String> = requests(&server)
        .await
        .iter()
        .map(|r| {
            r.headers
                .get("idempotency-key")
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(keys.len(), 3);
    assert!(keys.iter().all(|k| k == &keys[0]));
    assert!(uuid::Uuid::parse_str(&keys[0]).is_ok(), "{}", keys[0]);
    let bodies: Vec<_> = requests(&server)
        .await
        .iter()
        .map(|r| r.body.clone())
        .collect();
    assert!(bodies.iter().all(|b| b == br#"{"value":1}"#));

    // A caller's key is sent as given; the next logical call gets a fresh generated key.
    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_string(r#"{"id":"e","current":2}"#))
        .mount(&server)
        .await;
    transport
        .post::<Metric>("events", &[])
        .idempotency_header("idempotency-key")
        .idempotency_key("essay-42")
        .await
        .unwrap();
    transport
        .post::<Metric>("events", &[])
        .idempotency_header("idempotency-key")
        .await
        .unwrap();
    let sent = requests(&server).await;
    assert_eq!(sent[0].headers.get("idempotency-key").unwrap(), "essay-42");
    assert_ne!(
        sent[1]
            .headers
            .get("idempotency-key")
            .unwrap()
            .to_str()
            .unwrap(),
        keys[0]
    );
}

/// A server answering every GET with `body`, after `delay`.
async fn slow_server(body: &str, delay: Duration) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(body)
                .set_delay(delay),
        )
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn slow_server_gives_timeout() {
    let server = slow_server("{}", Duration::from_secs(3)).await;
    let transport = builder(&server)
        .timeout(Duration::from_millis(200))
        .max_retries(1)
        .build()
        .unwrap();
    let started = Instant::now();
    let err = transport
        .get::<serde_json::Value>("slow", &[])
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.attempts(), 2);
    assert!(started.elapsed() < Duration::from_secs(2));
    // A per-call timeout overrides the client's.
    let err = client(&server)
        .get::<serde_json::Value>("slow", &[])
        .timeout(Duration::from_millis(100))
        .max_retries(0)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { attempts: 1 }), "{err:?}");
}

/// questkit's own HTTP client carries the transport's timeout; a call's own timeout replaces
/// it, longer as well as shorter, and a client built from the user's builder gets the
/// transport's timeout on each request.
#[tokio::test]
async fn call_timeouts_replace_the_client_timeout_both_ways() {
    let server = slow_server("7", Duration::from_millis(400)).await;
    let transport = builder(&server)
        .timeout(Duration::from_millis(150))
        .max_retries(0)
        .build()
        .unwrap();
    let err = transport.get::<u32>("slow", &[]).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    let n = transport
        .get::<u32>("slow", &[])
        .timeout(Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(n, 7, "a longer call timeout outlasts the client's");

    let own_builder = builder(&server)
        .http_client(questkit_core::reqwest::Client::builder())
        .timeout(Duration::from_millis(150))
        .max_retries(0)
        .build()
        .unwrap();
    let err = own_builder.get::<u32>("slow", &[]).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn body_over_the_limit_is_refused() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("x".repeat(2048)))
        .mount(&server)
        .await;
    let err = builder(&server)
        .max_body_size(1024)
        .build()
        .unwrap()
        .get::<String>("big", &[])
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 1024 }),
        "{err:?}"
    );
}

/// A server that streams a chunked body with no length, to check the limit while reading.
async fn chunked_server(chunks: usize, chunk_size: usize) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = format!("{:x}\r\n{}\r\n", chunk_size, "7".repeat(chunk_size));
                for _ in 0..chunks {
                    if socket.write_all(chunk.as_bytes()).await.is_err() {
                        return; // the client hung up: what the limit should make it do
                    }
                }
                let _ = socket.write_all(b"0\r\n\r\n").await;
            });
        }
    });
    format!("http://{addr}/v1")
}

#[tokio::test]
async fn streamed_body_over_the_limit_is_refused_while_reading() {
    let base = chunked_server(10_000, 1024).await; // 10 MB if read whole
    let transport = Transport::builder("test")
        .base_url(&base)
        .max_body_size(64 * 1024)
        .build()
        .unwrap();
    let err = transport
        .get::<serde_json::Value>("stream", &[])
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 65536 }),
        "{err:?}"
    );

    // Several chunks under the limit are joined into one body.
    let base = chunked_server(3, 4).await;
    let transport = Transport::builder("test").base_url(&base).build().unwrap();
    let raw = transport
        .get::<u64>("stream", &[])
        .send_raw()
        .await
        .unwrap();
    assert_eq!(&raw.body[..], b"777777777777");
    assert_eq!(raw.json::<u64>().unwrap(), 777_777_777_777);
}

#[tokio::test]
async fn html_error_page_is_an_api_error_with_its_status() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(502)
                .set_body_raw(
                    "<html><body><h1>502 Bad Gateway</h1></body></html>",
                    "text/html",
                )
                .insert_header("x-request-id", "req-123"),
        )
        .mount(&server)
        .await;
    let err = builder(&server)
        .error_parser(vendor_parser)
        .max_retries(0)
        .build()
        .unwrap()
        .get::<Metric>("m", &[])
        .await
        .unwrap_err();
    let api = err.api().expect("an Api error");
    assert_eq!(api.status.as_u16(), 502);
    assert_eq!(api.message, "Bad Gateway");
    assert!(api.body_text().contains("<h1>"));
    assert_eq!(err.request_id(), Some("req-123"));
    assert!(err.to_string().contains("req-123"));
}

#[tokio::test]
async fn empty_and_vendor_error_bodies() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/empty"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    Mock::given(path("/v1/vendor"))
        .respond_with(
            ResponseTemplate::new(422).set_body_string(
                r#"{"error":"metric value must be positive","code":"invalid_value"}"#,
            ),
        )
        .mount(&server)
        .await;
    let t = builder(&server)
        .error_parser(vendor_parser)
        .build()
        .unwrap();
    let err = t.get::<Metric>("empty", &[]).await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.api().unwrap().message, "Not Found");
    let err = t.get::<Metric>("vendor", &[]).await.unwrap_err();
    assert_eq!(err.code(), Some("invalid_value"));
    assert_eq!(err.api().unwrap().message, "metric value must be positive");
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn decode_error_names_the_failing_field() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(
                r#"{"items":[{"id":"a","current":1},{"id":"b","current":"lots"}]}"#,
            ),
        )
        .mount(&server)
        .await;
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct List {
        items: Vec<Metric>,
    }
    let err = client(&server).get::<List>("list", &[]).await.unwrap_err();
    let Error::Decode(decode) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(decode.path, "items[1].current");
    assert!(decode.body().starts_with(br#"{"items""#));
    assert!(err.to_string().contains("items[1].current"), "{err}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
}

#[tokio::test]
async fn malformed_json_and_trailing_garbage_are_decode_errors() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/broken"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"id": "a", "curr"#))
        .mount(&server)
        .await;
    Mock::given(path("/v1/trailing"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"id":"a","current":1} extra"#))
        .mount(&server)
        .await;
    Mock::given(path("/v1/empty"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let t = client(&server);
    assert!(matches!(
        t.get::<Metric>("broken", &[]).await,
        Err(Error::Decode(_))
    ));
    assert!(matches!(
        t.get::<Metric>("trailing", &[]).await,
        Err(Error::Decode(_))
    ));
    // An empty 204 is fine for a call that expects nothing.
    t.get::<()>("empty", &[]).await.unwrap();
    assert_eq!(t.get::<Option<Metric>>("empty", &[]).await.unwrap(), None);
}

#[tokio::test]
async fn redirects_keep_credentials_only_on_the_same_origin() {
    let home = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(path("/v1/moved"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("Location", format!("{}/landing", elsewhere.uri())),
        )
        .mount(&home)
        .await;
    Mock::given(path("/v1/local"))
        .respond_with(ResponseTemplate::new(307).insert_header("Location", "/v1/target"))
        .mount(&home)
        .await;
    Mock::given(path("/v1/target"))
        .respond_with(ResponseTemplate::new(200).set_body_string("1"))
        .mount(&home)
        .await;
    Mock::given(path("/landing"))
        .respond_with(ResponseTemplate::new(200).set_body_string("2"))
        .mount(&elsewhere)
        .await;

    let t = Transport::builder("test")
        .base_url(format!("{}/v1", home.uri()))
        .auth(Auth::header("X-API-KEY", KEY).and(Auth::bearer("tok_secret")))
        .build()
        .unwrap();
    assert_eq!(t.get::<u32>("moved", &[]).await.unwrap(), 2);
    let landed = &requests(&elsewhere).await[0];
    assert!(landed.headers.get("x-api-key").is_none());
    assert!(landed.headers.get("authorization").is_none());

    assert_eq!(t.get::<u32>("local", &[]).await.unwrap(), 1);
    let target = requests(&home)
        .await
        .into_iter()
        .find(|r| r.url.path() == "/v1/target")
        .unwrap();
    assert_eq!(target.headers.get("x-api-key").unwrap(), KEY);
}

#[tokio::test]
async fn redirect_loops_are_cut() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/loop"))
        .respond_with(ResponseTemplate::new(302).insert_header("Location", "/v1/loop"))
        .mount(&server)
        .await;
    let err = client(&server).get::<u32>("loop", &[]).await.unwrap_err();
    assert!(matches!(err, Error::Redirect { .. }), "{err:?}");
}

#[tokio::test]
async fn hostile_ids_stay_one_segment_and_query_repeats_keys() {
    let server = answering("GET", 200, "null").await;
    let t = client(&server);
    t.get::<()>("users/{id}/streak", &["a/../b?x#"])
        .query_each("userIds", ["a", "b&c"])
        .query_opt("limit", None::<u32>)
        .query_opt("offset", Some(10))
        .await
        .unwrap();
    let sent = &requests(&server).await[0];
    assert_eq!(sent.url.path(), "/v1/users/a%2F..%2Fb%3Fx%23/streak");
    assert_eq!(sent.url.query(), Some("userIds=a&userIds=b%26c&offset=10"));

    let err = t.get::<()>("users/{id}", &[""]).await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
    let err = t.get::<()>("users/{id}", &[".."]).await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
    assert_eq!(
        requests(&server).await.len(),
        1,
        "invalid input never reaches the server"
    );
}

#[tokio::test]
async fn connection_refused_is_a_connect_error_retried() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let t = Transport::builder("test")
        .base_url(format!("http://{addr}/v1"))
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    let err = t.post::<()>("events", &[]).await.unwrap_err();
    assert!(matches!(err, Error::Connect { attempts: 3, .. }), "{err:?}");
    assert!(err.is_retryable());
}

struct CountingSource {
    logins: AtomicU32,
}

impl TokenSource for CountingSource {
    fn token<'a>(
        &'a self,
        _t: &'a Transport,
    ) -> BoxFuture<'a, questkit_core::Result<SecretString>> {
        Box::pin(async move {
            let n = self.logins.load(Ordering::SeqCst);
            Ok(SecretString::new(format!("token-{n}")))
        })
    }

    fn refresh<'a>(
        &'a self,
        _t: &'a Transport,
        rejected: &'a SecretString,
    ) -> BoxFuture<'a, questkit_core::Result<SecretString>> {
        Box::pin(async move {
            let expected = format!("token-{}", self.logins.load(Ordering::SeqCst));
            assert_eq!(
                rejected.expose(),
                expected,
                "refresh gets the refused token"
            );
            let n = self.logins.fetch_add(1, Ordering::SeqCst) + 1;
            Ok(SecretString::new(format!("token-{n}")))
        })
    }
}

#[tokio::test]
async fn token_source_is_refreshed_once_after_401() {
    let server = MockServer::start().await;
    Mock::given(header("authorization", "Bearer token-1"))
        .respond_with(ResponseTemplate::new(200).set_body_string("7"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401))
        .with_priority(10)
        .mount(&server)
        .await;
    let source = Arc::new(CountingSource {
        logins: AtomicU32::new(0),
    });
    let t = Transport::builder("test")
        .base_url(server.uri())
        .auth(Auth::header("apikey", "app").and(Auth::shared_token_source(source.clone())))
        .build()
        .unwrap();
    assert_eq!(t.get::<u32>("x", &[]).await.unwrap(), 7);
    assert_eq!(source.logins.load(Ordering::SeqCst), 1);
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2);
    assert_eq!(
        sent[0].headers.get("authorization").unwrap(),
        "Bearer token-0"
    );
    assert_eq!(sent[1].headers.get("apikey").unwrap(), "app");

    // A server that refuses every token: one refresh per call, then the 401 is returned.
    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let err = t.get::<u32>("x", &[]).await.unwrap_err();
    assert!(err.is_auth());
    assert_eq!(
        requests(&server).await.len(),
        2,
        "token-1 refused, refreshed once to token-2, refused"
    );
    assert_eq!(source.logins.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn secrets_never_show_in_debug_display_or_traces() {
    let (captured, _guard) = common::Traces::capture();

    let server = answering("GET", 401, r#"{"error":"bad key"}"#).await;
    let t = builder(&server)
        .error_parser(vendor_parser)
        .build()
        .unwrap();
    let err = t
        .get::<Metric>("users/{id}", &["private-user-42"])
        .await
        .unwrap_err();
    let texts = [
        format!("{t:?}"),
        format!("{err:?}"),
        err.to_string(),
        format!("{:?}", Auth::header("X-API-KEY", KEY)),
        format!("{:?}", SecretString::new(KEY)),
    ];
    for text in &texts {
        assert!(!text.contains(KEY), "{text}");
    }
    let traces = captured.text();
    assert!(traces.contains("questkit.request"), "{traces}");
    assert!(
        traces.contains("users/{id}"),
        "the path template is traced: {traces}"
    );
    assert!(!traces.contains(KEY), "{traces}");
    assert!(
        !traces.contains("private-user-42"),
        "user ids stay out of traces: {traces}"
    );
    assert!(
        !traces.contains("bad key"),
        "bodies stay out of traces: {traces}"
    );
}

#[tokio::test]
async fn next_links_must_stay_on_the_base_origin() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/items"))
        .respond_with(ResponseTemplate::new(200).set_body_string("[1]"))
        .mount(&server)
        .await;
    let t = client(&server);
    let same: Vec<u32> = t
        .get_url(&format!("{}/v1/items?page=2", server.uri()))
        .await
        .unwrap();
    assert_eq!(same, vec![1]);
    let err = t
        .get_url::<Vec<u32>>("https://evil.example/v1/items")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
}

#[tokio::test]
async fn injected_client_default_and_per_call_headers_are_used() {
    let server = answering("GET", 200, "1").await;
    let mut defaults = reqwest::header::HeaderMap::new();
    defaults.insert(
        "x-injected",
        reqwest::header::HeaderValue::from_static("yes"),
    );
    let own = reqwest::Client::builder().default_headers(defaults);
    let t = builder(&server)
        .http_client(own)
        .header("Tenant-ID", "tenant-7")
        .user_agent("my-app/2.3")
        .build()
        .unwrap();
    let _: u32 = t.get("x", &[]).header("x-language", "fr").await.unwrap();
    let sent = &requests(&server).await[0];
    assert_eq!(sent.headers.get("x-injected").unwrap(), "yes");
    assert_eq!(sent.headers.get("tenant-id").unwrap(), "tenant-7");
    assert_eq!(sent.headers.get("x-language").unwrap(), "fr");
    let agent = sent.headers.get("user-agent").unwrap().to_str().unwrap();
    assert!(
        agent.starts_with("questkit/") && agent.ends_with(" my-app/2.3"),
        "{agent}"
    );

    // An invalid per-call header fails the call before anything is sent.
    let err = t
        .get::<u32>("x", &[])
        .header("bad name", "v")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn error_bodies_are_kept_but_capped() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(400).set_body_string("e".repeat(10_000)))
        .mount(&server)
        .await;
    let err = client(&server).get::<u32>("x", &[]).await.unwrap_err();
    let api = err.api().unwrap();
    assert_eq!(api.body().len(), questkit_core::error::ERROR_BODY_CAP);
    assert_eq!(api.body_len(), 10_000);
    assert_eq!(api.status.as_u16(), 400);
    assert!(err.to_string().len() < 300, "Display stays one short line");
}

#[tokio::test]
async fn signer_sees_the_final_request_and_signs_every_attempt() {
    use questkit_core::SigningInput;
    use reqwest::header::{HeaderName, HeaderValue};
    let server = MockServer::start().await;
    fail_then_succeed(&server, "PUT", 1, ResponseTemplate::new(503)).await;
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let signer =
        move |input: &SigningInput<'_>| -> questkit_core::Result<Vec<(HeaderName, HeaderValue)>> {
            let text = format!(
                "{} {} {} {} {}",
                input.method(),
                input.path(),
                input.endpoint(),
                input.query(),
                String::from_utf8_lossy(input.body())
            );
            log.lock().unwrap().push(text.clone());
            Ok(vec![(
                HeaderName::from_static("api-signature"),
                HeaderValue::from_str(&format!("sig:{}", text.len())).unwrap(),
            )])
        };
    let t = builder(&server).signer(Arc::new(signer)).build().unwrap();
    let _: Metric = t
        .put("profiles/{id}/", &["a b"])
        .query("goal", "team sales")
        .json(&serde_json::json!({"x": 1}))
        .await
        .unwrap();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        vec![r#"PUT /v1/profiles/a%20b/ profiles/a%20b/ goal=team+sales {"x":1}"#.to_owned()],
        "signed once per call"
    );
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2);
    for request in &sent {
        assert_eq!(
            request.headers.get("api-signature").unwrap(),
            &format!("sig:{}", seen[0].len())
        );
    }
    // `without_signer` sends none; a failing signer fails the call before sending.
    let _: Metric = t.put("login", &[]).without_signer().await.unwrap();
    assert!(
        requests(&server).await[2]
            .headers
            .get("api-signature")
            .is_none()
    );
    let failing = |_: &SigningInput<'_>| -> questkit_core::Result<Vec<(HeaderName, HeaderValue)>> {
        Err(Error::config("no signing secret"))
    };
    let t = builder(&server).signer(Arc::new(failing)).build().unwrap();
    let err = t.get::<Metric>("x", &[]).await.unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn a_call_header_replaces_the_client_header_of_the_same_name() {
    let server = answering("GET", 200, "1").await;
    let t = builder(&server).header("x-language", "en").build().unwrap();
    let _: u32 = t.get("x", &[]).header("X-Language", "fr").await.unwrap();
    let _: u32 = t.get("x", &[]).await.unwrap();
    let sent = requests(&server).await;
    let values = |i: usize| -> Vec<String> {
        sent[i]
            .headers
            .get_all("x-language")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(values(0), vec!["fr"]);
    assert_eq!(values(1), vec!["en"]);
}

#[tokio::test]
async fn header_names_in_any_case_and_query_removal() {
    let server = answering("GET", 200, "1").await;
    let t = client(&server);
    let _: u32 = t
        .get("x", &[])
        .secret_header("API-Signature", &SecretString::new("s1"))
        .query("includeIncomplete", true)
        .query("limit", 5)
        .remove_query("includeIncomplete")
        .await
        .unwrap();
    let sent = &requests(&server).await[0];
    assert_eq!(sent.headers.get("api-signature").unwrap(), "s1");
    assert_eq!(sent.url.query(), Some("limit=5"));
    // Invalid names fail the call, never panic.
    let err = t
        .get::<u32>("x", &[])
        .secret_header("bad name", &SecretString::new("v"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
    let err = t
        .post::<u32>("x", &[])
        .idempotency_header("bad name")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn paginate_sends_one_clone_per_page_from_the_calls_own_offset_and_limit() {
    use futures::TryStreamExt;
    use questkit_core::pagination::OffsetPage;

    /// Serves items 0..23 by `skip`/`limit`, with the total.
    struct Items;
    impl wiremock::Respond for Items {
        fn respond(&self, request: &Request) -> ResponseTemplate {
            let param = |key: &str| {
                request
                    .url
                    .query_pairs()
                    .find(|(k, _)| k == key)
                    .and_then(|(_, v)| v.parse::<usize>().ok())
            };
            let (skip, limit) = (param("skip").unwrap_or(0), param("limit").unwrap_or(10));
            let items: Vec<usize> = (0..23).skip(skip).take(limit).collect();
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"total": 23, "items": items}))
        }
    }
    #[derive(Deserialize)]
    struct Page {
        total: u64,
        items: Vec<usize>,
    }
    fn items(page: Page) -> OffsetPage<usize> {
        OffsetPage {
            items: page.items,
            total: Some(page.total),
        }
    }

    let server = MockServer::start().await;
    Mock::given(path("/v1/items"))
        .respond_with(Items)
        .mount(&server)
        .await;
    let request = client(&server)
        .get::<Page>("items", &[])
        .query("search", "x")
        .set_query("skip", 5)
        .set_query("limit", 8);
    let all: Vec<usize> = request
        .clone()
        .paginate("skip", "limit", 100, items)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all, (5..23).collect::<Vec<_>>());
    let sent: Vec<String> = requests(&server)
        .await
        .iter()
        .map(|r| r.url.query().unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        sent,
        [
            "search=x&skip=5&limit=8",
            "search=x&skip=13&limit=8",
            "search=x&skip=21&limit=8"
        ]
    );

    // Without the call's own values: from 0, default page size; the original request is untouched.
    let all: Vec<usize> = client(&server)
        .get::<Page>("items", &[])
        .paginate("skip", "limit", 10, items)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all, (0..23).collect::<Vec<_>>());
    assert_eq!(request.query_value("skip"), Some("5"));

    // A deferred argument error reaches the stream as its one item, and every clone keeps it.
    let mut bad = client(&server).get::<Page>("items/{id}", &[""]);
    bad.fail(Error::invalid_input("second error ignored"));
    let out: Vec<_> =
        futures::StreamExt::collect::<Vec<_>>(bad.clone().paginate("skip", "limit", 10, items))
            .await;
    assert!(
        matches!(out.as_slice(), [Err(Error::InvalidInput(msg))] if msg.contains("empty")),
        "{out:?}"
    );
    assert!(matches!(bad.send().await, Err(Error::InvalidInput(_))));
}

#[tokio::test]
async fn a_connection_closed_without_an_answer_is_a_transport_error() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicU32::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 4096];
            let _ = socket.read(&mut buf).await;
            drop(socket); // hang up without a response
        }
    });
    let t = Transport::builder("test")
        .base_url(format!("http://{addr}/v1"))
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    let err = t.get::<u32>("x", &[]).await.unwrap_err();
    assert!(
        matches!(err, Error::Transport { attempts: 3, .. }),
        "{err:?}"
    );
    assert_eq!(accepted.load(Ordering::SeqCst), 3, "a GET is replayed");
    // A POST without an idempotency key may have been processed: not replayed.
    let err = t.post::<u32>("x", &[]).await.unwrap_err();
    assert!(
        matches!(err, Error::Transport { attempts: 1, .. }),
        "{err:?}"
    );
    assert_eq!(accepted.load(Ordering::SeqCst), 4);
}

#[test]
fn a_vendor_can_mark_another_status_as_refused_credentials() {
    let headers = reqwest::header::HeaderMap::new();
    let body = bytes::Bytes::from_static(br#"{"code":1001}"#);
    let plain = questkit_core::ApiError::from_details(
        reqwest::StatusCode::BAD_REQUEST,
        &headers,
        &body,
        ErrorDetails::message("invalid key"),
    );
    assert!(!Error::from(plain).is_auth());
    let marked = questkit_core::ApiError::from_details(
        reqwest::StatusCode::BAD_REQUEST,
        &headers,
        &body,
        ErrorDetails::message("invalid key").with_auth_failure(),
    );
    let err = Error::from(marked);
    assert!(err.is_auth() && !err.is_retryable());
}

#[tokio::test]
async fn configured_paths_are_sent_as_given_segments() {
    let server = answering("POST", 200, "1").await;
    let t = client(&server);
    let _: u32 = t
        .request_path(reqwest::Method::POST, "/user/token/refresh/")
        .await
        .unwrap();
    let _: u32 = t
        .request_path(reqwest::Method::POST, "auth/re fresh")
        .await
        .unwrap();
    let paths: Vec<String> = requests(&server)
        .await
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(paths, ["/v1/user/token/refresh/", "/v1/auth/re%20fresh"]);
    for bad in ["../admin", "a//b", "refresh?next=x"] {
        let err = t
            .request_path::<u32>(reqwest::Method::POST, bad)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)), "{bad}: {err:?}");
    }
    assert_eq!(requests(&server).await.len(), 2);
}

/// Every attempt leaves one debug event: `error response` for an error status, `response` for
/// the answer, each with its attempt number and status.
#[tokio::test]
async fn each_attempt_traces_its_status() {
    let (captured, _guard) = common::Traces::capture();
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("7"))
        .mount(&server)
        .await;
    let transport = builder(&server).max_retries(1).build().unwrap();
    let n = transport.get::<u32>("flaky", &[]).await.unwrap();
    assert_eq!(n, 7);
    let text = captured.text();
    assert!(
        text.contains("error response attempt=1 status=503"),
        "{text}"
    );
    assert!(text.contains(" response attempt=2 status=200"), "{text}");
}

// What `.await` runs is a `ResponseFuture`: small (the send machinery is behind its one box),
// `Send` and `Unpin` as its docs say, decoding on success and keeping a sensitive call's body
// out of its decode error.
#[tokio::test]
async fn a_call_awaits_as_a_small_send_unpin_response_future() {
    use std::future::IntoFuture;
    fn send_unpin<F: std::future::Future + Send + Unpin>(future: F) -> F {
        future
    }
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/metric"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"id":"m1"}"#))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/odd"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"id":"sk_body_secret"#))
        .mount(&server)
        .await;
    let transport = client(&server);
    let call: questkit_core::ResponseFuture<serde_json::Value> =
        send_unpin(transport.get("metric", &[]).into_future());
    assert!(
        std::mem::size_of_val(&call) <= 32,
        "{}",
        std::mem::size_of_val(&call)
    );
    let metric = call.await.unwrap();
    assert_eq!(metric.get("id").and_then(|v| v.as_str()), Some("m1"));

    let odd = transport
        .get::<serde_json::Value>("odd", &[])
        .sensitive()
        .await
        .unwrap_err();
    let Error::Decode(decode) = &odd else {
        panic!("expected a decode error, got {odd:?}");
    };
    assert!(decode.body().is_empty(), "a sensitive call keeps no body");
    let plain = transport
        .get::<serde_json::Value>("odd", &[])
        .await
        .unwrap_err();
    let Error::Decode(decode) = &plain else {
        panic!("expected a decode error, got {plain:?}");
    };
    assert!(
        !decode.body().is_empty(),
        "a plain call keeps the body for inspection"
    );
}
