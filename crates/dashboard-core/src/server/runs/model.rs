//! What a fleet run is made of, as `store` keeps it (its module docs say where and why in
//! parts), and the bounds that apply to it.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use atlas_registry::{FieldValue, Integration, IntegrationKind};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::fleet_run::{Phase, Progress, RunView, Stop};

/// Runs kept per credential (its public id), running or not.
pub const MAX_RUNS_PER_CREDENTIAL: usize = 8;
/// Runs kept in all.
pub const MAX_RUNS: usize = 128;
/// The most one run may take, its view, steps and work together (sealed, in Redis).
pub const MAX_RUN_BYTES: u64 = 8 << 20;
/// The most every run together may take.
pub const MAX_TOTAL_BYTES: u64 = 256 << 20;
/// A run that is not running is dropped this long after it was last looked at.
pub const RUN_TTL: Duration = Duration::from_secs(30 * 60);
/// How long a replica's hold on a run lasts unless renewed: after a kill, the longest a run
/// waits before another replica takes it over (plus one look for lapsed runs).
pub const LEASE: Duration = Duration::from_secs(6);

/// The session a run belongs to, for reading: a hash of its id, so the store holds no id a
/// browser could present.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner(String);

impl Owner {
    pub fn of_session(session_id: &str) -> Self {
        Owner(hash("atlas-integrations run owner v1:", session_id))
    }

    /// As the store keeps it.
    pub fn hashed(&self) -> String {
        self.0.clone()
    }
}

/// The credential a run counts against, for the quotas: a hash of its public id.
pub fn principal(public_id: &str) -> String {
    hash("atlas-integrations run principal v1:", public_id)
}

fn hash(context: &str, value: &str) -> String {
    Sha256::new()
        .chain_update(context.as_bytes())
        .chain_update(value.as_bytes())
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A run's bookkeeping. In Redis this is read and changed by Lua scripts (`redis`): the
/// field names are theirs too.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    pub owner: String,
    pub who: String,
    pub phase: Phase,
    pub stop: Option<Stop>,
    /// Unix milliseconds it was last looked at or written.
    pub touched: i64,
    /// The replica working it (`""`: none), and until when its hold lasts (Unix ms).
    pub lease: String,
    pub lease_until: i64,
    pub bytes: u64,
}

/// Where one project's write stands, and what a later try must know about it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub progress: Progress,
    /// A POST was sent: a later try (a retry of the failed, or a takeover) reads first.
    pub posted: bool,
    /// That POST got no readable answer: Atlas may have applied it.
    pub unconfirmed: bool,
}

impl Step {
    pub fn waiting() -> Self {
        Step {
            progress: Progress::Waiting,
            posted: false,
            unconfirmed: false,
        }
    }
}

/// What a run's writes need, kept until nothing is left to send or retry.
#[derive(Clone, Serialize, Deserialize)]
pub struct Work {
    /// The session that started the run: its credential writes, and its end stops the run.
    pub session_id: String,
    /// The configuration given (secrets in clear), once for every project.
    pub given: Kept,
    /// Per project, what the preview read there (secrets masked as Atlas returns them).
    pub before: Vec<Option<Kept>>,
}

/// An [`Integration`] as a run keeps it. The registry's type has no serde on purpose (it
/// holds secrets); this wrapper is only ever written sealed, or in this process's memory.
#[derive(Clone)]
pub struct Kept(pub Integration);

#[derive(Serialize, Deserialize)]
struct KeptFields {
    kind: IntegrationKind,
    id: Option<String>,
    values: BTreeMap<String, FieldValue>,
    cleared: BTreeSet<String>,
}

impl Serialize for Kept {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let i = &self.0;
        KeptFields {
            kind: i.kind,
            id: i.id.clone(),
            values: i.values.clone(),
            cleared: i.cleared.clone(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Kept {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let f = KeptFields::deserialize(d)?;
        let mut i = Integration::new(f.kind);
        i.id = f.id;
        i.values = f.values;
        i.cleared = f.cleared;
        Ok(Kept(i))
    }
}

/// A previewed run, to keep.
pub struct NewRun {
    pub owner: Owner,
    /// The public id of the credential that previewed it.
    pub public_id: String,
    pub view: RunView,
    pub work: Work,
}

/// A run as read back: its view with every project's progress, its steps, and its work when
/// asked for.
pub struct Loaded {
    pub view: RunView,
    pub steps: Vec<Step>,
    pub work: Option<Work>,
}

impl Loaded {
    pub fn from_parts(
        id: &str,
        meta: &Meta,
        mut view: RunView,
        steps: Vec<Step>,
        work: Option<Work>,
    ) -> Self {
        view.id = id.to_string();
        view.phase = meta.phase;
        view.stop = meta.stop;
        for (item, step) in view.items.iter_mut().zip(&steps) {
            item.progress = step.progress.clone();
        }
        Loaded { view, steps, work }
    }
}

/// The answer to a claim on a run.
pub enum Claim {
    /// Unknown, dropped, or another session's.
    Missing,
    /// Not in the phase asked for, or worked by another replica now.
    NotNow,
    /// This replica now holds it (view, steps and work).
    Claimed(Box<Loaded>),
}

/// A change to a run's steps, by the replica holding it.
pub struct Save<'a> {
    pub steps: &'a [Step],
    /// A new phase (`Finished` also lets go of the hold).
    pub phase: Option<Phase>,
    /// Nothing is left to send or retry: the work (and its secrets) goes.
    pub drop_work: bool,
}

/// Whether `id` looks like one of ours (checked before any store is asked).
pub fn is_run_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// 128 random bits, hex: a run's id, or a replica's name as a lease holder.
pub fn random_id() -> String {
    use chacha20poly1305::aead::rand_core::RngCore;
    let mut bytes = [0u8; 16];
    chacha20poly1305::aead::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}
