//! The typed record a server-side session holds for a signed-in user. The credential stays
//! here; the browser only has the session id cookie (the layer: `web::sessions`). The store
//! holds the record sealed (`sealing`): never the credential in clear.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tower_sessions::Session;

use atlas_client::Credential;

use super::sealing::SessionKeys;

const USER_KEY: &str = "user";
/// Unix seconds of the last time activity renewed the session's idle expiry.
const RENEWED_KEY: &str = "renewed_at";
/// Activity renews the idle expiry at most this often (a rewrite of the store and a new
/// cookie each time), or at half the idle timeout when that is shorter.
const RENEW_AT_MOST_EVERY: time::Duration = time::Duration::minutes(1);

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

fn unseal(keys: &SessionKeys, sealed: &str) -> Option<UserSession> {
    let json = keys.open(sealed)?;
    serde_json::from_slice(&json).ok()
}

/// The user a stored session record holds (for the sweeper, which sees records, not sessions).
pub fn user_in(
    record: &tower_sessions::session::Record,
    keys: &SessionKeys,
) -> Option<UserSession> {
    unseal(keys, record.data.get(USER_KEY)?.as_str()?)
}

/// The signed-in user, if any and still within the absolute lifetime. A session past it, or
/// whose record does not open (changed in the store, or sealed with a key no longer
/// configured), is flushed here, so every path that reads the user enforces both.
pub async fn load_user(
    session: &Session,
    max: time::Duration,
    keys: &SessionKeys,
) -> Option<UserSession> {
    let sealed: String = session.get(USER_KEY).await.ok().flatten()?;
    let user = unseal(keys, &sealed).filter(|user| !user.outlived(max));
    if user.is_none() {
        let _ = session.flush().await;
    }
    user
}

/// Stores the user, sealed, under a new session id (no fixation: an id set before login is
/// dropped).
pub async fn store_user(
    session: &Session,
    user: &UserSession,
    keys: &SessionKeys,
) -> Result<(), tower_sessions::session::Error> {
    let json = zeroize::Zeroizing::new(serde_json::to_vec(user)?);
    session.cycle_id().await?;
    session.insert(USER_KEY, keys.seal(&json)).await?;
    session.insert(RENEWED_KEY, now()).await
}

/// Slides a signed-in session's idle expiry forward on activity. tower-sessions saves a
/// session (with a new expiry, and sends a new cookie) only when it changed, so a session
/// that is only read would end `idle` after sign-in however active its user. Writing the
/// renewal time changes it; doing so at most every [`RENEW_AT_MOST_EVERY`] keeps the store
/// from being rewritten on every request.
pub async fn keep_alive(session: &Session, idle: time::Duration) {
    let Ok(Some(renewed)) = session.get::<i64>(RENEWED_KEY).await else {
        return; // no user (or one signed in before renewals existed): nothing to keep
    };
    let every = RENEW_AT_MOST_EVERY.min(idle / 2).whole_seconds();
    if now() - renewed >= every {
        if let Err(err) = session.insert(RENEWED_KEY, now()).await {
            tracing::warn!(error = %err, "could not renew the session's expiry");
        }
    }
}

fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// Deletes the session from the store and expires the cookie.
pub async fn end(session: &Session) -> Result<(), tower_sessions::session::Error> {
    session.flush().await
}
