//! `GET /lang/{tag}?back=/page`: the language links on every page. Remembers the choice in the
//! `lang` cookie for a year and returns to the page, which the server then renders in that
//! language. A plain link, so it works without JavaScript; it changes nothing but the cookie.
//!
//! And `detect`, the layer that works out each request's language once, for the page and for
//! every message a server function writes (`i18n::current_lang` reads it back).

use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::api::session::is_local_path;
use crate::i18n::{Lang, COOKIE};
use crate::links;
use crate::server::AppState;

/// A year: the choice of a language is not a secret and outlives sessions.
const REMEMBER_SECS: u32 = 365 * 24 * 60 * 60;

#[derive(Deserialize)]
pub struct Back {
    back: Option<String>,
}

pub async fn choose(
    State(state): State<AppState>,
    Path(tag): Path<String>,
    Query(Back { back }): Query<Back>,
) -> Response {
    let Some(lang) = Lang::from_tag(&tag) else {
        return (StatusCode::NOT_FOUND, "unknown language").into_response();
    };
    // Back to a page of the dashboard only: never an open redirect.
    let back = back
        .filter(|back| is_local_path(back))
        .unwrap_or_else(|| links::PROJECTS.to_string());
    let secure = if state.settings.cookie_secure {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{COOKIE}={}; Path=/; Max-Age={REMEMBER_SECS}; SameSite=Lax; HttpOnly{secure}",
        lang.tag()
    );
    let mut response = Redirect::to(&back).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// Works out the request's language once (the cookie, else `Accept-Language`) and keeps it in
/// the request, where a page or a server function finds it for each of its messages. Without
/// this, each message a server function writes would read the header again.
pub async fn detect(mut request: Request, next: Next) -> Response {
    let lang = crate::i18n::of_request(request.headers());
    request.extensions_mut().insert(lang);
    next.run(request).await
}
