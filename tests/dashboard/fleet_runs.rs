//! Fleet runs as the server keeps them (`server::runs`): cancelled from the page, stopped by
//! their session's sign-out (no live token left at Atlas), kept in Redis so that any replica
//! shows and starts any run, and nothing readable there.

use std::time::{Duration, Instant};

use atlas_emulator::EmulatorOptions;
use atlas_integrations::fleet_run::{Phase, Progress, RunView, Stop};
use atlas_integrations::server::AppState;
use atlas_integrations::web;
use axum::http::StatusCode;
use serde_json::json;

use crate::fleet_apply::{preview, run_to_end, wait_finished};
use crate::support::{settings, RedisServer, TestApp};

const OPS_GENIE_KEY: &str = "11111111-2222-3333-4444-555555550042";
const POST: &str = "POST /api/atlas/v2/groups/{groupId}/integrations/{integrationType}";
const PROJECTS: usize = 24;

fn generated(i: usize) -> String {
    format!("6a000000{i:016x}")
}

/// A dashboard over a generated fleet whose POSTs each take `latency_ms`, signed in with the
/// service account, and a previewed Opsgenie run over every project.
async fn slow_run(latency_ms: u64) -> (TestApp, RunView) {
    let options = EmulatorOptions {
        projects: PROJECTS,
        ..EmulatorOptions::default()
    };
    let mut app = TestApp::with_emulator(settings(), options, |c| c).await;
    let (status, body) = app.login_service_account().await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ids: Vec<String> = (0..PROJECTS).map(generated).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let values = [("apiKey", OPS_GENIE_KEY), ("region", "EU")];
    let view = preview(&mut app, "OPS_GENIE", "create", &ids, &values).await;
    assert_eq!(view.to_write(), PROJECTS, "{view:?}");
    app.add_fault(json!({"method": "POST", "latencyMs": latency_ms}))
        .await;
    (app, view)
}

fn count(view: &RunView, pred: impl Fn(&Progress) -> bool) -> usize {
    view.items.iter().filter(|i| pred(&i.progress)).count()
}

async fn stored_count(app: &TestApp) -> usize {
    let mut n = 0;
    for i in 0..PROJECTS {
        n += usize::from(app.stored(&generated(i), "OPS_GENIE").await.is_some());
    }
    n
}

#[tokio::test]
async fn a_cancelled_run_keeps_what_was_sent_and_sends_nothing_more() {
    let (mut app, view) = slow_run(300).await;
    let (status, body) = app.call("fleet/start", &[("run_id", &view.id)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    tokio::time::sleep(Duration::from_millis(700)).await;
    let (status, body) = app.call("fleet/cancel", &[("run_id", &view.id)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let done = wait_finished(&mut app, &view.id).await;
    assert_eq!(done.stop, Some(Stop::Cancelled));
    let sent = count(&done, |p| matches!(p, Progress::Done(_)));
    let cancelled = count(&done, |p| *p == Progress::NotSent(Stop::Cancelled));
    assert!(sent > 0 && cancelled > 0, "{done:?}");
    assert_eq!(
        sent + cancelled,
        PROJECTS,
        "every project reported once: {done:?}"
    );
    // What Atlas holds is exactly what the report says was sent, and no POST comes later.
    assert_eq!(stored_count(&app).await, sent);
    let posts = app.upstream_calls_to(POST).await;
    assert_eq!(posts as usize, sent);
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(app.upstream_calls_to(POST).await, posts);
    // A finished run has nothing to cancel; a run id of another session is not found.
    let (status, _) = app.call("fleet/cancel", &[("run_id", &view.id)]).await;
    assert_eq!(status, StatusCode::OK);
    let mut stranger = app.another_browser();
    stranger.login_service_account().await;
    let (status, _) = stranger.call("fleet/cancel", &[("run_id", &view.id)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// Signing out in the middle of a run stops its unsent writes, and the service account's
/// token, revoked at logout, is not replaced by one the run obtains and keeps.
#[tokio::test]
async fn signing_out_stops_the_run_and_leaves_no_live_token() {
    let (mut app, view) = slow_run(300).await;
    let (status, body) = app.call("fleet/start", &[("run_id", &view.id)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    tokio::time::sleep(Duration::from_millis(700)).await;
    let (status, body) = app.call("session/logout", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The page is gone with the session: the run is read where the server keeps it.
    let started = Instant::now();
    let done = loop {
        let run = app.state.runs.load(&view.id, None, false).await.unwrap();
        let run = run.expect("still kept").view;
        if run.phase == Phase::Finished {
            break run;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "{run:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(done.stop, Some(Stop::SignedOut));
    let sent = count(&done, |p| matches!(p, Progress::Done(_)));
    let not_sent = count(&done, |p| *p == Progress::NotSent(Stop::SignedOut));
    assert!(not_sent > 0, "{done:?}");
    assert_eq!(sent + not_sent, PROJECTS, "{done:?}");
    assert_eq!(stored_count(&app).await, sent);
    let live = app.emulator.emulator().with_tokens(|t| t.live());
    assert_eq!(live, 0, "no token outlives the sign-out");
}

/// Two replicas over one Redis: the run previewed on one is shown, started and followed on
/// the other, and Redis holds nothing readable of it.
#[tokio::test]
async fn any_replica_shows_and_works_a_run_kept_in_redis() {
    let redis = RedisServer::start().await;
    let mut a = TestApp::with_redis(settings(), &redis.url).await;
    let store = web::DashboardStore::redis(&redis.url).await.unwrap();
    let mut state = AppState::new(
        a.state.leptos_options.clone(),
        std::sync::Arc::new(
            atlas_client::AtlasClient::new(atlas_client::ClientConfig::new(a.emulator.base_url()))
                .unwrap(),
        ),
        settings(),
    );
    state.session_keys = a.state.session_keys.clone();
    let mut b = TestApp {
        router: web::router_with_store(state.clone(), store),
        state,
        emulator: a.emulator.clone(),
        cookie: None,
    };
    let (status, body) = a.login_api_key().await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ids = [
        atlas_emulator::demo::PRODUCTION_PROJECT_ID,
        atlas_emulator::demo::SANDBOX_PROJECT_ID,
    ];
    let values = [("apiKey", OPS_GENIE_KEY), ("region", "EU")];
    let view = preview(&mut a, "OPS_GENIE", "create-or-update", &ids, &values).await;
    b.cookie = a.cookie.clone();
    let (status, body) = b.call("fleet/run", &[("run_id", &view.id)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let shown: RunView = serde_json::from_str(&body).unwrap();
    assert_eq!(shown.items, view.items);
    let done = run_to_end(&mut b, "fleet/start", &view.id).await;
    assert_eq!(done.tally().done, 2, "{done:?}");
    let seen_by_a = wait_finished(&mut a, &view.id).await;
    assert_eq!(seen_by_a.items, done.items);

    // Nothing readable: the key, the credential's public id, the project names.
    let dump = redis_dump(&redis.url).await;
    let demo = (
        atlas_emulator::demo::API_PUBLIC_KEY,
        atlas_emulator::demo::PRODUCTION_PROJECT_ID,
    );
    for needle in [OPS_GENIE_KEY, "Production", demo.0, demo.1] {
        assert!(!dump.contains(needle), "{needle} readable in Redis");
    }
    assert!(
        dump.contains("atlas-integrations:runs:v1:meta"),
        "the runs are in Redis"
    );
}

/// Every key of Redis with its values, as text.
async fn redis_dump(url: &str) -> String {
    let port = url.rsplit(':').next().unwrap().trim_end_matches("/0");
    let cli = |args: &[&str]| {
        let out = std::process::Command::new("redis-cli")
            .args(["-p", port])
            .args(args)
            .output()
            .expect("redis-cli");
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let mut dump = String::new();
    for key in cli(&["--scan"]).lines() {
        dump.push_str(key);
        dump.push('\n');
        let kind = cli(&["type", key]);
        let values = match kind.trim() {
            "hash" => cli(&["hgetall", key]),
            _ => cli(&["dump", key]),
        };
        dump.push_str(&values);
    }
    dump
}

/// A run keeps the configuration given once, not once per project: a 225 KB body template
/// over 500 projects takes about one copy of it, here and for eight such previews.
#[tokio::test]
async fn a_large_value_over_500_projects_is_kept_about_once() {
    const N: usize = 500;
    let options = EmulatorOptions {
        projects: N,
        ..EmulatorOptions::default()
    };
    let mut app = TestApp::with_emulator(settings(), options, |c| c).await;
    let (status, body) = app.login_service_account().await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ids: Vec<String> = (0..N).map(generated).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let template = format!("{{\"alert\": \"{}\"}}", "x".repeat(225 * 1024));
    let values = [
        ("url", "https://hooks.example.com/fleet"),
        ("bodyTemplate", template.as_str()),
    ];
    let view = preview(&mut app, "WEBHOOK", "create-or-update", &ids, &values).await;
    assert_eq!(view.to_write(), N, "{:?}", &view.items[..3]);
    let (runs, bytes) = app.state.runs.usage().await.unwrap();
    assert_eq!(runs, 1);
    println!(
        "one run of {N} projects with a {} KB template: {} KB kept",
        template.len() / 1024,
        bytes / 1024
    );
    assert!(
        bytes < 2 * template.len() as u64,
        "{bytes} bytes for one run"
    );
    // Eight previews: eight copies, not 4,000.
    for _ in 1..8 {
        preview(&mut app, "WEBHOOK", "create-or-update", &ids, &values).await;
    }
    let (runs, bytes) = app.state.runs.usage().await.unwrap();
    assert_eq!(runs, 8);
    println!("eight such previews: {} KB kept", bytes / 1024);
    assert!(
        bytes < 8 * 2 * template.len() as u64,
        "{bytes} bytes for eight runs"
    );
}
