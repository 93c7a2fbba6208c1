//! Application API keys (`/application-api-keys`): keys scoped to one user, for clients that
//! call the application API on that user's behalf (a mobile app, a browser).
//!
//! The created keys are live credentials: they are [`SecretString`]s (never printed), and the
//! creation call is sensitive (its errors keep no body, its trace names only the operation).

use questkit_core::reqwest::Method;
use questkit_core::{LenientId, SecretString, Transport};
use serde::{Deserialize, Serialize};

use super::common::{AdminCall, Created, Deleted, bulk, delete};

/// An application key just created (schema `CreatedApplicationKey`).
///
/// `Debug` shows `[redacted]` for the key. Serializing writes the key in clear: that is how
/// you hand it to the user's app, so do it only on the way there.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ApplicationKey {
    /// The key's ID (to delete it).
    pub id: LenientId,
    /// The user the key acts for.
    pub user_id: LenientId,
    /// The key itself (prefix and secret), shown once.
    #[serde(with = "secret_string")]
    pub key: SecretString,
    /// The key's readable prefix.
    pub prefix: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KeyRequest<'a> {
    user_id: &'a str,
}

/// The application-key calls (`trophy.admin().application_api_keys()`).
#[derive(Clone, Copy, Debug)]
pub struct ApplicationApiKeysAdmin<'a> {
    transport: &'a Transport,
}

impl<'a> ApplicationApiKeysAdmin<'a> {
    pub(crate) fn new(transport: &'a Transport) -> Self {
        ApplicationApiKeysAdmin { transport }
    }

    /// `POST /application-api-keys`: one key per user ID, 1 to 100. A sensitive call: the
    /// answer holds live keys, so no error or trace keeps its body.
    ///
    /// ```no_run
    /// # async fn run(trophy: questkit_trophy::Trophy) -> questkit_core::Result<()> {
    /// let answer = trophy.admin().application_api_keys().create(["user-123"]).await?;
    /// for key in &answer.created {
    ///     println!("key {} for {}: {:?}", key.prefix, key.user_id, key.key); // prints [redacted]
    /// }
    /// # Ok(()) }
    /// ```
    pub fn create<I, S>(&self, user_ids: I) -> AdminCall<Created<ApplicationKey>>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let ids: Vec<S> = user_ids.into_iter().collect();
        let items: Vec<KeyRequest<'_>> = ids
            .iter()
            .map(|id| KeyRequest {
                user_id: id.as_ref(),
            })
            .collect();
        let op = "admin.application_api_keys.create";
        bulk::<Created<ApplicationKey>, _>(
            self.transport,
            Method::POST,
            "application-api-keys",
            &[],
            op,
            &items,
            |_| Ok(()),
        )
        .sensitive()
        .into()
    }

    /// `DELETE /application-api-keys?ids=..`: revokes 1 to 100 keys by ID.
    pub fn delete<I, S>(&self, ids: I) -> AdminCall<Deleted>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let op = "admin.application_api_keys.delete";
        delete(self.transport, "application-api-keys", &[], op, ids).into()
    }
}

/// Reads a key as a [`SecretString`] and writes it back in clear (see [`ApplicationKey`]).
mod secret_string {
    use questkit_core::SecretString;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<SecretString, D::Error> {
        String::deserialize(d).map(SecretString::new)
    }

    pub(super) fn serialize<S: Serializer>(value: &SecretString, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(value.expose())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_never_print() {
        let key: ApplicationKey = serde_json::from_value(serde_json::json!({
            "id": "k1", "userId": "u1", "key": "app_XXXXX.secret_body", "prefix": "app_XXXXX"
        }))
        .unwrap();
        assert!(!format!("{key:?}").contains("secret_body"));
        assert_eq!(key.key.expose(), "app_XXXXX.secret_body");
        assert_eq!(
            serde_json::to_value(&key).unwrap()["key"],
            "app_XXXXX.secret_body"
        );
    }
}
