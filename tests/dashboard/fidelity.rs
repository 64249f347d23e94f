//! Writes Atlas allows that the dashboard once blocked, through the real router, session,
//! Atlas client and emulator (issue #10; facts in docs/atlas-facts.md).

use crate::support::TestApp;
use atlas_emulator::demo;
use axum::http::StatusCode;

async fn put_mode(app: &TestApp, mode: &str) {
    let res = app
        .hooks()
        .post(app.hook_url("put-mode"))
        .json(&serde_json::json!({ "mode": mode }))
        .send()
        .await
        .expect("put-mode hook");
    assert!(res.status().is_success());
}

#[tokio::test]
async fn an_optional_field_is_removed_under_both_put_modes() {
    for mode in ["merge", "replace"] {
        let mut app = TestApp::start().await;
        put_mode(&app, mode).await;
        app.login_api_key().await;
        let project = demo::SANDBOX_PROJECT_ID;
        let token = "xoxb-2222222222-legacy-token-wxyz";
        let (status, body) = app
            .call(
                "integrations/create",
                &[
                    ("group_id", project),
                    ("kind", "SLACK"),
                    ("values[apiToken]", token),
                    ("values[channelName]", "alerts"),
                    ("values[teamName]", "Ops"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{mode}: {body}");
        assert!(!body.contains(token), "{body}");
        // Replace mode needs the token again; merge keeps it when left out.
        let mut form = vec![
            ("group_id", project),
            ("kind", "SLACK"),
            ("values[channelName]", "alerts"),
            ("remove[teamName]", "on"),
        ];
        if mode == "replace" {
            form.push(("values[apiToken]", token));
        }
        let (status, body) = app.call("integrations/update", &form).await;
        assert_eq!(status, StatusCode::OK, "{mode}: {body}");
        let stored = app.stored(project, "SLACK").await.expect("stored");
        assert!(stored.get("teamName").is_none(), "{mode}: {stored}");
        assert_eq!(stored["apiToken"], token, "{mode}");
        assert_eq!(stored["channelName"], "alerts", "{mode}");
    }
}

#[tokio::test]
async fn removing_a_required_field_or_with_a_value_is_refused_before_any_call() {
    let mut app = TestApp::start().await;
    app.login_api_key().await;
    let before = app.total_upstream_calls().await;
    for form in [
        &[
            ("group_id", demo::PRODUCTION_PROJECT_ID),
            ("kind", "PAGER_DUTY"),
            ("remove[serviceKey]", "on"),
        ][..],
        &[
            ("group_id", demo::SANDBOX_PROJECT_ID),
            ("kind", "WEBHOOK"),
            ("values[url]", "https://h.example/x"),
            ("values[secret]", "s3cret-value"),
            ("remove[secret]", "on"),
        ][..],
    ] {
        let (status, body) = app.call("integrations/update", form).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(
            body.contains("CannotRemove") || body.contains("RemoveAndValue"),
            "{body}"
        );
    }
    assert_eq!(
        app.total_upstream_calls().await,
        before,
        "nothing reached Atlas"
    );
}

#[tokio::test]
async fn credentials_inside_a_url_are_refused_before_any_call() {
    let mut app = TestApp::start().await;
    app.login_api_key().await;
    let before = app.total_upstream_calls().await;
    let (status, body) = app
        .call(
            "integrations/create",
            &[
                ("group_id", demo::SANDBOX_PROJECT_ID),
                ("kind", "MICROSOFT_TEAMS"),
                (
                    "values[microsoftTeamsWebhookUrl]",
                    "https://u:hunter2@example.webhook.office.com/x",
                ),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("UrlUserinfo"), "{body}");
    assert!(!body.contains("hunter2"), "{body}");
    assert_eq!(app.total_upstream_calls().await, before);
}

#[tokio::test]
async fn new_relic_is_written_and_its_clear_keys_never_reach_the_browser() {
    let mut app = TestApp::start().await;
    app.login_service_account().await;
    let license = "89abcdef0123456789abcdef0123456789ab1111";
    let (status, body) = app
        .call(
            "integrations/create",
            &[
                ("group_id", demo::SANDBOX_PROJECT_ID),
                ("kind", "NEW_RELIC"),
                (
                    "values[accountId]",
                    "0123456789abcdef0123456789abcdef01234567",
                ),
                ("values[licenseKey]", license),
                ("values[readToken]", "query-key-2222"),
                ("values[writeToken]", "insert-key-3333"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for secret in [license, "query-key-2222", "insert-key-3333"] {
        assert!(!body.contains(secret), "{body}");
    }
    assert!(body.contains("••••1111"), "{body}");
    // Atlas returns them in clear (docs pages); the read path masks them too.
    let (status, body) = app
        .call(
            "integrations/list",
            &[("group_id", demo::SANDBOX_PROJECT_ID)],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(!body.contains(license), "{body}");
    // An edit that leaves the keys blank keeps them.
    let (status, body) = app
        .call(
            "integrations/update",
            &[
                ("group_id", demo::SANDBOX_PROJECT_ID),
                ("kind", "NEW_RELIC"),
                (
                    "values[accountId]",
                    "0123456789abcdef0123456789abcdef01234567",
                ),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let stored = app
        .stored(demo::SANDBOX_PROJECT_ID, "NEW_RELIC")
        .await
        .expect("stored");
    assert_eq!(stored["licenseKey"], license);
}

#[tokio::test]
async fn hip_chat_has_no_schema_and_cannot_be_written() {
    let mut app = TestApp::start().await;
    app.login_api_key().await;
    let (status, body) = app
        .call(
            "integrations/create",
            &[("group_id", demo::SANDBOX_PROJECT_ID), ("kind", "HIP_CHAT")],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}
