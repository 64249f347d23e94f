//! Atlas's JSON on the wire: the `ApiError` body (and the OAuth endpoints' RFC 6749 error
//! body), the status-to-error mapping, the pagination envelope, `Group` and the token answer.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde_json::Value;

use super::{Actor, AlertConfig, ApiErrorInfo, AtlasError, Event, FieldViolation, Page, Project};
use atlas_registry::{Integration, IntegrationParseError};

/// The media type of every groups and integrations call (docs/atlas-facts.md).
pub const ATLAS_MEDIA_TYPE: &str = "application/vnd.atlas.2023-01-01+json";

const X_ERROR_CODE: &str = "x-error-code";

/// The error details from an error answer. Tolerant: a body that is not JSON (a proxy's HTML
/// page) still yields the status and the `X-Error-Code` header.
pub fn error_info(status: u16, headers: &HeaderMap, body: &[u8]) -> ApiErrorInfo {
    let header_code = headers
        .get(X_ERROR_CODE)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    let json: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let text = |k: &str| json.get(k).and_then(Value::as_str).map(str::to_owned);
    // OAuth endpoints answer `{"error": "invalid_client", "error_description": …}` instead.
    let error_code = text("errorCode")
        .or(header_code)
        .or_else(|| text("error"))
        .unwrap_or_default();
    let detail = text("detail")
        .or_else(|| text("error_description"))
        .or_else(|| text("reason"))
        .unwrap_or_else(|| {
            reqwest::StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("error")
                .to_owned()
        });
    let parameters = json
        .get("parameters")
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .map(|p| match p {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        })
        .unwrap_or_default();
    let fields = json
        .pointer("/badRequestDetail/fields")
        .and_then(Value::as_array)
        .map(|fs| {
            fs.iter()
                .filter_map(|f| {
                    Some(FieldViolation {
                        field: f.get("field")?.as_str()?.to_owned(),
                        description: f
                            .get("description")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    ApiErrorInfo {
        status,
        error_code,
        detail,
        parameters,
        fields,
    }
}

/// `Retry-After`: delta-seconds, as Atlas sends it, or an HTTP-date (RFC 9110 §10.2.3), which
/// counts from now and is zero when already past. Anything else counts as absent.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    retry_after_at(headers, SystemTime::now())
}

fn retry_after_at(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The typed error for a non-success answer (docs/atlas-facts.md, Errors).
pub fn error_from_response(status: u16, headers: &HeaderMap, body: &[u8]) -> AtlasError {
    let info = error_info(status, headers, body);
    match status {
        401 => AtlasError::Unauthorized(info),
        403 => AtlasError::Forbidden(info),
        404 if info.error_code == "GROUP_NOT_FOUND" => AtlasError::GroupNotFound(info),
        404 => AtlasError::NotFound(info),
        409 if info.error_code == "INTEGRATION_ALREADY_CONFIGURED" => {
            AtlasError::AlreadyConfigured(info)
        }
        429 => AtlasError::RateLimited {
            info,
            retry_after: retry_after(headers),
        },
        400..=499 => AtlasError::Invalid(info),
        500..=599 => AtlasError::Server(info),
        _ => AtlasError::UnexpectedResponse(format!("HTTP status {status}")),
    }
}

fn unexpected(what: &str, e: impl std::fmt::Display) -> AtlasError {
    AtlasError::UnexpectedResponse(format!("{what}: {e}"))
}

/// The pagination envelope `{links, results, totalCount}`; `totalCount` is optional.
pub fn parse_page<T>(
    body: &[u8],
    mut item: impl FnMut(&Value) -> Result<Option<T>, AtlasError>,
) -> Result<Page<T>, AtlasError> {
    let json: Value = serde_json::from_slice(body).map_err(|e| unexpected("list body", e))?;
    let results = json
        .get("results")
        .and_then(Value::as_array)
        .ok_or_else(|| AtlasError::UnexpectedResponse("list without results".into()))?;
    let mut out = Vec::with_capacity(results.len());
    for r in results {
        if let Some(t) = item(r)? {
            out.push(t);
        }
    }
    Ok(Page {
        results: out,
        total_count: json.get("totalCount").and_then(Value::as_u64),
    })
}

/// A `Group` from `GET /groups`. `id` and `name` are required; the rest defaults.
pub fn parse_project(v: &Value) -> Result<Option<Project>, AtlasError> {
    let text = |k: &str| v.get(k).and_then(Value::as_str);
    let (Some(id), Some(name)) = (text("id"), text("name")) else {
        return Err(AtlasError::UnexpectedResponse(
            "project without id or name".into(),
        ));
    };
    Ok(Some(Project {
        id: id.to_owned(),
        name: name.to_owned(),
        org_id: text("orgId").unwrap_or_default().to_owned(),
        cluster_count: v.get("clusterCount").and_then(Value::as_u64).unwrap_or(0),
        created: text("created").unwrap_or_default().to_owned(),
    }))
}

/// One integration. A type this build does not know (Atlas added one, or removed it from the
/// enum like `S3_LOG_EXPORT`) is skipped rather than failing the whole list.
pub fn parse_integration_item(v: &Value) -> Result<Option<Integration>, AtlasError> {
    match Integration::from_json(v) {
        Ok(i) => Ok(Some(i)),
        Err(IntegrationParseError::UnknownType) => {
            let ty = v.get("type").and_then(Value::as_str).unwrap_or("(none)");
            tracing::warn!(
                integration_type = ty,
                "skipping an integration of unknown type"
            );
            Ok(None)
        }
        Err(e) => Err(unexpected("integration", e)),
    }
}

/// One event of listGroupEvents (`DefaultEventViewForNdsGroup`). `id`, `created` and
/// `eventTypeName` are required by the spec; the rest is optional and read defensively.
pub fn parse_event(v: &Value) -> Result<Option<Event>, AtlasError> {
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    let (Some(id), Some(created), Some(event_type)) =
        (text(v, "id"), text(v, "created"), text(v, "eventTypeName"))
    else {
        return Err(AtlasError::UnexpectedResponse(
            "event without id, created or eventTypeName".into(),
        ));
    };
    Ok(Some(Event {
        id,
        created,
        event_type,
        actor: actor_of(v),
        remote_address: text(v, "remoteAddress"),
    }))
}

/// Who made the change, from the fields the spec documents: `delegatePrincipal` (an
/// application acting for someone), `publicKey` / `apiKeyId` (an API key; "if this resource
/// returns this parameter, it doesn't return the `userId` parameter"), `username` / `userId`
/// (a person).
fn actor_of(v: &Value) -> Actor {
    let text = |v: &Value, k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let principal_name = |p: &Value| text(p, "name").or_else(|| text(p, "id"));
    if let Some(delegate) = v.get("delegatePrincipal").filter(|p| p.is_object()) {
        if let Some(name) = principal_name(delegate) {
            let on_behalf_of = delegate
                .get("onBehalfOf")
                .and_then(principal_name)
                .or_else(|| text(v, "username"));
            return Actor::Delegate { name, on_behalf_of };
        }
    }
    if let Some(key) = text(v, "publicKey") {
        // [unverified] (see `Actor::ServiceAccount`).
        if key.starts_with("mdb_sa_id_") {
            return Actor::ServiceAccount(key);
        }
        return Actor::ApiKey(key);
    }
    if let Some(user) = text(v, "username").or_else(|| text(v, "userId")) {
        return Actor::User(user);
    }
    if let Some(id) = text(v, "apiKeyId") {
        return Actor::ApiKeyId(id);
    }
    Actor::Unstated
}

/// `GET /groups/{groupId}`'s body: one project.
pub fn parse_one_project(body: &[u8]) -> Result<Project, AtlasError> {
    let json: Value = serde_json::from_slice(body).map_err(|e| unexpected("project body", e))?;
    parse_project(&json)?.ok_or_else(|| AtlasError::UnexpectedResponse("empty project".into()))
}

/// A single integration (`GET …/integrations/{type}`).
pub fn parse_integration(body: &[u8]) -> Result<Integration, AtlasError> {
    let json: Value =
        serde_json::from_slice(body).map_err(|e| unexpected("integration body", e))?;
    Integration::from_json(&json).map_err(|e| unexpected("integration", e))
}

/// One alert configuration of listGroupAlertConfigs. Its shape is kept whole
/// (`AlertConfig::other`), so only a missing `id` or `eventTypeName` refuses it.
pub fn parse_alert_config_item(v: &Value) -> Result<Option<AlertConfig>, AtlasError> {
    AlertConfig::from_json(v)
        .map(Some)
        .map_err(|e| unexpected("alert configuration", e))
}

/// A single alert configuration (the answer to getGroupAlertConfig or a PUT).
pub fn parse_alert_config(body: &[u8]) -> Result<AlertConfig, AtlasError> {
    let json: Value =
        serde_json::from_slice(body).map_err(|e| unexpected("alert configuration body", e))?;
    AlertConfig::from_json(&json).map_err(|e| unexpected("alert configuration", e))
}

/// The token endpoint's answer.
#[derive(Debug)]
pub struct TokenAnswer {
    pub access_token: super::SecretValue,
    pub expires_in: Duration,
}

/// `{access_token, token_type: "Bearer", expires_in}`; a missing `expires_in` is taken as
/// Atlas's documented hour.
pub fn parse_token(body: &[u8]) -> Result<TokenAnswer, AtlasError> {
    let json: Value = serde_json::from_slice(body).map_err(|e| unexpected("token body", e))?;
    let token = json
        .get("access_token")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            AtlasError::UnexpectedResponse("token answer without access_token".into())
        })?;
    if let Some(kind) = json.get("token_type").and_then(Value::as_str) {
        if !kind.eq_ignore_ascii_case("bearer") {
            return Err(AtlasError::UnexpectedResponse(format!("token type {kind}")));
        }
    }
    let expires_in = json
        .get("expires_in")
        .and_then(Value::as_u64)
        .unwrap_or(3600);
    Ok(TokenAnswer {
        access_token: super::SecretValue::new(token),
        expires_in: Duration::from_secs(expires_in),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use atlas_registry::IntegrationKind;
    use reqwest::header::HeaderValue;

    const RECORDED_DIR: &str =
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/recorded");

    /// The status, headers and body of a recorded `.snaphost` exchange.
    fn recorded(name_part: &str) -> (u16, HeaderMap, Vec<u8>) {
        let dir = std::fs::read_dir(RECORDED_DIR).unwrap();
        let path = dir
            .map(|e| e.unwrap().path())
            .find(|p| p.to_string_lossy().contains(name_part))
            .unwrap_or_else(|| panic!("no recording matching {name_part}"));
        let text = std::fs::read_to_string(path).unwrap();
        let (head, body) = text
            .split_once("\r\n\r\n")
            .or_else(|| text.split_once("\n\n"))
            .unwrap();
        let mut lines = head.lines();
        let status: u16 = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let mut headers = HeaderMap::new();
        for l in lines {
            let (k, v) = l.split_once(':').unwrap();
            headers.append(
                reqwest::header::HeaderName::from_bytes(k.trim().to_ascii_lowercase().as_bytes())
                    .unwrap(),
                HeaderValue::from_str(v.trim()).unwrap(),
            );
        }
        (status, headers, body.trim_end().as_bytes().to_vec())
    }

    #[test]
    fn recorded_group_not_found_maps_to_its_variant_with_parameters() {
        let (status, headers, body) = recorded("databaseUsers_2");
        assert_eq!(status, 404);
        match error_from_response(status, &headers, &body) {
            AtlasError::GroupNotFound(info) => {
                assert_eq!(info.status, 404);
                assert_eq!(info.error_code, "GROUP_NOT_FOUND");
                assert_eq!(
                    info.detail,
                    "No group with ID 111111111111111111111111 exists."
                );
                assert_eq!(
                    info.parameters,
                    vec!["111111111111111111111111".to_string()]
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn recorded_digest_challenge_is_unauthorized() {
        let (status, headers, body) = recorded("databaseUsers_1");
        let e = error_from_response(status, &headers, &body);
        assert!(
            matches!(&e, AtlasError::Unauthorized(i) if i.error_code == "UNEXPECTED_ERROR"
            && i.detail == "You are not authorized for this resource."),
            "{e:?}"
        );
    }

    #[test]
    fn x_error_code_header_fills_in_when_the_body_is_unreadable() {
        let mut h = HeaderMap::new();
        h.insert("x-error-code", HeaderValue::from_static("GROUP_NOT_FOUND"));
        let e = error_from_response(404, &h, b"<html>gateway</html>");
        assert!(
            matches!(&e, AtlasError::GroupNotFound(i) if i.detail == "Not Found"),
            "{e:?}"
        );
        let e = error_from_response(404, &HeaderMap::new(), b"");
        assert!(matches!(e, AtlasError::NotFound(_)), "{e:?}");
    }

    #[test]
    fn bad_request_detail_fields_and_non_string_parameters() {
        let body = br#"{"error":400,"errorCode":"INVALID_ATTRIBUTE","detail":"Invalid attribute apiKey specified.","parameters":["apiKey",3],"reason":"Bad Request","badRequestDetail":{"fields":[{"field":"apiKey","description":"must be hexadecimal"},{"nofield":1}]}}"#;
        match error_from_response(400, &HeaderMap::new(), body) {
            AtlasError::Invalid(info) => {
                assert_eq!(info.error_code, "INVALID_ATTRIBUTE");
                assert_eq!(info.parameters, vec!["apiKey".to_string(), "3".to_string()]);
                assert_eq!(
                    info.fields,
                    vec![FieldViolation {
                        field: "apiKey".into(),
                        description: "must be hexadecimal".into()
                    }]
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn status_mapping() {
        let h = HeaderMap::new();
        let body = |code: &str| format!(r#"{{"error":0,"errorCode":"{code}","detail":"d"}}"#);
        let map = |s: u16, code: &str| error_from_response(s, &h, body(code).as_bytes());
        assert!(matches!(map(401, "X"), AtlasError::Unauthorized(_)));
        assert!(matches!(map(403, "X"), AtlasError::Forbidden(_)));
        assert!(matches!(
            map(404, "GROUP_NOT_FOUND"),
            AtlasError::GroupNotFound(_)
        ));
        assert!(matches!(
            map(404, "INTEGRATION_NOT_CONFIGURED"),
            AtlasError::NotFound(_)
        ));
        assert!(matches!(
            map(409, "INTEGRATION_ALREADY_CONFIGURED"),
            AtlasError::AlreadyConfigured(_)
        ));
        assert!(matches!(map(409, "OTHER_CONFLICT"), AtlasError::Invalid(_)));
        assert!(matches!(
            map(406, "INVALID_VERSION_DATE"),
            AtlasError::Invalid(_)
        ));
        assert!(matches!(
            map(500, "UNEXPECTED_ERROR"),
            AtlasError::Server(_)
        ));
        assert!(matches!(
            map(503, "SERVICE_UNAVAILABLE"),
            AtlasError::Server(_)
        ));
        assert!(matches!(map(302, "X"), AtlasError::UnexpectedResponse(_)));
    }

    #[test]
    fn rate_limited_carries_retry_after_seconds() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("55"));
        let body = br#"{"error":429,"errorCode":"RATE_LIMITED_TOKEN_BUCKET","detail":"Rate limit exceeded for api/atlas/v2/orgs. Please retry after 55 seconds.","parameters":["api/atlas/v2/orgs",55,10,5,60]}"#;
        match error_from_response(429, &h, body) {
            AtlasError::RateLimited { info, retry_after } => {
                assert_eq!(retry_after, Some(Duration::from_secs(55)));
                assert_eq!(info.error_code, "RATE_LIMITED_TOKEN_BUCKET");
                assert_eq!(info.parameters[1], "55");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn retry_after_as_a_date_counts_from_now() {
        let mut h = HeaderMap::new();
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        let at = httpdate::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").expect("a date");
        let before = at - Duration::from_secs(90);
        assert_eq!(retry_after_at(&h, before), Some(Duration::from_secs(90)));
        // A date already past means "now", not "absent".
        assert_eq!(
            retry_after_at(&h, at + Duration::from_secs(5)),
            Some(Duration::ZERO)
        );
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn oauth_error_body() {
        let body =
            br#"{"error":"invalid_client","error_description":"Client authentication failed."}"#;
        match error_from_response(401, &HeaderMap::new(), body) {
            AtlasError::Unauthorized(info) => {
                assert_eq!(info.error_code, "invalid_client");
                assert_eq!(info.detail, "Client authentication failed.");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn recorded_project_list_parses() {
        let (_, _, body) = recorded("TestAtlasProjects__List");
        let page = parse_page(&body, parse_project).unwrap();
        assert_eq!(page.total_count, Some(37));
        assert_eq!(page.results.len(), 37);
        let first = &page.results[0];
        assert_eq!(first.id, "b0123456789abcdef012345b");
        assert_eq!(first.name, "Atlas CLI E2E");
        assert_eq!(first.org_id, "a0123456789abcdef012345a");
        assert_eq!(first.cluster_count, 5);
        assert_eq!(first.created, "2020-07-02T09:19:46Z");
    }

    #[test]
    fn recorded_integration_list_and_single_parse() {
        let (_, _, body) = recorded("TestIntegrations__List__GET");
        let page = parse_page(&body, parse_integration_item).unwrap();
        assert_eq!(page.total_count, Some(5));
        let kinds: Vec<_> = page.results.iter().map(|i| i.kind).collect();
        assert_eq!(
            kinds,
            vec![
                IntegrationKind::PagerDuty,
                IntegrationKind::Datadog,
                IntegrationKind::OpsGenie,
                IntegrationKind::VictorOps,
                IntegrationKind::Webhook
            ]
        );
        let (_, _, body) = recorded("TestIntegrations__Describe");
        let w = parse_integration(&body).unwrap();
        assert_eq!(w.kind, IntegrationKind::Webhook);
        assert_eq!(w.text("url"), Some("https://example.com/****2101"));
    }

    #[test]
    fn unknown_types_are_skipped_and_broken_envelopes_refused() {
        let body = br#"{"results":[{"type":"S3_LOG_EXPORT","bucketName":"b"},{"type":"OPS_GENIE","apiKey":"****1111","region":"US"}]}"#;
        let page = parse_page(body, parse_integration_item).unwrap();
        assert_eq!(page.results.len(), 1);
        assert_eq!(page.total_count, None);
        assert!(matches!(
            parse_page(br#"{"links":[]}"#, parse_integration_item),
            Err(AtlasError::UnexpectedResponse(_))
        ));
        assert!(matches!(
            parse_page(
                br#"{"links":[{"href":"http://localhost/api/atlas/v2/gro"#,
                parse_project
            ),
            Err(AtlasError::UnexpectedResponse(_))
        ));
        assert!(matches!(
            parse_page(br#"{"results":[{"name":"no id"}]}"#, parse_project),
            Err(AtlasError::UnexpectedResponse(_))
        ));
    }

    #[test]
    fn token_answer() {
        let t = parse_token(br#"{"access_token":"abc","expires_in":120,"token_type":"Bearer"}"#)
            .unwrap();
        assert_eq!(t.access_token.expose(), "abc");
        assert_eq!(t.expires_in, Duration::from_secs(120));
        assert!(format!("{t:?}").contains("[redacted]"));
        assert!(parse_token(br#"{"token_type":"Bearer"}"#).is_err());
        assert!(parse_token(br#"{"access_token":"abc","token_type":"mac"}"#).is_err());
        assert_eq!(
            parse_token(br#"{"access_token":"a"}"#)
                .unwrap()
                .expires_in
                .as_secs(),
            3600
        );
    }

    /// Every way the spec names who made a change, and what is read when it names none.
    #[test]
    fn an_events_author_is_read_from_the_documented_fields() {
        let actor = |extra: serde_json::Value| {
            let mut v = serde_json::json!({"id": "a", "created": "2026-01-01T00:00:00Z",
                "eventTypeName": "INTEGRATION_CONFIGURED"});
            v.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            parse_event(&v).unwrap().unwrap().actor
        };
        use serde_json::json;
        assert_eq!(
            actor(json!({"apiKeyId": "32b6e34b3d91647abb20e7b8", "publicKey": "abcdefgh"})),
            Actor::ApiKey("abcdefgh".into())
        );
        assert_eq!(
            actor(json!({"apiKeyId": "32b6e34b3d91647abb20e7b8"})),
            Actor::ApiKeyId("32b6e34b3d91647abb20e7b8".into())
        );
        assert_eq!(
            actor(json!({"publicKey": "mdb_sa_id_6650f1a2b3c4d5e6f7a8b9d1"})),
            Actor::ServiceAccount("mdb_sa_id_6650f1a2b3c4d5e6f7a8b9d1".into())
        );
        assert_eq!(
            actor(json!({"userId": "32b6e34b3d91647abb20e7b8", "username": "a@b.example"})),
            Actor::User("a@b.example".into())
        );
        assert_eq!(
            actor(json!({"userId": "32b6e34b3d91647abb20e7b8"})),
            Actor::User("32b6e34b3d91647abb20e7b8".into())
        );
        assert_eq!(
            actor(
                json!({"delegatePrincipal": {"id": "app1", "name": "Grafana",
                "onBehalfOf": {"id": "u1", "name": "a@b.example"}}})
            ),
            Actor::Delegate {
                name: "Grafana".into(),
                on_behalf_of: Some("a@b.example".into())
            }
        );
        assert_eq!(
            actor(json!({"delegatePrincipal": {}, "raw": {"serviceAccountClientId": "x"}})),
            Actor::Unstated,
            "an empty principal, and nothing read from undocumented raw fields"
        );
    }
}
