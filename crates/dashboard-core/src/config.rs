//! Command line and environment configuration, with the defaults the README documents, and
//! what the server is built from them.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use atlas_client::ClientConfig;
use atlas_emulator::{EmulatorOptions, StandaloneArgs};
use clap::{Args, Parser, Subcommand};

use crate::server::{SessionKeys, Settings};
use atlas_client::SecretValue;

/// Real Atlas, for links to its UI when the backend is the emulator.
pub const REAL_ATLAS: &str = "https://cloud.mongodb.com";

/// Shown as the backend when no Atlas URL is configured.
pub const EMBEDDED_BACKEND: &str = "embedded emulator";

#[derive(Debug, Parser)]
// The name and the one-line description are the binary's (the root package's), not this
// crate's; the version is the workspace's.
#[command(
    name = "atlas-integrations",
    version,
    about = "Web admin dashboard for MongoDB Atlas third-party service integrations",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Log lines as text for people, or as one JSON object per line for log shippers.
    #[arg(long, global = true, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// Running without a subcommand is `serve`.
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the dashboard (the default).
    Serve(Box<ServeArgs>),
    /// Run only the Atlas Admin API emulator.
    Emulator(StandaloneArgs),
    /// Print a new random session key (base64, 32 bytes) for SESSION_KEYS or
    /// --session-keys-file.
    SessionKey,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address the dashboard listens on. cargo-leptos sets LEPTOS_SITE_ADDR in `watch`.
    #[arg(long, env = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,

    /// Atlas Admin API base URL, e.g. https://cloud.mongodb.com. Unset: start the embedded
    /// emulator on a loopback port and use it (on a non-loopback --listen, only with --demo).
    // Its value is hidden in --help like every setting that may carry a password.
    #[arg(long, env = "ATLAS_BASE_URL", hide_env_values = true)]
    pub atlas_base_url: Option<String>,

    /// Serve the embedded emulator, whose demo credentials are published, on a non-loopback
    /// --listen too. Without it (or --atlas-base-url), such an address is refused: anyone who
    /// reaches it could sign in with the demo owner's key.
    #[arg(long, env = "ATLAS_DEMO")]
    pub demo: bool,

    /// Folder holding the built site (pkg/ and public assets), as scripts/build-site (or cargo-leptos) writes it.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,

    /// Where the embedded emulator listens when no Atlas base URL is set. Port 0 picks a free
    /// port; tests fix it to reach the emulator's inspection endpoints.
    #[arg(long, env = "EMULATOR_LISTEN", default_value = "127.0.0.1:0")]
    pub emulator_listen: SocketAddr,

    /// Seconds to let requests in flight finish after SIGTERM or Ctrl-C, before exiting
    /// regardless. New connections are refused from the signal on.
    #[arg(long, env = "SHUTDOWN_GRACE_SECS", default_value_t = 30)]
    pub shutdown_grace_secs: u64,

    /// Serve Prometheus metrics at http://ADDR/metrics (off when unset). An address of its
    /// own, so the dashboard's public one never shows them.
    #[arg(long, env = "METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,

    #[command(flatten)]
    pub session: SessionArgs,

    #[command(flatten)]
    pub upstream: UpstreamArgs,

    #[command(flatten)]
    pub emulator: EmulatorOptions,
}

#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Sessions")]
pub struct SessionArgs {
    /// Minutes without a request after which a session ends.
    #[arg(long, env = "SESSION_IDLE_MINUTES", default_value_t = 30)]
    pub session_idle_minutes: u64,
    /// Hours after login after which a session ends, however active.
    #[arg(long, env = "SESSION_MAX_HOURS", default_value_t = 8)]
    pub session_max_hours: u64,
    /// Secure cookie flag: auto (on unless the dashboard listens on plain-http loopback with
    /// no proxy in front), always, never.
    #[arg(long, env = "COOKIE_SECURE", default_value = "auto")]
    pub cookie_secure: CookieSecure,
    /// Address of a TLS-terminating proxy in front of the dashboard, repeatable: only its
    /// `X-Forwarded-Proto` is believed, and with one set, cookies are `Secure` (auto).
    #[arg(long = "trusted-proxy", env = "TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Where sessions live: `memory` (this process; a restart signs everyone out) or a Redis
    /// URL (`redis://host:6379/0`, `rediss://` for TLS) that every replica shares. Redis
    /// needs session keys.
    // A Redis URL may carry a password: never shown in --help.
    #[arg(
        long,
        env = "SESSION_STORE",
        default_value = "memory",
        hide_env_values = true
    )]
    pub session_store: String,
    /// Keys that seal session records: base64 or hex of 32 bytes each, comma-separated; the
    /// first seals, all open (rotation). Required with Redis; with memory, one random key.
    #[arg(long, env = "SESSION_KEYS", hide_env_values = true, value_parser = secret_arg)]
    pub session_keys: Option<SecretValue>,
    /// A file holding the session keys, one per line (`#` comments), instead of SESSION_KEYS.
    #[arg(long, env = "SESSION_KEYS_FILE", conflicts_with = "session_keys")]
    pub session_keys_file: Option<PathBuf>,
}

fn secret_arg(value: &str) -> Result<SecretValue, std::convert::Infallible> {
    Ok(SecretValue::new(value))
}

impl SessionArgs {
    /// The configured session keys, `None` when none are configured; an error, naming the
    /// key's position and never its value, when one cannot be used.
    pub fn keys(&self) -> anyhow::Result<Option<SessionKeys>> {
        if let Some(text) = &self.session_keys {
            return Ok(Some(SessionKeys::parse(text.expose(), "SESSION_KEYS")?));
        }
        let Some(path) = &self.session_keys_file else {
            return Ok(None);
        };
        let text = zeroize::Zeroizing::new(
            std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("--session-keys-file {}: {e}", path.display()))?,
        );
        warn_if_readable_by_others(path);
        let source = format!("--session-keys-file {}", path.display());
        Ok(Some(SessionKeys::parse(&text, &source)?))
    }

    /// The Redis URL, when sessions go to Redis, and the keys to seal records with. Redis
    /// without keys is refused: records would otherwise be sealed with a key of this process
    /// only, which no other replica, and no restart, could open.
    pub fn store_and_keys(&self) -> anyhow::Result<(Option<&str>, Option<SessionKeys>)> {
        let store = self.session_store.as_str();
        let redis = if store == "memory" {
            None
        } else if store.starts_with("redis://") || store.starts_with("rediss://") {
            Some(store)
        } else {
            anyhow::bail!("--session-store must be `memory` or a redis:// or rediss:// URL")
        };
        let keys = self.keys()?;
        if redis.is_some() && keys.is_none() {
            anyhow::bail!(
                "the Redis session store needs session keys, so that no credential is stored \
                 in clear and every replica can open every session: set SESSION_KEYS or \
                 --session-keys-file (make a key with `atlas-integrations session-key`)"
            );
        }
        Ok((redis, keys))
    }
}

#[cfg(unix)]
fn warn_if_readable_by_others(path: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.permissions().mode() & 0o077 != 0 {
            tracing::warn!(
                file = %path.display(),
                "the session keys file can be read by other users: chmod 600 it"
            );
        }
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_: &std::path::Path) {}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CookieSecure {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Calls to Atlas")]
pub struct UpstreamArgs {
    /// Seconds to wait for a TCP/TLS connection to Atlas.
    #[arg(long, env = "ATLAS_CONNECT_TIMEOUT_SECS", default_value_t = ClientConfig::DEFAULT_CONNECT_TIMEOUT.as_secs())]
    pub connect_timeout_secs: u64,
    /// Seconds one Atlas request may take in all.
    #[arg(long, env = "ATLAS_REQUEST_TIMEOUT_SECS", default_value_t = ClientConfig::DEFAULT_REQUEST_TIMEOUT.as_secs())]
    pub request_timeout_secs: u64,
    /// Seconds one dashboard call may spend on Atlas in all: retries, waits a 429 asked for,
    /// the Digest challenge and the token fetch included.
    #[arg(long, env = "ATLAS_CALL_DEADLINE_SECS", default_value_t = ClientConfig::DEFAULT_CALL_DEADLINE.as_secs())]
    pub call_deadline_secs: u64,
    /// Accept a plain-http Atlas URL to another machine (loopback is always accepted): the
    /// credential would cross the network readable.
    #[arg(long, env = "ATLAS_ALLOW_PLAIN_HTTP")]
    pub allow_plain_http_atlas: bool,
}

/// How the backend is named to anyone, signed in or not (the login page shows it): the Atlas
/// URL's scheme and host, never a user name, password or path.
pub fn backend_label(atlas_url: &str) -> String {
    let Some((scheme, rest)) = atlas_url.split_once("://") else {
        return "Atlas".to_string();
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit('@').next().unwrap_or_default();
    format!("{scheme}://{host}")
}

impl ServeArgs {
    /// Refuses to serve the embedded emulator's published credentials beyond this machine
    /// unless asked to (`--demo`).
    pub fn check_backend(&self) -> anyhow::Result<()> {
        if self.atlas_base_url.is_none() && !self.demo && !self.listen.ip().is_loopback() {
            anyhow::bail!(
                "--listen {} is reachable from other machines, and without --atlas-base-url the \
                 dashboard would serve the embedded emulator, whose demo owner credentials are \
                 published: anyone who reaches it could sign in. Set --atlas-base-url (or \
                 ATLAS_BASE_URL) to use Atlas, or pass --demo (ATLAS_DEMO=true) to serve the demo \
                 on purpose.",
                self.listen
            );
        }
        Ok(())
    }

    /// The Atlas client's configuration for `base_url`, with the configured timeouts.
    pub fn client_config(&self, base_url: &str) -> ClientConfig {
        let config = ClientConfig::new(base_url)
            .with_timeouts(
                Duration::from_secs(self.upstream.connect_timeout_secs),
                Duration::from_secs(self.upstream.request_timeout_secs),
            )
            .with_call_deadline(Duration::from_secs(self.upstream.call_deadline_secs));
        if self.upstream.allow_plain_http_atlas {
            config.allowing_plain_http()
        } else {
            config
        }
    }

    /// What the handlers need to know. `Secure` cookies unless asked otherwise, or `auto`
    /// and the dashboard listens on plain-http loopback (where browsers would drop them).
    pub fn settings(&self, backend_label: String) -> Settings {
        let atlas_ui_base = self
            .atlas_base_url
            .as_deref()
            .unwrap_or(REAL_ATLAS)
            .trim_end_matches('/')
            .to_string();
        // Browsers drop `Secure` cookies over plain http, which is what a loopback listener
        // without a proxy in front serves; anything else is https, directly or via a proxy.
        let behind_proxy = !self.session.trusted_proxies.is_empty();
        let cookie_secure = match self.session.cookie_secure {
            CookieSecure::Always => true,
            CookieSecure::Never => false,
            CookieSecure::Auto => !self.listen.ip().is_loopback() || behind_proxy,
        };
        Settings {
            backend_label,
            atlas_ui_base,
            session_max: time::Duration::hours(self.session.session_max_hours as i64),
            session_idle: time::Duration::minutes(self.session.session_idle_minutes as i64),
            cookie_secure,
            login_policy: Default::default(),
            trusted_proxies: self.session.trusted_proxies.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::{backend_label, Cli};

    #[test]
    fn cookies_are_secure_behind_a_trusted_proxy_even_on_loopback() {
        let secure = |args: &[&str]| {
            let cli = Cli::try_parse_from(
                [&["atlas-integrations", "--listen", "127.0.0.1:3000"], args].concat(),
            )
            .expect("parses");
            cli.serve.settings(String::new()).cookie_secure
        };
        assert!(
            !secure(&[]),
            "plain http on loopback: browsers would drop a Secure cookie"
        );
        assert!(secure(&["--trusted-proxy", "127.0.0.1"]));
        assert!(secure(&[
            "--trusted-proxy",
            "127.0.0.1",
            "--cookie-secure",
            "always"
        ]));
        assert!(!secure(&[
            "--trusted-proxy",
            "127.0.0.1",
            "--cookie-secure",
            "never"
        ]));
    }

    #[test]
    fn redis_wants_usable_keys_and_errors_never_show_them() {
        let setup = |args: &[&str]| {
            let cli =
                Cli::try_parse_from([&["atlas-integrations"], args].concat()).expect("parses");
            cli.serve
                .session
                .store_and_keys()
                .map(|(redis, keys)| (redis.map(str::to_owned), keys.is_some()))
                .map_err(|e| e.to_string())
        };
        let key = crate::server::SessionKeys::generate();
        assert_eq!(setup(&[]), Ok((None, false)), "memory: a key of its own");
        let no_key = setup(&["--session-store", "redis://127.0.0.1:6379/0"]).unwrap_err();
        assert!(no_key.contains("needs session keys"), "{no_key}");
        assert_eq!(
            setup(&["--session-store", "redis://r:6379", "--session-keys", &key]),
            Ok((Some("redis://r:6379".to_owned()), true))
        );
        let short = &key[..20];
        let wrong = setup(&["--session-store", "redis://r", "--session-keys", short]).unwrap_err();
        assert!(
            wrong.contains("key 1 of SESSION_KEYS is 15 bytes"),
            "{wrong}"
        );
        assert!(!wrong.contains(short));
        let other = setup(&["--session-store", "postgres://x"]).unwrap_err();
        assert!(other.contains("must be `memory` or a redis://"), "{other}");
        let missing = setup(&["--session-keys-file", "/nonexistent/keys"]).unwrap_err();
        assert!(missing.contains("/nonexistent/keys"), "{missing}");
    }

    #[test]
    fn the_backend_label_names_only_scheme_and_host() {
        assert_eq!(
            backend_label("https://cloud.mongodb.com"),
            "https://cloud.mongodb.com"
        );
        assert_eq!(
            backend_label("https://user:hunter2@atlas.example:8443/base?x=1"),
            "https://atlas.example:8443"
        );
        assert_eq!(backend_label("not a url"), "Atlas");
    }
}
