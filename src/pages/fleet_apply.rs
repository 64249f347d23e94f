//! "Apply to many projects": choose a type (GET, so the matrix page can link here with its
//! selection: `?type=SLACK&projects=id1,id2`), tick projects (filtered by name), fill the
//! type's form once, and post it for a preview. Plain HTML forms: works without JavaScript.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

use super::fleet_run::RunFormShell;
use super::form::FieldControls;
use super::layout::{async_view, outcome};
use crate::api::fleet_apply::{fleet_projects, PreviewApply, ProjectChoice};
use crate::error::AppError;
use crate::fleet_run::{pick_control, split_ids, ApplyMode};
use crate::i18n::{self, t, Key};
use crate::links;
use atlas_registry::{Availability, IntegrationKind, WriteMode};

#[component]
pub fn ApplyPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.with_untracked(|q| q.get(name).unwrap_or_default());
    let kind = IntegrationKind::from_wire(&param("type"));
    let chosen = param("projects");
    let filter = param("q");
    let preview = ServerAction::<PreviewApply>::new();
    let projects = Resource::new(|| (), |_| fleet_projects());
    let type_choice = view! {
        <form method="get" action=links::FLEET_APPLY class="fleet-type">
            <label for="fleet-type">{t(Key::IntegrationTypeField)}</label>
            <select id="fleet-type" name="type">
                {IntegrationKind::ALL
                    .into_iter()
                    .filter(|k| k.spec().availability != Availability::Legacy)
                    .map(|k| view! { <option value=k.as_wire() selected=Some(k) == kind>{i18n::kind_label(k)}</option> })
                    .collect_view()}
            </select>
            <input type="hidden" name="projects" value=chosen.clone()/>
            <button type="submit" class="secondary">{t(Key::Continue)}</button>
        </form>
    };
    let unknown_type = kind.is_none() && !param("type").is_empty();
    let body = kind.map(|kind| {
        let errors = move || match outcome(preview) {
            Some(Err(AppError::Invalid(errors))) => errors,
            _ => Vec::new(),
        };
        let chosen = chosen.clone();
        let filter = filter.clone();
        view! {
            <NameFilter>
                <form method="get" action=links::FLEET_APPLY class="search" role="search">
                    <input type="hidden" name="type" value=kind.as_wire()/>
                    <input type="hidden" name="projects" value=chosen.clone()/>
                    <label for="fleet-filter">{t(Key::FilterByName)}</label>
                    <input id="fleet-filter" type="search" name="q" value=filter.clone()/>
                    <button type="submit" class="secondary">{t(Key::Filter)}</button>
                </form>
                {async_view(projects, move |all| {
                    let (chosen, filter) = (chosen.clone(), filter.clone());
                    view! { <ApplyForm kind all chosen filter errors=errors()/> }
                })}
            </NameFilter>
        }
    });
    let refusal = Signal::derive(move || outcome(preview).and_then(Result::err));
    view! {
        <RunFormShell title=Key::FleetApplyTitle intro=Key::FleetApplyIntro refusal unknown_type>
            {type_choice}
            {body}
        </RunFormShell>
    }
}

#[component]
fn ApplyForm(
    kind: IntegrationKind,
    all: Vec<ProjectChoice>,
    /// Ticked on arrival (the `projects` parameter); always listed, whatever the filter.
    chosen: String,
    filter: String,
    errors: Vec<atlas_registry::FieldError>,
) -> impl IntoView {
    let chosen = split_ids(&chosen);
    let rows = all
        .into_iter()
        .map(|p| {
            let id = format!("pick-{}", p.id);
            let checked = chosen.contains(&p.id);
            // Every project is in the form, those the filter leaves out hidden: a filter
            // changed in the browser (`NameFilter`) then shows them again, ticks and all.
            let search = search_text(&p.name, &p.id);
            let hidden = !checked && !matches(&search, &filter);
            view! {
                <tr data-search=search hidden=hidden>
                    <td><input type="checkbox" id=id.clone() name=pick_control(&p.id) value="on" checked=checked/></td>
                    <th scope="row"><label for=id>{p.name}</label></th>
                    <td><code>{p.id}</code></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <form method="post" action=PreviewApply::PATH class="fleet-apply" novalidate>
            <input type="hidden" name="kind" value=kind.as_wire()/>
            <fieldset class="modes">
                <legend>{t(Key::ApplyMode)}</legend>
                {ApplyMode::ALL.into_iter().map(|mode| {
                    let id = format!("mode-{}", mode.as_wire());
                    let label_for = id.clone();
                    view! {
                        <label for=label_for>
                            <input type="radio" id=id name="mode" value=mode.as_wire() checked=mode == ApplyMode::CreateOrUpdate/>
                            " " {i18n::fleet::mode(mode)}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <fieldset class="picker">
                <legend>{t(Key::ChooseProjects)}</legend>
                <table class="project-list">
                    <thead><tr><th scope="col"></th><th scope="col">{t(Key::ProjectName)}</th><th scope="col">{t(Key::ProjectId)}</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </fieldset>
            <fieldset class="integration-form">
                <legend>{t(Key::Configuration)}</legend>
                <p class="help">{t(Key::FleetBlankSecretKeeps)}</p>
                <FieldControls kind mode=WriteMode::Update errors/>
            </fieldset>
            <div class="actions">
                <button type="submit">{t(Key::Preview)}</button>
            </div>
        </form>
    }
}

/// What the name filter looks in: the project's name and id, in lower case.
fn search_text(name: &str, id: &str) -> String {
    format!("{} {id}", name.to_lowercase())
}

/// Whether a row's [`search_text`] matches what was typed (blank matches all).
fn matches(search: &str, typed: &str) -> bool {
    search.contains(typed.trim().to_lowercase().as_str())
}

/// What [`NameFilter`]'s browser code shows (`i18n::page_texts`).
#[cfg(feature = "ssr")]
static ISLAND_TEXTS: crate::i18n::page_texts::IslandTexts =
    crate::i18n::page_texts::IslandTexts::new(&[include_str!("fleet_apply.rs")], false);

/// The name filter in the browser: typing (or "Filter") hides the projects whose name and id
/// do not match, in place, so nothing ticked or typed in the form below is lost, as it was
/// when the filter loaded the page again; a ticked project always stays in view. Without
/// JavaScript the filter is the plain GET form it wraps. Rows are found by their
/// `data-search`, which [`ApplyForm`] writes from [`search_text`].
#[island]
fn NameFilter(children: Children) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::i18n::page_texts::uses(&ISLAND_TEXTS);
    let root = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        use leptos::wasm_bindgen::{closure::Closure, JsCast};
        let Some(root) = root.get() else { return };
        let root: web_sys::Element = root.unchecked_into();
        let apply = {
            let root = root.clone();
            move || {
                let typed = root
                    .query_selector("input[type=search]")
                    .ok()
                    .flatten()
                    .and_then(|i| i.dyn_into::<web_sys::HtmlInputElement>().ok())
                    .map(|i| i.value())
                    .unwrap_or_default();
                let Ok(rows) = root.query_selector_all("tr[data-search]") else {
                    return;
                };
                for i in 0..rows.length() {
                    let Some(row) = rows
                        .item(i)
                        .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
                    else {
                        continue;
                    };
                    let ticked = row
                        .query_selector("input[type=checkbox]")
                        .ok()
                        .flatten()
                        .and_then(|c| c.dyn_into::<web_sys::HtmlInputElement>().ok())
                        .is_some_and(|c| c.checked());
                    let search = row.get_attribute("data-search").unwrap_or_default();
                    let _ = row.toggle_attribute_with_force(
                        "hidden",
                        !ticked && !matches(&search, &typed),
                    );
                }
            }
        };
        let on_event = Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
            let from_filter = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|t| t.closest("form.search").ok().flatten().is_some());
            if !from_filter {
                return;
            }
            if event.type_() == "submit" {
                event.prevent_default();
            }
            apply();
        });
        for kind in ["input", "submit"] {
            let _ = root.add_event_listener_with_callback(kind, on_event.as_ref().unchecked_ref());
        }
        // The listener lives as long as the page.
        on_event.forget();
    });
    view! { <div class="name-filter" node_ref=root>{children()}</div> }
}
