//! Where sessions live: this process's memory (the default: one machine, a restart signs
//! everyone out), or Redis, shared by every replica and surviving restarts. Either way the
//! user's record is sealed before the store sees it (`server::sealing`).
//!
//! Redis is the tower-sessions project's own store, `tower-sessions-redis-store`: it sets each
//! record's Redis expiry to the session's expiry date (idle timeout, capped at the absolute
//! lifetime: `server::session`), and logout deletes the record. One thing is added around it:
//! a session id is the cookie's value, so the Redis key is a SHA-256 of it rather than the id
//! itself, and someone who can read Redis (or a dump of it) finds no cookie to replay.

use async_trait::async_trait;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use tower_sessions::session::{Id, Record};
use tower_sessions::{session_store, SessionStore};

use tower_sessions_redis_store::fred::interfaces::{ClientLike, KeysInterface, ServerInterface};
use tower_sessions_redis_store::fred::prelude::{Builder, Config, Pool, ReconnectPolicy};
use tower_sessions_redis_store::RedisStore;

use super::session_store::SweptMemoryStore;
use crate::server::journal::{self, Journal};
use crate::server::runs::{self, RunStore};
use crate::server::SessionKeys;

/// The session store the dashboard was configured with.
#[derive(Clone, Debug)]
pub enum DashboardStore {
    Memory(SweptMemoryStore),
    Redis {
        store: HashedIds<RedisStore<Pool>>,
        /// The same connections, for what the store does not offer (counting sessions).
        pool: Pool,
    },
}

/// Connections to Redis the store keeps open.
const REDIS_POOL_SIZE: usize = 4;
/// The longest a session lookup or save waits for Redis.
const REDIS_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3);

impl DashboardStore {
    /// Connects to Redis at `url` (`redis://`, `rediss://` for TLS, with a database number
    /// and password as Redis URLs have them), failing at once when it does not answer.
    pub async fn redis(url: &str) -> anyhow::Result<Self> {
        let config = Config::from_url(url)
            .map_err(|e| anyhow::anyhow!("--session-store: not a Redis URL ({})", e.details()))?;
        let pool = Builder::from_config(config)
            // A store that does not answer fails the request (and /readyz) within this,
            // rather than holding it.
            .with_performance_config(|c| c.default_command_timeout = REDIS_TIMEOUT)
            .with_connection_config(|c| c.connection_timeout = REDIS_TIMEOUT)
            // Redis restarted or briefly unreachable: reconnect, forever, at most 2 s apart.
            .set_policy(ReconnectPolicy::new_exponential(0, 100, 2_000, 2))
            .build_pool(REDIS_POOL_SIZE)?;
        let connect = async {
            pool.init().await?;
            pool.ping::<()>(None).await
        };
        match tokio::time::timeout(std::time::Duration::from_secs(10), connect).await {
            Ok(Ok(())) => Ok(DashboardStore::Redis {
                store: HashedIds(RedisStore::new(pool.clone())),
                pool,
            }),
            Ok(Err(e)) => anyhow::bail!("the Redis session store does not answer: {}", e.details()),
            Err(_) => anyhow::bail!("the Redis session store does not answer within 10 s"),
        }
    }

    /// `memory` or `redis`, for the log.
    pub fn kind(&self) -> &'static str {
        match self {
            DashboardStore::Memory(_) => "memory",
            DashboardStore::Redis { .. } => "redis",
        }
    }

    /// Sessions held, expired ones the store has not dropped yet included: for the metrics.
    /// With Redis, the keys of its database, which should hold nothing but sessions, the
    /// journal's one key and the fleet runs' four.
    pub async fn count(&self) -> Option<u64> {
        match self {
            DashboardStore::Memory(store) => Some(store.len().await as u64),
            DashboardStore::Redis { pool, .. } => {
                let keys: u64 = pool.dbsize().await.ok()?;
                let mut ours = vec![journal::REDIS_KEY];
                ours.extend(runs::REDIS_KEYS);
                let ours: u64 = pool.exists(ours).await.ok()?;
                Some(keys.saturating_sub(ours))
            }
        }
    }

    /// The journal of the dashboard's writes, kept where the sessions are (Redis entries
    /// sealed with `keys`).
    pub fn journal(&self, keys: Arc<SessionKeys>) -> Journal {
        match self {
            DashboardStore::Memory(_) => Journal::memory(),
            DashboardStore::Redis { pool, .. } => Journal::redis(pool.clone(), keys),
        }
    }
}

impl DashboardStore {
    /// The fleet runs' store when it is not this process's memory (Redis: sealed with
    /// `keys`); `None` keeps the state's own.
    pub fn runs(&self, keys: Arc<SessionKeys>) -> Option<RunStore> {
        match self {
            DashboardStore::Memory(_) => None,
            DashboardStore::Redis { pool, .. } => Some(RunStore::redis(pool.clone(), keys)),
        }
    }
}

#[async_trait]
impl SessionStore for DashboardStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            DashboardStore::Memory(s) => s.create(record).await,
            DashboardStore::Redis { store, .. } => store.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            DashboardStore::Memory(s) => s.save(record).await,
            DashboardStore::Redis { store, .. } => store.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            DashboardStore::Memory(s) => s.load(id).await,
            DashboardStore::Redis { store, .. } => store.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            DashboardStore::Memory(s) => s.delete(id).await,
            DashboardStore::Redis { store, .. } => store.delete(id).await,
        }
    }
}

/// A store whose records are kept under a hash of the session id (module docs).
#[derive(Clone, Debug)]
pub struct HashedIds<S>(S);

fn hashed(id: &Id) -> Id {
    let digest = Sha256::new()
        .chain_update(b"atlas-integrations session id v1:")
        .chain_update(id.0.to_le_bytes())
        .finalize();
    let mut half = [0u8; 16];
    half.copy_from_slice(&digest[..16]);
    Id(i128::from_le_bytes(half))
}

fn stored(record: &Record) -> Record {
    Record {
        id: hashed(&record.id),
        ..record.clone()
    }
}

#[async_trait]
impl<S: SessionStore> SessionStore for HashedIds<S> {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        loop {
            let mut held = stored(record);
            let wanted = held.id;
            self.0.create(&mut held).await?;
            if held.id == wanted {
                return Ok(());
            }
            // The inner store met a taken key and chose another, which is not the hash of
            // any id: drop it and start over with a new id (128-bit ids: never in practice).
            self.0.delete(&held.id).await?;
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.0.save(&stored(record)).await
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let record = self.0.load(&hashed(id)).await?;
        Ok(record.map(|r| Record { id: *id, ..r }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.0.delete(&hashed(id)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn records_are_kept_under_a_hash_of_their_id() {
        let inner = SweptMemoryStore::default();
        let store = HashedIds(inner.clone());
        let mut record = Record {
            id: Id::default(),
            data: Default::default(),
            expiry_date: time::OffsetDateTime::now_utc() + time::Duration::minutes(5),
        };
        store.create(&mut record).await.unwrap();
        let id = record.id;
        assert_eq!(
            inner.load(&id).await.unwrap(),
            None,
            "not under the id itself"
        );
        let held = inner
            .load(&hashed(&id))
            .await
            .unwrap()
            .expect("under its hash");
        assert_ne!(held.id, id);
        assert_eq!(store.load(&id).await.unwrap().map(|r| r.id), Some(id));
        store.save(&record).await.unwrap();
        store.delete(&id).await.unwrap();
        assert_eq!(inner.load(&hashed(&id)).await.unwrap(), None);
        assert_eq!(store.load(&id).await.unwrap(), None);
    }
}
