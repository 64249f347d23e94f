//! OAuth 2.0 client credentials for service accounts (docs/atlas-facts.md): `POST
//! /api/oauth/token` and `POST /api/oauth/revoke`, both with HTTP Basic client
//! authentication and form bodies; bearer tokens live `--token-ttl-secs` (3600 as Atlas).

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::json;

use crate::handle::Emulator;

/// `Basic base64(id:secret)`; each half may be form-url-encoded (RFC 6749 §2.3.1, as Go's
/// oauth2 sends it).
pub fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((url_decode(id), url_decode(secret)))
}

fn url_decode(s: &str) -> String {
    form_urlencoded::parse(format!("v={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| s.to_string())
}

fn form_value(body: &[u8], key: &str) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// RFC 6749 §5.2 error body. [unverified] Atlas's exact token-endpoint error bodies are not
/// recorded; clients should key on the status.
fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let mut resp = (
        status,
        json!({"error": error, "error_description": description}).to_string(),
    )
        .into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if status == StatusCode::UNAUTHORIZED {
        resp.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"MongoDB Atlas\""),
        );
    }
    resp
}

/// The service account whose Basic credentials the request carries, if they are right.
fn authenticate_client(emu: &Emulator, headers: &HeaderMap) -> Option<String> {
    let (id, secret) = basic_credentials(headers)?;
    let known = emu.with_store(|s| s.service_account_secret(&id).map(str::to_owned))?;
    super::constant_time_eq(known.as_bytes(), secret.as_bytes()).then_some(id)
}

fn invalid_client() -> Response {
    oauth_error(
        StatusCode::UNAUTHORIZED,
        "invalid_client",
        "Client authentication failed.",
    )
}

/// `POST /api/oauth/token`, form `grant_type=client_credentials`.
pub async fn token(
    State(emu): State<Emulator>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let Some(client_id) = authenticate_client(&emu, &headers) else {
        return invalid_client();
    };
    match form_value(&body, "grant_type").as_deref() {
        Some("client_credentials") => {}
        Some(_) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "Only client_credentials is supported.",
            )
        }
        None => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "grant_type is required.",
            )
        }
    }
    let (token, ttl) = emu.with_tokens(|t| (t.issue(&client_id), t.ttl()));
    let body = json!({"access_token": token, "expires_in": ttl.as_secs(), "token_type": "Bearer"});
    let mut resp = (StatusCode::OK, body.to_string()).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// `POST /api/oauth/revoke`, form `token=…&token_type_hint=access_token`; 200 with no body.
pub async fn revoke(
    State(emu): State<Emulator>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let Some(client_id) = authenticate_client(&emu, &headers) else {
        return invalid_client();
    };
    let Some(token) = form_value(&body, "token") else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "token is required.",
        );
    };
    emu.with_tokens(|t| t.revoke(&client_id, &token));
    StatusCode::OK.into_response()
}
