//! Every user-visible string, in the page's language: English, Korean, Japanese or Chinese.
//!
//! - `locales/<tag>.json`: the messages, one file per language (build.rs refuses a file that
//!   lacks a key or a placeholder of English);
//! - `keys`: the messages the code names (`Key`), checked by leptos_i18n at compile time;
//! - `texts`: one language's messages, and where `t` finds the current page's;
//! - `lang`: the languages, and which one a request gets;
//! - `format`: numbers and dates for the language;
//! - below: the sentences with values, built from those messages the same way on both
//!   targets.

mod format;
mod keys;
mod lang;
#[cfg(feature = "ssr")]
mod locales;
#[cfg(feature = "ssr")]
mod registry_texts;
mod texts;

pub use format::{count, date_time};
pub use keys::Key;
#[cfg(feature = "ssr")]
pub use lang::of_request;
pub use lang::{Lang, COOKIE};
#[cfg(feature = "ssr")]
pub use texts::provide_lang;
pub use texts::{current, current_lang, Texts, ELEMENT_ID};

use leptos::server_fn::error::ServerFnErrorErr;

use crate::error::{AppError, LoginRefusal, Unreachable};
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

/// Who made a change: the public key, user name or client id, and what kind of credential.
pub fn api_key_author(public_key: &str) -> String {
    tf(Key::MsgApiKeyAuthor, &[("id", public_key)])
}

pub fn service_account_author(client_id: &str) -> String {
    tf(Key::MsgServiceAccountAuthor, &[("id", client_id)])
}

pub fn history_count(page: u32, projects: usize) -> String {
    let page = count(page as usize);
    if projects == 1 {
        tf(Key::MsgHistoryPageOneProject, &[("page", &page)])
    } else {
        tf(
            Key::MsgHistoryPageProjects,
            &[("page", &page), ("count", &count(projects))],
        )
    }
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

/// One sentence for an error, for the page's alert. Atlas's own `detail` stays as Atlas
/// wrote it, inside the translated sentence.
pub fn error_message(err: &AppError) -> String {
    let fields = |key: Key, names: &[String]| tf(key, &[("fields", &labels_of_names(names))]);
    match err {
        AppError::NotSignedIn => t(Key::ErrorNotSignedIn).into(),
        AppError::LoginRefused(LoginRefusal::WrongCredential) => {
            t(Key::ErrorWrongCredential).into()
        }
        AppError::LoginRefused(LoginRefusal::AccessList) => t(Key::ErrorAccessList).into(),
        AppError::LoginRefused(LoginRefusal::NoProjects) => t(Key::ErrorNoProjects).into(),
        AppError::LoginRefused(LoginRefusal::Other(detail)) => {
            said(t(Key::ErrorSignInRefused), detail)
        }
        AppError::CrossSite => t(Key::ErrorCrossSite).into(),
        AppError::Invalid(_) => t(Key::ErrorInvalid).into(),
        AppError::BadRequest(detail) if detail.is_empty() => t(Key::ErrorBadRequest).into(),
        AppError::BadRequest(detail) => tf(Key::ErrorBadRequestDetail, &[("detail", detail)]),
        AppError::AlreadyConfigured(kind) => with_kind(Key::ErrorAlreadyConfigured, *kind),
        AppError::SecretsRequired(names) => fields(Key::ErrorSecretsRequired, names),
        AppError::SecretsLost(names) => fields(Key::ErrorSecretsLost, names),
        AppError::NotRemoved(names) => fields(Key::ErrorNotRemoved, names),
        AppError::Forbidden(detail) => said(t(Key::ErrorForbidden), detail),
        AppError::OutOfReach(detail) => said(t(Key::ErrorOutOfReach), detail),
        AppError::NotFound(detail) => said(t(Key::ErrorNotFound), detail),
        AppError::RateLimited {
            retry_after_secs: Some(s),
        } => tf(Key::ErrorRateLimitedFor, &[("wait", &seconds(*s))]),
        AppError::TooManySignIns { retry_after_secs } => tf(
            Key::ErrorTooManySignIns,
            &[("wait", &seconds(*retry_after_secs))],
        ),
        AppError::RateLimited {
            retry_after_secs: None,
        } => t(Key::ErrorRateLimited).into(),
        AppError::Atlas(p) => said(
            &tf(
                Key::ErrorAtlasAnswered,
                &[("status", &p.status.to_string()), ("code", &p.error_code)],
            ),
            &p.detail,
        ),
        AppError::Unavailable(Unreachable::TimedOut) => t(Key::ErrorTimedOut).into(),
        AppError::Unavailable(Unreachable::Connection) => t(Key::ErrorConnection).into(),
        AppError::Unavailable(Unreachable::Unreadable) => t(Key::ErrorUnreadable).into(),
        AppError::Unconfirmed => t(Key::ErrorUnconfirmed).into(),
        AppError::TooLarge { limit_bytes } => tf(
            Key::ErrorTooLarge,
            &[("kb", &count((*limit_bytes / 1024) as usize))],
        ),
        AppError::ServerFn(ServerFnErrorErr::ServerError(m)) if m.is_empty() => {
            t(Key::ErrorServer).into()
        }
        AppError::ServerFn(e) => tf(Key::ErrorServerDetail, &[("detail", &e.to_string())]),
    }
}

/// "1 second", "30 seconds".
fn seconds(n: u64) -> String {
    if n == 1 {
        t(Key::ErrorOneSecond).into()
    } else {
        tf(Key::ErrorSeconds, &[("count", &count(n as usize))])
    }
}

/// A fixed sentence, then Atlas's (or the server's) own words when there are any.
fn said(sentence: &str, detail: &str) -> String {
    if detail.is_empty() {
        sentence.to_string()
    } else {
        tf(
            Key::ErrorAtlasSaid,
            &[("sentence", sentence), ("detail", detail)],
        )
    }
}

/// The fleet pages' sentences (`crate::fleet`).
pub mod fleet {
    use super::{count, kind_label, label_of_name, labels_of_names, t, tf, Key};
    use crate::fleet::{ApplyMode, Cannot, Change, Done, Plan, Progress, Tally};

    pub fn mode(mode: ApplyMode) -> &'static str {
        match mode {
            ApplyMode::CreateOrUpdate => t(Key::ModeCreateOrUpdate),
            ApplyMode::CreateOnly => t(Key::ModeCreateOnly),
            ApplyMode::UpdateOnly => t(Key::ModeUpdateOnly),
        }
    }

    pub fn cannot(why: &Cannot) -> String {
        match why {
            Cannot::ReadOnly => t(Key::PlanCannotReadOnly).into(),
            Cannot::OutOfReach => t(Key::PlanCannotOutOfReach).into(),
            Cannot::Legacy => t(Key::PlanCannotLegacy).into(),
            Cannot::UiOnly => t(Key::PlanCannotUiOnly).into(),
            Cannot::AlreadyConfigured => t(Key::PlanLeftAlreadyConfigured).into(),
            Cannot::NotConfigured => t(Key::PlanLeftNotConfigured).into(),
            Cannot::NeedsForCreate(fields) => tf(
                Key::PlanCannotNeedsForCreate,
                &[("fields", &labels_of_names(fields))],
            ),
            Cannot::HintChanged => t(Key::PlanLeftHintChanged).into(),
            Cannot::Unreadable(error) => tf(
                Key::PlanCannotUnreadable,
                &[("error", &super::error_message(error))],
            ),
        }
    }

    pub fn change(field: &str, change: &Change) -> String {
        let label = label_of_name(field);
        match change {
            Change::Replaced => tf(Key::PlanChangeReplaced, &[("field", &label)]),
            Change::Set {
                from: Some(from),
                to,
            } => tf(
                Key::PlanChangeFromTo,
                &[("field", &label), ("from", from), ("to", to)],
            ),
            Change::Set { from: None, to } => {
                tf(Key::PlanChangeSet, &[("field", &label), ("to", to)])
            }
        }
    }

    pub fn plan(plan: &Plan) -> String {
        match plan {
            Plan::Create => t(Key::PlanPlanCreate).into(),
            Plan::Update(changes) => tf(
                Key::PlanPlanUpdate,
                &[(
                    "changes",
                    &changes
                        .iter()
                        .map(|c| change(&c.field, &c.change))
                        .collect::<Vec<_>>()
                        .join(t(Key::ListSeparator)),
                )],
            ),
            Plan::Unchanged => t(Key::PlanPlanUnchanged).into(),
            Plan::Cannot(why) => cannot(why),
        }
    }

    pub fn progress(progress: &Progress) -> String {
        match progress {
            Progress::Waiting => t(Key::PlanWaiting).into(),
            Progress::Sending => t(Key::PlanSending).into(),
            Progress::Done(Done::Created) => t(Key::PlanDoneCreated).into(),
            Progress::Done(Done::Updated) => t(Key::PlanDoneUpdated).into(),
            Progress::Done(Done::UpdatedAfterConflict) => t(Key::PlanDoneAfterConflict).into(),
            Progress::Failed(error) => {
                tf(Key::PlanFailed, &[("error", &super::error_message(error))])
            }
            Progress::Skipped(None) => t(Key::PlanSkippedNothing).into(),
            Progress::Skipped(Some(why)) => tf(Key::PlanSkipped, &[("why", &cannot(why))]),
        }
    }

    pub fn tally(tally: Tally) -> String {
        tf(
            Key::PlanTally,
            &[
                ("done", &count(tally.done)),
                ("failed", &count(tally.failed)),
                ("skipped", &count(tally.skipped)),
                ("waiting", &count(tally.waiting)),
            ],
        )
    }

    pub fn to_write(n: usize, of: usize) -> String {
        tf(
            Key::PlanToWrite,
            &[("count", &count(n)), ("of", &count(of))],
        )
    }

    pub fn rotate_title(kind: atlas_registry::IntegrationKind, field: &str) -> String {
        tf(
            Key::PlanRotateTitle,
            &[("kind", kind_label(kind)), ("field", &label_of_name(field))],
        )
    }

    pub fn apply_title(kind: atlas_registry::IntegrationKind) -> String {
        tf(Key::PlanApplyTitle, &[("kind", kind_label(kind))])
    }

    pub fn projects_showing(n: usize) -> String {
        match n {
            1 => t(Key::PlanOneProject).into(),
            n => tf(Key::PlanProjects, &[("count", &count(n))]),
        }
    }

    pub fn unreadable_projects(names: &str) -> String {
        tf(Key::PlanUnreadableProjects, &[("names", names)])
    }

    pub fn not_rotatable(kind: atlas_registry::IntegrationKind, field: &str) -> String {
        tf(
            Key::PlanNotRotatable,
            &[("kind", kind_label(kind)), ("field", field)],
        )
    }

    pub fn hint_error(error: super::HintError) -> String {
        match error {
            super::HintError::NotRotatable => t(Key::PlanHintNotRotatable).into(),
            super::HintError::NotFour => t(Key::PlanHintNotFour).into(),
            super::HintError::NotAHost => t(Key::PlanHintNotAHost).into(),
        }
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
