//! `GET /healthz` (the process answers) and `GET /readyz` (it can serve sessions: the session
//! store answers a lookup), for a load balancer or an orchestrator. Outside every other layer:
//! no session is made, no login asked, nothing logged per probe, and nothing said beyond
//! `ok` / `not ok` (the reason goes to the log).

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower_sessions::session::Id;
use tower_sessions::SessionStore;

pub fn router<S: SessionStore + Clone>(store: S) -> Router {
    Router::new()
        .route("/healthz", get(|| async { answer(true) }))
        .route("/readyz", get(ready::<S>))
        .with_state(store)
}

async fn ready<S: SessionStore>(State(store): State<S>) -> Response {
    // A lookup of an id no session has: a round trip to the store that changes nothing.
    match store.load(&Id::default()).await {
        Ok(_) => answer(true),
        Err(err) => {
            tracing::warn!(error = %err, "not ready: the session store does not answer");
            answer(false)
        }
    }
}

fn answer(ok: bool) -> Response {
    let (status, body) = if ok {
        (StatusCode::OK, "ok\n")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "not ok\n")
    };
    (
        status,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}
