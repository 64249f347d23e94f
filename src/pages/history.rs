//! History pages: the fleet's (`/history`) and one project's (`/projects/{id}/history`).
//! Filter and page live in the URL (`?type=&action=&page=`), a plain GET form and plain
//! links, so they work without JavaScript and can be bookmarked. Server-rendered only: no
//! island.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::layout::{async_view_or, Breadcrumbs, ErrorAlert, Header};
use crate::api::history::{list_history, Author, Change, EventKind, HistoryEntry, HistoryPage};
use crate::i18n::{self, t, Key};
use crate::links;
use crate::write_record::{Action, Origin, WriteRecord};
use atlas_registry::IntegrationKind;

#[component]
pub fn FleetHistoryPage() -> impl IntoView {
    view! { <History group_id=Signal::stored(String::new())/> }
}

#[component]
pub fn ProjectHistoryPage() -> impl IntoView {
    let params = use_params_map();
    let group_id = Signal::derive(move || params.get().get("group_id").unwrap_or_default());
    view! { <History group_id/> }
}

/// Either history: `group_id` empty for the fleet's.
#[component]
fn History(group_id: Signal<String>) -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.get().get(name).unwrap_or_default();
    // A page number that is not one is page 1, as on the projects page.
    let page = move || {
        param(links::HISTORY_PAGE)
            .parse::<u32>()
            .unwrap_or(1)
            .max(1)
    };
    let data = Resource::new(
        move || {
            (
                group_id.get(),
                page(),
                param(links::HISTORY_TYPE),
                param(links::HISTORY_ACTION),
            )
        },
        |(g, p, k, a)| list_history(g, p, k, a),
    );
    view! {
        <Header/>
        <section class="history">
            {async_view_or(
                data,
                |page| view! { <HistoryView page/> },
                |error| view! {
                    <Breadcrumbs project=None here=Some(t(Key::History).to_string())/>
                    <h1>{t(Key::History)}</h1>
                    <ErrorAlert error/>
                },
            )}
        </section>
    }
}

#[component]
fn HistoryView(page: HistoryPage) -> impl IntoView {
    let fleet = page.project.is_none();
    let (title, intro) = match &page.project {
        Some((_, name)) => (
            format!("{} · {name}", t(Key::History)),
            t(Key::ProjectHistoryIntro),
        ),
        None => (t(Key::FleetHistory).to_string(), t(Key::HistoryIntro)),
    };
    let group_id = page.project.as_ref().map(|(id, _)| id.clone());
    let kind = page.filter.kind;
    let action = page.filter.change.map(Change::as_param);
    let link = move |p: u32| links::history_page(group_id.as_deref(), kind, action, p);
    let prev = (page.page > 1).then(|| link(page.page - 1));
    let next = page.has_next.then(|| link(page.page + 1));
    let unreadable = (!page.unreadable.is_empty()).then(|| {
        let items = page
            .unreadable
            .iter()
            .map(|u| {
                let text = format!("{}: {}", u.project_name, i18n::error_message(&u.error));
                view! { <li data-project=u.group_id.clone()>{text}</li> }
            })
            .collect_view();
        view! {
            <div class="notice caution unreadable" role="status">
                <p>{t(Key::UnreadableProjects)}</p>
                <ul>{items}</ul>
            </div>
        }
    });
    let rows = if page.entries.is_empty() {
        view! { <p class="empty">{t(Key::NoHistory)}</p> }.into_any()
    } else {
        let rows = page
            .entries
            .into_iter()
            .map(|entry| view! { <HistoryRow entry fleet/> })
            .collect_view();
        view! {
            <table class="project-list history-list">
                <thead>
                    <tr>
                        <th scope="col">{t(Key::When)}</th>
                        <th scope="col">{t(Key::Who)}</th>
                        <th scope="col">{t(Key::Action)}</th>
                        <th scope="col">{t(Key::IntegrationType)}</th>
                        <th scope="col">{t(Key::FieldsChanged)}</th>
                        {fleet.then(|| view! { <th scope="col">{t(Key::Project)}</th> })}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <Breadcrumbs project=page.project.clone() here=Some(t(Key::History).to_string())/>
        <h1>{title}</h1>
        <p class="intro">{intro}</p>
        <p class="intro">{t(Key::HistoryJournalNote)}</p>
        <Filter kind action/>
        {kind.map(|_| view! { <p class="notice type-filter-note" role="note">{i18n::history::type_filter_note()}</p> })}
        <p class="count">{i18n::history::count_line(page.page, page.projects)}</p>
        {unreadable}
        {rows}
        {page.truncated.then(|| view! { <p class="muted truncated">{t(Key::HistoryTruncated)}</p> })}
        <nav class="pager" aria-label=t(Key::PagerLabel)>
            {prev.map(|href| view! { <a href=href rel="prev">{t(Key::PreviousPage)}</a> })}
            {next.map(|href| view! { <a href=href rel="next">{t(Key::NextPage)}</a> })}
        </nav>
    }
}

/// The filter: a GET form to this same page (its page number starts again at 1).
#[component]
fn Filter(kind: Option<IntegrationKind>, action: Option<&'static str>) -> impl IntoView {
    let kinds = IntegrationKind::ALL
        .into_iter()
        .map(|k| {
            view! { <option value=k.as_wire() selected=kind == Some(k)>{i18n::kind_label(k)}</option> }
        })
        .collect_view();
    let actions = Change::ALL
        .into_iter()
        .map(|c| {
            let label = change_label(c);
            view! { <option value=c.as_param() selected=action == Some(c.as_param())>{label}</option> }
        })
        .collect_view();
    view! {
        <Form method="GET" action="" attr:class="search history-filter">
            <label for="history-type">{t(Key::IntegrationType)}</label>
            <select id="history-type" name=links::HISTORY_TYPE>
                <option value="" selected=kind.is_none()>{t(Key::AnyIntegration)}</option>
                {kinds}
            </select>
            <label for="history-action">{t(Key::Action)}</label>
            <select id="history-action" name=links::HISTORY_ACTION>
                <option value="" selected=action.is_none()>{t(Key::AnyAction)}</option>
                {actions}
            </select>
            <button type="submit">{t(Key::ApplyFilter)}</button>
        </Form>
    }
}

fn change_label(change: Change) -> &'static str {
    match change {
        Change::Configured => t(Key::ChangeConfigured),
        Change::Removed => t(Key::ChangeRemoved),
    }
}

#[component]
fn HistoryRow(entry: HistoryEntry, fleet: bool) -> impl IntoView {
    let who = match &entry.author {
        Author::ApiKey(k) => i18n::history::api_key_author(k),
        Author::ApiKeyId(id) => i18n::history::api_key_id_author(id),
        Author::User(u) => u.clone(),
        Author::ServiceAccount(c) => i18n::history::service_account_author(c),
        Author::Delegate { name, on_behalf_of } => {
            i18n::history::delegate_author(name, on_behalf_of.as_deref())
        }
        Author::NotStated => t(Key::AuthorNotStated).to_string(),
    };
    let from = entry.remote_address.as_deref().map(
        |address| view! { <span class="muted from">{i18n::history::from_address(address)}</span> },
    );
    // Atlas documents no field for the type: it is known only from the journal, never guessed.
    let (kind, kind_known) = match &entry.kind {
        EventKind::Known(k) => (i18n::kind_label(*k).to_string(), true),
        EventKind::NotStated => (t(Key::TypeNotStated).to_string(), false),
    };
    let data_type = match &entry.kind {
        EventKind::Known(k) => k.as_wire().to_string(),
        EventKind::NotStated => String::new(),
    };
    let action = match &entry.record {
        Some(record) => journaled_action(record),
        None => change_label(entry.change).to_string(),
    };
    let fields = entry
        .record
        .as_ref()
        .map(fields_changed)
        .unwrap_or_default();
    let project = fleet.then(|| {
        let href = links::project_history(&entry.group_id);
        view! { <td><a href=href>{entry.project_name.clone()}</a></td> }
    });
    view! {
        <tr
            data-action=entry.change.as_param()
            data-type=data_type
            data-journaled=entry.record.is_some().to_string()
        >
            <td><time datetime=entry.created.clone()>{crate::i18n::date_time(&entry.created)}</time></td>
            <td class="who">{who}{from}</td>
            <td>{action}</td>
            <td class:muted=!kind_known>{kind}</td>
            <td class="fields">{fields}</td>
            {project}
        </tr>
    }
}

/// What the journal says the write was: created, updated or removed, and from which fleet
/// page when it came from one.
fn journaled_action(record: &WriteRecord) -> String {
    let action = match record.action {
        Action::Create => t(Key::ChangeCreated),
        Action::Update => t(Key::ChangeUpdated),
        Action::Delete => t(Key::ChangeRemoved),
    };
    match record.origin {
        Origin::Page => action.to_string(),
        Origin::Apply => format!("{action} · {}", t(Key::FleetApplyTitle)),
        Origin::Rotate => format!("{action} · {}", t(Key::FleetRotateTitle)),
    }
}

/// The names of the fields the write set and removed, as the form labels them.
fn fields_changed(record: &WriteRecord) -> String {
    let names = |fields: &[String]| {
        fields
            .iter()
            .map(|f| i18n::history::field_label(record.kind, f))
            .collect::<Vec<_>>()
            .join(t(Key::ListSeparator))
    };
    let mut parts = Vec::new();
    if !record.set.is_empty() {
        parts.push(i18n::history::fields_set(&names(&record.set)));
    }
    if !record.removed.is_empty() {
        parts.push(i18n::history::fields_removed(&names(&record.removed)));
    }
    parts.join("; ")
}
