//! What a fleet run would do in one project: the configuration to send over the current
//! one, and the changes the preview shows (secrets only as "replaced", never their values).

use atlas_registry::{FieldInput, FieldValue, Integration};

use crate::error::AppError;
use crate::fleet::{Cannot, Change, FieldChange, Plan};

/// The whole configuration to PUT over `current`: its plain values (secrets come back
/// masked and are never sent back), then what the user gave. A PUT that replaces the
/// whole configuration then keeps every plain value not typed; secrets not typed are
/// left out and checked afterwards (`writes::update`).
pub fn overlay(current: &Integration, given: &Integration) -> Integration {
    let mut out = Integration::new(given.kind);
    for field in given.kind.spec().fields.iter().filter(|f| !f.is_secret()) {
        if let Some(value) = current.values.get(field.name) {
            out.values.insert(field.name.to_string(), value.clone());
        }
    }
    for (name, value) in &given.values {
        out.values.insert(name.clone(), value.clone());
    }
    out
}

/// The fields `update` changes over `current`; secrets only as "replaced" (or "set" where
/// `current` has none, as a new configuration).
pub fn changes(current: &Integration, update: &Integration) -> Vec<FieldChange> {
    let shown = |v: &FieldValue| match v {
        FieldValue::Text(s) => s.clone(),
        FieldValue::Bool(b) => b.to_string(),
    };
    let mut out = Vec::new();
    for field in update.kind.spec().fields {
        let Some(to) = update.values.get(field.name) else {
            continue;
        };
        let change = if field.is_secret() {
            match current.values.contains_key(field.name) {
                true => Change::Replaced,
                false => Change::SecretSet,
            }
        } else {
            let from = current
                .values
                .get(field.name)
                .map(shown)
                .or(match field.input {
                    FieldInput::Toggle { default } => Some(default.to_string()),
                    _ => None,
                });
            let to = shown(to);
            if from.as_deref() == Some(to.as_str()) {
                continue;
            }
            Change::Set { from, to }
        };
        out.push(FieldChange {
            field: field.name.to_string(),
            change,
        });
    }
    out
}

/// The plan for an update of `current` to `update`.
pub fn update_plan(current: &Integration, update: &Integration) -> Plan {
    let changes = changes(current, update);
    if changes.is_empty() {
        Plan::Unchanged
    } else {
        Plan::Update(changes)
    }
}

/// What a project whose configuration could not be read is.
pub fn unreadable(error: AppError) -> Plan {
    Plan::Cannot(match error {
        AppError::OutOfReach(_) => Cannot::OutOfReach,
        AppError::Forbidden(_) => Cannot::ReadOnly,
        other => Cannot::Unreadable(other),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use atlas_registry::IntegrationKind;

    fn text(v: &str) -> FieldValue {
        FieldValue::Text(v.into())
    }

    #[test]
    fn overlay_keeps_plain_values_and_never_masked_secrets() {
        let mut current = Integration::new(IntegrationKind::VictorOps);
        current.values.insert("apiKey".into(), text("****1234"));
        current.values.insert("routingKey".into(), text("ops"));
        let mut given = Integration::new(IntegrationKind::VictorOps);
        given.values.insert("apiKey".into(), text("new-key-5678"));
        let update = overlay(&current, &given);
        assert_eq!(update.text("apiKey"), Some("new-key-5678"));
        assert_eq!(update.text("routingKey"), Some("ops"));
        assert_eq!(
            changes(&current, &update),
            vec![FieldChange {
                field: "apiKey".into(),
                change: Change::Replaced
            }]
        );
        // Nothing typed over the current plain values: unchanged.
        let same = overlay(&current, &Integration::new(IntegrationKind::VictorOps));
        assert_eq!(update_plan(&current, &same), Plan::Unchanged);
        assert!(same.text("apiKey").is_none());
    }
}
