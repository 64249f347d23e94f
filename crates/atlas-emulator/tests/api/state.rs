//! `--seed` documents and `--state` persistence across restarts.

use crate::support::*;
use atlas_emulator::EmulatorOptions;
use reqwest::{Method, StatusCode};
use serde_json::json;

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("atlas-emulator-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn state_survives_a_restart_and_is_written_atomically() {
    let dir = temp_dir("state");
    let file = dir.join("state.json");
    let options = EmulatorOptions {
        test_hooks: true,
        state: Some(file.clone()),
        ..Default::default()
    };
    let emu = start(options.clone()).await;
    let path = format!(
        "/api/atlas/v2/groups/{}/integrations/OPS_GENIE",
        atlas_emulator::demo::SANDBOX_PROJECT_ID
    );
    let resp = emu
        .owner(
            Method::POST,
            &path,
            Some(&json!({"type": "OPS_GENIE", "apiKey": "persisted-key-0001"})),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    // Durable once answered: the file parses and holds the secret.
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert!(saved.to_string().contains("persisted-key-0001"));
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, vec![std::ffi::OsString::from("state.json")]);
    emu.running.shutdown().await;

    let emu = start(options).await;
    let (_, stored) = emu
        .hook_get(&format!(
            "/_emulator/state/groups/{}/integrations/OPS_GENIE",
            atlas_emulator::demo::SANDBOX_PROJECT_ID
        ))
        .await;
    assert_eq!(stored["apiKey"], "persisted-key-0001");
    // Reset goes back to the seed, not to the saved state, and saves that.
    emu.hook_post("/_emulator/reset", json!({})).await;
    assert!(!std::fs::read_to_string(&file)
        .unwrap()
        .contains("persisted-key-0001"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_seed_replaces_the_demo_data() {
    let dir = temp_dir("seed");
    let seed = dir.join("seed.json");
    let doc = json!({
        "orgId": "aaaaaaaaaaaaaaaaaaaaaaaa",
        "projects": [{"id": "bbbbbbbbbbbbbbbbbbbbbbbb", "name": "Seeded", "integrations": [
            {"type": "PAGER_DUTY", "serviceKey": "seeded-service-key-1234"}]}],
        "apiKeys": [{"publicKey": "seedkeya", "privateKey": "seed-private", "roles": {"bbbbbbbbbbbbbbbbbbbbbbbb": "GROUP_READ_ONLY"}}]
    });
    std::fs::write(&seed, doc.to_string()).unwrap();
    let emu = start(EmulatorOptions {
        seed: Some(seed.clone()),
        ..Default::default()
    })
    .await;
    let (status, body) = json_of(
        emu.digest_as(
            "seedkeya",
            "seed-private",
            Method::GET,
            "/api/atlas/v2/groups",
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["totalCount"], 1);
    assert_eq!(body["results"][0]["orgId"], "aaaaaaaaaaaaaaaaaaaaaaaa");
    let (_, list) = json_of(
        emu.digest_as(
            "seedkeya",
            "seed-private",
            Method::GET,
            "/api/atlas/v2/groups/bbbbbbbbbbbbbbbbbbbbbbbb/integrations",
            None,
        )
        .await,
    )
    .await;
    assert_eq!(list["results"][0]["serviceKey"], "*******************1234");
    // The demo key is not in this seed; the demo service account is (the default when a seed
    // lists none), and owns every project of the document.
    assert_eq!(
        emu.owner(Method::GET, "/api/atlas/v2/groups", None)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let token = emu.token().await;
    let (_, body) = json_of(
        emu.bearer(&token, Method::GET, "/api/atlas/v2/groups", None)
            .await,
    )
    .await;
    assert_eq!(body["totalCount"], 1);

    // A seed Atlas would refuse is an error at start.
    std::fs::write(&seed, json!({"projects": [{"id": "bbbbbbbbbbbbbbbbbbbbbbbb", "name": "x", "integrations": [{"type": "DATADOG", "apiKey": "zz"}]}]}).to_string()).unwrap();
    let err = atlas_emulator::start_embedded(
        "127.0.0.1:0".parse().unwrap(),
        EmulatorOptions {
            seed: Some(seed),
            ..Default::default()
        },
    )
    .await;
    assert!(err.is_err());
    let _ = std::fs::remove_dir_all(&dir);
}
