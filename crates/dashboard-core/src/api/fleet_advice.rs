//! Fleet advisories (issue #29): what across the fleet needs attention, each a rule over one
//! matrix cell, so that the advisories page and the matrix's `advice=` filter find the same
//! projects. The dates and sources are in docs/advisories.md; the page links each source.
//!
//! The rules read only what the matrix already shows (the type, the masked secret's hint,
//! the plain settings) and, for the two alert advisories, the cell's alert counts (one more
//! paginated call per project, made only when asked).

use atlas_registry::{IntegrationKind, NotificationKind};
use serde::{Deserialize, Serialize};

/// How many of a project's alert configurations send through one integration type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellAlerts {
    /// Alerts whose notification uses the project's integration (`integrationId`).
    pub using: u32,
    /// Alerts with a key of their own for the same service: they could use the integration
    /// instead, and a rotation of the integration's key leaves them on theirs.
    pub own_key: u32,
}

/// One advisory. Serialised as its code ([`Advice::as_code`]), as the address carries it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Advice {
    /// New Relic's plugin-based integration, unsupported by New Relic since 2021-06-16.
    #[serde(rename = "new-relic")]
    NewRelicRetired,
    /// HipChat: discontinued on 2019-02-15; the API has no integration schema for it.
    #[serde(rename = "hipchat")]
    HipChat,
    /// A Microsoft Teams incoming webhook on `webhook.office.com`: an Office 365 connector,
    /// which Microsoft retires in favour of Workflows.
    #[serde(rename = "teams-connector")]
    TeamsConnector,
    /// Opsgenie: end of sales 2025-06-04, end of support 2027-04-05 (Atlassian).
    #[serde(rename = "opsgenie")]
    OpsgenieEndOfSupport,
    /// A Slack integration configured with a legacy token (it names a team: the spec says
    /// `teamName` is set for a legacy integration).
    #[serde(rename = "slack-legacy-token")]
    SlackLegacyToken,
    /// Configured, and no alert uses it.
    #[serde(rename = "unused")]
    Unused,
    /// Alerts carry their own key for a service the project has an integration for.
    #[serde(rename = "own-key-alerts")]
    OwnKeyAlerts,
}

impl Advice {
    /// In the order the advisories page lists them: the services going away first.
    pub const ALL: [Advice; 7] = [
        Advice::NewRelicRetired,
        Advice::HipChat,
        Advice::TeamsConnector,
        Advice::OpsgenieEndOfSupport,
        Advice::SlackLegacyToken,
        Advice::OwnKeyAlerts,
        Advice::Unused,
    ];

    /// Its word in the matrix's address (`/fleet?advice=teams-connector`).
    pub fn as_code(self) -> &'static str {
        match self {
            Advice::NewRelicRetired => "new-relic",
            Advice::HipChat => "hipchat",
            Advice::TeamsConnector => "teams-connector",
            Advice::OpsgenieEndOfSupport => "opsgenie",
            Advice::SlackLegacyToken => "slack-legacy-token",
            Advice::Unused => "unused",
            Advice::OwnKeyAlerts => "own-key-alerts",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_code() == code)
    }

    /// Whether finding it needs the projects' alert configurations.
    pub fn needs_alerts(self) -> bool {
        matches!(self, Advice::Unused | Advice::OwnKeyAlerts)
    }

    /// Where the fact comes from (docs/advisories.md has each one with its date and words).
    pub fn source(self) -> &'static str {
        match self {
            // The spec's `NewRelic` and `Slack` schema descriptions.
            Advice::NewRelicRetired | Advice::SlackLegacyToken => {
                "https://www.mongodb.com/docs/api/doc/atlas-admin-api-v2/2023-01-01/operation/operation-updategroupintegration"
            }
            Advice::HipChat => {
                "https://www.techpartner.news/news/atlassian-kills-stride-and-hipchat-partners-with-slack-instead-499135"
            }
            Advice::TeamsConnector => {
                "https://devblogs.microsoft.com/microsoft365dev/retirement-of-office-365-connectors-within-microsoft-teams/"
            }
            Advice::OpsgenieEndOfSupport => {
                "https://support.atlassian.com/opsgenie/docs/what-happens-when-opsgenie-is-turned-off/"
            }
            Advice::Unused | Advice::OwnKeyAlerts => {
                "https://www.mongodb.com/docs/api/doc/atlas-admin-api-v2/operation/operation-listgroupalertconfigs"
            }
        }
    }

    /// Whether it concerns one configured integration, as the matrix shows it. `alerts` is
    /// `None` when the project's alerts were not read: the alert advisories then say nothing
    /// (not "unused": unknown is not none).
    pub fn concerns(self, cell: CellFacts<'_>) -> bool {
        let is = |kind| cell.kind == kind;
        match self {
            Advice::NewRelicRetired => is(IntegrationKind::NewRelic),
            Advice::HipChat => is(IntegrationKind::HipChat),
            Advice::TeamsConnector => {
                is(IntegrationKind::MicrosoftTeams) && cell.hint.is_some_and(is_office_connector)
            }
            Advice::OpsgenieEndOfSupport => is(IntegrationKind::OpsGenie),
            Advice::SlackLegacyToken => {
                is(IntegrationKind::Slack) && cell.team_name.is_some_and(|t| !t.trim().is_empty())
            }
            // Only a type an alert can send through can be unused (not Prometheus).
            Advice::Unused => {
                NotificationKind::for_integration(cell.kind).is_some()
                    && cell.alerts.is_some_and(|a| a.using == 0)
            }
            Advice::OwnKeyAlerts => cell.alerts.is_some_and(|a| a.own_key > 0),
        }
    }
}

/// What a rule reads of one configured integration.
#[derive(Clone, Copy, Debug)]
pub struct CellFacts<'a> {
    pub kind: IntegrationKind,
    /// The masked secret as shown: for a Teams webhook, its URL with the path masked.
    pub hint: Option<&'a str>,
    /// Slack's `teamName`, when set.
    pub team_name: Option<&'a str>,
    pub alerts: Option<CellAlerts>,
}

/// A Teams webhook URL's host that belongs to the Office 365 connectors
/// (`<tenant>.webhook.office.com`, or the older `outlook.office.com` / `outlook.office365.com`
/// whose path is `/webhook/…`), as opposed to a Workflows URL (`*.logic.azure.com`,
/// `*.powerplatform.com`, …).
/// `shown` is the masked URL as the matrix shows it (`https://x.webhook.office.com/****7e3a`)
/// or a bare host.
fn is_office_connector(shown: &str) -> bool {
    let after_scheme = shown
        .trim()
        .split_once("://")
        .map_or(shown, |(_, rest)| rest);
    let authority = after_scheme
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default();
    let host = authority.rsplit('@').next().unwrap_or_default();
    let host = host.split(':').next().unwrap_or_default();
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == "webhook.office.com"
        || host.ends_with(".webhook.office.com")
        || host == "outlook.office.com"
        || host == "outlook.office365.com"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(kind: IntegrationKind) -> CellFacts<'static> {
        CellFacts {
            kind,
            hint: None,
            team_name: None,
            alerts: None,
        }
    }

    #[test]
    fn codes_survive_the_address() {
        for advice in Advice::ALL {
            assert_eq!(Advice::from_code(advice.as_code()), Some(advice));
        }
        assert_eq!(Advice::from_code("NEW_RELIC"), None);
        // The serialised form is the code too: one spelling in addresses and answers.
        for advice in Advice::ALL {
            let json = serde_json::to_string(&advice).unwrap();
            assert_eq!(json, format!("\"{}\"", advice.as_code()));
        }
    }

    #[test]
    fn a_teams_webhook_is_a_connector_by_its_host_only() {
        let teams = |hint| CellFacts {
            hint: Some(hint),
            ..cell(IntegrationKind::MicrosoftTeams)
        };
        let advice = Advice::TeamsConnector;
        assert!(advice.concerns(teams("contoso.webhook.office.com")));
        assert!(advice.concerns(teams("https://contoso.webhook.office.com/****a2b3")));
        assert!(!advice.concerns(teams("https://prod-01.westus.logic.azure.com/****a2b3")));
        assert!(!advice.concerns(teams("https://webhook.office.com.evil.example/****a2b3")));
        assert!(advice.concerns(teams("outlook.office.com")));
        assert!(!advice.concerns(teams("prod-01.westus.logic.azure.com")));
        assert!(!advice.concerns(teams("webhook.office.com.evil.example")));
        assert!(!advice.concerns(cell(IntegrationKind::MicrosoftTeams)));
    }

    #[test]
    fn slack_is_legacy_when_it_names_a_team() {
        let slack = |team| CellFacts {
            team_name: team,
            ..cell(IntegrationKind::Slack)
        };
        assert!(Advice::SlackLegacyToken.concerns(slack(Some("Example-Corp"))));
        assert!(!Advice::SlackLegacyToken.concerns(slack(Some(" "))));
        assert!(!Advice::SlackLegacyToken.concerns(slack(None)));
    }

    #[test]
    fn alert_advice_needs_the_alerts_and_a_type_alerts_can_use() {
        let with = |kind, using, own_key| CellFacts {
            alerts: Some(CellAlerts { using, own_key }),
            ..cell(kind)
        };
        assert!(Advice::Unused.concerns(with(IntegrationKind::Webhook, 0, 0)));
        assert!(!Advice::Unused.concerns(with(IntegrationKind::Webhook, 2, 0)));
        // Unknown is not unused.
        assert!(!Advice::Unused.concerns(cell(IntegrationKind::Webhook)));
        // No alert can send through Prometheus: never "unused".
        assert!(!Advice::Unused.concerns(with(IntegrationKind::Prometheus, 0, 0)));
        assert!(Advice::OwnKeyAlerts.concerns(with(IntegrationKind::PagerDuty, 1, 2)));
        assert!(!Advice::OwnKeyAlerts.concerns(with(IntegrationKind::PagerDuty, 1, 0)));
    }
}
