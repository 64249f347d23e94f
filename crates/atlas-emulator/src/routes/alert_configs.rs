//! `GET|POST /api/atlas/v2/groups/{groupId}/alertConfigs` and
//! `GET|PUT|DELETE …/alertConfigs/{alertConfigId}` (listGroupAlertConfigs,
//! createGroupAlertConfig, getGroupAlertConfig, updateGroupAlertConfig,
//! deleteGroupAlertConfig). As recorded: POST answers 201 with the configuration and a
//! `Location`, PUT 200 with it, DELETE 204. Reads need Project Read Only; writes Project Owner
//! or Organization Owner (the spec names "Project Alerts Manager", a role the emulator does
//! not model [unverified]).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Extension;
use serde_json::{json, Value};

use super::{check_group_id, project_for, project_for_mut, Access};
use crate::alerts::{self, Source};
use crate::errors::ApiError;
use crate::handle::Emulator;
use crate::identity::{new_object_id, now, Principal};
use crate::response::{base_url, no_content, ok, paginated, single, Params};
use crate::wire;
use atlas_registry::is_group_id;

/// Atlas's API error list: 404 "An invalid alert configuration ID <ID> was specified."
fn check_ids(group_id: &str, alert_config_id: &str) -> Result<(), ApiError> {
    check_group_id(group_id)?;
    if is_group_id(alert_config_id) {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "INVALID_ALERT_CONFIG_ID",
            format!("An invalid alert configuration ID {alert_config_id} was specified."),
        )
        .param(alert_config_id))
    }
}

/// Atlas's API error list: 404 "No alert configuration with ID <ID> exists in group <group>."
fn not_found(group_id: &str, alert_config_id: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "ALERT_CONFIG_NOT_FOUND",
        format!("No alert configuration with ID {alert_config_id} exists in group {group_id}."),
    )
    .param(alert_config_id)
    .param(group_id)
}

fn body_json(body: &Bytes) -> Result<Value, ApiError> {
    serde_json::from_slice(body).map_err(|_| wire::invalid_json())
}

fn path_of(group_id: &str) -> String {
    format!("/api/atlas/v2/groups/{group_id}/alertConfigs")
}

pub async fn list(
    State(emu): State<Emulator>,
    Extension(principal): Extension<Principal>,
    Path(group_id): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(query.as_deref())?;
    let base = base_url(&headers);
    let items = emu.with_store(|s| {
        let p = project_for(s, &principal, &group_id, Access::Read)?;
        Ok::<_, ApiError>(
            p.alert_configs
                .values()
                .map(|c| alerts::render(&base, &p.id, c, &p.integrations, false))
                .collect::<Vec<_>>(),
        )
    })?;
    Ok(ok(
        params,
        &paginated(&base, &path_of(&group_id), params, items),
    ))
}

pub async fn get_one(
    State(emu): State<Emulator>,
    Extension(principal): Extension<Principal>,
    Path((group_id, alert_config_id)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(query.as_deref())?;
    check_ids(&group_id, &alert_config_id)?;
    let base = base_url(&headers);
    let item = emu.with_store(|s| {
        let p = project_for(s, &principal, &group_id, Access::Read)?;
        p.alert_configs
            .get(&alert_config_id)
            .map(|c| alerts::render(&base, &p.id, c, &p.integrations, true))
            .ok_or_else(|| not_found(&group_id, &alert_config_id))
    })?;
    Ok(ok(params, &single(params, item)))
}

pub async fn create(
    State(emu): State<Emulator>,
    Extension(principal): Extension<Principal>,
    Path(group_id): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let params = Params::parse(query.as_deref())?;
    check_group_id(&group_id)?;
    let base = base_url(&headers);
    let (id, item) = emu
        .mutate(|s| {
            let p = project_for_mut(s, &principal, &group_id, Access::Write)?;
            let sent = body_json(&body)?;
            let read =
                alerts::read_body(&sent, &p.integrations, Source::Request { previous: None })?;
            let (id, at) = (new_object_id(), now());
            let config = read.into_config(id.clone(), at.clone(), at);
            let item = alerts::render(&base, &p.id, &config, &p.integrations, true);
            p.alert_configs.insert(id.clone(), config);
            Ok((id, item))
        })
        .await?;
    // Recorded: 201 Created (the spec says 200) with the configuration's URL in `Location`.
    let body = if params.envelope {
        json!({"status": 201, "content": item})
    } else {
        item
    };
    let mut resp = ok(params, &body);
    *resp.status_mut() = StatusCode::CREATED;
    if let Ok(v) = HeaderValue::from_str(&format!("{base}{}/{id}", path_of(&group_id))) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    Ok(resp)
}

/// The body replaces the configuration (recorded: a PUT without `enabled` answers `false`);
/// `id` and `created` stay, `updated` is now. A notification that names one of the
/// configuration's `notifierId`s keeps its credentials when it sends none (`alerts`).
pub async fn update(
    State(emu): State<Emulator>,
    Extension(principal): Extension<Principal>,
    Path((group_id, alert_config_id)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let params = Params::parse(query.as_deref())?;
    check_ids(&group_id, &alert_config_id)?;
    let base = base_url(&headers);
    let item = emu
        .mutate(|s| {
            let p = project_for_mut(s, &principal, &group_id, Access::Write)?;
            let previous = p
                .alert_configs
                .get(&alert_config_id)
                .ok_or_else(|| not_found(&group_id, &alert_config_id))?;
            let sent = body_json(&body)?;
            let read = alerts::read_body(
                &sent,
                &p.integrations,
                Source::Request {
                    previous: Some(previous),
                },
            )?;
            let config = read.into_config(alert_config_id.clone(), previous.created.clone(), now());
            let item = alerts::render(&base, &p.id, &config, &p.integrations, true);
            p.alert_configs.insert(alert_config_id.clone(), config);
            Ok(item)
        })
        .await?;
    Ok(ok(params, &single(params, item)))
}

pub async fn delete(
    State(emu): State<Emulator>,
    Extension(principal): Extension<Principal>,
    Path((group_id, alert_config_id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    Params::parse(query.as_deref())?;
    check_ids(&group_id, &alert_config_id)?;
    emu.mutate(|s| {
        let p = project_for_mut(s, &principal, &group_id, Access::Write)?;
        p.alert_configs
            .remove(&alert_config_id)
            .map(|_| ())
            .ok_or_else(|| not_found(&group_id, &alert_config_id))
    })
    .await?;
    Ok(no_content())
}
