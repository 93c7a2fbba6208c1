//! Trophy's admin API (`https://admin.trophy.so/v1`): the configuration surface (metrics,
//! achievements, points systems, leaderboards, attributes, streak and branding settings,
//! tenants, per-user application keys) and bulk metric events.
//!
//! Reach it from the same client as the application API, with [`crate::Trophy::admin`]:
//!
//! ```no_run
//! use questkit_trophy::Trophy;
//! use questkit_trophy::admin::metrics::{BatchEvent, NewMetric};
//!
//! # async fn run() -> questkit_core::Result<()> {
//! let trophy = Trophy::new(std::env::var("TROPHY_ADMIN_API_KEY").unwrap_or_default())?;
//! let answer = trophy.admin().metrics().create([NewMetric::new("Words written", "words-written")]).await?;
//! println!("{} created, {} issues", answer.created.len(), answer.issues.len());
//! let outcome = trophy
//!     .admin()
//!     .metrics()
//!     .batch_events([BatchEvent::new("words-written", "user-1", 750.0)])
//!     .await?;
//! assert!(outcome.is_complete());
//! # Ok(())
//! # }
//! ```
//!
//! # Keys, base URL, tenant
//!
//! An admin key works on both APIs, an application key only on the application API. The
//! client sends its key to both ([`crate::TrophyBuilder::api_key`]); give the admin calls a
//! key of their own with [`crate::TrophyBuilder::admin_api_key`]. The admin base URL is a
//! setting of its own ([`crate::TrophyBuilder::admin_base_url`], default
//! [`crate::DEFAULT_ADMIN_BASE_URL`]); the two APIs share one connection pool.
//!
//! [`crate::TrophyBuilder::tenant_id`] sends `Tenant-ID` on every call, admin calls included,
//! as Trophy's SDKs do: Trophy scopes each admin call to that tenant (its metrics,
//! achievements, points, leaderboards, attributes, streaks, settings) in a multi-tenant
//! organisation and ignores the header in a single-tenant one. Tenants themselves
//! (`admin().tenants()`) and application keys belong to the organisation: Trophy's API
//! definition declares no `Tenant-ID` on them. To act on another tenant for one call, set the
//! header on the call: `.header("Tenant-ID", "customer_42")` replaces the client's.
//!
//! # Bulk writes, checks, lists
//!
//! - Creates, updates and deletes take 1 to 100 items ([`common::MAX_ITEMS`]) and can partly
//!   succeed: the answer ([`Created`], [`Updated`], [`Deleted`]) holds the items written and
//!   an [`AdminIssue`] for each item refused or remarked on. Issues are never an error of the
//!   call.
//! - Before sending, a call checks only what Trophy refuses whatever the plan: an empty list,
//!   more items than a request takes, a field the item's variant requires (an achievement's
//!   trigger, a points trigger's type, a leaderboard's `rankBy`), a delete without IDs.
//!   Such a call fails when it is sent, with [`questkit_core::Error::InvalidInput`], and
//!   sends nothing. Numeric ranges are left to Trophy (plans differ).
//! - Deletes send the IDs as a repeated `ids` query parameter, as Trophy's SDKs do.
//! - Lists (`limit`/`skip`) are [`ListCall`]s: `.await` for one page, `.stream()` for every
//!   item. Trophy pages by position: a list that changes while it is paged can skip or repeat
//!   items.
//! - Every admin call is in Trophy's Tier 1 rate limit. Writes follow the transport's rule
//!   for POST and PATCH: retried only when the request surely did not arrive, or on 429;
//!   [`metrics::MetricsAdmin::batch_events`] is replay-safe (per-event idempotency keys) and
//!   is also retried after a 5xx or a timeout.
//! - Fields Trophy lets you clear are [`questkit_core::Patch`] in update items (left alone,
//!   `null`, or set); other optional fields are plain `Option`s.

use questkit_core::Transport;
use questkit_core::rate_limit::RateLimit;

pub mod achievements;
pub mod application_api_keys;
pub mod attributes;
pub mod batcher;
pub mod common;
pub mod environments;
pub mod leaderboards;
mod metric_keys;
pub mod metrics;
pub mod points;
pub mod settings;
pub mod streaks;
pub mod tenants;

pub use common::{
    AdminCall, AdminIssue, ArchiveStatus, AttributeFilter, Badge, Created, Deleted,
    DeletedResource, IssueSeverity, ListCall, Updated,
};

use achievements::AchievementsAdmin;
use application_api_keys::ApplicationApiKeysAdmin;
use attributes::AttributesAdmin;
use environments::EnvironmentsAdmin;
use leaderboards::LeaderboardsAdmin;
use metrics::MetricsAdmin;
use points::PointsAdmin;
use settings::SettingsAdmin;
use streaks::StreaksAdmin;
use tenants::TenantsAdmin;

/// The admin calls of a [`crate::Trophy`] client (`trophy.admin()`), grouped by resource as
/// in Trophy's SDKs.
#[derive(Clone, Copy, Debug)]
pub struct Admin<'a> {
    transport: &'a Transport,
    tier1: Option<RateLimit>,
}

impl<'a> Admin<'a> {
    pub(crate) fn new(transport: &'a Transport, tier1: Option<RateLimit>) -> Self {
        Admin { transport, tier1 }
    }

    /// The admin transport (base URL and key of the admin API), for calls not modelled yet.
    pub fn transport(&self) -> &'a Transport {
        self.transport
    }

    /// Attributes: list, create, get, update, delete.
    pub fn attributes(&self) -> AttributesAdmin<'a> {
        AttributesAdmin::new(self.transport)
    }

    /// Achievements: list, create, get, update, delete.
    pub fn achievements(&self) -> AchievementsAdmin<'a> {
        AchievementsAdmin::new(self.transport)
    }

    /// Metrics: list, create, get, update, delete, and `batch_events`.
    pub fn metrics(&self) -> MetricsAdmin<'a> {
        MetricsAdmin::new(self.transport, self.tier1)
    }

    /// Leaderboards: list, create, get, update, delete.
    pub fn leaderboards(&self) -> LeaderboardsAdmin<'a> {
        LeaderboardsAdmin::new(self.transport)
    }

    /// Points: `systems()`, and per system `boosts(id)`, `levels(id)`, `triggers(id)`.
    pub fn points(&self) -> PointsAdmin<'a> {
        PointsAdmin::new(self.transport)
    }

    /// Streaks: `restore`, `reset`, `freezes()`, `pauses()`, `settings()`.
    pub fn streaks(&self) -> StreaksAdmin<'a> {
        StreaksAdmin::new(self.transport)
    }

    /// Branding, experimentation and aggregation settings: get, update.
    pub fn settings(&self) -> SettingsAdmin<'a> {
        SettingsAdmin::new(self.transport)
    }

    /// Per-user application API keys: create, delete.
    pub fn application_api_keys(&self) -> ApplicationApiKeysAdmin<'a> {
        ApplicationApiKeysAdmin::new(self.transport)
    }

    /// The organisation's active environments: list.
    pub fn environments(&self) -> EnvironmentsAdmin<'a> {
        EnvironmentsAdmin::new(self.transport)
    }

    /// Tenants (multi-tenant organisations): list, create, get, update, delete.
    pub fn tenants(&self) -> TenantsAdmin<'a> {
        TenantsAdmin::new(self.transport)
    }
}

/// Update items name their target by ID: an empty one is refused by Trophy.
pub(crate) fn id_required(id: &str) -> Result<(), String> {
    if id.trim().is_empty() {
        Err("the ID is empty".into())
    } else {
        Ok(())
    }
}
