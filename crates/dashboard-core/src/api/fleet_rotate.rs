//! "Rotate a secret everywhere": one secret field of one type; the projects whose stored
//! value shows the same hint as the old secret (its last four, or a URL's host: the
//! registry's `SecretHint`) are listed, the new value is typed once and previewed as an
//! update of the ticked ones, kept as a run for the session until confirmed (`fleet`).
//! Only hints ever leave the server; the new value stays in the run, on the server.

use std::collections::BTreeMap;

use atlas_registry::FormValues;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::alerts::OldKeyProject;
use crate::api::fleet_apply::ProjectChoice;
use crate::error::AppError;
use crate::fleet_run::RunView;
#[cfg(feature = "ssr")]
use crate::server::respond;

/// One distinct hint the fleet shows for the field, and how many projects show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HintGroup {
    /// As typed and carried in the page's address (`SecretHint::as_str`).
    pub hint: String,
    /// As shown (`••••abcd`, or the host).
    pub shown: String,
    pub count: usize,
}

/// What the rotate page lists for one secret field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HintMatches {
    /// The distinct hints, most shown first.
    pub groups: Vec<HintGroup>,
    /// The projects whose hint is the one asked for (none when none was).
    pub matching: Vec<ProjectChoice>,
    /// Projects whose configuration could not be read: they may hold the secret too.
    pub unreadable: Vec<ProjectChoice>,
    /// With a hint: the projects whose alerts carry their own copy of the old secret, which
    /// the rotation does not change (issue #29).
    pub old_key: Vec<OldKeyProject>,
    /// With a hint: the names of projects whose alerts could not be read.
    pub alerts_unreadable: Vec<String>,
}

/// Reads every project's configuration of `kind` and groups the hints of `field`; with a
/// `hint` (typed or picked), lists the projects that show it. Only reads.
#[server(prefix = "/api", endpoint = "fleet/rotate/candidates", output = crate::wire_json::Post)]
pub async fn rotate_candidates(
    kind: String,
    field: String,
    #[server(default)] hint: String,
) -> Result<HintMatches, AppError> {
    respond(ssr::candidates(kind, field, hint).await)
}

/// Previews replacing `field` with `values[field]` in the ticked `projects` whose value
/// still shows `hint`. Other secrets of the type may be given too (`values[…]`), for an
/// Atlas that replaces the whole configuration on update; plain values are each project's
/// own and are kept. Nothing is written: the run waits for
/// [`super::fleet::start_fleet_run`].
#[server(prefix = "/api", endpoint = "fleet/rotate/preview", output = crate::wire_json::Post)]
pub async fn preview_rotate(
    kind: String,
    field: String,
    hint: String,
    #[server(default)] projects: BTreeMap<String, String>,
    #[server(default)] values: FormValues,
) -> Result<RunView, AppError> {
    respond(ssr::preview(kind, field, hint, projects, values).await)
}

#[cfg(feature = "ssr")]
mod ssr {
    use std::collections::{BTreeMap, HashMap};

    use atlas_registry::{
        hint_of_shown, read_form, validate_for_write, FieldError, FieldProblem, FieldSpec,
        FormValues, Integration, IntegrationKind, SecretHint, WriteMode,
    };

    use super::{HintGroup, HintMatches};
    use crate::api::alerts::switch::old_key_projects;
    use crate::api::fleet_apply::{projects, selected, ProjectChoice};
    use crate::api::input::{hint, secret_field};
    use crate::error::AppError;
    use crate::fleet_run::{Cannot, Operation, Plan, RunView};
    use crate::server::runs::plan::{overlay, update_plan};
    use crate::server::runs::{preview_run, read_all};
    use crate::server::UserAtlas;

    /// The hint `current` shows for `field`, if configured and set.
    pub fn hint_of(current: Option<&Integration>, field: &FieldSpec) -> Option<SecretHint> {
        hint_of_shown(field, current?.text(field.name)?)
    }

    pub async fn candidates(
        kind: String,
        field: String,
        hint: String,
    ) -> Result<HintMatches, AppError> {
        let (kind, field) = secret_field(&kind, &field)?;
        let wanted = (!hint.trim().is_empty())
            .then(|| self::hint(field, &hint))
            .transpose()?;
        let atlas = UserAtlas::current().await?;
        let all: Vec<ProjectChoice> = projects().await?;
        let ids: Vec<String> = all.iter().map(|p| p.id.clone()).collect();
        let reads = read_all(&atlas, &ids, kind).await;
        let mut counts: HashMap<SecretHint, usize> = HashMap::new();
        let mut out = HintMatches::default();
        // The readable projects, for the alerts' search.
        let mut readable = Vec::new();
        for (project, read) in all.into_iter().zip(reads) {
            let shown = match read {
                Ok(current) => {
                    let shown = hint_of(current.as_ref(), field);
                    readable.push((project.id.clone(), project.name.clone(), current));
                    shown
                }
                Err(_) => {
                    out.unreadable.push(project);
                    continue;
                }
            };
            let Some(shown) = shown else { continue };
            if wanted.as_ref() == Some(&shown) {
                out.matching.push(project);
            }
            *counts.entry(shown).or_default() += 1;
        }
        let mut groups: Vec<(SecretHint, usize)> = counts.into_iter().collect();
        groups.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out.groups = groups
            .into_iter()
            .map(|(hint, count)| HintGroup {
                hint: hint.as_str().to_string(),
                shown: hint.display(),
                count,
            })
            .collect();
        if let Some(wanted) = &wanted {
            // One more paginated read per project, only once a hint is chosen.
            (out.old_key, out.alerts_unreadable) =
                old_key_projects(&atlas, readable, kind, field, wanted).await;
        }
        Ok(out)
    }

    /// The secrets to send: the new value of `field` (required) and any other secret of the
    /// type typed; each checked by the registry's rules. Plain values are left out: each
    /// project keeps its own (`overlay`).
    pub fn given(
        kind: IntegrationKind,
        field: &FieldSpec,
        values: &FormValues,
    ) -> Result<Integration, AppError> {
        let is_secret = |name: &str| kind.spec().field(name).is_some_and(|f| f.is_secret());
        let mut given = read_form(kind, values, &FormValues::new());
        // Toggles read as off when absent, plain values were not asked for: neither is sent.
        given.values.retain(|name, _| is_secret(name));
        let mut errors = validate_for_write(&given, WriteMode::Update);
        // A required plain field is each project's own (kept by `overlay`), not missing.
        errors.retain(|e| is_secret(&e.field));
        if !given.values.contains_key(field.name) {
            errors.push(FieldError {
                field: field.name.to_string(),
                problem: FieldProblem::Required,
            });
        }
        if errors.is_empty() {
            Ok(given)
        } else {
            Err(AppError::Invalid(errors))
        }
    }

    /// What rotating does to one project: an update where its value still shows `hint`.
    pub fn plan(
        field: &FieldSpec,
        hint: &SecretHint,
        given: &Integration,
        current: Option<&Integration>,
    ) -> (Plan, Option<Integration>) {
        let Some(current) = current else {
            return (Plan::Cannot(Cannot::NotConfigured), None);
        };
        if hint_of(Some(current), field).as_ref() != Some(hint) {
            return (Plan::Cannot(Cannot::HintChanged), None);
        }
        let update = overlay(current, given);
        let plan = update_plan(current, &update);
        let payload = matches!(plan, Plan::Update(_)).then_some(update);
        (plan, payload)
    }

    pub async fn preview(
        kind: String,
        field: String,
        hint: String,
        projects: BTreeMap<String, String>,
        values: FormValues,
    ) -> Result<RunView, AppError> {
        // Everything typed is checked before Atlas is asked anything.
        let (kind, field) = secret_field(&kind, &field)?;
        let hint = self::hint(field, &hint)?;
        let ids = selected(&projects)?;
        let given = given(kind, field, &values)?;
        let atlas = UserAtlas::current().await?;
        let operation = Operation::Rotate {
            field: field.name.to_string(),
        };
        let decide = |current: Option<&Integration>| plan(field, &hint, &given, current).0;
        preview_run(&atlas, operation, ids, given.clone(), decide).await
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::fleet_run::{Change, FieldChange};
        use atlas_registry::FieldValue;

        fn webhook(url: &str, secret: &str) -> Integration {
            let mut i = Integration::new(IntegrationKind::Webhook);
            i.values.insert("url".into(), FieldValue::Text(url.into()));
            i.values
                .insert("secret".into(), FieldValue::Text(secret.into()));
            i
        }

        #[test]
        fn only_projects_still_showing_the_hint_are_updated() {
            let (kind, url) = secret_field("WEBHOOK", "url").unwrap();
            let hint = hint(url, "hooks.example.com").unwrap();
            let values: FormValues = [
                ("url", "https://hooks.example.com/new/0001"),
                ("headersTemplate", ""),
            ]
            .into_iter()
            .collect();
            let given = given(kind, url, &values).unwrap();
            let same = webhook("https://hooks.example.com/****2101", "****abcd");
            let (plan_same, payload) = plan(url, &hint, &given, Some(&same));
            assert_eq!(
                plan_same,
                Plan::Update(vec![FieldChange {
                    field: "url".into(),
                    change: Change::Replaced
                }])
            );
            let payload = payload.unwrap();
            assert_eq!(
                payload.text("url"),
                Some("https://hooks.example.com/new/0001")
            );
            // The other secret is never sent back masked.
            assert!(payload.text("secret").is_none());
            let other = webhook("https://other.example/****2101", "****abcd");
            assert_eq!(
                plan(url, &hint, &given, Some(&other)),
                (Plan::Cannot(Cannot::HintChanged), None)
            );
            assert_eq!(
                plan(url, &hint, &given, None),
                (Plan::Cannot(Cannot::NotConfigured), None)
            );
        }

        #[test]
        fn input_is_checked_before_atlas() {
            assert!(secret_field("WEBHOOK", "bodyTemplate").is_err());
            assert!(secret_field("PROMETHEUS", "password").is_err());
            assert!(secret_field("OPS_GENIE", "region").is_err());
            assert!(secret_field("FLOWDOCK", "apiKey").is_err());
            let (kind, key) = secret_field("OPS_GENIE", "apiKey").unwrap();
            assert!(hint(key, "12").is_err());
            let blank: FormValues = [("apiKey", " ")].into_iter().collect();
            assert!(matches!(
                given(kind, key, &blank),
                Err(AppError::Invalid(_))
            ));
            let masked: FormValues = [("apiKey", "****3311")].into_iter().collect();
            assert!(matches!(
                given(kind, key, &masked),
                Err(AppError::Invalid(_))
            ));
            // A plain value typed along is not sent: each project keeps its own.
            let with_region: FormValues = [("apiKey", "new-key-0001"), ("region", "EU")]
                .into_iter()
                .collect();
            let given = given(kind, key, &with_region).unwrap();
            assert_eq!(given.text("apiKey"), Some("new-key-0001"));
            assert!(!given.values.contains_key("region"));
        }
    }
}
