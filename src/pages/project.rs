//! One project: a card for each of the ten integration types, configured or not, with its
//! values as Atlas returned them (secrets masked) and what can be done with it.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::alerts::UsedBy;
use super::layout::{Breadcrumbs, ErrorAlert, Header, Loading};
use crate::api::alerts::{alert_usage, ProjectAlerts};
use crate::api::integrations::{list_integrations, ProjectIntegrations};
use crate::error::AppError;
use crate::i18n::{self, t, Key};
use crate::links;
use atlas_registry::{
    Availability, Caution, IntegrationKind, IntegrationView, NotificationKind, ShownValue,
};

#[component]
pub fn ProjectPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let group_id = move || params.get().get("group_id").unwrap_or_default();
    let data = Resource::new(group_id, list_integrations);
    // A second request beside the list, so the cards never wait on a failed read of alerts.
    let alerts = Resource::new(group_id, alert_usage);
    let flash = move || {
        let q = query.get();
        let kind = |k: &str| q.get(k).and_then(|w| IntegrationKind::from_wire(&w));
        kind(links::SAVED)
            .map(i18n::saved)
            .or_else(|| kind(links::DELETED).map(i18n::deleted))
    };
    view! {
        <Header/>
        <Suspense fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                let (data, alerts) = (data.await, alerts.await);
                match data {
                    Ok(project) => view! {
                        <Breadcrumbs project=Some((project.group_id.clone(), project.project_name.clone())) here=None/>
                        <h1>{project.project_name.clone()}</h1>
                        <p class="intro"><code>{project.group_id.clone()}</code></p>
                        <p class="links">
                            <a href=links::project_history(&project.group_id)>{t(Key::History)}</a>
                            " "
                            <a href=links::fleet_export("", Some(&project.group_id))>{t(Key::ExportAsCode)}</a>
                        </p>
                        {flash().map(|m| view! { <p class="notice" role="status">{m}</p> })}
                        <ProjectCards project alerts/>
                    }
                    .into_any(),
                    Err(error) => view! { <Breadcrumbs project=None here=None/><ErrorAlert error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProjectCards(
    project: ProjectIntegrations,
    alerts: Result<ProjectAlerts, AppError>,
) -> impl IntoView {
    let cards = IntegrationKind::ALL
        .into_iter()
        .map(|kind| {
            let current = project.get(kind).cloned();
            let alerts = alerts.clone();
            view! { <IntegrationCard group_id=project.group_id.clone() atlas_ui_url=project.atlas_ui_url.clone() kind current alerts/> }
        })
        .collect_view();
    view! { <ul class="cards" aria-label=t(Key::Integrations)>{cards}</ul> }
}

#[component]
fn IntegrationCard(
    group_id: String,
    atlas_ui_url: String,
    kind: IntegrationKind,
    current: Option<IntegrationView>,
    alerts: Result<ProjectAlerts, AppError>,
) -> impl IntoView {
    let spec = kind.spec();
    let href = links::integration(&group_id, kind);
    let delete_href = links::delete_integration(&group_id, kind);
    let badge = i18n::kind_badge(kind);
    let configured = current.is_some();
    // Unconfigured, the status line says it all.
    let body = current.map(|view| view! { <Values view/> });
    // Prometheus and New Relic feed metrics: no alert can send through them.
    let used_by =
        NotificationKind::for_integration(kind).map(|_| view! { <UsedBy kind configured alerts/> });
    let actions = match (configured, spec.availability) {
        (true, Availability::Legacy) => view! {
            <a class="button secondary" href=href>{t(Key::View)}</a>
            <a class="button danger" href=delete_href>{t(Key::Delete)}</a>
        }
        .into_any(),
        (true, _) => view! {
            <a class="button" href=href>{t(Key::Edit)}</a>
            <a class="button danger" href=delete_href>{t(Key::Delete)}</a>
        }
        .into_any(),
        (false, Availability::Creatable | Availability::Discouraged(Caution::NewRelicRetired)) => {
            view! { <a class="button" href=href>{t(Key::Configure)}</a> }.into_any()
        }
        // Slack: the Atlas UI's sign-in is the recommended way; a legacy token is the other.
        (false, Availability::Discouraged(Caution::SlackLegacyToken)) => view! {
            <a class="button" href=atlas_ui_url target="_blank" rel="noopener noreferrer">{t(Key::OpenAtlasUi)}</a>
            <a class="button secondary" href=href>{t(Key::Configure)}</a>
        }
        .into_any(),
        (false, Availability::Legacy) => view! { <p class="muted">{t(Key::LegacyNotOffered)}</p> }.into_any(),
    };
    view! {
        <li class="card integration" class:configured=configured data-type=kind.as_wire()>
            <h2>
                {i18n::kind_label(kind)}
                // The space keeps the heading's accessible name "Slack set up in Atlas".
                {badge.map(|b| view! { " " <span class="badge">{b}</span> })}
            </h2>
            <p class="status">{if configured { t(Key::Configured) } else { t(Key::NotConfiguredShort) }}</p>
            {body}
            {used_by}
            <div class="actions">{actions}</div>
        </li>
    }
}

/// The values Atlas returned, labelled from the registry.
#[component]
pub fn Values(view: IntegrationView) -> impl IntoView {
    let spec = view.kind.spec();
    let rows = spec
        .fields
        .iter()
        .filter_map(|field| {
            let shown = view.values.get(field.name)?;
            let text = match shown {
                ShownValue::Text(s) => s.clone(),
                ShownValue::Bool(b) => t(if *b { Key::On } else { Key::Off }).to_string(),
                ShownValue::Secret { hint } => i18n::secret_set(hint),
            };
            Some(view! { <dt>{i18n::field_label(view.kind, field)}</dt><dd>{text}</dd> })
        })
        .collect_view();
    view! { <dl class="values">{rows}</dl> }
}
