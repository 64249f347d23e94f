//! Pagination, links, includeCount, envelope and pretty, over 1,000 generated projects.

use crate::support::*;
use atlas_emulator::{demo, EmulatorOptions};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn rels(body: &Value) -> Vec<String> {
    body["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["rel"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn pages_through_a_thousand_generated_projects() {
    let emu = start(EmulatorOptions {
        test_hooks: true,
        projects: 1000,
        ..Default::default()
    })
    .await;
    let token = emu.token().await;
    let total = 1000 + demo::PROJECTS.len();
    let mut seen = std::collections::BTreeSet::new();
    for page in 1..=3 {
        let url = format!("/api/atlas/v2/groups?itemsPerPage=500&pageNum={page}");
        let (status, body) = json_of(emu.bearer(&token, Method::GET, &url, None).await).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["totalCount"], total);
        let results = body["results"].as_array().unwrap();
        assert_eq!(results.len(), if page < 3 { 500 } else { total - 1000 });
        for g in results {
            assert!(seen.insert(g["id"].as_str().unwrap().to_string()));
        }
        let expected: Vec<&str> = match page {
            1 => vec!["self", "next"],
            2 => vec!["previous", "self", "next"],
            _ => vec!["previous", "self"],
        };
        assert_eq!(rels(&body), expected);
        let self_link = body["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["rel"] == "self")
            .unwrap();
        assert_eq!(
            self_link["href"],
            format!(
                "{}/api/atlas/v2/groups?includeCount=true&pageNum={page}&itemsPerPage=500",
                emu.base
            )
        );
    }
    assert_eq!(seen.len(), total);
    // Past the end: empty page, still counted.
    let (_, body) = json_of(
        emu.bearer(
            &token,
            Method::GET,
            "/api/atlas/v2/groups?itemsPerPage=500&pageNum=9",
            None,
        )
        .await,
    )
    .await;
    assert_eq!(body["results"], json!([]));
    assert_eq!(body["totalCount"], total);
    // Generated projects carry integrations and belong to the owner key too.
    let (_, list) = json_of(
        emu.owner(
            Method::GET,
            "/api/atlas/v2/groups/6a0000000000000000000000/integrations",
            None,
        )
        .await,
    )
    .await;
    assert_eq!(list["totalCount"], 3);
}

#[tokio::test]
async fn include_count_envelope_and_pretty() {
    let emu = start_with_hooks().await;
    let token = emu.token().await;
    let base = format!(
        "/api/atlas/v2/groups/{}/integrations",
        demo::PRODUCTION_PROJECT_ID
    );
    let (_, body) = json_of(
        emu.bearer(
            &token,
            Method::GET,
            &format!("{base}?includeCount=false"),
            None,
        )
        .await,
    )
    .await;
    assert!(body.get("totalCount").is_none());
    assert_eq!(body["results"].as_array().unwrap().len(), 3);
    let (_, body) = json_of(
        emu.bearer(
            &token,
            Method::GET,
            &format!("{base}?itemsPerPage=2&pageNum=2"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(body["results"].as_array().unwrap().len(), 1);
    assert_eq!(body["results"][0]["type"], "WEBHOOK");
    let (_, body) = json_of(
        emu.bearer(&token, Method::GET, &format!("{base}?envelope=true"), None)
            .await,
    )
    .await;
    assert_eq!(body["status"], 200);
    let (_, body) = json_of(
        emu.bearer(
            &token,
            Method::GET,
            &format!("{base}/WEBHOOK?envelope=true"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(body["status"], 200);
    assert_eq!(body["content"]["type"], "WEBHOOK");
    let text = emu
        .bearer(&token, Method::GET, &format!("{base}?pretty=true"), None)
        .await
        .text()
        .await
        .unwrap();
    assert!(text.contains("\n  \"links\""), "{text}");
    let compact = emu
        .bearer(&token, Method::GET, &base, None)
        .await
        .text()
        .await
        .unwrap();
    assert!(!compact.contains('\n'));
    for bad in [
        "itemsPerPage=0",
        "itemsPerPage=501",
        "pageNum=0",
        "includeCount=maybe",
        "pageNum=x",
    ] {
        let resp = emu
            .bearer(&token, Method::GET, &format!("{base}?{bad}"), None)
            .await;
        assert_api_error(resp, 400, "INVALID_QUERY_PARAMETER").await;
    }
}
