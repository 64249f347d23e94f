//! The integration object on the wire, read and written through the shared registry
//! (`crate::integrations`): which fields a type has, which Atlas requires, their rules, how
//! Atlas masks them and what it returns when unset. Only the error codes live here.

use std::collections::{BTreeMap, BTreeSet};

use axum::http::StatusCode;
use serde_json::{Map, Value};

use super::errors::ApiError;
use atlas_registry::{
    check_value, masked_for_read, FieldInput, FieldProblem, FieldSpec, FieldValue, Integration,
    IntegrationKind, WhenUnset,
};

/// 400 for a type that cannot be written: HIP_CHAT is in the enums but has no schema
/// (docs/atlas-facts.md). [unverified] code and text.
fn no_schema(kind: IntegrationKind) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "INVALID_INTEGRATION_TYPE",
        format!("Integrations of type {kind} can no longer be configured."),
    )
    .param(kind.as_wire())
}

/// 400 INVALID_ATTRIBUTE, as atlas-sdk-go #667 shows: "Invalid attribute X specified."
pub fn invalid_attribute(name: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "INVALID_ATTRIBUTE",
        format!("Invalid attribute {name} specified."),
    )
    .param(name)
    .field(name, "Invalid attribute.")
}

/// 400 for a required field left out. [unverified] code: Atlas's generic `MISSING_ATTRIBUTE`.
pub fn missing_attribute(name: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "MISSING_ATTRIBUTE",
        format!("The required attribute {name} was not specified."),
    )
    .param(name)
    .field(name, "Required attribute.")
}

/// 400 for a body that is not a JSON object. [unverified] code.
pub fn invalid_json() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "INVALID_JSON",
        "Received JSON is malformed.",
    )
}

fn problem_error(
    kind: IntegrationKind,
    field: &FieldSpec,
    value: &Value,
    problem: FieldProblem,
) -> ApiError {
    let text = match problem {
        FieldProblem::WrongKind => return invalid_attribute(field.name),
        // [unverified] code: Atlas's generic enum error.
        FieldProblem::NotAChoice => {
            let shown = value
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| value.to_string());
            return ApiError::new(
                StatusCode::BAD_REQUEST,
                "INVALID_ENUM_VALUE",
                format!("An invalid enumeration value {shown} was specified."),
            )
            .param(shown)
            .field(field.name, "Not an allowed value.");
        }
        FieldProblem::NotHex => "must be a hexadecimal string".to_string(),
        FieldProblem::NotHex40 => "must be a 40-character hexadecimal string".to_string(),
        FieldProblem::TooShort { min } => format!("must be at least {min} characters long"),
        FieldProblem::TooLong { max } => format!("must be at most {max} characters long"),
        FieldProblem::NotHttpUrl => "must be an http or https URL".to_string(),
        // The dashboard's own checks, never produced by `check_value`.
        FieldProblem::Required
        | FieldProblem::LooksMasked
        | FieldProblem::UrlUserinfo
        | FieldProblem::RemoveAndValue
        | FieldProblem::CannotRemove => "is invalid".to_string(),
    };
    // Recorded for Datadog's apiKey (TF #3379, docs/atlas-facts.md); the same shape for every
    // value rule the registry holds [unverified for the others].
    let message = format!("{} {text}", field.name);
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "INVALID_INTEGRATION_SETTINGS",
        format!("The provided settings for the {kind} integration were invalid: {message}."),
    )
    .param(format!("{kind} {message}"))
    .field(field.name, text)
}

/// A POST/PUT body, read: the values sent, and the fields sent as an explicit `null`.
#[derive(Debug)]
pub struct Sent {
    pub values: BTreeMap<String, FieldValue>,
    /// A merging PUT removes these (JSON merge-patch semantics, RFC 7396); elsewhere a null is
    /// the same as an absent field.
    pub nulled: BTreeSet<String>,
}

/// Reads a POST/PUT body for `kind`: `type` must name the path's type, every other field
/// must belong to the type, values must follow the registry's rules. Nulls are not values.
/// Presence of required fields is checked separately (merge PUT may omit them).
/// A masked value sent back is accepted and stored literally, as Atlas may do
/// (docs/atlas-facts.md) — unless a rule refuses it (Datadog's hex key refuses a mask).
pub fn parse_fields(kind: IntegrationKind, body: &Value) -> Result<Sent, ApiError> {
    let spec = kind.spec();
    if spec.fields.is_empty() {
        return Err(no_schema(kind));
    }
    let obj = body.as_object().ok_or_else(invalid_json)?;
    match obj.get("type") {
        None | Some(Value::Null) => return Err(missing_attribute("type")),
        // [unverified] A body whose type differs from the path's is refused as an invalid
        // attribute; Atlas's exact answer is not recorded.
        Some(Value::String(t)) if t == kind.as_wire() => {}
        Some(_) => return Err(invalid_attribute("type")),
    }
    let mut values = BTreeMap::new();
    let mut nulled = BTreeSet::new();
    for (name, value) in obj {
        if name == "type" || name == "id" {
            // `id` is read-only and ignored on write, as a GET-then-PUT round trip sends it.
            continue;
        }
        let Some(field) = spec.field(name) else {
            if spec.null_fields.contains(&name.as_str()) && value.is_null() {
                continue;
            }
            return Err(invalid_attribute(name));
        };
        let parsed = match value {
            Value::Null => {
                nulled.insert(name.clone());
                continue;
            }
            Value::Bool(b) => FieldValue::Bool(*b),
            Value::String(s) => FieldValue::Text(s.clone()),
            _ => return Err(invalid_attribute(name)),
        };
        if let Some(problem) = check_value(field, &parsed) {
            return Err(problem_error(kind, field, value, problem));
        }
        values.insert(name.clone(), parsed);
    }
    Ok(Sent { values, nulled })
}

/// Every field Atlas requires is present (an empty string counts as absent).
pub fn check_required(
    kind: IntegrationKind,
    values: &BTreeMap<String, FieldValue>,
) -> Result<(), ApiError> {
    for field in kind.spec().fields {
        let present = values
            .get(field.name)
            .is_some_and(|v| v.as_text() != Some(""));
        if field.atlas_requires() && !present {
            return Err(missing_attribute(field.name));
        }
    }
    Ok(())
}

/// Stores the defaults Atlas reports for omitted fields: `region: "US"` and `false` toggles
/// (recorded for Datadog, PagerDuty, Opsgenie).
pub fn apply_defaults(kind: IntegrationKind, values: &mut BTreeMap<String, FieldValue>) {
    for field in kind.spec().fields {
        if values.contains_key(field.name) {
            continue;
        }
        match field.input {
            FieldInput::Choice {
                default: Some(d), ..
            } => {
                values.insert(field.name.into(), FieldValue::Text(d.into()));
            }
            FieldInput::Toggle { default } if !field.atlas_requires() => {
                values.insert(field.name.into(), FieldValue::Bool(default));
            }
            _ => {}
        }
    }
}

/// The object as Atlas returns it: secrets masked, write-only fields left out, the nulls
/// Atlas sends for unset fields, `id` and `type`.
pub fn render(integration: &Integration) -> Value {
    let kind = integration.kind;
    let spec = kind.spec();
    let mut obj = Map::new();
    for field in spec.fields {
        match integration.values.get(field.name) {
            Some(value) => {
                if let Some(shown) = masked_for_read(field, value) {
                    let json = match shown {
                        FieldValue::Bool(b) => Value::Bool(b),
                        FieldValue::Text(s) => Value::String(s),
                    };
                    obj.insert(field.name.into(), json);
                }
            }
            None if field.when_unset == WhenUnset::Null => {
                obj.insert(field.name.into(), Value::Null);
            }
            None => {}
        }
    }
    for name in spec.null_fields {
        obj.insert((*name).into(), Value::Null);
    }
    if let Some(id) = &integration.id {
        obj.insert("id".into(), Value::String(id.clone()));
    }
    obj.insert("type".into(), Value::String(kind.as_wire().into()));
    Value::Object(obj)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renders_a_webhook_like_the_recording() {
        let body = json!({"type": "WEBHOOK", "url": "https://example.com/abcd2101", "secret": "0123456789abcdefghijklmnop2101"});
        let mut i = Integration::new(IntegrationKind::Webhook);
        i.id = Some("6a7940642c88faeba59bf3da".into());
        i.values = parse_fields(IntegrationKind::Webhook, &body)
            .unwrap()
            .values;
        assert_eq!(
            render(&i),
            json!({"bodyTemplate": null, "headersTemplate": null, "id": "6a7940642c88faeba59bf3da",
                   "secret": "**************************2101", "url": "https://example.com/****2101", "type": "WEBHOOK"})
        );
    }

    #[test]
    fn refuses_foreign_fields_and_bad_values() {
        let e = parse_fields(
            IntegrationKind::Prometheus,
            &json!({"type": "PROMETHEUS", "sendCollectionLatencyMetrics": false}),
        )
        .unwrap_err();
        assert_eq!((e.status.as_u16(), e.code), (400, "INVALID_ATTRIBUTE"));
        let e = parse_fields(
            IntegrationKind::Datadog,
            &json!({"type": "DATADOG", "apiKey": "****0000"}),
        )
        .unwrap_err();
        assert_eq!(e.code, "INVALID_INTEGRATION_SETTINGS");
        assert_eq!(e.detail, "The provided settings for the DATADOG integration were invalid: apiKey must be a hexadecimal string.");
        let e = parse_fields(IntegrationKind::HipChat, &json!({"type": "HIP_CHAT"})).unwrap_err();
        assert_eq!(e.status.as_u16(), 400);
        let e = parse_fields(
            IntegrationKind::PagerDuty,
            &json!({"type": "DATADOG", "serviceKey": "k"}),
        )
        .unwrap_err();
        assert_eq!(e.code, "INVALID_ATTRIBUTE");
    }

    #[test]
    fn atlas_optional_fields_are_not_required() {
        let mut v = parse_fields(
            IntegrationKind::VictorOps,
            &json!({"type": "VICTOR_OPS", "apiKey": "k"}),
        )
        .unwrap()
        .values;
        assert!(check_required(IntegrationKind::VictorOps, &v).is_ok());
        apply_defaults(IntegrationKind::VictorOps, &mut v);
        assert_eq!(v.len(), 1);
        let p = parse_fields(
            IntegrationKind::Prometheus,
            &json!({"type": "PROMETHEUS", "username": "u", "serviceDiscovery": "http"}),
        )
        .unwrap()
        .values;
        assert_eq!(
            check_required(IntegrationKind::Prometheus, &p)
                .unwrap_err()
                .detail,
            "The required attribute enabled was not specified."
        );
    }

    #[test]
    fn nulls_are_collected_for_a_merging_put() {
        let sent = parse_fields(
            IntegrationKind::Webhook,
            &json!({"type": "WEBHOOK", "url": "https://h.example/x", "secret": null, "bodyTemplate": null}),
        )
        .unwrap();
        assert_eq!(sent.values.len(), 1);
        assert_eq!(
            sent.nulled.into_iter().collect::<Vec<_>>(),
            ["bodyTemplate", "secret"]
        );
    }

    #[test]
    fn new_relic_keys_come_back_in_clear_and_teams_url_masked_as_a_url() {
        let mut nr = Integration::new(IntegrationKind::NewRelic);
        nr.values = parse_fields(
            IntegrationKind::NewRelic,
            &json!({"type": "NEW_RELIC", "accountId": "bcc3c81b344a6030a3935c2527e2216535af7718",
                    "licenseKey": "bc3768f44193c282b2688ab39e00f8e4fc8d75ea",
                    "readToken": "193c96aee4a3ac640b98634562e2631f17ae0a69",
                    "writeToken": "a67b10e5cd7f8fb6a34b501136c409f373edc218"}),
        )
        .unwrap()
        .values;
        // As the docs pages show it.
        assert_eq!(
            render(&nr),
            json!({"type": "NEW_RELIC", "accountId": "bcc3c81b344a6030a3935c2527e2216535af7718",
                   "licenseKey": "bc3768f44193c282b2688ab39e00f8e4fc8d75ea",
                   "readToken": "193c96aee4a3ac640b98634562e2631f17ae0a69",
                   "writeToken": "a67b10e5cd7f8fb6a34b501136c409f373edc218"})
        );
        let mut teams = Integration::new(IntegrationKind::MicrosoftTeams);
        teams.values = parse_fields(
            IntegrationKind::MicrosoftTeams,
            &json!({"type": "MICROSOFT_TEAMS", "microsoftTeamsWebhookUrl": "https://webhook.com/webhookb2/abcd"}),
        )
        .unwrap()
        .values;
        assert_eq!(
            render(&teams)["microsoftTeamsWebhookUrl"],
            json!("https://webhook.com/****abcd")
        );
    }

    #[test]
    fn a_template_is_never_refused_for_its_length() {
        let big = "x".repeat(64 * 1024);
        let sent = parse_fields(
            IntegrationKind::Webhook,
            &json!({"type": "WEBHOOK", "url": "https://h.example/x", "bodyTemplate": big}),
        )
        .unwrap();
        assert!(sent.values.contains_key("bodyTemplate"));
    }
}
