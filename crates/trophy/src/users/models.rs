//! The user models: the stored user, and the bodies that create, identify and update one.

// This module reads what the network sends: no indexing or unchecked arithmetic on it.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use questkit_core::serde_helpers::null_as_default;
use questkit_core::{DateText, Patch};
use serde::{Deserialize, Serialize};

/// A user as Trophy stores it (schema `User`).
///
/// Trophy's schema calls the email opt-in `subscribeToEmails`, while its own examples send
/// `subscribedToEmails`; both spellings are read into [`User::subscribe_to_emails`] (the schema
/// spelling wins when both are present) and it is written back as `subscribeToEmails`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", from = "UserWire")]
#[non_exhaustive]
pub struct User {
    /// Your ID for the user.
    pub id: String,
    /// The email address, when known.
    pub email: Option<String>,
    /// The name used in emails, when known.
    pub name: Option<String>,
    /// The IANA time zone, when known.
    pub tz: Option<String>,
    /// The day the user signed up on your platform, as sent (`YYYY-MM-DD` by Trophy's docs,
    /// typed only as a string; SDK 1.27); `None` when not set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sign_up_date: Option<DateText>,
    /// Push-notification device tokens; empty when none or `null`.
    pub device_tokens: Vec<String>,
    /// Whether the user receives Trophy emails, when the response says.
    pub subscribe_to_emails: Option<bool>,
    /// Custom user attributes.
    pub attributes: BTreeMap<String, String>,
    /// Whether the user is in the control group (no Trophy messages), when the response says.
    pub control: Option<bool>,
    /// When the user was created.
    pub created: DateTime<Utc>,
    /// When the user was last updated.
    pub updated: DateTime<Utc>,
}

/// The wire form of [`User`], accepting both spellings of the email opt-in.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UserWire {
    id: String,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    tz: Option<String>,
    #[serde(default)]
    sign_up_date: Option<DateText>,
    #[serde(default, deserialize_with = "null_as_default")]
    device_tokens: Vec<String>,
    #[serde(default)]
    subscribe_to_emails: Option<bool>,
    #[serde(default)]
    subscribed_to_emails: Option<bool>,
    #[serde(default, deserialize_with = "null_as_default")]
    attributes: BTreeMap<String, String>,
    #[serde(default)]
    control: Option<bool>,
    created: DateTime<Utc>,
    updated: DateTime<Utc>,
}

impl From<UserWire> for User {
    fn from(w: UserWire) -> Self {
        User {
            id: w.id,
            email: w.email,
            name: w.name,
            tz: w.tz,
            sign_up_date: w.sign_up_date,
            device_tokens: w.device_tokens,
            subscribe_to_emails: w.subscribe_to_emails.or(w.subscribed_to_emails),
            attributes: w.attributes,
            control: w.control,
            created: w.created,
            updated: w.updated,
        }
    }
}

/// The profile fields of a user that a request may set (schema `UpdatedUser`): the body of
/// `PUT /users/{id}` (identify) and `PATCH /users/{id}` (update).
///
/// Every field is optional and left out of the JSON unless set. `tz` and `deviceTokens`, which
/// Trophy's schema makes nullable, are a [`Patch`]: not sent, sent as `null` to clear the
/// stored value ([`UpdatedUser::clear_tz`]) or set. The other fields cannot be cleared.
///
/// ```
/// use questkit_trophy::users::UpdatedUser;
///
/// let body = UpdatedUser::new().email("ada@example.com").attribute("plan", "pro").clear_tz();
/// let json = serde_json::to_value(&body).unwrap();
/// assert_eq!(json, serde_json::json!({"email": "ada@example.com", "tz": null, "attributes": {"plan": "pro"}}));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UpdatedUser {
    /// The email address (required by Trophy when subscribing the user to emails).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The name used in emails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The IANA time zone: left alone, cleared (`null`, [`UpdatedUser::clear_tz`]) or set.
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    pub tz: Patch<String>,
    /// The day the user signed up on your platform (`YYYY-MM-DD`; Trophy also takes an ISO
    /// 8601 date-time and keeps its UTC day). Anniversary achievements need it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_up_date: Option<DateText>,
    /// Push-notification device tokens: left alone, cleared (`null`,
    /// [`UpdatedUser::clear_device_tokens`]) or replaced.
    #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
    pub device_tokens: Patch<Vec<String>>,
    /// Whether the user receives Trophy emails (`subscribedToEmails` is read as well).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "subscribedToEmails"
    )]
    pub subscribe_to_emails: Option<bool>,
    /// Custom user attributes; the keys must exist in the Trophy dashboard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<BTreeMap<String, String>>,
}

/// Generates the profile setters shared by [`UpdatedUser`] and [`UpsertedUser`].
macro_rules! profile_setters {
    ($($field:ident).*) => {
        /// Sets the email address.
        pub fn email(mut self, email: impl Into<String>) -> Self {
            self$(.$field)*.email = Some(email.into());
            self
        }

        /// Sets the name used in emails.
        pub fn name(mut self, name: impl Into<String>) -> Self {
            self$(.$field)*.name = Some(name.into());
            self
        }

        /// Sets the IANA time zone, e.g. `Europe/London`.
        pub fn tz(mut self, tz: impl Into<String>) -> Self {
            self$(.$field)*.tz = Patch::Set(tz.into());
            self
        }

        /// Sends `tz: null`, clearing the stored time zone.
        pub fn clear_tz(mut self) -> Self {
            self$(.$field)*.tz = Patch::Clear;
            self
        }

        /// Sets the sign-up date: a `chrono::NaiveDate`, or text sent as given.
        pub fn sign_up_date(mut self, date: impl Into<DateText>) -> Self {
            self$(.$field)*.sign_up_date = Some(date.into());
            self
        }

        /// Replaces the push-notification device tokens.
        pub fn device_tokens<I, S>(mut self, tokens: I) -> Self
        where
            I: IntoIterator<Item = S>,
            S: Into<String>,
        {
            self$(.$field)*.device_tokens = Patch::Set(tokens.into_iter().map(Into::into).collect());
            self
        }

        /// Sends `deviceTokens: null`, clearing the stored tokens.
        pub fn clear_device_tokens(mut self) -> Self {
            self$(.$field)*.device_tokens = Patch::Clear;
            self
        }

        /// Sets whether the user receives Trophy emails.
        pub fn subscribe_to_emails(mut self, subscribe: bool) -> Self {
            self$(.$field)*.subscribe_to_emails = Some(subscribe);
            self
        }

        /// Adds one custom attribute (keeping those already set).
        pub fn attribute(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
            self$(.$field)*
                .attributes
                .get_or_insert_with(BTreeMap::new)
                .insert(key.into(), value.into());
            self
        }

        /// Replaces the custom attributes with these pairs.
        pub fn attributes<I, K, V>(mut self, pairs: I) -> Self
        where
            I: IntoIterator<Item = (K, V)>,
            K: Into<String>,
            V: Into<String>,
        {
            self$(.$field)*.attributes =
                Some(pairs.into_iter().map(|(k, v)| (k.into(), v.into())).collect());
            self
        }
    };
}

impl UpdatedUser {
    /// An empty body: nothing is changed until a setter is called.
    pub fn new() -> Self {
        UpdatedUser::default()
    }

    profile_setters!();
}

/// A user identified by ID with optional profile fields (schema `UpsertedUser`): the body of
/// `POST /users`, and the `user` of a metric event or an achievement completion. Trophy creates
/// the user if it does not exist and updates the given fields otherwise.
///
/// ```
/// use questkit_trophy::users::UpsertedUser;
///
/// let user = UpsertedUser::new("user-1").email("ada@example.com").subscribe_to_emails(true);
/// let json = serde_json::to_value(&user).unwrap();
/// assert_eq!(json, serde_json::json!({"id": "user-1", "email": "ada@example.com", "subscribeToEmails": true}));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UpsertedUser {
    /// Your ID for the user.
    pub id: String,
    /// The profile fields to set.
    #[serde(flatten)]
    pub profile: UpdatedUser,
}

impl UpsertedUser {
    /// A user with only an ID.
    pub fn new(id: impl Into<String>) -> Self {
        UpsertedUser {
            id: id.into(),
            profile: UpdatedUser::default(),
        }
    }

    /// Replaces all profile fields at once.
    pub fn profile(mut self, profile: UpdatedUser) -> Self {
        self.profile = profile;
        self
    }

    profile_setters!(profile);
}

impl From<&str> for UpsertedUser {
    fn from(id: &str) -> Self {
        UpsertedUser::new(id)
    }
}

impl From<String> for UpsertedUser {
    fn from(id: String) -> Self {
        UpsertedUser::new(id)
    }
}
