//! Alert configurations (`…/groups/{groupId}/alertConfigs[/{alertConfigId}]`): list, get,
//! create, update, delete; the recorded answer shapes; masking of the notifications'
//! credentials; `integrationId` and `notifierId`; roles, 404s and validation
//! (docs/alerts.md).

use crate::support::*;
use atlas_emulator::demo::{self, alerts, secrets};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const PRODUCTION: &str = demo::PRODUCTION_PROJECT_ID;
const SANDBOX: &str = demo::SANDBOX_PROJECT_ID;

fn list_path(group: &str) -> String {
    format!("/api/atlas/v2/groups/{group}/alertConfigs")
}

fn one_path(group: &str, id: &str) -> String {
    format!("/api/atlas/v2/groups/{group}/alertConfigs/{id}")
}

async fn integration_id(emu: &Emu, group: &str, kind: &str) -> String {
    let (_, stored) = emu
        .hook_get(&format!(
            "/_emulator/state/groups/{group}/integrations/{kind}"
        ))
        .await;
    stored["id"].as_str().unwrap().to_string()
}

fn group_notification() -> Value {
    json!({"typeName": "GROUP", "emailEnabled": true, "smsEnabled": false, "roles": ["GROUP_OWNER"]})
}

/// Every value Atlas must never return in clear.
const SECRETS: &[&str] = &[
    secrets::PAGER_DUTY_SERVICE_KEY,
    secrets::DATADOG_API_KEY,
    secrets::WEBHOOK_URL,
    secrets::WEBHOOK_SECRET,
    secrets::SLACK_API_TOKEN,
    secrets::OPS_GENIE_API_KEY,
    secrets::MICROSOFT_TEAMS_WEBHOOK_URL,
    secrets::ALERT_PAGER_DUTY_OTHER_KEY,
    secrets::ALERT_HIP_CHAT_TOKEN,
    secrets::ALERT_MICROSOFT_TEAMS_URL,
];

#[tokio::test]
async fn lists_in_id_order_with_the_recorded_shape_and_masks_every_credential() {
    let emu = start_with_hooks().await;
    let resp = emu.owner(Method::GET, &list_path(PRODUCTION), None).await;
    assert_eq!(resp.headers()["content-type"], MEDIA_TYPE);
    let (status, body) = json_of(resp).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["totalCount"], 6);
    let ids: Vec<&str> = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            alerts::PRODUCTION_NO_PRIMARY,
            alerts::PRODUCTION_CONNECTIONS,
            alerts::PRODUCTION_OPLOG,
            alerts::PRODUCTION_MONGOS,
            alerts::PRODUCTION_CERTS,
            alerts::PRODUCTION_CREDIT_CARD,
        ]
    );
    let first = &body["results"][0];
    // As recorded: these keys, in this order, and only `self` among a list item's links.
    let keys: Vec<&String> = first.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "created",
            "enabled",
            "eventTypeName",
            "groupId",
            "id",
            "links",
            "matchers",
            "notifications",
            "updated"
        ]
    );
    assert_eq!(first["links"].as_array().unwrap().len(), 1);
    assert_eq!(first["groupId"], PRODUCTION);
    assert_eq!(
        first["notifications"][0],
        json!({"delayMin": 0, "emailEnabled": true, "intervalMin": 60,
               "notifierId": first["notifications"][0]["notifierId"], "roles": ["GROUP_OWNER"],
               "smsEnabled": false, "typeName": "GROUP"})
    );
    let pd = &first["notifications"][1];
    assert_eq!(
        pd["integrationId"],
        integration_id(&emu, PRODUCTION, "PAGER_DUTY").await
    );
    assert!(
        pd.get("serviceKey").is_none() && pd.get("intervalMin").is_none(),
        "{pd}"
    );

    let by_id = |id: &str| {
        body["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()
            .clone()
    };
    // Own copies of keys, masked as the integrations' are.
    assert_eq!(
        by_id(alerts::PRODUCTION_OPLOG)["notifications"][0]["serviceKey"],
        "****************************0022"
    );
    assert_eq!(
        by_id(alerts::PRODUCTION_MONGOS)["notifications"][0]["serviceKey"],
        "****************************9c41"
    );
    let certs = by_id(alerts::PRODUCTION_CERTS);
    assert_eq!(
        certs["notifications"][0]["datadogApiKey"],
        "****************************0000"
    );
    assert_eq!(
        certs["notifications"][0]["integrationId"],
        integration_id(&emu, PRODUCTION, "DATADOG").await
    );
    assert_eq!(certs["threshold"]["units"], "DAYS");
    assert!(by_id(alerts::PRODUCTION_CONNECTIONS)["metricThreshold"].is_object());

    // No credential in clear anywhere, in any project.
    for (group, _) in demo::PROJECTS {
        let text = emu
            .owner(Method::GET, &list_path(group), None)
            .await
            .text()
            .await
            .unwrap();
        for secret in SECRETS {
            assert!(!text.contains(secret), "{group}: {secret}");
        }
    }
    let (_, analytics) = json_of(
        emu.owner(Method::GET, &list_path(demo::ANALYTICS_PROJECT_ID), None)
            .await,
    )
    .await;
    assert_eq!(
        analytics["results"][1]["notifications"][0]["microsoftTeamsWebhookUrl"],
        "https://example.webhook.office.com/****9b2d"
    );
    let (_, legacy) = json_of(
        emu.owner(Method::GET, &list_path(demo::LEGACY_PROJECT_ID), None)
            .await,
    )
    .await;
    assert_eq!(
        legacy["results"][1]["notifications"][0]["notificationToken"],
        "*******************************c0de"
    );
    let (_, sandbox) = json_of(emu.owner(Method::GET, &list_path(SANDBOX), None).await).await;
    assert_eq!(sandbox["results"], json!([]));
    assert_eq!(sandbox["totalCount"], 0);
}

#[tokio::test]
async fn pages_like_the_recorded_list() {
    let emu = start_with_hooks().await;
    let (_, page) = json_of(
        emu.owner(
            Method::GET,
            &format!("{}?itemsPerPage=4", list_path(PRODUCTION)),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(page["results"].as_array().unwrap().len(), 4);
    let links = page["links"].as_array().unwrap();
    assert_eq!(
        links[0]["href"],
        format!(
            "{}{}?includeCount=true&pageNum=1&itemsPerPage=4",
            emu.base,
            list_path(PRODUCTION)
        )
    );
    // Recorded: `next` puts itemsPerPage before pageNum.
    assert_eq!(links[1]["rel"], "next");
    assert_eq!(
        links[1]["href"],
        format!(
            "{}{}?includeCount=true&itemsPerPage=4&pageNum=2",
            emu.base,
            list_path(PRODUCTION)
        )
    );
    let (_, second) = json_of(
        emu.owner(
            Method::GET,
            &format!(
                "{}?itemsPerPage=4&pageNum=2&includeCount=false",
                list_path(PRODUCTION)
            ),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(second["results"].as_array().unwrap().len(), 2);
    assert!(second.get("totalCount").is_none());
}

#[tokio::test]
async fn gets_one_with_its_alerts_link_and_answers_404s() {
    let emu = start_with_hooks().await;
    let path = one_path(PRODUCTION, alerts::PRODUCTION_OPLOG);
    let (status, one) = json_of(emu.owner(Method::GET, &path, None).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        one["links"],
        json!([{"href": format!("{}{path}", emu.base), "rel": "self"},
               {"href": format!("{}{path}/alerts", emu.base), "rel": "https://cloud.mongodb.com/alerts"}])
    );
    assert_eq!(one["eventTypeName"], "REPLICATION_OPLOG_WINDOW_RUNNING_OUT");
    assert_eq!(
        one["threshold"],
        json!({"operator": "LESS_THAN", "threshold": 1, "units": "HOURS"})
    );

    let missing = "0123456789abcdef01234567";
    let body = assert_api_error(
        emu.owner(Method::GET, &one_path(PRODUCTION, missing), None)
            .await,
        404,
        "ALERT_CONFIG_NOT_FOUND",
    )
    .await;
    assert_eq!(
        body["detail"],
        format!("No alert configuration with ID {missing} exists in group {PRODUCTION}.")
    );
    // An alert of another project is not found here.
    assert_api_error(
        emu.owner(
            Method::GET,
            &one_path(SANDBOX, alerts::PRODUCTION_OPLOG),
            None,
        )
        .await,
        404,
        "ALERT_CONFIG_NOT_FOUND",
    )
    .await;
    assert_api_error(
        emu.owner(Method::GET, &one_path(PRODUCTION, "not-an-id"), None)
            .await,
        404,
        "INVALID_ALERT_CONFIG_ID",
    )
    .await;
    assert_api_error(
        emu.owner(Method::GET, &list_path(missing), None).await,
        404,
        "GROUP_NOT_FOUND",
    )
    .await;
    let (u, p) = (demo::EMPTY_PUBLIC_KEY, demo::EMPTY_PRIVATE_KEY);
    assert_api_error(
        emu.digest_as(u, p, Method::GET, &list_path(PRODUCTION), None)
            .await,
        401,
        "USER_UNAUTHORIZED",
    )
    .await;
    // A later version date gets the 2023-01-01 answer.
    let resp = emu
        .digest_accept(
            Some("application/vnd.atlas.2025-03-12+json"),
            (demo::API_PUBLIC_KEY, demo::API_PRIVATE_KEY),
            Method::GET,
            &path,
            None,
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], MEDIA_TYPE);
}

#[tokio::test]
async fn creates_with_201_and_location_and_stores_secrets_whole() {
    let emu = start_with_hooks().await;
    let body = json!({"eventTypeName": "NO_PRIMARY", "enabled": true,
        "notifications": [group_notification(),
            {"typeName": "SLACK", "apiToken": "xoxb-own-token-00000000000000007f3a", "channelName": "sandbox"}]});
    let resp = emu
        .owner(Method::POST, &list_path(SANDBOX), Some(&body))
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    assert_eq!(resp.headers()["content-type"], MEDIA_TYPE);
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    let (_, created) = json_of(resp).await;
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(location, format!("{}{}", emu.base, one_path(SANDBOX, &id)));
    assert_eq!(created["created"], created["updated"]);
    assert_eq!(created["groupId"], SANDBOX);
    assert_eq!(created["enabled"], true);
    assert_eq!(created["links"].as_array().unwrap().len(), 2);
    let slack = &created["notifications"][1];
    assert_eq!(slack["apiToken"], format!("{}7f3a", "*".repeat(31)));
    assert_eq!(slack["intervalMin"], 60);
    assert_eq!(slack["delayMin"], 0);
    assert_ne!(
        slack["notifierId"],
        created["notifications"][0]["notifierId"]
    );

    let (_, stored) = emu
        .hook_get(&format!(
            "/_emulator/state/groups/{SANDBOX}/alertConfigs/{id}"
        ))
        .await;
    assert_eq!(
        stored["notifications"][1]["apiToken"],
        "xoxb-own-token-00000000000000007f3a"
    );
    let (_, listed) = json_of(emu.owner(Method::GET, &list_path(SANDBOX), None).await).await;
    assert_eq!(listed["totalCount"], 1);
    assert_eq!(listed["results"][0]["id"], id.as_str());
    // The same project state through a service account.
    let token = emu.token().await;
    let resp = emu
        .bearer(&token, Method::GET, &one_path(SANDBOX, &id), None)
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_put_replaces_keeps_credentials_by_notifier_id_and_switches_to_the_integration() {
    let emu = start_with_hooks().await;
    let path = one_path(PRODUCTION, alerts::PRODUCTION_OPLOG);
    let (_, before) = json_of(emu.owner(Method::GET, &path, None).await).await;
    let notifier = before["notifications"][0]["notifierId"].clone();

    // Sent back without the key, naming the notifier: the key is kept. Without `enabled`
    // the configuration is disabled (recorded).
    let body = json!({"eventTypeName": "REPLICATION_OPLOG_WINDOW_RUNNING_OUT",
        "threshold": before["threshold"],
        "notifications": [{"typeName": "PAGER_DUTY", "notifierId": notifier, "region": "EU"}]});
    let (status, after) = json_of(emu.owner(Method::PUT, &path, Some(&body)).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(after["enabled"], false);
    assert_eq!(after["created"], before["created"]);
    assert_ne!(after["updated"], before["updated"]);
    assert_eq!(after["notifications"][0]["notifierId"], notifier);
    assert_eq!(
        after["notifications"][0]["serviceKey"],
        "****************************0022"
    );
    let stored_url = format!(
        "/_emulator/state/groups/{PRODUCTION}/alertConfigs/{}",
        alerts::PRODUCTION_OPLOG
    );
    assert_eq!(
        emu.hook_get(&stored_url).await.1["notifications"][0]["serviceKey"],
        secrets::PAGER_DUTY_SERVICE_KEY
    );

    // The fleet's switch: the notification names the project's integration instead.
    let pd = integration_id(&emu, PRODUCTION, "PAGER_DUTY").await;
    let body = json!({"eventTypeName": "REPLICATION_OPLOG_WINDOW_RUNNING_OUT", "enabled": true,
        "threshold": before["threshold"],
        "notifications": [{"typeName": "PAGER_DUTY", "notifierId": notifier, "region": "EU",
                           "integrationId": pd}]});
    let (status, switched) = json_of(emu.owner(Method::PUT, &path, Some(&body)).await).await;
    assert_eq!(status, StatusCode::OK);
    let n = &switched["notifications"][0];
    assert_eq!(n["integrationId"], pd.as_str());
    assert!(n.get("serviceKey").is_none(), "{n}");
    assert!(emu.hook_get(&stored_url).await.1["notifications"][0]
        .get("serviceKey")
        .is_none());

    // Without the notifier id, a new one is given (recorded) and nothing is carried over.
    let body = json!({"eventTypeName": "NO_PRIMARY", "notifications": [group_notification()]});
    let (_, replaced) = json_of(emu.owner(Method::PUT, &path, Some(&body)).await).await;
    assert_ne!(replaced["notifications"][0]["notifierId"], notifier);
    assert!(replaced.get("threshold").is_none());

    assert_api_error(
        emu.owner(
            Method::PUT,
            &one_path(PRODUCTION, "0123456789abcdef01234567"),
            Some(&body),
        )
        .await,
        404,
        "ALERT_CONFIG_NOT_FOUND",
    )
    .await;
}

#[tokio::test]
async fn deletes_with_204_then_404() {
    let emu = start_with_hooks().await;
    let path = one_path(PRODUCTION, alerts::PRODUCTION_MONGOS);
    let resp = emu.owner(Method::DELETE, &path, None).await;
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert_eq!(resp.headers()["content-type"], MEDIA_TYPE);
    assert_api_error(
        emu.owner(Method::GET, &path, None).await,
        404,
        "ALERT_CONFIG_NOT_FOUND",
    )
    .await;
    assert_api_error(
        emu.owner(Method::DELETE, &path, None).await,
        404,
        "ALERT_CONFIG_NOT_FOUND",
    )
    .await;
    let (_, listed) = json_of(emu.owner(Method::GET, &list_path(PRODUCTION), None).await).await;
    assert_eq!(listed["totalCount"], 5);
    // Reset brings the demo's back.
    emu.hook_post("/_emulator/reset", json!({})).await;
    assert_eq!(
        emu.owner(Method::GET, &path, None).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn read_only_reads_but_every_write_is_403() {
    let emu = start_with_hooks().await;
    let (u, p) = (demo::READONLY_PUBLIC_KEY, demo::READONLY_PRIVATE_KEY);
    let path = one_path(PRODUCTION, alerts::PRODUCTION_OPLOG);
    assert_eq!(
        emu.digest_as(u, p, Method::GET, &list_path(PRODUCTION), None)
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        emu.digest_as(u, p, Method::GET, &path, None).await.status(),
        StatusCode::OK
    );
    let body = json!({"eventTypeName": "NO_PRIMARY", "notifications": [group_notification()]});
    for (method, url, body) in [
        (Method::POST, list_path(PRODUCTION), Some(&body)),
        (Method::PUT, path.clone(), Some(&body)),
        (Method::DELETE, path.clone(), None),
    ] {
        let b = assert_api_error(
            emu.digest_as(u, p, method.clone(), &url, body).await,
            403,
            "USER_UNAUTHORIZED",
        )
        .await;
        assert_eq!(
            b["detail"],
            "Current user is not authorized to perform this action."
        );
    }
    let (_, listed) = json_of(emu.owner(Method::GET, &list_path(PRODUCTION), None).await).await;
    assert_eq!(listed["totalCount"], 6);
    let (_, one) = json_of(emu.owner(Method::GET, &path, None).await).await;
    assert_eq!(one["enabled"], true);
    // The Sandbox key owns Sandbox only.
    let (u, p) = (demo::SANDBOX_PUBLIC_KEY, demo::SANDBOX_PRIVATE_KEY);
    let resp = emu
        .digest_as(u, p, Method::POST, &list_path(SANDBOX), Some(&body))
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    assert_api_error(
        emu.digest_as(u, p, Method::POST, &list_path(PRODUCTION), Some(&body))
            .await,
        401,
        "USER_UNAUTHORIZED",
    )
    .await;
}

#[tokio::test]
async fn refuses_what_atlas_refuses_in_its_error_shape() {
    let emu = start_with_hooks().await;
    let post = |body: Value| {
        let emu = &emu;
        async move {
            emu.owner(Method::POST, &list_path(PRODUCTION), Some(&body))
                .await
        }
    };
    let b = assert_api_error(
        post(json!({"notifications": [group_notification()]})).await,
        400,
        "MISSING_ATTRIBUTE",
    )
    .await;
    assert_eq!(b["badRequestDetail"]["fields"][0]["field"], "eventTypeName");
    let b = assert_api_error(
        post(json!({"eventTypeName": "HOSTS_ON_FIRE", "notifications": [group_notification()]}))
            .await,
        400,
        "INVALID_EVENT_TYPE_FOR_ALERT",
    )
    .await;
    assert_eq!(
        b["detail"],
        "Event type HOSTS_ON_FIRE not supported for alerts."
    );
    assert_api_error(
        post(json!({"eventTypeName": "NO_PRIMARY", "notifications": []})).await,
        400,
        "MISSING_NOTIFICATIONS",
    )
    .await;
    let b = assert_api_error(
        post(json!({"eventTypeName": "NO_PRIMARY",
            "notifications": [{"typeName": "PAGER_DUTY", "region": "EU"}]}))
        .await,
        400,
        "MISSING_ATTRIBUTE",
    )
    .await;
    assert_eq!(b["parameters"], json!(["serviceKey"]));
    // A field of another notification type.
    let b = assert_api_error(
        post(json!({"eventTypeName": "NO_PRIMARY",
            "notifications": [{"typeName": "PAGER_DUTY", "serviceKey": "k-0001", "datadogApiKey": "ab"}]}))
        .await,
        400,
        "INVALID_ATTRIBUTE",
    )
    .await;
    assert_eq!(b["detail"], "Invalid attribute datadogApiKey specified.");
    // An integrationId that is not this project's integration of the type.
    let staging_slack = integration_id(&emu, demo::STAGING_PROJECT_ID, "SLACK").await;
    let pd = integration_id(&emu, PRODUCTION, "PAGER_DUTY").await;
    for (ty, id) in [("SLACK", staging_slack), ("DATADOG", pd)] {
        assert_api_error(
            post(json!({"eventTypeName": "NO_PRIMARY",
                "notifications": [{"typeName": ty, "integrationId": id}]}))
            .await,
            400,
            "INVALID_ATTRIBUTE",
        )
        .await;
    }
    assert_api_error(
        post(json!({"eventTypeName": "NO_PRIMARY",
            "notifications": [{"typeName": "MICROSOFT_TEAMS", "microsoftTeamsWebhookUrl": "teams"}]}))
        .await,
        400,
        "INVALID_ATTRIBUTE",
    )
    .await;
    assert_api_error(
        post(json!({"eventTypeName": "NO_PRIMARY", "notifications": [
            {"typeName": "GROUP", "emailEnabled": true, "smsEnabled": false, "intervalMin": 1}]}))
        .await,
        400,
        "NOTIFICATION_INTERVAL_OUT_OF_RANGE",
    )
    .await;
    assert_api_error(
        post(
            json!({"eventTypeName": "NO_PRIMARY", "severityOverride": "URGENT",
            "notifications": [group_notification()]}),
        )
        .await,
        400,
        "INVALID_ENUM_VALUE",
    )
    .await;
    let resp = emu
        .http
        .post(emu.url(&list_path(PRODUCTION)))
        .header("Accept", ACCEPT)
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        StatusCode::UNAUTHORIZED,
        "no credential, no check"
    );
    assert_api_error(
        emu.digest_as(
            demo::API_PUBLIC_KEY,
            demo::API_PRIVATE_KEY,
            Method::POST,
            &list_path(PRODUCTION),
            Some(&json!("not an object")),
        )
        .await,
        400,
        "INVALID_JSON",
    )
    .await;
    // Nothing was created.
    let (_, listed) = json_of(emu.owner(Method::GET, &list_path(PRODUCTION), None).await).await;
    assert_eq!(listed["totalCount"], 6);
}

/// A webhook notification without its own URL uses the project's WEBHOOK integration (spec:
/// "a default webhook URL … on the Integrations page"), named by `integrationId`
/// [unverified], and answers the integration's URL masked.
#[tokio::test]
async fn a_webhook_notification_falls_back_to_the_projects_integration() {
    let emu = start_with_hooks().await;
    let body = json!({"eventTypeName": "NO_PRIMARY", "notifications": [{"typeName": "WEBHOOK"}]});
    let (status, created) = json_of(
        emu.owner(Method::POST, &list_path(PRODUCTION), Some(&body))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let n = &created["notifications"][0];
    assert_eq!(
        n["integrationId"],
        integration_id(&emu, PRODUCTION, "WEBHOOK").await
    );
    assert_eq!(n["webhookUrl"], "https://hooks.example.com/****2101");
    assert_eq!(n["webhookSecret"], "******");
    // Sandbox has no webhook integration: the URL is needed.
    assert_api_error(
        emu.owner(Method::POST, &list_path(SANDBOX), Some(&body))
            .await,
        400,
        "MISSING_ATTRIBUTE",
    )
    .await;
}

/// What Atlas does to the notifications of a deleted integration is not documented: the
/// emulator leaves them naming it [unverified], and refuses a write that names it.
#[tokio::test]
async fn deleting_an_integration_leaves_its_alerts_naming_it() {
    let emu = start_with_hooks().await;
    let pd = integration_id(&emu, PRODUCTION, "PAGER_DUTY").await;
    let resp = emu
        .owner(
            Method::DELETE,
            &format!("/api/atlas/v2/groups/{PRODUCTION}/integrations/PAGER_DUTY"),
            None,
        )
        .await;
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let path = one_path(PRODUCTION, alerts::PRODUCTION_NO_PRIMARY);
    let (_, alert) = json_of(emu.owner(Method::GET, &path, None).await).await;
    assert_eq!(alert["notifications"][1]["integrationId"], pd.as_str());
    // Sending it back as read is refused: it names no integration now.
    let mut body = alert.clone();
    body.as_object_mut().unwrap().remove("links");
    assert_api_error(
        emu.owner(Method::PUT, &path, Some(&body)).await,
        400,
        "INVALID_ATTRIBUTE",
    )
    .await;
}

#[tokio::test]
async fn alert_configs_are_in_the_state_document() {
    let emu = start_with_hooks().await;
    let (_, doc) = emu.hook_get("/_emulator/state").await;
    let production = doc["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == PRODUCTION)
        .unwrap();
    let configs = production["alertConfigs"].as_array().unwrap();
    assert_eq!(configs.len(), 6);
    assert_eq!(
        configs[2]["notifications"][0]["serviceKey"],
        secrets::PAGER_DUTY_SERVICE_KEY
    );
    let sandbox = doc["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == SANDBOX)
        .unwrap();
    assert!(sandbox.get("alertConfigs").is_none(), "left out when empty");
}
