//! What the server says about itself; safe to show anyone.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ServerDescription {
    pub version: String,
    /// "embedded emulator" or the Atlas base URL.
    pub backend: String,
}

#[server(prefix = "/api", endpoint = "system/info", output = crate::wire_json::Post)]
pub async fn server_info() -> Result<ServerDescription, AppError> {
    crate::server::respond(crate::server::app_state().map(|state| ServerDescription {
        version: env!("CARGO_PKG_VERSION").to_string(),
        backend: state.settings.backend_label.clone(),
    }))
}
