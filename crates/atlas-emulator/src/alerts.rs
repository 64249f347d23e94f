//! Alert configurations on the wire (`GroupAlertsConfig`): a POST/PUT body read as Atlas
//! checks it, the stored form (secrets in clear), and the answer, its notifications masked
//! through the registry's notification table (`atlas_registry::NotificationKind`). The shape
//! follows Atlas's recorded answers; the facts and the [unverified] choices are in
//! docs/alerts.md and this crate's README.md.

use std::collections::{BTreeMap, BTreeSet};

use axum::http::StatusCode;
use serde_json::{json, Map, Value};

use super::alert_event_types::is_alert_event_type;
use super::errors::ApiError;
use super::identity::{derived_id, new_object_id};
use super::wire::{invalid_attribute, invalid_json, missing_attribute};
use atlas_registry::{
    is_group_id, Integration, IntegrationKind, NotificationKind, NotificationProblem,
    NotificationValue, INTEGRATION_ID,
};

/// Spec: `notifications` has `minItems: 1`, `maxItems: 25`.
pub const MAX_NOTIFICATIONS: usize = 25;
/// Spec (`AlertMatcher.operator`).
const OPERATORS: &[&str] = &[
    "EQUALS",
    "CONTAINS",
    "STARTS_WITH",
    "ENDS_WITH",
    "NOT_EQUALS",
    "NOT_CONTAINS",
    "REGEX",
];
/// Spec (`EventSeverity`).
const SEVERITIES: &[&str] = &["INFO", "WARNING", "ERROR", "CRITICAL"];
/// Read-only in the spec: ignored when a client sends back what it read.
const READ_ONLY: &[&str] = &["created", "groupId", "id", "links", "updated"];
/// Kept as sent (the variant's threshold objects and the severity).
const EXTRAS: &[&str] = &["metricThreshold", "severityOverride", "threshold"];
/// [unverified] What Atlas stores for `intervalMin` when none is sent: 60, the value of most
/// recorded default alerts; every recorded notification that returns it has one.
const DEFAULT_INTERVAL_MIN: i64 = 60;

#[derive(Clone, Debug, PartialEq)]
pub struct AlertConfig {
    pub id: String,
    pub created: String,
    pub updated: String,
    pub enabled: bool,
    pub event_type_name: String,
    pub matchers: Vec<Value>,
    pub notifications: Vec<Notification>,
    /// `threshold`, `metricThreshold`, `severityOverride` when set.
    pub extras: Map<String, Value>,
}

/// One notification, its values (credentials included) in clear.
#[derive(Clone, PartialEq)]
pub struct Notification {
    pub kind: NotificationKind,
    pub notifier_id: String,
    pub integration_id: Option<String>,
    /// The type's fields and `delayMin` / `intervalMin`, as stored.
    pub values: Map<String, Value>,
}

impl std::fmt::Debug for Notification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let spec = self.kind.spec();
        let values: BTreeMap<&str, &dyn std::fmt::Debug> = self
            .values
            .iter()
            .map(|(name, value)| {
                let secret = spec.field(name).is_some_and(|f| f.secrecy.is_secret());
                let shown: &dyn std::fmt::Debug = if secret { &"[redacted]" } else { value };
                (name.as_str(), shown)
            })
            .collect();
        f.debug_struct("Notification")
            .field("kind", &self.kind)
            .field("notifier_id", &self.notifier_id)
            .field("integration_id", &self.integration_id)
            .field("values", &values)
            .finish()
    }
}

/// Where a body comes from, which decides how ids are treated.
#[derive(Clone, Copy)]
pub enum Source<'a> {
    /// POST (`previous: None`) or PUT of the stored configuration `previous`.
    Request { previous: Option<&'a AlertConfig> },
    /// A seed or state document: `notifierId`s are kept (derived when absent, so resets keep
    /// them), and an `integrationId` may name an integration that no longer exists.
    Document { config_id: &'a str },
}

/// The writable part of a configuration, read and checked.
pub struct Body {
    pub enabled: bool,
    pub event_type_name: String,
    pub matchers: Vec<Value>,
    pub notifications: Vec<Notification>,
    pub extras: Map<String, Value>,
}

impl Body {
    pub fn into_config(self, id: String, created: String, updated: String) -> AlertConfig {
        AlertConfig {
            id,
            created,
            updated,
            enabled: self.enabled,
            event_type_name: self.event_type_name,
            matchers: self.matchers,
            notifications: self.notifications,
            extras: self.extras,
        }
    }
}

/// 400 `INVALID_EVENT_TYPE_FOR_ALERT`, from Atlas's API error list: "Event type <type> not
/// supported for alerts."
fn invalid_event_type(name: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "INVALID_EVENT_TYPE_FOR_ALERT",
        format!("Event type {name} not supported for alerts."),
    )
    .param(name)
    .field("eventTypeName", "Not an alert event type.")
}

/// 400 `INVALID_ENUM_VALUE` (Atlas's API error list), as the integrations answer it.
fn invalid_enum(field: &str, value: &Value) -> ApiError {
    let shown = value
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| value.to_string());
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "INVALID_ENUM_VALUE",
        format!("An invalid enumeration value {shown} was specified."),
    )
    .param(shown)
    .field(field, "Not an allowed value.")
}

/// 400 `MISSING_NOTIFICATIONS` (Atlas's API error list).
fn missing_notifications() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "MISSING_NOTIFICATIONS",
        "At least one notification must be specified for an alert configuration.",
    )
    .field("notifications", "Required attribute.")
}

/// Atlas's API error list, whose wording ("internal") is kept as Atlas's.
fn interval_out_of_range() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "NOTIFICATION_INTERVAL_OUT_OF_RANGE",
        "Notifications must have an internal of at least 5 minutes.",
    )
    .field("intervalMin", "At least 5.")
}

fn attribute_negative(name: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "ATTRIBUTE_NEGATIVE",
        format!("The attribute {name} cannot be negative."),
    )
    .param(name)
    .field(name, "Cannot be negative.")
}

fn problem_error(name: &str, value: &Value, problem: NotificationProblem) -> ApiError {
    match problem {
        NotificationProblem::NotAChoice => invalid_enum(name, value),
        NotificationProblem::NotAnEmail => ApiError::new(
            StatusCode::BAD_REQUEST,
            "INVALID_EMAIL_ADDRESS",
            "An invalid email address was specified.",
        )
        .field(name, "Not an email address."),
        // [unverified] code for a malformed URL or id.
        NotificationProblem::WrongType
        | NotificationProblem::NotAUrl
        | NotificationProblem::NotAnId => invalid_attribute(name),
    }
}

fn int32(name: &str, value: &Value) -> Result<i64, ApiError> {
    value
        .as_i64()
        .filter(|n| i32::try_from(*n).is_ok())
        .ok_or_else(|| invalid_attribute(name))
}

/// Reads a POST/PUT body (or a document's configuration) against the project's
/// `integrations`.
pub fn read_body(
    body: &Value,
    integrations: &BTreeMap<IntegrationKind, Integration>,
    source: Source<'_>,
) -> Result<Body, ApiError> {
    let obj = body.as_object().ok_or_else(invalid_json)?;
    for name in obj.keys() {
        let known = READ_ONLY.contains(&name.as_str())
            || EXTRAS.contains(&name.as_str())
            || ["enabled", "eventTypeName", "matchers", "notifications"].contains(&name.as_str());
        if !known {
            return Err(invalid_attribute(name));
        }
    }
    let event_type_name = match obj.get("eventTypeName") {
        None | Some(Value::Null) => return Err(missing_attribute("eventTypeName")),
        Some(Value::String(s)) if is_alert_event_type(s) => s.clone(),
        Some(Value::String(s)) => return Err(invalid_event_type(s)),
        Some(_) => return Err(invalid_attribute("eventTypeName")),
    };
    // Recorded: a PUT without `enabled` answers `"enabled": false` (the spec's default).
    let enabled = match obj.get("enabled") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(invalid_attribute("enabled")),
    };
    let matchers = match obj.get("matchers") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.iter().map(read_matcher).collect::<Result<_, _>>()?,
        Some(_) => return Err(invalid_attribute("matchers")),
    };
    let mut extras = Map::new();
    for name in EXTRAS {
        match obj.get(*name) {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if *name == "severityOverride" => {
                if !SEVERITIES.contains(&s.as_str()) {
                    return Err(invalid_enum(name, &Value::String(s.clone())));
                }
                extras.insert((*name).into(), Value::String(s.clone()));
            }
            // The thresholds' many shapes (one per metric) are kept as sent [unverified:
            // Atlas checks their units and operators, INVALID_OPERATOR_FOR_EVENT_TYPE].
            Some(v @ Value::Object(_)) if *name != "severityOverride" => {
                extras.insert((*name).into(), v.clone());
            }
            Some(_) => return Err(invalid_attribute(name)),
        }
    }
    let sent = match obj.get("notifications") {
        None | Some(Value::Null) => return Err(missing_notifications()),
        Some(Value::Array(items)) if items.is_empty() => return Err(missing_notifications()),
        // [unverified] code beyond the spec's maxItems.
        Some(Value::Array(items)) if items.len() > MAX_NOTIFICATIONS => {
            return Err(invalid_attribute("notifications"))
        }
        Some(Value::Array(items)) => items,
        Some(_) => return Err(invalid_attribute("notifications")),
    };
    let mut used = BTreeSet::new();
    let mut notifications = Vec::with_capacity(sent.len());
    for (index, item) in sent.iter().enumerate() {
        let n = read_notification(item, index, integrations, source, &used)?;
        used.insert(n.notifier_id.clone());
        notifications.push(n);
    }
    let groups = notifications
        .iter()
        .filter(|n| n.kind == NotificationKind::Group)
        .count();
    if groups > 1 {
        // Atlas's API error list.
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "TOO_MANY_GROUP_NOTIFICATIONS",
            "At most one group notification can be specified for an alert configuration.",
        ));
    }
    Ok(Body {
        enabled,
        event_type_name,
        matchers,
        notifications,
        extras,
    })
}

/// `{fieldName, operator, value}` (spec `AlertMatcher`; the host matchers' `value` is
/// optional). Which `fieldName`s an event type takes is not checked [unverified].
fn read_matcher(m: &Value) -> Result<Value, ApiError> {
    let obj = m.as_object().ok_or_else(|| invalid_attribute("matchers"))?;
    for (k, v) in obj {
        match (k.as_str(), v) {
            ("fieldName" | "value", Value::String(_)) => {}
            ("operator", Value::String(op)) if OPERATORS.contains(&op.as_str()) => {}
            ("operator", Value::String(_)) => return Err(invalid_enum("operator", v)),
            _ => return Err(invalid_attribute(k)),
        }
    }
    for required in ["fieldName", "operator"] {
        if !obj.contains_key(required) {
            return Err(missing_attribute(required));
        }
    }
    Ok(m.clone())
}

fn read_notification(
    item: &Value,
    index: usize,
    integrations: &BTreeMap<IntegrationKind, Integration>,
    source: Source<'_>,
    used: &BTreeSet<String>,
) -> Result<Notification, ApiError> {
    let obj = item
        .as_object()
        .ok_or_else(|| invalid_attribute("notifications"))?;
    let kind = match obj.get("typeName") {
        None | Some(Value::Null) => return Err(missing_attribute("typeName")),
        Some(v @ Value::String(s)) => {
            NotificationKind::from_wire(s).ok_or_else(|| invalid_enum("typeName", v))?
        }
        Some(_) => return Err(invalid_attribute("typeName")),
    };
    let spec = kind.spec();
    let mut values = Map::new();
    let mut notifier = None;
    let mut integration_id = None;
    for (name, value) in obj {
        if name == "typeName" || value.is_null() {
            continue;
        }
        if !spec.has_field(name) {
            return Err(invalid_attribute(name));
        }
        match name.as_str() {
            "notifierId" => {
                let id = value
                    .as_str()
                    .filter(|s| is_group_id(s))
                    .ok_or_else(|| invalid_attribute(name))?;
                notifier = Some(id.to_string());
            }
            INTEGRATION_ID => {
                let id = value.as_str().ok_or_else(|| invalid_attribute(name))?;
                integration_id = Some(id.to_string());
            }
            "delayMin" => {
                if int32(name, value)? < 0 {
                    return Err(attribute_negative(name));
                }
                values.insert(name.clone(), value.clone());
            }
            "intervalMin" => {
                if int32(name, value)? < 5 {
                    return Err(interval_out_of_range());
                }
                values.insert(name.clone(), value.clone());
            }
            _ => {
                let field = spec.field(name).ok_or_else(|| invalid_attribute(name))?;
                field
                    .check(value)
                    .map_err(|p| problem_error(name, value, p))?;
                values.insert(name.clone(), value.clone());
            }
        }
    }
    let project_integration = spec
        .integration
        .and_then(|k| integrations.get(&k))
        .and_then(|i| i.id.clone());

    // The notifier: kept when a PUT names one of this configuration's notifications of the
    // same type (spec: `notifierId` "is needed when updating third-party notifications
    // without requiring explicit authentication credentials"), otherwise a new one (recorded:
    // a PUT without it answers a new `notifierId`). [unverified] An unknown one is replaced.
    let (notifier_id, carried) = match source {
        Source::Request { previous } => {
            let carried = previous.zip(notifier.as_ref()).and_then(|(p, id)| {
                p.notifications
                    .iter()
                    .find(|n| &n.notifier_id == id && n.kind == kind && !used.contains(id))
            });
            match carried {
                Some(n) => (n.notifier_id.clone(), Some(n)),
                None => (new_object_id(), None),
            }
        }
        Source::Document { config_id } => (
            notifier.unwrap_or_else(|| derived_notifier_id(config_id, index)),
            None,
        ),
    };

    if let (Source::Request { .. }, Some(id)) = (source, &integration_id) {
        // [unverified] code: naming anything but the project's integration of this type.
        if project_integration.as_ref() != Some(id) {
            return Err(invalid_attribute(INTEGRATION_ID));
        }
    }
    // Credentials left out of a PUT are kept from the notification it names, unless it now
    // names the integration, whose credentials then apply [unverified].
    if let (Some(previous), None) = (carried, &integration_id) {
        for field in spec.credentials() {
            if !values.contains_key(field.name) {
                if let Some(v) = previous.values.get(field.name) {
                    values.insert(field.name.into(), v.clone());
                }
            }
        }
    }
    // Spec (`webhookUrl`): Atlas uses "a default webhook URL … on the Integrations page"
    // when none is sent. [unverified] That the notification then names the integration in
    // `integrationId` (its definition: "the credentials of which to use for requests").
    if kind == NotificationKind::Webhook
        && integration_id.is_none()
        && !values.contains_key("webhookUrl")
    {
        integration_id = project_integration;
    }
    for field in spec.fields.iter().filter(|f| f.required) {
        let from_integration = integration_id.is_some() && field.integration_field.is_some();
        if !values.contains_key(field.name) && !from_integration {
            return Err(missing_attribute(field.name));
        }
    }
    if kind == NotificationKind::Webhook
        && integration_id.is_none()
        && !values.contains_key("webhookUrl")
    {
        return Err(missing_attribute("webhookUrl"));
    }
    for field in spec.fields {
        if let NotificationValue::Choice {
            default: Some(d), ..
        } = field.value
        {
            values
                .entry(field.name)
                .or_insert_with(|| Value::String(d.into()));
        }
    }
    // Recorded: every notification answers `delayMin` (0 when none was set).
    values.entry("delayMin").or_insert_with(|| json!(0));
    if spec.returns_interval {
        values
            .entry("intervalMin")
            .or_insert_with(|| json!(DEFAULT_INTERVAL_MIN));
    }
    Ok(Notification {
        kind,
        notifier_id,
        integration_id,
        values,
    })
}

/// A stable notifier id for a seeded notification without one.
fn derived_notifier_id(config_id: &str, index: usize) -> String {
    derived_id(&format!("{config_id}/notification/{index}"))
}

/// The notification as Atlas returns it: credentials masked as the registry says, no
/// `intervalMin` for PagerDuty, VictorOps and Opsgenie (spec), and for a webhook that uses
/// the project's integration, that integration's URL and secret masked (spec: Atlas returns
/// `webhookUrl` when "a default webhook URL" is set on the Integrations page).
fn render_notification(
    n: &Notification,
    integrations: &BTreeMap<IntegrationKind, Integration>,
) -> Value {
    let spec = n.kind.spec();
    let mut obj = Map::new();
    for (name, value) in &n.values {
        if name == "intervalMin" && !spec.returns_interval {
            continue;
        }
        match (spec.field(name), value) {
            (Some(field), Value::String(text)) => {
                if let Some(shown) = field.shown(text) {
                    obj.insert(name.clone(), Value::String(shown));
                }
            }
            _ => {
                obj.insert(name.clone(), value.clone());
            }
        }
    }
    if n.kind == NotificationKind::Webhook {
        let integration = integrations
            .get(&IntegrationKind::Webhook)
            .filter(|i| i.id.is_some() && i.id == n.integration_id);
        if let Some(integration) = integration {
            for (own, of_integration) in [("webhookUrl", "url"), ("webhookSecret", "secret")] {
                let shown = spec
                    .field(own)
                    .zip(integration.text(of_integration))
                    .and_then(|(f, text)| f.shown(text));
                if let (false, Some(shown)) = (obj.contains_key(own), shown) {
                    obj.insert(own.into(), Value::String(shown));
                }
            }
        }
    }
    if let Some(id) = &n.integration_id {
        obj.insert(INTEGRATION_ID.into(), Value::String(id.clone()));
    }
    obj.insert("notifierId".into(), Value::String(n.notifier_id.clone()));
    obj.insert("typeName".into(), Value::String(n.kind.as_wire().into()));
    Value::Object(obj)
}

/// The configuration as Atlas returns it (recorded): `created`, `enabled`, `eventTypeName`,
/// `groupId`, `id`, `links`, `matchers` (`[]` when none), `notifications`, `updated`, plus
/// `threshold` / `metricThreshold` / `severityOverride` when set. `links` holds `self`, and
/// in a single answer (not in a list item) also the configuration's open alerts.
pub fn render(
    base: &str,
    group_id: &str,
    c: &AlertConfig,
    integrations: &BTreeMap<IntegrationKind, Integration>,
    single: bool,
) -> Value {
    let href = format!(
        "{base}/api/atlas/v2/groups/{group_id}/alertConfigs/{}",
        c.id
    );
    let mut links = vec![json!({"href": href, "rel": "self"})];
    if single {
        links.push(
            json!({"href": format!("{href}/alerts"), "rel": "https://cloud.mongodb.com/alerts"}),
        );
    }
    let mut obj = Map::new();
    obj.insert("created".into(), Value::String(c.created.clone()));
    obj.insert("enabled".into(), Value::Bool(c.enabled));
    obj.insert(
        "eventTypeName".into(),
        Value::String(c.event_type_name.clone()),
    );
    obj.insert("groupId".into(), Value::String(group_id.into()));
    obj.insert("id".into(), Value::String(c.id.clone()));
    obj.insert("links".into(), Value::Array(links));
    obj.insert("matchers".into(), Value::Array(c.matchers.clone()));
    obj.insert(
        "notifications".into(),
        Value::Array(
            c.notifications
                .iter()
                .map(|n| render_notification(n, integrations))
                .collect(),
        ),
    );
    obj.extend(c.extras.clone());
    obj.insert("updated".into(), Value::String(c.updated.clone()));
    Value::Object(obj)
}

/// The stored form, secrets in clear: what `--state` and the inspection hook show.
pub fn stored_json(c: &AlertConfig) -> Value {
    let notifications: Vec<Value> = c
        .notifications
        .iter()
        .map(|n| {
            let mut obj = n.values.clone();
            obj.insert("typeName".into(), Value::String(n.kind.as_wire().into()));
            obj.insert("notifierId".into(), Value::String(n.notifier_id.clone()));
            if let Some(id) = &n.integration_id {
                obj.insert(INTEGRATION_ID.into(), Value::String(id.clone()));
            }
            Value::Object(obj)
        })
        .collect();
    let mut obj = c.extras.clone();
    obj.insert("id".into(), Value::String(c.id.clone()));
    obj.insert("created".into(), Value::String(c.created.clone()));
    obj.insert("updated".into(), Value::String(c.updated.clone()));
    obj.insert("enabled".into(), Value::Bool(c.enabled));
    obj.insert(
        "eventTypeName".into(),
        Value::String(c.event_type_name.clone()),
    );
    obj.insert("matchers".into(), Value::Array(c.matchers.clone()));
    obj.insert("notifications".into(), Value::Array(notifications));
    Value::Object(obj)
}

/// A configuration of a seed or state document: checked as a POST would be, `id`, `created`,
/// `updated` and `notifierId`s kept (derived when absent).
pub fn from_document(
    group_id: &str,
    index: usize,
    value: &Value,
    integrations: &BTreeMap<IntegrationKind, Integration>,
) -> anyhow::Result<AlertConfig> {
    let text = |k: &str| value.get(k).and_then(Value::as_str).map(str::to_owned);
    let id = match text("id") {
        Some(id) if is_group_id(&id) => id,
        Some(id) => anyhow::bail!("alert configuration id {id:?} is not 24 lowercase hex digits"),
        None => derived_id(&format!("{group_id}/alertConfig/{index}")),
    };
    let created = text("created").unwrap_or_else(|| "2024-01-15T09:30:00Z".into());
    let updated = text("updated").unwrap_or_else(|| created.clone());
    let body = read_body(value, integrations, Source::Document { config_id: &id })
        .map_err(|e| anyhow::anyhow!("alert configuration {id}: {}", e.detail))?;
    Ok(body.into_config(id, created, updated))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pager_duty_integration() -> BTreeMap<IntegrationKind, Integration> {
        let mut i = Integration::new(IntegrationKind::PagerDuty);
        i.id = Some("65f0a1b2c3d4e5f6a7b8d001".into());
        i.values.insert(
            "serviceKey".into(),
            atlas_registry::FieldValue::Text("a1b2c3d4e5f60718293a4b5c6d7e0022".into()),
        );
        BTreeMap::from([(IntegrationKind::PagerDuty, i)])
    }

    fn post(body: Value) -> Result<Body, ApiError> {
        read_body(
            &body,
            &pager_duty_integration(),
            Source::Request { previous: None },
        )
    }

    #[test]
    fn a_notification_with_its_own_key_is_masked_and_defaults_are_reported() {
        let body = post(json!({"eventTypeName": "NO_PRIMARY", "notifications": [
            {"typeName": "PAGER_DUTY", "serviceKey": "0123456789abcdef0123456789ab9c41", "intervalMin": 15}]}))
        .unwrap();
        let c = body.into_config("6a4b205f57ab93bba9581b00".into(), "t".into(), "t".into());
        let shown = render("http://h", "g", &c, &pager_duty_integration(), false);
        let n = &shown["notifications"][0];
        assert_eq!(n["serviceKey"], "****************************9c41");
        assert_eq!(n["region"], "US");
        assert_eq!(n["delayMin"], 0);
        assert!(
            n.get("intervalMin").is_none(),
            "PagerDuty never returns it: {n}"
        );
        assert!(n.get(INTEGRATION_ID).is_none());
        assert!(is_group_id(n["notifierId"].as_str().unwrap()));
        assert_eq!(shown["enabled"], false);
        assert_eq!(shown["matchers"], json!([]));
        assert_eq!(shown["links"].as_array().unwrap().len(), 1);
        let stored = stored_json(&c);
        assert_eq!(
            stored["notifications"][0]["serviceKey"],
            "0123456789abcdef0123456789ab9c41"
        );
        assert!(!format!("{:?}", c.notifications[0]).contains("9c41"));
    }

    #[test]
    fn the_integration_stands_in_for_the_credentials() {
        let ok = post(json!({"eventTypeName": "NO_PRIMARY", "notifications": [
            {"typeName": "PAGER_DUTY", "integrationId": "65f0a1b2c3d4e5f6a7b8d001"}]}));
        assert!(ok.is_ok());
        let e = post(
            json!({"eventTypeName": "NO_PRIMARY", "notifications": [{"typeName": "PAGER_DUTY"}]}),
        )
        .err()
        .unwrap();
        assert_eq!(
            (e.code, e.detail.as_str()),
            (
                "MISSING_ATTRIBUTE",
                "The required attribute serviceKey was not specified."
            )
        );
        let e = post(json!({"eventTypeName": "NO_PRIMARY", "notifications": [
            {"typeName": "PAGER_DUTY", "integrationId": "65f0a1b2c3d4e5f6a7b8dfff"}]}))
        .err()
        .unwrap();
        assert_eq!(e.code, "INVALID_ATTRIBUTE");
        // No Slack integration in this project.
        let e = post(json!({"eventTypeName": "NO_PRIMARY", "notifications": [
            {"typeName": "SLACK", "integrationId": "65f0a1b2c3d4e5f6a7b8d001"}]}))
        .err()
        .unwrap();
        assert_eq!(e.code, "INVALID_ATTRIBUTE");
    }

    #[test]
    fn refuses_what_the_spec_and_the_error_list_refuse() {
        let code = |body: Value| post(body).err().map(|e| e.code);
        let group = json!({"typeName": "GROUP", "emailEnabled": true, "smsEnabled": false});
        assert_eq!(
            code(json!({"notifications": [group]})),
            Some("MISSING_ATTRIBUTE")
        );
        assert_eq!(
            code(json!({"eventTypeName": "INTEGRATION_CONFIGURED", "notifications": [group]})),
            Some("INVALID_EVENT_TYPE_FOR_ALERT")
        );
        assert_eq!(
            code(json!({"eventTypeName": "NO_PRIMARY", "notifications": []})),
            Some("MISSING_NOTIFICATIONS")
        );
        assert_eq!(
            code(json!({"eventTypeName": "NO_PRIMARY", "notifications": [group, group]})),
            Some("TOO_MANY_GROUP_NOTIFICATIONS")
        );
        assert_eq!(
            code(json!({"eventTypeName": "NO_PRIMARY", "brandNew": 1, "notifications": [group]})),
            Some("INVALID_ATTRIBUTE")
        );
        assert_eq!(
            code(json!({"eventTypeName": "NO_PRIMARY", "notifications": [
                {"typeName": "GROUP", "emailEnabled": true, "smsEnabled": false, "serviceKey": "k"}]})),
            Some("INVALID_ATTRIBUTE")
        );
        assert_eq!(
            code(json!({"eventTypeName": "NO_PRIMARY", "notifications": [
                {"typeName": "GROUP", "emailEnabled": true, "smsEnabled": false, "intervalMin": 4}]})),
            Some("NOTIFICATION_INTERVAL_OUT_OF_RANGE")
        );
        assert_eq!(
            code(json!({"eventTypeName": "NO_PRIMARY", "notifications": [
                {"typeName": "DATADOG", "datadogApiKey": "ab", "datadogRegion": "US1"}]})),
            Some("INVALID_ENUM_VALUE")
        );
        assert_eq!(
            code(
                json!({"eventTypeName": "NO_PRIMARY", "notifications": [{"typeName": "FLOWDOCK"}]})
            ),
            Some("INVALID_ENUM_VALUE")
        );
        assert_eq!(
            code(
                json!({"eventTypeName": "NO_PRIMARY", "matchers": [{"fieldName": "X", "operator": "LIKE", "value": "a"}],
                "notifications": [group]})
            ),
            Some("INVALID_ENUM_VALUE")
        );
        assert_eq!(
            code(
                json!({"eventTypeName": "NO_PRIMARY", "notifications": [{"typeName": "EMAIL", "emailAddress": "nobody"}]})
            ),
            Some("INVALID_EMAIL_ADDRESS")
        );
    }

    #[test]
    fn a_put_keeps_the_credentials_of_the_notification_it_names() {
        let first = post(json!({"eventTypeName": "NO_PRIMARY", "notifications": [
            {"typeName": "PAGER_DUTY", "serviceKey": "0123456789abcdef0123456789ab9c41"}]}))
        .unwrap()
        .into_config("6a4b205f57ab93bba9581b00".into(), "t".into(), "t".into());
        let notifier = first.notifications[0].notifier_id.clone();
        let put = |n: Value| {
            read_body(
                &json!({"eventTypeName": "NO_PRIMARY", "notifications": [n]}),
                &pager_duty_integration(),
                Source::Request {
                    previous: Some(&first),
                },
            )
        };
        let kept = put(json!({"typeName": "PAGER_DUTY", "notifierId": notifier})).unwrap();
        assert_eq!(kept.notifications[0].notifier_id, notifier);
        assert_eq!(
            kept.notifications[0].values["serviceKey"],
            "0123456789abcdef0123456789ab9c41"
        );
        // Switched to the integration: the own copy is dropped.
        let switched = put(json!({"typeName": "PAGER_DUTY", "notifierId": notifier,
            "integrationId": "65f0a1b2c3d4e5f6a7b8d001"}))
        .unwrap();
        assert!(!switched.notifications[0].values.contains_key("serviceKey"));
        assert_eq!(
            switched.notifications[0].integration_id.as_deref(),
            Some("65f0a1b2c3d4e5f6a7b8d001")
        );
        // Without the notifier id nothing is carried over, and a new id is given.
        let e = put(json!({"typeName": "PAGER_DUTY"})).err().unwrap();
        assert_eq!(e.code, "MISSING_ATTRIBUTE");
    }
}
