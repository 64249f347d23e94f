//! Every user-visible string, looked up by key. English is the only table so far; Korean,
//! Japanese and Chinese get their own `match` arms on `Lang` without touching components.

use leptos::server_fn::error::ServerFnErrorErr;

use crate::error::{AppError, LoginRefusal, Unreachable};
use atlas_registry::{FieldProblem, FieldSpec, HintError, IntegrationKind};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    En,
}

/// Fixed strings. Components call `t(Key::X)`; strings with values have their own functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    AppTitle,
    SignInTitle,
    SignInIntro,
    ApiKeyTitle,
    ApiKeyHelp,
    PublicKey,
    PrivateKey,
    ServiceAccountTitle,
    ServiceAccountHelp,
    ClientId,
    ClientSecret,
    SignIn,
    SigningIn,
    SignOut,
    CheckServer,
    Projects,
    ProjectsIntro,
    Loading,
    NotFound,
    NoProjectsMatch,
    Search,
    SearchPlaceholder,
    ProjectName,
    ProjectId,
    Integrations,
    NoIntegrations,
    Unknown,
    PreviousPage,
    NextPage,
    Breadcrumbs,
    LegacyBadge,
    LegacyTokenBadge,
    RetiredBadge,
    Configured,
    NotConfigured,
    NotConfiguredShort,
    View,
    Edit,
    Delete,
    Configure,
    SlackCaution,
    NewRelicCaution,
    Remove,
    RemoveHelp,
    OpenAtlasUi,
    LegacyNotOffered,
    LegacyReadOnly,
    On,
    Off,
    UnknownType,
    Cancel,
    BackToProject,
    Create,
    SaveChanges,
    Saving,
    FixFields,
    EditExisting,
    WebhookSignatureNote,
    Choose,
    Show,
    Hide,
    Generate,
    Replace,
    BlankKeeps,
    WriteOnlyAgain,
    Saved,
    PasswordOnce,
    ScrapeConfigIntro,
    Copy,
    Copied,
    Fleet,
    FleetIntro,
    FleetLink,
    FilterSearch,
    FilterHas,
    FilterLacks,
    FilterRegion,
    AnyType,
    AnyRegion,
    ApplyFilters,
    ClearFilters,
    OutOfReachRow,
    RetryRow,
    NoFleetRows,
    ColumnCounts,
    FleetWithoutScript,
    History,
    FleetHistory,
    HistoryIntro,
    ProjectHistoryIntro,
    When,
    Who,
    Action,
    IntegrationType,
    Project,
    AnyIntegration,
    AnyAction,
    ApplyFilter,
    ChangeConfigured,
    ChangeRemoved,
    TypeNotStated,
    AuthorNotStated,
    NoHistory,
    HistoryTruncated,
    UnreadableProjects,
    FleetApplyTitle,
    FleetApplyIntro,
    FleetRotateTitle,
    FleetRotateIntro,
    IntegrationTypeField,
    SecretField,
    Continue,
    ApplyMode,
    ModeCreateOrUpdate,
    ModeCreateOnly,
    ModeUpdateOnly,
    ChooseProjects,
    FilterByName,
    Filter,
    Configuration,
    FleetBlankSecretKeeps,
    Preview,
    PreviewTitle,
    Confirm,
    RunTitle,
    RunRunning,
    RunFinished,
    RetryFailed,
    Refresh,
    Status,
    WhatChanges,
    NoCandidates,
    NewValue,
    Hint,
    SelectMatching,
    StartAgain,
    HintLastFour,
    HintHost,
    FindProjects,
    NoMatch,
    OtherSecrets,
    OtherSecretsHelp,
}

pub fn t(key: Key) -> &'static str {
    tr(Lang::default(), key)
}

pub fn tr(lang: Lang, key: Key) -> &'static str {
    match lang {
        Lang::En => en(key),
    }
}

fn en(key: Key) -> &'static str {
    use Key::*;
    match key {
        AppTitle => "Atlas integrations",
        SignInTitle => "Sign in",
        SignInIntro => "Use an Atlas API key or a service account. It stays on this server for your session only.",
        ApiKeyTitle => "API key",
        ApiKeyHelp => "A programmatic API key (HTTP Digest).",
        PublicKey => "Public key",
        PrivateKey => "Private key",
        ServiceAccountTitle => "Service account",
        ServiceAccountHelp => "A service account's client credentials (OAuth 2.0). Recommended by MongoDB.",
        ClientId => "Client ID",
        ClientSecret => "Client secret",
        SignIn => "Sign in",
        SigningIn => "Signing in…",
        SignOut => "Sign out",
        CheckServer => "Check server",
        Projects => "Projects",
        ProjectsIntro => "All projects this credential can see, with their integrations.",
        Loading => "Loading…",
        NotFound => "Page not found.",
        NoProjectsMatch => "No project matches.",
        Search => "Search projects",
        SearchPlaceholder => "Name or ID",
        ProjectName => "Project",
        ProjectId => "ID",
        Integrations => "Integrations",
        NoIntegrations => "none",
        Unknown => "unknown",
        PreviousPage => "Previous",
        NextPage => "Next",
        Breadcrumbs => "Breadcrumbs",
        LegacyBadge => "legacy",
        LegacyTokenBadge => "legacy token",
        RetiredBadge => "retired by New Relic",
        Configured => "Configured",
        NotConfigured => "Not configured in this project.",
        NotConfiguredShort => "Not configured",
        View => "View",
        Edit => "Edit",
        Delete => "Delete",
        Configure => "Configure",
        SlackCaution => {
            "Atlas recommends setting up Slack with Slack's own sign-in, which only the Atlas UI offers. Here you can use a legacy bot token instead; Atlas says legacy tokens will soon no longer be supported, so it may refuse one, and then this page shows Atlas's answer."
        }
        NewRelicCaution => {
            "New Relic retired this plugin-based integration on 16 June 2021 and Atlas does not recommend it. Atlas's API still takes it, but Atlas may refuse it; this page then shows Atlas's answer."
        }
        Remove => "Remove",
        RemoveHelp => "Removes the current value from Atlas on save.",
        OpenAtlasUi => "Open the project's integrations in Atlas",
        LegacyNotOffered => "End-of-life in Atlas: no longer offered for new configurations.",
        LegacyReadOnly => "End-of-life in Atlas: shown read-only. You can delete it.",
        On => "on",
        Off => "off",
        UnknownType => "Unknown integration type.",
        Cancel => "Cancel",
        BackToProject => "Back to the project",
        Create => "Create",
        SaveChanges => "Save changes",
        Saving => "Saving…",
        FixFields => "Some fields need attention; nothing was sent to Atlas.",
        EditExisting => "Edit the existing one",
        WebhookSignatureNote => {
            "With a secret, Atlas signs every request: the X-MMS-Signature header carries a base64 HMAC-SHA1 of the body, keyed with the secret. Templates are FreeMarker; Atlas falls back to its defaults if they fail to render."
        }
        Choose => "Choose…",
        Show => "Show",
        Hide => "Hide",
        Generate => "Generate",
        Replace => "Replace",
        BlankKeeps => "Leave blank to keep the current value.",
        WriteOnlyAgain => "Atlas never shows this value, so it cannot be kept unseen: enter it again, or generate a new one, on every save.",
        Saved => "Saved",
        PasswordOnce => "Copy the password now: Atlas will never show it again.",
        ScrapeConfigIntro => "Prometheus scrape configuration (HTTP service discovery, Prometheus 2.28 or later):",
        Copy => "Copy",
        Copied => "Copied",
        Fleet => "Fleet matrix",
        FleetIntro => "Every project and its integrations at once: one row per project, one column per integration type. Masked hints only; open a cell to see or change it.",
        FleetLink => "Fleet matrix",
        FilterSearch => "Project name or ID",
        FilterHas => "Has",
        FilterLacks => "Lacks",
        FilterRegion => "Region is",
        AnyType => "any type",
        AnyRegion => "any region",
        ApplyFilters => "Filter",
        ClearFilters => "Clear filters",
        OutOfReachRow => "Out of the credential's reach: Atlas does not show this project's integrations to it.",
        RetryRow => "Retry",
        NoFleetRows => "No project matches these filters.",
        ColumnCounts => "Configured",
        FleetWithoutScript => "Without JavaScript the matrix shows one page at a time.",
        History => "History",
        FleetHistory => "History of every project",
        HistoryIntro => "Who configured or removed which integration, and when, in every project you can see, newest first. From Atlas's own project events, so changes made outside this dashboard show too.",
        ProjectHistoryIntro => "Who configured or removed which integration in this project, and when, newest first. From Atlas's own project events, so changes made outside this dashboard show too.",
        When => "When (UTC)",
        Who => "Who",
        Action => "Action",
        IntegrationType => "Integration",
        Project => "Project",
        AnyIntegration => "Any integration",
        AnyAction => "Any action",
        ApplyFilter => "Filter",
        ChangeConfigured => "configured",
        ChangeRemoved => "removed",
        TypeNotStated => "integration type not stated by Atlas",
        AuthorNotStated => "not stated by Atlas",
        NoHistory => "No integration changes to show.",
        HistoryTruncated => "Only the newest 500 events of each project were searched: older changes are not shown.",
        UnreadableProjects => "The events of these projects could not be read:",
        FleetApplyTitle => "Apply to many projects",
        FleetApplyIntro => "Fill one type's form once, choose the projects, and see per project what would change before anything is sent.",
        FleetRotateTitle => "Rotate a secret everywhere",
        FleetRotateIntro => "Choose a secret; the projects whose current value shows the same hint (last four characters, or a webhook URL's host) are listed. Type the new value once: it is sent as an update to the projects you tick.",
        IntegrationTypeField => "Integration type",
        SecretField => "Secret to rotate",
        Continue => "Continue",
        ApplyMode => "Where the type is or is not configured",
        ModeCreateOrUpdate => "Create where missing, update where configured",
        ModeCreateOnly => "Create where missing only",
        ModeUpdateOnly => "Update where configured only",
        ChooseProjects => "Projects",
        FilterByName => "Filter by name",
        Filter => "Filter",
        Configuration => "Configuration",
        FleetBlankSecretKeeps => "A secret left blank keeps each project's current one; a project without the type then cannot be created.",
        Preview => "Preview",
        PreviewTitle => "Preview: nothing has been sent yet",
        Confirm => "Confirm and send",
        RunTitle => "Fleet run",
        RunRunning => "Sending… You can close this page: the run goes on, and this address shows it again.",
        RunFinished => "Finished.",
        RetryFailed => "Retry the failed projects",
        Refresh => "Refresh",
        Status => "Status",
        WhatChanges => "What happens",
        NoCandidates => "No project has this secret set.",
        NewValue => "New value",
        Hint => "Current value",
        SelectMatching => "Tick the projects showing this",
        StartAgain => "Start a new run",
        HintLastFour => "Last four characters of the current value",
        HintHost => "Host of the current URL (e.g. hooks.example.com)",
        FindProjects => "Find projects",
        NoMatch => "No project shows this. Check the characters, or pick one of the values above.",
        OtherSecrets => "Other secrets of this type (optional)",
        OtherSecretsHelp => "Only if your Atlas replaces the whole configuration on update: a secret typed here is sent to every ticked project along with the new value. Left blank, each project keeps its own where Atlas allows it; where it does not, the report says which secret it wants.",
    }
}

/// A type's name. English comes from the registry, the single place types are described.
pub fn kind_label(kind: IntegrationKind) -> &'static str {
    kind.spec().label
}

pub fn kind_help(kind: IntegrationKind) -> &'static str {
    kind.spec().help
}

pub fn field_label(field: &FieldSpec) -> &'static str {
    field.label
}

/// The label of the field Atlas calls `name`, for messages that carry only the name; the
/// first type that has it answers (the types share labels for shared names).
fn label_of_name(name: &str) -> String {
    atlas_registry::IntegrationKind::ALL
        .iter()
        .flat_map(|kind| kind.spec().fields)
        .find(|field| field.name == name)
        .map_or_else(|| name.to_string(), |field| field_label(field).to_string())
}

fn labels_of_names(names: &[String]) -> String {
    names
        .iter()
        .map(|name| label_of_name(name))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn field_help(field: &FieldSpec) -> &'static str {
    field.help
}

/// Under a template whose text alone is over Atlas's limit for the rendered output.
pub fn template_over_limit(limit_bytes: usize) -> String {
    format!(
        "This template alone is longer than the {} KB Atlas allows its rendered output. Atlas still saves it, but if the rendered output is too large, Atlas sends its default instead.",
        limit_bytes / 1024
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
    format!("set · {hint}")
}

pub fn saved(kind: IntegrationKind) -> String {
    format!("{} saved.", kind_label(kind))
}

pub fn deleted(kind: IntegrationKind) -> String {
    format!("{} deleted.", kind_label(kind))
}

pub fn configure_title(kind: IntegrationKind) -> String {
    format!("Configure {}", kind_label(kind))
}

pub fn edit_title(kind: IntegrationKind) -> String {
    format!("Edit {}", kind_label(kind))
}

pub fn delete_title(kind: IntegrationKind) -> String {
    format!("Delete {}", kind_label(kind))
}

pub fn delete_question(kind: IntegrationKind, project: &str) -> String {
    format!(
        "Delete the {} integration of project \u{201c}{project}\u{201d}? Atlas stops sending alerts to it at once; this cannot be undone.",
        kind_label(kind)
    )
}

pub fn delete_button(kind: IntegrationKind) -> String {
    format!("Delete {}", kind_label(kind))
}

pub fn already_configured(kind: IntegrationKind) -> String {
    format!(
        "{} is already configured in this project.",
        kind_label(kind)
    )
}

/// The scrape configuration for Atlas's HTTP service discovery (docs/atlas-facts.md, Prometheus). Not a
/// translation, but it lives here with the other text the user copies.
pub fn prometheus_scrape_config(group_id: &str, password: Option<&str>) -> String {
    let password = password.unwrap_or("<the password you saved>");
    format!(
        "scrape_configs:\n  - job_name: \"atlas-{group_id}\"\n    scrape_interval: 10s\n    metrics_path: /metrics\n    scheme: https\n    basic_auth:\n      username: <username>\n      password: {password}\n    http_sd_configs:\n      - url: https://cloud.mongodb.com/prometheus/v1.0/groups/{group_id}/discovery\n        refresh_interval: 60s\n        basic_auth:\n          username: <username>\n          password: {password}\n"
    )
}

/// Who made a change: the public key, user name or client id, and what kind of credential.
pub fn api_key_author(public_key: &str) -> String {
    format!("{public_key} (API key)")
}

pub fn service_account_author(client_id: &str) -> String {
    format!("{client_id} (service account)")
}

pub fn history_count(page: u32, projects: usize) -> String {
    let of = if projects == 1 {
        "1 project".to_string()
    } else {
        format!("{projects} projects")
    };
    format!("Page {page} · {of}")
}

pub fn server_version(version: &str, backend: &str) -> String {
    format!("Server {version} · backend: {backend}")
}

pub fn projects_count(shown_from: usize, shown_to: usize, matching: usize, total: usize) -> String {
    if matching == total {
        format!("{shown_from}–{shown_to} of {total} projects")
    } else {
        format!("{shown_from}–{shown_to} of {matching} matching projects ({total} in all)")
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
    format!("Loaded {loaded} of {total} projects; {shown} shown.")
}

/// A page of the matrix without JavaScript.
pub fn fleet_page_count(page: u32, rows: usize, total_matching_name: usize) -> String {
    format!("Page {page}: {rows} rows of {total_matching_name} projects.")
}

/// A filter value the page did not understand, and left out.
pub fn fleet_ignored(parameter: &str) -> String {
    format!("Ignored the filter \"{parameter}\": its value is not one the matrix knows.")
}

pub fn field_problem(problem: &FieldProblem) -> String {
    match problem {
        FieldProblem::Required => "Required.".into(),
        FieldProblem::NotHex => "Use hexadecimal digits only (0-9, a-f).".into(),
        FieldProblem::NotHex40 => "Must be exactly 40 lowercase hexadecimal digits.".into(),
        FieldProblem::TooShort { min } => format!("At least {min} characters."),
        FieldProblem::TooLong { max } => format!("At most {max} characters."),
        FieldProblem::NotHttpUrl => "Must be an http:// or https:// URL.".into(),
        FieldProblem::UrlUserinfo => {
            "Remove the user name and password from the URL: Atlas would show them to everyone in the project. Put a token in the path or use the webhook secret instead.".into()
        }
        FieldProblem::NotAChoice => "Choose one of the listed values.".into(),
        FieldProblem::RemoveAndValue => {
            "Either type a new secret or tick Remove, not both.".into()
        }
        FieldProblem::CannotRemove => "This field cannot be removed.".into(),
        FieldProblem::LooksMasked => {
            "This looks like Atlas's masked value (****). Type the real secret, or leave it blank to keep the current one.".into()
        }
        FieldProblem::WrongKind => "Wrong kind of value.".into(),
    }
}

/// One sentence for an error, for the page's alert.
pub fn error_message(err: &AppError) -> String {
    match err {
        AppError::NotSignedIn => "Your session has ended. Sign in again.".into(),
        AppError::LoginRefused(LoginRefusal::WrongCredential) => {
            "Atlas did not accept this key or secret. Check both and try again.".into()
        }
        AppError::LoginRefused(LoginRefusal::AccessList) => {
            "Atlas refused the request because this server's IP address is not on the credential's access list.".into()
        }
        AppError::LoginRefused(LoginRefusal::NoProjects) => {
            "Atlas accepted the credential, but it has access to no project. Grant it a project role first.".into()
        }
        AppError::LoginRefused(LoginRefusal::Other(detail)) => said("Atlas refused the sign-in.", detail),
        AppError::CrossSite => "The request came from another site and was refused.".into(),
        AppError::Invalid(_) => "Some fields need attention.".into(),
        AppError::BadRequest(detail) if detail.is_empty() => "The request was not valid.".into(),
        AppError::BadRequest(detail) => format!("The request was not valid: {detail}."),
        AppError::AlreadyConfigured(kind) => {
            format!("{} is already configured in this project. Edit the existing one instead.", kind.label())
        }
        AppError::SecretsRequired(fields) => format!(
            "Atlas replaces the whole configuration on update here, so the current secrets must be entered again: {}.",
            labels_of_names(fields)
        ),
        AppError::SecretsLost(fields) => format!(
            "Saved, but Atlas replaced the whole configuration and cleared: {}. Enter it again to restore it.",
            labels_of_names(fields)
        ),
        AppError::NotRemoved(fields) => format!(
            "Saved, but Atlas kept what you asked to remove: {}. Atlas may not support removing it through its API; remove it in the Atlas UI, or delete the integration and create it again without it.",
            labels_of_names(fields)
        ),
        AppError::Forbidden(detail) => said("Your credential may not do this.", detail),
        AppError::OutOfReach(detail) => said(
            "This project is outside your credential's reach. Ask an organization owner to grant it a role in the project, or sign in with another credential.",
            detail,
        ),
        AppError::NotFound(detail) => said("Not found: it may have been deleted.", detail),
        AppError::RateLimited { retry_after_secs: Some(s) } => {
            format!("Atlas is rate limiting requests. Try again in {}.", seconds(*s))
        }
        AppError::TooManySignIns { retry_after_secs } => format!(
            "Too many failed sign-ins from here or with this id. Try again in {}.",
            seconds(*retry_after_secs)
        ),
        AppError::RateLimited { retry_after_secs: None } => "Atlas is rate limiting requests. Try again shortly.".into(),
        AppError::Atlas(p) => said(&format!("Atlas answered {} {}.", p.status, p.error_code), &p.detail),
        AppError::Unavailable(Unreachable::TimedOut) => "Atlas did not answer in time. Try again in a moment.".into(),
        AppError::Unavailable(Unreachable::Connection) => "Atlas could not be reached: the connection failed. Try again in a moment.".into(),
        AppError::Unavailable(Unreachable::Unreadable) => "Atlas's answer could not be read. Try again in a moment.".into(),
        AppError::Unconfirmed => "Atlas did not confirm the change: it may or may not have been applied. Reload the page to see what Atlas holds before you try again.".into(),
        AppError::TooLarge { limit_bytes } => format!(
            "The form is too large to send (over {} KB). Shorten the longest field and try again.",
            limit_bytes / 1024
        ),
        AppError::ServerFn(ServerFnErrorErr::ServerError(m)) if m.is_empty() => {
            "The dashboard server could not answer.".into()
        }
        AppError::ServerFn(e) => format!("The dashboard server could not answer: {e}"),
    }
}

/// "1 second", "30 seconds".
fn seconds(n: u64) -> String {
    if n == 1 {
        "1 second".into()
    } else {
        format!("{n} seconds")
    }
}

/// A fixed sentence, then Atlas's (or the server's) own words when there are any.
fn said(sentence: &str, detail: &str) -> String {
    if detail.is_empty() {
        sentence.to_string()
    } else {
        format!("{sentence} Atlas said: {detail}")
    }
}

/// The fleet pages' sentences (`crate::fleet`).
pub mod fleet {
    use super::{label_of_name, labels_of_names, t, Key};
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
            Cannot::ReadOnly => {
                "Cannot: your credential is read-only in this project (Atlas refused the write)."
                    .into()
            }
            Cannot::OutOfReach => "Cannot: this project is outside your credential's reach.".into(),
            Cannot::Legacy => "Cannot: this type has no schema in Atlas's API any more.".into(),
            Cannot::UiOnly => {
                "Cannot: only the Atlas UI can create this type (Slack's own sign-in).".into()
            }
            Cannot::AlreadyConfigured => {
                "Left alone: already configured (you chose create only).".into()
            }
            Cannot::NotConfigured => "Left alone: not configured here.".into(),
            Cannot::NeedsForCreate(fields) => format!(
                "Cannot create: a new configuration needs {}, left blank.",
                labels_of_names(fields)
            ),
            Cannot::HintChanged => "Left alone: its secret no longer shows the chosen hint.".into(),
            Cannot::Unreadable(error) => format!(
                "Cannot: its configuration could not be read. {}",
                super::error_message(error)
            ),
        }
    }

    pub fn change(field: &str, change: &Change) -> String {
        let label = label_of_name(field);
        match change {
            Change::Replaced => format!("{label}: replaced"),
            Change::Set {
                from: Some(from),
                to,
            } => format!("{label}: {from} → {to}"),
            Change::Set { from: None, to } => format!("{label}: set to {to}"),
        }
    }

    pub fn plan(plan: &Plan) -> String {
        match plan {
            Plan::Create => "Create".into(),
            Plan::Update(changes) => format!(
                "Update ({})",
                changes
                    .iter()
                    .map(|c| change(&c.field, &c.change))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            Plan::Unchanged => "Unchanged".into(),
            Plan::Cannot(why) => cannot(why),
        }
    }

    pub fn progress(progress: &Progress) -> String {
        match progress {
            Progress::Waiting => "Waiting".into(),
            Progress::Sending => "Sending…".into(),
            Progress::Done(Done::Created) => "Done: created".into(),
            Progress::Done(Done::Updated) => "Done: updated".into(),
            Progress::Done(Done::UpdatedAfterConflict) => {
                "Done: updated (it had been configured meanwhile)".into()
            }
            Progress::Failed(error) => format!("Failed: {}", super::error_message(error)),
            Progress::Skipped(None) => "Skipped: nothing to change".into(),
            Progress::Skipped(Some(why)) => format!("Skipped. {}", cannot(why)),
        }
    }

    pub fn tally(tally: Tally) -> String {
        format!(
            "{} done, {} failed, {} skipped, {} to go",
            tally.done, tally.failed, tally.skipped, tally.waiting
        )
    }

    pub fn to_write(n: usize, of: usize) -> String {
        format!("{n} of {of} projects would be written.")
    }

    pub fn rotate_title(kind: &str, field: &str) -> String {
        format!("Rotate {kind} {}", label_of_name(field))
    }

    pub fn apply_title(kind: &str) -> String {
        format!("Apply {kind} to many projects")
    }

    pub fn projects_showing(n: usize) -> String {
        match n {
            1 => "1 project".into(),
            n => format!("{n} projects"),
        }
    }

    pub fn unreadable_projects(names: &str) -> String {
        format!("Could not be read, so not listed (they may hold this secret too): {names}")
    }

    pub fn not_rotatable(kind: atlas_registry::IntegrationKind, field: &str) -> String {
        format!(
            "{} has no secret field {field:?} whose current value Atlas shows in part",
            kind.label()
        )
    }

    pub fn hint_error(error: super::HintError) -> String {
        match error {
            super::HintError::NotRotatable => {
                "Atlas shows nothing of this secret, so it cannot be matched".into()
            }
            super::HintError::NotFour => "type exactly the last four characters".into(),
            super::HintError::NotAHost => "type the URL's host, such as hooks.example.com".into(),
        }
    }
}
