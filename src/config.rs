//! Command line and environment configuration, with the defaults the README documents, and
//! what the server is built from them.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use atlas_client::ClientConfig;
use atlas_emulator::{EmulatorOptions, StandaloneArgs};
use clap::{Args, Parser, Subcommand};

use crate::server::Settings;

/// Real Atlas, for links to its UI when the backend is the emulator.
pub const REAL_ATLAS: &str = "https://cloud.mongodb.com";

/// Shown as the backend when no Atlas URL is configured.
pub const EMBEDDED_BACKEND: &str = "embedded emulator";

#[derive(Debug, Parser)]
#[command(
    name = "atlas-integrations",
    version,
    about,
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
    Serve(ServeArgs),
    /// Run only the Atlas Admin API emulator.
    Emulator(StandaloneArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address the dashboard listens on. cargo-leptos sets LEPTOS_SITE_ADDR in `watch`.
    #[arg(long, env = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,

    /// Atlas Admin API base URL, e.g. https://cloud.mongodb.com. Unset: start the embedded
    /// emulator on a loopback port and use it.
    #[arg(long, env = "ATLAS_BASE_URL")]
    pub atlas_base_url: Option<String>,

    /// Folder holding the built site (pkg/ and public assets), as cargo-leptos writes it.
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
}

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
