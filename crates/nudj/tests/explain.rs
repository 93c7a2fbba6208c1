//! The criteria explanation of every achievement fixture, checked line by line.

mod common;

use common::load;
use questkit_nudj::explain::{Measure, Step};
use questkit_nudj::{Achievement, Page};

fn explain(name: &str) -> (Vec<String>, bool) {
    let a: Achievement = load(name);
    let explanation = a.explain();
    let lines = explanation.lines();
    assert_eq!(explanation.to_string(), lines.join("\n"), "{name}");
    (lines, explanation.completed)
}

#[track_caller]
fn assert_lines(actual: &[String], expected: &[&str]) {
    assert_eq!(
        actual,
        expected,
        "\nactual:\n{}\nexpected:\n{}",
        actual.join("\n"),
        expected.join("\n")
    );
}

#[test]
fn seed() {
    let (lines, completed) = explain("achievement_seed.json");
    assert_lines(&lines, &["[x] 123 / 123 <string> (sum of <string> == 123)"]);
    assert!(completed);
}

#[test]
fn logical_two_levels() {
    let (lines, completed) = explain("achievement_logical.json");
    assert_lines(
        &lines,
        &[
            "[ ] all of:",
            "  [ ] 35 / 50 spent in store (sum of amount >= 50)",
            "  [x] any of:",
            "    [ ] 1 / 3 store visits (count >= 3)",
            "    [x] 2 / 2 product reviews (count >= 2)",
        ],
    );
    assert!(!completed);
}

#[test]
fn logical_structure() {
    let a: Achievement = load("achievement_logical.json");
    let explanation = a.explain();
    let Some(Step::Group(root)) = &explanation.root else {
        panic!("expected a group root");
    };
    assert_eq!(root.label(), "all of");
    assert_eq!(root.done_count(), 1);
    let leaves = explanation.leaves();
    assert_eq!(leaves.len(), 3);
    assert_eq!(
        leaves[0].measure,
        Measure::Sum {
            attribute: "amount".into()
        }
    );
    assert_eq!(leaves[0].current, Some(35.0));
    assert_eq!(leaves[0].remaining(), Some(15.0));
    assert_eq!(leaves[1].measure, Measure::Count);
    assert_eq!(leaves[1].query, "visits");
    assert_eq!(leaves[1].description, "store visits");
    assert_eq!(leaves[2].remaining(), Some(0.0));
    assert!(leaves[2].done);
}

#[test]
fn list_items() {
    let page: Page<Achievement> = load("achievements_list.json");
    let rendered: Vec<String> = page.edges.iter().map(|a| a.explain().to_string()).collect();
    assert_eq!(
        rendered,
        [
            "[x] 2 / 1 purchases (count >= 1)",
            "[ ] 42.5 / 100 spent in store (sum of amount >= 100)",
            "[ ] 1 / 3 store visits (count >= 3)",
            "[ ] all of:\n  [x] 5 / 5 store visits (count >= 5)\n  [ ] 0 / 2 reviews written (count >= 2)",
            "[x] 7 / 7 streak days (count >= 7)",
            "[ ] 4 / 10 quizzes answered (count >= 10)",
            "[ ] 120 / 500 community points (sum of points >= 500)",
        ]
    );
    let completed: Vec<bool> = page.edges.iter().map(|a| a.explain().completed).collect();
    assert_eq!(completed, [true, false, false, false, true, false, false]);
}

#[test]
fn reward_forms() {
    let (lines, completed) = explain("achievement_reward_full.json");
    assert_lines(&lines, &["[x] 10 / 10 purchases (count >= 10)"]);
    assert!(completed);
    let (lines, completed) = explain("achievement_legacy_reward.json");
    assert_lines(&lines, &["[ ] 2 / 5 early check-ins (count >= 5)"]);
    assert!(!completed);
}

#[test]
fn unknown_nodes() {
    let (lines, completed) = explain("edge_unknown_criteria.json");
    assert_lines(
        &lines,
        &[
            "[ ] all of:",
            "  [x] unsupported condition \"streak\"",
            "  [ ] unsupported condition \"sum\"",
            "  [ ] 1 / 2 store visits (count >= 2)",
        ],
    );
    assert!(!completed);
}

#[test]
fn unknown_operators() {
    let (lines, _) = explain("edge_unknown_enums.json");
    assert_lines(
        &lines,
        &[
            "[ ] \"xor\" of:",
            "  [x] 3 / 3 store visits (count in 3)",
            "  [ ] 1 / 5 spent (sum of amount =~ 5)",
        ],
    );
}

#[test]
fn no_criteria() {
    let (lines, completed) = explain("edge_nulls.json");
    assert_lines(&lines, &["(no criteria)"]);
    assert!(!completed);
}

#[test]
fn missing_user_state() {
    let (lines, completed) = explain("edge_missing_user_state.json");
    assert_lines(
        &lines,
        &[
            "[ ] all of:",
            "  [ ] ? / 1 store visits (count >= 1)",
            "  [ ] ? / 1 reviews written (count >= 1)",
        ],
    );
    assert!(!completed);
}

#[test]
fn user_state_shorter_than_criteria() {
    // The second progress node says "count" where the criteria has a sum: it is ignored rather
    // than shown against the wrong condition; the third has no progress node at all.
    let (lines, completed) = explain("edge_user_state_shorter.json");
    assert_lines(
        &lines,
        &[
            "[ ] all of:",
            "  [x] 3 / 3 store visits (count >= 3)",
            "  [ ] ? / 10 spent in store (sum of amount >= 10)",
            "  [ ] ? / 1 review-posted (count >= 1)",
        ],
    );
    assert!(!completed);
}

#[test]
fn completion_computed_when_not_reported() {
    // No isComplete anywhere: the leaf is judged by its operator, the group by "any".
    let (lines, completed) = explain("edge_logical_alt_spelling.json");
    assert_lines(
        &lines,
        &[
            "[x] any of:",
            "  [x] 2 / 2 store-visit (count >= 2)",
            "  [ ] ? / 1 review-posted (count >= 1)",
        ],
    );
    assert!(completed);
}

#[test]
fn explanation_as_json() {
    let a: Achievement = load("achievement_logical.json");
    let json = serde_json::to_value(a.explain()).unwrap();
    assert_eq!(json["completed"], false);
    assert_eq!(json["root"]["kind"], "group");
    assert_eq!(json["root"]["operator"], "and");
    let leaf = &json["root"]["children"][0];
    assert_eq!(
        leaf,
        &serde_json::json!({
            "kind": "leaf",
            "measure": {"type": "sum", "attribute": "amount"},
            "query": "purchases",
            "description": "spent in store",
            "operator": ">=",
            "current": 35.0,
            "target": 50.0,
            "threshold": 50.0,
            "done": false
        })
    );
    let unknown: Achievement = load("edge_unknown_criteria.json");
    let json = serde_json::to_value(unknown.explain()).unwrap();
    assert_eq!(json["root"]["children"][0]["kind"], "unknown");
    assert_eq!(json["root"]["children"][0]["nodeType"], "streak");
}
