//! A fleet run's status line and table, as its page draws them and as the progress island
//! gets them again while the run goes on (`pages::run_progress`'s server function): one
//! drawing for both, the server's alone.

use leptos::prelude::*;

use crate::fleet_run::{Phase, Plan, RunView};
use crate::i18n::{self, t, Key};
use crate::links;

/// The status line of a run under way or ended, with its tally.
pub fn run_status(run: &RunView) -> String {
    let phase = match (run.phase, run.stop) {
        (Phase::Finished, Some(_)) => t(Key::RunStopped),
        (Phase::Finished, None) => t(Key::RunFinished),
        (_, Some(_)) => t(Key::RunCancelling),
        _ => t(Key::RunRunning),
    };
    format!("{phase} {}", i18n::fleet::tally(run.tally()))
}

/// One row per project: what the preview found, where its write stands.
#[component]
pub fn RunTable(run: RunView) -> impl IntoView {
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
