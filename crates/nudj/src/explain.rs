//! A readable account of what an achievement asks for and how far the user is.
//!
//! [`Achievement::explain`] walks the criteria tree and the user's progress tree side by side.
//! The progress tree is matched by position (a logical node's `conditions[i]` mirrors its
//! criteria child `i`); a progress node whose `type` contradicts its criteria node is ignored
//! rather than shown with the wrong numbers. A missing or shorter progress tree leaves the
//! affected leaves with an unknown current value.
//!
//! ```
//! use questkit_nudj::Achievement;
//!
//! let achievement: Achievement = serde_json::from_value(serde_json::json!({
//!     "id": "a1",
//!     "criteria": {"type": "sum", "parameters": {
//!         "query": "purchases", "operator": ">=", "attribute": "amount", "value": 5}},
//!     "queryDescriptions": {"purchases": "purchases"},
//!     "userState": {"type": "sum", "isComplete": false, "currentValue": 3, "targetValue": 5}
//! })).unwrap();
//! assert_eq!(
//!     achievement.explain().to_string(),
//!     "[ ] 3 / 5 purchases (sum of amount >= 5)"
//! );
//! ```
// Explanations walk trees that come from the network: no indexing, no unchecked arithmetic.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::fmt;

use serde::Serialize;
use serde_json::Value;

use crate::achievements::{
    Achievement, ComparisonOperator, Criteria, LogicalOperator, ProgressNode,
};

/// The explanation of an achievement's criteria for one user.
///
/// It serializes to JSON (steps tagged by `kind`), for a frontend that draws its own checklist.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Explanation {
    /// The root step; `None` when the achievement has no criteria.
    pub root: Option<Step>,
    /// Whether the achievement is complete (per the user state, else per the root step).
    pub completed: bool,
}

impl Explanation {
    /// Explains a criteria tree against an optional progress tree.
    ///
    /// `describe` turns a query alias into readable text; when it returns `None` the alias is
    /// shown as is.
    pub fn new(
        criteria: &Criteria,
        progress: Option<&ProgressNode>,
        describe: impl Fn(&str) -> Option<String>,
    ) -> Explanation {
        let root = Step::build(criteria, progress, &describe);
        Explanation {
            completed: root.is_done() == Some(true),
            root: Some(root),
        }
    }

    /// The rendered lines: one per step, indented by two spaces per level.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        match &self.root {
            Some(root) => root.render(0, &mut lines),
            None => lines.push("(no criteria)".to_owned()),
        }
        lines
    }

    /// Every leaf of the tree, depth first.
    pub fn leaves(&self) -> Vec<&LeafStep> {
        let mut out = Vec::new();
        if let Some(root) = &self.root {
            root.collect_leaves(&mut out);
        }
        out
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.lines().join("\n"))
    }
}

/// One node of an [`Explanation`].
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Step {
    /// A measured condition (sum or count).
    Leaf(LeafStep),
    /// All-of / any-of over child steps.
    Group(GroupStep),
    /// A criteria node this client cannot read.
    Unknown(UnknownStep),
}

impl Step {
    /// Whether the step is met; `None` when that cannot be known (an unknown node without
    /// progress).
    pub fn is_done(&self) -> Option<bool> {
        match self {
            Step::Leaf(leaf) => Some(leaf.done),
            Step::Group(group) => Some(group.done),
            Step::Unknown(unknown) => unknown.done,
        }
    }

    fn build(
        criteria: &Criteria,
        progress: Option<&ProgressNode>,
        describe: &dyn Fn(&str) -> Option<String>,
    ) -> Step {
        let progress = progress.filter(|p| matches_type(criteria, p));
        let reported = progress.and_then(|p| p.is_complete);
        match criteria {
            Criteria::Sum {
                query,
                operator,
                value,
                ..
            }
            | Criteria::Count {
                query,
                operator,
                value,
            } => {
                let measure = match criteria {
                    Criteria::Sum { attribute, .. } => Measure::Sum {
                        attribute: attribute.clone(),
                    },
                    _ => Measure::Count,
                };
                let current = progress.and_then(|p| p.current_value);
                let target = progress.and_then(|p| p.target_value).unwrap_or(*value);
                let done = reported.unwrap_or_else(|| {
                    current
                        .and_then(|c| operator.compare(c, *value))
                        .unwrap_or(false)
                });
                Step::Leaf(LeafStep {
                    measure,
                    query: query.clone(),
                    description: describe(query).unwrap_or_else(|| query.clone()),
                    operator: operator.clone(),
                    current,
                    target,
                    threshold: *value,
                    done,
                })
            }
            Criteria::Logical {
                operator,
                conditions,
            } => {
                let children: Vec<Step> = conditions
                    .iter()
                    .enumerate()
                    .map(|(i, child)| {
                        let child_progress = progress.and_then(|p| p.conditions.get(i));
                        Step::build(child, child_progress, describe)
                    })
                    .collect();
                let computed = match operator.requires_all() {
                    Some(true) => {
                        !children.is_empty() && children.iter().all(|c| c.is_done() == Some(true))
                    }
                    Some(false) => children.iter().any(|c| c.is_done() == Some(true)),
                    None => false,
                };
                Step::Group(GroupStep {
                    operator: operator.clone(),
                    done: reported.unwrap_or(computed),
                    children,
                })
            }
            Criteria::Unknown(raw) => Step::Unknown(UnknownStep {
                node_type: raw.get("type").and_then(Value::as_str).map(str::to_owned),
                done: reported,
                raw: raw.clone(),
            }),
        }
    }

    fn render(&self, depth: usize, lines: &mut Vec<String>) {
        let indent = "  ".repeat(depth);
        match self {
            Step::Leaf(leaf) => lines.push(format!("{indent}{leaf}")),
            Step::Group(group) => {
                lines.push(format!(
                    "{indent}{} {}:",
                    mark(Some(group.done)),
                    group.label()
                ));
                for child in &group.children {
                    child.render(depth.saturating_add(1), lines);
                }
            }
            Step::Unknown(unknown) => lines.push(format!("{indent}{unknown}")),
        }
    }

    fn collect_leaves<'a>(&'a self, out: &mut Vec<&'a LeafStep>) {
        match self {
            Step::Leaf(leaf) => out.push(leaf),
            Step::Group(group) => {
                for child in &group.children {
                    child.collect_leaves(out);
                }
            }
            Step::Unknown(_) => {}
        }
    }
}

/// What a leaf measures.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Measure {
    /// The sum of an event attribute.
    Sum {
        /// The summed attribute.
        attribute: String,
    },
    /// The number of matching events.
    Count,
}

/// A measured condition and the user's standing on it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LeafStep {
    /// Sum or count.
    pub measure: Measure,
    /// The query alias.
    pub query: String,
    /// Readable text for the query (its description, event name, or alias).
    pub description: String,
    /// The comparison.
    pub operator: ComparisonOperator,
    /// The user's value so far; `None` when the user state does not say.
    pub current: Option<f64>,
    /// The value to reach as the user state reports it (else the threshold).
    pub target: f64,
    /// The criteria's threshold.
    pub threshold: f64,
    /// Whether the condition is met.
    pub done: bool,
}

impl LeafStep {
    /// How much is left to reach the target, for `>=` and `>` conditions not yet met.
    pub fn remaining(&self) -> Option<f64> {
        if self.done {
            return Some(0.0);
        }
        match self.operator {
            ComparisonOperator::Gte | ComparisonOperator::Gt => {
                Some((self.target - self.current.unwrap_or(0.0)).max(0.0))
            }
            _ => None,
        }
    }
}

impl fmt::Display for LeafStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let current = self.current.map_or_else(|| "?".to_owned(), number);
        let measure = match &self.measure {
            Measure::Sum { attribute } => format!("sum of {attribute}"),
            Measure::Count => "count".to_owned(),
        };
        write!(
            f,
            "{} {} / {} {} ({} {} {})",
            mark(Some(self.done)),
            current,
            number(self.target),
            self.description,
            measure,
            self.operator,
            number(self.threshold)
        )
    }
}

/// A logical node and its children.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GroupStep {
    /// How the children combine.
    pub operator: LogicalOperator,
    /// The children, in criteria order.
    pub children: Vec<Step>,
    /// Whether the group is met.
    pub done: bool,
}

impl GroupStep {
    /// `all of`, `any of`, or the raw operator for an unrecognised one.
    pub fn label(&self) -> String {
        match self.operator.requires_all() {
            Some(true) => "all of".to_owned(),
            Some(false) => "any of".to_owned(),
            None => format!("\"{}\" of", self.operator),
        }
    }

    /// How many children are met.
    pub fn done_count(&self) -> usize {
        self.children
            .iter()
            .filter(|c| c.is_done() == Some(true))
            .count()
    }
}

/// A criteria node this client cannot read.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UnknownStep {
    /// The node's `type`, when it has one.
    pub node_type: Option<String>,
    /// Whether the user state says it is met.
    pub done: Option<bool>,
    /// The raw node.
    pub raw: Value,
}

impl fmt::Display for UnknownStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.node_type {
            Some(t) => write!(f, "{} unsupported condition \"{t}\"", mark(self.done)),
            None => write!(f, "{} unsupported condition", mark(self.done)),
        }
    }
}

impl Achievement {
    /// Explains the criteria for the calling user: one line per condition, done or not.
    ///
    /// Queries are described by `queryDescriptions`, else by their event name, else by alias.
    /// Copes with a missing user state, a progress tree shorter than the criteria, and nodes
    /// this client cannot read.
    pub fn explain(&self) -> Explanation {
        let Some(criteria) = &self.criteria else {
            return Explanation {
                root: None,
                completed: self.user_state.as_ref().is_some_and(|s| s.is_completed()),
            };
        };
        let progress = self.user_state.as_ref().map(|s| &s.progress);
        let mut explanation =
            Explanation::new(criteria, progress, |alias| self.describe_query(alias));
        if self.user_state.as_ref().is_some_and(|s| s.is_completed()) {
            explanation.completed = true;
        }
        explanation
    }
}

fn matches_type(criteria: &Criteria, progress: &ProgressNode) -> bool {
    match (&progress.node_type, criteria.node_type()) {
        (Some(reported), Some(expected)) => {
            reported.as_str().eq_ignore_ascii_case(expected.as_str())
        }
        _ => true,
    }
}

fn mark(done: Option<bool>) -> &'static str {
    match done {
        Some(true) => "[x]",
        Some(false) => "[ ]",
        None => "[?]",
    }
}

/// Whole numbers without a decimal point, others in their shortest form.
fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}
