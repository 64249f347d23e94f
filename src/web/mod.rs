//! The dashboard's HTTP side: the router factory that tests drive without a socket, and
//! `serve`, which binds it.

pub mod context;
mod guard;
mod logging;
pub mod security;
pub mod session;
mod session_store;
mod state;

use std::sync::{Arc, OnceLock};

use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};

pub use guard::LOGIN_PATH;
pub use logging::init_tracing;
pub use state::{AppState, Settings};

use crate::app::{shell, App};
use crate::atlas::{AtlasApi, AtlasClient, ClientConfig};
use crate::config::{CookieSecure, ServeArgs};

/// Real Atlas, for links to its UI when the backend is the emulator.
pub const REAL_ATLAS: &str = "https://cloud.mongodb.com";

/// Shown as the backend when no Atlas URL is configured.
pub const EMBEDDED_BACKEND: &str = "embedded emulator";

pub fn leptos_options(args: &ServeArgs) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("atlas-integrations")
        .site_root(args.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(args.listen)
        .build()
}

/// Settings from the command line. `Secure` cookies unless asked otherwise, or `auto` and
/// the dashboard listens on plain-http loopback (where browsers would drop them).
pub fn settings(args: &ServeArgs, backend_label: String) -> Settings {
    let atlas_ui_base = args
        .atlas_base_url
        .as_deref()
        .unwrap_or(REAL_ATLAS)
        .trim_end_matches('/')
        .to_string();
    let cookie_secure = match args.session.cookie_secure {
        CookieSecure::Always => true,
        CookieSecure::Never => false,
        CookieSecure::Auto => !args.listen.ip().is_loopback(),
    };
    Settings {
        backend_label,
        atlas_ui_base,
        session_max: time::Duration::hours(args.session.session_max_hours as i64),
        session_idle: time::Duration::minutes(args.session.session_idle_minutes as i64),
        cookie_secure,
    }
}

/// The app's routes, generated once per process. Generating renders the app with resource
/// loading switched off through a process-wide flag (leptos_server's `SuppressResourceLoad`),
/// and a resource first polled by a render on another thread meanwhile never resolves
/// (leptos-rs/leptos#4773). The dashboard builds one router before it serves, but tests build
/// many side by side: one router's generation hung another test's page render (3 hangs in 17
/// runs of tests/router.rs; none in 80 since).
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The whole dashboard as a router: pages, server functions, site files, with sessions,
/// the login guard, cross-site refusal, security headers and request logging.
pub fn router(state: AppState) -> Router {
    let routes = route_list();
    let options = state.leptos_options.clone();
    let context_state = state.clone();
    let sessions = session::layer(&state.settings);
    Router::new()
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(context_state.clone()),
            move || shell(options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::require_login_for_pages,
        ))
        .layer(sessions)
        .layer(axum::middleware::from_fn(security::refuse_cross_site))
        .layer(axum::middleware::from_fn(security::headers))
        .layer(logging::layer())
        .with_state(state)
}

/// Builds the Atlas client for `base_url` with the configured timeouts.
pub fn atlas_client(base_url: &str, args: &ServeArgs) -> anyhow::Result<Arc<dyn AtlasApi>> {
    let config = ClientConfig::new(base_url).with_upstream(&args.upstream);
    Ok(Arc::new(AtlasClient::new(config)?))
}

pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    // Held for the life of the server: the embedded emulator runs until we return.
    let mut _embedded = None;
    let (base_url, label) = match &args.atlas_base_url {
        Some(url) => (url.trim_end_matches('/').to_string(), url.clone()),
        None => {
            let emulator =
                crate::emulator::start_embedded(args.emulator_listen, args.emulator.clone())
                    .await?;
            let url = emulator.base_url();
            _embedded = Some(emulator);
            (url, EMBEDDED_BACKEND.to_string())
        }
    };
    tracing::info!(atlas = %base_url, "Atlas backend");
    let state = AppState {
        leptos_options: leptos_options(&args),
        atlas: atlas_client(&base_url, &args)?,
        settings: Arc::new(settings(&args, label)),
    };
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    tracing::info!("dashboard on http://{}", listener.local_addr()?);
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

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
