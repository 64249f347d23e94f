//! What the pages that list many projects share (server only): the project search, and
//! looking up many projects' integrations with bounded concurrency, in order.

use std::future::Future;

use futures::StreamExt;

use atlas_client::Project;

use super::LOOKUPS_IN_FLIGHT;

/// The projects search: `needle` (trimmed, any case) in the name, or in the id.
pub fn search_matches(project: &Project, needle: &str) -> bool {
    let needle = needle.trim().to_lowercase();
    needle.is_empty()
        || project.name.to_lowercase().contains(&needle)
        || project.id.contains(&needle)
}

/// `lookup` for each item, at most [`LOOKUPS_IN_FLIGHT`] at once, answers in the items' order.
/// A stream, so a caller may stop early (dropping it cancels the lookups still in flight).
pub fn bounded<I, F, Fut>(items: I, lookup: F) -> impl futures::Stream<Item = Fut::Output>
where
    I: IntoIterator,
    F: FnMut(I::Item) -> Fut,
    Fut: Future,
{
    futures::stream::iter(items.into_iter().map(lookup)).buffered(LOOKUPS_IN_FLIGHT)
}
