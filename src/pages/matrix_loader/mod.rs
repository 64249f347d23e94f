//! The [`MatrixLoader`] island: loads the rest of the filtered fleet in the browser, on the
//! server's HTML (the matrix page, `pages::fleet`). Apart from the page, which is the server's
//! alone: a change to the page's markup does not rebuild the WASM.
//!
//! - `rows_html`: the server function that draws rows for the island.

pub mod rows_html;

use leptos::prelude::*;

use crate::api::fleet::FleetFilter;
use rows_html::RowRequest;

/// Projects per `fleet/rows-html` request while the island loads the fleet: the server looks
/// up a request's projects `LOOKUPS_IN_FLIGHT` at a time, so a whole multiple of it keeps
/// every lookup slot busy to a request's end; the largest multiple the server takes in one
/// request (`MAX_IDS_PER_REQUEST`): 96 rows, about 0.6 s at Atlas's 50 ms, so the progress line
/// still moves often.
#[cfg(feature = "hydrate")]
const CHUNK: usize = {
    use crate::api::{fleet::MAX_IDS_PER_REQUEST, LOOKUPS_IN_FLIGHT};
    MAX_IDS_PER_REQUEST / LOOKUPS_IN_FLIGHT * LOOKUPS_IN_FLIGHT
};

/// Requests of rows in flight at once. With one, the server's lookup slots sat idle between
/// two requests, while an answer came back, was put in by the browser and the next request
/// went out (about 47 ms a request, docs/benchmarks.md). With two, the second request's
/// lookups take each slot the first frees; the slots are the credential's, shared by its
/// requests (`server::lookup_slots`), so Atlas sees no more calls at once than with one.
#[cfg(feature = "hydrate")]
const REQUESTS_IN_FLIGHT: usize = 2;

/// The parts of the server's matrix the island finds again: named once, for the markup's
/// `data-part` and the island's lookups, so a change to one cannot miss the other. (Rows and
/// retries are found by their project's `data-id` and `data-retry`.)
pub mod part {
    pub const COUNT: &str = "count";
    pub const PAGER: &str = "pager";
    pub const EMPTY: &str = "empty";
    pub const ROWS: &str = "rows";
    pub const COLUMN_COUNT: &str = "column-count";

    /// The CSS selector of a part.
    #[cfg(feature = "hydrate")]
    pub fn selector(part: &str) -> String {
        format!("[data-part=\"{part}\"]")
    }
}

/// What the island needs to load the rest of the filtered fleet: the projects not yet looked
/// up (each with its place in the name-sorted fleet), the filter to send with them, and the
/// figures the page started with.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MatrixLoad {
    pub missing: Vec<RowRequest>,
    pub filter: FleetFilter,
    pub total: usize,
    pub loaded: usize,
    pub shown: usize,
    pub counts: Vec<usize>,
}

/// What [`MatrixLoader`] needs from its page: its bundle (`island-…` feature), and
/// the messages its browser code shows (`page_texts`).
#[cfg(feature = "ssr")]
pub(crate) static ISLAND_NEEDS: crate::page_texts::IslandNeeds =
    crate::page_texts::IslandNeeds::new(
        "matrix-loader",
        &[include_str!("mod.rs"), include_str!("../fleet/mod.rs")],
        false,
    );

/// Loads the rest of the filtered fleet, `CHUNK` projects a request, two requests in flight,
/// and puts each matching row in its place by name; keeps the column counts and the progress
/// line; retries a failed row alone. The rows come drawn by the server (`fleet/rows-html`), so
/// this island holds no code to draw one. Its children are the server's matrix.
///
/// Its [`MatrixLoad`] comes from the page (`island_data`, written by [`matrix_loader`]): the
/// island has no props for Leptos to decode with serde_json.
#[island]
pub fn MatrixLoader(children: Children) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::page_texts::uses(&ISLAND_NEEDS);
    let root = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    if let Some(load) = super::island_data::take::<MatrixLoad>(DATA_ID) {
        let load = StoredValue::new(load);
        Effect::new(move |_| {
            if let Some(root) = root.get() {
                use leptos::wasm_bindgen::JsCast;
                live::start(root.unchecked_into(), load.get_value());
            }
        });
    }
    view! { <div class="matrix-live" node_ref=root>{children()}</div> }
}

/// The id of the `<script>` that carries the [`MatrixLoad`] to the browser.
const DATA_ID: &str = "matrix-load";

/// The loader around the server's matrix (`children`), with what it is to load.
#[cfg(feature = "ssr")]
pub fn matrix_loader(load: MatrixLoad, children: impl IntoView + 'static) -> impl IntoView {
    let script = super::island_data::write(DATA_ID, load);
    view! { {script} <MatrixLoader>{children}</MatrixLoader> }
}

/// The island's work in the browser, on the server's HTML.
#[cfg(feature = "hydrate")]
mod live {
    use std::cell::RefCell;
    use std::rc::Rc;

    use futures::StreamExt;
    use leptos::task::spawn_local;
    use leptos::wasm_bindgen::{closure::Closure, JsCast};
    use web_sys::Element;

    use super::part;
    use super::rows_html::{load_fleet_rows_html, RowHtml, RowRequest};
    use super::MatrixLoad;
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
        matrix.borrow().set_hidden(part::PAGER, true);
        matrix.borrow().show_progress();
        listen_for_retries(matrix.clone());
        spawn_local(async move {
            let missing = matrix.borrow().load.missing.clone();
            // The answers in the order asked; dropping the stream at an error cancels the
            // request still in flight.
            let mut answers = futures::stream::iter(missing.chunks(super::CHUNK))
                .map(|chunk| {
                    let matrix = matrix.clone();
                    async move { (chunk, fetch(&matrix, chunk).await) }
                })
                .buffered(super::REQUESTS_IN_FLIGHT);
            while let Some((chunk, answer)) = answers.next().await {
                match answer {
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
        chunk: &[RowRequest],
    ) -> Result<Vec<RowHtml>, AppError> {
        let filter = matrix.borrow().load.filter.clone();
        load_fleet_rows_html(filter, chunk.to_vec()).await
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
                .map(|index| RowRequest { id, index })
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
        fn find(&self, name: &str) -> Option<Element> {
            self.root
                .query_selector(&part::selector(name))
                .ok()
                .flatten()
        }

        fn set_hidden(&self, name: &str, hidden: bool) {
            if let Some(element) = self.find(name) {
                let _ = element.toggle_attribute_with_force("hidden", hidden);
            }
        }

        fn row(&self, id: &str) -> Option<Element> {
            self.root
                .query_selector(&format!("tbody tr[data-id=\"{id}\"]"))
                .ok()
                .flatten()
        }

        /// New rows, in name order among those shown. A chunk whose rows all come after the
        /// last shown (the usual case: the fleet loads in name order) goes in as one piece of
        /// HTML, parsed once; otherwise each row finds its place.
        fn put(&mut self, rows: Vec<RowHtml>, asked: &[RowRequest]) {
            let Some(body) = self.find(part::ROWS) else {
                return;
            };
            // The server answers in the order asked; rows that do not match the filter
            // have no HTML.
            let shown: Vec<(&RowHtml, u32)> = rows
                .iter()
                .zip(asked)
                .filter(|(row, _)| row.html.is_some())
                .map(|(row, asked)| (row, asked.index))
                .collect();
            let last_shown = body.last_element_child().map(|last| index_of(&last));
            let at_the_end = shown.windows(2).all(|w| w[0].1 < w[1].1)
                && match (last_shown, shown.first()) {
                    (Some(last), Some((_, first))) => last < *first,
                    _ => true,
                };
            if at_the_end {
                let html: String = shown
                    .iter()
                    .filter_map(|(row, _)| row.html.as_deref())
                    .collect();
                let _ = body.insert_adjacent_html("beforeend", &html);
            } else {
                for (row, index) in &shown {
                    insert_in_order(&body, row.html.as_deref().unwrap_or_default(), *index);
                }
            }
            self.load.shown += shown.len();
            self.count(&tally(shown.iter().map(|(row, _)| *row)));
            self.load.loaded += asked.len();
            self.show_progress();
        }

        /// A retried row in place of the failed one.
        fn replace(&mut self, rows: Vec<RowHtml>) {
            for row in rows {
                let Some(old) = self.row(&row.id) else {
                    continue;
                };
                match &row.html {
                    Some(html) => old.set_outer_html(html),
                    None => {
                        old.remove();
                        self.load.shown -= 1;
                    }
                }
                self.count(&tally([&row]));
            }
            self.show_progress();
        }

        /// Adds to the column counts (one figure a type) and shows the ones that changed.
        fn count(&mut self, added: &[usize; IntegrationKind::ALL.len()]) {
            for kind in IntegrationKind::ALL {
                let add = added[kind as usize];
                if add == 0 {
                    continue;
                }
                self.load.counts[kind as usize] += add;
                let count = self.load.counts[kind as usize].to_string();
                let selector = format!(
                    "{}[data-type=\"{}\"]",
                    part::selector(part::COLUMN_COUNT),
                    kind.as_wire()
                );
                if let Some(cell) = self.root.query_selector(&selector).ok().flatten() {
                    cell.set_text_content(Some(&count));
                }
            }
        }

        fn show_progress(&self) {
            let load = &self.load;
            if let Some(line) = self.find(part::COUNT) {
                line.set_text_content(Some(&i18n::fleet_progress(
                    load.loaded,
                    load.total,
                    load.shown,
                )));
                let _ = line.set_attribute("data-loaded", &load.loaded.to_string());
            }
            self.set_hidden(part::EMPTY, load.shown != 0);
        }

        /// The load cannot go on: to the login page if the session ended; otherwise the
        /// reason, and the pages of the server's matrix again.
        fn stop(&self, error: &AppError) {
            if error.needs_login() {
                go_to(&crate::links::login_then(&here()));
                return;
            }
            if let Some(line) = self.find(part::COUNT) {
                line.set_text_content(Some(&i18n::error_message(error)));
                let _ = line.set_attribute("role", "alert");
            }
            self.set_hidden(part::PAGER, false);
        }
    }

    /// How many of the rows have each type configured, by `IntegrationKind as usize`.
    fn tally<'a>(
        rows: impl IntoIterator<Item = &'a RowHtml>,
    ) -> [usize; IntegrationKind::ALL.len()] {
        let mut added = [0; IntegrationKind::ALL.len()];
        for kind in rows.into_iter().flat_map(|row| &row.configured) {
            added[*kind as usize] += 1;
        }
        added
    }

    /// A row's place in the name-sorted fleet (`data-index`).
    fn index_of(row: &Element) -> u32 {
        row.get_attribute("data-index")
            .and_then(|i| i.parse::<u32>().ok())
            .unwrap_or_default()
    }

    /// One row after the last shown row with a smaller index (rows mostly come after all).
    fn insert_in_order(body: &Element, html: &str, index: u32) {
        let mut before = body.last_element_child();
        while let Some(candidate) = before.clone() {
            if index_of(&candidate) < index {
                break;
            }
            before = candidate.previous_element_sibling();
        }
        let _ = match before {
            Some(element) => element.insert_adjacent_html("afterend", html),
            None => body.insert_adjacent_html("afterbegin", html),
        };
    }
}
