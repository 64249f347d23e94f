//! Fleet advisories (issue #29): `fleet/advisories` over the emulator's demo organisation,
//! the matrix's `advice=` filter finding the same projects, alert counts per cell only when
//! asked (a row is otherwise one Atlas call), and the page readable without JavaScript.

use atlas_emulator::demo;
use axum::http::StatusCode;
use serde_json::Value;

use crate::support::{page_request, TestApp};

const ALERTS_ROUTE: &str = "GET /api/atlas/v2/groups/{groupId}/alertConfigs";

/// Each advisory's projects, by name, in the page's order.
async fn findings(app: &mut TestApp) -> Vec<(String, Vec<String>)> {
    let (status, body) = app.call("fleet/advisories", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let answer: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(answer["unreadable"], serde_json::json!([]));
    answer["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let names = f["projects"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["name"].as_str().unwrap().to_string())
                .collect();
            (f["advice"].as_str().unwrap().to_string(), names)
        })
        .collect()
}

fn of<'a>(found: &'a [(String, Vec<String>)], advice: &str) -> &'a [String] {
    &found.iter().find(|(a, _)| a == advice).unwrap().1
}

#[tokio::test]
async fn each_advisory_finds_its_demo_projects() {
    let mut app = TestApp::start().await;
    app.login_api_key().await;
    let found = findings(&mut app).await;
    assert_eq!(found.len(), 7, "every advisory is answered, empty ones too");
    assert_eq!(of(&found, "new-relic"), ["Legacy-Monitoring"]);
    assert!(of(&found, "hipchat").is_empty());
    // Analytics' Teams URL is on example.webhook.office.com.
    assert_eq!(of(&found, "teams-connector"), ["Analytics"]);
    assert_eq!(of(&found, "opsgenie"), ["Staging"]);
    // Staging's Slack names a team (legacy, as the spec describes `teamName`).
    assert_eq!(of(&found, "slack-legacy-token"), ["Staging"]);
    // Production's PagerDuty, Staging's Opsgenie and Analytics' Teams alerts carry their own.
    assert_eq!(
        of(&found, "own-key-alerts"),
        ["Analytics", "Production", "Staging"]
    );
    // Production's webhook and Staging's Opsgenie: no alert uses them. Prometheus and New
    // Relic, which no alert can use, are never "unused".
    assert_eq!(of(&found, "unused"), ["Production", "Staging"]);
}

#[tokio::test]
async fn the_matrix_filter_finds_the_same_projects_and_counts_alerts_only_when_asked() {
    let mut app = TestApp::start().await;
    app.login_api_key().await;

    // Without alerts: one call per row, no alert configuration read, no count in a cell.
    app.reset_upstream_counters().await;
    let (status, body) = app.call("fleet/page", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(app.upstream_calls_to(ALERTS_ROUTE).await, 0);
    assert!(!body.contains("\"alerts\":{"), "{body}");

    let (status, body) = app
        .call("fleet/page", &[("filter[advice]", "unused")])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let page: Value = serde_json::from_str(&body).unwrap();
    let rows: Vec<&str> = page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        rows,
        [demo::PRODUCTION_PROJECT_ID, demo::STAGING_PROJECT_ID],
        "name order"
    );
    // The webhook's cell says no alert uses it; PagerDuty's counts its one user and two own.
    let cells = page["rows"][0]["state"]["Loaded"].as_array().unwrap();
    let cell = |kind: &str| cells.iter().find(|c| c["kind"] == kind).unwrap();
    assert_eq!(cell("WEBHOOK")["alerts"]["using"], 0);
    assert_eq!(cell("PAGER_DUTY")["alerts"]["using"], 1);
    assert_eq!(cell("PAGER_DUTY")["alerts"]["own_key"], 2);
    assert!(app.upstream_calls_to(ALERTS_ROUTE).await > 0);

    // The drawn page says it in words, in each cell.
    let (status, _, html) = app.send(page_request("/fleet?advice=own-key-alerts")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("1 alert · 2 with own key"),
        "PagerDuty's cell"
    );
    assert!(html.contains(">Analytics<") && !html.contains(">Legacy-Monitoring<"));

    // An unknown advisory is a 400 before Atlas, and ignored (and said) on the page.
    app.reset_upstream_counters().await;
    let (status, _) = app
        .call("fleet/page", &[("filter[advice]", "everything")])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(app.total_upstream_calls().await, 0);
}

#[tokio::test]
async fn the_page_lists_each_advisory_with_its_source_and_its_matrix() {
    let mut app = TestApp::start().await;
    app.login_api_key().await;
    let (status, _, html) = app.send(page_request("/fleet/advisories")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h1>Advisories</h1>"), "{html}");
    assert!(html.contains("Opsgenie: end of support on 5 April 2027"));
    assert!(html.contains("href=\"/fleet?advice=opsgenie\""));
    assert!(html.contains("support.atlassian.com"));
    assert!(html.contains("No project concerned."), "HipChat's card");
    // The concerned come first: New Relic's card before HipChat's.
    let new_relic = html.find("data-advice=\"new-relic\"").unwrap();
    let hipchat = html.find("data-advice=\"hipchat\"").unwrap();
    let unused = html.find("data-advice=\"unused\"").unwrap();
    assert!(new_relic < unused && unused < hipchat);
    // Without a session, the page sends to sign in and back.
    let mut stranger = TestApp::start().await;
    let (status, headers, _) = stranger.send(page_request("/fleet/advisories")).await;
    assert!(status.is_redirection(), "{status}");
    let location = crate::support::header(&headers, "location").unwrap_or_default();
    assert!(location.starts_with("/login?next="), "{location}");
}
