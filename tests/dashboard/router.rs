//! The real router, driven without a socket, against the real emulator over HTTP: the
//! session, the login guard, cross-site refusal, cookie flags and security headers.

use crate::support::{header, page_request, server_fn_request, TestApp};
use atlas_emulator::demo;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

const DATA_FUNCTIONS: &[(&str, &[(&str, &str)])] = &[
    ("projects/list", &[]),
    ("history/list", &[]),
    ("history/list", &[("group_id", demo::PRODUCTION_PROJECT_ID)]),
    (
        "integrations/list",
        &[("group_id", demo::PRODUCTION_PROJECT_ID)],
    ),
    (
        "integrations/create",
        &[
            ("group_id", demo::SANDBOX_PROJECT_ID),
            ("kind", "OPS_GENIE"),
            ("values[apiKey]", "k-123456"),
        ],
    ),
    (
        "integrations/update",
        &[
            ("group_id", demo::PRODUCTION_PROJECT_ID),
            ("kind", "PAGER_DUTY"),
        ],
    ),
    (
        "integrations/delete",
        &[
            ("group_id", demo::PRODUCTION_PROJECT_ID),
            ("kind", "PAGER_DUTY"),
        ],
    ),
];

#[tokio::test]
async fn every_data_function_answers_401_without_a_session() {
    let mut app = TestApp::start().await;
    for (endpoint, form) in DATA_FUNCTIONS {
        let (status, body) = app.call(endpoint, form).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{endpoint}: {body}");
        assert!(body.contains("NotSignedIn"), "{endpoint}: {body}");
    }
    // And nothing reached "Atlas" for them.
    assert!(app
        .stored(demo::PRODUCTION_PROJECT_ID, "PAGER_DUTY")
        .await
        .is_some());
    assert!(app
        .stored(demo::SANDBOX_PROJECT_ID, "OPS_GENIE")
        .await
        .is_none());
}

/// Atlas answers 401 both for a credential it no longer accepts and for a project outside the
/// credential's organisation. The second must not sign the user out: a deep link to such a
/// project would otherwise send them through login and back to the same 401, forever.
#[tokio::test]
async fn a_project_out_of_reach_is_forbidden_and_keeps_the_session() {
    // The demo key that owns Sandbox only.
    const MINE: &str = demo::SANDBOX_PROJECT_ID;
    const THEIRS: &str = demo::PRODUCTION_PROJECT_ID;
    let mut app = TestApp::start().await;
    let (status, body) = app
        .call(
            "session/login",
            &[
                ("method", "api_key"),
                ("public_id", demo::SANDBOX_PUBLIC_KEY),
                ("secret", demo::SANDBOX_PRIVATE_KEY),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (status, body) = app.call("integrations/list", &[("group_id", THEIRS)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body.contains("OutOfReach"), "{body}");

    let (status, body) = app.call("integrations/list", &[("group_id", MINE)]).await;
    assert_eq!(status, StatusCode::OK, "still signed in: {body}");
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let mut app = TestApp::start().await;
    let (status, _) = app.login_api_key().await;
    assert_eq!(status, StatusCode::OK);
    for (name, value) in [
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
    ] {
        let mut request = server_fn_request("integrations/delete", DATA_FUNCTIONS[4].1);
        request
            .headers_mut()
            .insert(name, value.parse().expect("value"));
        let (status, _, body) = app.send(request).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{value}: {body}");
        assert!(body.contains("CrossSite"));
    }
    let mut request = server_fn_request("integrations/delete", DATA_FUNCTIONS[4].1);
    request.headers_mut().remove("sec-fetch-site");
    request.headers_mut().insert(
        header::ORIGIN,
        "https://evil.example".parse().expect("origin"),
    );
    let (status, _, _) = app.send(request).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        app.stored(demo::PRODUCTION_PROJECT_ID, "PAGER_DUTY")
            .await
            .is_some(),
        "nothing was deleted"
    );
}

#[tokio::test]
async fn login_cycles_the_session_id_and_sets_strict_cookie_flags() {
    let mut app = TestApp::start().await;
    let request = server_fn_request(
        "session/login",
        &[
            ("method", "api_key"),
            ("public_id", demo::API_PUBLIC_KEY),
            ("secret", demo::API_PRIVATE_KEY),
        ],
    );
    let (status, headers, _) = app.send(request).await;
    assert_eq!(status, StatusCode::OK);
    let set_cookie = header(&headers, "set-cookie").expect("session cookie");
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Strict"), "{set_cookie}");
    assert!(set_cookie.contains("Path=/"), "{set_cookie}");
    assert!(
        !set_cookie.contains("Secure"),
        "loopback http: no Secure flag: {set_cookie}"
    );
    let first = app.cookie.clone().expect("cookie");

    // Logging in again with the first session's cookie yields a new id.
    let (status, _) = app.login_service_account().await;
    assert_eq!(status, StatusCode::OK);
    let second = app.cookie.clone().expect("cookie");
    assert_ne!(first, second);

    // The old id no longer opens anything.
    app.cookie = Some(first);
    let (status, _) = app.call("projects/list", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn secure_cookies_when_configured() {
    let mut settings = crate::support::settings();
    settings.cookie_secure = true;
    let mut app = TestApp::with_settings(settings).await;
    let request = server_fn_request(
        "session/login",
        &[
            ("method", "api_key"),
            ("public_id", demo::API_PUBLIC_KEY),
            ("secret", demo::API_PRIVATE_KEY),
        ],
    );
    let (_, headers, _) = app.send(request).await;
    let cookie = header(&headers, "set-cookie").expect("cookie");
    assert!(cookie.contains("Secure"), "{cookie}");
    assert!(
        cookie.starts_with("__Host-atlas_integrations_session="),
        "a Secure cookie carries the __Host- prefix: {cookie}"
    );
}

#[tokio::test]
async fn a_trusted_proxy_s_forwarded_proto_brings_hsts_and_no_one_else_s() {
    use axum::extract::ConnectInfo;
    use std::net::SocketAddr;

    let proxy: SocketAddr = "10.0.0.5:40000".parse().expect("addr");
    let stranger: SocketAddr = "10.0.0.9:40000".parse().expect("addr");
    let mut settings = crate::support::settings();
    settings.trusted_proxies = vec![proxy.ip()];
    let mut app = TestApp::with_settings(settings).await;
    for (peer, hsts) in [(proxy, true), (stranger, false)] {
        let mut request = page_request("/login");
        request
            .headers_mut()
            .insert("x-forwarded-proto", "https".parse().expect("value"));
        request.extensions_mut().insert(ConnectInfo(peer));
        let (_, headers, _) = app.send(request).await;
        assert_eq!(
            header(&headers, "strict-transport-security").is_some(),
            hsts,
            "from {peer}"
        );
    }
}

#[tokio::test]
async fn logout_ends_the_session() {
    let mut app = TestApp::start().await;
    app.login_service_account().await;
    let (status, body) = app.call("projects/list", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let cookie = app.cookie.clone();
    let (status, _) = app.call("session/logout", &[]).await;
    assert_eq!(status, StatusCode::OK);
    app.cookie = cookie;
    let (status, _) = app.call("projects/list", &[]).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the old cookie is dead after logout"
    );
}

#[tokio::test]
async fn a_session_past_its_absolute_lifetime_is_over() {
    let mut settings = crate::support::settings();
    settings.session_max = time::Duration::ZERO;
    let mut app = TestApp::with_settings(settings).await;
    assert_eq!(app.login_api_key().await.0, StatusCode::OK);
    let (status, _) = app.call("projects/list", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn pages_without_a_session_go_to_login_and_remember_where() {
    let mut app = TestApp::start().await;
    let path = format!("/projects/{}", demo::PRODUCTION_PROJECT_ID);
    let (status, headers, _) = app.send(page_request(&path)).await;
    assert!(status.is_redirection(), "{status}");
    assert_eq!(
        header(&headers, "location"),
        Some(format!("/login?next=/projects/{}", demo::PRODUCTION_PROJECT_ID).as_str())
    );
    let (status, _, _) = app.send(page_request("/login")).await;
    assert_eq!(status, StatusCode::OK);
    app.login_api_key().await;
    let (status, _, body) = app.send(page_request(&path)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("Production"),
        "the project page renders its name"
    );
}

#[tokio::test]
async fn pages_carry_security_headers_and_a_nonce_policy() {
    let mut app = TestApp::start().await;
    let (status, headers, body) = app.send(page_request("/login")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, "x-frame-options"), Some("DENY"));
    assert_eq!(header(&headers, "x-content-type-options"), Some("nosniff"));
    assert_eq!(header(&headers, "referrer-policy"), Some("same-origin"));
    assert_eq!(header(&headers, "cache-control"), Some("no-store"));
    assert!(
        header(&headers, "strict-transport-security").is_none(),
        "plain http: no HSTS"
    );
    let csp = header(&headers, "content-security-policy").expect("CSP");
    assert!(
        csp.contains("'wasm-unsafe-eval'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .expect("nonce in CSP");
    assert!(
        body.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the CSP nonce"
    );

    // `X-Forwarded-Proto` from anyone but a configured proxy is not believed.
    let mut request = page_request("/login");
    request
        .headers_mut()
        .insert("x-forwarded-proto", "https".parse().expect("value"));
    let (_, headers, _) = app.send(request).await;
    assert!(header(&headers, "strict-transport-security").is_none());

    // A different nonce each time.
    let (_, again, _) = app.send(page_request("/login")).await;
    assert_ne!(header(&again, "content-security-policy"), Some(csp));
}

/// Only a page with islands loads the bundle, and it carries only its islands' messages
/// (`page_texts`).
#[tokio::test]
async fn only_pages_with_islands_load_the_bundle() {
    let mut app = TestApp::start().await;
    app.login_api_key().await;
    let project = format!("/projects/{}", demo::PRODUCTION_PROJECT_ID);
    let (status, _, body) = app.send(page_request(&project)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !body.contains("<leptos-island"),
        "a project page has no island"
    );
    assert!(!body.contains(".wasm"), "so no WASM: {body}");
    assert!(!body.contains("id=\"texts\""), "and no messages");

    let form = format!("{project}/integrations/PAGER_DUTY");
    let (status, _, body) = app.send(page_request(&form)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<leptos-island"));
    assert!(
        body.contains(".wasm\"") && body.contains("id=\"texts\""),
        "{body}"
    );
}

#[tokio::test]
async fn bad_input_gets_field_errors_and_no_upstream_call() {
    let mut app = TestApp::start().await;
    app.login_api_key().await;
    let before = app.total_upstream_calls().await;
    let cases: &[&[(&str, &str)]] = &[
        &[("group_id", "not-a-group"), ("kind", "DATADOG")],
        &[
            ("group_id", demo::SANDBOX_PROJECT_ID),
            ("kind", "NOT_A_TYPE"),
        ],
        &[
            ("group_id", demo::SANDBOX_PROJECT_ID),
            ("kind", "DATADOG"),
            ("values[apiKey]", "xyz"),
            ("values[region]", "US"),
        ],
        &[
            ("group_id", demo::SANDBOX_PROJECT_ID),
            ("kind", "NEW_RELIC"),
        ],
        &[
            ("group_id", demo::SANDBOX_PROJECT_ID),
            ("kind", "SLACK"),
            ("values[channelName]", "alerts"),
        ],
    ];
    for form in cases {
        let (status, body) = app.call("integrations/create", form).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{form:?}: {body}");
    }
    let (_, body) = app.call("integrations/create", cases[2]).await;
    assert!(body.contains("NotHex"), "{body}");
    assert_eq!(
        app.total_upstream_calls().await,
        before,
        "no call reached Atlas"
    );
}

#[tokio::test]
async fn a_masked_secret_is_never_sent_back() {
    let mut app = TestApp::start().await;
    app.login_api_key().await;
    let (status, body) = app
        .call(
            "integrations/update",
            &[
                ("group_id", demo::PRODUCTION_PROJECT_ID),
                ("kind", "PAGER_DUTY"),
                ("values[serviceKey]", "****************************0022"),
                ("values[region]", "EU"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("LooksMasked"));
    let stored = app
        .stored(demo::PRODUCTION_PROJECT_ID, "PAGER_DUTY")
        .await
        .expect("stored");
    assert_eq!(stored["serviceKey"], demo::secrets::PAGER_DUTY_SERVICE_KEY);
}

#[tokio::test]
async fn a_blank_secret_on_update_keeps_it() {
    let mut app = TestApp::start().await;
    app.login_api_key().await;
    let (status, body) = app
        .call(
            "integrations/update",
            &[
                ("group_id", demo::PRODUCTION_PROJECT_ID),
                ("kind", "PAGER_DUTY"),
                ("values[serviceKey]", ""),
                ("values[region]", "EU"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let stored = app
        .stored(demo::PRODUCTION_PROJECT_ID, "PAGER_DUTY")
        .await
        .expect("stored");
    assert_eq!(stored["serviceKey"], demo::secrets::PAGER_DUTY_SERVICE_KEY);
    assert_eq!(stored["region"], "EU");
}

#[tokio::test]
async fn a_second_create_is_its_own_error() {
    let mut app = TestApp::start().await;
    app.login_api_key().await;
    let form: &[(&str, &str)] = &[
        ("group_id", demo::PRODUCTION_PROJECT_ID),
        ("kind", "PAGER_DUTY"),
        ("values[serviceKey]", "abc-123-xyz"),
        ("values[region]", "US"),
    ];
    let (status, body) = app.call("integrations/create", form).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("AlreadyConfigured"), "{body}");
}

#[tokio::test]
async fn unknown_paths_get_the_not_found_page_not_a_crash() {
    let mut app = TestApp::start().await;
    let request = Request::get("/pkg/nothing.js")
        .body(Body::empty())
        .expect("request");
    let (status, _, _) = app.send(request).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn malformed_requests_get_a_4xx_that_says_what_was_wrong() {
    let mut app = TestApp::start().await;
    app.login_api_key().await;
    // A required argument missing.
    let (status, body) = app.call("integrations/list", &[]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    // A body over the limit: 413 before anything is read or sent on.
    let big = "x".repeat(300 * 1024);
    let (status, body) = app
        .call(
            "integrations/create",
            &[
                ("group_id", demo::SANDBOX_PROJECT_ID),
                ("kind", "WEBHOOK"),
                ("values[url]", "https://hooks.example.com/x"),
                ("values[bodyTemplate]", &big),
            ],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        &body[..body.len().min(300)]
    );
    assert!(body.contains("TooLarge"), "{body}");
}
