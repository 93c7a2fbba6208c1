//! Rewards: the catalogue, and the distributions attached to achievements.

mod models;

pub use models::{
    AllocationType, AllocationsType, Campaign, CampaignRef, EntityStatus, EntryGrant,
    LegacyRewardDistribution, RedeemableType, Redemption, Reward, RewardAllocation,
    RewardAllocationRef, RewardAsset, RewardDistribution, RewardEntry, RewardEntryStatus,
    RewardItem, RewardSelectionMethod, RewardSummary, Tag, TagConfig, TagContext, TagRef,
};

use crate::client::Nudj;
use crate::list::ListCall;

/// The reward catalogue: `GET /rewards`.
#[derive(Clone, Copy, Debug)]
pub struct Rewards<'a> {
    nudj: &'a Nudj,
}

impl<'a> Rewards<'a> {
    pub(crate) fn new(nudj: &'a Nudj) -> Self {
        Rewards { nudj }
    }

    /// A page of rewards (`GET /rewards`), or all of them with `.stream()`.
    ///
    /// ```no_run
    /// # async fn run(nudj: questkit_nudj::Nudj) -> questkit_core::Result<()> {
    /// for reward in nudj.rewards().list().limit(50).await? {
    ///     println!("{} costs {:?} points", reward.id, reward.asset_points_price);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn list(&self) -> ListCall<Reward> {
        ListCall::new(self.nudj, "rewards", "rewards.list")
    }
}
