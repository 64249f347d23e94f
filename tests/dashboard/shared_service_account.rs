//! Two people signed in with the same service account: one signing out (which revokes what
//! Atlas issued for that session) must not break the other's requests, not even the ones in
//! flight at that moment.

use crate::support::TestApp;
use atlas_emulator::demo;
use axum::http::StatusCode;

/// Every emulator answer on the integrations list is slowed down, so that calls are in flight
/// while the other session signs in and out.
async fn slow_integration_lists(app: &TestApp) {
    app.add_fault(serde_json::json!({
        "method": "GET",
        "pathPrefix": "/api/atlas/v2/groups/",
        "latencyMs": 15,
    }))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn signing_out_never_breaks_another_session_of_the_same_service_account() {
    let mut leaving = TestApp::start().await;
    slow_integration_lists(&leaving).await;
    let (project, _) = demo::PROJECTS[0];

    // Four tabs of the person who stays, each listing integrations over and over.
    let mut staying = leaving.another_browser();
    assert_eq!(staying.login_service_account().await.0, StatusCode::OK);
    let mut tabs = Vec::new();
    for _ in 0..4 {
        let mut tab = staying.another_browser();
        tab.cookie = staying.cookie.clone();
        tabs.push(tokio::spawn(async move {
            let mut failures = Vec::new();
            for _ in 0..25 {
                let (status, body) = tab
                    .call("integrations/list", &[("group_id", project)])
                    .await;
                if status != StatusCode::OK {
                    failures.push(format!("{status}: {body}"));
                }
            }
            failures
        }));
    }

    // Meanwhile the other person signs in and out again and again, each sign-out revoking the
    // token of their session.
    for _ in 0..15 {
        assert_eq!(leaving.login_service_account().await.0, StatusCode::OK);
        let (status, _) = leaving
            .call("integrations/list", &[("group_id", project)])
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(leaving.call("session/logout", &[]).await.0, StatusCode::OK);
    }

    let mut failures = Vec::new();
    for tab in tabs {
        failures.extend(tab.await.expect("tab task"));
    }
    assert!(
        failures.is_empty(),
        "{} of 100 calls failed: {failures:?}",
        failures.len()
    );
    // And the staying session still works afterwards.
    let (status, _) = staying
        .call("integrations/list", &[("group_id", project)])
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn signing_out_revokes_only_the_own_token() {
    let mut first = TestApp::start().await;
    let mut second = first.another_browser();
    assert_eq!(first.login_service_account().await.0, StatusCode::OK);
    assert_eq!(second.login_service_account().await.0, StatusCode::OK);
    let counters = |app: &TestApp| {
        let (hooks, url) = (app.hooks(), app.hook_url("counters"));
        async move {
            hooks
                .get(url)
                .send()
                .await
                .expect("counters")
                .json::<serde_json::Value>()
                .await
                .expect("json")
        }
    };
    let before = counters(&first).await;
    assert_eq!(first.call("session/logout", &[]).await.0, StatusCode::OK);
    let (project, _) = demo::PROJECTS[0];
    let (status, _) = second
        .call("integrations/list", &[("group_id", project)])
        .await;
    assert_eq!(status, StatusCode::OK);
    // The second session's call needed no new token: its own was not the one revoked.
    let after = counters(&first).await;
    let tokens = |c: &serde_json::Value| -> u64 {
        c["byRoute"]
            .as_object()
            .expect("byRoute")
            .iter()
            .filter(|(route, _)| route.contains("oauth/token"))
            .filter_map(|(_, n)| n.as_u64())
            .sum()
    };
    assert_eq!(tokens(&before), tokens(&after), "{before} -> {after}");
}
