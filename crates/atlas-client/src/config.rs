//! How the Atlas client connects: base URL, timeouts, retries, token renewal margin.

use std::time::Duration;

pub use super::retry::RetryPolicy;

/// Defaults: connect 5 s, whole request 30 s, a whole call 45 s, 3 retries from 200 ms up to
/// 10 s, `Retry-After` honoured up to 10 s, OAuth tokens renewed 60 s before they expire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientConfig {
    /// Scheme and host of the Admin API, e.g. `https://cloud.mongodb.com` (no trailing path).
    pub base_url: String,
    /// Time allowed for the TCP (and TLS) connection.
    pub connect_timeout: Duration,
    /// Time allowed for one HTTP exchange, body included. Each retry gets its own.
    pub request_timeout: Duration,
    /// Time allowed for one call in all: every retry, every wait a 429 asked for, the Digest
    /// challenge and the OAuth token fetch. A person is waiting on the other side; past this
    /// the call ends with the last failure seen (or a timeout) rather than keep them waiting.
    pub call_deadline: Duration,
    pub retry: RetryPolicy,
    /// An OAuth token this close to its expiry is renewed before use.
    pub token_renew_margin: Duration,
    /// Whether a plain-http base URL to another machine is accepted (loopback always is).
    pub allow_plain_http: bool,
}

impl ClientConfig {
    /// The default connect timeout; the dashboard's `--connect-timeout-secs` reads it.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
    /// The default per-request timeout; `--request-timeout-secs` reads it.
    pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
    /// The default deadline of a whole call; `--call-deadline-secs` reads it.
    pub const DEFAULT_CALL_DEADLINE: Duration = Duration::from_secs(45);

    pub fn new(base_url: impl Into<String>) -> Self {
        ClientConfig {
            base_url: base_url.into(),
            connect_timeout: Self::DEFAULT_CONNECT_TIMEOUT,
            request_timeout: Self::DEFAULT_REQUEST_TIMEOUT,
            call_deadline: Self::DEFAULT_CALL_DEADLINE,
            retry: RetryPolicy::default(),
            token_renew_margin: Duration::from_secs(60),
            allow_plain_http: false,
        }
    }

    /// Accepts a plain-http base URL to another machine (a test network, a proxy on a
    /// trusted segment): the operator's explicit choice.
    pub fn allowing_plain_http(mut self) -> Self {
        self.allow_plain_http = true;
        self
    }

    pub fn with_timeouts(mut self, connect: Duration, request: Duration) -> Self {
        self.connect_timeout = connect;
        self.request_timeout = request;
        self
    }

    pub fn with_call_deadline(mut self, deadline: Duration) -> Self {
        self.call_deadline = deadline;
        self
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    pub fn with_token_renew_margin(mut self, margin: Duration) -> Self {
        self.token_renew_margin = margin;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_timeouts() {
        let c = ClientConfig::new("https://cloud.mongodb.com");
        assert_eq!(c.connect_timeout, Duration::from_secs(5));
        assert_eq!(c.request_timeout, Duration::from_secs(30));
        assert_eq!(c.retry.max_retries, 3);
        assert_eq!(c.retry.base_delay, Duration::from_millis(200));
        assert_eq!(c.retry.retry_after_cap, Duration::from_secs(10));
        let c = c.with_timeouts(Duration::from_secs(2), Duration::from_secs(7));
        assert_eq!(c.connect_timeout, Duration::from_secs(2));
        assert_eq!(c.request_timeout, Duration::from_secs(7));
    }
}
