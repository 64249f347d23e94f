//! Fleet runs ("apply to many", "rotate a secret everywhere"): kept where the sessions are, so
//! that any replica shows any run's page and a run outlives the replica working it.
//!
//! - [`model`]: what a run is made of, and its bounds (runs per credential and in all, bytes
//!   per run and in all). [`store`]: where it is kept, in memory or in Redis (sealed with the
//!   session keys), and the bounds applied.
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
pub mod model;
pub mod plan;
mod redis;
pub mod store;

pub use executor::{cancel, retry, spawn_runner, start};
pub use model::{is_run_id, Owner};
pub use plan::{preview_run, read_all};
pub use redis::REDIS_KEYS;
pub use store::RunStore;
