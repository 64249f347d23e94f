//! "Rotate a secret everywhere" through the real router, session, Atlas client and emulator:
//! hints grouped with counts, matching by last four and by URL host, no match, the new secret
//! stored for exactly the ticked projects, both PUT modes, bad input refused before Atlas, the
//! page without JavaScript, and no secret in any answer.

use atlas_emulator::demo;
use atlas_integrations::api::fleet_rotate::HintMatches;
use atlas_integrations::error::AppError;
use atlas_integrations::fleet_run::{pick_control, Cannot, Change, Done, Plan, Progress, RunView};
use axum::http::StatusCode;

use crate::fleet_apply::{call_owned, item, put_mode, run_to_end};
use crate::fleet_pages::plain_post;
use crate::support::{header as header_of, page_request, TestApp};

const PUT: &str = "PUT /api/atlas/v2/groups/{groupId}/integrations/{integrationType}";
/// Opsgenie keys: two more ending like Staging's (`…3311`), one other.
const SANDBOX_KEY: &str = "99999999-2222-3333-4444-555555553311";
const ANALYTICS_KEY: &str = "88888888-2222-3333-4444-555555553311";
const PRODUCTION_KEY: &str = "77777777-2222-3333-4444-555555559999";
const NEW_KEY: &str = "12345678-aaaa-bbbb-cccc-0000000n3w42";
/// Webhooks: Sandbox's on Production's host, Analytics' elsewhere with the same last four.
const SANDBOX_URL: &str = "https://hooks.example.com/sandbox/alerts/9999";
const SANDBOX_SECRET: &str = "whsec-sandbox-secret-77777";
const ANALYTICS_URL: &str = "https://elsewhere.example.org/atlas/alerts/2101";
const NEW_URL: &str = "https://hooks.example.com/rotated/n3w-path-0001";

async fn signed_in() -> TestApp {
    let mut app = TestApp::start().await;
    let (status, body) = app.login_service_account().await;
    assert_eq!(status, StatusCode::OK, "{body}");
    app
}

async fn create(app: &mut TestApp, group_id: &str, kind: &str, values: &[(&str, &str)]) {
    let mut form: Vec<(String, String)> = vec![
        ("group_id".into(), group_id.into()),
        ("kind".into(), kind.into()),
    ];
    form.extend(
        values
            .iter()
            .map(|(k, v)| (format!("values[{k}]"), v.to_string())),
    );
    let (status, body) = call_owned(app, "integrations/create", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn candidates(
    app: &mut TestApp,
    kind: &str,
    field: &str,
    hint: &str,
) -> (String, HintMatches) {
    let (status, body) = app
        .call(
            "fleet/rotate/candidates",
            &[("kind", kind), ("field", field), ("hint", hint)],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let found = serde_json::from_str(&body).expect("candidates");
    (body, found)
}

fn rotate_form(
    kind: &str,
    field: &str,
    hint: &str,
    ids: &[&str],
    values: &[(&str, &str)],
) -> Vec<(String, String)> {
    let mut form = vec![
        ("kind".to_string(), kind.to_string()),
        ("field".to_string(), field.to_string()),
        ("hint".to_string(), hint.to_string()),
    ];
    form.extend(ids.iter().map(|id| (pick_control(id), "on".to_string())));
    form.extend(
        values
            .iter()
            .map(|(k, v)| (format!("values[{k}]"), v.to_string())),
    );
    form
}

async fn preview(
    app: &mut TestApp,
    kind: &str,
    field: &str,
    hint: &str,
    ids: &[&str],
    values: &[(&str, &str)],
) -> (String, RunView) {
    let form = rotate_form(kind, field, hint, ids, values);
    let (status, body) = call_owned(app, "fleet/rotate/preview", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let view = serde_json::from_str(&body).expect("run view");
    (body, view)
}

fn assert_no_secret(body: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!body.contains(secret), "{secret} in {body}");
    }
}

fn names(found: &[atlas_integrations::api::fleet_apply::ProjectChoice]) -> Vec<&str> {
    found.iter().map(|p| p.name.as_str()).collect()
}

#[tokio::test]
async fn rotates_by_last_four_exactly_the_ticked_projects() {
    let mut app = signed_in().await;
    create(
        &mut app,
        demo::SANDBOX_PROJECT_ID,
        "OPS_GENIE",
        &[("apiKey", SANDBOX_KEY)],
    )
    .await;
    create(
        &mut app,
        demo::ANALYTICS_PROJECT_ID,
        "OPS_GENIE",
        &[("apiKey", ANALYTICS_KEY), ("region", "EU")],
    )
    .await;
    create(
        &mut app,
        demo::PRODUCTION_PROJECT_ID,
        "OPS_GENIE",
        &[("apiKey", PRODUCTION_KEY)],
    )
    .await;
    let secrets = [
        demo::secrets::OPS_GENIE_API_KEY,
        SANDBOX_KEY,
        ANALYTICS_KEY,
        PRODUCTION_KEY,
        NEW_KEY,
    ];

    // The distinct hints the fleet shows, with counts; nothing matched before one is chosen.
    let (body, found) = candidates(&mut app, "OPS_GENIE", "apiKey", "").await;
    assert_no_secret(&body, &secrets);
    let groups: Vec<(&str, &str, usize)> = found
        .groups
        .iter()
        .map(|g| (g.hint.as_str(), g.shown.as_str(), g.count))
        .collect();
    assert_eq!(
        groups,
        vec![("3311", "••••3311", 3), ("9999", "••••9999", 1)]
    );
    assert!(found.matching.is_empty());
    // Typed as the page shows it, or as Atlas masks it: the same three.
    for typed in ["3311", "••••3311", "****3311"] {
        let (_, found) = candidates(&mut app, "OPS_GENIE", "apiKey", typed).await;
        assert_eq!(
            names(&found.matching),
            ["Analytics", "Sandbox", "Staging"],
            "{typed}"
        );
    }

    // Two of the three are ticked.
    let before_puts = app.upstream_calls_to(PUT).await;
    let ticked = [demo::STAGING_PROJECT_ID, demo::SANDBOX_PROJECT_ID];
    let (body, view) = preview(
        &mut app,
        "OPS_GENIE",
        "apiKey",
        "3311",
        &ticked,
        &[("apiKey", NEW_KEY), ("region", "EU")],
    )
    .await;
    assert_no_secret(&body, &secrets);
    for id in ticked {
        // Only the secret changes: a plain value typed along is not sent.
        assert_eq!(
            item(&view, id).plan,
            Plan::Update(vec![atlas_integrations::fleet_run::FieldChange {
                field: "apiKey".into(),
                change: Change::Replaced
            }])
        );
    }
    assert_eq!(
        app.upstream_calls_to(PUT).await,
        before_puts,
        "the preview only reads"
    );
    let done = run_to_end(&mut app, "fleet/start", &view.id).await;
    assert_eq!(done.tally().done, 2, "{done:?}");
    let (_, body) = app.call("fleet/run", &[("run_id", &view.id)]).await;
    assert_no_secret(&body, &secrets);
    assert_eq!(app.upstream_calls_to(PUT).await, before_puts + 2);
    for id in ticked {
        let stored = app.stored(id, "OPS_GENIE").await.unwrap();
        assert_eq!(stored["apiKey"], NEW_KEY, "{id}");
    }
    // Staging's region was never set: still unset (Atlas's default); not EU.
    let staging = app
        .stored(demo::STAGING_PROJECT_ID, "OPS_GENIE")
        .await
        .unwrap();
    assert_ne!(staging["region"], "EU");
    // The matching project left unticked and the other one keep theirs.
    let analytics = app
        .stored(demo::ANALYTICS_PROJECT_ID, "OPS_GENIE")
        .await
        .unwrap();
    assert_eq!(
        (analytics["apiKey"].as_str(), analytics["region"].as_str()),
        (Some(ANALYTICS_KEY), Some("EU"))
    );
    let production = app
        .stored(demo::PRODUCTION_PROJECT_ID, "OPS_GENIE")
        .await
        .unwrap();
    assert_eq!(production["apiKey"], PRODUCTION_KEY);
}

#[tokio::test]
async fn rotates_a_webhook_url_by_host() {
    let mut app = signed_in().await;
    create(
        &mut app,
        demo::SANDBOX_PROJECT_ID,
        "WEBHOOK",
        &[("url", SANDBOX_URL), ("secret", SANDBOX_SECRET)],
    )
    .await;
    create(
        &mut app,
        demo::ANALYTICS_PROJECT_ID,
        "WEBHOOK",
        &[("url", ANALYTICS_URL)],
    )
    .await;
    let secrets = [
        demo::secrets::WEBHOOK_URL,
        demo::secrets::WEBHOOK_SECRET,
        SANDBOX_URL,
        SANDBOX_SECRET,
        ANALYTICS_URL,
        NEW_URL,
        "/atlas/alerts",
    ];
    let (body, found) = candidates(&mut app, "WEBHOOK", "url", "").await;
    assert_no_secret(&body, &secrets);
    let groups: Vec<(&str, usize)> = found
        .groups
        .iter()
        .map(|g| (g.hint.as_str(), g.count))
        .collect();
    assert_eq!(
        groups,
        vec![("hooks.example.com", 2), ("elsewhere.example.org", 1)]
    );
    // The host, typed in any case or as a whole URL; the same last four elsewhere is no match.
    for typed in [
        "hooks.example.com",
        "HOOKS.Example.com",
        "https://hooks.example.com/whatever",
    ] {
        let (_, found) = candidates(&mut app, "WEBHOOK", "url", typed).await;
        assert_eq!(names(&found.matching), ["Production", "Sandbox"], "{typed}");
    }
    let ticked = [demo::PRODUCTION_PROJECT_ID, demo::SANDBOX_PROJECT_ID];
    let (body, view) = preview(
        &mut app,
        "WEBHOOK",
        "url",
        "hooks.example.com",
        &ticked,
        &[("url", NEW_URL)],
    )
    .await;
    assert_no_secret(&body, &secrets);
    let done = run_to_end(&mut app, "fleet/start", &view.id).await;
    assert_eq!(done.tally().done, 2, "{done:?}");
    // Each project's own webhook secret is kept (merge, the default PUT mode).
    for (id, secret) in [
        (demo::PRODUCTION_PROJECT_ID, demo::secrets::WEBHOOK_SECRET),
        (demo::SANDBOX_PROJECT_ID, SANDBOX_SECRET),
    ] {
        let stored = app.stored(id, "WEBHOOK").await.unwrap();
        assert_eq!(
            (stored["url"].as_str(), stored["secret"].as_str()),
            (Some(NEW_URL), Some(secret))
        );
    }
    let analytics = app
        .stored(demo::ANALYTICS_PROJECT_ID, "WEBHOOK")
        .await
        .unwrap();
    assert_eq!(analytics["url"], ANALYTICS_URL);
}

#[tokio::test]
async fn no_match_writes_nothing() {
    let mut app = signed_in().await;
    let (_, found) = candidates(&mut app, "OPS_GENIE", "apiKey", "zzzz").await;
    assert!(found.matching.is_empty());
    assert_eq!(
        found.groups.len(),
        1,
        "Staging's key is still listed: {found:?}"
    );
    // Ticked anyway (a stale page, a hand-made post): left alone, nothing to confirm.
    let (_, view) = preview(
        &mut app,
        "OPS_GENIE",
        "apiKey",
        "zzzz",
        &[demo::STAGING_PROJECT_ID, demo::SANDBOX_PROJECT_ID],
        &[("apiKey", NEW_KEY)],
    )
    .await;
    assert_eq!(
        item(&view, demo::STAGING_PROJECT_ID).plan,
        Plan::Cannot(Cannot::HintChanged)
    );
    assert_eq!(
        item(&view, demo::SANDBOX_PROJECT_ID).plan,
        Plan::Cannot(Cannot::NotConfigured)
    );
    assert_eq!(view.to_write(), 0);
    let done = run_to_end(&mut app, "fleet/start", &view.id).await;
    assert_eq!(done.tally().skipped, 2);
    assert_eq!(app.upstream_calls_to(PUT).await, 0);
    let stored = app
        .stored(demo::STAGING_PROJECT_ID, "OPS_GENIE")
        .await
        .unwrap();
    assert_eq!(stored["apiKey"], demo::secrets::OPS_GENIE_API_KEY);
}

#[tokio::test]
async fn bad_input_is_refused_before_atlas() {
    let mut app = signed_in().await;
    let before = app.total_upstream_calls().await;
    let staging = [demo::STAGING_PROJECT_ID];
    let key = [("apiKey", NEW_KEY)];
    for (what, kind, field, hint) in [
        ("unknown type", "FLOWDOCK", "apiKey", ""),
        ("plain field", "OPS_GENIE", "region", ""),
        ("write-only secret", "PROMETHEUS", "password", ""),
        ("redacted template", "WEBHOOK", "bodyTemplate", ""),
        ("not four characters", "OPS_GENIE", "apiKey", "331"),
        ("not a host", "WEBHOOK", "url", "hooks.example.com/path"),
    ] {
        let (status, body) = app
            .call(
                "fleet/rotate/candidates",
                &[("kind", kind), ("field", field), ("hint", hint)],
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {body}");
    }
    for (what, form) in [
        (
            "no hint",
            rotate_form("OPS_GENIE", "apiKey", "", &staging, &key),
        ),
        (
            "no project",
            rotate_form("OPS_GENIE", "apiKey", "3311", &[], &key),
        ),
        (
            "bad project",
            rotate_form("OPS_GENIE", "apiKey", "3311", &["../x"], &key),
        ),
        (
            "no new value",
            rotate_form("OPS_GENIE", "apiKey", "3311", &staging, &[("apiKey", " ")]),
        ),
        (
            "masked new value",
            rotate_form(
                "OPS_GENIE",
                "apiKey",
                "3311",
                &staging,
                &[("apiKey", "****3311")],
            ),
        ),
        (
            "not a URL",
            rotate_form(
                "WEBHOOK",
                "url",
                "hooks.example.com",
                &staging,
                &[("url", "hooks.example.com/x")],
            ),
        ),
        (
            "bad other secret",
            rotate_form(
                "WEBHOOK",
                "secret",
                "2101",
                &staging,
                &[("secret", "new-secret-0001"), ("url", "ftp://x")],
            ),
        ),
        (
            "write-only field",
            rotate_form(
                "PROMETHEUS",
                "password",
                "abcd",
                &staging,
                &[("password", "p4ss-0001")],
            ),
        ),
    ] {
        let (status, body) = call_owned(&mut app, "fleet/rotate/preview", &form).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {body}");
        assert!(!body.contains(NEW_KEY), "{what}: {body}");
    }
    assert_eq!(app.total_upstream_calls().await, before);
}

#[tokio::test]
async fn rotates_under_both_put_modes() {
    // Production's webhook secret ends like its URL (…2101); the URL is the one required field.
    const NEW_SECRET: &str = "whsec-rotated-secret-0042";
    for mode in ["merge", "replace"] {
        let mut app = signed_in().await;
        put_mode(&app, mode).await;
        let project = demo::PRODUCTION_PROJECT_ID;
        let (_, view) = preview(
            &mut app,
            "WEBHOOK",
            "secret",
            "2101",
            &[project],
            &[("secret", NEW_SECRET)],
        )
        .await;
        let done = run_to_end(&mut app, "fleet/start", &view.id).await;
        let stored = app.stored(project, "WEBHOOK").await.unwrap();
        if mode == "merge" {
            assert_eq!(item(&done, project).progress, Progress::Done(Done::Updated));
            assert_eq!(
                (stored["secret"].as_str(), stored["url"].as_str()),
                (Some(NEW_SECRET), Some(demo::secrets::WEBHOOK_URL))
            );
            continue;
        }
        // Atlas replaces the whole configuration and wants the URL too: reported, untouched.
        assert_eq!(
            item(&done, project).progress,
            Progress::Failed(AppError::SecretsRequired(vec!["url".into()])),
            "{done:?}"
        );
        assert_eq!(stored["secret"], demo::secrets::WEBHOOK_SECRET);
        // The other secret typed along: a whole configuration, right under replace too.
        let (body, view) = preview(
            &mut app,
            "WEBHOOK",
            "secret",
            "2101",
            &[project],
            &[("secret", NEW_SECRET), ("url", demo::secrets::WEBHOOK_URL)],
        )
        .await;
        assert_no_secret(&body, &[NEW_SECRET, demo::secrets::WEBHOOK_URL]);
        let done = run_to_end(&mut app, "fleet/start", &view.id).await;
        assert_eq!(
            item(&done, project).progress,
            Progress::Done(Done::Updated),
            "{done:?}"
        );
        let stored = app.stored(project, "WEBHOOK").await.unwrap();
        assert_eq!(
            (stored["secret"].as_str(), stored["url"].as_str()),
            (Some(NEW_SECRET), Some(demo::secrets::WEBHOOK_URL))
        );
    }
}

#[tokio::test]
async fn rotate_works_without_javascript_and_shows_only_hints() {
    let mut app = signed_in().await;
    create(
        &mut app,
        demo::SANDBOX_PROJECT_ID,
        "WEBHOOK",
        &[("url", SANDBOX_URL), ("secret", SANDBOX_SECRET)],
    )
    .await;
    let secrets = [
        demo::secrets::WEBHOOK_URL,
        demo::secrets::WEBHOOK_SECRET,
        SANDBOX_URL,
        SANDBOX_SECRET,
        NEW_URL,
    ];
    // Type chosen, field not yet: the type's first secret field, its hints with counts.
    let (status, _, html) = app.send(page_request("/fleet/rotate?type=WEBHOOK")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_no_secret(&html, &secrets);
    assert!(html.contains("hooks.example.com</code>"), "{html}");
    assert!(html.contains("2 projects"), "{html}");
    let page = atlas_integrations::links::fleet_rotate(
        atlas_registry::IntegrationKind::Webhook,
        "url",
        Some("hooks.example.com"),
    );
    assert!(html.contains(&page.replace('&', "&amp;")), "{html}");
    let (status, _, html) = app.send(page_request(&page)).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_no_secret(&html, &secrets);
    for id in [demo::PRODUCTION_PROJECT_ID, demo::SANDBOX_PROJECT_ID] {
        let control = pick_control(id);
        let at = html.find(&format!("name=\"{control}\"")).expect(id);
        let tag = &html[html[..at].rfind('<').unwrap()..at + html[at..].find('>').unwrap()];
        assert!(tag.contains("checked"), "{tag}");
    }
    assert!(
        html.contains("action=\"/api/fleet/rotate/preview\""),
        "{html}"
    );
    // A hint nothing shows: said so, no form.
    let (_, _, html) = app
        .send(page_request(
            "/fleet/rotate?type=WEBHOOK&field=url&hint=nowhere.example",
        ))
        .await;
    assert!(html.contains("No project shows this"), "{html}");
    assert!(!html.contains("/api/fleet/rotate/preview"), "{html}");

    let form = rotate_form(
        "WEBHOOK",
        "url",
        "hooks.example.com",
        &[demo::SANDBOX_PROJECT_ID],
        &[("url", NEW_URL)],
    );
    let (status, headers, _) = app
        .send(plain_post("fleet/rotate/preview", &page, &form))
        .await;
    assert!(status.is_redirection(), "{status}");
    let run_page = header_of(&headers, "location")
        .expect("location")
        .to_string();
    assert!(run_page.starts_with("/fleet/runs/"), "{run_page}");
    let (_, _, html) = app.send(page_request(&run_page)).await;
    assert!(
        html.contains("Preview: nothing has been sent yet"),
        "{html}"
    );
    assert!(html.contains("Rotate Webhook"), "{html}");
    assert!(
        html.contains("URL: replaced") || html.contains(": replaced"),
        "{html}"
    );
    assert_no_secret(&html, &secrets);
}
