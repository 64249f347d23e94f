//! The projects the signed-in credential can see, with which integrations each carries.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::AppError;
use crate::integrations::IntegrationKind;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectSummary {
    pub id: String,
    pub name: String,
    /// Configured integration types; `None` when Atlas would not say (shown as unknown).
    pub integrations: Option<Vec<IntegrationKind>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectsPage {
    pub projects: Vec<ProjectSummary>,
    /// Projects matching the filter, across all pages.
    pub matching: usize,
    /// Projects the credential can see in all.
    pub total: usize,
    pub page: u32,
    pub per_page: u32,
}

/// Most projects shown per page; integrations are fetched for the shown ones only.
pub const MAX_PER_PAGE: u32 = 100;

/// Projects whose name or id contains `filter` (case-insensitive), one page of them (1-based).
#[server(prefix = "/api", endpoint = "projects/list")]
pub async fn list_projects(
    #[server(default)] filter: String,
    #[server(default)] page: u32,
    #[server(default)] per_page: u32,
) -> Result<ProjectsPage, AppError> {
    use crate::web::context;
    let state = context::app_state()?;
    let user = context::require_session().await?;
    let per_page = per_page.clamp(1, MAX_PER_PAGE);
    let page = page.max(1);
    let all = context::atlas(state.atlas.list_all_projects(&user.credential)).await?;
    let needle = filter.trim().to_lowercase();
    let matching: Vec<_> = all
        .iter()
        .filter(|p| {
            needle.is_empty() || p.name.to_lowercase().contains(&needle) || p.id.contains(&needle)
        })
        .collect();
    let shown = matching
        .iter()
        .skip(((page - 1) * per_page) as usize)
        .take(per_page as usize)
        .map(|p| (*p).clone())
        .collect();
    let projects = context::with_integrations(&state, &user, shown).await;
    Ok(ProjectsPage {
        projects,
        matching: matching.len(),
        total: all.len(),
        page,
        per_page,
    })
}
