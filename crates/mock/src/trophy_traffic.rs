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
//! - **Counters** ([`TrophyMock::traffic`]): requests allowed and refused per tier, faults
//!   injected, and for metric events (single and batched) the events received, the distinct
//!   idempotency keys, the replays (a key seen again: Trophy ignores them) and the events
//!   without a key.

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
}

#[derive(Default)]
struct State {
    limits: Option<(u32, u32)>,
    windows: HashMap<(String, Tier), VecDeque<Instant>>,
    faults: WriteFaults,
    writes: u64,
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

    /// Mounts the rule checks (before every fixture and fault) on `api`'s routes.
    pub(crate) async fn mount(&self, api: &crate::MockApi, admin: bool) {
        Mock::given(OverLimit {
            traffic: self.clone(),
            prefix: api.prefix().to_owned(),
            admin,
        })
        .respond_with(
            ResponseTemplate::new(429)
                .set_body_raw(r#"{"error":"Too many requests"}"#, "application/json"),
        )
        .with_priority(1)
        .named("trophy rate limit")
        .mount(api.server())
        .await;
        Mock::given(FailedWrite {
            traffic: self.clone(),
            prefix: api.prefix().to_owned(),
        })
        .respond_with(
            ResponseTemplate::new(503)
                .set_body_raw(r#"{"error":"Service unavailable"}"#, "application/json"),
        )
        .with_priority(1)
        .named("trophy injected write failure")
        .mount(api.server())
        .await;
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

    /// The counters of the traffic so far.
    pub fn traffic(&self) -> TrafficStats {
        self.traffic.state().stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
