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

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use std::collections::HashMap;
    use std::future::Future;
    use std::sync::Mutex;
    use std::time::Duration;

    use atlas_registry::{Availability, FieldInput, FieldValue, Integration, IntegrationKind};
    use futures::StreamExt;
    use tokio::time::Instant;

    use crate::api::writes;
    use crate::error::AppError;
    use crate::fleet::{
        ApplyMode, Cannot, Change, Done, FieldChange, ItemView, Operation, Phase, Plan, Progress,
        RunView,
    };
    use crate::links;
    use crate::server::runs::{self, lock, FleetRun, Owner, RunItem, SharedRun};
    use crate::server::{redirect_plain_form, tower_session, UserAtlas};

    /// Projects read or written at once in a run: enough to finish a few hundred projects in
    /// reasonable time, few enough not to drain Atlas's rate-limit bucket at once.
    pub const CONCURRENCY: usize = 4;
    /// How often one request refused with 429 is sent again (after the wait Atlas asked for,
    /// or a growing one) before its project is reported as failed.
    const RATE_LIMIT_RESENDS: u32 = 8;
    /// The wait after a 429 without `Retry-After`: doubled each time, up to the cap.
    const RATE_LIMIT_BASE_WAIT: Duration = Duration::from_secs(1);
    const RATE_LIMIT_MAX_WAIT: Duration = Duration::from_secs(30);

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
                        Plan::Create | Plan::Update(_) => todo.push(i),
                        Plan::Unchanged => view.progress = Progress::Skipped(None),
                        Plan::Cannot(why) => view.progress = Progress::Skipped(Some(why.clone())),
                    }
                    if !matches!(view.plan, Plan::Create | Plan::Update(_)) {
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
            Plan::Create if posted => {
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
            Plan::Create => create(run, atlas, i, &group_id, &payload, mode).await,
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

    /// Runs `call` until Atlas stops refusing it with 429: every worker of the run waits
    /// while any was told to (the gate), at least as long as Atlas asked, and the same
    /// request is sent again (a 429 was applied to nothing). Other answers are returned.
    pub async fn paced<T, F, Fut>(gate: &Gate, mut call: F) -> Result<T, AppError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, AppError>>,
    {
        let mut resends = 0;
        loop {
            gate.wait().await;
            match call().await {
                Err(AppError::RateLimited { retry_after_secs }) if resends < RATE_LIMIT_RESENDS => {
                    let backoff = RATE_LIMIT_BASE_WAIT
                        .saturating_mul(1 << resends.min(10))
                        .min(RATE_LIMIT_MAX_WAIT);
                    let asked = Duration::from_secs(retry_after_secs.unwrap_or(0));
                    gate.hold(asked.max(backoff));
                    resends += 1;
                }
                other => return other,
            }
        }
    }

    /// The instant before which no request of the run is sent.
    #[derive(Default)]
    pub struct Gate(Mutex<Option<Instant>>);

    impl Gate {
        async fn wait(&self) {
            let until = *self.0.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(until) = until {
                tokio::time::sleep_until(until).await;
            }
        }

        fn hold(&self, wait: Duration) {
            let until = Instant::now() + wait;
            let mut held = self.0.lock().unwrap_or_else(|e| e.into_inner());
            *held = Some(held.map_or(until, |h| h.max(until)));
        }
    }

    /// The whole configuration to PUT over `current`: its plain values (secrets come back
    /// masked and are never sent back), then what the user gave. A PUT that replaces the
    /// whole configuration then keeps every plain value not typed; secrets not typed are
    /// left out and checked afterwards (`writes::update`).
    pub fn overlay(current: &Integration, given: &Integration) -> Integration {
        let mut out = Integration::new(given.kind);
        for field in given.kind.spec().fields.iter().filter(|f| !f.is_secret()) {
            if let Some(value) = current.values.get(field.name) {
                out.values.insert(field.name.to_string(), value.clone());
            }
        }
        for (name, value) in &given.values {
            out.values.insert(name.clone(), value.clone());
        }
        out
    }

    /// The fields `update` changes over `current`; secrets only as "replaced".
    pub fn changes(current: &Integration, update: &Integration) -> Vec<FieldChange> {
        let shown = |v: &FieldValue| match v {
            FieldValue::Text(s) => s.clone(),
            FieldValue::Bool(b) => b.to_string(),
        };
        let mut out = Vec::new();
        for field in update.kind.spec().fields {
            let Some(to) = update.values.get(field.name) else {
                continue;
            };
            let change = if field.is_secret() {
                Change::Replaced
            } else {
                let from = current
                    .values
                    .get(field.name)
                    .map(shown)
                    .or(match field.input {
                        FieldInput::Toggle { default } => Some(default.to_string()),
                        _ => None,
                    });
                let to = shown(to);
                if from.as_deref() == Some(to.as_str()) {
                    continue;
                }
                Change::Set { from, to }
            };
            out.push(FieldChange {
                field: field.name.to_string(),
                change,
            });
        }
        out
    }

    /// The plan for an update of `current` to `update`.
    pub fn update_plan(current: &Integration, update: &Integration) -> Plan {
        let changes = changes(current, update);
        if changes.is_empty() {
            Plan::Unchanged
        } else {
            Plan::Update(changes)
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

    /// What a project whose configuration could not be read is.
    pub fn unreadable(error: AppError) -> Plan {
        Plan::Cannot(match error {
            AppError::OutOfReach(_) => Cannot::OutOfReach,
            AppError::Forbidden(_) => Cannot::ReadOnly,
            other => Cannot::Unreadable(other),
        })
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use atlas_registry::IntegrationKind;

        fn text(v: &str) -> FieldValue {
            FieldValue::Text(v.into())
        }

        #[test]
        fn overlay_keeps_plain_values_and_never_masked_secrets() {
            let mut current = Integration::new(IntegrationKind::VictorOps);
            current.values.insert("apiKey".into(), text("****1234"));
            current.values.insert("routingKey".into(), text("ops"));
            let mut given = Integration::new(IntegrationKind::VictorOps);
            given.values.insert("apiKey".into(), text("new-key-5678"));
            let update = overlay(&current, &given);
            assert_eq!(update.text("apiKey"), Some("new-key-5678"));
            assert_eq!(update.text("routingKey"), Some("ops"));
            assert_eq!(
                changes(&current, &update),
                vec![FieldChange {
                    field: "apiKey".into(),
                    change: Change::Replaced
                }]
            );
            // Nothing typed over the current plain values: unchanged.
            let same = overlay(&current, &Integration::new(IntegrationKind::VictorOps));
            assert_eq!(update_plan(&current, &same), Plan::Unchanged);
            assert!(same.text("apiKey").is_none());
        }
    }
}
