//! What the browser may see of an integration: plain values as Atlas returned them, and for
//! each secret only that it is set and the hint Atlas's own mask leaves (last four, or a
//! webhook URL's host). Built on the server from Atlas's answer; re-masked defensively, so
//! that even a secret Atlas returned in clear never reaches the browser whole.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::masking::{display_secret, looks_masked, mask_secret, mask_url};
use super::model::{FieldValue, Integration};
use super::registry::{IntegrationKind, Secrecy};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ShownValue {
    Text(String),
    Bool(bool),
    /// A secret is set; `hint` is e.g. `••••abcd`.
    Secret {
        hint: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntegrationView {
    pub kind: IntegrationKind,
    pub values: BTreeMap<String, ShownValue>,
}

impl IntegrationView {
    pub fn from_atlas(integration: &Integration) -> Self {
        let spec = integration.kind.spec();
        let mut values = BTreeMap::new();
        for field in spec.fields {
            let Some(value) = integration.values.get(field.name) else {
                continue;
            };
            let shown = match (field.secrecy, value) {
                (_, FieldValue::Bool(b)) => ShownValue::Bool(*b),
                (Secrecy::Plain, FieldValue::Text(s)) => ShownValue::Text(s.clone()),
                (Secrecy::MaskedLastFour | Secrecy::ClearOnRead, FieldValue::Text(s)) => {
                    let masked = if looks_masked(s) {
                        s.clone()
                    } else {
                        mask_secret(s)
                    };
                    ShownValue::Secret {
                        hint: display_secret(field, &masked),
                    }
                }
                (Secrecy::MaskedUrlPath, FieldValue::Text(s)) => {
                    let masked = if looks_masked(s) {
                        s.clone()
                    } else {
                        mask_url(s)
                    };
                    ShownValue::Secret {
                        hint: display_secret(field, &masked),
                    }
                }
                (Secrecy::WriteOnly | Secrecy::Redacted, FieldValue::Text(_)) => {
                    ShownValue::Secret {
                        hint: "••••".into(),
                    }
                }
            };
            values.insert(field.name.to_string(), shown);
        }
        IntegrationView {
            kind: integration.kind,
            values,
        }
    }

    /// The views of a list Atlas returned, in registry order.
    pub fn all_from_atlas(list: &[Integration]) -> Vec<Self> {
        let mut views: Vec<_> = list.iter().map(Self::from_atlas).collect();
        views.sort_by_key(|v| v.kind);
        views
    }

    pub fn text(&self, field: &str) -> Option<&str> {
        match self.values.get(field) {
            Some(ShownValue::Text(s)) => Some(s),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_atlas_returned_in_clear_is_still_masked() {
        let mut i = Integration::new(IntegrationKind::PagerDuty);
        i.values.insert(
            "serviceKey".into(),
            FieldValue::Text("clear-service-key-9876".into()),
        );
        i.values
            .insert("region".into(), FieldValue::Text("EU".into()));
        let view = IntegrationView::from_atlas(&i);
        let json = serde_json::to_string(&view).unwrap();
        assert!(!json.contains("clear-service-key"), "{json}");
        assert_eq!(
            view.values.get("serviceKey"),
            Some(&ShownValue::Secret {
                hint: "••••9876".into()
            })
        );
        assert_eq!(view.text("region"), Some("EU"));
    }

    #[test]
    fn a_webhook_url_keeps_its_host_only() {
        let mut i = Integration::new(IntegrationKind::Webhook);
        i.values.insert(
            "url".into(),
            FieldValue::Text("https://hooks.example.com/secret/path/2101".into()),
        );
        let view = IntegrationView::from_atlas(&i);
        let Some(ShownValue::Secret { hint }) = view.values.get("url") else {
            panic!("not a secret")
        };
        assert!(hint.starts_with("https://hooks.example.com/"), "{hint}");
        assert!(!hint.contains("secret/path"), "{hint}");
    }
}
