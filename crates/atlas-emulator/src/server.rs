//! The emulator's shared state and the request pipeline every `/api/...` request goes
//! through, in this order: count, latency, faults, authenticate, version, rate limit, handler.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::Router;

use super::auth::digest::{DigestOutcome, NonceStore};
use super::auth::oauth::{self, BearerOutcome, TokenStore};
use super::counters::{AuthKind, Counters};
use super::errors::ApiError;
use super::faults::{FaultEffect, Faults};
use super::persist::Persister;
use super::ratelimit::{RateLimiter, Verdict};
use super::response::{
    resolve_accept, versions_of, with_media_type, GROUPS_PATH, GROUP_PATH, INTEGRATIONS_PATH,
    INTEGRATION_PATH,
};
use super::state::{Principal, Store};
use super::{hooks, routes, PutMode};

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
    latency_ms: u64,
    test_hooks: bool,
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
    pub test_hooks: bool,
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
            latency_ms: c.latency_ms,
            test_hooks: c.test_hooks,
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
        *lock(&self.0.counters) = Counters::zeroed();
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

    fn record(&self, route: &str, auth: AuthKind) {
        lock(&self.0.counters).record(route, auth);
    }
}

/// The emulator's whole HTTP surface: the API, the OAuth endpoints, and the test hooks when
/// enabled (otherwise `/_emulator/*` is a plain 404).
pub fn router(emu: Emulator) -> Router {
    let api = Router::new()
        .route(
            GROUPS_PATH,
            get(routes::groups::list).post(routes::groups::create),
        )
        .route(GROUP_PATH, get(routes::groups::get_one))
        .route(INTEGRATIONS_PATH, get(routes::integrations::list))
        .route(
            INTEGRATION_PATH,
            get(routes::integrations::get_one)
                .post(routes::integrations::create)
                .put(routes::integrations::update)
                .delete(routes::integrations::delete),
        )
        .route(
            "/api/atlas/v2/groups/{groupId}/{*rest}",
            any(routes::groups::other),
        )
        .route("/api/atlas/v2/{*rest}", any(routes::groups::unknown))
        .route("/api/oauth/token", post(oauth::token))
        .route("/api/oauth/revoke", post(oauth::revoke))
        .route_layer(middleware::from_fn_with_state(emu.clone(), pipeline));
    let mut app = api;
    if emu.0.test_hooks {
        app = app.merge(hooks::router());
    }
    app.fallback(not_found).with_state(emu)
}

/// Unknown paths: an ApiError for `/api/...`, a bare 404 elsewhere. [unverified] code.
async fn not_found(req: Request) -> Response {
    if req.uri().path().starts_with("/api/") {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "RESOURCE_NOT_FOUND",
            format!("Cannot find resource {}.", req.uri().path()),
        )
        .param(req.uri().path())
        .into_response()
    } else {
        StatusCode::NOT_FOUND.into_response()
    }
}

/// The recorded body of the Digest challenge, byte for byte (Atlas pretty-prints this one and
/// sends no X-Error-Code with it).
const CHALLENGE_BODY: &str = "{\n  \"error\" : 401,\n  \"reason\" : \"Unauthorized\",\n  \"detail\" : \"You are not authorized for this resource.\",\n  \"errorCode\" : \"UNEXPECTED_ERROR\"\n}";

fn challenge(emu: &Emulator, stale: bool) -> Response {
    let value = emu.with_nonces(|n| n.challenge(stale));
    let mut resp = (StatusCode::UNAUTHORIZED, CHALLENGE_BODY).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(v) = HeaderValue::from_str(&value) {
        h.insert(header::WWW_AUTHENTICATE, v);
    }
    resp
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scheme {
    Digest,
    Bearer,
    Basic,
    Other,
    Missing,
}

fn scheme_of(value: Option<&str>) -> Scheme {
    let Some(v) = value else {
        return Scheme::Missing;
    };
    let word = v.trim().split(' ').next().unwrap_or_default();
    if word.eq_ignore_ascii_case("digest") {
        Scheme::Digest
    } else if word.eq_ignore_ascii_case("bearer") {
        Scheme::Bearer
    } else if word.eq_ignore_ascii_case("basic") {
        Scheme::Basic
    } else {
        Scheme::Other
    }
}

/// Whether a refused credential gets `stale=true` in its challenge.
type Stale = bool;

/// Checks the credential: a principal, or the challenge to answer and how to count it.
fn authenticate(
    emu: &Emulator,
    req: &Request,
    auth: Option<&str>,
) -> Result<(Principal, AuthKind), (Stale, AuthKind)> {
    match (scheme_of(auth), auth) {
        (Scheme::Bearer, Some(value)) => {
            let token = value.trim()[6..].trim();
            match emu.with_tokens(|t| t.check(token)) {
                BearerOutcome::Valid(client) => {
                    Ok((Principal::ServiceAccount(client), AuthKind::Bearer))
                }
                // [unverified] An expired or revoked token gets the same 401 as any failed
                // authentication: the recorded body and a Digest challenge.
                BearerOutcome::Invalid => Err((false, AuthKind::Bearer)),
            }
        }
        (Scheme::Digest, Some(value)) => {
            let uri = req
                .uri()
                .path_and_query()
                .map(|pq| pq.as_str())
                .unwrap_or("/");
            let method = req.method().as_str();
            let outcome = emu.with_store(|s| {
                let secret_of = |user: &str| s.api_key_secret(user).map(str::to_owned);
                emu.with_nonces(|n| n.verify(value, method, uri, secret_of))
            });
            match outcome {
                DigestOutcome::Valid(user) => Ok((Principal::ApiKey(user), AuthKind::Digest)),
                DigestOutcome::Stale => Err((true, AuthKind::DigestChallenge)),
                DigestOutcome::Invalid => Err((false, AuthKind::DigestChallenge)),
            }
        }
        _ => Err((false, AuthKind::DigestChallenge)),
    }
}

/// The project id in `/api/atlas/v2/groups/{groupId}/...`, if any.
fn group_in_path(path: &str) -> Option<&str> {
    path.strip_prefix("/api/atlas/v2/groups/")?
        .split('/')
        .next()
        .filter(|s| !s.is_empty())
}

async fn pipeline(
    State(emu): State<Emulator>,
    matched: Option<MatchedPath>,
    req: Request,
    next: Next,
) -> Response {
    let method = req.method().as_str().to_string();
    let path = req.uri().path().to_string();
    let route = format!(
        "{method} {}",
        matched.as_ref().map(MatchedPath::as_str).unwrap_or(&path)
    );
    let auth_header = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let scheme = scheme_of(auth_header.as_deref());

    if emu.0.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(emu.0.latency_ms)).await;
    }
    if let Some(effect) = emu.with_faults(|f| f.pick(&method, &path)) {
        if effect.latency_ms > 0 {
            tokio::time::sleep(Duration::from_millis(effect.latency_ms)).await;
        }
        if effect.status.is_some() || effect.malformed_body || effect.drop_connection {
            let kind = match scheme {
                Scheme::Digest => AuthKind::Digest,
                Scheme::Bearer => AuthKind::Bearer,
                Scheme::Basic => AuthKind::Basic,
                Scheme::Other | Scheme::Missing => AuthKind::None,
            };
            emu.record(&route, kind);
            if !effect.drop_connection {
                drain(req).await;
            }
            return fault_response(&effect);
        }
    }

    if path.starts_with("/api/oauth/") {
        emu.record(
            &route,
            if scheme == Scheme::Basic {
                AuthKind::Basic
            } else {
                AuthKind::None
            },
        );
        return next.run(req).await;
    }

    let principal = match authenticate(&emu, &req, auth_header.as_deref()) {
        Ok((principal, kind)) => {
            emu.record(&route, kind);
            principal
        }
        Err((stale, kind)) => {
            emu.record(&route, kind);
            drain(req).await;
            return challenge(&emu, stale);
        }
    };

    // Atlas serves the newest version of the resource dated on or before the `Accept` date
    // (the rule and its sources: `response::resolve_date`).
    let template = matched.as_ref().map(MatchedPath::as_str).unwrap_or(&path);
    let Some(version) = resolve_accept(versions_of(&method, template), req.headers()) else {
        drain(req).await;
        return ApiError::invalid_version().into_response();
    };

    // [unverified] Whether Atlas's Digest pre-challenge costs a token is unknown; here only
    // authenticated requests do.
    let endpoint_set = if path.contains("/integrations") {
        "integrations"
    } else {
        "groups"
    };
    let scope = match group_in_path(&path) {
        Some(g) if emu.with_store(|s| s.projects.contains_key(g)) => format!("group:{g}"),
        _ => format!("principal:{}", principal.id()),
    };
    let verdict = lock(&emu.0.limiter).take(endpoint_set, &scope);
    let (limit, remaining) = match verdict {
        Verdict::Allowed { limit, remaining } => (limit, remaining),
        Verdict::Limited {
            limit,
            retry_after_secs,
            refill_per_sec,
        } => {
            let shown = path.trim_start_matches('/');
            return ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "RATE_LIMITED_TOKEN_BUCKET",
                format!(
                    "Rate limit exceeded for {shown}. Please retry after {retry_after_secs} seconds. Request capacity: {limit}. Refill rate: {refill_per_sec} per 1 seconds."
                ),
            )
            .param(shown)
            .param(retry_after_secs)
            .param(limit)
            .param(refill_per_sec)
            .param(1)
            .header(header::RETRY_AFTER, retry_after_secs.to_string())
            .header(header::HeaderName::from_static("ratelimit-limit"), limit.to_string())
            .header(header::HeaderName::from_static("ratelimit-remaining"), "0")
            .into_response();
        }
    };

    let mut req = req;
    req.extensions_mut().insert(principal);
    // For a handler whose operation has more than one representation to pick from.
    req.extensions_mut().insert(version);
    let mut resp = next.run(req).await;
    // As recorded: on successes (the recorded 401 and 404 carry none).
    if resp.status().is_success() {
        let h = resp.headers_mut();
        h.insert("ratelimit-limit", HeaderValue::from(limit));
        h.insert("ratelimit-remaining", HeaderValue::from(remaining));
        // A success is labelled with the version that answered, not the one asked for: a
        // request for 2025-03-12 gets `application/vnd.atlas.2023-01-01+json`.
        let versioned = h
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/vnd.atlas."));
        if versioned {
            if let Ok(v) = HeaderValue::from_str(&version.content_type()) {
                h.insert(header::CONTENT_TYPE, v);
            }
        }
    }
    resp
}

/// Reads and discards the body of a request answered early (401, 406, 429, faults), so the
/// client can send its next request, such as the signed retry of a Digest POST, on the same
/// keep-alive connection.
async fn drain(req: Request) {
    let _ = axum::body::to_bytes(req.into_body(), 4 * 1024 * 1024).await;
}

fn fault_response(effect: &FaultEffect) -> Response {
    if effect.drop_connection {
        // A body that fails before its first byte makes the server abort the connection
        // without sending the response head.
        let stream = futures_util::stream::once(async {
            Err::<axum::body::Bytes, std::io::Error>(std::io::Error::other(
                "fault: connection dropped",
            ))
        });
        return Response::new(axum::body::Body::from_stream(stream));
    }
    let status = effect
        .status
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    if effect.malformed_body {
        let body = "{\"links\":[{\"href\":\"http://localhost/api/atlas/v2/gro";
        return with_media_type((status, body).into_response());
    }
    let code = match status.as_u16() {
        429 => "RATE_LIMITED_TOKEN_BUCKET",
        500 => "UNEXPECTED_ERROR",
        503 => "SERVICE_UNAVAILABLE",
        _ => "UNEXPECTED_ERROR",
    };
    let mut err = ApiError::new(status, code, "Injected fault.");
    if let Some(secs) = effect.retry_after_secs {
        err = err.header(header::RETRY_AFTER, secs.to_string());
    }
    err.into_response()
}
