//! A fleet run once previewed (`fleet_apply`, `fleet_rotate`): its state for the page, its
//! start on confirmation, and the retry of the projects that failed. The run goes on in the
//! server whether or not the page stays open (`server::runs` keeps it for the session).

use leptos::prelude::*;

use crate::error::AppError;
use crate::fleet::RunView;
#[cfg(feature = "ssr")]
use crate::server::respond;

/// The run as it stands: the preview, the progress, the report.
#[server(prefix = "/api", endpoint = "fleet/run")]
pub async fn fleet_run(run_id: String) -> Result<RunView, AppError> {
    respond(ssr::view(run_id).await)
}

/// Confirms a previewed run: its writes start. Confirming again (a second click, a reload
/// that posts again) sends nothing more.
#[server(prefix = "/api", endpoint = "fleet/start")]
pub async fn start_fleet_run(run_id: String) -> Result<RunView, AppError> {
    respond(ssr::start(run_id).await)
}

/// Writes again the projects whose write failed, and only those.
#[server(prefix = "/api", endpoint = "fleet/retry")]
pub async fn retry_fleet_run(run_id: String) -> Result<RunView, AppError> {
    respond(ssr::retry(run_id).await)
}

/// What the apply and rotate previews share: every project's configuration of a type read,
/// and a previewed plan kept as the session's run.
#[cfg(feature = "ssr")]
pub(crate) use ssr::{preview_run, read_all};

#[cfg(feature = "ssr")]
mod ssr {
    use std::collections::HashMap;

    use atlas_registry::{Availability, Integration, IntegrationKind};
    use futures::StreamExt;

    use crate::api::fleet_plan::{overlay, unreadable};
    use crate::api::pacing::{paced, Gate};
    use crate::api::writes;
    use crate::error::AppError;
    use crate::fleet::{
        ApplyMode, Cannot, Done, ItemView, Operation, Phase, Plan, Progress, RunView,
    };
    use crate::links;
    use crate::server::journal::Origin;
    use crate::server::runs::{self, lock, FleetRun, Owner, RunItem, SharedRun};
    use crate::server::{redirect_plain_form, tower_session, UserAtlas};

    /// Projects read or written at once in a run: enough to finish a few hundred projects in
    /// reasonable time, few enough not to drain Atlas's rate-limit bucket at once.
    pub const CONCURRENCY: usize = 4;
    /// The session the request belongs to, as runs are bound to it.
    pub async fn owner() -> Result<Owner, AppError> {
        let session = tower_session().await?;
        let id = session.id().ok_or(AppError::NotSignedIn)?;
        Ok(Owner::of_session(&id.to_string()))
    }

    /// The session's run `run_id`, or 404.
    async fn find(atlas: &UserAtlas, run_id: &str) -> Result<SharedRun, AppError> {
        if !runs::is_run_id(run_id) {
            return Err(AppError::BadRequest(format!("not a run id: {run_id:?}")));
        }
        let owner = owner().await?;
        atlas
            .state()
            .runs
            .get(owner, run_id)
            .ok_or_else(|| AppError::NotFound("this run is not (or no longer) kept".into()))
    }

    pub async fn view(run_id: String) -> Result<RunView, AppError> {
        let atlas = UserAtlas::current().await?;
        let run = find(&atlas, &run_id).await?;
        let view = lock(&run).view.clone();
        Ok(view)
    }

    /// Keeps a previewed run for the session and sends a plain form to its page.
    pub async fn keep(atlas: &UserAtlas, run: FleetRun) -> Result<RunView, AppError> {
        let owner = owner().await?;
        let run = atlas.state().runs.insert(owner, run)?;
        let view = lock(&run).view.clone();
        redirect_plain_form(&links::fleet_run(&view.id));
        Ok(view)
    }

    pub async fn start(run_id: String) -> Result<RunView, AppError> {
        let atlas = UserAtlas::current().await?;
        let run = find(&atlas, &run_id).await?;
        let todo = {
            let mut guard = lock(&run);
            let run = &mut *guard;
            if run.view.phase != Phase::Previewed {
                // Already started: nothing is sent twice.
                Vec::new()
            } else {
                let mut todo = Vec::new();
                for (i, (view, item)) in run.view.items.iter_mut().zip(&mut run.items).enumerate() {
                    match &view.plan {
                        Plan::Create(_) | Plan::Update(_) => todo.push(i),
                        Plan::Unchanged => view.progress = Progress::Skipped(None),
                        Plan::Cannot(why) => view.progress = Progress::Skipped(Some(why.clone())),
                    }
                    if !matches!(view.plan, Plan::Create(_) | Plan::Update(_)) {
                        item.payload = None;
                    }
                }
                run.view.phase = Phase::Running;
                todo
            }
        };
        if !todo.is_empty() {
            spawn(run.clone(), atlas, todo);
        } else {
            finish_if_idle(&run);
        }
        redirect_plain_form(&links::fleet_run(&run_id));
        let view = lock(&run).view.clone();
        Ok(view)
    }

    pub async fn retry(run_id: String) -> Result<RunView, AppError> {
        let atlas = UserAtlas::current().await?;
        let run = find(&atlas, &run_id).await?;
        let todo = {
            let mut run = lock(&run);
            if run.view.phase != Phase::Finished {
                Vec::new()
            } else {
                let todo: Vec<usize> = run
                    .view
                    .items
                    .iter()
                    .enumerate()
                    .filter(|(_, item)| matches!(item.progress, Progress::Failed(_)))
                    .map(|(i, _)| i)
                    .collect();
                for &i in &todo {
                    run.view.items[i].progress = Progress::Waiting;
                }
                if !todo.is_empty() {
                    run.view.phase = Phase::Running;
                }
                todo
            }
        };
        if !todo.is_empty() {
            spawn(run.clone(), atlas, todo);
        }
        redirect_plain_form(&links::fleet_run(&run_id));
        let view = lock(&run).view.clone();
        Ok(view)
    }

    fn finish_if_idle(run: &SharedRun) {
        let mut run = lock(run);
        let busy = run
            .view
            .items
            .iter()
            .any(|i| matches!(i.progress, Progress::Waiting | Progress::Sending));
        if !busy {
            run.view.phase = Phase::Finished;
        }
    }

    /// Writes the projects `todo` of `run` in the background, `CONCURRENCY` at a time. The
    /// task owns a clone of the user's handle on Atlas, so it goes on when the page closes.
    fn spawn(run: SharedRun, atlas: UserAtlas, todo: Vec<usize>) {
        let origin = match lock(&run).view.operation {
            Operation::Apply(_) => Origin::Apply,
            Operation::Rotate { .. } => Origin::Rotate,
        };
        let atlas = atlas.with_origin(origin);
        tokio::spawn(async move {
            let gate = Gate::default();
            futures::stream::iter(todo)
                .for_each_concurrent(CONCURRENCY, |i| write_one(&run, &atlas, &gate, i))
                .await;
            lock(&run).view.phase = Phase::Finished;
        });
    }

    /// One project's write, from `Sending` to done, failed or skipped.
    async fn write_one(run: &SharedRun, atlas: &UserAtlas, gate: &Gate, i: usize) {
        let (run_id, group_id, kind) = {
            let mut run = lock(run);
            run.view.items[i].progress = Progress::Sending;
            let view = &run.view;
            (view.id.clone(), view.items[i].group_id.clone(), view.kind)
        };
        let result = paced(gate, || attempt(run, atlas, i)).await;
        let progress = match result {
            Ok(done) => {
                // The one line per write (without values) that an audit reads.
                tracing::info!(
                    run = run_id,
                    group_id,
                    kind = kind.as_wire(),
                    ?done,
                    "integration written"
                );
                Progress::Done(done)
            }
            Err(AppError::Forbidden(_)) => Progress::Skipped(Some(Cannot::ReadOnly)),
            Err(AppError::OutOfReach(_)) => Progress::Skipped(Some(Cannot::OutOfReach)),
            Err(AppError::AlreadyConfigured(_)) => {
                Progress::Skipped(Some(Cannot::AlreadyConfigured))
            }
            Err(error) => {
                tracing::warn!(run = run_id, group_id, kind = kind.as_wire(), %error, "fleet write failed");
                Progress::Failed(error)
            }
        };
        let mut run = lock(run);
        if !matches!(progress, Progress::Failed(_)) {
            // Written or left out for good: its secrets go now, not with the run.
            run.items[i].payload = None;
            run.items[i].before = None;
        }
        run.view.items[i].progress = progress;
    }

    /// One try at project `i`'s write. A create that was sent before (this is a retry) reads
    /// first: a POST is never repeated where one may have been applied.
    async fn attempt(run: &SharedRun, atlas: &UserAtlas, i: usize) -> Result<Done, AppError> {
        let (group_id, plan, payload, before, posted, unconfirmed, mode) = {
            let run = lock(run);
            let item = &run.items[i];
            let view = &run.view;
            let mode = match view.operation {
                Operation::Apply(mode) => mode,
                Operation::Rotate { .. } => ApplyMode::UpdateOnly,
            };
            (
                view.items[i].group_id.clone(),
                view.items[i].plan.clone(),
                item.payload.clone(),
                item.before.clone(),
                item.posted,
                item.post_unconfirmed,
                mode,
            )
        };
        let Some(payload) = payload else {
            return Err(AppError::internal("nothing kept to send"));
        };
        match plan {
            Plan::Update(_) => {
                writes::update(atlas, &group_id, &payload, before.as_ref()).await?;
                Ok(Done::Updated)
            }
            Plan::Create(_) if posted => {
                match atlas.integration(&group_id, payload.kind).await {
                    Err(AppError::NotFound(_)) => {
                        create(run, atlas, i, &group_id, &payload, mode).await
                    }
                    // Our unconfirmed POST may have made it: the same whole configuration,
                    // sent by PUT (idempotent), settles it either way.
                    Ok(existing) if unconfirmed || mode == ApplyMode::CreateOrUpdate => {
                        let update = overlay(&existing, &payload);
                        writes::update(atlas, &group_id, &update, Some(&existing)).await?;
                        Ok(if unconfirmed {
                            Done::Created
                        } else {
                            Done::UpdatedAfterConflict
                        })
                    }
                    Ok(_) => Err(AppError::AlreadyConfigured(payload.kind)),
                    Err(error) => Err(error),
                }
            }
            Plan::Create(_) => create(run, atlas, i, &group_id, &payload, mode).await,
            Plan::Unchanged | Plan::Cannot(_) => Err(AppError::internal("not a write")),
        }
    }

    /// POST, and what a 409 means for this run.
    async fn create(
        run: &SharedRun,
        atlas: &UserAtlas,
        i: usize,
        group_id: &str,
        payload: &Integration,
        mode: ApplyMode,
    ) -> Result<Done, AppError> {
        let answer = atlas.create(group_id, payload).await;
        // A 429 is Atlas refusing before doing anything: that POST counts as not sent.
        if !matches!(answer, Err(AppError::RateLimited { .. })) {
            let mut run = lock(run);
            run.items[i].posted = true;
            run.items[i].post_unconfirmed = matches!(answer, Err(AppError::Unconfirmed));
        }
        match answer {
            Ok(_) => Ok(Done::Created),
            Err(AppError::AlreadyConfigured(_)) if mode == ApplyMode::CreateOrUpdate => {
                let existing = atlas.integration(group_id, payload.kind).await?;
                let update = overlay(&existing, payload);
                writes::update(atlas, group_id, &update, Some(&existing)).await?;
                Ok(Done::UpdatedAfterConflict)
            }
            Err(error) => Err(error),
        }
    }

    /// Previews a run of `operation` over the projects `ids` and keeps it for the session:
    /// reads each listed project's configuration of `kind` (none for a legacy type, which
    /// cannot be written) and lets `decide` say, from it (`None`: not configured), what the
    /// run would do there and what it would send. Projects the credential does not list
    /// are out of reach; one whose configuration cannot be read is left out with the reason.
    pub async fn preview_run(
        atlas: &UserAtlas,
        kind: IntegrationKind,
        operation: Operation,
        ids: Vec<String>,
        decide: impl Fn(Option<&Integration>) -> (Plan, Option<Integration>),
    ) -> Result<RunView, AppError> {
        let names: HashMap<String, String> = atlas
            .all_projects()
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect();
        let visible: Vec<String> = ids
            .iter()
            .filter(|id| names.contains_key(*id))
            .cloned()
            .collect();
        let legacy = kind.spec().availability == Availability::Legacy;
        let mut reads: HashMap<String, _> = if legacy {
            HashMap::new()
        } else {
            let read = read_all(atlas, &visible, kind).await;
            visible.into_iter().zip(read).collect()
        };
        let mut view_items = Vec::new();
        let mut items = Vec::new();
        for id in ids {
            let name = names.get(&id).cloned().unwrap_or_default();
            let (plan, payload, before) = match reads.remove(&id) {
                _ if legacy => (Plan::Cannot(Cannot::Legacy), None, None),
                None => (Plan::Cannot(Cannot::OutOfReach), None, None),
                Some(Err(error)) => (unreadable(error), None, None),
                Some(Ok(current)) => {
                    let (plan, payload) = decide(current.as_ref());
                    (plan, payload, current)
                }
            };
            view_items.push(ItemView {
                group_id: id,
                name,
                plan,
                progress: Progress::Waiting,
            });
            items.push(RunItem {
                payload,
                before,
                post_unconfirmed: false,
                posted: false,
            });
        }
        let run = FleetRun {
            view: RunView {
                id: String::new(),
                kind,
                operation,
                phase: Phase::Previewed,
                items: view_items,
            },
            items,
        };
        keep(atlas, run).await
    }

    /// Reads each project's configuration of the type, `CONCURRENCY` at a time, paced by the
    /// rate limit: `Ok(None)` where it is not configured.
    pub async fn read_all(
        atlas: &UserAtlas,
        ids: &[String],
        kind: IntegrationKind,
    ) -> Vec<Result<Option<Integration>, AppError>> {
        let gate = &Gate::default();
        futures::stream::iter(ids.to_vec())
            .map(move |id| async move { paced(gate, || read_one(atlas, &id, kind)).await })
            .buffered(CONCURRENCY)
            .collect()
            .await
    }

    async fn read_one(
        atlas: &UserAtlas,
        group_id: &str,
        kind: IntegrationKind,
    ) -> Result<Option<Integration>, AppError> {
        let list = atlas.integrations(group_id).await?;
        Ok(list.into_iter().find(|i| i.kind == kind))
    }
}
