//! Admin attributes: the user and event attributes that filters and breakdowns refer to by ID
//! (`/attributes`).

use questkit_core::reqwest::Method;
use questkit_core::{LenientId, Transport};
use serde::{Deserialize, Serialize};

use super::common::{AdminCall, Created, Deleted, ListCall, Updated, any, bulk, delete};

questkit_core::open_enum! {
    /// What an attribute describes.
    pub enum AttributeType {
        /// A property of the user (`plan`, `region`).
        User => "user",
        /// A property of a metric event (`source`, `device`).
        Event => "event",
    }
}

/// An attribute (schema `AdminAttribute`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AdminAttribute {
    /// The attribute's ID (what filters name).
    pub id: LenientId,
    /// The display name.
    pub name: String,
    /// The key users and events carry.
    pub key: String,
    /// User or event attribute.
    #[serde(rename = "type")]
    pub kind: AttributeType,
}

/// An attribute to create (schema `CreateAttributeRequestItem`).
///
/// ```
/// use questkit_trophy::admin::attributes::NewAttribute;
///
/// let plan = NewAttribute::user("Plan", "plan");
/// assert_eq!(
///     serde_json::to_value(&plan).unwrap(),
///     serde_json::json!({"name": "Plan", "key": "plan", "type": "user"})
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NewAttribute {
    /// The display name.
    pub name: String,
    /// The key (unique among attributes of its type).
    pub key: String,
    /// User or event attribute.
    #[serde(rename = "type")]
    pub kind: AttributeType,
}

impl NewAttribute {
    /// An attribute of this kind.
    pub fn new(name: impl Into<String>, key: impl Into<String>, kind: AttributeType) -> Self {
        NewAttribute {
            name: name.into(),
            key: key.into(),
            kind,
        }
    }

    /// A user attribute.
    pub fn user(name: impl Into<String>, key: impl Into<String>) -> Self {
        NewAttribute::new(name, key, AttributeType::User)
    }

    /// An event attribute.
    pub fn event(name: impl Into<String>, key: impl Into<String>) -> Self {
        NewAttribute::new(name, key, AttributeType::Event)
    }
}

/// Changes to one attribute, by ID (schema `UpdateAttributeRequestItem`); only the name can
/// change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AttributeUpdate {
    /// The attribute to change.
    pub id: String,
    /// A new display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl AttributeUpdate {
    /// Renames attribute `id`.
    pub fn rename(id: impl Into<String>, name: impl Into<String>) -> Self {
        AttributeUpdate {
            id: id.into(),
            name: Some(name.into()),
        }
    }
}

/// The admin attribute calls (`trophy.admin().attributes()`).
#[derive(Clone, Copy, Debug)]
pub struct AttributesAdmin<'a> {
    transport: &'a Transport,
}

impl<'a> AttributesAdmin<'a> {
    pub(crate) fn new(transport: &'a Transport) -> Self {
        AttributesAdmin { transport }
    }

    /// `GET /attributes`: one page of attributes.
    pub fn list(&self) -> ListCall<AdminAttribute> {
        self.transport
            .get("attributes", &[])
            .operation("admin.attributes.list")
            .into()
    }

    /// `POST /attributes`: creates 1 to 100 attributes.
    ///
    /// ```no_run
    /// # async fn run(trophy: questkit_trophy::Trophy) -> questkit_core::Result<()> {
    /// use questkit_trophy::admin::attributes::NewAttribute;
    /// let answer = trophy
    ///     .admin()
    ///     .attributes()
    ///     .create([NewAttribute::user("Plan", "plan"), NewAttribute::event("Device", "device")])
    ///     .await?;
    /// println!("{} created", answer.created.len());
    /// # Ok(()) }
    /// ```
    pub fn create(
        &self,
        attributes: impl IntoIterator<Item = NewAttribute>,
    ) -> AdminCall<Created<AdminAttribute>> {
        let items: Vec<NewAttribute> = attributes.into_iter().collect();
        let op = "admin.attributes.create";
        bulk(
            self.transport,
            Method::POST,
            "attributes",
            &[],
            op,
            &items,
            any,
        )
        .into()
    }

    /// `GET /attributes/{id}`: one attribute (404 when unknown).
    pub fn get(&self, id: impl AsRef<str>) -> AdminCall<AdminAttribute> {
        self.transport
            .get("attributes/{id}", &[id.as_ref()])
            .operation("admin.attributes.get")
            .into()
    }

    /// `PATCH /attributes`: renames 1 to 100 attributes (key and type cannot change).
    pub fn update(
        &self,
        updates: impl IntoIterator<Item = AttributeUpdate>,
    ) -> AdminCall<Updated<AdminAttribute>> {
        let items: Vec<AttributeUpdate> = updates.into_iter().collect();
        let op = "admin.attributes.update";
        bulk(
            self.transport,
            Method::PATCH,
            "attributes",
            &[],
            op,
            &items,
            |u| super::id_required(&u.id),
        )
        .into()
    }

    /// `DELETE /attributes?ids=..`: deletes 1 to 100 attributes by ID.
    pub fn delete<I, S>(&self, ids: I) -> AdminCall<Deleted>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        delete(
            self.transport,
            "attributes",
            &[],
            "admin.attributes.delete",
            ids,
        )
        .into()
    }
}
