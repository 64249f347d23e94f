//! Requests received, per templated route and per authentication method, and the most
//! answered at once, for tests and benchmarks that must prove how many calls reached "Atlas"
//! and how many a client had in flight.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

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
    /// The most requests being answered at once (latency included) since the last reset:
    /// what bounds a client's concurrency, as the fleet matrix's benchmark checks.
    pub peak_in_flight: u64,
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
            peak_in_flight: 0,
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

/// Requests being answered now and the most at once: atomics, not under the counters' lock,
/// since every request enters and leaves.
#[derive(Default)]
pub struct InFlight {
    now: AtomicU64,
    peak: AtomicU64,
}

impl InFlight {
    pub fn enter(&self) {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
    }

    pub fn leave(&self) {
        self.now.fetch_sub(1, Ordering::SeqCst);
    }

    pub fn peak(&self) -> u64 {
        self.peak.load(Ordering::SeqCst)
    }

    /// The peak starts again from the requests in flight now.
    pub fn reset_peak(&self) {
        self.peak
            .store(self.now.load(Ordering::SeqCst), Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_peak_is_the_most_at_once_since_the_reset() {
        let flight = InFlight::default();
        flight.enter();
        flight.enter();
        flight.leave();
        flight.enter();
        assert_eq!(flight.peak(), 2);
        flight.leave();
        flight.reset_peak();
        assert_eq!(flight.peak(), 1, "one still in flight");
        flight.leave();
        flight.enter();
        flight.enter();
        assert_eq!(flight.peak(), 2);
    }
}
