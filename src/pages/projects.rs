//! The projects page: every project the credential can see, searchable, with the types of
//! integration each carries. Search and paging live in the URL (`?q=&page=`), so they work
//! without JavaScript and can be bookmarked.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use super::layout::{async_view, Header};
use crate::api::projects::{list_projects, ProjectSummary, ProjectsPage};
use crate::i18n::{projects_count, t, Key};
use crate::links;

const PER_PAGE: u32 = 25;

#[component]
pub fn ProjectsPageView() -> impl IntoView {
    let query = use_query_map();
    let filter = move || query.get().get("q").unwrap_or_default();
    let page = move || {
        query
            .get()
            .get("page")
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(1)
            .max(1)
    };
    let projects = Resource::new(
        move || (filter(), page()),
        |(q, p)| list_projects(q, p, PER_PAGE),
    );
    view! {
        <Header/>
        <section class="projects">
            <h1>{t(Key::Projects)}</h1>
            <p class="intro">{t(Key::ProjectsIntro)}</p>
            <p class="links">
                <a href=links::FLEET>{t(Key::FleetLink)}</a>
                " "
                <a href=links::HISTORY>{t(Key::FleetHistory)}</a>
            </p>
            <Form method="GET" action="" attr:class="search" attr:role="search">
                <label for="project-search">{t(Key::Search)}</label>
                <input id="project-search" type="search" name="q" placeholder=t(Key::SearchPlaceholder) value=filter/>
                <button type="submit">{t(Key::Search)}</button>
            </Form>
            {async_view(projects, move |page| view! { <ProjectTable page filter=filter()/> })}
        </section>
    }
}

#[component]
fn ProjectTable(page: ProjectsPage, filter: String) -> impl IntoView {
    if page.projects.is_empty() {
        return view! { <p class="empty">{t(Key::NoProjectsMatch)}</p> }.into_any();
    }
    let first = ((page.page - 1) * page.per_page) as usize + 1;
    let last = first + page.projects.len() - 1;
    let link = move |p: u32| links::projects_page(&filter, p);
    let prev = (page.page > 1).then(|| link(page.page - 1));
    let next = (last < page.matching).then(|| link(page.page + 1));
    view! {
        <p class="count">{projects_count(first, last, page.matching, page.total)}</p>
        <table class="project-list">
            <thead>
                <tr>
                    <th scope="col">{t(Key::ProjectName)}</th>
                    <th scope="col">{t(Key::ProjectId)}</th>
                    <th scope="col">{t(Key::Integrations)}</th>
                </tr>
            </thead>
            <tbody>
                {page.projects.into_iter().map(|p| view! { <ProjectRow project=p/> }).collect_view()}
            </tbody>
        </table>
        <nav class="pager" aria-label=t(Key::PagerLabel)>
            {prev.map(|href| view! { <a href=href rel="prev">{t(Key::PreviousPage)}</a> })}
            {next.map(|href| view! { <a href=href rel="next">{t(Key::NextPage)}</a> })}
        </nav>
    }
    .into_any()
}

#[component]
fn ProjectRow(project: ProjectSummary) -> impl IntoView {
    let href = links::project(&project.id);
    let kinds = match project.integrations {
        None => view! { <span class="unknown">{t(Key::Unknown)}</span> }.into_any(),
        Some(kinds) if kinds.is_empty() => view! { <span class="none">{t(Key::NoIntegrations)}</span> }.into_any(),
        Some(kinds) => view! {
            <span class="count">{kinds.len()}</span>
            <ul class="chips">{kinds.into_iter().map(|k| view! { <li>{crate::i18n::kind_label(k)}</li> }).collect_view()}</ul>
        }
        .into_any(),
    };
    view! {
        <tr>
            <th scope="row"><a href=href>{project.name}</a></th>
            <td><code>{project.id}</code></td>
            <td>{kinds}</td>
        </tr>
    }
}
