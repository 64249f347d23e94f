//! The initial data: the demo organisation, or a `--seed` document, plus `--projects N`
//! generated projects.

use std::path::Path;

use anyhow::Context;
use serde_json::json;

use super::demo::{self, secrets};
use super::document::{Document, ProjectDoc, Tag};

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
        events: Vec::new(),
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
