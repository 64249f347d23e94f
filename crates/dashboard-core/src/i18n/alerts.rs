//! The sentences about which alerts use an integration (`api::alerts`).

use atlas_registry::IntegrationKind;

use super::{count, kind_label, t, tf, Key};

/// "Used by 3 alerts", "Used by no alert".
pub fn used_by(n: usize) -> String {
    match n {
        0 => t(Key::AlertsUsedByNone).to_string(),
        n => plural(n, Key::AlertsUsedByOne, Key::AlertsUsedByMany),
    }
}

/// "2 alerts carry their own key for this service" (`n` ≥ 1).
pub fn own_key(n: usize) -> String {
    plural(n, Key::AlertsOwnKeyOne, Key::AlertsOwnKeyMany)
}

/// "1 alert names an integration this project no longer has" (`n` ≥ 1).
pub fn elsewhere(n: usize) -> String {
    plural(n, Key::AlertsElsewhereOne, Key::AlertsElsewhereMany)
}

pub fn unreadable(error: &str) -> String {
    tf(Key::AlertsUnreadable, &[("error", error)])
}

/// The accessible name of the list of alerts using `kind`.
pub fn list_label(kind: IntegrationKind) -> String {
    tf(Key::AlertsListLabel, &[("kind", kind_label(kind))])
}

/// "its own key → the project's PagerDuty integration".
pub fn switch_what(kind: IntegrationKind) -> String {
    tf(Key::AlertsSwitchWhat, &[("kind", kind_label(kind))])
}

pub fn no_integration_here(kind: IntegrationKind) -> String {
    tf(Key::AlertsNoIntegrationHere, &[("kind", kind_label(kind))])
}

/// `names` already joined.
pub fn old_key_unreadable(names: &str) -> String {
    tf(Key::AlertsOldKeyUnreadable, &[("names", names)])
}

fn plural(n: usize, one: Key, many: Key) -> String {
    if n == 1 {
        t(one).to_string()
    } else {
        tf(many, &[("count", &count(n))])
    }
}

/// A matrix cell's alerts: "3 alerts", "no alert", "1 alert · 2 with own key".
pub fn cell_counts(a: crate::api::fleet_advice::CellAlerts) -> String {
    let using = match a.using {
        0 => t(Key::AlertsCellNone).to_string(),
        n => plural(n as usize, Key::AlertsCellOne, Key::AlertsCellMany),
    };
    match a.own_key {
        0 => using,
        n => format!(
            "{using} · {}",
            tf(Key::AlertsCellOwnKey, &[("count", &count(n as usize))])
        ),
    }
}
