//! `GET /api/atlas/v2/groups/{groupId}/events[/{eventId}]` (listGroupEvents, getGroupEvent):
//! the integration events `events` records, newest first, paged like every list, filtered by
//! `eventType`, `excludedEventType`, `minDate`, `maxDate`; `raw` with `includeRaw=true`.
//! The spec's `x-rolesRequirements` is Project Read Only: any member may read them.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Extension;

use super::{project_for, Access};
use crate::errors::ApiError;
use crate::events::{render, Filter};
use crate::handle::Emulator;
use crate::identity::Principal;
use crate::response::{base_url, ok, paginated_with_query, single, Params};

pub async fn list(
    State(emu): State<Emulator>,
    Extension(principal): Extension<Principal>,
    Path(group_id): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(query.as_deref())?;
    let filter = Filter::parse(query.as_deref())?;
    let base = base_url(&headers);
    let items = emu.with_store(|s| {
        let p = project_for(s, &principal, &group_id, Access::Read)?;
        // Stored oldest first; served newest first [unverified: the spec gives no order].
        Ok::<_, ApiError>(
            p.events
                .iter()
                .rev()
                .filter(|e| filter.matches(e))
                .map(|e| render(&base, &s.org_id, &p.id, &p.name, e, filter.include_raw))
                .collect::<Vec<_>>(),
        )
    })?;
    let path = format!("/api/atlas/v2/groups/{group_id}/events");
    Ok(ok(
        params,
        &paginated_with_query(&base, &path, &filter.to_query(), params, items),
    ))
}

pub async fn get_one(
    State(emu): State<Emulator>,
    Extension(principal): Extension<Principal>,
    Path((group_id, event_id)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(query.as_deref())?;
    let filter = Filter::parse(query.as_deref())?;
    let base = base_url(&headers);
    let item = emu.with_store(|s| {
        let p = project_for(s, &principal, &group_id, Access::Read)?;
        p.events
            .iter()
            .find(|e| e.id == event_id)
            .map(|e| render(&base, &s.org_id, &p.id, &p.name, e, filter.include_raw))
            // [unverified] code: a missing event's 404 was never recorded.
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::NOT_FOUND,
                    "RESOURCE_NOT_FOUND",
                    format!("Cannot find resource event {event_id}."),
                )
                .param(event_id.as_str())
            })
    })?;
    Ok(ok(params, &single(params, item)))
}
