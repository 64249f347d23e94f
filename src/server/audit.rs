//! The audit trail of the dashboard's own writes: one structured log line (target `audit`)
//! per create, update or delete it sends to Atlas, saying who (the credential's public id),
//! where (project), what (type, action, the NAMES of the fields set or removed) and how it
//! ended. Never a value: names come from the registry's field list, so a secret cannot slip
//! in. Atlas's own record of the same change is its project events (the History pages);
//! this line is the dashboard's side, kept even when Atlas's answer was lost.

use atlas_registry::{Integration, IntegrationKind};

use crate::error::AppError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Create,
    Update,
    Delete,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
        }
    }
}

/// Names of the fields a write sets and removes, in the registry's order: only names the
/// registry knows for the type (nothing taken from user input verbatim).
pub fn field_names(integration: &Integration) -> (String, String) {
    let spec = integration.kind.spec();
    let names = |keep: &dyn Fn(&str) -> bool| {
        spec.fields
            .iter()
            .map(|f| f.name)
            .filter(|name| keep(name))
            .collect::<Vec<_>>()
            .join(",")
    };
    (
        names(&|n| integration.values.contains_key(n)),
        names(&|n| integration.cleared.contains(n)),
    )
}

/// How a write ended, in one word for the log.
pub fn outcome<T>(result: &Result<T, AppError>) -> &'static str {
    match result {
        Ok(_) => "applied",
        Err(AppError::Unconfirmed) => "unconfirmed",
        Err(_) => "refused",
    }
}

/// Writes the line. `set` and `removed` are field names (`field_names`), empty for a delete.
pub fn write(
    who: &str,
    group_id: &str,
    kind: IntegrationKind,
    action: Action,
    (set, removed): (&str, &str),
    outcome: &str,
) {
    tracing::info!(
        target: "audit",
        who,
        group_id,
        integration_type = kind.as_wire(),
        action = action.as_str(),
        fields_set = set,
        fields_removed = removed,
        outcome,
        "integration write"
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use atlas_registry::FieldValue;

    #[test]
    fn names_only_in_registry_order() {
        let mut i = Integration::new(IntegrationKind::OpsGenie);
        i.values
            .insert("region".into(), FieldValue::Text("EU".into()));
        i.values.insert(
            "apiKey".into(),
            FieldValue::Text("secret-value-1234".into()),
        );
        assert_eq!(field_names(&i), ("apiKey,region".into(), String::new()));
        let mut w = Integration::new(IntegrationKind::Webhook);
        w.cleared.insert("secret".into());
        w.cleared.insert("not-a-field".into());
        assert_eq!(field_names(&w), (String::new(), "secret".into()));
    }
}
