//! What every request handler and server function shares.

use std::sync::Arc;

use leptos::prelude::LeptosOptions;

use atlas_client::AtlasApi;

use super::journal::Journal;
use super::lookup_slots::LookupSlots;
use super::prefetch::Prefetched;
use super::project_names::ProjectNames;
use super::runs::store::RunStore;
use super::sealing::SessionKeys;
use super::throttle::{LoginPolicy, LoginThrottle};

/// A handle to what every request shares. Cloning it is one reference count: axum clones
/// the state for each middleware and handler of every request, and the service stack that
/// holds it is cloned per request too, so a plain struct of strings and handles cost about a
/// tenth of a server function's CPU time in allocation and freeing (profile in
/// docs/benchmarks.md, "Server function path").
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// Changes are made while the dashboard is put together, before the handle is shared with
/// the router; if it already is, the change applies to a copy of its own (`Arc::make_mut`),
/// never to a state other handles see.
impl std::ops::DerefMut for AppState {
    fn deref_mut(&mut self) -> &mut Shared {
        Arc::make_mut(&mut self.0)
    }
}

#[derive(Clone)]
pub struct Shared {
    pub leptos_options: LeptosOptions,
    /// The Atlas client (or a test double): the only way to Atlas.
    pub atlas: Arc<dyn AtlasApi>,
    pub settings: Arc<Settings>,
    /// Failed sign-ins per client address and credential id.
    pub login_throttle: Arc<LoginThrottle>,
    /// What seals the user's record in the session store.
    pub session_keys: Arc<SessionKeys>,
    /// The fleet runs (`runs`): in memory, or in Redis when the sessions are there.
    pub runs: RunStore,
    /// Where the sessions are, for what looks at one outside its requests (a fleet run
    /// checks that its session still exists before each write). Set with the router.
    pub sessions: Option<Arc<dyn tower_sessions::SessionStore>>,
    /// The writes the dashboard sent (`journal`): in memory, or in Redis beside the sessions.
    pub journal: Journal,
    /// Project names seen lately, per credential (`project_names`).
    pub project_names: Arc<ProjectNames>,
    /// The Atlas lookups each credential has in flight (`lookup_slots`).
    pub lookup_slots: Arc<LookupSlots>,
    /// Lookups started before they were asked for (`prefetch`).
    pub prefetched: Arc<Prefetched>,
}

impl AppState {
    pub fn new(
        leptos_options: LeptosOptions,
        atlas: Arc<dyn AtlasApi>,
        settings: Settings,
    ) -> Self {
        AppState(Arc::new(Shared {
            leptos_options,
            atlas,
            login_throttle: Arc::new(LoginThrottle::new(settings.login_policy)),
            // The in-memory store's sessions end with the process: a key of its own suffices.
            session_keys: Arc::new(SessionKeys::ephemeral()),
            runs: RunStore::memory(),
            sessions: None,
            journal: Journal::memory(),
            project_names: Arc::default(),
            lookup_slots: Arc::default(),
            prefetched: Arc::default(),
            settings: Arc::new(settings),
        }))
    }

    /// Seals with configured keys: what a session store shared by replicas, or kept across
    /// restarts, needs.
    pub fn with_session_keys(mut self, keys: SessionKeys) -> Self {
        self.session_keys = Arc::new(keys);
        self
    }

    /// Keeps the journal elsewhere: in Redis, when the sessions are there.
    pub fn with_journal(mut self, journal: Journal) -> Self {
        self.journal = journal;
        self
    }
}

/// Resolved configuration the handlers need.
#[derive(Clone, Debug)]
pub struct Settings {
    /// "embedded emulator" or Atlas's base URL, for display.
    pub backend_label: String,
    /// Absolute session lifetime, however active the user is.
    pub session_max: time::Duration,
    /// Session idle timeout.
    pub session_idle: time::Duration,
    /// Atlas UI root for links: the configured Atlas URL, or real Atlas for the emulator.
    pub atlas_ui_base: String,
    /// Whether the session cookie carries `Secure`.
    pub cookie_secure: bool,
    /// How many failed sign-ins are free, and how long lock-outs last.
    pub login_policy: LoginPolicy,
    /// Peers whose `X-Forwarded-Proto` is believed (the TLS-terminating proxy in front).
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl Settings {
    /// The project's integrations page in the Atlas UI. Against the emulator this is real
    /// Atlas's address. [unverified: the fragment path is the UI's current one, taken from its
    /// documentation's navigation, not from a recorded URL.]
    pub fn atlas_ui_url(&self, group_id: &str) -> String {
        format!(
            "{}/v2/{group_id}#/settings/integrations",
            self.atlas_ui_base
        )
    }

    /// The project's alert settings in the Atlas UI. The address of one alert configuration
    /// in the UI is not documented [unverified], so the link opens the project's list, where
    /// the page names the alert by what it watches.
    pub fn alerts_ui_url(&self, group_id: &str) -> String {
        format!("{}/v2/{group_id}#/alerts/settings", self.atlas_ui_base)
    }
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
