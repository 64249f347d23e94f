//! A fleet run's page (`/fleet/runs/{id}`): the preview with its confirmation, then the
//! progress and the report with "retry the failed". The run is kept on the server, so a
//! reload or a later visit finds it. Without JavaScript the page refreshes itself while the
//! run goes on; with it, the `RunProgress` island asks for the run's state instead.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::layout::{outcome, Breadcrumbs, ErrorAlert, Header, Loading};
use crate::api::fleet_run::{fleet_run, RetryFleetRun, StartFleetRun};
use crate::fleet::{Operation, Phase, Plan, RunView};
use crate::i18n::{self, t, Key};
use crate::links;

#[component]
pub fn RunPage() -> impl IntoView {
    let params = use_params_map();
    let run_id = Memo::new(move |_| params.get().get("run_id").unwrap_or_default());
    let data = Resource::new(move || run_id.get(), fleet_run);
    let start = ServerAction::<StartFleetRun>::new();
    let retry = ServerAction::<RetryFleetRun>::new();
    view! {
        <Header/>
        <Breadcrumbs project=None here=Some(t(Key::RunTitle).to_string())/>
        {move || outcome(start).and_then(Result::err).map(|error| view! { <ErrorAlert error/> })}
        {move || outcome(retry).and_then(Result::err).map(|error| view! { <ErrorAlert error/> })}
        <Suspense fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(run) => view! { <RunBody run start retry/> }.into_any(),
                    Err(error) => view! { <ErrorAlert error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RunBody(
    run: RunView,
    start: ServerAction<StartFleetRun>,
    retry: ServerAction<RetryFleetRun>,
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
            {(run.phase == Phase::Running).then(|| view! {
                // Without JavaScript the page reloads itself; the island stops it otherwise.
                <noscript><meta http-equiv="refresh" content="2"/></noscript>
            })}
            <RunProgress run=run.clone()/>
            {(run.phase == Phase::Finished && failed > 0).then(|| view! {
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

/// The run's progress. An island: while the run goes on it asks the server for the run's
/// state every second and shows it; when the run ends it reloads the page, which then offers
/// the retry. Its props are the run's view: masked, like everything in it.
#[island]
pub fn RunProgress(run: RunView) -> impl IntoView {
    let state = RwSignal::new(run);
    #[cfg(feature = "hydrate")]
    {
        use leptos::task::spawn_local;
        let id = state.with_untracked(|r| r.id.clone());
        if state.with_untracked(|r| r.phase) == Phase::Running {
            let handle = set_interval_with_handle(
                move || {
                    let id = id.clone();
                    spawn_local(async move {
                        if let Ok(run) = fleet_run(id).await {
                            let finished = run.phase == Phase::Finished;
                            state.set(run);
                            if finished {
                                if let Some(window) = web_sys::window() {
                                    let _ = window.location().reload();
                                }
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
    }
    view! {
        <p class="run-status" role="status" aria-live="polite">
            {move || state.with(|r| match r.phase {
                Phase::Finished => t(Key::RunFinished),
                _ => t(Key::RunRunning),
            })}
            " "
            <span class="tally">{move || state.with(|r| i18n::fleet::tally(r.tally()))}</span>
        </p>
        {move || view! { <RunTable run=state.get()/> }}
    }
}

/// One row per project: what the preview found, where its write stands.
#[component]
fn RunTable(run: RunView) -> impl IntoView {
    let previewed = run.phase == Phase::Previewed;
    let rows = run
        .items
        .into_iter()
        .map(|item| {
            let class = match &item.plan {
                Plan::Create => "create",
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
        <table class="fleet-run">
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
