//! What a server function takes from the request it serves: the shared state, the session,
//! whether it came from a plain HTML form; and what it sets on the response: the status
//! (once, from the error it returns) and the redirect a plain form follows.

use axum::http::StatusCode;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use tower_sessions::Session;

use super::session::{self, UserSession};
use super::state::AppState;
use crate::error::AppError;

/// Every server function returns through this, so the HTTP status is set in one place, from
/// the error, and the code before it can use `?` freely.
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(err) = &result {
        // A plain form post (no JavaScript) gets the error as a redirect back to its page,
        // with the error in the URL for the page's action to show (server_fn's form
        // redirects); a status set here would replace that redirect's 302.
        if !plain_form_request() {
            if let Some(options) = use_context::<ResponseOptions>() {
                options.set_status(
                    StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                );
            }
        }
    }
    result
}

pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| AppError::internal("application state missing"))
}

pub async fn tower_session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>()
        .await
        .map_err(|_| AppError::internal("session layer missing"))
}

/// The signed-in user, if there is one.
pub async fn optional_user() -> Result<Option<UserSession>, AppError> {
    let state = app_state()?;
    let session = tower_session().await?;
    Ok(session::load_user(&session, state.settings.session_max, &state.session_keys).await)
}

/// After a form posted without JavaScript, the browser is sent to `path`. Requests from the
/// hydrated page (which ask for JSON) get the result instead and stay where they are.
pub fn redirect_plain_form(path: &str) {
    if plain_form_request() {
        leptos_axum::redirect(path);
    }
}

/// Whether this server-fn call is a browser's plain form post: it accepts HTML, where the
/// WASM client asks for the server fn's own encoding (the test leptos_axum uses too).
fn plain_form_request() -> bool {
    use_context::<axum::http::request::Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get(axum::http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        })
        .is_some_and(|accept| accept.contains("text/html"))
}
