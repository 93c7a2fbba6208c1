//! The paginated list call shared by every `{totalCount, edges}` endpoint.

use std::fmt;
use std::future::IntoFuture;
use std::marker::PhantomData;
use std::time::Duration;

use futures::stream::BoxStream;
use questkit_core::pagination::{OffsetPage, offset_stream};
use questkit_core::{BoxFuture, Error, RawResponse, Request, Result, Transport};
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
    transport: Transport,
    template: &'static str,
    operation: &'static str,
    limit: Option<u32>,
    skip: Option<u64>,
    search: Option<String>,
    sort: Option<String>,
    language: Option<String>,
    headers: Vec<(String, String)>,
    timeout: Option<Duration>,
    max_retries: Option<u32>,
    _items: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for ListCall<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListCall")
            .field("path", &self.template)
            .field("limit", &self.limit)
            .field("skip", &self.skip)
            .field("search", &self.search)
            .field("sort", &self.sort)
            .field("language", &self.language)
            .finish_non_exhaustive()
    }
}

impl<T> Clone for ListCall<T> {
    fn clone(&self) -> Self {
        ListCall {
            transport: self.transport.clone(),
            template: self.template,
            operation: self.operation,
            limit: self.limit,
            skip: self.skip,
            search: self.search.clone(),
            sort: self.sort.clone(),
            language: self.language.clone(),
            headers: self.headers.clone(),
            timeout: self.timeout,
            max_retries: self.max_retries,
            _items: PhantomData,
        }
    }
}

impl<T: DeserializeOwned + Send + 'static> ListCall<T> {
    pub(crate) fn new(nudj: &Nudj, template: &'static str, operation: &'static str) -> Self {
        ListCall {
            transport: nudj.transport().clone(),
            template,
            operation,
            limit: None,
            skip: None,
            search: None,
            sort: None,
            language: nudj.language().map(str::to_owned),
            headers: Vec::new(),
            timeout: None,
            max_retries: None,
            _items: PhantomData,
        }
    }

    /// Items per page, `1..=100` (Nudj's default is 10). Other values fail the call.
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// How many items to skip (offset pagination).
    pub fn skip(mut self, skip: u64) -> Self {
        self.skip = Some(skip);
        self
    }

    /// A case-insensitive text filter.
    pub fn search(mut self, text: impl Into<String>) -> Self {
        self.search = Some(text.into());
        self
    }

    /// The sort order, e.g. `-createdAt` (which keys are accepted depends on the endpoint).
    pub fn sort(mut self, sort: impl Into<String>) -> Self {
        self.sort = Some(sort.into());
        self
    }

    /// The response language for this call (overrides the client's).
    pub fn language(mut self, language: impl Into<String>) -> Self {
        self.language = Some(language.into());
        self
    }

    /// The total timeout of each attempt of this call (overrides the client's).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How many retries this call may make (overrides the client's).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// Adds a header to this call only.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The request of one page, as it would be sent.
    pub fn to_request(&self) -> Request<Page<T>> {
        self.page_request(self.skip, self.limit)
    }

    fn page_request(&self, skip: Option<u64>, limit: Option<u32>) -> Request<Page<T>> {
        let mut request = self
            .transport
            .get::<Page<T>>(self.template, &[])
            .operation(self.operation)
            .query_opt("limit", limit)
            .query_opt("skip", skip)
            .query_opt("search", self.search.as_deref())
            .query_opt("sort", self.sort.as_deref());
        if let Some(limit) = limit.filter(|l| !(1..=MAX_LIMIT).contains(l)) {
            request.fail(Error::invalid_input(format!(
                "limit must be within 1..={MAX_LIMIT}, got {limit}"
            )));
        }
        if let Some(language) = &self.language {
            request = request.header(LANGUAGE_HEADER, language);
        }
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        if let Some(timeout) = self.timeout {
            request = request.timeout(timeout);
        }
        if let Some(retries) = self.max_retries {
            request = request.max_retries(retries);
        }
        request
    }

    /// Fetches one page.
    pub async fn send(self) -> Result<Page<T>> {
        self.to_request().send().await
    }

    /// Fetches one page undecoded (status, headers, body).
    pub async fn send_raw(self) -> Result<RawResponse> {
        self.to_request().send_raw().await
    }

    /// Every item from `skip` on, fetching pages lazily (`limit` per page, 100 by default).
    ///
    /// Follows Nudj's documented loop: `skip` advances by the number of items received, and
    /// the stream ends on an empty page or once `skip` reaches `totalCount`. When a response
    /// has no `totalCount`, a page shorter than `limit` ends it too. An error is yielded once
    /// and ends the stream.
    pub fn stream(self) -> BoxStream<'static, Result<T>> {
        let limit = self.limit.unwrap_or(MAX_LIMIT);
        let start = self.skip.unwrap_or(0);
        offset_stream(start, u64::from(limit), move |skip, _| {
            let page = self.page_request(Some(skip), Some(limit)).send();
            async move {
                let page = page.await?;
                Ok(OffsetPage {
                    items: page.edges,
                    total: page.total_count,
                })
            }
        })
    }
}

impl<T: DeserializeOwned + Send + 'static> IntoFuture for ListCall<T> {
    type Output = Result<Page<T>>;
    type IntoFuture = BoxFuture<Result<Page<T>>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
