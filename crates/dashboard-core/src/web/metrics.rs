//! Prometheus metrics, served on an address of their own (`--metrics-listen`, off by default)
//! so the dashboard's public address never shows them. Recorded through the `metrics` facade
//! (the Atlas client records its upstream calls the same way):
//!
//! - `dashboard_requests_total{method, route, status}` and
//!   `dashboard_request_duration_seconds{method, route}`: `route` is the route's pattern
//!   (`/projects/{group_id}`, a server function's fixed path), `/pkg/*` for the site's files,
//!   `unmatched` for anything else, so no project id, name or made-up path becomes a label;
//! - `atlas_upstream_requests_total{method, route, status}`,
//!   `atlas_upstream_request_duration_seconds`, `atlas_upstream_retries_total{reason}`,
//!   `atlas_upstream_rate_limit_waits_total`, `atlas_upstream_rate_limit_wait_seconds_total`
//!   (the client's `telemetry`);
//! - `dashboard_sign_in_failures_total{reason}`, `dashboard_sign_ins_total` (`api::session`);
//! - `dashboard_sessions` (gauge, read from the store at each scrape).

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use super::stores::DashboardStore;

/// The process's recorder, installed on first use (the `metrics` facade has one per process;
/// tests build many routers in one).
fn recorder() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was already installed; these metrics stay empty");
        }
        handle
    })
}

/// Counts every request by route pattern and status (outermost layer, so the status is the
/// one sent).
pub async fn count_requests(request: Request, next: Next) -> Response {
    let method = method_label(request.method());
    let route = match request.extensions().get::<MatchedPath>() {
        Some(path) => path.as_str().to_owned(),
        None if request.uri().path().starts_with("/pkg/") => "/pkg/*".to_owned(),
        None => "unmatched".to_owned(),
    };
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::histogram!(
        "dashboard_request_duration_seconds",
        "method" => method,
        "route" => route.clone()
    )
    .record(started.elapsed().as_secs_f64());
    metrics::counter!(
        "dashboard_requests_total",
        "method" => method,
        "route" => route,
        "status" => status
    )
    .increment(1);
    response
}

/// The method as a label: one of a fixed set, `other` for the rest. This layer sees every
/// request before routing, CSRF or session, and a method is any token a client invents: taken
/// raw, each new one would be a new series kept for the life of the process. (`route` is a
/// pattern or one of two fixed words, `status` a number below 1000.)
pub fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Makes sure the recorder is installed before anything is recorded.
pub fn install() {
    recorder();
}

/// `GET /metrics` on `listener`, until the process ends.
///
/// The recorder is installed by this call, not when the future first runs: a spawned task can
/// first run after the dashboard has answered requests, and those were counted nowhere (a CI
/// run's security check counted 268 of 300, issue #28).
pub fn serve(
    listener: tokio::net::TcpListener,
    store: DashboardStore,
) -> impl std::future::Future<Output = ()> + Send {
    install();
    async move {
        if let Ok(addr) = listener.local_addr() {
            tracing::info!("metrics on http://{addr}/metrics");
        }
        if let Err(err) = axum::serve(listener, router(store)).await {
            tracing::error!(error = %err, "metrics no longer served");
        }
    }
}

pub fn router(store: DashboardStore) -> Router {
    Router::new()
        .route("/metrics", get(render))
        .with_state(store)
}

async fn render(State(store): State<DashboardStore>) -> Response {
    if let Some(n) = store.count().await {
        metrics::gauge!("dashboard_sessions").set(n as f64);
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        recorder().render(),
    )
        .into_response()
}
