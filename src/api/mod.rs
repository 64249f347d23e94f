//! Server functions: the only door from the browser to Atlas. Each file holds one feature's
//! server functions, the types they exchange with the page, and (in its `ssr` module, built
//! for the server only) the logic behind them. Every one checks the session and its input
//! before anything reaches Atlas, and returns through `server::respond`, which sets the HTTP
//! status from the error. Endpoints are stable, readable paths under `/api/`.

pub mod fleet;
pub mod fleet_apply;
pub mod fleet_rotate;
#[cfg(feature = "ssr")]
mod input;
pub mod integrations;
pub mod projects;
pub mod session;
pub mod system;
#[cfg(feature = "ssr")]
mod writes;
