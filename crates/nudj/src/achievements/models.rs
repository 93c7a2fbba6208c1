//! The achievement model and its event queries.
// Achievements and their lenient values come from the network: no indexing, no unchecked arithmetic.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::collections::BTreeMap;

use questkit_core::serde_helpers::null_as_default;
use questkit_core::{HasProgress, LenientId, Progress};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::criteria::Criteria;
use super::user_state::UserState;
use questkit_core::DateText;

use crate::common::Details;
use crate::events::{EventCategory, EventSubCategory};
use crate::rewards::{EntityStatus, LegacyRewardDistribution, RewardDistribution, RewardSummary};

questkit_core::open_enum! {
    /// The period after which an achievement's progress resets.
    pub enum ProgressPeriod {
        /// Every day.
        Daily => "daily",
        /// Every week.
        Weekly => "weekly",
        /// Every month.
        Monthly => "monthly",
        /// Every year.
        Yearly => "yearly",
        /// Never: progress accumulates.
        Open => "open",
    }
}

questkit_core::open_enum! {
    /// Whether an achievement is shown to users or drives custom app behaviour.
    pub enum DisplayMode {
        /// A normal, visible achievement.
        Default => "default",
        /// An achievement used to implement custom app functionality.
        Custom => "custom",
    }
}

questkit_core::open_enum! {
    /// The kind of an event query (only `event` is documented).
    pub enum QueryType {
        /// Matches recorded events.
        Event => "event",
    }
}

/// An achievement as returned to the calling user (`GET /achievements/{id}`).
///
/// Its completion is defined by [`Achievement::criteria`], a tree of conditions over the event
/// queries in [`Achievement::queries`]; the user's progress mirrors that tree in
/// [`Achievement::user_state`]. See [`Achievement::explain`] for a readable summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Achievement {
    /// The achievement's id (a 24-hex ObjectId string; a number is accepted too and written
    /// back as a number).
    pub id: LenientId,
    /// The organisation it belongs to.
    #[serde(default)]
    pub organisation_id: Option<String>,
    /// The community it belongs to.
    #[serde(default)]
    pub community_id: Option<String>,
    /// Title, description and images, in the requested language.
    #[serde(default)]
    pub details: Option<Details>,
    /// The period after which progress resets.
    #[serde(default)]
    pub progress_period: Option<ProgressPeriod>,
    /// Normal or custom display.
    #[serde(default)]
    pub display_mode: Option<DisplayMode>,
    /// Tag ids.
    #[serde(default, deserialize_with = "null_as_default")]
    pub tags: Vec<String>,
    /// Campaign ids.
    #[serde(default, deserialize_with = "null_as_default")]
    pub campaigns: Vec<String>,
    /// The condition tree that completes the achievement.
    #[serde(default)]
    pub criteria: Option<Criteria>,
    /// The event queries the criteria refer to by alias.
    #[serde(default, deserialize_with = "null_as_default")]
    pub queries: Vec<EventQuery>,
    /// Readable descriptions of the queries, keyed by alias.
    #[serde(default, deserialize_with = "null_as_default")]
    pub query_descriptions: BTreeMap<String, QueryDescription>,
    /// The achievement's lifecycle status.
    #[serde(default)]
    pub status: Option<EntityStatus>,
    /// Whether it is featured.
    #[serde(default)]
    pub featured: Option<bool>,
    /// Organisations that may use it as a template.
    #[serde(default, deserialize_with = "null_as_default")]
    pub available_as_template_for_organisations: Vec<String>,
    /// Whether it is a template for every organisation.
    #[serde(default)]
    pub is_global_template: Option<bool>,
    /// When it becomes available.
    #[serde(default)]
    pub starts_at: Option<DateText>,
    /// When it expires.
    #[serde(default)]
    pub expires_at: Option<DateText>,
    /// When it was created.
    #[serde(default)]
    pub created_at: Option<DateText>,
    /// When it was last changed.
    #[serde(default)]
    pub updated_at: Option<DateText>,
    /// The calling user's progress.
    #[serde(default)]
    pub user_state: Option<UserState>,
    /// Statistics over all users.
    #[serde(default)]
    pub stats: Option<AchievementStats>,
    /// What completing it gives (newer payloads).
    #[serde(default)]
    pub reward: Option<RewardDistribution>,
    /// What completing it gives (older payloads).
    #[serde(default)]
    pub reward_distribution: Option<LegacyRewardDistribution>,
    /// The rewards named by an older `reward_distribution`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub rewards: Vec<RewardSummary>,
}

impl Achievement {
    /// The title, when set.
    pub fn title(&self) -> Option<&str> {
        self.details.as_ref().and_then(|d| d.title.as_deref())
    }

    /// The event query with this alias.
    pub fn query(&self, alias: &str) -> Option<&EventQuery> {
        self.queries
            .iter()
            .find(|q| q.alias.as_deref() == Some(alias))
    }

    /// A readable description of a query: its `queryDescriptions` text, else its event name.
    pub fn describe_query(&self, alias: &str) -> Option<String> {
        self.query_descriptions
            .get(alias)
            .and_then(|d| d.text(None))
            .map(str::to_owned)
            .or_else(|| {
                self.query(alias)
                    .and_then(|q| q.parameters.as_ref())
                    .and_then(|p| p.event_name.clone())
            })
    }

    /// Points given on completion, from whichever reward form the payload used.
    pub fn reward_points(&self) -> Option<i64> {
        self.reward
            .as_ref()
            .and_then(|r| r.points)
            .or_else(|| self.reward_distribution.as_ref().and_then(|r| r.points))
    }

    /// XP given on completion, from whichever reward form the payload used.
    pub fn reward_xp(&self) -> Option<i64> {
        self.reward
            .as_ref()
            .and_then(|r| r.completion_xp)
            .or_else(|| self.reward_distribution.as_ref().and_then(|r| r.xp))
    }
}

impl HasProgress for Achievement {
    /// The user state's progress; with no user state, zero against the criteria's threshold
    /// (a leaf's value, or a logical node's number of children).
    fn progress(&self) -> Progress {
        match &self.user_state {
            Some(state) => state.progress(),
            None => {
                let target = self.criteria.as_ref().and_then(|c| match c {
                    Criteria::Logical { conditions, .. } => Some(conditions.len() as f64),
                    other => other.threshold(),
                });
                Progress::new(0.0, target)
            }
        }
    }
}

/// Statistics of an achievement over all users.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AchievementStats {
    /// How many times it was completed.
    #[serde(default)]
    pub completed_count: Option<u64>,
}

/// An event query: which events a criteria leaf measures.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EventQuery {
    /// The kind of query.
    #[serde(default, rename = "type")]
    pub query_type: Option<QueryType>,
    /// The alias criteria leaves refer to.
    #[serde(default)]
    pub alias: Option<String>,
    /// The event filters.
    #[serde(default)]
    pub parameters: Option<EventQueryParameters>,
    /// Whether only events of the achievement's community count.
    #[serde(default)]
    pub is_community_scoped: Option<bool>,
}

/// The filters of an event query; every one narrows the matching events.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EventQueryParameters {
    /// A custom event name.
    #[serde(default)]
    pub event_name: Option<String>,
    /// A platform event category.
    #[serde(default)]
    pub event_category: Option<EventCategory>,
    /// A platform event sub-category.
    #[serde(default)]
    pub event_sub_category: Option<EventSubCategory>,
    /// The entity the events are about.
    #[serde(default)]
    pub event_source_id: Option<String>,
    /// Tag ids the events must carry.
    #[serde(default, deserialize_with = "null_as_default")]
    pub tags: Vec<String>,
}

/// A query description: plain text, or text per language.
///
/// Nudj documents the values as readable descriptions that "can be localised"; the localised
/// shape is not documented, so an object of strings is read as language → text and anything
/// else is kept verbatim.
#[derive(Clone, Debug, PartialEq)]
pub enum QueryDescription {
    /// One text (already in the requested language).
    Text(String),
    /// Text per language code.
    Localised(BTreeMap<String, String>),
    /// Any other JSON value, kept verbatim.
    Other(Value),
}

impl QueryDescription {
    /// The text to show: plain text, or the given language, `en`, or the first language.
    pub fn text(&self, language: Option<&str>) -> Option<&str> {
        match self {
            QueryDescription::Text(text) => Some(text.as_str()),
            QueryDescription::Localised(by_language) => language
                .and_then(|l| by_language.get(l))
                .or_else(|| by_language.get("en"))
                .or_else(|| by_language.values().next())
                .map(String::as_str),
            QueryDescription::Other(_) => None,
        }
        .filter(|t| !t.trim().is_empty())
    }
}

impl Serialize for QueryDescription {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            QueryDescription::Text(text) => serializer.serialize_str(text),
            QueryDescription::Localised(map) => map.serialize(serializer),
            QueryDescription::Other(raw) => raw.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for QueryDescription {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Value::deserialize(deserializer)?;
        Ok(match raw {
            Value::String(text) => QueryDescription::Text(text),
            Value::Object(map) if map.values().all(Value::is_string) => {
                QueryDescription::Localised(
                    map.into_iter()
                        .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_owned())))
                        .collect(),
                )
            }
            other => QueryDescription::Other(other),
        })
    }
}
