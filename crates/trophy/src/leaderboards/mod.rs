//! Leaderboards: list them and read one with its rankings, page by page or as a stream
//! (`/leaderboards`). A user's own rank is under [`crate::users::Users::leaderboard`].

use std::future::IntoFuture;
use std::time::Duration;

use chrono::NaiveDate;
use futures::stream::BoxStream;
use questkit_core::pagination::{OffsetPage, offset_stream};
use questkit_core::{BoxFuture, RawResponse, Request, Result, Transport};

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
        GetLeaderboard {
            transport: self.transport.clone(),
            key: key.to_owned(),
            offset: None,
            limit: None,
            run: None,
            user_id: None,
            user_attributes: None,
            timeout: None,
            max_retries: None,
            headers: Vec::new(),
        }
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

/// The call of [`Leaderboards::get`]: await it for one page, or turn it into a stream of every
/// ranking with [`GetLeaderboard::rankings`].
#[must_use = "a call does nothing until it is awaited or sent"]
#[derive(Clone, Debug)]
pub struct GetLeaderboard {
    transport: Transport,
    key: String,
    offset: Option<u64>,
    limit: Option<u64>,
    run: Option<NaiveDate>,
    user_id: Option<String>,
    user_attributes: Option<String>,
    timeout: Option<Duration>,
    max_retries: Option<u32>,
    headers: Vec<(String, String)>,
}

impl GetLeaderboard {
    /// Skips this many rankings (default 0; relative to the user with [`GetLeaderboard::user_id`]).
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }

    /// Returns at most this many rankings (Trophy's default is 10); also the page size of
    /// [`GetLeaderboard::rankings`].
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }

    /// The run of a recurring leaderboard, by its date (default: the current run).
    pub fn run(mut self, run: NaiveDate) -> Self {
        self.run = Some(run);
        self
    }

    /// Makes the offset relative to this user's position (an empty page when the user is not
    /// ranked).
    pub fn user_id(mut self, user_id: impl Into<String>) -> Self {
        self.user_id = Some(user_id.into());
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
        self.user_attributes = Some(user_attributes_query(pairs));
        self
    }

    /// The total timeout of each attempt (overrides the client's).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How many retries each request may make (overrides the client's).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// Adds a header to this call only.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The request this call sends (for a stream: the first page's).
    pub fn request(&self) -> Request<LeaderboardWithRankings> {
        self.build(self.offset, self.limit)
    }

    fn build(&self, offset: Option<u64>, limit: Option<u64>) -> Request<LeaderboardWithRankings> {
        let mut request = self
            .transport
            .get("leaderboards/{key}", &[&self.key])
            .operation("leaderboards.get")
            .query_opt("offset", offset)
            .query_opt("limit", limit)
            .query_opt("run", self.run)
            .query_opt("userId", self.user_id.as_deref())
            .query_opt("userAttributes", self.user_attributes.as_deref());
        if let Some(timeout) = self.timeout {
            request = request.timeout(timeout);
        }
        if let Some(retries) = self.max_retries {
            request = request.max_retries(retries);
        }
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        request
    }

    /// Sends the call and decodes the leaderboard with one page of rankings.
    pub async fn send(self) -> Result<LeaderboardWithRankings> {
        self.request().send().await
    }

    /// Sends the call and returns the raw success response.
    pub async fn send_raw(self) -> Result<RawResponse> {
        self.request().send_raw().await
    }

    /// Every ranking from [`GetLeaderboard::offset`] on, fetched lazily page by page (page
    /// size: [`GetLeaderboard::limit`], else [`DEFAULT_PAGE_SIZE`]). The stream ends after a
    /// short or empty page; an error is yielded once and ends it.
    pub fn rankings(self) -> BoxStream<'static, Result<LeaderboardRanking>> {
        let start = self.offset.unwrap_or(0);
        let page_size = self.limit.filter(|l| *l > 0).unwrap_or(DEFAULT_PAGE_SIZE);
        offset_stream(start, page_size, move |offset, limit| {
            let request = self.build(Some(offset), Some(limit));
            async move {
                let board = request.send().await?;
                Ok(OffsetPage {
                    items: board.rankings,
                    total: None,
                })
            }
        })
    }
}

impl IntoFuture for GetLeaderboard {
    type Output = Result<LeaderboardWithRankings>;
    type IntoFuture = BoxFuture<Result<LeaderboardWithRankings>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
