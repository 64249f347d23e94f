//! One module per page, plus the pieces they share.

// Modules holding an island, or a server function an island calls, are compiled for both
// targets. The rest is markup the server renders: compiled for the server only, so the
// browser's WASM is not rebuilt when it changes (cargo rebuilds a crate when a file it read
// changed, and a module left out by `cfg` is never read).
pub mod form;
pub mod layout;
pub mod matrix_loader;
pub mod name_filter;
pub mod run_progress;
pub mod server_check;

#[cfg(feature = "ssr")]
pub mod advisories;
#[cfg(feature = "ssr")]
pub mod alert_switch;
#[cfg(feature = "ssr")]
pub mod alerts;
#[cfg(feature = "ssr")]
pub mod fleet;
#[cfg(feature = "ssr")]
pub mod fleet_apply;
#[cfg(feature = "ssr")]
pub mod fleet_export;
#[cfg(feature = "ssr")]
pub mod fleet_rotate;
#[cfg(feature = "ssr")]
pub mod fleet_run;
#[cfg(feature = "ssr")]
pub mod history;
#[cfg(feature = "ssr")]
pub mod integration;
#[cfg(feature = "ssr")]
pub mod login;
#[cfg(feature = "ssr")]
pub mod project;
#[cfg(feature = "ssr")]
pub mod projects;
#[cfg(feature = "ssr")]
pub mod run_table;
