//! From what a form submits (field name → text, as `<form>` posts it) to an [`Integration`]
//! ready to send, validated. Shared by the browser (inline validation) and the server
//! functions (the check that counts), so both read a form the same way.

use std::collections::BTreeMap;

use super::model::{FieldValue, Integration};
use super::registry::{FieldInput, IntegrationKind};
use super::validate::{validate_for_write, FieldError, WriteMode};

/// A submitted form: field name → text. Unchecked checkboxes are absent, as in HTML.
pub type FormValues = BTreeMap<String, String>;

/// Reads a form for `kind`. Empty text is "not given" (for a secret on update: keep the
/// current one). Whitespace around single-line values is dropped (a pasted key often brings
/// a newline); templates are kept as typed. A toggle is on when submitted as `on`/`true`.
/// Keys that are not fields of `kind` are ignored: only the kind's fields are ever sent.
pub fn integration_from_form(
    kind: IntegrationKind,
    form: &FormValues,
    mode: WriteMode,
) -> Result<Integration, Vec<FieldError>> {
    let mut integration = Integration::new(kind);
    for field in kind.spec().fields {
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
    let errors = validate_for_write(&integration, mode);
    if errors.is_empty() {
        Ok(integration)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::integrations::FieldProblem;

    fn form(pairs: &[(&str, &str)]) -> FormValues {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn blank_secret_on_update_is_left_out_so_atlas_keeps_it() {
        let f = form(&[("serviceKey", ""), ("region", "EU")]);
        let i = integration_from_form(IntegrationKind::PagerDuty, &f, WriteMode::Update).unwrap();
        assert!(!i.values.contains_key("serviceKey"));
        assert_eq!(i.text("region"), Some("EU"));
        assert!(!i.to_request_json().to_string().contains("serviceKey"));
    }

    #[test]
    fn blank_secret_on_create_is_required() {
        let f = form(&[("serviceKey", "  "), ("region", "EU")]);
        let errs =
            integration_from_form(IntegrationKind::PagerDuty, &f, WriteMode::Create).unwrap_err();
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
        let errs =
            integration_from_form(IntegrationKind::PagerDuty, &f, WriteMode::Update).unwrap_err();
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
        let i = integration_from_form(IntegrationKind::Datadog, &f, WriteMode::Create).unwrap();
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
    fn single_line_values_are_trimmed() {
        let f = form(&[("apiKey", " abc123\n"), ("region", "US")]);
        let i = integration_from_form(IntegrationKind::Datadog, &f, WriteMode::Create).unwrap();
        assert_eq!(i.text("apiKey"), Some("abc123"));
    }
}
