//! Embedded Atlas Admin API emulator (placeholder until the emulator lands).

use std::net::SocketAddr;

use clap::Args;

use crate::config::StandaloneEmulatorArgs;

#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Emulator")]
pub struct EmulatorOptions {}

pub struct RunningEmulator {
    addr: SocketAddr,
}

impl RunningEmulator {
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

pub async fn start_embedded(
    _listen: SocketAddr,
    _options: EmulatorOptions,
) -> anyhow::Result<RunningEmulator> {
    Ok(RunningEmulator {
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
    })
}

pub async fn run_standalone(_args: StandaloneEmulatorArgs) -> anyhow::Result<()> {
    anyhow::bail!("not yet")
}
