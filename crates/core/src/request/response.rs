//! Reading a response: the body within its size limit, and decoding it into a model.
// This module reads network input: no indexing or unchecked arithmetic that could panic on it.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::borrow::Cow;
use std::future::Future;

use bytes::{Bytes, BytesMut};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use crate::error::{DecodeError, Error, Result};

/// Reads the body in chunks, failing as soon as it passes `limit`: a huge body is never
/// buffered whole.
// Not an `async fn`: it would copy the response into its future a second time.
#[allow(clippy::manual_async_fn)] // on purpose, see above
pub(super) fn read_response(
    mut response: reqwest::Response,
    limit: usize,
) -> impl Future<Output = Result<RawResponse>> + Send {
    async move {
        let status = response.status();
        if response
            .content_length()
            .is_some_and(|len| len > limit as u64)
        {
            return Err(Error::BodyTooLarge { limit });
        }
        let headers = std::mem::take(response.headers_mut());
        let mut first: Option<Bytes> = None;
        let mut rest: Option<BytesMut> = None;
        let mut total = 0usize;
        while let Some(chunk) = response.chunk().await.map_err(Error::from_reqwest)? {
            total = total.saturating_add(chunk.len());
            if total > limit {
                return Err(Error::BodyTooLarge { limit });
            }
            // Most bodies arrive in one chunk: keep it as is, copy only when a second one comes.
            match (&mut first, &mut rest) {
                (None, None) => first = Some(chunk),
                (Some(head), None) => {
                    let mut buf =
                        BytesMut::with_capacity(total.max(head.len().saturating_mul(2)).min(limit));
                    buf.extend_from_slice(head);
                    buf.extend_from_slice(&chunk);
                    first = None;
                    rest = Some(buf);
                }
                (_, Some(buf)) => buf.extend_from_slice(&chunk),
            }
        }
        let body = match (first, rest) {
            (_, Some(buf)) => buf.freeze(),
            (Some(head), None) => head,
            (None, None) => Bytes::new(),
        };
        let request_id = crate::request_id(&headers);
        Ok(RawResponse {
            status,
            headers,
            body,
            request_id,
            attempts: 1,
        })
    }
}

/// A success response as it came: the escape hatch for what the models do not cover.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RawResponse {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
    /// The request id the server returned (`x-request-id` and the like).
    pub request_id: Option<String>,
    /// How many attempts the call made.
    pub attempts: u32,
}

impl RawResponse {
    /// A response built by hand (for testing a decoder, or replaying a recorded body).
    pub fn new(status: StatusCode, headers: HeaderMap, body: impl Into<Bytes>) -> RawResponse {
        let request_id = crate::request_id(&headers);
        RawResponse {
            status,
            headers,
            body: body.into(),
            request_id,
            attempts: 1,
        }
    }

    /// Decodes the body as JSON into any type (a model, or `serde_json::Value`).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        decode_json(self)
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }
}

/// The default decoder: the body as JSON into `T`, naming the failing field on error. An empty
/// body reads as `null` (so `()` and `Option<T>` accept a 204). A top-level array where `T` is
/// a struct is refused (see [`crate::decode`]).
///
/// The body is decoded once with plain serde_json (path tracking costs about twice the decode
/// time); only a body that fails is decoded again with path tracking, to name the field.
pub fn decode_json<T: DeserializeOwned>(raw: &RawResponse) -> Result<T> {
    let bytes: &[u8] = if raw.body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        &raw.body
    };
    match crate::decode::from_slice(bytes) {
        Ok(value) => Ok(value),
        Err(plain) => Err(locate_decode_error::<T>(raw, bytes, plain)),
    }
}

#[cold]
fn locate_decode_error<T: DeserializeOwned>(
    raw: &RawResponse,
    bytes: &[u8],
    plain: serde_json::Error,
) -> Error {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let mut track = serde_path_to_error::Track::new();
    let tracked = serde_path_to_error::Deserializer::new(&mut de, &mut track);
    let guarded = crate::decode::NoPositional(tracked);
    match T::deserialize(guarded) {
        Err(err) => decode_error(raw, track.path().to_string(), err.to_string()),
        // Only trailing characters can fail the plain decode but not this one.
        Ok(_) => decode_error(raw, ".".to_owned(), plain.to_string()),
    }
}

/// Builds a [`Error::Decode`] for a response (for vendor decoders). Quoted values are taken
/// out of `message`, and the body is kept only for [`crate::DecodeError::body`].
pub fn decode_error(raw: &RawResponse, path: String, message: String) -> Error {
    Error::Decode(Box::new(DecodeError::new(
        path,
        &message,
        Some(raw.status),
        &raw.headers,
        &raw.body,
    )))
}
