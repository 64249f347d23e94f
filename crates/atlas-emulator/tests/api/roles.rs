//! Per-project roles: owner, read-only (writes 403), not a member (401), and unknown or
//! malformed projects.

use crate::support::*;
use atlas_emulator::demo;
use reqwest::{Method, StatusCode};
use serde_json::json;

fn integrations(group: &str) -> String {
    format!("/api/atlas/v2/groups/{group}/integrations")
}

#[tokio::test]
async fn read_only_key_reads_but_cannot_write() {
    let emu = start_with_hooks().await;
    let (u, p) = (demo::READONLY_PUBLIC_KEY, demo::READONLY_PRIVATE_KEY);
    let resp = emu
        .digest_as(
            u,
            p,
            Method::GET,
            &integrations(demo::PRODUCTION_PROJECT_ID),
            None,
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let one = format!("{}/PAGER_DUTY", integrations(demo::PRODUCTION_PROJECT_ID));
    assert_eq!(
        emu.digest_as(u, p, Method::GET, &one, None).await.status(),
        StatusCode::OK
    );
    let body = json!({"type": "PAGER_DUTY", "serviceKey": "abcdefabcdef"});
    assert_api_error(
        emu.digest_as(u, p, Method::PUT, &one, Some(&body)).await,
        403,
        "USER_UNAUTHORIZED",
    )
    .await;
    assert_api_error(
        emu.digest_as(u, p, Method::DELETE, &one, None).await,
        403,
        "USER_UNAUTHORIZED",
    )
    .await;
    let new = format!("{}/OPS_GENIE", integrations(demo::SANDBOX_PROJECT_ID));
    let body = json!({"type": "OPS_GENIE", "apiKey": "k-1234"});
    assert_api_error(
        emu.digest_as(u, p, Method::POST, &new, Some(&body)).await,
        403,
        "USER_UNAUTHORIZED",
    )
    .await;
    // Nothing changed.
    let (status, _) = emu
        .hook_get(&format!(
            "/_emulator/state/groups/{}/integrations/OPS_GENIE",
            demo::SANDBOX_PROJECT_ID
        ))
        .await;
    assert_eq!(status, 404);
    let (_, stored) = emu
        .hook_get(&format!(
            "/_emulator/state/groups/{}/integrations/PAGER_DUTY",
            demo::PRODUCTION_PROJECT_ID
        ))
        .await;
    assert_eq!(stored["serviceKey"], demo::secrets::PAGER_DUTY_SERVICE_KEY);
}

#[tokio::test]
async fn key_without_projects_sees_nothing() {
    let emu = start_with_hooks().await;
    let (u, p) = (demo::EMPTY_PUBLIC_KEY, demo::EMPTY_PRIVATE_KEY);
    let (status, body) = json_of(
        emu.digest_as(u, p, Method::GET, "/api/atlas/v2/groups", None)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["results"], json!([]));
    assert_eq!(body["totalCount"], 0);
    let resp = emu
        .digest_as(
            u,
            p,
            Method::GET,
            &integrations(demo::PRODUCTION_PROJECT_ID),
            None,
        )
        .await;
    assert_api_error(resp, 401, "USER_UNAUTHORIZED").await;
    let resp = emu
        .digest_as(
            u,
            p,
            Method::GET,
            &format!("/api/atlas/v2/groups/{}", demo::SANDBOX_PROJECT_ID),
            None,
        )
        .await;
    assert_api_error(resp, 401, "USER_UNAUTHORIZED").await;
}

#[tokio::test]
async fn owners_reach_every_project_and_unknown_ones_are_404() {
    let emu = start_with_hooks().await;
    let token = emu.token().await;
    for (id, name) in demo::PROJECTS {
        let (status, group) = json_of(
            emu.bearer(
                &token,
                Method::GET,
                &format!("/api/atlas/v2/groups/{id}"),
                None,
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(group["name"], *name);
        assert_eq!(group["orgId"], demo::ORG_ID);
        let resp = emu.owner(Method::GET, &integrations(id), None).await;
        assert_eq!(resp.status(), StatusCode::OK);
    }
    let (_, sandbox) = json_of(
        emu.bearer(
            &token,
            Method::GET,
            &integrations(demo::SANDBOX_PROJECT_ID),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(sandbox["results"], json!([]));

    let missing = "0123456789abcdef01234567";
    let body = assert_api_error(
        emu.owner(Method::GET, &integrations(missing), None).await,
        404,
        "GROUP_NOT_FOUND",
    )
    .await;
    assert_eq!(
        body["detail"],
        format!("No group with ID {missing} exists.")
    );
    assert_eq!(body["parameters"], json!([missing]));
    assert_api_error(
        emu.bearer(
            &token,
            Method::GET,
            &format!("/api/atlas/v2/groups/{missing}"),
            None,
        )
        .await,
        404,
        "GROUP_NOT_FOUND",
    )
    .await;
    assert_api_error(
        emu.owner(Method::GET, &integrations("NOT-A-GROUP-ID"), None)
            .await,
        400,
        "INVALID_GROUP_ID",
    )
    .await;
}

/// The docs pages say "Organization Owner or Project Owner" may write: an organisation owner
/// writes in every project, and its events name the key by its own id.
#[tokio::test]
async fn an_organization_owner_writes_everywhere() {
    let dir = std::env::temp_dir().join(format!("emu-org-owner-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let seed = dir.join("seed.json");
    let doc = json!({
        "projects": [{"id": demo::SANDBOX_PROJECT_ID, "name": "Sandbox"}],
        "apiKeys": [{"id": "65f0aaaa00000000000000aa", "publicKey": "orgowner",
                     "privateKey": "11111111-2222-4333-8444-555555555555",
                     "roles": {"*": "ORG_OWNER"}}]
    });
    std::fs::write(&seed, doc.to_string()).unwrap();
    let emu = start(atlas_emulator::EmulatorOptions {
        seed: Some(seed),
        test_hooks: true,
        ..Default::default()
    })
    .await;
    let (u, p) = ("orgowner", "11111111-2222-4333-8444-555555555555");
    let one = format!("{}/OPS_GENIE", integrations(demo::SANDBOX_PROJECT_ID));
    let body = json!({"type": "OPS_GENIE", "apiKey": "org-owner-key-0001"});
    let resp = emu.digest_as(u, p, Method::POST, &one, Some(&body)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let events = format!("/api/atlas/v2/groups/{}/events", demo::SANDBOX_PROJECT_ID);
    let (status, page) = json_of(emu.digest_as(u, p, Method::GET, &events, None).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["results"][0]["apiKeyId"], "65f0aaaa00000000000000aa");
    assert_eq!(page["results"][0]["publicKey"], "orgowner");
    let _ = std::fs::remove_dir_all(&dir);
}
