//! The runner shared by the contract tests.
//!
//! A contract is a table of [`Row`]s, one per client operation: the call, the requests the
//! mock must receive for it ([`Expect`]: method, path under the API's prefix, query, headers,
//! JSON body) and the checks on the typed value it returns. [`run`] plays the rows one after
//! the other against a [`MockSuite`] (all four mocks on one server, as the `questkit-mock`
//! binary serves them), compares every request the server received during each row with the
//! row's expectations, and fails with the list of every row that broke the contract.

// Each contract file uses its own part of the helpers (only Trophy has PUT and PATCH).
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::future::IntoFuture;
use std::panic::AssertUnwindSafe;

use futures::FutureExt;
use futures::future::LocalBoxFuture;
use questkit_mock::wiremock::Request;
use questkit_mock::{MockApi, MockSuite, PathTemplate};
use serde_json::Value;

/// One API of the suite: its path prefix on the shared server and the headers every request
/// to it must carry (credentials, `Accept`).
#[derive(Clone, Debug)]
pub struct Api {
    prefix: String,
    headers: Vec<(&'static str, String)>,
}

impl Api {
    /// The API served by `mock`, with no required header yet.
    pub fn new(mock: &MockApi) -> Self {
        Api {
            prefix: mock.prefix().to_owned(),
            headers: Vec::new(),
        }
    }

    /// Every request to this API must carry `name: value`.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// A `GET` of `path` (relative to the API's base path), operation `template`.
    pub fn get(&self, template: &'static str, path: &'static str) -> Expect {
        self.expect("GET", template, path, None)
    }

    /// A `POST` of `path` with this JSON body.
    pub fn post(&self, template: &'static str, path: &'static str, body: Value) -> Expect {
        self.expect("POST", template, path, Some(body))
    }

    /// A `PUT` of `path` with this JSON body.
    pub fn put(&self, template: &'static str, path: &'static str, body: Value) -> Expect {
        self.expect("PUT", template, path, Some(body))
    }

    /// A `PATCH` of `path` with this JSON body.
    pub fn patch(&self, template: &'static str, path: &'static str, body: Value) -> Expect {
        self.expect("PATCH", template, path, Some(body))
    }

    /// A `DELETE` of `path`, without a body.
    pub fn delete(&self, template: &'static str, path: &'static str) -> Expect {
        self.expect("DELETE", template, path, None)
    }

    fn expect(
        &self,
        method: &'static str,
        template: &'static str,
        path: &'static str,
        body: Option<Value>,
    ) -> Expect {
        Expect {
            prefix: self.prefix.clone(),
            method,
            template,
            path,
            query: Vec::new(),
            headers: self.headers.clone(),
            absent: Vec::new(),
            body,
        }
    }
}

/// One request as the mock must receive it.
#[derive(Clone, Debug)]
pub struct Expect {
    prefix: String,
    method: &'static str,
    /// The operation's path template (relative to the API's base path, `{..}` = one segment).
    template: &'static str,
    /// The encoded path relative to the API's base path.
    path: &'static str,
    query: Vec<(String, String)>,
    headers: Vec<(&'static str, String)>,
    absent: Vec<&'static str>,
    /// `None`: no body at all.
    body: Option<Value>,
}

impl Expect {
    /// The query must hold this pair (the query is compared as a whole, in any order).
    pub fn query(mut self, key: &str, value: impl Into<String>) -> Self {
        self.query.push((key.to_owned(), value.into()));
        self
    }

    /// The request must carry `name: value` (besides the API's own headers).
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// The request must not carry header `name`.
    pub fn without(mut self, name: &'static str) -> Self {
        self.absent.push(name);
        self
    }

    /// Every way `req` differs from this expectation.
    fn problems(&self, req: &Request) -> Vec<String> {
        let mut out = Vec::new();
        if !PathTemplate::new(self.template).matches_path(self.path) {
            out.push(format!(
                "the table is wrong: {} is not a path of {}",
                self.path, self.template
            ));
        }
        if req.method.as_str() != self.method {
            out.push(format!("method {} instead of {}", req.method, self.method));
        }
        let path = format!("{}{}", self.prefix, self.path);
        if req.url.path() != path {
            out.push(format!("path {} instead of {path}", req.url.path()));
        }
        let mut query: Vec<(String, String)> = req
            .url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        query.sort();
        let mut expected = self.query.clone();
        expected.sort();
        if query != expected {
            out.push(format!("query {query:?} instead of {expected:?}"));
        }
        let agent = header(req, "user-agent").unwrap_or_default();
        if !agent.starts_with("questkit/") {
            out.push(format!("user-agent {agent:?} is not questkit/<version>"));
        }
        for (name, value) in &self.headers {
            match header(req, name) {
                Some(sent) if sent == *value => {}
                // Only demo credentials of the mocks here: values can be shown.
                Some(sent) => out.push(format!("header {name}: {sent:?} instead of {value:?}")),
                None => out.push(format!("header {name} is missing")),
            }
        }
        for name in &self.absent {
            if req.headers.contains_key(*name) {
                out.push(format!("header {name} must not be sent"));
            }
        }
        match &self.body {
            None if !req.body.is_empty() => out.push(format!(
                "unexpected body {}",
                String::from_utf8_lossy(&req.body)
            )),
            None => {}
            Some(expected) => {
                let content_type = header(req, "content-type").unwrap_or_default();
                if !content_type.starts_with("application/json") {
                    out.push(format!("content-type {content_type:?} is not JSON"));
                }
                match serde_json::from_slice::<Value>(&req.body) {
                    Ok(body) if body == *expected => {}
                    Ok(body) => out.push(format!("body {body} instead of {expected}")),
                    Err(err) => out.push(format!("the body is not JSON: {err}")),
                }
            }
        }
        out
    }
}

fn header(req: &Request, name: &str) -> Option<String> {
    req.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// One operation of the contract: its name, the call (with its checks on the decoded value)
/// and the requests it must send, in order.
pub struct Row<'a> {
    name: &'static str,
    call: LocalBoxFuture<'a, Result<(), String>>,
    expect: Vec<Expect>,
}

/// A row: `call` is awaited, must succeed, and its value is handed to `check`.
pub fn row<'a, C, T>(
    name: &'static str,
    call: C,
    expect: impl IntoIterator<Item = Expect>,
    check: impl FnOnce(T) + 'a,
) -> Row<'a>
where
    C: IntoFuture<Output = questkit::Result<T>> + 'a,
    C::IntoFuture: 'a,
    T: 'a,
{
    let call = async move {
        let value = call
            .await
            .map_err(|err| format!("the call failed: {err}"))?;
        check(value);
        Ok(())
    };
    Row {
        name,
        call: call.boxed_local(),
        expect: expect.into_iter().collect(),
    }
}

/// What a contract covered: the row names and the (method, template) operations requested.
#[derive(Debug, Default)]
pub struct Coverage {
    pub names: Vec<&'static str>,
    pub operations: BTreeSet<(String, String)>,
    /// Each row's name with the (method, template) of the requests it expected.
    pub rows: Vec<(&'static str, Vec<(String, String)>)>,
}

impl Coverage {
    /// Fails unless the rows requested exactly `operations` (method, path template) and are
    /// `operations.len()` distinct operations.
    pub fn assert_exactly(&self, operations: &[(&str, &str)]) {
        let expected: BTreeSet<(String, String)> = operations
            .iter()
            .map(|(m, t)| ((*m).to_owned(), (*t).to_owned()))
            .collect();
        let missing: Vec<_> = expected.difference(&self.operations).collect();
        let extra: Vec<_> = self.operations.difference(&expected).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "operations not covered: {missing:?}; not in the API's list: {extra:?}"
        );
        let names: BTreeSet<&str> = self.names.iter().copied().collect();
        assert_eq!(
            names.len(),
            self.names.len(),
            "duplicate rows: {:?}",
            self.names
        );
        assert_eq!(
            self.names.len(),
            expected.len(),
            "one row per operation: {:?}",
            self.names
        );
    }
}

/// Plays the rows in order against `suite` and checks every request the shared server
/// received during each row (whatever the API) against that row's expectations. Panics with
/// every broken row at once.
pub async fn run(suite: &MockSuite, rows: Vec<Row<'_>>) -> Coverage {
    let mut coverage = Coverage::default();
    let mut failures = Vec::new();
    let mut seen = received(suite).await.len();
    for Row { name, call, expect } in rows {
        coverage.names.push(name);
        coverage.rows.push((
            name,
            expect
                .iter()
                .map(|e| (e.method.to_owned(), e.template.to_owned()))
                .collect(),
        ));
        for e in &expect {
            coverage
                .operations
                .insert((e.method.to_owned(), e.template.to_owned()));
        }
        match AssertUnwindSafe(call).catch_unwind().await {
            Ok(Ok(())) => {}
            Ok(Err(message)) => failures.push(format!("{name}: {message}")),
            Err(panic) => failures.push(format!("{name}: {}", panic_message(&*panic))),
        }
        let all = received(suite).await;
        let new = &all[seen.min(all.len())..];
        seen = all.len();
        if new.len() != expect.len() {
            let sent: Vec<String> = new
                .iter()
                .map(|r| format!("{} {}", r.method, r.url))
                .collect();
            failures.push(format!(
                "{name}: {} request(s) instead of {}: {sent:?}",
                new.len(),
                expect.len()
            ));
        }
        for (i, (req, e)) in new.iter().zip(&expect).enumerate() {
            for problem in e.problems(req) {
                failures.push(format!("{name}: request {} ({}): {problem}", i + 1, e.path));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} contract failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
    coverage
}

/// How many requests each API of the suite recorded, as its own `received_requests()` sees
/// them: `[trophy, nudj, nudj admin, goals, giftoin]`. On the shared server each API must see
/// its own requests only.
pub async fn recorded(suite: &MockSuite) -> [usize; 5] {
    [
        suite.trophy.received_requests().await.len(),
        suite.nudj.received_requests().await.len(),
        suite.nudj.admin().received_requests().await.len(),
        suite.goals.received_requests().await.len(),
        suite.giftoin.received_requests().await.len(),
    ]
}

/// Every request the suite's server received, oldest first.
async fn received(suite: &MockSuite) -> Vec<Request> {
    suite
        .trophy
        .server()
        .received_requests()
        .await
        .expect("request recording is on")
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "the check panicked".to_owned())
}

/// One row of `crates/trophy/OPERATIONS.md`, the table of every Trophy operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableRow {
    /// `api` or `admin`.
    pub base: String,
    pub method: String,
    /// The path template relative to the base URL (`/users/{id}`).
    pub path: String,
    /// The name in Trophy's Python SDK (`admin/points/boosts.list`).
    pub sdk_name: String,
    /// The questkit operation name (`admin.points.boosts.list`).
    pub operation: String,
}

/// Every row of `crates/trophy/OPERATIONS.md`.
pub fn trophy_operation_table() -> Vec<TableRow> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/crates/trophy/OPERATIONS.md");
    let text = std::fs::read_to_string(path).expect("crates/trophy/OPERATIONS.md is readable");
    text.lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line
                .trim()
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().trim_matches('`'))
                .collect();
            if cells.len() < 6 || cells[0].parse::<u32>().is_err() {
                return None;
            }
            Some(TableRow {
                base: cells[1].to_owned(),
                method: cells[2].to_owned(),
                path: cells[3].to_owned(),
                sdk_name: cells[4].to_owned(),
                operation: cells[5].to_owned(),
            })
        })
        .collect()
}
