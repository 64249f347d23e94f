//! Alerts that carry their own copy of a secret being rotated, and switching them to the
//! project's integration (issue #29). An alert's notification carries its own copy when it
//! has no `integrationId` and one of its keys (the field that maps to the rotated one,
//! `NotificationField::integration_field`) shows the old secret's hint. Switching sends the
//! configuration back with `integrationId` and without its own keys
//! (`AlertNotification::use_integration`); every other field stays as read. docs/alerts.md.

use std::collections::BTreeMap;

use atlas_client::AlertConfig;
use atlas_registry::{FieldSpec, Integration, IntegrationKind, NotificationKind, SecretHint};
use futures::StreamExt;

use super::join::alert_ref;
use super::{AlertRef, OldKeyProject, SwitchOutcome, SwitchResult, ALERT_PREFIX};
use crate::api::{input, LOOKUPS_IN_FLIGHT};
use crate::error::AppError;
use crate::links;
use crate::server::{redirect_plain_form, UserAtlas};

/// At most this many alerts in one switch: a page of them, not a fleet's worth by accident.
const MAX_ALERTS: usize = 500;

/// Whether one of `n`'s own keys for `field` shows `hint`, with no `integrationId`.
fn carries_old_key(
    n: &atlas_client::AlertNotification,
    notification: NotificationKind,
    field: &FieldSpec,
    hint: &SecretHint,
) -> bool {
    n.kind() == Some(notification)
        && n.integration_id.is_none()
        && n.credential_hints()
            .iter()
            .any(|(f, h)| f.integration_field == Some(field.name) && h == hint)
}

/// The alerts of one project with their own copy of the old secret.
pub fn old_key_alerts(
    kind: IntegrationKind,
    field: &FieldSpec,
    hint: &SecretHint,
    alerts: &[AlertConfig],
) -> Vec<AlertRef> {
    let Some(notification) = NotificationKind::for_integration(kind) else {
        return Vec::new();
    };
    alerts
        .iter()
        .filter(|a| {
            a.notifications
                .iter()
                .any(|n| carries_old_key(n, notification, field, hint))
        })
        .map(alert_ref)
        .collect()
}

/// Switches `alert`'s notifications that carry the old key to `integration_id`; whether any
/// did.
pub fn switch_notifications(
    alert: &mut AlertConfig,
    kind: IntegrationKind,
    field: &FieldSpec,
    hint: &SecretHint,
    integration_id: &str,
) -> bool {
    let Some(notification) = NotificationKind::for_integration(kind) else {
        return false;
    };
    let mut switched = false;
    for n in &mut alert.notifications {
        if carries_old_key(n, notification, field, hint) {
            n.use_integration(integration_id);
            switched = true;
        }
    }
    switched
}

/// Every project's alerts with their own copy of the old secret, beside the projects whose
/// alerts could not be read (they may hold it too). `projects` are (id, name, the project's
/// integration of `kind` if read).
pub async fn old_key_projects(
    atlas: &UserAtlas,
    projects: Vec<(String, String, Option<Integration>)>,
    kind: IntegrationKind,
    field: &'static FieldSpec,
    hint: &SecretHint,
) -> (Vec<OldKeyProject>, Vec<String>) {
    if NotificationKind::for_integration(kind).is_none() {
        return (Vec::new(), Vec::new());
    }
    let reads: Vec<_> = futures::stream::iter(projects)
        .map(|(id, name, current)| async move {
            let read = atlas.alert_configs_if_visible(&id).await;
            (id, name, current, read)
        })
        .buffered(LOOKUPS_IN_FLIGHT)
        .collect()
        .await;
    let mut found = Vec::new();
    let mut unreadable = Vec::new();
    for (group_id, name, current, read) in reads {
        let Some(configs) = read else {
            unreadable.push(name);
            continue;
        };
        let alerts = old_key_alerts(kind, field, hint, &configs);
        if !alerts.is_empty() {
            found.push(OldKeyProject {
                group_id,
                name,
                has_integration: current.is_some_and(|i| i.id.is_some()),
                alerts,
            });
        }
    }
    (found, unreadable)
}

/// The ticked alerts, checked: (project id, alert id) pairs, at least one, at most
/// [`MAX_ALERTS`], grouped by project.
fn picked(alerts: &BTreeMap<String, String>) -> Result<BTreeMap<String, Vec<String>>, AppError> {
    let mut by_project: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut count = 0;
    for (key, value) in alerts {
        if !matches!(value.as_str(), "on" | "true") {
            continue;
        }
        let key = key.strip_prefix(ALERT_PREFIX).unwrap_or(key);
        let (group_id, alert_id) = key.split_once('.').unwrap_or((key, ""));
        let group_id = input::group_id(group_id)?;
        // An alert configuration id has a project id's pattern (docs/alerts.md).
        let alert_id = input::group_id(alert_id)?;
        by_project.entry(group_id).or_default().push(alert_id);
        count += 1;
    }
    if count == 0 {
        return Err(AppError::BadRequest(
            crate::i18n::t(crate::i18n::Key::AlertsNoneChosen).into(),
        ));
    }
    if count > MAX_ALERTS {
        return Err(AppError::BadRequest(crate::i18n::tf(
            crate::i18n::Key::AlertsTooMany,
            &[
                ("count", &count.to_string()),
                ("max", &MAX_ALERTS.to_string()),
            ],
        )));
    }
    Ok(by_project)
}

pub async fn switch(
    kind: String,
    field: String,
    hint: String,
    alerts: BTreeMap<String, String>,
) -> Result<Vec<SwitchResult>, AppError> {
    // Everything sent is checked before Atlas is asked anything.
    let (kind, field) = input::secret_field(&kind, &field)?;
    let typed_hint = hint;
    let hint = input::hint(field, &typed_hint)?;
    let by_project = picked(&alerts)?;
    let atlas = UserAtlas::current().await?;
    let mut results = Vec::new();
    for (group_id, alert_ids) in by_project {
        let outcomes = switch_in_project(&atlas, &group_id, &alert_ids, kind, field, &hint).await;
        results.extend(alert_ids.into_iter().zip(outcomes).map(
            |(alert_id, (outcome, event_type))| SwitchResult {
                group_id: group_id.clone(),
                alert_id,
                event_type,
                outcome,
            },
        ));
    }
    let done: Vec<String> = results.iter().map(SwitchResult::to_param).collect();
    redirect_plain_form(&links::alert_switch(kind, field.name, hint.as_str(), &done));
    Ok(results)
}

/// One project: its integration and alert configurations read again, then each alert that
/// still carries the old key written with `integrationId`, one after another. Each outcome
/// with the alert's event type (empty when it was not read).
async fn switch_in_project(
    atlas: &UserAtlas,
    group_id: &str,
    alert_ids: &[String],
    kind: IntegrationKind,
    field: &FieldSpec,
    hint: &SecretHint,
) -> Vec<(SwitchOutcome, String)> {
    let read = futures::try_join!(atlas.integrations(group_id), atlas.alert_configs(group_id));
    let (integrations, configs) = match read {
        Ok(read) => read,
        Err(error) => return vec![(outcome_of(&error), String::new()); alert_ids.len()],
    };
    let integration_id = integrations
        .into_iter()
        .find(|i| i.kind == kind)
        .and_then(|i| i.id);
    let mut outcomes = Vec::new();
    for alert_id in alert_ids {
        let Some(mut config) = configs.iter().find(|c| &c.id == alert_id).cloned() else {
            outcomes.push((SwitchOutcome::Changed, String::new()));
            continue;
        };
        let event_type = config.event_type_name.clone();
        let Some(integration_id) = integration_id.as_deref() else {
            outcomes.push((SwitchOutcome::NoIntegration, event_type));
            continue;
        };
        if !switch_notifications(&mut config, kind, field, hint, integration_id) {
            outcomes.push((SwitchOutcome::Changed, event_type));
            continue;
        }
        let outcome = match atlas.update_alert_config(group_id, &config).await {
            Ok(_) => SwitchOutcome::Switched,
            Err(error) => outcome_of(&error),
        };
        outcomes.push((outcome, event_type));
    }
    outcomes
}

fn outcome_of(error: &AppError) -> SwitchOutcome {
    match error {
        AppError::Forbidden(_) => SwitchOutcome::Refused,
        _ => SwitchOutcome::Failed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config(notifications: serde_json::Value) -> AlertConfig {
        AlertConfig::from_json(&json!({
            "id": "65f0a1b2c3d4e5f6a7b8ca03", "eventTypeName": "NO_PRIMARY", "enabled": true,
            "notifications": notifications,
        }))
        .unwrap()
    }

    fn service_key() -> (&'static FieldSpec, SecretHint) {
        let (_, field) = input::secret_field("PAGER_DUTY", "serviceKey").unwrap();
        (field, input::hint(field, "0022").unwrap())
    }

    #[test]
    fn only_own_copies_with_the_old_hint_are_found_and_switched() {
        let (field, hint) = service_key();
        let kind = IntegrationKind::PagerDuty;
        let own = config(json!([
            {"typeName": "GROUP", "emailEnabled": true},
            {"typeName": "PAGER_DUTY", "serviceKey": "****0022", "region": "EU",
             "notifierId": "65f0a1b2c3d4e5f6a7b8cc01"}]));
        let other_key = config(json!([{"typeName": "PAGER_DUTY", "serviceKey": "****9c41"}]));
        let linked = config(json!([{"typeName": "PAGER_DUTY", "serviceKey": "****0022",
            "integrationId": "65f0a1b2c3d4e5f6a7b8cb01"}]));
        let found = old_key_alerts(
            kind,
            field,
            &hint,
            &[own.clone(), other_key.clone(), linked],
        );
        assert_eq!(found.len(), 1);

        let mut switched = own.clone();
        assert!(switch_notifications(
            &mut switched,
            kind,
            field,
            &hint,
            "65f0a1b2c3d4e5f6a7b8cb01"
        ));
        let body = switched.to_request_json();
        let pd = &body["notifications"][1];
        assert_eq!(pd["integrationId"], "65f0a1b2c3d4e5f6a7b8cb01");
        assert!(pd.get("serviceKey").is_none(), "{pd}");
        // Everything else as read: the region, the notifier, the other notification.
        assert_eq!(pd["region"], "EU");
        assert_eq!(pd["notifierId"], "65f0a1b2c3d4e5f6a7b8cc01");
        assert_eq!(body["notifications"][0]["typeName"], "GROUP");
        let mut untouched = other_key;
        assert!(!switch_notifications(
            &mut untouched,
            kind,
            field,
            &hint,
            "x"
        ));
    }

    #[test]
    fn the_ticks_are_checked_before_atlas() {
        let form = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>()
        };
        assert!(picked(&form(&[])).is_err());
        assert!(picked(&form(&[("65f0a1b2c3d4e5f6a7b8c901.nope", "on")])).is_err());
        let ok = picked(&form(&[
            ("a-65f0a1b2c3d4e5f6a7b8c901.65f0a1b2c3d4e5f6a7b8ca03", "on"),
            ("a-65f0a1b2c3d4e5f6a7b8c901.65f0a1b2c3d4e5f6a7b8ca04", "off"),
        ]))
        .unwrap();
        assert_eq!(ok.len(), 1);
        assert_eq!(ok["65f0a1b2c3d4e5f6a7b8c901"], ["65f0a1b2c3d4e5f6a7b8ca03"]);
    }

    #[test]
    fn outcomes_survive_the_address() {
        let result = SwitchResult {
            group_id: "65f0a1b2c3d4e5f6a7b8c901".into(),
            alert_id: "65f0a1b2c3d4e5f6a7b8ca03".into(),
            event_type: "REPLICATION_OPLOG_WINDOW_RUNNING_OUT".into(),
            outcome: SwitchOutcome::NoIntegration,
        };
        assert_eq!(
            SwitchResult::from_param(&result.to_param()),
            Some(result.clone())
        );
        assert_eq!(SwitchResult::from_param("x.y.switched"), None);
        let typed = format!("{}<script>", result.to_param());
        assert_eq!(SwitchResult::from_param(&typed), None);
    }
}
