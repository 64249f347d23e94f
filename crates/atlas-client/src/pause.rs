//! One credential's shared back-off after a 429.
//!
//! Atlas rate-limits with token buckets per endpoint set and scope (user, project,
//! organisation, IP) and answers 429 with `Retry-After` (docs/atlas-facts.md, Rate limits).
//! Each call's retries already honour it ([`super::retry`]); but when many calls of one
//! credential run side by side (the fleet matrix looks up hundreds of projects), the others
//! would keep spending the same empty bucket and collect 429s of their own. So the first 429
//! pauses every call of that credential until the wait it asked for is over: the calls back
//! off together, and resume together.

use std::collections::HashMap;
use std::sync::Mutex;

use tokio::time::Instant;

/// Until when each credential's calls wait before their next attempt. Keyed by the
/// credential's public id (never a secret); expired entries are dropped as others are added.
#[derive(Default)]
pub struct SharedPause {
    until: Mutex<HashMap<String, Instant>>,
}

impl SharedPause {
    /// When the credential's pause ends, if it is still in the future.
    pub fn until(&self, key: &str) -> Option<Instant> {
        let map = self.until.lock().unwrap_or_else(|e| e.into_inner());
        map.get(key).copied().filter(|t| *t > Instant::now())
    }

    /// Pauses the credential's calls until `until` (a longer pause already set is kept).
    pub fn extend(&self, key: &str, until: Instant) {
        let now = Instant::now();
        let mut map = self.until.lock().unwrap_or_else(|e| e.into_inner());
        map.retain(|_, t| *t > now);
        let entry = map.entry(key.to_string()).or_insert(until);
        if *entry < until {
            *entry = until;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn a_pause_is_per_credential_keeps_the_longest_and_ends() {
        let pause = SharedPause::default();
        let now = Instant::now();
        pause.extend("a", now + Duration::from_millis(300));
        pause.extend("a", now + Duration::from_millis(100));
        assert_eq!(pause.until("a"), Some(now + Duration::from_millis(300)));
        assert_eq!(pause.until("b"), None);
        pause.extend("b", now);
        assert_eq!(pause.until("b"), None, "a pause in the past is none");
    }
}
