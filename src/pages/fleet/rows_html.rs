//! `fleet/rows-html`: matrix rows drawn on the server for the [`MatrixLoader`] island to put
//! in place. Beside the view that draws them (`matrix`), as the leptos examples keep a server
//! function beside its component: the browser then needs no code of its own to draw a row
//! (the WASM stays small), and `api` never reaches up into `pages`.
//!
//! [`MatrixLoader`]: super::loader::MatrixLoader

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use atlas_registry::IntegrationKind;

/// One drawn row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowHtml {
    pub id: String,
    /// The row's `<tr>`; `None` when it does not match the filter.
    pub html: Option<String>,
    /// The types configured in it, for the column counts.
    pub configured: Vec<IntegrationKind>,
}

/// The rows of these projects as HTML, filtered as the URL's filter says. `names` and
/// `indexes` go with `ids` (the name shown, the place in the name-sorted fleet), so the rows
/// come back drawn and ready to be put in order; at most
/// [`MAX_IDS_PER_REQUEST`](crate::api::fleet::MAX_IDS_PER_REQUEST) ids. A name is only text
/// in the row (escaped as any text), so taking it from the browser costs no trust and saves
/// listing every project again per request.
#[server(prefix = "/api", endpoint = "fleet/rows-html")]
pub async fn load_fleet_rows_html(
    #[server(default)] ids: Vec<String>,
    #[server(default)] names: Vec<String>,
    #[server(default)] indexes: Vec<u32>,
    #[server(default)] q: String,
    #[server(default)] has: String,
    #[server(default)] lacks: String,
    #[server(default)] region: String,
) -> Result<Vec<RowHtml>, AppError> {
    crate::server::respond(ssr::rows_html(ids, names, indexes, q, has, lacks, region).await)
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::RowHtml;
    use crate::api::fleet::{rows_for, FleetFilter, RowState};
    use crate::error::AppError;
    use crate::pages::fleet::row::row_html;

    pub async fn rows_html(
        ids: Vec<String>,
        names: Vec<String>,
        indexes: Vec<u32>,
        q: String,
        has: String,
        lacks: String,
        region: String,
    ) -> Result<Vec<RowHtml>, AppError> {
        let filter = FleetFilter::checked(&q, &has, &lacks, &region)?;
        if names.len() != ids.len() || indexes.len() != ids.len() {
            return Err(AppError::BadRequest(String::new()));
        }
        let rows = rows_for(ids).await?;
        Ok(rows
            .into_iter()
            .zip(names.into_iter().zip(indexes))
            .map(|(row, (name, index))| {
                let configured = match &row.state {
                    RowState::Loaded(cells) => cells.iter().map(|c| c.kind).collect(),
                    _ => Vec::new(),
                };
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
