//! The fleet matrix page: one row per project, one column per integration type. The filter
//! lives in the URL (`/fleet?q=&has=&lacks=&region=&page=`), so it can be shared and
//! bookmarked. The server renders one page of rows (every flow works without JavaScript);
//! the [`MatrixLoader`](super::matrix_loader::MatrixLoader) island then loads the whole
//! filtered fleet in chunks, rows drawn by the server (`matrix_loader::rows_html`), showing its
//! progress, and retries a failed row on its own.
//!
//! - `filter`: the filter form (a plain GET form over the URL's parameters);
//! - `matrix`: the table with its first page of rows, inside the island;
//! - `row`: one project's row and its cells (also drawn for the island by `rows_html`).

mod filter;
mod matrix;
pub(crate) mod row;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::layout::{async_view, Header};
use crate::api::fleet::{load_fleet_page, FleetFilter};
use crate::i18n::{self, t, Key};
use crate::links::{self, fleet_param as param};
use atlas_registry::IntegrationKind;
pub use filter::FilterFields;
use filter::FilterForm;
use matrix::FleetMatrix;

/// The export page for the matrix's filter as it stands.
fn export_link(filter: &FleetFilter) -> String {
    let matrix = filter.url(1);
    let query = matrix.split_once('?').map_or("", |(_, q)| q);
    links::fleet_export(query, None)
}

#[component]
pub fn FleetPageView() -> impl IntoView {
    let query = use_query_map();
    let raw = move |name: &str| query.get().get(name).unwrap_or_default();
    let parsed = move || FleetFilter::from_url(raw);
    // The columns asked for (`cols`, once per type); unknown types are left out, none: all.
    let shown = move || -> Vec<IntegrationKind> {
        let asked = query.get().get_all(param::COLS).unwrap_or_default();
        IntegrationKind::ALL
            .into_iter()
            .filter(|k| asked.iter().any(|a| a == k.as_wire()))
            .collect()
    };
    // A page number that is not one is page 1.
    let page = move || raw(param::PAGE).parse::<u32>().unwrap_or(1).max(1);
    let data = Resource::new(
        move || (parsed().0, page()),
        move |(filter, page)| load_fleet_page(filter, page),
    );
    let ignored = move || {
        parsed()
            .1
            .into_iter()
            .map(|name| view! { <p class="notice" role="status">{i18n::fleet_ignored(name)}</p> })
            .collect_view()
    };
    // The filter changes only with the URL, that is with a new page: read once.
    let export_href = untrack(|| export_link(&parsed().0));
    // The fleet operations start from here. (Erased: the page's whole view type is too deep
    // for the compiler otherwise.)
    let operations = view! {
        <p class="links">
            <a href=links::FLEET_APPLY>{t(Key::FleetApplyTitle)}</a>
            " "
            <a href=links::FLEET_ROTATE>{t(Key::FleetRotateTitle)}</a>
            " "
            <a href=export_href>{t(Key::ExportAsCode)}</a>
            " "
            <a href=links::FLEET_ADVISORIES>{t(Key::AdvisoriesLink)}</a>
        </p>
    }
    .into_any();
    view! {
        <Header/>
        <section class="fleet">
            <h1>{t(Key::Fleet)}</h1>
            <p class="intro">{t(Key::FleetIntro)}</p>
            {operations}
            {move || view! { <FilterForm filter=parsed().0 shown=shown()/> }}
            {ignored}
            {async_view(data, move |fleet| view! { <FleetMatrix fleet shown=untrack(shown)/> })}
        </section>
    }
}
