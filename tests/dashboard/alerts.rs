//! Which alerts use each integration (issue #29), through the dashboard against the emulator's
//! demo alerts (`atlas_emulator::demo::alerts`): joined on `integrationId`, own keys matched
//! by hint, no key in any answer or page, and what a delete leaves behind.

use atlas_emulator::demo::{self, alerts, secrets};
use axum::http::StatusCode;
use serde_json::Value;

use crate::support::{page_request, TestApp};

async fn usage(app: &mut TestApp, group_id: &str) -> Value {
    let (status, body) = app.call("alerts/usage", &[("group_id", group_id)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for secret in [
        secrets::PAGER_DUTY_SERVICE_KEY,
        secrets::ALERT_PAGER_DUTY_OTHER_KEY,
        secrets::DATADOG_API_KEY,
        secrets::OPS_GENIE_API_KEY,
        secrets::SLACK_API_TOKEN,
    ] {
        assert!(!body.contains(secret), "a key in the answer: {body}");
    }
    serde_json::from_str(&body).unwrap()
}

/// The alerts of `kind` in `list` ("using", "own_key" or "elsewhere"), by id.
fn ids(usage: &Value, kind: &str, list: &str) -> Vec<String> {
    let Some((_, of_kind)) = usage["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| (pair[0].as_str().unwrap(), &pair[1]))
        .find(|(k, _)| *k == kind)
    else {
        return Vec::new();
    };
    of_kind[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let alert = if list == "own_key" { &a["alert"] } else { a };
            alert["id"].as_str().unwrap().to_string()
        })
        .collect()
}

fn own_key_matches(usage: &Value, kind: &str) -> Vec<String> {
    let pair = usage["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|pair| pair[0] == kind)
        .unwrap();
    pair[1]["own_key"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["key"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn alerts_join_on_integration_id_and_own_keys_match_by_hint() {
    let mut app = TestApp::start().await;
    app.login_api_key().await;
    let production = usage(&mut app, demo::PRODUCTION_PROJECT_ID).await;
    assert_eq!(
        ids(&production, "PAGER_DUTY", "using"),
        [alerts::PRODUCTION_NO_PRIMARY]
    );
    assert_eq!(
        ids(&production, "PAGER_DUTY", "own_key"),
        [alerts::PRODUCTION_OPLOG, alerts::PRODUCTION_MONGOS]
    );
    // The first carries the integration's very key (same last four), the second another.
    assert_eq!(own_key_matches(&production, "PAGER_DUTY"), ["Same", "Different"]);
    // `integrationId` decides even beside a key of the alert's own (TF PR #2603's shape).
    assert_eq!(
        ids(&production, "DATADOG", "using"),
        [alerts::PRODUCTION_CONNECTIONS, alerts::PRODUCTION_CERTS]
    );
    assert!(ids(&production, "DATADOG", "own_key").is_empty());
    // The webhook: used by no alert.
    assert!(ids(&production, "WEBHOOK", "using").is_empty());

    let analytics = usage(&mut app, demo::ANALYTICS_PROJECT_ID).await;
    assert_eq!(
        ids(&analytics, "MICROSOFT_TEAMS", "using"),
        [alerts::ANALYTICS_DISK]
    );
    // A URL's hint is its host.
    assert_eq!(own_key_matches(&analytics, "MICROSOFT_TEAMS"), ["Same"]);
}

#[tokio::test]
async fn the_project_page_and_the_delete_confirmation_name_the_alerts() {
    let mut app = TestApp::start().await;
    app.login_api_key().await;
    let project = format!("/projects/{}", demo::PRODUCTION_PROJECT_ID);
    let (status, _, html) = app.send(page_request(&project)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Used by 1 alert<"), "PagerDuty's count");
    assert!(html.contains("Used by 2 alerts<"), "Datadog's count");
    assert!(html.contains("Used by no alert<"), "the webhook's count");
    assert!(html.contains("2 alerts carry their own key for this service"));
    assert!(html.contains("CLUSTER_MONGOS_IS_MISSING"));
    assert!(html.contains("CLUSTER_NAME EQUALS orders"));
    assert!(!html.contains(secrets::PAGER_DUTY_SERVICE_KEY));
    assert!(!html.contains(secrets::ALERT_PAGER_DUTY_OTHER_KEY));

    let delete = format!("{project}/integrations/PAGER_DUTY/delete");
    let (status, _, html) = app.send(page_request(&delete)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("is not documented"), "the unknown is said");
    assert!(html.contains("NO_PRIMARY"));
    let webhook = format!("{project}/integrations/WEBHOOK/delete");
    let (_, _, html) = app.send(page_request(&webhook)).await;
    assert!(html.contains("No alert sends through this integration."));
}

#[tokio::test]
async fn after_a_delete_the_alert_names_an_integration_the_project_no_longer_has() {
    let mut app = TestApp::start().await;
    app.login_api_key().await;
    let staging = demo::STAGING_PROJECT_ID;
    let before = usage(&mut app, staging).await;
    assert_eq!(ids(&before, "SLACK", "using"), [alerts::STAGING_NO_PRIMARY]);
    let (status, body) = app
        .call(
            "integrations/delete",
            &[("group_id", staging), ("kind", "SLACK")],
        )
        .await;
    assert!(status.is_success() || status.is_redirection(), "{body}");
    let after = usage(&mut app, staging).await;
    assert!(ids(&after, "SLACK", "using").is_empty());
    assert_eq!(ids(&after, "SLACK", "elsewhere"), [alerts::STAGING_NO_PRIMARY]);
}

#[tokio::test]
async fn a_read_only_credential_reads_them_and_a_stranger_is_refused() {
    let mut app = TestApp::start().await;
    app.call(
        "session/login",
        &[
            ("method", "api_key"),
            ("public_id", demo::READONLY_PUBLIC_KEY),
            ("secret", demo::READONLY_PRIVATE_KEY),
        ],
    )
    .await;
    let production = usage(&mut app, demo::PRODUCTION_PROJECT_ID).await;
    assert_eq!(
        ids(&production, "PAGER_DUTY", "using"),
        [alerts::PRODUCTION_NO_PRIMARY]
    );
    let (status, _) = app
        .call("alerts/usage", &[("group_id", "not-an-id")])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
