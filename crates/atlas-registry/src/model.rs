//! The wire model of one integration, typed by the registry: `type` names the kind, and only
//! that kind's fields are read or written. Unknown and null fields from Atlas are tolerated
//! and dropped; a request body never carries a field the type does not have.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::registry::{FieldInput, IntegrationKind};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FieldValue {
    Bool(bool),
    Text(String),
}

impl FieldValue {
    pub fn as_text(&self) -> Option<&str> {
        match self {
            FieldValue::Text(s) => Some(s),
            FieldValue::Bool(_) => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            FieldValue::Bool(b) => Some(*b),
            FieldValue::Text(_) => None,
        }
    }
}

/// One integration: its kind, Atlas's id when read back, and the values of the kind's fields.
/// `Debug` shows a secret field's name, never its value.
#[derive(Clone, PartialEq, Eq)]
pub struct Integration {
    pub kind: IntegrationKind,
    pub id: Option<String>,
    pub values: BTreeMap<String, FieldValue>,
    /// Fields to remove, sent as an explicit `null`: with a merging PUT (JSON merge-patch
    /// semantics) that removes the value, with a replacing PUT an absent or null field is not
    /// set either. Empty in everything read from Atlas.
    pub cleared: BTreeSet<String>,
}

impl std::fmt::Debug for Integration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let spec = self.kind.spec();
        let values: BTreeMap<&str, &dyn std::fmt::Debug> = self
            .values
            .iter()
            .map(|(name, value)| {
                let secret = spec
                    .fields
                    .iter()
                    .find(|f| f.name == name)
                    .is_none_or(|f| f.is_secret());
                let shown: &dyn std::fmt::Debug = if secret { &"[redacted]" } else { value };
                (name.as_str(), shown)
            })
            .collect();
        f.debug_struct("Integration")
            .field("kind", &self.kind)
            .field("id", &self.id)
            .field("values", &values)
            .field("cleared", &self.cleared)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IntegrationParseError {
    #[error("not a JSON object")]
    NotAnObject,
    #[error("missing or unknown integration type")]
    UnknownType,
    #[error("field {0} has the wrong JSON type")]
    WrongType(String),
}

impl Integration {
    pub fn new(kind: IntegrationKind) -> Self {
        Integration {
            kind,
            id: None,
            values: BTreeMap::new(),
            cleared: BTreeSet::new(),
        }
    }

    pub fn text(&self, field: &str) -> Option<&str> {
        self.values.get(field).and_then(FieldValue::as_text)
    }

    /// Reads Atlas's JSON. Fields outside the registry (and nulls) are dropped, so that a
    /// new Atlas field cannot break the dashboard.
    pub fn from_json(value: &Value) -> Result<Self, IntegrationParseError> {
        let obj = value
            .as_object()
            .ok_or(IntegrationParseError::NotAnObject)?;
        let kind = obj
            .get("type")
            .and_then(Value::as_str)
            .and_then(IntegrationKind::from_wire)
            .ok_or(IntegrationParseError::UnknownType)?;
        let id = obj.get("id").and_then(Value::as_str).map(str::to_owned);
        let mut values = BTreeMap::new();
        for field in kind.spec().fields {
            let v = match obj.get(field.name) {
                None | Some(Value::Null) => continue,
                Some(v) => v,
            };
            let parsed = match (field.input, v) {
                (FieldInput::Toggle { .. }, Value::Bool(b)) => FieldValue::Bool(*b),
                (FieldInput::Toggle { .. }, _) => {
                    return Err(IntegrationParseError::WrongType(field.name.to_string()))
                }
                (_, Value::String(s)) => FieldValue::Text(s.clone()),
                _ => return Err(IntegrationParseError::WrongType(field.name.to_string())),
            };
            values.insert(field.name.to_string(), parsed);
        }
        Ok(Integration {
            kind,
            id,
            values,
            cleared: BTreeSet::new(),
        })
    }

    /// The request body for POST/PUT: `type` and the kind's fields that have a value.
    /// `id` is never sent: Atlas addresses integrations by type.
    pub fn to_request_json(&self) -> Value {
        let mut obj = Map::new();
        for field in self.kind.spec().fields {
            if let Some(v) = self.values.get(field.name) {
                let json = match v {
                    FieldValue::Bool(b) => Value::Bool(*b),
                    FieldValue::Text(s) => Value::String(s.clone()),
                };
                obj.insert(field.name.to_string(), json);
            } else if self.cleared.contains(field.name) {
                obj.insert(field.name.to_string(), Value::Null);
            }
        }
        obj.insert("type".into(), Value::String(self.kind.as_wire().into()));
        Value::Object(obj)
    }
}

impl Serialize for Integration {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut json = self.to_request_json();
        if let (Some(id), Some(obj)) = (&self.id, json.as_object_mut()) {
            obj.insert("id".into(), Value::String(id.clone()));
        }
        json.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Integration {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        Integration::from_json(&v).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_recorded_datadog_and_drops_unknown_fields() {
        let recorded = r#"{"apiKey":"****************************0000","customEndpoint":null,"id":"6a794055c0eb9e7a1771aad2","region":"US","sendCollectionLatencyMetrics":false,"sendDatabaseMetrics":false,"sendQueryStatsMetrics":false,"sendUserProvidedResourceTags":false,"type":"DATADOG","brandNew":42}"#;
        let i: Integration = serde_json::from_str(recorded).unwrap();
        assert_eq!(i.kind, IntegrationKind::Datadog);
        assert_eq!(i.id.as_deref(), Some("6a794055c0eb9e7a1771aad2"));
        assert_eq!(i.text("apiKey"), Some("****************************0000"));
        assert_eq!(
            i.values.get("sendDatabaseMetrics"),
            Some(&FieldValue::Bool(false))
        );
        assert!(!i.values.contains_key("customEndpoint"));
        assert!(!i.values.contains_key("brandNew"));
    }

    #[test]
    fn request_body_carries_only_the_kinds_fields_and_no_id() {
        let mut i = Integration::new(IntegrationKind::Prometheus);
        i.id = Some("x".into());
        i.values
            .insert("username".into(), FieldValue::Text("u".into()));
        // A stray Datadog field must never reach Atlas (INVALID_ATTRIBUTE, atlas-sdk-go #667).
        i.values.insert(
            "sendCollectionLatencyMetrics".into(),
            FieldValue::Bool(false),
        );
        let body = i.to_request_json();
        assert_eq!(
            body,
            serde_json::json!({"type": "PROMETHEUS", "username": "u"})
        );
    }

    #[test]
    fn rejects_unknown_type_and_wrong_json_types() {
        assert_eq!(
            Integration::from_json(&serde_json::json!({"type": "FLOWDOCK"})),
            Err(IntegrationParseError::UnknownType)
        );
        assert_eq!(
            Integration::from_json(&serde_json::json!({"type": "PROMETHEUS", "enabled": "yes"})),
            Err(IntegrationParseError::WrongType("enabled".into()))
        );
    }
}
