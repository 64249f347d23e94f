//! MongoDB Atlas third-party integrations dashboard.
//!
//! The crate builds twice: the server binary with `ssr`, the browser bundle with `hydrate`.
//! Layers, each using only those below it (docs/architecture.md; `scripts/check-layers.py`
//! fails the tests when one reaches up, or when modules import each other around a circle):
//!
//! - `web` (server): the router, serving these pages (its plumbing is the core crate's);
//! - `app`, `pages`: the HTML, rendered on the server; only the `#[island]` components (the
//!   integration form, the matrix's loader, a run's progress, the apply page's name filter,
//!   the login page's server check) are hydrated in the browser, and only their modules are
//!   compiled for it. A server function that answers with drawn HTML lives here, beside the
//!   island that asks for it (`pages::matrix_loader::rows_html`, `pages::run_progress`);
//!   `page_texts`: which messages and which bundle a page sends to the browser;
//! - below them, in the `dashboard-core` crate (crates/dashboard-core) and re-exported here
//!   under the same names: `api` (the server functions), `server` (state, sessions), `config`
//!   (the command line), and `error`, `links`, `i18n`, `write_record`, `fleet_run`,
//!   `wire_json`; with the router's plumbing, which `web` hands the pages to. A crate of its
//!   own so that a one-line change in a page compiles this crate alone (issue #28);
//! - and the crates under `crates/`: the registry (both targets), the Atlas client and the
//!   emulator (server).

// Leptos's views are nested types; the fleet page's whole view is deeper than the
// compiler's default limit of 128 (rustc says so and suggests this).
#![recursion_limit = "256"]

pub use dashboard_core::{api, error, fleet_run, i18n, links, wire_json, write_record};
#[cfg(feature = "ssr")]
pub use dashboard_core::{config, server};

// The route tree and the document: the server's alone (the browser hydrates islands only).
#[cfg(feature = "ssr")]
pub mod app;
#[cfg(feature = "ssr")]
pub mod page_texts;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod web;

/// The browser's entry point: hydrates the islands, then marks `<body data-hydrated>` so
/// end-to-end tests know the interactive parts listen before they click.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
