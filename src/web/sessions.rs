//! The session layer: tower-sessions over the swept in-memory store. The record a session
//! holds is `server::UserSession`.

use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use super::session_store::SweptMemoryStore;
use crate::server::Settings;

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
