//! What the pages that list many projects share (server only): the project search, and
//! looking up many projects' integrations with bounded concurrency, in order.

use std::future::Future;
use std::sync::Arc;

use futures::StreamExt;
use tokio::sync::Semaphore;

use atlas_client::Project;

use super::LOOKUPS_IN_FLIGHT;

/// The projects search: `needle` (trimmed, any case) in the name, or in the id.
pub fn search_matches(project: &Project, needle: &str) -> bool {
    let needle = needle.trim().to_lowercase();
    needle.is_empty()
        || project.name.to_lowercase().contains(&needle)
        || project.id.contains(&needle)
}

/// `lookup` for each item, each holding one of `slots` (the credential's,
/// `UserAtlas::lookup_slots`: [`LOOKUPS_IN_FLIGHT`] of them) while it runs, so the
/// credential's requests together keep no more in flight than one would; answers in the
/// items' order. A stream, so a caller may stop early (dropping it cancels the lookups not
/// yet answered and frees their slots).
///
/// The slots are the bound, not the stream's buffer: a lookup that ends frees its slot for
/// the next item at once, even while an earlier one is still awaited. With the buffer as the
/// bound, answers wait for the slowest of the lookups before them, so the lookups went in
/// rounds of 8 that each lasted as long as their slowest call (52–53 ms a round at Atlas's
/// 50 ms in `scripts/bench-matrix`). At most `QUEUED` items wait for a slot.
///
/// Each lookup is a task of its own: it runs to its end whether or not the caller reads the
/// stream, so a caller that reads slowly (an export whose download is paused) cannot hold
/// the credential's slots and stall its other pages.
pub fn bounded<I, F, Fut>(
    slots: Arc<Semaphore>,
    items: I,
    mut lookup: F,
) -> impl futures::Stream<Item = Fut::Output>
where
    I: IntoIterator,
    F: FnMut(I::Item) -> Fut,
    Fut: Future + Send + 'static,
    Fut::Output: Send + 'static,
{
    bounded_work(slots, items, move |item| Work::Slot(lookup(item)))
}

/// What one item of [`bounded_work`] does: call Atlas, holding a slot while it does, or wait
/// for an answer already on its way (a prefetched lookup, which holds a slot of its own).
pub enum Work<Fut> {
    Slot(Fut),
    NoSlot(Fut),
}

/// [`bounded`], where `lookup` says for each item whether it needs a slot.
pub fn bounded_work<I, F, Fut>(
    slots: Arc<Semaphore>,
    items: I,
    mut lookup: F,
) -> impl futures::Stream<Item = Fut::Output>
where
    I: IntoIterator,
    F: FnMut(I::Item) -> Work<Fut>,
    Fut: Future + Send + 'static,
    Fut::Output: Send + 'static,
{
    futures::stream::iter(items.into_iter().map(move |item| {
        let slots = slots.clone();
        let work = lookup(item);
        Task(tokio::spawn(async move {
            match work {
                Work::Slot(work) => {
                    // The semaphore is never closed, so this is always a slot.
                    let _slot = slots.acquire_owned().await;
                    work.await
                }
                Work::NoSlot(work) => work.await,
            }
        }))
    }))
    .buffered(QUEUED)
}

/// A lookup's task, cancelled when dropped (the caller stopped reading), its panic the
/// caller's.
struct Task<T>(tokio::task::JoinHandle<T>);

impl<T> Future for Task<T> {
    type Output = T;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<T> {
        std::pin::Pin::new(&mut self.0)
            .poll(cx)
            .map(|done| match done {
                Ok(answer) => answer,
                // Only a panic: the task is cancelled by dropping this, never while it is awaited.
                Err(failed) => std::panic::resume_unwind(failed.into_panic()),
            })
    }
}

impl<T> Drop for Task<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Items of one request started (most of them waiting for a slot) ahead of the one whose
/// answer is due: enough that a slow lookup does not leave slots idle behind it.
const QUEUED: usize = 4 * LOOKUPS_IN_FLIGHT;

/// The slots one credential's lookups share.
pub fn slots_for(atlas: &crate::server::UserAtlas) -> Arc<Semaphore> {
    atlas.lookup_slots(LOOKUPS_IN_FLIGHT)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    /// Two requests of one credential at once: together never more than one request's
    /// lookups in flight, every answer in its request's order.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn overlapping_requests_share_the_bound() {
        let slots = Arc::new(Semaphore::new(LOOKUPS_IN_FLIGHT));
        let now = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let request = |base: usize| {
            let (now, most) = (now.clone(), most.clone());
            bounded(slots.clone(), base..base + 40, move |n| {
                let (now, most) = (now.clone(), most.clone());
                async move {
                    let in_flight = now.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(in_flight, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(2)).await;
                    now.fetch_sub(1, Ordering::SeqCst);
                    n
                }
            })
            .collect::<Vec<_>>()
        };
        let (first, second) = tokio::join!(tokio::spawn(request(0)), tokio::spawn(request(1000)));
        assert_eq!(first.unwrap(), (0..40).collect::<Vec<_>>());
        assert_eq!(second.unwrap(), (1000..1040).collect::<Vec<_>>());
        let most = most.load(Ordering::SeqCst);
        assert_eq!(most, LOOKUPS_IN_FLIGHT, "in flight at most: {most}");
    }

    /// A request whose answers nobody reads (a paused download) finishes its lookups and
    /// gives the slots back, so another request of the credential goes on.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_reader_that_stops_reading_holds_no_slot() {
        let slots = Arc::new(Semaphore::new(LOOKUPS_IN_FLIGHT));
        let mut stalled = Box::pin(bounded(slots.clone(), 0..100, |n| async move {
            tokio::time::sleep(Duration::from_millis(1)).await;
            n
        }));
        // Read one answer, then stop reading.
        assert_eq!(stalled.next().await, Some(0));
        let other = bounded(slots.clone(), 0..20, |n| async move { n }).collect::<Vec<_>>();
        let other = tokio::time::timeout(Duration::from_secs(5), other).await;
        assert_eq!(other.expect("slots free"), (0..20).collect::<Vec<_>>());
        drop(stalled);
    }

    /// Dropping the stream cancels the lookups still waiting: none of them starts after.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn dropping_the_stream_cancels_its_lookups() {
        let slots = Arc::new(Semaphore::new(1));
        let started = Arc::new(AtomicUsize::new(0));
        let counted = started.clone();
        let mut stream = Box::pin(bounded(slots.clone(), 0..50, move |n| {
            let counted = counted.clone();
            async move {
                counted.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(20)).await;
                n
            }
        }));
        assert_eq!(stream.next().await, Some(0));
        drop(stream);
        // A lookup being run on the other worker at the drop ends that step; give it time.
        tokio::time::sleep(Duration::from_millis(10)).await;
        let at_drop = started.load(Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(
            started.load(Ordering::SeqCst),
            at_drop,
            "no lookup started after the drop"
        );
        assert_eq!(slots.available_permits(), 1, "the slot is back");
    }
}
