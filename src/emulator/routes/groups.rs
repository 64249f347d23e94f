//! `GET /api/atlas/v2/groups` (the caller's projects, by name) and `GET …/groups/{groupId}`.

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Extension;
use serde_json::{json, Value};

use super::{project_for, Access};
use crate::emulator::errors::ApiError;
use crate::emulator::response::{base_url, ok, paginated, single, Params};
use crate::emulator::server::Emulator;
use crate::emulator::state::{Principal, Project};

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
