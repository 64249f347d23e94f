//! The API handlers. Each checks, in order: path parameters (400), the project (404), the
//! caller's role on it (401 not a member, 403 read-only on a write), then the body.

pub mod alert_configs;
pub mod events;
pub mod groups;
pub mod integrations;

use super::document::Role;
use super::errors::ApiError;
use super::identity::Principal;
use super::state::{Project, Store};
use atlas_registry::is_group_id;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// The project the caller may use for `access`.
pub fn project_for<'a>(
    store: &'a Store,
    principal: &Principal,
    group_id: &str,
    access: Access,
) -> Result<&'a Project, ApiError> {
    check_group_id(group_id)?;
    let project = store
        .projects
        .get(group_id)
        .ok_or_else(|| ApiError::group_not_found(group_id))?;
    check_role(store, principal, group_id, access)?;
    Ok(project)
}

pub fn project_for_mut<'a>(
    store: &'a mut Store,
    principal: &Principal,
    group_id: &str,
    access: Access,
) -> Result<&'a mut Project, ApiError> {
    check_group_id(group_id)?;
    if !store.projects.contains_key(group_id) {
        return Err(ApiError::group_not_found(group_id));
    }
    check_role(store, principal, group_id, access)?;
    store
        .projects
        .get_mut(group_id)
        .ok_or_else(|| ApiError::group_not_found(group_id))
}

pub fn check_group_id(group_id: &str) -> Result<(), ApiError> {
    if is_group_id(group_id) {
        Ok(())
    } else {
        Err(ApiError::invalid_group_id(group_id))
    }
}

fn check_role(
    store: &Store,
    principal: &Principal,
    group_id: &str,
    access: Access,
) -> Result<(), ApiError> {
    match (store.role_of(principal, group_id), access) {
        (None, _) => Err(ApiError::not_a_member()),
        (Some(Role::ReadOnly), Access::Write) => Err(ApiError::read_only()),
        _ => Ok(()),
    }
}
