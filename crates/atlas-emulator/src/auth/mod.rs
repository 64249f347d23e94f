//! Who is calling: HTTP Digest for API keys, bearer tokens for service accounts. Both work
//! on every API endpoint (the spec's global `security`).

pub mod digest;
pub mod oauth;
pub mod tokens;
