//! The session layer: tower-sessions over the swept in-memory store, and the middleware that
//! slides a signed-in session's idle expiry. The record a session holds is
//! `server::UserSession`.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, Session, SessionManagerLayer};

use super::session_store::SweptMemoryStore;
use crate::server::{self, AppState, Settings};

pub const COOKIE_NAME: &str = "atlas_integrations_session";

/// `HttpOnly`, `SameSite=Strict`, `Secure` as configured, expiring after the idle timeout.
/// Expired sessions are refused on load and swept from memory ([`SweptMemoryStore`]).
pub fn layer(settings: &Settings) -> SessionManagerLayer<SweptMemoryStore> {
    SessionManagerLayer::new(SweptMemoryStore::new())
        .with_name(COOKIE_NAME)
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_secure(settings.cookie_secure)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(settings.session_idle))
}

/// Activity extends the idle expiry (runs inside the session layer, before the handler, so
/// a sign-in or sign-out in the handler has the last word).
pub async fn keep_alive(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if let Some(session) = request.extensions().get::<Session>() {
        server::keep_alive(session, state.settings.session_idle).await;
    }
    next.run(request).await
}
