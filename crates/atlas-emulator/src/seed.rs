//! The initial data: the demo organisation, or a `--seed` document, plus `--projects N`
//! generated projects.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use serde_json::json;

use super::demo::{self, secrets};
use super::state::{ApiKeyDoc, Document, ProjectDoc, Role, ServiceAccountDoc, Tag, ALL_PROJECTS};

pub fn demo_api_keys() -> Vec<ApiKeyDoc> {
    let all = |role| BTreeMap::from([(ALL_PROJECTS.to_string(), role)]);
    vec![
        ApiKeyDoc {
            public_key: demo::API_PUBLIC_KEY.into(),
            private_key: demo::API_PRIVATE_KEY.into(),
            roles: all(Role::Owner),
        },
        ApiKeyDoc {
            public_key: demo::READONLY_PUBLIC_KEY.into(),
            private_key: demo::READONLY_PRIVATE_KEY.into(),
            roles: all(Role::ReadOnly),
        },
        ApiKeyDoc {
            public_key: demo::EMPTY_PUBLIC_KEY.into(),
            private_key: demo::EMPTY_PRIVATE_KEY.into(),
            roles: BTreeMap::new(),
        },
        ApiKeyDoc {
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

fn project(
    id: &str,
    name: &str,
    created: &str,
    clusters: u64,
    integrations: Vec<serde_json::Value>,
) -> ProjectDoc {
    ProjectDoc {
        id: id.into(),
        name: name.into(),
        created: created.into(),
        cluster_count: clusters,
        tags: Vec::new(),
        integrations,
    }
}

/// The demo organisation of `demo::PROJECTS`.
pub fn demo_document() -> Document {
    let mut production = project(
        demo::PRODUCTION_PROJECT_ID,
        "Production",
        "2023-03-14T08:12:45Z",
        3,
        vec![
            json!({"type": "PAGER_DUTY", "serviceKey": secrets::PAGER_DUTY_SERVICE_KEY, "region": "EU"}),
            json!({"type": "DATADOG", "apiKey": secrets::DATADOG_API_KEY, "region": "US5",
                   "sendDatabaseMetrics": true, "sendCollectionLatencyMetrics": true}),
            json!({"type": "WEBHOOK", "url": secrets::WEBHOOK_URL, "secret": secrets::WEBHOOK_SECRET}),
        ],
    );
    production.tags = vec![Tag {
        key: "env".into(),
        value: "prod".into(),
    }];
    let projects = vec![
        production,
        project(
            demo::STAGING_PROJECT_ID,
            "Staging",
            "2023-06-02T14:03:11Z",
            1,
            vec![
                json!({"type": "SLACK", "apiToken": secrets::SLACK_API_TOKEN, "channelName": "atlas-alerts",
                       "teamName": "Example-Corp"}),
                json!({"type": "OPS_GENIE", "apiKey": secrets::OPS_GENIE_API_KEY}),
            ],
        ),
        project(
            demo::LEGACY_PROJECT_ID,
            "Legacy-Monitoring",
            "2020-11-20T10:00:00Z",
            2,
            vec![
                json!({"type": "NEW_RELIC", "accountId": secrets::NEW_RELIC_ACCOUNT_ID,
                       "licenseKey": secrets::NEW_RELIC_LICENSE_KEY, "readToken": secrets::NEW_RELIC_READ_TOKEN,
                       "writeToken": secrets::NEW_RELIC_WRITE_TOKEN}),
                json!({"type": "VICTOR_OPS", "apiKey": secrets::VICTOR_OPS_API_KEY, "routingKey": "db-oncall"}),
            ],
        ),
        project(
            demo::ANALYTICS_PROJECT_ID,
            "Analytics",
            "2024-02-29T16:45:00Z",
            2,
            vec![
                json!({"type": "PROMETHEUS", "username": format!("prom_user_{}", demo::ANALYTICS_PROJECT_ID),
                       "password": secrets::PROMETHEUS_PASSWORD, "serviceDiscovery": "http", "enabled": true}),
                json!({"type": "MICROSOFT_TEAMS", "microsoftTeamsWebhookUrl": secrets::MICROSOFT_TEAMS_WEBHOOK_URL}),
            ],
        ),
        project(
            demo::SANDBOX_PROJECT_ID,
            "Sandbox",
            "2025-01-07T09:00:00Z",
            0,
            Vec::new(),
        ),
    ];
    Document {
        org_id: demo::ORG_ID.into(),
        projects,
        api_keys: None,
        service_accounts: None,
    }
}

/// The id of generated project `i` (0-based): `6a000000` then `i` in hex.
pub fn generated_project_id(i: usize) -> String {
    format!("6a000000{i:016x}")
}

/// Adds `n` projects named `bench-00001`… with a deterministic mix of integrations: every
/// third has PAGER_DUTY, every fifth DATADOG, every seventh WEBHOOK, and `clusterCount` the
/// index modulo 4 (0..=3, so lists show zero and non-zero counts). Owners are whoever has
/// `"*"` in the document (the demo owner key and service account by default).
pub fn add_generated(doc: &mut Document, n: usize) {
    for i in 0..n {
        let id = generated_project_id(i);
        let mut integrations = Vec::new();
        if i % 3 == 0 {
            integrations
                .push(json!({"type": "PAGER_DUTY", "serviceKey": format!("{:032x}", i + 1)}));
        }
        if i % 5 == 0 {
            integrations
                .push(json!({"type": "DATADOG", "apiKey": format!("{:032x}", (i + 1) * 7)}));
        }
        if i % 7 == 0 {
            integrations.push(json!({"type": "WEBHOOK", "url": format!("https://hooks.example.com/bench/{i:05}")}));
        }
        doc.projects.push(project(
            &id,
            &format!("bench-{:05}", i + 1),
            "2025-06-01T00:00:00Z",
            (i % 4) as u64,
            integrations,
        ));
    }
}

/// Reads a `--seed` document.
pub fn load(path: &Path) -> anyhow::Result<Document> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading seed {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing seed {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Store;

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
}
