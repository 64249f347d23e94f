//! The emulator's HTTP surface and the request pipeline every `/api/...` request goes
//! through, in this order: count, latency, faults, authenticate, version, rate limit, handler.

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::Router;

use super::auth::digest::DigestOutcome;
use super::auth::oauth;
use super::auth::tokens::BearerOutcome;
use super::counters::AuthKind;
use super::errors::ApiError;
use super::faults::FaultEffect;
use super::handle::Emulator;
use super::identity::{Principal, RemoteAddress};
use super::ratelimit::Verdict;
use super::response::{
    resolve_accept, versions_of, with_media_type, ALERT_CONFIGS_PATH, ALERT_CONFIG_PATH,
    EVENTS_PATH, EVENT_PATH, GROUPS_PATH, GROUP_PATH, INTEGRATIONS_PATH, INTEGRATION_PATH,
};
use super::{hooks, routes};

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
        .route(EVENTS_PATH, get(routes::events::list))
        .route(EVENT_PATH, get(routes::events::get_one))
        .route(
            ALERT_CONFIGS_PATH,
            get(routes::alert_configs::list).post(routes::alert_configs::create),
        )
        .route(
            ALERT_CONFIG_PATH,
            get(routes::alert_configs::get_one)
                .put(routes::alert_configs::update)
                .delete(routes::alert_configs::delete),
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
    if emu.hook_token().is_some() {
        app = app.merge(hooks::router(&emu));
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
    // Until the answer is made (its body is already in memory then), latency included.
    let _answering = emu.answering();

    if !emu.latency().is_zero() {
        tokio::time::sleep(emu.latency()).await;
    }
    if let Some(effect) = emu.with_faults(|f| f.pick(&method, &path)) {
        if effect.latency_ms > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(effect.latency_ms)).await;
        }
        if effect.answers() {
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
    // [unverified] Alert configurations get a bucket of their own, so reading them does not
    // spend the integrations' tokens; Atlas's endpoint sets are not documented.
    let endpoint_set = if path.contains("/integrations") {
        "integrations"
    } else if path.contains("/alertConfigs") {
        "alertConfigs"
    } else {
        "groups"
    };
    let scope = match group_in_path(&path) {
        Some(g) if emu.with_store(|s| s.projects.contains_key(g)) => format!("group:{g}"),
        _ => format!("principal:{}", principal.id()),
    };
    let verdict = emu.take_rate_limit(endpoint_set, &scope);
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
    let remote = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_canonical().to_string());
    req.extensions_mut().insert(RemoteAddress(remote));
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

/// A well-formed page of `HUGE_BODY_BYTES`, streamed in 64 KiB chunks with no length, as a
/// misbehaving proxy or a runaway answer would arrive.
fn huge_body() -> axum::body::Body {
    const CHUNK: usize = 64 * 1024;
    let filler = axum::body::Bytes::from(" ".repeat(CHUNK));
    let chunks = (0..super::faults::HUGE_BODY_BYTES / CHUNK).map(move |_| filler.clone());
    let parts = std::iter::once(axum::body::Bytes::from_static(b"{\"results\": []"))
        .chain(chunks)
        .chain(std::iter::once(axum::body::Bytes::from_static(
            b", \"totalCount\": 0}",
        )))
        .map(Ok::<_, std::io::Error>);
    axum::body::Body::from_stream(futures_util::stream::iter(parts))
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
    if effect.huge_body {
        return with_media_type((status, huge_body()).into_response());
    }
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
