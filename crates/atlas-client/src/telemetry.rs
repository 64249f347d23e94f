//! What the client tells the process's metrics recorder (the `metrics` facade: nothing is
//! recorded unless the dashboard installs an exporter). Labels are the method, the templated
//! route (`/api/atlas/v2/groups/{groupId}/integrations`) and a status class: never a project
//! id, a name, a credential or a token.

use std::time::Duration;

use reqwest::{Method, StatusCode};

/// One HTTP exchange with Atlas ended: `status` is the HTTP status, or what stopped it.
pub fn exchange(method: &Method, route: &'static str, outcome: Outcome, took: Duration) {
    let labels = [
        ("method", method.as_str().to_owned()),
        ("route", route.to_owned()),
        ("status", outcome.label()),
    ];
    metrics::counter!("atlas_upstream_requests_total", &labels).increment(1);
    metrics::histogram!(
        "atlas_upstream_request_duration_seconds",
        "method" => method.as_str().to_owned(),
        "route" => route
    )
    .record(took.as_secs_f64());
}

/// A call is tried again after `delay`; a wait Atlas asked for (429 `Retry-After`) is also
/// counted as a rate-limit wait, with its length.
pub fn retry(method: &Method, route: &'static str, rate_limited: bool, delay: Duration) {
    metrics::counter!(
        "atlas_upstream_retries_total",
        "method" => method.as_str().to_owned(),
        "route" => route,
        "reason" => if rate_limited { "rate_limited" } else { "failed" }
    )
    .increment(1);
    if rate_limited {
        metrics::counter!("atlas_upstream_rate_limit_waits_total", "route" => route).increment(1);
        metrics::counter!("atlas_upstream_rate_limit_wait_seconds_total", "route" => route)
            .increment(delay.as_secs());
    }
}

#[derive(Clone, Copy, Debug)]
pub enum Outcome {
    Status(StatusCode),
    /// No answer: connection refused or cut, timed out.
    Transport,
    /// An answer that could not be read to the end (cut short, too large).
    Unreadable,
}

impl Outcome {
    fn label(self) -> String {
        match self {
            Outcome::Status(s) => s.as_u16().to_string(),
            Outcome::Transport => "transport".to_owned(),
            Outcome::Unreadable => "unreadable".to_owned(),
        }
    }
}
