//! The messages the code names, each with its key in `locales/*.json` and the names of its
//! placeholders. One line per message: the enum the code uses and, on the server, the table
//! of each language, both come from this list (`keys!`). leptos_i18n checks at compile time
//! that every key exists and that the placeholders named here are exactly those of the file.
//!
//! A placeholder comes back as `{name}`; `fill` (both targets) puts the value in, so the
//! browser can build a sentence from the same text the server rendered.

macro_rules! keys {
    ($($variant:ident => $($segment:ident).+ $(($($arg:ident),*))?;)*) => {
        /// A message. Its text is `t(Key::X)` in the page's language.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Key {
            $($variant,)*
        }

        impl Key {
            pub const ALL: &'static [Key] = &[$(Key::$variant,)*];
        }

        /// Every message of `locale`, in `Key` order, placeholders left as `{name}`.
        #[cfg(feature = "ssr")]
        pub(super) fn strings(locale: super::locales::Locale) -> Vec<String> {
            use super::locales::td_string;
            vec![$(
                td_string!(locale, $($segment).+ $($(, $arg = concat!("{", stringify!($arg), "}"))*)?)
                    .to_string(),
            )*]
        }
    };
}

keys! {
    AppTitle => app_title;
    SignInTitle => sign_in_title;
    SignInIntro => sign_in_intro;
    ApiKeyTitle => api_key_title;
    ApiKeyHelp => api_key_help;
    PublicKey => public_key;
    PrivateKey => private_key;
    ServiceAccountTitle => service_account_title;
    ServiceAccountHelp => service_account_help;
    ClientId => client_id;
    ClientSecret => client_secret;
    SignIn => sign_in;
    SigningIn => signing_in;
    SignOut => sign_out;
    CheckServer => check_server;
    Projects => projects;
    ProjectsIntro => projects_intro;
    Loading => loading;
    NotFound => not_found;
    NoProjectsMatch => no_projects_match;
    Search => search;
    SearchPlaceholder => search_placeholder;
    ProjectName => project_name;
    ProjectId => project_id;
    Integrations => integrations;
    NoIntegrations => no_integrations;
    Unknown => unknown;
    PreviousPage => previous_page;
    NextPage => next_page;
    PagerLabel => pager_label;
    Breadcrumbs => breadcrumbs;
    LegacyBadge => legacy_badge;
    LegacyTokenBadge => legacy_token_badge;
    RetiredBadge => retired_badge;
    Configured => configured;
    NotConfigured => not_configured;
    NotConfiguredShort => not_configured_short;
    View => view;
    Edit => edit;
    Delete => delete;
    Configure => configure;
    SlackCaution => slack_caution;
    NewRelicCaution => new_relic_caution;
    Remove => remove;
    RemoveHelp => remove_help;
    OpenAtlasUi => open_atlas_ui;
    LegacyNotOffered => legacy_not_offered;
    LegacyReadOnly => legacy_read_only;
    On => on;
    Off => off;
    UnknownType => unknown_type;
    Cancel => cancel;
    BackToProject => back_to_project;
    Create => create;
    SaveChanges => save_changes;
    Saving => saving;
    FixFields => fix_fields;
    EditExisting => edit_existing;
    WebhookSignatureNote => webhook_signature_note;
    Choose => choose;
    Show => show;
    Hide => hide;
    Generate => generate;
    GenerateUnavailable => generate_unavailable;
    Replace => replace;
    BlankKeeps => blank_keeps;
    WriteOnlyAgain => write_only_again;
    Saved => saved;
    PasswordOnce => password_once;
    ScrapeConfigIntro => scrape_config_intro;
    Copy => copy;
    Copied => copied;
    Fleet => fleet;
    FleetIntro => fleet_intro;
    FleetLink => fleet_link;
    FilterSearch => filter_search;
    FilterHas => filter_has;
    FilterLacks => filter_lacks;
    FilterRegion => filter_region;
    AnyType => any_type;
    AnyRegion => any_region;
    ApplyFilters => apply_filters;
    ClearFilters => clear_filters;
    OutOfReachRow => out_of_reach_row;
    RetryRow => retry_row;
    NoFleetRows => no_fleet_rows;
    ColumnCounts => column_counts;
    Columns => columns;
    ColumnsHint => columns_hint;
    FleetWithoutScript => fleet_without_script;
    History => history;
    FleetHistory => fleet_history;
    HistoryIntro => history_intro;
    ProjectHistoryIntro => project_history_intro;
    When => when;
    Who => who;
    Action => action;
    IntegrationType => integration_type;
    Project => project;
    AnyIntegration => any_integration;
    AnyAction => any_action;
    ApplyFilter => apply_filter;
    ChangeConfigured => change_configured;
    ChangeRemoved => change_removed;
    ExportAsCode => export_as_code;
    ExportIntro => export_intro;
    ExportFormat => export_format;
    ExportTerraform => export_terraform;
    ExportTerraformHelp => export_terraform_help;
    ExportKubernetes => export_kubernetes;
    ExportKubernetesHelp => export_kubernetes_help;
    ExportJson => export_json;
    ExportJsonHelp => export_json_help;
    ExportWhichProjects => export_which_projects;
    ExportOneProject => export_one_project;
    ExportDownload => export_download;
    ExportSecretsNote => export_secrets_note;
    ChangeCreated => change_created;
    ChangeUpdated => change_updated;
    FieldsChanged => fields_changed;
    HistoryJournalNote => history_journal_note;
    HistoryTypeFilterNote => history_type_filter_note;
    TypeNotStated => type_not_stated;
    AuthorNotStated => author_not_stated;
    NoHistory => no_history;
    HistoryTruncated => history_truncated;
    UnreadableProjects => unreadable_projects;
    FleetApplyTitle => fleet_apply_title;
    FleetApplyIntro => fleet_apply_intro;
    FleetRotateTitle => fleet_rotate_title;
    FleetRotateIntro => fleet_rotate_intro;
    IntegrationTypeField => integration_type_field;
    SecretField => secret_field;
    Continue => continue_button;
    ApplyMode => apply_mode;
    ModeCreateOrUpdate => mode_create_or_update;
    ModeCreateOnly => mode_create_only;
    ModeUpdateOnly => mode_update_only;
    ChooseProjects => choose_projects;
    FilterByName => filter_by_name;
    Filter => filter;
    Configuration => configuration;
    FleetBlankSecretKeeps => fleet_blank_secret_keeps;
    Preview => preview;
    PreviewTitle => preview_title;
    Confirm => confirm;
    RunTitle => run_title;
    RunRunning => run_running;
    RunFinished => run_finished;
    RunCancel => run_cancel;
    RunCancelling => run_cancelling;
    RunSignOutNote => run_sign_out_note;
    RunStopped => run_stopped;
    RetryFailed => retry_failed;
    Refresh => refresh;
    Status => status;
    WhatChanges => what_changes;
    NoCandidates => no_candidates;
    NewValue => new_value;
    Hint => hint;
    SelectMatching => select_matching;
    StartAgain => start_again;
    HintLastFour => hint_last_four;
    HintHost => hint_host;
    FindProjects => find_projects;
    NoMatch => no_match;
    OtherSecrets => other_secrets;
    OtherSecretsHelp => other_secrets_help;
    Language => language;
    ListSeparator => list_separator;
    MsgTemplateOverLimit => msg.template_over_limit (kb);
    MsgSecretSet => msg.secret_set (hint);
    MsgSavedKind => msg.saved_kind (kind);
    MsgDeletedKind => msg.deleted_kind (kind);
    MsgConfigureTitle => msg.configure_title (kind);
    MsgEditTitle => msg.edit_title (kind);
    MsgDeleteTitle => msg.delete_title (kind);
    MsgDeleteQuestion => msg.delete_question (kind, project);
    MsgDeleteButton => msg.delete_button (kind);
    MsgAlreadyConfigured => msg.already_configured (kind);
    MsgPasswordPlaceholder => msg.password_placeholder;
    MsgApiKeyAuthor => msg.api_key_author (id);
    MsgServiceAccountAuthor => msg.service_account_author (id);
    MsgApiKeyIdAuthor => msg.api_key_id_author (id);
    MsgDelegate => msg.delegate (name);
    MsgDelegateFor => msg.delegate_for (name, user);
    MsgFromAddress => msg.from_address (address);
    MsgFieldsSet => msg.fields_set (fields);
    MsgFieldsRemoved => msg.fields_removed (fields);
    MsgHistoryPageOneProject => msg.history_page_one_project (page);
    MsgHistoryPageProjects => msg.history_page_projects (page, count);
    MsgServerVersion => msg.server_version (version, backend);
    MsgProjectsCount => msg.projects_count (from, to, total);
    MsgProjectsCountMatching => msg.projects_count_matching (from, to, matching, total);
    MsgFleetProgress => msg.fleet_progress (loaded, total, shown);
    MsgFleetPageCount => msg.fleet_page_count (page, rows, total);
    MsgFleetIgnored => msg.fleet_ignored (parameter);
    ProblemRequired => problem.required;
    ProblemNotHex => problem.not_hex;
    ProblemNotHex40 => problem.not_hex40;
    ProblemTooShort => problem.too_short (min);
    ProblemTooLong => problem.too_long (max);
    ProblemNotHttpUrl => problem.not_http_url;
    ProblemUrlUserinfo => problem.url_userinfo;
    ProblemNotAChoice => problem.not_a_choice;
    ProblemRemoveAndValue => problem.remove_and_value;
    ProblemCannotRemove => problem.cannot_remove;
    ProblemLooksMasked => problem.looks_masked;
    ProblemWrongKind => problem.wrong_kind;
    ErrorNotSignedIn => error.not_signed_in;
    ErrorWrongCredential => error.wrong_credential;
    ErrorAccessList => error.access_list;
    ErrorNoProjects => error.no_projects;
    ErrorSignInRefused => error.sign_in_refused;
    ErrorCrossSite => error.cross_site;
    ErrorInvalid => error.invalid;
    ErrorBadRequest => error.bad_request;
    ErrorBadRequestDetail => error.bad_request_detail (detail);
    ErrorAlreadyConfigured => error.already_configured (kind);
    ErrorSecretsRequired => error.secrets_required (fields);
    ErrorSecretsLost => error.secrets_lost (fields);
    ErrorNotRemoved => error.not_removed (fields);
    ErrorForbidden => error.forbidden;
    ErrorOutOfReach => error.out_of_reach;
    ErrorNotFound => error.not_found;
    ErrorRateLimitedFor => error.rate_limited_for (wait);
    ErrorTooManySignIns => error.too_many_sign_ins (wait);
    ErrorRateLimited => error.rate_limited;
    ErrorAtlasAnswered => error.atlas_answered (status, code);
    ErrorTimedOut => error.timed_out;
    ErrorConnection => error.connection;
    ErrorUnreadable => error.unreadable;
    ErrorUnconfirmed => error.unconfirmed;
    ErrorTooLarge => error.too_large (kb);
    ErrorServer => error.server;
    ErrorServerDetail => error.server_detail (detail);
    ErrorOneSecond => error.one_second;
    ErrorSeconds => error.seconds (count);
    ErrorAtlasSaid => error.atlas_said (sentence, detail);
    PlanCannotReadOnly => plan.cannot_read_only;
    PlanCannotOutOfReach => plan.cannot_out_of_reach;
    PlanCannotLegacy => plan.cannot_legacy;
    PlanCannotUiOnly => plan.cannot_ui_only;
    PlanLeftAlreadyConfigured => plan.left_already_configured;
    PlanLeftNotConfigured => plan.left_not_configured;
    PlanCannotNeedsForCreate => plan.cannot_needs_for_create (fields);
    PlanLeftHintChanged => plan.left_hint_changed;
    PlanCannotUnreadable => plan.cannot_unreadable (error);
    PlanChangeReplaced => plan.change_replaced (field);
    PlanChangeSecretSet => plan.change_secret_set (field);
    PlanChangeFromTo => plan.change_from_to (field, from, to);
    PlanChangeSet => plan.change_set (field, to);
    PlanPlanCreate => plan.plan_create (changes);
    PlanPlanUpdate => plan.plan_update (changes);
    PlanPlanUnchanged => plan.plan_unchanged;
    PlanWaiting => plan.waiting;
    PlanSending => plan.sending;
    PlanDoneCreated => plan.done_created;
    PlanDoneUpdated => plan.done_updated;
    PlanDoneAfterConflict => plan.done_after_conflict;
    PlanFailed => plan.failed (error);
    PlanSkippedNothing => plan.skipped_nothing;
    PlanSkipped => plan.skipped (why);
    PlanTally => plan.tally (done, failed, skipped, not_sent, waiting);
    PlanNotSentCancelled => plan.not_sent_cancelled;
    PlanNotSentSignedOut => plan.not_sent_signed_out;
    PlanToWrite => plan.to_write (count, of);
    PlanRotateTitle => plan.rotate_title (kind, field);
    PlanApplyTitle => plan.apply_title (kind);
    PlanOneProject => plan.one_project;
    PlanProjects => plan.projects (count);
    PlanUnreadableProjects => plan.unreadable_projects (names);
    PlanNotRotatable => plan.not_rotatable (kind, field);
    PlanHintNotRotatable => plan.hint_not_rotatable;
    PlanHintNotFour => plan.hint_not_four;
    PlanHintNotAHost => plan.hint_not_a_host;
    RefusalNoProjectChosen => refusal.no_project_chosen;
    RefusalTooManyProjects => refusal.too_many_projects (count, max);
    RefusalRunsInProgress => refusal.runs_in_progress (max);
    RefusalRunsFull => refusal.runs_full;
    RefusalRunTooLarge => refusal.run_too_large (size, max);
    RefusalNotAProjectId => refusal.not_a_project_id (value);
    RefusalNotAType => refusal.not_a_type (value);
    RefusalTooManyIds => refusal.too_many_ids (max);
}
