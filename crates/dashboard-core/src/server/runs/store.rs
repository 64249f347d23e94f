//! What a fleet run is kept as, and where: this process's memory (with the in-memory session
//! store: runs end with the process, as its sessions do), or Redis (with the Redis session
//! store: any replica reads any run, and a run outlives the replica that worked it).
//!
//! A run is four parts, so that each write rewrites only what changes:
//!
//! - its bookkeeping ([`Meta`]): the session and credential it belongs to (as hashes), its
//!   phase, whether it was asked to stop, the replica working it and until when (a lease),
//!   its size. In Redis, in clear: nothing in it is a secret or an id a person could use;
//! - its view as previewed (the projects, their names, what each would change): fixed;
//! - its steps ([`Step`]): per project, where its write stands; rewritten as each moves;
//! - its work ([`Work`]): what the writes need (the session's id, the configuration given,
//!   once per run, and what the preview read in each project), dropped once nothing is left
//!   to send or retry.
//!
//! In Redis each part is a field of one hash per part (`REDIS_KEYS`), the last three sealed
//! with the session keys and bound to the run's id and part; every change is one Lua script,
//! so two replicas never undo each other's change.
//!
//! Bounds (docs/fleet-runs.md): [`MAX_RUNS_PER_CREDENTIAL`] per credential (its oldest run
//! not running makes room; another credential's run never does), [`MAX_RUNS`] in all,
//! [`MAX_RUN_BYTES`] per run and [`MAX_TOTAL_BYTES`] in all; a run not running is dropped
//! [`RUN_TTL`] after it was last looked at.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use tower_sessions_redis_store::fred::prelude::Pool;

use super::model::{
    now_ms, principal, random_id, Claim, Loaded, Meta, NewRun, Owner, Save, Step, Work, LEASE,
    MAX_RUNS, MAX_RUNS_PER_CREDENTIAL, MAX_RUN_BYTES, MAX_TOTAL_BYTES, RUN_TTL,
};
use super::redis::RedisRuns;
use crate::error::AppError;
use crate::fleet_run::{Phase, RunView, Stop};
use crate::i18n::{tf, Key};
use crate::server::sealing::SessionKeys;

/// Where fleet runs are kept, and this replica's name as the holder of the runs it works.
#[derive(Clone)]
pub struct RunStore {
    backend: Backend,
    holder: Arc<str>,
}

#[derive(Clone)]
enum Backend {
    Memory(Arc<Mutex<HashMap<String, Held>>>),
    Redis(RedisRuns),
}

/// A run in this process's memory.
struct Held {
    meta: Meta,
    view: RunView,
    steps: Vec<Step>,
    work: Option<Work>,
}

impl Default for RunStore {
    fn default() -> Self {
        RunStore::memory()
    }
}

/// Why a run is not kept: too many of this credential's are running.
fn refusal_quota() -> AppError {
    AppError::BadRequest(tf(
        Key::RefusalRunsInProgress,
        &[("max", &MAX_RUNS_PER_CREDENTIAL.to_string())],
    ))
}

/// Why a run is not kept: the dashboard holds as much as it may.
fn refusal_full() -> AppError {
    AppError::BadRequest(tf(Key::RefusalRunsFull, &[]))
}

fn refusal_too_large(bytes: u64) -> AppError {
    let mib = |b: u64| format!("{:.1}", b as f64 / (1u64 << 20) as f64);
    AppError::BadRequest(tf(
        Key::RefusalRunTooLarge,
        &[("size", &mib(bytes)), ("max", &mib(MAX_RUN_BYTES))],
    ))
}

impl RunStore {
    pub fn memory() -> Self {
        Self::with(Backend::Memory(Arc::default()))
    }

    /// In Redis, beside the sessions, sealed with their keys.
    pub fn redis(pool: Pool, keys: Arc<SessionKeys>) -> Self {
        Self::with(Backend::Redis(RedisRuns::new(pool, keys)))
    }

    fn with(backend: Backend) -> Self {
        RunStore {
            backend,
            holder: random_id().into(),
        }
    }

    /// This replica's name as a run's holder (random: a restarted replica is another one).
    pub fn holder(&self) -> &str {
        &self.holder
    }

    /// Whether runs outlive this process (and another replica may take one over).
    pub fn is_shared(&self) -> bool {
        matches!(self.backend, Backend::Redis(_))
    }

    /// Keeps a previewed run under a new random id (returned), within the bounds: the
    /// credential's oldest run that is not running makes room for its new one; a run of
    /// another credential never does.
    pub async fn insert(&self, new: NewRun) -> Result<String, AppError> {
        let id = random_id();
        let steps = vec![Step::waiting(); new.view.items.len()];
        let meta = |bytes| Meta {
            owner: new.owner.hashed(),
            who: principal(&new.public_id),
            phase: Phase::Previewed,
            stop: None,
            touched: now_ms(),
            lease: String::new(),
            lease_until: 0,
            bytes,
        };
        match &self.backend {
            Backend::Memory(runs) => {
                let bytes = memory_size(&new.view, &steps, Some(&new.work));
                if bytes > MAX_RUN_BYTES {
                    return Err(refusal_too_large(bytes));
                }
                let meta = meta(bytes);
                let mut runs = lock(runs);
                make_room(&mut runs, &meta)?;
                runs.insert(
                    id.clone(),
                    Held {
                        meta,
                        view: new.view,
                        steps,
                        work: Some(new.work),
                    },
                );
                Ok(id)
            }
            Backend::Redis(redis) => {
                let sealed = redis.seal_new(&id, &new.view, &steps, &new.work)?;
                let bytes = sealed.bytes();
                if bytes > MAX_RUN_BYTES {
                    return Err(refusal_too_large(bytes));
                }
                match redis.insert(&id, &meta(bytes), &sealed).await?.as_str() {
                    "ok" => Ok(id),
                    "quota" => Err(refusal_quota()),
                    _ => Err(refusal_full()),
                }
            }
        }
    }

    /// The run `id` of `owner` (any owner: `None`), with its work when asked for; looking
    /// at it keeps it (its idle time starts again).
    pub async fn load(
        &self,
        id: &str,
        owner: Option<&Owner>,
        with_work: bool,
    ) -> Result<Option<Loaded>, AppError> {
        match &self.backend {
            Backend::Memory(runs) => {
                let mut runs = lock(runs);
                let Some(held) = runs.get_mut(id).filter(|h| owns(owner, &h.meta)) else {
                    return Ok(None);
                };
                held.meta.touched = now_ms();
                let work = with_work.then(|| held.work.clone()).flatten();
                Ok(Some(Loaded::from_parts(
                    id,
                    &held.meta,
                    held.view.clone(),
                    held.steps.clone(),
                    work,
                )))
            }
            Backend::Redis(redis) => redis.load(id, owner, with_work).await,
        }
    }

    /// Takes hold of run `id` (of `owner`; any: `None`) if it is in phase `from` and no other
    /// replica holds it, and moves it to `to`. A run moved to another phase is no longer
    /// asked to stop (a retry after a cancel sends again).
    pub async fn claim(
        &self,
        id: &str,
        holder: &str,
        owner: Option<&Owner>,
        from: Phase,
        to: Phase,
    ) -> Result<Claim, AppError> {
        match &self.backend {
            Backend::Memory(runs) => {
                let mut runs = lock(runs);
                let Some(held) = runs.get_mut(id).filter(|h| owns(owner, &h.meta)) else {
                    return Ok(Claim::Missing);
                };
                let now = now_ms();
                let meta = &mut held.meta;
                let taken =
                    !meta.lease.is_empty() && meta.lease != holder && meta.lease_until > now;
                if meta.phase != from || taken {
                    return Ok(Claim::NotNow);
                }
                meta.lease = holder.to_string();
                meta.lease_until = now + LEASE.as_millis() as i64;
                if from != to {
                    meta.stop = None;
                }
                meta.phase = to;
                meta.touched = now;
                Ok(Claim::Claimed(Box::new(Loaded::from_parts(
                    id,
                    meta,
                    held.view.clone(),
                    held.steps.clone(),
                    held.work.clone(),
                ))))
            }
            Backend::Redis(redis) => redis.claim(id, holder, owner, from, to).await,
        }
    }

    /// Runs that are running with no replica holding them (the one that did was killed).
    pub async fn lapsed(&self) -> Result<Vec<String>, AppError> {
        match &self.backend {
            Backend::Memory(runs) => {
                let now = now_ms();
                Ok(lock(runs)
                    .iter()
                    .filter(|(_, h)| h.meta.phase == Phase::Running && h.meta.lease_until <= now)
                    .map(|(id, _)| id.clone())
                    .collect())
            }
            Backend::Redis(redis) => redis.lapsed().await,
        }
    }

    /// Writes the steps (and maybe a phase) of run `id`, if `holder` still holds it: `false`
    /// when it does not (another replica took the run over), and the caller stops.
    pub async fn save(&self, id: &str, holder: &str, save: Save<'_>) -> Result<bool, AppError> {
        match &self.backend {
            Backend::Memory(runs) => {
                let mut runs = lock(runs);
                let Some(held) = runs.get_mut(id).filter(|h| h.meta.lease == holder) else {
                    return Ok(false);
                };
                held.steps = save.steps.to_vec();
                if save.drop_work {
                    held.work = None;
                }
                apply_phase(&mut held.meta, save.phase);
                held.meta.bytes = memory_size(&held.view, &held.steps, held.work.as_ref());
                Ok(true)
            }
            Backend::Redis(redis) => redis.save(id, holder, save).await,
        }
    }

    /// Renews `holder`'s hold on run `id`: `false` when it no longer has it.
    pub async fn renew(&self, id: &str, holder: &str) -> Result<bool, AppError> {
        match &self.backend {
            Backend::Memory(runs) => {
                let mut runs = lock(runs);
                let Some(held) = runs.get_mut(id).filter(|h| h.meta.lease == holder) else {
                    return Ok(false);
                };
                held.meta.lease_until = now_ms() + LEASE.as_millis() as i64;
                held.meta.touched = now_ms();
                Ok(true)
            }
            Backend::Redis(redis) => redis.renew(id, holder).await,
        }
    }

    /// Asks run `id` of `owner` (any: `None`) to stop, if it is running: `false` otherwise.
    /// The replica working it sees this before its next write.
    pub async fn stop(&self, id: &str, owner: Option<&Owner>, why: Stop) -> Result<bool, AppError> {
        match &self.backend {
            Backend::Memory(runs) => {
                let mut runs = lock(runs);
                let Some(held) = runs.get_mut(id).filter(|h| owns(owner, &h.meta)) else {
                    return Ok(false);
                };
                if held.meta.phase != Phase::Running {
                    return Ok(false);
                }
                held.meta.stop.get_or_insert(why);
                Ok(true)
            }
            Backend::Redis(redis) => redis.stop(id, owner, why).await,
        }
    }

    /// Whether run `id` was asked to stop.
    pub async fn stop_asked(&self, id: &str) -> Result<Option<Stop>, AppError> {
        match &self.backend {
            Backend::Memory(runs) => Ok(lock(runs).get(id).and_then(|h| h.meta.stop)),
            Backend::Redis(redis) => redis.stop_asked(id).await,
        }
    }

    /// What every run takes together, and how many there are (for tests and the bench).
    pub async fn usage(&self) -> Result<(usize, u64), AppError> {
        match &self.backend {
            Backend::Memory(runs) => {
                let runs = lock(runs);
                Ok((runs.len(), runs.values().map(|h| h.meta.bytes).sum()))
            }
            Backend::Redis(redis) => redis.usage().await,
        }
    }
}

fn lock(runs: &Mutex<HashMap<String, Held>>) -> MutexGuard<'_, HashMap<String, Held>> {
    runs.lock().unwrap_or_else(|e| e.into_inner())
}

fn owns(owner: Option<&Owner>, meta: &Meta) -> bool {
    owner.is_none_or(|o| o.hashed() == meta.owner)
}

/// A new phase; finishing lets go of the hold.
pub(super) fn apply_phase(meta: &mut Meta, phase: Option<Phase>) {
    if let Some(phase) = phase {
        meta.phase = phase;
    }
    if meta.phase == Phase::Finished {
        meta.lease.clear();
        meta.lease_until = 0;
    }
    meta.touched = now_ms();
}

/// A run's size in memory: its parts as JSON (what Redis would hold, before sealing).
fn memory_size(view: &RunView, steps: &[Step], work: Option<&Work>) -> u64 {
    let len = |v: serde_json::Result<Vec<u8>>| v.map_or(0, |v| v.len() as u64);
    len(serde_json::to_vec(view))
        + len(serde_json::to_vec(steps))
        + work.map_or(0, |w| len(serde_json::to_vec(w)))
}

/// Drops expired runs, then makes room for `new` within the bounds, or refuses.
fn make_room(runs: &mut HashMap<String, Held>, new: &Meta) -> Result<(), AppError> {
    let now = now_ms();
    let ttl = RUN_TTL.as_millis() as i64;
    runs.retain(|_, h| h.meta.phase == Phase::Running || now - h.meta.touched <= ttl);
    let mine = runs.values().filter(|h| h.meta.who == new.who).count();
    if mine >= MAX_RUNS_PER_CREDENTIAL {
        let oldest = runs
            .iter()
            .filter(|(_, h)| h.meta.who == new.who && h.meta.phase != Phase::Running)
            .min_by_key(|(_, h)| h.meta.touched)
            .map(|(id, _)| id.clone());
        match oldest {
            Some(id) => {
                runs.remove(&id);
            }
            None => return Err(refusal_quota()),
        }
    }
    let total: u64 = runs.values().map(|h| h.meta.bytes).sum();
    if runs.len() >= MAX_RUNS || total + new.bytes > MAX_TOTAL_BYTES {
        return Err(refusal_full());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    use super::super::model::{is_run_id, Kept};
    use crate::fleet_run::{ApplyMode, ItemView, Operation, Plan, Progress};
    use atlas_registry::{FieldValue, Integration, IntegrationKind};

    fn new_run(session: &str, public_id: &str, projects: usize) -> NewRun {
        let kind = IntegrationKind::Datadog;
        NewRun {
            owner: Owner::of_session(session),
            public_id: public_id.into(),
            view: RunView {
                id: String::new(),
                kind,
                operation: Operation::Apply(ApplyMode::CreateOnly),
                phase: Phase::Previewed,
                stop: None,
                items: (0..projects)
                    .map(|i| ItemView {
                        group_id: format!("{i:024x}"),
                        name: format!("p{i}"),
                        plan: Plan::Create(Vec::new()),
                        progress: Progress::Waiting,
                    })
                    .collect(),
            },
            work: Work {
                session_id: session.into(),
                given: Kept(Integration::new(kind)),
                before: vec![None; projects],
            },
        }
    }

    async fn start(store: &RunStore, id: &str, owner: &Owner) {
        let claim = store
            .claim(id, "me", Some(owner), Phase::Previewed, Phase::Running)
            .await
            .unwrap();
        assert!(matches!(claim, Claim::Claimed(_)));
    }

    #[tokio::test]
    async fn a_run_is_found_by_its_session_only() {
        let store = RunStore::memory();
        let id = store.insert(new_run("a", "key", 2)).await.unwrap();
        assert!(is_run_id(&id), "{id}");
        let (me, other) = (Owner::of_session("a"), Owner::of_session("b"));
        assert!(store.load(&id, Some(&me), false).await.unwrap().is_some());
        assert!(store
            .load(&id, Some(&other), false)
            .await
            .unwrap()
            .is_none());
        assert!(matches!(
            store
                .claim(&id, "me", Some(&other), Phase::Previewed, Phase::Running)
                .await
                .unwrap(),
            Claim::Missing
        ));
    }

    /// A credential's runs make room for its own new one, never another credential's: with
    /// every place of one credential running, its next run is refused and the other's kept.
    #[tokio::test]
    async fn the_quota_is_per_credential_and_never_evicts_another_credentials_run() {
        let store = RunStore::memory();
        let theirs = store.insert(new_run("s2", "other", 1)).await.unwrap();
        let mut mine = Vec::new();
        for _ in 0..MAX_RUNS_PER_CREDENTIAL {
            mine.push(store.insert(new_run("s1", "key", 1)).await.unwrap());
            // "Oldest" is by the time last looked at, in milliseconds.
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        // A ninth previewed run of the same credential replaces its own oldest.
        let ninth = store.insert(new_run("s1", "key", 1)).await.unwrap();
        let me = Owner::of_session("s1");
        assert!(store
            .load(&mine[0], Some(&me), false)
            .await
            .unwrap()
            .is_none());
        assert!(store
            .load(&ninth, Some(&me), false)
            .await
            .unwrap()
            .is_some());
        // All of them running: refused, and nothing dropped, the other credential's included.
        for id in mine.iter().skip(1).chain([&ninth]) {
            start(&store, id, &me).await;
        }
        let refused = store.insert(new_run("s1", "key", 1)).await;
        assert!(
            matches!(refused, Err(AppError::BadRequest(_))),
            "{refused:?}"
        );
        let them = Owner::of_session("s2");
        assert!(store
            .load(&theirs, Some(&them), false)
            .await
            .unwrap()
            .is_some());
        assert_eq!(store.usage().await.unwrap().0, MAX_RUNS_PER_CREDENTIAL + 1);
    }

    #[tokio::test]
    async fn a_run_too_large_is_refused_with_its_size() {
        let store = RunStore::memory();
        let mut run = new_run("a", "key", 1);
        run.work.given.0.values.insert(
            "apiKey".into(),
            FieldValue::Text("x".repeat(MAX_RUN_BYTES as usize + 1)),
        );
        match store.insert(run).await {
            Err(AppError::BadRequest(message)) => assert!(message.contains("MB"), "{message}"),
            other => panic!("{:?}", other.map(|_| ())),
        }
        assert_eq!(store.usage().await.unwrap().0, 0);
    }

    /// Only the holder writes; a stop is seen; finishing lets go, and a retry claims again.
    #[tokio::test]
    async fn only_the_holder_saves_and_a_stop_is_seen() {
        let store = RunStore::memory();
        let owner = Owner::of_session("a");
        let id = store.insert(new_run("a", "key", 2)).await.unwrap();
        start(&store, &id, &owner).await;
        let steps = vec![Step::waiting(); 2];
        let save = |phase| Save {
            steps: &steps,
            phase,
            drop_work: false,
        };
        assert!(!store.save(&id, "other", save(None)).await.unwrap());
        assert!(store.save(&id, "me", save(None)).await.unwrap());
        assert!(store
            .stop(&id, Some(&owner), Stop::Cancelled)
            .await
            .unwrap());
        assert_eq!(store.stop_asked(&id).await.unwrap(), Some(Stop::Cancelled));
        assert!(store
            .save(&id, "me", save(Some(Phase::Finished)))
            .await
            .unwrap());
        // Finished: nothing to stop; a retry's claim takes it and clears the stop.
        assert!(!store
            .stop(&id, Some(&owner), Stop::Cancelled)
            .await
            .unwrap());
        let claim = store
            .claim(&id, "other", Some(&owner), Phase::Finished, Phase::Running)
            .await
            .unwrap();
        let Claim::Claimed(run) = claim else {
            panic!("not claimed")
        };
        assert_eq!(run.view.stop, None);
        assert!(run.work.is_some());
    }
}
