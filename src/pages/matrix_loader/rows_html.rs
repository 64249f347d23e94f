//! `fleet/rows-html`: matrix rows drawn on the server for the [`MatrixLoader`] island to put
//! in place. Beside the view that draws them (`matrix`), as the leptos examples keep a server
//! function beside its component: the browser then needs no code of its own to draw a row
//! (the WASM stays small), and `api` never reaches up into `pages`.
//!
//! [`MatrixLoader`]: super::MatrixLoader

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::fleet::FleetFilter;
use crate::error::AppError;
use atlas_registry::IntegrationKind;

/// A row the island asks for: the project, and its place in the name-sorted fleet (for the
/// island to put the row in order; it is only a number in the row's `data-index`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowRequest {
    pub id: String,
    pub index: u32,
}

/// One drawn row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowHtml {
    pub id: String,
    /// The row's `<tr>`; `None` when it does not match the filter.
    pub html: Option<String>,
    /// The types configured in it, for the column counts.
    pub configured: Vec<IntegrationKind>,
}

/// These projects' rows as HTML (at most
/// [`MAX_IDS_PER_REQUEST`](crate::api::fleet::MAX_IDS_PER_REQUEST)), in the order asked,
/// filtered as `filter` says. Each name shown is the one Atlas gives the credential, looked up
/// here: the browser sends ids, never what a row says.
#[server(prefix = "/api", endpoint = "fleet/rows-html", output = crate::wire_json::Post)]
pub async fn load_fleet_rows_html(
    #[server(default)] filter: FleetFilter,
    #[server(default)] rows: Vec<RowRequest>,
) -> Result<Vec<RowHtml>, AppError> {
    crate::server::respond(ssr::rows_html(filter, rows).await)
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::{RowHtml, RowRequest};
    use crate::api::fleet::{checked_ids, project_names, rows_for, FleetFilter, RowState};
    use crate::error::AppError;
    use crate::pages::fleet::row::row_html;

    pub async fn rows_html(
        filter: FleetFilter,
        asked: Vec<RowRequest>,
    ) -> Result<Vec<RowHtml>, AppError> {
        let filter = filter.checked()?;
        let ids: Vec<String> = asked.iter().map(|r| r.id.clone()).collect();
        // Every id checked before the first Atlas call (the names' list would be one).
        let ids = checked_ids(&ids)?;
        // The names and the rows at once: the names come from the list the matrix page read
        // (else one list of the projects, a page per 500), the rows one call per project.
        let (names, rows) = futures::join!(
            project_names(&ids),
            rows_for(ids.clone(), filter.counts_alerts())
        );
        let (names, rows) = (names?, rows?);
        Ok(rows
            .into_iter()
            .zip(asked)
            .map(|(row, RowRequest { index, .. })| {
                let configured = match &row.state {
                    RowState::Loaded(cells) => cells.iter().map(|c| c.kind).collect(),
                    _ => Vec::new(),
                };
                // A project the credential cannot list (its row says so) is named by its id.
                let name = names
                    .get(&row.id)
                    .cloned()
                    .unwrap_or_else(|| row.id.clone());
                let html = filter
                    .matches(&row.state)
                    .then(|| row_html(index, row.id.clone(), name, row.state));
                RowHtml {
                    id: row.id,
                    html,
                    configured,
                }
            })
            .collect())
    }
}
