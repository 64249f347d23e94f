//! Failed sign-ins, counted per client address and per credential id, so the login form is
//! not an oracle for guessing secrets. After a few free failures each further one locks the
//! address and the id out for twice as long as the last (1 s, 2 s, 4 s, … up to a cap); the
//! refusal says when to try again. A success clears the id. Entries are forgotten a while
//! after their last failure, and the map is swept as it grows and capped, so memory stays
//! bounded.
//!
//! Attempts in flight are on the books too (`begin`): no more may be in flight for a key than
//! failures it has left before the lock-out, and one more waits for an earlier one to end. So
//! forty guesses sent at once fare as forty in a row (the free ones and the one that locks
//! get through), while twenty colleagues behind one address signing in at once all get in,
//! a few at a time, as each success gives its place back.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

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
    /// Settled failures.
    count: u32,
    /// Attempts in flight: each may still turn out a failure.
    pending: u32,
    last: Instant,
    locked_until: Option<Instant>,
}

impl Failures {
    /// How many attempts may be in flight at once: as many as failures are left before the
    /// lock-out, counting the one that starts it; once past that, one at a time.
    fn room(&self, policy: LoginPolicy) -> u32 {
        (policy.free_failures + 1).saturating_sub(self.count).max(1)
    }

    fn locked(&self, now: Instant) -> bool {
        self.locked_until.is_some_and(|until| until > now)
    }
}

/// Above this many keys, stale ones are swept now and then ([`SWEEP_EVERY`]).
const SWEEP_ABOVE: usize = 10_000;
/// The most keys kept. Past it (after the sweep), the entries idle the longest go, unlocked
/// ones first: about 100 bytes each, so the table stays under 10 MB whatever is tried.
const MAX_KEYS: usize = 100_000;
/// Above [`SWEEP_ABOVE`], stale keys are swept once per this many attempts.
const SWEEP_EVERY: u64 = 1_000;
/// The longest an attempt waits for earlier ones on its keys to end. Past it (Atlas is
/// answering that slowly), it is told to try again in a second rather than held longer.
const MAX_QUEUE: Duration = Duration::from_secs(10);

/// A sign-in attempt in flight, admitted by [`LoginThrottle::begin`]. Settle it with
/// [`finish`](Self::finish). One dropped unsettled (the request was cancelled) counts as a
/// failure, so abandoning requests is no way around the count.
#[derive(Debug)]
#[must_use = "settle the attempt with Attempt::finish"]
pub struct Attempt {
    throttle: Arc<LoginThrottle>,
    address: String,
    id: String,
    settled: bool,
}

/// How an attempt ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Atlas refused the credential: a guess, counted.
    Refused,
    /// Signed in: the id starts again from zero; the address keeps its other failures (one
    /// valid credential does not unlock guessing others from there).
    SignedIn,
    /// Not a guess (a valid credential without projects, Atlas unreachable): not counted.
    NotAGuess,
}

impl Attempt {
    /// Settles the attempt, and lets the next one waiting on its keys try.
    pub fn finish(mut self, outcome: Outcome) {
        self.settle(outcome);
    }

    fn settle(&mut self, outcome: Outcome) {
        if std::mem::replace(&mut self.settled, true) {
            return;
        }
        self.throttle.settle(&self.address, &self.id, outcome);
    }
}

impl Drop for Attempt {
    fn drop(&mut self) {
        self.settle(Outcome::Refused);
    }
}

/// What [`LoginThrottle::try_begin`] found.
#[derive(Debug)]
enum Admission {
    Admitted(Attempt),
    /// Either key is locked out, for this long still.
    Locked(Duration),
    /// As many attempts are in flight as the keys have room for.
    Busy,
}

#[derive(Debug, Default)]
pub struct LoginThrottle {
    policy: LoginPolicy,
    failures: Mutex<HashMap<String, Failures>>,
    /// Woken whenever an attempt is settled, for the ones waiting for room.
    settled: Notify,
    /// Attempts counted, to pace the sweep.
    attempts: std::sync::atomic::AtomicU64,
}

impl LoginThrottle {
    pub fn new(policy: LoginPolicy) -> Self {
        LoginThrottle {
            policy,
            ..Default::default()
        }
    }

    /// How long `client` or `public_id` must still wait, if either is locked out.
    #[cfg(test)]
    pub fn wait(&self, client: &str, public_id: &str) -> Option<Duration> {
        locked_for(&self.lock(), &keys(client, public_id), Instant::now())
    }

    /// Admits one attempt for `client` and `public_id`, or says how long to wait when either
    /// is locked out. While the keys' room is taken by attempts in flight, it waits for one of
    /// them to end (at most [`MAX_QUEUE`]), since that outcome decides whether this attempt
    /// may go at all.
    pub async fn begin(
        self: &Arc<Self>,
        client: &str,
        public_id: &str,
    ) -> Result<Attempt, Duration> {
        let deadline = tokio::time::Instant::now() + MAX_QUEUE;
        loop {
            // Registered before looking, so a settlement between the look and the wait is not
            // missed.
            let settled = self.settled.notified();
            tokio::pin!(settled);
            settled.as_mut().enable();
            match self.try_begin(client, public_id) {
                Admission::Admitted(attempt) => return Ok(attempt),
                Admission::Locked(wait) => return Err(wait),
                Admission::Busy => {}
            }
            if tokio::time::timeout_at(deadline, settled).await.is_err() {
                return Err(Duration::from_secs(1));
            }
        }
    }

    /// [`begin`](Self::begin) without the wait.
    fn try_begin(self: &Arc<Self>, client: &str, public_id: &str) -> Admission {
        let now = Instant::now();
        let keys = keys(client, public_id);
        let mut failures = self.lock();
        if let Some(wait) = locked_for(&failures, &keys, now) {
            return Admission::Locked(wait);
        }
        let policy = self.policy;
        let full = keys.iter().filter_map(|k| failures.get(k)).any(|f| {
            let settled = if stale(f, now, policy) { 0 } else { f.count };
            let f = Failures {
                count: settled,
                ..*f
            };
            f.pending >= f.room(policy)
        });
        if full {
            return Admission::Busy;
        }
        self.make_room(&mut failures, now);
        for key in &keys {
            let entry = entry(&mut failures, key, now);
            if stale(entry, now, policy) {
                entry.count = 0;
            }
            entry.pending += 1;
            entry.last = now;
        }
        let [address, id] = keys;
        Admission::Admitted(Attempt {
            throttle: Arc::clone(self),
            address,
            id,
            settled: false,
        })
    }

    fn settle(&self, address: &str, id: &str, outcome: Outcome) {
        let now = Instant::now();
        {
            let mut failures = self.lock();
            for key in [address, id] {
                if let Some(entry) = failures.get_mut(key) {
                    entry.pending = entry.pending.saturating_sub(1);
                }
            }
            match outcome {
                Outcome::Refused => {
                    for key in [address, id] {
                        self.count(&mut failures, key, now);
                    }
                }
                Outcome::SignedIn => {
                    if let Some(entry) = failures.get_mut(id) {
                        entry.count = 0;
                        entry.locked_until = None;
                    }
                }
                Outcome::NotAGuess => {}
            }
            for key in [address, id] {
                if failures
                    .get(key)
                    .is_some_and(|f| f.count == 0 && f.pending == 0)
                {
                    failures.remove(key);
                }
            }
        }
        self.settled.notify_waiters();
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

    /// One more settled failure for `key`, and the lock-out it earns.
    fn count(&self, failures: &mut HashMap<String, Failures>, key: &str, now: Instant) {
        let policy = self.policy;
        let entry = entry(failures, key, now);
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

    /// Keeps the table bounded: above [`SWEEP_ABOVE`] keys, stale entries are swept every
    /// [`SWEEP_EVERY`] attempts (not on each, which would cost the whole table per attempt),
    /// and at [`MAX_KEYS`] a tenth goes, the longest idle first and locked or busy entries
    /// last.
    fn make_room(&self, failures: &mut HashMap<String, Failures>, now: Instant) {
        let attempts = self
            .attempts
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if failures.len() <= SWEEP_ABOVE {
            return;
        }
        if attempts.is_multiple_of(SWEEP_EVERY) {
            let policy = self.policy;
            failures.retain(|_, f| f.pending > 0 || !stale(f, now, policy));
        }
        if failures.len() < MAX_KEYS {
            return;
        }
        let mut order: Vec<(bool, Instant, String)> = failures
            .iter()
            .map(|(k, f)| (f.locked(now) || f.pending > 0, f.last, k.clone()))
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

fn entry<'a>(
    failures: &'a mut HashMap<String, Failures>,
    key: &str,
    now: Instant,
) -> &'a mut Failures {
    failures.entry(key.to_owned()).or_insert(Failures {
        count: 0,
        pending: 0,
        last: now,
        locked_until: None,
    })
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
    !f.locked(now) && now.duration_since(f.last) >= policy.forget_after
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

    fn strict() -> Arc<LoginThrottle> {
        Arc::new(LoginThrottle::new(LoginPolicy {
            free_failures: 2,
            max_lockout: Duration::from_secs(4),
            forget_after: Duration::from_secs(60),
        }))
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

    fn admitted(admission: Admission) -> Option<Attempt> {
        match admission {
            Admission::Admitted(attempt) => Some(attempt),
            _ => None,
        }
    }

    #[test]
    fn parallel_attempts_are_counted_before_they_end() {
        let t = strict();
        let through: Vec<Attempt> = (0..40)
            .filter_map(|_| admitted(t.try_begin("10.0.0.1", "key")))
            .collect();
        assert_eq!(
            through.len(),
            3,
            "the two free failures and the one that locks"
        );
        assert!(matches!(t.try_begin("10.0.0.1", "key"), Admission::Busy));
        for attempt in through {
            attempt.finish(Outcome::Refused);
        }
        assert!(matches!(
            t.try_begin("10.0.0.1", "key"),
            Admission::Locked(_)
        ));
    }

    /// `n` attempts for one address and id begun at once, each settled as `outcome` after
    /// `answer` (Atlas's time to answer); what each `begin` said.
    async fn at_once(
        t: &Arc<LoginThrottle>,
        n: usize,
        answer: Duration,
        outcome: Outcome,
    ) -> Vec<Result<(), Duration>> {
        let tasks: Vec<_> = (0..n)
            .map(|_| {
                let t = Arc::clone(t);
                tokio::spawn(async move {
                    let attempt = t.begin("10.0.0.1", "key").await?;
                    tokio::time::sleep(answer).await;
                    attempt.finish(outcome);
                    Ok(())
                })
            })
            .collect();
        let mut out = Vec::new();
        for task in tasks {
            out.push(task.await.expect("no panic"));
        }
        out
    }

    #[tokio::test]
    async fn waiting_guesses_are_refused_once_the_ones_in_flight_fail() {
        let t = strict();
        let answers = at_once(&t, 10, Duration::from_millis(50), Outcome::Refused).await;
        let refused = answers.iter().filter(|a| a.is_err()).count();
        assert_eq!(
            refused, 7,
            "three went to Atlas, the rest were told to wait"
        );
    }

    #[tokio::test]
    async fn colleagues_signing_in_at_once_all_get_in() {
        let t = strict();
        let answers = at_once(&t, 20, Duration::from_millis(20), Outcome::SignedIn).await;
        assert!(answers.iter().all(Result::is_ok), "{answers:?}");
        assert!(t.is_empty());
    }

    #[test]
    fn an_abandoned_attempt_counts_as_a_failure() {
        let t = strict();
        for _ in 0..3 {
            drop(admitted(t.try_begin("10.0.0.1", "key")).expect("room"));
        }
        assert!(t.wait("10.0.0.1", "key").is_some());
    }

    #[test]
    fn past_the_lockout_one_attempt_at_a_time() {
        let t = LoginThrottle::new(LoginPolicy {
            free_failures: 0,
            max_lockout: Duration::ZERO,
            forget_after: Duration::from_secs(60),
        });
        let t = Arc::new(t);
        t.failed("10.0.0.1", "key");
        t.failed("10.0.0.1", "key");
        let first = admitted(t.try_begin("10.0.0.1", "key")).expect("the lock-out has run out");
        assert!(matches!(t.try_begin("10.0.0.1", "key"), Admission::Busy));
        first.finish(Outcome::NotAGuess);
        assert!(admitted(t.try_begin("10.0.0.1", "key")).is_some());
    }

    #[test]
    fn what_is_not_a_guess_is_given_back() {
        let t = strict();
        for _ in 0..10 {
            let attempt = admitted(t.try_begin("10.0.0.1", "key")).expect("not locked");
            attempt.finish(Outcome::NotAGuess);
        }
        assert!(t.is_empty());
        let attempt = admitted(t.try_begin("10.0.0.1", "key")).expect("not locked");
        attempt.finish(Outcome::SignedIn);
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
