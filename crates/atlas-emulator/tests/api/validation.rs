//! Atlas's validation of integration writes (docs/atlas-facts.md), POST/PUT/DELETE answers, and
//! the two PUT modes.

use crate::support::*;
use atlas_emulator::{demo, EmulatorOptions, PutMode};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const SANDBOX: &str = demo::SANDBOX_PROJECT_ID;

fn path(group: &str, kind: &str) -> String {
    format!("/api/atlas/v2/groups/{group}/integrations/{kind}")
}

async fn post(emu: &Emu, kind: &str, body: Value) -> reqwest::Response {
    emu.owner(Method::POST, &path(SANDBOX, kind), Some(&body))
        .await
}

#[tokio::test]
async fn refuses_what_atlas_refuses() {
    let emu = start_with_hooks().await;
    // A field of another type (atlas-sdk-go #667).
    let b = assert_api_error(
        post(&emu, "PROMETHEUS", json!({"type": "PROMETHEUS", "username": "u", "password": "p", "serviceDiscovery": "http", "enabled": true, "sendCollectionLatencyMetrics": false})).await,
        400,
        "INVALID_ATTRIBUTE",
    )
    .await;
    assert_eq!(
        b["detail"],
        "Invalid attribute sendCollectionLatencyMetrics specified."
    );
    // Datadog's key must be hex (TF #3379).
    let b = assert_api_error(
        post(
            &emu,
            "DATADOG",
            json!({"type": "DATADOG", "apiKey": "not-hex"}),
        )
        .await,
        400,
        "INVALID_INTEGRATION_SETTINGS",
    )
    .await;
    assert_eq!(b["detail"], "The provided settings for the DATADOG integration were invalid: apiKey must be a hexadecimal string.");
    assert_eq!(
        b["parameters"],
        json!(["DATADOG apiKey must be a hexadecimal string"])
    );
    // Region enums.
    assert_api_error(
        post(
            &emu,
            "DATADOG",
            json!({"type": "DATADOG", "apiKey": "abc123", "region": "US1"}),
        )
        .await,
        400,
        "INVALID_ENUM_VALUE",
    )
    .await;
    assert_api_error(
        post(
            &emu,
            "PAGER_DUTY",
            json!({"type": "PAGER_DUTY", "serviceKey": "k", "region": "AP1"}),
        )
        .await,
        400,
        "INVALID_ENUM_VALUE",
    )
    .await;
    assert_api_error(
        post(&emu, "PROMETHEUS", json!({"type": "PROMETHEUS", "username": "u", "serviceDiscovery": "dns", "enabled": true})).await,
        400,
        "INVALID_ENUM_VALUE",
    )
    .await;
    // New Relic ids are 40 lowercase hex.
    let nr = json!({"type": "NEW_RELIC", "accountId": "ABC", "licenseKey": "a".repeat(40), "readToken": "r", "writeToken": "w"});
    assert_api_error(
        post(&emu, "NEW_RELIC", nr).await,
        400,
        "INVALID_INTEGRATION_SETTINGS",
    )
    .await;
    // Slack channel 1..80.
    let slack = json!({"type": "SLACK", "apiToken": "xoxb-1", "channelName": "c".repeat(81)});
    assert_api_error(
        post(&emu, "SLACK", slack).await,
        400,
        "INVALID_INTEGRATION_SETTINGS",
    )
    .await;
    // Required fields.
    let b = assert_api_error(
        post(&emu, "PAGER_DUTY", json!({"type": "PAGER_DUTY"})).await,
        400,
        "MISSING_ATTRIBUTE",
    )
    .await;
    assert_eq!(b["parameters"], json!(["serviceKey"]));
    assert_api_error(
        post(&emu, "WEBHOOK", json!({"type": "WEBHOOK", "secret": "s"})).await,
        400,
        "MISSING_ATTRIBUTE",
    )
    .await;
    // Wrong JSON types, type mismatch, no type, not JSON.
    assert_api_error(
        post(&emu, "PROMETHEUS", json!({"type": "PROMETHEUS", "username": "u", "serviceDiscovery": "http", "enabled": "yes"})).await,
        400,
        "INVALID_ATTRIBUTE",
    )
    .await;
    assert_api_error(
        post(
            &emu,
            "PAGER_DUTY",
            json!({"type": "DATADOG", "serviceKey": "k"}),
        )
        .await,
        400,
        "INVALID_ATTRIBUTE",
    )
    .await;
    assert_api_error(
        post(&emu, "PAGER_DUTY", json!({"serviceKey": "k"})).await,
        400,
        "MISSING_ATTRIBUTE",
    )
    .await;
    let resp = emu
        .digest_as(
            demo::API_PUBLIC_KEY,
            demo::API_PRIVATE_KEY,
            Method::POST,
            &path(SANDBOX, "PAGER_DUTY"),
            Some(&json!("text")),
        )
        .await;
    assert_api_error(resp, 400, "INVALID_JSON").await;
    // HIP_CHAT has no schema; unknown types are not in the enum.
    assert_eq!(
        post(&emu, "HIP_CHAT", json!({"type": "HIP_CHAT"}))
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_api_error(
        post(&emu, "FLOWDOCK", json!({"type": "FLOWDOCK"})).await,
        400,
        "INVALID_ENUM_VALUE",
    )
    .await;
    // None of it was stored.
    let (_, list) = json_of(
        emu.owner(
            Method::GET,
            &format!("/api/atlas/v2/groups/{SANDBOX}/integrations"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(list["totalCount"], 0);
}

#[tokio::test]
async fn post_answers_the_whole_list_and_conflicts_on_a_second_post() {
    let emu = start_with_hooks().await;
    let resp = post(
        &emu,
        "WEBHOOK",
        json!({"type": "WEBHOOK", "url": "https://example.com/hook/1234"}),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = post(
        &emu,
        "DATADOG",
        json!({"type": "DATADOG", "apiKey": "ABCDEF0123456789abcdef0123456789"}),
    )
    .await;
    let (status, body) = json_of(resp).await;
    assert_eq!(status, StatusCode::OK);
    let types: Vec<_> = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["type"].as_str().unwrap())
        .collect();
    // The spec's enum order, not creation order.
    assert_eq!(types, ["DATADOG", "WEBHOOK"]);
    assert_eq!(body["totalCount"], 2);
    let datadog = &body["results"][0];
    assert_eq!(datadog["apiKey"], "****************************6789");
    // No source says Atlas defaults Datadog's region (docs/atlas-facts.md, "Regions").
    assert!(datadog["region"].is_null());
    assert_eq!(datadog["customEndpoint"], Value::Null);
    assert_eq!(datadog["sendQueryStatsMetrics"], false);
    let webhook = &body["results"][1];
    assert_eq!(webhook["url"], "https://example.com/****1234");
    assert!(webhook.get("secret").is_none());
    assert_eq!(webhook["bodyTemplate"], Value::Null);

    let b = assert_api_error(
        post(
            &emu,
            "DATADOG",
            json!({"type": "DATADOG", "apiKey": "abcdef"}),
        )
        .await,
        409,
        "INTEGRATION_ALREADY_CONFIGURED",
    )
    .await;
    assert_eq!(
        b["detail"],
        "The integration of type 'DATADOG' is already configured for this group."
    );
}

#[tokio::test]
async fn get_and_delete_of_unconfigured_types_are_404_and_delete_is_204() {
    let emu = start_with_hooks().await;
    assert_api_error(
        emu.owner(Method::GET, &path(SANDBOX, "SLACK"), None).await,
        404,
        "INTEGRATION_NOT_CONFIGURED",
    )
    .await;
    assert_api_error(
        emu.owner(Method::DELETE, &path(SANDBOX, "SLACK"), None)
            .await,
        404,
        "INTEGRATION_NOT_CONFIGURED",
    )
    .await;
    let resp = emu
        .owner(
            Method::DELETE,
            &path(demo::STAGING_PROJECT_ID, "SLACK"),
            None,
        )
        .await;
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert_eq!(resp.headers()["content-type"], MEDIA_TYPE);
    assert_eq!(resp.text().await.unwrap(), "");
    assert_eq!(
        emu.owner(Method::GET, &path(demo::STAGING_PROJECT_ID, "SLACK"), None)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn masking_and_write_only_fields() {
    let emu = start_with_hooks().await;
    let (_, prom) = json_of(
        emu.owner(
            Method::GET,
            &path(demo::ANALYTICS_PROJECT_ID, "PROMETHEUS"),
            None,
        )
        .await,
    )
    .await;
    assert!(prom.get("password").is_none(), "{prom}");
    assert_eq!(
        prom["username"],
        format!("prom_user_{}", demo::ANALYTICS_PROJECT_ID)
    );
    let (_, stored) = emu
        .hook_get(&format!(
            "/_emulator/state/groups/{}/integrations/PROMETHEUS",
            demo::ANALYTICS_PROJECT_ID
        ))
        .await;
    assert_eq!(stored["password"], demo::secrets::PROMETHEUS_PASSWORD);
    let (_, vo) = json_of(
        emu.owner(
            Method::GET,
            &path(demo::LEGACY_PROJECT_ID, "VICTOR_OPS"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(vo["routingKey"], "db-oncall");
    assert!(vo["apiKey"].as_str().unwrap().starts_with("****"));
    // A masked value sent back is stored literally, as Atlas may do.
    let masked = json!({"type": "PAGER_DUTY", "serviceKey": "****************************0022"});
    let resp = emu
        .owner(
            Method::PUT,
            &path(demo::PRODUCTION_PROJECT_ID, "PAGER_DUTY"),
            Some(&masked),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let (_, stored) = emu
        .hook_get(&format!(
            "/_emulator/state/groups/{}/integrations/PAGER_DUTY",
            demo::PRODUCTION_PROJECT_ID
        ))
        .await;
    assert_eq!(stored["serviceKey"], "****************************0022");
    // …unless a rule refuses it (Datadog wants hex).
    let masked = json!({"type": "DATADOG", "apiKey": "****************************0000"});
    let resp = emu
        .owner(
            Method::PUT,
            &path(demo::PRODUCTION_PROJECT_ID, "DATADOG"),
            Some(&masked),
        )
        .await;
    assert_api_error(resp, 400, "INVALID_INTEGRATION_SETTINGS").await;
}

#[tokio::test]
async fn put_merge_keeps_omitted_fields_and_creates_missing_types() {
    let emu = start_with_hooks().await;
    let prod = demo::PRODUCTION_PROJECT_ID;
    let (_, before) = emu
        .hook_get(&format!(
            "/_emulator/state/groups/{prod}/integrations/DATADOG"
        ))
        .await;
    let resp = emu
        .owner(
            Method::PUT,
            &path(prod, "DATADOG"),
            Some(&json!({"type": "DATADOG", "region": "EU"})),
        )
        .await;
    let (status, body) = json_of(resp).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["totalCount"], 3);
    let (_, after) = emu
        .hook_get(&format!(
            "/_emulator/state/groups/{prod}/integrations/DATADOG"
        ))
        .await;
    assert_eq!(after["region"], "EU");
    assert_eq!(after["apiKey"], demo::secrets::DATADOG_API_KEY);
    assert_eq!(after["sendDatabaseMetrics"], true);
    assert_eq!(after["id"], before["id"]);
    // PUT of a missing type creates it, but needs its required fields.
    let resp = emu
        .owner(
            Method::PUT,
            &path(SANDBOX, "OPS_GENIE"),
            Some(&json!({"type": "OPS_GENIE", "region": "EU"})),
        )
        .await;
    assert_api_error(resp, 400, "MISSING_ATTRIBUTE").await;
    let resp = emu
        .owner(
            Method::PUT,
            &path(SANDBOX, "OPS_GENIE"),
            Some(&json!({"type": "OPS_GENIE", "apiKey": "k-0001"})),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
}

async fn replace_semantics(emu: &Emu) {
    let prod = demo::PRODUCTION_PROJECT_ID;
    let resp = emu
        .owner(
            Method::PUT,
            &path(prod, "DATADOG"),
            Some(&json!({"type": "DATADOG", "region": "EU"})),
        )
        .await;
    assert_api_error(resp, 400, "MISSING_ATTRIBUTE").await;
    let resp = emu
        .owner(
            Method::PUT,
            &path(prod, "DATADOG"),
            Some(&json!({"type": "DATADOG", "apiKey": "abcdef12", "region": "EU"})),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let (_, after) = emu
        .hook_get(&format!(
            "/_emulator/state/groups/{prod}/integrations/DATADOG"
        ))
        .await;
    assert_eq!(after["apiKey"], "abcdef12");
    // Toggles not sent are back to their defaults.
    assert_eq!(after["sendDatabaseMetrics"], false);
    let resp = emu
        .owner(
            Method::PUT,
            &path(SANDBOX, "OPS_GENIE"),
            Some(&json!({"type": "OPS_GENIE", "apiKey": "k-0001"})),
        )
        .await;
    assert_api_error(resp, 404, "INTEGRATION_NOT_CONFIGURED").await;
}

#[tokio::test]
async fn put_replace_from_the_flag_and_from_the_hook() {
    let emu = start(EmulatorOptions {
        test_hooks: true,
        put_mode: PutMode::Replace,
        ..Default::default()
    })
    .await;
    replace_semantics(&emu).await;

    let emu = start_with_hooks().await;
    let (status, body) = emu
        .hook_post("/_emulator/put-mode", json!({"mode": "replace"}))
        .await;
    assert_eq!((status, body), (StatusCode::OK, json!({"mode": "replace"})));
    replace_semantics(&emu).await;
    assert_eq!(
        emu.hook_post("/_emulator/put-mode", json!({"mode": "sideways"}))
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
}
