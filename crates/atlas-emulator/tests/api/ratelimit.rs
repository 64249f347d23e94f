//! Token buckets per project and endpoint set: headers, 429 RATE_LIMITED_TOKEN_BUCKET with
//! Retry-After, refill, reset.

use std::time::Duration;

use crate::support::*;
use atlas_emulator::{demo, EmulatorOptions};
use reqwest::{Method, StatusCode};

#[tokio::test]
async fn bucket_empties_then_429_with_retry_after() {
    let emu = start(EmulatorOptions {
        test_hooks: true,
        rate_limit_capacity: 3,
        rate_limit_refill_per_sec: 0,
        ..Default::default()
    })
    .await;
    let token = emu.token().await;
    let prod = format!(
        "/api/atlas/v2/groups/{}/integrations",
        demo::PRODUCTION_PROJECT_ID
    );
    for remaining in ["2", "1", "0"] {
        let resp = emu.bearer(&token, Method::GET, &prod, None).await;
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(resp.headers()["ratelimit-limit"], "3");
        assert_eq!(resp.headers()["ratelimit-remaining"], remaining);
    }
    let resp = emu.bearer(&token, Method::GET, &prod, None).await;
    assert_eq!(resp.headers()["retry-after"], "60");
    let body = assert_api_error(resp, 429, "RATE_LIMITED_TOKEN_BUCKET").await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .starts_with("Rate limit exceeded for api/atlas/v2/groups/"),
        "{body}"
    );
    // Another project, and the other endpoint set, have their own buckets.
    let other = format!(
        "/api/atlas/v2/groups/{}/integrations",
        demo::SANDBOX_PROJECT_ID
    );
    assert_eq!(
        emu.bearer(&token, Method::GET, &other, None).await.status(),
        StatusCode::OK
    );
    let group = format!("/api/atlas/v2/groups/{}", demo::PRODUCTION_PROJECT_ID);
    assert_eq!(
        emu.bearer(&token, Method::GET, &group, None).await.status(),
        StatusCode::OK
    );
    // Digest challenges cost nothing; reset refills.
    emu.hook_post("/_emulator/reset", serde_json::json!({}))
        .await;
    assert_eq!(
        emu.owner(Method::GET, &prod, None).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn bucket_refills_over_time() {
    let emu = start(EmulatorOptions {
        rate_limit_capacity: 1,
        rate_limit_refill_per_sec: 5,
        ..Default::default()
    })
    .await;
    let token = emu.token().await;
    let path = "/api/atlas/v2/groups";
    assert_eq!(
        emu.bearer(&token, Method::GET, path, None).await.status(),
        StatusCode::OK
    );
    let limited = emu.bearer(&token, Method::GET, path, None).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.headers()["retry-after"], "1");
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert_eq!(
        emu.bearer(&token, Method::GET, path, None).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn default_limits_never_get_in_the_way() {
    let emu = start(EmulatorOptions::default()).await;
    let token = emu.token().await;
    for _ in 0..300 {
        let resp = emu
            .bearer(&token, Method::GET, "/api/atlas/v2/groups", None)
            .await;
        assert_eq!(resp.status(), StatusCode::OK);
    }
}
