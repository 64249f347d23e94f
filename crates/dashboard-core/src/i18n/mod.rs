//! Every user-visible string, in the page's language: English, Korean, Japanese or Chinese.
//!
//! - `locales/<tag>.json`: the messages, one file per language (build.rs refuses a file that
//!   lacks a key or a placeholder of English);
//! - `keys`: the messages the code names (`Key`), checked by leptos_i18n at compile time;
//! - `texts`: one language's messages, and where `t` finds the current page's;
//! - `lang`: the languages, and which one a request gets;
//! - `format`: numbers and dates for the language;
//! - `errors`: one sentence per error; `fleet`: the fleet pages' sentences; `history`: the
//!   history pages';
//! - below: the other sentences with values, built from those messages the same way on both
//!   targets.

pub mod advisories;
pub mod alerts;
mod errors;
pub mod fleet;
mod format;
pub mod history;
mod keys;
mod lang;
#[cfg(feature = "ssr")]
mod locales;
#[cfg(feature = "ssr")]
mod registry_texts;
mod texts;

pub use errors::error_message;
pub use format::{count, date_time};
pub use keys::Key;
#[cfg(feature = "ssr")]
pub use lang::of_request;
pub use lang::{Lang, COOKIE};
#[cfg(feature = "ssr")]
pub use texts::provide_lang;
pub use texts::{current, current_lang, Texts, ELEMENT_ID};

use atlas_registry::{FieldProblem, FieldSpec, HintError, IntegrationKind};

/// A fixed message in the page's language.
pub fn t(key: Key) -> &'static str {
    current().get(key)
}

/// A message with its `{name}` placeholders filled in. Values are put in as they are, once:
/// a value that itself contains `{name}` is not filled again.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            values
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (close, *v))
        });
        match value {
            Some((close, value)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `fill` of a message.
pub fn tf(key: Key, values: &[(&str, &str)]) -> String {
    fill(t(key), values)
}

/// A type's name.
pub fn kind_label(kind: IntegrationKind) -> &'static str {
    current().kind(kind).0
}

pub fn kind_help(kind: IntegrationKind) -> &'static str {
    current().kind(kind).1
}

/// A field's label; Atlas's name of the field if it had none (a unit test says none lacks one).
pub fn field_label(kind: IntegrationKind, field: &FieldSpec) -> &'static str {
    current()
        .field(kind, field.name)
        .map_or(field.name, |(label, _)| label)
}

pub fn field_help(kind: IntegrationKind, field: &FieldSpec) -> &'static str {
    current()
        .field(kind, field.name)
        .map_or("", |(_, help)| help)
}

/// The label of the field Atlas calls `name`, for messages that carry only the name.
fn label_of_name(name: &str) -> String {
    current().field_named(name).unwrap_or(name).to_string()
}

/// Field labels joined as the language joins a list.
fn labels_of_names(names: &[String]) -> String {
    names
        .iter()
        .map(|name| label_of_name(name))
        .collect::<Vec<_>>()
        .join(t(Key::ListSeparator))
}

/// Under a template whose text alone is over Atlas's limit for the rendered output.
pub fn template_over_limit(limit_bytes: usize) -> String {
    tf(
        Key::MsgTemplateOverLimit,
        &[("kb", &count(limit_bytes / 1024))],
    )
}

/// The note on a discouraged type's form and card.
pub fn caution(caution: atlas_registry::Caution) -> &'static str {
    match caution {
        atlas_registry::Caution::SlackLegacyToken => t(Key::SlackCaution),
        atlas_registry::Caution::NewRelicRetired => t(Key::NewRelicCaution),
    }
}

pub fn secret_set(hint: &str) -> String {
    tf(Key::MsgSecretSet, &[("hint", hint)])
}

fn with_kind(key: Key, kind: IntegrationKind) -> String {
    tf(key, &[("kind", kind_label(kind))])
}

pub fn saved(kind: IntegrationKind) -> String {
    with_kind(Key::MsgSavedKind, kind)
}

pub fn deleted(kind: IntegrationKind) -> String {
    with_kind(Key::MsgDeletedKind, kind)
}

pub fn configure_title(kind: IntegrationKind) -> String {
    with_kind(Key::MsgConfigureTitle, kind)
}

pub fn edit_title(kind: IntegrationKind) -> String {
    with_kind(Key::MsgEditTitle, kind)
}

pub fn delete_title(kind: IntegrationKind) -> String {
    with_kind(Key::MsgDeleteTitle, kind)
}

pub fn delete_question(kind: IntegrationKind, project: &str) -> String {
    tf(
        Key::MsgDeleteQuestion,
        &[("kind", kind_label(kind)), ("project", project)],
    )
}

pub fn delete_button(kind: IntegrationKind) -> String {
    with_kind(Key::MsgDeleteButton, kind)
}

pub fn already_configured(kind: IntegrationKind) -> String {
    with_kind(Key::MsgAlreadyConfigured, kind)
}

/// The scrape configuration for Atlas's HTTP service discovery (docs/atlas-facts.md,
/// Prometheus). YAML the user copies: only the placeholder for a password not shown is
/// translated.
pub fn prometheus_scrape_config(group_id: &str, password: Option<&str>) -> String {
    let password = password.unwrap_or(t(Key::MsgPasswordPlaceholder));
    format!(
        "scrape_configs:\n  - job_name: \"atlas-{group_id}\"\n    scrape_interval: 10s\n    metrics_path: /metrics\n    scheme: https\n    basic_auth:\n      username: <username>\n      password: {password}\n    http_sd_configs:\n      - url: https://cloud.mongodb.com/prometheus/v1.0/groups/{group_id}/discovery\n        refresh_interval: 60s\n        basic_auth:\n          username: <username>\n          password: {password}\n"
    )
}

pub fn server_version(version: &str, backend: &str) -> String {
    tf(
        Key::MsgServerVersion,
        &[("version", version), ("backend", backend)],
    )
}

pub fn projects_count(shown_from: usize, shown_to: usize, matching: usize, total: usize) -> String {
    let (from, to, total_text) = (count(shown_from), count(shown_to), count(total));
    if matching == total {
        tf(
            Key::MsgProjectsCount,
            &[("from", &from), ("to", &to), ("total", &total_text)],
        )
    } else {
        tf(
            Key::MsgProjectsCountMatching,
            &[
                ("from", &from),
                ("to", &to),
                ("matching", &count(matching)),
                ("total", &total_text),
            ],
        )
    }
}

/// The badge a type carries wherever it is shown: legacy, legacy token, retired.
pub fn kind_badge(kind: IntegrationKind) -> Option<&'static str> {
    use atlas_registry::{Availability, Caution};
    match kind.spec().availability {
        Availability::Legacy => Some(t(Key::LegacyBadge)),
        Availability::Discouraged(Caution::SlackLegacyToken) => Some(t(Key::LegacyTokenBadge)),
        Availability::Discouraged(Caution::NewRelicRetired) => Some(t(Key::RetiredBadge)),
        Availability::Creatable => None,
    }
}

/// The matrix's progress line while it loads the whole filtered fleet.
pub fn fleet_progress(loaded: usize, total: usize, shown: usize) -> String {
    tf(
        Key::MsgFleetProgress,
        &[
            ("loaded", &count(loaded)),
            ("total", &count(total)),
            ("shown", &count(shown)),
        ],
    )
}

/// A page of the matrix without JavaScript.
pub fn fleet_page_count(page: u32, rows: usize, total_matching_name: usize) -> String {
    tf(
        Key::MsgFleetPageCount,
        &[
            ("page", &count(page as usize)),
            ("rows", &count(rows)),
            ("total", &count(total_matching_name)),
        ],
    )
}

/// A filter value the page did not understand, and left out.
pub fn fleet_ignored(parameter: &str) -> String {
    tf(Key::MsgFleetIgnored, &[("parameter", parameter)])
}

pub fn field_problem(problem: &FieldProblem) -> String {
    match problem {
        FieldProblem::Required => t(Key::ProblemRequired).into(),
        FieldProblem::NotHex => t(Key::ProblemNotHex).into(),
        FieldProblem::NotHex40 => t(Key::ProblemNotHex40).into(),
        FieldProblem::TooShort { min } => tf(Key::ProblemTooShort, &[("min", &count(*min))]),
        FieldProblem::TooLong { max } => tf(Key::ProblemTooLong, &[("max", &count(*max))]),
        FieldProblem::NotHttpUrl => t(Key::ProblemNotHttpUrl).into(),
        FieldProblem::UrlUserinfo => t(Key::ProblemUrlUserinfo).into(),
        FieldProblem::NotAChoice => t(Key::ProblemNotAChoice).into(),
        FieldProblem::RemoveAndValue => t(Key::ProblemRemoveAndValue).into(),
        FieldProblem::CannotRemove => t(Key::ProblemCannotRemove).into(),
        FieldProblem::LooksMasked => t(Key::ProblemLooksMasked).into(),
        FieldProblem::WrongKind => t(Key::ProblemWrongKind).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_puts_each_value_in_once_and_leaves_other_braces() {
        assert_eq!(fill("{kind} saved.", &[("kind", "Slack")]), "Slack saved.");
        assert_eq!(
            fill("{a} {b} {a}", &[("a", "{b}"), ("b", "2")]),
            "{b} 2 {b}",
            "a value is not filled again"
        );
        assert_eq!(fill("{json} }{", &[]), "{json} }{");
        assert_eq!(fill("x {unclosed", &[("unclosed", "y")]), "x {unclosed");
    }
}
