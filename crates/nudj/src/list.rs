//! The paginated list call shared by every `{totalCount, edges}` endpoint.
// Pagination follows counts the server sends: no indexing, no unchecked arithmetic.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::fmt;
use std::future::IntoFuture;
use std::time::Duration;

use futures::stream::BoxStream;
use questkit_core::pagination::OffsetPage;
use questkit_core::{Error, RawResponse, Request, ResponseFuture, Result};
use serde::de::DeserializeOwned;

use crate::client::{LANGUAGE_HEADER, Nudj};
use crate::page::Page;

/// The largest page Nudj serves.
pub const MAX_LIMIT: u32 = 100;

/// A list call: `limit`, `skip`, `search`, `sort`, then `.await` one page or `.stream()` every
/// item.
///
/// ```no_run
/// use futures::TryStreamExt;
/// use questkit_nudj::Nudj;
///
/// # async fn run(nudj: Nudj) -> questkit_core::Result<()> {
/// let page = nudj.achievements().list().limit(20).sort("-createdAt").await?;
/// println!("{} of {:?}", page.edges.len(), page.total_count);
///
/// let all: Vec<_> = nudj.achievements().list().search("visit").stream().try_collect().await?;
/// # Ok(())
/// # }
/// ```
#[must_use = "a call does nothing until it is awaited, sent or streamed"]
pub struct ListCall<T> {
    inner: Request<Page<T>>,
}

impl<T> fmt::Debug for ListCall<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ListCall").field(&self.inner).finish()
    }
}

impl<T> Clone for ListCall<T> {
    fn clone(&self) -> Self {
        ListCall {
            inner: self.inner.clone(),
        }
    }
}

impl<T: DeserializeOwned + Send + 'static> ListCall<T> {
    pub(crate) fn new(nudj: &Nudj, template: &'static str, operation: &'static str) -> Self {
        let mut inner = nudj.transport().get(template, &[]).operation(operation);
        if let Some(language) = nudj.language() {
            inner = inner.header(LANGUAGE_HEADER, language);
        }
        ListCall { inner }
    }

    /// Items per page, `1..=100` (Nudj's default is 10). Other values fail the call.
    pub fn limit(mut self, limit: u32) -> Self {
        self.inner = self.inner.set_query("limit", limit);
        if !(1..=MAX_LIMIT).contains(&limit) {
            self.inner.fail(Error::invalid_input(format!(
                "limit must be within 1..={MAX_LIMIT}, got {limit}"
            )));
        }
        self
    }

    /// How many items to skip (offset pagination).
    pub fn skip(mut self, skip: u64) -> Self {
        self.inner = self.inner.set_query("skip", skip);
        self
    }

    /// A case-insensitive text filter.
    pub fn search(mut self, text: impl Into<String>) -> Self {
        self.inner = self.inner.set_query("search", text.into());
        self
    }

    /// The sort order, e.g. `-createdAt` (which keys are accepted depends on the endpoint).
    pub fn sort(mut self, sort: impl Into<String>) -> Self {
        self.inner = self.inner.set_query("sort", sort.into());
        self
    }

    /// The response language for this call (overrides the client's).
    pub fn language(mut self, language: impl AsRef<str>) -> Self {
        self.inner = self.inner.header(LANGUAGE_HEADER, language);
        self
    }

    /// The total timeout of each attempt of this call (overrides the client's).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.inner = self.inner.timeout(timeout);
        self
    }

    /// How many retries this call may make (overrides the client's).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.inner = self.inner.max_retries(retries);
        self
    }

    /// Adds a header to this call only.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.inner = self.inner.header(name, value);
        self
    }

    /// The request of one page, as it would be sent.
    pub fn to_request(&self) -> Request<Page<T>> {
        self.inner.clone()
    }

    /// Fetches one page.
    pub fn send(self) -> ResponseFuture<Page<T>> {
        self.inner.send()
    }

    /// Fetches one page undecoded (status, headers, body).
    pub async fn send_raw(self) -> Result<RawResponse> {
        self.inner.send_raw().await
    }

    /// Every item from `skip` on, fetching pages lazily (`limit` per page, 100 by default).
    ///
    /// Follows Nudj's documented loop: `skip` advances by the number of items received, and
    /// the stream ends on an empty page or once `skip` reaches `totalCount`. When a response
    /// has no `totalCount`, a page shorter than `limit` ends it too. An error is yielded once
    /// and ends the stream.
    pub fn stream(self) -> BoxStream<'static, Result<T>> {
        self.inner
            .paginate("skip", "limit", u64::from(MAX_LIMIT), |page| OffsetPage {
                items: page.edges,
                total: page.total_count,
            })
    }
}

impl<T: DeserializeOwned + Send + 'static> IntoFuture for ListCall<T> {
    type Output = Result<Page<T>>;
    type IntoFuture = ResponseFuture<Page<T>>;

    fn into_future(self) -> Self::IntoFuture {
        self.inner.send()
    }
}
