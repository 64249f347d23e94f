//! The fleet's integrations as code, from what Atlas returned: Terraform (a zip of `main.tf`,
//! `variables.tf`, `README.md`), manifests for the Atlas Kubernetes Operator (one YAML file)
//! and the plain configuration as JSON. Pure: no I/O, no async.
//!
//! Written one project at a time, for a download that starts before a 1,000-project fleet
//! is read: [`Export::begin`], then [`Export::project`] (or [`Export::unreadable`]) per
//! project, then [`Export::finish`]; the bytes of each call follow those of the one before.
//! What is held between projects is what keeps names unique, and for Terraform what
//! `variables.tf` must declare.
//!
//! No secret is ever written, masked or not: Terraform has a sensitive variable for each,
//! Kubernetes a Secret with an empty value, JSON the registry's hint (`••••abcd`) or `set`.
//! The facts each format relies on, with their sources: docs/export.md.

mod escape;
mod json;
mod kubernetes;
mod names;
mod terraform;
mod zip;

use std::collections::HashSet;

use atlas_registry::{is_group_id, Integration, IntegrationKind};

/// The three exports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// A zip of `README.md`, `.gitignore`, `main.tf` and `variables.tf` for the
    /// `mongodb/mongodbatlas` provider.
    Terraform,
    /// One multi-document YAML file for the Atlas Kubernetes Operator.
    Kubernetes,
    /// One JSON document: `{"projects":[…]}`.
    Json,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Terraform, Format::Kubernetes, Format::Json];

    /// `terraform`, `kubernetes`, `json`: how a URL names the format.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Terraform => "terraform",
            Format::Kubernetes => "kubernetes",
            Format::Json => "json",
        }
    }

    pub fn from_name(name: &str) -> Option<Format> {
        Self::ALL.into_iter().find(|f| f.as_str() == name)
    }

    /// The download's file name.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Terraform => "atlas-integrations-terraform.zip",
            Format::Kubernetes => "atlas-integrations.k8s.yaml",
            Format::Json => "atlas-integrations.json",
        }
    }

    /// The download's `Content-Type` (`application/yaml`: RFC 9512).
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Terraform => "application/zip",
            Format::Kubernetes => "application/yaml",
            Format::Json => "application/json",
        }
    }

    /// Why the format leaves a type out (written into the export where a project has one),
    /// or `None` when it exports it.
    pub fn not_exported_reason(self, kind: IntegrationKind) -> Option<&'static str> {
        match self {
            Format::Terraform => terraform::not_exported_reason(kind),
            Format::Kubernetes => kubernetes::not_exported_reason(kind),
            Format::Json => None,
        }
    }
}

/// Why a project could not be added to an export. Nothing was written for it, and but for
/// `TooLarge` the export can go on with the next project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportError {
    /// Not an Atlas project id (24 lowercase hex digits): it would make a broken import id
    /// or project reference.
    NotAGroupId(String),
    /// The project was already exported: its import ids would be given twice.
    ProjectTwice(String),
    /// Two integrations of one type in a project; Atlas has at most one per type.
    TypeTwice {
        group_id: String,
        kind: IntegrationKind,
    },
    /// The export was finished.
    Finished,
    /// The Terraform zip would pass 4 GiB (no Zip64). The export cannot be finished: every
    /// later call answers this too.
    TooLarge,
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExportError::NotAGroupId(id) => write!(f, "not an Atlas project id: {id:?}"),
            ExportError::ProjectTwice(id) => write!(f, "project {id} was already exported"),
            ExportError::TypeTwice { group_id, kind } => {
                write!(f, "project {group_id} has two {kind} integrations")
            }
            ExportError::Finished => f.write_str("the export was finished"),
            ExportError::TooLarge => f.write_str("the Terraform export would pass 4 GiB"),
        }
    }
}

impl std::error::Error for ExportError {}

/// What each format writes. `project` gets the integrations checked and in the registry's
/// order of types.
trait FormatWriter: Send {
    fn begin(&mut self) -> Vec<u8>;
    fn project(
        &mut self,
        group_id: &str,
        name: &str,
        integrations: &[&Integration],
    ) -> Result<Vec<u8>, ExportError>;
    fn unreadable(
        &mut self,
        group_id: &str,
        name: &str,
        reason: &str,
    ) -> Result<Vec<u8>, ExportError>;
    fn finish(&mut self) -> Result<Vec<u8>, ExportError>;
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    New,
    Open,
    Finished,
    /// Past what the format can hold ([`ExportError::TooLarge`]).
    Broken,
}

/// One export being written. Projects come out in the order given (the dashboard's order:
/// by name, then id); a project's integrations in the registry's order of types, whatever
/// order Atlas listed them in. The same projects in the same order give the same bytes.
pub struct Export {
    format: Format,
    stage: Stage,
    writer: Box<dyn FormatWriter>,
    /// The project ids written: each may be exported once.
    projects: HashSet<String>,
}

impl Export {
    pub fn new(format: Format) -> Export {
        let writer: Box<dyn FormatWriter> = match format {
            Format::Terraform => Box::<terraform::Terraform>::default(),
            Format::Kubernetes => Box::<kubernetes::Kubernetes>::default(),
            Format::Json => Box::<json::Json>::default(),
        };
        Export {
            format,
            stage: Stage::New,
            writer,
            projects: HashSet::new(),
        }
    }

    pub fn format(&self) -> Format {
        self.format
    }

    /// The start of the export. Empty once begun; [`Export::project`] and
    /// [`Export::finish`] begin it themselves when it was not.
    pub fn begin(&mut self) -> Vec<u8> {
        if self.stage != Stage::New {
            return Vec::new();
        }
        self.stage = Stage::Open;
        self.writer.begin()
    }

    /// One project, as Atlas listed its integrations (secrets masked or absent).
    pub fn project(
        &mut self,
        group_id: &str,
        name: &str,
        integrations: &[Integration],
    ) -> Result<Vec<u8>, ExportError> {
        self.check_project(group_id)?;
        let mut sorted: Vec<&Integration> = integrations.iter().collect();
        sorted.sort_by_key(|i| i.kind);
        if let Some(pair) = sorted.windows(2).find(|w| w[0].kind == w[1].kind) {
            return Err(ExportError::TypeTwice {
                group_id: group_id.to_string(),
                kind: pair[0].kind,
            });
        }
        let mut out = self.begin();
        let written = self.writer.project(group_id, name, &sorted);
        out.extend(self.settle(written)?);
        self.projects.insert(group_id.to_string());
        Ok(out)
    }

    /// A project whose integrations could not be read: named in the export with `reason`
    /// (the dashboard's words), so that a reader knows it is missing.
    pub fn unreadable(
        &mut self,
        group_id: &str,
        name: &str,
        reason: &str,
    ) -> Result<Vec<u8>, ExportError> {
        self.check_project(group_id)?;
        let mut out = self.begin();
        let written = self.writer.unreadable(group_id, name, reason);
        out.extend(self.settle(written)?);
        self.projects.insert(group_id.to_string());
        Ok(out)
    }

    /// The end of the export. Empty once finished.
    pub fn finish(&mut self) -> Result<Vec<u8>, ExportError> {
        match self.stage {
            Stage::Finished => return Ok(Vec::new()),
            Stage::Broken => return Err(ExportError::TooLarge),
            Stage::New | Stage::Open => {}
        }
        let mut out = self.begin();
        let written = self.writer.finish();
        out.extend(self.settle(written)?);
        self.stage = Stage::Finished;
        Ok(out)
    }

    /// A writer's answer; an export past what its format holds stays broken.
    fn settle(&mut self, written: Result<Vec<u8>, ExportError>) -> Result<Vec<u8>, ExportError> {
        if written.is_err() {
            self.stage = Stage::Broken;
        }
        written
    }

    fn check_project(&self, group_id: &str) -> Result<(), ExportError> {
        match self.stage {
            Stage::Finished => return Err(ExportError::Finished),
            Stage::Broken => return Err(ExportError::TooLarge),
            Stage::New | Stage::Open => {}
        }
        if !is_group_id(group_id) {
            return Err(ExportError::NotAGroupId(group_id.to_string()));
        }
        if self.projects.contains(group_id) {
            return Err(ExportError::ProjectTwice(group_id.to_string()));
        }
        Ok(())
    }
}

/// A whole export at once: `begin`, every project, `finish`. For tests and small fleets.
pub fn export_all<'a>(
    format: Format,
    projects: impl IntoIterator<Item = (&'a str, &'a str, &'a [Integration])>,
) -> Result<Vec<u8>, ExportError> {
    let mut export = Export::new(format);
    let mut out = export.begin();
    for (group_id, name, integrations) in projects {
        out.extend(export.project(group_id, name, integrations)?);
    }
    out.extend(export.finish()?);
    Ok(out)
}

#[cfg(test)]
mod tests;
