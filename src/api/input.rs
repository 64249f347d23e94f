//! Checks of the identifiers a server function receives, before anything reaches Atlas.

use atlas_registry::{is_group_id, IntegrationKind};

use crate::error::AppError;

pub fn group_id(group_id: &str) -> Result<String, AppError> {
    if is_group_id(group_id) {
        Ok(group_id.to_string())
    } else {
        Err(AppError::BadRequest(crate::i18n::tf(
            crate::i18n::Key::RefusalNotAProjectId,
            &[("value", &format!("{group_id:?}"))],
        )))
    }
}

pub fn kind(kind: &str) -> Result<IntegrationKind, AppError> {
    IntegrationKind::from_wire(kind).ok_or_else(|| {
        AppError::BadRequest(crate::i18n::tf(
            crate::i18n::Key::RefusalNotAType,
            &[("value", &format!("{kind:?}"))],
        ))
    })
}
