//! The dashboard's HTTP plumbing: the router (pages, server functions, site files) with its
//! layers (sessions, login guard, cross-site refusal, security headers, request logging),
//! the health probes, and serving it. The pages are the root package's: it hands them in as
//! [`Pages`] (its `web::router` does). Tests drive the router without a socket.

mod answers;
mod export;
mod guard;
mod health;
mod language;
mod logging;
mod memory;
pub mod metrics;
mod security;
mod session_store;
mod sessions;
mod stores;

use std::net::SocketAddr;
use std::sync::OnceLock;

use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};

pub use logging::init_tracing;
pub use sessions::{COOKIE_NAME, SECURE_COOKIE_NAME};
pub use stores::DashboardStore;

use crate::links;
use crate::server::AppState;

/// What the router serves, from the crate above: the app's route tree and the HTML document
/// around a page. Plain function pointers, so the router's generic code (leptos_axum's
/// handlers, the layers) is compiled here once and not again with each change to a page
/// (issue #28).
#[derive(Clone, Copy)]
pub struct Pages {
    /// The app: its `<Routes>`.
    pub app: fn() -> AnyView,
    /// The document a page is rendered into.
    pub shell: fn(LeptosOptions) -> AnyView,
}

/// The app's routes, generated once per process. Generating renders the app with resource
/// loading switched off through a process-wide flag (leptos_server's `SuppressResourceLoad`),
/// and a resource first polled by a render on another thread meanwhile never resolves
/// (leptos-rs/leptos#4773). The dashboard builds one router before it serves, but tests build
/// many side by side: one router's generation hung another test's page render (3 hangs in 17
/// runs of tests/router.rs; none in 80 since).
fn route_list(app: fn() -> AnyView) -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app)).clone()
}

/// The whole dashboard as a router, with sessions in this process's memory.
pub fn router(state: AppState, pages: Pages) -> Router {
    let store = memory_store(&state);
    router_with_store(state, store, pages)
}

/// The in-memory session store: expired sessions swept, and what Atlas issued for them
/// revoked.
pub fn memory_store(state: &AppState) -> DashboardStore {
    DashboardStore::Memory(sessions::store(state))
}

/// The whole dashboard as a router over the session store given: Redis, or one in-memory
/// store that several routers share (tests of replicas).
pub fn router_with_store(mut state: AppState, store: DashboardStore, pages: Pages) -> Router {
    // Fleet runs are kept where the sessions are, and check their session before each write.
    state.sessions = Some(std::sync::Arc::new(store.clone()));
    if let Some(runs) = store.runs(state.session_keys.clone()) {
        state.runs = runs;
    }
    crate::server::runs::spawn_runner(state.clone());
    let routes = route_list(pages.app);
    let shell = pages.shell;
    let options = state.leptos_options.clone();
    let context_state = state.clone();
    // What every route passes through, outermost first: metrics, the request log, security
    // headers, the cross-site refusal, server functions' error answers, the session, its
    // keep-alive, the login guard for pages, the page's language.
    //
    // One stack, applied with one `Router::layer`, rather than a `layer` call each: axum
    // wraps each `layer` call's service in a boxed `Route`, and a `Route` clones its boxed
    // service (and so every box inside it) for each request: ten nested calls cloned about
    // fifty boxes per request (docs/benchmarks.md, issue #28). Still applied per route, so
    // the logging and metrics layers see the matched route.
    let layers = {
        use axum::middleware::{from_fn, from_fn_with_state};
        tower::ServiceBuilder::new()
            .layer(from_fn(metrics::count_requests))
            .layer(logging::layer())
            .layer(from_fn_with_state(state.clone(), security::headers))
            .layer(from_fn_with_state(
                state.clone(),
                security::refuse_cross_site,
            ))
            .layer(from_fn(answers::server_functions))
            .layer(sessions::layer(&state, store.clone()))
            .layer(from_fn_with_state(state.clone(), sessions::keep_alive))
            .layer(from_fn_with_state(
                state.clone(),
                guard::require_login_for_pages,
            ))
            .layer(from_fn(language::detect))
    };
    Router::new()
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(context_state.clone()),
            move || shell(options.clone()),
        )
        .route(links::LANGUAGE_ROUTE, axum::routing::get(language::choose))
        .route(
            links::FLEET_EXPORT_DOWNLOAD,
            axum::routing::get(export::download),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(layers)
        .with_state(state)
        // After the layers, so none of them applies: probes make no session and no log line.
        .merge(health::router(store))
}

/// Serves the dashboard's router on `listener` until `stop` completes, then stops accepting and lets the requests in flight
/// finish, for at most `grace`: a rolling restart loses no answer that fits in it, and a
/// stuck request cannot hold the process forever.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
    grace: std::time::Duration,
) -> std::io::Result<()> {
    tracing::info!("dashboard on http://{}", listener.local_addr()?);
    // With the peer's address: the login throttle counts failures per client address.
    let app = app.into_make_service_with_connect_info::<SocketAddr>();
    memory::spawn_trimmer();
    let stopping = std::sync::Arc::new(tokio::sync::Notify::new());
    let notify = stopping.clone();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        stop.await;
        tracing::info!(
            grace_secs = grace.as_secs_f32(),
            "stopping: finishing requests in flight"
        );
        notify.notify_one();
    });
    let grace_over = async {
        stopping.notified().await;
        tokio::time::sleep(grace).await;
    };
    tokio::select! {
        served = server => served,
        () = grace_over => {
            tracing::warn!("grace period over: stopping with requests still in flight");
            Ok(())
        }
    }
}

/// Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
