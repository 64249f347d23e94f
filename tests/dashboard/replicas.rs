//! Several replicas behind a load balancer: any of them serves any request of a session, one
//! OAuth token per session whichever replica obtained it, and a logout on one ends the
//! session and revokes that token everywhere. (The same with real Redis and nginx:
//! `end2end/deploy/`.)

use crate::support::TestApp;
use atlas_emulator::demo;
use atlas_integrations::web;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use tower::ServiceExt;

const TOKEN: &str = "POST /api/oauth/token";
const REVOKE: &str = "POST /api/oauth/revoke";

#[tokio::test]
async fn any_replica_serves_the_session_with_its_one_token_and_any_revokes_it() {
    let (mut a, mut b) = TestApp::replicas().await;
    let (project, _) = demo::PROJECTS[0];
    assert_eq!(a.login_service_account().await.0, StatusCode::OK);
    assert_eq!(
        a.upstream_calls_to(TOKEN).await,
        1,
        "sign-in obtains one token"
    );

    // The other replica serves the same session with the token kept in it.
    b.cookie = a.cookie.clone();
    let list = [("group_id", project)];
    assert_eq!(b.call("integrations/list", &list).await.0, StatusCode::OK);
    assert_eq!(a.upstream_calls_to(TOKEN).await, 1, "b took up a's token");

    // Atlas ends the token early: the replica that meets the refusal obtains a new one and
    // keeps it with the session, and the other takes that one up rather than a third.
    let expired = a.hooks().post(a.hook_url("tokens/expire")).send().await;
    assert!(expired.expect("hook").status().is_success());
    assert_eq!(b.call("integrations/list", &list).await.0, StatusCode::OK);
    assert_eq!(a.upstream_calls_to(TOKEN).await, 2);
    a.cookie = b.cookie.clone();
    assert_eq!(a.call("integrations/list", &list).await.0, StatusCode::OK);
    assert_eq!(
        a.upstream_calls_to(TOKEN).await,
        2,
        "a took up b's new token"
    );

    // Logout on b ends the session for a as well, and revokes the token a holds too.
    assert_eq!(b.upstream_calls_to(REVOKE).await, 0);
    assert_eq!(b.call("session/logout", &[]).await.0, StatusCode::OK);
    assert_eq!(b.upstream_calls_to(REVOKE).await, 1);
    let (status, _) = a.call("integrations/list", &list).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "signed out on every replica"
    );
}

/// The metrics name routes by pattern and hold no project id; sign-ins, upstream calls and
/// sessions are counted.
#[tokio::test]
async fn metrics_count_requests_by_route_and_hold_no_project() {
    web::metrics::install();
    let mut app = TestApp::start().await;
    let (project, _) = demo::PROJECTS[0];
    let (status, _) = app
        .call(
            "session/login",
            &[
                ("method", "api_key"),
                ("public_id", demo::API_PUBLIC_KEY),
                ("secret", "not-the-secret"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.login_api_key().await.0, StatusCode::OK);
    let page = format!("/projects/{project}");
    let (status, _, _) = app.send(crate::support::page_request(&page)).await;
    assert_eq!(status, StatusCode::OK);

    let store = web::memory_store(&app.state);
    let response = web::metrics::router(store)
        .oneshot(Request::get("/metrics").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    let text = String::from_utf8_lossy(&body);
    for wanted in [
        r#"dashboard_requests_total{method="GET",route="/projects/{group_id}",status="200"}"#,
        r#"route="/api/session/login",status="200"}"#,
        r#"dashboard_sign_in_failures_total{reason="wrong_credential"}"#,
        "dashboard_sign_ins_total",
        r#"atlas_upstream_requests_total{method="GET",route="/api/atlas/v2/groups/{groupId}/integrations",status="200"}"#,
        "atlas_upstream_request_duration_seconds",
        "dashboard_sessions",
    ] {
        assert!(text.contains(wanted), "{wanted} missing in:\n{text}");
    }
    for absent in [
        project,
        demo::API_PRIVATE_KEY,
        "not-the-secret",
        demo::API_PUBLIC_KEY,
    ] {
        assert!(!text.contains(absent), "{absent} in the metrics");
    }
}
