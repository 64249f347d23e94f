//! Server functions: the only door from the browser to Atlas. Each checks the session and
//! its input before anything reaches Atlas. Bodies run on the server only; the browser build
//! gets the generated client stubs. Endpoints are stable, readable paths under `/api/`.

mod error;
pub mod integrations;
pub mod projects;
pub mod session;

pub use error::{AppError, AtlasProblem, LoginRefusal};
