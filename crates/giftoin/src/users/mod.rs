//! Users API: a user's progress in collection challenges.
//!
//! - `GET users/{platform}/{platformUserId}/progress/collection-challenges`
//! - `GET users/{platform}/{platformUserId}/progress/collection-challenges/{programId}`

pub mod models;

use questkit_core::Transport;

use crate::decode::{decode_list, decode_payload};
use crate::platform::Platform;

pub use models::{
    Card, ChallengeDuration, ChallengeStatus, CollectionChallenge, DurationEnd, DurationStart,
    Environment, Program, Rarity, Reward, ViewType,
};

/// The Users API of a [`Giftoin`](crate::Giftoin) client.
#[derive(Clone, Copy, Debug)]
pub struct Users<'a> {
    transport: &'a Transport,
}

impl<'a> Users<'a> {
    pub(crate) fn new(transport: &'a Transport) -> Self {
        Users { transport }
    }

    /// Every collection challenge of a user, with the user's progress in each.
    ///
    /// `platform` is a [`Platform`] or a plain string (`"discord"`); the platform and the user
    /// ID are each sent as one path segment, whatever characters they hold.
    ///
    /// ```no_run
    /// use questkit_core::HasProgress;
    /// use questkit_giftoin::{Giftoin, Platform};
    ///
    /// # async fn run(giftoin: Giftoin) -> questkit_core::Result<()> {
    /// let challenges = giftoin
    ///     .users()
    ///     .collection_challenges(Platform::Discord, "123456789012345678")
    ///     .await?;
    /// for challenge in &challenges {
    ///     println!("{:?}: {}%", challenge.name, challenge.progress().percent());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn collection_challenges(
        &self,
        platform: impl Into<Platform>,
        platform_user_id: impl AsRef<str>,
    ) -> GetCollectionChallenges {
        let platform = platform.into();
        self.transport
            .get::<()>(
                "users/{platform}/{platformUserId}/progress/collection-challenges",
                &[platform.as_str(), platform_user_id.as_ref()],
            )
            .operation("users.collection_challenges")
            .decoder(decode_list)
            .into()
    }

    /// One collection challenge of a user (`programId`, e.g. `program_123`), with the user's
    /// progress.
    ///
    /// ```no_run
    /// use questkit_giftoin::Giftoin;
    ///
    /// # async fn run(giftoin: Giftoin) -> questkit_core::Result<()> {
    /// let challenge = giftoin
    ///     .users()
    ///     .collection_challenge("roblox", "261", "program_123")
    ///     .await?;
    /// for card in challenge.missing_cards() {
    ///     println!("still missing: {:?}", card.name);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn collection_challenge(
        &self,
        platform: impl Into<Platform>,
        platform_user_id: impl AsRef<str>,
        program_id: impl AsRef<str>,
    ) -> GetCollectionChallenge {
        let platform = platform.into();
        self.transport
            .get::<()>(
                "users/{platform}/{platformUserId}/progress/collection-challenges/{programId}",
                &[
                    platform.as_str(),
                    platform_user_id.as_ref(),
                    program_id.as_ref(),
                ],
            )
            .operation("users.collection_challenge")
            .decoder(decode_payload)
            .into()
    }
}

questkit_core::call! {
    /// The call of [`Users::collection_challenges`]: await it for the list of challenges.
    pub struct GetCollectionChallenges -> Vec<CollectionChallenge>;
}

questkit_core::call! {
    /// The call of [`Users::collection_challenge`]: await it for the challenge.
    pub struct GetCollectionChallenge -> CollectionChallenge;
}
