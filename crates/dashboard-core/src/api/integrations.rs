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

#[server(prefix = "/api", endpoint = "integrations/list", output = crate::wire_json::Post)]
pub async fn list_integrations(group_id: String) -> Result<ProjectIntegrations, AppError> {
    respond(ssr::list(group_id).await)
}

/// POST: every required field, secrets included. A type already configured comes back as
/// [`AppError::AlreadyConfigured`] so the page can offer to edit it. Never retried.
#[server(prefix = "/api", endpoint = "integrations/create", output = crate::wire_json::Post)]
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
#[server(prefix = "/api", endpoint = "integrations/update", output = crate::wire_json::Post)]
pub async fn update_integration(
    group_id: String,
    kind: String,
    #[server(default)] values: FormValues,
    #[server(default)] remove: FormValues,
) -> Result<Vec<IntegrationView>, AppError> {
    use atlas_registry::WriteMode;
    respond(ssr::write(group_id, kind, values, remove, WriteMode::Update).await)
}

#[server(prefix = "/api", endpoint = "integrations/delete", output = crate::wire_json::Post)]
pub async fn delete_integration(group_id: String, kind: String) -> Result<(), AppError> {
    respond(ssr::delete(group_id, kind).await)
}

#[cfg(feature = "ssr")]
mod ssr {
    use atlas_registry::{integration_from_form, FormValues, IntegrationView, WriteMode};

    use super::ProjectIntegrations;
    use crate::api::input;
    use crate::error::AppError;
    use crate::links;
    use crate::server::writes;
    use crate::server::{redirect_plain_form, UserAtlas};

    pub async fn list(group_id: String) -> Result<ProjectIntegrations, AppError> {
        let atlas = UserAtlas::current().await?;
        let group_id = input::group_id(&group_id)?;
        // The list answers for the project's reach (401/403/404); the name is usually known
        // from the projects list, so the call is one request to Atlas (issue #28).
        let list = atlas.integrations(&group_id).await?;
        let project_name = atlas.project_name(&group_id).await?;
        Ok(ProjectIntegrations {
            atlas_ui_url: atlas.state().settings.atlas_ui_url(&group_id),
            group_id,
            project_name,
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
        writes::writable(kind)?;
        let integration =
            integration_from_form(kind, &values, &remove, mode).map_err(AppError::Invalid)?;
        let list = match mode {
            WriteMode::Create => atlas.create(&group_id, &integration).await?,
            WriteMode::Update => writes::update(&atlas, &group_id, &integration, None).await?,
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
        atlas.delete(&group_id, kind).await?;
        tracing::info!(group_id, kind = kind.as_wire(), "integration deleted");
        redirect_plain_form(&links::deleted(&group_id, kind));
        Ok(())
    }
}
