//! listGroupEvents: every successful create, update and delete of an integration is an event
//! naming who made it, in both PUT modes; failed writes are none; paging, filters, roles.

use crate::support::*;
use atlas_emulator::{demo, EmulatorOptions, PutMode};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const SANDBOX: &str = demo::SANDBOX_PROJECT_ID;

fn integration_path(kind: &str) -> String {
    format!("/api/atlas/v2/groups/{SANDBOX}/integrations/{kind}")
}

fn events_path(query: &str) -> String {
    format!("/api/atlas/v2/groups/{SANDBOX}/events?{query}")
}

async fn events(emu: &Emu, query: &str) -> Value {
    let resp = emu.owner(Method::GET, &events_path(query), None).await;
    assert_eq!(resp.headers()["content-type"], MEDIA_TYPE);
    let (status, body) = json_of(resp).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// Each event's type and who made it; the integration type is in no documented field, so
/// it is in none here either.
fn summary(page: &Value) -> Vec<(String, String)> {
    page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["eventTypeName"].as_str().unwrap().to_string(),
                e["publicKey"].as_str().unwrap_or("?").to_string(),
            )
        })
        .collect()
}

fn pair(ty: &str, who: &str) -> (String, String) {
    (ty.into(), who.into())
}

/// Create by API key, update by service account, a refused write, delete by API key.
async fn write_cycle(emu: &Emu) {
    let body = json!({"type": "OPS_GENIE", "apiKey": "events-key-0001"});
    let resp = emu
        .owner(Method::POST, &integration_path("OPS_GENIE"), Some(&body))
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let token = emu.token().await;
    let update = json!({"type": "OPS_GENIE", "apiKey": "events-key-0002", "region": "EU"});
    let resp = emu
        .bearer(
            &token,
            Method::PUT,
            &integration_path("OPS_GENIE"),
            Some(&update),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    // Refused writes record nothing: a second create, a read-only key, a bad body.
    let resp = emu
        .owner(Method::POST, &integration_path("OPS_GENIE"), Some(&body))
        .await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    let resp = emu
        .digest_as(
            demo::READONLY_PUBLIC_KEY,
            demo::READONLY_PRIVATE_KEY,
            Method::DELETE,
            &integration_path("OPS_GENIE"),
            None,
        )
        .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let resp = emu
        .owner(
            Method::POST,
            &integration_path("DATADOG"),
            Some(&json!({"type": "DATADOG"})),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let resp = emu
        .owner(Method::DELETE, &integration_path("OPS_GENIE"), None)
        .await;
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
}

async fn writes_are_events_in(mode: PutMode) {
    let emu = start(EmulatorOptions {
        test_hooks: true,
        put_mode: mode,
        ..Default::default()
    })
    .await;
    assert_eq!(events(&emu, "").await["results"], json!([]));
    write_cycle(&emu).await;
    let page = events(&emu, "includeRaw=true").await;
    assert_eq!(
        summary(&page),
        [
            pair("INTEGRATION_REMOVED", demo::API_PUBLIC_KEY),
            pair("INTEGRATION_CONFIGURED", demo::SERVICE_ACCOUNT_CLIENT_ID),
            pair("INTEGRATION_CONFIGURED", demo::API_PUBLIC_KEY),
        ],
        "{mode:?}"
    );
    assert_eq!(page["totalCount"], 3);
    let first = &page["results"][0];
    for field in [
        "created",
        "eventTypeName",
        "id",
        "groupId",
        "orgId",
        "links",
    ] {
        assert!(first.get(field).is_some(), "{field} missing: {first}");
    }
    assert_eq!(first["groupId"], SANDBOX);
    assert_eq!(first["isGlobalAdmin"], false);
    // The key's own id, not one derived from its public key.
    assert_eq!(first["apiKeyId"], demo::API_KEY_ID);
    // The caller's address: the test talks to the emulator over loopback.
    assert_eq!(first["remoteAddress"], "127.0.0.1");
    // A service account: its client id as `publicKey`, no key id, no user [unverified choice].
    let by_sa = &page["results"][1];
    assert!(by_sa.get("apiKeyId").is_none() && by_sa.get("username").is_none());
    // `raw` holds its documented fields only: no integration type, no invented caller field.
    for e in page["results"].as_array().unwrap() {
        let mut keys: Vec<&String> = e["raw"].as_object().unwrap().keys().collect();
        keys.sort();
        assert_eq!(keys, ["cid", "cre", "gn", "id", "orgId"], "{e}");
    }
    // Without includeRaw there is no `raw`.
    assert!(events(&emu, "").await["results"][0].get("raw").is_none());
    // No secret, sent or stored, in any event.
    let text = page.to_string();
    assert!(!text.contains("events-key-000"), "{text}");
    assert!(!text.contains(demo::API_PRIVATE_KEY));
    // getGroupEvent answers the event its `self` link names.
    let id = first["id"].as_str().unwrap();
    let resp = emu
        .owner(
            Method::GET,
            &format!("/api/atlas/v2/groups/{SANDBOX}/events/{id}"),
            None,
        )
        .await;
    let (status, one) = json_of(resp).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["id"], id);
}

#[tokio::test]
async fn every_write_is_an_event_with_its_author_under_merge() {
    writes_are_events_in(PutMode::Merge).await;
}

#[tokio::test]
async fn every_write_is_an_event_with_its_author_under_replace() {
    writes_are_events_in(PutMode::Replace).await;
}

#[tokio::test]
async fn a_merging_put_that_creates_is_configured() {
    let emu = start_with_hooks().await;
    let body = json!({"type": "OPS_GENIE", "apiKey": "events-key-0003"});
    let resp = emu
        .owner(Method::PUT, &integration_path("OPS_GENIE"), Some(&body))
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let page = events(&emu, "includeRaw=true").await;
    assert_eq!(
        summary(&page),
        [pair("INTEGRATION_CONFIGURED", demo::API_PUBLIC_KEY)]
    );
}

#[tokio::test]
async fn paging_and_filters() {
    let emu = start_with_hooks().await;
    let body = json!({"type": "OPS_GENIE", "apiKey": "events-key-0004"});
    for _ in 0..3 {
        emu.owner(Method::POST, &integration_path("OPS_GENIE"), Some(&body))
            .await;
        emu.owner(Method::DELETE, &integration_path("OPS_GENIE"), None)
            .await;
    }
    let page = events(
        &emu,
        "itemsPerPage=4&pageNum=1&eventType=INTEGRATION_REMOVED",
    )
    .await;
    assert_eq!(page["totalCount"], 3);
    assert_eq!(page["results"].as_array().unwrap().len(), 3);
    let page = events(&emu, "itemsPerPage=4&pageNum=1").await;
    assert_eq!(page["totalCount"], 6);
    let next = page["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "next")
        .unwrap()["href"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(next.contains("pageNum=2"), "{next}");
    let page2 = events(&emu, "itemsPerPage=4&pageNum=2&includeCount=false").await;
    assert_eq!(page2["results"].as_array().unwrap().len(), 2);
    assert!(page2.get("totalCount").is_none());
    // The filter travels in the links.
    let filtered = events(&emu, "itemsPerPage=1&eventType=INTEGRATION_CONFIGURED").await;
    let next = filtered["links"].to_string();
    assert!(next.contains("eventType=INTEGRATION_CONFIGURED"), "{next}");
    assert_eq!(
        events(&emu, "excludedEventType=INTEGRATION_CONFIGURED").await["totalCount"],
        3
    );
    // Newest first, and dates are inclusive bounds.
    let all = events(&emu, "itemsPerPage=500").await;
    let created: Vec<&str> = all["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["created"].as_str().unwrap())
        .collect();
    assert!(created.windows(2).all(|w| w[0] >= w[1]), "{created:?}");
    let newest = created[0];
    let q = format!("minDate={newest}");
    assert!(events(&emu, &q).await["totalCount"].as_u64().unwrap() >= 1);
    assert_eq!(
        events(&emu, "maxDate=2000-01-01T00:00:00Z").await["totalCount"],
        0
    );
    for bad in [
        "minDate=yesterday",
        "eventType=lower_case",
        "includeRaw=maybe",
        "pageNum=0",
    ] {
        let resp = emu.owner(Method::GET, &events_path(bad), None).await;
        assert_api_error(resp, 400, "INVALID_QUERY_PARAMETER").await;
    }
}

#[tokio::test]
async fn events_follow_the_project_roles() {
    let emu = start_with_hooks().await;
    // Read-only members read them (spec: Project Read Only).
    let resp = emu
        .digest_as(
            demo::READONLY_PUBLIC_KEY,
            demo::READONLY_PRIVATE_KEY,
            Method::GET,
            &events_path(""),
            None,
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let production = format!(
        "/api/atlas/v2/groups/{}/events",
        demo::PRODUCTION_PROJECT_ID
    );
    let resp = emu
        .digest_as(
            demo::SANDBOX_PUBLIC_KEY,
            demo::SANDBOX_PRIVATE_KEY,
            Method::GET,
            &production,
            None,
        )
        .await;
    assert_api_error(resp, 401, "USER_UNAUTHORIZED").await;
    let resp = emu
        .owner(
            Method::GET,
            "/api/atlas/v2/groups/65f0a1b2c3d4e5f6a7b8c9ff/events",
            None,
        )
        .await;
    assert_api_error(resp, 404, "GROUP_NOT_FOUND").await;
}

#[tokio::test]
async fn events_survive_a_restart_with_state_and_go_at_reset() {
    let dir = std::env::temp_dir().join(format!("atlas-emulator-events-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let options = EmulatorOptions {
        test_hooks: true,
        state: Some(dir.join("state.json")),
        ..Default::default()
    };
    let emu = start(options.clone()).await;
    let body = json!({"type": "OPS_GENIE", "apiKey": "events-key-0005"});
    emu.owner(Method::POST, &integration_path("OPS_GENIE"), Some(&body))
        .await;
    let before = events(&emu, "").await;
    emu.running.shutdown().await;
    let emu = start(options).await;
    // The same events (links differ: the port is new).
    let ids = |page: &Value| {
        page["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&events(&emu, "").await), ids(&before));
    assert_eq!(ids(&before).len(), 1);
    emu.hook_post("/_emulator/reset", json!({})).await;
    assert_eq!(events(&emu, "").await["totalCount"], 0);
    let _ = std::fs::remove_dir_all(&dir);
}
