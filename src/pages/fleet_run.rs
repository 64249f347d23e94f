//! A fleet run's page (`/fleet/runs/{id}`): the preview with its confirmation, then the
//! progress and the report with "retry the failed". The run is kept on the server, so a
//! reload or a later visit finds it. Without JavaScript the page refreshes itself while the
//! run goes on; with it, the `RunProgress` island asks for the run's state instead.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::layout::{async_view, outcome, Breadcrumbs, ErrorAlert, Header};
use super::run_progress::{run_progress, RunData};
use super::run_table::{run_status, RunTable};
use crate::api::fleet_run::{fleet_run, CancelFleetRun, RetryFleetRun, StartFleetRun};
use crate::error::AppError;
use crate::fleet_run::{Operation, Phase, RunView};
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
            {run_progress(
                RunData { run_id: id.clone(), running, status },
                view! { <RunTable run=run.clone()/> },
            )}
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
