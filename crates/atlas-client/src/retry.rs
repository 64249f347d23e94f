//! When to try an Atlas call again, and how long to wait first.
//!
//! Only idempotent methods (GET, PUT, DELETE) are retried, and only on 429, 503 and transport
//! failures other than a timeout: a POST whose answer was lost may have succeeded, and a
//! timed-out call already used the caller's whole budget. Waits grow exponentially with
//! "equal jitter" (half fixed, half random), and never undercut Atlas's `Retry-After`; a
//! `Retry-After` beyond the cap ends the retries, so a page never hangs for a minute.

use std::time::Duration;

use reqwest::Method;

/// How many times, and how patiently, idempotent calls are retried.
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
    /// retries used up, a method that is not retried, a failure that is not transient, or a
    /// `Retry-After` longer than the cap.
    pub fn delay_for(
        &self,
        method: &Method,
        failure: Failure,
        retry: u32,
        unit: f64,
    ) -> Option<Duration> {
        if retry >= self.max_retries || !is_retried_method(method) {
            return None;
        }
        let retry_after = match failure {
            Failure::Status {
                status: 429 | 503,
                retry_after,
            } => retry_after,
            Failure::Transport { timed_out: false } => None,
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
pub fn is_retried_method(method: &Method) -> bool {
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
    fn only_get_put_delete_are_retried() {
        let p = policy();
        for m in [Method::GET, Method::PUT, Method::DELETE] {
            assert!(p.delay_for(&m, status(503, None), 0, 1.0).is_some(), "{m}");
            assert!(p.delay_for(&m, status(429, None), 0, 1.0).is_some(), "{m}");
        }
        assert_eq!(p.delay_for(&Method::POST, status(503, None), 0, 1.0), None);
        assert_eq!(p.delay_for(&Method::POST, status(429, None), 0, 1.0), None);
        let dropped = Failure::Transport { timed_out: false };
        assert_eq!(p.delay_for(&Method::POST, dropped, 0, 1.0), None);
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
