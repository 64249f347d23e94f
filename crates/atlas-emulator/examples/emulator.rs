//! The standalone emulator without the dashboard around it: the same command line as
//! `atlas-integrations emulator` (`emulator --listen ADDR [options]`), so scripts that start
//! the release binary can start this instead (`scripts/spec-check` with
//! `ATLAS_BIN=target/debug/examples/emulator`) when only the emulator changed and the
//! dashboard's release build would take minutes.
//!
//!     cargo build -p atlas-emulator --example emulator

use atlas_emulator::{run_standalone, StandaloneArgs};
use clap::{Parser, Subcommand};

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the Atlas Admin API emulator until Ctrl-C or SIGTERM.
    Emulator(StandaloneArgs),
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let Command::Emulator(args) = Cli::parse().command;
    run_standalone(args, stop()).await
}

async fn stop() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => ctrl_c.await,
        }
    }
    #[cfg(not(unix))]
    ctrl_c.await;
}
