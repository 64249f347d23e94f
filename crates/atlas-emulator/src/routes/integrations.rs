//! `GET|POST|PUT|DELETE /api/atlas/v2/groups/{groupId}/integrations[/{integrationType}]`.
//! POST and PUT answer 200 with the paginated list of all the project's integrations.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Extension;
use serde_json::Value;

use super::{check_group_id, project_for, project_for_mut, Access};
use crate::errors::ApiError;
use crate::events::{self, Event};
use crate::handle::Emulator;
use crate::identity::{new_object_id, Principal, RemoteAddress};
use crate::response::{base_url, no_content, ok, paginated, single, Params};
use crate::state::Project;
use crate::wire;
use crate::PutMode;
use atlas_registry::{Integration, IntegrationKind};

/// The path's type. [unverified] A type outside the enum is a 400 with Atlas's generic enum
/// error; Atlas may answer 404 instead.
fn kind_of(group_id: &str, wire_type: &str) -> Result<IntegrationKind, ApiError> {
    check_group_id(group_id)?;
    IntegrationKind::from_wire(wire_type).ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "INVALID_ENUM_VALUE",
            format!("An invalid enumeration value {wire_type} was specified."),
        )
        .param(wire_type)
    })
}

/// [unverified] code and text: the 404 body for an unconfigured type was never recorded.
fn not_configured(kind: IntegrationKind) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "INTEGRATION_NOT_CONFIGURED",
        format!("No integration of type '{kind}' is configured for this group."),
    )
    .param(kind.as_wire())
}

fn rendered(project: &Project) -> Vec<Value> {
    project.integrations.values().map(wire::render).collect()
}

fn body_json(body: &Bytes) -> Result<Value, ApiError> {
    serde_json::from_slice(body).map_err(|_| wire::invalid_json())
}

pub async fn list(
    State(emu): State<Emulator>,
    Extension(principal): Extension<Principal>,
    Path(group_id): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(query.as_deref())?;
    let items =
        emu.with_store(|s| project_for(s, &principal, &group_id, Access::Read).map(rendered))?;
    let path = format!("/api/atlas/v2/groups/{group_id}/integrations");
    Ok(ok(
        params,
        &paginated(&base_url(&headers), &path, params, items),
    ))
}

pub async fn get_one(
    State(emu): State<Emulator>,
    Extension(principal): Extension<Principal>,
    Path((group_id, wire_type)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(query.as_deref())?;
    let kind = kind_of(&group_id, &wire_type)?;
    let item = emu.with_store(|s| {
        let project = project_for(s, &principal, &group_id, Access::Read)?;
        project
            .integrations
            .get(&kind)
            .map(wire::render)
            .ok_or_else(|| not_configured(kind))
    })?;
    Ok(ok(params, &single(params, item)))
}

pub async fn create(
    State(emu): State<Emulator>,
    Extension(principal): Extension<Principal>,
    Extension(RemoteAddress(remote)): Extension<RemoteAddress>,
    Path((group_id, wire_type)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let params = Params::parse(query.as_deref())?;
    let kind = kind_of(&group_id, &wire_type)?;
    let items = emu
        .mutate(|s| {
            let caller = s.caller(&principal, remote.clone());
            let project = project_for_mut(s, &principal, &group_id, Access::Write)?;
            let mut values = wire::parse_fields(kind, &body_json(&body)?)?.values;
            wire::check_required(kind, &values)?;
            // As TF #1038 shows: one configuration per type, a second POST is a conflict.
            if project.integrations.contains_key(&kind) {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "INTEGRATION_ALREADY_CONFIGURED",
                    format!(
                        "The integration of type '{kind}' is already configured for this group."
                    ),
                )
                .param(kind.as_wire()));
            }
            wire::apply_defaults(kind, &mut values);
            project.integrations.insert(
                kind,
                Integration {
                    id: Some(new_object_id()),
                    values,
                    ..Integration::new(kind)
                },
            );
            events::push(
                &mut project.events,
                Event::new(events::CONFIGURED, kind, &caller),
            );
            Ok(rendered(project))
        })
        .await?;
    let path = format!("/api/atlas/v2/groups/{group_id}/integrations/{kind}");
    Ok(ok(
        params,
        &paginated(&base_url(&headers), &path, params, items),
    ))
}

/// PUT, by `--put-mode` (docs/atlas-facts.md, Writes: v2 does not document it):
/// - merge (the v1 docs' wording): fields sent replace stored ones, omitted fields keep
///   their values, a field sent as `null` is removed (JSON merge-patch semantics: whether
///   Atlas does this is [unverified]), a missing type is created (then its required fields
///   must be sent);
/// - replace: the body is the whole new configuration; a missing type is a 404 and missing
///   required fields a 400.
pub async fn update(
    State(emu): State<Emulator>,
    Extension(principal): Extension<Principal>,
    Extension(RemoteAddress(remote)): Extension<RemoteAddress>,
    Path((group_id, wire_type)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let params = Params::parse(query.as_deref())?;
    let kind = kind_of(&group_id, &wire_type)?;
    let mode = emu.put_mode();
    let items = emu
        .mutate(|s| {
            let caller = s.caller(&principal, remote.clone());
            let project = project_for_mut(s, &principal, &group_id, Access::Write)?;
            let sent = wire::parse_fields(kind, &body_json(&body)?)?;
            let existing = project.integrations.get(&kind);
            let (id, mut values) = match (mode, existing) {
                (PutMode::Merge, Some(current)) => {
                    let mut values = current.values.clone();
                    values.retain(|name, _| !sent.nulled.contains(name));
                    values.extend(sent.values);
                    (current.id.clone(), values)
                }
                (PutMode::Merge, None) => (None, sent.values),
                (PutMode::Replace, Some(current)) => (current.id.clone(), sent.values),
                (PutMode::Replace, None) => return Err(not_configured(kind)),
            };
            wire::check_required(kind, &values)?;
            wire::apply_defaults(kind, &mut values);
            let id = id.unwrap_or_else(new_object_id);
            project.integrations.insert(
                kind,
                Integration {
                    id: Some(id),
                    values,
                    ..Integration::new(kind)
                },
            );
            // Both PUT modes, and a merging PUT that creates the type: Atlas has no
            // "updated" event type, so every successful write is INTEGRATION_CONFIGURED.
            events::push(
                &mut project.events,
                Event::new(events::CONFIGURED, kind, &caller),
            );
            Ok(rendered(project))
        })
        .await?;
    let path = format!("/api/atlas/v2/groups/{group_id}/integrations/{kind}");
    Ok(ok(
        params,
        &paginated(&base_url(&headers), &path, params, items),
    ))
}

pub async fn delete(
    State(emu): State<Emulator>,
    Extension(principal): Extension<Principal>,
    Extension(RemoteAddress(remote)): Extension<RemoteAddress>,
    Path((group_id, wire_type)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    Params::parse(query.as_deref())?;
    let kind = kind_of(&group_id, &wire_type)?;
    emu.mutate(|s| {
        let caller = s.caller(&principal, remote.clone());
        let project = project_for_mut(s, &principal, &group_id, Access::Write)?;
        project
            .integrations
            .remove(&kind)
            .ok_or_else(|| not_configured(kind))?;
        events::push(
            &mut project.events,
            Event::new(events::REMOVED, kind, &caller),
        );
        Ok(())
    })
    .await?;
    Ok(no_content())
}
