//! The typed record a server-side session holds for a signed-in user. The credential stays
//! here; the browser only has the session id cookie (the layer: `web::sessions`).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tower_sessions::Session;

use atlas_client::Credential;

const USER_KEY: &str = "user";

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

    fn outlived(&self, max: time::Duration) -> bool {
        OffsetDateTime::now_utc().unix_timestamp() - self.signed_in_at >= max.whole_seconds()
    }
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
