//! The /_emulator/* contract: off by default, counters, state inspection, reset.

use crate::support::*;
use atlas_emulator::{demo, EmulatorOptions};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn hooks_are_404_unless_enabled() {
    let emu = start(EmulatorOptions::default()).await;
    for path in ["/_emulator/state", "/_emulator/counters"] {
        assert_eq!(
            emu.http.get(emu.url(path)).send().await.unwrap().status(),
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(
        emu.http
            .post(emu.url("/_emulator/reset"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn hooks_want_the_token_and_a_loopback_host() {
    let emu = start_with_hooks().await;
    let token = emu.running.hook_token().expect("hooks on").to_string();
    assert!(token.len() >= 32, "a generated token is 128 bits: {token}");
    let bare = reqwest::Client::new();
    let url = emu.url("/_emulator/state");
    let status = |r: reqwest::Response| r.status();

    let none = bare.get(&url).send().await.expect("sent");
    assert_eq!(status(none), StatusCode::FORBIDDEN);
    let wrong = bare
        .get(&url)
        .header(
            atlas_emulator::HOOK_TOKEN_HEADER,
            "0123456789abcdef0123456789abcdef",
        )
        .send()
        .await
        .expect("sent");
    assert_eq!(status(wrong), StatusCode::FORBIDDEN);
    // A page whose DNS name was rebound to 127.0.0.1 sends its own name as Host.
    let rebound = bare
        .get(&url)
        .header(atlas_emulator::HOOK_TOKEN_HEADER, &token)
        .header(reqwest::header::HOST, "attacker.example:80")
        .send()
        .await
        .expect("sent");
    assert_eq!(status(rebound), StatusCode::FORBIDDEN);
    let right = bare
        .get(&url)
        .header(atlas_emulator::HOOK_TOKEN_HEADER, &token)
        .send()
        .await
        .expect("sent");
    assert_eq!(status(right), StatusCode::OK);
    for host in ["localhost:9", "[::1]:9", "127.0.0.2"] {
        let ok = bare
            .get(&url)
            .header(atlas_emulator::HOOK_TOKEN_HEADER, &token)
            .header(reqwest::header::HOST, host)
            .send()
            .await
            .expect("sent");
        assert_eq!(status(ok), StatusCode::OK, "{host}");
    }
    // The API itself does not care about the token.
    let api = bare
        .get(emu.url("/api/atlas/v2/groups"))
        .send()
        .await
        .expect("sent");
    assert_eq!(status(api), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn hooks_refuse_a_reachable_address_and_a_weak_token() {
    let options = || EmulatorOptions {
        test_hooks: true,
        ..Default::default()
    };
    let anywhere = "0.0.0.0:0".parse().expect("addr");
    let err = atlas_emulator::start_embedded(anywhere, options())
        .await
        .err()
        .expect("refused");
    assert!(err.to_string().contains("loopback"), "{err}");

    let weak = EmulatorOptions {
        hook_token: Some("short".into()),
        ..options()
    };
    let loopback = "127.0.0.1:0".parse().expect("addr");
    let err = atlas_emulator::start_embedded(loopback, weak)
        .await
        .err()
        .expect("refused");
    assert!(err.to_string().contains("EMULATOR_HOOK_TOKEN"), "{err}");

    let chosen = EmulatorOptions {
        hook_token: Some("a-token-of-the-operator-s-choosing".into()),
        ..options()
    };
    let running = atlas_emulator::start_embedded(loopback, chosen)
        .await
        .expect("starts");
    assert_eq!(
        running.hook_token(),
        Some("a-token-of-the-operator-s-choosing")
    );
}

#[tokio::test]
async fn counters_by_route_and_by_auth() {
    let emu = start_with_hooks().await;
    let list = format!(
        "/api/atlas/v2/groups/{}/integrations",
        demo::PRODUCTION_PROJECT_ID
    );
    emu.owner(Method::GET, &list, None).await; // challenge + digest
    let token = emu.token().await; // basic
    emu.bearer(&token, Method::GET, &format!("{list}/DATADOG"), None)
        .await; // bearer
    emu.bearer("bogus", Method::GET, &list, None).await; // bearer, refused
    let (_, c) = emu.hook_get("/_emulator/counters").await;
    // emu.owner() fetched its nonce from GET /groups.
    assert_eq!(c["total"], 5, "{c}");
    assert_eq!(
        c["byRoute"]["GET /api/atlas/v2/groups/{groupId}/integrations"], 2,
        "{c}"
    );
    assert_eq!(
        c["byRoute"]["GET /api/atlas/v2/groups/{groupId}/integrations/{integrationType}"],
        1
    );
    assert_eq!(c["byRoute"]["GET /api/atlas/v2/groups"], 1);
    assert_eq!(c["byRoute"]["POST /api/oauth/token"], 1);
    assert_eq!(
        c["byAuth"],
        json!({"digest": 1, "digestChallenge": 1, "bearer": 2, "basic": 1, "none": 0})
    );
    emu.hook_post("/_emulator/counters/reset", json!({})).await;
    let (_, c) = emu.hook_get("/_emulator/counters").await;
    assert_eq!(c["total"], 0);
    assert_eq!(c["byRoute"], json!({}));
}

#[tokio::test]
async fn state_shows_secrets_and_reset_restores_the_demo() {
    let emu = start_with_hooks().await;
    let (status, state) = emu.hook_get("/_emulator/state").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(state["orgId"], demo::ORG_ID);
    assert_eq!(
        state["projects"].as_array().unwrap().len(),
        demo::PROJECTS.len()
    );
    assert!(state.to_string().contains(demo::secrets::DATADOG_API_KEY));

    let path = format!(
        "/api/atlas/v2/groups/{}/integrations/DATADOG",
        demo::PRODUCTION_PROJECT_ID
    );
    assert_eq!(
        emu.owner(Method::DELETE, &path, None).await.status(),
        StatusCode::NO_CONTENT
    );
    emu.hook_post(
        "/_emulator/faults",
        json!({"status": 500, "pathPrefix": "/api/atlas/v2/groups/x"}),
    )
    .await;
    let (status, _) = emu
        .hook_get(&format!(
            "/_emulator/state/groups/{}/integrations/DATADOG",
            demo::PRODUCTION_PROJECT_ID
        ))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    assert_eq!(
        emu.hook_post("/_emulator/reset", json!({})).await.0,
        StatusCode::OK
    );
    let (_, stored) = emu
        .hook_get(&format!(
            "/_emulator/state/groups/{}/integrations/DATADOG",
            demo::PRODUCTION_PROJECT_ID
        ))
        .await;
    assert_eq!(stored["apiKey"], demo::secrets::DATADOG_API_KEY);
    assert_eq!(stored["type"], "DATADOG");
    let (_, faults) = emu.hook_get("/_emulator/faults").await;
    assert_eq!(faults["faults"], json!([]));
    let (_, c) = emu.hook_get("/_emulator/counters").await;
    assert_eq!(c["total"], 0);
}
