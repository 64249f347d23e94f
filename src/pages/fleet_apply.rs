//! "Apply to many projects": choose a type (GET, so the matrix page can link here with its
//! selection: `?type=SLACK&projects=id1,id2`), tick projects (filtered by name), fill the
//! type's form once, and post it for a preview. Plain HTML forms: works without JavaScript.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

use super::fleet_run::RunFormShell;
use super::form::FieldControls;
use super::layout::{async_view, outcome};
use super::name_filter::{matches, search_text, NameFilter};
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
