//! Fleet runs ("apply to many", "rotate a secret everywhere"): kept where the sessions are, so
//! that any replica shows any run's page and a run outlives the replica working it.
//!
//! - [`store`]: what a run is kept as, in this process's memory or in Redis (sealed with the
//!   session keys), with the bounds: runs per credential, in all, bytes per run and in all.
//! - [`plan`]: what a run would send to one project, from the configuration given once per
//!   run and what the preview read there.
//! - [`executor`]: the writes. One replica works a run at a time, under a lease it renews;
//!   when the lease lapses (the replica was killed) another takes the run over, and every
//!   project whose write was in flight is read again before it is written, so no POST is
//!   repeated. A run stops its unsent writes when it is cancelled or its session ends.
//!
//! The page's server functions (`api::fleet_run`) are thin: they find the session's run, and
//! ask the executor to start, retry or cancel it.

pub mod executor;
pub mod plan;
mod redis;
pub mod store;

pub use executor::{cancel, retry, spawn_runner, start};
pub use plan::{preview_run, read_all};
pub use redis::REDIS_KEYS;
pub use store::{Owner, RunStore};

/// Whether `id` looks like one of ours (checked before any store is asked).
pub fn is_run_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// 128 random bits, hex: a run's id, or a replica's name as a lease holder.
pub(crate) fn random_id() -> String {
    use chacha20poly1305::aead::rand_core::RngCore;
    let mut bytes = [0u8; 16];
    chacha20poly1305::aead::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
