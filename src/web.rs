//! The dashboard's HTTP side: the router factory that tests drive without a socket, and
//! `serve`, which binds it.

use std::sync::OnceLock;

use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};

use crate::app::{shell, App};
use crate::config::ServeArgs;

/// Everything request handlers share.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

static BACKEND_LABEL: OnceLock<String> = OnceLock::new();

/// What the server talks to, for display: the embedded emulator or Atlas's host.
pub fn backend_label() -> String {
    BACKEND_LABEL
        .get()
        .cloned()
        .unwrap_or_else(|| "unknown".into())
}

pub fn leptos_options(args: &ServeArgs) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("atlas-integrations")
        .site_root(args.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(args.listen)
        .build()
}

/// The whole dashboard as a router.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    Router::new()
        .leptos_routes(&state, routes, move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .with_state(state)
}

pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let base_url = match &args.atlas_base_url {
        Some(url) => {
            let _ = BACKEND_LABEL.set(url.clone());
            url.clone()
        }
        None => {
            let emulator =
                crate::emulator::start_embedded(args.emulator_listen, args.emulator.clone())
                    .await?;
            let _ = BACKEND_LABEL.set("embedded emulator".into());
            emulator.base_url()
        }
    };
    tracing::info!(atlas = %base_url, "Atlas backend");
    let state = AppState {
        leptos_options: leptos_options(&args),
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

/// Logs to stderr; `RUST_LOG` filters (default: info).
pub fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
