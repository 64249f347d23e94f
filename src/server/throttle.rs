//! Failed sign-ins, counted per client address and per credential id, so the login form is
//! not an oracle for guessing secrets. After a few free failures each further one locks the
//! address and the id out for twice as long as the last (1 s, 2 s, 4 s, … up to a cap); the
//! refusal says when to try again. A success clears the id. Entries are forgotten a while
//! after their last failure, and the map is swept as it grows and capped, so memory stays
//! bounded. An attempt is counted before Atlas is asked (`begin`), so guesses sent at once
//! wait like guesses sent one after another.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
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

/// Above this many keys, stale ones are swept now and then ([`SWEEP_EVERY`]).
const SWEEP_ABOVE: usize = 10_000;
/// The most keys kept. Past it (after the sweep), the entries idle the longest go, unlocked
/// ones first: about 100 bytes each, so the table stays under 10 MB whatever is tried.
const MAX_KEYS: usize = 100_000;
/// Above [`SWEEP_ABOVE`], stale keys are swept once per this many attempts.
const SWEEP_EVERY: u64 = 1_000;

/// A sign-in attempt counted before Atlas is asked ([`LoginThrottle::begin`]). Counting it
/// first is what makes parallel guesses wait like sequential ones: the check and the count
/// happen under one lock, so the attempts in flight are already on the books. Settle it with
/// [`LoginThrottle::finish`]; one dropped unsettled (the request was cancelled) stays counted
/// as a failure, so abandoning requests is no way around the count.
#[derive(Debug)]
#[must_use = "settle the attempt with LoginThrottle::finish"]
pub struct Attempt {
    address: String,
    id: String,
}

/// How an attempt ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Atlas refused the credential: a guess, counted.
    Refused,
    /// Signed in: the id starts again from zero; the address gets this attempt back but keeps
    /// its other failures (one valid credential does not unlock guessing others from there).
    SignedIn,
    /// Not a guess (a valid credential without projects, Atlas unreachable): given back.
    NotAGuess,
}

#[derive(Debug, Default)]
pub struct LoginThrottle {
    policy: LoginPolicy,
    failures: Mutex<HashMap<String, Failures>>,
    /// Attempts counted, to pace the sweep.
    attempts: std::sync::atomic::AtomicU64,
}

impl LoginThrottle {
    pub fn new(policy: LoginPolicy) -> Self {
        LoginThrottle {
            policy,
            failures: Mutex::new(HashMap::new()),
            attempts: Default::default(),
        }
    }

    /// How long `client` or `public_id` must still wait, if either is locked out.
    #[cfg(test)]
    pub fn wait(&self, client: &str, public_id: &str) -> Option<Duration> {
        locked_for(&self.lock(), &keys(client, public_id), Instant::now())
    }

    /// Reserves one attempt for `client` and `public_id`, counted as a failure until
    /// [`finish`](Self::finish) says otherwise; or how long to wait when either is locked out.
    /// The free failures and the one that starts the lock-out get through, in parallel as in
    /// sequence; every attempt after them waits.
    pub fn begin(&self, client: &str, public_id: &str) -> Result<Attempt, Duration> {
        let now = Instant::now();
        let keys = keys(client, public_id);
        let mut failures = self.lock();
        if let Some(wait) = locked_for(&failures, &keys, now) {
            return Err(wait);
        }
        let [address, id] = keys;
        self.make_room(&mut failures, now);
        for key in [&address, &id] {
            self.count(&mut failures, key, now);
        }
        Ok(Attempt { address, id })
    }

    /// Settles an attempt from [`begin`](Self::begin).
    pub fn finish(&self, attempt: Attempt, outcome: Outcome) {
        let mut failures = self.lock();
        match outcome {
            Outcome::Refused => {}
            Outcome::SignedIn => {
                failures.remove(&attempt.id);
                self.give_back(&mut failures, &attempt.address);
            }
            Outcome::NotAGuess => {
                self.give_back(&mut failures, &attempt.address);
                self.give_back(&mut failures, &attempt.id);
            }
        }
    }

    /// Counts a refused sign-in against both the address and the id, locked out or not (for
    /// tests of the policy; the server counts through `begin`).
    #[cfg(test)]
    pub fn failed(&self, client: &str, public_id: &str) {
        let now = Instant::now();
        let mut failures = self.lock();
        self.make_room(&mut failures, now);
        for key in keys(client, public_id) {
            self.count(&mut failures, &key, now);
        }
    }

    /// A sign-in succeeded: the id starts again from zero (the address keeps its count).
    #[cfg(test)]
    pub fn succeeded(&self, public_id: &str) {
        self.lock().remove(&id_key(public_id));
    }

    /// Keys held (for tests of the bound).
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn count(&self, failures: &mut HashMap<String, Failures>, key: &str, now: Instant) {
        let policy = self.policy;
        let entry = failures.entry(key.to_owned()).or_insert(Failures {
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

    /// Takes back one counted failure; the lock-out it started, if any, ends with it.
    fn give_back(&self, failures: &mut HashMap<String, Failures>, key: &str) {
        let free = self.policy.free_failures;
        if let Some(entry) = failures.get_mut(key) {
            entry.count = entry.count.saturating_sub(1);
            if entry.count <= free {
                entry.locked_until = None;
            }
            if entry.count == 0 {
                failures.remove(key);
            }
        }
    }

    /// Keeps the table bounded: above [`SWEEP_ABOVE`] keys, stale entries are swept every
    /// [`SWEEP_EVERY`] attempts (not on each, which would cost the whole table per attempt),
    /// and at [`MAX_KEYS`] a tenth goes, the longest idle first and locked entries last.
    fn make_room(&self, failures: &mut HashMap<String, Failures>, now: Instant) {
        let attempts = self
            .attempts
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if failures.len() <= SWEEP_ABOVE {
            return;
        }
        if attempts.is_multiple_of(SWEEP_EVERY) {
            let policy = self.policy;
            failures.retain(|_, f| !stale(f, now, policy));
        }
        if failures.len() < MAX_KEYS {
            return;
        }
        let mut order: Vec<(bool, Instant, String)> = failures
            .iter()
            .map(|(k, f)| (f.locked_until.is_some_and(|u| u > now), f.last, k.clone()))
            .collect();
        order.sort_unstable();
        for (_, _, key) in order.into_iter().take(MAX_KEYS / 10) {
            failures.remove(&key);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Failures>> {
        self.failures.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// How long the longest lock-out among `keys` still runs, if any does.
fn locked_for(
    failures: &HashMap<String, Failures>,
    keys: &[String],
    now: Instant,
) -> Option<Duration> {
    keys.iter()
        .filter_map(|k| failures.get(k)?.locked_until)
        .filter(|until| *until > now)
        .map(|until| until - now)
        .max()
}

fn stale(f: &Failures, now: Instant, policy: LoginPolicy) -> bool {
    let unlocked = f.locked_until.is_none_or(|until| until <= now);
    unlocked && now.duration_since(f.last) >= policy.forget_after
}

fn id_key(public_id: &str) -> String {
    format!("id:{public_id}")
}

/// The address's key. An IPv6 client is keyed by its /64, the block one subscriber usually
/// holds whole, so a fresh address per guess buys nothing; an IPv4 address mapped into IPv6
/// (a dual-stack listener) is the IPv4 address it is.
fn address_key(client: &str) -> String {
    match client.parse::<IpAddr>().map(|ip| ip.to_canonical()) {
        Ok(IpAddr::V6(v6)) => {
            let s = v6.segments();
            let block = Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
            format!("address:{block}/64")
        }
        Ok(IpAddr::V4(v4)) => format!("address:{v4}"),
        Err(_) => format!("address:{client}"),
    }
}

fn keys(client: &str, public_id: &str) -> [String; 2] {
    [address_key(client), id_key(public_id)]
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

    #[test]
    fn parallel_attempts_are_counted_before_they_end() {
        let t = strict();
        let through: Vec<Attempt> = (0..40)
            .filter_map(|_| t.begin("10.0.0.1", "key").ok())
            .collect();
        assert_eq!(
            through.len(),
            3,
            "the two free failures and the one that locks"
        );
        for attempt in through {
            t.finish(attempt, Outcome::Refused);
        }
        assert!(t.begin("10.0.0.1", "key").is_err());
    }

    #[test]
    fn what_is_not_a_guess_is_given_back() {
        let t = strict();
        for _ in 0..10 {
            let attempt = t.begin("10.0.0.1", "key").expect("not locked");
            t.finish(attempt, Outcome::NotAGuess);
        }
        assert!(t.is_empty());
        let attempt = t.begin("10.0.0.1", "key").expect("not locked");
        t.finish(attempt, Outcome::SignedIn);
        assert!(
            t.is_empty(),
            "a success clears the id and gives the address its attempt"
        );
    }

    #[test]
    fn ipv6_clients_share_their_64_and_mapped_ipv4_is_ipv4() {
        let t = strict();
        for i in 0..3 {
            t.failed(&format!("2001:db8:1:2::{i}"), &format!("id{i}"));
        }
        assert!(
            t.wait("2001:db8:1:2:ffff::1", "other").is_some(),
            "same /64"
        );
        assert!(t.wait("2001:db8:1:3::1", "other").is_none(), "another /64");
        for i in 0..3 {
            t.failed("::ffff:192.0.2.7", &format!("v4id{i}"));
        }
        assert!(t.wait("192.0.2.7", "other").is_some());
    }

    #[test]
    fn the_table_is_bounded() {
        let t = strict();
        for i in 0..(MAX_KEYS + 5_000) {
            t.failed("10.0.0.1", &format!("id{i}"));
        }
        assert!(t.len() <= MAX_KEYS, "{}", t.len());
        assert!(
            t.wait("10.0.0.1", "fresh").is_some(),
            "the busy address stays locked"
        );
    }
}
