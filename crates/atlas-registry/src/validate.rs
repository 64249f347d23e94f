//! Validation of an integration before it is written. The same code runs in the browser
//! (inline, per field, before anything is sent) and in the server functions (before any call
//! to Atlas), so the two can never disagree.

use serde::{Deserialize, Serialize};

use super::masking::looks_masked;
use super::model::{FieldValue, Integration};
use super::registry::{FieldInput, FieldSpec, Rule};
use super::url::split_url;

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
    /// A URL with `user:password@`: Atlas's masked read-back keeps everything before the
    /// path, so every project member's browser would get the credentials in clear.
    UrlUserinfo,
    NotAChoice,
    /// "Remove" was ticked and a new value typed: which one is meant is unclear.
    RemoveAndValue,
    /// "Remove" on a field that must have a value.
    CannotRemove,
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
/// enforces exactly these; the dashboard adds `validate_for_write`'s on top (masks, userinfo
/// in URLs, removals).
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
        // Never refused for its length: see Rule::Template.
        Rule::Template { .. } => None,
    }
}

/// An absolute http(s) URL with a non-empty host and no whitespace.
pub(crate) fn is_http_url(s: &str) -> bool {
    match authority(s) {
        Some(authority) => !authority.is_empty() && !s.chars().any(char::is_whitespace),
        None => false,
    }
}

/// The authority of an http(s) URL.
fn authority(s: &str) -> Option<&str> {
    match split_url(s)? {
        ("https" | "http", authority, _) => Some(authority),
        _ => None,
    }
}

fn has_userinfo(s: &str) -> bool {
    authority(s).is_some_and(|a| a.contains('@'))
}

/// Whether a template's text alone is over the size Atlas allows its rendered output: worth a
/// warning (the output is likely too large and Atlas would send its default instead), never a
/// refusal. `None` for other fields.
pub fn template_over_limit(field: &FieldSpec, text: &str) -> Option<usize> {
    match field.rule {
        Rule::Template {
            rendered_limit_bytes,
        } if text.len() > rendered_limit_bytes => Some(rendered_limit_bytes),
        _ => None,
    }
}

/// Every problem with an integration the dashboard is about to send, one per field at most.
/// Empty text counts as absent: a blank secret on update means "keep" where it can
/// ([`FieldSpec::blank_keeps`]). A field to remove ([`Integration::cleared`]) must be
/// removable and have no new value.
pub fn validate_for_write(integration: &Integration, mode: WriteMode) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for field in integration.kind.spec().fields {
        let value = integration
            .values
            .get(field.name)
            .filter(|v| v.as_text() != Some(""));
        let removing = integration.cleared.contains(field.name);
        let problem = match value {
            _ if removing && (mode == WriteMode::Create || !field.removable()) => {
                Some(FieldProblem::CannotRemove)
            }
            Some(_) if removing => Some(FieldProblem::RemoveAndValue),
            None if removing => None,
            None if field.required() && !field.is_toggle() => {
                let keeps_secret = mode == WriteMode::Update && field.blank_keeps();
                (!keeps_secret).then_some(FieldProblem::Required)
            }
            None => None,
            Some(FieldValue::Text(s)) if field.is_secret() && looks_masked(s) => {
                Some(FieldProblem::LooksMasked)
            }
            // The dashboard's rule, not Atlas's (which is not known to refuse userinfo).
            Some(FieldValue::Text(s))
                if field.rule == Rule::HttpUrl && is_http_url(s) && has_userinfo(s) =>
            {
                Some(FieldProblem::UrlUserinfo)
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
    use crate::IntegrationKind;

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
        // Atlas limits the rendered output, not the template: a long one is not refused.
        let big = "x".repeat(64 * 1024);
        let i = with(
            IntegrationKind::Webhook,
            &[("url", t("https://h/p")), ("headersTemplate", t(&big))],
        );
        assert!(validate_for_write(&i, WriteMode::Create).is_empty());
        let field = IntegrationKind::Webhook
            .spec()
            .field("headersTemplate")
            .unwrap();
        assert_eq!(template_over_limit(field, &big), Some(4096));
        assert_eq!(template_over_limit(field, "{}"), None);
    }

    #[test]
    fn credentials_in_a_url_are_refused_everywhere() {
        for (kind, name) in [
            (IntegrationKind::Webhook, "url"),
            (IntegrationKind::MicrosoftTeams, "microsoftTeamsWebhookUrl"),
        ] {
            for url in [
                "https://user:pass@h.example/p",
                "https://user@h.example",
                "http://a:b@h.example?x=1",
            ] {
                let i = with(kind, &[(name, t(url))]);
                assert_eq!(
                    validate_for_write(&i, WriteMode::Create)[0].problem,
                    FieldProblem::UrlUserinfo,
                    "{url}"
                );
            }
        }
        // An @ after the authority is no userinfo.
        let ok = with(
            IntegrationKind::Webhook,
            &[("url", t("https://h.example/a@b?c=d@e"))],
        );
        assert!(validate_for_write(&ok, WriteMode::Create).is_empty());
    }

    #[test]
    fn routing_key_is_optional_as_in_the_spec() {
        let i = with(IntegrationKind::VictorOps, &[("apiKey", t("k"))]);
        assert!(validate_for_write(&i, WriteMode::Create).is_empty());
    }

    #[test]
    fn removal_only_of_optional_text_on_update_and_not_with_a_value() {
        let mut i = with(IntegrationKind::Slack, &[("channelName", t("alerts"))]);
        i.cleared.insert("teamName".into());
        assert!(validate_for_write(&i, WriteMode::Update).is_empty());
        assert_eq!(
            validate_for_write(&i, WriteMode::Create)
                .iter()
                .find(|e| e.field == "teamName")
                .map(|e| &e.problem),
            Some(&FieldProblem::CannotRemove)
        );
        i.values.insert("teamName".into(), t("Team"));
        assert_eq!(
            validate_for_write(&i, WriteMode::Update)[0].problem,
            FieldProblem::RemoveAndValue
        );
        let mut required = with(IntegrationKind::Slack, &[("channelName", t("alerts"))]);
        required.cleared.insert("apiToken".into());
        assert_eq!(
            validate_for_write(&required, WriteMode::Update)[0].problem,
            FieldProblem::CannotRemove
        );
        let mut toggle = with(IntegrationKind::Datadog, &[]);
        toggle.cleared.insert("sendDatabaseMetrics".into());
        assert!(validate_for_write(&toggle, WriteMode::Update)
            .iter()
            .any(|e| e.problem == FieldProblem::CannotRemove));
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
