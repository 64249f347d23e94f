//! The in-memory session store, swept. tower-sessions' `MemoryStore` drops an expired session
//! only when its id is looked up again, so a session abandoned in a closed tab would keep its
//! Atlas credential in memory for the life of the process. This is the same map, plus a task
//! that deletes expired records every sweep period (at most [`SWEEP_EVERY`]), so a credential
//! outlives its session by at most that long, and hands each to a callback (which revokes
//! what Atlas issued for it).

use std::collections::HashMap;
use std::sync::{Arc, Weak};
use std::time::Duration;

use async_trait::async_trait;
use time::OffsetDateTime;
use tokio::sync::Mutex;
use tower_sessions::session::{Id, Record};
use tower_sessions::{session_store, SessionStore};

/// How often expired sessions are deleted.
pub const SWEEP_EVERY: Duration = Duration::from_secs(60);

type Records = Mutex<HashMap<Id, Record>>;

/// Called with each expired record the sweeper deletes.
pub type OnExpired = Arc<dyn Fn(Record) + Send + Sync>;

/// `default()` has no sweeper (for tests); the dashboard uses [`SweptMemoryStore::new`].
/// `Debug` names the type only: the records hold the users' credentials.
#[derive(Clone, Default)]
pub struct SweptMemoryStore(Arc<Records>);

impl std::fmt::Debug for SweptMemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SweptMemoryStore").finish_non_exhaustive()
    }
}

impl SweptMemoryStore {
    /// A store whose sweeper runs on the current tokio runtime, when there is one (the router
    /// factory may be called outside one, e.g. to list routes). The task holds only a weak
    /// reference, so it ends when the store is dropped.
    pub fn new(period: Duration, on_expired: OnExpired) -> Self {
        let store = SweptMemoryStore::default();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(sweep(
                Arc::downgrade(&store.0),
                period.min(SWEEP_EVERY),
                on_expired,
            ));
        }
        store
    }

    #[cfg(test)]
    fn swept_every(period: Duration) -> Self {
        Self::new(period, Arc::new(|_| {}))
    }

    /// Sessions held, expired or not.
    pub async fn len(&self) -> usize {
        self.0.lock().await.len()
    }
}

#[cfg(test)]
impl SweptMemoryStore {
    async fn delete_expired(&self) -> usize {
        delete_expired(&self.0).await.len()
    }

    async fn is_empty(&self) -> bool {
        self.len().await == 0
    }
}

async fn sweep(records: Weak<Records>, every: Duration, on_expired: OnExpired) {
    let mut ticks = tokio::time::interval(every);
    ticks.tick().await; // the first tick is immediate
    loop {
        ticks.tick().await;
        let Some(records) = records.upgrade() else {
            return;
        };
        let removed = delete_expired(&records).await;
        if !removed.is_empty() {
            tracing::debug!(removed = removed.len(), "expired sessions deleted");
        }
        for record in removed {
            on_expired(record);
            super::memory::session_ended();
        }
    }
}

async fn delete_expired(records: &Records) -> Vec<Record> {
    let mut records = records.lock().await;
    let expired: Vec<Id> = records
        .iter()
        .filter(|(_, record)| !is_active(record))
        .map(|(id, _)| *id)
        .collect();
    expired.iter().filter_map(|id| records.remove(id)).collect()
}

fn is_active(record: &Record) -> bool {
    record.expiry_date > OffsetDateTime::now_utc()
}

#[async_trait]
impl SessionStore for SweptMemoryStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let mut records = self.0.lock().await;
        // Ids are random 128-bit values; a collision is improbable, but never overwrite.
        while records.contains_key(&record.id) {
            record.id = Id::default();
        }
        records.insert(record.id, record.clone());
        Ok(())
    }

    /// Updates a record that is still held, and only such a one (as the Redis store's
    /// `SET … XX`): a request that was in flight when its session was signed out or swept
    /// saves its copy when it ends, and must not bring the session back.
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        if let Some(held) = self.0.lock().await.get_mut(&record.id) {
            *held = record.clone();
        }
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        Ok(self
            .0
            .lock()
            .await
            .get(id)
            .filter(|r| is_active(r))
            .cloned())
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        if self.0.lock().await.remove(id).is_some() {
            super::memory::session_ended();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(expires_in: time::Duration) -> Record {
        Record {
            id: Id::default(),
            data: Default::default(),
            expiry_date: OffsetDateTime::now_utc() + expires_in,
        }
    }

    /// What the store holds for a signed-in user is sealed: no credential, not even its public
    /// half, and a record changed in the store or sealed with another key signs the user out.
    #[tokio::test]
    async fn the_store_holds_the_user_sealed() {
        use crate::server::{load_user, store_user, user_in, SessionKeys, UserSession};
        use atlas_client::{Credential, SecretValue};
        use tower_sessions::Session;

        let store = Arc::new(SweptMemoryStore::default());
        let keys = SessionKeys::ephemeral();
        let user = UserSession::new(Credential::ApiKey {
            public_key: "publickeyid".into(),
            private_key: SecretValue::new("s3cr3t-private-key"),
        });
        let session = Session::new(None, store.clone(), None);
        let (idle, max) = (time::Duration::minutes(30), time::Duration::minutes(10));
        store_user(&session, &user, &keys, idle, max).await.unwrap();
        session.save().await.unwrap();
        let id = session.id().unwrap();
        let record = store.load(&id).await.unwrap().unwrap();
        // The record expires at the absolute end when that comes before the idle one, so a
        // store that expires records itself (Redis) drops it then.
        let ends = OffsetDateTime::now_utc() + max;
        assert!(
            record.expiry_date <= ends && record.expiry_date > ends - time::Duration::minutes(1),
            "{:?}",
            record.expiry_date
        );
        let held = serde_json::to_string(&record.data).unwrap();
        assert!(
            !held.contains("s3cr3t") && !held.contains("publickeyid"),
            "{held}"
        );
        let back = user_in(&record, &keys).unwrap();
        assert_eq!(back.credential, user.credential);

        let max = time::Duration::hours(8);
        let loaded = Session::new(Some(id), store.clone(), None);
        assert!(load_user(&loaded, max, &keys).await.is_some());
        // Another process's key (or a key dropped from the ring) does not open it, and the
        // session is ended rather than left half-read.
        let elsewhere = Session::new(Some(id), store.clone(), None);
        assert!(load_user(&elsewhere, max, &SessionKeys::ephemeral())
            .await
            .is_none());
        assert_eq!(store.load(&id).await.unwrap(), None, "flushed");
    }

    /// Whoever can write to the store but holds no key cannot copy a victim's sealed user
    /// under their own session id and act as the victim: the record opens under its own id
    /// only.
    #[tokio::test]
    async fn a_user_copied_under_another_session_does_not_open() {
        use crate::server::{load_user, store_user, SessionKeys, UserSession};
        use atlas_client::{Credential, SecretValue};
        use tower_sessions::Session;

        let store = Arc::new(SweptMemoryStore::default());
        let keys = SessionKeys::ephemeral();
        let (idle, max) = (time::Duration::minutes(30), time::Duration::hours(8));
        let signed_in = |public_key: &str| {
            UserSession::new(Credential::ApiKey {
                public_key: public_key.into(),
                private_key: SecretValue::new("private-key"),
            })
        };
        let victim = Session::new(None, store.clone(), None);
        store_user(&victim, &signed_in("victimky"), &keys, idle, max)
            .await
            .unwrap();
        victim.save().await.unwrap();
        let attacker = Session::new(None, store.clone(), None);
        store_user(&attacker, &signed_in("attacker"), &keys, idle, max)
            .await
            .unwrap();
        attacker.save().await.unwrap();
        let (victim_id, attacker_id) = (victim.id().unwrap(), attacker.id().unwrap());

        let stolen = store.load(&victim_id).await.unwrap().unwrap();
        store
            .save(&Record {
                id: attacker_id,
                ..stolen
            })
            .await
            .unwrap();
        let replayed = Session::new(Some(attacker_id), store.clone(), None);
        assert!(load_user(&replayed, max, &keys).await.is_none());
        // The victim's own session still opens.
        let own = Session::new(Some(victim_id), store.clone(), None);
        let user = load_user(&own, max, &keys)
            .await
            .expect("the victim's session");
        assert_eq!(user.credential.public_id(), "victimky");
    }

    #[tokio::test]
    async fn a_save_never_brings_back_a_deleted_session() {
        let store = SweptMemoryStore::default();
        let mut held = record(time::Duration::minutes(30));
        store.create(&mut held).await.unwrap();
        store.delete(&held.id).await.unwrap();
        store.save(&held).await.unwrap();
        assert_eq!(store.load(&held.id).await.unwrap(), None);
        assert!(store.is_empty().await);
    }

    #[tokio::test]
    async fn debug_shows_no_record() {
        let store = SweptMemoryStore::default();
        let mut held = record(time::Duration::minutes(30));
        held.data.insert(
            "user".into(),
            serde_json::json!({"private_key": "s3cr3t-key"}),
        );
        store.create(&mut held).await.unwrap();
        let shown = format!("{store:?}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
    }

    #[tokio::test]
    async fn expired_sessions_are_not_loaded_and_are_swept() {
        let store = SweptMemoryStore::default();
        let mut live = record(time::Duration::minutes(30));
        let mut gone = record(-time::Duration::seconds(1));
        store.create(&mut live).await.unwrap();
        store.create(&mut gone).await.unwrap();

        assert_eq!(store.load(&gone.id).await.unwrap(), None);
        assert_eq!(store.len().await, 2, "load alone does not forget it");
        assert_eq!(store.delete_expired().await, 1);
        assert_eq!(store.len().await, 1);
        assert_eq!(store.load(&live.id).await.unwrap(), Some(live));
    }

    #[tokio::test]
    async fn the_sweeper_runs_on_its_own_and_stops_with_the_store() {
        let tasks = || {
            tokio::runtime::Handle::current()
                .metrics()
                .num_alive_tasks()
        };
        let period = Duration::from_millis(10);
        let store = SweptMemoryStore::swept_every(period);
        assert_eq!(tasks(), 1, "the sweeper");
        let mut gone = record(-time::Duration::seconds(1));
        store.create(&mut gone).await.unwrap();
        tokio::time::sleep(period * 20).await;
        assert!(store.is_empty().await);

        drop(store);
        tokio::time::sleep(period * 20).await;
        assert_eq!(tasks(), 0, "the sweeper ends once the store is gone");
    }
}
