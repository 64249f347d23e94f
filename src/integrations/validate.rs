//! Validation of an integration before it is written. The same code runs in the browser
//! (inline, per field, before anything is sent) and in the server functions (before any call
//! to Atlas), so the two can never disagree.

use serde::{Deserialize, Serialize};

use super::masking::looks_masked;
use super::model::{FieldValue, Integration};
use super::registry::{FieldInput, FieldSpec, Rule};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteMode {
    /// POST: every required field must be given, secrets included.
    Create,
    /// PUT from the dashboard: a secret left out keeps its current value.
    Update,
}

/// Why a field's value is refused. Serialisable so the server's verdict reaches the form,
/// and translatable (the UI turns it into words).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldProblem {
    Required,
    NotHex,
    NotHex40,
    TooShort {
        min: usize,
    },
    TooLong {
        max: usize,
    },
    NotHttpUrl,
    NotAChoice,
    TooLarge {
        max_bytes: usize,
    },
    /// Contains a run of `*` like Atlas's masks: it would overwrite the secret with the mask.
    LooksMasked,
    /// A text where a boolean belongs or the reverse.
    WrongKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub problem: FieldProblem,
}

/// Atlas's own rules for one present value (no presence or masking checks). The emulator
/// enforces exactly these; the dashboard adds `validate_for_write`'s on top.
pub fn check_value(field: &FieldSpec, value: &FieldValue) -> Option<FieldProblem> {
    let text = match (field.input, value) {
        (FieldInput::Toggle { .. }, FieldValue::Bool(_)) => return None,
        (FieldInput::Toggle { .. }, FieldValue::Text(_)) | (_, FieldValue::Bool(_)) => {
            return Some(FieldProblem::WrongKind)
        }
        (_, FieldValue::Text(s)) => s.as_str(),
    };
    if let FieldInput::Choice { options, .. } = field.input {
        if !options.contains(&text) {
            return Some(FieldProblem::NotAChoice);
        }
    }
    match field.rule {
        Rule::None => None,
        Rule::Hex if !text.bytes().all(|b| b.is_ascii_hexdigit()) => Some(FieldProblem::NotHex),
        Rule::Hex => None,
        Rule::Hex40
            if !(text.len() == 40
                && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))) =>
        {
            Some(FieldProblem::NotHex40)
        }
        Rule::Hex40 => None,
        Rule::Length { min, .. } if text.chars().count() < min => {
            Some(FieldProblem::TooShort { min })
        }
        Rule::Length { max, .. } if text.chars().count() > max => {
            Some(FieldProblem::TooLong { max })
        }
        Rule::Length { .. } => None,
        Rule::HttpUrl if !is_http_url(text) => Some(FieldProblem::NotHttpUrl),
        Rule::HttpUrl => None,
        Rule::Template { max_bytes } if text.len() > max_bytes => {
            Some(FieldProblem::TooLarge { max_bytes })
        }
        Rule::Template { .. } => None,
    }
}

/// An absolute http(s) URL with a non-empty host and no whitespace.
fn is_http_url(s: &str) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
            !host.is_empty() && !s.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// Every problem with an integration the dashboard is about to send, one per field at most.
/// Empty text counts as absent: a blank secret on update means "keep" where it can
/// ([`FieldSpec::blank_keeps`]).
pub fn validate_for_write(integration: &Integration, mode: WriteMode) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for field in integration.kind.spec().fields {
        let value = integration
            .values
            .get(field.name)
            .filter(|v| v.as_text() != Some(""));
        let problem = match value {
            None if field.required && !field.is_toggle() => {
                let keeps_secret = mode == WriteMode::Update && field.blank_keeps();
                (!keeps_secret).then_some(FieldProblem::Required)
            }
            None => None,
            Some(FieldValue::Text(s)) if field.is_secret() && looks_masked(s) => {
                Some(FieldProblem::LooksMasked)
            }
            Some(v) => check_value(field, v),
        };
        if let Some(problem) = problem {
            errors.push(FieldError {
                field: field.name.to_string(),
                problem,
            });
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::integrations::IntegrationKind;

    fn with(kind: IntegrationKind, pairs: &[(&str, FieldValue)]) -> Integration {
        let mut i = Integration::new(kind);
        for (k, v) in pairs {
            i.values.insert(k.to_string(), v.clone());
        }
        i
    }
    fn t(s: &str) -> FieldValue {
        FieldValue::Text(s.into())
    }

    #[test]
    fn datadog_key_must_be_hex_and_region_in_enum() {
        let i = with(
            IntegrationKind::Datadog,
            &[("apiKey", t("xyz")), ("region", t("US1"))],
        );
        let errs = validate_for_write(&i, WriteMode::Create);
        assert_eq!(
            errs,
            vec![
                FieldError {
                    field: "apiKey".into(),
                    problem: FieldProblem::NotHex
                },
                FieldError {
                    field: "region".into(),
                    problem: FieldProblem::NotAChoice
                },
            ]
        );
        let ok = with(
            IntegrationKind::Datadog,
            &[("apiKey", t("0123abcdef")), ("region", t("US1_FED"))],
        );
        assert!(validate_for_write(&ok, WriteMode::Create).is_empty());
    }

    #[test]
    fn blank_secret_is_required_on_create_and_kept_on_update() {
        let i = with(IntegrationKind::PagerDuty, &[("serviceKey", t(""))]);
        assert_eq!(
            validate_for_write(&i, WriteMode::Create)[0].problem,
            FieldProblem::Required
        );
        assert!(validate_for_write(&i, WriteMode::Update).is_empty());
    }

    #[test]
    fn write_only_secret_is_required_on_update_too() {
        let i = with(
            IntegrationKind::Prometheus,
            &[
                ("username", t("u")),
                ("serviceDiscovery", t("http")),
                ("enabled", FieldValue::Bool(true)),
            ],
        );
        let errors = validate_for_write(&i, WriteMode::Update);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "password");
        assert_eq!(errors[0].problem, FieldProblem::Required);
    }

    #[test]
    fn masked_echo_is_refused() {
        let i = with(
            IntegrationKind::PagerDuty,
            &[("serviceKey", t("****************************0022"))],
        );
        assert_eq!(
            validate_for_write(&i, WriteMode::Update)[0].problem,
            FieldProblem::LooksMasked
        );
        let url = with(
            IntegrationKind::Webhook,
            &[("url", t("https://example.com/****2101"))],
        );
        assert_eq!(
            validate_for_write(&url, WriteMode::Update)[0].problem,
            FieldProblem::LooksMasked
        );
    }

    #[test]
    fn slack_channel_length_and_new_relic_ids() {
        let long = "c".repeat(81);
        let i = with(
            IntegrationKind::Slack,
            &[("apiToken", t("x")), ("channelName", t(&long))],
        );
        assert_eq!(
            validate_for_write(&i, WriteMode::Create)[0].problem,
            FieldProblem::TooLong { max: 80 }
        );
        let nr = with(
            IntegrationKind::NewRelic,
            &[
                ("accountId", t(&"A".repeat(40))),
                ("licenseKey", t(&"a".repeat(40))),
                ("readToken", t("r")),
                ("writeToken", t("w")),
            ],
        );
        assert_eq!(
            validate_for_write(&nr, WriteMode::Create)[0].problem,
            FieldProblem::NotHex40
        );
    }

    #[test]
    fn urls_and_templates() {
        let bad = with(IntegrationKind::Webhook, &[("url", t("ftp://x"))]);
        assert_eq!(
            validate_for_write(&bad, WriteMode::Create)[0].problem,
            FieldProblem::NotHttpUrl
        );
        let big = "x".repeat(4 * 1024 + 1);
        let i = with(
            IntegrationKind::Webhook,
            &[("url", t("https://h/p")), ("headersTemplate", t(&big))],
        );
        assert_eq!(
            validate_for_write(&i, WriteMode::Create)[0].problem,
            FieldProblem::TooLarge { max_bytes: 4096 }
        );
    }

    #[test]
    fn prometheus_needs_its_toggle_as_bool() {
        let i = with(
            IntegrationKind::Prometheus,
            &[
                ("username", t("u")),
                ("password", t("p")),
                ("serviceDiscovery", t("http")),
                ("enabled", t("true")),
            ],
        );
        assert_eq!(
            validate_for_write(&i, WriteMode::Create)[0].problem,
            FieldProblem::WrongKind
        );
    }
}
