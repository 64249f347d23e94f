//! The typed record a server-side session holds for a signed-in user. The credential stays
//! here; the browser only has the session id cookie (the layer: `web::sessions`). The store
//! holds the record sealed (`sealing`): never the credential in clear.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tower_sessions::session::Id;
use tower_sessions::{Expiry, Session};

use atlas_client::{AtlasApi, AtlasError, Credential, HeldToken};

use super::sealing::SessionKeys;

const USER_KEY: &str = "user";
/// Unix seconds of the last time activity renewed the session's idle expiry.
const RENEWED_KEY: &str = "renewed_at";
/// Unix seconds when the session ends however active (sign-in + the absolute lifetime). Kept
/// in clear beside the sealed user so renewals can cap the expiry without opening it.
const ENDS_KEY: &str = "ends_at";
/// Activity renews the idle expiry at most this often (a rewrite of the store and a new
/// cookie each time), or at half the idle timeout when that is shorter.
const RENEW_AT_MOST_EVERY: time::Duration = time::Duration::minutes(1);

/// Who is signed in. `Debug` is safe: [`Credential`] redacts its secret.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct UserSession {
    pub credential: Credential,
    /// Unix seconds; the absolute lifetime counts from here.
    pub signed_in_at: i64,
    /// A service account's OAuth token, kept with the session (sealed like the credential)
    /// so that any replica can use it rather than obtain its own, and the one that serves
    /// the logout can revoke it.
    #[serde(default)]
    pub token: Option<HeldToken>,
}

impl UserSession {
    pub fn new(credential: Credential) -> Self {
        UserSession {
            credential,
            signed_in_at: OffsetDateTime::now_utc().unix_timestamp(),
            token: None,
        }
    }

    fn outlived(&self, max: time::Duration) -> bool {
        OffsetDateTime::now_utc().unix_timestamp() - self.signed_in_at >= max.whole_seconds()
    }
}

/// What a session's sealed user is bound to (`sealing`): a hash of the session's id, so the
/// record opens under that id only. A hash rather than the id: the id is the cookie's value.
fn binding(id: Id) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::new()
        .chain_update(b"atlas-integrations session binding v1:")
        .chain_update(id.0.to_le_bytes())
        .finalize()
        .into()
}

fn unseal(keys: &SessionKeys, sealed: &str, id: Id) -> Option<UserSession> {
    let json = keys.open(sealed, &binding(id))?;
    serde_json::from_slice(&json).ok()
}

/// The user a stored session record holds (for the sweeper, which sees records, not sessions).
pub fn user_in(
    record: &tower_sessions::session::Record,
    keys: &SessionKeys,
) -> Option<UserSession> {
    unseal(keys, record.data.get(USER_KEY)?.as_str()?, record.id)
}

/// The user of the session whose id is `id`, as the store holds it now (a fleet run looks
/// before each write): `None` when it was signed out, has expired or outlived its absolute
/// lifetime, or does not open.
pub async fn user_of(
    state: &super::AppState,
    id: &str,
) -> Result<Option<UserSession>, crate::error::AppError> {
    use std::str::FromStr;
    let (Some(store), Ok(id)) = (&state.sessions, Id::from_str(id)) else {
        return Ok(None);
    };
    let record = store
        .load(&id)
        .await
        .map_err(|_| crate::error::AppError::internal("the session store does not answer"))?;
    Ok(record
        .and_then(|r| user_in(&r, &state.session_keys))
        .filter(|user| !user.outlived(state.settings.session_max)))
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
    let user = session
        .id()
        .and_then(|id| unseal(keys, &sealed, id))
        .filter(|user| !user.outlived(max));
    if user.is_none() {
        let _ = session.flush().await;
    }
    user
}

/// Stores the user, sealed, under a new session id (no fixation: an id set before login is
/// dropped), ending at the latest `max` from sign-in.
pub async fn store_user(
    session: &Session,
    user: &UserSession,
    keys: &SessionKeys,
    idle: time::Duration,
    max: time::Duration,
) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    // Saved now, so the store gives the new id, to which the sealed user is bound.
    session.save().await?;
    session
        .insert(ENDS_KEY, user.signed_in_at + max.whole_seconds())
        .await?;
    session.insert(RENEWED_KEY, now()).await?;
    update_user(session, user, keys, idle).await
}

/// Replaces the stored user in the same session (e.g. a renewed token to keep).
pub async fn update_user(
    session: &Session,
    user: &UserSession,
    keys: &SessionKeys,
    idle: time::Duration,
) -> Result<(), tower_sessions::session::Error> {
    let json = zeroize::Zeroizing::new(serde_json::to_vec(user)?);
    let Some(id) = session.id() else {
        // A session without an id has not been stored: there is nothing to bind the user to.
        return Err(tower_sessions::session::Error::Store(
            tower_sessions::session_store::Error::Backend("the session has no id yet".into()),
        ));
    };
    session
        .insert(USER_KEY, keys.seal(&json, &binding(id)))
        .await?;
    cap_expiry(session, idle).await;
    Ok(())
}

/// Every save of a signed-in session sets its expiry to `idle` from now, but never past its
/// absolute end: the store (Redis expires the record itself) and the cookie then drop the
/// session when either limit is reached, not only when it is next read. (Without this, the
/// layer's default, idle from now, would apply.)
async fn cap_expiry(session: &Session, idle: time::Duration) {
    let Ok(Some(ends_at)) = session.get::<i64>(ENDS_KEY).await else {
        return;
    };
    let idle_end = OffsetDateTime::now_utc() + idle;
    let end = OffsetDateTime::from_unix_timestamp(ends_at).map_or(idle_end, |e| e.min(idle_end));
    session.set_expiry(Some(Expiry::AtDateTime(end)));
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
        cap_expiry(session, idle).await;
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

/// Revokes what Atlas issued for the session: the token this process holds, and the one the
/// session kept when another replica obtained it. For logout and for expired sessions.
pub async fn revoke_tokens(atlas: &dyn AtlasApi, user: &UserSession) -> Result<(), AtlasError> {
    let here = atlas.held_token(&user.credential).await;
    let local = atlas.forget(&user.credential).await;
    if let Some(kept) = user
        .token
        .clone()
        .filter(|kept| Some(kept) != here.as_ref())
    {
        atlas.adopt_token(&user.credential, kept).await;
        atlas.forget(&user.credential).await?;
    }
    local
}
