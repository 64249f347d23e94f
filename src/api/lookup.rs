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
/// items' order. A stream, so a caller may stop early (dropping it cancels the lookups still
/// in flight and frees their slots).
///
/// The slots are the bound, not the stream's buffer: a lookup that ends frees its slot for
/// the next item at once, even while an earlier one is still awaited. With the buffer as the
/// bound, answers wait for the slowest of the lookups before them, so the lookups went in
/// rounds of 8 that each lasted as long as their slowest call (52–53 ms a round at Atlas's
/// 50 ms in `scripts/bench-matrix`). At most `QUEUED` items wait for a slot.
pub fn bounded<I, F, Fut>(
    slots: Arc<Semaphore>,
    items: I,
    mut lookup: F,
) -> impl futures::Stream<Item = Fut::Output>
where
    I: IntoIterator,
    F: FnMut(I::Item) -> Fut,
    Fut: Future,
{
    futures::stream::iter(items.into_iter().map(move |item| {
        let slots = slots.clone();
        let work = lookup(item);
        async move {
            // The semaphore is never closed, so this is always a slot.
            let _slot = slots.acquire_owned().await;
            work.await
        }
    }))
    .buffered(QUEUED)
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
}
