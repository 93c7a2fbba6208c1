//! The metric keys that exist in Trophy, cached for the event batcher's local check: an event
//! for a key Trophy does not know makes Trophy refuse its whole batch (404), which the batcher
//! then has to split to find it. Checked before queueing, the producer gets it back at once.

use std::collections::{HashMap, HashSet};
use std::sync::{PoisonError, RwLock};
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use questkit_core::{Error, Result, Transport};

use super::common::ListCall;
use super::metrics::AdminMetric;

/// The cache: keys seen in the last list, keys found missing (and when), when it was fetched.
#[derive(Default)]
struct Keys {
    known: HashSet<String>,
    missing: HashMap<String, Instant>,
    fetched: Option<Instant>,
}

/// Trophy's metric keys, refreshed every `refresh_every` and whenever an event names a key the
/// last list did not have (once per such key: a metric created since the last refresh goes
/// through; a key still missing after the refresh is refused until the next periodic one).
pub(crate) struct MetricKeys {
    transport: Transport,
    refresh_every: Duration,
    keys: RwLock<Keys>,
    refreshing: futures::lock::Mutex<()>,
}

impl std::fmt::Debug for MetricKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetricKeys")
            .field("refresh_every", &self.refresh_every)
            .finish_non_exhaustive()
    }
}

/// What the cache says of a key.
pub(crate) enum Verdict {
    /// In the list (which is fresh enough).
    Known,
    /// Missing from a list fetched after it was first seen: refused.
    Missing,
    /// Not in the list, or the list is stale: look again.
    Unsure,
}

impl MetricKeys {
    pub(crate) fn new(transport: Transport, refresh_every: Duration) -> MetricKeys {
        MetricKeys {
            transport,
            refresh_every,
            keys: RwLock::default(),
            refreshing: futures::lock::Mutex::new(()),
        }
    }

    pub(crate) fn verdict(&self, key: &str) -> Verdict {
        let keys = self.keys.read().unwrap_or_else(PoisonError::into_inner);
        let fresh = keys
            .fetched
            .is_some_and(|at| at.elapsed() < self.refresh_every);
        if keys.known.contains(key) && fresh {
            Verdict::Known
        } else if keys
            .missing
            .get(key)
            .is_some_and(|at| at.elapsed() < self.refresh_every)
        {
            Verdict::Missing
        } else {
            Verdict::Unsure
        }
    }

    /// Looks `key` up in a list fetched after this call began (one fetch for all callers
    /// waiting at once). A list that cannot be fetched refuses nothing: Trophy decides.
    pub(crate) async fn check(&self, key: &str) -> Result<()> {
        let asked = Instant::now();
        {
            let _one_at_a_time = self.refreshing.lock().await;
            let fetched = self
                .keys
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .fetched;
            if fetched.is_none_or(|at| at < asked) {
                match self.fetch().await {
                    Ok(known) => {
                        let mut keys = self.keys.write().unwrap_or_else(PoisonError::into_inner);
                        keys.missing.retain(|k, _| !known.contains(k));
                        keys.known = known;
                        keys.fetched = Some(Instant::now());
                    }
                    Err(err) => {
                        tracing::warn!(error = %err, "Trophy's metric list could not be fetched: events are not checked against it");
                        return Ok(());
                    }
                }
            }
        }
        let mut keys = self.keys.write().unwrap_or_else(PoisonError::into_inner);
        if keys.known.contains(key) {
            return Ok(());
        }
        keys.missing.insert(key.to_owned(), Instant::now());
        Err(missing(key))
    }

    async fn fetch(&self) -> Result<HashSet<String>> {
        let list: ListCall<AdminMetric> = self
            .transport
            .get("metrics", &[])
            .operation("admin.metrics.list")
            .into();
        list.limit(100)
            .stream()
            .map_ok(|metric| metric.key)
            .try_collect()
            .await
    }
}

/// The error of an event whose metric Trophy does not have.
pub(crate) fn missing(key: &str) -> Error {
    Error::invalid_input(format!(
        "metric key {key:?} is not in Trophy's metric list (create the metric first)"
    ))
}
