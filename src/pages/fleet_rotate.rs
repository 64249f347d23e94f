//! "Rotate a secret everywhere" (`/fleet/rotate?type=…&field=…&hint=…`): choose a type and
//! its secret field, then the old secret's hint (typed, or picked among those the fleet
//! shows, with counts), tick among the projects that show it, type the new value once and
//! post it for a preview: the run's page (`fleet_run`) does the rest, as for "apply".
//! Each step is a plain GET or POST form: works without JavaScript.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

use super::alert_switch::OldKeySection;
use super::fleet_run::RunFormShell;
use super::layout::{async_view_or, outcome, ErrorAlert};
use crate::api::fleet_rotate::{rotate_candidates, HintMatches, PreviewRotate};
use crate::error::AppError;
use crate::fleet_run::pick_control;
use crate::i18n::{self, t, Key};
use crate::links;
use atlas_registry::{rotatable, value_control, FieldSpec, IntegrationKind, Secrecy};

/// The fields of `kind` a rotation can find by hint.
fn rotatable_fields(kind: IntegrationKind) -> impl Iterator<Item = &'static FieldSpec> {
    kind.spec().fields.iter().filter(|f| rotatable(f))
}

#[component]
pub fn RotatePage() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.with_untracked(|q| q.get(name).unwrap_or_default());
    let kind = IntegrationKind::from_wire(&param("type"));
    // A field of another type (the type was changed in the same form) falls back to the
    // type's first secret field.
    let field = kind.and_then(|kind| {
        let asked = param("field");
        rotatable_fields(kind)
            .find(|f| f.name == asked)
            .or_else(|| rotatable_fields(kind).next())
    });
    let hint = param("hint");
    let preview = ServerAction::<PreviewRotate>::new();
    let choice = view! {
        <form method="get" action=links::FLEET_ROTATE class="fleet-type">
            <label for="rotate-type">{t(Key::IntegrationTypeField)}</label>
            <select id="rotate-type" name="type">
                {IntegrationKind::ALL
                    .into_iter()
                    .filter(|k| rotatable_fields(*k).next().is_some())
                    .map(|k| view! { <option value=k.as_wire() selected=Some(k) == kind>{i18n::kind_label(k)}</option> })
                    .collect_view()}
            </select>
            {kind.map(|kind| view! {
                <label for="rotate-field">{t(Key::SecretField)}</label>
                <select id="rotate-field" name="field">
                    {rotatable_fields(kind)
                        .map(|f| view! { <option value=f.name selected=field.is_some_and(|c| c.name == f.name)>{i18n::field_label(kind, f)}</option> })
                        .collect_view()}
                </select>
            })}
            <button type="submit" class="secondary">{t(Key::Continue)}</button>
        </form>
    };
    let unknown_type = kind.is_none() && !param("type").is_empty();
    let body = kind.zip(field).map(|(kind, field)| {
        let data = Resource::new(|| (), {
            let hint = hint.clone();
            move |_| {
                rotate_candidates(
                    kind.as_wire().to_string(),
                    field.name.to_string(),
                    hint.clone(),
                )
            }
        });
        let errors = move || match outcome(preview) {
            Some(Err(AppError::Invalid(errors))) => errors,
            _ => Vec::new(),
        };
        let again = hint.clone();
        async_view_or(
            data,
            move |found| view! { <Candidates kind field hint=hint.clone() found errors=errors()/> },
            move |error| {
                view! {
                    <ErrorAlert error/>
                    <HintForm kind field hint=again.clone()/>
                }
            },
        )
    });
    let refusal = Signal::derive(move || outcome(preview).and_then(Result::err));
    view! {
        <RunFormShell title=Key::FleetRotateTitle intro=Key::FleetRotateIntro refusal unknown_type>
            {choice}
            {body}
        </RunFormShell>
    }
}

/// Where the old secret's hint is typed (a GET: the page lists what matches).
#[component]
fn HintForm(kind: IntegrationKind, field: &'static FieldSpec, hint: String) -> impl IntoView {
    let label = if field.secrecy == Secrecy::MaskedUrlPath {
        t(Key::HintHost)
    } else {
        t(Key::HintLastFour)
    };
    view! {
        <form method="get" action=links::FLEET_ROTATE class="search rotate-hint">
            <input type="hidden" name="type" value=kind.as_wire()/>
            <input type="hidden" name="field" value=field.name/>
            <label for="rotate-hint">{label}</label>
            <input id="rotate-hint" type="text" name="hint" value=hint autocomplete="off" spellcheck="false"/>
            <button type="submit" class="secondary">{t(Key::FindProjects)}</button>
        </form>
    }
}

#[component]
fn Candidates(
    kind: IntegrationKind,
    field: &'static FieldSpec,
    hint: String,
    found: HintMatches,
    errors: Vec<atlas_registry::FieldError>,
) -> impl IntoView {
    let groups = if found.groups.is_empty() {
        view! { <p class="empty">{t(Key::NoCandidates)}</p> }.into_any()
    } else {
        let items = found
            .groups
            .iter()
            .map(|g| {
                let current = g.hint == hint.trim();
                view! {
                    <li>
                        <a href=links::fleet_rotate(kind, field.name, Some(&g.hint)) aria-current=current.then_some("true")>
                            <code>{g.shown.clone()}</code>
                        </a>
                        " " {i18n::fleet::projects_showing(g.count)}
                    </li>
                }
            })
            .collect_view();
        view! {
            <section class="hints">
                <h2>{t(Key::Hint)}</h2>
                <ul class="hint-groups">{items}</ul>
            </section>
        }
        .into_any()
    };
    let unreadable = (!found.unreadable.is_empty()).then(|| {
        let names = found
            .unreadable
            .iter()
            .map(|p| p.name.clone())
            .collect::<Vec<_>>()
            .join(", ");
        view! { <p class="alert">{i18n::fleet::unreadable_projects(&names)}</p> }
    });
    let chosen = (!hint.trim().is_empty()).then(|| {
        let form = if found.matching.is_empty() {
            view! { <p class="empty" role="status">{t(Key::NoMatch)}</p> }.into_any()
        } else {
            view! { <RotateForm kind field hint=hint.clone() matching=found.matching.clone() errors/> }.into_any()
        };
        view! {
            {form}
            <OldKeySection kind field=field.name hint=hint.clone() found=found.clone()/>
        }
    });
    view! {
        {groups}
        {unreadable}
        <HintForm kind field hint=hint.clone()/>
        {chosen}
    }
}

/// The projects showing the hint, all ticked, and the new value: posted for a preview.
#[component]
fn RotateForm(
    kind: IntegrationKind,
    field: &'static FieldSpec,
    hint: String,
    matching: Vec<crate::api::fleet_apply::ProjectChoice>,
    errors: Vec<atlas_registry::FieldError>,
) -> impl IntoView {
    let rows = matching
        .into_iter()
        .map(|p| {
            let id = format!("pick-{}", p.id);
            view! {
                <tr>
                    <td><input type="checkbox" id=id.clone() name=pick_control(&p.id) value="on" checked=true/></td>
                    <th scope="row"><label for=id>{p.name}</label></th>
                    <td><code>{p.id}</code></td>
                </tr>
            }
        })
        .collect_view();
    let problem = |name: &str| {
        errors
            .iter()
            .find(|e| e.field == name)
            .map(|e| view! { <small class="error" role="alert">{i18n::field_problem(&e.problem)}</small> })
    };
    let new_problem = problem(field.name);
    // For an Atlas that replaces the whole configuration on update: the type's other
    // secrets, typed once for every ticked project (blank: each keeps its own).
    let others = kind
        .spec()
        .fields
        .iter()
        .filter(|f| f.blank_keeps() && f.name != field.name)
        .map(|f| {
            let id = format!("other-{}", f.name);
            let problem = problem(f.name);
            view! {
                <label for=id.clone()>{i18n::field_label(kind, f)}</label>
                <input id=id type="password" name=value_control(f.name) autocomplete="new-password"/>
                {problem}
            }
        })
        .collect_view();
    let has_others = kind
        .spec()
        .fields
        .iter()
        .any(|f| f.blank_keeps() && f.name != field.name);
    view! {
        <form method="post" action=PreviewRotate::PATH class="fleet-rotate" novalidate>
            <input type="hidden" name="kind" value=kind.as_wire()/>
            <input type="hidden" name="field" value=field.name/>
            <input type="hidden" name="hint" value=hint/>
            <fieldset class="picker">
                <legend>{t(Key::SelectMatching)}</legend>
                <table class="project-list">
                    <thead><tr><th scope="col"></th><th scope="col">{t(Key::ProjectName)}</th><th scope="col">{t(Key::ProjectId)}</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </fieldset>
            <fieldset class="integration-form">
                <legend>{t(Key::NewValue)}</legend>
                <label for="rotate-new">{i18n::field_label(kind, field)}</label>
                <input id="rotate-new" type="password" name=value_control(field.name) autocomplete="new-password" required/>
                {new_problem}
                {has_others.then(|| view! {
                    <details class="other-secrets">
                        <summary>{t(Key::OtherSecrets)}</summary>
                        <p class="help">{t(Key::OtherSecretsHelp)}</p>
                        {others}
                    </details>
                })}
            </fieldset>
            <div class="actions">
                <button type="submit">{t(Key::Preview)}</button>
            </div>
        </form>
    }
}
