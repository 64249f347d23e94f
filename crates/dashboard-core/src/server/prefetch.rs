//! Project lookups started before anyone asks for them. The fleet matrix page knows which
//! projects its island will ask for first; it starts their integrations lists
//! (`GET /groups/{id}/integrations`) as it answers, so the credential's lookup slots work while
//! the page travels to the browser and its island starts. Without this, they sat idle for about
//! 170 ms of every matrix (docs/benchmarks.md, "The matrix's first second").
//!
//! What keeps a prefetched answer as true as a fresh one:
//! - it is taken once, by the first lookup of that project by the same credential, and only
//!   within [`TTL`] of being started (a matrix asks for it well within a second);
//! - a write to a project through this process forgets every answer for it
//!   (`UserAtlas::keep_record`), including one still in flight;
//! - keyed by the credential's public id, as `project_names`: one credential never sees an
//!   answer fetched with another.
//!
//! Per process: behind several replicas, the island's request may reach another one, which
//! then looks the projects up itself (the answers here expire unused). An answer never taken
//! is dropped [`TTL`] after it was started (`UserAtlas::prefetch_integrations` sweeps then):
//! what it holds, a project's integrations as Atlas answered them, is not kept past its use.
//! Bounded: past [`MAX_ENTRIES`] nothing more is prefetched.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures::future::{BoxFuture, FutureExt, Shared};

use atlas_registry::Integration;

use crate::error::AppError;

/// How long a prefetched answer may be taken after it was started.
pub const TTL: Duration = Duration::from_secs(15);
pub const MAX_ENTRIES: usize = 10_000;

/// A project's integrations as a lookup answers them, or why not.
pub type Answer = Result<Vec<Integration>, AppError>;
/// An answer that may still be on its way; awaiting it holds no lookup slot.
pub type Pending = Shared<BoxFuture<'static, Answer>>;

#[derive(Default)]
pub struct Prefetched {
    /// (credential's public id, project id) → the answer and when it was started.
    entries: Mutex<HashMap<(String, String), (Pending, Instant)>>,
}

impl Prefetched {
    /// Runs `lookup` now, as a task of its own, for `who`'s next lookup of `group_id` to
    /// take. Nothing happens when the table is full of fresh answers.
    pub fn start(
        &self,
        who: &str,
        group_id: &str,
        lookup: impl Future<Output = Answer> + Send + 'static,
    ) {
        let now = Instant::now();
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, (_, at)| now.duration_since(*at) < TTL);
            if entries.len() >= MAX_ENTRIES {
                return;
            }
        }
        let task = tokio::spawn(lookup);
        let pending = async move {
            match task.await {
                Ok(answer) => answer,
                // Only a panic (the task is never aborted): the lookup's panic is its taker's.
                Err(failed) => std::panic::resume_unwind(failed.into_panic()),
            }
        }
        .boxed()
        .shared();
        entries.insert((who.to_string(), group_id.to_string()), (pending, now));
    }

    /// `who`'s prefetched answer for `group_id`, taken (the next lookup goes to Atlas), or
    /// `None` if there is none started within [`TTL`].
    pub fn take(&self, who: &str, group_id: &str) -> Option<Pending> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let (pending, at) = entries.remove(&(who.to_string(), group_id.to_string()))?;
        (at.elapsed() < TTL).then_some(pending)
    }

    /// Drops the answers started [`TTL`] or more ago and never taken (a page whose island
    /// never asked).
    pub fn sweep(&self) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.retain(|_, (_, at)| at.elapsed() < TTL);
    }

    /// Forgets every credential's answer for `group_id`: it was written to.
    pub fn forget(&self, group_id: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.retain(|(_, id), _| id != group_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GROUP: &str = "65f0a1b2c3d4e5f6a7b8c901";

    /// A list of one integration whose id is `id`.
    fn answer(id: &str) -> Answer {
        let mut slack = Integration::new(atlas_registry::IntegrationKind::Slack);
        slack.id = Some(id.to_string());
        Ok(vec![slack])
    }

    fn id_of(answer: Answer) -> Option<String> {
        answer.unwrap().pop()?.id
    }

    #[tokio::test]
    async fn an_answer_is_taken_once_by_its_own_credential() {
        let table = Prefetched::default();
        table.start("keyone00", GROUP, async { answer("ops") });
        assert!(
            table.take("keytwo00", GROUP).is_none(),
            "another credential's"
        );
        let pending = table.take("keyone00", GROUP).expect("prefetched");
        assert_eq!(id_of(pending.await).as_deref(), Some("ops"));
        assert!(table.take("keyone00", GROUP).is_none(), "taken once");
    }

    #[tokio::test]
    async fn a_write_forgets_the_project_for_every_credential() {
        let table = Prefetched::default();
        table.start("keyone00", GROUP, async { answer("ops") });
        table.start("keytwo00", GROUP, async { answer("ops") });
        table.start("keyone00", "65f0a1b2c3d4e5f6a7b8c902", async {
            answer("dev")
        });
        table.forget(GROUP);
        assert!(table.take("keyone00", GROUP).is_none());
        assert!(table.take("keytwo00", GROUP).is_none());
        assert!(table.take("keyone00", "65f0a1b2c3d4e5f6a7b8c902").is_some());
    }

    #[tokio::test]
    async fn an_old_answer_is_not_taken() {
        let table = Prefetched::default();
        table.start("keyone00", GROUP, async { answer("ops") });
        // Aged by hand rather than waited for.
        let key = ("keyone00".to_string(), GROUP.to_string());
        let mut entries = table.entries.lock().unwrap();
        let at = &mut entries.get_mut(&key).unwrap().1;
        *at = at.checked_sub(TTL).unwrap();
        drop(entries);
        assert!(table.take("keyone00", GROUP).is_none());
    }

    #[tokio::test]
    async fn a_sweep_drops_what_was_never_taken() {
        let table = Prefetched::default();
        table.start("keyone00", GROUP, async { answer("ops") });
        table.start("keyone00", "65f0a1b2c3d4e5f6a7b8c902", async {
            answer("dev")
        });
        let key = ("keyone00".to_string(), GROUP.to_string());
        let mut entries = table.entries.lock().unwrap();
        let at = &mut entries.get_mut(&key).unwrap().1;
        *at = at.checked_sub(TTL).unwrap();
        drop(entries);
        table.sweep();
        let entries = table.entries.lock().unwrap();
        assert_eq!(entries.len(), 1, "only the fresh one is kept");
        assert!(!entries.contains_key(&key));
    }

    #[tokio::test]
    async fn the_bound_holds() {
        let table = Prefetched::default();
        for i in 0..MAX_ENTRIES + 10 {
            table.start("k", &format!("{i:024x}"), async { Ok(Vec::new()) });
        }
        assert_eq!(table.entries.lock().unwrap().len(), MAX_ENTRIES);
    }
}
