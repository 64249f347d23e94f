//! The fleet matrix page: one row per project, one column per integration type. The filter
//! lives in the URL (`/fleet?q=&has=&lacks=&region=&page=`), so it can be shared and
//! bookmarked. The server renders one page of rows (every flow works without JavaScript);
//! the [`MatrixLoader`] island then loads the whole filtered fleet in chunks, rows drawn by
//! the server, showing its progress, and retries a failed row on its own.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::layout::{ErrorAlert, Header, Loading};
use crate::api::fleet::{load_fleet_page, regions, Cell, FleetFilter, FleetPage, RowState};
use crate::i18n::{self, error_message, t, Key};
use crate::links::{self, fleet_param as param};
use atlas_registry::{Availability, IntegrationKind};

/// Projects per `fleet/rows-html` request while the island loads the fleet: one request's
/// lookups run `LOOKUPS_IN_FLIGHT` at a time on the server, and the requests go one after
/// another, so a whole multiple of it keeps every lookup slot busy to a request's end.
#[cfg(feature = "hydrate")]
const CHUNK: usize = 6 * crate::api::LOOKUPS_IN_FLIGHT;

#[component]
pub fn FleetPageView() -> impl IntoView {
    let query = use_query_map();
    let raw = move |name: &str| query.get().get(name).unwrap_or_default();
    let parsed = move || {
        FleetFilter::from_url(
            &raw(param::Q),
            &raw(param::HAS),
            &raw(param::LACKS),
            &raw(param::REGION),
        )
    };
    // A page number that is not one is page 1.
    let page = move || raw(param::PAGE).parse::<u32>().unwrap_or(1).max(1);
    let wire = |k: Option<IntegrationKind>| k.map(|k| k.as_wire().to_string()).unwrap_or_default();
    let data = Resource::new(
        move || (parsed().0, page()),
        move |(f, page)| {
            load_fleet_page(
                f.q,
                wire(f.has),
                wire(f.lacks),
                f.region.unwrap_or_default(),
                page,
            )
        },
    );
    let ignored = move || {
        parsed()
            .1
            .into_iter()
            .map(|name| view! { <p class="notice" role="status">{i18n::fleet_ignored(name)}</p> })
            .collect_view()
    };
    view! {
        <Header/>
        <section class="fleet">
            <h1>{t(Key::Fleet)}</h1>
            <p class="intro">{t(Key::FleetIntro)}</p>
            // The fleet operations start from here.
            <p class="links">
                <a href=links::FLEET_APPLY>{t(Key::FleetApplyTitle)}</a>
                " "
                <a href=links::FLEET_ROTATE>{t(Key::FleetRotateTitle)}</a>
            </p>
            {move || view! { <FilterForm filter=parsed().0/> }}
            {ignored}
            <Suspense fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(fleet) => view! { <FleetMatrix fleet/> }.into_any(),
                        Err(error) => view! { <ErrorAlert error/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// A plain GET form: its fields are the URL's parameters.
#[component]
fn FilterForm(filter: FleetFilter) -> impl IntoView {
    let kinds = move |chosen: Option<IntegrationKind>| {
        IntegrationKind::ALL
            .into_iter()
            .map(|k| view! { <option value=k.as_wire() selected=chosen == Some(k)>{i18n::kind_label(k)}</option> })
            .collect_view()
    };
    let region_options = regions()
        .into_iter()
        .map(
            |r| view! { <option value=r selected=filter.region.as_deref() == Some(r)>{r}</option> },
        )
        .collect_view();
    view! {
        <form method="GET" action=links::FLEET class="filters" role="search">
            <label>{t(Key::FilterSearch)}
                <input type="search" name=param::Q value=filter.q.clone() placeholder=t(Key::SearchPlaceholder)/>
            </label>
            <label>{t(Key::FilterHas)}
                <select name=param::HAS><option value="">{t(Key::AnyType)}</option>{kinds(filter.has)}</select>
            </label>
            <label>{t(Key::FilterLacks)}
                <select name=param::LACKS><option value="">{t(Key::AnyType)}</option>{kinds(filter.lacks)}</select>
            </label>
            <label>{t(Key::FilterRegion)}
                <select name=param::REGION><option value="">{t(Key::AnyRegion)}</option>{region_options}</select>
            </label>
            <button type="submit">{t(Key::ApplyFilters)}</button>
            <a href=links::FLEET>{t(Key::ClearFilters)}</a>
        </form>
    }
}

/// What the island needs to load the rest of the filtered fleet: the projects not yet looked
/// up (id, name, place in the name-sorted fleet), the filter to send with them, and the
/// figures the page started with.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MatrixLoad {
    missing: Vec<(String, String, u32)>,
    filter: FleetFilter,
    total: usize,
    loaded: usize,
    shown: usize,
    counts: Vec<usize>,
}

/// The matrix: drawn on the server with one page of rows (all a browser without JavaScript
/// sees), inside the [`MatrixLoader`] island, which loads the rest.
#[component]
fn FleetMatrix(fleet: FleetPage) -> impl IntoView {
    let FleetPage {
        filter,
        projects,
        rows,
        not_matching,
        page,
        next,
        total: _,
    } = fleet;
    let index: HashMap<&str, u32> = projects
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i as u32))
        .collect();
    let names: HashMap<&str, &str> = projects
        .iter()
        .map(|p| (p.id.as_str(), p.name.as_str()))
        .collect();
    let mut counts = vec![0usize; IntegrationKind::ALL.len()];
    for row in &rows {
        if let RowState::Loaded(cells) = &row.state {
            for cell in cells {
                counts[cell.kind as usize] += 1;
            }
        }
    }
    let looked_up: std::collections::HashSet<String> = rows
        .iter()
        .map(|r| r.id.clone())
        .chain(not_matching)
        .collect();
    let load = MatrixLoad {
        missing: projects
            .iter()
            .filter(|p| !looked_up.contains(&p.id))
            .map(|p| (p.id.clone(), p.name.clone(), index[p.id.as_str()]))
            .collect(),
        filter: filter.clone(),
        total: projects.len(),
        loaded: looked_up.len(),
        shown: rows.len(),
        counts: counts.clone(),
    };
    let shown = rows.len();
    let (loaded, total) = (looked_up.len(), projects.len());
    let body = rows
        .into_iter()
        .map(|row| {
            let name = names
                .get(row.id.as_str())
                .copied()
                .unwrap_or_default()
                .to_string();
            let i = index.get(row.id.as_str()).copied().unwrap_or_default();
            view! { <MatrixRow index=i id=row.id name state=row.state/> }
        })
        .collect_view();
    let link = move |p: u32| {
        links::fleet(
            &filter.q,
            filter.has,
            filter.lacks,
            filter.region.as_deref(),
            p,
        )
    };
    let prev = (page > 1).then(|| link(page - 1));
    let following = next.then(|| link(page + 1));
    let headers = IntegrationKind::ALL
        .into_iter()
        .map(|k| view! { <th scope="col" data-type=k.as_wire()>{i18n::kind_label(k)}</th> })
        .collect_view();
    let count_cells = IntegrationKind::ALL
        .into_iter()
        .map(|k| view! { <td class="column-count" data-type=k.as_wire()>{counts[k as usize]}</td> })
        .collect_view();
    view! {
        <MatrixLoader load>
            <p class="count" role="status" aria-live="polite" data-loaded=loaded data-total=total>
                {i18n::fleet_page_count(page, shown, total)}
            </p>
            <div class="matrix-scroll">
                <table class="matrix">
                    <thead>
                        <tr><th scope="col">{t(Key::ProjectName)}</th>{headers}</tr>
                        <tr class="counts"><th scope="row">{t(Key::ColumnCounts)}</th>{count_cells}</tr>
                    </thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
            <p class="empty" hidden=shown != 0>{t(Key::NoFleetRows)}</p>
            <nav class="pager" aria-label=t(Key::PagerLabel)>
                <span class="muted">{t(Key::FleetWithoutScript)}</span>
                {prev.map(|href| view! { <a href=href rel="prev">{t(Key::PreviousPage)}</a> })}
                {following.map(|href| view! { <a href=href rel="next">{t(Key::NextPage)}</a> })}
            </nav>
        </MatrixLoader>
    }
}

/// A row as HTML, for `fleet/rows-html`.
#[cfg(feature = "ssr")]
pub fn row_html(index: u32, id: String, name: String, state: RowState) -> String {
    view! { <MatrixRow index id name state/> }.to_html()
}

/// Loads the rest of the filtered fleet, `CHUNK` projects a request, one request at a time,
/// and puts each matching row in its place by name; keeps the column counts and the progress
/// line; retries a failed row alone. The rows come drawn by the server (`fleet/rows-html`), so
/// this island holds no code to draw one. Its children are the server's matrix.
#[island]
pub fn MatrixLoader(load: MatrixLoad, children: Children) -> impl IntoView {
    let root = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    {
        let load = StoredValue::new(load);
        Effect::new(move |_| {
            if let Some(root) = root.get() {
                use leptos::wasm_bindgen::JsCast;
                live::start(root.unchecked_into(), load.get_value());
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = load;
    view! { <div class="matrix-live" node_ref=root>{children()}</div> }
}

/// The island's work in the browser, on the server's HTML.
#[cfg(feature = "hydrate")]
mod live {
    use std::cell::RefCell;
    use std::rc::Rc;

    use leptos::task::spawn_local;
    use leptos::wasm_bindgen::{closure::Closure, JsCast};
    use web_sys::Element;

    use super::MatrixLoad;
    use crate::api::fleet::{load_fleet_rows_html, RowHtml};
    use crate::error::AppError;
    use crate::i18n;
    use crate::pages::layout::{go_to, here};
    use atlas_registry::IntegrationKind;

    struct Matrix {
        root: Element,
        load: MatrixLoad,
    }

    pub fn start(root: Element, load: MatrixLoad) {
        let matrix = Rc::new(RefCell::new(Matrix { root, load }));
        matrix.borrow().set_hidden("nav.pager", true);
        matrix.borrow().show_progress();
        listen_for_retries(matrix.clone());
        spawn_local(async move {
            let missing = matrix.borrow().load.missing.clone();
            for chunk in missing.chunks(super::CHUNK) {
                match fetch(&matrix, chunk).await {
                    Ok(rows) => matrix.borrow_mut().put(rows, chunk),
                    Err(error) => {
                        matrix.borrow().stop(&error);
                        return;
                    }
                }
            }
        });
    }

    async fn fetch(
        matrix: &Rc<RefCell<Matrix>>,
        chunk: &[(String, String, u32)],
    ) -> Result<Vec<RowHtml>, AppError> {
        let filter = matrix.borrow().load.filter.clone();
        let wire =
            |k: Option<IntegrationKind>| k.map(|k| k.as_wire().to_string()).unwrap_or_default();
        load_fleet_rows_html(
            chunk.iter().map(|(id, _, _)| id.clone()).collect(),
            chunk.iter().map(|(_, name, _)| name.clone()).collect(),
            chunk.iter().map(|(_, _, index)| *index).collect(),
            filter.q,
            wire(filter.has),
            wire(filter.lacks),
            filter.region.unwrap_or_default(),
        )
        .await
    }

    /// A click on a failed row's Retry: that project alone, looked up again.
    fn listen_for_retries(matrix: Rc<RefCell<Matrix>>) {
        let root = matrix.borrow().root.clone();
        let on_click = Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
            let Some(link) = event
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|t| t.closest("a[data-retry]").ok().flatten())
            else {
                return;
            };
            event.prevent_default();
            let Some(id) = link.get_attribute("data-retry") else {
                return;
            };
            let Some(project) = matrix
                .borrow()
                .row(&id)
                .and_then(|row| row.get_attribute("data-index"))
                .and_then(|i| i.parse::<u32>().ok())
                .map(|index| {
                    (
                        id.clone(),
                        link.get_attribute("data-name").unwrap_or_default(),
                        index,
                    )
                })
            else {
                return;
            };
            let matrix = matrix.clone();
            spawn_local(async move {
                match fetch(&matrix, std::slice::from_ref(&project)).await {
                    Ok(rows) => matrix.borrow_mut().replace(rows),
                    Err(error) => matrix.borrow().stop(&error),
                }
            });
        });
        let _ = root.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
        // The listener lives as long as the page.
        on_click.forget();
    }

    impl Matrix {
        fn find(&self, selector: &str) -> Option<Element> {
            self.root.query_selector(selector).ok().flatten()
        }

        fn set_hidden(&self, selector: &str, hidden: bool) {
            if let Some(element) = self.find(selector) {
                let _ = element.toggle_attribute_with_force("hidden", hidden);
            }
        }

        fn row(&self, id: &str) -> Option<Element> {
            self.find(&format!("tbody tr[data-id=\"{id}\"]"))
        }

        /// New rows, in name order among those shown.
        fn put(&mut self, rows: Vec<RowHtml>, asked: &[(String, String, u32)]) {
            let Some(body) = self.find("table.matrix tbody") else {
                return;
            };
            // The server answers in the order asked.
            for (row, (_, _, index)) in rows.into_iter().zip(asked) {
                let index = *index;
                let Some(html) = row.html else { continue };
                // The last shown row before this one; rows mostly come after all shown.
                let mut before = body.last_element_child();
                while let Some(candidate) = before.clone() {
                    let at = candidate
                        .get_attribute("data-index")
                        .and_then(|i| i.parse::<u32>().ok())
                        .unwrap_or_default();
                    if at < index {
                        break;
                    }
                    before = candidate.previous_element_sibling();
                }
                let _ = match before {
                    Some(element) => element.insert_adjacent_html("afterend", &html),
                    None => body.insert_adjacent_html("afterbegin", &html),
                };
                self.load.shown += 1;
                self.count(&row.configured, 1);
            }
            self.load.loaded += asked.len();
            self.show_progress();
        }

        /// A retried row in place of the failed one.
        fn replace(&mut self, rows: Vec<RowHtml>) {
            for row in rows {
                let Some(old) = self.row(&row.id) else {
                    continue;
                };
                match row.html {
                    Some(html) => old.set_outer_html(&html),
                    None => {
                        old.remove();
                        self.load.shown -= 1;
                    }
                }
                self.count(&row.configured, 1);
            }
            self.show_progress();
        }

        fn count(&mut self, kinds: &[IntegrationKind], add: usize) {
            for kind in kinds {
                self.load.counts[*kind as usize] += add;
                let count = self.load.counts[*kind as usize].to_string();
                let selector = format!("td.column-count[data-type=\"{}\"]", kind.as_wire());
                if let Some(cell) = self.find(&selector) {
                    cell.set_text_content(Some(&count));
                }
            }
        }

        fn show_progress(&self) {
            let load = &self.load;
            if let Some(line) = self.find("p.count") {
                line.set_text_content(Some(&i18n::fleet_progress(
                    load.loaded,
                    load.total,
                    load.shown,
                )));
                let _ = line.set_attribute("data-loaded", &load.loaded.to_string());
            }
            self.set_hidden("p.empty", load.shown != 0);
        }

        /// The load cannot go on: to the login page if the session ended; otherwise the
        /// reason, and the pages of the server's matrix again.
        fn stop(&self, error: &AppError) {
            if error.needs_login() {
                go_to(&crate::links::login_then(&here()));
                return;
            }
            if let Some(line) = self.find("p.count") {
                line.set_text_content(Some(&i18n::error_message(error)));
                let _ = line.set_attribute("role", "alert");
            }
            self.set_hidden("nav.pager", false);
        }
    }
}

/// One project's row. `index` is its place in the name-sorted fleet, so the island can put
/// rows loaded later in order.
#[component]
fn MatrixRow(index: u32, id: String, name: String, state: RowState) -> impl IntoView {
    let cells = match state {
        RowState::Loaded(cells) => IntegrationKind::ALL
            .into_iter()
            .map(|kind| {
                let cell = cells.iter().find(|c| c.kind == kind).cloned();
                view! { <MatrixCell group_id=id.clone() kind cell/> }
            })
            .collect_view()
            .into_any(),
        RowState::OutOfReach => view! {
            <td class="row-problem out-of-reach" colspan=IntegrationKind::ALL.len()>{t(Key::OutOfReachRow)}</td>
        }
        .into_any(),
        RowState::Failed(error) => {
            // Without JavaScript, the retry is this project's own matrix (looked up afresh);
            // with it, the island asks for this row alone.
            let alone = links::fleet(&id, None, None, None, 1);
            view! {
                <td class="row-problem failed" colspan=IntegrationKind::ALL.len()>
                    <span role="alert">{error_message(&error)}</span>
                    " "
                    <a class="button secondary retry" href=alone data-retry=id.clone() data-name=name.clone()>{t(Key::RetryRow)}</a>
                </td>
            }
            .into_any()
        }
    };
    view! {
        <tr data-id=id.clone() data-index=index>
            <th scope="row"><a href=links::project(&id)>{name}</a><br/><code>{id.clone()}</code></th>
            {cells}
        </tr>
    }
}

#[component]
fn MatrixCell(group_id: String, kind: IntegrationKind, cell: Option<Cell>) -> impl IntoView {
    let href = links::integration(&group_id, kind);
    let wire = kind.as_wire();
    match cell {
        Some(cell) => {
            let settings: Vec<String> = cell.settings.into_iter().map(|(_, v)| v).collect();
            let badge = i18n::kind_badge(kind);
            view! {
                <td class="cell configured" data-type=wire data-state="configured">
                    <a href=href title=t(Key::Configured)>{cell.hint.unwrap_or_else(|| t(Key::Configured).to_string())}</a>
                    {(!settings.is_empty()).then(|| view! { <span class="settings">{settings.join(" · ")}</span> })}
                    {badge.map(|b| view! { <span class="badge">{b}</span> })}
                </td>
            }
            .into_any()
        }
        // A legacy type cannot be configured: nothing to link to.
        None if kind.spec().availability == Availability::Legacy => view! {
            <td class="cell empty" data-type=wire data-state="absent"><span class="muted" title=t(Key::NotConfiguredShort)>"–"</span></td>
        }
        .into_any(),
        None => view! {
            <td class="cell empty" data-type=wire data-state="absent">
                <a class="muted" href=href title=t(Key::NotConfiguredShort) aria-label=t(Key::NotConfiguredShort)>"–"</a>
            </td>
        }
        .into_any(),
    }
}
