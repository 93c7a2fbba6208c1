//! The criteria tree that decides when an achievement is complete.
//!
//! Only the sum node's shape is confirmed by Nudj's documentation:
//! `{"type": "sum", "parameters": {"query", "operator", "attribute", "value"}}`. The count and
//! logical nodes are inferred (`{"type": "count", "parameters": {"query", "operator", "value"}}`
//! and `{"type": "logical", "parameters": {"operator", "conditions"}}`). Parsing is therefore
//! forgiving: a node never fails the achievement that holds it. A node of an unknown type, or of
//! a known type whose fields do not fit, is kept verbatim as [`Criteria::Unknown`].
// Criteria trees come from the network: no indexing, no unchecked arithmetic.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Value, json};

use super::loose::Loose;

questkit_core::open_enum! {
    /// How a leaf compares the user's measured value with its threshold.
    ///
    /// Only `==` is confirmed by the documentation; the others are the usual set.
    pub enum ComparisonOperator {
        /// Equal to the threshold.
        Eq => "==",
        /// Different from the threshold.
        Ne => "!=",
        /// Strictly above the threshold.
        Gt => ">",
        /// At or above the threshold.
        Gte => ">=",
        /// Strictly below the threshold.
        Lt => "<",
        /// At or below the threshold.
        Lte => "<=",
    }
}

impl ComparisonOperator {
    /// Whether `current` satisfies the comparison against `target`; `None` for an unknown operator.
    pub fn compare(&self, current: f64, target: f64) -> Option<bool> {
        Some(match self {
            ComparisonOperator::Eq => current == target,
            ComparisonOperator::Ne => current != target,
            ComparisonOperator::Gt => current > target,
            ComparisonOperator::Gte => current >= target,
            ComparisonOperator::Lt => current < target,
            ComparisonOperator::Lte => current <= target,
            ComparisonOperator::Unknown(_) => return None,
        })
    }
}

questkit_core::open_enum! {
    /// How a logical node combines its children (values inferred, not documented).
    pub enum LogicalOperator {
        /// Every child must be met.
        And => "and",
        /// At least one child must be met.
        Or => "or",
    }
}

impl LogicalOperator {
    /// `Some(true)` when every child must be met, `Some(false)` when one is enough, `None` when
    /// the operator is not recognised.
    ///
    /// Besides `and`/`or`, common spellings of unknown values are understood (`AND`, `all`,
    /// `&&`, `OR`, `any`, `||`), since the real values are not documented.
    pub fn requires_all(&self) -> Option<bool> {
        match self {
            LogicalOperator::And => Some(true),
            LogicalOperator::Or => Some(false),
            LogicalOperator::Unknown(raw) => match raw.trim().to_ascii_lowercase().as_str() {
                "and" | "all" | "every" | "&&" | "all-of" | "allof" => Some(true),
                "or" | "any" | "some" | "||" | "any-of" | "anyof" => Some(false),
                _ => None,
            },
        }
    }
}

questkit_core::open_enum! {
    /// The type tag of a criteria node, as mirrored by the user's progress nodes.
    pub enum ConditionType {
        /// Sums an event attribute.
        Sum => "sum",
        /// Counts matching events.
        Count => "count",
        /// Combines child conditions.
        Logical => "logical",
    }
}

/// One node of an achievement's criteria tree.
///
/// Serialized in the documented shape `{"type", "parameters": {...}}`; an [`Criteria::Unknown`]
/// node is written back exactly as it was read.
#[derive(Clone, Debug, PartialEq)]
pub enum Criteria {
    /// Sums `attribute` over the events of query `query` and compares the sum with `value`.
    Sum {
        /// The alias of the event query (an entry of the achievement's `queries`).
        query: String,
        /// The comparison with the threshold.
        operator: ComparisonOperator,
        /// The event payload attribute that is summed.
        attribute: String,
        /// The threshold.
        value: f64,
    },
    /// Counts the events of query `query` and compares the count with `value`.
    Count {
        /// The alias of the event query.
        query: String,
        /// The comparison with the threshold.
        operator: ComparisonOperator,
        /// The threshold.
        value: f64,
    },
    /// Combines child conditions with `and` / `or`.
    Logical {
        /// How the children combine.
        operator: LogicalOperator,
        /// The child conditions, in order (the user's progress nodes follow the same order).
        conditions: Vec<Criteria>,
    },
    /// A node this client cannot read (new type, or fields that do not fit), kept verbatim.
    Unknown(Value),
}

impl Criteria {
    /// The node's type tag (`sum`, `count`, `logical`, or the raw tag of an unknown node).
    pub fn node_type(&self) -> Option<ConditionType> {
        match self {
            Criteria::Sum { .. } => Some(ConditionType::Sum),
            Criteria::Count { .. } => Some(ConditionType::Count),
            Criteria::Logical { .. } => Some(ConditionType::Logical),
            Criteria::Unknown(raw) => raw
                .get("type")
                .and_then(Value::as_str)
                .map(ConditionType::from),
        }
    }

    /// The query alias a leaf measures.
    pub fn query(&self) -> Option<&str> {
        match self {
            Criteria::Sum { query, .. } | Criteria::Count { query, .. } => Some(query),
            _ => None,
        }
    }

    /// The threshold of a leaf.
    pub fn threshold(&self) -> Option<f64> {
        match self {
            Criteria::Sum { value, .. } | Criteria::Count { value, .. } => Some(*value),
            _ => None,
        }
    }

    /// The children of a logical node (empty for any other node).
    pub fn children(&self) -> &[Criteria] {
        match self {
            Criteria::Logical { conditions, .. } => conditions,
            _ => &[],
        }
    }

    /// Every query alias used in the tree, depth first, in order.
    pub fn queries(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect_queries(&mut out);
        out
    }

    fn collect_queries<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Criteria::Sum { query, .. } | Criteria::Count { query, .. } => out.push(query),
            Criteria::Logical { conditions, .. } => {
                for child in conditions {
                    child.collect_queries(out);
                }
            }
            Criteria::Unknown(_) => {}
        }
    }

    /// Whether this node or any node below it could not be read.
    pub fn has_unknown(&self) -> bool {
        match self {
            Criteria::Unknown(_) => true,
            Criteria::Logical { conditions, .. } => conditions.iter().any(Criteria::has_unknown),
            _ => false,
        }
    }

    /// Reads a node from raw JSON. Never fails: what does not fit becomes [`Criteria::Unknown`].
    pub fn from_value(raw: Value) -> Criteria {
        Criteria::from_loose(Loose::from(raw))
    }

    /// Reads a node from a value read without building a `serde_json::Value` first.
    fn from_loose(mut raw: Loose<'_>) -> Criteria {
        parse_node(&mut raw).unwrap_or_else(|| Criteria::Unknown(raw.into_value()))
    }

    /// The node in its documented JSON shape (an unknown node as it was read).
    pub fn to_value(&self) -> Value {
        match self {
            Criteria::Sum {
                query,
                operator,
                attribute,
                value,
            } => json!({
                "type": "sum",
                "parameters": {
                    "query": query,
                    "operator": operator.as_str(),
                    "attribute": attribute,
                    "value": number(*value),
                }
            }),
            Criteria::Count {
                query,
                operator,
                value,
            } => json!({
                "type": "count",
                "parameters": {
                    "query": query,
                    "operator": operator.as_str(),
                    "value": number(*value),
                }
            }),
            Criteria::Logical {
                operator,
                conditions,
            } => json!({
                "type": "logical",
                "parameters": {
                    "operator": operator.as_str(),
                    "conditions": conditions.iter().map(Criteria::to_value).collect::<Vec<_>>(),
                }
            }),
            Criteria::Unknown(raw) => raw.clone(),
        }
    }
}

/// Writes whole numbers as JSON integers (`5`, not `5.0`), as Nudj does.
fn number(value: f64) -> Value {
    if value.fract() == 0.0 && value.abs() < 9.0e15 {
        Value::from(value as i64)
    } else {
        serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number)
    }
}

/// The node `raw` holds, if it fits a known type. `raw` is changed only when it fits: the
/// children of a logical node are moved out of it rather than copied.
fn parse_node(raw: &mut Loose<'_>) -> Option<Criteria> {
    let node_type = raw.get("type")?.as_str()?.trim();
    let is = |name: &str| node_type.eq_ignore_ascii_case(name);
    // The documented shape nests the fields under `parameters`; a flat node is tolerated.
    let params = match raw.get("parameters") {
        Some(params) if params.is_map() => params,
        Some(_) => return None,
        None => &*raw,
    };
    // Compared without case, without building a lowercase copy of the tag per node.
    if is("sum") {
        Some(Criteria::Sum {
            query: text(params, "query")?,
            operator: operator(params)?,
            attribute: text(params, "attribute")?,
            value: numeric(params.get("value")?)?,
        })
    } else if is("count") {
        Some(Criteria::Count {
            query: text(params, "query")?,
            operator: operator(params)?,
            value: numeric(params.get("value")?)?,
        })
    } else if is("logical") {
        parse_logical(raw)
    } else {
        None
    }
}

/// A logical node: the inferred names first, then the likely alternatives, inside
/// `parameters` or beside it.
fn parse_logical(node: &mut Loose<'_>) -> Option<Criteria> {
    let none = Loose::Null;
    let params = node.get("parameters").unwrap_or(&none);
    let operator = text(params, "operator").or_else(|| text(node, "operator"))?;
    // Where the children are: in `parameters` or beside it, under which key.
    let (nested, key) = ["conditions", "children"].iter().find_map(|key| {
        if params.get(key).is_some() {
            Some((true, *key))
        } else {
            node.get(key).is_some().then_some((false, *key))
        }
    })?;
    let holder = if nested {
        node.get_mut("parameters")?
    } else {
        node
    };
    let Loose::Seq(children) = holder.get_mut(key)? else {
        return None;
    };
    // It fits: the children move out of the raw node, which is dropped.
    let children = std::mem::take(children);
    Some(Criteria::Logical {
        operator: LogicalOperator::from(operator),
        conditions: children.into_iter().map(Criteria::from_loose).collect(),
    })
}

fn text(map: &Loose<'_>, key: &str) -> Option<String> {
    map.get(key).and_then(Loose::as_str).map(str::to_owned)
}

fn operator(map: &Loose<'_>) -> Option<ComparisonOperator> {
    text(map, "operator").map(ComparisonOperator::from)
}

fn numeric(value: &Loose<'_>) -> Option<f64> {
    match value {
        Loose::Number(n) => n.as_f64(),
        Loose::Str(s) => s.trim().parse::<f64>().ok().filter(|v| v.is_finite()),
        _ => None,
    }
}

impl Serialize for Criteria {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_value().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Criteria {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Criteria::from_loose(Loose::deserialize(deserializer)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_compare() {
        let table: &[(&str, f64, f64, Option<bool>)] = &[
            ("==", 5.0, 5.0, Some(true)),
            ("==", 4.0, 5.0, Some(false)),
            ("!=", 4.0, 5.0, Some(true)),
            (">", 5.0, 5.0, Some(false)),
            (">=", 5.0, 5.0, Some(true)),
            ("<", 4.0, 5.0, Some(true)),
            ("<=", 6.0, 5.0, Some(false)),
            ("~=", 6.0, 5.0, None),
        ];
        for (op, current, target, expected) in table {
            assert_eq!(
                ComparisonOperator::from(*op).compare(*current, *target),
                *expected,
                "{current} {op} {target}"
            );
        }
    }

    #[test]
    fn logical_operator_spellings() {
        assert_eq!(LogicalOperator::from("and").requires_all(), Some(true));
        assert_eq!(LogicalOperator::from("OR").requires_all(), Some(false));
        assert_eq!(LogicalOperator::from("all").requires_all(), Some(true));
        assert_eq!(LogicalOperator::from("xor").requires_all(), None);
    }

    #[test]
    fn tolerated_spellings_parse() {
        let flat = json!({"type": "Count", "query": "q", "operator": ">=", "value": "3"});
        assert_eq!(
            Criteria::from_value(flat),
            Criteria::Count {
                query: "q".into(),
                operator: ComparisonOperator::Gte,
                value: 3.0
            }
        );
        let children = json!({"type": "logical", "operator": "or", "children": [
            {"type": "count", "parameters": {"query": "q", "operator": "==", "value": 1}}
        ]});
        let parsed = Criteria::from_value(children);
        assert_eq!(parsed.children().len(), 1);
        assert_eq!(parsed.node_type(), Some(ConditionType::Logical));
    }

    #[test]
    fn misfits_become_unknown_verbatim() {
        for raw in [
            json!({"type": "sum", "parameters": {"query": "q", "operator": ">="}}),
            json!({"type": "sum", "parameters": "oops"}),
            json!({"type": "logical", "parameters": {"operator": "and"}}),
            json!({"type": "streak", "parameters": {"days": 3}}),
            json!({"parameters": {}}),
            json!("sum"),
            Value::Null,
        ] {
            let parsed = Criteria::from_value(raw.clone());
            assert_eq!(parsed, Criteria::Unknown(raw.clone()));
            assert_eq!(serde_json::to_value(&parsed).unwrap(), raw);
        }
    }

    #[test]
    fn numbers_are_written_like_nudj() {
        assert_eq!(number(5.0), json!(5));
        assert_eq!(number(2.5), json!(2.5));
        assert_eq!(number(f64::NAN), Value::Null);
    }
}
