//! Who is calling: HTTP Digest for API keys, bearer tokens for service accounts. Both work
//! on every API endpoint (the spec's global `security`).

pub mod digest;
pub mod oauth;
pub mod tokens;

/// Compares secrets without an early exit, so the time taken does not tell how much of a
/// guess was right.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
