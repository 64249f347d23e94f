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

use atlas_registry::{IntegrationKind, DATADOG_REGIONS, US_EU_REGIONS};

use crate::api::fleet_advice::{Advice, CellAlerts, CellFacts};
use crate::error::AppError;
use crate::links::{self, fleet_param as param};

/// Rows per page without JavaScript.
pub const PER_PAGE: usize = 50;
/// Most projects one `fleet/rows` request may name: it bounds the time and the Atlas calls
/// one request can cost.
pub const MAX_IDS_PER_REQUEST: usize = 100;

/// What the matrix shows, as the URL says it (`?q=&has=&lacks=&region=`). Only valid values
/// get here: [`FleetFilter::from_url`] drops the others, [`FleetFilter::checked`] refuses them.
/// A server function's argument as it is (`filter[has]=SLACK`), so one value travels, typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetFilter {
    /// Part of a project's name or id (any case).
    #[serde(default)]
    pub q: String,
    /// Only projects where this type is configured.
    #[serde(default, deserialize_with = "empty_is_none")]
    pub has: Option<IntegrationKind>,
    /// Only projects where this type is not configured.
    #[serde(default, deserialize_with = "empty_is_none")]
    pub lacks: Option<IntegrationKind>,
    /// Only projects with an integration whose region is this.
    #[serde(default, deserialize_with = "empty_is_none")]
    pub region: Option<String>,
    /// Only projects an advisory concerns (`/fleet/advisories`).
    #[serde(default, deserialize_with = "empty_is_none")]
    pub advice: Option<Advice>,
    /// Count the alerts that use each integration: one more paginated Atlas call per project.
    #[serde(default)]
    pub alerts: bool,
}

/// An empty value is no choice, as the filter form's "any" option sends it (`has=`).
fn empty_is_none<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    use serde::de::value::StringDeserializer;
    match Option::<String>::deserialize(deserializer)? {
        Some(value) if !value.is_empty() => {
            T::deserialize(StringDeserializer::<D::Error>::new(value)).map(Some)
        }
        _ => Ok(None),
    }
}

/// Every region value an integration can carry (the registry's enums, each once).
pub fn regions() -> Vec<&'static str> {
    let mut all: Vec<&'static str> = Vec::new();
    for r in US_EU_REGIONS.iter().chain(DATADOG_REGIONS) {
        if !all.contains(r) {
            all.push(r);
        }
    }
    all
}

impl FleetFilter {
    /// From the URL's raw values (`param` gives a parameter's value, empty when absent). An
    /// invalid value (unknown type, region or advisory) is left out, and its parameter's name
    /// returned, so the page can say what it ignored.
    pub fn from_url(param: impl Fn(&str) -> String) -> (Self, Vec<&'static str>) {
        let (q, has, lacks, region) = (
            param(param::Q),
            param(param::HAS),
            param(param::LACKS),
            param(param::REGION),
        );
        let (advice_code, alerts) = (param(param::ADVICE), param(param::ALERTS));
        let mut ignored = Vec::new();
        let mut kind = |raw: &str, name: &'static str| {
            if raw.is_empty() {
                return None;
            }
            let kind = IntegrationKind::from_wire(raw);
            if kind.is_none() {
                ignored.push(name);
            }
            kind
        };
        let has = kind(&has, param::HAS);
        let lacks = kind(&lacks, param::LACKS);
        let region = match region.as_str() {
            "" => None,
            r if regions().contains(&r) => Some(r.to_string()),
            _ => {
                ignored.push(param::REGION);
                None
            }
        };
        let advice = match advice_code.as_str() {
            "" => None,
            code => {
                let advice = Advice::from_code(code);
                if advice.is_none() {
                    ignored.push(param::ADVICE);
                }
                advice
            }
        };
        let filter = FleetFilter {
            q: q.trim().to_string(),
            has,
            lacks,
            region,
            advice,
            alerts: matches!(alerts.as_str(), "1" | "on" | "true"),
        };
        (filter, ignored)
    }

    /// The matrix's address for this filter at `page` (parameters left out when unset).
    pub fn url(&self, page: u32) -> String {
        links::fleet(
            &self.q,
            self.has,
            self.lacks,
            self.region.as_deref(),
            self.advice.map(Advice::as_code),
            self.alerts,
            page,
        )
    }

    /// Whether rows need the projects' alert configurations: asked for, or an alert
    /// advisory.
    pub fn counts_alerts(&self) -> bool {
        self.alerts || self.advice.is_some_and(Advice::needs_alerts)
    }

    /// As a server function received it: the types are checked by their deserialisation; a
    /// region that is none of [`regions`] is a 400, before any Atlas call.
    pub fn checked(mut self) -> Result<Self, AppError> {
        if let Some(region) = &self.region {
            if !regions().contains(&region.as_str()) {
                return Err(AppError::BadRequest(format!(
                    "unknown value of {}",
                    param::REGION
                )));
            }
        }
        self.q = self.q.trim().to_string();
        Ok(self)
    }

    /// Whether rows must be loaded before it is known if they match.
    pub fn looks_at_cells(&self) -> bool {
        self.has.is_some() || self.lacks.is_some() || self.region.is_some() || self.advice.is_some()
    }

    /// Whether a loaded row is shown. A row that could not be loaded is shown whatever the
    /// filter: whether it matches is unknown, and hiding it would hide the failure.
    pub fn matches(&self, state: &RowState) -> bool {
        let RowState::Loaded(cells) = state else {
            return true;
        };
        let has = |kind| cells.iter().any(|c| c.kind == kind);
        self.has.is_none_or(has)
            && self.lacks.is_none_or(|k| !has(k))
            && self
                .region
                .as_deref()
                .is_none_or(|r| cells.iter().any(|c| c.setting("region") == Some(r)))
            && self
                .advice
                .is_none_or(|a| cells.iter().any(|c| a.concerns(c.facts())))
    }
}

/// A configured integration, as the matrix shows it: the hint Atlas's mask leaves of its
/// first secret and the plain settings that tell one configuration from another (region,
/// channel, user name). Never a secret (built from `IntegrationView`, which masks).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    pub kind: IntegrationKind,
    pub hint: Option<String>,
    /// (field name, value), in the registry's field order.
    pub settings: Vec<(String, String)>,
    /// The alerts that send through it, when the project's alerts were read.
    #[serde(default)]
    pub alerts: Option<CellAlerts>,
}

impl Cell {
    /// What the advisories' rules read of it.
    pub fn facts(&self) -> CellFacts<'_> {
        CellFacts {
            kind: self.kind,
            hint: self.hint.as_deref(),
            team_name: self.setting("teamName"),
            alerts: self.alerts,
        }
    }

    pub fn setting(&self, name: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// One project's row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowState {
    /// The configured integrations, in registry order; every other type is not configured.
    Loaded(Vec<Cell>),
    /// Atlas would not show this project to the credential (401, 403 or 404).
    OutOfReach,
    /// The lookup failed; why, for the page to say.
    Failed(AppError),
}

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

/// The filtered fleet and one page of its rows (1-based), loaded with bounded concurrency.
/// With a filter on cells, projects are looked up in name order until the page is full.
#[server(prefix = "/api", endpoint = "fleet/page")]
pub async fn load_fleet_page(
    #[server(default)] filter: FleetFilter,
    #[server(default)] page: u32,
) -> Result<FleetPage, AppError> {
    crate::server::respond(ssr::page(filter, page).await)
}

/// The rows of these projects (at most [`MAX_IDS_PER_REQUEST`] ids), in the order given.
#[server(prefix = "/api", endpoint = "fleet/rows")]
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
    use futures::StreamExt;

    use atlas_registry::{FieldInput, IntegrationView, ShownValue};

    use super::{
        Cell, FleetFilter, FleetPage, FleetRow, ProjectRef, RowState, MAX_IDS_PER_REQUEST, PER_PAGE,
    };
    use crate::api::alerts::alert_counts;
    use crate::api::fleet_advice::CellAlerts;
    use crate::api::{input, lookup};
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
            let rows = lookup_rows(&atlas, shown, filter.counts_alerts())
                .collect()
                .await;
            (rows, projects.len() > skip.saturating_add(PER_PAGE))
        };
        Ok(FleetPage {
            filter,
            projects,
            rows,
            not_matching,
            page,
            next,
            total,
        })
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
        lookup::bounded(lookup::slots_for(&atlas), ids, move |id| {
            let atlas = atlas.clone();
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

#[cfg(test)]
mod tests {
    use super::*;

    fn loaded(kinds: &[(IntegrationKind, Option<&str>)]) -> RowState {
        RowState::Loaded(
            kinds
                .iter()
                .map(|(kind, region)| Cell {
                    kind: *kind,
                    hint: None,
                    settings: region
                        .map(|r| vec![("region".to_string(), r.to_string())])
                        .unwrap_or_default(),
                    alerts: None,
                })
                .collect(),
        )
    }

    #[test]
    fn the_url_filter_keeps_valid_values_and_names_the_rest() {
        let url = [
            (param::Q, " prod "),
            (param::HAS, "PAGER_DUTY"),
            (param::LACKS, "NOPE"),
            (param::REGION, "MARS"),
            (param::ADVICE, "unused"),
            (param::ALERTS, "1"),
        ];
        let get = |name: &str| {
            url.iter()
                .find(|(n, _)| *n == name)
                .map_or(String::new(), |(_, v)| v.to_string())
        };
        let (f, ignored) = FleetFilter::from_url(get);
        assert_eq!(f.advice, Some(Advice::Unused));
        assert!(f.alerts && f.counts_alerts());
        assert_eq!(
            f.url(2),
            "/fleet?q=prod&has=PAGER_DUTY&advice=unused&alerts=1&page=2"
        );
        assert_eq!(f.q, "prod");
        assert_eq!(f.has, Some(IntegrationKind::PagerDuty));
        assert_eq!(f.lacks, None);
        assert_eq!(f.region, None);
        assert_eq!(ignored, [param::LACKS, param::REGION]);
        let region = |r: &str| FleetFilter {
            region: Some(r.to_string()),
            ..FleetFilter::default()
        };
        assert!(region("MARS").checked().is_err());
        assert!(region("US5").checked().unwrap().looks_at_cells());
    }

    #[test]
    fn rows_match_on_has_lacks_and_region_and_failures_always_show() {
        use IntegrationKind::*;
        let row = loaded(&[(PagerDuty, Some("EU")), (Webhook, None)]);
        let f = |has, lacks, region: Option<&str>| FleetFilter {
            has,
            lacks,
            region: region.map(str::to_string),
            ..FleetFilter::default()
        };
        assert!(f(Some(PagerDuty), None, None).matches(&row));
        assert!(!f(Some(Datadog), None, None).matches(&row));
        assert!(f(None, Some(Datadog), None).matches(&row));
        assert!(!f(None, Some(Webhook), None).matches(&row));
        assert!(f(None, None, Some("EU")).matches(&row));
        assert!(!f(None, None, Some("US")).matches(&row));
        assert!(f(Some(Datadog), None, None).matches(&RowState::OutOfReach));
    }
}
