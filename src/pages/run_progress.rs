//! A fleet run's [`RunProgress`] island and the server function it asks (`fleet/progress`),
//! apart from the run's page (`pages::fleet_run`), which is the server's alone: a change to
//! the page's markup does not rebuild the WASM.

use leptos::prelude::*;

use crate::error::AppError;

/// The id of the `<script>` that carries the [`RunData`] to the browser.
const DATA_ID: &str = "run-data";

/// The run [`RunProgress`] follows: its id, whether it still runs, its status line as drawn.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct RunData {
    pub run_id: String,
    pub running: bool,
    pub status: String,
}

/// The progress island around the run's table as first drawn (`children`).
#[cfg(feature = "ssr")]
pub fn run_progress(data: RunData, children: impl IntoView + 'static) -> impl IntoView {
    let script = super::island_data::write(DATA_ID, data);
    view! { {script} <RunProgress>{children}</RunProgress> }
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

/// The run's progress for the [`RunProgress`] island, drawn as the run's page draws it.
#[server(prefix = "/api", endpoint = "fleet/progress", output = crate::wire_json::Post)]
pub async fn fleet_run_progress(run_id: String) -> Result<RunProgressHtml, AppError> {
    use crate::api::fleet_run::fleet_run;
    use crate::fleet_run::Phase;
    use crate::pages::run_table::{run_status, RunTable};

    let run = fleet_run(run_id).await?;
    let finished = run.phase == Phase::Finished;
    Ok(RunProgressHtml {
        status: run_status(&run),
        table: view! { <RunTable run/> }.to_html(),
        finished,
    })
}

/// What [`RunProgress`] needs from its page: its bundle (`island-…` feature), and
/// the messages its browser code shows (`page_texts`).
#[cfg(feature = "ssr")]
pub(crate) static ISLAND_NEEDS: crate::page_texts::IslandNeeds =
    crate::page_texts::IslandNeeds::new(
        "run-progress",
        &[
            include_str!("run_progress.rs"),
            include_str!("fleet_run.rs"),
            include_str!("../../crates/dashboard-core/src/i18n/fleet.rs"),
        ],
        false,
    );

/// The run's progress. An island: while the run goes on it asks the server for the run's
/// status line and table (`fleet_run_progress`, drawn on the server like the first ones, which
/// are its children) every second and puts them in place; when the run ends it reloads the
/// page, which then offers the retry.
///
/// What it follows comes from the page ([`RunData`], `island_data`): the island has no props
/// for Leptos to decode with serde_json.
#[island]
pub fn RunProgress(children: Children) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::page_texts::uses(&ISLAND_NEEDS);
    let RunData {
        run_id,
        running,
        status,
    } = super::island_data::take::<RunData>(DATA_ID).unwrap_or_default();
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
