//! Export as code (issue #30) through the dashboard's own route: the demo fleet as JSON, whose
//! plain settings must equal what the emulator holds (a round trip), and as Terraform, with an
//! import block per integration Terraform can express; no stored secret, and no mask, in any
//! file; a bad format or filter is a 400 before any Atlas call.

use atlas_emulator::demo;
use atlas_registry::IntegrationKind;
use axum::http::StatusCode;
use serde_json::Value;

use crate::support::{page_request, TestApp};

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

#[tokio::test]
async fn the_demo_fleet_exported_as_json_holds_what_atlas_holds() {
    let mut app = TestApp::start().await;
    app.login_api_key().await;
    let (status, headers, body) = app
        .send(page_request("/fleet/export/download?format=json"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(header(&headers, "content-type"), "application/json");
    assert_eq!(
        header(&headers, "content-disposition"),
        "attachment; filename=\"atlas-integrations.json\""
    );
    let exported: Value = serde_json::from_str(&body).expect("one JSON document");
    let projects = exported["projects"].as_array().expect("projects");
    assert_eq!(projects.len(), demo::PROJECTS.len());
    let mut compared = 0;
    for project in projects {
        let group_id = project["id"].as_str().unwrap();
        for integration in project["integrations"].as_array().unwrap() {
            let kind = integration["type"].as_str().unwrap();
            let stored = app
                .stored(group_id, kind)
                .await
                .unwrap_or_else(|| panic!("{kind} in {group_id} exported but not held"));
            let spec = IntegrationKind::from_wire(kind).unwrap().spec();
            // Every plain value Atlas holds is exported as it is, and nothing else.
            for field in spec.fields.iter().filter(|f| !f.is_secret()) {
                let held = stored.get(field.name).filter(|v| !v.is_null());
                assert_eq!(
                    integration["values"].get(field.name),
                    held,
                    "{kind}.{} in {group_id}",
                    field.name
                );
                compared += usize::from(held.is_some());
            }
            // Secrets as hints only: never the held value.
            for field in spec.fields.iter().filter(|f| f.is_secret()) {
                if let Some(Value::String(secret)) = stored.get(field.name) {
                    assert!(!body.contains(secret.as_str()), "{kind}.{}", field.name);
                }
            }
        }
    }
    assert!(
        compared >= 5,
        "the round trip compared real values: {compared}"
    );
}

#[tokio::test]
async fn terraform_has_an_import_block_per_expressible_integration_and_no_secret() {
    let mut app = TestApp::start().await;
    app.login_api_key().await;
    let (status, headers, zip) = app
        .send(page_request(
            "/fleet/export/download?format=terraform&has=PAGER_DUTY",
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, "content-type"), "application/zip");
    assert_eq!(header(&headers, "cache-control"), "no-store");
    // Production is the only demo project with PagerDuty: its three integrations, each
    // imported by `{project}-{TYPE}` (the provider's import format).
    let production = demo::PRODUCTION_PROJECT_ID;
    for kind in ["PAGER_DUTY", "DATADOG", "WEBHOOK"] {
        assert!(
            zip.contains(&format!("id = \"{production}-{kind}\"")),
            "{kind} import block"
        );
        if let Some(stored) = app.stored(production, kind).await {
            for (name, value) in stored.as_object().unwrap() {
                let secret = IntegrationKind::from_wire(kind)
                    .unwrap()
                    .spec()
                    .fields
                    .iter()
                    .any(|f| f.name == name && f.is_secret());
                if let (true, Value::String(value)) = (secret, value) {
                    assert!(!zip.contains(value.as_str()), "{kind}.{name} in the zip");
                }
            }
        }
    }
    assert!(!zip.contains(demo::STAGING_PROJECT_ID), "filtered out");
    assert!(!zip.contains("****"), "no mask in any file");
}

#[tokio::test]
async fn a_bad_request_is_a_400_before_atlas_and_a_lost_session_goes_to_login() {
    let mut app = TestApp::start().await;
    let (status, headers, _) = app
        .send(page_request("/fleet/export/download?format=json"))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(header(&headers, "location").starts_with("/login?next="));
    app.login_api_key().await;
    let before = app.total_upstream_calls().await;
    for bad in [
        "/fleet/export/download?format=pdf",
        "/fleet/export/download?format=json&has=FAX",
        "/fleet/export/download?format=json&region=MARS",
        "/fleet/export/download?format=json&project=..%2Fetc",
    ] {
        let (status, _, body) = app.send(page_request(bad)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
    assert_eq!(
        app.total_upstream_calls().await,
        before,
        "nothing sent to Atlas"
    );
}
