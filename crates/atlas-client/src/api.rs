//! The operations the dashboard needs from Atlas, behind a trait so tests can swap the client.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::{AlertConfig, AtlasError, Credential, HeldToken};
use atlas_registry::{Integration, IntegrationKind};

/// A project (Atlas calls it a group), as much of it as the dashboard shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    pub id: String,
    pub name: String,
    pub org_id: String,
    pub cluster_count: u64,
    /// ISO 8601, as Atlas sends it.
    pub created: String,
}

/// One page of a paginated Atlas list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<T> {
    pub results: Vec<T>,
    /// `totalCount`, which Atlas calls an estimate; absent when Atlas omits it.
    pub total_count: Option<u64>,
}

/// Who made a change, as far as an event says: the fields `DefaultEventViewForNdsGroup`
/// documents (docs/atlas-facts.md, "Events").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Actor {
    /// `publicKey`: an API key.
    ApiKey(String),
    /// `apiKeyId` alone: an API key named by its id only.
    ApiKeyId(String),
    /// [unverified] A `publicKey` shaped like a service account's client id (`mdb_sa_id_…`):
    /// the spec does not say how a service account appears in an event; this is where a
    /// client id, "the public part" of its credential, would fit.
    ServiceAccount(String),
    /// `username` (the spec: their email address), else `userId`: a person signed in to Atlas.
    User(String),
    /// `delegatePrincipal` (`Principal`): an application acting through delegated access,
    /// with whom it acted for (`onBehalfOf`) when stated.
    Delegate {
        name: String,
        on_behalf_of: Option<String>,
    },
    /// None of the above.
    Unstated,
}

/// One project event (`DefaultEventViewForNdsGroup`), as much as the dashboard shows. No
/// documented field names the integration type an event is about: the dashboard learns it
/// from its own journal of the writes it sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub id: String,
    /// ISO 8601 in UTC, as Atlas sends it (required by the spec).
    pub created: String,
    /// `eventTypeName` (required by the spec).
    pub event_type: String,
    pub actor: Actor,
    /// `remoteAddress`: the IPv4 or IPv6 address the change came from.
    pub remote_address: Option<String>,
}

/// What to ask listGroupEvents for, besides the page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventQuery {
    /// `eventType` values (any of them); empty: every type. Upper-case names only.
    pub event_types: Vec<String>,
    /// `minDate` / `maxDate`, ISO 8601 in UTC.
    pub min_date: Option<String>,
    pub max_date: Option<String>,
}

#[async_trait]
pub trait AtlasApi: Send + Sync {
    /// `GET /groups?pageNum=&itemsPerPage=` (1-based page, 1..=500 per page).
    async fn list_projects_page(
        &self,
        credential: &Credential,
        page_num: u32,
        items_per_page: u32,
    ) -> Result<Page<Project>, AtlasError>;

    /// Every project the credential can see, paging through all of them.
    async fn list_all_projects(&self, credential: &Credential) -> Result<Vec<Project>, AtlasError>;

    /// One project. The default pages through the list; clients may call `GET /groups/{id}`.
    async fn get_project(
        &self,
        credential: &Credential,
        group_id: &str,
    ) -> Result<Project, AtlasError> {
        self.list_all_projects(credential)
            .await?
            .into_iter()
            .find(|p| p.id == group_id)
            .ok_or_else(|| {
                AtlasError::GroupNotFound(super::ApiErrorInfo {
                    status: 404,
                    error_code: "GROUP_NOT_FOUND".into(),
                    detail: format!("No project with ID {group_id} is visible to this credential."),
                    ..Default::default()
                })
            })
    }

    /// `GET /groups/{groupId}/integrations`, all pages.
    async fn list_integrations(
        &self,
        credential: &Credential,
        group_id: &str,
    ) -> Result<Vec<Integration>, AtlasError>;

    /// `GET /groups/{groupId}/integrations/{type}`.
    async fn get_integration(
        &self,
        credential: &Credential,
        group_id: &str,
        kind: IntegrationKind,
    ) -> Result<Integration, AtlasError>;

    /// `POST /groups/{groupId}/integrations/{type}`; answers the project's integrations.
    /// Retried after a 429 only (refused, nothing applied): a 503 or a lost answer may hide a
    /// success.
    async fn create_integration(
        &self,
        credential: &Credential,
        group_id: &str,
        integration: &Integration,
    ) -> Result<Vec<Integration>, AtlasError>;

    /// `PUT /groups/{groupId}/integrations/{type}`; answers the project's integrations. Only the
    /// fields present in `integration` are sent (absent secret = keep, under merge semantics).
    async fn update_integration(
        &self,
        credential: &Credential,
        group_id: &str,
        integration: &Integration,
    ) -> Result<Vec<Integration>, AtlasError>;

    /// `DELETE /groups/{groupId}/integrations/{type}`.
    async fn delete_integration(
        &self,
        credential: &Credential,
        group_id: &str,
        kind: IntegrationKind,
    ) -> Result<(), AtlasError>;

    /// `GET /groups/{groupId}/events?…`: one page (1-based, 1..=500 per
    /// page), newest first as Atlas lists them. A GET: retried like the others.
    async fn list_events(
        &self,
        credential: &Credential,
        group_id: &str,
        query: &EventQuery,
        page_num: u32,
        items_per_page: u32,
    ) -> Result<Page<Event>, AtlasError>;

    /// `GET /groups/{groupId}/alertConfigs`, all pages, in Atlas's order (by id). Needs
    /// Project Read Only.
    async fn list_alert_configs(
        &self,
        credential: &Credential,
        group_id: &str,
    ) -> Result<Vec<AlertConfig>, AtlasError>;

    /// `PUT /groups/{groupId}/alertConfigs/{alert_config.id}`: the configuration as read,
    /// changed by the caller (e.g. a notification switched to the project's integration with
    /// `AlertNotification::use_integration`), without read-only fields or masked secrets.
    /// Answers the configuration Atlas stored. Needs Project Owner (the spec: "Project Alerts
    /// Manager"); a read-only credential gets `Forbidden`.
    async fn update_alert_config(
        &self,
        credential: &Credential,
        group_id: &str,
        alert_config: &AlertConfig,
    ) -> Result<AlertConfig, AtlasError>;

    /// Forget (and for service accounts revoke at Atlas) whatever is cached for the credential.
    /// Called at logout; API keys have nothing to revoke.
    async fn forget(&self, credential: &Credential) -> Result<(), AtlasError>;

    /// A service account's current OAuth token, for the session to keep (sealed) so that any
    /// replica can use it and revoke it at logout. `None` for API keys and clients that keep
    /// none.
    async fn held_token(&self, _credential: &Credential) -> Option<HeldToken> {
        None
    }

    /// Takes up a token the session kept (obtained by this or another replica), so this
    /// process uses it rather than obtaining one more, and `forget` revokes it.
    async fn adopt_token(&self, _credential: &Credential, _token: HeldToken) {}
}
