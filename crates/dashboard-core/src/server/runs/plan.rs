//! What a fleet run would do in one project: the configuration to send over the current
//! one, and the changes the preview shows (secrets only as "replaced", never their values);
//! and the preview itself: every project read, a plan per project, the run kept.
//!
//! The configuration given is kept once per run: what goes to each project is made from it
//! and what the preview read there ([`payload`]) when its turn comes, so a large value given
//! for 500 projects is kept once, not 500 times.

use std::collections::HashMap;

use atlas_registry::{Availability, FieldInput, FieldValue, Integration, IntegrationKind};
use futures::StreamExt;

use super::model::{Kept, NewRun, Owner, Work};
use crate::error::AppError;
use crate::fleet_run::{
    Cannot, Change, FieldChange, ItemView, Operation, Phase, Plan, Progress, RunView,
};
use crate::links;
use crate::server::{redirect_plain_form, tower_session, UserAtlas};

/// Projects read or written at once in a run: enough to finish a few hundred projects in
/// reasonable time, few enough not to drain Atlas's rate-limit bucket at once.
pub const CONCURRENCY: usize = 4;

/// The most characters of a plain value a preview shows (a long value is cut, with its
/// length): the preview of a 200 KB value over 500 projects would otherwise hold it 500 times.
pub const SHOWN_CHARS: usize = 120;

/// The whole configuration to PUT over `current`: its plain values (secrets come back
/// masked and are never sent back), then what the user gave. A PUT that replaces the
/// whole configuration then keeps every plain value not typed; secrets not typed are
/// left out and checked afterwards (`writes::update`).
pub fn overlay(current: &Integration, given: &Integration) -> Integration {
    let mut out = Integration::new(given.kind);
    for field in given.kind.spec().fields.iter().filter(|f| !f.is_secret()) {
        if let Some(value) = current.values.get(field.name) {
            out.values.insert(field.name.to_string(), value.clone());
        }
    }
    for (name, value) in &given.values {
        out.values.insert(name.clone(), value.clone());
    }
    out
}

/// The fields `update` changes over `current`; secrets only as "replaced" (or "set" where
/// `current` has none, as a new configuration).
pub fn changes(current: &Integration, update: &Integration) -> Vec<FieldChange> {
    let shown = |v: &FieldValue| match v {
        FieldValue::Text(s) => cut(s),
        FieldValue::Bool(b) => b.to_string(),
    };
    let mut out = Vec::new();
    for field in update.kind.spec().fields {
        let Some(to) = update.values.get(field.name) else {
            continue;
        };
        let change = if field.is_secret() {
            match current.values.contains_key(field.name) {
                true => Change::Replaced,
                false => Change::SecretSet,
            }
        } else {
            let from = current
                .values
                .get(field.name)
                .map(shown)
                .or(match field.input {
                    FieldInput::Toggle { default } => Some(default.to_string()),
                    _ => None,
                });
            let to = shown(to);
            if from.as_deref() == Some(to.as_str()) {
                continue;
            }
            Change::Set { from, to }
        };
        out.push(FieldChange {
            field: field.name.to_string(),
            change,
        });
    }
    out
}

/// `s`, or its first [`SHOWN_CHARS`] characters and how many there are.
fn cut(s: &str) -> String {
    match s.char_indices().nth(SHOWN_CHARS) {
        None => s.to_string(),
        Some((end, _)) => format!("{}… ({} characters)", &s[..end], s.chars().count()),
    }
}

/// What a run sends to a project planned `plan`: the configuration given for a new one, the
/// given one over what the preview read for an update (`overlay`).
pub fn payload(
    plan: &Plan,
    given: &Integration,
    before: Option<&Integration>,
) -> Option<Integration> {
    match (plan, before) {
        (Plan::Create(_), _) => Some(given.clone()),
        (Plan::Update(_), Some(before)) => Some(overlay(before, given)),
        _ => None,
    }
}

/// The plan for an update of `current` to `update`.
pub fn update_plan(current: &Integration, update: &Integration) -> Plan {
    let changes = changes(current, update);
    if changes.is_empty() {
        Plan::Unchanged
    } else {
        Plan::Update(changes)
    }
}

/// What a project whose configuration could not be read is.
pub fn unreadable(error: AppError) -> Plan {
    Plan::Cannot(match error {
        AppError::OutOfReach(_) => Cannot::OutOfReach,
        AppError::Forbidden(_) => Cannot::ReadOnly,
        other => Cannot::Unreadable(other),
    })
}

/// Previews a run of `operation` over the projects `ids` and keeps it for the session:
/// reads each listed project's configuration of `kind` (none for a legacy type, which
/// cannot be written) and lets `decide` say, from it (`None`: not configured), what the run
/// would do there with `given`. Projects the credential does not list are out of reach; one
/// whose configuration cannot be read is left out with the reason. A plain form is sent on
/// to the run's page.
pub async fn preview_run(
    atlas: &UserAtlas,
    operation: Operation,
    ids: Vec<String>,
    given: Integration,
    decide: impl Fn(Option<&Integration>) -> Plan,
) -> Result<RunView, AppError> {
    let kind = given.kind;
    let names: HashMap<String, String> = atlas
        .all_projects()
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let visible: Vec<String> = ids
        .iter()
        .filter(|id| names.contains_key(*id))
        .cloned()
        .collect();
    let legacy = kind.spec().availability == Availability::Legacy;
    let mut reads: HashMap<String, _> = if legacy {
        HashMap::new()
    } else {
        let read = read_all(atlas, &visible, kind).await;
        visible.into_iter().zip(read).collect()
    };
    let mut items = Vec::new();
    let mut before = Vec::new();
    for id in ids {
        let name = names.get(&id).cloned().unwrap_or_default();
        let (plan, current) = match reads.remove(&id) {
            _ if legacy => (Plan::Cannot(Cannot::Legacy), None),
            None => (Plan::Cannot(Cannot::OutOfReach), None),
            Some(Err(error)) => (unreadable(error), None),
            Some(Ok(current)) => (decide(current.as_ref()), current),
        };
        // What an update is made over; nothing is kept for a project that is not written.
        let writes = matches!(plan, Plan::Create(_) | Plan::Update(_));
        before.push(current.filter(|_| writes).map(Kept));
        items.push(ItemView {
            group_id: id,
            name,
            plan,
            progress: Progress::Waiting,
        });
    }
    let session = tower_session().await?;
    let session_id = session.id().ok_or(AppError::NotSignedIn)?.to_string();
    let view = RunView {
        id: String::new(),
        kind,
        operation,
        phase: Phase::Previewed,
        stop: None,
        items,
    };
    let new = NewRun {
        owner: Owner::of_session(&session_id),
        public_id: atlas.user().credential.public_id().to_string(),
        view: view.clone(),
        work: Work {
            session_id,
            given: Kept(given),
            before,
        },
    };
    let id = atlas.state().runs.insert(new).await?;
    redirect_plain_form(&links::fleet_run(&id));
    Ok(RunView { id, ..view })
}

/// Reads each project's configuration of the type, [`CONCURRENCY`] at a time: `Ok(None)`
/// where it is not configured. A 429 waits in the client (its shared pause), as every call.
pub async fn read_all(
    atlas: &UserAtlas,
    ids: &[String],
    kind: IntegrationKind,
) -> Vec<Result<Option<Integration>, AppError>> {
    futures::stream::iter(ids.to_vec())
        .map(move |id| async move { read_one(atlas, &id, kind).await })
        .buffered(CONCURRENCY)
        .collect()
        .await
}

async fn read_one(
    atlas: &UserAtlas,
    group_id: &str,
    kind: IntegrationKind,
) -> Result<Option<Integration>, AppError> {
    let list = atlas.integrations(group_id).await?;
    Ok(list.into_iter().find(|i| i.kind == kind))
}

#[cfg(test)]
mod tests {
    use super::*;
    use atlas_registry::IntegrationKind;

    fn text(v: &str) -> FieldValue {
        FieldValue::Text(v.into())
    }

    #[test]
    fn overlay_keeps_plain_values_and_never_masked_secrets() {
        let mut current = Integration::new(IntegrationKind::VictorOps);
        current.values.insert("apiKey".into(), text("****1234"));
        current.values.insert("routingKey".into(), text("ops"));
        let mut given = Integration::new(IntegrationKind::VictorOps);
        given.values.insert("apiKey".into(), text("new-key-5678"));
        let update = overlay(&current, &given);
        assert_eq!(update.text("apiKey"), Some("new-key-5678"));
        assert_eq!(update.text("routingKey"), Some("ops"));
        assert_eq!(
            changes(&current, &update),
            vec![FieldChange {
                field: "apiKey".into(),
                change: Change::Replaced
            }]
        );
        // Nothing typed over the current plain values: unchanged.
        let same = overlay(&current, &Integration::new(IntegrationKind::VictorOps));
        assert_eq!(update_plan(&current, &same), Plan::Unchanged);
        assert!(same.text("apiKey").is_none());
    }

    #[test]
    fn a_long_value_is_shown_cut_with_its_length() {
        let current = Integration::new(IntegrationKind::VictorOps);
        let mut given = Integration::new(IntegrationKind::VictorOps);
        let long = format!("routing-{}", "a".repeat(225_018));
        given.values.insert("routingKey".into(), text(&long));
        let [FieldChange {
            change: Change::Set { to, .. },
            ..
        }] = &changes(&current, &given)[..]
        else {
            panic!("one change");
        };
        assert!(
            to.len() < 200 && to.ends_with("(225026 characters)"),
            "{to}"
        );
        // What is sent is the whole value.
        let plan = Plan::Create(Vec::new());
        assert_eq!(
            payload(&plan, &given, None).unwrap().text("routingKey"),
            Some(long.as_str())
        );
    }
}
