//! Shapes shared by several Nudj resources: entity details and themed images.
//!
//! Timestamps are [`questkit_core::DateText`]: Nudj documents them as plain strings.
// These shapes are read from the network: no indexing, no unchecked arithmetic.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// The display text and images of an entity (achievement, reward, asset, entry).
///
/// Nudj returns localised text according to the `x-language` header of the request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Details {
    /// The title, in the requested language.
    #[serde(default)]
    pub title: Option<String>,
    /// The longer description, in the requested language.
    #[serde(default)]
    pub description: Option<String>,
    /// Images for a light colour scheme.
    #[serde(default)]
    pub light: Option<ThemeImages>,
    /// Images for a dark colour scheme.
    #[serde(default)]
    pub dark: Option<ThemeImages>,
}

impl Details {
    /// The primary image for the given scheme, falling back to the other scheme when unset.
    ///
    /// Useful for a UI that has one slot and prefers one theme.
    pub fn primary_image_url(&self, dark: bool) -> Option<&str> {
        let (first, second) = if dark {
            (&self.dark, &self.light)
        } else {
            (&self.light, &self.dark)
        };
        first
            .as_ref()
            .and_then(ThemeImages::primary_url)
            .or_else(|| second.as_ref().and_then(ThemeImages::primary_url))
    }
}

/// The images of one colour scheme.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ThemeImages {
    /// The main image.
    #[serde(default)]
    pub primary_image_url: Option<ImageRef>,
    /// A secondary image (background, banner).
    #[serde(default)]
    pub secondary_image_url: Option<ImageRef>,
}

impl ThemeImages {
    /// The primary image URL, when it is one.
    pub fn primary_url(&self) -> Option<&str> {
        self.primary_image_url.as_ref().and_then(ImageRef::url)
    }

    /// The secondary image URL, when it is one.
    pub fn secondary_url(&self) -> Option<&str> {
        self.secondary_image_url.as_ref().and_then(ImageRef::url)
    }
}

/// An image reference as Nudj sends it.
///
/// The documentation types image URLs as "any", so besides a plain URL string any other JSON
/// value is kept as is instead of failing the whole payload. `null` is `None` on the field.
#[derive(Clone, Debug, PartialEq)]
pub enum ImageRef {
    /// A URL string (the usual case).
    Url(String),
    /// Any other JSON value, kept as sent.
    Other(Value),
}

impl ImageRef {
    /// The URL, when the value is a non-empty string or an object with a `url` string.
    pub fn url(&self) -> Option<&str> {
        match self {
            ImageRef::Url(url) if !url.trim().is_empty() => Some(url),
            ImageRef::Url(_) => None,
            ImageRef::Other(value) => value
                .get("url")
                .and_then(Value::as_str)
                .filter(|u| !u.trim().is_empty()),
        }
    }
}

impl Serialize for ImageRef {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            ImageRef::Url(url) => serializer.serialize_str(url),
            ImageRef::Other(value) => value.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for ImageRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Value::deserialize(deserializer)? {
            Value::String(url) => ImageRef::Url(url),
            other => ImageRef::Other(other),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_refs_accept_any_json() {
        let url: ImageRef = serde_json::from_str("\"https://x/y.png\"").unwrap();
        assert_eq!(url.url(), Some("https://x/y.png"));
        let obj: ImageRef = serde_json::from_str(r#"{"url":"https://x/z.png","w":3}"#).unwrap();
        assert_eq!(obj.url(), Some("https://x/z.png"));
        let num: ImageRef = serde_json::from_str("42").unwrap();
        assert_eq!(num.url(), None);
        assert_eq!(serde_json::to_string(&num).unwrap(), "42");
        let empty: ImageRef = serde_json::from_str("\"\"").unwrap();
        assert_eq!(empty.url(), None);
    }
}
