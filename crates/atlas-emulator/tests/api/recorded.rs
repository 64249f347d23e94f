//! Replays every exchange recorded from real Atlas (tests/fixtures/recorded, copied from
//! the Atlas CLI's end-to-end snapshots; see docs/atlas-facts.md) against the emulator over HTTP, and compares status, content
//! type, rate-limit headers, the set of fields, masking and the shape of the body.
//! Request bodies were not recorded: the secrets sent are chosen so that Atlas's masks
//! (length and last four) come out identical.

use std::collections::{BTreeMap, BTreeSet};

use crate::support::*;
use atlas_emulator::demo;
use reqwest::{Method, Response};
use serde_json::{json, Value};

struct Recorded {
    status: u16,
    headers: BTreeMap<String, String>,
    body: Option<Value>,
    raw_body: String,
}

fn recorded(name: &str) -> Recorded {
    let path = format!(
        "{}/../../tests/fixtures/recorded/{name}.snaphost",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let (head, body) = text.split_once("\n\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
        .collect();
    let raw_body = body.trim_end().to_string();
    Recorded {
        status,
        headers,
        body: serde_json::from_str(&raw_body).ok(),
        raw_body,
    }
}

/// Replaces ids and hosts so a recorded and an emulated body can be compared.
fn normalise(v: &Value, host: &str, group_id: &str) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| {
                    let x = if k == "id" && x.is_string() {
                        json!("<id>")
                    } else {
                        normalise(x, host, group_id)
                    };
                    (k.clone(), x)
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(|x| normalise(x, host, group_id)).collect()),
        Value::String(s) => Value::String(s.replace(host, "<host>").replace(group_id, "<group>")),
        other => other.clone(),
    }
}

async fn check(
    resp: Response,
    rec: &Recorded,
    our_group: &str,
    their_group: &str,
    base: &str,
) -> Value {
    assert_eq!(resp.status().as_u16(), rec.status, "status");
    let ours_ct = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string());
    assert_eq!(
        ours_ct.as_deref(),
        rec.headers.get("content-type").map(String::as_str),
        "content type"
    );
    for h in ["ratelimit-limit", "ratelimit-remaining", "x-error-code"] {
        assert_eq!(
            resp.headers().contains_key(h),
            rec.headers.contains_key(h),
            "presence of header {h}"
        );
    }
    if let Some(limit) = rec.headers.get("ratelimit-limit") {
        assert_eq!(resp.headers()["ratelimit-limit"].to_str().unwrap(), limit);
    }
    let text = resp.text().await.unwrap();
    match &rec.body {
        None => {
            assert_eq!(text, rec.raw_body, "body");
            Value::Null
        }
        Some(expected) => {
            let ours: Value = serde_json::from_str(&text).unwrap();
            let a = normalise(&ours, base, our_group);
            let b = normalise(expected, "http://localhost:8080", their_group);
            assert_eq!(a, b, "body\n ours: {ours}\n Atlas: {expected}");
            ours
        }
    }
}

const THEIR_GROUP: &str = "6a79404f2c88faeba59beea6";

#[tokio::test]
async fn integrations_flow_replays_like_atlas() {
    let emu = start_with_hooks().await;
    // POST /groups: the flow's project.
    let rec = recorded("TestIntegrations__POST_api_atlas_v2_groups_1");
    let resp = emu
        .owner(
            Method::POST,
            "/api/atlas/v2/groups",
            Some(&json!({"name": "integrations-e2e-216", "orgId": demo::ORG_ID})),
        )
        .await;
    assert_eq!(resp.status().as_u16(), rec.status);
    assert_eq!(resp.headers()["content-type"], rec.headers["content-type"]);
    assert_eq!(
        resp.headers()["location"].to_str().unwrap(),
        format!("{}//api/atlas/v1.0", emu.base)
    );
    let (_, group) = json_of(resp).await;
    let expected = rec.body.as_ref().unwrap();
    let keys = |v: &Value| {
        v.as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(keys(&group), keys(expected));
    let rels = |v: &Value| {
        v["links"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["rel"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(rels(&group), rels(expected));
    let gid = group["id"].as_str().unwrap().to_string();
    assert_eq!(group["orgId"], demo::ORG_ID);

    let creates = [
        (
            "DATADOG",
            json!({"type": "DATADOG", "apiKey": "0123456789abcdef0123456789ab0000", "region": "US"}),
        ),
        (
            "OPS_GENIE",
            json!({"type": "OPS_GENIE", "apiKey": "00000000-0000-0000-0000-000000003311", "region": "US"}),
        ),
        (
            "PAGER_DUTY",
            json!({"type": "PAGER_DUTY", "serviceKey": "0123456789abcdef0123456789ab0022"}),
        ),
        (
            "VICTOR_OPS",
            json!({"type": "VICTOR_OPS", "apiKey": "00000000-0000-0000-0000-000000001c11", "routingKey": "test"}),
        ),
        (
            "WEBHOOK",
            json!({"type": "WEBHOOK", "url": "https://example.com/abcd2101", "secret": "0123456789abcdefghijklmnop2101"}),
        ),
    ];
    for (kind, body) in &creates {
        let name = match *kind {
            "OPS_GENIE" => "OPSGENIE",
            k => k,
        };
        let rec = recorded(&format!(
            "TestIntegrations__Create_{name}__POST_api_atlas_v2_groups_{THEIR_GROUP}_integrations_{kind}_1"
        ));
        let path = format!("/api/atlas/v2/groups/{gid}/integrations/{kind}");
        let resp = emu.owner(Method::POST, &path, Some(body)).await;
        check(resp, &rec, &gid, THEIR_GROUP, &emu.base).await;
    }
    let rec = recorded(&format!(
        "TestIntegrations__List__GET_api_atlas_v2_groups_{THEIR_GROUP}_integrations_1"
    ));
    let resp = emu
        .owner(
            Method::GET,
            &format!("/api/atlas/v2/groups/{gid}/integrations"),
            None,
        )
        .await;
    check(resp, &rec, &gid, THEIR_GROUP, &emu.base).await;

    let rec = recorded(&format!(
        "TestIntegrations__Describe__GET_api_atlas_v2_groups_{THEIR_GROUP}_integrations_WEBHOOK_1"
    ));
    let resp = emu
        .owner(
            Method::GET,
            &format!("/api/atlas/v2/groups/{gid}/integrations/WEBHOOK"),
            None,
        )
        .await;
    check(resp, &rec, &gid, THEIR_GROUP, &emu.base).await;

    // What "Atlas" stored is the secret in clear, not the mask.
    let (_, stored) = emu
        .hook_get(&format!(
            "/_emulator/state/groups/{gid}/integrations/WEBHOOK"
        ))
        .await;
    assert_eq!(stored["secret"], "0123456789abcdefghijklmnop2101");
    assert_eq!(stored["url"], "https://example.com/abcd2101");

    let rec = recorded(&format!(
        "TestIntegrations__Delete__DELETE_api_atlas_v2_groups_{THEIR_GROUP}_integrations_WEBHOOK_1"
    ));
    let resp = emu
        .owner(
            Method::DELETE,
            &format!("/api/atlas/v2/groups/{gid}/integrations/WEBHOOK"),
            None,
        )
        .await;
    check(resp, &rec, &gid, THEIR_GROUP, &emu.base).await;
    let (status, _) = emu
        .hook_get(&format!(
            "/_emulator/state/groups/{gid}/integrations/WEBHOOK"
        ))
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn project_list_has_atlas_shape() {
    let emu = start_with_hooks().await;
    let rec = recorded("TestAtlasProjects__List__GET_api_atlas_v2_groups_1");
    let resp = emu.owner(Method::GET, "/api/atlas/v2/groups", None).await;
    assert_eq!(resp.status().as_u16(), rec.status);
    assert_eq!(resp.headers()["content-type"], rec.headers["content-type"]);
    assert_eq!(resp.headers()["ratelimit-limit"], "1200");
    assert!(resp.headers().contains_key("ratelimit-remaining"));
    let (_, ours) = json_of(resp).await;
    let theirs = rec.body.unwrap();
    let keys = |v: &Value| {
        v.as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(keys(&ours), keys(&theirs));
    assert_eq!(keys(&ours["results"][0]), keys(&theirs["results"][0]));
    assert_eq!(ours["totalCount"], demo::PROJECTS.len());
    assert_eq!(
        ours["links"],
        json!([{"href": format!("{}/api/atlas/v2/groups?includeCount=true&pageNum=1&itemsPerPage=100", emu.base), "rel": "self"}])
    );
    let first = &ours["results"][0];
    assert_eq!(
        first["links"][0]["href"],
        format!(
            "{}/api/atlas/v2/groups/{}",
            emu.base,
            first["id"].as_str().unwrap()
        )
    );
    // Every project: the recorded fields with the recorded JSON types (clusterCount a
    // number, tags an array, …), as the spec's required Group fields demand.
    for group in ours["results"].as_array().unwrap() {
        assert_eq!(kinds(group), kinds(&theirs["results"][0]), "{group}");
    }
    // Sorted by name in byte order, as recorded.
    let names: Vec<_> = ours["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap().to_string())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
}

/// Each field's JSON type: `{"clusterCount": "number", "name": "string", …}`.
fn kinds(v: &Value) -> BTreeMap<String, &'static str> {
    v.as_object()
        .unwrap()
        .iter()
        .map(|(k, x)| {
            let kind = match x {
                Value::Null => "null",
                Value::Bool(_) => "boolean",
                Value::Number(n) if n.is_u64() => "non-negative integer",
                Value::Number(_) => "number",
                Value::String(_) => "string",
                Value::Array(_) => "array",
                Value::Object(_) => "object",
            };
            (k.clone(), kind)
        })
        .collect()
}

#[tokio::test]
async fn one_project_has_the_recorded_group_shape() {
    let emu = start_with_hooks().await;
    let rec = recorded("TestAtlasProjects__List__GET_api_atlas_v2_groups_1");
    let theirs = &rec.body.as_ref().unwrap()["results"][0];
    let path = format!("/api/atlas/v2/groups/{}", demo::PRODUCTION_PROJECT_ID);
    let resp = emu.owner(Method::GET, &path, None).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], rec.headers["content-type"]);
    let (_, ours) = json_of(resp).await;
    assert_eq!(kinds(&ours), kinds(theirs));
    // The demo's fixed count (demo data: Production has three clusters).
    assert_eq!(ours["clusterCount"], 3);
    assert_eq!(ours["orgId"], demo::ORG_ID);
    assert_eq!(ours["withDefaultAlertsSettings"], true);
    assert_eq!(ours["tags"], json!([{"key": "env", "value": "prod"}]));
}

#[tokio::test]
async fn unknown_project_challenge_then_group_not_found() {
    let emu = start_with_hooks().await;
    let path = "/api/atlas/v2/groups/111111111111111111111111/databaseUsers";
    let first = recorded(
        "TestSetupFailureFlow__Invalid_Project_ID__POST_api_atlas_v2_groups_111111111111111111111111_databaseUsers_1",
    );
    let resp = emu.anonymous(Method::POST, path).await;
    assert_eq!(resp.status().as_u16(), first.status);
    assert_eq!(
        resp.headers()["content-type"],
        first.headers["content-type"]
    );
    assert!(!resp.headers().contains_key("x-error-code"));
    let ours = resp.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_string();
    let theirs = &first.headers["www-authenticate"];
    let (p_ours, p_theirs) = (challenge_params(&ours), challenge_params(theirs));
    assert_eq!(
        p_ours.keys().collect::<BTreeSet<_>>(),
        p_theirs.keys().collect::<BTreeSet<_>>()
    );
    for k in ["realm", "domain", "algorithm", "qop", "stale"] {
        assert_eq!(p_ours[k], p_theirs[k], "{k}");
    }
    assert_eq!(p_ours["nonce"].len(), p_theirs["nonce"].len());
    assert_eq!(resp.text().await.unwrap(), first.raw_body);

    let second = recorded(
        "TestSetupFailureFlow__Invalid_Project_ID__POST_api_atlas_v2_groups_111111111111111111111111_databaseUsers_2",
    );
    let resp = emu.owner(Method::POST, path, Some(&json!({}))).await;
    assert_eq!(resp.status().as_u16(), second.status);
    assert_eq!(
        resp.headers()["content-type"],
        second.headers["content-type"]
    );
    assert_eq!(
        resp.headers()["x-error-code"].to_str().unwrap(),
        second.headers["x-error-code"]
    );
    let (_, body) = json_of(resp).await;
    assert_eq!(body, second.body.unwrap());
}
