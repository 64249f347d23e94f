//! The server's allocator, and giving freed memory back to the system.
//!
//! The allocator is mimalloc. With glibc's, a server function spent about a quarter of its
//! CPU time in malloc and free, much of it waiting on arena locks: tokio moves tasks between
//! worker threads, so memory is often freed on another thread than the one that allocated it
//! (docs/benchmarks.md, "Server function path"). Declared here, in the library, so the
//! server binary and the tests run on the same allocator.
//!
//! Giving memory back: after a burst of sessions ends, the freed pages stay with the process
//! until the allocator purges them. Once sessions ended, a periodic collection returns them
//! at once (with glibc, 200 sessions signed out left the process at three times its start-up
//! memory until `malloc_trim`; docs/proofs.md).

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How often freed memory is given back, at most.
pub const TRIM_EVERY: Duration = Duration::from_secs(10);

/// Sessions ended (signed out or expired) since the last trim.
static ENDED: AtomicU64 = AtomicU64::new(0);

/// Notes that a session ended: the next tick trims.
pub fn session_ended() {
    ENDED.fetch_add(1, Ordering::Relaxed);
}

/// Trims every [`TRIM_EVERY`] after sessions ended, on the current tokio runtime.
pub fn spawn_trimmer() {
    tokio::spawn(async {
        let mut ticks = tokio::time::interval(TRIM_EVERY);
        loop {
            ticks.tick().await;
            if ENDED.swap(0, Ordering::Relaxed) > 0 {
                trim();
            }
        }
    });
}

fn trim() {
    unsafe extern "C" {
        // libmimalloc-sys builds and links mimalloc; it declares `mi_collect` only behind its
        // `extended` feature, so the one function needed is declared here.
        fn mi_collect(force: bool);
    }
    // SAFETY: mi_collect takes no pointer and may be called from any thread at any time; with
    // `force` it frees this thread's and the abandoned heaps' unused pages to the system.
    unsafe { mi_collect(true) };
    tracing::debug!("freed memory given back");
}
