//! `GET /api/atlas/v2/groups` (the caller's projects, by name) and `GET …/groups/{groupId}`.

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Extension;
use serde_json::{json, Value};

use super::{project_for, Access};
use crate::errors::ApiError;
use crate::handle::Emulator;
use crate::identity::Principal;
use crate::response::{base_url, ok, paginated, single, Params};
use crate::state::Project;

/// The `Group` object, as recorded in the list.
fn group_json(base: &str, org_id: &str, p: &Project) -> Value {
    json!({
        "clusterCount": p.cluster_count,
        "created": p.created,
        "id": p.id,
        "links": [{"href": format!("{base}/api/atlas/v2/groups/{}", p.id), "rel": "self"}],
        "name": p.name,
        "orgId": org_id,
        "tags": p.tags,
        "withDefaultAlertsSettings": true,
    })
}

pub async fn list(
    State(emu): State<Emulator>,
    Extension(principal): Extension<Principal>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(query.as_deref())?;
    let base = base_url(&headers);
    let items = emu.with_store(|s| {
        let mut visible: Vec<&Project> = s
            .projects
            .values()
            .filter(|p| s.role_of(&principal, &p.id).is_some())
            .collect();
        // Recorded: sorted by name, byte order (upper case first).
        visible.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
        visible
            .into_iter()
            .map(|p| group_json(&base, &s.org_id, p))
            .collect::<Vec<_>>()
    });
    Ok(ok(
        params,
        &paginated(&base, "/api/atlas/v2/groups", params, items),
    ))
}

pub async fn get_one(
    State(emu): State<Emulator>,
    Extension(principal): Extension<Principal>,
    Path(group_id): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(query.as_deref())?;
    let base = base_url(&headers);
    let group = emu.with_store(|s| {
        let p = project_for(s, &principal, &group_id, Access::Read)?;
        Ok::<_, ApiError>(group_json(&base, &s.org_id, p))
    })?;
    Ok(ok(params, &single(params, group)))
}

/// The spec's project-name pattern `^[\p{L}\p{N}\-_.(),:&@+']{1,64}$`.
fn valid_name(name: &str) -> bool {
    let n = name.chars().count();
    (1..=64).contains(&n)
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || "-_.(),:&@+'".contains(c))
}

/// `POST /api/atlas/v2/groups`, so the recorded E2E flow (which creates its project first)
/// replays. 201 with the `Group` as recorded (seven links, no `tags`), and the recorded odd
/// `Location`. [unverified] Only a credential owning every project (`"*"`) may create one
/// (Atlas needs Organization Project Creator); the creator gets Project Owner on it.
pub async fn create(
    State(emu): State<Emulator>,
    Extension(principal): Extension<Principal>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    use crate::document::{Role, Tag, ALL_PROJECTS};
    use axum::http::{header, HeaderValue, StatusCode};
    let params = Params::parse(query.as_deref())?;
    let base = base_url(&headers);
    let value: Value = serde_json::from_slice(&body).map_err(|_| crate::wire::invalid_json())?;
    let name = value
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let org_id = value
        .get("orgId")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if name.is_empty() {
        return Err(crate::wire::missing_attribute("name"));
    }
    if !valid_name(&name) {
        return Err(crate::wire::invalid_attribute("name"));
    }
    let tags: Vec<Tag> = match value.get("tags") {
        None | Some(Value::Null) => Vec::new(),
        Some(t) => {
            serde_json::from_value(t.clone()).map_err(|_| crate::wire::invalid_attribute("tags"))?
        }
    };
    let group = emu
        .mutate(|s| {
            if org_id.is_empty() {
                return Err(crate::wire::missing_attribute("orgId"));
            }
            if org_id != s.org_id {
                return Err(ApiError::new(StatusCode::NOT_FOUND, "ORG_NOT_FOUND", format!("No organization with ID {org_id} exists."))
                    .param(org_id.clone()));
            }
            if !matches!(
                s.role_of(&principal, ALL_PROJECTS),
                Some(Role::Owner | Role::OrgOwner)
            ) {
                return Err(ApiError::read_only());
            }
            if s.projects.values().any(|p| p.name == name) {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "GROUP_ALREADY_EXISTS",
                    format!("A group with name \"{name}\" already exists."),
                )
                .param(name.clone()));
            }
            let id = crate::identity::new_object_id();
            let created = time::OffsetDateTime::now_utc()
                .replace_nanosecond(0)
                .ok()
                .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
                .unwrap_or_else(|| "2026-01-01T00:00:00Z".into());
            let project = Project {
                id: id.clone(),
                name: name.clone(),
                created,
                cluster_count: 0,
                tags,
                integrations: Default::default(),
                events: Default::default(),
                alert_configs: Default::default(),
            };
            let mut g = group_json(&base, &s.org_id, &project);
            if let Some(obj) = g.as_object_mut() {
                obj.remove("tags");
                let mut links = vec![json!({"href": format!("{base}/api/atlas/v2/groups/{id}"), "rel": "self"})];
                for sub in ["containers", "clusters", "databaseUsers", "peers", "processes", "whitelist"] {
                    links.push(json!({"href": format!("{base}/api/atlas/v2/groups/{id}/{sub}"), "rel": format!("https://cloud.mongodb.com/{sub}")}));
                }
                obj.insert("links".into(), Value::Array(links));
            }
            s.projects.insert(id, project);
            Ok(g)
        })
        .await?;
    let mut resp = ok(params, &single(params, group));
    *resp.status_mut() = StatusCode::CREATED;
    if let Ok(v) = HeaderValue::from_str(&format!("{base}//api/atlas/v1.0")) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    Ok(resp)
}

/// Any other path under a project: the project is checked first (so an unknown one is the
/// recorded 404 GROUP_NOT_FOUND), then the resource is not emulated.
pub async fn other(
    State(emu): State<Emulator>,
    Extension(principal): Extension<Principal>,
    Path((group_id, rest)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    emu.with_store(|s| project_for(s, &principal, &group_id, Access::Read).map(|_| ()))?;
    Err(not_emulated(&format!(
        "/api/atlas/v2/groups/{group_id}/{rest}"
    )))
}

/// Any other API path, once authenticated. [unverified] code.
pub async fn unknown(uri: axum::http::Uri) -> ApiError {
    not_emulated(uri.path())
}

fn not_emulated(path: &str) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::NOT_FOUND,
        "RESOURCE_NOT_FOUND",
        format!("Cannot find resource {path}."),
    )
    .param(path)
}
