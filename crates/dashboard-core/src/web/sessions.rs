//! The session layer: tower-sessions over the configured store (`stores`), the swept
//! in-memory store's revoking of expired sessions, and the middleware that
//! slides a signed-in session's idle expiry. The record a session holds is
//! `server::UserSession`.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, Session, SessionManagerLayer};

use std::sync::Arc;

use super::session_store::{OnExpired, SweptMemoryStore, SWEEP_EVERY};
use super::stores::DashboardStore;
use crate::server::{self, AppState};

pub const COOKIE_NAME: &str = "atlas_integrations_session";
/// With `Secure`, the `__Host-` prefix: browsers then refuse the cookie unless it is Secure,
/// for `/` and without a `Domain`, so no sibling host or plain-http page can plant or shadow it.
pub const SECURE_COOKIE_NAME: &str = "__Host-atlas_integrations_session";

/// The store: expired sessions are refused on load and swept from memory; what Atlas issued
/// for one (a service account's token) is revoked then, as at logout.
pub fn store(state: &AppState) -> SweptMemoryStore {
    let atlas = state.atlas.clone();
    let keys = state.session_keys.clone();
    let revoke: OnExpired = Arc::new(move |record| {
        let Some(user) = server::user_in(&record, &keys) else {
            return;
        };
        let atlas = atlas.clone();
        tokio::spawn(async move {
            if let Err(err) = server::revoke_tokens(atlas.as_ref(), &user).await {
                tracing::warn!(error = %err, "could not revoke the token of an expired session");
            }
        });
    });
    // Sweep at least twice per idle period, so a short idle timeout is honoured promptly.
    let period =
        std::time::Duration::try_from(state.settings.session_idle / 2).unwrap_or(SWEEP_EVERY);
    SweptMemoryStore::new(period, revoke)
}

/// `HttpOnly`, `SameSite=Strict`, `Secure` as configured, expiring after the idle timeout.
pub fn layer(state: &AppState, store: DashboardStore) -> SessionManagerLayer<DashboardStore> {
    let settings = &state.settings;
    SessionManagerLayer::new(store)
        .with_name(if settings.cookie_secure {
            SECURE_COOKIE_NAME
        } else {
            COOKIE_NAME
        })
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_secure(settings.cookie_secure)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(settings.session_idle))
}

/// Activity extends the idle expiry (runs inside the session layer, before the handler, so
/// a sign-in or sign-out in the handler has the last word).
pub async fn keep_alive(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // The site's files (`/pkg/…`) are not activity, and reading the session for each would
    // cost a store lookup per file.
    let site_file = request.uri().path().starts_with("/pkg/");
    if let (false, Some(session)) = (site_file, request.extensions().get::<Session>()) {
        server::keep_alive(session, state.settings.session_idle).await;
    }
    next.run(request).await
}
