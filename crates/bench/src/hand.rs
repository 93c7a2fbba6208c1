//! The hand-written side of the comparison: the structs a careful developer would write for
//! the same responses, with plain `#[derive(Deserialize)]` and no questkit helper.
//!
//! Each struct has the fields of the questkit model it stands for, with the plain type that
//! fits the JSON: `String` where questkit keeps an open enum, a lenient ID or a date typed as
//! a string; `f64` where questkit reads a number or a numeric string; `BTreeMap` where questkit
//! keeps the server's order; every layer's fields written out where questkit's model nests
//! the layer below. What questkit does on top (open enums, lenient numbers and IDs, `null` read
//! as an empty list, order kept, a top-level array refused) is what the comparison prices.
#![allow(dead_code)]

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

/// `key: value` attribute filters (Trophy).
#[derive(Debug, Deserialize)]
pub struct Attribute {
    pub key: String,
    pub value: String,
}

// ---- Trophy ------------------------------------------------------------------------------

/// `GET users/{id}/metrics/{key}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metric {
    pub id: String,
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub status: Option<String>,
    pub current: f64,
    #[serde(default)]
    pub achievements: Vec<UserAchievement>,
}

/// An achievement and when the user completed it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserAchievement {
    pub id: String,
    pub name: String,
    pub trigger: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub badge_url: Option<String>,
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub streak_length: Option<i64>,
    #[serde(default)]
    pub anniversary_years: Option<i64>,
    #[serde(default)]
    pub achievement_ids: Option<Vec<String>>,
    #[serde(default)]
    pub metric_id: Option<String>,
    #[serde(default)]
    pub metric_value: Option<f64>,
    #[serde(default)]
    pub metric_name: Option<String>,
    #[serde(default)]
    pub user_attributes: Vec<Attribute>,
    #[serde(default)]
    pub event_attribute: Option<Attribute>,
    #[serde(default)]
    pub event_attributes: Option<Vec<Attribute>>,
    #[serde(default)]
    pub achieved_at: Option<DateTime<Utc>>,
}

/// One item of `GET users/{id}/achievements`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserAchievementWithStats {
    pub id: String,
    pub name: String,
    pub trigger: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub badge_url: Option<String>,
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub streak_length: Option<i64>,
    #[serde(default)]
    pub anniversary_years: Option<i64>,
    #[serde(default)]
    pub achievement_ids: Option<Vec<String>>,
    #[serde(default)]
    pub metric_id: Option<String>,
    #[serde(default)]
    pub metric_value: Option<f64>,
    #[serde(default)]
    pub metric_name: Option<String>,
    #[serde(default)]
    pub user_attributes: Vec<Attribute>,
    #[serde(default)]
    pub event_attribute: Option<Attribute>,
    #[serde(default)]
    pub event_attributes: Option<Vec<Attribute>>,
    #[serde(default)]
    pub completions: i64,
    #[serde(default)]
    pub rarity: f64,
    #[serde(default)]
    pub achieved_at: Option<DateTime<Utc>>,
}

/// `GET users/{id}/wrapped`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Wrapped {
    pub user: User,
    pub activity: WrappedActivity,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub tz: Option<String>,
    #[serde(default)]
    pub sign_up_date: Option<String>,
    #[serde(default)]
    pub device_tokens: Vec<String>,
    #[serde(default)]
    pub subscribe_to_emails: Option<bool>,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    #[serde(default)]
    pub control: Option<bool>,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WrappedActivity {
    #[serde(default)]
    pub days_active: i64,
    #[serde(default)]
    pub weeks_active: i64,
    #[serde(default)]
    pub months_active: i64,
    pub most_active_day: WrappedDay,
    pub most_active_week: WrappedWeek,
    pub most_active_month: WrappedMonth,
    pub entire_year: WrappedYear,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WrappedDay {
    pub date: NaiveDate,
    #[serde(default)]
    pub metrics: BTreeMap<String, WrappedMetric>,
    #[serde(default)]
    pub points: BTreeMap<String, WrappedPoints>,
    #[serde(default)]
    pub achievements: Vec<UserAchievement>,
    #[serde(default)]
    pub leaderboards: BTreeMap<String, UserLeaderboard>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WrappedWeek {
    pub start: NaiveDate,
    pub end: NaiveDate,
    #[serde(default)]
    pub metrics: BTreeMap<String, WrappedMetric>,
    #[serde(default)]
    pub points: BTreeMap<String, WrappedPoints>,
    #[serde(default)]
    pub achievements: Vec<UserAchievement>,
    #[serde(default)]
    pub leaderboards: BTreeMap<String, UserLeaderboard>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WrappedMonth {
    pub month: u32,
    #[serde(default)]
    pub metrics: BTreeMap<String, WrappedMetric>,
    #[serde(default)]
    pub points: BTreeMap<String, WrappedPoints>,
    #[serde(default)]
    pub achievements: Vec<UserAchievement>,
    #[serde(default)]
    pub leaderboards: BTreeMap<String, UserLeaderboard>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WrappedYear {
    pub longest_streak: WrappedStreak,
    #[serde(default)]
    pub metrics: BTreeMap<String, WrappedMetric>,
    #[serde(default)]
    pub points: BTreeMap<String, WrappedPoints>,
    #[serde(default)]
    pub achievements: Vec<UserAchievement>,
    #[serde(default)]
    pub leaderboards: BTreeMap<String, UserLeaderboard>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WrappedMetric {
    pub name: String,
    #[serde(default)]
    pub units: Option<String>,
    pub current_total: f64,
    pub change_this_period: f64,
    pub percent_change: f64,
    #[serde(default)]
    pub percentile_this_period: Option<f64>,
    #[serde(default)]
    pub by_attribute: BTreeMap<String, BTreeMap<String, WrappedMetricBreakdown>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WrappedMetricBreakdown {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub units: Option<String>,
    #[serde(default)]
    pub current_total: Option<f64>,
    #[serde(default)]
    pub change_this_period: Option<f64>,
    #[serde(default)]
    pub percent_change: Option<f64>,
    #[serde(default)]
    pub percentile_this_period: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WrappedPoints {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    pub current_total: f64,
    pub change_this_period: f64,
    pub percent_change: f64,
    #[serde(default)]
    pub percentile_this_period: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WrappedStreak {
    #[serde(default)]
    pub length: i64,
    pub frequency: String,
    #[serde(default)]
    pub period_start: Option<NaiveDate>,
    #[serde(default)]
    pub period_end: Option<NaiveDate>,
    #[serde(default)]
    pub started: Option<NaiveDate>,
}

/// A leaderboard with the user's rank.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserLeaderboard {
    pub id: String,
    pub name: String,
    pub key: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub rank_by: String,
    #[serde(default)]
    pub breakdown_attribute: Option<String>,
    #[serde(default)]
    pub breakdown_attributes: Vec<String>,
    #[serde(default)]
    pub metric_key: Option<String>,
    #[serde(default)]
    pub metric_name: Option<String>,
    #[serde(default)]
    pub points_system_key: Option<String>,
    #[serde(default)]
    pub points_system_name: Option<String>,
    pub start: NaiveDate,
    #[serde(default)]
    pub end: Option<NaiveDate>,
    #[serde(default)]
    pub start_time: Option<String>,
    #[serde(default)]
    pub end_time: Option<String>,
    #[serde(default)]
    pub max_participants: Option<i64>,
    #[serde(default)]
    pub run_unit: Option<String>,
    #[serde(default)]
    pub run_interval: Option<i64>,
    #[serde(default)]
    pub user_attributes: Vec<Attribute>,
    #[serde(default)]
    pub rank: Option<i64>,
    #[serde(default)]
    pub value: Option<f64>,
}

// ---- Nudj --------------------------------------------------------------------------------

/// A `{totalCount, edges}` page.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    #[serde(default)]
    pub total_count: Option<u64>,
    #[serde(default = "Vec::new")]
    pub edges: Vec<T>,
}

/// One item of `GET achievements`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NudjAchievement {
    pub id: String,
    #[serde(default)]
    pub organisation_id: Option<String>,
    #[serde(default)]
    pub community_id: Option<String>,
    #[serde(default)]
    pub details: Option<Details>,
    #[serde(default)]
    pub progress_period: Option<String>,
    #[serde(default)]
    pub display_mode: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub campaigns: Vec<String>,
    #[serde(default)]
    pub criteria: Option<Criteria>,
    #[serde(default)]
    pub queries: Vec<EventQuery>,
    #[serde(default)]
    pub query_descriptions: BTreeMap<String, String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub featured: Option<bool>,
    #[serde(default)]
    pub available_as_template_for_organisations: Vec<String>,
    #[serde(default)]
    pub is_global_template: Option<bool>,
    #[serde(default)]
    pub starts_at: Option<String>,
    #[serde(default)]
    pub expires_at: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub user_state: Option<UserState>,
    #[serde(default)]
    pub stats: Option<AchievementStats>,
    #[serde(default)]
    pub reward: Option<RewardDistribution>,
    #[serde(default)]
    pub reward_distribution: Option<LegacyRewardDistribution>,
    #[serde(default)]
    pub rewards: Vec<RewardSummary>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Details {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub light: Option<ThemeImages>,
    #[serde(default)]
    pub dark: Option<ThemeImages>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThemeImages {
    #[serde(default)]
    pub primary_image_url: Option<String>,
    #[serde(default)]
    pub secondary_image_url: Option<String>,
}

/// A criteria node: `{"type": ..., "parameters": {...}}`.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", content = "parameters", rename_all = "camelCase")]
pub enum Criteria {
    Sum {
        query: String,
        operator: String,
        attribute: String,
        value: f64,
    },
    Count {
        query: String,
        operator: String,
        value: f64,
    },
    Logical {
        operator: String,
        conditions: Vec<Criteria>,
    },
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventQuery {
    #[serde(default, rename = "type")]
    pub query_type: Option<String>,
    #[serde(default)]
    pub alias: Option<String>,
    #[serde(default)]
    pub parameters: Option<EventQueryParameters>,
    #[serde(default)]
    pub is_community_scoped: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventQueryParameters {
    #[serde(default)]
    pub event_name: Option<String>,
    #[serde(default)]
    pub event_category: Option<String>,
    #[serde(default)]
    pub event_sub_category: Option<String>,
    #[serde(default)]
    pub event_source_id: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// The user's state, the root progress node's fields written out beside the aggregates.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserState {
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub completed_at: Option<String>,
    #[serde(default)]
    pub times_completed: Option<u64>,
    #[serde(default)]
    pub is_claimable: Option<bool>,
    #[serde(default)]
    pub is_claimed: Option<bool>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub earned_points: Option<i64>,
    #[serde(default)]
    pub earned_xp: Option<i64>,
    #[serde(default)]
    pub earned_reward_assets: Vec<serde_json::Value>,
    #[serde(default)]
    pub earned_reward_entries: Vec<serde_json::Value>,
    #[serde(default)]
    pub progress_resets_at: Option<String>,
    #[serde(default, rename = "type")]
    pub node_type: Option<String>,
    #[serde(default)]
    pub is_complete: Option<bool>,
    #[serde(default)]
    pub current_value: Option<f64>,
    #[serde(default)]
    pub target_value: Option<f64>,
    #[serde(default)]
    pub conditions: Vec<ProgressNode>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProgressNode {
    #[serde(default, rename = "type")]
    pub node_type: Option<String>,
    #[serde(default)]
    pub is_complete: Option<bool>,
    #[serde(default)]
    pub current_value: Option<f64>,
    #[serde(default)]
    pub target_value: Option<f64>,
    #[serde(default)]
    pub conditions: Vec<ProgressNode>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AchievementStats {
    #[serde(default)]
    pub completed_count: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RewardDistribution {
    #[serde(default)]
    pub points: Option<i64>,
    #[serde(default)]
    pub completion_xp: Option<i64>,
    #[serde(default)]
    pub items: Vec<RewardItem>,
    #[serde(default)]
    pub reward_selection_method: Option<String>,
    #[serde(default)]
    pub number_of_rewards_to_receive: Option<u64>,
    #[serde(default)]
    pub distribution_event_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RewardItem {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub details: Option<Details>,
    #[serde(default, rename = "type")]
    pub item_type: Option<String>,
    #[serde(default)]
    pub amount_to_distribute: Option<u64>,
    #[serde(default)]
    pub total_supply: Option<u64>,
    #[serde(default)]
    pub remaining_supply: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LegacyRewardDistribution {
    #[serde(default)]
    pub points: Option<i64>,
    #[serde(default)]
    pub xp: Option<i64>,
    #[serde(default)]
    pub reward_selection_method: Option<String>,
    #[serde(default)]
    pub distribution_event_id: Option<String>,
    #[serde(default)]
    pub reward_allocations: Vec<serde_json::Value>,
    #[serde(default)]
    pub number_of_rewards_to_receive: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RewardSummary {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub details: Option<Details>,
}

// ---- Epixel Goals ------------------------------------------------------------------------

/// `{status_code, errors, data}`.
#[derive(Debug, Deserialize)]
pub struct GoalsEnvelope<T> {
    #[serde(default)]
    pub status_code: Option<u16>,
    #[serde(default)]
    pub errors: Option<BTreeMap<String, serde_json::Value>>,
    #[serde(default = "Option::default")]
    pub data: Option<T>,
}

/// `GET profiles/user/goals-leaderboard/`.
#[derive(Debug, Deserialize)]
pub struct GoalsLeaderboard {
    #[serde(rename = "courseList", default)]
    pub course_list: Vec<Course>,
    #[serde(default)]
    pub goals: BTreeMap<String, Goal>,
    #[serde(default)]
    pub selected_goal: Option<String>,
    #[serde(default)]
    pub selected_profile: Option<u64>,
    #[serde(default)]
    pub profiles_leader_board_data: BTreeMap<String, ProfileLeaderboardEntry>,
    #[serde(default)]
    pub goal_leader_board_user_data: BTreeMap<String, GoalLeaderboardEntry>,
    #[serde(default)]
    pub current_goal_info: BTreeMap<String, Goal>,
    #[serde(default)]
    pub goal_status: Option<GoalStatus>,
    #[serde(default)]
    pub current_goal_details: Option<CurrentGoalDetails>,
    #[serde(default)]
    pub profiles: Vec<Profile>,
}

#[derive(Debug, Deserialize)]
pub struct Goal {
    #[serde(default)]
    pub period: Option<String>,
    #[serde(default)]
    pub maximum: Option<f64>,
    #[serde(default)]
    pub minimum: Option<f64>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub currency_code: Option<String>,
    #[serde(default)]
    pub current: Option<f64>,
    #[serde(default)]
    pub percentage: Option<f64>,
    #[serde(default)]
    pub difference: Option<f64>,
}

#[derive(Debug, Deserialize)]
pub struct Course {
    #[serde(default)]
    pub thumbnail: Option<String>,
    #[serde(default)]
    pub duration: Option<f64>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub short_description: Option<String>,
    #[serde(default)]
    pub detail_url: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ProfileLeaderboardEntry {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub level: Option<f64>,
    #[serde(default)]
    pub overall: Option<f64>,
    #[serde(default)]
    pub percentage: Option<f64>,
    #[serde(default)]
    pub image: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct GoalLeaderboardEntry {
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default)]
    pub image: Option<String>,
    #[serde(default)]
    pub firstname: Option<String>,
    #[serde(default)]
    pub surname: Option<String>,
    #[serde(default)]
    pub percentage: Option<f64>,
}

#[derive(Debug, Deserialize)]
pub struct GoalStatus {
    #[serde(default)]
    pub goal: Option<String>,
    #[serde(default)]
    pub achieved: Option<String>,
    #[serde(default)]
    pub status_text: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct CurrentGoalDetails {
    #[serde(default)]
    pub variants: Vec<GoalVariant>,
}

#[derive(Debug, Deserialize)]
pub struct GoalVariant {
    #[serde(default)]
    pub step: Option<String>,
    #[serde(default)]
    pub active_link: Option<String>,
    #[serde(default)]
    pub recommended_course: Option<String>,
    #[serde(default)]
    pub recommended_article: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Profile {
    #[serde(default)]
    pub id: Option<u64>,
    #[serde(default)]
    pub profilename: Option<String>,
}

// ---- Giftoin -----------------------------------------------------------------------------

/// `{data, status}`.
#[derive(Debug, Deserialize)]
pub struct GiftoinEnvelope<T> {
    pub data: T,
    #[serde(default)]
    pub status: Option<GiftoinStatus>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GiftoinStatus {
    #[serde(default)]
    pub timestamp: Option<String>,
    #[serde(default)]
    pub error_code: Option<i64>,
    #[serde(default)]
    pub error_message: Option<String>,
}

/// One item of `GET users/{platform}/{id}/progress/collection-challenges`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CollectionChallenge {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub image: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub size: Option<u64>,
    #[serde(default)]
    pub cards: Vec<Card>,
    #[serde(default)]
    pub progress_in_percentage: Option<f64>,
    #[serde(default)]
    pub environment: Option<String>,
    #[serde(default, with = "chrono::serde::ts_milliseconds_option")]
    pub created_timestamp: Option<DateTime<Utc>>,
    #[serde(default)]
    pub time_left: Option<u64>,
    #[serde(default)]
    pub reward: Option<Reward>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub collected_count: Option<u64>,
    #[serde(default)]
    pub duration: Option<ChallengeDuration>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Card {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub image: Option<String>,
    #[serde(default)]
    pub owned_quantity: Option<u64>,
    #[serde(default)]
    pub is_owned: Option<bool>,
    #[serde(default)]
    pub rarity: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reward {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub image: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub is_claimed: Option<bool>,
    #[serde(default)]
    pub can_claim: Option<bool>,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default, with = "chrono::serde::ts_milliseconds_option")]
    pub claimed_timestamp: Option<DateTime<Utc>>,
    #[serde(default)]
    pub view_type: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChallengeDuration {
    #[serde(default)]
    pub start: Option<DurationStart>,
    #[serde(default)]
    pub end: Option<DurationEnd>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DurationStart {
    #[serde(default, with = "chrono::serde::ts_milliseconds_option")]
    pub date: Option<DateTime<Utc>>,
    #[serde(default)]
    pub show_before: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DurationEnd {
    #[serde(default, with = "chrono::serde::ts_milliseconds_option")]
    pub date: Option<DateTime<Utc>>,
    #[serde(default)]
    pub show_after: Option<bool>,
}
