//! Failed sign-ins, counted per client address and per credential id, so the login form is
//! not an oracle for guessing secrets. After a few free failures each further one locks the
//! address and the id out for twice as long as the last (1 s, 2 s, 4 s, … up to a cap); the
//! refusal says when to try again. A success clears the id. Entries are forgotten a while
//! after their last failure, and the map is swept as it grows, so memory stays bounded.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How lenient the throttle is. `Default` is the production policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoginPolicy {
    /// Failures per address or id before any lock-out.
    pub free_failures: u32,
    /// The longest lock-out.
    pub max_lockout: Duration,
    /// A key with no failure for this long starts again from zero.
    pub forget_after: Duration,
}

impl Default for LoginPolicy {
    fn default() -> Self {
        LoginPolicy {
            free_failures: 5,
            max_lockout: Duration::from_secs(15 * 60),
            forget_after: Duration::from_secs(15 * 60),
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Failures {
    count: u32,
    last: Instant,
    locked_until: Option<Instant>,
}

/// Above this many keys, stale ones are swept on the next failure.
const SWEEP_ABOVE: usize = 10_000;

#[derive(Debug, Default)]
pub struct LoginThrottle {
    policy: LoginPolicy,
    failures: Mutex<HashMap<String, Failures>>,
}

impl LoginThrottle {
    pub fn new(policy: LoginPolicy) -> Self {
        LoginThrottle {
            policy,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// How long `client` or `public_id` must still wait, if either is locked out.
    pub fn wait(&self, client: &str, public_id: &str) -> Option<Duration> {
        let now = Instant::now();
        let failures = self.lock();
        keys(client, public_id)
            .iter()
            .filter_map(|k| failures.get(k)?.locked_until)
            .filter(|until| *until > now)
            .map(|until| until - now)
            .max()
    }

    /// Counts a refused sign-in against both the address and the id.
    pub fn failed(&self, client: &str, public_id: &str) {
        let now = Instant::now();
        let policy = self.policy;
        let mut failures = self.lock();
        if failures.len() > SWEEP_ABOVE {
            failures.retain(|_, f| !stale(f, now, policy));
        }
        for key in keys(client, public_id) {
            let entry = failures.entry(key).or_insert(Failures {
                count: 0,
                last: now,
                locked_until: None,
            });
            if stale(entry, now, policy) {
                entry.count = 0;
            }
            entry.count += 1;
            entry.last = now;
            if entry.count > policy.free_failures {
                let doublings = (entry.count - policy.free_failures - 1).min(20);
                let lockout = Duration::from_secs(1 << doublings).min(policy.max_lockout);
                entry.locked_until = Some(now + lockout);
            }
        }
    }

    /// A sign-in succeeded: the id starts again from zero (the address keeps its count, so
    /// one valid credential does not unlock guessing others from the same place).
    pub fn succeeded(&self, public_id: &str) {
        self.lock().remove(&id_key(public_id));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Failures>> {
        self.failures.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn stale(f: &Failures, now: Instant, policy: LoginPolicy) -> bool {
    let unlocked = f.locked_until.is_none_or(|until| until <= now);
    unlocked && now.duration_since(f.last) >= policy.forget_after
}

fn id_key(public_id: &str) -> String {
    format!("id:{public_id}")
}

fn keys(client: &str, public_id: &str) -> [String; 2] {
    [format!("address:{client}"), id_key(public_id)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strict() -> LoginThrottle {
        LoginThrottle::new(LoginPolicy {
            free_failures: 2,
            max_lockout: Duration::from_secs(4),
            forget_after: Duration::from_secs(60),
        })
    }

    #[test]
    fn free_failures_then_doubling_lockouts_up_to_the_cap() {
        let t = strict();
        t.failed("10.0.0.1", "key");
        t.failed("10.0.0.1", "key");
        assert_eq!(t.wait("10.0.0.1", "key"), None, "two are free");
        let mut waits = Vec::new();
        for _ in 0..5 {
            t.failed("10.0.0.1", "key");
            waits.push(
                t.wait("10.0.0.1", "key")
                    .expect("locked")
                    .as_secs_f64()
                    .ceil() as u64,
            );
        }
        assert_eq!(waits, [1, 2, 4, 4, 4]);
    }

    #[test]
    fn the_address_and_the_id_are_each_locked() {
        let t = strict();
        for _ in 0..3 {
            t.failed("10.0.0.1", "key");
        }
        assert!(
            t.wait("10.0.0.2", "key").is_some(),
            "the id, from elsewhere"
        );
        assert!(
            t.wait("10.0.0.1", "other").is_some(),
            "the address, another id"
        );
        assert!(t.wait("10.0.0.2", "other").is_none());
        t.succeeded("key");
        assert!(
            t.wait("10.0.0.2", "key").is_none(),
            "a success clears the id"
        );
        assert!(t.wait("10.0.0.1", "key").is_some(), "but not the address");
    }
}
