//! The emulator over real HTTP, one module per concern. One test binary: each more would link
//! the whole server again (scripts/bench-rebuild measures it).
#![allow(clippy::unwrap_used)] // Tests: a panic is the failure report.

mod support;

mod alert_configs;
mod auth;
mod events;
mod faults;
mod fuzz;
mod hooks;
mod pagination;
mod ratelimit;
mod recorded;
mod roles;
mod state;
mod validation;
mod versions;
