//! The exports as a whole: no secret in any of them, unique and legal names, escaping,
//! the types a format leaves out, a stable order, and the streaming contract.
//! `tests/sample_fleet.rs` runs real parsers (python-hcl2, PyYAML + the CRD, zipfile) on them.

use std::collections::HashSet;

use atlas_registry::{Integration, IntegrationKind};
use serde_json::{json, Value};

use super::*;

const ID_A: &str = "6a79404f2c88faeba59beea6";
const ID_B: &str = "6a79404f2c88faeba59bf001";
const ID_C: &str = "0123456789abcdef01234567";
const ID_D: &str = "fedcba9876543210fedcba98";

fn integration(value: Value) -> Integration {
    Integration::from_json(&value).unwrap()
}

/// All ten types, secrets masked as Atlas masks them.
fn every_type_masked() -> Vec<Integration> {
    vec![
        integration(
            json!({"type": "PAGER_DUTY", "id": "6a794055c0eb9e7a1771aa01",
            "serviceKey": "****************************0022", "region": "EU"}),
        ),
        integration(
            json!({"type": "SLACK", "apiToken": "****************************abcd",
            "channelName": "alerts", "teamName": "Ops"}),
        ),
        integration(
            json!({"type": "DATADOG", "apiKey": "****************************0000",
            "region": "US", "sendDatabaseMetrics": true}),
        ),
        integration(json!({"type": "NEW_RELIC",
            "accountId": "00112233445566778899aabbccddeeff00112233",
            "licenseKey": "bc3768f44193c282b2688ab39e00f8e4fc8d75ea",
            "readToken": "NRRA-clear-read-token-7d1e", "writeToken": "NRWA-clear-write-token-93fa"})),
        integration(json!({"type": "OPS_GENIE", "apiKey": "********************************3311"})),
        integration(json!({"type": "VICTOR_OPS", "apiKey": "****wxyz", "routingKey": "ops-team"})),
        integration(
            json!({"type": "WEBHOOK", "url": "https://example.com/****2101",
            "secret": "**************************2101", "headersTemplate": "******"}),
        ),
        integration(json!({"type": "HIP_CHAT"})),
        integration(
            json!({"type": "PROMETHEUS", "username": "prom_user_6a79404f2c88faeba59beea6",
            "serviceDiscovery": "http", "enabled": true, "sendUserProvidedResourceTagsEnabled": true}),
        ),
        integration(json!({"type": "MICROSOFT_TEAMS",
            "microsoftTeamsWebhookUrl": "https://contoso.webhook.office.com/****a2b3"})),
    ]
}

/// Secrets in clear, as an Atlas that did not mask them would return them.
fn clear_secrets() -> Vec<Integration> {
    vec![
        integration(json!({"type": "PAGER_DUTY", "serviceKey": "pd-clear-service-key-5150"})),
        integration(
            json!({"type": "DATADOG", "apiKey": "0123456789abcdef0123456789abcdef",
            "region": "EU"}),
        ),
        integration(json!({"type": "VICTOR_OPS", "apiKey": "vo-clear-api-key-8008"})),
        integration(json!({"type": "WEBHOOK",
            "url": "https://hooks.example.net/services/T000/B000/clearpath",
            "secret": "wh-clear-secret-4242", "bodyTemplate": "{\"alert\": \"${eventType}\"}"})),
        integration(
            json!({"type": "PROMETHEUS", "username": "prom", "password": "pw-clear-1234",
            "serviceDiscovery": "file", "enabled": false}),
        ),
        integration(json!({"type": "MICROSOFT_TEAMS",
            "microsoftTeamsWebhookUrl": "https://contoso.webhook.office.com/webhookb2/clear-teams"})),
        integration(
            json!({"type": "SLACK", "apiToken": "xoxb-clear-slack-token",
            "channelName": "c"}),
        ),
    ]
}

const NASTY: &str = "Evil \"prod\" ${var.x} %{if true}\nresource \"x\" \"y\" {}\n---\nkind: Pod \
                     <img src=x onerror=alert(1)>\u{2028}\u{202e}txt";

struct Fleet {
    projects: Vec<(&'static str, &'static str, Vec<Integration>)>,
}

impl Fleet {
    fn new() -> Fleet {
        Fleet {
            projects: vec![
                (ID_A, "Prod Shop", every_type_masked()),
                (ID_B, "prod  shop!", clear_secrets()),
                (
                    ID_C,
                    NASTY,
                    vec![integration(
                        json!({"type": "OPS_GENIE", "apiKey": "****9999",
                        "region": "US\"\n  injected = true\n# ${x}"}),
                    )],
                ),
                (ID_D, "Empty", vec![]),
            ],
        }
    }

    fn export(&self, format: Format) -> Vec<u8> {
        export_all(
            format,
            self.projects
                .iter()
                .map(|(id, name, list)| (*id, *name, list.as_slice())),
        )
        .unwrap()
    }

    /// Every secret value given, masked or clear.
    fn secrets(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (_, _, list) in &self.projects {
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
}

/// The Terraform zip's files, checked on the way.
fn terraform_files(zip: &[u8]) -> Vec<(String, String)> {
    zip::read_back(zip)
        .into_iter()
        .map(|(name, data)| (name, String::from_utf8(data).unwrap()))
        .collect()
}

fn terraform_file(zip: &[u8], name: &str) -> String {
    terraform_files(zip)
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, text)| text)
        .unwrap()
}

/// The text of every export, the zip's files separately.
fn all_texts(fleet: &Fleet) -> Vec<(String, String)> {
    let mut texts = terraform_files(&fleet.export(Format::Terraform));
    texts.push((
        "k8s".into(),
        String::from_utf8(fleet.export(Format::Kubernetes)).unwrap(),
    ));
    texts.push((
        "json".into(),
        String::from_utf8(fleet.export(Format::Json)).unwrap(),
    ));
    texts
}

#[test]
fn no_secret_masked_or_clear_is_in_any_export() {
    let fleet = Fleet::new();
    let secrets = fleet.secrets();
    assert!(secrets.len() > 20, "{}", secrets.len());
    for (file, text) in all_texts(&fleet) {
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "{file} holds {secret:?}");
        }
        assert!(!text.contains("****"), "{file} holds a mask");
    }
    // The raw bytes as well: a stored zip holds its files as they are.
    let zip = String::from_utf8_lossy(&fleet.export(Format::Terraform)).into_owned();
    assert!(secrets.iter().all(|s| !zip.contains(s.as_str())));
}

#[test]
fn json_shows_secrets_only_as_the_registrys_hint_or_set() {
    let fleet = Fleet::new();
    let doc: Value = serde_json::from_slice(&fleet.export(Format::Json)).unwrap();
    let projects = doc["projects"].as_array().unwrap();
    assert_eq!(projects.len(), 4);
    let a = &projects[0];
    assert_eq!(a["id"], ID_A);
    assert_eq!(a["name"], "Prod Shop");
    let of = |p: &Value, kind: &str| {
        p["integrations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["type"] == kind)
            .cloned()
            .unwrap()
    };
    let pd = of(a, "PAGER_DUTY");
    assert_eq!(pd["id"], "6a794055c0eb9e7a1771aa01");
    assert_eq!(pd["values"], json!({"region": "EU"}));
    assert_eq!(pd["secrets"], json!({"serviceKey": "••••0022"}));
    assert_eq!(
        of(a, "WEBHOOK")["secrets"],
        json!({"url": "https://example.com/••••2101", "secret": "••••2101", "headersTemplate": "set"})
    );
    assert_eq!(
        of(a, "NEW_RELIC")["secrets"],
        json!({"licenseKey": "set", "readToken": "set", "writeToken": "set"})
    );
    assert_eq!(
        of(a, "NEW_RELIC")["values"]["accountId"],
        "00112233445566778899aabbccddeeff00112233"
    );
    let prometheus = of(a, "PROMETHEUS");
    assert_eq!(
        prometheus["values"],
        json!({"username": "prom_user_6a79404f2c88faeba59beea6", "serviceDiscovery": "http",
            "enabled": true, "sendUserProvidedResourceTagsEnabled": true})
    );
    assert_eq!(prometheus["secrets"], json!({}));
    assert_eq!(of(a, "HIP_CHAT")["values"], json!({}));
    // Clear secrets are "set", whatever their shape.
    let b = &projects[1];
    assert_eq!(
        of(b, "WEBHOOK")["secrets"],
        json!({"url": "set", "secret": "set", "bodyTemplate": "set"})
    );
    assert_eq!(of(b, "PROMETHEUS")["secrets"], json!({"password": "set"}));
    assert_eq!(projects[2]["name"], NASTY);
    assert_eq!(
        of(&projects[2], "OPS_GENIE")["values"]["region"],
        "US\"\n  injected = true\n# ${x}"
    );
    assert_eq!(projects[3]["integrations"], json!([]));
}

fn resource_names(main_tf: &str) -> Vec<String> {
    main_tf
        .lines()
        .filter_map(|l| l.strip_prefix("resource \"mongodbatlas_third_party_integration\" \""))
        .map(|rest| rest.trim_end_matches("\" {").to_string())
        .collect()
}

fn variable_names(variables_tf: &str) -> Vec<String> {
    variables_tf
        .lines()
        .filter_map(|l| l.strip_prefix("variable \""))
        .map(|rest| rest.trim_end_matches("\" {").to_string())
        .collect()
}

/// `(kind, name)` of every manifest.
fn manifest_names(yaml: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = yaml.lines().collect();
    let mut out = Vec::new();
    let mut kind = String::new();
    for (i, line) in lines.iter().enumerate() {
        if let Some(k) = line.strip_prefix("kind: ") {
            kind = k.to_string();
        }
        if *line == "metadata:" {
            let name = lines[i + 1].strip_prefix("  name: ").unwrap();
            out.push((kind.clone(), name.to_string()));
        }
    }
    out
}

fn is_hcl_identifier(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn is_dns_label(name: &str) -> bool {
    (1..=63).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

#[test]
fn names_are_readable_unique_and_legal() {
    let same = || {
        vec![integration(
            json!({"type": "DATADOG", "apiKey": "****0000"}),
        )]
    };
    let names = [
        "Prod",
        "prod",
        "PROD!",
        "本番",
        "2024 launch",
        "",
        "-",
        "Prod",
    ];
    let ids: Vec<String> = (0..names.len())
        .map(|i| format!("6a79404f2c88faeba59be{i:03x}"))
        .collect();
    let lists: Vec<Vec<Integration>> = names.iter().map(|_| same()).collect();
    let projects = || {
        ids.iter()
            .zip(names)
            .zip(&lists)
            .map(|((id, name), list)| (id.as_str(), name, list.as_slice()))
    };
    let zip = export_all(Format::Terraform, projects()).unwrap();
    let resources = resource_names(&terraform_file(&zip, "main.tf"));
    assert_eq!(
        resources,
        [
            "prod_datadog",
            "prod_9be001_datadog",
            "prod_9be002_datadog",
            "project_9be003_datadog",
            "project_2024_launch_datadog",
            "project_9be005_datadog",
            "project_9be006_datadog",
            "prod_9be007_datadog",
        ]
    );
    let variables = variable_names(&terraform_file(&zip, "variables.tf"));
    assert_eq!(variables.len(), 8);
    for list in [&resources, &variables] {
        assert_eq!(list.iter().collect::<HashSet<_>>().len(), list.len());
        assert!(list.iter().all(|n| is_hcl_identifier(n)), "{list:?}");
    }

    let yaml = String::from_utf8(export_all(Format::Kubernetes, projects()).unwrap()).unwrap();
    let manifests = manifest_names(&yaml);
    assert_eq!(manifests.len(), 1 + 2 * names.len());
    assert_eq!(
        manifests.iter().collect::<HashSet<_>>().len(),
        manifests.len()
    );
    assert!(
        manifests.iter().all(|(_, n)| is_dns_label(n)),
        "{manifests:?}"
    );
    assert_eq!(
        manifests[1..3],
        [
            ("Secret".to_string(), "prod-datadog-credentials".to_string()),
            (
                "AtlasThirdPartyIntegration".to_string(),
                "prod-datadog".to_string()
            ),
        ]
    );
}

#[test]
fn a_fleet_of_every_type_gets_unique_names_in_both_formats() {
    let fleet = Fleet::new();
    let zip = fleet.export(Format::Terraform);
    let resources = resource_names(&terraform_file(&zip, "main.tf"));
    // Seven types of the provider in project A, six in B (no Slack), one in C.
    assert_eq!(resources.len(), 7 + 6 + 1);
    assert_eq!(
        resources.iter().collect::<HashSet<_>>().len(),
        resources.len()
    );
    assert!(resources.contains(&"prod_shop_pager_duty".to_string()));
    assert!(resources.contains(&"prod_shop_9bf001_pager_duty".to_string()));
    assert!(resources.contains(&"evil_prod_var_x_if_true_resource_x_y_ops_genie".to_string()));
    let yaml = String::from_utf8(fleet.export(Format::Kubernetes)).unwrap();
    let manifests = manifest_names(&yaml);
    // The connection Secret, then a Secret and a resource per integration the CRD knows.
    assert_eq!(manifests.len(), 1 + 2 * (9 + 7 + 1));
    assert_eq!(
        manifests.iter().collect::<HashSet<_>>().len(),
        manifests.len()
    );
    assert!(
        manifests.iter().all(|(_, n)| is_dns_label(n)),
        "{manifests:?}"
    );
}

#[test]
fn nasty_names_and_values_stay_inside_their_comment_or_string() {
    let fleet = Fleet::new();
    let zip = fleet.export(Format::Terraform);
    let main_tf = terraform_file(&zip, "main.tf");
    let yaml = String::from_utf8(fleet.export(Format::Kubernetes)).unwrap();
    for text in [&main_tf, &yaml] {
        for line in text.lines() {
            assert!(!line.starts_with("resource \"x\""), "{line}");
            assert!(!line.starts_with("kind: Pod"), "{line}");
            assert!(!line.trim_start().starts_with("injected"), "{line}");
            assert!(!line.contains(['\u{2028}', '\u{202e}']), "{line}");
        }
    }
    let heading = "# Project \"Evil \\\"prod\\\" ${var.x} %{if true}\\nresource \\\"x\\\" \\\"y\\\" {}\\n---\\nkind: Pod <img src=x onerror=alert(1)>\\u2028\\u202Etxt\" (0123456789abcdef01234567)";
    assert!(main_tf.contains(heading), "{main_tf}");
    assert!(yaml.contains(heading), "{yaml}");
    // A plain value in an HCL string: quote, newline and template escaped.
    assert!(main_tf.contains("  region     = \"US\\\"\\n  injected = true\\n# $${x}\"\n"));
    // In a YAML double-quoted scalar: no template escape there.
    assert!(yaml.contains("    region: \"US\\\"\\n  injected = true\\n# ${x}\"\n"));
}

#[test]
fn types_a_format_cannot_express_are_listed_with_their_reason() {
    let fleet = Fleet::new();
    let main_tf = terraform_file(&fleet.export(Format::Terraform), "main.tf");
    // In the file's heading, and in the section of each project that has one: Slack in A
    // and B, the other two in A.
    for (kind, times) in [
        (IntegrationKind::Slack, 3),
        (IntegrationKind::NewRelic, 2),
        (IntegrationKind::HipChat, 2),
    ] {
        let reason = Format::Terraform.not_exported_reason(kind).unwrap();
        let line = format!("# - {kind}: {reason}.");
        assert_eq!(main_tf.matches(&line).count(), times, "{line}");
        assert!(!main_tf.contains(&format!("= \"{kind}\"\n")));
    }
    let section_a = main_tf.split("# Project ").nth(1).unwrap();
    assert!(section_a.starts_with("\"Prod Shop\""));
    assert!(section_a.contains("# Not exported:\n# - SLACK: "));
    // Project B has a Slack integration and no New Relic one.
    let section_b = main_tf.split("# Project ").nth(2).unwrap();
    assert!(section_b.contains("# - SLACK: ") && !section_b.contains("# - NEW_RELIC: "));
    assert!(Format::Terraform
        .not_exported_reason(IntegrationKind::Datadog)
        .is_none());

    let yaml = String::from_utf8(fleet.export(Format::Kubernetes)).unwrap();
    let reason = Format::Kubernetes
        .not_exported_reason(IntegrationKind::HipChat)
        .unwrap();
    assert_eq!(yaml.matches(&format!("# - HIP_CHAT: {reason}.")).count(), 2);
    for kind in ["SLACK", "NEW_RELIC"] {
        assert!(yaml.contains(&format!("  type: {kind}\n")), "{kind}");
    }
    assert!(!yaml.contains("type: HIP_CHAT"));
    assert!(IntegrationKind::ALL
        .iter()
        .all(|k| Format::Json.not_exported_reason(*k).is_none()));
}

#[test]
fn the_order_is_stable_whatever_order_atlas_lists_them_in() {
    let fleet = Fleet::new();
    let mut shuffled = Fleet::new();
    for (_, _, list) in &mut shuffled.projects {
        list.reverse();
        let third = list.len() / 3;
        list.rotate_left(third);
    }
    for format in Format::ALL {
        let once = fleet.export(format);
        assert_eq!(once, fleet.export(format), "{format:?}");
        assert_eq!(once, shuffled.export(format), "{format:?}");
    }
    let main_tf = terraform_file(&fleet.export(Format::Terraform), "main.tf");
    let types: Vec<&str> = main_tf
        .lines()
        .filter(|l| l.starts_with("  type "))
        .filter_map(|l| l.split('"').nth(1))
        .take(7)
        .collect();
    assert_eq!(
        types,
        [
            "PAGER_DUTY",
            "DATADOG",
            "OPS_GENIE",
            "VICTOR_OPS",
            "WEBHOOK",
            "PROMETHEUS",
            "MICROSOFT_TEAMS"
        ]
    );
}

#[test]
fn chunks_follow_each_other_into_the_whole_export() {
    let fleet = Fleet::new();
    for format in Format::ALL {
        let mut export = Export::new(format);
        assert_eq!(export.format(), format);
        let mut streamed = export.begin();
        assert!(export.begin().is_empty());
        for (id, name, list) in &fleet.projects {
            let chunk = export.project(id, name, list).unwrap();
            assert!(!chunk.is_empty());
            streamed.extend(chunk);
        }
        streamed.extend(export.finish().unwrap());
        assert_eq!(streamed, fleet.export(format), "{format:?}");
        assert_eq!(export.finish(), Ok(Vec::new()));
        assert_eq!(
            export.project(ID_A, "again", &[]),
            Err(ExportError::Finished)
        );
    }
    // Without `begin`, the first project begins the export; without projects, `finish`
    // writes an empty one.
    let mut export = Export::new(Format::Json);
    let mut out = export.project(ID_A, "a", &[]).unwrap();
    out.extend(export.finish().unwrap());
    let doc: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(doc["projects"][0]["id"], ID_A);
    let empty = Export::new(Format::Json).finish().unwrap();
    assert_eq!(
        serde_json::from_slice::<Value>(&empty).unwrap(),
        json!({"projects": []})
    );
    let zip = Export::new(Format::Terraform).finish().unwrap();
    let files: Vec<String> = terraform_files(&zip).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        files,
        ["README.md", ".gitignore", "main.tf", "variables.tf"]
    );
}

#[test]
fn a_project_that_cannot_be_exported_writes_nothing() {
    let pd = || integration(json!({"type": "PAGER_DUTY", "serviceKey": "****0001"}));
    for format in Format::ALL {
        let mut export = Export::new(format);
        let begun = export.begin();
        assert_eq!(
            export.project("6A79404F2C88FAEBA59BEEA6", "upper", &[]),
            Err(ExportError::NotAGroupId("6A79404F2C88FAEBA59BEEA6".into()))
        );
        assert_eq!(
            export.project(ID_A, "twice", &[pd(), pd()]),
            Err(ExportError::TypeTwice {
                group_id: ID_A.into(),
                kind: IntegrationKind::PagerDuty
            })
        );
        let first = export.project(ID_A, "once", &[pd()]).unwrap();
        assert_eq!(
            export.project(ID_A, "once more", &[pd()]),
            Err(ExportError::ProjectTwice(ID_A.into()))
        );
        assert_eq!(
            export.unreadable(ID_A, "once more", "?"),
            Err(ExportError::ProjectTwice(ID_A.into()))
        );
        let mut whole = begun;
        whole.extend(first);
        whole.extend(export.finish().unwrap());
        let list = [pd()];
        let expected = export_all(format, [(ID_A, "once", &list[..])]);
        assert_eq!(Ok(whole), expected, "{format:?}");
    }
    assert_eq!(
        ExportError::TypeTwice {
            group_id: ID_A.into(),
            kind: IntegrationKind::Slack
        }
        .to_string(),
        format!("project {ID_A} has two SLACK integrations")
    );
}

#[test]
fn an_unreadable_project_is_named_with_the_reason() {
    for format in Format::ALL {
        let mut export = Export::new(format);
        let mut out = export.begin();
        out.extend(
            export
                .unreadable(ID_B, "Locked \"x\"", "Atlas refused: 403\nnot yours")
                .unwrap(),
        );
        out.extend(export.finish().unwrap());
        let text = match format {
            Format::Terraform => terraform_file(&out, "main.tf"),
            _ => String::from_utf8(out).unwrap(),
        };
        match format {
            Format::Json => {
                let doc: Value = serde_json::from_str(&text).unwrap();
                assert_eq!(
                    doc["projects"][0],
                    json!({"id": ID_B, "name": "Locked \"x\"", "error": "Atlas refused: 403\nnot yours"})
                );
            }
            _ => assert!(text.contains(
                "# Project \"Locked \\\"x\\\"\" (6a79404f2c88faeba59bf001)\n# Not exported: its \
                 integrations could not be read: \"Atlas refused: 403\\nnot yours\"\n"
            )),
        }
    }
}

#[test]
fn terraform_resources_carry_plain_settings_and_variables_for_secrets() {
    let fleet = Fleet::new();
    let zip = fleet.export(Format::Terraform);
    let main_tf = terraform_file(&zip, "main.tf");
    let block = |name: &str| {
        let start = main_tf
            .find(&format!(
                "\"mongodbatlas_third_party_integration\" \"{name}\" {{"
            ))
            .unwrap();
        let end = start + main_tf[start..].find("\n}\n").unwrap();
        main_tf[start..end].to_string()
    };
    assert_eq!(
        block("prod_shop_datadog"),
        "\"mongodbatlas_third_party_integration\" \"prod_shop_datadog\" {\n  \
         project_id                       = \"6a79404f2c88faeba59beea6\"\n  \
         type                             = \"DATADOG\"\n  \
         api_key                          = var.prod_shop_datadog_api_key\n  \
         region                           = \"US\"\n  \
         send_collection_latency_metrics  = false\n  \
         send_database_metrics            = true\n  \
         send_user_provided_resource_tags = false\n  \
         send_query_stats_metrics         = false"
    );
    assert!(main_tf.contains(
        "import {\n  to = mongodbatlas_third_party_integration.prod_shop_datadog\n  \
         id = \"6a79404f2c88faeba59beea6-DATADOG\"\n}\n"
    ));
    // Write-only: a variable although Atlas returned nothing. Sensitive to the provider:
    // variables although Atlas returns them in clear.
    let prometheus = block("prod_shop_prometheus");
    for line in [
        "user_name         = var.prod_shop_prometheus_user_name",
        "password          = var.prod_shop_prometheus_password",
        "service_discovery = var.prod_shop_prometheus_service_discovery",
        "enabled           = true",
        "# Set in Atlas, no attribute in the provider (left as Atlas has it): \
         sendUserProvidedResourceTagsEnabled.",
    ] {
        assert!(prometheus.contains(line), "{line}\n{prometheus}");
    }
    assert!(block("prod_shop_victor_ops")
        .contains("routing_key = var.prod_shop_victor_ops_routing_key"));
    assert!(!block("prod_shop_9bf001_victor_ops").contains("routing_key"));
    assert!(block("prod_shop_webhook").contains("secret     = var.prod_shop_webhook_secret"));
    assert!(block("prod_shop_webhook").contains("url        = var.prod_shop_webhook_url"));
    assert!(block("prod_shop_ops_genie").ends_with(
        "api_key    = var.prod_shop_ops_genie_api_key\n  \
         region     = \"US\" # Atlas's default; Atlas returned none"
    ));

    // Every variable used is declared once, sensitive, without a value.
    let variables_tf = terraform_file(&zip, "variables.tf");
    let declared = variable_names(&variables_tf);
    let used: Vec<&str> = main_tf
        .lines()
        .filter_map(|l| l.split_once(" = var.").map(|(_, name)| name))
        .collect();
    assert_eq!(declared, used);
    assert_eq!(
        variables_tf.matches("  sensitive   = true\n").count(),
        declared.len()
    );
    assert_eq!(
        variables_tf.matches("  type        = string\n").count(),
        declared.len()
    );
    assert!(!variables_tf.contains("default"));
    assert!(variables_tf.contains(
        "variable \"prod_shop_victor_ops_routing_key\" {\n  description = \"VICTOR_OPS \
         routing_key of mongodbatlas_third_party_integration.prod_shop_victor_ops (project \
         6a79404f2c88faeba59beea6). Atlas returns it in clear: take it from the JSON export or \
         the dashboard.\"\n"
    ));
}

#[test]
fn kubernetes_resources_reference_secrets_with_empty_values() {
    let fleet = Fleet::new();
    let yaml = String::from_utf8(fleet.export(Format::Kubernetes)).unwrap();
    assert!(yaml.contains(
        "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: atlas-integrations-connection\n  \
         labels:\n    atlas.mongodb.com/type: credentials\ntype: Opaque\nstringData:\n  \
         orgId: \"\"\n  publicApiKey: \"\"\n  privateApiKey: \"\"\n"
    ));
    assert!(yaml.contains(
        "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: prod-shop-datadog-credentials\n  \
         labels:\n    atlas.mongodb.com/type: credentials\ntype: Opaque\nstringData:\n  \
         apiKey: \"\"\n---\napiVersion: atlas.mongodb.com/v1\nkind: AtlasThirdPartyIntegration\n\
         metadata:\n  name: prod-shop-datadog\nspec:\n  type: DATADOG\n  externalProjectRef:\n    \
         id: \"6a79404f2c88faeba59beea6\"\n  connectionSecret:\n    name: \
         atlas-integrations-connection\n  datadog:\n    apiKeySecretRef:\n      name: \
         prod-shop-datadog-credentials\n    region: \"US\"\n    sendCollectionLatencyMetrics: \
         disabled\n    sendDatabaseMetrics: enabled\n    sendQueryStatsMetrics: disabled\n    \
         sendUserProvidedResourceTags: disabled\n"
    ));
    assert!(yaml.contains(
        "  prometheus:\n    prometheusCredentialsSecretRef:\n      name: \
         prod-shop-prometheus-credentials\n    enabled: enabled\n    serviceDiscovery: \"http\"\n"
    ));
    assert!(yaml.contains("stringData:\n  username: \"\"\n  password: \"\"\n"));
    assert!(yaml.contains("stringData:\n  url: \"\"\n  secret: \"\"\n"));
    assert!(yaml.contains("stringData:\n  webhookURL: \"\"\n"));
    assert!(yaml.contains(
        "stringData:\n  accountId: \"\"\n  licenseKey: \"\"\n  readToken: \"\"\n  writeToken: \"\"\n"
    ));
    // Required by the CRD, not returned: Atlas's default where the registry knows it,
    // otherwise left to fill.
    assert!(yaml.contains(
        "  opsGenie:\n    apiKeySecretRef:\n      name: prod-shop-ops-genie-credentials\n    \
         region: \"US\"  # Atlas's default; Atlas returned none\n"
    ));
    assert!(yaml.contains("    routingKey: \"\"  # Atlas returned none: fill it in\n"));
    assert!(yaml.contains("    teamName: \"\"  # Atlas returned none: fill it in\n"));
    assert!(yaml.contains("# SLACK: the operator sends the apiToken of the Secret."));
    assert!(yaml.contains(
        "# Set in Atlas, no field in the CRD (left as Atlas has it): headersTemplate.\n"
    ));
    // Every value of every Secret is empty.
    for line in yaml
        .lines()
        .filter(|l| l.starts_with("  ") && l.ends_with(": \"\""))
    {
        assert!(line.matches('"').count() == 2, "{line}");
    }
}

#[test]
fn an_export_can_be_streamed_from_another_thread() {
    fn assert_send<T: Send>() {}
    assert_send::<Export>();
}

#[test]
fn a_fleet_of_a_thousand_projects_streams_in_small_chunks() {
    let list = every_type_masked();
    let ids: Vec<String> = (0..1000).map(|i| format!("{i:024x}")).collect();
    for format in Format::ALL {
        let mut export = Export::new(format);
        let mut total = export.begin().len();
        let mut largest = 0;
        for (i, id) in ids.iter().enumerate() {
            // Every tenth name alike, so that names collide.
            let name = format!("Team {}", i % 100);
            let chunk = export.project(id, &name, &list).unwrap();
            largest = largest.max(chunk.len());
            total += chunk.len();
        }
        let last = export.finish().unwrap();
        total += last.len();
        println!(
            "{format:?}: {total} bytes, largest project chunk {largest}, finish {}",
            last.len()
        );
        assert!(largest < 16 * 1024, "{format:?}: {largest}");
        assert!(total < 12 * 1024 * 1024, "{format:?}: {total}");
    }
}
