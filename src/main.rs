//! Wiring only: parse the configuration; then either serve the dashboard (starting the
//! embedded emulator when no Atlas URL is set) or run the standalone emulator.

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    use atlas_integrations::config::{Cli, Command};
    use atlas_integrations::web;
    use clap::Parser;

    let cli = Cli::parse();
    let _log = web::init_tracing(cli.log_format);
    let result = match cli.command {
        Some(Command::Emulator(args)) => {
            atlas_emulator::run_standalone(args, web::shutdown_signal()).await
        }
        Some(Command::Serve(args)) => serve(*args).await,
        Some(Command::SessionKey) => {
            println!("{}", atlas_integrations::server::SessionKeys::generate());
            Ok(())
        }
        None => serve(cli.serve).await,
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("atlas-integrations: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(feature = "ssr")]
async fn serve(args: atlas_integrations::config::ServeArgs) -> anyhow::Result<()> {
    use std::sync::Arc;

    use atlas_integrations::config::{backend_label, EMBEDDED_BACKEND};
    use atlas_integrations::server::AppState;
    use atlas_integrations::web::{self, DashboardStore};

    // Configuration errors first, before anything starts.
    let (redis_url, keys) = args.session.store_and_keys()?;
    args.check_backend()?;

    // Held for the life of the server: the embedded emulator runs until we return.
    let mut _embedded = None;
    let (base_url, label) = match &args.atlas_base_url {
        Some(url) => (url.trim_end_matches('/').to_string(), backend_label(url)),
        None => {
            let emulator =
                atlas_emulator::start_embedded(args.emulator_listen, args.emulator.clone()).await?;
            let url = emulator.base_url();
            _embedded = Some(emulator);
            (url, EMBEDDED_BACKEND.to_string())
        }
    };
    // The client refuses a URL with a user name or password before anything is logged, and
    // the log shows scheme and host only.
    let client = atlas_client::AtlasClient::new(args.client_config(&base_url))?;
    tracing::info!(atlas = %backend_label(&base_url), "Atlas backend");
    let mut state = AppState::new(
        web::leptos_options(&args.site_root.to_string_lossy(), args.listen),
        Arc::new(client),
        args.settings(label),
    );
    if let Some(keys) = keys {
        state = state.with_session_keys(keys);
    }
    let store = match redis_url {
        Some(url) => DashboardStore::redis(url).await?,
        None => web::memory_store(&state),
    };
    tracing::info!(store = store.kind(), "session store");
    let journal = store.journal(state.session_keys.clone());
    let state = state.with_journal(journal);
    if let Some(addr) = args.metrics_listen {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| anyhow::anyhow!("--metrics-listen {addr}: {e}"))?;
        tokio::spawn(web::metrics::serve(listener, store.clone()));
    }
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    let grace = std::time::Duration::from_secs(args.shutdown_grace_secs);
    let app = web::router_with_store(state, store);
    web::serve(listener, app, web::shutdown_signal(), grace).await?;
    Ok(())
}

#[cfg(not(feature = "ssr"))]
pub fn main() {
    // The browser build has no binary: its entry point is `hydrate()` in lib.rs.
}
