//! "Apply to many projects" through the real router, session, Atlas client and emulator:
//! the preview (nothing written), a run with injected 429 and 500, the report, the retry of
//! the failed projects only, POSTs counted, 409 → update only when chosen, a read-only
//! credential, both PUT modes, bad input refused before Atlas, runs bound to the session.

use std::time::{Duration, Instant};

use atlas_emulator::demo;
use atlas_integrations::error::AppError;
use atlas_integrations::fleet_run::{
    pick_control, Cannot, Change, Done, Phase, Plan, Progress, RunView,
};
use axum::http::StatusCode;
use serde_json::json;

use crate::support::TestApp;

const OPS_GENIE_KEY: &str = "11111111-2222-3333-4444-555555550042";
const POST: &str = "POST /api/atlas/v2/groups/{groupId}/integrations/{integrationType}";
const PUT: &str = "PUT /api/atlas/v2/groups/{groupId}/integrations/{integrationType}";
const ALL: [&str; 5] = [
    demo::PRODUCTION_PROJECT_ID,
    demo::STAGING_PROJECT_ID,
    demo::LEGACY_PROJECT_ID,
    demo::ANALYTICS_PROJECT_ID,
    demo::SANDBOX_PROJECT_ID,
];

pub async fn put_mode(app: &TestApp, mode: &str) {
    let res = app
        .hooks()
        .post(app.hook_url("put-mode"))
        .json(&json!({ "mode": mode }))
        .send()
        .await
        .expect("put-mode hook");
    assert!(res.status().is_success());
}

/// The form of a preview: a ticked box for each id, `values[<field>]` for each value.
pub fn preview_form(
    kind: &str,
    mode: &str,
    ids: &[&str],
    values: &[(&str, &str)],
) -> Vec<(String, String)> {
    let mut form = vec![
        ("kind".to_string(), kind.to_string()),
        ("mode".to_string(), mode.to_string()),
    ];
    form.extend(ids.iter().map(|id| (pick_control(id), "on".to_string())));
    form.extend(
        values
            .iter()
            .map(|(k, v)| (format!("values[{k}]"), v.to_string())),
    );
    form
}

pub async fn call_owned(
    app: &mut TestApp,
    endpoint: &str,
    form: &[(String, String)],
) -> (StatusCode, String) {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.call(endpoint, &pairs).await
}

pub async fn preview(
    app: &mut TestApp,
    kind: &str,
    mode: &str,
    ids: &[&str],
    values: &[(&str, &str)],
) -> RunView {
    let form = preview_form(kind, mode, ids, values);
    let (status, body) = call_owned(app, "fleet/apply/preview", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).expect("run view")
}

/// Confirms the run and waits for its end.
pub async fn run_to_end(app: &mut TestApp, endpoint: &str, run_id: &str) -> RunView {
    let (status, body) = app.call(endpoint, &[("run_id", run_id)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    wait_finished(app, run_id).await
}

pub async fn wait_finished(app: &mut TestApp, run_id: &str) -> RunView {
    let started = Instant::now();
    loop {
        let (status, body) = app.call("fleet/run", &[("run_id", run_id)]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let view: RunView = serde_json::from_str(&body).expect("run view");
        if view.phase == Phase::Finished {
            return view;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "run did not finish: {view:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub fn item<'a>(view: &'a RunView, id: &str) -> &'a atlas_integrations::fleet_run::ItemView {
    view.items.iter().find(|i| i.group_id == id).expect("item")
}

async fn signed_in() -> TestApp {
    let mut app = TestApp::start().await;
    // A bearer token: no Digest challenges, so the emulator's counters are exactly our calls.
    let (status, body) = app.login_service_account().await;
    assert_eq!(status, StatusCode::OK, "{body}");
    app
}

#[tokio::test]
async fn the_preview_says_per_project_what_would_happen_and_writes_nothing() {
    let mut app = signed_in().await;
    let before = app.total_upstream_calls().await;
    let mut ids = ALL.to_vec();
    ids.push("0123456789abcdef01234567"); // not one of the credential's projects
    let view = preview(
        &mut app,
        "OPS_GENIE",
        "create-or-update",
        &ids,
        &[("apiKey", OPS_GENIE_KEY), ("region", "EU")],
    )
    .await;
    assert_eq!(view.phase, Phase::Previewed);
    // A new configuration says what it sets: the key only as "set", never its value.
    let Plan::Create(set) = &item(&view, demo::SANDBOX_PROJECT_ID).plan else {
        panic!("{view:?}")
    };
    assert!(set
        .iter()
        .any(|c| c.field == "apiKey" && c.change == Change::SecretSet));
    assert!(set.iter().any(|c| c.field == "region"
        && c.change
            == Change::Set {
                from: None,
                to: "EU".into()
            }));
    // Staging has Opsgenie (US): the key is replaced, the region changes.
    let Plan::Update(changes) = &item(&view, demo::STAGING_PROJECT_ID).plan else {
        panic!("{view:?}")
    };
    assert!(changes
        .iter()
        .any(|c| c.field == "apiKey" && c.change == Change::Replaced));
    assert!(changes.iter().any(|c| c.field == "region"
        && c.change
            == Change::Set {
                from: Some("US".into()),
                to: "EU".into()
            }));
    assert_eq!(
        item(&view, "0123456789abcdef01234567").plan,
        Plan::Cannot(Cannot::OutOfReach)
    );
    assert_eq!(view.to_write(), 5);
    // Only reads: the project list and one list per reachable project.
    let calls = app.total_upstream_calls().await - before;
    assert_eq!(calls, 1 + 5, "upstream calls of the preview");
    assert_eq!(app.upstream_calls_to(POST).await, 0);
    assert_eq!(app.upstream_calls_to(PUT).await, 0);
    // The typed secret is nowhere in the answer, and neither are the stored ones.
    let (_, body) = app.call("fleet/run", &[("run_id", &view.id)]).await;
    assert!(!body.contains(OPS_GENIE_KEY), "{body}");
    assert!(!body.contains(demo::secrets::OPS_GENIE_API_KEY), "{body}");
    // The same again from the "update only" side: unchanged where nothing would change.
    let view = preview(
        &mut app,
        "OPS_GENIE",
        "update",
        &[demo::STAGING_PROJECT_ID, demo::SANDBOX_PROJECT_ID],
        &[("region", "US")],
    )
    .await;
    assert_eq!(item(&view, demo::STAGING_PROJECT_ID).plan, Plan::Unchanged);
    assert_eq!(
        item(&view, demo::SANDBOX_PROJECT_ID).plan,
        Plan::Cannot(Cannot::NotConfigured)
    );
}

#[tokio::test]
async fn a_run_survives_a_429_and_reports_a_500_then_retries_only_the_failed() {
    let mut app = signed_in().await;
    let view = preview(
        &mut app,
        "OPS_GENIE",
        "create-or-update",
        &ALL,
        &[("apiKey", OPS_GENIE_KEY), ("region", "EU")],
    )
    .await;
    let groups = "/api/atlas/v2/groups";
    // Legacy-Monitoring: every POST answers 500. Analytics: one 429 with Retry-After.
    app.add_fault(json!({"method": "POST", "pathPrefix": format!("{groups}/{}/", demo::LEGACY_PROJECT_ID), "status": 500}))
        .await;
    app.add_fault(json!({"method": "POST", "pathPrefix": format!("{groups}/{}/", demo::ANALYTICS_PROJECT_ID), "status": 429, "retryAfterSecs": 1, "count": 1}))
        .await;
    let done = run_to_end(&mut app, "fleet/start", &view.id).await;
    let tally = done.tally();
    assert_eq!(
        (tally.done, tally.failed, tally.skipped),
        (4, 1, 0),
        "{done:?}"
    );
    assert_eq!(
        item(&done, demo::ANALYTICS_PROJECT_ID).progress,
        Progress::Done(Done::Created)
    );
    assert_eq!(
        item(&done, demo::STAGING_PROJECT_ID).progress,
        Progress::Done(Done::Updated)
    );
    let Progress::Failed(AppError::Atlas(problem)) = &item(&done, demo::LEGACY_PROJECT_ID).progress
    else {
        panic!("{done:?}")
    };
    assert_eq!(
        (problem.status, problem.error_code.as_str()),
        (500, "UNEXPECTED_ERROR")
    );
    // One POST per created project, plus the one the 429 refused: none repeated otherwise.
    assert_eq!(app.upstream_calls_to(POST).await, 4 + 1);
    assert_eq!(app.upstream_calls_to(PUT).await, 1);
    assert!(app
        .stored(demo::LEGACY_PROJECT_ID, "OPS_GENIE")
        .await
        .is_none());

    // Starting it again sends nothing.
    app.call("fleet/start", &[("run_id", &view.id)]).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(app.upstream_calls_to(POST).await, 5);

    app.clear_faults().await;
    let retried = run_to_end(&mut app, "fleet/retry", &view.id).await;
    assert_eq!(retried.tally().done, 5, "{retried:?}");
    // The retry read first (the earlier POST had an answer: not applied), then posted once.
    assert_eq!(app.upstream_calls_to(POST).await, 6);
    assert_eq!(app.upstream_calls_to(PUT).await, 1);
    for id in ALL {
        let stored = app.stored(id, "OPS_GENIE").await.expect("configured");
        assert_eq!(stored["apiKey"], OPS_GENIE_KEY, "{id}");
        assert_eq!(stored["region"], "EU", "{id}");
    }
}

#[tokio::test]
async fn a_409_on_create_becomes_an_update_only_where_chosen() {
    for (mode, expected) in [
        (
            "create-or-update",
            Progress::Done(Done::UpdatedAfterConflict),
        ),
        ("create", Progress::Skipped(Some(Cannot::AlreadyConfigured))),
    ] {
        let mut app = signed_in().await;
        let view = preview(
            &mut app,
            "OPS_GENIE",
            mode,
            &[demo::SANDBOX_PROJECT_ID],
            &[("apiKey", OPS_GENIE_KEY), ("region", "EU")],
        )
        .await;
        assert!(matches!(
            item(&view, demo::SANDBOX_PROJECT_ID).plan,
            Plan::Create(_)
        ));
        // Someone configures it between the preview and the confirmation.
        let (status, body) = app
            .call(
                "integrations/create",
                &[
                    ("group_id", demo::SANDBOX_PROJECT_ID),
                    ("kind", "OPS_GENIE"),
                    ("values[apiKey]", "99999999-2222-3333-4444-555555550000"),
                    ("values[region]", "US"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let done = run_to_end(&mut app, "fleet/start", &view.id).await;
        assert_eq!(
            item(&done, demo::SANDBOX_PROJECT_ID).progress,
            expected,
            "{mode}"
        );
        let stored = app
            .stored(demo::SANDBOX_PROJECT_ID, "OPS_GENIE")
            .await
            .unwrap();
        let key = if mode == "create" {
            "99999999-2222-3333-4444-555555550000"
        } else {
            OPS_GENIE_KEY
        };
        assert_eq!(stored["apiKey"], key, "{mode}");
        assert_eq!(app.upstream_calls_to(POST).await, 2, "{mode}");
    }
}

#[tokio::test]
async fn a_read_only_credential_is_refused_per_project_and_nothing_changes() {
    let mut app = TestApp::start().await;
    let (status, body) = app
        .call(
            "session/login",
            &[
                ("method", "api_key"),
                ("public_id", demo::READONLY_PUBLIC_KEY),
                ("secret", demo::READONLY_PRIVATE_KEY),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ids = [demo::STAGING_PROJECT_ID, demo::SANDBOX_PROJECT_ID];
    let view = preview(
        &mut app,
        "OPS_GENIE",
        "create-or-update",
        &ids,
        &[("apiKey", OPS_GENIE_KEY), ("region", "EU")],
    )
    .await;
    let done = run_to_end(&mut app, "fleet/start", &view.id).await;
    for id in ids {
        assert_eq!(
            item(&done, id).progress,
            Progress::Skipped(Some(Cannot::ReadOnly)),
            "{done:?}"
        );
    }
    assert!(app
        .stored(demo::SANDBOX_PROJECT_ID, "OPS_GENIE")
        .await
        .is_none());
    let stored = app
        .stored(demo::STAGING_PROJECT_ID, "OPS_GENIE")
        .await
        .unwrap();
    assert_eq!(stored["apiKey"], demo::secrets::OPS_GENIE_API_KEY);
    // The session is kept: the run is still there.
    let (status, _) = app.call("fleet/run", &[("run_id", &view.id)]).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn updates_under_both_put_modes() {
    for mode in ["merge", "replace"] {
        let mut app = signed_in().await;
        put_mode(&app, mode).await;
        let project = demo::LEGACY_PROJECT_ID;
        // The API key left blank (keep it), the routing key changed.
        let view = preview(
            &mut app,
            "VICTOR_OPS",
            "update",
            &[project],
            &[("routingKey", "night-shift")],
        )
        .await;
        let done = run_to_end(&mut app, "fleet/start", &view.id).await;
        let stored = app.stored(project, "VICTOR_OPS").await.unwrap();
        if mode == "merge" {
            assert_eq!(item(&done, project).progress, Progress::Done(Done::Updated));
            assert_eq!(stored["apiKey"], demo::secrets::VICTOR_OPS_API_KEY);
            assert_eq!(stored["routingKey"], "night-shift");
        } else {
            // Atlas replaces the whole configuration and wants the key again: reported, and
            // the stored configuration untouched.
            assert_eq!(
                item(&done, project).progress,
                Progress::Failed(AppError::SecretsRequired(vec!["apiKey".into()])),
                "{done:?}"
            );
            assert_eq!(stored["apiKey"], demo::secrets::VICTOR_OPS_API_KEY);
        }
        // Every secret given: a whole configuration, right in either mode.
        let view = preview(
            &mut app,
            "VICTOR_OPS",
            "update",
            &[project],
            &[
                ("apiKey", "a-new-victorops-key-7777"),
                ("routingKey", "day-shift"),
            ],
        )
        .await;
        let done = run_to_end(&mut app, "fleet/start", &view.id).await;
        assert_eq!(
            item(&done, project).progress,
            Progress::Done(Done::Updated),
            "{mode}"
        );
        let stored = app.stored(project, "VICTOR_OPS").await.unwrap();
        assert_eq!(stored["apiKey"], "a-new-victorops-key-7777");
        assert_eq!(stored["routingKey"], "day-shift");
    }
}

#[tokio::test]
async fn bad_input_is_refused_before_atlas() {
    let mut app = signed_in().await;
    let before = app.total_upstream_calls().await;
    let key = [("apiKey", OPS_GENIE_KEY)];
    let many: Vec<String> = (0..=atlas_integrations::fleet_run::MAX_PROJECTS_PER_RUN)
        .map(|i| format!("{i:024x}"))
        .collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    for (what, form) in [
        (
            "unknown type",
            preview_form("FLOWDOCK", "create", &ALL, &key),
        ),
        (
            "bad project id",
            preview_form("OPS_GENIE", "create", &["../etc"], &key),
        ),
        ("no project", preview_form("OPS_GENIE", "create", &[], &key)),
        ("too many", preview_form("OPS_GENIE", "create", &many, &key)),
        (
            "unknown mode",
            preview_form("OPS_GENIE", "upsert", &ALL, &key),
        ),
        (
            "masked secret",
            preview_form("OPS_GENIE", "create", &ALL, &[("apiKey", "****3311")]),
        ),
    ] {
        let (status, body) = call_owned(&mut app, "fleet/apply/preview", &form).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {body}");
    }
    for bad in ["nope", "0123456789abcdef0123456789abcdef"] {
        let (status, _) = app.call("fleet/start", &[("run_id", bad)]).await;
        assert!(status.is_client_error(), "{bad}");
    }
    assert_eq!(app.total_upstream_calls().await, before);
}

#[tokio::test]
async fn a_run_belongs_to_its_session() {
    let mut app = signed_in().await;
    let view = preview(
        &mut app,
        "OPS_GENIE",
        "create",
        &[demo::SANDBOX_PROJECT_ID],
        &[("apiKey", OPS_GENIE_KEY)],
    )
    .await;
    let mut other = app.another_browser();
    other.login_service_account().await;
    let (status, _) = other.call("fleet/run", &[("run_id", &view.id)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = other.call("fleet/start", &[("run_id", &view.id)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(app
        .stored(demo::SANDBOX_PROJECT_ID, "OPS_GENIE")
        .await
        .is_none());
}
