//! The sentences of the fleet advisories (`api::fleet_advice`, `pages::advisories`).

use super::{count, t, tf, Key};
use crate::api::fleet_advice::Advice;

pub fn title(advice: Advice) -> &'static str {
    t(match advice {
        Advice::NewRelicRetired => Key::AdvisoriesNewRelicTitle,
        Advice::HipChat => Key::AdvisoriesHipchatTitle,
        Advice::TeamsConnector => Key::AdvisoriesTeamsConnectorTitle,
        Advice::OpsgenieEndOfSupport => Key::AdvisoriesOpsgenieTitle,
        Advice::SlackLegacyToken => Key::AdvisoriesSlackLegacyTokenTitle,
        Advice::OwnKeyAlerts => Key::AdvisoriesOwnKeyAlertsTitle,
        Advice::Unused => Key::AdvisoriesUnusedTitle,
    })
}

pub fn body(advice: Advice) -> &'static str {
    t(match advice {
        Advice::NewRelicRetired => Key::AdvisoriesNewRelicBody,
        Advice::HipChat => Key::AdvisoriesHipchatBody,
        Advice::TeamsConnector => Key::AdvisoriesTeamsConnectorBody,
        Advice::OpsgenieEndOfSupport => Key::AdvisoriesOpsgenieBody,
        Advice::SlackLegacyToken => Key::AdvisoriesSlackLegacyTokenBody,
        Advice::OwnKeyAlerts => Key::AdvisoriesOwnKeyAlertsBody,
        Advice::Unused => Key::AdvisoriesUnusedBody,
    })
}

/// "1 project", "12 projects".
pub fn projects(n: usize) -> String {
    match n {
        1 => t(Key::AdvisoriesProjectsOne).to_string(),
        n => tf(Key::AdvisoriesProjectsMany, &[("count", &count(n))]),
    }
}

pub fn more(n: usize) -> String {
    tf(Key::AdvisoriesMore, &[("count", &count(n))])
}

pub fn unreadable(names: &str) -> String {
    tf(Key::AdvisoriesUnreadable, &[("names", names)])
}

pub fn alerts_unreadable(names: &str) -> String {
    tf(Key::AdvisoriesAlertsUnreadable, &[("names", names)])
}
