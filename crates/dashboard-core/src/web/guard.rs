//! Pages need a signed-in user: a browser asking for any page but the login page without a
//! session is sent to login, with the page it wanted in `next`. Server functions check the
//! session themselves (and answer 401), so this covers full page loads, with or without
//! JavaScript.

use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use crate::links::{self, LOGIN};
use crate::server::{load_user, AppState};

pub async fn require_login_for_pages(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if !is_page_request(&request) {
        return next.run(request).await;
    }
    let Some(session) = request.extensions().get::<Session>().cloned() else {
        return next.run(request).await;
    };
    if load_user(&session, state.settings.session_max, &state.session_keys)
        .await
        .is_some()
    {
        return next.run(request).await;
    }
    let wanted = request
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str())
        .unwrap_or(links::PROJECTS);
    let target = links::login_then(wanted);
    Redirect::to(&target).into_response()
}

/// A browser navigation to a page: GET, wants HTML, and not the login page, a language link,
/// a server function or a file of the site bundle.
fn is_page_request(request: &Request) -> bool {
    let path = request.uri().path();
    request.method() == Method::GET
        && path != LOGIN
        && !path.starts_with("/api/")
        && !path.starts_with("/lang/")
        && !path.starts_with("/pkg/")
        && request
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
}
