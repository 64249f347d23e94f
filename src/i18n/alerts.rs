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

fn plural(n: usize, one: Key, many: Key) -> String {
    if n == 1 {
        t(one).to_string()
    } else {
        tf(many, &[("count", &count(n))])
    }
}
