//! Alert configurations through the client, against the emulator's demo (its table in
//! `atlas_emulator::demo::alerts`): every page read, the join on `integrationId`, own keys
//! recognised by their hint, the switch to the project's integration, a PUT that keeps a key
//! it never saw, and the refusal of a read-only credential.

use super::*;
use atlas_emulator::demo::{alerts, secrets};
use atlas_registry::{hint_of_shown, NotificationKind};

async fn stored_alert(emu: &Emu, group: &str, id: &str) -> Value {
    let url = format!(
        "{}/_emulator/state/groups/{group}/alertConfigs/{id}",
        emu.base
    );
    emu.http
        .get(url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn reads_every_alert_and_joins_them_to_the_integrations() {
    let emu = emulator().await;
    let client = emu.client();
    let configs = client
        .list_alert_configs(&owner(), PRODUCTION)
        .await
        .unwrap();
    let ids: Vec<&str> = configs.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids.len(), 6);
    assert_eq!(ids[0], alerts::PRODUCTION_NO_PRIMARY);

    let integrations = client
        .list_integrations(&owner(), PRODUCTION)
        .await
        .unwrap();
    let of = |kind| integrations.iter().find(|i| i.kind == kind).unwrap();
    // Join on integrationId.
    let using = |kind| {
        let id = of(kind).id.clone().unwrap();
        configs
            .iter()
            .filter(|c| c.notifications_using(&id).next().is_some())
            .count()
    };
    assert_eq!(using(IntegrationKind::PagerDuty), 1);
    assert_eq!(using(IntegrationKind::Datadog), 2);
    assert_eq!(using(IntegrationKind::Webhook), 0);

    // Own keys for the same service, told apart by their hint.
    let pagerduty = of(IntegrationKind::PagerDuty);
    let field = IntegrationKind::PagerDuty
        .spec()
        .field("serviceKey")
        .unwrap();
    let integration_hint = hint_of_shown(field, pagerduty.text("serviceKey").unwrap()).unwrap();
    let own: Vec<(&str, bool)> = configs
        .iter()
        .flat_map(|c| c.notifications.iter().map(move |n| (c, n)))
        .filter(|(_, n)| {
            n.kind() == Some(NotificationKind::PagerDuty) && n.integration_id.is_none()
        })
        .map(|(c, n)| {
            let (f, hint) = n.credential_hints().pop().unwrap();
            assert_eq!(f.integration_field, Some("serviceKey"));
            (c.id.as_str(), hint == integration_hint)
        })
        .collect();
    assert_eq!(
        own,
        [
            (alerts::PRODUCTION_OPLOG, true),
            (alerts::PRODUCTION_MONGOS, false)
        ]
    );
    // What the alert watches is there to name it.
    let mongos = configs
        .iter()
        .find(|c| c.id == alerts::PRODUCTION_MONGOS)
        .unwrap();
    assert_eq!(mongos.event_type_name, "CLUSTER_MONGOS_IS_MISSING");
    assert_eq!(mongos.matchers[0].field_name, "CLUSTER_NAME");
    assert_eq!(mongos.matchers[0].value.as_deref(), Some("orders"));
    // Nothing the client holds is a secret in clear.
    let text = serde_json::to_string(&configs).unwrap();
    for secret in [
        secrets::PAGER_DUTY_SERVICE_KEY,
        secrets::DATADOG_API_KEY,
        secrets::ALERT_PAGER_DUTY_OTHER_KEY,
    ] {
        assert!(!text.contains(secret));
    }
    // A project without alerts, and a read-only credential reads them too.
    assert!(client
        .list_alert_configs(&owner(), SANDBOX)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        client
            .list_alert_configs(&read_only(), PRODUCTION)
            .await
            .unwrap()
            .len(),
        6
    );
}

#[tokio::test]
async fn pages_through_more_than_five_hundred() {
    let dir = std::env::temp_dir().join(format!("client-alerts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let seed = dir.join("seed.json");
    let configs: Vec<Value> = (0..501)
        .map(|i| json!({"id": format!("65f0a1b2c3d4e5f6{i:08x}"), "eventTypeName": "NO_PRIMARY",
            "notifications": [{"typeName": "EMAIL", "emailAddress": format!("ops{i}@example.com")}]}))
        .collect();
    let doc = json!({"projects": [{"id": SANDBOX, "name": "Sandbox", "alertConfigs": configs}]});
    std::fs::write(&seed, doc.to_string()).unwrap();
    let emu = emulator_with(EmulatorOptions {
        seed: Some(seed),
        ..Default::default()
    })
    .await;
    let _ = std::fs::remove_dir_all(&dir);
    let client = emu.client();
    emu.reset_counters().await;
    let all = client.list_alert_configs(&owner(), SANDBOX).await.unwrap();
    assert_eq!(all.len(), 501);
    assert_eq!(all[500].id, format!("65f0a1b2c3d4e5f6{:08x}", 500));
    let c = emu.counters().await;
    // Two pages of 500, plus the first Digest challenge.
    assert_eq!(
        route(&c, "GET /api/atlas/v2/groups/{groupId}/alertConfigs"),
        3
    );
    assert_eq!(count(&c).digest, 2);
}

#[tokio::test]
async fn switches_a_notification_to_the_projects_integration() {
    let emu = emulator().await;
    let client = emu.client();
    let pd = client
        .get_integration(&owner(), PRODUCTION, IntegrationKind::PagerDuty)
        .await
        .unwrap()
        .id
        .unwrap();
    let mut config = client
        .list_alert_configs(&owner(), PRODUCTION)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.id == alerts::PRODUCTION_OPLOG)
        .unwrap();
    let notifier = config.notifications[0].notifier_id.clone();
    config.notifications[0].use_integration(&pd);
    let answer = client
        .update_alert_config(&owner(), PRODUCTION, &config)
        .await
        .unwrap();
    let n = &answer.notifications[0];
    assert_eq!(n.integration_id.as_deref(), Some(pd.as_str()));
    assert!(n.credentials.is_empty(), "{n:?}");
    assert_eq!(n.notifier_id, notifier);
    assert_eq!(answer.other["threshold"], config.other["threshold"]);
    let stored = stored_alert(&emu, PRODUCTION, alerts::PRODUCTION_OPLOG).await;
    assert!(
        stored["notifications"][0].get("serviceKey").is_none(),
        "{stored}"
    );
    assert_eq!(stored["notifications"][0]["region"], "EU");
}

/// A PUT of what was read keeps the key Atlas holds: the mask is not sent, the notifier is.
#[tokio::test]
async fn an_unchanged_put_keeps_the_key_it_never_saw() {
    let emu = emulator().await;
    let client = emu.client();
    for (group, id, field, secret) in [
        (
            PRODUCTION,
            alerts::PRODUCTION_MONGOS,
            "serviceKey",
            secrets::ALERT_PAGER_DUTY_OTHER_KEY,
        ),
        (
            demo::ANALYTICS_PROJECT_ID,
            alerts::ANALYTICS_NO_PRIMARY,
            "microsoftTeamsWebhookUrl",
            secrets::ALERT_MICROSOFT_TEAMS_URL,
        ),
    ] {
        let config = client
            .list_alert_configs(&owner(), group)
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.id == id)
            .unwrap();
        let answer = client
            .update_alert_config(&owner(), group, &config)
            .await
            .unwrap();
        assert_eq!(
            answer.notifications[0].credentials,
            config.notifications[0].credentials
        );
        assert_eq!(answer.matchers, config.matchers);
        let stored = stored_alert(&emu, group, id).await;
        assert_eq!(stored["notifications"][0][field], secret, "{stored}");
    }
}

#[tokio::test]
async fn a_read_only_credential_is_refused_and_mistakes_never_leave() {
    let emu = emulator().await;
    let client = emu.client();
    let mut config = client
        .list_alert_configs(&read_only(), PRODUCTION)
        .await
        .unwrap()
        .remove(2);
    config.notifications[0].use_integration("65f0a1b2c3d4e5f6a7b8d001");
    let e = client
        .update_alert_config(&read_only(), PRODUCTION, &config)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, AtlasError::Forbidden(i) if i.error_code == "USER_UNAUTHORIZED"),
        "{e:?}"
    );
    let stored = stored_alert(&emu, PRODUCTION, alerts::PRODUCTION_OPLOG).await;
    assert_eq!(
        stored["notifications"][0]["serviceKey"],
        secrets::PAGER_DUTY_SERVICE_KEY
    );

    // A configuration gone since it was read.
    let mut gone = config.clone();
    gone.id = "0123456789abcdef01234567".into();
    let e = client
        .update_alert_config(&owner(), PRODUCTION, &gone)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, AtlasError::NotFound(i) if i.error_code == "ALERT_CONFIG_NOT_FOUND"),
        "{e:?}"
    );
    // Ids checked before anything is sent.
    emu.reset_counters().await;
    gone.id = "../../groups".into();
    let e = client
        .update_alert_config(&owner(), PRODUCTION, &gone)
        .await
        .unwrap_err();
    assert!(matches!(e, AtlasError::Invalid(_)), "{e:?}");
    let e = client
        .list_alert_configs(&owner(), "nope")
        .await
        .unwrap_err();
    assert!(matches!(e, AtlasError::Invalid(_)), "{e:?}");
    assert_eq!(count(&emu.counters().await).total, 0);
}
