//! Helpers shared by the integration tests: fixture loading and round trips.

#![allow(dead_code)]

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::fmt::Debug;

/// The fixture folder of this crate.
pub fn fixture_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/nudj")
}

/// The raw text of a fixture.
pub fn raw(name: &str) -> String {
    let path = fixture_dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// Deserializes a fixture (reporting the failing JSON path), then checks that
/// serialize → deserialize gives the same value.
pub fn load<T>(name: &str) -> T
where
    T: DeserializeOwned + Serialize + PartialEq + Debug,
{
    let text = raw(name);
    let de = &mut serde_json::Deserializer::from_str(&text);
    let value: T = serde_path_to_error::deserialize(de)
        .unwrap_or_else(|e| panic!("{name}: {} at {}", e.inner(), e.path()));
    let written = serde_json::to_string(&value).unwrap();
    let again: T = serde_json::from_str(&written)
        .unwrap_or_else(|e| panic!("{name}: re-reading the serialized value failed: {e}"));
    assert_eq!(value, again, "{name} does not round-trip");
    let original: Value = serde_json::from_str(&text).unwrap();
    let rewritten: Value = serde_json::from_str(&written).unwrap();
    assert_dates_kept(name, "", &original, &rewritten);
    assert_id_types_kept(name, &original, &rewritten);
    value
}

/// Whether a key names a timestamp (`createdAt`, `redeemByDate`, `startDate`, ...).
fn is_date_key(key: &str) -> bool {
    key.ends_with("At") || key.ends_with("Date")
}

/// Walks the fixture and its re-serialized form side by side: every timestamp the model kept
/// has the server's text, unchanged.
pub fn assert_dates_kept(name: &str, path: &str, original: &Value, rewritten: &Value) {
    match (original, rewritten) {
        (Value::Object(before), Value::Object(after)) => {
            for (key, value) in before {
                let Some(kept) = after.get(key) else { continue };
                let here = format!("{path}.{key}");
                if is_date_key(key) && !value.is_null() {
                    assert_eq!(kept, value, "{name}: timestamp {here} was rewritten");
                }
                assert_dates_kept(name, &here, value, kept);
            }
        }
        (Value::Array(before), Value::Array(after)) => {
            for (i, (value, kept)) in before.iter().zip(after).enumerate() {
                assert_dates_kept(name, &format!("{path}[{i}]"), value, kept);
            }
        }
        _ => {}
    }
}

/// Every ID the model kept has the JSON type (string or number) and the value the server sent.
pub fn assert_id_types_kept(name: &str, original: &Value, rewritten: &Value) {
    let changed = questkit_core::fuzzing::ids_changed(original, rewritten);
    assert!(
        changed.is_empty(),
        "{name}: IDs changed their JSON type or value: {changed:?}"
    );
}
