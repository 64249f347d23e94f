//! What the dashboard records of each write it sends to Atlas (`server::journal` keeps it,
//! the history pages show it): shared by the server and the pages, so it holds nothing a
//! page may not show: field names, never values.

use atlas_registry::IntegrationKind;
use serde::{Deserialize, Serialize};

/// What a write did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    Create,
    Update,
    Delete,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
        }
    }
}

/// Where a write came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Origin {
    /// A project's own pages (add, edit, remove).
    #[default]
    Page,
    /// "Apply to many projects".
    Apply,
    /// "Rotate a secret everywhere".
    Rotate,
}

/// How a write ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Applied,
    /// No readable answer: Atlas may have applied it.
    Unconfirmed,
    Refused,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Applied => "applied",
            Outcome::Unconfirmed => "unconfirmed",
            Outcome::Refused => "refused",
        }
    }
}

/// One write the dashboard sent, as the journal keeps it. Field names only, never a value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteRecord {
    /// When the write was sent: seconds since the epoch, UTC.
    pub at: i64,
    /// The credential's public id (an API key's public key, a service account's client id).
    pub who: String,
    pub group_id: String,
    pub kind: IntegrationKind,
    pub action: Action,
    pub origin: Origin,
    pub set: Vec<String>,
    pub removed: Vec<String>,
    pub outcome: Outcome,
}
