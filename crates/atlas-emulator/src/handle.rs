//! A handle on one emulator's state: the data, the credentials' nonces and tokens, rate
//! buckets, faults and counters. The HTTP side (`server`, `routes`, `hooks`, `auth::oauth`)
//! holds it as axum state.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use super::auth::digest::NonceStore;
use super::auth::tokens::TokenStore;
use super::counters::{AuthKind, Counters, InFlight};
use super::errors::ApiError;
use super::faults::Faults;
use super::options::PutMode;
use super::persist::Persister;
use super::ratelimit::{RateLimiter, Verdict};
use super::state::Store;

/// A handle on one running emulator's state; cheap to clone.
#[derive(Clone)]
pub struct Emulator(Arc<Inner>);

struct Inner {
    store: Mutex<Store>,
    initial: Store,
    generation: AtomicU64,
    persister: Option<Persister>,
    put_mode: Mutex<PutMode>,
    nonces: Mutex<NonceStore>,
    tokens: Mutex<TokenStore>,
    limiter: Mutex<RateLimiter>,
    faults: Mutex<Faults>,
    counters: Mutex<Counters>,
    in_flight: InFlight,
    latency_ms: u64,
    hook_token: Option<String>,
}

/// Locks, recovering from a panic elsewhere: the data stays usable for an emulator.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

pub struct Config {
    pub initial: Store,
    pub current: Store,
    pub persister: Option<Persister>,
    pub put_mode: PutMode,
    pub nonce_ttl: Duration,
    pub token_ttl: Duration,
    pub rate_limit_capacity: u32,
    pub rate_limit_refill_per_sec: u32,
    pub faults: Faults,
    pub latency_ms: u64,
    /// The `/_emulator/*` hooks' token; `None` leaves the hooks unmounted.
    pub hook_token: Option<String>,
}

impl Emulator {
    pub fn new(c: Config) -> Self {
        Emulator(Arc::new(Inner {
            store: Mutex::new(c.current),
            initial: c.initial,
            generation: AtomicU64::new(0),
            persister: c.persister,
            put_mode: Mutex::new(c.put_mode),
            nonces: Mutex::new(NonceStore::new(c.nonce_ttl)),
            tokens: Mutex::new(TokenStore::new(c.token_ttl)),
            limiter: Mutex::new(RateLimiter::new(
                c.rate_limit_capacity,
                c.rate_limit_refill_per_sec,
            )),
            faults: Mutex::new(c.faults),
            counters: Mutex::new(Counters::zeroed()),
            in_flight: InFlight::default(),
            latency_ms: c.latency_ms,
            hook_token: c.hook_token,
        }))
    }

    pub fn with_store<R>(&self, f: impl FnOnce(&Store) -> R) -> R {
        f(&lock(&self.0.store))
    }

    /// Runs a change; when it succeeds and `--state` is set, the new state is on disk before
    /// this returns (so a response means durable).
    pub async fn mutate<R>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<R, ApiError>,
    ) -> Result<R, ApiError> {
        let (result, snapshot) = {
            let mut store = lock(&self.0.store);
            let result = f(&mut store)?;
            let generation = self.0.generation.fetch_add(1, Ordering::SeqCst) + 1;
            let snapshot = self.0.persister.as_ref().map(|_| {
                let bytes = serde_json::to_vec_pretty(&store.to_document()).unwrap_or_default();
                (generation, bytes)
            });
            (result, snapshot)
        };
        if let Some((generation, bytes)) = snapshot {
            let emu = self.clone();
            let written = tokio::task::spawn_blocking(move || match &emu.0.persister {
                Some(p) => p.write(generation, &bytes),
                None => Ok(()),
            })
            .await;
            match written {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::error!("emulator: could not write state: {e:#}"),
                Err(e) => tracing::error!("emulator: state writer failed: {e}"),
            }
        }
        Ok(result)
    }

    /// Back to the initial data; faults, counters and rate buckets cleared.
    pub async fn reset(&self) {
        let initial = self.0.initial.clone();
        let _ = self
            .mutate(|s| {
                *s = initial;
                Ok(())
            })
            .await;
        lock(&self.0.faults).clear();
        self.reset_counters();
        lock(&self.0.limiter).clear();
    }

    pub fn put_mode(&self) -> PutMode {
        *lock(&self.0.put_mode)
    }

    pub fn set_put_mode(&self, mode: PutMode) {
        *lock(&self.0.put_mode) = mode;
    }

    pub fn with_tokens<R>(&self, f: impl FnOnce(&mut TokenStore) -> R) -> R {
        f(&mut lock(&self.0.tokens))
    }

    pub fn with_nonces<R>(&self, f: impl FnOnce(&mut NonceStore) -> R) -> R {
        f(&mut lock(&self.0.nonces))
    }

    pub fn with_faults<R>(&self, f: impl FnOnce(&mut Faults) -> R) -> R {
        f(&mut lock(&self.0.faults))
    }

    pub fn with_counters<R>(&self, f: impl FnOnce(&mut Counters) -> R) -> R {
        f(&mut lock(&self.0.counters))
    }

    /// The counters as they stand, with the most requests answered at once.
    pub fn counters(&self) -> Counters {
        let mut counters = lock(&self.0.counters).clone();
        counters.peak_in_flight = self.0.in_flight.peak();
        counters
    }

    pub fn reset_counters(&self) {
        *lock(&self.0.counters) = Counters::zeroed();
        self.0.in_flight.reset_peak();
    }

    /// A request is being answered until the guard drops (`counters().peak_in_flight`).
    pub(crate) fn answering(&self) -> Answering {
        self.0.in_flight.enter();
        Answering(self.clone())
    }

    pub(crate) fn record(&self, route: &str, auth: AuthKind) {
        lock(&self.0.counters).record(route, auth);
    }

    /// Takes one request from the rate-limit bucket of `scope` and `endpoint_set`.
    pub(crate) fn take_rate_limit(&self, endpoint_set: &str, scope: &str) -> Verdict {
        lock(&self.0.limiter).take(endpoint_set, scope)
    }

    /// Latency added to every API request (`--latency-ms`).
    pub(crate) fn latency(&self) -> Duration {
        Duration::from_millis(self.0.latency_ms)
    }

    /// The token every `/_emulator/*` request must carry; `None` when the hooks are off.
    pub fn hook_token(&self) -> Option<&str> {
        self.0.hook_token.as_deref()
    }
}

/// See [`Emulator::answering`].
pub(crate) struct Answering(Emulator);

impl Drop for Answering {
    fn drop(&mut self) {
        self.0 .0.in_flight.leave();
    }
}
