//! The dashboard's router: the HTTP plumbing of `dashboard_core::web`, serving this crate's
//! pages. Everything else of that module is re-exported as it is, so `web::serve`,
//! `web::memory_store` and the rest read the same from here.

use std::net::SocketAddr;

use axum::Router;
use leptos::prelude::*;

pub use dashboard_core::web::*;

use crate::app::{shell, App};
use crate::server::AppState;

/// Leptos's options, from one source: scripts/build-site (and cargo-leptos) pass the bundle's
/// name and folder (from Cargo.toml's `[package.metadata.leptos]`) to the build as `LEPTOS_OUTPUT_NAME` and
/// `LEPTOS_SITE_PKG_DIR`; a plain `cargo build` (tests) falls back to the package name, which
/// is what that metadata names too (this package's: hence here, not in the core crate).
pub fn leptos_options(site_root: &str, listen: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(option_env!("LEPTOS_OUTPUT_NAME").unwrap_or(env!("CARGO_PKG_NAME")))
        .site_pkg_dir(option_env!("LEPTOS_SITE_PKG_DIR").unwrap_or("pkg"))
        .site_root(site_root)
        .site_addr(listen)
        .build()
}

/// The pages the router serves.
const PAGES: Pages = Pages {
    app: || App().into_any(),
    shell: |options| shell(options).into_any(),
};

/// The whole dashboard as a router, with sessions in this process's memory.
pub fn router(state: AppState) -> Router {
    dashboard_core::web::router(state, PAGES)
}

/// The whole dashboard as a router over the session store given: Redis, or one in-memory
/// store that several routers share (tests of replicas).
pub fn router_with_store(state: AppState, store: DashboardStore) -> Router {
    dashboard_core::web::router_with_store(state, store, PAGES)
}
