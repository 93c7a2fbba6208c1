//! Request signing: headers computed from the final request, once per call.
//!
//! Some APIs want a header derived from the request itself (Epixel's `api-signature`, HMAC
//! schemes). A [`RequestSigner`] configured on the transport sees exactly what goes on the wire
//! (method, URL with its query, body) after every parameter is set, and its headers go with
//! every attempt of the call, marked sensitive and never sent to another origin.

use reqwest::Method;
use reqwest::header::{HeaderName, HeaderValue};
use url::Url;

use crate::error::Result;

/// Computes headers (a signature) from the request as it will be sent.
///
/// Called once per call, before the first attempt; retries reuse the headers. Return an error
/// to fail the call without sending it. Closures `Fn(&SigningInput<'_>) -> Result<Vec<...>>`
/// are signers too.
pub trait RequestSigner: Send + Sync + 'static {
    /// The headers to add to this request.
    fn sign(&self, request: &SigningInput<'_>) -> Result<Vec<(HeaderName, HeaderValue)>>;
}

impl<F> RequestSigner for F
where
    F: Fn(&SigningInput<'_>) -> Result<Vec<(HeaderName, HeaderValue)>> + Send + Sync + 'static,
{
    fn sign(&self, request: &SigningInput<'_>) -> Result<Vec<(HeaderName, HeaderValue)>> {
        self(request)
    }
}

/// What a signer sees of a request: exactly what goes on the wire.
#[derive(Debug)]
#[non_exhaustive]
pub struct SigningInput<'a> {
    pub(crate) method: &'a Method,
    pub(crate) url: &'a Url,
    pub(crate) endpoint: &'a str,
    pub(crate) body: &'a [u8],
}

impl<'a> SigningInput<'a> {
    /// An input for testing a signer outside a transport.
    pub fn new(method: &'a Method, url: &'a Url, endpoint: &'a str, body: &'a [u8]) -> Self {
        SigningInput {
            method,
            url,
            endpoint,
            body,
        }
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        self.method
    }

    /// The full path as sent, base path included, percent-encoded (`/api/v1/profiles/overview/`).
    pub fn path(&self) -> &str {
        self.url.path()
    }

    /// The path relative to the base URL (`profiles/overview/`); empty for a page link.
    pub fn endpoint(&self) -> &str {
        self.endpoint
    }

    /// The query string as sent, without `?`; empty when there is none.
    pub fn query(&self) -> &str {
        self.url.query().unwrap_or("")
    }

    /// The query parameters, decoded, in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        self.url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    /// The body as sent (empty when there is none).
    pub fn body(&self) -> &[u8] {
        self.body
    }

    /// The whole URL as sent.
    pub fn url(&self) -> &Url {
        self.url
    }
}
