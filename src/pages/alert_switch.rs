//! The alerts a rotation leaves on the old secret (issue #29): listed on the rotate page once
//! a hint is chosen ([`OldKeySection`]), and switched to the project's integration on their
//! own page (`/fleet/rotate/alerts?type=…&field=…&hint=…`), a previewed action: the page
//! lists each ticked alert and what will change; the post switches them and comes back with
//! each one's outcome in the address (`done=…`). Plain forms: works without JavaScript.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

use super::alerts::breakable;
use super::layout::{async_view, Breadcrumbs, Header};
use crate::api::alerts::{
    alert_control, AlertRef, OldKeyProject, SwitchAlerts, SwitchOutcome, SwitchResult,
};
use crate::api::fleet_apply::{fleet_projects, ProjectChoice};
use crate::api::fleet_rotate::{rotate_candidates, HintMatches};
use crate::i18n::{alerts as say, t, Key};
use crate::links;
use atlas_registry::IntegrationKind;

/// What an alert watches, in one line: its event type, then its metric and matchers.
fn watches(alert: &AlertRef) -> String {
    alert
        .metric
        .iter()
        .chain(&alert.matchers)
        .cloned()
        .collect::<Vec<_>>()
        .join(" · ")
}

/// On the rotate page: the alerts with their own copy of the old secret, per project, and
/// the way to switch them.
#[component]
pub fn OldKeySection(
    kind: IntegrationKind,
    field: &'static str,
    hint: String,
    found: HintMatches,
) -> impl IntoView {
    let unreadable = (!found.alerts_unreadable.is_empty())
        .then(|| view! { <p class="alert">{say::old_key_unreadable(&found.alerts_unreadable.join(", "))}</p> });
    let body = if found.old_key.is_empty() {
        view! { <p class="empty">{t(Key::AlertsOldKeyNone)}</p> }.into_any()
    } else {
        let rows = found
            .old_key
            .into_iter()
            .map(|p| {
                let alerts = p
                    .alerts
                    .iter()
                    .map(|a| view! { <li><code>{breakable(&a.event_type)}</code> " " <span class="muted">{watches(a)}</span></li> })
                    .collect_view();
                view! {
                    <tr>
                        <th scope="row"><a href=links::project(&p.group_id)>{p.name}</a></th>
                        <td><ul class="plain">{alerts}</ul></td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <p>{t(Key::AlertsOldKeyIntro)}</p>
            <table class="project-list old-key">
                <thead><tr><th scope="col">{t(Key::ProjectName)}</th><th scope="col">{t(Key::AlertsAlert)}</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <p><a class="button secondary" href=links::alert_switch(kind, field, hint.trim(), &[])>{t(Key::AlertsSwitchLink)}</a></p>
        }
        .into_any()
    };
    view! {
        <section class="old-key" aria-labelledby="old-key-title">
            <h2 id="old-key-title">{t(Key::AlertsOldKeyTitle)}</h2>
            {body}
            {unreadable}
        </section>
    }
}

#[component]
pub fn AlertSwitchPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.with_untracked(|q| q.get(name).unwrap_or_default());
    let (kind, field, hint) = (param("type"), param("field"), param("hint"));
    let done: Vec<SwitchResult> = query
        .with_untracked(|q| q.get_all("done").unwrap_or_default())
        .iter()
        .filter_map(|p| SwitchResult::from_param(p))
        .collect();
    let parsed = IntegrationKind::from_wire(&kind);
    let back = parsed.map(|k| links::fleet_rotate(k, &field, Some(&hint)));
    let data = Resource::new(|| (), {
        let (kind, field, hint) = (kind.clone(), field.clone(), hint.clone());
        move |_| rotate_candidates(kind.clone(), field.clone(), hint.clone())
    });
    let report = (!done.is_empty()).then(|| {
        let names = Resource::new(|| (), |_| fleet_projects());
        async_view(
            names,
            move |projects| view! { <SwitchReport done=done.clone() projects/> },
        )
    });
    let form = parsed.map(|kind| {
        let (field, hint) = (field.clone(), hint.clone());
        async_view(
            data,
            move |found| view! { <SwitchForm kind field=field.clone() hint=hint.clone() found/> },
        )
    });
    view! {
        <Header/>
        <Breadcrumbs project=None here=Some(t(Key::AlertsSwitchTitle).to_string())/>
        <h1>{t(Key::AlertsSwitchTitle)}</h1>
        <p class="intro">{t(Key::AlertsSwitchIntro)}</p>
        {back.map(|href| view! { <p class="links"><a href=href>{t(Key::FleetRotateTitle)}</a></p> })}
        {report}
        {match form {
            Some(form) => form.into_any(),
            None => view! { <p class="alert" role="alert">{t(Key::UnknownType)}</p> }.into_any(),
        }}
    }
}

/// Each alert of the last switch and what came of it, by project name.
#[component]
fn SwitchReport(done: Vec<SwitchResult>, projects: Vec<ProjectChoice>) -> impl IntoView {
    let name = |id: &str| {
        projects
            .iter()
            .find(|p| p.id == id)
            .map_or_else(|| id.to_string(), |p| p.name.clone())
    };
    let rows = done
        .iter()
        .map(|r| {
            let text = t(match r.outcome {
                SwitchOutcome::Switched => Key::AlertsOutcomeSwitched,
                SwitchOutcome::Refused => Key::AlertsOutcomeRefused,
                SwitchOutcome::Changed => Key::AlertsOutcomeChanged,
                SwitchOutcome::NoIntegration => Key::AlertsOutcomeNoIntegration,
                SwitchOutcome::Failed => Key::AlertsOutcomeFailed,
            });
            let alert = if r.event_type.is_empty() {
                r.alert_id.clone()
            } else {
                r.event_type.clone()
            };
            view! {
                <tr class=format!("outcome-{}", r.outcome.as_code())>
                    <th scope="row"><a href=links::project(&r.group_id)>{name(&r.group_id)}</a></th>
                    <td><code>{breakable(&alert)}</code></td>
                    <td>{text}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="report" aria-labelledby="switch-report">
            <h2 id="switch-report">{t(Key::AlertsReportTitle)}</h2>
            <table class="project-list">
                <thead><tr><th scope="col">{t(Key::ProjectName)}</th><th scope="col">{t(Key::AlertsAlert)}</th><th scope="col">{t(Key::AlertsOutcome)}</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

/// The alerts still on the old secret, each ticked where the project has an integration to
/// switch to, with what will change: posted to the switch.
#[component]
fn SwitchForm(
    kind: IntegrationKind,
    field: String,
    hint: String,
    found: HintMatches,
) -> impl IntoView {
    if found.old_key.is_empty() {
        return view! { <p class="empty" role="status">{t(Key::AlertsOldKeyNone)}</p> }.into_any();
    }
    let rows = found
        .old_key
        .into_iter()
        .flat_map(|p: OldKeyProject| {
            let OldKeyProject { group_id, name, has_integration, alerts } = p;
            alerts.into_iter().map(move |a| {
                let id = format!("switch-{}-{}", group_id, a.id);
                let what = if has_integration {
                    say::switch_what(kind)
                } else {
                    say::no_integration_here(kind)
                };
                view! {
                    <tr>
                        <td>{has_integration.then(|| view! {
                            <input type="checkbox" id=id.clone() name=alert_control(&group_id, &a.id) value="on" checked=true/>
                        })}</td>
                        <th scope="row">{name.clone()}</th>
                        <td><label for=id><code>{breakable(&a.event_type)}</code></label> " " <span class="muted">{watches(&a)}</span></td>
                        <td>{what}</td>
                    </tr>
                }
            })
        })
        .collect_view();
    view! {
        <form method="post" action=SwitchAlerts::PATH class="alert-switch">
            <input type="hidden" name="kind" value=kind.as_wire()/>
            <input type="hidden" name="field" value=field/>
            <input type="hidden" name="hint" value=hint/>
            <fieldset>
                <legend>{t(Key::AlertsOldKeyTitle)}</legend>
                <table class="project-list">
                    <thead><tr>
                        <th scope="col"></th>
                        <th scope="col">{t(Key::ProjectName)}</th>
                        <th scope="col">{t(Key::AlertsAlert)}</th>
                        <th scope="col">{t(Key::WhatChanges)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </fieldset>
            <div class="actions"><button type="submit">{t(Key::AlertsSwitchButton)}</button></div>
        </form>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alert_is_named_by_its_metric_and_matchers() {
        let alert = AlertRef {
            id: "65f0a1b2c3d4e5f6a7b8ca02".into(),
            event_type: "OUTSIDE_METRIC_THRESHOLD".into(),
            metric: Some("CONNECTIONS_PERCENT".into()),
            matchers: vec!["TYPE_NAME EQUALS PRIMARY".into()],
            enabled: true,
        };
        assert_eq!(
            watches(&alert),
            "CONNECTIONS_PERCENT · TYPE_NAME EQUALS PRIMARY"
        );
    }
}
