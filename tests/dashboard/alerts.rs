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
fn ids_of(usage: &Value, kind: &str, list: &str) -> Vec<String> {
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
        ids_of(&production, "PAGER_DUTY", "using"),
        [alerts::PRODUCTION_NO_PRIMARY]
    );
    assert_eq!(
        ids_of(&production, "PAGER_DUTY", "own_key"),
        [alerts::PRODUCTION_OPLOG, alerts::PRODUCTION_MONGOS]
    );
    // The first carries the integration's very key (same last four), the second another.
    assert_eq!(
        own_key_matches(&production, "PAGER_DUTY"),
        ["Same", "Different"]
    );
    // `integrationId` decides even beside a key of the alert's own (TF PR #2603's shape).
    assert_eq!(
        ids_of(&production, "DATADOG", "using"),
        [alerts::PRODUCTION_CONNECTIONS, alerts::PRODUCTION_CERTS]
    );
    assert!(ids_of(&production, "DATADOG", "own_key").is_empty());
    // The webhook: used by no alert.
    assert!(ids_of(&production, "WEBHOOK", "using").is_empty());

    let analytics = usage(&mut app, demo::ANALYTICS_PROJECT_ID).await;
    assert_eq!(
        ids_of(&analytics, "MICROSOFT_TEAMS", "using"),
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
    // Atlas's names may wrap after each `_` (`<wbr>`).
    let text = html.replace("<wbr/>", "").replace("<wbr>", "");
    assert!(text.contains("CLUSTER_MONGOS_IS_MISSING"));
    assert!(html.contains("CLUSTER_NAME EQUALS orders"));
    assert!(!html.contains(secrets::PAGER_DUTY_SERVICE_KEY));
    assert!(!html.contains(secrets::ALERT_PAGER_DUTY_OTHER_KEY));

    let delete = format!("{project}/integrations/PAGER_DUTY/delete");
    let (status, _, html) = app.send(page_request(&delete)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("is not documented"), "the unknown is said");
    assert!(html
        .replace("<wbr/>", "")
        .replace("<wbr>", "")
        .contains(">NO_PRIMARY<"));
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
    assert_eq!(
        ids_of(&before, "SLACK", "using"),
        [alerts::STAGING_NO_PRIMARY]
    );
    let (status, body) = app
        .call(
            "integrations/delete",
            &[("group_id", staging), ("kind", "SLACK")],
        )
        .await;
    assert!(status.is_success() || status.is_redirection(), "{body}");
    let after = usage(&mut app, staging).await;
    assert!(ids_of(&after, "SLACK", "using").is_empty());
    assert_eq!(
        ids_of(&after, "SLACK", "elsewhere"),
        [alerts::STAGING_NO_PRIMARY]
    );
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
        ids_of(&production, "PAGER_DUTY", "using"),
        [alerts::PRODUCTION_NO_PRIMARY]
    );
    let (status, _) = app.call("alerts/usage", &[("group_id", "not-an-id")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

fn switch_form(group_id: &str, alert_id: &str) -> Vec<(String, String)> {
    vec![
        ("kind".into(), "PAGER_DUTY".into()),
        ("field".into(), "serviceKey".into()),
        ("hint".into(), "0022".into()),
        (format!("alerts[a-{group_id}.{alert_id}]"), "on".into()),
    ]
}

async fn switch(app: &mut TestApp, form: &[(String, String)]) -> Value {
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (status, body) = app.call("alerts/switch", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).unwrap()
}

#[tokio::test]
async fn the_rotation_lists_own_copies_of_the_old_key_and_switches_them_to_the_integration() {
    let production = demo::PRODUCTION_PROJECT_ID;
    let mut app = TestApp::start().await;
    app.login_api_key().await;
    let (status, body) = app
        .call(
            "fleet/rotate/candidates",
            &[
                ("kind", "PAGER_DUTY"),
                ("field", "serviceKey"),
                ("hint", "0022"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let found: Value = serde_json::from_str(&body).unwrap();
    let old_key = found["old_key"].as_array().unwrap();
    // Only the alert with the integration's very key; the one with another key is not the
    // rotation's business, nor the one that names the integration.
    assert_eq!(old_key.len(), 1, "{body}");
    assert_eq!(old_key[0]["group_id"], production);
    assert_eq!(old_key[0]["has_integration"], true);
    let ids: Vec<&str> = old_key[0]["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [alerts::PRODUCTION_OPLOG]);

    // A read-only credential is refused per alert, and nothing changes.
    let mut reader = app.another_browser();
    reader
        .call(
            "session/login",
            &[
                ("method", "api_key"),
                ("public_id", demo::READONLY_PUBLIC_KEY),
                ("secret", demo::READONLY_PRIVATE_KEY),
            ],
        )
        .await;
    let form = switch_form(production, alerts::PRODUCTION_OPLOG);
    let refused = switch(&mut reader, &form).await;
    assert_eq!(refused[0]["outcome"], "Refused", "{refused}");
    let usage_now = usage(&mut app, production).await;
    assert_eq!(
        ids_of(&usage_now, "PAGER_DUTY", "own_key"),
        [alerts::PRODUCTION_OPLOG, alerts::PRODUCTION_MONGOS]
    );

    // The owner switches it: the alert now uses the integration, its own key gone.
    let switched = switch(&mut app, &form).await;
    assert_eq!(switched[0]["outcome"], "Switched", "{switched}");
    assert_eq!(
        switched[0]["event_type"],
        "REPLICATION_OPLOG_WINDOW_RUNNING_OUT"
    );
    let after = usage(&mut app, production).await;
    assert_eq!(
        ids_of(&after, "PAGER_DUTY", "using"),
        [alerts::PRODUCTION_NO_PRIMARY, alerts::PRODUCTION_OPLOG]
    );
    assert_eq!(
        ids_of(&after, "PAGER_DUTY", "own_key"),
        [alerts::PRODUCTION_MONGOS]
    );
    // Again: it no longer carries the old key, so nothing is sent.
    let again = switch(&mut app, &form).await;
    assert_eq!(again[0]["outcome"], "Changed", "{again}");
}

#[tokio::test]
async fn a_plain_form_switch_lands_on_its_report_and_bad_ticks_change_nothing() {
    let production = demo::PRODUCTION_PROJECT_ID;
    let mut app = TestApp::start().await;
    app.login_api_key().await;
    let form = switch_form(production, alerts::PRODUCTION_OPLOG);
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut request = crate::support::server_fn_request("alerts/switch", &pairs);
    request
        .headers_mut()
        .insert("accept", "text/html".parse().unwrap());
    let (status, headers, _) = app.send(request).await;
    assert!(status.is_redirection(), "{status}");
    let location = crate::support::header(&headers, "location")
        .unwrap_or_default()
        .to_string();
    assert!(
        location
            .starts_with("/fleet/rotate/alerts?type=PAGER_DUTY&field=serviceKey&hint=0022&done="),
        "{location}"
    );
    assert!(
        location.ends_with(".switched.REPLICATION_OPLOG_WINDOW_RUNNING_OUT"),
        "{location}"
    );
    let (status, _, html) = app.send(page_request(&location)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Switched: uses the project’s integration"),
        "the report"
    );
    assert!(html.contains(">Production<"), "named by the project's name");

    // Nothing ticked, or a tick that is not an alert id: refused before Atlas.
    app.reset_upstream_counters().await;
    let (status, _) = app
        .call(
            "alerts/switch",
            &[
                ("kind", "PAGER_DUTY"),
                ("field", "serviceKey"),
                ("hint", "0022"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let bad = format!("alerts[a-{production}.../etc]");
    let (status, _) = app
        .call(
            "alerts/switch",
            &[
                ("kind", "PAGER_DUTY"),
                ("field", "serviceKey"),
                ("hint", "0022"),
                (&bad, "on"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(app.total_upstream_calls().await, 0);
}
