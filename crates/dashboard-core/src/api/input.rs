//! Checks of the identifiers a server function receives, before anything reaches Atlas.

use atlas_registry::{is_group_id, parse_hint, rotatable, FieldSpec, IntegrationKind, SecretHint};

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

/// A type and one of its secret fields that a rotation can find by hint (Atlas shows part of
/// its value: the last four, or a URL's host).
pub fn secret_field(
    kind: &str,
    field: &str,
) -> Result<(IntegrationKind, &'static FieldSpec), AppError> {
    let kind = self::kind(kind)?;
    let spec = kind
        .spec()
        .field(field)
        .filter(|f| rotatable(f))
        .ok_or_else(|| AppError::BadRequest(crate::i18n::fleet::not_rotatable(kind, field)))?;
    Ok((kind, spec))
}

/// The old secret's hint as typed for `field`.
pub fn hint(field: &FieldSpec, typed: &str) -> Result<SecretHint, AppError> {
    parse_hint(field, typed).map_err(|e| AppError::BadRequest(crate::i18n::fleet::hint_error(e)))
}
