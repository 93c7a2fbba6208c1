//! One mock API: a prefix on a wiremock server, its credential check and its fixtures.

use std::fmt;
use std::sync::Arc;

use wiremock::matchers::method;
use wiremock::{Mock, MockBuilder, MockServer, Request, ResponseTemplate};

use crate::fault::Fault;
use crate::matchers::{PathTemplate, Unauthorized, UnderPrefix};

/// A credential check: `true` when the request carries acceptable credentials.
pub type AuthCheck = Arc<dyn Fn(&Request) -> bool + Send + Sync>;

/// Priorities (1 is checked first): faults, then the credential check, then fixtures, then the
/// API's "not found" for anything else under its prefix.
const FAULT_PRIORITY: u8 = 1;
const AUTH_PRIORITY: u8 = 2;
const FIXTURE_PRIORITY: u8 = 5;
const NOT_FOUND_PRIORITY: u8 = 200;

/// What makes a mock API look like its vendor: base path, credential check, error bodies.
#[derive(Clone)]
pub struct ApiSpec {
    name: &'static str,
    base_path: String,
    auth: Option<AuthCheck>,
    unauthorized: (u16, String),
    not_found: (u16, String),
}

impl fmt::Debug for ApiSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiSpec")
            .field("name", &self.name)
            .field("base_path", &self.base_path)
            .field("checks_auth", &self.auth.is_some())
            .finish_non_exhaustive()
    }
}

impl ApiSpec {
    /// An API served under `base_path` (`/v1`, `/api/v2/integration`), with no credential
    /// check yet.
    pub fn new(name: &'static str, base_path: &str) -> Self {
        ApiSpec {
            name,
            base_path: normalize_prefix(base_path),
            auth: None,
            unauthorized: (401, r#"{"error":"Unauthorized"}"#.to_owned()),
            not_found: (404, r#"{"error":"Not Found"}"#.to_owned()),
        }
    }

    /// Requires header `name` to equal `key`.
    pub fn api_key_header(self, name: &'static str, key: &str) -> Self {
        let key = key.to_owned();
        self.auth_check(move |request: &Request| {
            request
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v == key)
        })
    }

    /// Requires `check` to accept the request's credentials.
    pub fn auth_check(mut self, check: impl Fn(&Request) -> bool + Send + Sync + 'static) -> Self {
        self.auth = Some(Arc::new(check));
        self
    }

    /// The answer to a request with missing or wrong credentials.
    pub fn unauthorized(mut self, status: u16, body: &str) -> Self {
        self.unauthorized = (status, body.to_owned());
        self
    }

    /// The answer to a request for a path the mock does not serve.
    pub fn not_found(mut self, status: u16, body: &str) -> Self {
        self.not_found = (status, body.to_owned());
        self
    }

    /// The API's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The base path.
    pub fn base_path(&self) -> &str {
        &self.base_path
    }
}

/// A running mock API on `127.0.0.1`. Dropping the last handle to its server stops it.
#[derive(Clone)]
pub struct MockApi {
    server: Arc<MockServer>,
    prefix: String,
    spec: ApiSpec,
}

impl fmt::Debug for MockApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockApi")
            .field("api", &self.spec.name)
            .field("uri", &self.uri())
            .finish()
    }
}

impl MockApi {
    /// Starts a server of its own on a free port of `127.0.0.1` and serves the API there.
    pub async fn start(spec: ApiSpec) -> MockApi {
        let server = Arc::new(MockServer::start().await);
        MockApi::on_server(server, "", spec).await
    }

    /// Serves the API on an existing server under `mount_prefix` (`/trophy`), so that several
    /// APIs share one port.
    pub async fn on_server(server: Arc<MockServer>, mount_prefix: &str, spec: ApiSpec) -> MockApi {
        let prefix = format!("{}{}", normalize_prefix(mount_prefix), spec.base_path);
        let api = MockApi {
            server,
            prefix,
            spec,
        };
        if let Some(check) = &api.spec.auth {
            let (status, body) = &api.spec.unauthorized;
            Mock::given(UnderPrefix(api.prefix.clone()))
                .and(Unauthorized(check.clone()))
                .respond_with(json(*status, body))
                .with_priority(AUTH_PRIORITY)
                .named(format!("{} credentials", api.spec.name))
                .mount(&api.server)
                .await;
        }
        let (status, body) = &api.spec.not_found;
        Mock::given(UnderPrefix(api.prefix.clone()))
            .respond_with(json(*status, body))
            .with_priority(NOT_FOUND_PRIORITY)
            .named(format!("{} not found", api.spec.name))
            .mount(&api.server)
            .await;
        api
    }

    /// The base URL to give a client (`http://127.0.0.1:PORT/v1`).
    pub fn uri(&self) -> String {
        format!("{}{}", self.server.uri(), self.prefix)
    }

    /// The path prefix of this API on its server.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The underlying wiremock server.
    pub fn server(&self) -> &MockServer {
        &self.server
    }

    /// The shared server, to mount more APIs on it.
    pub fn shared_server(&self) -> Arc<MockServer> {
        self.server.clone()
    }

    /// The API's description.
    pub fn spec(&self) -> &ApiSpec {
        &self.spec
    }

    /// A wiremock builder matching `method` and `template` (relative to the API's base path,
    /// `{...}` = one segment); add matchers and a response, then [`MockApi::mount`] it.
    pub fn route(&self, http_method: &str, template: &str) -> MockBuilder {
        Mock::given(method(http_method)).and(self.path(template))
    }

    /// The path matcher of `template` under this API's prefix.
    pub fn path(&self, template: &str) -> PathTemplate {
        PathTemplate::new(&format!(
            "{}/{}",
            self.prefix,
            template.trim_start_matches('/')
        ))
    }

    /// Mounts a mock at fixture priority (after the fault and credential checks).
    pub async fn mount(&self, mock: Mock) {
        mock.with_priority(FIXTURE_PRIORITY)
            .mount(&self.server)
            .await;
    }

    /// Serves `body` (JSON) with `status` for `method` + `template`.
    pub async fn mount_json(&self, http_method: &str, template: &str, status: u16, body: &str) {
        self.mount(
            self.route(http_method, template)
                .respond_with(json(status, body)),
        )
        .await;
    }

    /// Answers the next `n` requests to this API with `fault` instead of their fixtures.
    pub async fn fail_next(&self, n: u64, fault: Fault) {
        Mock::given(UnderPrefix(self.prefix.clone()))
            .respond_with(fault.response())
            .up_to_n_times(n)
            .with_priority(FAULT_PRIORITY)
            .named(format!("{} fault", self.spec.name))
            .mount(&self.server)
            .await;
    }

    /// Answers the next `n` requests to `method` + `template` with `fault`.
    pub async fn fail_next_on(&self, http_method: &str, template: &str, n: u64, fault: Fault) {
        self.route(http_method, template)
            .respond_with(fault.response())
            .up_to_n_times(n)
            .with_priority(FAULT_PRIORITY)
            .named(format!("{} fault on {template}", self.spec.name))
            .mount(&self.server)
            .await;
    }

    /// Every request this API received, oldest first.
    pub async fn received_requests(&self) -> Vec<Request> {
        let matcher = UnderPrefix(self.prefix.clone());
        self.server
            .received_requests()
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|r| wiremock::Match::matches(&matcher, r))
            .collect()
    }

    /// The last request this API received.
    pub async fn last_request(&self) -> Option<Request> {
        self.received_requests().await.pop()
    }
}

/// A JSON response.
pub fn json(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.as_bytes().to_vec(), "application/json")
}

fn normalize_prefix(prefix: &str) -> String {
    let trimmed = prefix.trim_matches('/');
    if trimmed.is_empty() {
        String::new()
    } else {
        format!("/{trimmed}")
    }
}
