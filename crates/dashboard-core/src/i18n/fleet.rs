//! The fleet pages' sentences (`crate::fleet_run`): modes, plans, progress and tallies of the
//! apply and rotate runs, and the rotate page's hints.

use super::{count, kind_label, label_of_name, labels_of_names, t, tf, Key};
use crate::fleet_run::{ApplyMode, Cannot, Change, Done, FieldChange, Plan, Progress, Stop, Tally};

pub fn mode(mode: ApplyMode) -> &'static str {
    match mode {
        ApplyMode::CreateOrUpdate => t(Key::ModeCreateOrUpdate),
        ApplyMode::CreateOnly => t(Key::ModeCreateOnly),
        ApplyMode::UpdateOnly => t(Key::ModeUpdateOnly),
    }
}

pub fn cannot(why: &Cannot) -> String {
    match why {
        Cannot::ReadOnly => t(Key::PlanCannotReadOnly).into(),
        Cannot::OutOfReach => t(Key::PlanCannotOutOfReach).into(),
        Cannot::Legacy => t(Key::PlanCannotLegacy).into(),
        Cannot::UiOnly => t(Key::PlanCannotUiOnly).into(),
        Cannot::AlreadyConfigured => t(Key::PlanLeftAlreadyConfigured).into(),
        Cannot::NotConfigured => t(Key::PlanLeftNotConfigured).into(),
        Cannot::NeedsForCreate(fields) => tf(
            Key::PlanCannotNeedsForCreate,
            &[("fields", &labels_of_names(fields))],
        ),
        Cannot::HintChanged => t(Key::PlanLeftHintChanged).into(),
        Cannot::Unreadable(error) => tf(
            Key::PlanCannotUnreadable,
            &[("error", &super::error_message(error))],
        ),
    }
}

fn listed(changes: &[FieldChange]) -> String {
    changes
        .iter()
        .map(|c| change(&c.field, &c.change))
        .collect::<Vec<_>>()
        .join(t(Key::ListSeparator))
}

pub fn change(field: &str, change: &Change) -> String {
    let label = label_of_name(field);
    match change {
        Change::Replaced => tf(Key::PlanChangeReplaced, &[("field", &label)]),
        Change::SecretSet => tf(Key::PlanChangeSecretSet, &[("field", &label)]),
        Change::Set {
            from: Some(from),
            to,
        } => tf(
            Key::PlanChangeFromTo,
            &[("field", &label), ("from", from), ("to", to)],
        ),
        Change::Set { from: None, to } => tf(Key::PlanChangeSet, &[("field", &label), ("to", to)]),
    }
}

pub fn plan(plan: &Plan) -> String {
    match plan {
        Plan::Create(changes) => tf(Key::PlanPlanCreate, &[("changes", &listed(changes))]),
        Plan::Update(changes) => tf(Key::PlanPlanUpdate, &[("changes", &listed(changes))]),
        Plan::Unchanged => t(Key::PlanPlanUnchanged).into(),
        Plan::Cannot(why) => cannot(why),
    }
}

pub fn progress(progress: &Progress) -> String {
    match progress {
        Progress::Waiting => t(Key::PlanWaiting).into(),
        Progress::Sending => t(Key::PlanSending).into(),
        Progress::Done(Done::Created) => t(Key::PlanDoneCreated).into(),
        Progress::Done(Done::Updated) => t(Key::PlanDoneUpdated).into(),
        Progress::Done(Done::UpdatedAfterConflict) => t(Key::PlanDoneAfterConflict).into(),
        Progress::Failed(error) => tf(Key::PlanFailed, &[("error", &super::error_message(error))]),
        Progress::Skipped(None) => t(Key::PlanSkippedNothing).into(),
        Progress::Skipped(Some(why)) => tf(Key::PlanSkipped, &[("why", &cannot(why))]),
        Progress::NotSent(Stop::Cancelled) => t(Key::PlanNotSentCancelled).into(),
        Progress::NotSent(Stop::SignedOut) => t(Key::PlanNotSentSignedOut).into(),
    }
}

pub fn tally(tally: Tally) -> String {
    tf(
        Key::PlanTally,
        &[
            ("done", &count(tally.done)),
            ("failed", &count(tally.failed)),
            ("skipped", &count(tally.skipped)),
            ("not_sent", &count(tally.not_sent)),
            ("waiting", &count(tally.waiting)),
        ],
    )
}

pub fn to_write(n: usize, of: usize) -> String {
    tf(
        Key::PlanToWrite,
        &[("count", &count(n)), ("of", &count(of))],
    )
}

pub fn rotate_title(kind: atlas_registry::IntegrationKind, field: &str) -> String {
    tf(
        Key::PlanRotateTitle,
        &[("kind", kind_label(kind)), ("field", &label_of_name(field))],
    )
}

pub fn apply_title(kind: atlas_registry::IntegrationKind) -> String {
    tf(Key::PlanApplyTitle, &[("kind", kind_label(kind))])
}

pub fn projects_showing(n: usize) -> String {
    match n {
        1 => t(Key::PlanOneProject).into(),
        n => tf(Key::PlanProjects, &[("count", &count(n))]),
    }
}

pub fn unreadable_projects(names: &str) -> String {
    tf(Key::PlanUnreadableProjects, &[("names", names)])
}

pub fn not_rotatable(kind: atlas_registry::IntegrationKind, field: &str) -> String {
    tf(
        Key::PlanNotRotatable,
        &[("kind", kind_label(kind)), ("field", field)],
    )
}

pub fn hint_error(error: super::HintError) -> String {
    match error {
        super::HintError::NotRotatable => t(Key::PlanHintNotRotatable).into(),
        super::HintError::NotFour => t(Key::PlanHintNotFour).into(),
        super::HintError::NotAHost => t(Key::PlanHintNotAHost).into(),
    }
}
