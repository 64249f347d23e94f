//! The JSON form of the emulator's data, used by `--seed`, `--state` and
//! `GET /_emulator/state` alike (this crate's README.md). Credentials left out default to the demo
//! ones.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::demo;

/// A credential's role on a project (Atlas's role names).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    /// Project Owner: reads and writes.
    #[serde(rename = "GROUP_OWNER")]
    Owner,
    /// Project Read Only: writes answer 403.
    #[serde(rename = "GROUP_READ_ONLY")]
    ReadOnly,
    /// Organization Owner: reads and writes every project of the organisation. The docs
    /// pages of createGroupIntegration and updateGroupIntegration say "Organization Owner or
    /// Project Owner" may write (docs/atlas-facts.md, "Roles"); given as `"*": "ORG_OWNER"`.
    #[serde(rename = "ORG_OWNER")]
    OrgOwner,
}

/// `"*"` in a role map applies to every project of the document.
pub const ALL_PROJECTS: &str = "*";

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyDoc {
    /// The key's own id (24 hex digits), what an event's `apiKeyId` names. A seed without one
    /// gets a new one, kept in the state file from then on.
    #[serde(default = "super::identity::new_object_id")]
    pub id: String,
    pub public_key: String,
    pub private_key: String,
    #[serde(default)]
    pub roles: BTreeMap<String, Role>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAccountDoc {
    pub client_id: String,
    pub client_secret: String,
    #[serde(default)]
    pub roles: BTreeMap<String, Role>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ProjectDoc {
    pub id: String,
    pub name: String,
    #[serde(default = "default_created")]
    pub created: String,
    /// `Group.clusterCount`: required in every response (spec), so a seed without it gets 0.
    /// The emulator has no clusters; this number is only reported.
    #[serde(default)]
    pub cluster_count: u64,
    #[serde(default)]
    pub tags: Vec<Tag>,
    /// Integration objects as Atlas takes them in a POST (`type` plus the type's fields), with
    /// an optional `id`; secrets in clear.
    #[serde(default)]
    pub integrations: Vec<Value>,
    /// Alert configurations as Atlas takes them in a POST (`eventTypeName`, `notifications`
    /// with their credentials in clear, …), plus optional `id`, `created`, `updated` and
    /// `notifierId`s. An `integrationId` names an integration's `id`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alert_configs: Vec<Value>,
    /// The project's integration events (`events::Event`), any order; kept newest-last.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<super::events::Event>,
}

fn default_created() -> String {
    "2024-01-15T09:30:00Z".into()
}

fn default_org() -> String {
    super::demo::ORG_ID.into()
}

/// The seed / state document. `apiKeys` and `serviceAccounts` default to the demo
/// credentials (owner key, read-only key, empty key, owner service account) when absent.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    #[serde(default = "default_org")]
    pub org_id: String,
    #[serde(default)]
    pub projects: Vec<ProjectDoc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_keys: Option<Vec<ApiKeyDoc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_accounts: Option<Vec<ServiceAccountDoc>>,
}

pub fn demo_api_keys() -> Vec<ApiKeyDoc> {
    let all = |role| BTreeMap::from([(ALL_PROJECTS.to_string(), role)]);
    vec![
        ApiKeyDoc {
            id: demo::API_KEY_ID.into(),
            public_key: demo::API_PUBLIC_KEY.into(),
            private_key: demo::API_PRIVATE_KEY.into(),
            roles: all(Role::Owner),
        },
        ApiKeyDoc {
            id: demo::READONLY_KEY_ID.into(),
            public_key: demo::READONLY_PUBLIC_KEY.into(),
            private_key: demo::READONLY_PRIVATE_KEY.into(),
            roles: all(Role::ReadOnly),
        },
        ApiKeyDoc {
            id: demo::EMPTY_KEY_ID.into(),
            public_key: demo::EMPTY_PUBLIC_KEY.into(),
            private_key: demo::EMPTY_PRIVATE_KEY.into(),
            roles: BTreeMap::new(),
        },
        ApiKeyDoc {
            id: demo::SANDBOX_KEY_ID.into(),
            public_key: demo::SANDBOX_PUBLIC_KEY.into(),
            private_key: demo::SANDBOX_PRIVATE_KEY.into(),
            roles: BTreeMap::from([(demo::SANDBOX_PROJECT_ID.to_string(), Role::Owner)]),
        },
    ]
}

pub fn demo_service_accounts() -> Vec<ServiceAccountDoc> {
    vec![ServiceAccountDoc {
        client_id: demo::SERVICE_ACCOUNT_CLIENT_ID.into(),
        client_secret: demo::SERVICE_ACCOUNT_CLIENT_SECRET.into(),
        roles: BTreeMap::from([(ALL_PROJECTS.to_string(), Role::Owner)]),
    }]
}
