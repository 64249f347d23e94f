//! A fleet run's page (`/fleet/runs/{id}`): the preview with its confirmation, then the
//! progress and the report with "retry the failed". The run is kept on the server, so a
//! reload or a later visit finds it. Without JavaScript the page refreshes itself while the
//! run goes on; with it, the `RunProgress` island asks for the run's state instead.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::layout::{async_view, outcome, Breadcrumbs, ErrorAlert, Header};
use crate::api::fleet_run::{fleet_run, CancelFleetRun, RetryFleetRun, StartFleetRun};
use crate::error::AppError;
use crate::fleet_run::{Operation, Phase, Plan, RunView};
use crate::i18n::{self, t, Key};
use crate::links;

/// What the pages that preview a run ("apply", "rotate") share around their forms: header,
/// crumbs, title and intro, the preview's refusal, an unknown type in the address, then the
/// page's own forms (`children`).
#[component]
pub fn RunFormShell(
    title: Key,
    intro: Key,
    /// The preview's refusal, if it was refused.
    #[prop(into)]
    refusal: Signal<Option<AppError>>,
    /// The address named a type that is not one.
    unknown_type: bool,
    children: Children,
) -> impl IntoView {
    view! {
        <Header/>
        <Breadcrumbs project=None here=Some(t(title).to_string())/>
        <h1>{t(title)}</h1>
        <p class="intro">{t(intro)}</p>
        {move || refusal.get().map(|error| view! { <ErrorAlert error/> })}
        {unknown_type.then(|| view! { <p class="alert" role="alert">{t(Key::UnknownType)}</p> })}
        {children()}
    }
}

#[component]
pub fn RunPage() -> impl IntoView {
    let params = use_params_map();
    let run_id = Memo::new(move |_| params.get().get("run_id").unwrap_or_default());
    let data = Resource::new(move || run_id.get(), fleet_run);
    let start = ServerAction::<StartFleetRun>::new();
    let retry = ServerAction::<RetryFleetRun>::new();
    let cancel = ServerAction::<CancelFleetRun>::new();
    view! {
        <Header/>
        <Breadcrumbs project=None here=Some(t(Key::RunTitle).to_string())/>
        {move || outcome(start).and_then(Result::err).map(|error| view! { <ErrorAlert error/> })}
        {move || outcome(retry).and_then(Result::err).map(|error| view! { <ErrorAlert error/> })}
        {move || outcome(cancel).and_then(Result::err).map(|error| view! { <ErrorAlert error/> })}
        {async_view(data, move |run| view! { <RunBody run start retry cancel/> })}
    }
}

#[component]
fn RunBody(
    run: RunView,
    start: ServerAction<StartFleetRun>,
    retry: ServerAction<RetryFleetRun>,
    cancel: ServerAction<CancelFleetRun>,
) -> impl IntoView {
    let title = match &run.operation {
        Operation::Apply(_) => i18n::fleet::apply_title(run.kind),
        Operation::Rotate { field } => i18n::fleet::rotate_title(run.kind, field),
    };
    let again = match &run.operation {
        Operation::Apply(_) => links::fleet_apply(run.kind, &[]),
        Operation::Rotate { field } => links::fleet_rotate(run.kind, field, None),
    };
    let id = run.id.clone();
    let failed = run.tally().failed;
    let running = run.phase == Phase::Running;
    let stopping = running && run.stop.is_some();
    let status = run_status(&run);
    let body = match run.phase {
        Phase::Previewed => view! {
            <h2>{t(Key::PreviewTitle)}</h2>
            <p>{i18n::fleet::to_write(run.to_write(), run.items.len())}</p>
            <RunTable run=run.clone()/>
            <ActionForm action=start attr:class="confirm">
                <input type="hidden" name="run_id" value=id.clone()/>
                <button type="submit" disabled=move || start.pending().get() || run.to_write() == 0>{t(Key::Confirm)}</button>
                <a class="button secondary" href=again.clone()>{t(Key::Cancel)}</a>
            </ActionForm>
        }
        .into_any(),
        Phase::Running | Phase::Finished => view! {
            {running.then(|| view! {
                // Without JavaScript the page reloads itself; the island stops it otherwise.
                <noscript><meta http-equiv="refresh" content="2"/></noscript>
            })}
            <RunProgress run_id=id.clone() running status>
                <RunTable run=run.clone()/>
            </RunProgress>
            {(running && !stopping).then(|| { let id = id.clone(); view! {
                <p class="notice caution" role="note">{t(Key::RunSignOutNote)}</p>
                <ActionForm action=cancel attr:class="confirm cancel-run">
                    <input type="hidden" name="run_id" value=id.clone()/>
                    <button type="submit" class="secondary" disabled=move || cancel.pending().get()>{t(Key::RunCancel)}</button>
                </ActionForm>
            }})}
            {(!running && failed > 0).then(|| view! {
                <ActionForm action=retry attr:class="retry">
                    <input type="hidden" name="run_id" value=id.clone()/>
                    <button type="submit" disabled=move || retry.pending().get()>{t(Key::RetryFailed)}</button>
                </ActionForm>
            })}
            <p><a href=again.clone()>{t(Key::StartAgain)}</a></p>
        }
        .into_any(),
    };
    view! {
        <h1>{title}</h1>
        {body}
    }
}

/// The status line of a run under way or ended, with its tally.
fn run_status(run: &RunView) -> String {
    let phase = match (run.phase, run.stop) {
        (Phase::Finished, Some(_)) => t(Key::RunStopped),
        (Phase::Finished, None) => t(Key::RunFinished),
        (_, Some(_)) => t(Key::RunCancelling),
        _ => t(Key::RunRunning),
    };
    format!("{phase} {}", i18n::fleet::tally(run.tally()))
}

/// A run's progress as its page shows it, drawn on the server: the status line and the
/// table's HTML. The progress island puts them in place as they are, so the browser needs no
/// code of its own to draw a run (the WASM stays small).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct RunProgressHtml {
    pub status: String,
    pub table: String,
    pub finished: bool,
}

/// The run's progress for the [`RunProgress`] island, drawn by this page's own views.
#[server(prefix = "/api", endpoint = "fleet/progress")]
pub async fn fleet_run_progress(run_id: String) -> Result<RunProgressHtml, AppError> {
    let run = fleet_run(run_id).await?;
    let finished = run.phase == Phase::Finished;
    Ok(RunProgressHtml {
        status: run_status(&run),
        table: view! { <RunTable run/> }.to_html(),
        finished,
    })
}

/// What [`RunProgress`]'s browser code shows (`i18n::page_texts`).
#[cfg(feature = "ssr")]
static ISLAND_TEXTS: crate::i18n::page_texts::IslandTexts =
    crate::i18n::page_texts::IslandTexts::new(
        &[
            include_str!("fleet_run.rs"),
            include_str!("../i18n/fleet.rs"),
        ],
        false,
    );

/// The run's progress. An island: while the run goes on it asks the server for the run's
/// status line and table (`fleet_run_progress`, drawn on the server like the first ones, which
/// are its children) every second and puts them in place; when the run ends it reloads the
/// page, which then offers the retry.
#[island]
pub fn RunProgress(
    run_id: String,
    running: bool,
    status: String,
    children: Children,
) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::i18n::page_texts::uses(&ISLAND_TEXTS);
    let status = RwSignal::new(status);
    let table = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    if running {
        use leptos::task::spawn_local;
        let handle = set_interval_with_handle(
            move || {
                let id = run_id.clone();
                spawn_local(async move {
                    let Ok(progress) = fleet_run_progress(id).await else {
                        return;
                    };
                    status.set(progress.status);
                    if let Some(element) = table.get_untracked() {
                        element.set_inner_html(&progress.table);
                    }
                    if progress.finished {
                        if let Some(window) = web_sys::window() {
                            let _ = window.location().reload();
                        }
                    }
                });
            },
            std::time::Duration::from_secs(1),
        );
        on_cleanup(move || {
            if let Ok(handle) = handle {
                handle.clear();
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (run_id, running);
    view! {
        <p class="run-status" role="status" aria-live="polite">{move || status.get()}</p>
        <div class="run-table" node_ref=table>{children()}</div>
    }
}

/// One row per project: what the preview found, where its write stands.
#[component]
fn RunTable(run: RunView) -> impl IntoView {
    let previewed = run.phase == Phase::Previewed;
    // Name order, as every other list of projects in the dashboard.
    let mut items = run.items;
    items.sort_by_cached_key(|item| (item.name.to_lowercase(), item.group_id.clone()));
    let rows = items
        .into_iter()
        .map(|item| {
            let class = match &item.plan {
                Plan::Create(_) => "create",
                Plan::Update(_) => "update",
                Plan::Unchanged => "unchanged",
                Plan::Cannot(_) => "cannot",
            };
            let status = (!previewed).then(|| view! { <td class="progress">{i18n::fleet::progress(&item.progress)}</td> });
            view! {
                <tr class=class data-project=item.group_id.clone()>
                    <th scope="row"><a href=links::project(&item.group_id)>{if item.name.is_empty() { item.group_id.clone() } else { item.name }}</a></th>
                    <td class="plan">{i18n::fleet::plan(&item.plan)}</td>
                    {status}
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="project-list fleet-run">
            <thead>
                <tr>
                    <th scope="col">{t(Key::ProjectName)}</th>
                    <th scope="col">{t(Key::WhatChanges)}</th>
                    {(!previewed).then(|| view! { <th scope="col">{t(Key::Status)}</th> })}
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
