//! A fleet run once previewed (`fleet_apply`, `fleet_rotate`), as its page asks for it: its
//! state, its start on confirmation, the retry of the projects that failed, its cancellation.
//! The run itself is the server's (`server::runs`): kept where the sessions are, worked by
//! whichever replica holds it, whether or not the page stays open.

use leptos::prelude::*;

use crate::error::AppError;
use crate::fleet_run::RunView;
#[cfg(feature = "ssr")]
use crate::server::respond;

/// The run as it stands: the preview, the progress, the report.
#[server(prefix = "/api", endpoint = "fleet/run", output = crate::wire_json::Post)]
pub async fn fleet_run(run_id: String) -> Result<RunView, AppError> {
    respond(ssr::view(&run_id).await)
}

/// Confirms a previewed run: its writes start. Confirming again (a second click, a reload
/// that posts again) sends nothing more.
#[server(prefix = "/api", endpoint = "fleet/start", output = crate::wire_json::Post)]
pub async fn start_fleet_run(run_id: String) -> Result<RunView, AppError> {
    respond(ssr::act(&run_id, ssr::Act::Start).await)
}

/// Writes again the projects whose write failed, and only those.
#[server(prefix = "/api", endpoint = "fleet/retry", output = crate::wire_json::Post)]
pub async fn retry_fleet_run(run_id: String) -> Result<RunView, AppError> {
    respond(ssr::act(&run_id, ssr::Act::Retry).await)
}

/// Stops a running run: what was sent stays sent, the rest is reported "cancelled".
#[server(prefix = "/api", endpoint = "fleet/cancel", output = crate::wire_json::Post)]
pub async fn cancel_fleet_run(run_id: String) -> Result<RunView, AppError> {
    respond(ssr::act(&run_id, ssr::Act::Cancel).await)
}

#[cfg(feature = "ssr")]
mod ssr {
    use crate::error::AppError;
    use crate::fleet_run::RunView;
    use crate::links;
    use crate::server::runs::{self, Owner};
    use crate::server::{redirect_plain_form, tower_session, UserAtlas};

    pub enum Act {
        Start,
        Retry,
        Cancel,
    }

    /// The session the request belongs to, as runs are bound to it; checked to be signed in.
    async fn owner(run_id: &str) -> Result<(UserAtlas, Owner), AppError> {
        if !runs::is_run_id(run_id) {
            return Err(AppError::BadRequest(format!("not a run id: {run_id:?}")));
        }
        let atlas = UserAtlas::current().await?;
        let session = tower_session().await?;
        let id = session.id().ok_or(AppError::NotSignedIn)?;
        Ok((atlas, Owner::of_session(&id.to_string())))
    }

    pub async fn view(run_id: &str) -> Result<RunView, AppError> {
        let (atlas, owner) = owner(run_id).await?;
        let run = atlas.state().runs.load(run_id, Some(&owner), false).await?;
        run.map(|r| r.view)
            .ok_or_else(|| AppError::NotFound("this run is not (or no longer) kept".into()))
    }

    /// Starts, retries or cancels the session's run, then answers it as it stands (and sends
    /// a plain form back to its page).
    pub async fn act(run_id: &str, act: Act) -> Result<RunView, AppError> {
        let (atlas, owner) = owner(run_id).await?;
        let state = atlas.state();
        match act {
            Act::Start => runs::start(state, run_id, &owner).await?,
            Act::Retry => runs::retry(state, run_id, &owner).await?,
            Act::Cancel => runs::cancel(state, run_id, &owner).await?,
        }
        redirect_plain_form(&links::fleet_run(run_id));
        view(run_id).await
    }
}
