//! Logging: one span per request with method, route, status and latency. Headers and bodies
//! are never logged (they carry session cookies and, at login, credentials).

use std::time::Duration;

use axum::extract::{MatchedPath, Request};
use axum::http::Response;
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::TraceLayer;
use tracing::Span;

type MakeSpan = fn(&Request) -> Span;
type OnResponse<B> = fn(&Response<B>, Duration, &Span);

pub fn layer<B>(
) -> TraceLayer<SharedClassifier<ServerErrorsAsFailures>, MakeSpan, (), OnResponse<B>> {
    TraceLayer::new_for_http()
        .make_span_with(make_span as MakeSpan)
        .on_request(())
        .on_response(on_response::<B> as OnResponse<B>)
}

fn make_span(request: &Request) -> Span {
    // The matched route when there is one; otherwise the path without its query string,
    // which may carry user input.
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| request.uri().path().to_string());
    tracing::info_span!("request", method = %request.method(), route, status = tracing::field::Empty)
}

fn on_response<B>(response: &Response<B>, latency: Duration, span: &Span) {
    span.record("status", response.status().as_u16());
    tracing::info!(
        status = response.status().as_u16(),
        latency_ms = latency.as_millis() as u64,
        "answered"
    );
}

/// Logs to stderr; `RUST_LOG` filters (default: info).
pub fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
