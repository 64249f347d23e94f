//! An error that arrives in the URL (server_fn's redirect after a form posted without
//! JavaScript) is shown only as a fixed message: a crafted link cannot put its own words on
//! the dashboard's pages (issue #13).

use atlas_emulator::demo;
use atlas_integrations::error::{AppError, AtlasProblem, LoginRefusal};
use axum::http::StatusCode;
use base64::Engine;

use crate::support::{page_request, TestApp};

const PLANTED: &str = "Your account is locked: call +1 555 0100 and read out your key";

/// The query string server_fn's form redirect writes for `error` from `endpoint`.
fn error_query(endpoint: &str, error: &AppError) -> String {
    let json = serde_json::to_string(error).expect("json");
    let err = base64::engine::general_purpose::URL_SAFE.encode(json);
    format!("__path=/api/{endpoint}&__err={err}")
}

fn planted_errors() -> Vec<AppError> {
    vec![
        AppError::LoginRefused(LoginRefusal::Other(PLANTED.into())),
        AppError::BadRequest(PLANTED.into()),
        AppError::Forbidden(PLANTED.into()),
        AppError::Atlas(AtlasProblem {
            status: 400,
            error_code: PLANTED.into(),
            detail: PLANTED.into(),
            fields: vec![("x".into(), PLANTED.into())],
        }),
        AppError::SecretsRequired(vec![PLANTED.into()]),
    ]
}

#[tokio::test]
async fn the_login_page_shows_only_fixed_messages_from_its_url() {
    let mut app = TestApp::start().await;
    for error in planted_errors() {
        let path = format!("/login?{}", error_query("session/login", &error));
        let (status, _, body) = app.send(page_request(&path)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            body.contains("role=\"alert\""),
            "{error:?}: the kind still shows: {body}"
        );
        assert!(!body.contains("555 0100"), "{error:?}: {body}");
    }
    // A genuine refusal's fixed message survives the trip.
    let wrong = AppError::LoginRefused(LoginRefusal::WrongCredential);
    let path = format!("/login?{}", error_query("session/login", &wrong));
    let (_, _, body) = app.send(page_request(&path)).await;
    assert!(body.contains("did not accept this key or secret"), "{body}");
}

#[tokio::test]
async fn the_form_and_delete_pages_too() {
    let mut app = TestApp::start().await;
    app.login_api_key().await;
    let project = demo::PRODUCTION_PROJECT_ID;
    for (page, endpoint) in [
        (
            format!("/projects/{project}/integrations/PAGER_DUTY"),
            "integrations/update",
        ),
        (
            format!("/projects/{project}/integrations/PAGER_DUTY/delete"),
            "integrations/delete",
        ),
    ] {
        for error in planted_errors() {
            let path = format!("{page}?{}", error_query(endpoint, &error));
            let (status, _, body) = app.send(page_request(&path)).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert!(!body.contains("555 0100"), "{page} {error:?}: {body}");
        }
    }
}
