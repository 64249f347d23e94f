//! Which of a project's alert configurations use each of its integrations (issue #29): the
//! question an owner asks before deleting or rotating one, which no peer tool answers.
//!
//! Read with one more paginated call per project (`GET …/alertConfigs`, Project Read Only,
//! the same reach as the integrations list). The join follows docs/alerts.md, "What the code
//! does with these facts": a notification uses the project's integration when its
//! `integrationId` is that integration's `id`; a notification with a key of its own and no
//! `integrationId` carries its own copy, compared with the integration's by hint (last four,
//! or a URL's host). Nothing secret crosses: an alert is named by what it watches.

use atlas_registry::IntegrationKind;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::respond;

/// One alert configuration, named as a person recognises it: what it watches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertRef {
    pub id: String,
    /// Atlas's `eventTypeName` (`REPLICATION_OPLOG_WINDOW_RUNNING_OUT`, …).
    pub event_type: String,
    /// The metric of a metric alert (`metricThreshold.metricName`), when there is one.
    pub metric: Option<String>,
    /// Each matcher as `fieldName operator value` (`REPLICA_SET_NAME EQUALS rs0`).
    pub matchers: Vec<String>,
    pub enabled: bool,
}

/// Whether an alert's own copy of a key is the integration's key, as far as the two hints
/// Atlas shows can tell (a hint is four characters, or a host: equal hints are likely, not
/// certainly, the same key).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyMatch {
    Same,
    Different,
    /// No hint to compare: the project has no such integration, or the key is fully redacted.
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnKeyAlert {
    pub alert: AlertRef,
    pub key: KeyMatch,
}

/// The alerts that send through one integration type of a project.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindAlerts {
    /// Use the project's integration (`integrationId` is its id).
    pub using: Vec<AlertRef>,
    /// Carry a key of their own for the same service, without `integrationId`.
    pub own_key: Vec<OwnKeyAlert>,
    /// Name an `integrationId` that is not the project's integration of this type (one
    /// deleted or replaced since: what Atlas does with those is not documented).
    pub elsewhere: Vec<AlertRef>,
}

impl KindAlerts {
    pub fn is_empty(&self) -> bool {
        self.using.is_empty() && self.own_key.is_empty() && self.elsewhere.is_empty()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectAlerts {
    /// The project's alert settings in the Atlas UI, where each alert can be opened.
    pub alerts_ui_url: String,
    /// Per integration type that any alert sends through, in registry order.
    pub kinds: Vec<(IntegrationKind, KindAlerts)>,
}

impl ProjectAlerts {
    pub fn get(&self, kind: IntegrationKind) -> Option<&KindAlerts> {
        self.kinds.iter().find(|(k, _)| *k == kind).map(|(_, a)| a)
    }
}

/// A project where alerts carry their own copy of the secret a rotation replaces: they will
/// keep sending with the old one after it (issue #29).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OldKeyProject {
    pub group_id: String,
    pub name: String,
    /// Whether the project has an integration of the type, which the alerts could use instead.
    pub has_integration: bool,
    pub alerts: Vec<AlertRef>,
}

/// What switching one alert's notifications to the project's integration came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SwitchOutcome {
    Switched,
    /// Atlas refused the write (403): the credential may not write alert configurations.
    Refused,
    /// The alert no longer carries the old key (or is gone): nothing was sent.
    Changed,
    /// The project has no integration of the type to switch to: nothing was sent.
    NoIntegration,
    /// Atlas failed to answer or refused for another reason.
    Failed,
}

impl SwitchOutcome {
    pub const ALL: [SwitchOutcome; 5] = [
        SwitchOutcome::Switched,
        SwitchOutcome::Refused,
        SwitchOutcome::Changed,
        SwitchOutcome::NoIntegration,
        SwitchOutcome::Failed,
    ];

    /// Its word in the report page's address (`done=<project>.<alert>.<word>`).
    pub fn as_code(self) -> &'static str {
        match self {
            SwitchOutcome::Switched => "switched",
            SwitchOutcome::Refused => "refused",
            SwitchOutcome::Changed => "changed",
            SwitchOutcome::NoIntegration => "no-integration",
            SwitchOutcome::Failed => "failed",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_code() == code)
    }
}

/// One alert's outcome, as the report page's address carries it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwitchResult {
    pub group_id: String,
    pub alert_id: String,
    /// What the alert watches (`eventTypeName`), to name it in the report; empty if unread.
    pub event_type: String,
    pub outcome: SwitchOutcome,
}

impl SwitchResult {
    /// `<project>.<alert>.<outcome>.<EVENT_TYPE>`: ids, a word and an Atlas name, nothing
    /// typed by a person.
    pub fn to_param(&self) -> String {
        format!(
            "{}.{}.{}.{}",
            self.group_id,
            self.alert_id,
            self.outcome.as_code(),
            self.event_type
        )
    }

    pub fn from_param(param: &str) -> Option<Self> {
        let mut parts = param.splitn(4, '.');
        let (group_id, alert_id, code) = (parts.next()?, parts.next()?, parts.next()?);
        let event_type = parts.next().unwrap_or_default();
        let id = |s: &str| s.len() == 24 && s.bytes().all(|b| b.is_ascii_hexdigit());
        let atlas_name = event_type
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
        (id(group_id) && id(alert_id) && atlas_name).then_some(())?;
        Some(SwitchResult {
            group_id: group_id.to_string(),
            alert_id: alert_id.to_string(),
            event_type: event_type.to_string(),
            outcome: SwitchOutcome::from_code(code)?,
        })
    }
}

/// The control name of one alert's tick box in the switch form
/// (`alerts[a-<project>.<alert>]`: the form decoder reads a key that starts with a digit as a
/// list index, so the key starts with [`ALERT_PREFIX`]).
pub fn alert_control(group_id: &str, alert_id: &str) -> String {
    format!("alerts[{ALERT_PREFIX}{group_id}.{alert_id}]")
}

/// What [`alert_control`] puts before a project id.
pub const ALERT_PREFIX: &str = "a-";

/// Switches the ticked alerts' notifications that carry their own copy of the old secret
/// (`hint`) to the project's integration (`integrationId`), each re-read first; a plain form
/// is sent to the report (`links::alert_switch` with each outcome).
#[server(prefix = "/api", endpoint = "alerts/switch", output = crate::wire_json::Post)]
pub async fn switch_alerts(
    kind: String,
    field: String,
    hint: String,
    #[server(default)] alerts: std::collections::BTreeMap<String, String>,
) -> Result<Vec<SwitchResult>, AppError> {
    respond(switch::switch(kind, field, hint, alerts).await)
}

#[server(prefix = "/api", endpoint = "alerts/usage", output = crate::wire_json::Post)]
pub async fn alert_usage(group_id: String) -> Result<ProjectAlerts, AppError> {
    respond(ssr::usage(group_id).await)
}

#[cfg(feature = "ssr")]
mod join;

/// Per integration type, how many alerts use the project's integration and how many carry
/// their own key for the same service (the matrix's cells and the advisories).
#[cfg(feature = "ssr")]
pub fn alert_counts(
    integrations: &[atlas_registry::Integration],
    alerts: &[atlas_client::AlertConfig],
) -> Vec<(IntegrationKind, crate::api::fleet_advice::CellAlerts)> {
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    join::join(integrations, alerts)
        .into_iter()
        .map(|(kind, a)| {
            let counts = crate::api::fleet_advice::CellAlerts {
                using: count(a.using.len()),
                own_key: count(a.own_key.len()),
            };
            (kind, counts)
        })
        .collect()
}

#[cfg(feature = "ssr")]
pub(crate) mod switch;

#[cfg(feature = "ssr")]
mod ssr {
    use super::ProjectAlerts;
    use crate::api::input;
    use crate::error::AppError;
    use crate::server::UserAtlas;

    pub async fn usage(group_id: String) -> Result<ProjectAlerts, AppError> {
        let atlas = UserAtlas::current().await?;
        let group_id = input::group_id(&group_id)?;
        let (integrations, alerts) = futures::try_join!(
            atlas.integrations(&group_id),
            atlas.alert_configs(&group_id)
        )?;
        Ok(ProjectAlerts {
            alerts_ui_url: atlas.state().settings.alerts_ui_url(&group_id),
            kinds: super::join::join(&integrations, &alerts),
        })
    }
}
