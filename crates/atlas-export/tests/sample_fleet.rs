//! A fixed sample fleet (all ten types over six projects, names with quotes, templates,
//! newlines, markup and other scripts, secrets masked and in clear) exported in the three
//! formats, one project at a time, into `target/tmp/atlas-export-sample/`. No secret may be
//! in any file. Then real parsers read them: `tests/export/check_export.py` (zipfile,
//! python-hcl2 against the provider's attribute table, PyYAML and jsonschema against the
//! operator's CRD) when `EXPORT_CHECK_PYTHON` names a Python that has those packages
//! (`target/tools/venv/bin/python`, from tests/spec/requirements.txt), and `unzip -t` when
//! there is one.
#![allow(clippy::unwrap_used)] // Tests: a panic is the failure report.

use std::path::{Path, PathBuf};
use std::process::Command;

use atlas_export::{Export, Format};
use atlas_registry::{Integration, IntegrationKind};
use serde_json::{json, Value};

fn integration(value: Value) -> Integration {
    Integration::from_json(&value).unwrap()
}

enum Sample {
    Read(&'static str, &'static str, Vec<Integration>),
    Unreadable(&'static str, &'static str, &'static str),
}

fn fleet() -> Vec<Sample> {
    use Sample::*;
    vec![
        Read(
            "6a79404f2c88faeba59beea6",
            "Payments (prod)",
            vec![
                integration(json!({"type": "PAGER_DUTY", "id": "6a794055c0eb9e7a1771aa01",
                    "serviceKey": "****************************0022", "region": "EU"})),
                integration(json!({"type": "SLACK", "apiToken": "****************************5b1c",
                    "channelName": "payments-alerts", "teamName": "Payments"})),
                integration(json!({"type": "DATADOG", "id": "6a794055c0eb9e7a1771aad2",
                    "apiKey": "****************************0000", "region": "US3",
                    "sendCollectionLatencyMetrics": true, "sendDatabaseMetrics": false,
                    "sendQueryStatsMetrics": true, "sendUserProvidedResourceTags": false})),
                integration(json!({"type": "NEW_RELIC",
                    "accountId": "00112233445566778899aabbccddeeff00112233",
                    "licenseKey": "bc3768f44193c282b2688ab39e00f8e4fc8d75ea",
                    "readToken": "NRRA-sample-read-token-0001",
                    "writeToken": "NRWA-sample-write-token-0002"})),
                integration(json!({"type": "OPS_GENIE",
                    "apiKey": "********************************3311", "region": "EU"})),
                integration(json!({"type": "VICTOR_OPS", "apiKey": "****************************6e2f",
                    "routingKey": "payments"})),
                integration(json!({"type": "WEBHOOK", "url": "https://example.com/****2101",
                    "secret": "**************************2101", "headersTemplate": "******",
                    "bodyTemplate": "******"})),
                integration(json!({"type": "HIP_CHAT"})),
                integration(json!({"type": "PROMETHEUS",
                    "username": "prom_user_6a79404f2c88faeba59beea6", "serviceDiscovery": "http",
                    "enabled": true, "sendUserProvidedResourceTagsEnabled": true})),
                integration(json!({"type": "MICROSOFT_TEAMS",
                    "microsoftTeamsWebhookUrl": "https://contoso.webhook.office.com/****a2b3"})),
            ],
        ),
        // Slugs like the first: the names get the project id's last six digits.
        Read(
            "6a79404f2c88faeba59bf001",
            "payments: PROD",
            vec![
                integration(json!({"type": "DATADOG", "apiKey": "****abcd", "region": "EU"})),
                integration(json!({"type": "PAGER_DUTY", "serviceKey": "****wxyz", "region": "US"})),
                integration(json!({"type": "VICTOR_OPS", "apiKey": "****1234"})),
                integration(json!({"type": "SLACK", "apiToken": "****9876", "channelName": "c"})),
            ],
        ),
        Read(
            "0123456789abcdef01234567",
            "Ops \"Blue\" ${var.token} %{ if x }\n<img src=x onerror=alert(1)>\u{2028}\u{202e}gnp.exe",
            vec![
                // As an Atlas that did not mask would return them.
                integration(json!({"type": "WEBHOOK",
                    "url": "https://hooks.example.net/services/T000/B000/clearpath-7",
                    "secret": "clear-webhook-secret-77"})),
                integration(json!({"type": "PROMETHEUS", "username": "prom\"user\n${x}",
                    "password": "clear-prometheus-password", "serviceDiscovery": "file",
                    "enabled": false})),
                integration(json!({"type": "VICTOR_OPS", "apiKey": "clear-victorops-key-88",
                    "routingKey": "route\"\n${a} %{b}: c #d\u{85}"})),
                integration(json!({"type": "SLACK", "apiToken": "xoxb-clear-slack-token",
                    "channelName": "#alerts \"x\" ${y}\n- z: 1", "teamName": "T: {a}"})),
                // Atlas's regions are an enum; the export must survive any text anyway.
                integration(json!({"type": "OPS_GENIE", "apiKey": "clear-opsgenie-key-99",
                    "region": "EU\" = 1\n${x} %{ y } $${z} \\ \u{85}\u{202e}"})),
            ],
        ),
        Read(
            "fedcba9876543210fedcba98",
            "本番 環境",
            vec![
                integration(json!({"type": "MICROSOFT_TEAMS",
                    "microsoftTeamsWebhookUrl": "https://contoso.webhook.office.com/webhookb2/clear-teams-url"})),
                integration(json!({"type": "NEW_RELIC",
                    "accountId": "ffeeddccbbaa99887766554433221100ffeeddcc",
                    "licenseKey": "0000000000000000000000000000000000000040",
                    "readToken": "NRRA-sample-read-token-0003",
                    "writeToken": "NRWA-sample-write-token-0004"})),
                integration(json!({"type": "HIP_CHAT"})),
            ],
        ),
        Read("aaaaaaaaaaaaaaaaaaaaaaaa", "Empty project", vec![]),
        Unreadable(
            "bbbbbbbbbbbbbbbbbbbbbbbb",
            "Locked",
            "Atlas answered 403: \"not in this project\"",
        ),
    ]
}

/// Every secret value of the sample, masked or clear.
fn secrets(fleet: &[Sample]) -> Vec<String> {
    let mut out = Vec::new();
    for sample in fleet {
        let Sample::Read(_, _, list) = sample else {
            continue;
        };
        for i in list {
            for field in i.kind.spec().fields.iter().filter(|f| f.is_secret()) {
                if let Some(text) = i.text(field.name) {
                    out.push(text.to_string());
                }
            }
        }
    }
    out
}

fn export(format: Format, fleet: &[Sample]) -> Vec<u8> {
    let mut export = Export::new(format);
    let mut out = export.begin();
    for sample in fleet {
        let chunk = match sample {
            Sample::Read(id, name, list) => export.project(id, name, list),
            Sample::Unreadable(id, name, reason) => export.unreadable(id, name, reason),
        };
        out.extend(chunk.unwrap());
    }
    out.extend(export.finish().unwrap());
    out
}

fn output_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("atlas-export-sample");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_sample_fleet_exports_without_secrets_and_real_parsers_accept_it() {
    let fleet = fleet();
    let kinds: std::collections::HashSet<IntegrationKind> = fleet
        .iter()
        .filter_map(|s| match s {
            Sample::Read(_, _, list) => Some(list.iter().map(|i| i.kind)),
            Sample::Unreadable(..) => None,
        })
        .flatten()
        .collect();
    assert_eq!(kinds.len(), 10, "the sample has every type");

    let dir = output_dir();
    let secrets = secrets(&fleet);
    for format in Format::ALL {
        let bytes = export(format, &fleet);
        // A stored zip holds its files' bytes as they are: searching the archive searches them.
        let text = String::from_utf8_lossy(&bytes);
        for secret in &secrets {
            assert!(
                !text.contains(secret.as_str()),
                "{format:?} holds {secret:?}"
            );
        }
        assert!(!text.contains("****"), "{format:?} holds a mask");
        std::fs::write(dir.join(format.file_name()), &bytes).unwrap();
    }
    println!("exports written to {}", dir.display());

    let zip = dir.join(Format::Terraform.file_name());
    match Command::new("unzip").arg("-t").arg(&zip).output() {
        Ok(out) => assert!(
            out.status.success(),
            "unzip -t: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => println!("unzip -t skipped: {e}"),
    }

    let Some(python) = std::env::var_os("EXPORT_CHECK_PYTHON").filter(|p| !p.is_empty()) else {
        println!(
            "check_export.py skipped: set EXPORT_CHECK_PYTHON to a python with \
             tests/spec/requirements.txt installed (target/tools/venv/bin/python)"
        );
        return;
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/export/check_export.py");
    let out = Command::new(&python)
        .arg(&script)
        .arg(&dir)
        .output()
        .unwrap_or_else(|e| panic!("{python:?}: {e}"));
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{report}");
    assert!(out.status.success(), "check_export.py failed:\n{report}");
}
