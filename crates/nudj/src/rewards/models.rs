//! Reward models: the catalogue, the user's wallet (assets and entries), and the reward
//! distributions attached to achievements.

use questkit_core::serde_helpers::null_as_default;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use questkit_core::DateText;

use crate::common::Details;
use crate::events::{EventCategory, EventSubCategory};

questkit_core::open_enum! {
    /// The lifecycle status shared by achievements, leaderboards, rewards and campaigns.
    pub enum EntityStatus {
        /// No longer in use.
        Archived => "archived",
        /// Being prepared, not visible to users.
        Draft => "draft",
        /// Past its end date.
        Expired => "expired",
        /// Running.
        Live => "live",
        /// Will start later.
        Scheduled => "scheduled",
    }
}

questkit_core::open_enum! {
    /// What a reward allocation hands out.
    pub enum AllocationType {
        /// Reward assets (a code, a voucher, a badge).
        Assets => "assets",
        /// Entries into a prize draw (inferred from the admin guide).
        Entries => "entries",
    }
}

questkit_core::open_enum! {
    /// Which kinds of allocation a reward has (only `assets-only` is documented).
    pub enum AllocationsType {
        /// The reward hands out assets only.
        AssetsOnly => "assets-only",
    }
}

questkit_core::open_enum! {
    /// How the rewards of a distribution are picked (only `all` is documented).
    pub enum RewardSelectionMethod {
        /// Every reward item is given.
        All => "all",
    }
}

questkit_core::open_enum! {
    /// How an asset is redeemed (only `rich-text` is documented).
    pub enum RedeemableType {
        /// Redemption instructions as rich text.
        RichText => "rich-text",
    }
}

questkit_core::open_enum! {
    /// Where a prize draw entry stands (only `pending` is documented).
    pub enum RewardEntryStatus {
        /// The draw has not happened yet.
        Pending => "pending",
    }
}

questkit_core::open_enum! {
    /// Where a tag is used for filtering or display (only `achievement` is documented).
    pub enum TagContext {
        /// On achievements.
        Achievement => "achievement",
    }
}

/// A reward of the catalogue (`GET /rewards`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Reward {
    /// The reward's id.
    pub id: String,
    /// The organisation it belongs to.
    #[serde(default)]
    pub organisation_id: Option<String>,
    /// The community it belongs to.
    #[serde(default)]
    pub community_id: Option<String>,
    /// Other communities it is shown in.
    #[serde(default, deserialize_with = "null_as_default")]
    pub additional_community_ids: Vec<String>,
    /// Title, description and images.
    #[serde(default)]
    pub details: Option<Details>,
    /// Points needed to buy an asset.
    #[serde(default)]
    pub asset_points_price: Option<u64>,
    /// Points given back when an asset is swapped.
    #[serde(default)]
    pub asset_points_swap_value: Option<u64>,
    /// Points needed to buy an entry.
    #[serde(default)]
    pub entry_points_price: Option<u64>,
    /// How many assets exist.
    #[serde(default)]
    pub assets_supply: Option<u64>,
    /// How many entries exist.
    #[serde(default)]
    pub entries_supply: Option<u64>,
    /// The most assets one user can hold.
    #[serde(default)]
    pub max_assets_per_user: Option<u64>,
    /// The most entries one user can hold.
    #[serde(default)]
    pub max_entries_per_user: Option<u64>,
    /// Which kinds of allocation the reward has.
    #[serde(default)]
    pub allocations_type: Option<AllocationsType>,
    /// Whether all allocations draw assets from one supply.
    #[serde(default)]
    pub is_shared_assets_supply: Option<bool>,
    /// Whether all allocations draw entries from one supply.
    #[serde(default)]
    pub is_shared_entries_supply: Option<bool>,
    /// The allocations (shop, distributions) of the reward.
    #[serde(default, deserialize_with = "null_as_default")]
    pub allocations: Vec<RewardAllocation>,
    /// How a won asset is redeemed.
    #[serde(default)]
    pub redemption_config: Option<Redemption>,
    /// Whether the reward is featured.
    #[serde(default)]
    pub featured: Option<bool>,
    /// Tags (full objects here, unlike achievements which list ids).
    #[serde(default, deserialize_with = "null_as_default")]
    pub tags: Vec<TagRef>,
    /// Campaigns (full objects here, unlike achievements which list ids).
    #[serde(default, deserialize_with = "null_as_default")]
    pub campaigns: Vec<CampaignRef>,
    /// The reward's lifecycle status.
    #[serde(default)]
    pub status: Option<EntityStatus>,
    /// When the prize draw happens.
    #[serde(default)]
    pub draws_at: Option<DateText>,
    /// When the reward becomes available.
    #[serde(default)]
    pub starts_at: Option<DateText>,
    /// When the reward stops being available.
    #[serde(default)]
    pub expires_at: Option<DateText>,
    /// Whether winners are picked by hand.
    #[serde(default)]
    pub is_manual_giveaway: Option<bool>,
    /// Organisations that may use the reward as a template.
    #[serde(default, deserialize_with = "null_as_default")]
    pub available_as_template_for_organisations: Vec<String>,
    /// Whether the reward is a template for every organisation.
    #[serde(default)]
    pub is_global_template: Option<bool>,
    /// When the reward was created.
    #[serde(default)]
    pub created_at: Option<DateText>,
    /// When the reward was last changed.
    #[serde(default)]
    pub updated_at: Option<DateText>,
}

/// One allocation of a reward's supply.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RewardAllocation {
    /// The allocation's id.
    #[serde(default)]
    pub id: Option<String>,
    /// Assets or entries.
    #[serde(default)]
    pub allocation_type: Option<AllocationType>,
    /// How many the allocation holds.
    #[serde(default)]
    pub supply: Option<u64>,
    /// How many are handed out each time.
    #[serde(default)]
    pub amount_to_distribute: Option<u64>,
    /// How many were handed out so far.
    #[serde(default)]
    pub distributed: Option<u64>,
    /// Whether it is sold in the shop.
    #[serde(default)]
    pub is_shop: Option<bool>,
    /// Whether it is active.
    #[serde(default)]
    pub is_live: Option<bool>,
}

/// How an asset is redeemed: the reward's `redemptionConfig` or an asset's `redeemable`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Redemption {
    /// The kind of redemption.
    #[serde(default, rename = "type")]
    pub redeemable_type: Option<RedeemableType>,
    /// Instructions shown to the user.
    #[serde(default)]
    pub instructions: Option<String>,
    /// An image illustrating the instructions.
    #[serde(default)]
    pub instructions_image_url: Option<String>,
    /// Support contact e-mail.
    #[serde(default)]
    pub support_email: Option<String>,
    /// Support contact phone number.
    #[serde(default)]
    pub support_phone_number: Option<String>,
    /// Support web page.
    #[serde(default)]
    pub support_url: Option<String>,
    /// Extra information asked or given (shape varies: kept as JSON).
    #[serde(default, deserialize_with = "null_as_default")]
    pub additional_information: Vec<Value>,
    /// The last day to redeem.
    #[serde(default)]
    pub redeem_by_date: Option<DateText>,
    /// Whether the asset is redeemed as soon as it is won (catalogue only).
    #[serde(default)]
    pub auto_redeem: Option<bool>,
    /// The redeemable content (code, rich text).
    #[serde(default)]
    pub content: Option<String>,
}

/// A tag: an id (achievements) or the full object (rewards).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum TagRef {
    /// Just the tag's id.
    Id(String),
    /// The whole tag.
    Tag(Tag),
    /// Anything else, kept verbatim.
    Other(Value),
}

impl TagRef {
    /// The tag's id, whichever form it came in.
    pub fn id(&self) -> Option<&str> {
        match self {
            TagRef::Id(id) => Some(id),
            TagRef::Tag(tag) => Some(&tag.id),
            TagRef::Other(raw) => raw.get("id").and_then(Value::as_str),
        }
    }
}

/// A tag used to filter and decorate entities.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Tag {
    /// The tag's id.
    pub id: String,
    /// The organisation it belongs to.
    #[serde(default)]
    pub organisation_id: Option<String>,
    /// The tag's text.
    #[serde(default)]
    pub value: Option<String>,
    /// Where the tag is used.
    #[serde(default)]
    pub config: Option<TagConfig>,
    /// When the tag was created.
    #[serde(default)]
    pub created_at: Option<DateText>,
    /// When the tag was last changed.
    #[serde(default)]
    pub updated_at: Option<DateText>,
}

/// Where a tag is used.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TagConfig {
    /// Entity kinds the tag filters.
    #[serde(default, deserialize_with = "null_as_default")]
    pub filtering: Vec<TagContext>,
    /// Entity kinds the tag is displayed on.
    #[serde(default, deserialize_with = "null_as_default")]
    pub display: Vec<TagContext>,
    /// An Iconify icon name.
    #[serde(default)]
    pub iconify_icon: Option<String>,
}

/// A campaign: an id (achievements) or the full object (rewards).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CampaignRef {
    /// Just the campaign's id.
    Id(String),
    /// The whole campaign.
    Campaign(Campaign),
    /// Anything else, kept verbatim.
    Other(Value),
}

impl CampaignRef {
    /// The campaign's id, whichever form it came in.
    pub fn id(&self) -> Option<&str> {
        match self {
            CampaignRef::Id(id) => Some(id),
            CampaignRef::Campaign(c) => Some(&c.id),
            CampaignRef::Other(raw) => raw.get("id").and_then(Value::as_str),
        }
    }
}

/// A marketing campaign grouping entities.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Campaign {
    /// The campaign's id.
    pub id: String,
    /// The organisation it belongs to.
    #[serde(default)]
    pub organisation_id: Option<String>,
    /// Its name.
    #[serde(default)]
    pub name: Option<String>,
    /// When it starts.
    #[serde(default)]
    pub start_date: Option<DateText>,
    /// When it ends.
    #[serde(default)]
    pub end_date: Option<DateText>,
    /// Its lifecycle status.
    #[serde(default)]
    pub status: Option<EntityStatus>,
    /// When it was created.
    #[serde(default)]
    pub created_at: Option<DateText>,
    /// When it was last changed.
    #[serde(default)]
    pub updated_at: Option<DateText>,
}

/// An asset the user holds (`GET /me/rewards`): a voucher, a code, a badge.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RewardAsset {
    /// The asset's id.
    pub id: String,
    /// The organisation it belongs to.
    #[serde(default)]
    pub organisation_id: Option<String>,
    /// The community it belongs to.
    #[serde(default)]
    pub community_id: Option<String>,
    /// Other communities it is shown in.
    #[serde(default, deserialize_with = "null_as_default")]
    pub additional_community_ids: Vec<String>,
    /// The reward it comes from.
    #[serde(default)]
    pub reward_id: Option<String>,
    /// The allocation it was taken from.
    #[serde(default)]
    pub allocation_id: Option<String>,
    /// The owner (Nudj user id).
    #[serde(default)]
    pub user_id: Option<String>,
    /// Title, description and images.
    #[serde(default)]
    pub details: Option<Details>,
    /// How to redeem it.
    #[serde(default)]
    pub redeemable: Option<Redemption>,
    /// The category of the event that earned it.
    #[serde(default)]
    pub event_category: Option<EventCategory>,
    /// The sub-category of the event that earned it.
    #[serde(default)]
    pub event_sub_category: Option<EventSubCategory>,
    /// The entity whose event earned it (for example the achievement id).
    #[serde(default)]
    pub event_source_id: Option<String>,
    /// Tag ids.
    #[serde(default, deserialize_with = "null_as_default")]
    pub tags: Vec<String>,
    /// Campaign ids.
    #[serde(default, deserialize_with = "null_as_default")]
    pub campaigns: Vec<String>,
    /// Free-form metadata.
    #[serde(default, deserialize_with = "null_as_default")]
    pub metadata: Map<String, Value>,
    /// When the user claimed it.
    #[serde(default)]
    pub claimed_at: Option<DateText>,
    /// When the user redeemed it.
    #[serde(default)]
    pub redeemed_at: Option<DateText>,
    /// When it expires.
    #[serde(default)]
    pub expires_at: Option<DateText>,
    /// When it was created.
    #[serde(default)]
    pub created_at: Option<DateText>,
    /// When it was last changed.
    #[serde(default)]
    pub updated_at: Option<DateText>,
}

/// The user's entries into one prize draw (`GET /me/reward-entries`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RewardEntry {
    /// The entry's id.
    pub id: String,
    /// The organisation it belongs to.
    #[serde(default)]
    pub organisation_id: Option<String>,
    /// The community it belongs to.
    #[serde(default)]
    pub community_id: Option<String>,
    /// Other communities it is shown in.
    #[serde(default, deserialize_with = "null_as_default")]
    pub additional_community_ids: Vec<String>,
    /// The reward (prize draw).
    #[serde(default)]
    pub reward_id: Option<String>,
    /// The owner (Nudj user id).
    #[serde(default)]
    pub user_id: Option<String>,
    /// Ids of assets won through the draw.
    #[serde(default, deserialize_with = "null_as_default")]
    pub reward_asset_ids: Vec<String>,
    /// Title, description and images.
    #[serde(default)]
    pub details: Option<Details>,
    /// How many entries the user holds in total.
    #[serde(default)]
    pub total_entries: Option<u64>,
    /// Each time entries were added.
    #[serde(default, deserialize_with = "null_as_default")]
    pub entries: Vec<EntryGrant>,
    /// Tag ids.
    #[serde(default, deserialize_with = "null_as_default")]
    pub tags: Vec<String>,
    /// Campaign ids.
    #[serde(default, deserialize_with = "null_as_default")]
    pub campaigns: Vec<String>,
    /// The draw state.
    #[serde(default)]
    pub status: Option<RewardEntryStatus>,
    /// When the result should be checked.
    #[serde(default)]
    pub check_by_date: Option<DateText>,
    /// When the user checked the result.
    #[serde(default)]
    pub checked_at: Option<DateText>,
    /// When the draw happened.
    #[serde(default)]
    pub drawn_at: Option<DateText>,
    /// Assets won through the draw.
    #[serde(default, deserialize_with = "null_as_default")]
    pub reward_assets: Vec<RewardAsset>,
    /// When it was created.
    #[serde(default)]
    pub created_at: Option<DateText>,
    /// When it was last changed.
    #[serde(default)]
    pub updated_at: Option<DateText>,
}

/// Entries added to a prize draw at one time.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EntryGrant {
    /// The allocation they came from.
    #[serde(default)]
    pub allocation_id: Option<String>,
    /// How many entries.
    #[serde(default)]
    pub amount: Option<u64>,
    /// When they were added.
    #[serde(default)]
    pub created_at: Option<DateText>,
}

/// What completing an achievement (or ranking on a leaderboard) hands out: the newer `reward`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RewardDistribution {
    /// Points given.
    #[serde(default)]
    pub points: Option<i64>,
    /// XP given on completion.
    #[serde(default)]
    pub completion_xp: Option<i64>,
    /// Reward items given.
    #[serde(default, deserialize_with = "null_as_default")]
    pub items: Vec<RewardItem>,
    /// How items are picked.
    #[serde(default)]
    pub reward_selection_method: Option<RewardSelectionMethod>,
    /// How many items a user receives.
    #[serde(default)]
    pub number_of_rewards_to_receive: Option<u64>,
    /// The distribution event behind it.
    #[serde(default)]
    pub distribution_event_id: Option<String>,
}

/// One reward item of a [`RewardDistribution`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RewardItem {
    /// The reward's id.
    #[serde(default)]
    pub id: Option<String>,
    /// Title, description and images.
    #[serde(default)]
    pub details: Option<Details>,
    /// Assets or entries.
    #[serde(default, rename = "type")]
    pub item_type: Option<AllocationType>,
    /// How many are given.
    #[serde(default)]
    pub amount_to_distribute: Option<u64>,
    /// The total supply.
    #[serde(default)]
    pub total_supply: Option<u64>,
    /// What is left of the supply.
    #[serde(default)]
    pub remaining_supply: Option<u64>,
}

/// The older form of an achievement's reward: `rewardDistribution`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LegacyRewardDistribution {
    /// Points given.
    #[serde(default)]
    pub points: Option<i64>,
    /// XP given.
    #[serde(default)]
    pub xp: Option<i64>,
    /// How allocations are picked.
    #[serde(default)]
    pub reward_selection_method: Option<RewardSelectionMethod>,
    /// The distribution event behind it.
    #[serde(default)]
    pub distribution_event_id: Option<String>,
    /// The allocations handed out.
    #[serde(default, deserialize_with = "null_as_default")]
    pub reward_allocations: Vec<RewardAllocationRef>,
    /// How many allocations a user receives.
    #[serde(default)]
    pub number_of_rewards_to_receive: Option<u64>,
}

/// One allocation of a [`LegacyRewardDistribution`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RewardAllocationRef {
    /// The reward.
    #[serde(default)]
    pub reward_id: Option<String>,
    /// The allocation of that reward.
    #[serde(default)]
    pub allocation_id: Option<String>,
    /// Assets or entries.
    #[serde(default)]
    pub allocation_type: Option<AllocationType>,
    /// How many are given.
    #[serde(default)]
    pub amount_to_distribute: Option<u64>,
}

/// A reward listed beside an older `rewardDistribution` (`rewards: [{id, details}]`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RewardSummary {
    /// The reward's id.
    #[serde(default)]
    pub id: Option<String>,
    /// Title, description and images.
    #[serde(default)]
    pub details: Option<Details>,
}
