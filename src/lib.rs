//! MongoDB Atlas third-party integrations dashboard.
//!
//! The crate builds twice: the server binary with `ssr`, the browser bundle with `hydrate`.
//! Layers, each using only those below it (docs/architecture.md; `scripts/check-layers.py`
//! fails the tests when one reaches up, or when modules import each other around a circle):
//!
//! - `web` (server): the axum router and its layers, serving;
//! - `app`, `pages`: the HTML, rendered on the server; only the `#[island]` components (the
//!   integration form, the matrix's loader, a run's progress, the apply page's name filter,
//!   the login page's server check) are hydrated in the browser, and only their modules are
//!   compiled for it. A server function that answers with drawn HTML lives here, beside the
//!   island that asks for it (`pages::matrix_loader::rows_html`, `pages::run_progress`);
//! - `api`: the server functions, the only door from the browser to Atlas;
//! - `server` (server): state, session, the signed-in user's handle on Atlas;
//! - `error`, `links`, `i18n`, `write_record`, `wire_json` (the browser's JSON decoder and the
//!   server functions' codec): what every layer shares;
//! - and the crates under `crates/`: the registry (both targets), the Atlas client and the
//!   emulator (server).

// Leptos's views are nested types; the fleet page's whole view is deeper than the
// compiler's default limit of 128 (rustc says so and suggests this).
#![recursion_limit = "256"]

pub mod api;
// The route tree and the document: the server's alone (the browser hydrates islands only).
#[cfg(feature = "ssr")]
pub mod app;
pub mod error;
pub mod fleet_run;
pub mod i18n;
pub mod links;
pub mod pages;
pub mod wire_json;
pub mod write_record;

#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod server;
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
