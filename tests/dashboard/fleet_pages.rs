//! The fleet pages without JavaScript: the apply page as the matrix links to it, the preview
//! posted as a plain form, the run page's preview, confirmation and report; no secret in any
//! HTML along the way.

use std::time::{Duration, Instant};

use atlas_emulator::demo;
use atlas_integrations::fleet_run::pick_control;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

use crate::support::{header as header_of, page_request, TestApp};

const KEY: &str = "11111111-2222-3333-4444-555555550042";

/// A form posted by a browser without JavaScript, from `referer`.
pub fn plain_post(endpoint: &str, referer: &str, form: &[(String, String)]) -> Request<Body> {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    Request::post(format!("/api/{endpoint}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html,application/xhtml+xml")
        .header(header::REFERER, format!("http://127.0.0.1:3000{referer}"))
        .header(header::ORIGIN, "http://127.0.0.1:3000")
        .header("sec-fetch-site", "same-origin")
        .header(header::HOST, "127.0.0.1:3000")
        .body(Body::from(body))
        .expect("request")
}

#[tokio::test]
async fn apply_to_many_works_without_javascript() {
    let mut app = TestApp::start().await;
    app.login_service_account().await;
    let ids = [demo::STAGING_PROJECT_ID, demo::SANDBOX_PROJECT_ID];
    let apply = atlas_integrations::links::fleet_apply(
        atlas_registry::IntegrationKind::OpsGenie,
        &ids.map(String::from),
    );
    let (status, _, html) = app.send(page_request(&apply)).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("action=\"/api/fleet/apply/preview\""),
        "{html}"
    );
    for id in ids {
        let control = pick_control(id);
        let at = html.find(&format!("name=\"{control}\"")).expect(id);
        let tag = &html[html[..at].rfind('<').unwrap()..at + html[at..].find('>').unwrap()];
        assert!(tag.contains("checked"), "{tag}");
    }
    // Production is offered, not ticked.
    assert!(html.contains(&pick_control(demo::PRODUCTION_PROJECT_ID)));
    assert!(html.contains("name=\"values[apiKey]\""), "{html}");

    let mut form = vec![
        ("kind".to_string(), "OPS_GENIE".to_string()),
        ("mode".to_string(), "create-or-update".to_string()),
        ("values[apiKey]".to_string(), KEY.to_string()),
        ("values[region]".to_string(), "EU".to_string()),
    ];
    form.extend(ids.iter().map(|id| (pick_control(id), "on".to_string())));
    let (status, headers, _) = app
        .send(plain_post("fleet/apply/preview", &apply, &form))
        .await;
    assert!(status.is_redirection(), "{status}");
    let run_page = header_of(&headers, "location")
        .expect("location")
        .to_string();
    assert!(run_page.starts_with("/fleet/runs/"), "{run_page}");
    let run_id = run_page.trim_start_matches("/fleet/runs/").to_string();

    let (status, _, html) = app.send(page_request(&run_page)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Preview: nothing has been sent yet"),
        "{html}"
    );
    assert!(html.contains("API key: replaced"), "{html}");
    assert!(html.contains("action=\"/api/fleet/start\""), "{html}");
    assert!(!html.contains(KEY) && !html.contains(demo::secrets::OPS_GENIE_API_KEY));

    let confirm = vec![("run_id".to_string(), run_id.clone())];
    let (status, headers, _) = app
        .send(plain_post("fleet/start", &run_page, &confirm))
        .await;
    assert!(status.is_redirection(), "{status}");
    assert_eq!(header_of(&headers, "location"), Some(run_page.as_str()));

    let started = Instant::now();
    let html = loop {
        let (_, _, html) = app.send(page_request(&run_page)).await;
        if html.contains("Finished.") {
            break html;
        }
        // Running: the page refreshes itself without JavaScript.
        assert!(html.contains("http-equiv=\"refresh\""), "{html}");
        assert!(started.elapsed() < Duration::from_secs(30));
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(html.contains("2 done, 0 failed, 0 skipped"), "{html}");
    assert!(!html.contains(KEY), "{html}");
    assert_eq!(
        app.stored(demo::SANDBOX_PROJECT_ID, "OPS_GENIE")
            .await
            .unwrap()["apiKey"],
        KEY
    );
}

#[tokio::test]
async fn a_bad_selection_comes_back_as_a_message() {
    let mut app = TestApp::start().await;
    app.login_service_account().await;
    let before = app.total_upstream_calls().await;
    let form = vec![
        ("kind".to_string(), "OPS_GENIE".to_string()),
        ("mode".to_string(), "create".to_string()),
        ("values[apiKey]".to_string(), KEY.to_string()),
    ];
    let (status, headers, _) = app
        .send(plain_post(
            "fleet/apply/preview",
            "/fleet/apply?type=OPS_GENIE",
            &form,
        ))
        .await;
    assert!(status.is_redirection(), "{status}");
    let back = header_of(&headers, "location").unwrap().to_string();
    assert!(
        back.starts_with("http://127.0.0.1:3000/fleet/apply?type=OPS_GENIE"),
        "{back}"
    );
    let path = back.trim_start_matches("http://127.0.0.1:3000");
    let (_, _, html) = app.send(page_request(path)).await;
    assert!(html.contains("The request was not valid"), "{html}");
    // Only the page's own project list was read; nothing else reached Atlas.
    assert!(app.total_upstream_calls().await - before <= 1);
}
