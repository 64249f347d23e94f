//! MongoDB Atlas third-party integrations dashboard.
//!
//! The crate builds twice: the server binary with `ssr`, the browser bundle with `hydrate`.
//! Modules without a cfg compile for both, so the registry and validation run in the browser
//! and on the server from one source.

pub mod api;
pub mod app;
pub mod i18n;
pub mod integrations;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod atlas;
#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod emulator;
#[cfg(feature = "ssr")]
pub mod web;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
