//! The matrix's filter: a plain GET form whose fields are the URL's parameters, so a
//! filtered matrix can be shared, bookmarked and used without JavaScript.

use leptos::prelude::*;

use crate::api::fleet::{regions, FleetFilter};
use crate::api::fleet_advice::Advice;
use crate::i18n::{self, t, Key};
use crate::links::{self, fleet_param as param};
use atlas_registry::IntegrationKind;

/// A plain GET form: its fields are the URL's parameters, the columns shown included.
#[component]
pub fn FilterForm(filter: FleetFilter, shown: Vec<IntegrationKind>) -> impl IntoView {
    let boxes = IntegrationKind::ALL
        .into_iter()
        .map(|k| {
            let checked = shown.is_empty() || shown.contains(&k);
            view! {
                <label>
                    <input type="checkbox" name=param::COLS value=k.as_wire() checked=checked/>
                    {i18n::kind_label(k)}
                </label>
            }
        })
        .collect_view();
    view! {
        <form method="GET" action=links::FLEET class="filters" role="search">
            <FilterFields filter/>
            <details class="columns" open=!shown.is_empty()>
                <summary>{t(Key::Columns)}</summary>
                <fieldset aria-label=t(Key::ColumnsHint)>{boxes}</fieldset>
            </details>
            <button type="submit">{t(Key::ApplyFilters)}</button>
            <a href=links::FLEET>{t(Key::ClearFilters)}</a>
        </form>
    }
}

/// The filter's fields, named as the matrix's URL names them: in the matrix's form, and in
/// the export's (which takes the same filter).
#[component]
pub fn FilterFields(filter: FleetFilter) -> impl IntoView {
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
    let advice_options = Advice::ALL
        .into_iter()
        .map(|a| view! { <option value=a.as_code() selected=filter.advice == Some(a)>{i18n::advisories::title(a)}</option> })
        .collect_view();
    view! {
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
            <label>{t(Key::FilterAdvice)}
                <select name=param::ADVICE><option value="">{t(Key::AnyAdvice)}</option>{advice_options}</select>
            </label>
            <label class="check">
                <input type="checkbox" name=param::ALERTS value="1" checked=filter.counts_alerts()/>
                {t(Key::FilterAlerts)}
            </label>
    }
}
