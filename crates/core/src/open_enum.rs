//! Open enums: vendor enums that never break a client when the server adds a value.

/// Declares an *open* string enum: the known variants plus `Unknown(String)`.
///
/// Vendors add enum values without notice; an open enum keeps the client working and keeps the
/// raw value. The generated type serializes back to the exact string it was read from and has
/// `as_str`, `Display`, `FromStr` (never fails), `From<&str>` and `From<String>`.
///
/// ```
/// questkit_core::open_enum! {
///     /// How often a streak must be extended.
///     pub enum Frequency {
///         /// Every day.
///         Daily => "daily",
///         /// Every week.
///         Weekly => "weekly",
///     }
/// }
///
/// let known: Frequency = serde_json::from_str("\"daily\"").unwrap();
/// assert_eq!(known, Frequency::Daily);
/// let new: Frequency = serde_json::from_str("\"hourly\"").unwrap();
/// assert_eq!(new, Frequency::Unknown("hourly".into()));
/// assert_eq!(serde_json::to_string(&new).unwrap(), "\"hourly\"");
/// assert_eq!(new.as_str(), "hourly");
/// ```
#[macro_export]
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident => $value:literal
            ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $(
                $(#[$vmeta])*
                $variant,
            )+
            /// A value this version of the client does not know, kept as sent.
            Unknown(::std::string::String),
        }

        impl $name {
            /// Every value this version of the client knows, in declaration order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The value as it is written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $value,)+
                    $name::Unknown(other) => other.as_str(),
                }
            }

            /// Whether this is a value the client does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, $name::Unknown(_))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($value => $name::$variant,)+
                    other => $name::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    $($value => $name::$variant,)+
                    _ => $name::Unknown(value),
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok($name::from(value))
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
            where
                S: $crate::__private::serde::Serializer,
            {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: $crate::__private::serde::Deserializer<'de>,
            {
                let value: ::std::borrow::Cow<'de, str> =
                    $crate::__private::serde::Deserialize::deserialize(deserializer)?;
                Ok($name::from(value.as_ref()))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::open_enum! {
        /// Test enum.
        pub enum Color {
            /// Red.
            Red => "red",
            /// Dark blue.
            DarkBlue => "dark_blue",
        }
    }

    #[test]
    fn known_and_unknown_values_round_trip() {
        for raw in ["red", "dark_blue", "octarine", ""] {
            let json = serde_json::to_string(raw).unwrap();
            let parsed: Color = serde_json::from_str(&json).unwrap();
            assert_eq!(parsed.as_str(), raw);
            assert_eq!(serde_json::to_string(&parsed).unwrap(), json);
            assert_eq!(parsed.to_string(), raw);
        }
        assert_eq!(Color::from("red"), Color::Red);
        assert!(Color::from("octarine").is_unknown());
        assert!(!Color::DarkBlue.is_unknown());
        assert_eq!(Color::KNOWN.len(), 2);
        assert_eq!("dark_blue".parse::<Color>().unwrap(), Color::DarkBlue);
    }

    #[test]
    fn escaped_strings_deserialize() {
        // An escaped string cannot be borrowed; the Cow must handle the owned case.
        let parsed: Color = serde_json::from_str(r#""r\u0065d""#).unwrap();
        assert_eq!(parsed, Color::Red);
    }

    #[test]
    fn non_strings_are_rejected() {
        assert!(serde_json::from_str::<Color>("3").is_err());
    }
}
