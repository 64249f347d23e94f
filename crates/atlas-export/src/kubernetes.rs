//! The Kubernetes export: one multi-document YAML file for the Atlas Kubernetes Operator.
//! Per integration an `AtlasThirdPartyIntegration` (`atlas.mongodb.com/v1`) that names its
//! project by id (`externalProjectRef`) and the one connection Secret, and a Secret with the
//! keys the operator reads, their values left empty to fill. Facts and sources:
//! docs/export.md, "Kubernetes".
//!
//! Held between projects: the names given, so that none is given twice.

use atlas_registry::{FieldInput, FieldValue, Integration, IntegrationKind};

use crate::escape::{quoted_for_comment, yaml_string};
use crate::names::{UniqueNames, KUBERNETES};
use crate::{ExportError, FormatWriter};

/// The Secret with the Atlas API key the operator uses for every integration of the file.
pub(crate) const CONNECTION_SECRET: &str = "atlas-integrations-connection";

/// How the CRD spells a plain setting's value.
#[derive(Clone, Copy)]
enum Spelling {
    /// The text as Atlas returned it.
    Text,
    /// A boolean as the strings `enabled` / `disabled`: the operator compares with
    /// `strings.EqualFold(v, "enabled")`, so `"true"` would read as off.
    EnabledDisabled,
}

/// A plain setting of a type's block in the CRD and the Atlas field it holds.
struct Setting {
    name: &'static str,
    atlas: &'static str,
    spelling: Spelling,
    /// In the CRD's `required`: written even when Atlas returned nothing.
    required: bool,
}

const fn text(name: &'static str, atlas: &'static str, required: bool) -> Setting {
    Setting {
        name,
        atlas,
        spelling: Spelling::Text,
        required,
    }
}

const fn switch(name: &'static str, atlas: &'static str, required: bool) -> Setting {
    Setting {
        name,
        atlas,
        spelling: Spelling::EnabledDisabled,
        required,
    }
}

/// A type's block in the CRD's spec: its name, the secret reference's name, the keys the
/// operator reads from that Secret, and the plain settings.
struct Block {
    name: &'static str,
    secret_ref: &'static str,
    secret_keys: &'static [&'static str],
    settings: &'static [Setting],
}

/// Where the CRD has a type; or why it has none.
fn block(kind: IntegrationKind) -> Result<Block, &'static str> {
    use IntegrationKind::*;
    Ok(match kind {
        Datadog => Block {
            name: "datadog",
            secret_ref: "apiKeySecretRef",
            secret_keys: &["apiKey"],
            settings: const {
                &[
                    text("region", "region", true),
                    switch(
                        "sendCollectionLatencyMetrics",
                        "sendCollectionLatencyMetrics",
                        false,
                    ),
                    switch("sendDatabaseMetrics", "sendDatabaseMetrics", false),
                    switch("sendQueryStatsMetrics", "sendQueryStatsMetrics", false),
                    switch(
                        "sendUserProvidedResourceTags",
                        "sendUserProvidedResourceTags",
                        false,
                    ),
                ]
            },
        },
        MicrosoftTeams => Block {
            name: "microsoftTeams",
            secret_ref: "urlSecretRef",
            secret_keys: &["webhookURL"],
            settings: const { &[] },
        },
        NewRelic => Block {
            name: "newRelic",
            secret_ref: "credentialsSecretRef",
            secret_keys: &["accountId", "licenseKey", "readToken", "writeToken"],
            settings: const { &[] },
        },
        OpsGenie => Block {
            name: "opsGenie",
            secret_ref: "apiKeySecretRef",
            secret_keys: &["apiKey"],
            settings: const { &[text("region", "region", true)] },
        },
        PagerDuty => Block {
            name: "pagerDuty",
            secret_ref: "serviceKeySecretRef",
            secret_keys: &["serviceKey"],
            settings: const { &[text("region", "region", true)] },
        },
        Prometheus => Block {
            name: "prometheus",
            secret_ref: "prometheusCredentialsSecretRef",
            secret_keys: &["username", "password"],
            settings: const {
                &[
                    switch("enabled", "enabled", true),
                    text("serviceDiscovery", "serviceDiscovery", true),
                ]
            },
        },
        Slack => Block {
            name: "slack",
            secret_ref: "apiTokenSecretRef",
            secret_keys: &["apiToken"],
            settings: const {
                &[
                    text("channelName", "channelName", true),
                    text("teamName", "teamName", true),
                ]
            },
        },
        VictorOps => Block {
            name: "victorOps",
            secret_ref: "apiKeySecretRef",
            secret_keys: &["apiKey"],
            settings: const { &[text("routingKey", "routingKey", true)] },
        },
        Webhook => Block {
            name: "webhook",
            secret_ref: "urlSecretRef",
            secret_keys: &["url", "secret"],
            settings: const { &[] },
        },
        HipChat => return Err(HIP_CHAT_REASON),
    })
}

const HIP_CHAT_REASON: &str =
    "not in the operator's type enum; a legacy type without a schema in Atlas's API";

/// The reason a type is left out of the Kubernetes export, if it is.
pub(crate) fn not_exported_reason(kind: IntegrationKind) -> Option<&'static str> {
    block(kind).err()
}

/// Which Atlas field each Secret key holds: every registry field is either a setting of the
/// block, one of these, or in [`NOT_IN_CRD`].
#[cfg(test)]
const SECRET_KEY_FIELDS: &[(IntegrationKind, &str, &str)] = &[
    (IntegrationKind::Datadog, "apiKey", "apiKey"),
    (
        IntegrationKind::MicrosoftTeams,
        "webhookURL",
        "microsoftTeamsWebhookUrl",
    ),
    (IntegrationKind::NewRelic, "accountId", "accountId"),
    (IntegrationKind::NewRelic, "licenseKey", "licenseKey"),
    (IntegrationKind::NewRelic, "readToken", "readToken"),
    (IntegrationKind::NewRelic, "writeToken", "writeToken"),
    (IntegrationKind::OpsGenie, "apiKey", "apiKey"),
    (IntegrationKind::PagerDuty, "serviceKey", "serviceKey"),
    (IntegrationKind::Prometheus, "username", "username"),
    (IntegrationKind::Prometheus, "password", "password"),
    (IntegrationKind::Slack, "apiToken", "apiToken"),
    (IntegrationKind::VictorOps, "apiKey", "apiKey"),
    (IntegrationKind::Webhook, "url", "url"),
    (IntegrationKind::Webhook, "secret", "secret"),
];

/// Atlas fields the CRD has no place for: noted on the resource when set.
const NOT_IN_CRD: &[(IntegrationKind, &str)] = &[
    (IntegrationKind::Webhook, "headersTemplate"),
    (IntegrationKind::Webhook, "bodyTemplate"),
    (
        IntegrationKind::Prometheus,
        "sendUserProvidedResourceTagsEnabled",
    ),
];

const SLACK_NOTE: &str =
    "# SLACK: the operator sends the apiToken of the Secret. An integration set up with\n\
# OAuth in the Atlas UI holds a token no API returns; applying this with a legacy token\n\
# replaces it.\n";

#[derive(Default)]
pub(crate) struct Kubernetes {
    names: UniqueNames,
}

fn secret_manifest(out: &mut String, name: &str, keys: &[&str]) {
    out.push_str(&format!(
        "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: {name}\n  labels:\n    \
         atlas.mongodb.com/type: credentials\ntype: Opaque\nstringData:\n"
    ));
    for key in keys {
        out.push_str(&format!("  {key}: \"\"\n"));
    }
}

fn is_set(value: Option<&FieldValue>) -> bool {
    match value {
        Some(FieldValue::Text(_)) => true,
        Some(FieldValue::Bool(on)) => *on,
        None => false,
    }
}

impl Kubernetes {
    fn heading(out: &mut String, group_id: &str, name: &str) {
        out.push_str(&format!(
            "\n# {}\n# Project {} ({group_id})\n",
            "-".repeat(76),
            quoted_for_comment(name)
        ));
    }

    fn integration(
        &mut self,
        out: &mut String,
        group_id: &str,
        project_name: &str,
        integration: &Integration,
        block: &Block,
    ) {
        let kind = integration.kind;
        let spec = kind.spec();
        let name = self
            .names
            .for_integration(KUBERNETES, project_name, group_id, kind);
        let secret = self.names.numbered(format!("{name}-credentials"), '-');
        secret_manifest(out, &secret, block.secret_keys);
        out.push_str("---\n");
        if kind == IntegrationKind::Slack {
            out.push_str(SLACK_NOTE);
        }
        let left_as_is: Vec<&str> = NOT_IN_CRD
            .iter()
            .filter(|(k, field)| *k == kind && is_set(integration.values.get(*field)))
            .map(|(_, field)| *field)
            .collect();
        if !left_as_is.is_empty() {
            out.push_str(&format!(
                "# Set in Atlas, no field in the CRD (left as Atlas has it): {}.\n",
                left_as_is.join(", ")
            ));
        }
        out.push_str(&format!(
            "apiVersion: atlas.mongodb.com/v1\nkind: AtlasThirdPartyIntegration\nmetadata:\n  \
             name: {name}\nspec:\n  type: {}\n  externalProjectRef:\n    id: {}\n  \
             connectionSecret:\n    name: {CONNECTION_SECRET}\n  {}:\n    {}:\n      name: {secret}\n",
            kind.as_wire(),
            yaml_string(group_id),
            block.name,
            block.secret_ref,
        ));
        for setting in block.settings {
            let field = spec.field(setting.atlas);
            let value = integration.values.get(setting.atlas);
            let written = match setting.spelling {
                Spelling::EnabledDisabled => {
                    let default = match field.map(|f| f.input) {
                        Some(FieldInput::Toggle { default }) => default,
                        _ => false,
                    };
                    let on = value.and_then(FieldValue::as_bool).unwrap_or(default);
                    Some(if on { "enabled" } else { "disabled" }.to_string())
                }
                Spelling::Text => value.and_then(FieldValue::as_text).map(yaml_string),
            };
            match written {
                Some(v) => out.push_str(&format!("    {}: {v}\n", setting.name)),
                None if setting.required => {
                    // What Atlas uses when none is set, where the registry knows it;
                    // otherwise left for a person to fill (the CRD requires the field).
                    match field.map(|f| f.input) {
                        Some(FieldInput::Choice {
                            default: Some(d), ..
                        }) => out.push_str(&format!(
                            "    {}: {}  # Atlas's default; Atlas returned none\n",
                            setting.name,
                            yaml_string(d)
                        )),
                        _ => out.push_str(&format!(
                            "    {}: \"\"  # Atlas returned none: fill it in\n",
                            setting.name
                        )),
                    }
                }
                None => {}
            }
        }
    }
}

impl FormatWriter for Kubernetes {
    fn begin(&mut self) -> Vec<u8> {
        self.names.reserve(CONNECTION_SECRET);
        let mut out = String::from(
            "# The fleet's third-party integrations, exported by atlas-integrations from what\n\
             # Atlas returned, for the Atlas Kubernetes Operator (AtlasThirdPartyIntegration,\n\
             # atlas.mongodb.com/v1). Apply in one namespace: every reference is local.\n\
             # Each integration names its project by id and reads its secrets from the Secret\n\
             # before it. Those values are empty: fill them from your secret store (or create\n\
             # the Secrets from it, e.g. with External Secrets) before applying the\n\
             # AtlasThirdPartyIntegration resources, for the operator sends what the Secrets\n\
             # hold to Atlas.\n\
             #\n\
             # Types the operator cannot manage are not exported; each project lists its own:\n",
        );
        for kind in IntegrationKind::ALL {
            if let Some(reason) = not_exported_reason(kind) {
                out.push_str(&format!("# - {kind}: {reason}.\n"));
            }
        }
        out.push_str(
            "\n# The Atlas API key the operator uses for every integration below: an organization\n\
             # API key with access to these projects.\n",
        );
        secret_manifest(
            &mut out,
            CONNECTION_SECRET,
            &["orgId", "publicApiKey", "privateApiKey"],
        );
        out.into_bytes()
    }

    fn project(
        &mut self,
        group_id: &str,
        name: &str,
        integrations: &[&Integration],
    ) -> Result<Vec<u8>, ExportError> {
        let mut out = String::new();
        Self::heading(&mut out, group_id, name);
        if integrations.is_empty() {
            out.push_str("# No integrations.\n");
        }
        let skipped: Vec<_> = integrations
            .iter()
            .filter_map(|i| not_exported_reason(i.kind).map(|reason| (i.kind, reason)))
            .collect();
        if !skipped.is_empty() {
            out.push_str("# Not exported:\n");
            for (kind, reason) in skipped {
                out.push_str(&format!("# - {kind}: {reason}.\n"));
            }
        }
        for integration in integrations {
            if let Ok(block) = block(integration.kind) {
                self.integration(&mut out, group_id, name, integration, &block);
            }
        }
        Ok(out.into_bytes())
    }

    fn unreadable(
        &mut self,
        group_id: &str,
        name: &str,
        reason: &str,
    ) -> Result<Vec<u8>, ExportError> {
        let mut out = String::new();
        Self::heading(&mut out, group_id, name);
        out.push_str(&format!(
            "# Not exported: its integrations could not be read: {}\n",
            quoted_for_comment(reason)
        ));
        Ok(out.into_bytes())
    }

    fn finish(&mut self) -> Result<Vec<u8>, ExportError> {
        Ok(Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_registry_field_has_a_place_or_is_named_as_left_out() {
        for kind in IntegrationKind::ALL {
            let Ok(block) = block(kind) else {
                assert_eq!(kind, IntegrationKind::HipChat);
                continue;
            };
            for field in kind.spec().fields {
                let places = [
                    block.settings.iter().any(|s| s.atlas == field.name),
                    SECRET_KEY_FIELDS
                        .iter()
                        .any(|(k, _, f)| *k == kind && *f == field.name),
                    NOT_IN_CRD.contains(&(kind, field.name)),
                ];
                assert_eq!(
                    places.iter().filter(|p| **p).count(),
                    1,
                    "{kind} {}",
                    field.name
                );
            }
            let keys: Vec<_> = SECRET_KEY_FIELDS
                .iter()
                .filter(|(k, _, _)| *k == kind)
                .map(|(_, key, _)| *key)
                .collect();
            assert_eq!(keys, block.secret_keys, "{kind}");
            for s in block.settings {
                assert!(kind.spec().field(s.atlas).is_some(), "{kind} {}", s.atlas);
            }
        }
    }
}
