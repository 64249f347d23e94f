//! What a fleet run (one type written to many projects: "apply to many", "rotate a secret
//! everywhere") looks like to the page: per project what the preview found and how the write
//! went. Shared by the server (which keeps the run) and the browser (the progress island), so
//! it holds only what the page may show: plain values as Atlas returned them, secrets only
//! as "replaced" or by Atlas's masked hint.

use atlas_registry::IntegrationKind;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The most projects one run takes: a run's plan and its progress are kept where the
/// sessions are (`server::runs`), and rewritten as each project is written.
pub const MAX_PROJECTS_PER_RUN: usize = 500;

/// What "apply" does where the type is, or is not, configured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApplyMode {
    /// Create where missing; where configured the project is left alone. A 409 on create
    /// (configured meanwhile) is reported, never turned into an update.
    CreateOnly,
    /// Update where configured; where missing the project is left alone.
    UpdateOnly,
    /// Create where missing, update where configured; a 409 on create becomes an update.
    CreateOrUpdate,
}

impl ApplyMode {
    pub const ALL: [ApplyMode; 3] = [
        ApplyMode::CreateOrUpdate,
        ApplyMode::CreateOnly,
        ApplyMode::UpdateOnly,
    ];

    /// The form and URL spelling.
    pub fn as_wire(self) -> &'static str {
        match self {
            ApplyMode::CreateOnly => "create",
            ApplyMode::UpdateOnly => "update",
            ApplyMode::CreateOrUpdate => "create-or-update",
        }
    }

    pub fn from_wire(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_wire() == s)
    }
}

/// How one field changes in an update.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    /// A plain value (or a toggle, as `true`/`false`), from what Atlas has to what is sent.
    Set { from: Option<String>, to: String },
    /// A secret is sent over one Atlas holds: its value is never shown, old or new.
    Replaced,
    /// A secret is sent where Atlas holds none (a new configuration): never shown either.
    SecretSet,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub change: Change,
}

/// Why a project is left out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cannot {
    /// Atlas refused the write with 403: the credential is read-only in this project. Atlas
    /// has no call that tells a credential's role before a write, so this is learnt from the
    /// write's answer.
    ReadOnly,
    /// The credential does not reach this project (not in its list, or Atlas said 401).
    OutOfReach,
    /// No schema in Atlas's API any more (HIP_CHAT).
    Legacy,
    /// Only Atlas's UI can create it (Slack's OAuth sign-in).
    UiOnly,
    /// "Create only", and the type is configured here.
    AlreadyConfigured,
    /// "Update only" or rotate, and the type is not configured here.
    NotConfigured,
    /// A new configuration needs these fields, which the form left blank (to keep them
    /// where the type is configured).
    NeedsForCreate(Vec<String>),
    /// Rotate: the secret's hint is no longer the one chosen (changed since the list).
    HintChanged,
    /// Its current configuration could not be read.
    Unreadable(AppError),
}

/// What the preview found for one project.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Plan {
    /// A new configuration, with what it sets (toggles left at their default are not named).
    Create(Vec<FieldChange>),
    Update(Vec<FieldChange>),
    Unchanged,
    Cannot(Cannot),
}

/// How a written project ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Done {
    Created,
    Updated,
    /// The create met a configuration made meanwhile (409) and, as chosen, updated it.
    UpdatedAfterConflict,
}

/// Where one project stands in the run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Progress {
    /// In the preview, or waiting for its turn.
    Waiting,
    /// Its write is under way (or waiting for Atlas's rate limit).
    Sending,
    Done(Done),
    /// Atlas refused or did not answer; can be retried.
    Failed(AppError),
    /// Not written: nothing to change, or it cannot be.
    Skipped(Option<Cannot>),
    /// Not sent: the run was stopped before this project's turn.
    NotSent(Stop),
}

/// Why a run stopped before it sent every write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stop {
    /// Its owner cancelled it from its page.
    Cancelled,
    /// The session that started it signed out or ended: nothing more is sent with its
    /// credential.
    SignedOut,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemView {
    pub group_id: String,
    pub name: String,
    pub plan: Plan,
    pub progress: Progress,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    /// Previewed; nothing sent yet.
    Previewed,
    Running,
    Finished,
}

/// What a fleet run does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Operation {
    Apply(ApplyMode),
    /// Rotate the named secret field.
    Rotate {
        field: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunView {
    pub id: String,
    pub kind: IntegrationKind,
    pub operation: Operation,
    pub phase: Phase,
    /// Asked to stop (cancelled, or its session ended): what is unsent stays unsent.
    pub stop: Option<Stop>,
    pub items: Vec<ItemView>,
}

/// The report's totals.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub done: usize,
    pub failed: usize,
    pub skipped: usize,
    pub waiting: usize,
    pub not_sent: usize,
}

impl RunView {
    pub fn tally(&self) -> Tally {
        let mut tally = Tally::default();
        for item in &self.items {
            match item.progress {
                Progress::Done(_) => tally.done += 1,
                Progress::Failed(_) => tally.failed += 1,
                Progress::Skipped(_) => tally.skipped += 1,
                Progress::Waiting | Progress::Sending => tally.waiting += 1,
                Progress::NotSent(_) => tally.not_sent += 1,
            }
        }
        tally
    }

    /// How many projects the preview would write.
    pub fn to_write(&self) -> usize {
        self.items
            .iter()
            .filter(|i| matches!(i.plan, Plan::Create(_) | Plan::Update(_)))
            .count()
    }
}

/// The name of the checkbox that picks project `id` for a run (`projects[id-<id>]=on`). The
/// key is prefixed: the form decoder reads a key that starts with a digit as a list index.
pub fn pick_control(id: &str) -> String {
    format!("projects[{PICK_PREFIX}{id}]")
}

/// What [`pick_control`] puts before a project id.
pub const PICK_PREFIX: &str = "id-";

/// A list of project ids as the matrix page links them (`projects=id1,id2`).
pub fn split_ids(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}
