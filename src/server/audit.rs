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

/// What the log may show of a typed credential id: the id itself when it has the shape of
/// one (an API key's public key: 8 lowercase letters or digits; a service account's client
/// id: `mdb_sa_id_` and 24 hex digits, as Atlas issues them), else a short fingerprint
/// (`sha256:` and 12 hex digits), so a private key pasted into the id field never reaches
/// the log, and the same wrong input still reads the same in every line.
pub fn loggable_id(public_id: &str) -> std::borrow::Cow<'_, str> {
    use sha2::{Digest, Sha256};
    let api_key = public_id.len() == 8
        && public_id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    let service_account = public_id
        .strip_prefix("mdb_sa_id_")
        .is_some_and(|hex| hex.len() == 24 && hex.bytes().all(|b| b.is_ascii_hexdigit()));
    if api_key || service_account {
        return public_id.into();
    }
    let digest = Sha256::digest(public_id.as_bytes());
    let hex: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}").into()
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

    #[test]
    fn only_an_id_shaped_like_one_is_logged() {
        assert_eq!(loggable_id("demoownr"), "demoownr");
        assert_eq!(
            loggable_id("mdb_sa_id_6650f1a2b3c4d5e6f7a8b9d1"),
            "mdb_sa_id_6650f1a2b3c4d5e6f7a8b9d1"
        );
        let pasted = "3f2b8e0c-1d4a-4c9e-9b7a-5e6f7a8b9c0d";
        let shown = loggable_id(pasted);
        assert!(shown.starts_with("sha256:") && shown.len() == 19, "{shown}");
        assert!(!shown.contains("3f2b8e0c"));
        assert_eq!(shown, loggable_id(pasted), "the same input reads the same");
        assert!(loggable_id("mdb_sa_sk_Zq3vX9tL2mR8wK4pN7cJ5hF1dB6gY0sA").starts_with("sha256:"));
    }
}
