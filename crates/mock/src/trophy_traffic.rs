//! Trophy's traffic rules on the mock, when asked for: rate limits per API key in a strict
//! sliding window, faults on the write endpoints, and counters of the idempotency keys
//! received, so that code can be tested under Trophy's limits and checked for double counts.
//!
//! - **Limits** ([`TrophyMock::enforce_rate_limits`]): Tier 1 (metric events, achievement
//!   completions, every admin call) and Tier 2 (the other application calls), counted per
//!   `X-API-KEY` over the last second; a request beyond answers 429 `{"error": ...}` with no
//!   rate-limit headers (Trophy documents none) and is not counted.
//! - **Faults** ([`TrophyMock::inject_write_faults`]): on `POST /metrics/{key}/event` and
//!   `POST /metrics/events`, every `fail_every`-th request answers 503 without being processed,
//!   and every `slow_every`-th is processed and then answered after `slow_delay` (longer than
//!   a client's timeout, its answer is lost although the server counted it: the case a reset
//!   connection creates, which wiremock cannot produce itself).
//! - **Failures after processing** ([`TrophyMock::fail_after_processing`]): every n-th batch
//!   request (`POST /metrics/events`) is processed (its events are counted) and then answered
//!   500 `{"error": ...}`, as a server that fails while answering does. With the slow answers
//!   above, these are the two ways a client can be left unsure whether a batch counted.
//! - **Refused metric keys** ([`TrophyMock::refuse_metric_key`]): a batch that names the key
//!   is refused as a whole with 404 `{"error":"Metric not found"}`, nothing of it processed,
//!   as Trophy does for one event of a metric it does not know (a metric deleted after a
//!   client read the list, say).
//! - **Outages** ([`TrophyMock::outage`]): for a while, every request to the application and
//!   admin API answers 503 without being processed or counted against a limit.
//! - **Counters** ([`TrophyMock::traffic`]): requests allowed and refused per tier, faults
//!   injected, batches refused, requests refused by an outage, and for metric events (single
//!   and batched) the events received, the distinct idempotency keys, the replays (a key seen
//!   again: Trophy ignores them) and the events without a key.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use wiremock::{Match, Mock, Request, ResponseTemplate};

use crate::trophy::TrophyMock;

/// The window the limits count in.
const WINDOW: Duration = Duration::from_secs(1);

/// A Trophy rate-limit tier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Tier {
    One,
    Two,
}

/// Faults on Trophy's write endpoints; `0` turns a kind off.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteFaults {
    /// Every n-th write answers 503 without being processed.
    pub fail_every: u64,
    /// Every n-th write is processed and answered only after `slow_delay`.
    pub slow_every: u64,
    /// How late a slow answer comes.
    pub slow_delay: Duration,
}

/// What the mock saw of its traffic (see the module docs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TrafficStats {
    /// Tier 1 requests let through.
    pub tier1_allowed: u64,
    /// Tier 1 requests answered 429.
    pub tier1_rejected: u64,
    /// Tier 2 requests let through.
    pub tier2_allowed: u64,
    /// Tier 2 requests answered 429.
    pub tier2_rejected: u64,
    /// Writes answered 503 by [`WriteFaults::fail_every`].
    pub failed_writes: u64,
    /// Writes answered late by [`WriteFaults::slow_every`].
    pub slowed_writes: u64,
    /// Metric events received and processed (single and in batches, replays included).
    pub events: u64,
    /// Distinct idempotency keys among them: the events Trophy counts.
    pub unique_events: u64,
    /// Events whose key had been seen before: replays Trophy ignores (not counted twice).
    pub replays: u64,
    /// Events without an idempotency key (a replay of one would be counted twice).
    pub without_key: u64,
    /// Batch requests processed and then answered 500
    /// ([`TrophyMock::fail_after_processing`]).
    pub failed_after_processing: u64,
    /// Batch requests refused as a whole with 404 for a metric key: one refused with
    /// [`TrophyMock::refuse_metric_key`] or one the admin store does not have.
    pub refused_batches: u64,
    /// Requests answered 503 during an [`TrophyMock::outage`].
    pub outage_rejected: u64,
}

#[derive(Default)]
struct State {
    limits: Option<(u32, u32)>,
    windows: HashMap<(String, Tier), VecDeque<Instant>>,
    faults: WriteFaults,
    writes: u64,
    fail_after_every: u64,
    batch_writes: u64,
    refused_keys: HashSet<String>,
    outage_until: Option<Instant>,
    keys: HashSet<String>,
    stats: TrafficStats,
}

/// The traffic state one Trophy mock (application and admin API) shares.
#[derive(Clone, Default)]
pub(crate) struct Traffic(Arc<Mutex<State>>);

impl std::fmt::Debug for Traffic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Traffic").field(&self.state().stats).finish()
    }
}

impl Traffic {
    fn state(&self) -> MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Mounts the rule checks (before every fixture and fault) on `api`'s routes: the outage
    /// first (a request refused by it takes no place in a rate-limit window), then the limits,
    /// then the write faults.
    pub(crate) async fn mount(&self, api: &crate::MockApi, admin: bool) {
        let prefix = api.prefix().to_owned();
        let outage = InOutage {
            traffic: self.clone(),
            prefix: prefix.clone(),
        };
        rule(api, outage, 503, "Service unavailable", "trophy outage").await;
        let over = OverLimit {
            traffic: self.clone(),
            prefix: prefix.clone(),
            admin,
        };
        rule(api, over, 429, "Too many requests", "trophy rate limit").await;
        let failed = FailedWrite {
            traffic: self.clone(),
            prefix,
        };
        let name = "trophy injected write failure";
        rule(api, failed, 503, "Service unavailable", name).await;
    }

    /// Records the metric events of a processed write (their idempotency keys, `None` for
    /// none) and returns the delay its answer gets.
    pub(crate) fn record_events<'a>(
        &self,
        keys: impl IntoIterator<Item = Option<&'a str>>,
    ) -> Option<Duration> {
        let mut state = self.state();
        for key in keys {
            state.stats.events += 1;
            match key {
                Some(key) => {
                    if !state.keys.insert(key.to_owned()) {
                        state.stats.replays += 1;
                    }
                }
                None => state.stats.without_key += 1,
            }
        }
        state.stats.unique_events = state.keys.len() as u64;
        let slow = state.faults.slow_every;
        if slow > 0 && state.writes % slow == 0 {
            state.stats.slowed_writes += 1;
            return Some(state.faults.slow_delay);
        }
        None
    }

    /// Records the events of a processed batch request like [`Traffic::record_events`], and
    /// says how to answer it: late (the delay) and/or with a 500
    /// ([`TrophyMock::fail_after_processing`]).
    pub(crate) fn record_batch<'a>(
        &self,
        keys: impl IntoIterator<Item = Option<&'a str>>,
    ) -> BatchAnswer {
        let delay = self.record_events(keys);
        let mut state = self.state();
        state.batch_writes += 1;
        let every = state.fail_after_every;
        let fail = every > 0 && state.batch_writes % every == 0;
        if fail {
            state.stats.failed_after_processing += 1;
        }
        BatchAnswer { delay, fail }
    }

    /// The first of `keys` refused with [`TrophyMock::refuse_metric_key`], if any.
    pub(crate) fn refused_metric<'a>(
        &self,
        keys: impl IntoIterator<Item = &'a str>,
    ) -> Option<&'a str> {
        let state = self.state();
        if state.refused_keys.is_empty() {
            return None;
        }
        keys.into_iter()
            .find(|key| state.refused_keys.contains(*key))
    }

    /// Counts a batch refused as a whole for a metric key.
    pub(crate) fn count_refused_batch(&self) {
        self.state().stats.refused_batches += 1;
    }
}

/// How a processed batch request is answered ([`Traffic::record_batch`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BatchAnswer {
    /// Answer only after this long (a slow write).
    pub(crate) delay: Option<Duration>,
    /// Answer 500 although the events were counted.
    pub(crate) fail: bool,
}

/// Answers `status` with Trophy's `{"error": message}` to what `matcher` picks, before every
/// fixture (priority 1).
async fn rule(
    api: &crate::MockApi,
    matcher: impl Match + 'static,
    status: u16,
    message: &str,
    name: &str,
) {
    let body = serde_json::json!({ "error": message }).to_string();
    Mock::given(matcher)
        .respond_with(ResponseTemplate::new(status).set_body_raw(body, "application/json"))
        .with_priority(1)
        .named(name)
        .mount(api.server())
        .await;
}

/// Whether a request is one of the write endpoints faults apply to.
fn is_write(request: &Request, prefix: &str) -> bool {
    let Some(path) = request.url.path().strip_prefix(prefix) else {
        return false;
    };
    request.method.as_str() == "POST"
        && (path == "/metrics/events"
            || (path.starts_with("/metrics/") && path.ends_with("/event")))
}

/// Matches (and so answers 429) a request over its tier's limit; a request within the limit is
/// counted and left to the fixtures.
struct OverLimit {
    traffic: Traffic,
    prefix: String,
    admin: bool,
}

impl Match for OverLimit {
    fn matches(&self, request: &Request) -> bool {
        let Some(path) = request.url.path().strip_prefix(self.prefix.as_str()) else {
            return false;
        };
        let mut state = self.traffic.state();
        let Some((tier1, tier2)) = state.limits else {
            return false;
        };
        let tier = if self.admin
            || (request.method.as_str() == "POST"
                && ((path.starts_with("/metrics/") && path.ends_with("/event"))
                    || (path.starts_with("/achievements/") && path.ends_with("/complete"))))
        {
            Tier::One
        } else {
            Tier::Two
        };
        let limit = match tier {
            Tier::One => tier1,
            Tier::Two => tier2,
        };
        let key = request
            .headers
            .get("x-api-key")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let now = Instant::now();
        let window = state.windows.entry((key, tier)).or_default();
        while window
            .front()
            .is_some_and(|at| now.duration_since(*at) >= WINDOW)
        {
            window.pop_front();
        }
        let over = window.len() >= limit as usize;
        if !over {
            window.push_back(now);
        }
        let counter = match (tier, over) {
            (Tier::One, false) => &mut state.stats.tier1_allowed,
            (Tier::One, true) => &mut state.stats.tier1_rejected,
            (Tier::Two, false) => &mut state.stats.tier2_allowed,
            (Tier::Two, true) => &mut state.stats.tier2_rejected,
        };
        *counter += 1;
        over
    }
}

/// Matches (and so answers 503) every request under `prefix` during an outage; counts them.
struct InOutage {
    traffic: Traffic,
    prefix: String,
}

impl Match for InOutage {
    fn matches(&self, request: &Request) -> bool {
        let mut state = self.traffic.state();
        let Some(until) = state.outage_until else {
            return false;
        };
        if Instant::now() >= until {
            state.outage_until = None;
            return false;
        }
        if !request.url.path().starts_with(self.prefix.as_str()) {
            return false;
        }
        state.stats.outage_rejected += 1;
        true
    }
}

/// Matches (and so answers 503) every `fail_every`-th write; counts every write.
struct FailedWrite {
    traffic: Traffic,
    prefix: String,
}

impl Match for FailedWrite {
    fn matches(&self, request: &Request) -> bool {
        if !is_write(request, &self.prefix) {
            return false;
        }
        let mut state = self.traffic.state();
        state.writes += 1;
        let every = state.faults.fail_every;
        let fail = every > 0 && state.writes % every == 0;
        if fail {
            state.stats.failed_writes += 1;
        }
        fail
    }
}

impl TrophyMock {
    /// Answers 429 past `tier1` requests a second in Tier 1 and `tier2` in Tier 2, per API
    /// key, in a strict sliding window (see [`crate::trophy_traffic`]).
    pub fn enforce_rate_limits(&self, tier1: u32, tier2: u32) {
        let mut state = self.traffic.state();
        state.limits = Some((tier1, tier2));
        state.windows.clear();
    }

    /// Injects faults into the write endpoints (metric events, batch events).
    pub fn inject_write_faults(&self, faults: WriteFaults) {
        self.traffic.state().faults = faults;
    }

    /// Processes every `every`-th batch request (`POST /metrics/events`: its events are
    /// counted, replays and all) and then answers it 500 `{"error": ...}` instead of 202; `0`
    /// turns it off. Counted in [`TrafficStats::failed_after_processing`].
    ///
    /// The batches counted are those processed (not those refused by a limit, a write fault,
    /// a refused metric or an outage). A batch that is also a slow write
    /// ([`WriteFaults::slow_every`]) gets its 500 late. Single metric events
    /// (`POST /metrics/{key}/event`) are not affected.
    pub fn fail_after_processing(&self, every: u64) {
        let mut state = self.traffic.state();
        state.fail_after_every = every;
        state.batch_writes = 0;
    }

    /// Refuses every batch request (`POST /metrics/events`) that has an event of metric `key`:
    /// the whole batch is answered 404 `{"error":"Metric not found"}` and none of its events is
    /// processed, as Trophy refuses a batch with one event of a metric it does not know.
    /// Counted in [`TrafficStats::refused_batches`].
    ///
    /// The key stays in the admin API's metric list if it was there (a metric deleted after a
    /// client read the list); a key the list never had is refused anyway. Single metric
    /// events are not affected. Call it again for more keys.
    pub fn refuse_metric_key(&self, key: impl Into<String>) {
        self.traffic.state().refused_keys.insert(key.into());
    }

    /// Takes the mock down for `duration` from now: every request to the application and the
    /// admin API answers 503 `{"error":"Service unavailable"}` without being processed (no
    /// event counted, no place taken in a rate-limit window), counted in
    /// [`TrafficStats::outage_rejected`]. A later call replaces the end of the outage;
    /// `Duration::ZERO` ends it.
    ///
    /// This is an HTTP-level outage: the server still accepts connections and answers. A
    /// connection-level one (connections refused or reset, as when a host or its load
    /// balancer goes away) cannot be produced with wiremock; a client's connect errors
    /// and resets are not exercised by it.
    pub fn outage(&self, duration: Duration) {
        let mut state = self.traffic.state();
        state.outage_until = (!duration.is_zero()).then(|| Instant::now() + duration);
    }

    /// The counters of the traffic so far.
    pub fn traffic(&self) -> TrafficStats {
        self.traffic.state().stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trophy::{DEMO_ADMIN_API_KEY, DEMO_API_KEY};
    use questkit_core::reqwest::Client;

    /// One request: the application's metric event, or the admin's batch or metric list.
    async fn call(mock: &TrophyMock, what: &str, key: &str) -> u16 {
        let client = Client::new();
        let request = match what {
            "event" => client
                .post(format!("{}/metrics/words-written/event", mock.uri()))
                .header("x-api-key", DEMO_API_KEY)
                .header("idempotency-key", key)
                .header("content-type", "application/json")
                .body(r#"{"user": {"id": "u1"}, "value": 1}"#),
            "batch" => client
                .post(format!("{}/metrics/events", mock.admin_uri()))
                .header("x-api-key", DEMO_ADMIN_API_KEY)
                .header("content-type", "application/json")
                .body(format!(
                    r#"[{{"key": "words-written", "user": {{"id": "u1"}}, "value": 1, "idempotencyKey": "{key}"}}]"#
                )),
            _ => client
                .get(format!("{}/metrics", mock.admin_uri()))
                .header("x-api-key", key),
        };
        request.send().await.unwrap().status().as_u16()
    }

    #[tokio::test]
    async fn an_outage_refuses_every_request_for_its_duration() {
        let mock = TrophyMock::start().await;
        mock.enforce_rate_limits(3, 100);
        // Long enough that a loaded machine cannot outlast it with four requests.
        mock.outage(Duration::from_secs(2));
        let during = [
            call(&mock, "event", "a").await,
            call(&mock, "batch", "b").await,
            call(&mock, "list", DEMO_ADMIN_API_KEY).await,
            // Even bad credentials: the server is away, it checks nothing.
            call(&mock, "list", "wrong-key").await,
        ];
        assert_eq!(during, [503; 4]);
        let stats = mock.traffic();
        assert_eq!(stats.outage_rejected, 4);
        assert_eq!(
            (stats.events, stats.tier1_allowed, stats.tier1_rejected),
            (0, 0, 0)
        );
        // It ends by itself.
        tokio::time::sleep(Duration::from_millis(2100)).await;
        // Back, with the whole budget of each key: the outage took no place in a window.
        let after = [
            call(&mock, "event", "a").await,
            call(&mock, "batch", "b").await,
            call(&mock, "batch", "c").await,
            call(&mock, "list", DEMO_ADMIN_API_KEY).await,
        ];
        assert_eq!(after, [201, 202, 202, 200]);
        let stats = mock.traffic();
        assert_eq!((stats.outage_rejected, stats.unique_events), (4, 3));
        // A zero duration ends an outage at once.
        mock.outage(Duration::from_secs(60));
        assert_eq!(call(&mock, "event", "d").await, 503);
        mock.outage(Duration::ZERO);
        assert_eq!(call(&mock, "event", "d").await, 201);
        assert_eq!(mock.traffic().outage_rejected, 5);
    }

    #[test]
    fn events_count_unique_keys_replays_and_keyless() {
        let traffic = Traffic::default();
        traffic.record_events([Some("a"), Some("b"), None]);
        traffic.record_events([Some("a")]);
        let stats = traffic.state().stats;
        assert_eq!(
            (
                stats.events,
                stats.unique_events,
                stats.replays,
                stats.without_key
            ),
            (4, 2, 1, 1)
        );
    }
}
