//! Alert configurations (`GroupAlertsConfig`), as much as the dashboard reads — event type,
//! matchers, and per notification its type, `integrationId`, `notifierId` and the masked
//! credentials Atlas showed — plus every other field as read, so that a PUT sends back what
//! was read. Unlike an [`atlas_registry::Integration`], which keeps only its type's fields,
//! an alert configuration has many shapes (thresholds per metric, new fields) that the
//! dashboard does not edit and must not lose.
//!
//! The one thing never sent back as read is a masked secret: Atlas shows credentials
//! "partially redacted" (spec), and a mask sent back may be stored as the key [unverified].
//! The request drops it, and the notification's `notifierId` tells Atlas to keep the one it
//! holds (spec: `notifierId` "is needed when updating third-party notifications without
//! requiring explicit authentication credentials"). docs/alerts.md.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use atlas_registry::{
    looks_masked, IntegrationKind, NotificationField, NotificationKind, SecretHint, INTEGRATION_ID,
};

/// Read-only in the spec; never sent.
const READ_ONLY: &[&str] = &["created", "groupId", "id", "links", "updated"];

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AlertParseError {
    #[error("not a JSON object")]
    NotAnObject,
    #[error("field {0} is missing or has the wrong JSON type")]
    WrongType(&'static str),
}

/// One rule of `matchers` (spec `AlertMatcher`): what the alert watches.
#[derive(Clone, Debug, PartialEq)]
pub struct AlertMatcher {
    pub field_name: String,
    pub operator: String,
    /// Optional for host matchers (spec `HostMatcher`).
    pub value: Option<String>,
    pub other: Map<String, Value>,
}

/// One notification. `Debug` names credential fields, never their values.
#[derive(Clone, PartialEq)]
pub struct AlertNotification {
    /// `typeName` as Atlas sent it; [`AlertNotification::kind`] when this build knows it.
    pub type_name: String,
    /// The project integration whose credentials it uses (spec).
    pub integration_id: Option<String>,
    /// Atlas's id of this notification; two alerts to the same channel have different ones.
    pub notifier_id: Option<String>,
    /// The type's credential fields (registry: `NotificationField::credential`) as Atlas
    /// showed them (masked), or as the caller set them to send a new key.
    pub credentials: BTreeMap<String, String>,
    /// Every other field (`delayMin`, `channelName`, `region`, …), as read.
    pub other: Map<String, Value>,
}

/// One alert configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct AlertConfig {
    pub id: String,
    pub event_type_name: String,
    pub enabled: bool,
    pub matchers: Vec<AlertMatcher>,
    pub notifications: Vec<AlertNotification>,
    /// Every other field (`threshold`, `metricThreshold`, `severityOverride`, `created`, …).
    pub other: Map<String, Value>,
}

impl std::fmt::Debug for AlertNotification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let credentials: Vec<&str> = self.credentials.keys().map(String::as_str).collect();
        f.debug_struct("AlertNotification")
            .field("type_name", &self.type_name)
            .field("integration_id", &self.integration_id)
            .field("notifier_id", &self.notifier_id)
            .field("credentials", &credentials)
            .field("other", &self.other)
            .finish()
    }
}

fn text(v: &Value, k: &'static str) -> Result<Option<String>, AlertParseError> {
    match v.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(AlertParseError::WrongType(k)),
    }
}

fn rest(obj: &Map<String, Value>, taken: &[&str]) -> Map<String, Value> {
    obj.iter()
        .filter(|(k, _)| !taken.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

impl AlertMatcher {
    fn from_json(v: &Value) -> Result<Self, AlertParseError> {
        let obj = v.as_object().ok_or(AlertParseError::NotAnObject)?;
        Ok(AlertMatcher {
            field_name: text(v, "fieldName")?.ok_or(AlertParseError::WrongType("fieldName"))?,
            operator: text(v, "operator")?.ok_or(AlertParseError::WrongType("operator"))?,
            value: text(v, "value")?,
            other: rest(obj, &["fieldName", "operator", "value"]),
        })
    }

    fn to_json(&self) -> Value {
        let mut obj = self.other.clone();
        obj.insert("fieldName".into(), Value::String(self.field_name.clone()));
        obj.insert("operator".into(), Value::String(self.operator.clone()));
        if let Some(v) = &self.value {
            obj.insert("value".into(), Value::String(v.clone()));
        }
        Value::Object(obj)
    }
}

impl AlertNotification {
    pub fn kind(&self) -> Option<NotificationKind> {
        NotificationKind::from_wire(&self.type_name)
    }

    /// The integration type this notification sends through (none for email, SMS, users…).
    pub fn integration_kind(&self) -> Option<IntegrationKind> {
        self.kind().and_then(|k| k.spec().integration)
    }

    pub fn credential(&self, name: &str) -> Option<&str> {
        self.credentials.get(name).map(String::as_str)
    }

    /// Each credential Atlas showed, with the hint (last four, or a URL's host) to compare
    /// with the same field of the project's integration (`field.integration_field`). A fully
    /// redacted one (a webhook's `webhookSecret`) shows none.
    pub fn credential_hints(&self) -> Vec<(&'static NotificationField, SecretHint)> {
        let Some(kind) = self.kind() else {
            return Vec::new();
        };
        kind.spec()
            .credentials()
            .filter_map(|f| {
                let shown = self.credential(f.name)?;
                Some((f, f.hint_of_shown(shown)?))
            })
            .collect()
    }

    /// Use the project's integration `integration_id` instead of any key of its own: what
    /// the dashboard's switch sends. Settings (channel, region, templates) stay.
    pub fn use_integration(&mut self, integration_id: &str) {
        self.integration_id = Some(integration_id.to_string());
        self.credentials.clear();
    }

    fn from_json(v: &Value) -> Result<Self, AlertParseError> {
        let obj = v.as_object().ok_or(AlertParseError::NotAnObject)?;
        let type_name = text(v, "typeName")?.ok_or(AlertParseError::WrongType("typeName"))?;
        let mut credentials = BTreeMap::new();
        let mut taken = vec!["typeName", INTEGRATION_ID, "notifierId"];
        if let Some(kind) = NotificationKind::from_wire(&type_name) {
            for field in kind.spec().credentials() {
                if let Some(shown) = text(v, field.name)? {
                    credentials.insert(field.name.to_string(), shown);
                }
                taken.push(field.name);
            }
        }
        Ok(AlertNotification {
            type_name,
            integration_id: text(v, INTEGRATION_ID)?,
            notifier_id: text(v, "notifierId")?,
            credentials,
            other: rest(obj, &taken),
        })
    }

    /// As read, masks included (the `Serialize` form).
    fn to_json(&self) -> Value {
        let mut obj = self.other.clone();
        for (k, v) in &self.credentials {
            obj.insert(k.clone(), Value::String(v.clone()));
        }
        self.put_ids(&mut obj);
        Value::Object(obj)
    }

    /// For a PUT: every secret field whose value is a mask is left out (Atlas keeps what it
    /// holds for the `notifierId`); a key the caller set is sent.
    fn to_request_json(&self) -> Value {
        let spec = self.kind().map(NotificationKind::spec);
        let masked_secret = |name: &str, v: &Value| {
            let secret = spec
                .and_then(|s| s.field(name))
                .is_some_and(|f| f.secrecy.is_secret());
            secret && v.as_str().is_some_and(looks_masked)
        };
        let mut obj: Map<String, Value> = self
            .other
            .iter()
            .filter(|(k, v)| !masked_secret(k, v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (k, v) in &self.credentials {
            if !looks_masked(v) {
                obj.insert(k.clone(), Value::String(v.clone()));
            }
        }
        self.put_ids(&mut obj);
        Value::Object(obj)
    }

    fn put_ids(&self, obj: &mut Map<String, Value>) {
        obj.insert("typeName".into(), Value::String(self.type_name.clone()));
        if let Some(id) = &self.integration_id {
            obj.insert(INTEGRATION_ID.into(), Value::String(id.clone()));
        }
        if let Some(id) = &self.notifier_id {
            obj.insert("notifierId".into(), Value::String(id.clone()));
        }
    }
}

impl AlertConfig {
    /// Reads Atlas's JSON. `id` and `eventTypeName` are required; `enabled` defaults to the
    /// spec's `false`; unknown fields are kept.
    pub fn from_json(v: &Value) -> Result<Self, AlertParseError> {
        let obj = v.as_object().ok_or(AlertParseError::NotAnObject)?;
        let list = |k: &'static str| match v.get(k) {
            None | Some(Value::Null) => Ok(&[][..]),
            Some(Value::Array(items)) => Ok(items.as_slice()),
            Some(_) => Err(AlertParseError::WrongType(k)),
        };
        let enabled = match v.get("enabled") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => return Err(AlertParseError::WrongType("enabled")),
        };
        Ok(AlertConfig {
            id: text(v, "id")?.ok_or(AlertParseError::WrongType("id"))?,
            event_type_name: text(v, "eventTypeName")?
                .ok_or(AlertParseError::WrongType("eventTypeName"))?,
            enabled,
            matchers: list("matchers")?
                .iter()
                .map(AlertMatcher::from_json)
                .collect::<Result<_, _>>()?,
            notifications: list("notifications")?
                .iter()
                .map(AlertNotification::from_json)
                .collect::<Result<_, _>>()?,
            other: rest(
                obj,
                &[
                    "id",
                    "eventTypeName",
                    "enabled",
                    "matchers",
                    "notifications",
                ],
            ),
        })
    }

    fn body(&self, notification: impl Fn(&AlertNotification) -> Value) -> Map<String, Value> {
        let mut obj = self.other.clone();
        obj.insert(
            "eventTypeName".into(),
            Value::String(self.event_type_name.clone()),
        );
        obj.insert("enabled".into(), Value::Bool(self.enabled));
        obj.insert(
            "matchers".into(),
            Value::Array(self.matchers.iter().map(AlertMatcher::to_json).collect()),
        );
        obj.insert(
            "notifications".into(),
            Value::Array(self.notifications.iter().map(notification).collect()),
        );
        obj
    }

    /// The body of a PUT: what was read, without the read-only fields (`id`, `created`,
    /// `links`, …) and without masked secrets.
    pub fn to_request_json(&self) -> Value {
        let mut obj = self.body(AlertNotification::to_request_json);
        obj.retain(|k, _| !READ_ONLY.contains(&k.as_str()));
        Value::Object(obj)
    }

    /// The notifications that use the project integration `integration_id`.
    pub fn notifications_using<'a>(
        &'a self,
        integration_id: &'a str,
    ) -> impl Iterator<Item = &'a AlertNotification> {
        self.notifications
            .iter()
            .filter(move |n| n.integration_id.as_deref() == Some(integration_id))
    }
}

impl Serialize for AlertConfig {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut obj = self.body(AlertNotification::to_json);
        obj.insert("id".into(), Value::String(self.id.clone()));
        Value::Object(obj).serialize(s)
    }
}

impl<'de> Deserialize<'de> for AlertConfig {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        AlertConfig::from_json(&v).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read() -> AlertConfig {
        AlertConfig::from_json(&json!({
            "created": "2023-04-02T11:20:00Z", "enabled": true,
            "eventTypeName": "REPLICATION_OPLOG_WINDOW_RUNNING_OUT",
            "groupId": "65f0a1b2c3d4e5f6a7b8c901", "id": "65f0a1b2c3d4e5f6a7b8ca03",
            "links": [{"href": "x", "rel": "self"}],
            "matchers": [{"fieldName": "REPLICA_SET_NAME", "operator": "EQUALS", "value": "rs0"}],
            "notifications": [
                {"delayMin": 0, "notifierId": "65f0a1b2c3d4e5f6a7b8ce01", "region": "EU",
                 "serviceKey": "****************************0022", "typeName": "PAGER_DUTY"},
                {"delayMin": 0, "integrationId": "65f0a1b2c3d4e5f6a7b8d0aa", "intervalMin": 60,
                 "notifierId": "65f0a1b2c3d4e5f6a7b8ce02", "typeName": "WEBHOOK",
                 "webhookUrl": "https://hooks.example.com/****2101", "webhookSecret": "******",
                 "webhookBodyTemplate": "******"},
                {"typeName": "CARRIER_PIGEON", "loft": "north"}],
            "threshold": {"operator": "LESS_THAN", "threshold": 1, "units": "HOURS"},
            "brandNew": {"kept": true},
            "updated": "2023-04-02T11:20:00Z"}))
        .unwrap()
    }

    #[test]
    fn reads_what_the_dashboard_needs_and_keeps_the_rest() {
        let c = read();
        assert_eq!(c.event_type_name, "REPLICATION_OPLOG_WINDOW_RUNNING_OUT");
        assert!(c.enabled);
        assert_eq!(c.matchers[0].value.as_deref(), Some("rs0"));
        let pd = &c.notifications[0];
        assert_eq!(pd.kind(), Some(NotificationKind::PagerDuty));
        assert_eq!(pd.integration_kind(), Some(IntegrationKind::PagerDuty));
        assert_eq!(
            pd.credential("serviceKey"),
            Some("****************************0022")
        );
        assert_eq!(
            pd.credential_hints()[0].1,
            SecretHint::LastFour("0022".into())
        );
        assert_eq!(pd.other["region"], "EU");
        let hook = &c.notifications[1];
        assert_eq!(hook.credential_hints().len(), 1, "the secret shows nothing");
        assert_eq!(c.notifications_using("65f0a1b2c3d4e5f6a7b8d0aa").count(), 1);
        assert_eq!(c.notifications[2].kind(), None);
        assert!(c.other.contains_key("threshold") && c.other.contains_key("brandNew"));
        assert!(!format!("{pd:?}").contains("0022"));
    }

    #[test]
    fn a_put_round_trips_all_but_read_only_fields_and_masks() {
        let body = read().to_request_json();
        for gone in ["id", "created", "updated", "links", "groupId"] {
            assert!(body.get(gone).is_none(), "{gone}: {body}");
        }
        assert_eq!(body["threshold"]["units"], "HOURS");
        assert_eq!(body["brandNew"], json!({"kept": true}));
        let pd = &body["notifications"][0];
        assert!(pd.get("serviceKey").is_none(), "{pd}");
        assert_eq!(pd["notifierId"], "65f0a1b2c3d4e5f6a7b8ce01");
        assert_eq!(pd["region"], "EU");
        let hook = &body["notifications"][1];
        for masked in ["webhookUrl", "webhookSecret", "webhookBodyTemplate"] {
            assert!(hook.get(masked).is_none(), "{masked}: {hook}");
        }
        assert_eq!(
            body["notifications"][2],
            json!({"typeName": "CARRIER_PIGEON", "loft": "north"})
        );
        // Serialised as read, and read back the same.
        let again: AlertConfig =
            serde_json::from_value(serde_json::to_value(read()).unwrap()).unwrap();
        let mut expected = read();
        expected.other.retain(|k, _| k != "id");
        assert_eq!(again.notifications, expected.notifications);
        assert_eq!(again.id, expected.id);
    }

    #[test]
    fn switching_to_the_integration_drops_the_own_key_and_a_new_key_is_sent() {
        let mut c = read();
        c.notifications[0].use_integration("65f0a1b2c3d4e5f6a7b8d001");
        let pd = &c.to_request_json()["notifications"][0];
        assert_eq!(pd["integrationId"], "65f0a1b2c3d4e5f6a7b8d001");
        assert!(pd.get("serviceKey").is_none());
        assert_eq!(pd["region"], "EU");
        let mut c = read();
        c.notifications[0].credentials.insert(
            "serviceKey".into(),
            "0123456789abcdef0123456789ab1234".into(),
        );
        assert_eq!(
            c.to_request_json()["notifications"][0]["serviceKey"],
            "0123456789abcdef0123456789ab1234"
        );
    }

    #[test]
    fn refuses_what_is_not_an_alert_configuration() {
        assert_eq!(
            AlertConfig::from_json(&json!([])),
            Err(AlertParseError::NotAnObject)
        );
        assert_eq!(
            AlertConfig::from_json(&json!({"id": "a"})),
            Err(AlertParseError::WrongType("eventTypeName"))
        );
        assert_eq!(
            AlertConfig::from_json(
                &json!({"id": "a", "eventTypeName": "X", "notifications": [{"delayMin": 0}]})
            ),
            Err(AlertParseError::WrongType("typeName"))
        );
    }
}
