//! The `{totalCount, edges}` page Nudj returns from its list endpoints.
// Pages come from the network: no indexing, no unchecked arithmetic.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use questkit_core::decode::object::Item;

/// One page of a paginated Nudj list.
///
/// Nudj pages by offset: `skip` items are skipped and at most `limit` are returned, while
/// `total_count` counts every item regardless of `limit` and `skip`. Older endpoints answer
/// with `{items}` or a bare array instead of the envelope; both are read too (with no total).
/// An item that is a model must be a JSON object: an array is never read by position.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Page<T> {
    /// How many items the whole list holds, when the server said.
    pub total_count: Option<u64>,
    /// The items of this page.
    pub edges: Vec<T>,
}

impl<T> Page<T> {
    /// A page from its items and total (used by tests, mocks and custom transports).
    pub fn new(total_count: Option<u64>, edges: Vec<T>) -> Self {
        Page { total_count, edges }
    }

    /// Whether more items may follow this page, given the offset it was requested with.
    ///
    /// Follows Nudj's documented loop: stop when the page is empty or when
    /// `skip + edges.len()` reaches `total_count`. Without a total, only an empty page ends it.
    pub fn has_more(&self, skip: u64) -> bool {
        if self.edges.is_empty() {
            return false;
        }
        match self.total_count {
            Some(total) => skip.saturating_add(self.edges.len() as u64) < total,
            None => true,
        }
    }
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Page {
            total_count: None,
            edges: Vec::new(),
        }
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.edges.into_iter()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Page<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // A hand-written visitor rather than `#[serde(untagged)]`: an item that fails to decode
        // must report its own error (and JSON path), not "did not match any variant".
        struct PageVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for PageVisitor<T> {
            type Value = Page<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a {totalCount, edges} page or an array")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Page<T>, A::Error> {
                Ok(Page {
                    total_count: None,
                    edges: items(seq)?,
                })
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Page<T>, A::Error> {
                let mut total_count = None;
                let mut edges: Option<Vec<T>> = None;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "totalCount" => {
                            total_count = map.next_value::<Option<u64>>()?;
                        }
                        "edges" | "items" if edges.is_none() => {
                            edges = Some(
                                map.next_value::<Option<Edges<T>>>()?
                                    .map(|e| e.0)
                                    .unwrap_or_default(),
                            );
                        }
                        "edges" | "items" => {
                            return Err(de::Error::duplicate_field("edges"));
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(Page {
                    total_count,
                    edges: edges.unwrap_or_default(),
                })
            }
        }

        deserializer.deserialize_any(PageVisitor(PhantomData))
    }
}

/// The `edges` (or `items`) list of a page.
struct Edges<T>(Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Edges<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EdgesVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for EdgesVisitor<T> {
            type Value = Edges<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of items")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Edges<T>, A::Error> {
                items(seq).map(Edges)
            }
        }

        deserializer.deserialize_seq(EdgesVisitor(PhantomData))
    }
}

/// The items of a list; an item that is a model must be a JSON object, not an array read by
/// position (see [`questkit_core::decode::object`]).
fn items<'de, T: Deserialize<'de>, A: SeqAccess<'de>>(mut seq: A) -> Result<Vec<T>, A::Error> {
    let mut edges = Vec::new();
    while let Some(Item(item)) = seq.next_element::<Item<T>>()? {
        edges.push(item);
    }
    Ok(edges)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_envelope_items_and_bare_arrays() {
        let page: Page<u32> = serde_json::from_str(r#"{"totalCount":9,"edges":[1,2]}"#).unwrap();
        assert_eq!(page, Page::new(Some(9), vec![1, 2]));
        let items: Page<u32> = serde_json::from_str(r#"{"items":[3],"extra":{}}"#).unwrap();
        assert_eq!(items, Page::new(None, vec![3]));
        let bare: Page<u32> = serde_json::from_str("[4,5]").unwrap();
        assert_eq!(bare, Page::new(None, vec![4, 5]));
        let nulls: Page<u32> = serde_json::from_str(r#"{"totalCount":null,"edges":null}"#).unwrap();
        assert_eq!(nulls, Page::default());
        assert_eq!(
            serde_json::to_string(&Page::new(Some(1), vec![7])).unwrap(),
            r#"{"totalCount":1,"edges":[7]}"#
        );
    }

    #[test]
    fn item_errors_keep_their_path() {
        let de = &mut serde_json::Deserializer::from_str(r#"{"totalCount":2,"edges":[1,"x"]}"#);
        let err = serde_path_to_error::deserialize::<_, Page<u32>>(de).unwrap_err();
        assert_eq!(err.path().to_string(), "edges[1]");
    }

    #[test]
    fn has_more_follows_the_documented_loop() {
        let page = Page::new(Some(7), vec![1, 2, 3]);
        assert!(page.has_more(0));
        assert!(page.has_more(3));
        assert!(!page.has_more(4));
        assert!(!Page::<u32>::new(Some(7), vec![]).has_more(0));
        assert!(Page::new(None, vec![1]).has_more(100));
    }
}
