//! Environments (SDK 1.27): the organisation's active environments (`/environments`).

use questkit_core::Transport;
use serde::{Deserialize, Serialize};

use super::common::AdminCall;

/// An active environment (schema `AdminEnvironment`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AdminEnvironment {
    /// The name.
    pub name: String,
    /// The key.
    pub key: String,
    /// The precedence: lower comes first; production is 1.
    pub priority: i64,
}

/// The environment calls (`trophy.admin().environments()`).
#[derive(Clone, Copy, Debug)]
pub struct EnvironmentsAdmin<'a> {
    transport: &'a Transport,
}

impl<'a> EnvironmentsAdmin<'a> {
    pub(crate) fn new(transport: &'a Transport) -> Self {
        EnvironmentsAdmin { transport }
    }

    /// `GET /environments`: every active environment, by priority (not paged).
    pub fn list(&self) -> AdminCall<Vec<AdminEnvironment>> {
        self.transport
            .get("environments", &[])
            .operation("admin.environments.list")
            .into()
    }
}
