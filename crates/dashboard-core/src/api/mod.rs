//! Server functions: the only door from the browser to Atlas. Each file holds one feature's
//! server functions, the types they exchange with the page, and (in its `ssr` module, built
//! for the server only) the logic behind them. Every one checks the session and its input
//! before anything reaches Atlas, and returns through `server::respond`, which sets the HTTP
//! status from the error. Endpoints are stable, readable paths under `/api/`.

pub mod advisories;
pub mod alerts;
pub mod export;
pub mod fleet;
pub mod fleet_advice;
pub mod fleet_apply;
pub mod fleet_rotate;
pub mod fleet_run;
pub mod history;
#[cfg(feature = "ssr")]
mod input;
pub mod integrations;
#[cfg(feature = "ssr")]
mod lookup;
pub mod projects;
pub mod session;
pub mod system;

/// How many projects' integrations one request looks up at once (the projects page, the
/// fleet matrix). Atlas rate-limits per credential (docs/atlas-facts.md, Reading a whole
/// fleet): a few calls in flight keep a page quick without a burst, and a 429 pauses them all
/// (`atlas-client`'s shared pause). Here, not in the server-only `lookup`, because the fleet
/// matrix's island sizes its requests by it.
pub const LOOKUPS_IN_FLIGHT: usize = 8;
