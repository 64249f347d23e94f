//! Digest (challenge, nonce reuse with each nc once in any order, nc replay, stale nonces)
//! and OAuth client credentials (token, bearer, revoke, expiry), plus the version check.

use std::time::Duration;

use crate::support::*;
use atlas_emulator::{demo, EmulatorOptions};
use reqwest::{Method, StatusCode};

const GROUPS: &str = "/api/atlas/v2/groups";

#[tokio::test]
async fn digest_handshake_and_wrong_secret() {
    let emu = start_with_hooks().await;
    let resp = emu.owner(Method::GET, GROUPS, None).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], MEDIA_TYPE);

    let resp = emu
        .digest_as(
            demo::API_PUBLIC_KEY,
            "not-the-secret",
            Method::GET,
            GROUPS,
            None,
        )
        .await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let params = challenge_params(resp.headers()["www-authenticate"].to_str().unwrap());
    assert_eq!(params["stale"], "false");
    assert_eq!(params["realm"], "MMS Public API");

    let resp = emu
        .digest_as(
            "nosuchkey",
            demo::API_PRIVATE_KEY,
            Method::GET,
            GROUPS,
            None,
        )
        .await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);

    // A signature for another path does not open this one.
    let nonce = emu.nonce().await;
    let auth = digest_header(
        "GET",
        "/api/atlas/v2/groups/65f0a1b2c3d4e5f6a7b8c905",
        demo::API_PUBLIC_KEY,
        demo::API_PRIVATE_KEY,
        &nonce,
        1,
    );
    let resp = emu
        .http
        .get(emu.url(GROUPS))
        .header("Accept", ACCEPT)
        .header("Authorization", auth)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_third_party_digest_client_interoperates() {
    let emu = start_with_hooks().await;
    let resp = emu.anonymous(Method::GET, GROUPS).await;
    let header = resp.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_string();
    let mut prompt = digest_auth::parse(&header).expect("digest_auth parses the challenge");
    let ctx = digest_auth::AuthContext::new(demo::API_PUBLIC_KEY, demo::API_PRIVATE_KEY, GROUPS);
    let answer = prompt.respond(&ctx).expect("respond").to_header_string();
    let resp = emu
        .http
        .get(emu.url(GROUPS))
        .header("Accept", ACCEPT)
        .header("Authorization", answer)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    // The crate counts nc up on reuse; the emulator accepts the same nonce again.
    let again = prompt.respond(&ctx).expect("respond").to_header_string();
    let resp = emu
        .http
        .get(emu.url(GROUPS))
        .header("Accept", ACCEPT)
        .header("Authorization", again)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
}

#[tokio::test]
async fn each_nc_is_accepted_once_in_any_order_and_replays_are_refused() {
    let emu = start_with_hooks().await;
    let nonce = emu.nonce().await;
    let (u, p) = (demo::API_PUBLIC_KEY, demo::API_PRIVATE_KEY);
    let status = |resp: reqwest::Response| resp.status();
    for nc in [1, 2, 5] {
        let resp = emu
            .signed(u, p, &nonce, nc, Method::GET, GROUPS, None)
            .await;
        assert_eq!(status(resp), StatusCode::OK, "nc {nc}");
    }
    // The same request again (same nonce, nc and cnonce): a replay, refused as a wrong
    // credential would be.
    let replay = emu.signed(u, p, &nonce, 5, Method::GET, GROUPS, None).await;
    assert_eq!(replay.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        challenge_params(replay.headers()["www-authenticate"].to_str().unwrap())["stale"],
        "false"
    );
    // Lower counts not seen yet are requests that were overtaken on the way: accepted, once.
    for nc in [4, 3] {
        let resp = emu
            .signed(u, p, &nonce, nc, Method::GET, GROUPS, None)
            .await;
        assert_eq!(status(resp), StatusCode::OK, "nc {nc}");
        let again = emu
            .signed(u, p, &nonce, nc, Method::GET, GROUPS, None)
            .await;
        assert_eq!(status(again), StatusCode::UNAUTHORIZED, "nc {nc} again");
    }
    assert_eq!(
        emu.signed(u, p, &nonce, 6, Method::GET, GROUPS, None)
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn expired_nonce_gets_stale_true() {
    let emu = start(EmulatorOptions {
        test_hooks: true,
        nonce_ttl_secs: 1,
        ..Default::default()
    })
    .await;
    let (u, p) = (demo::API_PUBLIC_KEY, demo::API_PRIVATE_KEY);
    let nonce = emu.nonce().await;
    assert_eq!(
        emu.signed(u, p, &nonce, 1, Method::GET, GROUPS, None)
            .await
            .status(),
        StatusCode::OK
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let resp = emu.signed(u, p, &nonce, 2, Method::GET, GROUPS, None).await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        challenge_params(resp.headers()["www-authenticate"].to_str().unwrap())["stale"],
        "true"
    );
    // Wrong secret with a stale nonce is not "stale": it is wrong.
    let resp = emu
        .signed(u, "wrong", &nonce, 3, Method::GET, GROUPS, None)
        .await;
    assert_eq!(
        challenge_params(resp.headers()["www-authenticate"].to_str().unwrap())["stale"],
        "false"
    );

    // The hook makes live nonces stale at once.
    let nonce = emu.nonce().await;
    assert_eq!(
        emu.hook_post("/_emulator/nonces/expire", serde_json::json!({}))
            .await
            .0,
        StatusCode::OK
    );
    let resp = emu.signed(u, p, &nonce, 1, Method::GET, GROUPS, None).await;
    assert_eq!(
        challenge_params(resp.headers()["www-authenticate"].to_str().unwrap())["stale"],
        "true"
    );
}

#[tokio::test]
async fn oauth_token_bearer_and_revoke() {
    let emu = start_with_hooks().await;
    let resp = emu
        .http
        .post(emu.url("/api/oauth/token"))
        .basic_auth(
            demo::SERVICE_ACCOUNT_CLIENT_ID,
            Some(demo::SERVICE_ACCOUNT_CLIENT_SECRET),
        )
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "application/json");
    let (_, body) = json_of(resp).await;
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    let token = body["access_token"].as_str().unwrap().to_string();

    let resp = emu.bearer(&token, Method::GET, GROUPS, None).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let (_, groups) = json_of(resp).await;
    assert_eq!(groups["totalCount"], demo::PROJECTS.len());

    let resp = emu
        .http
        .post(emu.url("/api/oauth/revoke"))
        .basic_auth(
            demo::SERVICE_ACCOUNT_CLIENT_ID,
            Some(demo::SERVICE_ACCOUNT_CLIENT_SECRET),
        )
        .form(&[
            ("token", token.as_str()),
            ("token_type_hint", "access_token"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        emu.bearer(&token, Method::GET, GROUPS, None).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        emu.bearer("made-up", Method::GET, GROUPS, None)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn oauth_refuses_bad_clients_and_grants() {
    let emu = start_with_hooks().await;
    let token = |id: &'static str, secret: &'static str, grant: &'static str| {
        emu.http
            .post(emu.url("/api/oauth/token"))
            .basic_auth(id, Some(secret))
            .form(&[("grant_type", grant)])
            .send()
    };
    let r = token(
        demo::SERVICE_ACCOUNT_CLIENT_ID,
        "mdb_sa_sk_wrong",
        "client_credentials",
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = token(
        "mdb_sa_id_nobody",
        demo::SERVICE_ACCOUNT_CLIENT_SECRET,
        "client_credentials",
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = token(
        demo::SERVICE_ACCOUNT_CLIENT_ID,
        demo::SERVICE_ACCOUNT_CLIENT_SECRET,
        "password",
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = emu
        .http
        .post(emu.url("/api/oauth/token"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // An API key is no service account.
    let r = token(
        demo::API_PUBLIC_KEY,
        demo::API_PRIVATE_KEY,
        "client_credentials",
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn tokens_expire_by_ttl_and_by_hook() {
    let emu = start(EmulatorOptions {
        test_hooks: true,
        token_ttl_secs: 1,
        ..Default::default()
    })
    .await;
    let token = emu.token().await;
    assert_eq!(
        emu.bearer(&token, Method::GET, GROUPS, None).await.status(),
        StatusCode::OK
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        emu.bearer(&token, Method::GET, GROUPS, None).await.status(),
        StatusCode::UNAUTHORIZED
    );

    let emu = start_with_hooks().await;
    let token = emu.token().await;
    assert_eq!(
        emu.bearer(&token, Method::GET, GROUPS, None).await.status(),
        StatusCode::OK
    );
    emu.hook_post("/_emulator/tokens/expire", serde_json::json!({}))
        .await;
    assert_eq!(
        emu.bearer(&token, Method::GET, GROUPS, None).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let fresh = emu.token().await;
    assert_eq!(
        emu.bearer(&fresh, Method::GET, GROUPS, None).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn unsupported_or_missing_version_is_406() {
    let emu = start_with_hooks().await;
    let token = emu.token().await;
    for accept in [
        None,
        Some("application/json"),
        Some("application/vnd.atlas.2022-12-31+json"),
        Some("*/*"),
    ] {
        let mut req = emu.http.get(emu.url(GROUPS)).bearer_auth(&token);
        if let Some(a) = accept {
            req = req.header("Accept", a);
        }
        let resp = req.send().await.unwrap();
        let body = assert_api_error(resp, 406, "INVALID_VERSION_DATE").await;
        assert_eq!(body["detail"], "Invalid accept header or version date.");
    }
    let resp = emu
        .http
        .get(emu.url(GROUPS))
        .bearer_auth(&token)
        .header(
            "Accept",
            "application/vnd.atlas.2023-01-01+json;charset=utf-8",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
}
