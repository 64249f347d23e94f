//! The initial data: the demo organisation, or a `--seed` document, plus `--projects N`
//! generated projects.

use std::path::Path;

use anyhow::Context;
use serde_json::json;

use super::demo::{self, alerts, secrets};
use super::document::{Document, ProjectDoc, Tag};
use super::identity::derived_integration_id;
use atlas_registry::IntegrationKind;

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
        alert_configs: Vec::new(),
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
    let mut projects = vec![
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
    for p in &mut projects {
        p.alert_configs = demo_alert_configs(&p.id);
    }
    Document {
        org_id: demo::ORG_ID.into(),
        projects,
        api_keys: None,
        service_accounts: None,
    }
}

/// One seeded alert configuration, created and last updated at `at`.
fn alert(id: &str, at: &str, body: serde_json::Value) -> serde_json::Value {
    let mut v = body;
    if let Some(obj) = v.as_object_mut() {
        obj.insert("id".into(), json!(id));
        obj.insert("created".into(), json!(at));
        obj.insert("updated".into(), json!(at));
    }
    v
}

/// The demo alert configurations of project `group_id` (the table in `demo::alerts`).
/// Integration ids are those the demo integrations get (`derived_integration_id`).
fn demo_alert_configs(group_id: &str) -> Vec<serde_json::Value> {
    let integration = |kind| derived_integration_id(group_id, kind);
    let owners = json!({"typeName": "GROUP", "emailEnabled": true, "smsEnabled": false,
                        "roles": ["GROUP_OWNER"], "delayMin": 0, "intervalMin": 60});
    let oplog = json!({"operator": "LESS_THAN", "threshold": 1, "units": "HOURS"});
    match group_id {
        demo::PRODUCTION_PROJECT_ID => vec![
            alert(
                alerts::PRODUCTION_NO_PRIMARY,
                "2023-03-14T09:00:00Z",
                json!({
                "eventTypeName": "NO_PRIMARY", "enabled": true,
                "notifications": [owners, {"typeName": "PAGER_DUTY", "region": "EU", "delayMin": 0,
                    "integrationId": integration(IntegrationKind::PagerDuty)}]}),
            ),
            alert(
                alerts::PRODUCTION_CONNECTIONS,
                "2023-03-14T09:05:00Z",
                json!({
                "eventTypeName": "OUTSIDE_METRIC_THRESHOLD", "enabled": true,
                "matchers": [{"fieldName": "TYPE_NAME", "operator": "EQUALS", "value": "PRIMARY"}],
                "metricThreshold": {"metricName": "CONNECTIONS_PERCENT", "mode": "AVERAGE",
                    "operator": "GREATER_THAN", "threshold": 80.0, "units": "RAW"},
                "notifications": [{"typeName": "DATADOG", "datadogRegion": "US5", "delayMin": 5,
                    "intervalMin": 60, "integrationId": integration(IntegrationKind::Datadog)}]}),
            ),
            alert(
                alerts::PRODUCTION_OPLOG,
                "2023-04-02T11:20:00Z",
                json!({
                "eventTypeName": "REPLICATION_OPLOG_WINDOW_RUNNING_OUT", "enabled": true,
                "threshold": oplog,
                "notifications": [{"typeName": "PAGER_DUTY", "region": "EU", "delayMin": 0,
                    "serviceKey": secrets::PAGER_DUTY_SERVICE_KEY}]}),
            ),
            alert(
                alerts::PRODUCTION_MONGOS,
                "2023-05-19T16:45:00Z",
                json!({
                "eventTypeName": "CLUSTER_MONGOS_IS_MISSING", "enabled": true,
                "matchers": [{"fieldName": "CLUSTER_NAME", "operator": "EQUALS", "value": "orders"}],
                "notifications": [{"typeName": "PAGER_DUTY", "region": "US", "delayMin": 15,
                    "serviceKey": secrets::ALERT_PAGER_DUTY_OTHER_KEY}]}),
            ),
            alert(
                alerts::PRODUCTION_CERTS,
                "2024-01-08T08:30:00Z",
                json!({
                "eventTypeName": "NDS_X509_USER_AUTHENTICATION_MANAGED_USER_CERTS_EXPIRATION_CHECK",
                "enabled": true,
                "threshold": {"operator": "LESS_THAN", "threshold": 30, "units": "DAYS"},
                "notifications": [{"typeName": "DATADOG", "datadogRegion": "US5", "delayMin": 0,
                    "intervalMin": 1440, "datadogApiKey": secrets::DATADOG_API_KEY,
                    "integrationId": integration(IntegrationKind::Datadog)}]}),
            ),
            alert(
                alerts::PRODUCTION_CREDIT_CARD,
                "2023-03-14T08:12:45Z",
                json!({
                "eventTypeName": "CREDIT_CARD_ABOUT_TO_EXPIRE", "enabled": true,
                "notifications": [{"typeName": "GROUP", "emailEnabled": true, "smsEnabled": false,
                    "roles": ["GROUP_OWNER"], "delayMin": 0, "intervalMin": 1440}]}),
            ),
        ],
        demo::STAGING_PROJECT_ID => vec![
            alert(
                alerts::STAGING_NO_PRIMARY,
                "2023-06-02T14:30:00Z",
                json!({
                "eventTypeName": "NO_PRIMARY", "enabled": true,
                "notifications": [{"typeName": "SLACK", "channelName": "atlas-alerts", "delayMin": 0,
                    "intervalMin": 60, "integrationId": integration(IntegrationKind::Slack)}]}),
            ),
            alert(
                alerts::STAGING_OPLOG,
                "2023-07-11T10:00:00Z",
                json!({
                "eventTypeName": "REPLICATION_OPLOG_WINDOW_RUNNING_OUT", "enabled": true,
                "threshold": oplog,
                "notifications": [{"typeName": "OPS_GENIE", "opsGenieRegion": "US", "delayMin": 0,
                    "opsGenieApiKey": secrets::OPS_GENIE_API_KEY}]}),
            ),
        ],
        demo::LEGACY_PROJECT_ID => vec![
            alert(
                alerts::LEGACY_NO_PRIMARY,
                "2020-11-20T10:30:00Z",
                json!({
                "eventTypeName": "NO_PRIMARY", "enabled": true,
                "notifications": [{"typeName": "VICTOR_OPS", "victorOpsRoutingKey": "db-oncall",
                    "delayMin": 0, "integrationId": integration(IntegrationKind::VictorOps)}]}),
            ),
            alert(
                alerts::LEGACY_JOINED,
                "2020-11-20T10:35:00Z",
                json!({
                "eventTypeName": "JOINED_GROUP", "enabled": false,
                "notifications": [{"typeName": "HIP_CHAT", "roomName": "ops", "delayMin": 0,
                    "intervalMin": 60, "notificationToken": secrets::ALERT_HIP_CHAT_TOKEN}]}),
            ),
        ],
        demo::ANALYTICS_PROJECT_ID => vec![
            alert(
                alerts::ANALYTICS_DISK,
                "2024-02-29T17:00:00Z",
                json!({
                "eventTypeName": "OUTSIDE_METRIC_THRESHOLD", "enabled": true,
                "metricThreshold": {"metricName": "DISK_PARTITION_SPACE_USED_DATA", "mode": "AVERAGE",
                    "operator": "GREATER_THAN", "threshold": 90.0, "units": "RAW"},
                "notifications": [{"typeName": "MICROSOFT_TEAMS", "delayMin": 0, "intervalMin": 60,
                    "integrationId": integration(IntegrationKind::MicrosoftTeams)}]}),
            ),
            alert(
                alerts::ANALYTICS_NO_PRIMARY,
                "2024-03-04T12:00:00Z",
                json!({
                "eventTypeName": "NO_PRIMARY", "enabled": true,
                "notifications": [{"typeName": "MICROSOFT_TEAMS", "delayMin": 0, "intervalMin": 30,
                    "microsoftTeamsWebhookUrl": secrets::ALERT_MICROSOFT_TEAMS_URL}]}),
            ),
        ],
        _ => Vec::new(),
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
