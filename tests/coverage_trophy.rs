#![cfg(feature = "trophy")]
//! Trophy coverage cannot drift silently: `crates/trophy/OPERATIONS.md` lists the 85
//! operations of Trophy's official SDK 1.27 (27 application, 58 admin), and this test fails
//! when the client, the mock or the contract tests lack one of them or have one the table
//! does not:
//!
//! - the client: every operation name of the table is named in `crates/trophy/src`, as
//!   `.operation("...")` or as an `"admin.*"` literal handed to the admin helpers, and no
//!   other such name is;
//! - the mock: `questkit_mock::trophy::OPERATIONS` and `questkit_mock::trophy_admin::OPERATIONS`
//!   are the table's (method, path) pairs of each API;
//! - the contract tests: the row names of `tests/contract_trophy.rs` and
//!   `tests/contract_trophy_admin.rs` are the table's operation names of each API (and the
//!   contract runs check each row's method and path against the table or the mock's list).

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::TableRow;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every string `marker"..."` in `text` (`.operation("users.get")`, `row(\n "users.get"`),
/// whitespace allowed between the marker and the quote.
fn quoted_after(text: &str, marker: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(marker) {
        rest = &rest[at + marker.len()..];
        let trimmed = rest.trim_start();
        if let Some(body) = trimmed.strip_prefix('"') {
            if let Some(end) = body.find('"') {
                out.push(body[..end].to_owned());
            }
        }
    }
    out
}

/// Every `"admin.…"` string literal (the admin calls hand their operation name to shared
/// helpers, which set it on the request).
fn admin_literals(text: &str) -> Vec<String> {
    text.match_indices("\"admin.")
        .filter_map(|(at, _)| {
            let body = &text[at + 1..];
            body.find('"').map(|end| body[..end].to_owned())
        })
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a readable source directory") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn names<'a>(rows: impl IntoIterator<Item = &'a TableRow>) -> BTreeSet<String> {
    rows.into_iter().map(|r| r.operation.clone()).collect()
}

fn pairs<'a>(rows: impl IntoIterator<Item = &'a TableRow>) -> BTreeSet<(String, String)> {
    rows.into_iter()
        .map(|r| (r.method.clone(), r.path.clone()))
        .collect()
}

fn listed(operations: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    operations
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect()
}

/// `left` and `right` hold the same items; the message names what each lacks.
fn same<T: Ord + std::fmt::Debug>(what: &str, table: &BTreeSet<T>, other: &BTreeSet<T>) {
    let missing: Vec<_> = table.difference(other).collect();
    let extra: Vec<_> = other.difference(table).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{what}: lacks {missing:?}; has {extra:?}, which crates/trophy/OPERATIONS.md does not list"
    );
}

#[test]
fn the_table_lists_85_distinct_operations() {
    let table = common::trophy_operation_table();
    assert_eq!(table.len(), 85, "27 application + 58 admin operations");
    let api: Vec<_> = table.iter().filter(|r| r.base == "api").collect();
    let admin: Vec<_> = table.iter().filter(|r| r.base == "admin").collect();
    assert_eq!((api.len(), admin.len()), (27, 58));
    assert_eq!(names(&table).len(), 85, "operation names are unique");
    let routes: BTreeSet<_> = table
        .iter()
        .map(|r| (r.base.clone(), r.method.clone(), r.path.clone()))
        .collect();
    assert_eq!(routes.len(), 85, "(base, method, path) are unique");
    for row in &table {
        // The questkit name is the SDK's, dotted, without Python's trailing `_` (`all_`).
        let derived = row.sdk_name.replace('/', ".");
        assert_eq!(row.operation, derived.trim_end_matches('_'), "{row:?}");
        assert_eq!(
            row.operation.starts_with("admin."),
            row.base == "admin",
            "{row:?}"
        );
        assert!(row.path.starts_with('/'), "{row:?}");
    }
}

#[test]
fn the_mock_serves_every_operation_of_the_table() {
    let table = common::trophy_operation_table();
    same(
        "questkit_mock::trophy::OPERATIONS",
        &pairs(table.iter().filter(|r| r.base == "api")),
        &listed(&questkit_mock::trophy::OPERATIONS),
    );
    same(
        "questkit_mock::trophy_admin::OPERATIONS",
        &pairs(table.iter().filter(|r| r.base == "admin")),
        &listed(&questkit_mock::trophy_admin::OPERATIONS),
    );
}

#[test]
fn the_client_has_every_operation_of_the_table() {
    let mut files = Vec::new();
    rust_files(&root().join("crates/trophy/src"), &mut files);
    let mut found = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("a readable source file");
        // Doc comments quote names too: only code counts.
        let code: String = text
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        found.extend(quoted_after(&code, ".operation("));
        found.extend(admin_literals(&code));
    }
    same(
        "the client's .operation(..) names",
        &names(&common::trophy_operation_table()),
        &found,
    );
}

#[test]
fn the_contract_tests_have_a_row_per_operation() {
    let table = common::trophy_operation_table();
    for (file, base) in [
        ("tests/contract_trophy.rs", "api"),
        ("tests/contract_trophy_admin.rs", "admin"),
    ] {
        let text = std::fs::read_to_string(root().join(file)).expect("a readable contract test");
        let rows = quoted_after(&text, "row(");
        let distinct: BTreeSet<String> = rows.iter().cloned().collect();
        assert_eq!(distinct.len(), rows.len(), "{file}: duplicate rows");
        same(
            &format!("the rows of {file}"),
            &names(table.iter().filter(|r| r.base == base)),
            &distinct,
        );
    }
}

#[test]
fn the_scanner_finds_what_it_must() {
    let text = "x.operation(\"a.b\") row(\n    \"c.d\",\n) row(vec) .operation( \"e\")";
    assert_eq!(quoted_after(text, ".operation("), ["a.b", "e"]);
    assert_eq!(quoted_after(text, "row("), ["c.d"]);
    assert_eq!(
        admin_literals(r#"let op = "admin.x.y"; f("admin.z")"#),
        ["admin.x.y", "admin.z"]
    );
}
