//! Fault injection: statuses with Retry-After, counted and rated rules, malformed bodies,
//! dropped connections, latency; from the hook and from the start-up option.

use std::time::{Duration, Instant};

use crate::support::*;
use atlas_emulator::{EmulatorOptions, FaultRule};
use reqwest::{Method, StatusCode};
use serde_json::json;

const GROUPS: &str = "/api/atlas/v2/groups";

#[tokio::test]
async fn counted_503_with_retry_after_before_auth() {
    let emu = start_with_hooks().await;
    let (status, body) = emu
        .hook_post("/_emulator/faults", json!({"method": "GET", "pathPrefix": GROUPS, "status": 503, "retryAfterSecs": 1, "rate": 1.0, "count": 2}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["id"].is_u64());
    for _ in 0..2 {
        // No credentials at all: the fault answers before authentication.
        let resp = emu.anonymous(Method::GET, GROUPS).await;
        assert_eq!(resp.headers()["retry-after"], "1");
        assert_api_error(resp, 503, "SERVICE_UNAVAILABLE").await;
    }
    assert_eq!(
        emu.anonymous(Method::GET, GROUPS).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        emu.owner(Method::GET, GROUPS, None).await.status(),
        StatusCode::OK
    );
    // POST is not GET: unaffected.
    emu.hook_post(
        "/_emulator/faults",
        json!({"method": "POST", "status": 500}),
    )
    .await;
    assert_eq!(
        emu.owner(Method::GET, GROUPS, None).await.status(),
        StatusCode::OK
    );
    let resp = emu
        .http
        .delete(emu.url("/_emulator/faults"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
}

#[tokio::test]
async fn malformed_body_dropped_connection_and_latency() {
    let emu = start_with_hooks().await;
    emu.hook_post(
        "/_emulator/faults",
        json!({"malformedBody": true, "count": 1}),
    )
    .await;
    let resp = emu.anonymous(Method::GET, GROUPS).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(serde_json::from_str::<serde_json::Value>(&resp.text().await.unwrap()).is_err());

    emu.hook_post(
        "/_emulator/faults",
        json!({"dropConnection": true, "count": 1}),
    )
    .await;
    let err = emu.http.get(emu.url(GROUPS)).send().await;
    assert!(err.is_err(), "the connection should drop: {err:?}");

    emu.hook_post("/_emulator/faults", json!({"latencyMs": 300, "count": 1}))
        .await;
    let started = Instant::now();
    // Latency only: the request then goes on as usual.
    assert_eq!(
        emu.anonymous(Method::GET, GROUPS).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert!(started.elapsed() >= Duration::from_millis(300));

    // rate 0 never fires.
    emu.hook_post("/_emulator/faults", json!({"status": 500, "rate": 0.0}))
        .await;
    assert_eq!(
        emu.owner(Method::GET, GROUPS, None).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        emu.hook_post("/_emulator/faults", json!({"status": 500, "rate": 2.0}))
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn faults_from_start_options_and_global_latency() {
    let rule =
        FaultRule::parse_compact("status=429,retry-after=7,count=1,path=/api/oauth").unwrap();
    let emu = start(EmulatorOptions {
        faults: vec![rule],
        latency_ms: 100,
        ..Default::default()
    })
    .await;
    let started = Instant::now();
    let resp = emu
        .http
        .post(emu.url("/api/oauth/token"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(100));
    assert_eq!(resp.headers()["retry-after"], "7");
    assert_api_error(resp, 429, "RATE_LIMITED_TOKEN_BUCKET").await;
    let _ = emu.token().await;
}
