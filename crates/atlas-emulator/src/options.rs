//! The emulator's options (flags and environment), apart from `lib.rs` so the modules that
//! read them need not import the crate's root, which imports them.

use std::path::PathBuf;

use clap::Args;
use serde::{Deserialize, Serialize};

use super::faults::FaultRule;

/// What PUT does, since Atlas's v2 docs do not say (docs/atlas-facts.md, Writes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum PutMode {
    /// Omitted fields keep their values; PUT of a missing type creates it (v1 docs).
    Merge,
    /// The body replaces the configuration; missing required fields are a 400, a missing
    /// type a 404.
    Replace,
}

/// The emulator's options, shared by the dashboard's embedded emulator and the standalone one.
/// The defaults live in `Default` only; each flag's default is read from it.
#[derive(Debug, Clone, Args, PartialEq)]
#[command(next_help_heading = "Emulator")]
pub struct EmulatorOptions {
    /// PUT semantics: merge (omitted fields kept, missing type created) or replace.
    #[arg(long, env = "EMULATOR_PUT_MODE", value_enum, default_value_t = EmulatorOptions::default().put_mode)]
    pub put_mode: PutMode,

    /// Generate N extra projects (bench-00001…) owned by the demo key and service account.
    #[arg(long, env = "EMULATOR_PROJECTS", default_value_t = EmulatorOptions::default().projects)]
    pub projects: usize,

    /// JSON seed document replacing the demo data (format in this crate's README.md).
    #[arg(long, env = "EMULATOR_SEED")]
    pub seed: Option<PathBuf>,

    /// Keep the state in FILE across restarts, rewritten atomically after every change.
    #[arg(long, env = "EMULATOR_STATE")]
    pub state: Option<PathBuf>,

    /// Rate-limit bucket capacity (per project and endpoint set).
    #[arg(long, env = "EMULATOR_RATE_LIMIT_CAPACITY", default_value_t = EmulatorOptions::default().rate_limit_capacity)]
    pub rate_limit_capacity: u32,

    /// Tokens added back to each bucket per second.
    #[arg(long, env = "EMULATOR_RATE_LIMIT_REFILL_PER_SEC", default_value_t = EmulatorOptions::default().rate_limit_refill_per_sec)]
    pub rate_limit_refill_per_sec: u32,

    /// Enable the /_emulator/* inspection and control endpoints: only on a loopback listen
    /// address, only for a loopback Host, and only with the hook token.
    #[arg(long, env = "EMULATOR_TEST_HOOKS")]
    pub test_hooks: bool,

    /// The token every /_emulator/* request must carry in `x-emulator-token` (at least 16
    /// characters). Without it a random one is made and printed at start.
    #[arg(long, env = "EMULATOR_HOOK_TOKEN", hide_env_values = true)]
    pub hook_token: Option<String>,

    /// Fault rule at start, repeatable, e.g. `status=503,path=/api/atlas/v2/groups,count=2`
    /// (keys: method, path, status, retry-after, rate, count, latency-ms, malformed, drop, huge).
    #[arg(long = "fault", env = "EMULATOR_FAULT", value_delimiter = ';', value_parser = FaultRule::parse_compact)]
    pub faults: Vec<FaultRule>,

    /// Latency added to every API request, in milliseconds.
    #[arg(long, env = "EMULATOR_LATENCY_MS", default_value_t = EmulatorOptions::default().latency_ms)]
    pub latency_ms: u64,

    /// Lifetime of a Digest nonce, in seconds.
    #[arg(long, env = "EMULATOR_NONCE_TTL_SECS", default_value_t = EmulatorOptions::default().nonce_ttl_secs)]
    pub nonce_ttl_secs: u64,

    /// Lifetime of an OAuth access token, in seconds.
    #[arg(long, env = "EMULATOR_TOKEN_TTL_SECS", default_value_t = EmulatorOptions::default().token_ttl_secs)]
    pub token_ttl_secs: u64,
}

impl Default for EmulatorOptions {
    fn default() -> Self {
        EmulatorOptions {
            put_mode: PutMode::Merge,
            projects: 0,
            seed: None,
            state: None,
            rate_limit_capacity: 1200,
            rate_limit_refill_per_sec: 1200,
            test_hooks: false,
            hook_token: None,
            faults: Vec::new(),
            latency_ms: 0,
            nonce_ttl_secs: 30,
            token_ttl_secs: 3600,
        }
    }
}
