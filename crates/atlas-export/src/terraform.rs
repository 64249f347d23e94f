//! The Terraform export: a zip of `README.md`, `.gitignore`, `main.tf` (one
//! `mongodbatlas_third_party_integration` and one `import` block per integration) and
//! `variables.tf` (one sensitive variable per secret). Facts and sources: docs/export.md.
//!
//! `main.tf` grows one project at a time; `variables.tf` follows it, from the variables'
//! names and what they belong to, which are all that is held between projects.

use atlas_registry::{FieldInput, FieldValue, Integration, IntegrationKind, Secrecy};

use crate::escape::{hcl_string, quoted_for_comment};
use crate::names::{UniqueNames, TERRAFORM};
use crate::zip::{StreamingZip, TooLarge};
use crate::{ExportError, FormatWriter};

/// The provider's resource type.
const RESOURCE: &str = "mongodbatlas_third_party_integration";

/// One attribute of the resource and the Atlas field it holds. From the provider's
/// `resource.go` schema and `requiredPerType`, and its docs (docs/export.md, "Terraform").
struct Attribute {
    name: &'static str,
    atlas: &'static str,
    /// `Sensitive: true` in the provider's schema: a variable even where Atlas returns the
    /// value in clear (`routing_key`, `user_name`, `service_discovery`).
    sensitive: bool,
    /// In the provider's `requiredPerType`: given even where Atlas shows nothing (the
    /// write-only Prometheus `password`).
    required: bool,
}

const fn attribute(
    name: &'static str,
    atlas: &'static str,
    sensitive: bool,
    required: bool,
) -> Attribute {
    Attribute {
        name,
        atlas,
        sensitive,
        required,
    }
}

const SENSITIVE: bool = true;
const PLAIN: bool = false;
const REQUIRED: bool = true;
const OPTIONAL: bool = false;

/// The attributes of a type the provider manages, in the docs' order; or why it cannot.
fn attributes(kind: IntegrationKind) -> Result<&'static [Attribute], &'static str> {
    use IntegrationKind::*;
    Ok(match kind {
        PagerDuty => {
            const {
                &[
                    attribute("service_key", "serviceKey", SENSITIVE, REQUIRED),
                    attribute("region", "region", PLAIN, OPTIONAL),
                ]
            }
        }
        Datadog => {
            const {
                &[
                    attribute("api_key", "apiKey", SENSITIVE, REQUIRED),
                    attribute("region", "region", PLAIN, REQUIRED),
                    attribute(
                        "send_collection_latency_metrics",
                        "sendCollectionLatencyMetrics",
                        PLAIN,
                        OPTIONAL,
                    ),
                    attribute(
                        "send_database_metrics",
                        "sendDatabaseMetrics",
                        PLAIN,
                        OPTIONAL,
                    ),
                    attribute(
                        "send_user_provided_resource_tags",
                        "sendUserProvidedResourceTags",
                        PLAIN,
                        OPTIONAL,
                    ),
                    attribute(
                        "send_query_stats_metrics",
                        "sendQueryStatsMetrics",
                        PLAIN,
                        OPTIONAL,
                    ),
                ]
            }
        }
        OpsGenie => {
            const {
                &[
                    attribute("api_key", "apiKey", SENSITIVE, REQUIRED),
                    attribute("region", "region", PLAIN, REQUIRED),
                ]
            }
        }
        VictorOps => {
            const {
                &[
                    attribute("api_key", "apiKey", SENSITIVE, REQUIRED),
                    attribute("routing_key", "routingKey", SENSITIVE, OPTIONAL),
                ]
            }
        }
        Webhook => {
            const {
                &[
                    // Not sensitive to the provider, but Atlas masks its path: a secret.
                    attribute("url", "url", PLAIN, REQUIRED),
                    attribute("secret", "secret", SENSITIVE, OPTIONAL),
                ]
            }
        }
        MicrosoftTeams => {
            const {
                &[attribute(
                    "microsoft_teams_webhook_url",
                    "microsoftTeamsWebhookUrl",
                    SENSITIVE,
                    REQUIRED,
                )]
            }
        }
        Prometheus => {
            const {
                &[
                    attribute("user_name", "username", SENSITIVE, REQUIRED),
                    attribute("password", "password", SENSITIVE, REQUIRED),
                    attribute("service_discovery", "serviceDiscovery", SENSITIVE, REQUIRED),
                    attribute("enabled", "enabled", PLAIN, REQUIRED),
                ]
            }
        }
        Slack => return Err(SLACK_REASON),
        NewRelic => return Err(NEW_RELIC_REASON),
        HipChat => return Err(HIP_CHAT_REASON),
    })
}

const SLACK_REASON: &str =
    "not a type of the provider; Slack is now set up with OAuth in the Atlas UI";
const NEW_RELIC_REASON: &str =
    "not a type of the provider (removed; New Relic retired the plugin integration in 2021)";
const HIP_CHAT_REASON: &str =
    "not a type of the provider; a legacy type without a schema in Atlas's API";

/// The reason a type is left out of the Terraform export, if it is.
pub(crate) fn not_exported_reason(kind: IntegrationKind) -> Option<&'static str> {
    attributes(kind).err()
}

/// Atlas fields the provider has no attribute for: left as Atlas has them, noted in the
/// resource when set.
const NOT_IN_PROVIDER: &[(IntegrationKind, &str)] = &[
    (IntegrationKind::Webhook, "headersTemplate"),
    (IntegrationKind::Webhook, "bodyTemplate"),
    (
        IntegrationKind::Prometheus,
        "sendUserProvidedResourceTagsEnabled",
    ),
];

const README: &str = include_str!("terraform/README.md");
const GITIGNORE: &str = "# Secrets and state stay out of version control (README.md).\n\
    *.auto.tfvars\n*.tfstate\n*.tfstate.*\n.terraform/\ncrash.log\n";

/// A variable declared in `variables.tf`: what its description needs.
struct Variable {
    name: String,
    resource: String,
    attribute: &'static str,
    kind: IntegrationKind,
    group_id: String,
    /// Atlas returns the value in clear; the provider marks it sensitive anyway.
    clear_in_atlas: bool,
}

#[derive(Default)]
pub(crate) struct Terraform {
    zip: StreamingZip,
    resources: UniqueNames,
    variable_names: UniqueNames,
    variables: Vec<Variable>,
}

fn too_large(_: TooLarge) -> ExportError {
    ExportError::TooLarge
}

impl Terraform {
    fn main_tf_header() -> String {
        let mut text = String::from(
            "# The fleet's third-party integrations, exported by atlas-integrations from what Atlas\n\
             # returned. One mongodbatlas_third_party_integration per integration, each with an\n\
             # import block (Terraform 1.5 or later), so that Terraform adopts what Atlas has.\n\
             # Secrets are variables (variables.tf); README.md says how to fill them.\n\
             #\n\
             # Types the provider cannot manage are not exported; each project lists its own:\n",
        );
        for kind in IntegrationKind::ALL {
            if let Some(reason) = not_exported_reason(kind) {
                text.push_str(&format!("# - {kind}: {reason}.\n"));
            }
        }
        text.push_str(
            "\nterraform {\n  required_version = \">= 1.5.0\"\n  required_providers {\n    \
             mongodbatlas = {\n      source = \"mongodb/mongodbatlas\"\n    }\n  }\n}\n",
        );
        text
    }

    fn project_heading(text: &mut String, group_id: &str, name: &str) {
        text.push_str("\n# ");
        text.push_str(&"-".repeat(76));
        text.push_str(&format!(
            "\n# Project {} ({group_id})\n",
            quoted_for_comment(name)
        ));
    }

    /// One resource and its import block.
    fn resource(
        &mut self,
        text: &mut String,
        group_id: &str,
        project_name: &str,
        integration: &Integration,
        attributes: &[Attribute],
    ) {
        let kind = integration.kind;
        let spec = kind.spec();
        let resource = self
            .resources
            .for_integration(TERRAFORM, project_name, group_id, kind);
        let mut lines: Vec<(&str, String)> = vec![
            ("project_id", hcl_string(group_id)),
            ("type", hcl_string(kind.as_wire())),
        ];
        for attribute in attributes {
            let Some(field) = spec.field(attribute.atlas) else {
                continue;
            };
            let value = integration.values.get(attribute.atlas);
            if field.is_secret() || attribute.sensitive {
                if value.is_none() && !attribute.required {
                    continue;
                }
                // `…_microsoft_teams_webhook_url`, not `…_microsoft_teams_microsoft_teams_…`.
                let suffix = attribute
                    .name
                    .strip_prefix("microsoft_teams_")
                    .unwrap_or(attribute.name);
                let variable = self
                    .variable_names
                    .numbered(format!("{resource}_{suffix}"), '_');
                lines.push((attribute.name, format!("var.{variable}")));
                self.variables.push(Variable {
                    name: variable,
                    resource: resource.clone(),
                    attribute: attribute.name,
                    kind,
                    group_id: group_id.to_string(),
                    clear_in_atlas: field.secrecy == Secrecy::Plain,
                });
            } else if let FieldInput::Toggle { default } = field.input {
                // Always written: the provider's docs ask for a default set back
                // explicitly rather than removed (Optional + Computed keeps the old value).
                let on = value.and_then(FieldValue::as_bool).unwrap_or(default);
                lines.push((attribute.name, on.to_string()));
            } else if let Some(text) = value.and_then(FieldValue::as_text) {
                lines.push((attribute.name, hcl_string(text)));
            } else if let (
                true,
                FieldInput::Choice {
                    default: Some(d), ..
                },
            ) = (attribute.required, field.input)
            {
                // Required to create; what Atlas uses when none is set, where the registry
                // knows it (as in the Kubernetes export).
                lines.push((
                    attribute.name,
                    format!("{} # Atlas's default; Atlas returned none", hcl_string(d)),
                ));
            }
        }
        let width = lines.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        text.push_str(&format!("\nresource \"{RESOURCE}\" \"{resource}\" {{\n"));
        for (key, value) in &lines {
            text.push_str(&format!("  {key:width$} = {value}\n"));
        }
        let left_as_is: Vec<&str> = NOT_IN_PROVIDER
            .iter()
            .filter(|(k, field)| *k == kind && is_set(integration.values.get(*field)))
            .map(|(_, field)| *field)
            .collect();
        if !left_as_is.is_empty() {
            text.push_str(&format!(
                "  # Set in Atlas, no attribute in the provider (left as Atlas has it): {}.\n",
                left_as_is.join(", ")
            ));
        }
        text.push_str("}\n");
        text.push_str(&format!(
            "\nimport {{\n  to = {RESOURCE}.{resource}\n  id = {}\n}}\n",
            hcl_string(&format!("{group_id}-{}", kind.as_wire()))
        ));
    }

    fn variables_tf(&self) -> String {
        let mut text = String::from(
            "# One variable per secret of main.tf, and per attribute the provider marks\n\
             # sensitive. No values: fill them from your secret store (README.md).\n",
        );
        for v in &self.variables {
            let mut description = format!(
                "{} {} of {RESOURCE}.{} (project {}).",
                v.kind, v.attribute, v.resource, v.group_id
            );
            if v.clear_in_atlas {
                description.push_str(
                    " Atlas returns it in clear: take it from the JSON export or the dashboard.",
                );
            }
            text.push_str(&format!(
                "\nvariable \"{}\" {{\n  description = {}\n  type        = string\n  \
                 sensitive   = true\n}}\n",
                v.name,
                hcl_string(&description)
            ));
        }
        text
    }
}

/// Whether an Atlas field the export cannot carry holds something worth a note: text of
/// any kind, or a switch turned on.
fn is_set(value: Option<&FieldValue>) -> bool {
    match value {
        Some(FieldValue::Text(_)) => true,
        Some(FieldValue::Bool(on)) => *on,
        None => false,
    }
}

impl FormatWriter for Terraform {
    fn begin(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let header = Self::main_tf_header();
        // Three small files at the start of an empty archive cannot pass 4 GiB.
        let _ = self
            .zip
            .whole_file(&mut out, "README.md", README.as_bytes())
            .and_then(|()| {
                self.zip
                    .whole_file(&mut out, ".gitignore", GITIGNORE.as_bytes())
            })
            .and_then(|()| self.zip.start_file(&mut out, "main.tf"))
            .and_then(|()| self.zip.write(&mut out, header.as_bytes()));
        out
    }

    fn project(
        &mut self,
        group_id: &str,
        name: &str,
        integrations: &[&Integration],
    ) -> Result<Vec<u8>, ExportError> {
        let mut text = String::new();
        Self::project_heading(&mut text, group_id, name);
        let skipped: Vec<(IntegrationKind, &str)> = integrations
            .iter()
            .filter_map(|i| not_exported_reason(i.kind).map(|reason| (i.kind, reason)))
            .collect();
        if integrations.is_empty() {
            text.push_str("# No integrations.\n");
        }
        if !skipped.is_empty() {
            text.push_str("# Not exported:\n");
            for (kind, reason) in skipped {
                text.push_str(&format!("# - {kind}: {reason}.\n"));
            }
        }
        for integration in integrations {
            if let Ok(attributes) = attributes(integration.kind) {
                self.resource(&mut text, group_id, name, integration, attributes);
            }
        }
        let mut out = Vec::with_capacity(text.len());
        self.zip
            .write(&mut out, text.as_bytes())
            .map_err(too_large)?;
        Ok(out)
    }

    fn unreadable(
        &mut self,
        group_id: &str,
        name: &str,
        reason: &str,
    ) -> Result<Vec<u8>, ExportError> {
        let mut text = String::new();
        Self::project_heading(&mut text, group_id, name);
        text.push_str(&format!(
            "# Not exported: its integrations could not be read: {}\n",
            quoted_for_comment(reason)
        ));
        let mut out = Vec::with_capacity(text.len());
        self.zip
            .write(&mut out, text.as_bytes())
            .map_err(too_large)?;
        Ok(out)
    }

    fn finish(&mut self) -> Result<Vec<u8>, ExportError> {
        let mut out = Vec::new();
        let variables = self.variables_tf();
        self.zip.end_file(&mut out).map_err(too_large)?;
        self.zip
            .whole_file(&mut out, "variables.tf", variables.as_bytes())
            .map_err(too_large)?;
        self.zip.finish(&mut out).map_err(too_large)?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_registry_field_of_a_provider_type_is_mapped_or_named_as_left_out() {
        for kind in IntegrationKind::ALL {
            let Ok(attributes) = attributes(kind) else {
                continue;
            };
            for field in kind.spec().fields {
                let mapped = attributes.iter().any(|a| a.atlas == field.name);
                let left_out = NOT_IN_PROVIDER.contains(&(kind, field.name));
                assert!(mapped != left_out, "{kind} {}", field.name);
            }
            for a in attributes {
                assert!(kind.spec().field(a.atlas).is_some(), "{kind} {}", a.atlas);
            }
        }
    }

    #[test]
    fn the_provider_types_are_its_seven() {
        let exported: Vec<_> = IntegrationKind::ALL
            .into_iter()
            .filter(|k| attributes(*k).is_ok())
            .map(IntegrationKind::as_wire)
            .collect();
        assert_eq!(
            exported,
            [
                "PAGER_DUTY",
                "DATADOG",
                "OPS_GENIE",
                "VICTOR_OPS",
                "WEBHOOK",
                "PROMETHEUS",
                "MICROSOFT_TEAMS"
            ]
        );
    }
}
