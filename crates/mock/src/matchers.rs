//! Request matchers the mock APIs share.

use wiremock::{Match, Request};

/// Matches a request path against a template such as `/v1/users/{id}/metrics/{key}`: each
/// `{...}` matches exactly one non-empty segment (still percent-encoded), everything else must
/// be equal. A trailing slash is significant, as it is for the APIs that use one.
#[derive(Clone, Debug)]
pub struct PathTemplate {
    segments: Vec<Segment>,
}

#[derive(Clone, Debug)]
enum Segment {
    Literal(String),
    Param,
}

impl PathTemplate {
    /// A matcher for `template` (a leading `/` is implied).
    pub fn new(template: &str) -> Self {
        let trimmed = template.trim_start_matches('/');
        let segments = trimmed
            .split('/')
            .map(|s| {
                if s.starts_with('{') && s.ends_with('}') {
                    Segment::Param
                } else {
                    Segment::Literal(s.to_owned())
                }
            })
            .collect();
        PathTemplate { segments }
    }

    /// Whether a raw (encoded) path matches.
    pub fn matches_path(&self, path: &str) -> bool {
        let mut parts = path.trim_start_matches('/').split('/');
        for segment in &self.segments {
            match (segment, parts.next()) {
                (Segment::Literal(l), Some(p)) if l == p => {}
                (Segment::Param, Some(p)) if !p.is_empty() => {}
                _ => return false,
            }
        }
        parts.next().is_none()
    }
}

impl Match for PathTemplate {
    fn matches(&self, request: &Request) -> bool {
        self.matches_path(request.url.path())
    }
}

/// Matches every request whose path is under a prefix (`/trophy/v1`).
#[derive(Clone, Debug)]
pub(crate) struct UnderPrefix(pub(crate) String);

impl Match for UnderPrefix {
    fn matches(&self, request: &Request) -> bool {
        let path = request.url.path();
        self.0.is_empty()
            || path == self.0
            || path
                .strip_prefix(self.0.as_str())
                .is_some_and(|rest| rest.starts_with('/'))
    }
}

/// Matches requests whose credentials the API's check refuses.
pub(crate) struct Unauthorized(pub(crate) crate::api::AuthCheck);

impl Match for Unauthorized {
    fn matches(&self, request: &Request) -> bool {
        !(self.0)(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_one_segment_per_parameter() {
        let t = PathTemplate::new("/v1/users/{id}/metrics/{key}");
        assert!(t.matches_path("/v1/users/u1/metrics/words"));
        assert!(t.matches_path("/v1/users/a%2F..%2Fb%3Fx%23/metrics/words"));
        assert!(!t.matches_path("/v1/users/u1/metrics"));
        assert!(!t.matches_path("/v1/users//metrics/words"));
        assert!(!t.matches_path("/v1/users/a/b/metrics/words"));
        assert!(!t.matches_path("/v1/users/u1/metrics/words/extra"));
        let slash = PathTemplate::new("/api/v1/profiles/overview/");
        assert!(slash.matches_path("/api/v1/profiles/overview/"));
        assert!(!slash.matches_path("/api/v1/profiles/overview"));
    }

    #[test]
    fn prefixes() {
        let p = |prefix: &str, path: &str| {
            let m = UnderPrefix(prefix.to_owned());
            m.0.is_empty()
                || path == m.0
                || path
                    .strip_prefix(m.0.as_str())
                    .is_some_and(|r| r.starts_with('/'))
        };
        assert!(p("/trophy/v1", "/trophy/v1/users"));
        assert!(!p("/trophy/v1", "/trophy/v10/users"));
        assert!(!p("/trophy/v1", "/nudj/x"));
        assert!(p("", "/anything"));
    }
}
