//! What the pages show of the alerts that send through an integration (`api::alerts`): the
//! count on its card and editor with the alerts named under it, and the warning of the delete
//! confirmation. Plain HTML: readable without JavaScript.

use leptos::prelude::*;

use crate::api::alerts::{alert_usage, AlertRef, KeyMatch, KindAlerts, ProjectAlerts};
use crate::error::AppError;
use crate::i18n::{self, alerts as say, t, Key};
use atlas_registry::IntegrationKind;

/// The page's read of its project's alerts, made beside its own read (created with the page,
/// so the server's answer is the one the browser hydrates).
pub fn alerts_resource(group_id: Memo<String>) -> Resource<Result<ProjectAlerts, AppError>> {
    Resource::new(move || group_id.get(), alert_usage)
}

/// Draws `ready` once the alerts are read, whether they could be or not: a failed read of
/// alerts is a line on the page, never the page's error.
pub fn when_read<V, F>(alerts: Resource<Result<ProjectAlerts, AppError>>, ready: F) -> impl IntoView
where
    V: IntoView + 'static,
    F: Fn(Result<ProjectAlerts, AppError>) -> V + Clone + Send + Sync + 'static,
{
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let ready = ready.clone();
                Suspend::new(async move { ready(alerts.await) })
            }}
        </Suspense>
    }
}

/// The alerts of one integration type: those using the project's integration (shown only
/// when it is configured), those with a key of their own for the same service, and those
/// naming an integration the project no longer has.
#[component]
pub fn UsedBy(
    kind: IntegrationKind,
    configured: bool,
    alerts: Result<ProjectAlerts, AppError>,
) -> impl IntoView {
    let usage = match alerts {
        Ok(usage) => usage,
        Err(error) => {
            let text = say::unreadable(&i18n::error_message(&error));
            return view! { <p class="used-by muted">{text}</p> }.into_any();
        }
    };
    let of_kind = usage.get(kind).cloned().unwrap_or_default();
    if !configured && of_kind.is_empty() {
        return ().into_any();
    }
    let url = usage.alerts_ui_url;
    let KindAlerts {
        using,
        own_key,
        elsewhere,
    } = of_kind;
    let using = configured.then(|| {
        let summary = say::used_by(using.len());
        let items = using.into_iter().map(|a| (a, None)).collect();
        view! { <AlertList kind summary items url=url.clone()/> }
    });
    let own_key = (!own_key.is_empty()).then(|| {
        let summary = say::own_key(own_key.len());
        let items = own_key
            .into_iter()
            .map(|o| {
                let note = match o.key {
                    KeyMatch::Same => Key::AlertsSameKey,
                    KeyMatch::Different => Key::AlertsOtherKey,
                    KeyMatch::Unknown => Key::AlertsKeyUnknown,
                };
                (o.alert, Some(t(note)))
            })
            .collect();
        view! { <AlertList kind summary items url=url.clone()/> }
    });
    let elsewhere = (!elsewhere.is_empty()).then(|| {
        let summary = say::elsewhere(elsewhere.len());
        let items = elsewhere.into_iter().map(|a| (a, None)).collect();
        view! { <AlertList kind summary items url=url.clone()/> }
    });
    view! { <div class="used-by">{using}{own_key}{elsewhere}</div> }.into_any()
}

/// A count, and when there is anything to list, the alerts under it (closed: a card stays
/// short), each named by what it watches and linked to the project's alert settings.
#[component]
fn AlertList(
    kind: IntegrationKind,
    summary: String,
    items: Vec<(AlertRef, Option<&'static str>)>,
    url: String,
) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="used-by-count">{summary}</p> }.into_any();
    }
    let rows = items
        .into_iter()
        .map(|(alert, note)| view! { <AlertItem alert note url=url.clone()/> })
        .collect_view();
    view! {
        <details class="used-by-list">
            <summary>{summary}</summary>
            <ul aria-label=say::list_label(kind)>{rows}</ul>
        </details>
    }
    .into_any()
}

#[component]
fn AlertItem(alert: AlertRef, note: Option<&'static str>, url: String) -> impl IntoView {
    let watches: Vec<String> = alert.metric.into_iter().chain(alert.matchers).collect();
    view! {
        <li>
            <a href=url target="_blank" rel="noopener noreferrer">{breakable(&alert.event_type)}</a>
            {(!alert.enabled).then(|| view! { " " <span class="badge">{t(Key::AlertsDisabled)}</span> })}
            {(!watches.is_empty()).then(|| view! { <span class="watches">{watches.join(" · ")}</span> })}
            {note.map(|n| view! { <span class="key-match">{n}</span> })}
        </li>
    }
}

/// An Atlas name (`REPLICATION_OPLOG_WINDOW_RUNNING_OUT`) that may wrap after each `_` rather
/// than mid-word: narrow cards and phones have no room for the longest ones.
pub(crate) fn breakable(name: &str) -> impl IntoView {
    let parts: Vec<String> = name.split_inclusive('_').map(str::to_string).collect();
    parts
        .into_iter()
        .map(|part| view! { {part}<wbr/> })
        .collect_view()
}

/// The delete confirmation's account of the alerts: those that send through the integration
/// (and what is not known about them after the delete), and those with their own key.
#[component]
pub fn DeleteWarning(
    kind: IntegrationKind,
    alerts: Result<ProjectAlerts, AppError>,
) -> impl IntoView {
    let usage = match alerts {
        Ok(usage) => usage,
        Err(error) => {
            let text = say::unreadable(&i18n::error_message(&error));
            return view! { <p class="notice caution" role="note">{text}</p> }.into_any();
        }
    };
    let of_kind = usage.get(kind).cloned().unwrap_or_default();
    let url = usage.alerts_ui_url;
    let list = |alerts: Vec<AlertRef>| {
        let rows = alerts
            .into_iter()
            .map(|alert| view! { <AlertItem alert note=None url=url.clone()/> })
            .collect_view();
        view! { <ul class="used-by-alerts" aria-label=say::list_label(kind)>{rows}</ul> }
    };
    let using = if of_kind.using.is_empty() {
        view! { <p class="used-by-count">{t(Key::AlertsDeleteUnused)}</p> }.into_any()
    } else {
        view! {
            <div class="notice caution" role="note">
                <p><strong>{say::used_by(of_kind.using.len())}</strong></p>
                <p>{t(Key::AlertsDeleteUsing)}</p>
                {list(of_kind.using)}
                <a href=url.clone() target="_blank" rel="noopener noreferrer">{t(Key::AlertsOpenSettings)}</a>
            </div>
        }
        .into_any()
    };
    let own_key = (!of_kind.own_key.is_empty()).then(|| {
        let summary = say::own_key(of_kind.own_key.len());
        let alerts = of_kind.own_key.into_iter().map(|o| o.alert).collect();
        view! {
            <p><strong>{summary}</strong></p>
            <p>{t(Key::AlertsDeleteOwnKey)}</p>
            {list(alerts)}
        }
    });
    view! { <section class="used-by">{using}{own_key}</section> }.into_any()
}
