//! Request paths built from templates whose parameters are each encoded as exactly one segment.
//!
//! An ID such as `a/../b?x#` becomes `a%2F..%2Fb%3Fx%23`: it can never climb to another path,
//! start a query or a fragment. IDs that are `.` or `..` are refused, because URLs give those
//! segments a meaning of their own even when percent-encoded.
// IDs come from callers and, through page links, from servers: no indexing that could panic.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::error::{Error, Result};

/// Everything but RFC 3986's unreserved characters is encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Encodes one path segment.
///
/// ```
/// use questkit_core::path::encode_segment;
///
/// assert_eq!(encode_segment("user 1").unwrap(), "user%201");
/// assert_eq!(encode_segment("a/../b?x#").unwrap(), "a%2F..%2Fb%3Fx%23");
/// assert!(encode_segment("").is_err());
/// assert!(encode_segment("..").is_err());
/// ```
pub fn encode_segment(value: &str) -> Result<String> {
    let mut out = String::with_capacity(value.len());
    push_segment(&mut out, value)?;
    Ok(out)
}

/// Appends `value` encoded as one segment to `out` (no intermediate string).
fn push_segment(out: &mut String, value: &str) -> Result<()> {
    if value.is_empty() {
        return Err(Error::invalid_input("a path parameter is empty"));
    }
    if value == "." || value == ".." {
        return Err(Error::invalid_input(format!(
            "`{value}` cannot be used as a path parameter"
        )));
    }
    out.extend(utf8_percent_encode(value, SEGMENT));
    Ok(())
}

/// Fills a path template (`users/{id}/metrics/{key}`) with parameters, in order, each encoded
/// as one segment. The result is relative to the client's base URL.
///
/// ```
/// use questkit_core::path::fill;
///
/// let path = fill("users/{id}/metrics/{key}", &["ann/x", "words"]).unwrap();
/// assert_eq!(path, "users/ann%2Fx/metrics/words");
/// ```
pub fn fill(template: &str, params: &[&str]) -> Result<String> {
    let template = template.trim_start_matches('/');
    let capacity = params
        .iter()
        .fold(template.len(), |n, p| n.saturating_add(p.len()));
    let mut out = String::with_capacity(capacity);
    let mut params = params.iter();
    let mut rest = template;
    while let Some((literal, after)) = rest.split_once('{') {
        let Some((name, tail)) = after.split_once('}') else {
            return Err(Error::invalid_input(format!(
                "unclosed `{{` in path template `{template}`"
            )));
        };
        out.push_str(literal);
        let value = params.next().ok_or_else(|| {
            Error::invalid_input(format!(
                "path template `{template}` has no value for `{name}`"
            ))
        })?;
        push_segment(&mut out, value).map_err(|err| match err {
            Error::InvalidInput(msg) => Error::InvalidInput(format!("{name}: {msg}")),
            other => other,
        })?;
        rest = tail;
    }
    out.push_str(rest);
    if params.next().is_some() {
        return Err(Error::invalid_input(format!(
            "path template `{template}` got more values than placeholders"
        )));
    }
    Ok(out)
}

/// Encodes a path given at run time (a configured endpoint such as `user/token/refresh/`),
/// relative to the base URL: each `/`-separated segment is encoded as one segment, a leading
/// `/` is dropped and a trailing one kept. Empty, `.` and `..` segments are refused, and so are
/// `?` and `#`: a query or fragment in a configured path is a mistake, not part of a name.
///
/// ```
/// use questkit_core::path::relative;
///
/// assert_eq!(relative("/user/token/refresh/").unwrap(), "user/token/refresh/");
/// assert_eq!(relative("a b/c").unwrap(), "a%20b/c");
/// assert!(relative("user/../admin").is_err());
/// assert!(relative("").is_err());
/// ```
pub fn relative(raw: &str) -> Result<String> {
    let trimmed = raw.trim().trim_start_matches('/');
    if trimmed.contains(['?', '#']) {
        return Err(Error::invalid_input(format!(
            "`{raw}` holds a query or fragment; give only the path"
        )));
    }
    let (body, trailing) = match trimmed.strip_suffix('/') {
        Some(body) => (body, true),
        None => (trimmed, false),
    };
    let mut out = String::with_capacity(trimmed.len());
    for (i, segment) in body.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        push_segment(&mut out, segment)
            .map_err(|_| Error::invalid_input(format!("`{raw}` is not a plain relative path")))?;
    }
    if trailing {
        out.push('/');
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn hostile_segments_table() {
        let cases: &[(&str, &str)] = &[
            ("plain", "plain"),
            ("user-1_a.b~c", "user-1_a.b~c"),
            ("a/b", "a%2Fb"),
            ("a/../b?x#", "a%2F..%2Fb%3Fx%23"),
            ("../admin", "..%2Fadmin"),
            ("..%2F", "..%252F"),
            ("...", "..."),
            (".hidden", ".hidden"),
            ("%", "%25"),
            ("%2e%2e", "%252e%252e"),
            ("100%", "100%25"),
            ("a b", "a%20b"),
            ("a+b", "a%2Bb"),
            ("?", "%3F"),
            ("#", "%23"),
            ("a;b", "a%3Bb"),
            ("a=b&c=d", "a%3Db%26c%3Dd"),
            ("\\", "%5C"),
            ("a\\..\\b", "a%5C..%5Cb"),
            ("\n", "%0A"),
            ("\r\nX-Injected: 1", "%0D%0AX-Injected%3A%201"),
            ("\0", "%00"),
            ("é", "%C3%A9"),
            ("日本", "%E6%97%A5%E6%9C%AC"),
            ("🏆", "%F0%9F%8F%86"),
            ("@host", "%40host"),
            ("user:pass", "user%3Apass"),
            ("http://evil.example", "http%3A%2F%2Fevil.example"),
            ("//evil.example", "%2F%2Fevil.example"),
            ("a'b\"c", "a%27b%22c"),
            ("<script>", "%3Cscript%3E"),
            ("{id}", "%7Bid%7D"),
            ("   ", "%20%20%20"),
        ];
        for (input, expected) in cases {
            assert_eq!(encode_segment(input).unwrap(), *expected, "{input:?}");
            let url = url::Url::parse("https://api.example/v1/users/").unwrap();
            let joined = url.join(expected).unwrap();
            assert_eq!(
                joined.path_segments().unwrap().count(),
                3,
                "{input:?} -> {joined}"
            );
            assert_eq!(joined.query(), None);
            assert_eq!(joined.fragment(), None);
            assert_eq!(joined.host_str(), Some("api.example"));
        }
        for bad in ["", ".", ".."] {
            assert!(
                matches!(encode_segment(bad), Err(Error::InvalidInput(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative("user/token/refresh/").unwrap(),
            "user/token/refresh/"
        );
        assert_eq!(relative("refresh").unwrap(), "refresh");
        assert_eq!(relative("a b/ü/1").unwrap(), "a%20b/%C3%BC/1");
        assert_eq!(relative("a/b/c/d/e/f/g/h").unwrap(), "a/b/c/d/e/f/g/h");
        for bad in [
            "", "/", "a//b", "../x", "a/./b", "a/..", "a?b", "a/b?x=1", "a#f",
        ] {
            assert!(relative(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn templates() {
        assert_eq!(
            fill("/profiles/overview/", &[]).unwrap(),
            "profiles/overview/"
        );
        assert_eq!(fill("a/{x}/b/{y}/", &["1", "2"]).unwrap(), "a/1/b/2/");
        assert!(fill("a/{x}", &[]).is_err());
        assert!(fill("a/{x}", &["1", "2"]).is_err());
        assert!(fill("a/{x", &["1"]).is_err());
        let err = fill("users/{id}", &[""]).unwrap_err();
        assert!(err.to_string().contains("id"), "{err}");
    }

    proptest! {
        #[test]
        fn any_string_stays_one_segment(value in any::<String>()) {
            prop_assume!(!value.is_empty() && value != "." && value != "..");
            let encoded = encode_segment(&value).unwrap();
            let base = url::Url::parse("https://api.example/v1/users/").unwrap();
            let url = base.join(&format!("{encoded}/metrics")).unwrap();
            let segments: Vec<_> = url.path_segments().unwrap().collect();
            prop_assert_eq!(segments.len(), 4);
            prop_assert_eq!(segments[0], "v1");
            prop_assert_eq!(segments[1], "users");
            prop_assert_eq!(segments[3], "metrics");
            let decoded = percent_encoding::percent_decode_str(segments[2]).decode_utf8().unwrap();
            prop_assert_eq!(decoded, value.as_str());
            prop_assert!(url.query().is_none() && url.fragment().is_none());
        }
    }
}
