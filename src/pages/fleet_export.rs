//! Export as code (`/fleet/export`): choose a format and download the file (`api::export`,
//! served by `web::export`). Reached from the matrix, with its filter, or from a project's
//! page, for that project. A plain GET form: works without JavaScript; no island.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::fleet::FilterFields;
use super::layout::{Breadcrumbs, Header};
use crate::api::fleet::FleetFilter;
use crate::i18n::{t, Key};
use crate::links;

/// The formats, as the download's `format` names them, with their label and what they hold.
const FORMATS: [(&str, Key, Key); 3] = [
    ("terraform", Key::ExportTerraform, Key::ExportTerraformHelp),
    (
        "kubernetes",
        Key::ExportKubernetes,
        Key::ExportKubernetesHelp,
    ),
    ("json", Key::ExportJson, Key::ExportJsonHelp),
];

#[component]
pub fn ExportPage() -> impl IntoView {
    let query = use_query_map();
    let raw = move |name: &str| query.get().get(name).unwrap_or_default();
    let project = raw("project");
    let (filter, _) = FleetFilter::from_url(raw);
    let chosen = raw("format");
    let formats = FORMATS
        .into_iter()
        .enumerate()
        .map(|(i, (name, label, help))| {
            let id = format!("export-format-{name}");
            let help_id = format!("{id}-help");
            let checked = chosen == name || (chosen.is_empty() && i == 0);
            view! {
                <div class="choice">
                    <input type="radio" id=id.clone() name="format" value=name checked=checked aria-describedby=help_id.clone()/>
                    <label for=id>{t(label)}</label>
                    <p class="help" id=help_id>{t(help)}</p>
                </div>
            }
        })
        .collect_view();
    let scope = if project.is_empty() {
        view! {
            <fieldset class="filters">
                <legend>{t(Key::ExportWhichProjects)}</legend>
                <FilterFields filter/>
            </fieldset>
        }
        .into_any()
    } else {
        view! {
            <p>{t(Key::ExportOneProject)} " " <code>{project.clone()}</code></p>
            <input type="hidden" name="project" value=project.clone()/>
        }
        .into_any()
    };
    let back = if project.is_empty() {
        links::FLEET.to_string()
    } else {
        links::project(&project)
    };
    view! {
        <Header/>
        <section class="fleet-export">
            <Breadcrumbs project=None here=Some(t(Key::ExportAsCode).to_string())/>
            <h1>{t(Key::ExportAsCode)}</h1>
            <p class="intro">{t(Key::ExportIntro)}</p>
            <form method="GET" action=links::FLEET_EXPORT_DOWNLOAD class="export-form">
                <fieldset class="modes">
                    <legend>{t(Key::ExportFormat)}</legend>
                    {formats}
                </fieldset>
                {scope}
                <p class="actions">
                    <button type="submit">{t(Key::ExportDownload)}</button>
                    " "
                    <a href=back>{t(Key::Cancel)}</a>
                </p>
            </form>
            <p class="muted">{t(Key::ExportSecretsNote)}</p>
        </section>
    }
}
