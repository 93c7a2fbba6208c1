//! Every fixture in fixtures/nudj deserializes, round-trips, and carries the expected values.

mod common;

use chrono::{DateTime, TimeZone, Utc};
use common::{load, raw};
use questkit_core::HasProgress;
use questkit_nudj::achievements::{
    ComparisonOperator, ConditionType, DisplayMode, EarnedRewardAsset, EarnedRewardEntry,
    LogicalOperator, ProgressPeriod, QueryDescription, QueryType, UserAchievementStatus,
};
use questkit_nudj::events::{EventCategory, EventSubCategory};
use questkit_nudj::leaderboards::{LeaderboardConditionType, LeaderboardMetric};
use questkit_nudj::rewards::{
    AllocationType, AllocationsType, CampaignRef, EntityStatus, RedeemableType, RewardEntryStatus,
    RewardSelectionMethod, TagContext, TagRef,
};
use questkit_nudj::{
    Achievement, Criteria, CustomEvent, CustomEventReceipt, DateText, ImageRef, LeaderboardConfig,
    Page, Reward, RewardAsset, RewardEntry, Streak, TrpcCode, TrpcError,
};
use serde_json::json;

/// Every fixture file, so a new file without a test fails here.
const ALL_FIXTURES: &[&str] = &[
    "achievement_legacy_reward.json",
    "achievement_logical.json",
    "achievement_reward_full.json",
    "achievement_seed.json",
    "achievements_list.json",
    "edge_logical_alt_spelling.json",
    "edge_missing_user_state.json",
    "edge_nulls.json",
    "edge_numeric_ids.json",
    "edge_unknown_criteria.json",
    "edge_unknown_enums.json",
    "edge_user_state_shorter.json",
    "error_400.json",
    "error_401.json",
    "error_404.json",
    "error_409.json",
    "error_500.json",
    "events_custom_request.json",
    "events_custom_response.json",
    "leaderboards_configs.json",
    "me_reward_entries.json",
    "me_reward_entry.json",
    "me_rewards.json",
    "me_streaks.json",
    "rewards_list.json",
];

fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Option<DateTime<Utc>> {
    Some(Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap())
}

/// The instant a kept timestamp text stands for.
fn parsed(text: &Option<DateText>) -> Option<DateTime<Utc>> {
    text.as_ref().and_then(DateText::date_time)
}

fn placeholder() -> Option<DateText> {
    Some(DateText::from("<string>"))
}

#[test]
fn fixture_list_is_complete() {
    let mut on_disk: Vec<String> = std::fs::read_dir(common::fixture_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    on_disk.sort();
    assert_eq!(on_disk, ALL_FIXTURES);
    let readme = raw("README.md");
    for name in ALL_FIXTURES {
        assert!(readme.contains(name), "README.md does not describe {name}");
    }
}

#[test]
fn seed_achievement() {
    let a: Achievement = load("achievement_seed.json");
    assert_eq!(a.id, "<string>");
    assert_eq!(a.organisation_id.as_deref(), Some("<string>"));
    assert_eq!(a.community_id.as_deref(), Some("<string>"));
    let details = a.details.as_ref().unwrap();
    assert_eq!(details.title.as_deref(), Some("<string>"));
    let light = details.light.as_ref().unwrap();
    assert_eq!(light.primary_image_url, Some(ImageRef::Url("<any>".into())));
    assert_eq!(a.progress_period, Some(ProgressPeriod::Daily));
    assert_eq!(a.display_mode, Some(DisplayMode::Default));
    assert_eq!(a.tags, ["<string>"]);
    assert_eq!(a.campaigns, ["<string>"]);
    assert_eq!(
        a.criteria,
        Some(Criteria::Sum {
            query: "<string>".into(),
            operator: ComparisonOperator::Eq,
            attribute: "<string>".into(),
            value: 123.0,
        })
    );
    assert_eq!(a.queries.len(), 1);
    let query = &a.queries[0];
    assert_eq!(query.query_type, Some(QueryType::Event));
    assert_eq!(query.alias.as_deref(), Some("<string>"));
    assert_eq!(query.is_community_scoped, Some(true));
    let params = query.parameters.as_ref().unwrap();
    assert_eq!(params.event_category, Some(EventCategory::Achievement));
    assert_eq!(
        params.event_sub_category,
        Some(EventSubCategory::AchievementCompletion)
    );
    assert_eq!(params.tags, ["<string>"]);
    assert!(a.query_descriptions.is_empty());
    assert_eq!(a.status, Some(EntityStatus::Archived));
    assert_eq!(a.featured, Some(true));
    assert_eq!(a.available_as_template_for_organisations, ["<string>"]);
    assert_eq!(a.is_global_template, Some(true));
    assert_eq!(a.starts_at, placeholder());
    assert_eq!(a.created_at, placeholder());

    let state = a.user_state.as_ref().unwrap();
    assert_eq!(state.status, Some(UserAchievementStatus::Completed));
    assert_eq!(state.completed_at, placeholder());
    assert_eq!(state.times_completed, Some(1));
    assert_eq!(state.is_claimable, Some(true));
    assert_eq!(state.is_claimed, Some(true));
    assert_eq!(state.earned_points, Some(1));
    assert_eq!(state.earned_xp, Some(1));
    assert_eq!(state.progress_resets_at, placeholder());
    assert_eq!(state.progress.node_type, Some(ConditionType::Sum));
    assert_eq!(state.progress.is_complete, Some(true));
    assert_eq!(state.progress.current_value, Some(123.0));
    assert_eq!(state.progress.target_value, Some(123.0));
    assert_eq!(state.progress.conditions.len(), 1);
    assert_eq!(state.progress.conditions[0], Default::default());

    let EarnedRewardAsset::Full(asset) = &state.earned_reward_assets[0] else {
        panic!("expected a full asset: {:?}", state.earned_reward_assets[0]);
    };
    assert_eq!(asset.id, "<string>");
    let redeemable = asset.redeemable.as_ref().unwrap();
    assert_eq!(redeemable.redeemable_type, Some(RedeemableType::RichText));
    assert_eq!(
        redeemable.support_email.as_deref(),
        Some("jsmith@example.com")
    );
    assert_eq!(redeemable.additional_information, [json!("<any>")]);
    assert!(asset.metadata.is_empty());

    let EarnedRewardEntry::Full(entry) = &state.earned_reward_entries[0] else {
        panic!("expected a full entry");
    };
    assert_eq!(entry.total_entries, Some(123));
    assert_eq!(entry.entries[0].amount, Some(123));
    assert_eq!(entry.status, Some(RewardEntryStatus::Pending));
    assert_eq!(entry.reward_assets.len(), 1);
    assert_eq!(entry.reward_asset_ids, ["<string>"]);

    assert_eq!(a.stats.as_ref().unwrap().completed_count, Some(1));
    let reward = a.reward.as_ref().unwrap();
    assert_eq!(reward.points, Some(1));
    assert_eq!(reward.completion_xp, Some(1));
    assert_eq!(
        reward.reward_selection_method,
        Some(RewardSelectionMethod::All)
    );
    assert_eq!(reward.items[0].item_type, Some(AllocationType::Assets));
    assert_eq!(reward.items[0].remaining_supply, Some(1));
    assert_eq!(a.reward_points(), Some(1));
    assert!(a.reward_distribution.is_none());

    let progress = a.progress();
    assert_eq!(progress.current, 123.0);
    assert_eq!(progress.target, Some(123.0));
    assert!(progress.is_completed());
    assert_eq!(
        progress.completed_at, None,
        "a placeholder time is not a time"
    );
}

#[test]
fn achievements_list() {
    let page: Page<Achievement> = load("achievements_list.json");
    assert_eq!(page.total_count, Some(7));
    assert_eq!(page.edges.len(), 7);
    let ids: Vec<&str> = page.edges.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids[0], "65a000000000000000000001");
    assert_eq!(ids[6], "65a000000000000000000007");
    let mut unique = ids.clone();
    unique.dedup();
    assert_eq!(unique.len(), 7);

    let big_spender = &page.edges[1];
    assert_eq!(big_spender.title(), Some("Big spender"));
    assert_eq!(
        big_spender
            .details
            .as_ref()
            .unwrap()
            .primary_image_url(true),
        Some("https://cdn.nudj.cx/img/big-spender-dark.png")
    );
    let p = big_spender.progress();
    assert_eq!(p.fraction(), 0.425);
    assert!(!p.is_completed());

    let weekly = &page.edges[2];
    assert_eq!(weekly.progress_period, Some(ProgressPeriod::Weekly));
    assert_eq!(
        parsed(&weekly.user_state.as_ref().unwrap().progress_resets_at),
        at(2024, 6, 10, 0, 0, 0)
    );

    let streak = &page.edges[4];
    let p = streak.progress();
    assert!(p.is_completed());
    assert_eq!(
        p.completed_at,
        Some(Utc.with_ymd_and_hms(2024, 5, 28, 7, 0, 0).unwrap())
    );
    assert_eq!(streak.user_state.as_ref().unwrap().times_completed, Some(2));

    let champion = &page.edges[6];
    assert_eq!(parsed(&champion.expires_at), at(2024, 12, 31, 23, 59, 59));
    assert_eq!(
        champion.reward.as_ref().unwrap().items[0].item_type,
        Some(AllocationType::Entries)
    );
}

#[test]
fn logical_achievement() {
    let a: Achievement = load("achievement_logical.json");
    let Some(Criteria::Logical {
        operator,
        conditions,
    }) = &a.criteria
    else {
        panic!("expected a logical root: {:?}", a.criteria);
    };
    assert_eq!(*operator, LogicalOperator::And);
    assert_eq!(conditions.len(), 2);
    assert_eq!(conditions[0].query(), Some("purchases"));
    assert_eq!(conditions[1].children().len(), 2);
    assert_eq!(
        conditions[1],
        Criteria::Logical {
            operator: LogicalOperator::Or,
            conditions: vec![
                Criteria::Count {
                    query: "visits".into(),
                    operator: ComparisonOperator::Gte,
                    value: 3.0
                },
                Criteria::Count {
                    query: "reviews".into(),
                    operator: ComparisonOperator::Gte,
                    value: 2.0
                },
            ]
        }
    );
    assert_eq!(
        a.criteria.as_ref().unwrap().queries(),
        ["purchases", "visits", "reviews"]
    );
    let state = a.user_state.as_ref().unwrap();
    assert_eq!(state.progress.conditions.len(), 2);
    assert_eq!(
        state.progress.conditions[1].conditions[1].current_value,
        Some(2.0)
    );
    assert_eq!(a.progress().fraction(), 0.5);
    assert_eq!(
        a.query_descriptions.get("reviews"),
        Some(&QueryDescription::Text("product reviews".into()))
    );
    assert_eq!(a.describe_query("visits").as_deref(), Some("store visits"));
}

#[test]
fn newer_reward_form_with_full_earnings() {
    let a: Achievement = load("achievement_reward_full.json");
    let reward = a.reward.as_ref().unwrap();
    assert_eq!(reward.items.len(), 2);
    assert_eq!(reward.number_of_rewards_to_receive, Some(2));
    assert_eq!(a.reward_xp(), Some(200));
    let state = a.user_state.as_ref().unwrap();
    assert_eq!(
        state.earned_reward_assets[0].asset_id(),
        Some("65f0000000000000000000a1")
    );
    assert_eq!(
        state.earned_reward_assets[0].reward_id(),
        Some("65b0000000000000000000b1")
    );
    assert!(matches!(
        state.earned_reward_assets[0],
        EarnedRewardAsset::Full(_)
    ));
    assert_eq!(
        state.earned_reward_entries[0].entry_id(),
        Some("65f1000000000000000000e1")
    );
    assert!(matches!(
        state.earned_reward_entries[0],
        EarnedRewardEntry::Full(_)
    ));
}

#[test]
fn older_reward_form() {
    let a: Achievement = load("achievement_legacy_reward.json");
    assert!(a.reward.is_none());
    let legacy = a.reward_distribution.as_ref().unwrap();
    assert_eq!(legacy.xp, Some(30));
    assert_eq!(legacy.reward_allocations[0].amount_to_distribute, Some(2));
    assert_eq!(
        legacy.reward_allocations[0].allocation_type,
        Some(AllocationType::Assets)
    );
    assert_eq!(a.reward_points(), Some(15));
    assert_eq!(a.reward_xp(), Some(30));
    assert_eq!(a.rewards[0].id.as_deref(), Some("65b0000000000000000000b1"));
    assert_eq!(a.featured, None);
    let state = a.user_state.as_ref().unwrap();
    assert_eq!(state.status, Some(UserAchievementStatus::Abandoned));
    assert!(matches!(
        &state.earned_reward_assets[0],
        EarnedRewardAsset::Reference(r) if r.reward_asset_id == "65f0000000000000000000a7"
    ));
    assert!(matches!(
        &state.earned_reward_entries[0],
        EarnedRewardEntry::Reference(r) if r.amount == Some(2)
    ));
    let p = a.progress();
    assert_eq!(p.fraction(), 0.4);
    assert!(!p.is_completed());
}

#[test]
fn rewards_list() {
    let page: Page<Reward> = load("rewards_list.json");
    assert_eq!(page.total_count, Some(3));
    let gold = &page.edges[0];
    assert_eq!(gold.allocations_type, Some(AllocationsType::AssetsOnly));
    assert_eq!(gold.asset_points_price, Some(250));
    assert_eq!(gold.allocations[0].distributed, Some(126));
    assert_eq!(gold.allocations[0].is_shop, Some(true));
    let config = gold.redemption_config.as_ref().unwrap();
    assert_eq!(config.auto_redeem, Some(false));
    assert_eq!(config.additional_information[0]["required"], json!(true));
    let TagRef::Tag(tag) = &gold.tags[0] else {
        panic!("expected a full tag");
    };
    assert_eq!(tag.value.as_deref(), Some("summer"));
    let tag_config = tag.config.as_ref().unwrap();
    assert_eq!(
        tag_config.filtering,
        [
            TagContext::Achievement,
            TagContext::Unknown("reward".into())
        ]
    );
    assert!(
        matches!(&gold.campaigns[0], CampaignRef::Campaign(c) if c.status == Some(EntityStatus::Live))
    );
    assert_eq!(gold.campaigns[0].id(), Some("65c0000000000000000000c1"));
    let draw = &page.edges[1];
    assert_eq!(
        draw.allocations_type,
        Some(AllocationsType::Unknown("entries-only".into()))
    );
    assert_eq!(parsed(&draw.draws_at), at(2024, 9, 1, 12, 0, 0));
    assert_eq!(draw.is_manual_giveaway, Some(true));
    assert_eq!(
        draw.allocations[0].allocation_type,
        Some(AllocationType::Entries)
    );
}

#[test]
fn my_rewards() {
    let page: Page<RewardAsset> = load("me_rewards.json");
    assert_eq!(page.total_count, Some(3));
    assert_eq!(page.edges.len(), 3);
    let voucher = &page.edges[1];
    assert_eq!(voucher.event_category, Some(EventCategory::Reward));
    assert_eq!(
        voucher.event_sub_category,
        Some(EventSubCategory::ShopPurchase)
    );
    assert_eq!(parsed(&voucher.redeemed_at), at(2024, 6, 2, 8, 30, 0));
    assert_eq!(
        voucher.redeemable.as_ref().unwrap().content.as_deref(),
        Some("<p>COFFEE-1234</p>")
    );
    assert_eq!(page.edges[2].redeemable, None);
    assert_eq!(page.edges[2].metadata["note"], json!("second badge"));
}

#[test]
fn my_reward_entries() {
    let page: Page<RewardEntry> = load("me_reward_entries.json");
    assert_eq!(page.total_count, Some(2));
    assert_eq!(page.edges[0].status, Some(RewardEntryStatus::Pending));
    let one: RewardEntry = load("me_reward_entry.json");
    assert_eq!(one, page.edges[1]);
    assert_eq!(one.status, Some(RewardEntryStatus::Unknown("won".into())));
    assert_eq!(one.total_entries, Some(5));
    assert_eq!(one.entries.iter().filter_map(|e| e.amount).sum::<u64>(), 5);
    assert_eq!(one.reward_assets[0].id, "65f0000000000000000000a9");
    assert_eq!(parsed(&one.drawn_at), at(2024, 4, 1, 12, 0, 0));
}

#[test]
fn leaderboard_configs() {
    let page: Page<LeaderboardConfig> = load("leaderboards_configs.json");
    assert_eq!(page.total_count, Some(2));
    let weekly = &page.edges[0];
    assert_eq!(weekly.metric_type, Some(LeaderboardMetric::TotalXp));
    assert_eq!(weekly.period, Some(ProgressPeriod::Weekly));
    assert_eq!(weekly.status, Some(EntityStatus::Live));
    assert_eq!(
        weekly.conditions[0].condition_type,
        Some(LeaderboardConditionType::Community)
    );
    assert_eq!(weekly.reward[1].end_rank, Some(10));
    assert_eq!(weekly.reward[0].items[0].amount_to_distribute, Some(1));
    let other = &page.edges[1];
    assert_eq!(other.description, None);
    assert_eq!(
        other.metric_type,
        Some(LeaderboardMetric::TotalChallengesCompleted)
    );
    assert_eq!(other.status, Some(EntityStatus::Scheduled));
}

#[test]
fn my_streaks_are_a_bare_array() {
    let streaks: Vec<Streak> = load("me_streaks.json");
    assert_eq!(streaks.len(), 2);
    assert_eq!(streaks[0].community_id, None);
    let triggers = streaks[0].trigger_events.as_ref().unwrap();
    assert_eq!(
        triggers.platform,
        [
            EventSubCategory::AchievementCompletion,
            EventSubCategory::ChallengeCompletion
        ]
    );
    assert_eq!(triggers.custom, ["purchase"]);
    assert_eq!(
        streaks[0].user_state.as_ref().unwrap().current_streak,
        Some(4)
    );
    assert_eq!(streaks[1].is_enabled, Some(false));
    // The page type reads a bare array too.
    let page: Page<Streak> = load("me_streaks.json");
    assert_eq!(page.total_count, None);
    assert_eq!(page.edges, streaks);
}

#[test]
fn custom_event_request_and_response() {
    let request: CustomEvent = load("events_custom_request.json");
    let built = CustomEvent::new("purchase", "customer-8812")
        .attribute("amount", 25)
        .attribute("currency", "GBP")
        .attribute("storeId", "store-12")
        .community_id("64f1c2a9e4b0a1d2c3e4f5b1")
        .auto_create_user(true);
    assert_eq!(request, built);
    let on_disk: serde_json::Value =
        serde_json::from_str(&raw("events_custom_request.json")).unwrap();
    assert_eq!(serde_json::to_value(&built).unwrap(), on_disk);
    let minimal = serde_json::to_value(CustomEvent::new("visit", "u1")).unwrap();
    assert_eq!(
        minimal,
        json!({"eventName": "visit", "payload": {}, "userId": "u1"})
    );

    let receipt: CustomEventReceipt = load("events_custom_response.json");
    assert_eq!(receipt.name.as_deref(), Some("purchase"));
    assert_eq!(receipt.external_user_id.as_deref(), Some("customer-8812"));
}

#[test]
fn error_bodies() {
    let cases = [
        (400, TrpcCode::BadRequest, "createCustomEvent"),
        (401, TrpcCode::Unauthorized, "getAchievements"),
        (404, TrpcCode::NotFound, "getAchievementById"),
        (409, TrpcCode::Conflict, "claimReward"),
        (500, TrpcCode::InternalServerError, "getAchievements"),
    ];
    for (status, code, path) in cases {
        let name = format!("error_{status}.json");
        let err: TrpcError = load(&name);
        assert_eq!(err.code, Some(code), "{name}");
        let data = err.data.as_ref().unwrap();
        assert_eq!(data.http_status, Some(status), "{name}");
        assert_eq!(data.path.as_deref(), Some(path), "{name}");
        assert!(err.message.as_deref().is_some_and(|m| !m.is_empty()));
        assert_eq!(TrpcError::parse(raw(&name).as_bytes()), Some(err));
    }
    assert!(
        TrpcError::parse(b"<html>502 Bad Gateway</html>").is_none(),
        "HTML is not a tRPC body"
    );
    assert!(TrpcError::parse(b"{}").is_none());
}

#[test]
fn edge_unknown_criteria_nodes_are_kept() {
    let a: Achievement = load("edge_unknown_criteria.json");
    let criteria = a.criteria.as_ref().unwrap();
    assert!(criteria.has_unknown());
    let children = criteria.children();
    assert_eq!(
        children[0],
        Criteria::Unknown(json!({"type": "streak", "parameters": {"days": 3, "query": "visits"}}))
    );
    assert_eq!(
        children[1],
        Criteria::Unknown(
            json!({"type": "sum", "parameters": {"query": "purchases", "operator": ">="}})
        )
    );
    assert_eq!(children[1].node_type(), Some(ConditionType::Sum));
    assert_eq!(children[2].threshold(), Some(2.0));
    // Written back exactly as read.
    let written = serde_json::to_value(&a).unwrap();
    let original: serde_json::Value =
        serde_json::from_str(&raw("edge_unknown_criteria.json")).unwrap();
    assert_eq!(written["criteria"], original["criteria"]);
}

#[test]
fn edge_unknown_enum_values_are_kept() {
    let a: Achievement = load("edge_unknown_enums.json");
    assert_eq!(
        a.progress_period,
        Some(ProgressPeriod::Unknown("hourly".into()))
    );
    assert_eq!(a.display_mode, Some(DisplayMode::Unknown("hidden".into())));
    assert_eq!(a.status, Some(EntityStatus::Unknown("paused".into())));
    let Some(Criteria::Logical {
        operator,
        conditions,
    }) = &a.criteria
    else {
        panic!("expected a logical root");
    };
    assert_eq!(*operator, LogicalOperator::Unknown("xor".into()));
    assert!(matches!(
        &conditions[0],
        Criteria::Count { operator: ComparisonOperator::Unknown(op), .. } if op == "in"
    ));
    let q = &a.queries[0];
    assert_eq!(q.query_type, Some(QueryType::Unknown("sql".into())));
    let p = q.parameters.as_ref().unwrap();
    assert_eq!(
        p.event_category,
        Some(EventCategory::Unknown("quest".into()))
    );
    assert_eq!(
        p.event_sub_category,
        Some(EventSubCategory::Unknown("quest-finished".into()))
    );
    let state = a.user_state.as_ref().unwrap();
    assert_eq!(
        state.status,
        Some(UserAchievementStatus::Unknown("in-progress".into()))
    );
    let reward = a.reward.as_ref().unwrap();
    assert_eq!(
        reward.reward_selection_method,
        Some(RewardSelectionMethod::Unknown("random".into()))
    );
    assert_eq!(
        reward.items[0].item_type,
        Some(AllocationType::Unknown("coupons".into()))
    );
    let written = serde_json::to_value(&a).unwrap();
    assert_eq!(written["progressPeriod"], json!("hourly"));
    assert_eq!(written["criteria"]["parameters"]["operator"], json!("xor"));
}

#[test]
fn edge_nulls_are_tolerated() {
    let a: Achievement = load("edge_nulls.json");
    assert_eq!(a.community_id, None);
    assert_eq!(a.title(), Some("Bare"));
    assert_eq!(a.details.as_ref().unwrap().dark, None);
    assert_eq!(a.details.as_ref().unwrap().primary_image_url(false), None);
    assert!(a.tags.is_empty() && a.campaigns.is_empty() && a.queries.is_empty());
    assert!(a.query_descriptions.is_empty());
    assert_eq!(a.criteria, None);
    assert_eq!(a.reward, None);
    let state = a.user_state.as_ref().unwrap();
    assert_eq!(state.status, None);
    assert!(state.earned_reward_assets.is_empty());
    assert!(state.progress.conditions.is_empty());
    let p = a.progress();
    assert_eq!(p.current, 0.0);
    assert!(!p.is_completed());
}

#[test]
fn edge_missing_and_short_user_state() {
    let missing: Achievement = load("edge_missing_user_state.json");
    assert_eq!(missing.user_state, None);
    let p = missing.progress();
    assert_eq!((p.current, p.target), (0.0, Some(2.0)));

    let shorter: Achievement = load("edge_user_state_shorter.json");
    let state = shorter.user_state.as_ref().unwrap();
    assert_eq!(state.progress.conditions.len(), 2);
    assert_eq!(shorter.criteria.as_ref().unwrap().children().len(), 3);
    // No description for "reviews": the event name stands in.
    assert_eq!(
        shorter.describe_query("reviews").as_deref(),
        Some("review-posted")
    );
}

#[test]
fn edge_alternative_logical_spelling() {
    let a: Achievement = load("edge_logical_alt_spelling.json");
    let Some(Criteria::Logical {
        operator,
        conditions,
    }) = &a.criteria
    else {
        panic!(
            "the tolerated spelling should parse as logical: {:?}",
            a.criteria
        );
    };
    assert_eq!(*operator, LogicalOperator::Unknown("OR".into()));
    assert_eq!(operator.requires_all(), Some(false));
    assert_eq!(conditions.len(), 2);
}

#[test]
fn query_descriptions_may_be_localised() {
    let a: Achievement = serde_json::from_value(json!({
        "id": "x",
        "queryDescriptions": {
            "visits": {"fr": "visites", "en": "visits"},
            "odd": 3,
            "plain": "plain text"
        }
    }))
    .unwrap();
    let visits = &a.query_descriptions["visits"];
    assert_eq!(visits.text(Some("fr")), Some("visites"));
    assert_eq!(visits.text(Some("de")), Some("visits"));
    assert_eq!(
        a.query_descriptions["odd"],
        QueryDescription::Other(json!(3))
    );
    assert_eq!(a.describe_query("plain").as_deref(), Some("plain text"));
    let again: Achievement = serde_json::from_value(serde_json::to_value(&a).unwrap()).unwrap();
    assert_eq!(a, again);
}

#[test]
fn numeric_ids_are_accepted_and_written_back_as_numbers() {
    let a: Achievement = load("edge_numeric_ids.json");
    assert_eq!(a.id, "42");
    assert!(a.id.is_number());
    assert_eq!(serde_json::to_value(&a).unwrap()["id"], json!(42));
    let text: Achievement = serde_json::from_value(json!({"id": "42"})).unwrap();
    assert_eq!(serde_json::to_value(&text).unwrap()["id"], json!("42"));
    assert_eq!(text.id, a.id, "the same ID whatever its JSON type");
}
