//! "Apply to many projects": one type's form, filled once, previewed per project (create,
//! update with what changes, unchanged, or why not), kept as a run for the session until
//! confirmed (`fleet`). Input is checked before anything reaches Atlas; the preview only
//! reads.

use std::collections::BTreeMap;

use atlas_registry::FormValues;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::fleet_run::RunView;
#[cfg(feature = "ssr")]
use crate::server::respond;

/// A project the picker offers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectChoice {
    pub id: String,
    pub name: String,
}

/// Every project the credential sees, by name (one paged listing, no per-project read).
#[server(prefix = "/api", endpoint = "fleet/projects", output = crate::wire_json::Post)]
pub async fn fleet_projects() -> Result<Vec<ProjectChoice>, AppError> {
    respond(ssr::projects().await)
}

/// Previews writing `values` (the type's form, as the single-project form posts it) to the
/// ticked `projects` (`fleet::pick_control`). Nothing is written: the run waits for
/// [`super::fleet::start_fleet_run`].
#[server(prefix = "/api", endpoint = "fleet/apply/preview", output = crate::wire_json::Post)]
pub async fn preview_apply(
    kind: String,
    mode: String,
    #[server(default)] projects: BTreeMap<String, String>,
    #[server(default)] values: FormValues,
) -> Result<RunView, AppError> {
    respond(ssr::preview(kind, mode, projects, values).await)
}

/// What the rotate preview shares with this one: the projects to choose from, and the
/// ticked ones among them.
#[cfg(feature = "ssr")]
pub(crate) use ssr::{projects, selected};

#[cfg(feature = "ssr")]
mod ssr {
    use std::collections::BTreeMap;

    use atlas_registry::{
        integration_from_form, validate_for_write, Availability, Caution, FormValues, Integration,
        IntegrationKind, WriteMode,
    };

    use super::ProjectChoice;
    use crate::api::input;
    use crate::error::AppError;
    use crate::fleet_run::{
        ApplyMode, Cannot, Operation, Plan, RunView, MAX_PROJECTS_PER_RUN, PICK_PREFIX,
    };
    use crate::server::runs::plan::{changes, overlay, update_plan};
    use crate::server::runs::preview_run;
    use crate::server::UserAtlas;

    pub async fn projects() -> Result<Vec<ProjectChoice>, AppError> {
        let atlas = UserAtlas::current().await?;
        let mut all: Vec<ProjectChoice> = atlas
            .all_projects()
            .await?
            .into_iter()
            .map(|p| ProjectChoice {
                id: p.id,
                name: p.name,
            })
            .collect();
        all.sort_by_key(|a| a.name.to_lowercase());
        Ok(all)
    }

    /// The ticked project ids, checked: at least one, at most `MAX_PROJECTS_PER_RUN`, each a
    /// project id (duplicates once).
    pub fn selected(projects: &BTreeMap<String, String>) -> Result<Vec<String>, AppError> {
        let ids: Vec<&str> = projects
            .iter()
            .filter(|(_, v)| matches!(v.as_str(), "on" | "true"))
            .map(|(key, _)| key.strip_prefix(PICK_PREFIX).unwrap_or(key))
            .collect();
        if ids.is_empty() {
            return Err(AppError::BadRequest(
                crate::i18n::t(crate::i18n::Key::RefusalNoProjectChosen).into(),
            ));
        }
        if ids.len() > MAX_PROJECTS_PER_RUN {
            return Err(AppError::BadRequest(crate::i18n::tf(
                crate::i18n::Key::RefusalTooManyProjects,
                &[
                    ("count", &ids.len().to_string()),
                    ("max", &MAX_PROJECTS_PER_RUN.to_string()),
                ],
            )));
        }
        ids.into_iter().map(input::group_id).collect()
    }

    /// Slack: new integrations "must be initially configured … through the Atlas third-party
    /// service integrations page" (spec; REFERENCE §3.2): only Atlas's UI creates them.
    fn create_is_ui_only(kind: IntegrationKind) -> bool {
        kind.spec().availability == Availability::Discouraged(Caution::SlackLegacyToken)
    }

    /// What writing `given` does to one project that has `current` (or not).
    pub fn plan(
        mode: ApplyMode,
        given: &Integration,
        current: Option<&Integration>,
    ) -> (Plan, Option<Integration>) {
        let kind = given.kind;
        if kind.spec().availability == Availability::Legacy {
            return (Plan::Cannot(Cannot::Legacy), None);
        }
        match (current, mode) {
            (None, ApplyMode::UpdateOnly) => (Plan::Cannot(Cannot::NotConfigured), None),
            (None, _) if create_is_ui_only(kind) => (Plan::Cannot(Cannot::UiOnly), None),
            (None, _) => {
                // The form was read as an update (a blank secret keeps the current one); a
                // new configuration needs what Atlas requires.
                let missing: Vec<String> = validate_for_write(given, WriteMode::Create)
                    .into_iter()
                    .map(|e| e.field)
                    .collect();
                if missing.is_empty() {
                    let set = changes(&Integration::new(kind), given);
                    (Plan::Create(set), Some(given.clone()))
                } else {
                    (Plan::Cannot(Cannot::NeedsForCreate(missing)), None)
                }
            }
            (Some(_), ApplyMode::CreateOnly) => (Plan::Cannot(Cannot::AlreadyConfigured), None),
            (Some(current), _) => {
                let update = overlay(current, given);
                let plan = update_plan(current, &update);
                let payload = matches!(plan, Plan::Update(_)).then_some(update);
                (plan, payload)
            }
        }
    }

    pub async fn preview(
        kind: String,
        mode: String,
        projects: BTreeMap<String, String>,
        values: FormValues,
    ) -> Result<RunView, AppError> {
        let atlas = UserAtlas::current().await?;
        let kind = input::kind(&kind)?;
        let mode = ApplyMode::from_wire(&mode)
            .ok_or_else(|| AppError::BadRequest(format!("not an apply mode: {mode:?}")))?;
        let ids = selected(&projects)?;
        let given = integration_from_form(kind, &values, &FormValues::new(), WriteMode::Update)
            .map_err(AppError::Invalid)?;
        let decide = |current: Option<&Integration>| plan(mode, &given, current).0;
        preview_run(&atlas, Operation::Apply(mode), ids, given.clone(), decide).await
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::fleet_run::{Change, FieldChange};
        use atlas_registry::FieldValue;

        fn form(kind: IntegrationKind, pairs: &[(&str, &str)]) -> Integration {
            let values: FormValues = pairs.iter().map(|(k, v)| (*k, *v)).collect();
            integration_from_form(kind, &values, &FormValues::new(), WriteMode::Update).unwrap()
        }

        #[test]
        fn plans_by_mode_and_current_state() {
            let kind = IntegrationKind::PagerDuty;
            let full = form(kind, &[("serviceKey", "key-0001"), ("region", "EU")]);
            let blank_secret = form(kind, &[("region", "EU")]);
            let mut current = Integration::new(kind);
            current
                .values
                .insert("serviceKey".into(), FieldValue::Text("****9999".into()));
            current
                .values
                .insert("region".into(), FieldValue::Text("US".into()));

            // A new configuration says what it sets; its secret only as "set".
            assert_eq!(
                plan(ApplyMode::CreateOrUpdate, &full, None).0,
                Plan::Create(vec![
                    FieldChange {
                        field: "serviceKey".into(),
                        change: Change::SecretSet
                    },
                    FieldChange {
                        field: "region".into(),
                        change: Change::Set {
                            from: None,
                            to: "EU".into()
                        }
                    },
                ])
            );
            assert_eq!(
                plan(ApplyMode::UpdateOnly, &full, None).0,
                Plan::Cannot(Cannot::NotConfigured)
            );
            assert_eq!(
                plan(ApplyMode::CreateOnly, &full, Some(&current)).0,
                Plan::Cannot(Cannot::AlreadyConfigured)
            );
            assert_eq!(
                plan(ApplyMode::CreateOrUpdate, &blank_secret, None).0,
                Plan::Cannot(Cannot::NeedsForCreate(vec!["serviceKey".into()]))
            );
            let (update, payload) = plan(ApplyMode::CreateOrUpdate, &full, Some(&current));
            assert_eq!(
                update,
                Plan::Update(vec![
                    FieldChange {
                        field: "serviceKey".into(),
                        change: Change::Replaced
                    },
                    FieldChange {
                        field: "region".into(),
                        change: Change::Set {
                            from: Some("US".into()),
                            to: "EU".into()
                        }
                    },
                ])
            );
            assert_eq!(payload.unwrap().text("serviceKey"), Some("key-0001"));
            // The secret left blank is kept, the region already EU: nothing to send.
            current
                .values
                .insert("region".into(), FieldValue::Text("EU".into()));
            assert_eq!(
                plan(ApplyMode::UpdateOnly, &blank_secret, Some(&current)),
                (Plan::Unchanged, None)
            );
        }

        #[test]
        fn slack_is_created_in_atlas_ui_only_and_hipchat_not_at_all() {
            let slack = form(
                IntegrationKind::Slack,
                &[("apiToken", "xoxb-1"), ("channelName", "alerts")],
            );
            assert_eq!(
                plan(ApplyMode::CreateOrUpdate, &slack, None).0,
                Plan::Cannot(Cannot::UiOnly)
            );
            let hipchat = Integration::new(IntegrationKind::HipChat);
            assert_eq!(
                plan(ApplyMode::CreateOrUpdate, &hipchat, None).0,
                Plan::Cannot(Cannot::Legacy)
            );
        }

        #[test]
        fn selection_is_checked_before_anything_is_read() {
            let pick = |ids: &[&str]| -> BTreeMap<String, String> {
                ids.iter()
                    .map(|id| (format!("{PICK_PREFIX}{id}"), "on".to_string()))
                    .collect()
            };
            assert!(selected(&pick(&[])).is_err());
            assert!(selected(&pick(&["../x"])).is_err());
            let many: Vec<String> = (0..=MAX_PROJECTS_PER_RUN)
                .map(|i| format!("{i:024x}"))
                .collect();
            let many: Vec<&str> = many.iter().map(String::as_str).collect();
            assert!(selected(&pick(&many)).is_err());
            assert_eq!(
                selected(&pick(&["65f0a1b2c3d4e5f6a7b8c905"])).unwrap(),
                vec!["65f0a1b2c3d4e5f6a7b8c905".to_string()]
            );
        }
    }
}
