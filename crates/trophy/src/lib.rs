//! A typed async client for the [Trophy](https://trophy.so) application API: metrics and
//! metric events, achievements, streaks, points, leaderboards, "wrapped" year reviews, user
//! preferences, and signed webhooks. All 27 operations of Trophy's OpenAPI spec are covered.
//!
//! ```no_run
//! use questkit_core::HasProgress;
//! use questkit_trophy::{Trophy, UpsertedUser};
//!
//! # async fn run() -> questkit_core::Result<()> {
//! let trophy = Trophy::new(std::env::var("TROPHY_API_KEY").unwrap_or_default())?;
//!
//! let metric = trophy.users().single_metric("user-1", "words-written").await?;
//! println!("{}: {} ({}% to the next achievement)", metric.name, metric.current, metric.progress().percent());
//!
//! let open = trophy.users().achievements("user-1").include_incomplete(true).await?;
//! let outcome = trophy
//!     .metrics()
//!     .event("words-written", UpsertedUser::new("user-1"), 750.0)
//!     .await?; // an Idempotency-Key is generated once and reused by retries
//! println!("{} achievements, total now {}, replay: {}", open.len(), outcome.total, outcome.replayed);
//! # Ok(())
//! # }
//! ```
//!
//! Calls are grouped as in Trophy's SDKs: [`Trophy::users`], [`Trophy::metrics`],
//! [`Trophy::achievements`], [`Trophy::streaks`], [`Trophy::points`], [`Trophy::leaderboards`].
//! Each returns a call value with setters for the optional query parameters; `.await` it, or
//! use `.send_raw()` for the raw response. Errors are [`questkit_core::Error`], with Trophy's
//! `{"error": "..."}` message in the `Api` variant.
//!
//! Models follow the API's resources. Every model is `Serialize + Deserialize + PartialEq`,
//! tolerant of fields Trophy adds or drops, and every enum is open (unknown values are kept in
//! an `Unknown(String)` variant instead of failing). Progress-bearing models implement
//! [`questkit_core::HasProgress`]:
//!
//! ```
//! use questkit_core::HasProgress;
//! use questkit_trophy::metrics::Metric;
//!
//! let metric: Metric = serde_json::from_str(r#"{
//!     "id": "m1", "key": "words-written", "name": "Words written", "current": 1500,
//!     "achievements": [
//!         {"id": "a1", "trigger": "metric", "name": "Novice", "metricValue": 500,
//!          "achievedAt": "2021-01-01T00:00:00Z"},
//!         {"id": "a2", "trigger": "metric", "name": "Expert", "metricValue": 2000, "achievedAt": null}
//!     ]
//! }"#)?;
//! assert_eq!(metric.next_achievement().map(|a| a.name.as_str()), Some("Expert"));
//! assert_eq!(metric.progress().percent(), 75);
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! Serializing a model writes back what Trophy sent, with documented exceptions: fields Trophy
//! types as date-times (`created`, `achievedAt`...) are `chrono::DateTime<Utc>` and are written
//! in RFC 3339 UTC (`2025-01-13T00:00:00.000Z` comes back as `2025-01-13T00:00:00Z`); dates
//! typed only as strings are [`questkit_core::DateText`] and come back byte-identical; `null`
//! lists come back as `[]`; a numeric string in [`Metric::current`](metrics::Metric) comes back
//! as a number. `.send_raw()` keeps the exact bytes.
//!
//! Webhooks: a [`webhooks::WebhookVerifier`] checks `X-Trophy-Signature` against one or more
//! secrets (over an `http::HeaderMap` or the header's text) and parses the event;
//! [`webhooks::DedupKey`] recognises repeated deliveries. `questkit-axum` wraps both in an
//! axum extractor.
//!
//! The admin API (configuration, tenants, application keys, bulk events) is on the same
//! client: [`Trophy::admin`]; see [`admin`]. To point a client at a mock or a proxy, give it
//! both base URLs ([`TrophyBuilder::server_url`] for one server serving both, as
//! questkit-mock does, or `base_url` and `admin_base_url`): with only `base_url` moved, admin
//! calls fail with a `Config` error instead of reaching Trophy's production admin API.
//!
//! Rate limits: [`rate_limits`] names Trophy's tiers and re-exports the limiter types
//! (`LocalRateLimiter`, and `RedisRateLimiter` for a fleet with the `redis` feature).
#![deny(missing_docs)]
// On docs.rs, items behind a cargo feature say which one.
#![cfg_attr(docsrs, feature(doc_cfg))]
// Data from the network never panics the client: no unwrap, expect or panic outside tests.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod achievements;
pub mod admin;
pub mod client;
pub mod common;
pub mod error_body;
#[doc(hidden)]
pub mod fuzzing;
pub mod leaderboards;
pub mod metrics;
pub mod points;
pub mod preferences;
pub mod rate_limits;
pub mod streaks;
pub mod users;
pub mod webhooks;
pub mod wrapped;

pub use achievements::{
    Achievement, AchievementCompletion, AchievementTrigger, AchievementWithStats,
    CompleteAchievementBody, Requirement, UserAchievement, UserAchievementWithStats,
};
pub use client::{DEFAULT_ADMIN_BASE_URL, DEFAULT_BASE_URL, Trophy, TrophyBuilder};
pub use common::Attribute;
pub use error_body::ErrorBody;
pub use leaderboards::{
    EventLeaderboard, Leaderboard, LeaderboardHistoryEntry, LeaderboardRanking, LeaderboardStatus,
    LeaderboardWithRankings, RankBy, RankChangedLeaderboard, RunUnit, UserLeaderboard,
    UserLeaderboardWithHistory,
};
pub use metrics::{
    Aggregation, EventOutcome, EventResponse, EventSummaryEntry, Metric, MetricAchievement,
    MetricEventBody, MetricStatus,
};
pub use points::{
    BoostRounding, BoostStatus, EventPoints, LevelSummaryEntry, PointsAward, PointsBoost,
    PointsLevel, PointsRange, PointsSystem, PointsSystemInfo, PointsTimeUnit, PointsTotal,
    PointsTrigger, PointsTriggerStatus, PointsTriggerType, UserPoints, WebhookPointsBoost,
};
pub use preferences::{
    NotificationChannel, NotificationPreferences, StreakEvaluationMode, StreakMetricPreference,
    StreakPreferences, UpdateUserPreferences, UserPreferences,
};
pub use streaks::{
    BulkStreakEntry, EventStreak, Streak, StreakAchievement, StreakFrequency, StreakPause,
    StreakPeriod, UserStreak,
};
pub use users::{UpdatedUser, UpsertedUser, User};
pub use webhooks::{
    DedupKey, WebhookError, WebhookEvent, WebhookEventType, WebhookVerifier, parse_webhook,
    sign_webhook, verify_webhook,
};
pub use wrapped::{
    Wrapped, WrappedActivity, WrappedDay, WrappedMetric, WrappedMetricBreakdown, WrappedMonth,
    WrappedPeriod, WrappedPoints, WrappedStreak, WrappedWeek, WrappedYear,
};
