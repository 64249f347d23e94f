//! Token buckets per endpoint set and scope (docs/atlas-facts.md): the integrations endpoints and
//! the project endpoints are two sets; the scope is the project when the path names a known
//! one, else the credential. Capacity and refill come from the flags; the defaults (1200, as
//! recorded, refilled 1200 per second) never get in a demo's way.

use std::collections::HashMap;
use std::time::Instant;

pub struct RateLimiter {
    capacity: f64,
    refill_per_sec: f64,
    buckets: HashMap<(String, String), Bucket>,
}

struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// The verdict for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed {
        limit: u64,
        remaining: u64,
    },
    Limited {
        limit: u64,
        retry_after_secs: u64,
        refill_per_sec: u64,
    },
}

impl RateLimiter {
    pub fn new(capacity: u32, refill_per_sec: u32) -> Self {
        RateLimiter {
            capacity: capacity.into(),
            refill_per_sec: refill_per_sec.into(),
            buckets: HashMap::new(),
        }
    }

    pub fn clear(&mut self) {
        self.buckets.clear();
    }

    pub fn take(&mut self, endpoint_set: &str, scope: &str) -> Verdict {
        let now = Instant::now();
        let (capacity, rate) = (self.capacity, self.refill_per_sec);
        let bucket = self
            .buckets
            .entry((endpoint_set.to_string(), scope.to_string()))
            .or_insert(Bucket {
                tokens: capacity,
                updated: now,
            });
        let elapsed = now.duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(capacity);
        bucket.updated = now;
        let limit = capacity as u64;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Verdict::Allowed {
                limit,
                remaining: bucket.tokens.floor() as u64,
            }
        } else {
            // With no refill a bucket never recovers; a minute is what Atlas's docs show.
            let retry_after_secs = if rate > 0.0 {
                ((1.0 - bucket.tokens) / rate).ceil().max(1.0) as u64
            } else {
                60
            };
            Verdict::Limited {
                limit,
                retry_after_secs,
                refill_per_sec: rate as u64,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empties_then_limits_per_scope() {
        let mut rl = RateLimiter::new(2, 0);
        assert_eq!(
            rl.take("integrations", "a"),
            Verdict::Allowed {
                limit: 2,
                remaining: 1
            }
        );
        assert_eq!(
            rl.take("integrations", "a"),
            Verdict::Allowed {
                limit: 2,
                remaining: 0
            }
        );
        assert!(matches!(
            rl.take("integrations", "a"),
            Verdict::Limited {
                retry_after_secs: 60,
                ..
            }
        ));
        assert!(matches!(
            rl.take("integrations", "b"),
            Verdict::Allowed { .. }
        ));
        assert!(matches!(rl.take("groups", "a"), Verdict::Allowed { .. }));
    }
}
