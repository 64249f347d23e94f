//! A fleet run's writes. One replica works a run at a time, holding it under a lease
//! (`store::LEASE`) that a heartbeat renews; each project's step is saved before its write
//! goes out (`Sending`) and after its answer, so that a replica taking the run over knows
//! which writes were in flight. It reads those again before writing them: a POST may have
//! been applied, and is never repeated blindly (a PUT is idempotent).
//!
//! Before each write the run's session is looked up where the sessions are: signed out or
//! ended, the run stops, what was not sent is reported "not sent: signed out", and any token
//! this process holds for the credential is revoked. A run cancelled from its page stops the
//! same way, "not sent: cancelled". What was sent stays sent.
//!
//! A 429 is waited out in the client (its per-credential pause honours `Retry-After`, and a
//! refused request is sent again: Atlas applied nothing): one rate-limit policy for pages
//! and runs alike.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use atlas_registry::Integration;
use futures::StreamExt;
use tokio::sync::Mutex;

use super::model::{Claim, Loaded, Owner, Save, Step, Work, LEASE};
use super::plan::{overlay, payload, CONCURRENCY};
use crate::error::AppError;
use crate::fleet_run::{ApplyMode, Cannot, Done, Operation, Phase, Plan, Progress, RunView, Stop};
use crate::server::journal::Origin;
use crate::server::{user_of, writes, AppState, UserAtlas, UserSession};

/// How often a replica looks for runs nobody holds (`spawn_runner`).
const LOOK_FOR_LAPSED_EVERY: Duration = Duration::from_secs(1);

/// Confirms a previewed run of `owner`: its writes start on this replica. A run already
/// started (a second click, a form posted again) sends nothing more.
pub async fn start(state: &AppState, id: &str, owner: &Owner) -> Result<(), AppError> {
    let store = &state.runs;
    match store
        .claim(
            id,
            store.holder(),
            Some(owner),
            Phase::Previewed,
            Phase::Running,
        )
        .await?
    {
        Claim::Missing => Err(not_kept()),
        Claim::NotNow => Ok(()),
        Claim::Claimed(mut run) => {
            for (item, step) in run.view.items.iter().zip(&mut run.steps) {
                step.progress = match &item.plan {
                    Plan::Create(_) | Plan::Update(_) => Progress::Waiting,
                    Plan::Unchanged => Progress::Skipped(None),
                    Plan::Cannot(why) => Progress::Skipped(Some(why.clone())),
                };
            }
            spawn_work(state.clone(), id.to_string(), *run);
            Ok(())
        }
    }
}

/// Writes again the projects of a finished run whose write failed, and only those.
pub async fn retry(state: &AppState, id: &str, owner: &Owner) -> Result<(), AppError> {
    let store = &state.runs;
    match store
        .claim(
            id,
            store.holder(),
            Some(owner),
            Phase::Finished,
            Phase::Running,
        )
        .await?
    {
        Claim::Missing => Err(not_kept()),
        Claim::NotNow => Ok(()),
        Claim::Claimed(mut run) => {
            for step in &mut run.steps {
                if matches!(step.progress, Progress::Failed(_)) {
                    step.progress = Progress::Waiting;
                }
            }
            spawn_work(state.clone(), id.to_string(), *run);
            Ok(())
        }
    }
}

/// Asks a running run of `owner` to stop: what was sent stays sent, the rest is reported
/// "cancelled". A run that is not running is left as it is.
pub async fn cancel(state: &AppState, id: &str, owner: &Owner) -> Result<(), AppError> {
    if state.runs.load(id, Some(owner), false).await?.is_none() {
        return Err(not_kept());
    }
    state.runs.stop(id, Some(owner), Stop::Cancelled).await?;
    Ok(())
}

fn not_kept() -> AppError {
    AppError::NotFound("this run is not (or no longer) kept".into())
}

/// Looks, every second, for runs that are running with no replica holding them (the one that
/// did was killed) and takes them over. Only where runs outlive a process (Redis).
pub fn spawn_runner(state: AppState) {
    if !state.runs.is_shared() {
        return;
    }
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    runtime.spawn(async move {
        let store = state.runs.clone();
        loop {
            tokio::time::sleep(LOOK_FOR_LAPSED_EVERY).await;
            let Ok(lapsed) = store.lapsed().await else {
                continue;
            };
            for id in lapsed {
                let claim = store
                    .claim(&id, store.holder(), None, Phase::Running, Phase::Running)
                    .await;
                if let Ok(Claim::Claimed(mut run)) = claim {
                    tracing::info!(run = id, "taking over a fleet run whose replica stopped");
                    in_flight_read_first(&run.view, &mut run.steps);
                    spawn_work(state.clone(), id, *run);
                }
            }
        }
    });
}

/// A write that was under way when its replica stopped may have been applied: it is read
/// before it is written again (a create as if its POST had gone unanswered).
fn in_flight_read_first(view: &RunView, steps: &mut [Step]) {
    for (item, step) in view.items.iter().zip(steps) {
        if step.progress == Progress::Sending {
            step.progress = Progress::Waiting;
            if matches!(item.plan, Plan::Create(_)) {
                step.posted = true;
                step.unconfirmed = true;
            }
        }
    }
}

/// One replica's work on one run it holds.
struct Job {
    state: AppState,
    id: String,
    view: RunView,
    work: Work,
    steps: Mutex<Vec<Step>>,
    /// Another replica took the run over (this one's lease lapsed): stop at once.
    lost: AtomicBool,
    /// Why the run stopped, once it did.
    stopped: std::sync::Mutex<Option<Stop>>,
    /// The session's user as last read: whose credential writes, and whose token to revoke.
    user: std::sync::Mutex<Option<UserSession>>,
}

fn spawn_work(state: AppState, id: String, run: Loaded) {
    tokio::spawn(async move {
        let Loaded { view, steps, work } = run;
        let Some(work) = work else {
            fail_unsendable(&state, &id, steps).await;
            return;
        };
        let job = Arc::new(Job {
            state,
            id,
            view,
            work,
            steps: Mutex::new(steps),
            lost: AtomicBool::new(false),
            stopped: std::sync::Mutex::new(None),
            user: std::sync::Mutex::new(None),
        });
        let heartbeat = tokio::spawn(heartbeat(job.clone()));
        job.run().await;
        heartbeat.abort();
    });
}

/// A run whose work is gone (dropped, or sealed with a key no longer in the ring) cannot
/// send anything: its unsent projects fail with the reason.
async fn fail_unsendable(state: &AppState, id: &str, mut steps: Vec<Step>) {
    for step in &mut steps {
        if matches!(step.progress, Progress::Waiting | Progress::Sending) {
            step.progress = Progress::Failed(AppError::internal("nothing kept to send"));
        }
    }
    let save = Save {
        steps: &steps,
        phase: Some(Phase::Finished),
        drop_work: true,
    };
    let _ = state.runs.save(id, state.runs.holder(), save).await;
}

async fn heartbeat(job: Arc<Job>) {
    loop {
        tokio::time::sleep(LEASE / 3).await;
        match job.state.runs.renew(&job.id, job.state.runs.holder()).await {
            Ok(true) => {}
            // The store did not answer: the lease may still hold; try again.
            Err(_) => {}
            Ok(false) => {
                job.lost.store(true, Ordering::SeqCst);
                return;
            }
        }
    }
}

impl Job {
    async fn run(self: &Arc<Self>) {
        let todo: Vec<usize> = {
            let steps = self.steps.lock().await;
            steps
                .iter()
                .enumerate()
                .filter(|(_, s)| s.progress == Progress::Waiting)
                .map(|(i, _)| i)
                .collect()
        };
        if !self.save(None).await {
            return;
        }
        let origin = match self.view.operation {
            Operation::Apply(_) => Origin::Apply,
            Operation::Rotate { .. } => Origin::Rotate,
        };
        futures::stream::iter(todo)
            .for_each_concurrent(CONCURRENCY, |i| self.write_one(i, origin))
            .await;
        if self.lost.load(Ordering::SeqCst) {
            return;
        }
        let stopped = *self.stopped.lock().unwrap_or_else(|e| e.into_inner());
        let failed = {
            let steps = self.steps.lock().await;
            steps
                .iter()
                .any(|s| matches!(s.progress, Progress::Failed(_)))
        };
        // The work (the configuration given, secrets in clear) goes once nothing is left to
        // retry, or nobody may retry (the session ended).
        let drop_work = !failed || stopped == Some(Stop::SignedOut);
        // Before the run reads as finished: whoever sees it finished sees no token left.
        self.settle_token(stopped).await;
        let steps = self.steps.lock().await.clone();
        let save = Save {
            steps: &steps,
            phase: Some(Phase::Finished),
            drop_work,
        };
        if let Err(error) = self
            .state
            .runs
            .save(&self.id, self.state.runs.holder(), save)
            .await
        {
            tracing::warn!(run = self.id, %error, "could not save a finished fleet run");
        }
    }

    /// Saves the steps as they are; `false` when this replica no longer holds the run.
    async fn save(&self, phase: Option<Phase>) -> bool {
        if self.lost.load(Ordering::SeqCst) {
            return false;
        }
        let steps = self.steps.lock().await;
        let save = Save {
            steps: &steps,
            phase,
            drop_work: false,
        };
        match self
            .state
            .runs
            .save(&self.id, self.state.runs.holder(), save)
            .await
        {
            Ok(true) => true,
            Ok(false) => {
                tracing::info!(run = self.id, "another replica holds this fleet run now");
                self.lost.store(true, Ordering::SeqCst);
                false
            }
            // The store did not answer: go on; the next save tells whether the run is held.
            Err(_) => true,
        }
    }

    async fn set(&self, i: usize, progress: Progress) -> bool {
        self.steps.lock().await[i].progress = progress;
        self.save(None).await
    }

    /// Why the run must stop before its next write, if it must: asked to, or its session
    /// ended (then the page says so: the stop is kept with the run).
    async fn stop_now(&self) -> Result<Option<Stop>, AppError> {
        if let Some(why) = *self.stopped.lock().unwrap_or_else(|e| e.into_inner()) {
            return Ok(Some(why));
        }
        if let Some(why) = self.state.runs.stop_asked(&self.id).await? {
            return Ok(Some(why));
        }
        let user = user_of(&self.state, &self.work.session_id).await?;
        match user {
            Some(user) => {
                *self.user.lock().unwrap_or_else(|e| e.into_inner()) = Some(user);
                Ok(None)
            }
            None => {
                self.state
                    .runs
                    .stop(&self.id, None, Stop::SignedOut)
                    .await?;
                Ok(Some(Stop::SignedOut))
            }
        }
    }

    /// Every project still waiting is not sent, for `why`.
    async fn stop_all(&self, why: Stop) {
        *self.stopped.lock().unwrap_or_else(|e| e.into_inner()) = Some(why);
        {
            let mut steps = self.steps.lock().await;
            for step in steps.iter_mut() {
                if step.progress == Progress::Waiting {
                    step.progress = Progress::NotSent(why);
                }
            }
        }
        self.save(None).await;
    }

    /// One project's write, from `Sending` to done, failed or skipped.
    async fn write_one(self: &Arc<Self>, i: usize, origin: Origin) {
        if self.lost.load(Ordering::SeqCst) {
            return;
        }
        match self.stop_now().await {
            Ok(None) => {}
            Ok(Some(why)) => return self.stop_all(why).await,
            Err(error) => {
                // Where the sessions are does not answer: nothing is sent on a guess.
                self.set(i, Progress::Failed(error)).await;
                return;
            }
        }
        if self.steps.lock().await[i].progress != Progress::Waiting {
            return; // stopped meanwhile
        }
        if !self.set(i, Progress::Sending).await {
            return;
        }
        let user = self.user.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let Some(user) = user else { return };
        let atlas = UserAtlas::for_user(self.state.clone(), user)
            .await
            .with_origin(origin);
        let item = &self.view.items[i];
        let kind = self.view.kind;
        let result = self.attempt(&atlas, i).await;
        let progress = match result {
            Ok(done) => {
                // The one line per write (without values) that an audit reads.
                tracing::info!(
                    run = self.id,
                    group_id = item.group_id,
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
                tracing::warn!(run = self.id, group_id = item.group_id, kind = kind.as_wire(), %error, "fleet write failed");
                Progress::Failed(error)
            }
        };
        self.set(i, progress).await;
    }

    /// One try at project `i`'s write. A create that was sent before (a retry, or a takeover
    /// of a write in flight) reads first: a POST is never repeated where one may have been
    /// applied.
    async fn attempt(&self, atlas: &UserAtlas, i: usize) -> Result<Done, AppError> {
        let item = &self.view.items[i];
        let group_id = item.group_id.as_str();
        let before = self
            .work
            .before
            .get(i)
            .and_then(|b| b.as_ref())
            .map(|b| &b.0);
        let Some(payload) = payload(&item.plan, &self.work.given.0, before) else {
            return Err(AppError::internal("nothing kept to send"));
        };
        let (posted, unconfirmed) = {
            let steps = self.steps.lock().await;
            (steps[i].posted, steps[i].unconfirmed)
        };
        let mode = match self.view.operation {
            Operation::Apply(mode) => mode,
            Operation::Rotate { .. } => ApplyMode::UpdateOnly,
        };
        match item.plan {
            Plan::Update(_) => {
                writes::update(atlas, group_id, &payload, before).await?;
                Ok(Done::Updated)
            }
            Plan::Create(_) if posted => match atlas.integration(group_id, payload.kind).await {
                Err(AppError::NotFound(_)) => self.create(atlas, i, &payload, mode).await,
                // Our unanswered POST may have made it: the same whole configuration, sent
                // by PUT (idempotent), settles it either way.
                Ok(existing) if unconfirmed || mode == ApplyMode::CreateOrUpdate => {
                    let update = overlay(&existing, &payload);
                    writes::update(atlas, group_id, &update, Some(&existing)).await?;
                    Ok(if unconfirmed {
                        Done::Created
                    } else {
                        Done::UpdatedAfterConflict
                    })
                }
                Ok(_) => Err(AppError::AlreadyConfigured(payload.kind)),
                Err(error) => Err(error),
            },
            Plan::Create(_) => self.create(atlas, i, &payload, mode).await,
            Plan::Unchanged | Plan::Cannot(_) => Err(AppError::internal("not a write")),
        }
    }

    /// POST, and what a 409 means for this run.
    async fn create(
        &self,
        atlas: &UserAtlas,
        i: usize,
        payload: &Integration,
        mode: ApplyMode,
    ) -> Result<Done, AppError> {
        let group_id = self.view.items[i].group_id.as_str();
        let answer = atlas.create(group_id, payload).await;
        // A 429 is Atlas refusing before doing anything: that POST counts as not sent.
        if !matches!(answer, Err(AppError::RateLimited { .. })) {
            let mut steps = self.steps.lock().await;
            steps[i].posted = true;
            steps[i].unconfirmed = matches!(answer, Err(AppError::Unconfirmed));
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

    /// After the run: a token this process holds for the credential that the session does not
    /// keep (obtained or renewed by the run) is revoked, and every token when the session
    /// ended, so that nothing the run obtained outlives it unrevoked.
    async fn settle_token(&self, stopped: Option<Stop>) {
        let user = self.user.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let Some(user) = user else { return };
        let atlas = &self.state.atlas;
        let Some(held) = atlas.held_token(&user.credential).await else {
            return;
        };
        let kept = match stopped {
            Some(Stop::SignedOut) => None,
            _ => user_of(&self.state, &self.work.session_id)
                .await
                .ok()
                .flatten()
                .and_then(|u| u.token),
        };
        if kept.as_ref() != Some(&held) {
            if let Err(error) = atlas.forget(&user.credential).await {
                tracing::warn!(run = self.id, %error, "could not revoke the token a fleet run obtained");
            }
        }
    }
}
