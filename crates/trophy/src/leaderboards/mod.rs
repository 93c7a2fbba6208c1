//! Leaderboards: list them and read one with its rankings, page by page or as a stream
//! (`/leaderboards`). A user's own rank is under [`crate::users::Users::leaderboard`].

use chrono::NaiveDate;
use futures::stream::BoxStream;
use questkit_core::pagination::OffsetPage;
use questkit_core::{Result, Transport};

use crate::common::user_attributes_query;

mod models;

pub use models::{
    EventLeaderboard, Leaderboard, LeaderboardHistoryEntry, LeaderboardRanking, LeaderboardStatus,
    LeaderboardWithRankings, RankBy, RankChangedLeaderboard, RunUnit, UserLeaderboard,
    UserLeaderboardWithHistory,
};

/// The page size of [`GetLeaderboard::rankings`] when no [`GetLeaderboard::limit`] is set.
pub const DEFAULT_PAGE_SIZE: u64 = 100;

/// The leaderboard calls of a [`crate::Trophy`] client (`trophy.leaderboards()`).
#[derive(Clone, Copy, Debug)]
pub struct Leaderboards<'a> {
    transport: &'a Transport,
}

impl<'a> Leaderboards<'a> {
    pub(crate) fn new(transport: &'a Transport) -> Self {
        Leaderboards { transport }
    }

    /// `GET /leaderboards`: active and scheduled leaderboards (and finished ones with
    /// [`AllLeaderboards::include_finished`]).
    pub fn all(&self) -> AllLeaderboards {
        AllLeaderboards::from(
            self.transport
                .get("leaderboards", &[])
                .operation("leaderboards.all"),
        )
    }

    /// `GET /leaderboards/{key}`: a leaderboard and one page of its rankings; or, with
    /// [`GetLeaderboard::rankings`], every ranking as a stream that fetches pages lazily.
    ///
    /// ```no_run
    /// # async fn run(trophy: questkit_trophy::Trophy) -> questkit_core::Result<()> {
    /// use futures::TryStreamExt;
    ///
    /// let top = trophy.leaderboards().get("weekly-words").limit(3).await?;
    /// println!("{} leads {}", top.rankings[0].user_id, top.name);
    ///
    /// let everyone: Vec<_> = trophy.leaderboards().get("weekly-words").rankings().try_collect().await?;
    /// println!("{} ranked users", everyone.len());
    /// # Ok(()) }
    /// ```
    pub fn get(&self, key: &str) -> GetLeaderboard {
        GetLeaderboard::from(
            self.transport
                .get("leaderboards/{key}", &[key])
                .operation("leaderboards.get"),
        )
    }
}

questkit_core::call! {
    /// The call of [`Leaderboards::all`].
    pub struct AllLeaderboards -> Vec<Leaderboard>;
}

impl AllLeaderboards {
    /// Also returns finished leaderboards (`includeFinished`, default `false`).
    pub fn include_finished(mut self, include: bool) -> Self {
        self.inner = self.inner.set_query("includeFinished", include);
        self
    }
}

questkit_core::call! {
    /// The call of [`Leaderboards::get`]: await it for one page, or turn it into a stream of
    /// every ranking with [`GetLeaderboard::rankings`].
    pub struct GetLeaderboard -> LeaderboardWithRankings;
}

impl GetLeaderboard {
    /// Skips this many rankings (default 0; relative to the user with [`GetLeaderboard::user_id`]).
    pub fn offset(mut self, offset: u64) -> Self {
        self.inner = self.inner.set_query("offset", offset);
        self
    }

    /// Returns at most this many rankings (Trophy's default is 10); also the page size of
    /// [`GetLeaderboard::rankings`].
    pub fn limit(mut self, limit: u64) -> Self {
        self.inner = self.inner.set_query("limit", limit);
        self
    }

    /// The run of a recurring leaderboard, by its date (default: the current run).
    pub fn run(mut self, run: NaiveDate) -> Self {
        self.inner = self.inner.set_query("run", run);
        self
    }

    /// Makes the offset relative to this user's position (an empty page when the user is not
    /// ranked).
    pub fn user_id(mut self, user_id: impl Into<String>) -> Self {
        self.inner = self.inner.set_query("userId", user_id.into());
        self
    }

    /// Filters a broken-down leaderboard by attribute values (`userAttributes`, sent as
    /// `key:value,key:value`).
    pub fn user_attributes<I, K, V>(mut self, pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        self.inner = self
            .inner
            .set_query("userAttributes", user_attributes_query(pairs));
        self
    }

    /// Every ranking from [`GetLeaderboard::offset`] on, fetched lazily page by page (page
    /// size: [`GetLeaderboard::limit`], else [`DEFAULT_PAGE_SIZE`]). The stream ends after a
    /// short or empty page; an error is yielded once and ends it.
    pub fn rankings(self) -> BoxStream<'static, Result<LeaderboardRanking>> {
        self.inner
            .paginate("offset", "limit", DEFAULT_PAGE_SIZE, |board| OffsetPage {
                items: board.rankings,
                total: None,
            })
    }
}
