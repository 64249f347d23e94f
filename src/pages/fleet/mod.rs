//! The fleet matrix page: one row per project, one column per integration type. The filter
//! lives in the URL (`/fleet?q=&has=&lacks=&region=&page=`), so it can be shared and
//! bookmarked. The server renders one page of rows (every flow works without JavaScript);
//! the [`MatrixLoader`](loader::MatrixLoader) island then loads the whole filtered fleet in
//! chunks, rows drawn by the server (`rows_html`), showing its progress, and retries a failed
//! row on its own.
//!
//! - `filter`: the filter form (a plain GET form over the URL's parameters);
//! - `matrix`: the table with its first page of rows, inside the island;
//! - `row`: one project's row and its cells;
//! - `rows_html`: the server function that draws rows for the island;
//! - `loader`: the island.

mod filter;
mod loader;
mod matrix;
mod row;
mod rows_html;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::layout::{async_view, Header};
use crate::api::fleet::{load_fleet_page, FleetFilter};
use crate::i18n::{self, t, Key};
use crate::links::{self, fleet_param as param};
use filter::FilterForm;
use matrix::FleetMatrix;

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
            {async_view(data, |fleet| view! { <FleetMatrix fleet/> })}
        </section>
    }
}
