//! The projects the signed-in credential can see, with which integrations each carries.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use atlas_registry::IntegrationKind;

use crate::error::AppError;

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
#[server(prefix = "/api", endpoint = "projects/list", output = crate::wire_json::Post)]
pub async fn list_projects(
    #[server(default)] filter: String,
    #[server(default)] page: u32,
    #[server(default)] per_page: u32,
) -> Result<ProjectsPage, AppError> {
    crate::server::respond(ssr::list(filter, page, per_page).await)
}

#[cfg(feature = "ssr")]
mod ssr {
    use futures::StreamExt;

    use super::{ProjectSummary, ProjectsPage, MAX_PER_PAGE};
    use crate::api::lookup;
    use crate::error::AppError;
    use crate::server::UserAtlas;

    pub async fn list(filter: String, page: u32, per_page: u32) -> Result<ProjectsPage, AppError> {
        let atlas = UserAtlas::current().await?;
        let per_page = per_page.clamp(1, MAX_PER_PAGE);
        let page = page.max(1);
        let all = atlas.all_projects().await?;
        let matching: Vec<_> = all
            .iter()
            .filter(|p| lookup::search_matches(p, &filter))
            .collect();
        // usize arithmetic, saturating: a huge page number is an empty page, not an overflow.
        let skip = (page as usize - 1).saturating_mul(per_page as usize);
        let shown: Vec<(String, String)> = matching
            .iter()
            .skip(skip)
            .take(per_page as usize)
            .map(|p| (p.id.clone(), p.name.clone()))
            .collect();
        // Each lookup owns its handle: the server function's future must be `Send`, and one
        // borrowed across these futures is not (the compiler cannot prove it for all lifetimes).
        let projects = lookup::bounded(lookup::slots_for(&atlas), shown, |(id, name)| {
            let atlas = atlas.clone();
            async move { summary(&atlas, id, name).await }
        })
        .collect()
        .await;
        Ok(ProjectsPage {
            projects,
            matching: matching.len(),
            total: all.len(),
            page,
            per_page,
        })
    }

    /// A project with its configured types, in registry order; unknown if Atlas would not say.
    async fn summary(atlas: &UserAtlas, id: String, name: String) -> ProjectSummary {
        let integrations = atlas.integrations_if_visible(&id).await.map(|list| {
            let mut kinds: Vec<_> = list.into_iter().map(|i| i.kind).collect();
            // Registry order (the enum's order).
            kinds.sort();
            kinds
        });
        ProjectSummary {
            id,
            name,
            integrations,
        }
    }
}
