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

#[server(prefix = "/api", endpoint = "alerts/usage")]
pub async fn alert_usage(group_id: String) -> Result<ProjectAlerts, AppError> {
    respond(ssr::usage(group_id).await)
}

#[cfg(feature = "ssr")]
mod join;

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
