//! Server-function requests the functions themselves never see, or cannot answer well: a body
//! over the size limit is refused with 413 before a server function reads it, and an answer
//! server_fn made
//! for arguments it could not decode gets the status its error calls for
//! ([`AppError::status`]: 400, not the 500 server_fn sends).

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

/// The largest body a server function takes. The biggest form (a webhook with templates)
/// is a few KB; Atlas's limit on a rendered template is 16 KB.
pub const MAX_BODY_BYTES: u64 = 256 * 1024;

/// Error answers are small; a bigger one is passed on untouched.
const MAX_ERROR_BYTES: usize = 64 * 1024;

pub async fn server_functions(request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    let too_large = || {
        json(&AppError::TooLarge {
            limit_bytes: MAX_BODY_BYTES,
        })
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES) {
        return too_large();
    }
    // A body without a declared length (chunked) is read here, up to the limit, so it
    // cannot grow past it either; server-function bodies are small.
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY_BYTES as usize).await else {
        return too_large();
    };
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BYTES).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn json(error: &AppError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::BAD_REQUEST);
    let body = serde_json::to_string(error).unwrap_or_default();
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
