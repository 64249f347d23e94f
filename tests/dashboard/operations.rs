//! What an operator relies on (issue #14): health probes, and a stop that lets requests in
//! flight finish within a grace period, on a real socket.

use std::time::{Duration, Instant};

use atlas_integrations::web;
use axum::http::StatusCode;

use crate::support::{header, page_request, TestApp};

#[tokio::test]
async fn probes_answer_without_a_session_or_a_login() {
    let mut app = TestApp::start().await;
    for path in ["/healthz", "/readyz"] {
        let (status, headers, body) = app.send(page_request(path)).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        assert_eq!(body, "ok\n", "{path}");
        assert!(
            header(&headers, "set-cookie").is_none(),
            "{path} made a session"
        );
        assert!(
            header(&headers, "location").is_none(),
            "{path} asked for a login"
        );
    }
}

/// Starts serving `app` on a free port; returns its address, the stop trigger and the
/// server's task.
async fn serve(
    app: &TestApp,
    grace: Duration,
) -> (
    std::net::SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let stop_future = async move {
        let _ = stopped.await;
    };
    let task = tokio::spawn(web::serve(
        listener,
        web::router(app.state.clone()),
        stop_future,
        grace,
    ));
    (addr, stop, task)
}

/// A sign-in whose check at Atlas takes `SLOW`: in flight when the stop comes.
const SLOW: Duration = Duration::from_millis(1500);

async fn slow_atlas(app: &TestApp) {
    app.add_fault(serde_json::json!({
        "method": "GET",
        "pathPrefix": "/api/atlas/v2/groups",
        "latencyMs": SLOW.as_millis() as u64,
    }))
    .await;
}

fn sign_in(addr: std::net::SocketAddr) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .post(format!("http://{addr}/api/session/login"))
        .header("accept", "application/json")
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("method", "api_key"),
            ("public_id", atlas_emulator::demo::API_PUBLIC_KEY),
            ("secret", atlas_emulator::demo::API_PRIVATE_KEY),
        ])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_lets_requests_in_flight_finish_and_refuses_new_ones() {
    let app = TestApp::start().await;
    slow_atlas(&app).await;
    let (addr, stop, server) = serve(&app, Duration::from_secs(10)).await;

    let in_flight = tokio::spawn(sign_in(addr).send());
    tokio::time::sleep(Duration::from_millis(300)).await;
    let stopped_at = Instant::now();
    stop.send(()).expect("server listening");
    tokio::time::sleep(Duration::from_millis(100)).await;

    let refused = reqwest::get(format!("http://{addr}/healthz")).await;
    assert!(
        refused.is_err(),
        "a new connection after the stop: {refused:?}"
    );
    let answer = in_flight.await.expect("task").expect("answered");
    assert_eq!(
        answer.status(),
        reqwest::StatusCode::OK,
        "the sign-in in flight finished"
    );
    server.await.expect("task").expect("served");
    assert!(stopped_at.elapsed() < SLOW + Duration::from_secs(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stuck_request_does_not_hold_the_stop_past_the_grace_period() {
    let app = TestApp::start().await;
    slow_atlas(&app).await;
    let grace = Duration::from_millis(200);
    let (addr, stop, server) = serve(&app, grace).await;

    let in_flight = tokio::spawn(sign_in(addr).send());
    tokio::time::sleep(Duration::from_millis(300)).await;
    let stopped_at = Instant::now();
    stop.send(()).expect("server listening");
    server.await.expect("task").expect("served");
    let took = stopped_at.elapsed();
    assert!(took >= grace && took < SLOW, "stopped after {took:?}");
    in_flight.abort();
}

/// Issue #28: a project's integrations cost one request to Atlas once its name is known (from
/// the projects list, or one earlier lookup); the first call for a project never listed costs
/// one more, for its name.
#[tokio::test]
async fn the_integrations_list_is_one_upstream_request_once_the_name_is_known() {
    let mut app = TestApp::start().await;
    app.login_service_account().await;
    let production = atlas_emulator::demo::PRODUCTION_PROJECT_ID;
    let list = [("group_id", production)];
    let before = app.total_upstream_calls().await;
    assert_eq!(app.call("integrations/list", &list).await.0, StatusCode::OK);
    assert_eq!(
        app.total_upstream_calls().await - before,
        2,
        "list and name"
    );
    let before = app.total_upstream_calls().await;
    let (status, body) = app.call("integrations/list", &list).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Production"), "{body}");
    assert_eq!(
        app.total_upstream_calls().await - before,
        1,
        "the list only"
    );
    // From the projects list, every project's name is known.
    assert_eq!(app.call("projects/list", &[]).await.0, StatusCode::OK);
    let staging = [("group_id", atlas_emulator::demo::STAGING_PROJECT_ID)];
    let before = app.total_upstream_calls().await;
    assert_eq!(
        app.call("integrations/list", &staging).await.0,
        StatusCode::OK
    );
    assert_eq!(app.total_upstream_calls().await - before, 1);
    // A project out of reach is still refused by the list itself.
    let unknown = [("group_id", "65f0a1b2c3d4e5f6a7b8c9ff")];
    assert_ne!(
        app.call("integrations/list", &unknown).await.0,
        StatusCode::OK
    );
}
