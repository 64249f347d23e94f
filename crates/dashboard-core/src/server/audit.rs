//! The audit trail of the dashboard's own writes: one structured log line (target `audit`)
//! per create, update or delete it sends to Atlas, saying who (the credential's public id),
//! where (project), what (type, action, the NAMES of the fields set or removed) and how it
//! ended. Never a value: names come from the registry's field list, so a secret cannot slip
//! in. Atlas's own record of the same change is its project events (the History pages);
//! this line is the dashboard's side, kept even when Atlas's answer was lost. The same record
//! is kept as data in the journal (`journal`), which the history pages read.

use atlas_registry::Integration;

use super::journal::{Entry, Outcome};
use crate::error::AppError;

/// Names of the fields a write sets and removes, in the registry's order: only names the
/// registry knows for the type (nothing taken from user input verbatim).
pub fn field_names(integration: &Integration) -> (Vec<String>, Vec<String>) {
    let spec = integration.kind.spec();
    let names = |keep: &dyn Fn(&str) -> bool| {
        spec.fields
            .iter()
            .map(|f| f.name)
            .filter(|name| keep(name))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    (
        names(&|n| integration.values.contains_key(n)),
        names(&|n| integration.cleared.contains(n)),
    )
}

/// How a write ended.
pub fn outcome<T>(result: &Result<T, AppError>) -> Outcome {
    match result {
        Ok(_) => Outcome::Applied,
        Err(AppError::Unconfirmed) => Outcome::Unconfirmed,
        Err(_) => Outcome::Refused,
    }
}

/// Writes the line for a journal entry (`who` as the log may show it: `loggable_id`).
pub fn write(entry: &Entry) {
    tracing::info!(
        target: "audit",
        who = loggable_id(&entry.who).as_ref(),
        group_id = entry.group_id,
        integration_type = entry.kind.as_wire(),
        action = entry.action.as_str(),
        origin = ?entry.origin,
        fields_set = entry.set.join(","),
        fields_removed = entry.removed.join(","),
        outcome = entry.outcome.as_str(),
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
    use atlas_registry::{FieldValue, IntegrationKind};

    #[test]
    fn names_only_in_registry_order() {
        let mut i = Integration::new(IntegrationKind::OpsGenie);
        i.values
            .insert("region".into(), FieldValue::Text("EU".into()));
        i.values.insert(
            "apiKey".into(),
            FieldValue::Text("secret-value-1234".into()),
        );
        assert_eq!(
            field_names(&i),
            (vec!["apiKey".to_string(), "region".to_string()], vec![])
        );
        let mut w = Integration::new(IntegrationKind::Webhook);
        w.cleared.insert("secret".into());
        w.cleared.insert("not-a-field".into());
        assert_eq!(field_names(&w), (vec![], vec!["secret".to_string()]));
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
