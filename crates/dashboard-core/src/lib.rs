//! Everything of the dashboard but its HTML: the HTTP plumbing that serves the pages, the
//! server functions, the server's state and sessions, the messages in four languages, and
//! the types every layer shares. The pages and the app shell are the root package's; they
//! reach these modules under the same paths (`crate::api`, `crate::i18n`, …), which its
//! lib.rs re-exports, and hand themselves to `web` to be served (`web::Pages`).
//!
//! A crate of its own so that a change in a page compiles the pages again and not this
//! (issue #28). Built for both targets: `ssr` for the server, `hydrate` for the islands'
//! bundles, which all share one build of it. Layers, each using only those below it
//! (docs/architecture.md; `scripts/check-layers.py` fails the tests when one reaches up, or
//! when modules import each other around a circle):
//!
//! - `web` (server): the axum router and its layers, serving; `config` (server): the command
//!   line and environment;
//! - `api`: the server functions, the only door from the browser to Atlas;
//! - `server` (server): state, session, the signed-in user's handle on Atlas;
//! - `error`, `links`, `i18n`, `write_record`, `fleet_run`, `wire_json` (the browser's JSON
//!   decoder and the server functions' codec): what every layer shares;
//! - and the crates under `crates/`: the registry (both targets), the Atlas client and the
//!   export (server).

pub mod api;
pub mod error;
pub mod fleet_run;
pub mod i18n;
pub mod links;
pub mod wire_json;
pub mod write_record;

#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod web;
