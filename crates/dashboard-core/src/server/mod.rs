//! The server side of the server functions (ssr only): the shared state, the session record,
//! what a server function reads from its request, and the signed-in user's handle on Atlas.
//! Nothing here knows about axum's router or HTML; `web/` wires it into HTTP.

pub mod audit;
mod context;
pub mod journal;
mod lookup_slots;
mod prefetch;
mod project_names;
pub mod proxy;
pub mod runs;
mod sealing;
mod session;
mod state;
mod throttle;
mod user_atlas;
pub mod writes;

pub use context::{app_state, optional_user, redirect_plain_form, respond, tower_session};
pub use sealing::{KeyError, SessionKeys};
pub use session::{
    end, keep_alive, load_user, revoke_tokens, store_user, update_user, user_in, user_of,
    UserSession,
};
pub use state::{AppState, Settings};
pub use throttle::{Attempt, LoginPolicy, LoginThrottle, Outcome};
pub use user_atlas::UserAtlas;
