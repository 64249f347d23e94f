//! One project's integrations: list, create, update, delete. Input is checked against the
//! shared registry before any call to Atlas; answers carry secrets only masked.

use atlas_registry::{FormValues, IntegrationKind, IntegrationView};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::respond;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectIntegrations {
    pub group_id: String,
    pub project_name: String,
    /// The project's integrations page in the Atlas UI (Slack's recommended set-up is there).
    pub atlas_ui_url: String,
    /// Configured integrations, in registry order.
    pub integrations: Vec<IntegrationView>,
}

impl ProjectIntegrations {
    pub fn get(&self, kind: IntegrationKind) -> Option<&IntegrationView> {
        self.integrations.iter().find(|i| i.kind == kind)
    }
}

#[server(prefix = "/api", endpoint = "integrations/list")]
pub async fn list_integrations(group_id: String) -> Result<ProjectIntegrations, AppError> {
    respond(ssr::list(group_id).await)
}

/// POST: every required field, secrets included. A type already configured comes back as
/// [`AppError::AlreadyConfigured`] so the page can offer to edit it. Never retried.
#[server(prefix = "/api", endpoint = "integrations/create")]
pub async fn create_integration(
    group_id: String,
    kind: String,
    #[server(default)] values: FormValues,
    #[server(default)] remove: FormValues,
) -> Result<Vec<IntegrationView>, AppError> {
    use atlas_registry::WriteMode;
    respond(ssr::write(group_id, kind, values, remove, WriteMode::Create).await)
}

/// PUT: a secret left blank is left out of the request, so Atlas keeps it; a field ticked
/// "remove" is sent as `null`.
#[server(prefix = "/api", endpoint = "integrations/update")]
pub async fn update_integration(
    group_id: String,
    kind: String,
    #[server(default)] values: FormValues,
    #[server(default)] remove: FormValues,
) -> Result<Vec<IntegrationView>, AppError> {
    use atlas_registry::WriteMode;
    respond(ssr::write(group_id, kind, values, remove, WriteMode::Update).await)
}

#[server(prefix = "/api", endpoint = "integrations/delete")]
pub async fn delete_integration(group_id: String, kind: String) -> Result<(), AppError> {
    respond(ssr::delete(group_id, kind).await)
}

#[cfg(feature = "ssr")]
mod ssr {
    use atlas_registry::{
        integration_from_form, Availability, FormValues, Integration, IntegrationKind,
        IntegrationView, WriteMode,
    };

    use super::ProjectIntegrations;
    use crate::api::input;
    use crate::error::AppError;
    use crate::links;
    use crate::server::audit::{self, Action};
    use crate::server::{redirect_plain_form, UserAtlas};

    pub async fn list(group_id: String) -> Result<ProjectIntegrations, AppError> {
        let atlas = UserAtlas::current().await?;
        let group_id = input::group_id(&group_id)?;
        let project = atlas.project(&group_id).await?;
        let list = atlas.integrations(&group_id).await?;
        Ok(ProjectIntegrations {
            atlas_ui_url: atlas.state().settings.atlas_ui_url(&group_id),
            group_id,
            project_name: project.name,
            integrations: IntegrationView::all_from_atlas(&list),
        })
    }

    /// Create or update from a submitted form: checked against the registry first (nothing
    /// is sent if it fails), then sent with only the type's fields, then Atlas's answer
    /// checked for what it should have kept or removed.
    pub async fn write(
        group_id: String,
        kind: String,
        values: FormValues,
        remove: FormValues,
        mode: WriteMode,
    ) -> Result<Vec<IntegrationView>, AppError> {
        let atlas = UserAtlas::current().await?;
        let group_id = input::group_id(&group_id)?;
        let kind = input::kind(&kind)?;
        writable(kind)?;
        let integration =
            integration_from_form(kind, &values, &remove, mode).map_err(AppError::Invalid)?;
        let who = atlas.user().credential.public_id();
        let (set, removed) = audit::field_names(&integration);
        let audit = |action, result: &Result<_, AppError>| {
            audit::write(
                who,
                &group_id,
                kind,
                action,
                (&set, &removed),
                audit::outcome(result),
            )
        };
        let list = match mode {
            WriteMode::Create => {
                let result = atlas.create(&group_id, &integration).await;
                audit(Action::Create, &result);
                result?
            }
            WriteMode::Update => {
                // Secrets set now and left out of this update (to keep them) are checked
                // again afterwards: an Atlas that replaces the whole configuration would
                // silently clear them.
                let before = atlas.integration(&group_id, kind).await?;
                let kept = kept_secrets(&before, &integration);
                let result = atlas.update(&group_id, &integration).await;
                audit(Action::Update, &result);
                let list = result?;
                check_update(&group_id, &integration, &kept, &list)?;
                list
            }
        };
        tracing::info!(
            group_id,
            kind = kind.as_wire(),
            ?mode,
            "integration written"
        );
        redirect_plain_form(&links::saved(&group_id, kind));
        Ok(IntegrationView::all_from_atlas(&list))
    }

    pub async fn delete(group_id: String, kind: String) -> Result<(), AppError> {
        let atlas = UserAtlas::current().await?;
        let group_id = input::group_id(&group_id)?;
        let kind = input::kind(&kind)?;
        let result = atlas.delete(&group_id, kind).await;
        audit::write(
            atlas.user().credential.public_id(),
            &group_id,
            kind,
            Action::Delete,
            ("", ""),
            audit::outcome(&result),
        );
        result?;
        tracing::info!(group_id, kind = kind.as_wire(), "integration deleted");
        redirect_plain_form(&links::deleted(&group_id, kind));
        Ok(())
    }

    /// Only a type without a schema (HIP_CHAT) cannot be written; discouraged ones can, and
    /// Atlas's answer decides.
    fn writable(kind: IntegrationKind) -> Result<(), AppError> {
        if kind.spec().availability == Availability::Legacy {
            return Err(AppError::BadRequest(format!(
                "{} has no schema in Atlas's API any more: it can only be deleted",
                kind.label()
            )));
        }
        Ok(())
    }

    /// Secrets Atlas shows as set that `update` leaves out to keep them (not those it
    /// removes). Write-only ones are never left out: validation asks for them on every save
    /// (`FieldSpec::blank_keeps`).
    fn kept_secrets(before: &Integration, update: &Integration) -> Vec<&'static str> {
        before
            .kind
            .spec()
            .fields
            .iter()
            .filter(|f| f.blank_keeps())
            .filter(|f| before.values.contains_key(f.name) && !update.values.contains_key(f.name))
            .filter(|f| !update.cleared.contains(f.name))
            .map(|f| f.name)
            .collect()
    }

    /// The update went through; did Atlas do what it was asked? A field sent as `null` must
    /// be gone (whether Atlas honours an explicit null on PUT is [unverified], so its answer
    /// decides), and a secret left out to keep it must still be there.
    fn check_update(
        group_id: &str,
        sent: &Integration,
        kept: &[&str],
        list: &[Integration],
    ) -> Result<(), AppError> {
        let after = list.iter().find(|i| i.kind == sent.kind);
        let has = |name: &str| after.is_some_and(|i| i.values.contains_key(name));
        let not_removed: Vec<String> = sent
            .cleared
            .iter()
            .filter(|name| has(name))
            .cloned()
            .collect();
        let lost: Vec<String> = kept
            .iter()
            .filter(|name| !has(name))
            .map(|name| name.to_string())
            .collect();
        let kind = sent.kind.as_wire();
        if !not_removed.is_empty() {
            tracing::warn!(
                group_id,
                kind,
                ?not_removed,
                "Atlas kept fields the update removed"
            );
            return Err(AppError::NotRemoved(not_removed));
        }
        if !lost.is_empty() {
            tracing::warn!(
                group_id,
                kind,
                ?lost,
                "Atlas cleared secrets the update kept"
            );
            return Err(AppError::SecretsLost(lost));
        }
        Ok(())
    }
}
