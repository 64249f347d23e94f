//! Keeping a fleet run within Atlas's rate limit: every worker of a run waits while any was
//! told to wait (a 429), and the refused request is sent again (docs/atlas-facts.md, Rate
//! limits).

use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::error::AppError;

/// How often one request refused with 429 is sent again (after the wait Atlas asked for,
/// or a growing one) before its project is reported as failed.
const RATE_LIMIT_RESENDS: u32 = 8;
/// The wait after a 429 without `Retry-After`: doubled each time, up to the cap.
const RATE_LIMIT_BASE_WAIT: Duration = Duration::from_secs(1);
const RATE_LIMIT_MAX_WAIT: Duration = Duration::from_secs(30);

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
