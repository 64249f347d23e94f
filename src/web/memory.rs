//! Giving freed memory back to the system. glibc's allocator keeps the pages a burst of
//! sessions freed (one arena per worker thread), so after 200 sessions signed out the process
//! still held three times its start-up memory (docs/proofs.md). A periodic `malloc_trim`
//! returns them; it takes milliseconds on an idle heap and runs only when sessions ended.

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

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn trim() {
    unsafe extern "C" {
        fn malloc_trim(pad: usize) -> std::ffi::c_int;
    }
    // SAFETY: glibc's malloc_trim takes no pointer and may be called from any thread at any
    // time; it only releases free memory at the top of each arena and in free pages.
    let released = unsafe { malloc_trim(0) };
    tracing::debug!(released = released != 0, "freed memory given back");
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn trim() {}
