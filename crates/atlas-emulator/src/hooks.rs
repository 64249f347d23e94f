//! `/_emulator/*`: inspection and control for tests and benchmarks, mounted only with
//! `--test-hooks`. JSON in and out. The contract is in this crate's README.md.
//!
//! The hooks show secrets in clear and rewrite state, so three locks guard them: the emulator
//! refuses to start with hooks on a non-loopback address (`start_embedded`), every request
//! must name a loopback Host (a web page that rebinds its DNS name to 127.0.0.1 still sends its
//! own name) and carry the token in `x-emulator-token`.

use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::faults::FaultRule;
use super::handle::Emulator;
use super::options::PutMode;
use super::state::stored_json;
use atlas_registry::IntegrationKind;

/// The header that carries the hook token.
pub const TOKEN_HEADER: &str = "x-emulator-token";

/// The hooks' token from the options: the operator's (checked), a fresh random one, or `None`
/// when the hooks are off.
pub fn token(options: &super::options::EmulatorOptions) -> anyhow::Result<Option<String>> {
    if !options.test_hooks {
        return Ok(None);
    }
    match &options.hook_token {
        Some(t) if t.len() >= 16 && t.bytes().all(|b| b.is_ascii_graphic()) => Ok(Some(t.clone())),
        Some(_) => anyhow::bail!(
            "EMULATOR_HOOK_TOKEN must be at least 16 printable ASCII characters without spaces"
        ),
        None => {
            let bytes: [u8; 16] = rand::random();
            Ok(Some(bytes.iter().map(|b| format!("{b:02x}")).collect()))
        }
    }
}

pub fn router(emu: &Emulator) -> Router<Emulator> {
    Router::new()
        .route("/_emulator/state", get(state))
        .route(
            "/_emulator/state/groups/{groupId}/integrations/{integrationType}",
            get(stored_integration),
        )
        .route(
            "/_emulator/state/groups/{groupId}/alertConfigs/{alertConfigId}",
            get(stored_alert_config),
        )
        .route("/_emulator/counters", get(counters))
        .route("/_emulator/counters/reset", post(reset_counters))
        .route(
            "/_emulator/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/_emulator/reset", post(reset))
        .route("/_emulator/put-mode", get(get_put_mode).post(set_put_mode))
        .route("/_emulator/tokens/expire", post(expire_tokens))
        .route("/_emulator/nonces/expire", post(expire_nonces))
        .route("/_emulator/demo", get(demo_data))
        .route_layer(middleware::from_fn_with_state(emu.clone(), guard))
}

/// Lets a request through only with a loopback Host and the right token.
async fn guard(State(emu): State<Emulator>, req: Request, next: Next) -> Response {
    if !loopback_host(req.headers()) {
        return refused("the test hooks answer only requests addressed to a loopback host");
    }
    let sent = req
        .headers()
        .get(TOKEN_HEADER)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    let expected = emu.hook_token().unwrap_or_default().as_bytes();
    if expected.is_empty() || !super::auth::constant_time_eq(sent, expected) {
        return refused(
            "missing or wrong x-emulator-token (printed at start, or EMULATOR_HOOK_TOKEN)",
        );
    }
    next.run(req).await
}

/// `127.0.0.1`, `localhost`, `[::1]` or any `127.x` address, with or without a port.
fn loopback_host(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(name, _port)| name),
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn refused(why: &str) -> Response {
    (
        StatusCode::FORBIDDEN,
        Json(json!({"error": 403, "detail": why})),
    )
        .into_response()
}

/// The demo credentials, projects and secrets (all public demo data, printed at start-up
/// too), so browser tests take them from the emulator rather than repeat them.
async fn demo_data() -> Response {
    use super::demo::{self, secrets};
    let pair = |public: &str, private: &str| json!({"publicKey": public, "privateKey": private});
    let projects: Vec<_> = demo::PROJECTS
        .iter()
        .map(|(id, name)| json!({"id": id, "name": name}))
        .collect();
    Json(json!({
        "apiKey": pair(demo::API_PUBLIC_KEY, demo::API_PRIVATE_KEY),
        "readOnlyKey": pair(demo::READONLY_PUBLIC_KEY, demo::READONLY_PRIVATE_KEY),
        "emptyKey": pair(demo::EMPTY_PUBLIC_KEY, demo::EMPTY_PRIVATE_KEY),
        "sandboxKey": pair(demo::SANDBOX_PUBLIC_KEY, demo::SANDBOX_PRIVATE_KEY),
        "serviceAccount": {
            "clientId": demo::SERVICE_ACCOUNT_CLIENT_ID,
            "clientSecret": demo::SERVICE_ACCOUNT_CLIENT_SECRET,
        },
        "projects": projects,
        "secrets": {
            "PAGER_DUTY_SERVICE_KEY": secrets::PAGER_DUTY_SERVICE_KEY,
            "DATADOG_API_KEY": secrets::DATADOG_API_KEY,
            "WEBHOOK_URL": secrets::WEBHOOK_URL,
            "WEBHOOK_SECRET": secrets::WEBHOOK_SECRET,
            "SLACK_API_TOKEN": secrets::SLACK_API_TOKEN,
            "OPS_GENIE_API_KEY": secrets::OPS_GENIE_API_KEY,
            "NEW_RELIC_LICENSE_KEY": secrets::NEW_RELIC_LICENSE_KEY,
            "NEW_RELIC_READ_TOKEN": secrets::NEW_RELIC_READ_TOKEN,
            "NEW_RELIC_WRITE_TOKEN": secrets::NEW_RELIC_WRITE_TOKEN,
            "VICTOR_OPS_API_KEY": secrets::VICTOR_OPS_API_KEY,
            "PROMETHEUS_PASSWORD": secrets::PROMETHEUS_PASSWORD,
            "MICROSOFT_TEAMS_WEBHOOK_URL": secrets::MICROSOFT_TEAMS_WEBHOOK_URL,
            "ALERT_PAGER_DUTY_OTHER_KEY": secrets::ALERT_PAGER_DUTY_OTHER_KEY,
            "ALERT_HIP_CHAT_TOKEN": secrets::ALERT_HIP_CHAT_TOKEN,
            "ALERT_MICROSOFT_TEAMS_URL": secrets::ALERT_MICROSOFT_TEAMS_URL,
        },
        "alertConfigs": {
            "PRODUCTION_NO_PRIMARY": demo::alerts::PRODUCTION_NO_PRIMARY,
            "PRODUCTION_CONNECTIONS": demo::alerts::PRODUCTION_CONNECTIONS,
            "PRODUCTION_OPLOG": demo::alerts::PRODUCTION_OPLOG,
            "PRODUCTION_MONGOS": demo::alerts::PRODUCTION_MONGOS,
            "PRODUCTION_CERTS": demo::alerts::PRODUCTION_CERTS,
            "PRODUCTION_CREDIT_CARD": demo::alerts::PRODUCTION_CREDIT_CARD,
            "STAGING_NO_PRIMARY": demo::alerts::STAGING_NO_PRIMARY,
            "STAGING_OPLOG": demo::alerts::STAGING_OPLOG,
            "LEGACY_NO_PRIMARY": demo::alerts::LEGACY_NO_PRIMARY,
            "LEGACY_JOINED": demo::alerts::LEGACY_JOINED,
            "ANALYTICS_DISK": demo::alerts::ANALYTICS_DISK,
            "ANALYTICS_NO_PRIMARY": demo::alerts::ANALYTICS_NO_PRIMARY,
        },
    }))
    .into_response()
}

fn not_found(what: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({"error": 404, "detail": what})),
    )
        .into_response()
}

/// The whole state document, secrets in clear.
async fn state(State(emu): State<Emulator>) -> Response {
    let doc = emu.with_store(|s| s.to_document());
    Json(doc).into_response()
}

/// The stored integration, secrets in clear: exactly what "Atlas" holds.
async fn stored_integration(
    State(emu): State<Emulator>,
    Path((group_id, wire_type)): Path<(String, String)>,
) -> Response {
    let Some(kind) = IntegrationKind::from_wire(&wire_type) else {
        return not_found("unknown integration type");
    };
    let found = emu.with_store(|s| {
        s.projects
            .get(&group_id)
            .and_then(|p| p.integrations.get(&kind))
            .map(stored_json)
    });
    match found {
        Some(v) => Json(v).into_response(),
        None => not_found("not configured"),
    }
}

/// The stored alert configuration, notification secrets in clear.
async fn stored_alert_config(
    State(emu): State<Emulator>,
    Path((group_id, alert_config_id)): Path<(String, String)>,
) -> Response {
    let found = emu.with_store(|s| {
        s.projects
            .get(&group_id)
            .and_then(|p| p.alert_configs.get(&alert_config_id))
            .map(super::alerts::stored_json)
    });
    match found {
        Some(v) => Json(v).into_response(),
        None => not_found("no such alert configuration"),
    }
}

async fn counters(State(emu): State<Emulator>) -> Response {
    Json(emu.counters()).into_response()
}

async fn reset_counters(State(emu): State<Emulator>) -> Response {
    emu.reset_counters();
    Json(json!({"ok": true})).into_response()
}

async fn list_faults(State(emu): State<Emulator>) -> Response {
    let rules: Vec<_> = emu
        .with_faults(|f| f.list())
        .into_iter()
        .map(|(id, rule)| json!({"id": id, "rule": rule}))
        .collect();
    Json(json!({"faults": rules})).into_response()
}

async fn add_fault(State(emu): State<Emulator>, body: axum::body::Bytes) -> Response {
    match serde_json::from_slice::<FaultRule>(&body) {
        Ok(rule) if (0.0..=1.0).contains(&rule.rate) => {
            let id = emu.with_faults(|f| f.add(rule));
            Json(json!({"id": id})).into_response()
        }
        Ok(_) => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": 400, "detail": "rate must be within 0..=1"})),
        )
            .into_response(),
        Err(e) => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": 400, "detail": e.to_string()})),
        )
            .into_response(),
    }
}

async fn clear_faults(State(emu): State<Emulator>) -> Response {
    emu.with_faults(|f| f.clear());
    Json(json!({"ok": true})).into_response()
}

async fn reset(State(emu): State<Emulator>) -> Response {
    emu.reset().await;
    Json(json!({"ok": true})).into_response()
}

#[derive(Deserialize)]
struct ModeBody {
    mode: PutMode,
}

async fn get_put_mode(State(emu): State<Emulator>) -> Response {
    Json(json!({"mode": emu.put_mode()})).into_response()
}

async fn set_put_mode(State(emu): State<Emulator>, body: axum::body::Bytes) -> Response {
    match serde_json::from_slice::<ModeBody>(&body) {
        Ok(b) => {
            emu.set_put_mode(b.mode);
            Json(json!({"mode": b.mode})).into_response()
        }
        Err(e) => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": 400, "detail": e.to_string()})),
        )
            .into_response(),
    }
}

async fn expire_tokens(State(emu): State<Emulator>) -> Response {
    emu.with_tokens(|t| t.expire_all());
    Json(json!({"ok": true})).into_response()
}

async fn expire_nonces(State(emu): State<Emulator>) -> Response {
    emu.with_nonces(|n| n.expire_all());
    Json(json!({"ok": true})).into_response()
}
