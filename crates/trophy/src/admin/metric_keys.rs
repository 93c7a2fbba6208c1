//! The metric keys that exist in Trophy, as far as the event batcher knows: an event for a key
//! Trophy does not know makes Trophy refuse its whole batch (404), which the batcher then has
//! to split to find it. Checked before queueing, the producer gets it back at once.
//!
//! Two sources: Trophy's metric list, when the batcher checks keys
//! ([`MetricsAdmin::checked_batcher`](super::metrics::MetricsAdmin)); and the events Trophy
//! refused for their metric, which every batcher remembers for a while, so that one wrong key
//! in a deploy costs one split, not one per batch.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
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

/// How long a key Trophy refused is refused locally when no metric list is checked.
pub(crate) const REFUSED_KEYS_KEPT_FOR: Duration = Duration::from_secs(60);

/// Trophy's metric keys. With a list (`refresh_every`), it is refreshed that often and whenever
/// an event names a key the last list did not have (once per such key: a metric created since
/// the last refresh goes through; a key still missing after the refresh is refused until the
/// next periodic one). Without one, only the keys Trophy refused are known, for
/// [`REFUSED_KEYS_KEPT_FOR`].
pub(crate) struct MetricKeys {
    transport: Transport,
    refresh_every: Option<Duration>,
    keys: RwLock<Keys>,
    /// Whether any key is known to be missing: the check of every queued event is then a
    /// single atomic load in the common case.
    any_missing: AtomicBool,
    refreshing: futures::lock::Mutex<()>,
}

impl std::fmt::Debug for MetricKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetricKeys")
            .field("refresh_every", &self.refresh_every)
            .field("any_missing", &self.any_missing.load(Ordering::Relaxed))
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
    /// Keys checked against Trophy's list, refreshed every `refresh_every`; `None`: only the
    /// keys Trophy refuses are remembered.
    pub(crate) fn new(transport: Transport, refresh_every: Option<Duration>) -> MetricKeys {
        MetricKeys {
            transport,
            refresh_every,
            keys: RwLock::default(),
            any_missing: AtomicBool::new(false),
            refreshing: futures::lock::Mutex::new(()),
        }
    }

    /// How long a missing key stays refused.
    fn missing_for(&self) -> Duration {
        self.refresh_every.unwrap_or(REFUSED_KEYS_KEPT_FOR)
    }

    pub(crate) fn verdict(&self, key: &str) -> Verdict {
        if self.refresh_every.is_none() && !self.any_missing.load(Ordering::Acquire) {
            return Verdict::Known;
        }
        let keys = self.keys.read().unwrap_or_else(PoisonError::into_inner);
        if keys
            .missing
            .get(key)
            .is_some_and(|at| at.elapsed() < self.missing_for())
        {
            return Verdict::Missing;
        }
        let Some(refresh_every) = self.refresh_every else {
            return Verdict::Known;
        };
        let fresh = keys.fetched.is_some_and(|at| at.elapsed() < refresh_every);
        if keys.known.contains(key) && fresh {
            Verdict::Known
        } else {
            Verdict::Unsure
        }
    }

    /// Whether `key` is known to be missing now (cheap: called for every event of every
    /// batch).
    pub(crate) fn is_missing(&self, key: &str) -> bool {
        self.any_missing.load(Ordering::Acquire) && matches!(self.verdict(key), Verdict::Missing)
    }

    /// Remembers a key Trophy refused ("Metric not found").
    pub(crate) fn refused(&self, key: &str) {
        let mut keys = self.keys.write().unwrap_or_else(PoisonError::into_inner);
        keys.known.remove(key);
        keys.missing.insert(key.to_owned(), Instant::now());
        self.any_missing.store(true, Ordering::Release);
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
        self.any_missing.store(true, Ordering::Release);
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
