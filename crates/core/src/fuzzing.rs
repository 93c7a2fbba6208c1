//! Entry points for the fuzz targets (`fuzz/`): plain functions of the input bytes, so that the
//! committed corpus also replays as ordinary tests. Each must return normally for any input; a
//! panic is a bug, and the assertions check what must hold whatever the input.

// Fuzzing code asserts its invariants on purpose.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::retry::{MAX_SERVER_WAIT, RetryPolicy, retry_after};

/// Decodes a body as the core's default decoder does (an empty body reads as `null`; the
/// top-level shape check applies): the vendor crates' fuzz entry points share it.
pub fn decode_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Option<T> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        body
    };
    crate::decode::from_slice(body).ok()
}

/// Holds a value decoded from `input` to the round trip every model promises: it serializes,
/// decodes again, and serializes to the same JSON (numbers exactly: serde_json's
/// `float_roundtrip` is on).
///
/// An input with a repeated key in an object is not valid JSON to keep (RFC 8259 wants unique
/// names), and serde reads it in ways that need not survive a round trip (a struct refuses it,
/// so an untagged enum falls back to its raw variant; `Value` keeps the last one). For such an
/// input the check is that the value is stable from its first serialization on.
pub fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(input: &[u8], value: &T) {
    let first = reencode(value);
    if has_repeated_keys(input) {
        let Some(again) = decode_again::<T>(&first) else {
            return;
        };
        let second = reencode(&again);
        let Some(third) = decode_again::<T>(&second) else {
            panic!("a normalised value does not decode again");
        };
        assert_eq!(
            second,
            reencode(&third),
            "the value is not stable once normalised"
        );
        return;
    }
    let Some(again) = decode_again::<T>(&first) else {
        panic!(
            "a serialized value does not decode again: {}",
            String::from_utf8_lossy(&first)
        );
    };
    let (Ok(before), Ok(after)) = (
        serde_json::from_slice::<serde_json::Value>(&first),
        serde_json::to_value(&again),
    ) else {
        panic!("a decoded value does not serialize");
    };
    assert_eq!(before, after, "the round trip changed the value");
}

fn reencode<T: serde::Serialize>(value: &T) -> Vec<u8> {
    let Ok(bytes) = serde_json::to_vec(value) else {
        panic!("a decoded value does not serialize");
    };
    bytes
}

fn decode_again<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    crate::decode::from_slice::<T>(bytes).ok()
}

/// Whether a JSON document repeats a key within one object (anywhere in it). Not JSON: `false`.
pub fn has_repeated_keys(input: &[u8]) -> bool {
    use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
    struct Walk;
    impl<'de> Visitor<'de> for Walk {
        type Value = bool;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("any JSON")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
            let mut seen = std::collections::HashSet::new();
            let mut repeated = false;
            while let Some(key) = map.next_key::<String>()? {
                repeated |= !seen.insert(key);
                repeated |= map.next_value_seed(WalkSeed)?;
            }
            Ok(repeated)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
            let mut repeated = false;
            while let Some(inner) = seq.next_element_seed(WalkSeed)? {
                repeated |= inner;
            }
            Ok(repeated)
        }
        fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_str<E>(self, _: &str) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_unit<E>(self) -> Result<bool, E> {
            Ok(false)
        }
    }
    struct WalkSeed;
    impl<'de> serde::de::DeserializeSeed<'de> for WalkSeed {
        type Value = bool;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
            d.deserialize_any(Walk)
        }
    }
    // A model skips the fields it does not know without checking their text, so a document it
    // read may hold bytes that are not UTF-8 inside such a string: walk it with those bytes
    // replaced (they can only be inside strings), or the walk would stop there and miss a key.
    let text = String::from_utf8_lossy(input);
    let mut de = serde_json::Deserializer::from_str(&text);
    serde::de::DeserializeSeed::deserialize(WalkSeed, &mut de).unwrap_or(false)
}

/// Whether a JSON key names an ID (`id`, `pk`, `rewardId`, `user_id`, `achievementIds`,
/// Epixel's `selected_profile`).
pub fn is_id_key(key: &str) -> bool {
    key == "id"
        || key == "pk"
        || key == "selected_profile"
        || key.ends_with("_id")
        || key.ends_with("Id")
        || key.ends_with("_ids")
        || key.ends_with("Ids")
}

/// Walks a document and its re-serialized form side by side and returns the path of every ID
/// (see [`is_id_key`]) whose value or JSON type (string or number) changed. Fields the model
/// dropped, and IDs the server sent as `null`, are left out.
pub fn ids_changed(original: &serde_json::Value, rewritten: &serde_json::Value) -> Vec<String> {
    fn walk(
        path: &str,
        original: &serde_json::Value,
        rewritten: &serde_json::Value,
        out: &mut Vec<String>,
    ) {
        use serde_json::Value;
        match (original, rewritten) {
            (Value::Object(before), Value::Object(after)) => {
                for (key, value) in before {
                    let Some(kept) = after.get(key) else { continue };
                    let here = format!("{path}.{key}");
                    if is_id_key(key) && !value.is_null() && kept != value {
                        out.push(here.clone());
                    }
                    walk(&here, value, kept, out);
                }
            }
            (Value::Array(before), Value::Array(after)) => {
                for (i, (value, kept)) in before.iter().zip(after).enumerate() {
                    walk(&format!("{path}[{i}]"), value, kept, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk("", original, rewritten, &mut out);
    out
}

/// Bodies that have broken parsers elsewhere: empty, truncated, deep, huge numbers, invalid
/// UTF-8, odd top levels. The crates' fuzzing tests run them through every entry point.
pub fn hostile_inputs() -> Vec<Vec<u8>> {
    let mut inputs: Vec<Vec<u8>> = [
        &b""[..],
        b" ",
        b"null",
        b"[]",
        b"{}",
        b"[[]]",
        b"\"\"",
        b"{\"",
        b"{\"a\":",
        b"[1,",
        b"1e999",
        b"-1e999",
        b"-0",
        b"[1e999]",
        b"18446744073709551616",
        b"-9223372036854775809",
        b"{\"id\": 1e999, \"value\": -0}",
        b"\xff\xfe\xfd",
        b"{\"id\": \"\xff\"}",
        b"[\"m1\",\"words-written\",\"Words written\",null,1500,[]]",
    ]
    .iter()
    .map(|b| b.to_vec())
    .collect();
    inputs.push(vec![b'['; 10_000]);
    inputs.push(format!("{}{}", "{\"a\":".repeat(5_000), "}".repeat(5_000)).into_bytes());
    inputs
}

/// `Retry-After`, `retry-after-ms`, `X-RateLimit-Reset` and HTTP-date parsing: the first byte
/// picks the header, the rest is its value. Every parsed wait is at most
/// [`MAX_SERVER_WAIT`], can be added to the clock, and goes through the retry policy.
pub fn retry_after_header(data: &[u8]) {
    let Some((pick, value)) = data.split_first() else {
        return;
    };
    let names = ["retry-after", "retry-after-ms", "x-ratelimit-reset"];
    let name = HeaderName::from_static(names[usize::from(*pick) % names.len()]);
    let Ok(value) = HeaderValue::from_bytes(value) else {
        return;
    };
    let mut headers = HeaderMap::new();
    headers.insert(name, value);
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    if let Some(wait) = retry_after(&headers, now) {
        assert!(wait <= MAX_SERVER_WAIT, "{wait:?}");
        assert!(Instant::now().checked_add(wait).is_some());
        let outcome = crate::retry::Outcome::Status {
            status: reqwest::StatusCode::TOO_MANY_REQUESTS,
            retry_after: Some(wait),
        };
        let attempt = crate::retry::Attempt {
            number: 1,
            method: &reqwest::Method::GET,
            has_idempotency_key: false,
            elapsed: Duration::MAX,
        };
        let _ = RetryPolicy::default().decide(attempt, outcome, f64::from(*pick) / 255.0);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = httpdate::parse_http_date(text);
    }
}

/// Path-segment encoding: any text either is refused or becomes exactly one segment under the
/// base URL, with no query, no fragment and the same host, that decodes back to the text.
pub fn path_segment(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(encoded) = crate::path::encode_segment(&text) {
        let base = url::Url::parse("https://api.example/v1/users/").unwrap();
        let url = base.join(&format!("{encoded}/metrics")).unwrap();
        let segments: Vec<&str> = url.path_segments().unwrap().collect();
        assert_eq!(segments.len(), 4, "{text:?} -> {url}");
        assert_eq!(url.host_str(), Some("api.example"));
        assert!(url.query().is_none() && url.fragment().is_none(), "{url}");
        let decoded = percent_encoding::percent_decode_str(segments[2]).decode_utf8_lossy();
        assert_eq!(decoded, text);
    }
    if let Ok(path) = crate::path::relative(&text) {
        let base = url::Url::parse("https://api.example/v1/").unwrap();
        let url = base.join(&path).unwrap();
        assert!(url.path().starts_with("/v1/"), "{text:?} -> {url}");
        assert_eq!(url.host_str(), Some("api.example"));
        assert!(url.query().is_none() && url.fragment().is_none(), "{url}");
    }
}

/// The top-level shape check and the date and ID wrappers on any JSON.
pub fn wire_values(data: &[u8]) {
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Model {
        id: Option<crate::LenientId>,
        at: Option<crate::DateText>,
    }
    if let Ok(model) = crate::decode::from_slice::<Model>(data) {
        assert!(!crate::decode::starts_with_array(data));
        if let Some(at) = model.at {
            let _ = (at.date_time(), at.date());
        }
        if let Some(id) = model.id {
            let json = serde_json::to_vec(&id).unwrap();
            let back: crate::LenientId = serde_json::from_slice(&json).unwrap();
            assert_eq!(back, id);
        }
    }
    let _ = crate::decode::from_slice::<Vec<crate::DateText>>(data);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_are_found_at_any_depth() {
        assert!(has_repeated_keys(br#"{"a": 1, "a": 2}"#));
        assert!(has_repeated_keys(br#"[{"x": {"b": 1, "b": 1}}]"#));
        assert!(!has_repeated_keys(br#"{"a": {"a": 1}, "b": [{"a": 2}]}"#));
        assert!(!has_repeated_keys(b"not json"));
        // Bytes that are not UTF-8 inside a string do not hide a repeated key after them.
        assert!(has_repeated_keys(b"{\"x\": \"\x81\", \"a\": 1, \"a\": 2}"));
    }

    #[test]
    fn changed_ids_are_found() {
        let before = serde_json::json!({"id": 7, "items": [{"userId": "u1"}, {"pk": 3}], "n": 1});
        let after = serde_json::json!({"id": "7", "items": [{"userId": "u1"}, {"pk": 3}], "n": 2});
        assert_eq!(ids_changed(&before, &after), [".id"]);
        assert!(ids_changed(&before, &before).is_empty());
        assert!(is_id_key("selected_profile") && is_id_key("achievementIds") && !is_id_key("idle"));
    }

    #[test]
    fn hostile_inputs_pass_every_entry_point() {
        let deep = "[".repeat(10_000);
        let inputs: Vec<&[u8]> = vec![
            b"",
            b"\x00",
            b"\x0099999999999999999999",
            b"\x001e20",
            b"\x011e30",
            b"\x02-1e308",
            b"\x00Fri, 31 Dec 9999 23:59:59 GMT",
            b"a/../b?x#",
            b"..",
            b"\xff\xfe",
            br#"{"id": 7, "at": "2025-01-01 05:03:00"}"#,
            br#"{"id": 1e999}"#,
            b"[]",
            deep.as_bytes(),
        ];
        for input in inputs {
            retry_after_header(input);
            path_segment(input);
            wire_values(input);
        }
    }
}
