//! Small types and serde helpers shared by several Trophy resources.

use serde::{Deserialize, Serialize};

/// A `key: value` pair: a user-attribute filter, an event-attribute filter or a breakdown value.
///
/// Trophy uses this shape for the attribute filters on achievements, points triggers and
/// leaderboards (`userAttributes`, `eventAttributes`) and for the breakdown values of a
/// leaderboard entry (`breakdownAttributeValues`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Attribute {
    /// The attribute key as configured in the Trophy dashboard.
    pub key: String,
    /// The attribute value.
    pub value: String,
}

impl Attribute {
    /// A pair from a key and a value.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Attribute {
            key: key.into(),
            value: value.into(),
        }
    }
}

/// Formats attribute pairs the way Trophy's `userAttributes` query parameter wants them:
/// `key:value,key:value`, in the order given.
///
/// ```
/// use questkit_trophy::common::user_attributes_query;
///
/// let q = user_attributes_query([("plan-type", "premium"), ("region", "us-east")]);
/// assert_eq!(q, "plan-type:premium,region:us-east");
/// ```
pub fn user_attributes_query<I, K, V>(pairs: I) -> String
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    let mut out = String::new();
    for (key, value) in pairs {
        if !out.is_empty() {
            out.push(',');
        }
        out.push_str(key.as_ref());
        out.push(':');
        out.push_str(value.as_ref());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_query_keeps_order() {
        assert_eq!(user_attributes_query(Vec::<(&str, &str)>::new()), "");
        assert_eq!(user_attributes_query([("b", "2"), ("a", "1")]), "b:2,a:1");
    }
}
