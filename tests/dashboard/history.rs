//! History (issue #12): Atlas's integration events, per project and across the fleet, with
//! changes made outside the dashboard; filters and pages in the URL; a project whose events
//! cannot be read is said, not an error page; the audit line of every write the dashboard
//! makes names fields, never values.

use atlas_client::{AtlasApi, AtlasClient, ClientConfig, Credential, SecretValue};
use atlas_emulator::demo;
use atlas_registry::{FieldValue, Integration, IntegrationKind};
use axum::http::StatusCode;
use serde_json::Value;

use crate::support::{page_request, Captured, TestApp};

const SANDBOX: &str = demo::SANDBOX_PROJECT_ID;
const PRODUCTION: &str = demo::PRODUCTION_PROJECT_ID;
const SECRET: &str = "history-ops-genie-key-7171";

/// A change made outside the dashboard: straight to the emulator with the service account.
async fn outside_change(app: &TestApp, group_id: &str) {
    let client = AtlasClient::new(ClientConfig::new(app.emulator.base_url())).unwrap();
    let sa = Credential::ServiceAccount {
        client_id: demo::SERVICE_ACCOUNT_CLIENT_ID.into(),
        client_secret: SecretValue::new(demo::SERVICE_ACCOUNT_CLIENT_SECRET),
        token_scope: String::new(),
    };
    let mut slack = Integration::new(IntegrationKind::Slack);
    for (k, v) in [
        ("apiToken", "xoxb-history-outside-token-9191"),
        ("channelName", "alerts"),
    ] {
        slack.values.insert(k.into(), FieldValue::Text(v.into()));
    }
    client
        .create_integration(&sa, group_id, &slack)
        .await
        .unwrap();
}

async fn history(app: &mut TestApp, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let (status, body) = app.call("history/list", form).await;
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

fn rows(page: &Value) -> Vec<(String, String, String, String)> {
    page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["change"].as_str().unwrap().to_string(),
                e["kind"].to_string(),
                e["author"].to_string(),
                e["group_id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn fleet_and_project_history_include_changes_made_outside_the_dashboard() {
    let mut app = TestApp::start().await;
    app.login_api_key().await;
    let (status, body) = app
        .call(
            "integrations/create",
            &[
                ("group_id", SANDBOX),
                ("kind", "OPS_GENIE"),
                ("values[apiKey]", SECRET),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // `created` has whole seconds: a second apart, the order across projects is the time's.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    outside_change(&app, PRODUCTION).await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (status, body) = app
        .call(
            "integrations/delete",
            &[("group_id", SANDBOX), ("kind", "OPS_GENIE")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (status, fleet) = history(&mut app, &[]).await;
    assert_eq!(status, StatusCode::OK, "{fleet}");
    let key = format!("{{\"ApiKey\":\"{}\"}}", demo::API_PUBLIC_KEY);
    let sa = format!(
        "{{\"ServiceAccount\":\"{}\"}}",
        demo::SERVICE_ACCOUNT_CLIENT_ID
    );
    assert_eq!(
        rows(&fleet),
        [
            (
                "Removed".into(),
                "{\"Known\":\"OPS_GENIE\"}".into(),
                key.clone(),
                SANDBOX.into()
            ),
            // Made elsewhere: Atlas does not say the type, and the journal has no such write.
            (
                "Configured".into(),
                "\"NotStated\"".into(),
                sa.clone(),
                PRODUCTION.into()
            ),
            (
                "Configured".into(),
                "{\"Known\":\"OPS_GENIE\"}".into(),
                key.clone(),
                SANDBOX.into()
            ),
        ]
    );
    assert_eq!(fleet["projects"], demo::PROJECTS.len());
    assert_eq!(fleet["unreadable"], serde_json::json!([]));
    // The dashboard's own writes carry its journal's record: the action, fields by name.
    let created = &fleet["entries"][2]["record"];
    assert_eq!(created["action"], "Create");
    assert_eq!(created["origin"], "Page");
    assert_eq!(created["set"], serde_json::json!(["apiKey"]));
    assert_eq!(fleet["entries"][0]["record"]["action"], "Delete");
    assert_eq!(fleet["entries"][1]["record"], Value::Null);
    // The caller's address, as Atlas stated it.
    assert_eq!(fleet["entries"][1]["remote_address"], "127.0.0.1");

    let (_, one) = history(&mut app, &[("group_id", PRODUCTION)]).await;
    assert_eq!(rows(&one).len(), 1);
    assert_eq!(one["project"][1], "Production");

    // The pages, server-rendered: who, action, type, project; no secret anywhere.
    let (status, _, html) = app.send(page_request("/history")).await;
    assert_eq!(status, StatusCode::OK);
    for needed in [
        "History of every project",
        &format!("{} (API key)", demo::API_PUBLIC_KEY),
        &format!("{} (service account)", demo::SERVICE_ACCOUNT_CLIENT_ID),
        "removed",
        "created",
        "set: ",
        "integration type not stated by Atlas",
        "Opsgenie",
        "Sandbox",
        "Production",
        &format!("href=\"/projects/{SANDBOX}/history\""),
    ] {
        assert!(html.contains(needed), "{needed} missing from /history");
    }
    let (status, _, project_html) = app
        .send(page_request(&format!("/projects/{SANDBOX}/history")))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(project_html.contains("data-action=\"removed\""));
    assert!(!project_html.contains("Production"), "only this project");
    let (_, _, project_page) = app
        .send(page_request(&format!("/projects/{SANDBOX}")))
        .await;
    assert!(project_page.contains(&format!("href=\"/projects/{SANDBOX}/history\"")));
    for text in [&html, &project_html, &fleet.to_string()] {
        assert!(!text.contains(SECRET) && !text.contains("xoxb-history"));
    }
}

#[tokio::test]
async fn filters_and_pages_live_in_the_url_and_bad_ones_are_harmless() {
    let mut app = TestApp::start().await;
    app.login_service_account().await;
    // 30 events in the sandbox: 15 creates and 15 deletes, then one Slack elsewhere.
    for _ in 0..15 {
        let form = [
            ("group_id", SANDBOX),
            ("kind", "OPS_GENIE"),
            ("values[apiKey]", SECRET),
        ];
        assert_eq!(
            app.call("integrations/create", &form).await.0,
            StatusCode::OK
        );
        let form = [("group_id", SANDBOX), ("kind", "OPS_GENIE")];
        assert_eq!(
            app.call("integrations/delete", &form).await.0,
            StatusCode::OK
        );
    }
    outside_change(&app, PRODUCTION).await;

    let (_, first) = history(&mut app, &[("page", "1")]).await;
    assert_eq!(rows(&first).len(), 25);
    assert_eq!(first["has_next"], true);
    let (_, second) = history(&mut app, &[("page", "2")]).await;
    assert_eq!(rows(&second).len(), 6);
    assert_eq!(second["has_next"], false);
    let (_, beyond) = history(&mut app, &[("page", "99")]).await;
    assert_eq!(rows(&beyond).len(), 0);

    let (_, removed) = history(&mut app, &[("action", "removed")]).await;
    assert_eq!(rows(&removed).len(), 15);
    assert!(rows(&removed).iter().all(|r| r.0 == "Removed"));
    // A type filter finds the dashboard's own writes only: the Slack made elsewhere has no
    // stated type, so it is not found by type (the page says why).
    let (_, ops) = history(&mut app, &[("kind", "OPS_GENIE")]).await;
    assert_eq!(rows(&ops).len(), 25);
    assert_eq!(ops["has_next"], true);
    let (_, slack) = history(&mut app, &[("kind", "SLACK")]).await;
    assert_eq!(rows(&slack).len(), 0);
    assert!(
        rows(&first)
            .iter()
            .any(|r| r.3 == PRODUCTION && r.1 == "\"NotStated\""),
        "still listed without a type filter"
    );

    // Unknown filters: a 400 that says what was wrong, nothing sent to Atlas.
    let before = app.total_upstream_calls().await;
    let (status, body) = app.call("history/list", &[("kind", "FAX")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("not an integration type"), "{body}");
    let (status, body) = app.call("history/list", &[("action", "edited")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(app.total_upstream_calls().await, before);

    // In the page's URL: the pager's links keep the filter; odd values never make a 500.
    let (status, _, html) = app
        .send(page_request("/history?type=OPS_GENIE&action=removed"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("data-action=\"configured\""));
    let (status, _, html) = app.send(page_request("/history?type=OPS_GENIE")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("A filter by type finds only changes made through this dashboard"),
        "the type filter's caveat"
    );
    let next = html
        .split("rel=\"next\"")
        .next()
        .and_then(|before| before.rsplit("href=\"").next())
        .unwrap_or_default();
    assert!(
        next.starts_with("/history?type=OPS_GENIE&") && next.contains("page=2"),
        "pager keeps the filter: {next}"
    );
    for odd in [
        "/history?page=abc",
        "/history?page=0",
        "/history?page=99999999999",
        "/history?type=FAX",
        "/history?action=%00",
        &format!("/projects/{}/history", "not-a-project"),
        "/projects/65f0a1b2c3d4e5f6a7b8c9ff/history",
    ] {
        let (status, _, html) = app.send(page_request(odd)).await;
        assert!(status.as_u16() < 500, "{odd}: {status}");
        assert!(html.contains("<h1>"), "{odd}: a page, not a bare error");
    }
}

#[tokio::test]
async fn a_project_whose_events_cannot_be_read_is_named_not_an_error_page() {
    let mut app = TestApp::start().await;
    app.login_api_key().await;
    outside_change(&app, SANDBOX).await;
    app.add_fault(serde_json::json!({
        "method": "GET",
        "pathPrefix": format!("/api/atlas/v2/groups/{PRODUCTION}/events"),
        "status": 500,
    }))
    .await;
    let (status, fleet) = history(&mut app, &[]).await;
    assert_eq!(status, StatusCode::OK, "{fleet}");
    assert_eq!(fleet["unreadable"][0]["group_id"], PRODUCTION);
    assert_eq!(
        rows(&fleet).len(),
        1,
        "the other projects' events still show"
    );
    let (status, _, html) = app.send(page_request("/history")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("could not be read"));
    assert!(html.contains(&format!("data-project=\"{PRODUCTION}\"")));
}

#[tokio::test]
async fn every_write_the_dashboard_makes_has_one_audit_line_naming_fields_not_values() {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter("audit=info")
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    // This thread only: the test runtime runs the router's futures here.
    let _guard = tracing::subscriber::set_default(subscriber);
    // With exactly one dispatcher alive, tracing caches a callsite's interest from whichever
    // thread first reaches it; another test's thread (with no subscriber) reaching the audit
    // line first would cache "never" and hide it from this thread. A second dispatcher makes
    // tracing ask every live dispatcher instead.
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    tracing::callsite::rebuild_interest_cache();
    let mut app = TestApp::start().await;
    app.login_api_key().await;
    let create = [
        ("group_id", SANDBOX),
        ("kind", "OPS_GENIE"),
        ("values[apiKey]", SECRET),
        ("values[region]", "EU"),
    ];
    assert_eq!(
        app.call("integrations/create", &create).await.0,
        StatusCode::OK
    );
    // Refused by Atlas (already configured): still one line, saying so.
    assert_eq!(
        app.call("integrations/create", &create).await.0,
        StatusCode::CONFLICT
    );
    let update = [
        ("group_id", SANDBOX),
        ("kind", "OPS_GENIE"),
        ("values[region]", "US"),
    ];
    assert_eq!(
        app.call("integrations/update", &update).await.0,
        StatusCode::OK
    );
    let delete = [("group_id", SANDBOX), ("kind", "OPS_GENIE")];
    assert_eq!(
        app.call("integrations/delete", &delete).await.0,
        StatusCode::OK
    );
    // Refused by our own checks: nothing was sent, so no line.
    let bad = [("group_id", SANDBOX), ("kind", "OPS_GENIE")];
    assert_ne!(
        app.call("integrations/create", &bad).await.0,
        StatusCode::OK
    );

    let text = logs.text();
    let lines: Vec<&str> = text.lines().filter(|l| l.contains(" audit: ")).collect();
    assert_eq!(lines.len(), 4, "{text}");
    let expect = [
        (
            "action=\"create\"",
            "fields_set=\"apiKey,region\"",
            "outcome=\"applied\"",
        ),
        (
            "action=\"create\"",
            "fields_set=\"apiKey,region\"",
            "outcome=\"refused\"",
        ),
        (
            "action=\"update\"",
            "fields_set=\"region\"",
            "outcome=\"applied\"",
        ),
        (
            "action=\"delete\"",
            "fields_set=\"\"",
            "outcome=\"applied\"",
        ),
    ];
    for (line, (action, fields, outcome)) in lines.iter().zip(expect) {
        for part in [
            action,
            fields,
            outcome,
            &format!("who=\"{}\"", demo::API_PUBLIC_KEY) as &str,
            &format!("group_id=\"{SANDBOX}\""),
            "integration_type=\"OPS_GENIE\"",
        ] {
            assert!(line.contains(part), "{part} not in {line}");
        }
        assert!(!line.contains(SECRET) && !line.contains("EU\""), "{line}");
    }
}
