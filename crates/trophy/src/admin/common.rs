//! What every admin resource shares: the answer of a bulk write (items plus `issues`), the
//! attribute filters and badges many resources carry, and the call values (`AdminCall`,
//! `ListCall`) with the checks made before a request is sent.

use std::fmt;
use std::future::IntoFuture;
use std::time::Duration;

use futures::stream::BoxStream;
use questkit_core::pagination::OffsetPage;
use questkit_core::reqwest::Method;
use questkit_core::serde_helpers::null_as_default;
use questkit_core::{Error, LenientId, RawResponse, Request, ResponseFuture, Result, Transport};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The most items a bulk create, update or delete takes in one request.
pub const MAX_ITEMS: usize = 100;

/// The page size of `.stream()` on admin lists when no `.limit(..)` is set: the largest page
/// Trophy serves, so that a stream costs as few (Tier 1 rate-limited) requests as possible.
pub const STREAM_PAGE_SIZE: u64 = 100;

questkit_core::open_enum! {
    /// How serious an [`AdminIssue`] is.
    pub enum IssueSeverity {
        /// The item was not written.
        Error => "error",
        /// The item was written, with a remark (a freeze over the limit was capped, ...).
        Warning => "warning",
    }
}

questkit_core::open_enum! {
    /// Whether a points system, tenant or streak pause is in use.
    pub enum ArchiveStatus {
        /// In use.
        Active => "active",
        /// Archived.
        Archived => "archived",
    }
}

/// A problem with one item of a bulk admin request (schema `AdminIssue`).
///
/// Trophy processes bulk writes item by item: the items it could write come back in the
/// answer, the others (and remarks on written ones) as issues. An issue names its item by
/// `index` (its position in the request, when no resource exists yet) or by an ID.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AdminIssue {
    /// The resource the issue is about, when it has an ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<LenientId>,
    /// The user the issue is about, for per-user writes (streaks, keys, boosts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<LenientId>,
    /// The points boost the issue is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boost_id: Option<LenientId>,
    /// The zero-based position of the item in the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<i64>,
    /// Error (not written) or warning (written, with a remark).
    pub severity: IssueSeverity,
    /// What went wrong, in Trophy's words.
    pub message: String,
}

impl AdminIssue {
    /// Whether the item was not written.
    pub fn is_error(&self) -> bool {
        self.severity == IssueSeverity::Error
    }

    /// The item's position in the request, when the issue names one.
    pub fn position(&self) -> Option<usize> {
        self.index.and_then(|i| usize::try_from(i).ok())
    }
}

/// The helpers every bulk answer has, over its `issues`.
macro_rules! issue_helpers {
    ($name:ident $(<$t:ident>)?) => {
        impl$(<$t>)? $name$(<$t>)? {
            /// Whether some item was refused (an issue of severity `error`).
            pub fn has_errors(&self) -> bool {
                self.issues.iter().any(AdminIssue::is_error)
            }

            /// The issues of severity `error`: the items that were not written.
            pub fn errors(&self) -> impl Iterator<Item = &AdminIssue> + '_ {
                self.issues.iter().filter(|issue| issue.is_error())
            }
        }
    };
}

/// The answer of a bulk create: what was created, and the issues of the other items.
///
/// Trophy answers 201 when at least one item was created and 200 when none was; both arrive
/// here. Issues are never an error of the call: check [`Created::issues`] (or
/// [`Created::has_errors`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
#[non_exhaustive]
pub struct Created<T> {
    /// The created resources, in request order.
    #[serde(default = "Vec::new", deserialize_with = "null_as_default")]
    pub created: Vec<T>,
    /// Problems with individual items (errors: not created; warnings: created anyway).
    #[serde(default, deserialize_with = "null_as_default")]
    pub issues: Vec<AdminIssue>,
}
issue_helpers!(Created<T>);

/// The answer of a bulk update: what was updated, and the issues of the other items.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
#[non_exhaustive]
pub struct Updated<T> {
    /// The updated resources as they are now.
    #[serde(default = "Vec::new", deserialize_with = "null_as_default")]
    pub updated: Vec<T>,
    /// Problems with individual items (an unknown ID, a field that cannot change, ...).
    #[serde(default, deserialize_with = "null_as_default")]
    pub issues: Vec<AdminIssue>,
}
issue_helpers!(Updated<T>);

/// The answer of a bulk delete: the IDs deleted, and the issues of the others.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Deleted {
    /// The deleted resources.
    #[serde(default, deserialize_with = "null_as_default")]
    pub deleted: Vec<DeletedResource>,
    /// Problems with individual IDs (unknown, still in use, ...).
    #[serde(default, deserialize_with = "null_as_default")]
    pub issues: Vec<AdminIssue>,
}
issue_helpers!(Deleted);

/// A deleted resource (schema `DeletedResource`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DeletedResource {
    /// Its ID.
    pub id: LenientId,
}

/// An attribute filter: the attribute's ID (not its key) and the value to match (schemas
/// `*UserAttributesItem`, `*EventAttributesItem` of the admin API).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AttributeFilter {
    /// The attribute's ID (see `admin().attributes()`).
    pub attribute_id: LenientId,
    /// The value the attribute must have.
    pub attribute_value: String,
}

impl AttributeFilter {
    /// A filter on attribute `attribute_id` having `value`.
    pub fn new(attribute_id: impl Into<String>, value: impl Into<String>) -> Self {
        AttributeFilter {
            attribute_id: LenientId::from(attribute_id.into()),
            attribute_value: value.into(),
        }
    }
}

/// An image: a badge, a logo, an app icon (`{"url": ...}`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Badge {
    /// The image URL.
    pub url: String,
}

impl Badge {
    /// An image at `url`.
    pub fn new(url: impl Into<String>) -> Self {
        Badge { url: url.into() }
    }
}

/// Fails `request` unless it carries 1 to `max` items.
pub(crate) fn check_count<T>(request: &mut Request<T>, operation: &str, count: usize, max: usize) {
    if count == 0 {
        request.fail(Error::invalid_input(format!(
            "{operation}: at least one item is required"
        )));
    } else if count > max {
        request.fail(Error::invalid_input(format!(
            "{operation}: {count} items, at most {max} per request"
        )));
    }
}

/// Fails `request` with the first item `check` refuses, naming its position.
pub(crate) fn check_items<T, I>(
    request: &mut Request<T>,
    operation: &str,
    items: &[I],
    check: impl Fn(&I) -> std::result::Result<(), String>,
) {
    if let Some((index, message)) = items
        .iter()
        .enumerate()
        .find_map(|(i, item)| check(item).err().map(|m| (i, m)))
    {
        request.fail(Error::invalid_input(format!(
            "{operation}: item {index}: {message}"
        )));
    }
}

/// A bulk write whose JSON body is the list of items itself, checked for 1 to
/// [`MAX_ITEMS`] items and with `check` on each.
pub(crate) fn bulk<T: DeserializeOwned, I: Serialize>(
    transport: &Transport,
    method: Method,
    template: &'static str,
    params: &[&str],
    operation: &'static str,
    items: &[I],
    check: impl Fn(&I) -> std::result::Result<(), String>,
) -> Request<T> {
    let mut request = transport
        .request::<T>(method, template, params)
        .operation(operation)
        .json(items);
    check_count(&mut request, operation, items.len(), MAX_ITEMS);
    check_items(&mut request, operation, items, check);
    request
}

/// No check beyond the count.
pub(crate) fn any<I>(_: &I) -> std::result::Result<(), String> {
    Ok(())
}

/// A `DELETE` with the IDs as a repeated `ids` query parameter (as Trophy's SDKs send them).
/// A delete without IDs is never sent: it fails with [`Error::InvalidInput`].
pub(crate) fn delete<I, S>(
    transport: &Transport,
    template: &'static str,
    params: &[&str],
    operation: &'static str,
    ids: I,
) -> Request<Deleted>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut request = transport
        .delete::<Deleted>(template, params)
        .operation(operation);
    let mut count = 0usize;
    for id in ids {
        count += 1;
        request = request.query("ids", id.as_ref());
    }
    check_count(&mut request, operation, count, MAX_ITEMS);
    request
}

/// A call of the admin API; `.await` it (or `.send()`) for its typed answer.
///
/// Every admin call has the per-call options of the application calls (timeout, retries,
/// deadline, an extra header such as another `Tenant-ID`), and `.send_raw()` for fields the
/// models do not have yet.
#[must_use = "a call does nothing until it is awaited or sent"]
pub struct AdminCall<T> {
    inner: Request<T>,
}

impl<T> fmt::Debug for AdminCall<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AdminCall")
            .field("request", &self.inner)
            .finish()
    }
}

impl<T> From<Request<T>> for AdminCall<T> {
    fn from(inner: Request<T>) -> Self {
        AdminCall { inner }
    }
}

impl<T> AdminCall<T> {
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

    /// The total deadline of this call, retries and waits included (overrides the client's).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.inner = self.inner.deadline(deadline);
        self
    }

    /// Adds a header to this call only; `Tenant-ID` here replaces the client's tenant.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.inner = self.inner.header(name, value);
        self
    }

    /// Sends the call and decodes the answer.
    pub fn send(self) -> ResponseFuture<T> {
        self.inner.send()
    }

    /// Sends the call and returns the raw success response (status, headers, request id,
    /// body), for fields the models do not have yet.
    pub async fn send_raw(self) -> Result<RawResponse> {
        self.inner.send_raw().await
    }

    /// The underlying request (method, path, query, body).
    pub fn request(&self) -> &Request<T> {
        &self.inner
    }
}

impl<T> IntoFuture for AdminCall<T> {
    type Output = Result<T>;
    type IntoFuture = ResponseFuture<T>;

    fn into_future(self) -> Self::IntoFuture {
        self.inner.send()
    }
}

/// A `list` call of the admin API (`limit`/`skip`): `.await` it for one page, or turn it into
/// a stream of every item with [`ListCall::stream`].
///
/// Trophy pages by position, so a list that changes while it is paged (an item created or
/// deleted in between) can make the stream skip an item or yield one twice; dedupe by ID if
/// that matters.
#[must_use = "a call does nothing until it is awaited or sent"]
pub struct ListCall<T> {
    inner: Request<Vec<T>>,
}

impl<T> fmt::Debug for ListCall<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListCall")
            .field("request", &self.inner)
            .finish()
    }
}

impl<T> From<Request<Vec<T>>> for ListCall<T> {
    fn from(inner: Request<Vec<T>>) -> Self {
        ListCall { inner }
    }
}

impl<T> ListCall<T> {
    /// Returns at most this many items (Trophy takes 1 to 100; its default is 10); also the
    /// page size of [`ListCall::stream`].
    pub fn limit(mut self, limit: u32) -> Self {
        self.inner = self.inner.set_query("limit", limit);
        self
    }

    /// Skips this many items from the start of the list (default 0); also where
    /// [`ListCall::stream`] starts.
    pub fn skip(mut self, skip: u64) -> Self {
        self.inner = self.inner.set_query("skip", skip);
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

    /// The total deadline of this call, retries and waits included (overrides the client's).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.inner = self.inner.deadline(deadline);
        self
    }

    /// Adds a header to this call only; `Tenant-ID` here replaces the client's tenant.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.inner = self.inner.header(name, value);
        self
    }

    /// Sends the call and decodes one page.
    pub fn send(self) -> ResponseFuture<Vec<T>> {
        self.inner.send()
    }

    /// Sends the call and returns the raw success response.
    pub async fn send_raw(self) -> Result<RawResponse> {
        self.inner.send_raw().await
    }

    /// The underlying request (method, path, query).
    pub fn request(&self) -> &Request<Vec<T>> {
        &self.inner
    }
}

impl<T: Send + 'static> ListCall<T> {
    /// Every item from [`ListCall::skip`] on, fetched lazily page by page (page size:
    /// [`ListCall::limit`], else [`STREAM_PAGE_SIZE`]). The stream ends after a short or empty
    /// page; an error is yielded once and ends it. A list that changes while it is paged can
    /// make the stream skip or repeat items (Trophy pages by position).
    ///
    /// ```no_run
    /// # async fn run(trophy: questkit_trophy::Trophy) -> questkit_core::Result<()> {
    /// use futures::TryStreamExt;
    /// let metrics: Vec<_> = trophy.admin().metrics().list().stream().try_collect().await?;
    /// println!("{} metrics", metrics.len());
    /// # Ok(()) }
    /// ```
    pub fn stream(self) -> BoxStream<'static, Result<T>> {
        self.inner
            .paginate("skip", "limit", STREAM_PAGE_SIZE, |items| OffsetPage {
                items,
                total: None,
            })
    }
}

impl<T> IntoFuture for ListCall<T> {
    type Output = Result<Vec<T>>;
    type IntoFuture = ResponseFuture<Vec<T>>;

    fn into_future(self) -> Self::IntoFuture {
        self.inner.send()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn issues_and_partial_answers() {
        let answer: Created<serde_json::Value> = serde_json::from_value(json!({
            "created": [{"id": "a"}],
            "issues": [
                {"index": 1, "severity": "error", "message": "Key already exists"},
                {"id": 7, "severity": "warning", "message": "capped"},
                {"severity": "fatal", "message": "new severity"}
            ]
        }))
        .unwrap();
        assert_eq!(answer.created.len(), 1);
        assert!(answer.has_errors());
        assert_eq!(answer.errors().count(), 1);
        assert_eq!(answer.issues[0].position(), Some(1));
        assert_eq!(
            answer.issues[1].id.as_ref().map(|i| i.is_number()),
            Some(true)
        );
        assert_eq!(answer.issues[2].severity.as_str(), "fatal");
        let back = serde_json::to_value(&answer).unwrap();
        assert_eq!(back["issues"][1]["id"], json!(7));
        let empty: Deleted =
            serde_json::from_value(json!({"deleted": null, "issues": null})).unwrap();
        assert!(empty.deleted.is_empty() && !empty.has_errors());
        assert_eq!(
            AdminIssue {
                index: Some(-1),
                ..answer.issues[0].clone()
            }
            .position(),
            None
        );
    }
}
