//! Pagers that turn page-by-page APIs into a `Stream` of items, fetching lazily.
//!
//! Two shapes cover the family: offset/limit (Nudj `limit/skip` with `totalCount`, Trophy
//! leaderboards `offset/limit`) and "next link" (Epixel's DRF `{results, next}`).
// This module reads network input: no indexing or unchecked arithmetic that could panic on it.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::collections::HashSet;
use std::future::Future;

use futures::stream::{self, BoxStream, StreamExt};

use crate::error::Result;

/// One page of an offset-paginated list.
#[derive(Clone, Debug, PartialEq)]
pub struct OffsetPage<T> {
    /// The page's items.
    pub items: Vec<T>,
    /// The total number of items, when the API reports it.
    pub total: Option<u64>,
}

/// One page of a next-link-paginated list.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkPage<T> {
    /// The page's items.
    pub items: Vec<T>,
    /// The link to the next page, if any.
    pub next: Option<String>,
}

/// A stream of every item of an offset/limit list, starting at `offset`, `limit` per page.
///
/// `fetch(offset, limit)` loads one page. The stream stops after an empty page, once `offset`
/// reaches the reported total, or, when the API reports no total, after a short page (fewer
/// than `limit` items). With a total, a short page does not end the stream: servers may cap
/// the page size below the `limit` asked for. An error is yielded once and ends the stream.
///
/// ```
/// use futures::StreamExt;
/// use questkit_core::pagination::{OffsetPage, offset_stream};
///
/// # tokio_test_block(async {
/// let all: Vec<u64> = (0..25).collect();
/// let items: Vec<u64> = offset_stream(0, 10, move |offset, limit| {
///     let page: Vec<u64> = all.iter().copied().skip(offset as usize).take(limit as usize).collect();
///     async move { Ok(OffsetPage { items: page, total: Some(25) }) }
/// })
/// .map(|item| item.unwrap())
/// .collect()
/// .await;
/// assert_eq!(items.len(), 25);
/// # });
/// # fn tokio_test_block(f: impl std::future::Future<Output = ()>) {
/// #     futures::executor::block_on(f)
/// # }
/// ```
pub fn offset_stream<T, F, Fut>(offset: u64, limit: u64, fetch: F) -> BoxStream<'static, Result<T>>
where
    T: Send + 'static,
    F: FnMut(u64, u64) -> Fut + Send + 'static,
    Fut: Future<Output = Result<OffsetPage<T>>> + Send + 'static,
{
    struct State<F> {
        fetch: F,
        offset: u64,
        done: bool,
    }
    let limit = limit.max(1);
    let pages = stream::unfold(
        State {
            fetch,
            offset,
            done: false,
        },
        move |mut state| async move {
            if state.done {
                return None;
            }
            match (state.fetch)(state.offset, limit).await {
                Ok(page) => {
                    let count = page.items.len() as u64;
                    state.offset = state.offset.saturating_add(count);
                    state.done = count == 0
                        || match page.total {
                            Some(total) => state.offset >= total,
                            None => count < limit,
                        };
                    Some((Ok(page.items), state))
                }
                Err(err) => {
                    state.done = true;
                    Some((Err(err), state))
                }
            }
        },
    );
    flatten(pages)
}

/// A stream of every item of a next-link list. `fetch(None)` loads the first page,
/// `fetch(Some(link))` the following ones. Stops when a page has no `next`, is empty, or
/// links to a page already seen (a loop).
pub fn link_stream<T, F, Fut>(fetch: F) -> BoxStream<'static, Result<T>>
where
    T: Send + 'static,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<LinkPage<T>>> + Send + 'static,
{
    struct State<F> {
        fetch: F,
        next: Option<String>,
        seen: HashSet<String>,
        done: bool,
    }
    let pages = stream::unfold(
        State {
            fetch,
            next: None,
            seen: HashSet::new(),
            done: false,
        },
        |mut state| async move {
            if state.done {
                return None;
            }
            match (state.fetch)(state.next.take()).await {
                Ok(page) => {
                    state.done = page.items.is_empty();
                    match page.next.filter(|n| !n.is_empty()) {
                        Some(next) if state.seen.insert(next.clone()) => state.next = Some(next),
                        _ => state.done = true,
                    }
                    Some((Ok(page.items), state))
                }
                Err(err) => {
                    state.done = true;
                    Some((Err(err), state))
                }
            }
        },
    );
    flatten(pages)
}

fn flatten<T, S>(pages: S) -> BoxStream<'static, Result<T>>
where
    T: Send + 'static,
    S: futures::Stream<Item = Result<Vec<T>>> + Send + 'static,
{
    pages
        .flat_map(|page| match page {
            Ok(items) => stream::iter(items.into_iter().map(Ok)).left_stream(),
            Err(err) => stream::once(async move { Err(err) }).right_stream(),
        })
        .boxed()
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::Error;
    use std::sync::{Arc, Mutex};

    fn run<T: Send + 'static>(s: BoxStream<'static, Result<T>>) -> Vec<Result<T>> {
        futures::executor::block_on(s.collect())
    }

    fn offset_over(
        data: Vec<u32>,
        total: Option<u64>,
        calls: Arc<Mutex<Vec<(u64, u64)>>>,
    ) -> BoxStream<'static, Result<u32>> {
        offset_stream(0, 10, move |offset, limit| {
            calls.lock().unwrap().push((offset, limit));
            let items: Vec<u32> = data
                .iter()
                .copied()
                .skip(offset as usize)
                .take(limit as usize)
                .collect();
            async move { Ok(OffsetPage { items, total }) }
        })
    }

    #[test]
    fn offset_pages_until_short_page() {
        let calls = Arc::new(Mutex::new(vec![]));
        let out: Vec<u32> = run(offset_over((0..25).collect(), None, calls.clone()))
            .into_iter()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(out, (0..25).collect::<Vec<_>>());
        assert_eq!(*calls.lock().unwrap(), vec![(0, 10), (10, 10), (20, 10)]);
    }

    #[test]
    fn offset_stops_at_total_and_on_empty_page() {
        let calls = Arc::new(Mutex::new(vec![]));
        let out = run(offset_over((0..20).collect(), Some(20), calls.clone()));
        assert_eq!(out.len(), 20);
        // Total reached after the second page: no third request for an empty page.
        assert_eq!(calls.lock().unwrap().len(), 2);

        let calls = Arc::new(Mutex::new(vec![]));
        let out = run(offset_over((0..20).collect(), None, calls.clone()));
        assert_eq!(out.len(), 20);
        assert_eq!(
            calls.lock().unwrap().len(),
            3,
            "full pages and no total: ask until empty"
        );
    }

    #[test]
    fn offset_trusts_the_total_over_a_capped_page_size() {
        // The server caps pages at 4 items although 10 were asked for.
        let calls = Arc::new(Mutex::new(vec![]));
        let log = calls.clone();
        let s = offset_stream(0, 10, move |offset, _limit| {
            log.lock().unwrap().push(offset);
            let items: Vec<u32> = (0..11u32).skip(offset as usize).take(4).collect();
            async move {
                Ok(OffsetPage {
                    items,
                    total: Some(11),
                })
            }
        });
        let out: Vec<u32> = run(s).into_iter().map(|r| r.unwrap()).collect();
        assert_eq!(out, (0..11).collect::<Vec<_>>());
        assert_eq!(*calls.lock().unwrap(), vec![0, 4, 8]);
    }

    #[test]
    fn offset_error_is_yielded_once_and_ends() {
        let mut n = 0;
        let s = offset_stream(0, 2, move |_, _| {
            n += 1;
            let page = if n == 1 {
                Ok(OffsetPage {
                    items: vec![1, 2],
                    total: None,
                })
            } else {
                Err(Error::invalid_input("boom"))
            };
            async move { page }
        });
        let out = run(s);
        assert_eq!(out.len(), 3);
        assert!(out[2].is_err());
    }

    #[test]
    fn links_follow_until_none_and_detect_loops() {
        let s = link_stream(|next: Option<String>| async move {
            Ok(match next.as_deref() {
                None => LinkPage {
                    items: vec![1, 2],
                    next: Some("p2".into()),
                },
                Some("p2") => LinkPage {
                    items: vec![3],
                    next: Some("p3".into()),
                },
                _ => LinkPage {
                    items: vec![4],
                    next: None,
                },
            })
        });
        let out: Vec<i32> = run(s).into_iter().map(|r| r.unwrap()).collect();
        assert_eq!(out, vec![1, 2, 3, 4]);

        let looping = link_stream(|_next: Option<String>| async move {
            Ok(LinkPage {
                items: vec![1],
                next: Some("same".into()),
            })
        });
        assert_eq!(
            run(looping).len(),
            2,
            "the second visit of `same` stops the stream"
        );
    }
}
