//! The calling user's own data: `/me/rewards`, `/me/reward-entries`, `/me/streaks`.
// The streaks decoder reads network input: no indexing, no unchecked arithmetic.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use questkit_core::{RawResponse, Result, decode_json};

use crate::client::{LANGUAGE_HEADER, Nudj};
use crate::list::ListCall;
use crate::page::Page;
use crate::rewards::{RewardAsset, RewardEntry};
use crate::streaks::Streak;

/// The calling user's rewards, prize-draw entries and streaks.
#[derive(Clone, Copy, Debug)]
pub struct Me<'a> {
    nudj: &'a Nudj,
}

impl<'a> Me<'a> {
    pub(crate) fn new(nudj: &'a Nudj) -> Self {
        Me { nudj }
    }

    /// The user's reward assets, badges excluded (`GET /me/rewards`), or all with `.stream()`.
    pub fn rewards(&self) -> ListCall<RewardAsset> {
        ListCall::new(self.nudj, "me/rewards", "me.rewards")
    }

    /// The user's prize-draw entries (`GET /me/reward-entries`), or all with `.stream()`.
    pub fn reward_entries(&self) -> ListCall<RewardEntry> {
        ListCall::new(self.nudj, "me/reward-entries", "me.reward_entries")
    }

    /// One prize-draw entry (`GET /me/reward-entries/{rewardEntryId}`).
    pub fn reward_entry(&self, reward_entry_id: &str) -> GetRewardEntry {
        GetRewardEntry::from(
            self.nudj
                .get("me/reward-entries/{rewardEntryId}", &[reward_entry_id])
                .operation("me.reward_entry"),
        )
    }

    /// The user's standing on every streak (`GET /me/streaks`, a bare array).
    ///
    /// ```no_run
    /// # async fn run(nudj: questkit_nudj::Nudj) -> questkit_core::Result<()> {
    /// for streak in nudj.me().streaks().await? {
    ///     let days = streak.user_state.and_then(|s| s.current_streak).unwrap_or(0);
    ///     println!("{}: {days} in a row", streak.id);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn streaks(&self) -> ListMyStreaks {
        ListMyStreaks::from(
            self.nudj
                .get::<Vec<Streak>>("me/streaks", &[])
                .operation("me.streaks")
                .decoder(decode_streaks),
        )
    }
}

/// Reads the bare array Nudj documents, and an enveloped page should the endpoint adopt one.
fn decode_streaks(raw: &RawResponse) -> Result<Vec<Streak>> {
    decode_json::<Page<Streak>>(raw).map(|page| page.edges)
}

questkit_core::call! {
    /// The call of [`Me::reward_entry`].
    pub struct GetRewardEntry -> RewardEntry;
}

impl GetRewardEntry {
    /// The response language for this call (overrides the client's).
    pub fn language(mut self, language: impl AsRef<str>) -> Self {
        self.inner = self.inner.header(LANGUAGE_HEADER, language);
        self
    }
}

questkit_core::call! {
    /// The call of [`Me::streaks`].
    pub struct ListMyStreaks -> Vec<Streak>;
}

impl ListMyStreaks {
    /// The response language for this call (overrides the client's).
    pub fn language(mut self, language: impl AsRef<str>) -> Self {
        self.inner = self.inner.header(LANGUAGE_HEADER, language);
        self
    }
}
