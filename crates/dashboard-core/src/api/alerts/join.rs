//! The join of a project's alert configurations with its integrations, by the rules of
//! docs/alerts.md ("What the code does with these facts"): `integrationId` decides, even
//! when Atlas answers a key beside it (Terraform provider PR #2603); a key without
//! `integrationId` is the alert's own copy, matched to the integration's by hint.

use atlas_client::{AlertConfig, AlertNotification};
use atlas_registry::{hint_of_shown, FieldValue, Integration, IntegrationKind};

use super::{AlertRef, KeyMatch, KindAlerts, OwnKeyAlert};

/// Per integration type that any alert sends through, in registry order. An alert is listed
/// once per type and list, however many of its notifications go there.
pub fn join(
    integrations: &[Integration],
    alerts: &[AlertConfig],
) -> Vec<(IntegrationKind, KindAlerts)> {
    let mut kinds: Vec<(IntegrationKind, KindAlerts)> = Vec::new();
    for alert in alerts {
        for n in &alert.notifications {
            let Some(kind) = n.integration_kind() else {
                continue;
            };
            let integration = integrations.iter().find(|i| i.kind == kind);
            let slot = match kinds.iter().position(|(k, _)| *k == kind) {
                Some(i) => &mut kinds[i].1,
                None => {
                    kinds.push((kind, KindAlerts::default()));
                    &mut kinds.last_mut().expect("just pushed").1
                }
            };
            let named = || alert_ref(alert);
            let listed = |list: &[AlertRef]| list.iter().any(|a| a.id == alert.id);
            match (&n.integration_id, integration.and_then(|i| i.id.as_ref())) {
                (Some(used), Some(current)) if used == current => {
                    if !listed(&slot.using) {
                        slot.using.push(named());
                    }
                }
                (Some(_), _) => {
                    if !listed(&slot.elsewhere) {
                        slot.elsewhere.push(named());
                    }
                }
                (None, _) if !n.credentials.is_empty() => {
                    if !slot.own_key.iter().any(|o| o.alert.id == alert.id) {
                        slot.own_key.push(OwnKeyAlert {
                            alert: named(),
                            key: key_match(n, integration),
                        });
                    }
                }
                // Neither an integration nor a key: nothing to report for this type.
                (None, _) => {}
            }
        }
    }
    kinds.sort_by_key(|(k, _)| *k);
    kinds
}

pub(super) fn alert_ref(alert: &AlertConfig) -> AlertRef {
    let metric = alert
        .other
        .get("metricThreshold")
        .and_then(|m| m.get("metricName"))
        .and_then(|m| m.as_str())
        .map(str::to_string);
    AlertRef {
        id: alert.id.clone(),
        event_type: alert.event_type_name.clone(),
        metric,
        matchers: alert
            .matchers
            .iter()
            .map(|m| {
                let value = m.value.as_deref().unwrap_or_default();
                format!("{} {} {value}", m.field_name, m.operator)
                    .trim_end()
                    .to_string()
            })
            .collect(),
        enabled: alert.enabled,
    }
}

/// Compares each key the notification shows with the same field of the integration: all the
/// hints that can be compared agree (Same), one differs (Different), or none can be compared.
fn key_match(n: &AlertNotification, integration: Option<&Integration>) -> KeyMatch {
    let Some(integration) = integration else {
        return KeyMatch::Unknown;
    };
    let spec = integration.kind.spec();
    let mut compared = false;
    for (field, hint) in n.credential_hints() {
        let theirs = field.integration_field.and_then(|name| {
            let shown = match integration.values.get(name)? {
                FieldValue::Text(s) => s,
                _ => return None,
            };
            hint_of_shown(spec.field(name)?, shown)
        });
        match theirs {
            Some(theirs) if theirs == hint => compared = true,
            Some(_) => return KeyMatch::Different,
            None => {}
        }
    }
    if compared {
        KeyMatch::Same
    } else {
        KeyMatch::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn slack(token: &str, id: &str) -> Integration {
        let mut i = Integration::new(IntegrationKind::Slack);
        i.id = Some(id.into());
        i.values
            .insert("apiToken".into(), FieldValue::Text(token.into()));
        i.values
            .insert("channelName".into(), FieldValue::Text("#ops".into()));
        i
    }

    fn alert(id: &str, notifications: serde_json::Value) -> AlertConfig {
        AlertConfig::from_json(&json!({
            "id": id, "eventTypeName": "OUTSIDE_METRIC_THRESHOLD", "enabled": true,
            "matchers": [{"fieldName": "REPLICA_SET_NAME", "operator": "EQUALS", "value": "rs0"}],
            "metricThreshold": {"metricName": "CONNECTIONS_PERCENT", "operator": "GREATER_THAN"},
            "notifications": notifications,
        }))
        .unwrap()
    }

    const SLACK_ID: &str = "65f0a1b2c3d4e5f6a7b8cb01";

    #[test]
    fn integration_id_decides_even_beside_a_key_of_its_own() {
        let integrations = [slack("****abcd", SLACK_ID)];
        let alerts = [
            alert(
                "65f0a1b2c3d4e5f6a7b8ca01",
                json!([{"typeName": "SLACK", "integrationId": SLACK_ID, "apiToken": "****zzzz",
                        "notifierId": "65f0a1b2c3d4e5f6a7b8cc01"},
                       {"typeName": "SLACK", "integrationId": SLACK_ID,
                        "notifierId": "65f0a1b2c3d4e5f6a7b8cc02"}]),
            ),
            alert(
                "65f0a1b2c3d4e5f6a7b8ca02",
                json!([{"typeName": "EMAIL", "emailAddress": "a@example.com"}]),
            ),
        ];
        let kinds = join(&integrations, &alerts);
        assert_eq!(kinds.len(), 1);
        let (kind, slack) = &kinds[0];
        assert_eq!(*kind, IntegrationKind::Slack);
        // Two notifications of one alert: listed once.
        assert_eq!(slack.using.len(), 1);
        let used = &slack.using[0];
        assert_eq!(used.event_type, "OUTSIDE_METRIC_THRESHOLD");
        assert_eq!(used.metric.as_deref(), Some("CONNECTIONS_PERCENT"));
        assert_eq!(used.matchers, ["REPLICA_SET_NAME EQUALS rs0"]);
        assert!(slack.own_key.is_empty() && slack.elsewhere.is_empty());
    }

    #[test]
    fn own_keys_are_matched_by_hint() {
        let integrations = [slack("****abcd", SLACK_ID)];
        let alerts = [
            alert(
                "65f0a1b2c3d4e5f6a7b8ca03",
                json!([{"typeName": "SLACK", "apiToken": "****abcd", "channelName": "#ops"}]),
            ),
            alert(
                "65f0a1b2c3d4e5f6a7b8ca04",
                json!([{"typeName": "SLACK", "apiToken": "****9999", "channelName": "#ops"}]),
            ),
            alert(
                "65f0a1b2c3d4e5f6a7b8ca05",
                json!([{"typeName": "PAGER_DUTY", "serviceKey": "****1234"}]),
            ),
        ];
        let kinds = join(&integrations, &alerts);
        let own = |kind| {
            kinds
                .iter()
                .find(|(k, _)| *k == kind)
                .map(|(_, a)| a.own_key.iter().map(|o| o.key).collect::<Vec<_>>())
        };
        assert_eq!(
            own(IntegrationKind::Slack),
            Some(vec![KeyMatch::Same, KeyMatch::Different])
        );
        // No PagerDuty integration in the project: nothing to compare with.
        assert_eq!(
            own(IntegrationKind::PagerDuty),
            Some(vec![KeyMatch::Unknown])
        );
        // Registry order.
        assert_eq!(kinds[0].0, IntegrationKind::PagerDuty);
    }

    #[test]
    fn an_id_that_is_not_the_projects_integration_is_elsewhere() {
        let integrations = [slack("****abcd", SLACK_ID)];
        let alerts = [alert(
            "65f0a1b2c3d4e5f6a7b8ca06",
            json!([{"typeName": "SLACK", "integrationId": "65f0a1b2c3d4e5f6a7b8cbff"}]),
        )];
        let kinds = join(&integrations, &alerts);
        assert_eq!(kinds[0].1.elsewhere.len(), 1);
        assert!(kinds[0].1.using.is_empty());
        // Deleted: the same alert names an integration the project no longer has.
        let kinds = join(&[], &alerts);
        assert_eq!(kinds[0].1.elsewhere.len(), 1);
    }
}
