//! The spans a call emits: one logical span per call, one OpenTelemetry client span per
//! physical request (each retry and redirect), with OpenTelemetry's HTTP client field names and
//! never the filled path, the query or the full URL.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use opentelemetry::trace::{SpanKind, TracerProvider as _};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
use questkit_core::{RetryPolicy, Transport};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::Registry;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A span's name and its fields, as recorded.
type SpanRecord = (String, BTreeMap<String, String>);

/// Every span, as recorded.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<SpanRecord>>>);

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl<S: tracing::Subscriber> Layer<S> for Captured {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        let mut fields = BTreeMap::new();
        fields.insert("#id".to_owned(), id.into_u64().to_string());
        attrs.record(&mut Fields(&mut fields));
        self.0
            .lock()
            .unwrap()
            .push((attrs.metadata().name().to_owned(), fields));
    }
    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        let mut spans = self.0.lock().unwrap();
        if let Some((_, fields)) = spans
            .iter_mut()
            .rev()
            .find(|(_, f)| f["#id"] == id.into_u64().to_string())
        {
            values.record(&mut Fields(fields));
        }
    }
}

async fn server() -> MockServer {
    let server = MockServer::start().await;
    // One 503, then a redirect, then the answer: three physical requests for one call.
    Mock::given(path("/v1/users/private-user-42/metrics"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/v1/users/private-user-42/metrics"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/v1/moved?x=private"))
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/moved"))
        .respond_with(ResponseTemplate::new(200).set_body_string("1"))
        .mount(&server)
        .await;
    server
}

fn transport(server: &MockServer) -> Transport {
    Transport::builder("test")
        .base_url(format!("{}/v1", server.uri()))
        .retry_policy(RetryPolicy {
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
}

#[tokio::test]
async fn one_logical_span_and_a_client_span_per_physical_request() {
    let server = server().await;
    let captured = Captured::default();
    let subscriber = Registry::default().with(captured.clone());
    let _guard = tracing::subscriber::set_default(subscriber);
    let n: u32 = transport(&server)
        .get("users/{id}/metrics", &["private-user-42"])
        .query("email", "ada@example.com")
        .operation("users.all_metrics")
        .await
        .unwrap();
    assert_eq!(n, 1);
    let spans = captured.0.lock().unwrap().clone();
    let logical: Vec<_> = spans
        .iter()
        .filter(|(n, _)| n == "questkit.request")
        .collect();
    let clients: Vec<_> = spans.iter().filter(|(n, _)| n == "HTTP").collect();
    assert_eq!(logical.len(), 1, "{spans:#?}");
    assert_eq!(logical[0].1["otel.name"], "users.all_metrics");
    assert_eq!(clients.len(), 3, "{spans:#?}");
    let port = server.address().port().to_string();
    for (i, (_, f)) in clients.iter().enumerate() {
        assert_eq!(f["otel.kind"], "client");
        assert_eq!(f["otel.name"], "GET users/{id}/metrics");
        assert_eq!(f["http.request.method"], "GET");
        assert_eq!(f["url.template"], "users/{id}/metrics");
        assert_eq!(f["server.address"], "127.0.0.1");
        assert_eq!(f["server.port"], port);
        match i {
            0 => assert!(!f.contains_key("http.request.resend_count"), "{f:?}"),
            _ => assert_eq!(f["http.request.resend_count"], i.to_string()),
        }
    }
    assert_eq!(clients[0].1["http.response.status_code"], "503");
    assert_eq!(clients[0].1["error.type"], "503");
    assert_eq!(clients[1].1["http.response.status_code"], "302");
    assert_eq!(clients[2].1["http.response.status_code"], "200");
    assert!(!clients[2].1.contains_key("error.type"));
    let everything = format!("{spans:?}");
    for private in [
        "private-user-42",
        "ada@example.com",
        "x=private",
        "url.full",
        "/v1/",
    ] {
        assert!(
            !everything.contains(private),
            "`{private}` traced: {everything}"
        );
    }
}

#[tokio::test]
async fn client_spans_export_through_tracing_opentelemetry() {
    let server = server().await;
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let tracer = provider.tracer("questkit-test");
    let subscriber = Registry::default().with(tracing_opentelemetry::layer().with_tracer(tracer));
    let _guard = tracing::subscriber::set_default(subscriber);
    let _: u32 = transport(&server)
        .get("users/{id}/metrics", &["private-user-42"])
        .operation("users.all_metrics")
        .await
        .unwrap();
    provider.force_flush().unwrap();
    let spans = exporter.get_finished_spans().unwrap();
    let clients: Vec<_> = spans
        .iter()
        .filter(|s| s.span_kind == SpanKind::Client)
        .collect();
    assert_eq!(clients.len(), 3, "{spans:#?}");
    let logical = spans
        .iter()
        .find(|s| s.name == "users.all_metrics")
        .expect("the logical span, named after the operation");
    for client in &clients {
        assert_eq!(client.name, "GET users/{id}/metrics");
        assert_eq!(client.parent_span_id, logical.span_context.span_id());
        let attr = |key: &str| {
            client
                .attributes
                .iter()
                .find(|kv| kv.key.as_str() == key)
                .map(|kv| kv.value.to_string())
        };
        assert_eq!(attr("http.request.method").as_deref(), Some("GET"));
        assert_eq!(attr("url.template").as_deref(), Some("users/{id}/metrics"));
        assert_eq!(attr("server.address").as_deref(), Some("127.0.0.1"));
        assert!(attr("url.full").is_none());
    }
    let exported = format!("{spans:?}");
    assert!(!exported.contains("private-user-42"), "{exported}");
}
