//! Resource versions: Atlas answers an `Accept: application/vnd.atlas.YYYY-MM-DD+json` with
//! the newest version of the resource dated on or before that date. MongoDB's own TypeScript
//! client (`ATLAS_API_VERSION = "2025-03-12"`) sends 2025-03-12 on every call and gets the
//! 2023-01-01 representation; here a client does the same on every operation the emulator
//! serves, with Digest and with a bearer token. Missing or malformed `Accept`, impossible
//! dates and dates before 2023-01-01 stay 406 INVALID_VERSION_DATE.

use crate::support::*;
use atlas_emulator::demo;
use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};

/// What MongoDB's TypeScript Atlas client sends on every call.
const TS_CLIENT_ACCEPT: &str = "application/vnd.atlas.2025-03-12+json";
const GROUPS: &str = "/api/atlas/v2/groups";

enum Credential {
    Digest,
    Bearer(String),
}

/// A client that sends one fixed `Accept` on every call.
struct Client<'a> {
    emu: &'a Emu,
    credential: Credential,
    accept: Option<&'a str>,
}

impl Client<'_> {
    async fn call(&self, method: Method, path: &str, body: Option<&Value>) -> Response {
        match &self.credential {
            Credential::Digest => {
                self.emu
                    .digest_accept(
                        self.accept,
                        (demo::API_PUBLIC_KEY, demo::API_PRIVATE_KEY),
                        method,
                        path,
                        body,
                    )
                    .await
            }
            Credential::Bearer(token) => {
                self.emu
                    .bearer_accept(self.accept, token, method, path, body)
                    .await
            }
        }
    }

    /// The status and content type, then the JSON body (`Null` for none).
    async fn expect(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        status: StatusCode,
    ) -> Value {
        let label = format!("{method} {path} with Accept {:?}", self.accept);
        let resp = self.call(method, path, body).await;
        assert_eq!(resp.status(), status, "{label}");
        assert_eq!(
            resp.headers()["content-type"],
            MEDIA_TYPE,
            "{label}: answered with the 2023-01-01 representation"
        );
        let text = resp.text().await.unwrap();
        if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap()
        }
    }
}

/// Every operation the emulator serves, in an order that leaves the data as it found it
/// except for one new project named `name`.
async fn every_operation(client: &Client<'_>, name: &str) {
    let list = client
        .expect(Method::GET, GROUPS, None, StatusCode::OK)
        .await;
    assert!(list["totalCount"].as_u64().unwrap() >= 1, "{list}");
    assert!(list["results"][0]["clusterCount"].is_u64(), "{list}");

    let created = client
        .expect(
            Method::POST,
            GROUPS,
            Some(&json!({"name": name, "orgId": demo::ORG_ID})),
            StatusCode::CREATED,
        )
        .await;
    let gid = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["clusterCount"], 0);

    let group = client
        .expect(
            Method::GET,
            &format!("{GROUPS}/{gid}"),
            None,
            StatusCode::OK,
        )
        .await;
    assert_eq!(group["name"], name);

    let integrations = format!("{GROUPS}/{gid}/integrations");
    let one = format!("{integrations}/OPS_GENIE");
    let empty = client
        .expect(Method::GET, &integrations, None, StatusCode::OK)
        .await;
    assert_eq!(empty["totalCount"], 0);

    let after_create = client
        .expect(
            Method::POST,
            &one,
            Some(&json!({"type": "OPS_GENIE", "apiKey": "00000000-0000-0000-0000-000000001234"})),
            StatusCode::OK,
        )
        .await;
    assert_eq!(after_create["results"][0]["type"], "OPS_GENIE");

    let got = client.expect(Method::GET, &one, None, StatusCode::OK).await;
    assert_eq!(got["region"], "US");

    let after_update = client
        .expect(
            Method::PUT,
            &one,
            Some(&json!({"type": "OPS_GENIE", "region": "EU"})),
            StatusCode::OK,
        )
        .await;
    assert_eq!(after_update["results"][0]["region"], "EU");

    let listed = client
        .expect(Method::GET, &integrations, None, StatusCode::OK)
        .await;
    assert_eq!(listed["totalCount"], 1);

    let deleted = client
        .expect(Method::DELETE, &one, None, StatusCode::NO_CONTENT)
        .await;
    assert_eq!(deleted, Value::Null);
}

#[tokio::test]
async fn a_2025_03_12_client_gets_2023_01_01_on_every_operation_with_digest() {
    let emu = start_with_hooks().await;
    let client = Client {
        emu: &emu,
        credential: Credential::Digest,
        accept: Some(TS_CLIENT_ACCEPT),
    };
    every_operation(&client, "versions-digest").await;
}

#[tokio::test]
async fn a_2025_03_12_client_gets_2023_01_01_on_every_operation_with_a_token() {
    let emu = start_with_hooks().await;
    let client = Client {
        emu: &emu,
        credential: Credential::Bearer(emu.token().await),
        accept: Some(TS_CLIENT_ACCEPT),
    };
    every_operation(&client, "versions-bearer").await;
}

#[tokio::test]
async fn any_date_on_or_after_2023_01_01_resolves_to_it() {
    let emu = start_with_hooks().await;
    let token = emu.token().await;
    for accept in [
        "application/vnd.atlas.2023-01-01+json",
        "application/vnd.atlas.2023-01-02+json",
        "application/vnd.atlas.2024-02-29+json",
        "application/vnd.atlas.2025-03-12+json;charset=utf-8",
        // [unverified] A date after today resolves like any other.
        "application/vnd.atlas.2099-12-31+json",
        "APPLICATION/VND.ATLAS.2025-03-12+JSON",
        "application/json, application/vnd.atlas.2025-03-12+json",
    ] {
        let client = Client {
            emu: &emu,
            credential: Credential::Bearer(token.clone()),
            accept: Some(accept),
        };
        client
            .expect(
                Method::GET,
                &format!("{GROUPS}/{}", demo::SANDBOX_PROJECT_ID),
                None,
                StatusCode::OK,
            )
            .await;
    }
}

/// `Accept` values that resolve to no version: 406 on every operation, before any change.
const REFUSED: &[Option<&str>] = &[
    None,
    Some("application/json"),
    Some("*/*"),
    Some("application/vnd.atlas.2025-3-12+json"),
    Some("application/vnd.atlas.20250312+json"),
    Some("application/vnd.atlas.preview+json"),
    Some("application/vnd.atlas.2025-03-12+gzip"),
    Some("application/vnd.atlas.2023-02-30+json"),
    Some("application/vnd.atlas.2023-13-01+json"),
    Some("application/vnd.atlas.2022-12-31+json"),
];

#[tokio::test]
async fn missing_malformed_impossible_or_too_early_dates_are_406_on_every_operation() {
    let emu = start_with_hooks().await;
    let token = emu.token().await;
    let (_, before) = emu.hook_get("/_emulator/state").await;
    let sandbox = demo::SANDBOX_PROJECT_ID;
    let production = demo::PRODUCTION_PROJECT_ID;
    let create_group = json!({"name": "never-created", "orgId": demo::ORG_ID});
    let ops_genie = json!({"type": "OPS_GENIE", "apiKey": "00000000-0000-0000-0000-000000001234"});
    let pager_duty = json!({"type": "PAGER_DUTY", "region": "US"});
    let operations: Vec<(Method, String, Option<&Value>)> = vec![
        (Method::GET, GROUPS.into(), None),
        (Method::POST, GROUPS.into(), Some(&create_group)),
        (Method::GET, format!("{GROUPS}/{production}"), None),
        (
            Method::GET,
            format!("{GROUPS}/{production}/integrations"),
            None,
        ),
        (
            Method::GET,
            format!("{GROUPS}/{production}/integrations/PAGER_DUTY"),
            None,
        ),
        (
            Method::POST,
            format!("{GROUPS}/{sandbox}/integrations/OPS_GENIE"),
            Some(&ops_genie),
        ),
        (
            Method::PUT,
            format!("{GROUPS}/{production}/integrations/PAGER_DUTY"),
            Some(&pager_duty),
        ),
        (
            Method::DELETE,
            format!("{GROUPS}/{production}/integrations/PAGER_DUTY"),
            None,
        ),
    ];
    for accept in REFUSED {
        for (method, path, body) in &operations {
            let resp = emu
                .bearer_accept(*accept, &token, method.clone(), path, *body)
                .await;
            let label = format!("{method} {path} with Accept {accept:?}");
            assert_eq!(resp.status(), StatusCode::NOT_ACCEPTABLE, "{label}");
            let body = assert_api_error(resp, 406, "INVALID_VERSION_DATE").await;
            assert_eq!(body["detail"], "Invalid accept header or version date.");
        }
    }
    // Digest too (the version is checked after authentication either way).
    for accept in REFUSED {
        let resp = emu
            .digest_accept(
                *accept,
                (demo::API_PUBLIC_KEY, demo::API_PRIVATE_KEY),
                Method::GET,
                GROUPS,
                None,
            )
            .await;
        assert_api_error(resp, 406, "INVALID_VERSION_DATE").await;
    }
    let (_, after) = emu.hook_get("/_emulator/state").await;
    assert_eq!(before, after, "a refused request changed nothing");
}
