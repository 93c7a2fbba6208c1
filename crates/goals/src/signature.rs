//! The `api-signature` header: caller-supplied, because Epixel does not publish how it is made.

use std::fmt;
use std::sync::Arc;

use questkit_core::reqwest::header::{HeaderName, HeaderValue};
use questkit_core::{Error, RequestSigner, Result, SecretString, SigningInput};

/// Computes the `api-signature` header value of a request.
///
/// Epixel requires an `api-signature` header on the goal endpoints but does not document how it
/// is computed (which secret, which hash, over which parts of the request). Obtain the recipe
/// from Epixel or the deployment's operator and implement it here; the client calls the signer
/// once per call, just before sending, with everything a signature usually covers.
///
/// A closure `Fn(&SignatureInput<'_>) -> String` is a signer too. Return an error (for example
/// [`questkit_core::Error::config`]) when a signature cannot be made; the call then fails
/// without being sent.
///
/// ```
/// use questkit_goals::{Goals, SignatureInput};
///
/// let goals = Goals::builder()
///     .base_url("https://mlm.example.com/api/v1/")
///     .api_key("app-key")
///     .access_token("jwt")
///     .signer(|input: &SignatureInput<'_>| {
///         // Replace with the deployment's real recipe (an HMAC with your secret, ...).
///         format!("{} {}?{}", input.method(), input.path(), input.query())
///     })
///     .build()
///     .unwrap();
/// # drop(goals);
/// ```
pub trait Signer: Send + Sync + 'static {
    /// The header value for this request.
    fn sign(&self, input: &SignatureInput<'_>) -> Result<String>;
}

impl<F> Signer for F
where
    F: Fn(&SignatureInput<'_>) -> String + Send + Sync + 'static,
{
    fn sign(&self, input: &SignatureInput<'_>) -> Result<String> {
        Ok(self(input))
    }
}

/// What a [`Signer`] sees of a request: exactly what goes on the wire (method, path, query,
/// body), built by the transport once every parameter is set.
pub type SignatureInput<'a> = questkit_core::SigningInput<'a>;

/// Where the client's signature comes from.
#[derive(Clone, Default)]
pub(crate) enum Signature {
    /// Nothing configured (refused at build unless explicitly waived).
    #[default]
    Missing,
    /// Deliberately no header.
    Disabled,
    /// The same value on every call.
    Fixed(SecretString),
    /// Computed per call.
    Signer(Arc<dyn Signer>),
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Signature::Missing => "missing",
            Signature::Disabled => "disabled",
            Signature::Fixed(_) => "fixed [redacted]",
            Signature::Signer(_) => "signer",
        })
    }
}

impl Signature {
    /// The transport-level signer of this setting, if it sends a header.
    pub(crate) fn into_request_signer(self) -> Result<Option<Arc<dyn RequestSigner>>> {
        Ok(match self {
            Signature::Missing | Signature::Disabled => None,
            // Checked and turned into a header value once, not on every call.
            Signature::Fixed(value) => {
                Some(Arc::new(FixedSignature(header_value(value.expose())?)))
            }
            other => Some(Arc::new(other)),
        })
    }
}

/// A fixed signature, its header value built when the client is built.
struct FixedSignature(HeaderValue);

impl RequestSigner for FixedSignature {
    fn sign(&self, _input: &SigningInput<'_>) -> Result<Vec<(HeaderName, HeaderValue)>> {
        Ok(vec![(SIGNATURE_HEADER, self.0.clone())])
    }
}

const SIGNATURE_HEADER: HeaderName = HeaderName::from_static("api-signature");

/// The `api-signature` value, refused when empty or not sendable in a header.
fn header_value(value: &str) -> Result<HeaderValue> {
    if value.trim().is_empty() {
        return Err(Error::config("the api-signature is empty"));
    }
    let mut value = HeaderValue::from_str(value)
        .map_err(|_| Error::config("the api-signature holds characters a header cannot carry"))?;
    value.set_sensitive(true);
    Ok(value)
}

impl RequestSigner for Signature {
    fn sign(&self, input: &SigningInput<'_>) -> Result<Vec<(HeaderName, HeaderValue)>> {
        let value = match self {
            Signature::Missing | Signature::Disabled => return Ok(Vec::new()),
            Signature::Fixed(value) => header_value(value.expose())?,
            Signature::Signer(signer) => header_value(&signer.sign(input)?)?,
        };
        Ok(vec![(SIGNATURE_HEADER, value)])
    }
}
