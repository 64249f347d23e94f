//! The JSON export: the fleet's plain configuration as data, one JSON document written one
//! project at a time: `{"projects":[` … `]}`. Per project its id, name and integrations;
//! per integration its type, Atlas's id, the plain values, and for each secret Atlas shows as
//! set only what the dashboard shows of it: the registry's hint (`••••abcd`, or scheme and
//! host and `••••abcd` for a URL), or `"set"`. A secret Atlas does not return is absent.
//!
//! Held between projects: whether one was written (for the comma).

use atlas_registry::{display_secret, looks_masked, FieldSpec, FieldValue, Integration, Secrecy};
use serde_json::Value;

use crate::{ExportError, FormatWriter};

#[derive(Default)]
pub(crate) struct Json {
    written: bool,
}

fn string(text: &str) -> String {
    Value::from(text).to_string()
}

/// What the export says of a secret Atlas returned: the hint of a masked value, else `set`
/// (a value returned in clear, as New Relic's keys are, or redacted whole).
fn secret_shown(field: &FieldSpec, shown: &str) -> String {
    match field.secrecy {
        Secrecy::MaskedLastFour | Secrecy::MaskedUrlPath if looks_masked(shown) => {
            display_secret(field, shown)
        }
        _ => "set".to_string(),
    }
}

fn integration_json(integration: &Integration) -> String {
    let spec = integration.kind.spec();
    let mut values = Vec::new();
    let mut secrets = Vec::new();
    for field in spec.fields {
        let Some(value) = integration.values.get(field.name) else {
            continue;
        };
        if field.is_secret() {
            let shown = match value {
                FieldValue::Text(text) => secret_shown(field, text),
                FieldValue::Bool(_) => "set".to_string(),
            };
            secrets.push(format!("{}:{}", string(field.name), string(&shown)));
        } else {
            let json = match value {
                FieldValue::Text(text) => string(text),
                FieldValue::Bool(on) => on.to_string(),
            };
            values.push(format!("{}:{json}", string(field.name)));
        }
    }
    let id = integration
        .id
        .as_deref()
        .map(|id| format!(",\"id\":{}", string(id)))
        .unwrap_or_default();
    format!(
        "{{\"type\":{}{id},\"values\":{{{}}},\"secrets\":{{{}}}}}",
        string(integration.kind.as_wire()),
        values.join(","),
        secrets.join(",")
    )
}

impl Json {
    fn element(&mut self, body: String) -> Vec<u8> {
        let separator = if self.written { ",\n" } else { "\n" };
        self.written = true;
        format!("{separator}{body}").into_bytes()
    }
}

impl FormatWriter for Json {
    fn begin(&mut self) -> Vec<u8> {
        b"{\"projects\":[".to_vec()
    }

    fn project(
        &mut self,
        group_id: &str,
        name: &str,
        integrations: &[&Integration],
    ) -> Result<Vec<u8>, ExportError> {
        let integrations: Vec<String> = integrations.iter().map(|i| integration_json(i)).collect();
        Ok(self.element(format!(
            "{{\"id\":{},\"name\":{},\"integrations\":[{}]}}",
            string(group_id),
            string(name),
            integrations.join(",")
        )))
    }

    fn unreadable(
        &mut self,
        group_id: &str,
        name: &str,
        reason: &str,
    ) -> Result<Vec<u8>, ExportError> {
        Ok(self.element(format!(
            "{{\"id\":{},\"name\":{},\"error\":{}}}",
            string(group_id),
            string(name),
            string(reason)
        )))
    }

    fn finish(&mut self) -> Result<Vec<u8>, ExportError> {
        Ok(b"\n]}\n".to_vec())
    }
}
