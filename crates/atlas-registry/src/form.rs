//! From what a form submits (field name → text, as `<form>` posts it) to an [`Integration`]
//! ready to send, validated. Shared by the browser (inline validation) and the server
//! functions (the check that counts), so both read a form the same way.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::model::{FieldValue, Integration};
use super::registry::{FieldInput, IntegrationKind};
use super::validate::{validate_for_write, FieldError, WriteMode};

/// A submitted form: field name → text. Unchecked checkboxes are absent, as in HTML. The
/// form's controls are named `values[name]` (see [`value_control`]); the "remove" boxes of
/// set optional fields `remove[name]` ([`remove_control`]), read into a map of their own.
///
/// A map with a `Debug` that shows the field names only: the values include secrets, and the
/// server functions' argument structs derive `Debug` from their fields.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FormValues(BTreeMap<String, String>);

impl FormValues {
    pub fn new() -> Self {
        FormValues::default()
    }
}

impl std::ops::Deref for FormValues {
    type Target = BTreeMap<String, String>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for FormValues {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for FormValues {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        FormValues(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

impl std::fmt::Debug for FormValues {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

/// The control name of a field's value, as the server functions' `values` map reads it.
pub fn value_control(field: &str) -> String {
    format!("values[{field}]")
}

/// The control name of a field's "remove" box, as the server functions' `remove` map reads it.
pub fn remove_control(field: &str) -> String {
    format!("remove[{field}]")
}

/// The field a control name belongs to, and whether it is a "remove" box.
pub fn control_field(control: &str) -> Option<(&str, bool)> {
    let inner = |prefix: &str| {
        control
            .strip_prefix(prefix)
            .and_then(|k| k.strip_suffix(']'))
    };
    inner("values[")
        .map(|f| (f, false))
        .or_else(|| inner("remove[").map(|f| (f, true)))
}

/// Reads a form for `kind`. Empty text is "not given" (for a secret on update: keep the
/// current one). Whitespace around single-line values is dropped (a pasted key often brings
/// a newline); templates are kept as typed. A toggle is on when submitted as `on`/`true`.
/// Keys that are not fields of `kind` are ignored: only the kind's fields are ever sent.
/// A field in `remove` (its box ticked) is sent as a removal; validation refuses that where a
/// field cannot be removed or a new value was typed too.
pub fn integration_from_form(
    kind: IntegrationKind,
    form: &FormValues,
    remove: &FormValues,
    mode: WriteMode,
) -> Result<Integration, Vec<FieldError>> {
    let integration = read_form(kind, form, remove);
    let errors = validate_for_write(&integration, mode);
    if errors.is_empty() {
        Ok(integration)
    } else {
        Err(errors)
    }
}

/// Reads a form as [`integration_from_form`] does, without validating it: for a caller
/// that sends only some fields (rotate: the secrets) and validates those.
pub fn read_form(kind: IntegrationKind, form: &FormValues, remove: &FormValues) -> Integration {
    let mut integration = Integration::new(kind);
    for field in kind.spec().fields {
        if remove
            .get(field.name)
            .is_some_and(|v| matches!(v.as_str(), "on" | "true"))
        {
            integration.cleared.insert(field.name.to_string());
            // A plain field's input shows the current value, so its text is no new value:
            // "Remove" wins. A secret is never pre-filled, so text there is typed on purpose
            // and validation asks which one is meant.
            if !field.is_secret() {
                continue;
            }
        }
        let raw = form.get(field.name).map(String::as_str);
        let value = match field.input {
            FieldInput::Toggle { .. } => Some(FieldValue::Bool(matches!(raw, Some("on" | "true")))),
            FieldInput::TextArea => raw
                .filter(|s| !s.trim().is_empty())
                .map(|s| FieldValue::Text(s.to_string())),
            _ => raw
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| FieldValue::Text(s.to_string())),
        };
        if let Some(value) = value {
            integration.values.insert(field.name.to_string(), value);
        }
    }
    integration
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FieldProblem;

    fn form(pairs: &[(&str, &str)]) -> FormValues {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// A form with no "remove" box ticked.
    fn read(
        kind: IntegrationKind,
        f: &FormValues,
        mode: WriteMode,
    ) -> Result<Integration, Vec<FieldError>> {
        integration_from_form(kind, f, &FormValues::new(), mode)
    }

    #[test]
    fn blank_secret_on_update_is_left_out_so_atlas_keeps_it() {
        let f = form(&[("serviceKey", ""), ("region", "EU")]);
        let i = read(IntegrationKind::PagerDuty, &f, WriteMode::Update).unwrap();
        assert!(!i.values.contains_key("serviceKey"));
        assert_eq!(i.text("region"), Some("EU"));
        assert!(!i.to_request_json().to_string().contains("serviceKey"));
    }

    #[test]
    fn blank_secret_on_create_is_required() {
        let f = form(&[("serviceKey", "  "), ("region", "EU")]);
        let errs = read(IntegrationKind::PagerDuty, &f, WriteMode::Create).unwrap_err();
        assert_eq!(
            errs,
            vec![FieldError {
                field: "serviceKey".into(),
                problem: FieldProblem::Required
            }]
        );
    }

    #[test]
    fn masked_value_is_refused_and_never_becomes_a_request() {
        let f = form(&[
            ("serviceKey", "************************abcd"),
            ("region", "US"),
        ]);
        let errs = read(IntegrationKind::PagerDuty, &f, WriteMode::Update).unwrap_err();
        assert_eq!(errs[0].problem, FieldProblem::LooksMasked);
    }

    #[test]
    fn toggles_absent_are_off_and_foreign_keys_are_dropped() {
        let f = form(&[
            ("apiKey", "abc123"),
            ("region", "US"),
            ("sendDatabaseMetrics", "on"),
            ("url", "x"),
        ]);
        let i = read(IntegrationKind::Datadog, &f, WriteMode::Create).unwrap();
        assert_eq!(
            i.values.get("sendDatabaseMetrics"),
            Some(&FieldValue::Bool(true))
        );
        assert_eq!(
            i.values.get("sendQueryStatsMetrics"),
            Some(&FieldValue::Bool(false))
        );
        assert!(!i.values.contains_key("url"));
    }

    #[test]
    fn a_ticked_remove_box_clears_the_field() {
        let f = form(&[("url", "https://h.example/x"), ("secret", "")]);
        let remove = form(&[("secret", "on"), ("bodyTemplate", "on")]);
        let i = integration_from_form(IntegrationKind::Webhook, &f, &remove, WriteMode::Update)
            .unwrap();
        assert!(i.cleared.contains("secret") && i.cleared.contains("bodyTemplate"));
        let json = i.to_request_json();
        assert_eq!(json["secret"], serde_json::Value::Null);
        assert_eq!(json["bodyTemplate"], serde_json::Value::Null);
        assert!(json.get("headersTemplate").is_none(), "{json}");
        assert_eq!(control_field("remove[secret]"), Some(("secret", true)));
        assert_eq!(control_field("values[url]"), Some(("url", false)));
        assert_eq!(control_field("group_id"), None);

        // A plain field's pre-filled value does not fight its "Remove" box.
        let f = form(&[("channelName", "alerts"), ("teamName", "Ops")]);
        let remove = form(&[("teamName", "on")]);
        let i =
            integration_from_form(IntegrationKind::Slack, &f, &remove, WriteMode::Update).unwrap();
        assert_eq!(i.to_request_json()["teamName"], serde_json::Value::Null);
        // A secret typed and ticked is a question.
        let f = form(&[("url", "https://h.example/x"), ("secret", "new-secret")]);
        let remove = form(&[("secret", "on")]);
        let errors =
            integration_from_form(IntegrationKind::Webhook, &f, &remove, WriteMode::Update)
                .unwrap_err();
        assert_eq!(errors[0].problem, FieldProblem::RemoveAndValue);
    }

    #[test]
    fn single_line_values_are_trimmed() {
        let f = form(&[("apiKey", " abc123\n"), ("region", "US")]);
        let i = read(IntegrationKind::Datadog, &f, WriteMode::Create).unwrap();
        assert_eq!(i.text("apiKey"), Some("abc123"));
    }
}
