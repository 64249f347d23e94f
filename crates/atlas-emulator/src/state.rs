//! The emulator's data: the organisation's projects, their integrations (secrets stored
//! whole), and the credentials with their per-project roles. Its JSON form is
//! [`Document`](crate::document::Document).

use std::collections::{BTreeMap, VecDeque};

use serde_json::Value;

use super::alerts::{self, AlertConfig};
use super::document::{
    ApiKeyDoc, Document, ProjectDoc, Role, ServiceAccountDoc, Tag, ALL_PROJECTS,
};
use super::identity::{derived_integration_id, Principal};
use super::wire;
use atlas_registry::{is_group_id, Integration, IntegrationKind};

#[derive(Clone, Debug, PartialEq)]
pub struct Project {
    pub id: String,
    pub name: String,
    pub created: String,
    pub cluster_count: u64,
    pub tags: Vec<Tag>,
    /// Keyed by type; the key order is the spec's enum order, the order Atlas lists them in
    /// (recorded: PAGER_DUTY, DATADOG, OPS_GENIE, VICTOR_OPS, WEBHOOK whatever the creation
    /// order).
    pub integrations: BTreeMap<IntegrationKind, Integration>,
    /// Integration events, oldest first, at most `events::MAX_EVENTS_PER_PROJECT`.
    pub events: VecDeque<super::events::Event>,
    /// Alert configurations by id: Atlas lists them in id order (recorded), which for its
    /// ObjectIds is creation order.
    pub alert_configs: BTreeMap<String, AlertConfig>,
}

/// Everything "Atlas" knows.
#[derive(Clone, Debug, PartialEq)]
pub struct Store {
    pub org_id: String,
    pub projects: BTreeMap<String, Project>,
    pub api_keys: Vec<ApiKeyDoc>,
    pub service_accounts: Vec<ServiceAccountDoc>,
}

impl Store {
    /// Builds the store from a document, checking it as Atlas would check the same writes.
    pub fn from_document(doc: Document) -> anyhow::Result<Store> {
        anyhow::ensure!(
            is_group_id(&doc.org_id),
            "orgId {:?} is not 24 lowercase hex digits",
            doc.org_id
        );
        let mut projects = BTreeMap::new();
        for p in doc.projects {
            anyhow::ensure!(
                is_group_id(&p.id),
                "project id {:?} is not 24 lowercase hex digits",
                p.id
            );
            // The spec's `clusterCount` is an int64.
            anyhow::ensure!(
                i64::try_from(p.cluster_count).is_ok(),
                "project {}: clusterCount {} is beyond int64",
                p.id,
                p.cluster_count
            );
            let mut integrations = BTreeMap::new();
            for value in &p.integrations {
                let kind = value
                    .get("type")
                    .and_then(Value::as_str)
                    .and_then(IntegrationKind::from_wire)
                    .ok_or_else(|| {
                        anyhow::anyhow!(
                            "project {}: integration without a known type: {value}",
                            p.id
                        )
                    })?;
                let mut values = wire::parse_fields(kind, value)
                    .map_err(|e| anyhow::anyhow!("project {}: {kind}: {}", p.id, e.detail))?
                    .values;
                wire::check_required(kind, &values)
                    .map_err(|e| anyhow::anyhow!("project {}: {kind}: {}", p.id, e.detail))?;
                wire::apply_defaults(kind, &mut values);
                let id = match value.get("id").and_then(Value::as_str) {
                    Some(id) => id.to_string(),
                    None => derived_integration_id(&p.id, kind),
                };
                let integration = Integration {
                    id: Some(id),
                    values,
                    ..Integration::new(kind)
                };
                anyhow::ensure!(
                    integrations.insert(kind, integration).is_none(),
                    "project {}: two {kind} integrations (Atlas allows one per type)",
                    p.id
                );
            }
            let mut alert_configs = BTreeMap::new();
            for (index, value) in p.alert_configs.iter().enumerate() {
                let config = alerts::from_document(&p.id, index, value, &integrations)
                    .map_err(|e| anyhow::anyhow!("project {}: {e}", p.id))?;
                let id = config.id.clone();
                anyhow::ensure!(
                    alert_configs.insert(id.clone(), config).is_none(),
                    "project {}: alert configuration {id} listed twice",
                    p.id
                );
            }
            let project = Project {
                id: p.id.clone(),
                name: p.name,
                created: p.created,
                cluster_count: p.cluster_count,
                tags: p.tags,
                integrations,
                events: super::events::check_seeded(&p.id, p.events)?,
                alert_configs,
            };
            anyhow::ensure!(
                projects.insert(p.id.clone(), project).is_none(),
                "project {} listed twice",
                p.id
            );
        }
        let api_keys = doc.api_keys.unwrap_or_else(super::document::demo_api_keys);
        for key in &api_keys {
            anyhow::ensure!(
                is_group_id(&key.id),
                "API key {}: id {:?} is not 24 lowercase hex digits",
                key.public_key,
                key.id
            );
        }
        let service_accounts = doc
            .service_accounts
            .unwrap_or_else(super::document::demo_service_accounts);
        Ok(Store {
            org_id: doc.org_id,
            projects,
            api_keys,
            service_accounts,
        })
    }

    /// The document form, secrets in clear (for `--state` and the inspection hook).
    pub fn to_document(&self) -> Document {
        let projects = self
            .projects
            .values()
            .map(|p| ProjectDoc {
                id: p.id.clone(),
                name: p.name.clone(),
                created: p.created.clone(),
                cluster_count: p.cluster_count,
                tags: p.tags.clone(),
                integrations: p.integrations.values().map(stored_json).collect(),
                alert_configs: p.alert_configs.values().map(alerts::stored_json).collect(),
                events: p.events.iter().cloned().collect(),
            })
            .collect();
        Document {
            org_id: self.org_id.clone(),
            projects,
            api_keys: Some(self.api_keys.clone()),
            service_accounts: Some(self.service_accounts.clone()),
        }
    }

    pub fn role_of(&self, principal: &Principal, group_id: &str) -> Option<Role> {
        let roles = match principal {
            Principal::ApiKey(id) => &self.api_keys.iter().find(|k| &k.public_key == id)?.roles,
            Principal::ServiceAccount(id) => {
                &self
                    .service_accounts
                    .iter()
                    .find(|s| &s.client_id == id)?
                    .roles
            }
        };
        roles
            .get(group_id)
            .or_else(|| roles.get(ALL_PROJECTS))
            .copied()
    }

    /// Who made a write, as its event records it: the API key's own id looked up here.
    pub fn caller(
        &self,
        principal: &Principal,
        remote_address: Option<String>,
    ) -> super::events::Caller {
        let api_key_id = match principal {
            Principal::ApiKey(public_key) => self
                .api_keys
                .iter()
                .find(|k| &k.public_key == public_key)
                .map(|k| k.id.clone()),
            Principal::ServiceAccount(_) => None,
        };
        super::events::Caller {
            principal: Some(principal.clone()),
            api_key_id,
            remote_address,
        }
    }

    pub fn api_key_secret(&self, public_key: &str) -> Option<&str> {
        self.api_keys
            .iter()
            .find(|k| k.public_key == public_key)
            .map(|k| k.private_key.as_str())
    }

    pub fn service_account_secret(&self, client_id: &str) -> Option<&str> {
        self.service_accounts
            .iter()
            .find(|s| s.client_id == client_id)
            .map(|s| s.client_secret.as_str())
    }
}

/// The stored object, unmasked: `type`, `id` and every stored field (what "Atlas" holds).
pub fn stored_json(integration: &Integration) -> Value {
    serde_json::to_value(integration).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(project: Value) -> Document {
        serde_json::from_value(serde_json::json!({"projects": [project]})).unwrap()
    }

    #[test]
    fn cluster_count_defaults_to_zero_and_round_trips() {
        let id = "65f0a1b2c3d4e5f6a7b8c9aa";
        let store = Store::from_document(doc(serde_json::json!({"id": id, "name": "a"}))).unwrap();
        assert_eq!(store.projects[id].cluster_count, 0);
        let store = Store::from_document(doc(
            serde_json::json!({"id": id, "name": "a", "clusterCount": 7}),
        ))
        .unwrap();
        assert_eq!(store.projects[id].cluster_count, 7);
        let saved = serde_json::to_value(store.to_document()).unwrap();
        assert_eq!(saved["projects"][0]["clusterCount"], 7);
    }

    #[test]
    fn cluster_count_must_be_a_non_negative_int64() {
        let id = "65f0a1b2c3d4e5f6a7b8c9aa";
        let bad: Result<Document, _> = serde_json::from_value(
            serde_json::json!({"projects": [{"id": id, "name": "a", "clusterCount": -1}]}),
        );
        assert!(bad.is_err());
        let huge = doc(serde_json::json!({"id": id, "name": "a", "clusterCount": u64::MAX}));
        assert!(Store::from_document(huge).is_err());
    }
}

#[cfg(test)]
mod demo_data_tests {
    use super::Store;
    use crate::demo;
    use crate::seed::{add_generated, demo_document, generated_project_id};

    #[test]
    fn demo_document_is_valid_and_matches_the_public_consts() {
        let mut doc = demo_document();
        add_generated(&mut doc, 30);
        let store = Store::from_document(doc).unwrap();
        assert_eq!(store.projects.len(), demo::PROJECTS.len() + 30);
        for (id, name) in demo::PROJECTS {
            assert_eq!(&store.projects[*id].name, name);
        }
        assert!(store.projects[demo::SANDBOX_PROJECT_ID]
            .integrations
            .is_empty());
        assert_eq!(
            store.projects[demo::PRODUCTION_PROJECT_ID]
                .integrations
                .len(),
            3
        );
    }

    #[test]
    fn cluster_counts_are_fixed_for_the_demo_and_derived_from_the_index_when_generated() {
        let mut doc = demo_document();
        add_generated(&mut doc, 6);
        let store = Store::from_document(doc).unwrap();
        let count = |id: &str| store.projects[id].cluster_count;
        assert_eq!(count(demo::PRODUCTION_PROJECT_ID), 3);
        assert_eq!(count(demo::SANDBOX_PROJECT_ID), 0);
        let generated: Vec<u64> = (0..6).map(|i| count(&generated_project_id(i))).collect();
        assert_eq!(generated, [0, 1, 2, 3, 0, 1]);
    }

    /// The demo's alert configurations (issue #29): used integrations, own copies of keys,
    /// unused integrations, as `demo::alerts` tabulates them; and they survive a save.
    #[test]
    fn demo_alerts_use_some_integrations_and_carry_some_keys_of_their_own() {
        use atlas_registry::{IntegrationKind, NotificationKind};
        let store = Store::from_document(demo_document()).unwrap();
        let used = |group: &str, kind: IntegrationKind| {
            let p = &store.projects[group];
            let id = p.integrations[&kind].id.clone();
            p.alert_configs
                .values()
                .filter(|c| c.notifications.iter().any(|n| n.integration_id == id))
                .count()
        };
        assert_eq!(
            used(demo::PRODUCTION_PROJECT_ID, IntegrationKind::PagerDuty),
            1
        );
        assert_eq!(
            used(demo::PRODUCTION_PROJECT_ID, IntegrationKind::Datadog),
            2
        );
        assert_eq!(
            used(demo::PRODUCTION_PROJECT_ID, IntegrationKind::Webhook),
            0
        );
        assert_eq!(used(demo::STAGING_PROJECT_ID, IntegrationKind::Slack), 1);
        assert_eq!(used(demo::STAGING_PROJECT_ID, IntegrationKind::OpsGenie), 0);
        assert_eq!(used(demo::LEGACY_PROJECT_ID, IntegrationKind::VictorOps), 1);
        assert_eq!(used(demo::LEGACY_PROJECT_ID, IntegrationKind::NewRelic), 0);
        assert_eq!(
            used(demo::ANALYTICS_PROJECT_ID, IntegrationKind::MicrosoftTeams),
            1
        );
        assert_eq!(
            used(demo::ANALYTICS_PROJECT_ID, IntegrationKind::Prometheus),
            0
        );
        assert!(store.projects[demo::SANDBOX_PROJECT_ID]
            .alert_configs
            .is_empty());

        let own_key = |group: &str, alert: &str, field: &str| -> String {
            let n = &store.projects[group].alert_configs[alert].notifications[0];
            n.values[field].as_str().unwrap().to_string()
        };
        let production = demo::PRODUCTION_PROJECT_ID;
        assert_eq!(
            own_key(production, demo::alerts::PRODUCTION_OPLOG, "serviceKey"),
            demo::secrets::PAGER_DUTY_SERVICE_KEY
        );
        assert_eq!(
            own_key(production, demo::alerts::PRODUCTION_MONGOS, "serviceKey"),
            demo::secrets::ALERT_PAGER_DUTY_OTHER_KEY
        );
        let joined =
            &store.projects[demo::LEGACY_PROJECT_ID].alert_configs[demo::alerts::LEGACY_JOINED];
        assert_eq!(joined.notifications[0].kind, NotificationKind::HipChat);

        let again = Store::from_document(store.to_document()).unwrap();
        assert_eq!(again, store);
    }
}
