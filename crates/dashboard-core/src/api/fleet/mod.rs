//! The fleet matrix: one row per project, one column per integration type, every cell from one
//! list call per project (`GET /groups/{id}/integrations`; docs/atlas-facts.md, Discovery).
//!
//! Two server functions: `fleet/page` answers the filtered, name-sorted project list and one
//! page of rows (what the page renders without JavaScript); `fleet/rows` answers the rows of
//! up to [`MAX_IDS_PER_REQUEST`] projects as data (the JSON API). The page's island asks for
//! the same rows drawn as HTML, chunk by chunk, from `fleet/rows-html`, which lives beside the
//! view that draws them (`pages::fleet`) and takes its rows from [`rows_for`] and its names
//! from [`project_names`].

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Rows per page without JavaScript.
pub const PER_PAGE: usize = 50;
/// Most projects one `fleet/rows` request may name: it bounds the time and the Atlas calls
/// one request can cost.
pub const MAX_IDS_PER_REQUEST: usize = 100;
/// Projects whose lookups `fleet/page` starts as it answers, the first the island will ask for
/// (`server::prefetch`): six rounds of the credential's lookup slots, about 0.3 s at Atlas's
/// 50 ms, more than the 170 ms between the page's answer and the island's first request
/// (docs/benchmarks.md). A reader without JavaScript takes them with the next page.
#[cfg(feature = "ssr")]
const PREFETCH: usize = 6 * crate::api::LOOKUPS_IN_FLIGHT;

mod cell;
mod filter;
pub use cell::{Cell, RowState};
pub use filter::{regions, FleetFilter};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetRow {
    pub id: String,
    pub state: RowState,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectRef {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetPage {
    pub filter: FleetFilter,
    /// Every project whose name or id matches `filter.q`, sorted by name: the rows to load.
    pub projects: Vec<ProjectRef>,
    /// The shown page's rows, in `projects`' order, matching the whole filter.
    pub rows: Vec<FleetRow>,
    /// Projects looked up for this page that do not match the filter's cells: the island
    /// need not ask for them again.
    pub not_matching: Vec<String>,
    pub page: u32,
    /// Whether a next page has rows.
    pub next: bool,
    /// Projects the credential can see in all.
    pub total: usize,
}

impl FleetPage {
    /// The projects not looked up for this page, in the fleet's order: what the matrix's
    /// island loads next, in this order (and what `fleet/page` starts looking up for it).
    pub fn not_looked_up(&self) -> impl Iterator<Item = &ProjectRef> {
        let looked_up: std::collections::HashSet<&str> = self
            .rows
            .iter()
            .map(|r| r.id.as_str())
            .chain(self.not_matching.iter().map(String::as_str))
            .collect();
        self.projects
            .iter()
            .filter(move |p| !looked_up.contains(p.id.as_str()))
    }
}

/// The filtered fleet and one page of its rows (1-based), loaded with bounded concurrency.
/// With a filter on cells, projects are looked up in name order until the page is full.
#[server(prefix = "/api", endpoint = "fleet/page", output = crate::wire_json::Post)]
pub async fn load_fleet_page(
    #[server(default)] filter: FleetFilter,
    #[server(default)] page: u32,
) -> Result<FleetPage, AppError> {
    crate::server::respond(ssr::page(filter, page).await)
}

/// The rows of these projects (at most [`MAX_IDS_PER_REQUEST`] ids), in the order given.
#[server(prefix = "/api", endpoint = "fleet/rows", output = crate::wire_json::Post)]
pub async fn load_fleet_rows(
    #[server(default)] ids: Vec<String>,
    /// Count each integration's alerts (one more paginated call per project).
    #[server(default)]
    alerts: bool,
) -> Result<Vec<FleetRow>, AppError> {
    crate::server::respond(ssr::rows(ids, alerts).await)
}

/// The rows of these projects for a page's server function that draws them (at most
/// [`MAX_IDS_PER_REQUEST`] ids, in the order given; each id checked), for the signed-in user;
/// with each integration's alert counts when `alerts`.
#[cfg(feature = "ssr")]
pub async fn rows_for(ids: Vec<String>, alerts: bool) -> Result<Vec<FleetRow>, AppError> {
    ssr::rows(ids, alerts).await
}

/// Every row of the fleet the credential can see, with alert counts when `alerts`: for a
/// page that reads the whole fleet (the advisories).
#[cfg(feature = "ssr")]
pub use ssr::{by_name, lookup_rows};

/// The ids a request names, checked before any Atlas call: at most
/// [`MAX_IDS_PER_REQUEST`], each a project id, or a 400.
#[cfg(feature = "ssr")]
pub use ssr::checked_ids;

/// The names of `ids` (those the credential can list), as Atlas lists them to the signed-in
/// user: what a row drawn for the browser says, never taken from the browser. From the
/// projects list the matrix page read moments ago (`UserAtlas::known_project_names`, per
/// credential, five minutes), else the list read again: a chunk of rows costs no list of
/// its own (three `GET /groups` pages for 1,000 projects) when its names are known.
#[cfg(feature = "ssr")]
pub async fn project_names(
    ids: &[String],
) -> Result<std::collections::HashMap<String, String>, AppError> {
    let atlas = crate::server::UserAtlas::current().await?;
    if let Some(known) = atlas.known_project_names(ids) {
        return Ok(known);
    }
    let all = atlas.all_projects().await?;
    Ok(all.into_iter().map(|p| (p.id, p.name)).collect())
}

/// A project's row from its one list call: what the matrix shows and its filter reads.
#[cfg(feature = "ssr")]
pub use ssr::{row_state, with_alert_counts};

#[cfg(feature = "ssr")]
mod ssr {
    use futures::{FutureExt, StreamExt};

    use atlas_registry::{FieldInput, IntegrationView, ShownValue};

    use super::{
        Cell, FleetFilter, FleetPage, FleetRow, ProjectRef, RowState, MAX_IDS_PER_REQUEST,
        PER_PAGE, PREFETCH,
    };
    use crate::api::alerts::alert_counts;
    use crate::api::fleet_advice::CellAlerts;
    use crate::api::input;
    use crate::api::lookup::{self, Work};
    use crate::error::AppError;
    use crate::server::UserAtlas;

    pub async fn page(filter: FleetFilter, page: u32) -> Result<FleetPage, AppError> {
        let atlas = UserAtlas::current().await?;
        let filter = filter.checked()?;
        let page = page.max(1);
        let all = atlas.all_projects().await?;
        let total = all.len();
        let projects = by_name(
            all.into_iter()
                .filter(|p| lookup::search_matches(p, &filter.q)),
        );
        // Saturating: a huge page number is an empty page, not an overflow.
        let skip = (page as usize - 1).saturating_mul(PER_PAGE);
        // Owned ids: a borrowing iterator would make the server function's future not `Send`.
        let ids: Vec<String> = projects.iter().map(|p| p.id.clone()).collect();
        let mut not_matching = Vec::new();
        let (rows, next) = if filter.looks_at_cells() {
            // Which rows match is known only once loaded: look up in order, stop when the
            // page is full and one more match proves a next page.
            let wanted = skip.saturating_add(PER_PAGE + 1);
            let mut found = Vec::new();
            let mut stream = std::pin::pin!(lookup_rows(&atlas, ids, filter.counts_alerts()));
            while let Some(row) = stream.next().await {
                if filter.matches(&row.state) {
                    found.push(row);
                    if found.len() >= wanted {
                        break;
                    }
                } else {
                    not_matching.push(row.id);
                }
            }
            let next = found.len() > skip.saturating_add(PER_PAGE);
            (found.into_iter().skip(skip).take(PER_PAGE).collect(), next)
        } else {
            let shown: Vec<String> = ids.into_iter().skip(skip).take(PER_PAGE).collect();
            let rows: Vec<FleetRow> = lookup_rows(&atlas, shown, filter.counts_alerts())
                .collect()
                .await;
            (rows, projects.len() > skip.saturating_add(PER_PAGE))
        };
        let answer = FleetPage {
            filter,
            projects,
            rows,
            not_matching,
            page,
            next,
            total,
        };
        if !answer.filter.counts_alerts() {
            let next = answer.not_looked_up().take(PREFETCH).map(|p| p.id.clone());
            atlas.prefetch_integrations(next.collect::<Vec<_>>(), lookup::slots_for(&atlas));
        }
        Ok(answer)
    }

    /// `projects` as the fleet pages list them: by name (any case), then id.
    pub fn by_name(projects: impl Iterator<Item = atlas_client::Project>) -> Vec<ProjectRef> {
        let mut projects: Vec<ProjectRef> = projects
            .map(|p| ProjectRef {
                id: p.id,
                name: p.name,
            })
            .collect();
        projects
            .sort_by(|a, b| (a.name.to_lowercase(), &a.id).cmp(&(b.name.to_lowercase(), &b.id)));
        projects
    }

    pub async fn rows(ids: Vec<String>, alerts: bool) -> Result<Vec<FleetRow>, AppError> {
        let atlas = UserAtlas::current().await?;
        let ids = checked_ids(&ids)?;
        Ok(lookup_rows(&atlas, ids, alerts).collect().await)
    }

    /// At most [`MAX_IDS_PER_REQUEST`] ids, each one a project id, or a 400.
    pub fn checked_ids(ids: &[String]) -> Result<Vec<String>, AppError> {
        if ids.len() > MAX_IDS_PER_REQUEST {
            return Err(AppError::BadRequest(crate::i18n::tf(
                crate::i18n::Key::RefusalTooManyIds,
                &[("max", &MAX_IDS_PER_REQUEST.to_string())],
            )));
        }
        ids.iter().map(|id| input::group_id(id)).collect()
    }

    /// Each project's row from its one list call, with bounded concurrency, in order. With
    /// `alerts`, the project's alert configurations are read at the same time (a second,
    /// paginated call) and each cell counts the alerts that send through it; a project whose
    /// alerts cannot be read keeps its row, its counts unknown.
    pub fn lookup_rows(
        atlas: &UserAtlas,
        ids: impl IntoIterator<Item = String>,
        alerts: bool,
    ) -> impl futures::Stream<Item = FleetRow> {
        // Each lookup owns its handle: the server function's future must be `Send`.
        let atlas = atlas.clone();
        lookup::bounded_work(lookup::slots_for(&atlas), ids, move |id| {
            // A list the matrix page started for its island (`fleet/page`) is awaited without
            // a slot: its prefetch holds one. Not with alerts, which the page does not prefetch.
            if let Some(pending) = (!alerts).then(|| atlas.take_prefetched(&id)).flatten() {
                return Work::NoSlot(
                    async move {
                        FleetRow {
                            state: row_state(pending.await),
                            id,
                        }
                    }
                    .boxed(),
                );
            }
            let atlas = atlas.clone();
            Work::Slot(
                async move {
                    let state = if alerts {
                        let (list, configs) = futures::join!(
                            atlas.integrations_or_reason(&id),
                            atlas.alert_configs_if_visible(&id)
                        );
                        // Unread alerts leave the counts unknown (`None`), never zero.
                        let counts = match (&list, configs) {
                            (Ok(list), Some(configs)) => Some(alert_counts(list, &configs)),
                            _ => None,
                        };
                        let state = row_state(list);
                        match counts {
                            Some(counts) => with_alert_counts(state, &counts),
                            None => state,
                        }
                    } else {
                        row_state(atlas.integrations_or_reason(&id).await)
                    };
                    FleetRow { id, state }
                }
                .boxed(),
            )
        })
    }

    /// `state`'s cells with the alerts counted for their types (the others: none read).
    pub fn with_alert_counts(
        state: RowState,
        counts: &[(atlas_registry::IntegrationKind, CellAlerts)],
    ) -> RowState {
        match state {
            RowState::Loaded(cells) => RowState::Loaded(
                cells
                    .into_iter()
                    .map(|mut cell| {
                        cell.alerts = Some(
                            counts
                                .iter()
                                .find(|(k, _)| *k == cell.kind)
                                .map(|(_, c)| *c)
                                .unwrap_or_default(),
                        );
                        cell
                    })
                    .collect(),
            ),
            other => other,
        }
    }

    pub fn row_state(answer: Result<Vec<atlas_registry::Integration>, AppError>) -> RowState {
        match answer {
            Ok(list) => RowState::Loaded(
                IntegrationView::all_from_atlas(&list)
                    .iter()
                    .map(cell)
                    .collect(),
            ),
            Err(AppError::OutOfReach(_) | AppError::Forbidden(_) | AppError::NotFound(_)) => {
                RowState::OutOfReach
            }
            Err(error) => RowState::Failed(error),
        }
    }

    /// The masked view's first secret hint and its short plain values (no toggles, no
    /// templates): what tells one configuration from another at a glance.
    fn cell(view: &IntegrationView) -> Cell {
        let fields = view.kind.spec().fields;
        let hint = fields.iter().find_map(|f| match view.values.get(f.name) {
            Some(ShownValue::Secret { hint }) => Some(hint.clone()),
            _ => None,
        });
        let settings = fields
            .iter()
            .filter(|f| !f.is_secret())
            .filter(|f| matches!(f.input, FieldInput::Text | FieldInput::Choice { .. }))
            .filter_map(|f| Some((f.name.to_string(), view.text(f.name)?.to_string())))
            .collect();
        Cell {
            kind: view.kind,
            hint,
            settings,
            alerts: None,
        }
    }
}
