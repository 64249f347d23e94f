//! Response headers every answer carries, and the refusal of cross-site requests to server
//! functions (on top of the `SameSite=Strict` cookie).

use axum::body::Body;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::server::{proxy, AppState};

/// For everything that is not a page (files, server-function answers): nothing may run.
const NON_PAGE_POLICY: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// Adds the security headers. Pages set their own nonce policy while rendering (see
/// `app::shell`); anything without one gets the strict default.
pub async fn headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let https = proxy::forwarded_https(request.headers(), peer, &state.settings.trusted_proxies);
    let is_api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(NON_PAGE_POLICY),
        );
    }
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // same-origin, not no-referrer: form posts without JavaScript return to their page by
    // the Referer header.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    let is_html = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_api || is_html {
        // Project data and session state must not linger in shared or browser caches.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if https {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

/// Refuses state-changing requests another site made the browser send. Browsers send
/// `Sec-Fetch-Site`; older ones at least `Origin`, which must be our own, scheme included
/// (`http://host` is not the origin of `https://host`: a plain-http page on the same name is
/// another site). Clients that send neither (curl, scripts) are not browsers and carry no
/// ambient cookie to abuse.
pub async fn refuse_cross_site(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    // The scheme the browser used: https behind a trusted TLS proxy that says so, else the
    // listener's own (plain http: the dashboard does not terminate TLS itself).
    let scheme = if proxy::forwarded_https(request.headers(), peer, &state.settings.trusted_proxies)
    {
        "https"
    } else {
        "http"
    };
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) || is_same_origin(request.headers(), scheme)
    {
        return next.run(request).await;
    }
    tracing::warn!(path = request.uri().path(), "refused a cross-site request");
    let body = serde_json::to_string(&AppError::CrossSite).unwrap_or_default();
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "application/json")],
        Body::from(body),
    )
        .into_response()
}

fn is_same_origin(headers: &HeaderMap, scheme: &str) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        // "none": the user typed the URL or used a bookmark; not a request another site made.
        return matches!(site, "same-origin" | "none");
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        None => true,
        Some(origin) => {
            let host = headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            // An origin is scheme://host[:port] exactly (RFC 6454), as Host carries the
            // authority the browser used.
            !host.is_empty() && origin.eq_ignore_ascii_case(&format!("{scheme}://{host}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn same_origin_rules() {
        assert!(is_same_origin(
            &headers(&[("sec-fetch-site", "same-origin")]),
            "http"
        ));
        assert!(!is_same_origin(
            &headers(&[("sec-fetch-site", "cross-site")]),
            "http"
        ));
        assert!(!is_same_origin(
            &headers(&[("sec-fetch-site", "same-site")]),
            "http"
        ));
        assert!(is_same_origin(
            &headers(&[
                ("origin", "http://127.0.0.1:3000"),
                ("host", "127.0.0.1:3000")
            ]),
            "http"
        ));
        assert!(!is_same_origin(
            &headers(&[
                ("origin", "http://evil.example"),
                ("host", "127.0.0.1:3000")
            ]),
            "http"
        ));
        assert!(!is_same_origin(
            &headers(&[("origin", "null"), ("host", "127.0.0.1:3000")]),
            "http"
        ));
        assert!(is_same_origin(&headers(&[]), "http"));
        // The scheme is part of the origin.
        let plain = headers(&[("origin", "http://dash.example"), ("host", "dash.example")]);
        assert!(is_same_origin(&plain, "http"));
        assert!(
            !is_same_origin(&plain, "https"),
            "a plain-http page is another origin"
        );
        let tls = headers(&[("origin", "https://dash.example"), ("host", "dash.example")]);
        assert!(is_same_origin(&tls, "https"));
        assert!(!is_same_origin(&tls, "http"));
        // Nothing but the origin: no path, no other port.
        let path = headers(&[
            ("origin", "http://dash.example/x"),
            ("host", "dash.example"),
        ]);
        assert!(!is_same_origin(&path, "http"));
        let port = headers(&[
            ("origin", "http://dash.example:8080"),
            ("host", "dash.example"),
        ]);
        assert!(!is_same_origin(&port, "http"));
    }
}
