//! Tenants (`/tenants`): your customers, in a multi-tenant organisation. Their `customerId`
//! is what the `Tenant-ID` header names.

use questkit_core::reqwest::Method;
use questkit_core::{DateText, LenientId, Transport};
use serde::{Deserialize, Serialize};

use super::common::{
    AdminCall, ArchiveStatus, Created, Deleted, ListCall, Updated, any, bulk, delete,
};

/// A tenant (schema `AdminTenant`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AdminTenant {
    /// Trophy's ID of the tenant.
    pub id: LenientId,
    /// Your ID of the customer (the `Tenant-ID` value).
    pub customer_id: LenientId,
    /// The name.
    pub name: String,
    /// Active or archived.
    pub status: ArchiveStatus,
    /// When it was created, as sent.
    pub created: DateText,
    /// When it was last updated, as sent.
    pub updated: DateText,
}

/// A tenant to create (schema `CreateTenantRequestItem`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct NewTenant {
    /// Your ID of the customer (unique in the environment).
    pub customer_id: String,
    /// The name.
    pub name: String,
}

impl NewTenant {
    /// A tenant for customer `customer_id`.
    pub fn new(customer_id: impl Into<String>, name: impl Into<String>) -> Self {
        NewTenant {
            customer_id: customer_id.into(),
            name: name.into(),
        }
    }
}

/// Changes to one tenant, by ID (schema `UpdateTenantRequestItem`): at least one of
/// `customerId` and `name` (checked before sending).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TenantUpdate {
    /// The tenant to change (Trophy's ID).
    pub id: String,
    /// A new customer ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// A new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl TenantUpdate {
    /// No change yet to tenant `id`.
    pub fn new(id: impl Into<String>) -> Self {
        TenantUpdate {
            id: id.into(),
            customer_id: None,
            name: None,
        }
    }

    /// Changes the customer ID.
    pub fn customer_id(mut self, customer_id: impl Into<String>) -> Self {
        self.customer_id = Some(customer_id.into());
        self
    }

    /// Renames it.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    fn check(&self) -> Result<(), String> {
        super::id_required(&self.id)?;
        if self.customer_id.is_none() && self.name.is_none() {
            Err("a tenant update needs `customerId` or `name`".into())
        } else {
            Ok(())
        }
    }
}

/// The tenant calls (`trophy.admin().tenants()`).
#[derive(Clone, Copy, Debug)]
pub struct TenantsAdmin<'a> {
    transport: &'a Transport,
}

impl<'a> TenantsAdmin<'a> {
    pub(crate) fn new(transport: &'a Transport) -> Self {
        TenantsAdmin { transport }
    }

    /// `GET /tenants`: one page of the environment's tenants.
    pub fn list(&self) -> ListCall<AdminTenant> {
        self.transport
            .get("tenants", &[])
            .operation("admin.tenants.list")
            .into()
    }

    /// `POST /tenants`: creates 1 to 100 tenants.
    ///
    /// ```no_run
    /// # async fn run(trophy: questkit_trophy::Trophy) -> questkit_core::Result<()> {
    /// use questkit_trophy::admin::tenants::NewTenant;
    /// let answer = trophy.admin().tenants().create([NewTenant::new("customer_12345", "Acme Corp")]).await?;
    /// println!("{} tenants created", answer.created.len());
    /// # Ok(()) }
    /// ```
    pub fn create(
        &self,
        tenants: impl IntoIterator<Item = NewTenant>,
    ) -> AdminCall<Created<AdminTenant>> {
        let items: Vec<NewTenant> = tenants.into_iter().collect();
        bulk(
            self.transport,
            Method::POST,
            "tenants",
            &[],
            "admin.tenants.create",
            &items,
            any,
        )
        .into()
    }

    /// `GET /tenants/{id}`: one tenant (404 when unknown).
    pub fn get(&self, id: impl AsRef<str>) -> AdminCall<AdminTenant> {
        self.transport
            .get("tenants/{id}", &[id.as_ref()])
            .operation("admin.tenants.get")
            .into()
    }

    /// `PATCH /tenants`: changes 1 to 100 tenants by ID.
    pub fn update(
        &self,
        updates: impl IntoIterator<Item = TenantUpdate>,
    ) -> AdminCall<Updated<AdminTenant>> {
        let items: Vec<TenantUpdate> = updates.into_iter().collect();
        bulk(
            self.transport,
            Method::PATCH,
            "tenants",
            &[],
            "admin.tenants.update",
            &items,
            TenantUpdate::check,
        )
        .into()
    }

    /// `DELETE /tenants?ids=..`: deletes 1 to 100 tenants by ID.
    pub fn delete<I, S>(&self, ids: I) -> AdminCall<Deleted>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        delete(self.transport, "tenants", &[], "admin.tenants.delete", ids).into()
    }
}
