//! What the matrix holds for a project: its row's state and, when loaded, a cell per
//! configured integration.

use serde::{Deserialize, Serialize};

use atlas_registry::IntegrationKind;

use crate::api::fleet_advice::{CellAlerts, CellFacts};
use crate::error::AppError;

/// A configured integration, as the matrix shows it: the hint Atlas's mask leaves of its
/// first secret and the plain settings that tell one configuration from another (region,
/// channel, user name). Never a secret (built from `IntegrationView`, which masks).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    pub kind: IntegrationKind,
    pub hint: Option<String>,
    /// (field name, value), in the registry's field order.
    pub settings: Vec<(String, String)>,
    /// The alerts that send through it, when the project's alerts were read.
    #[serde(default)]
    pub alerts: Option<CellAlerts>,
}

impl Cell {
    /// What the advisories' rules read of it.
    pub fn facts(&self) -> CellFacts<'_> {
        CellFacts {
            kind: self.kind,
            hint: self.hint.as_deref(),
            team_name: self.setting("teamName"),
            alerts: self.alerts,
        }
    }

    pub fn setting(&self, name: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// One project's row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowState {
    /// The configured integrations, in registry order; every other type is not configured.
    Loaded(Vec<Cell>),
    /// Atlas would not show this project to the credential (401, 403 or 404).
    OutOfReach,
    /// The lookup failed; why, for the page to say.
    Failed(AppError),
}
