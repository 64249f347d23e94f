//! The embedded MongoDB Atlas Administration API v2 emulator: the part of Atlas the dashboard
//! uses (projects, third-party integrations, their events and the alert configurations that
//! use them), with Digest and OAuth authentication,
//! per-project roles, Atlas's validation, masking, errors and rate limits, plus opt-in test
//! hooks. Ground truth, in order: the recorded responses, the official spec, then docs/atlas-facts.md.
//! Every behaviour Atlas does not document is marked `[unverified]` where it is decided.
//! Usage and the hook contract: this crate's README.md.

mod alert_event_types;
mod alerts;
mod auth;
mod counters;
pub mod demo;
mod document;
mod errors;
mod events;
pub mod faults;
mod handle;
mod hooks;
mod identity;
mod options;
mod persist;
mod ratelimit;
mod response;
mod routes;
mod seed;
mod server;
mod state;
mod wire;

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use clap::Args;

pub use faults::FaultRule;
pub use handle::Emulator;
pub use hooks::TOKEN_HEADER as HOOK_TOKEN_HEADER;
pub use options::{EmulatorOptions, PutMode};

/// Builds an emulator from options: seed or demo data, generated projects, the state file.
pub fn build(options: &EmulatorOptions) -> anyhow::Result<Emulator> {
    let mut doc = match &options.seed {
        Some(path) => seed::load(path)?,
        None => seed::demo_document(),
    };
    seed::add_generated(&mut doc, options.projects);
    let initial = state::Store::from_document(doc).context("initial data")?;
    let persister = options.state.clone().map(persist::Persister::new);
    let current = match persister
        .as_ref()
        .map(persist::Persister::load)
        .transpose()?
        .flatten()
    {
        Some(saved) => {
            let path = persister
                .as_ref()
                .map(|p| p.path().display().to_string())
                .unwrap_or_default();
            state::Store::from_document(saved).with_context(|| format!("state file {path}"))?
        }
        None => initial.clone(),
    };
    let mut faults = faults::Faults::default();
    for rule in &options.faults {
        faults.add(rule.clone());
    }
    let emu = Emulator::new(handle::Config {
        initial,
        current,
        persister,
        put_mode: options.put_mode,
        nonce_ttl: Duration::from_secs(options.nonce_ttl_secs),
        token_ttl: Duration::from_secs(options.token_ttl_secs),
        rate_limit_capacity: options.rate_limit_capacity,
        rate_limit_refill_per_sec: options.rate_limit_refill_per_sec,
        faults,
        latency_ms: options.latency_ms,
        hook_token: hooks::token(options)?,
    });
    Ok(emu)
}

/// The whole emulator as a router, for tests that drive it without a socket.
pub fn router(emulator: Emulator) -> axum::Router {
    server::router(emulator)
}

/// A started emulator. Dropping it leaves the server running; `shutdown` stops it.
pub struct RunningEmulator {
    addr: SocketAddr,
    emulator: Emulator,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningEmulator {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The token the `/_emulator/*` hooks want in `HOOK_TOKEN_HEADER`; `None` when they are off.
    pub fn hook_token(&self) -> Option<&str> {
        self.emulator.hook_token()
    }

    /// The header a hook request carries (empty when the hooks are off), for a test client's
    /// default headers.
    pub fn hook_headers(&self) -> axum::http::HeaderMap {
        let mut headers = axum::http::HeaderMap::new();
        if let Some(value) = self.hook_token().and_then(|t| t.parse().ok()) {
            headers.insert(HOOK_TOKEN_HEADER, value);
        }
        headers
    }

    /// The state handle, for in-process inspection.
    pub fn emulator(&self) -> &Emulator {
        &self.emulator
    }

    /// Stops accepting connections and waits for the server task to end.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }
}

/// Binds `listen` (port 0 picks a free port), starts serving on the current tokio runtime,
/// prints the demo credentials, and returns.
pub async fn start_embedded(
    listen: SocketAddr,
    options: EmulatorOptions,
) -> anyhow::Result<RunningEmulator> {
    if options.test_hooks && !listen.ip().is_loopback() {
        // The hooks rewrite state and show secrets in clear: never on a reachable address.
        anyhow::bail!(
            "the test hooks are only served on a loopback address, and {listen} is not one"
        );
    }
    let emulator = build(&options)?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("binding emulator to {listen}"))?;
    let addr = listener.local_addr()?;
    let app = router(emulator.clone());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let shutdown = async {
            // A dropped handle keeps the server running; only an explicit shutdown stops it.
            if stopped.await.is_err() {
                std::future::pending::<()>().await;
            }
        };
        // With the peer's address: an event's `remoteAddress`.
        let app = app.into_make_service_with_connect_info::<SocketAddr>();
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::error!("emulator server failed: {e}");
        }
    });
    announce(addr, &options, &emulator);
    Ok(RunningEmulator {
        addr,
        emulator,
        stop: Some(stop),
        task,
    })
}

/// What the emulator serves, on stderr. With the demo data, its credentials: public demo data,
/// printed on purpose. A seed brings its own credentials, which are the operator's and are
/// never printed (and the demo ones do not exist there).
fn announce(addr: SocketAddr, options: &EmulatorOptions, emulator: &Emulator) {
    eprintln!("{}", banner(addr, options, emulator.hook_token()));
}

fn banner(addr: SocketAddr, options: &EmulatorOptions, hook_token: Option<&str>) -> String {
    let credentials = match &options.seed {
        Some(path) => format!(
            "  Credentials: those in the seed {} (not printed)",
            path.display()
        ),
        None => format!(
            "  API key (owner):        {} / {}\n  \
             API key (read only):    {} / {}\n  \
             API key (no project):   {} / {}\n  \
             API key (Sandbox only): {} / {}\n  \
             Service account:        {} / {}",
            demo::API_PUBLIC_KEY,
            demo::API_PRIVATE_KEY,
            demo::READONLY_PUBLIC_KEY,
            demo::READONLY_PRIVATE_KEY,
            demo::EMPTY_PUBLIC_KEY,
            demo::EMPTY_PRIVATE_KEY,
            demo::SANDBOX_PUBLIC_KEY,
            demo::SANDBOX_PRIVATE_KEY,
            demo::SERVICE_ACCOUNT_CLIENT_ID,
            demo::SERVICE_ACCOUNT_CLIENT_SECRET,
        ),
    };
    // A token the operator chose is theirs and not printed; a generated one is the only way
    // to learn it.
    let hooks = match (hook_token, &options.hook_token) {
        (None, _) => "off".to_string(),
        (Some(_), Some(_)) => "on (token from EMULATOR_HOOK_TOKEN)".to_string(),
        (Some(token), None) => format!("on, x-emulator-token: {token}"),
    };
    format!(
        "Atlas Admin API emulator on http://{addr}\n{credentials}\n  \
         PUT mode: {:?}; test hooks: {hooks}",
        options.put_mode,
    )
}

/// The standalone emulator's command line (`atlas-integrations emulator`).
#[derive(Debug, Clone, Args)]
pub struct StandaloneArgs {
    /// Address the emulator listens on.
    #[arg(long, env = "EMULATOR_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    #[command(flatten)]
    pub options: EmulatorOptions,
}

/// Serves on `args.listen` until `stop` completes (the binary passes its signal handler).
pub async fn run_standalone(
    args: StandaloneArgs,
    stop: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    let running = start_embedded(args.listen, args.options).await?;
    stop.await;
    running.shutdown().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Probe {
        #[command(flatten)]
        options: EmulatorOptions,
    }

    #[test]
    fn flags_parse() {
        let p = Probe::try_parse_from([
            "probe",
            "--put-mode",
            "replace",
            "--fault",
            "status=503,count=1",
            "--fault",
            "drop",
            "--test-hooks",
        ])
        .unwrap()
        .options;
        assert_eq!(p.put_mode, PutMode::Replace);
        assert_eq!(p.faults.len(), 2);
        assert!(p.test_hooks);
    }

    #[test]
    fn the_banner_prints_demo_credentials_only_for_the_demo_data() {
        let addr: SocketAddr = "127.0.0.1:1".parse().unwrap();
        let shown = banner(addr, &EmulatorOptions::default(), None);
        assert!(shown.contains(demo::API_PRIVATE_KEY), "{shown}");
        assert!(
            shown.contains(demo::SERVICE_ACCOUNT_CLIENT_SECRET),
            "{shown}"
        );

        let seeded = EmulatorOptions {
            seed: Some(std::path::PathBuf::from("/etc/atlas-seed.json")),
            ..EmulatorOptions::default()
        };
        let text = banner(addr, &seeded, None);
        assert!(text.contains("/etc/atlas-seed.json"), "{text}");
        for demo_value in [
            demo::API_PUBLIC_KEY,
            demo::API_PRIVATE_KEY,
            demo::SERVICE_ACCOUNT_CLIENT_ID,
        ] {
            assert!(!text.contains(demo_value), "{text}");
        }
    }
}
