//! Drives every server function through the real router with both credentials, capturing
//! every response body and every log line (at debug level), and checks that no credential
//! and no unmasked secret appears in any of them.

use crate::support::{page_request, Captured, TestApp};
use atlas_emulator::demo;

const NEW_SECRETS: &[&str] = &[
    "brand-new-ops-genie-key-4747",
    "whsec-brand-new-secret-5858",
    "prom-brand-new-password-6969",
];

#[tokio::test]
async fn no_credential_or_secret_in_any_response_or_log_line() {
    let logs = Captured::default();
    let writer = logs.clone();
    tracing_subscriber::fmt()
        .with_env_filter("debug")
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let mut bodies = Vec::new();
    for service_account in [false, true] {
        let mut app = TestApp::start().await;
        let (status, body) = if service_account {
            app.login_service_account().await
        } else {
            app.login_api_key().await
        };
        assert!(status.is_success(), "login: {body}");
        bodies.push(body);
        let production = demo::PRODUCTION_PROJECT_ID;
        let sandbox = demo::SANDBOX_PROJECT_ID;
        let calls: Vec<(&str, Vec<(&str, &str)>)> = vec![
            ("system/info", vec![]),
            ("projects/list", vec![]),
            ("integrations/list", vec![("group_id", production)]),
            (
                "integrations/list",
                vec![("group_id", demo::STAGING_PROJECT_ID)],
            ),
            (
                "integrations/list",
                vec![("group_id", demo::LEGACY_PROJECT_ID)],
            ),
            (
                "integrations/list",
                vec![("group_id", demo::ANALYTICS_PROJECT_ID)],
            ),
            (
                "integrations/create",
                vec![
                    ("group_id", sandbox),
                    ("kind", "OPS_GENIE"),
                    ("values[apiKey]", NEW_SECRETS[0]),
                    ("values[region]", "EU"),
                ],
            ),
            (
                "integrations/create",
                vec![
                    ("group_id", sandbox),
                    ("kind", "WEBHOOK"),
                    (
                        "values[url]",
                        "https://hooks.example.com/very/secret/path/7171",
                    ),
                    ("values[secret]", NEW_SECRETS[1]),
                ],
            ),
            (
                "integrations/create",
                vec![
                    ("group_id", sandbox),
                    ("kind", "PROMETHEUS"),
                    ("values[username]", "prom_user"),
                    ("values[password]", NEW_SECRETS[2]),
                    ("values[serviceDiscovery]", "http"),
                    ("values[enabled]", "on"),
                ],
            ),
            (
                "integrations/update",
                vec![
                    ("group_id", sandbox),
                    ("kind", "OPS_GENIE"),
                    ("values[region]", "US"),
                ],
            ),
            (
                "integrations/delete",
                vec![("group_id", sandbox), ("kind", "OPS_GENIE")],
            ),
            (
                "integrations/delete",
                vec![("group_id", sandbox), ("kind", "WEBHOOK")],
            ),
            (
                "integrations/delete",
                vec![("group_id", sandbox), ("kind", "PROMETHEUS")],
            ),
        ];
        // The fleet matrix's answers, while the new secrets are still configured.
        let fleet_rows: Vec<(String, &str)> = demo::PROJECTS
            .iter()
            .enumerate()
            .map(|(i, (id, _))| (format!("ids[{i}]"), *id))
            .collect();
        let fleet_form: Vec<(&str, &str)> =
            fleet_rows.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        // The same rows drawn for the matrix island (`fleet/rows-html`).
        let fleet_html_rows: Vec<(String, String)> = demo::PROJECTS
            .iter()
            .enumerate()
            .flat_map(|(i, (id, _))| {
                [
                    (format!("rows[{i}][id]"), id.to_string()),
                    (format!("rows[{i}][index]"), i.to_string()),
                ]
            })
            .collect();
        let fleet_html_form: Vec<(&str, &str)> = fleet_html_rows
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        for (endpoint, form) in &calls {
            let (status, body) = app.call(endpoint, form).await;
            if *endpoint == "integrations/create" {
                // After each create: the fleet's rows and page carry its masked hint only.
                bodies.push(app.call("fleet/rows", &fleet_form).await.1);
                bodies.push(app.call("fleet/rows-html", &fleet_html_form).await.1);
                bodies.push(app.call("fleet/page", &[]).await.1);
            }
            assert!(status.is_success(), "{endpoint}: {status} {body}");
            bodies.push(body);
        }
        for path in [
            "/",
            "/fleet",
            &format!("/projects/{production}"),
            &format!("/projects/{production}/integrations/WEBHOOK"),
        ] {
            bodies.push(app.send(page_request(path)).await.2);
        }
        bodies.push(app.call("session/logout", &[]).await.1);
    }

    let logs = logs.text();
    assert!(
        logs.contains("integration written"),
        "the capture works: {} bytes",
        logs.len()
    );
    // The audit lines (target `audit`) were written, and are checked below like every line.
    assert!(logs.contains(" audit: integration write"), "audit lines");
    let mut secrets = vec![
        demo::API_PRIVATE_KEY,
        demo::SERVICE_ACCOUNT_CLIENT_SECRET,
        "very/secret/path",
    ];
    secrets.extend_from_slice(NEW_SECRETS);
    secrets.extend_from_slice(&[
        demo::secrets::PAGER_DUTY_SERVICE_KEY,
        demo::secrets::DATADOG_API_KEY,
        demo::secrets::WEBHOOK_URL,
        demo::secrets::WEBHOOK_SECRET,
        demo::secrets::SLACK_API_TOKEN,
        demo::secrets::OPS_GENIE_API_KEY,
        demo::secrets::NEW_RELIC_LICENSE_KEY,
        demo::secrets::NEW_RELIC_READ_TOKEN,
        demo::secrets::NEW_RELIC_WRITE_TOKEN,
        demo::secrets::VICTOR_OPS_API_KEY,
        demo::secrets::PROMETHEUS_PASSWORD,
        demo::secrets::MICROSOFT_TEAMS_WEBHOOK_URL,
    ]);
    for secret in &secrets {
        assert!(
            !logs.contains(secret),
            "a log line holds a secret ({} chars)",
            secret.len()
        );
        for body in &bodies {
            assert!(
                !body.contains(secret),
                "a response holds a secret ({} chars)",
                secret.len()
            );
        }
    }
}

/// The server functions' argument structs derive `Debug` from their fields (leptos's
/// `#[server]` macro): a secret among them must print redacted.
#[test]
fn server_function_arguments_print_no_secret() {
    use atlas_integrations::api::integrations::{CreateIntegration, UpdateIntegration};
    use atlas_integrations::api::session::{AuthMethod, Login};
    use atlas_registry::{FormValues, SecretValue};

    let secret = "s3cr3t-private-key-value-1234";
    let login = Login {
        method: AuthMethod::ApiKey,
        public_id: "publicid".into(),
        secret: SecretValue::new(secret),
        next: None,
    };
    let values: FormValues = [("apiKey", secret), ("region", "US")].into_iter().collect();
    let create = CreateIntegration {
        group_id: demo::PRODUCTION_PROJECT_ID.into(),
        kind: "OPS_GENIE".into(),
        values: values.clone(),
        remove: FormValues::new(),
    };
    let update = UpdateIntegration {
        group_id: demo::PRODUCTION_PROJECT_ID.into(),
        kind: "OPS_GENIE".into(),
        values,
        remove: FormValues::new(),
    };
    let shown = format!("{login:?} {create:?} {update:?}");
    assert!(!shown.contains("s3cr3t"), "{shown}");
    assert!(
        shown.contains("publicid") && shown.contains("apiKey"),
        "{shown}"
    );
}
