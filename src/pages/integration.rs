//! Configure, edit or view one integration type of a project, and confirm its deletion.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::alerts::{alerts_resource, when_read, DeleteWarning, UsedBy};
use super::form::{integration_form, FormData};
use super::layout::{async_view, outcome, Breadcrumbs, ErrorAlert, Header};
use super::project::Values;
use crate::api::alerts::ProjectAlerts;
use crate::api::integrations::{list_integrations, DeleteIntegration, ProjectIntegrations};
use crate::error::AppError;
use crate::i18n::{self, t, Key};
use crate::links;
use atlas_registry::{Availability, Caution, IntegrationKind, NotificationKind};

type Alerts = Resource<Result<ProjectAlerts, AppError>>;

fn route_params() -> (Memo<String>, Memo<Option<IntegrationKind>>) {
    let params = use_params_map();
    let group_id = Memo::new(move |_| params.get().get("group_id").unwrap_or_default());
    let kind = Memo::new(move |_| {
        params
            .get()
            .get("kind")
            .and_then(|k| IntegrationKind::from_wire(&k))
    });
    (group_id, kind)
}

#[component]
pub fn IntegrationPage() -> impl IntoView {
    let (group_id, kind) = route_params();
    let data = Resource::new(move || group_id.get(), list_integrations);
    let alerts = alerts_resource(group_id);
    view! {
        <Header/>
        {async_view(data, move |project| match kind.get() {
            Some(kind) => view! { <IntegrationEditor project kind alerts/> }.into_any(),
            None => view! { <p class="alert" role="alert">{t(Key::UnknownType)}</p> }.into_any(),
        })}
    }
}

#[component]
fn IntegrationEditor(
    project: ProjectIntegrations,
    kind: IntegrationKind,
    alerts: Alerts,
) -> impl IntoView {
    let spec = kind.spec();
    let current = project.get(kind).cloned();
    let configured = current.is_some();
    // Prometheus and New Relic feed metrics: no alert can send through them.
    let used_by = NotificationKind::for_integration(kind).map(|_| {
        when_read(
            alerts,
            move |alerts| view! { <UsedBy kind configured alerts/> },
        )
    });
    let crumbs = Some((project.group_id.clone(), project.project_name.clone()));
    let title = match (&current, spec.availability) {
        (Some(_), Availability::Legacy) => i18n::kind_label(kind).to_string(),
        (Some(_), _) => i18n::edit_title(kind),
        (None, _) => i18n::configure_title(kind),
    };
    let body = match (current, spec.availability) {
        (Some(view), Availability::Legacy) => view! {
            <p class="notice">{t(Key::LegacyReadOnly)}</p>
            <Values view/>
            <a class="button danger" href=links::delete_integration(&project.group_id, kind)>{t(Key::Delete)}</a>
        }
        .into_any(),
        (None, Availability::Legacy) => view! { <p class="notice">{t(Key::LegacyNotOffered)}</p> }.into_any(),
        (current, Availability::Discouraged(caution)) => view! {
            <div class="notice caution" role="note">
                <p>{i18n::caution(caution)}</p>
                {(caution == Caution::SlackLegacyToken).then(|| view! {
                    <a class="button secondary" href=project.atlas_ui_url.clone() target="_blank" rel="noopener noreferrer">{t(Key::OpenAtlasUi)}</a>
                })}
            </div>
            {integration_form(FormData { group_id: project.group_id.clone(), kind, current })}
        }
        .into_any(),
        (current, Availability::Creatable) => {
            integration_form(FormData { group_id: project.group_id.clone(), kind, current }).into_any()
        }
    };
    view! {
        <Breadcrumbs project=crumbs here=Some(i18n::kind_label(kind).to_string())/>
        <h1>{title}</h1>
        <p class="intro">{i18n::kind_help(kind)}</p>
        {used_by}
        {body}
    }
}

/// Asks before deleting, naming the project and the type. A plain form: works without
/// JavaScript.
#[component]
pub fn DeletePage() -> impl IntoView {
    let (group_id, kind) = route_params();
    let data = Resource::new(move || group_id.get(), list_integrations);
    let alerts = alerts_resource(group_id);
    view! {
        <Header/>
        {async_view(data, move |project| match kind.get() {
            Some(kind) => view! { <DeleteConfirm project kind alerts/> }.into_any(),
            None => view! { <p class="alert" role="alert">{t(Key::UnknownType)}</p> }.into_any(),
        })}
    }
}

#[component]
fn DeleteConfirm(
    project: ProjectIntegrations,
    kind: IntegrationKind,
    alerts: Alerts,
) -> impl IntoView {
    // A plain form post: the server function redirects to the project page.
    let delete = ServerAction::<DeleteIntegration>::new();
    let back = links::project(&project.group_id);
    let configured = project.get(kind).is_some();
    view! {
        <Breadcrumbs project=Some((project.group_id.clone(), project.project_name.clone())) here=Some(i18n::kind_label(kind).to_string())/>
        <h1>{i18n::delete_title(kind)}</h1>
        {move || outcome(delete).and_then(Result::err).map(|error| view! { <ErrorAlert error/> })}
        {if configured {
            view! {
                <p>{i18n::delete_question(kind, &project.project_name)}</p>
                {NotificationKind::for_integration(kind).map(|_| {
                    when_read(alerts, move |alerts| view! { <DeleteWarning kind alerts/> })
                })}
                <ActionForm action=delete attr:class="confirm" attr:aria-label=t(Key::Delete)>
                    <input type="hidden" name="group_id" value=project.group_id.clone()/>
                    <input type="hidden" name="kind" value=kind.as_wire()/>
                    <button type="submit" class="danger" disabled=move || delete.pending().get()>
                        {i18n::delete_button(kind)}
                    </button>
                    <a class="button secondary" href=back.clone()>{t(Key::Cancel)}</a>
                </ActionForm>
            }
            .into_any()
        } else {
            view! { <p class="notice">{t(Key::NotConfigured)}</p><a href=back.clone()>{t(Key::BackToProject)}</a> }.into_any()
        }}
    }
}
