//! When to try an Atlas call again, and how long to wait first.
//!
//! What is retried, and why:
//! - **429, any method.** Atlas rate-limits with "a token bucket per endpoint set and scope
//!   (IP, GROUP, ORGANIZATION, USER)", and its rate-limit page says: "Atlas allows requests
//!   only if tokens are available. Each request to the endpoint consumes one token." A
//!   request answered 429 found no token, so it was not allowed: sending it again cannot
//!   apply it twice. No source says "nothing was applied" in so many words [inferred]; were
//!   it wrong, the repeated create would meet Atlas's 409 `INTEGRATION_ALREADY_CONFIGURED`
//!   (one integration per type and project), never a silent duplicate. Sources copied in
//!   docs/atlas-facts.md, "A 429 applies nothing".
//! - **503 and transport failures other than a timeout, idempotent methods only** (GET,
//!   PUT, DELETE): a POST whose answer was a 503 or was lost may have been applied.
//! - Never a timeout: a timed-out call already used the caller's whole budget.
//!
//! Waits grow exponentially with "equal jitter" (half fixed, half random), and never undercut
//! Atlas's `Retry-After`; a `Retry-After` beyond the cap ends the retries, so a page never
//! hangs for a minute.

use std::time::Duration;

use reqwest::Method;

/// How many times, and how patiently, calls are retried (which ones: the module's doc).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 = never retry).
    pub max_retries: u32,
    /// Wait before the first retry, doubled for each further one.
    pub base_delay: Duration,
    /// Upper bound of the exponential wait.
    pub max_delay: Duration,
    /// The longest `Retry-After` honoured; a longer one is answered with the error instead.
    pub retry_after_cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
            retry_after_cap: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// The exponential wait before retry number `retry` (0-based), with `unit` in `[0, 1)`
    /// choosing where in `[half, full]` the jittered value falls.
    pub fn backoff(&self, retry: u32, unit: f64) -> Duration {
        let factor = 2u32.saturating_pow(retry.min(30));
        let full = self.base_delay.saturating_mul(factor).min(self.max_delay);
        let unit = unit.clamp(0.0, 1.0);
        full.mul_f64(0.5 + 0.5 * unit)
    }

    /// The wait before retry number `retry`, or `None` when the failure must be returned:
    /// retries used up, a failure that is not transient, a failure this method must not
    /// repeat (a 503 or a lost answer on POST: it may have been applied), or a
    /// `Retry-After` longer than the cap.
    pub fn delay_for(
        &self,
        method: &Method,
        failure: Failure,
        retry: u32,
        unit: f64,
    ) -> Option<Duration> {
        if retry >= self.max_retries {
            return None;
        }
        let retry_after = match failure {
            // Refused before anything was applied: safe for every method.
            Failure::Status {
                status: 429,
                retry_after,
            } => retry_after,
            // May have been applied: only where applying twice changes nothing.
            Failure::Status {
                status: 503,
                retry_after,
            } if is_idempotent(method) => retry_after,
            Failure::Transport { timed_out: false } if is_idempotent(method) => None,
            _ => return None,
        };
        let backoff = self.backoff(retry, unit);
        match retry_after {
            Some(after) if after > self.retry_after_cap => None,
            Some(after) => Some(backoff.max(after)),
            None => Some(backoff),
        }
    }
}

/// What went wrong with one attempt, as far as retrying is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// Atlas answered with this error status (and maybe a `Retry-After`).
    Status {
        status: u16,
        retry_after: Option<Duration>,
    },
    /// No answer: refused, reset, dropped, or (not retried) timed out.
    Transport { timed_out: bool },
    /// An answer that cannot be read; retrying will not help.
    Unreadable,
}

/// GET, PUT and DELETE are idempotent in Atlas's integrations API; POST is not (a second
/// create answers 409).
fn is_idempotent(method: &Method) -> bool {
    *method == Method::GET || *method == Method::PUT || *method == Method::DELETE
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(500),
            retry_after_cap: Duration::from_secs(5),
        }
    }

    fn status(status: u16, secs: Option<u64>) -> Failure {
        Failure::Status {
            status,
            retry_after: secs.map(Duration::from_secs),
        }
    }

    #[test]
    fn backoff_doubles_is_capped_and_jitters_within_half_to_full() {
        let p = policy();
        assert_eq!(p.backoff(0, 0.0), Duration::from_millis(50));
        assert_eq!(p.backoff(0, 1.0), Duration::from_millis(100));
        assert_eq!(p.backoff(1, 1.0), Duration::from_millis(200));
        assert_eq!(p.backoff(2, 0.5), Duration::from_millis(300));
        // 800 ms capped at 500.
        assert_eq!(p.backoff(3, 1.0), Duration::from_millis(500));
        assert_eq!(p.backoff(40, 1.0), Duration::from_millis(500));
    }

    #[test]
    fn a_429_is_retried_for_every_method_post_included() {
        let p = policy();
        for m in [Method::GET, Method::PUT, Method::DELETE, Method::POST] {
            assert!(p.delay_for(&m, status(429, None), 0, 1.0).is_some(), "{m}");
        }
    }

    #[test]
    fn a_503_or_a_lost_answer_is_retried_only_for_idempotent_methods() {
        let p = policy();
        let dropped = Failure::Transport { timed_out: false };
        for m in [Method::GET, Method::PUT, Method::DELETE] {
            assert!(p.delay_for(&m, status(503, None), 0, 1.0).is_some(), "{m}");
            assert!(p.delay_for(&m, dropped, 0, 1.0).is_some(), "{m}");
        }
        // A POST may have been applied: Atlas creates once, and a second try answers 409.
        assert_eq!(p.delay_for(&Method::POST, status(503, None), 0, 1.0), None);
        assert_eq!(
            p.delay_for(&Method::POST, status(503, Some(1)), 0, 1.0),
            None
        );
        assert_eq!(p.delay_for(&Method::POST, dropped, 0, 1.0), None);
        let timed_out = Failure::Transport { timed_out: true };
        assert_eq!(p.delay_for(&Method::POST, timed_out, 0, 1.0), None);
        for s in [400, 401, 403, 404, 409, 500, 502, 504] {
            assert_eq!(
                p.delay_for(&Method::POST, status(s, None), 0, 1.0),
                None,
                "{s}"
            );
        }
        assert_eq!(
            p.delay_for(&Method::POST, Failure::Unreadable, 0, 1.0),
            None
        );
        // Methods outside the API's four are treated as POST is.
        assert_eq!(p.delay_for(&Method::PATCH, status(503, None), 0, 1.0), None);
    }

    #[test]
    fn a_post_429_waits_like_any_other_and_stops_like_any_other() {
        let p = policy();
        let post = Method::POST;
        assert_eq!(
            p.delay_for(&post, status(429, Some(2)), 0, 0.0),
            Some(Duration::from_secs(2)),
            "Retry-After is the floor"
        );
        assert_eq!(
            p.delay_for(&post, status(429, None), 1, 1.0),
            Some(Duration::from_millis(200)),
            "no Retry-After: the back-off"
        );
        assert_eq!(
            p.delay_for(&post, status(429, Some(6)), 0, 0.0),
            None,
            "past the cap"
        );
        assert!(p.delay_for(&post, status(429, None), 2, 0.0).is_some());
        assert_eq!(
            p.delay_for(&post, status(429, None), 3, 0.0),
            None,
            "retries used up"
        );
        assert_eq!(
            RetryPolicy::none().delay_for(&post, status(429, None), 0, 0.0),
            None
        );
    }

    #[test]
    fn only_transient_failures_are_retried() {
        let p = policy();
        let get = Method::GET;
        assert!(p
            .delay_for(&get, Failure::Transport { timed_out: false }, 0, 0.0)
            .is_some());
        assert_eq!(
            p.delay_for(&get, Failure::Transport { timed_out: true }, 0, 0.0),
            None
        );
        assert_eq!(p.delay_for(&get, Failure::Unreadable, 0, 0.0), None);
        for s in [400, 401, 403, 404, 409, 500, 502, 504] {
            assert_eq!(p.delay_for(&get, status(s, None), 0, 0.0), None, "{s}");
        }
    }

    #[test]
    fn retries_stop_after_max() {
        let p = policy();
        assert!(p
            .delay_for(&Method::GET, status(503, None), 2, 0.0)
            .is_some());
        assert_eq!(p.delay_for(&Method::GET, status(503, None), 3, 0.0), None);
        assert_eq!(
            RetryPolicy::none().delay_for(&Method::GET, status(503, None), 0, 0.0),
            None
        );
    }

    #[test]
    fn retry_after_is_a_floor_up_to_the_cap() {
        let p = policy();
        let get = Method::GET;
        // Retry-After 2 s beats a 50 ms backoff.
        assert_eq!(
            p.delay_for(&get, status(429, Some(2)), 0, 0.0),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            p.delay_for(&get, status(503, Some(1)), 0, 0.0),
            Some(Duration::from_secs(1))
        );
        // A zero Retry-After still backs off.
        assert_eq!(
            p.delay_for(&get, status(429, Some(0)), 1, 1.0),
            Some(Duration::from_millis(200))
        );
        // Beyond the cap: give the error back at once.
        assert_eq!(p.delay_for(&get, status(429, Some(6)), 0, 0.0), None);
        assert_eq!(p.delay_for(&get, status(503, Some(60)), 0, 0.0), None);
    }
}
