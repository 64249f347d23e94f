//! One project's integrations: read, create, update, delete. Input is checked against the
//! shared registry before any call to Atlas; answers carry secrets only masked.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::AppError;
use crate::integrations::{FormValues, IntegrationKind, IntegrationView};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectIntegrations {
    pub group_id: String,
    pub project_name: String,
    /// The project's integrations page in the Atlas UI (Slack can only be set up there).
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
    use crate::web::context;
    let state = context::app_state()?;
    let user = context::require_session().await?;
    let group_id = context::checked_group_id(&group_id)?;
    let project = context::atlas(state.atlas.get_project(&user.credential, &group_id)).await?;
    let list = context::atlas(state.atlas.list_integrations(&user.credential, &group_id)).await?;
    let atlas_ui_url = context::atlas_ui_url(&state, &group_id);
    Ok(ProjectIntegrations {
        group_id,
        project_name: project.name,
        atlas_ui_url,
        integrations: context::views(&list),
    })
}

#[server(prefix = "/api", endpoint = "integrations/get")]
pub async fn get_integration(group_id: String, kind: String) -> Result<IntegrationView, AppError> {
    use crate::web::context;
    let state = context::app_state()?;
    let user = context::require_session().await?;
    let group_id = context::checked_group_id(&group_id)?;
    let kind = context::checked_kind(&kind)?;
    let found = context::atlas(
        state
            .atlas
            .get_integration(&user.credential, &group_id, kind),
    )
    .await?;
    Ok(IntegrationView::from_atlas(&found))
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
    use crate::web::context;
    context::write(
        group_id,
        kind,
        values,
        remove,
        crate::integrations::WriteMode::Create,
    )
    .await
}

/// PUT: a secret left blank is left out of the request, so Atlas keeps it.
#[server(prefix = "/api", endpoint = "integrations/update")]
pub async fn update_integration(
    group_id: String,
    kind: String,
    #[server(default)] values: FormValues,
    #[server(default)] remove: FormValues,
) -> Result<Vec<IntegrationView>, AppError> {
    use crate::web::context;
    context::write(
        group_id,
        kind,
        values,
        remove,
        crate::integrations::WriteMode::Update,
    )
    .await
}

#[server(prefix = "/api", endpoint = "integrations/delete")]
pub async fn delete_integration(group_id: String, kind: String) -> Result<(), AppError> {
    use crate::web::context;
    let state = context::app_state()?;
    let user = context::require_session().await?;
    let group_id = context::checked_group_id(&group_id)?;
    let kind = context::checked_kind(&kind)?;
    context::atlas(
        state
            .atlas
            .delete_integration(&user.credential, &group_id, kind),
    )
    .await?;
    tracing::info!(group_id, kind = kind.as_wire(), "integration deleted");
    context::redirect_plain_form(&format!("/projects/{group_id}?deleted={}", kind.as_wire()));
    Ok(())
}
