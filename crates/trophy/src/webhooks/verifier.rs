//! Verifying deliveries where they arrive: one or several secrets, the signature read from an
//! `http::HeaderMap` or passed as text.

use std::fmt;
use std::sync::Arc;

use http::{HeaderMap, HeaderName};
use questkit_core::SecretString;
use subtle::{Choice, ConstantTimeEq as _};

use super::{WebhookError, WebhookEvent, decode_signature, mac_of};

/// `X-Trophy-Signature`, as `http` spells header names (lower case).
static SIGNATURE: HeaderName = HeaderName::from_static("x-trophy-signature");

/// Verifies Trophy webhook deliveries against one or more secrets, then parses them.
///
/// Framework-neutral: give it the request's headers (an `http` 1.x [`HeaderMap`], as axum,
/// hyper, reqwest and tonic use) or, for frameworks still on `http` 0.2 such as actix-web 4,
/// the text of the `X-Trophy-Signature` header; and the raw body bytes, exactly as received.
///
/// **Rotating a secret.** A delivery is accepted when its signature matches *any* configured
/// secret. Configure the new secret next to the old one, switch the secret in Trophy, and drop
/// the old one once deliveries signed with it have stopped arriving (after Trophy's retries):
/// no delivery is refused in between.
///
/// Every secret is checked, in constant time, whichever matches, so the timing of a refusal
/// says nothing about the signature or about which secret was close. Secrets are
/// [`SecretString`]s: `Debug` shows only how many there are. Cloning is cheap (shared), so the
/// verifier can live in a web framework's state and be cloned per request.
///
/// ```
/// use questkit_trophy::webhooks::{sign_webhook, WebhookError, WebhookVerifier};
///
/// let verifier = WebhookVerifier::new(["whsec_new", "whsec_old"])?;
/// let body = br#"{"type":"user.deleted","userId":"u1"}"#;
/// let event = verifier.verify_signature(&sign_webhook(body, "whsec_new"), body)?;
/// assert_eq!(event.event_type().as_str(), "user.deleted"); // unknown types are kept raw
/// assert!(verifier.verify_signature(&sign_webhook(body, "whsec_old"), body).is_ok());
/// assert_eq!(
///     verifier.verify_signature(&sign_webhook(body, "whsec_other"), body).unwrap_err(),
///     WebhookError::SignatureMismatch
/// );
/// assert_eq!(format!("{verifier:?}"), "WebhookVerifier { secrets: 2 }");
/// # Ok::<(), WebhookError>(())
/// ```
#[derive(Clone)]
pub struct WebhookVerifier {
    secrets: Arc<[SecretString]>,
}

impl WebhookVerifier {
    /// A verifier accepting deliveries signed with any of `secrets` (strings or
    /// [`SecretString`]s: `["whsec_..."]`, a `Vec`, an iterator).
    ///
    /// Fails with [`WebhookError::MissingSecret`] when there is no secret or one of them is
    /// empty or blank: a configuration mistake, better found at start-up than at the first
    /// delivery.
    pub fn new<I>(secrets: I) -> Result<Self, WebhookError>
    where
        I: IntoIterator,
        I::Item: Into<SecretString>,
    {
        let secrets: Arc<[SecretString]> = secrets.into_iter().map(Into::into).collect();
        if secrets.is_empty() || secrets.iter().any(SecretString::is_empty) {
            return Err(WebhookError::MissingSecret);
        }
        Ok(WebhookVerifier { secrets })
    }

    /// How many secrets are configured.
    pub fn secret_count(&self) -> usize {
        self.secrets.len()
    }

    /// Checks the `X-Trophy-Signature` header in `headers` against the raw `body`, then parses
    /// the body into a [`WebhookEvent`] (unknown event types become
    /// [`WebhookEvent::Unknown`], kept raw).
    ///
    /// A missing header is [`WebhookError::MissingSignature`]; a header that is not text, or
    /// that appears more than once, is [`WebhookError::MalformedSignature`].
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<WebhookEvent, WebhookError> {
        self.verify_signature(signature_header(headers)?, body)
    }

    /// Checks `header_value` (the text of `X-Trophy-Signature`) against the raw `body`, then
    /// parses the body: the form for frameworks whose header types are not `http` 1.x.
    ///
    /// ```
    /// use questkit_trophy::webhooks::{sign_webhook, WebhookVerifier};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let verifier = WebhookVerifier::new(["whsec_example"])?;
    /// # let body = br#"{"type":"user.deleted"}"#.to_vec();
    /// # let text = sign_webhook(&body, "whsec_example");
    /// // actix-web 4: let text = req.headers().get("X-Trophy-Signature")
    /// //     .and_then(|v| v.to_str().ok()).unwrap_or("");
    /// let event = verifier.verify_signature(&text, &body)?;
    /// # assert!(matches!(event, questkit_trophy::WebhookEvent::Unknown { .. }));
    /// # Ok(())
    /// # }
    /// ```
    pub fn verify_signature(
        &self,
        header_value: &str,
        body: &[u8],
    ) -> Result<WebhookEvent, WebhookError> {
        self.check_signature(header_value, body)?;
        WebhookEvent::from_slice(body)
    }

    /// Only the authentication: whether `header_value` is the signature of `body` under one
    /// of the secrets. Use it to verify a body you then read into your own types.
    pub fn check_signature(&self, header_value: &str, body: &[u8]) -> Result<(), WebhookError> {
        let signature = decode_signature(header_value)?;
        // No early exit: every secret is tried, and the results are combined without
        // branching on them.
        let mut matched = Choice::from(0);
        for secret in self.secrets.iter() {
            matched |= mac_of(body, secret.expose().as_bytes()).ct_eq(&signature);
        }
        if bool::from(matched) {
            Ok(())
        } else {
            Err(WebhookError::SignatureMismatch)
        }
    }
}

impl fmt::Debug for WebhookVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookVerifier")
            .field("secrets", &self.secrets.len())
            .finish()
    }
}

/// The text of the one `X-Trophy-Signature` header in `headers` (the name is matched in any
/// case).
///
/// [`WebhookError::MissingSignature`] when there is none; [`WebhookError::MalformedSignature`]
/// when its value is not visible ASCII or when the header appears more than once (which of
/// two signatures would be Trophy's?).
pub fn signature_header(headers: &HeaderMap) -> Result<&str, WebhookError> {
    let mut values = headers.get_all(&SIGNATURE).iter();
    let value = values.next().ok_or(WebhookError::MissingSignature)?;
    if values.next().is_some() {
        return Err(WebhookError::MalformedSignature);
    }
    value.to_str().map_err(|_| WebhookError::MalformedSignature)
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;
    use crate::webhooks::sign_webhook;

    const BODY: &[u8] = br#"{"type":"streak.lost","user":{"id":"u1","created":"2025-01-01T00:00:00Z","updated":"2025-01-01T00:00:00Z"},"length":7}"#;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for v in values {
            map.append("X-Trophy-Signature", HeaderValue::from_str(v).unwrap());
        }
        map
    }

    #[test]
    fn verifies_from_a_header_map() {
        let verifier = WebhookVerifier::new(["whsec_a"]).unwrap();
        let event = verifier
            .verify(&headers(&[&sign_webhook(BODY, "whsec_a")]), BODY)
            .unwrap();
        match event {
            WebhookEvent::StreakLost(e) => {
                assert_eq!(e.length, 7);
                assert_eq!(e.user.id, "u1");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn header_name_matches_in_any_case() {
        let verifier = WebhookVerifier::new(["whsec_a"]).unwrap();
        let mut map = HeaderMap::new();
        let name: HeaderName = "X-TROPHY-SIGNATURE".parse().unwrap();
        map.insert(name, sign_webhook(BODY, "whsec_a").parse().unwrap());
        assert!(verifier.verify(&map, BODY).is_ok());
    }

    #[test]
    fn header_map_rejections() {
        let verifier = WebhookVerifier::new(["whsec_a"]).unwrap();
        let good = sign_webhook(BODY, "whsec_a");
        assert_eq!(
            verifier.verify(&HeaderMap::new(), BODY).unwrap_err(),
            WebhookError::MissingSignature
        );
        assert_eq!(
            verifier.verify(&headers(&[""]), BODY).unwrap_err(),
            WebhookError::MissingSignature
        );
        assert_eq!(
            verifier
                .verify(&headers(&[&good, &good]), BODY)
                .unwrap_err(),
            WebhookError::MalformedSignature,
            "two signature headers are ambiguous"
        );
        let mut opaque = HeaderMap::new();
        opaque.insert(
            "x-trophy-signature",
            HeaderValue::from_bytes(b"\xff\xfe").unwrap(),
        );
        assert_eq!(
            verifier.verify(&opaque, BODY).unwrap_err(),
            WebhookError::MalformedSignature
        );
        assert_eq!(
            verifier
                .verify(&headers(&[&sign_webhook(BODY, "whsec_b")]), BODY)
                .unwrap_err(),
            WebhookError::SignatureMismatch
        );
        assert_eq!(
            verifier
                .verify(&headers(&[&good]), b"{\"type\":\"streak.lost\"}")
                .unwrap_err(),
            WebhookError::SignatureMismatch
        );
    }

    /// A framework on `http` 0.2 (actix-web 4, warp 0.3) hands over the header's text.
    #[test]
    fn http_02_style_call_with_the_header_text() {
        let verifier = WebhookVerifier::new(vec![String::from("whsec_a")]).unwrap();
        let text: String = sign_webhook(BODY, "whsec_a");
        // What `req.headers().get(..).and_then(|v| v.to_str().ok())` gives, padding and
        // surrounding whitespace as a proxy might leave them.
        for header in [
            text.clone(),
            format!(" {text}\t"),
            text.trim_end_matches('=').to_owned(),
        ] {
            let event = verifier.verify_signature(&header, BODY).unwrap();
            assert_eq!(event.event_type().as_str(), "streak.lost");
        }
        assert_eq!(
            verifier.verify_signature("", BODY).unwrap_err(),
            WebhookError::MissingSignature
        );
        assert_eq!(
            verifier.verify_signature("not base64!", BODY).unwrap_err(),
            WebhookError::MalformedSignature
        );
        assert_eq!(
            verifier.verify_signature("c2hvcnQ=", BODY).unwrap_err(),
            WebhookError::MalformedSignature,
            "a base64 value of the wrong length"
        );
        assert_eq!(verifier.check_signature(&text, BODY), Ok(()));
    }

    #[test]
    fn any_configured_secret_verifies() {
        let rotating = WebhookVerifier::new(["whsec_new", "whsec_old"]).unwrap();
        assert_eq!(rotating.secret_count(), 2);
        for secret in ["whsec_new", "whsec_old"] {
            assert_eq!(
                rotating.check_signature(&sign_webhook(BODY, secret), BODY),
                Ok(()),
                "{secret}"
            );
        }
        assert_eq!(
            rotating.check_signature(&sign_webhook(BODY, "whsec_gone"), BODY),
            Err(WebhookError::SignatureMismatch)
        );
        // Once the old secret is dropped, its signatures are refused.
        let rotated = WebhookVerifier::new(["whsec_new"]).unwrap();
        assert_eq!(
            rotated.check_signature(&sign_webhook(BODY, "whsec_old"), BODY),
            Err(WebhookError::SignatureMismatch)
        );
    }

    #[test]
    fn refuses_missing_or_blank_secrets() {
        let none: [&str; 0] = [];
        assert_eq!(
            WebhookVerifier::new(none).unwrap_err(),
            WebhookError::MissingSecret
        );
        assert_eq!(
            WebhookVerifier::new(["whsec_a", "  "]).unwrap_err(),
            WebhookError::MissingSecret
        );
        assert!(WebhookVerifier::new([SecretString::new("whsec_a")]).is_ok());
    }

    #[test]
    fn authentic_but_unreadable_payloads_are_payload_errors() {
        let verifier = WebhookVerifier::new(["whsec_a"]).unwrap();
        for body in [&b"not json"[..], b"[1,2]", br#"{"type":"streak.lost"}"#] {
            let err = verifier
                .verify_signature(&sign_webhook(body, "whsec_a"), body)
                .unwrap_err();
            assert!(
                matches!(err, WebhookError::MalformedPayload { .. }),
                "{err:?}"
            );
            assert!(!err.is_signature_error());
        }
    }

    #[test]
    fn never_prints_a_secret() {
        let verifier = WebhookVerifier::new(["whsec_hunter2", "whsec_swordfish"]).unwrap();
        let text = format!("{verifier:?} {verifier:#?}");
        assert!(
            !text.contains("hunter2") && !text.contains("swordfish"),
            "{text}"
        );
        assert!(text.contains('2'), "shows the count: {text}");
        let err = verifier
            .verify_signature(&sign_webhook(BODY, "whsec_x"), BODY)
            .unwrap_err();
        let text = format!("{err} {err:?}");
        assert!(
            !text.contains("hunter2") && !text.contains("swordfish"),
            "{text}"
        );
    }
}
