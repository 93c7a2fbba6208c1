//! [`Patch`]: a field of an update body that is left alone, cleared, or set.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A field of a PATCH body where "not sent" and "sent as `null`" mean different things: leave
/// the stored value alone, clear it, or set it.
///
/// Use it with `#[serde(default, skip_serializing_if = "Patch::is_unchanged")]`, so that an
/// unchanged field is left out of the JSON:
///
/// ```
/// use questkit_core::Patch;
/// use serde::Serialize;
///
/// #[derive(Serialize, Default)]
/// struct UpdateGoal {
///     #[serde(skip_serializing_if = "Patch::is_unchanged")]
///     name: Patch<String>,
///     #[serde(skip_serializing_if = "Patch::is_unchanged")]
///     description: Patch<String>,
///     #[serde(skip_serializing_if = "Patch::is_unchanged")]
///     target: Patch<u32>,
/// }
///
/// let body = UpdateGoal { name: "Daily".into(), description: Patch::Clear, ..Default::default() };
/// assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"name":"Daily","description":null}"#);
/// ```
///
/// Reading JSON, `null` is [`Patch::Clear`] and a value is [`Patch::Set`]; a missing field is
/// [`Patch::Unchanged`] when the field has `#[serde(default)]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Patch<T> {
    /// Not sent: the server keeps what it has.
    #[default]
    Unchanged,
    /// Sent as `null`: the server clears the field.
    Clear,
    /// Sent with this value.
    Set(T),
}

impl<T> Patch<T> {
    /// Whether the field is left out of the body.
    pub fn is_unchanged(&self) -> bool {
        matches!(self, Patch::Unchanged)
    }

    /// The value being set, if any.
    pub fn as_set(&self) -> Option<&T> {
        match self {
            Patch::Set(value) => Some(value),
            _ => None,
        }
    }

    /// `None` for unchanged, `Some(None)` for cleared, `Some(Some(v))` for set.
    pub fn into_option(self) -> Option<Option<T>> {
        match self {
            Patch::Unchanged => None,
            Patch::Clear => Some(None),
            Patch::Set(value) => Some(Some(value)),
        }
    }
}

impl<T> From<T> for Patch<T> {
    fn from(value: T) -> Self {
        Patch::Set(value)
    }
}

impl From<&str> for Patch<String> {
    fn from(value: &str) -> Self {
        Patch::Set(value.to_owned())
    }
}

/// `Some(v)` sets, `None` clears.
impl<T> From<Option<T>> for Patch<T> {
    fn from(value: Option<T>) -> Self {
        match value {
            Some(value) => Patch::Set(value),
            None => Patch::Clear,
        }
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            // Only reached without `skip_serializing_if`; `null` is the safest reading of it.
            Patch::Unchanged | Patch::Clear => serializer.serialize_none(),
            Patch::Set(value) => value.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(deserializer)?.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Deserialize, Debug, PartialEq, Default)]
    struct Body {
        #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
        a: Patch<String>,
        #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
        b: Patch<Vec<u8>>,
    }

    #[test]
    fn three_states_round_trip() {
        for (json, body) in [
            ("{}", Body::default()),
            (
                r#"{"a":null}"#,
                Body {
                    a: Patch::Clear,
                    ..Body::default()
                },
            ),
            (
                r#"{"a":"x","b":[1]}"#,
                Body {
                    a: "x".into(),
                    b: Patch::Set(vec![1]),
                },
            ),
        ] {
            assert_eq!(serde_json::from_str::<Body>(json).unwrap(), body, "{json}");
            assert_eq!(serde_json::to_string(&body).unwrap(), json);
        }
        assert_eq!(Patch::<u8>::from(None), Patch::Clear);
        assert_eq!(Patch::from(Some(3)).into_option(), Some(Some(3)));
        assert_eq!(Patch::<u8>::Unchanged.into_option(), None);
        assert_eq!(Patch::Set(2).as_set(), Some(&2));
        assert_eq!(Patch::<u8>::Clear.as_set(), None);
    }
}
