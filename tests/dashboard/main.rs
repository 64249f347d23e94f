//! The dashboard through its real router and sessions, with the real Atlas client against
//! the embedded emulator, one module per concern. One test binary: each more would link the
//! whole server again (scripts/bench-rebuild measures it).
#![allow(clippy::unwrap_used)] // Tests: a panic is the failure report.

mod support;

mod advisories;
mod alerts;
mod export;
mod faults;
mod fidelity;
mod fleet_apply;
mod fleet_pages;
mod fleet_rotate;
mod fleet_runs;
mod fuzz;
mod history;
mod languages;
mod matrix;
mod no_leaks;
mod operations;
mod replicas;
mod router;
mod security;
mod sessions;
mod shared_service_account;
mod url_errors;
