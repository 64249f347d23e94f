//! Session lifetimes (issue #13): activity extends the idle expiry, in the store and in the
//! cookie, without rewriting the store on every request.

use std::time::Duration;

use axum::http::StatusCode;

use crate::support::{header, server_fn_request, TestApp};

const IDLE_SECS: i64 = 2;

async fn app_with_short_idle() -> TestApp {
    let mut settings = crate::support::settings();
    settings.session_idle = time::Duration::seconds(IDLE_SECS);
    TestApp::with_settings(settings).await
}

#[tokio::test]
async fn activity_keeps_a_session_alive_past_the_idle_timeout() {
    let mut app = app_with_short_idle().await;
    assert_eq!(app.login_api_key().await.0, StatusCode::OK);
    // Twice the idle timeout in all, never idle for more than 40 % of it.
    let step = Duration::from_millis(IDLE_SECS as u64 * 400);
    for i in 0..5 {
        tokio::time::sleep(step).await;
        let (status, body) = app.call("projects/list", &[]).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "request {i}, {:?} in: {body}",
            step * (i + 1)
        );
    }
}

#[tokio::test]
async fn an_idle_session_still_ends() {
    let mut app = app_with_short_idle().await;
    assert_eq!(app.login_api_key().await.0, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(IDLE_SECS as u64 * 1000 + 500)).await;
    let (status, _) = app.call("projects/list", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_cookie_slides_too_but_not_on_every_request() {
    let mut app = app_with_short_idle().await;
    assert_eq!(app.login_api_key().await.0, StatusCode::OK);
    // Right after sign-in the session is fresh: no rewrite, no new cookie.
    let (_, headers, _) = app.send(server_fn_request("projects/list", &[])).await;
    assert_eq!(header(&headers, "set-cookie"), None);
    // Past the refresh interval (half the idle timeout here, a minute in production), the
    // next request renews the store's expiry and the cookie's.
    tokio::time::sleep(Duration::from_millis(IDLE_SECS as u64 * 600)).await;
    let (status, headers, _) = app.send(server_fn_request("projects/list", &[])).await;
    assert_eq!(status, StatusCode::OK);
    let cookie = header(&headers, "set-cookie").expect("a renewed cookie");
    // The idle timeout from now (the expiry is a point in time, capped at the absolute
    // lifetime, so a second may already be gone when the cookie is written).
    let max_age: i64 = cookie
        .split("Max-Age=")
        .nth(1)
        .and_then(|rest| rest.split(';').next())
        .and_then(|n| n.parse().ok())
        .expect("Max-Age");
    assert!((IDLE_SECS - 2..=IDLE_SECS).contains(&max_age), "{cookie}");
}

/// A login form that is not an oracle: after the free failures the id (and the address) must
/// wait, even with the right secret, and the refusal says how long.
#[tokio::test]
async fn failed_sign_ins_are_throttled() {
    use atlas_integrations::server::LoginPolicy;

    let mut settings = crate::support::settings();
    settings.login_policy = LoginPolicy {
        free_failures: 2,
        max_lockout: Duration::from_secs(60),
        forget_after: Duration::from_secs(60),
    };
    let mut app = TestApp::with_settings(settings).await;
    let wrong = [
        ("method", "api_key"),
        ("public_id", atlas_emulator::demo::API_PUBLIC_KEY),
        ("secret", "not-the-key-00000000000000000000"),
    ];
    for attempt in 0..3 {
        let (status, body) = app.call("session/login", &wrong).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "attempt {attempt}: {body}"
        );
    }
    let calls_before = app.total_upstream_calls().await;
    let (status, body) = app.login_api_key().await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(body.contains("TooManySignIns"), "{body}");
    assert!(body.contains("retry_after_secs"), "{body}");
    assert_eq!(
        app.total_upstream_calls().await,
        calls_before,
        "a locked-out attempt never reaches Atlas"
    );
    // Another credential from the same address waits too.
    let (status, _) = app.login_service_account().await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

/// Behind the TLS proxy every request comes from the proxy's address: the throttle must count
/// the client the proxy names, and only a configured proxy may name one.
#[tokio::test]
async fn the_throttle_counts_the_client_behind_a_trusted_proxy() {
    use atlas_integrations::server::LoginPolicy;

    let proxy: std::net::SocketAddr = "127.0.0.1:40000".parse().expect("addr");
    let mut settings = crate::support::settings();
    settings.trusted_proxies = vec![proxy.ip()];
    settings.login_policy = LoginPolicy {
        free_failures: 2,
        max_lockout: Duration::from_secs(60),
        forget_after: Duration::from_secs(60),
    };
    let app = TestApp::with_settings(settings).await;
    let guess = "not-the-key-00000000000000000000";
    let key = atlas_emulator::demo::API_PRIVATE_KEY;
    let user = atlas_emulator::demo::API_PUBLIC_KEY;

    // One client behind the proxy guesses until it is locked out...
    for _ in 0..3 {
        assert_eq!(
            app.sign_in_via(proxy, "198.51.100.7", "guesser1", guess)
                .await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        app.sign_in_via(proxy, "198.51.100.7", user, key).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // ...and another client of the same proxy is not.
    assert_eq!(
        app.sign_in_via(proxy, "198.51.100.8", user, key).await,
        StatusCode::OK
    );

    // A peer that is not the proxy cannot name a fresh address for each guess.
    let stranger: std::net::SocketAddr = "203.0.113.9:5000".parse().expect("addr");
    for i in 0..3 {
        let forged = format!("192.0.2.{i}");
        assert_eq!(
            app.sign_in_via(stranger, &forged, "guesser2", guess).await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        app.sign_in_via(stranger, "192.0.2.99", user, key).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// A session that ends by expiry, not logout, still gives back what Atlas issued for it: the
/// sweeper revokes a service account's token as logout would.
#[tokio::test]
async fn an_expired_session_s_token_is_revoked() {
    let mut app = app_with_short_idle().await;
    let live = |app: &TestApp| app.emulator.emulator().with_tokens(|t| t.live());
    assert_eq!(app.login_service_account().await.0, StatusCode::OK);
    assert_eq!(live(&app), 1, "the session's token");
    // Past the idle timeout and one sweep (every half idle period here).
    tokio::time::sleep(Duration::from_millis(IDLE_SECS as u64 * 1000 * 2 + 500)).await;
    assert_eq!(
        live(&app),
        0,
        "revoked by the sweeper, not left to expire in an hour"
    );
}
