//! The server-side session: tower-sessions with an in-memory store, and the typed record
//! it holds for a signed-in user. The credential stays here; the browser only has the
//! session id cookie.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, Session, SessionManagerLayer};

use super::session_store::SweptMemoryStore;
use super::state::{AppState, Settings};
use crate::api::session::{AuthMethod, SessionInfo};
use crate::atlas::Credential;

const USER_KEY: &str = "user";
pub const COOKIE_NAME: &str = "atlas_integrations_session";

/// Who is signed in. `Debug` is safe: [`Credential`] redacts its secret.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct UserSession {
    pub credential: Credential,
    /// Unix seconds; the absolute lifetime counts from here.
    pub signed_in_at: i64,
}

impl UserSession {
    pub fn new(credential: Credential) -> Self {
        UserSession {
            credential,
            signed_in_at: OffsetDateTime::now_utc().unix_timestamp(),
        }
    }

    pub fn info(&self, state: &AppState) -> SessionInfo {
        let method = match self.credential {
            Credential::ApiKey { .. } => AuthMethod::ApiKey,
            Credential::ServiceAccount { .. } => AuthMethod::ServiceAccount,
        };
        SessionInfo {
            method,
            public_id: self.credential.public_id().to_string(),
            backend: state.settings.backend_label.clone(),
        }
    }

    fn outlived(&self, max: time::Duration) -> bool {
        OffsetDateTime::now_utc().unix_timestamp() - self.signed_in_at >= max.whole_seconds()
    }
}

/// The session layer: `HttpOnly`, `SameSite=Strict`, `Secure` as configured, expiring after
/// the idle timeout. Expired sessions are refused on load and swept from memory
/// ([`SweptMemoryStore`]).
pub fn layer(settings: &Settings) -> SessionManagerLayer<SweptMemoryStore> {
    SessionManagerLayer::new(SweptMemoryStore::new())
        .with_name(COOKIE_NAME)
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_secure(settings.cookie_secure)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(settings.session_idle))
}

/// The signed-in user, if any and still within the absolute lifetime. A session past it is
/// flushed here, so every path that reads the user enforces the limit.
pub async fn load_user(session: &Session, max: time::Duration) -> Option<UserSession> {
    let user: UserSession = session.get(USER_KEY).await.ok().flatten()?;
    if user.outlived(max) {
        let _ = session.flush().await;
        return None;
    }
    Some(user)
}

/// Stores the user under a new session id (no fixation: an id set before login is dropped).
pub async fn store_user(
    session: &Session,
    user: &UserSession,
) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    session.insert(USER_KEY, user).await
}

/// Deletes the session from the store and expires the cookie.
pub async fn end(session: &Session) -> Result<(), tower_sessions::session::Error> {
    session.flush().await
}
