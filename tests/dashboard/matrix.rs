//! The fleet matrix (`/fleet`, `fleet/page`, `fleet/rows`, `fleet/rows-html`) through the real router against
//! the real emulator: every cell from one list call per project, filters in the URL, bad input
//! refused before Atlas, a failed row and its retry, rows out of reach, no secret anywhere.

use crate::support::{page_request, settings, TestApp};
use atlas_emulator::{demo, EmulatorOptions};
use axum::http::StatusCode;
use serde_json::{json, Value};

const LIST: &str = "GET /api/atlas/v2/groups/{groupId}/integrations";

/// Every secret the demo data holds, in clear.
const SECRETS: &[&str] = &[
    demo::API_PRIVATE_KEY,
    demo::secrets::PAGER_DUTY_SERVICE_KEY,
    demo::secrets::DATADOG_API_KEY,
    demo::secrets::WEBHOOK_URL,
    demo::secrets::WEBHOOK_SECRET,
    demo::secrets::SLACK_API_TOKEN,
    demo::secrets::OPS_GENIE_API_KEY,
    demo::secrets::NEW_RELIC_LICENSE_KEY,
    demo::secrets::NEW_RELIC_READ_TOKEN,
    demo::secrets::NEW_RELIC_WRITE_TOKEN,
    demo::secrets::VICTOR_OPS_API_KEY,
    demo::secrets::PROMETHEUS_PASSWORD,
    demo::secrets::MICROSOFT_TEAMS_WEBHOOK_URL,
];

fn assert_no_secret(what: &str, body: &str) {
    for secret in SECRETS {
        assert!(
            !body.contains(secret),
            "{what} holds a secret ({} chars)",
            secret.len()
        );
    }
}

/// Signed in with the service account: one request per Atlas call (bearer), so the
/// emulator's count of list calls is the number of lookups. (With an API key, Digest adds a
/// challenge round trip whenever concurrent calls race for one nonce.)
async fn signed_in() -> TestApp {
    let mut app = TestApp::start().await;
    assert_eq!(app.login_service_account().await.0, StatusCode::OK);
    app
}

async fn page(app: &mut TestApp, path: &str) -> String {
    let (status, _, body) = app.send(page_request(path)).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    body
}

/// The ids of the rows the page shows, in order.
fn row_ids(html: &str) -> Vec<String> {
    html.split("<tr data-id=\"")
        .skip(1)
        .map(|rest| rest[..24].to_string())
        .collect()
}

async fn counters(app: &TestApp) -> Value {
    app.hooks()
        .get(app.hook_url("counters"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn list_calls(counters: &Value) -> u64 {
    counters["byRoute"][LIST].as_u64().unwrap_or(0)
}

/// Projects whose lookups `fleet/page` starts for the island (`api::fleet::PREFETCH`).
const PREFETCH: u64 = 48;

/// The list calls Atlas has answered, once no more arrive (the page's prefetched lookups run
/// on after its answer): the count unchanged over 100 ms.
async fn settled_list_calls(app: &TestApp) -> u64 {
    let mut last = list_calls(&counters(app).await);
    for _ in 0..100 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let now = list_calls(&counters(app).await);
        if now == last {
            return now;
        }
        last = now;
    }
    panic!("Atlas's list calls did not settle: {last}");
}

/// `fleet/rows` for these ids, form-encoded as the island's call is.
async fn rows(app: &mut TestApp, ids: &[&str]) -> (StatusCode, String) {
    let names: Vec<String> = (0..ids.len()).map(|i| format!("ids[{i}]")).collect();
    let form: Vec<(&str, &str)> = names
        .iter()
        .map(String::as_str)
        .zip(ids.iter().copied())
        .collect();
    app.call("fleet/rows", &form).await
}

/// The `id` of each item of a JSON list (rows, projects), in order.
fn ids_of(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap())
        .collect()
}

fn state_of<'a>(rows: &'a Value, id: &str) -> &'a Value {
    &rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no row {id}: {rows}"))["state"]
}

#[tokio::test]
async fn the_matrix_shows_every_demo_project_with_masked_hints_and_one_call_each() {
    let mut app = signed_in().await;
    app.reset_upstream_counters().await;
    let html = page(&mut app, "/fleet").await;
    // Sorted by name.
    assert_eq!(
        row_ids(&html),
        [
            demo::ANALYTICS_PROJECT_ID,
            demo::LEGACY_PROJECT_ID,
            demo::PRODUCTION_PROJECT_ID,
            demo::SANDBOX_PROJECT_ID,
            demo::STAGING_PROJECT_ID,
        ]
    );
    // One list call per project, never one per cell.
    assert_eq!(list_calls(&counters(&app).await), 5);
    // The fleet operations start from the matrix.
    assert!(html.contains("href=\"/fleet/apply\""), "link to apply");
    assert!(html.contains("href=\"/fleet/rotate\""), "link to rotate");
    // PagerDuty's masked key and its region; the cell links to the type's page.
    assert!(html.contains("••••0022"), "PagerDuty hint");
    assert!(html.contains(&format!(
        "/projects/{}/integrations/PAGER_DUTY",
        demo::PRODUCTION_PROJECT_ID
    )));
    assert!(html.contains("legacy token"), "Slack's badge");
    assert_no_secret("the matrix page", &html);
    // Counts per column: the demo has one of each configured type but HipChat.
    assert!(
        html.contains("data-type=\"PAGER_DUTY\" class=\"column-count\">1<"),
        "count"
    );
    assert!(
        html.contains("data-type=\"HIP_CHAT\" class=\"column-count\">0<"),
        "count"
    );
}

#[tokio::test]
async fn filters_in_the_url_narrow_the_rows_and_unknown_values_are_ignored_with_a_notice() {
    let mut app = signed_in().await;
    let has = page(&mut app, "/fleet?has=PAGER_DUTY").await;
    assert_eq!(row_ids(&has), [demo::PRODUCTION_PROJECT_ID]);
    let lacks = page(&mut app, "/fleet?lacks=PAGER_DUTY").await;
    assert_eq!(row_ids(&lacks).len(), 4);
    assert!(!row_ids(&lacks).contains(&demo::PRODUCTION_PROJECT_ID.to_string()));
    // Production's PagerDuty and Staging's Opsgenie are both in EU? Only what the data says.
    let eu = page(&mut app, "/fleet?region=EU").await;
    assert!(row_ids(&eu).contains(&demo::PRODUCTION_PROJECT_ID.to_string()));
    assert!(!row_ids(&eu).contains(&demo::SANDBOX_PROJECT_ID.to_string()));
    let by_name = page(&mut app, "/fleet?q=STAG").await;
    assert_eq!(row_ids(&by_name), [demo::STAGING_PROJECT_ID]);
    let by_id = page(&mut app, &format!("/fleet?q={}", demo::LEGACY_PROJECT_ID)).await;
    assert_eq!(row_ids(&by_id), [demo::LEGACY_PROJECT_ID]);
    // The form shows the filter it applied.
    assert!(
        has.contains("value=\"PAGER_DUTY\" selected"),
        "has is selected"
    );

    app.reset_upstream_counters().await;
    let bad = page(&mut app, "/fleet?has=NOPE&region=MARS&page=x").await;
    assert_eq!(row_ids(&bad).len(), 5, "bad values are left out");
    assert!(
        bad.contains("Ignored the filter &quot;has&quot;")
            || bad.contains("Ignored the filter \"has\"")
    );
    assert!(bad.contains("region"), "names the ignored region");
    assert_eq!(list_calls(&counters(&app).await), 5);
}

#[tokio::test]
async fn bad_input_to_the_server_functions_is_refused_before_atlas() {
    let mut app = signed_in().await;
    app.reset_upstream_counters().await;
    let too_many: Vec<&str> = std::iter::repeat_n(demo::SANDBOX_PROJECT_ID, 101).collect();
    for (what, (status, body)) in [
        ("101 ids", rows(&mut app, &too_many).await),
        ("a bad id", rows(&mut app, &["../../groups"]).await),
        (
            "an unknown type",
            app.call("fleet/page", &[("filter[has]", "NOPE")]).await,
        ),
        (
            "an unknown region",
            app.call("fleet/page", &[("filter[region]", "MARS")]).await,
        ),
    ] {
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {body}");
    }
    assert_eq!(app.total_upstream_calls().await, 0, "nothing reached Atlas");
    // An empty value is "any", as the filter form's first option sends it.
    let (status, body) = app
        .call(
            "fleet/page",
            &[
                ("filter[q]", ""),
                ("filter[has]", ""),
                ("filter[region]", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // A huge page number is an empty page, not an error.
    let (status, body) = app.call("fleet/page", &[("page", "4294967295")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let answer: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(answer["rows"], json!([]));
}

#[tokio::test]
async fn a_failed_row_says_why_and_is_retried_on_its_own() {
    let mut app = signed_in().await;
    // Staging's list fails (500 is not retried); the others answer.
    app.add_fault(json!({"method": "GET",
        "pathPrefix": format!("/api/atlas/v2/groups/{}/integrations", demo::STAGING_PROJECT_ID),
        "status": 500}))
        .await;
    let all = [
        demo::PRODUCTION_PROJECT_ID,
        demo::STAGING_PROJECT_ID,
        demo::SANDBOX_PROJECT_ID,
    ];
    let (status, body) = rows(&mut app, &all).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_no_secret("fleet/rows", &body);
    let answer: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(ids_of(&answer), all, "in the order asked");
    assert!(
        state_of(&answer, demo::STAGING_PROJECT_ID)["Failed"]["Atlas"]["status"] == 500,
        "{body}"
    );
    assert!(state_of(&answer, demo::PRODUCTION_PROJECT_ID)["Loaded"].is_array());
    assert_eq!(
        state_of(&answer, demo::SANDBOX_PROJECT_ID)["Loaded"],
        json!([])
    );
    // The page says it, with a retry of that project alone.
    let html = page(&mut app, "/fleet").await;
    assert!(html.contains("Atlas answered 500"), "the reason");
    assert!(
        html.contains(&format!("href=\"/fleet?q={}\"", demo::STAGING_PROJECT_ID)),
        "retry link"
    );

    app.clear_faults().await;
    app.reset_upstream_counters().await;
    let (status, body) = rows(&mut app, &[demo::STAGING_PROJECT_ID]).await;
    assert_eq!(status, StatusCode::OK);
    let answer: Value = serde_json::from_str(&body).unwrap();
    let cells = state_of(&answer, demo::STAGING_PROJECT_ID)["Loaded"]
        .as_array()
        .unwrap()
        .clone();
    let kinds: Vec<&str> = cells.iter().map(|c| c["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["SLACK", "OPS_GENIE"]);
    assert_eq!(
        list_calls(&counters(&app).await),
        1,
        "the retry asked for one project only"
    );
}

#[tokio::test]
async fn a_project_out_of_reach_is_its_row_and_the_session_stays() {
    let mut app = TestApp::start().await;
    let (status, _) = app
        .call(
            "session/login",
            &[
                ("method", "api_key"),
                ("public_id", demo::SANDBOX_PUBLIC_KEY),
                ("secret", demo::SANDBOX_PRIVATE_KEY),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = rows(
        &mut app,
        &[demo::PRODUCTION_PROJECT_ID, demo::SANDBOX_PROJECT_ID],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let answer: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(state_of(&answer, demo::PRODUCTION_PROJECT_ID), "OutOfReach");
    assert_eq!(
        state_of(&answer, demo::SANDBOX_PROJECT_ID)["Loaded"],
        json!([])
    );
    // Still signed in.
    assert_eq!(app.call("fleet/page", &[]).await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_generated_fleet_is_paged_by_name_and_cell_filters_page_over_matches() {
    let options = EmulatorOptions {
        projects: 120,
        ..Default::default()
    };
    let mut app = TestApp::with_emulator(settings(), options, |c| c).await;
    assert_eq!(app.login_service_account().await.0, StatusCode::OK);
    app.reset_upstream_counters().await;
    let first = page(&mut app, "/fleet").await;
    assert_eq!(row_ids(&first).len(), 50);
    assert_eq!(
        settled_list_calls(&app).await,
        50 + PREFETCH,
        "the shown page is looked up, and the island's first projects started"
    );
    assert!(first.contains("href=\"/fleet?page=2\""), "next page link");
    let last = page(&mut app, "/fleet?page=3").await;
    // 125 projects: 25 on the third page, no next.
    assert_eq!(row_ids(&last).len(), 25);
    assert!(!last.contains("href=\"/fleet?page=4\""));
    assert!(
        last.contains("href=\"/fleet?page=2\""),
        "previous page link"
    );

    // Every 5th generated project carries DATADOG (24 of 120), and Production: 25 rows, one page.
    let datadog = page(&mut app, "/fleet?has=DATADOG").await;
    let ids = row_ids(&datadog);
    assert_eq!(ids.len(), 25);
    assert!(!datadog.contains("page=2"), "one page");
    // Names sort bench-00005, bench-00010, …, then Production.
    assert_eq!(ids.last().unwrap(), demo::PRODUCTION_PROJECT_ID);

    // What the server looked up and found not matching is named, so the page's island does
    // not ask for it again.
    let (status, body) = app.call("fleet/page", &[("filter[has]", "DATADOG")]).await;
    assert_eq!(status, StatusCode::OK);
    let answer: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(answer["rows"].as_array().unwrap().len(), 25);
    assert_eq!(answer["not_matching"].as_array().unwrap().len(), 125 - 25);
    assert_eq!(answer["projects"].as_array().unwrap().len(), 125);
}

/// `fleet/rows-html` for these projects (id, place in the fleet), form-encoded as the island's
/// call is (`rows[i][id]`, `rows[i][index]`), with the filter's fields (`filter[has]`, …).
async fn rows_html(
    app: &mut TestApp,
    projects: &[(&str, u32)],
    filter: &[(&str, &str)],
) -> (StatusCode, String) {
    let mut form: Vec<(String, String)> = Vec::new();
    for (i, (id, index)) in projects.iter().enumerate() {
        form.push((format!("rows[{i}][id]"), id.to_string()));
        form.push((format!("rows[{i}][index]"), index.to_string()));
    }
    form.extend(
        filter
            .iter()
            .map(|(k, v)| (format!("filter[{k}]"), v.to_string())),
    );
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.call("fleet/rows-html", &form).await
}

/// A fleet of two projects, one of them named as markup, from a `--seed` document.
async fn fleet_with_a_hostile_name(name: &str) -> TestApp {
    let seed = std::env::temp_dir().join(format!(
        "atlas-integrations-seed-{}-{}.json",
        std::process::id(),
        std::time::UNIX_EPOCH.elapsed().unwrap().as_nanos()
    ));
    let doc = json!({"orgId": "6650f1a2b3c4d5e6f7a8b9c0", "projects": [
        {"id": demo::PRODUCTION_PROJECT_ID, "name": name,
         "integrations": [{"type": "PAGER_DUTY", "serviceKey": demo::secrets::PAGER_DUTY_SERVICE_KEY}]},
        {"id": demo::SANDBOX_PROJECT_ID, "name": "Sandbox", "integrations": []},
    ]});
    std::fs::write(&seed, doc.to_string()).unwrap();
    let options = EmulatorOptions {
        seed: Some(seed.clone()),
        ..Default::default()
    };
    let mut app = TestApp::with_emulator(settings(), options, |c| c).await;
    // Read at the start: the file has done its work.
    let _ = std::fs::remove_file(&seed);
    assert_eq!(app.login_service_account().await.0, StatusCode::OK);
    app
}

#[tokio::test]
async fn the_islands_rows_come_drawn_filtered_escaped_and_masked() {
    let hostile = "<img src=x onerror=alert(1)>";
    let mut app = fleet_with_a_hostile_name(hostile).await;
    let (status, body) = rows_html(
        &mut app,
        &[
            (demo::PRODUCTION_PROJECT_ID, 7),
            (demo::SANDBOX_PROJECT_ID, 9),
        ],
        &[("has", "PAGER_DUTY")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_no_secret("fleet/rows-html", &body);
    let rows: Value = serde_json::from_str(&body).unwrap();
    let rows = rows.as_array().unwrap();
    // In the order asked; Sandbox has no PagerDuty, so the filter leaves its row out.
    assert_eq!(rows[0]["id"], demo::PRODUCTION_PROJECT_ID);
    assert_eq!(rows[1]["id"], demo::SANDBOX_PROJECT_ID);
    assert_eq!(rows[1]["html"], Value::Null);
    let html = rows[0]["html"].as_str().unwrap();
    assert!(html.starts_with("<tr data-id=\""), "{html}");
    assert!(html.contains("data-index=\"7\""), "{html}");
    // The name is Atlas's, drawn as text, never as markup.
    assert!(!html.contains("<img"), "{html}");
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{html}"
    );
    assert!(rows[0]["configured"]
        .as_array()
        .unwrap()
        .contains(&json!("PAGER_DUTY")));
    assert!(html.contains("••••"), "masked hints only: {html}");
}

#[tokio::test]
async fn the_islands_rows_name_projects_as_atlas_does_whatever_the_browser_says() {
    let mut app = signed_in().await;
    // A name sent along (as the island once did) is no argument: the row says Atlas's.
    let form = [
        ("rows[0][id]", demo::SANDBOX_PROJECT_ID),
        ("rows[0][index]", "0"),
        ("rows[0][name]", "Not Sandbox"),
        ("names[0]", "Not Sandbox"),
    ];
    let (status, body) = app.call("fleet/rows-html", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains(">Sandbox</a>"), "{body}");
    assert!(!body.contains("Not Sandbox"), "{body}");

    // A row without its place, an unknown type or region, a bad id: refused before Atlas.
    app.reset_upstream_counters().await;
    let (status, body) = app
        .call(
            "fleet/rows-html",
            &[("rows[0][id]", demo::SANDBOX_PROJECT_ID)],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    for filter in [("has", "NOPE"), ("lacks", "slack"), ("region", "MARS")] {
        let (status, body) = rows_html(&mut app, &[(demo::SANDBOX_PROJECT_ID, 1)], &[filter]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{filter:?}: {body}");
    }
    let (status, body) = rows_html(&mut app, &[("../../groups", 1)], &[]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(app.total_upstream_calls().await, 0, "nothing reached Atlas");
}

/// The matrix's island keeps two `fleet/rows-html` requests in flight; the lookups of both
/// take their turns in the credential's 8 slots, so Atlas never sees more than 8 at once
/// (it would see 16 if each request kept its own 8), and each answer keeps its order.
#[tokio::test]
async fn overlapping_requests_of_one_credential_share_its_lookup_slots() {
    let options = EmulatorOptions {
        projects: 40,
        latency_ms: 20,
        ..Default::default()
    };
    let mut app = TestApp::with_emulator(settings(), options, |c| c).await;
    assert_eq!(app.login_service_account().await.0, StatusCode::OK);
    // The page's projects list: the rows' names come from it, so the rows cost no list.
    let (status, body) = app.call("fleet/page", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let answer: Value = serde_json::from_str(&body).unwrap();
    let ids = ids_of(&answer["projects"]);
    assert_eq!(ids.len(), 45);
    let asked: Vec<(&str, u32)> = ids.into_iter().zip(0..).collect();
    let (first, second) = asked.split_at(20);
    let mut tab = app.another_browser();
    tab.cookie = app.cookie.clone();
    app.reset_upstream_counters().await;

    let ((a, first_rows), (b, second_rows)) = tokio::join!(
        rows_html(&mut app, first, &[]),
        rows_html(&mut tab, second, &[])
    );
    assert_eq!((a, b), (StatusCode::OK, StatusCode::OK));
    let counters = counters(&app).await;
    assert_eq!(list_calls(&counters), 45, "one list call per project");
    assert_eq!(
        counters["peakInFlight"], 8,
        "Atlas saw at most the credential's 8 lookups at once, and the two requests overlapped"
    );
    for (answer, asked) in [(first_rows, first), (second_rows, second)] {
        let answer: Value = serde_json::from_str(&answer).unwrap();
        let asked: Vec<&str> = asked.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids_of(&answer), asked, "the rows in the order asked");
    }
}

/// The matrix page starts the lookups of the first projects its island will ask for, so the
/// credential's slots work while the page reaches the browser. Each answer is taken once,
/// within the credential's slots; a write to a project forgets what was read of it before.
#[tokio::test]
async fn the_page_starts_the_islands_first_lookups_and_each_is_taken_once() {
    let options = EmulatorOptions {
        projects: 120,
        latency_ms: 20,
        ..Default::default()
    };
    let mut app = TestApp::with_emulator(settings(), options, |c| c).await;
    assert_eq!(app.login_service_account().await.0, StatusCode::OK);
    app.reset_upstream_counters().await;
    let (status, body) = app.call("fleet/page", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let answer: Value = serde_json::from_str(&body).unwrap();
    let ids = ids_of(&answer["projects"]);
    assert_eq!(ids_of(&answer["rows"]), ids[..50]);
    // The island's first request: the next projects in the fleet's order.
    let next: Vec<(&str, u32)> = ids[50..98].iter().copied().zip(50..).collect();
    assert_eq!(settled_list_calls(&app).await, 50 + PREFETCH);

    let (status, rows) = rows_html(&mut app, &next, &[]).await;
    assert_eq!(status, StatusCode::OK, "{rows}");
    let rows: Value = serde_json::from_str(&rows).unwrap();
    let asked: Vec<&str> = next.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids_of(&rows), asked, "the rows in the order asked");
    assert!(rows
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["html"].as_str().unwrap().starts_with("<tr data-id=")));
    let seen = counters(&app).await;
    assert_eq!(
        list_calls(&seen),
        50 + PREFETCH,
        "no project looked up twice"
    );
    assert!(seen["peakInFlight"].as_u64().unwrap() <= 8, "{seen}");

    // Taken once: asked again, the rows are looked up again.
    assert_eq!(rows_html(&mut app, &next, &[]).await.0, StatusCode::OK);
    assert_eq!(list_calls(&counters(&app).await), 50 + 2 * PREFETCH);

    // A write through the dashboard forgets what the page read of that project before it.
    let (status, body) = app.call("fleet/page", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let before = settled_list_calls(&app).await;
    let written = next[0].0;
    let form = [
        ("group_id", written),
        ("kind", "OPS_GENIE"),
        ("values[apiKey]", "3f2a9c1e-7b4d-4e8a-9c2f-1a2b3c4d5e6f"),
        ("values[region]", "EU"),
    ];
    let (status, body) = app.call("integrations/create", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, rows) = rows_html(&mut app, &next[..2], &[]).await;
    assert_eq!(status, StatusCode::OK, "{rows}");
    let rows: Value = serde_json::from_str(&rows).unwrap();
    assert!(
        rows[0]["configured"]
            .as_array()
            .unwrap()
            .contains(&json!("OPS_GENIE")),
        "the row shows the write: {rows}"
    );
    // The written project looked up afresh, the other taken from the page's lookups.
    assert_eq!(list_calls(&counters(&app).await), before + 1);
}
