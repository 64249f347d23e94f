//! The fleet runs of this process, kept for the session that started them, so that closing
//! or reloading the page loses nothing: the page finds its run again by id. A run's id is
//! random (128 bits) and bound to the session's id (kept hashed): another session, or
//! someone who only knows the id, gets "not found".
//!
//! A run holds, until each project is written, the configuration to send, secrets in clear:
//! server memory only, never the browser. Memory is bounded: so many runs per session and in
//! all, each of at most `fleet::MAX_PROJECTS_PER_RUN` projects; a run not running is dropped
//! once untouched for `RUN_TTL` (the session's idle timeout by default) or when a newer one
//! needs its place. A run in progress is never dropped. Runs live in this process: with
//! several replicas, the page must come back to the one that started it (sticky sessions).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use atlas_registry::Integration;
use sha2::{Digest, Sha256};

use crate::error::AppError;
use crate::fleet::{Phase, RunView};

/// Runs kept per session, and in all.
pub const MAX_RUNS_PER_SESSION: usize = 8;
pub const MAX_RUNS: usize = 128;
/// A run that is not running is dropped this long after it was last looked at.
pub const RUN_TTL: Duration = Duration::from_secs(30 * 60);

/// One project of a run, as the server keeps it.
pub struct RunItem {
    /// What to send (secrets in clear); dropped once written or left out.
    pub payload: Option<Integration>,
    /// The configuration the preview read (secrets masked), to check the update's answer.
    pub before: Option<Integration>,
    /// A POST was sent that got no readable answer: Atlas may have applied it, so a retry
    /// reads before it writes and never repeats that POST blindly.
    pub post_unconfirmed: bool,
    /// A POST was sent at all: a retry reads first, whatever its answer was.
    pub posted: bool,
}

/// A run: what the page sees, and per project what the server keeps besides.
pub struct FleetRun {
    pub view: RunView,
    pub items: Vec<RunItem>,
}

pub type SharedRun = Arc<Mutex<FleetRun>>;

/// Locks a run. Never held across an `.await`: the engine takes what it needs and lets go.
pub fn lock(run: &SharedRun) -> MutexGuard<'_, FleetRun> {
    run.lock().unwrap_or_else(|e| e.into_inner())
}

/// The session a run belongs to: SHA-256 of its id, so the registry holds no session id.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Owner([u8; 32]);

impl Owner {
    pub fn of_session(session_id: &str) -> Self {
        Owner(Sha256::digest(session_id.as_bytes()).into())
    }
}

struct Held {
    owner: Owner,
    touched: Instant,
    run: SharedRun,
}

impl Held {
    fn running(&self) -> bool {
        lock(&self.run).view.phase == Phase::Running
    }
}

#[derive(Default)]
pub struct RunRegistry {
    runs: Mutex<HashMap<String, Held>>,
}

impl RunRegistry {
    fn held(&self) -> MutexGuard<'_, HashMap<String, Held>> {
        self.runs.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps `run` for `owner` under a new random id (written into its view), making room by
    /// dropping expired runs, then the owner's oldest, then anyone's oldest that is not
    /// running. Refused when every place is taken by a running run.
    pub fn insert(&self, owner: Owner, mut run: FleetRun) -> Result<SharedRun, AppError> {
        let mut runs = self.held();
        let now = Instant::now();
        runs.retain(|_, h| h.running() || now.duration_since(h.touched) < RUN_TTL);
        let mine = runs.values().filter(|h| h.owner == owner).count();
        if mine >= MAX_RUNS_PER_SESSION && !evict_oldest(&mut runs, Some(owner)) {
            return Err(AppError::BadRequest(crate::i18n::tf(
                crate::i18n::Key::RefusalRunsInProgress,
                &[("max", &MAX_RUNS_PER_SESSION.to_string())],
            )));
        }
        if runs.len() >= MAX_RUNS && !evict_oldest(&mut runs, None) {
            return Err(AppError::RateLimited {
                retry_after_secs: Some(60),
            });
        }
        let id = random_id();
        run.view.id = id.clone();
        let run = Arc::new(Mutex::new(run));
        runs.insert(
            id,
            Held {
                owner,
                touched: now,
                run: run.clone(),
            },
        );
        Ok(run)
    }

    /// The owner's run, or `None` (unknown, expired, or another session's).
    pub fn get(&self, owner: Owner, id: &str) -> Option<SharedRun> {
        let mut runs = self.held();
        let held = runs.get_mut(id).filter(|h| h.owner == owner)?;
        held.touched = Instant::now();
        Some(held.run.clone())
    }

    /// How many runs are kept (for tests of the bounds).
    pub fn len(&self) -> usize {
        self.held().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Drops the least recently touched run that is not running (of `owner`, or anyone's).
fn evict_oldest(runs: &mut HashMap<String, Held>, owner: Option<Owner>) -> bool {
    let oldest = runs
        .iter()
        .filter(|(_, h)| owner.is_none_or(|o| h.owner == o) && !h.running())
        .min_by_key(|(_, h)| h.touched)
        .map(|(id, _)| id.clone());
    match oldest {
        Some(id) => runs.remove(&id).is_some(),
        None => false,
    }
}

/// 128 random bits, hex.
fn random_id() -> String {
    use chacha20poly1305::aead::rand_core::RngCore;
    let mut bytes = [0u8; 16];
    chacha20poly1305::aead::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `id` looks like one of ours (checked before the registry is asked).
pub fn is_run_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::{ApplyMode, Operation};
    use atlas_registry::IntegrationKind;

    fn run(phase: Phase) -> FleetRun {
        FleetRun {
            view: RunView {
                id: String::new(),
                kind: IntegrationKind::Datadog,
                operation: Operation::Apply(ApplyMode::CreateOnly),
                phase,
                items: Vec::new(),
            },
            items: Vec::new(),
        }
    }

    #[test]
    fn a_run_is_found_by_its_session_only() {
        let registry = RunRegistry::default();
        let (me, other) = (Owner::of_session("a"), Owner::of_session("b"));
        let shared = registry.insert(me, run(Phase::Previewed)).unwrap();
        let id = lock(&shared).view.id.clone();
        assert!(is_run_id(&id), "{id}");
        assert!(registry.get(me, &id).is_some());
        assert!(registry.get(other, &id).is_none());
        assert!(registry.get(me, "0000").is_none());
    }

    #[test]
    fn bounded_per_session_and_running_runs_are_kept() {
        let registry = RunRegistry::default();
        let me = Owner::of_session("a");
        let mut ids = Vec::new();
        for _ in 0..MAX_RUNS_PER_SESSION {
            let shared = registry.insert(me, run(Phase::Running)).unwrap();
            ids.push(lock(&shared).view.id.clone());
        }
        // Every place is taken by a running run: refused, nothing dropped.
        assert!(registry.insert(me, run(Phase::Previewed)).is_err());
        assert_eq!(registry.len(), MAX_RUNS_PER_SESSION);
        // One finishes: it makes room for the next.
        lock(&registry.get(me, &ids[3]).unwrap()).view.phase = Phase::Finished;
        assert!(registry.insert(me, run(Phase::Previewed)).is_ok());
        assert!(registry.get(me, &ids[3]).is_none());
        assert_eq!(registry.len(), MAX_RUNS_PER_SESSION);
    }
}
