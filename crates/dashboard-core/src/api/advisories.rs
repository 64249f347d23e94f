//! `fleet/advisories`: every project the credential can see, read as the matrix reads it with
//! alert counts (one list of integrations and one paginated list of alert configurations per
//! project, [`LOOKUPS_IN_FLIGHT`](crate::api::LOOKUPS_IN_FLIGHT) projects at a time), and
//! each advisory of [`Advice::ALL`] with the projects it concerns. The rules are the matrix
//! filter's (`FleetFilter::matches` with `advice`), so "Show them in the matrix" shows the
//! same projects.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::fleet::ProjectRef;
use crate::api::fleet_advice::Advice;
use crate::error::AppError;

/// One advisory and the projects it concerns, in name order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub advice: Advice,
    pub projects: Vec<ProjectRef>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Advisories {
    /// Every advisory, in [`Advice::ALL`]'s order, those with no project included.
    pub findings: Vec<Finding>,
    /// Projects whose integrations could not be read: no advisory can speak for them.
    pub unreadable: Vec<ProjectRef>,
    /// Projects whose integrations were read but not their alerts: the alert advisories
    /// leave them out.
    pub alerts_unreadable: Vec<ProjectRef>,
}

#[server(prefix = "/api", endpoint = "fleet/advisories", output = crate::wire_json::Post)]
pub async fn load_advisories() -> Result<Advisories, AppError> {
    crate::server::respond(ssr::advisories().await)
}

#[cfg(feature = "ssr")]
mod ssr {
    use futures::StreamExt;

    use super::{Advisories, Finding};
    use crate::api::fleet::{by_name, lookup_rows, FleetFilter, RowState};
    use crate::api::fleet_advice::Advice;
    use crate::error::AppError;
    use crate::server::UserAtlas;

    pub async fn advisories() -> Result<Advisories, AppError> {
        let atlas = UserAtlas::current().await?;
        let projects = by_name(atlas.all_projects().await?.into_iter());
        let ids: Vec<String> = projects.iter().map(|p| p.id.clone()).collect();
        let rows: Vec<_> = lookup_rows(&atlas, ids, true).collect().await;
        let mut out = Advisories {
            findings: Advice::ALL
                .into_iter()
                .map(|advice| Finding {
                    advice,
                    projects: Vec::new(),
                })
                .collect(),
            unreadable: Vec::new(),
            alerts_unreadable: Vec::new(),
        };
        // `lookup_rows` answers in the order asked: each row is its project's.
        for (project, row) in projects.into_iter().zip(rows) {
            let RowState::Loaded(cells) = &row.state else {
                out.unreadable.push(project);
                continue;
            };
            if cells.iter().any(|c| c.alerts.is_none()) {
                out.alerts_unreadable.push(project.clone());
            }
            for finding in &mut out.findings {
                let filter = FleetFilter {
                    advice: Some(finding.advice),
                    ..FleetFilter::default()
                };
                if filter.matches(&row.state) {
                    finding.projects.push(project.clone());
                }
            }
        }
        Ok(out)
    }
}
