//! Wiring only: parse the configuration, then serve the dashboard or the standalone emulator.

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    use atlas_integrations::config::{Cli, Command};
    use clap::Parser;

    let cli = Cli::parse();
    atlas_integrations::web::init_tracing();
    let result = match cli.command {
        Some(Command::Emulator(args)) => atlas_integrations::emulator::run_standalone(args).await,
        Some(Command::Serve(args)) => atlas_integrations::web::serve(args).await,
        None => atlas_integrations::web::serve(cli.serve).await,
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("atlas-integrations: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(not(feature = "ssr"))]
pub fn main() {
    // The browser build has no binary: its entry point is `hydrate()` in lib.rs.
}
