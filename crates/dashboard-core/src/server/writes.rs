//! Writing one integration of one project, shared by the single-project pages
//! (`integrations`) and the fleet runs (`fleet`): which types may be written, and an update
//! whose answer is checked for what Atlas should have kept or removed.

use atlas_registry::{Availability, Integration, IntegrationKind};

use crate::error::AppError;
use crate::server::UserAtlas;

/// Only a type without a schema (HIP_CHAT) cannot be written; discouraged ones can, and
/// Atlas's answer decides.
pub fn writable(kind: IntegrationKind) -> Result<(), AppError> {
    if kind.spec().availability == Availability::Legacy {
        return Err(AppError::BadRequest(format!(
            "{} · {}",
            crate::i18n::kind_label(kind),
            crate::i18n::t(crate::i18n::Key::PlanCannotLegacy)
        )));
    }
    Ok(())
}

/// PUT `integration`, then check Atlas's answer. `before` is the configuration as last read;
/// `None` reads it first. Secrets set before and left out of this update (to keep them) are
/// checked afterwards: an Atlas that replaces the whole configuration would silently clear
/// them.
pub async fn update(
    atlas: &UserAtlas,
    group_id: &str,
    integration: &Integration,
    before: Option<&Integration>,
) -> Result<Vec<Integration>, AppError> {
    let read;
    let before = match before {
        Some(before) => before,
        None => {
            read = atlas.integration(group_id, integration.kind).await?;
            &read
        }
    };
    let kept = kept_secrets(before, integration);
    let list = atlas.update(group_id, integration).await?;
    check_update(group_id, integration, &kept, &list)?;
    Ok(list)
}

/// Secrets Atlas shows as set that `update` leaves out to keep them (not those it
/// removes). Write-only ones are never left out: validation asks for them on every save
/// (`FieldSpec::blank_keeps`).
fn kept_secrets(before: &Integration, update: &Integration) -> Vec<&'static str> {
    before
        .kind
        .spec()
        .fields
        .iter()
        .filter(|f| f.blank_keeps())
        .filter(|f| before.values.contains_key(f.name) && !update.values.contains_key(f.name))
        .filter(|f| !update.cleared.contains(f.name))
        .map(|f| f.name)
        .collect()
}

/// The update went through; did Atlas do what it was asked? A field sent as `null` must
/// be gone (whether Atlas honours an explicit null on PUT is [unverified], so its answer
/// decides), and a secret left out to keep it must still be there.
fn check_update(
    group_id: &str,
    sent: &Integration,
    kept: &[&str],
    list: &[Integration],
) -> Result<(), AppError> {
    let after = list.iter().find(|i| i.kind == sent.kind);
    let has = |name: &str| after.is_some_and(|i| i.values.contains_key(name));
    let not_removed: Vec<String> = sent
        .cleared
        .iter()
        .filter(|name| has(name))
        .cloned()
        .collect();
    let lost: Vec<String> = kept
        .iter()
        .filter(|name| !has(name))
        .map(|name| name.to_string())
        .collect();
    let kind = sent.kind.as_wire();
    if !not_removed.is_empty() {
        tracing::warn!(
            group_id,
            kind,
            ?not_removed,
            "Atlas kept fields the update removed"
        );
        return Err(AppError::NotRemoved(not_removed));
    }
    if !lost.is_empty() {
        tracing::warn!(
            group_id,
            kind,
            ?lost,
            "Atlas cleared secrets the update kept"
        );
        return Err(AppError::SecretsLost(lost));
    }
    Ok(())
}
