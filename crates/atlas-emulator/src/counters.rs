//! Requests received, per templated route and per authentication method, for tests and
//! benchmarks that must prove how many calls reached "Atlas".

use std::collections::BTreeMap;

use serde::Serialize;

/// How a request authenticated, as counted in `byAuth`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthKind {
    /// Carried a Digest `Authorization` that was accepted (or was not checked: faulted).
    Digest,
    /// Answered 401 with a Digest challenge (no, invalid or stale credentials).
    DigestChallenge,
    /// Carried a bearer token (valid or not).
    Bearer,
    /// Carried Basic client credentials (the OAuth endpoints).
    Basic,
    /// Anything else.
    None,
}

#[derive(Default, Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct Counters {
    pub total: u64,
    pub by_route: BTreeMap<String, u64>,
    pub by_auth: BTreeMap<&'static str, u64>,
}

impl Counters {
    pub fn zeroed() -> Self {
        let by_auth = ["digest", "digestChallenge", "bearer", "basic", "none"]
            .into_iter()
            .map(|k| (k, 0))
            .collect();
        Counters {
            total: 0,
            by_route: BTreeMap::new(),
            by_auth,
        }
    }

    pub fn record(&mut self, route: &str, auth: AuthKind) {
        self.total += 1;
        *self.by_route.entry(route.to_string()).or_default() += 1;
        let key = match auth {
            AuthKind::Digest => "digest",
            AuthKind::DigestChallenge => "digestChallenge",
            AuthKind::Bearer => "bearer",
            AuthKind::Basic => "basic",
            AuthKind::None => "none",
        };
        *self.by_auth.entry(key).or_default() += 1;
    }
}
