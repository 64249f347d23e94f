//! `/fleet/advisories`: what across the fleet needs attention (issue #29). One card per
//! advisory, those that concern projects first: what it is, since when, its source, the
//! projects it concerns (the first [`NAMED`], linked) and the matrix filtered to them. Drawn
//! on the server: readable without JavaScript, no island.

use leptos::prelude::*;

use super::layout::{async_view, Breadcrumbs, Header};
use crate::api::advisories::{load_advisories, Advisories, Finding};
use crate::api::fleet::{FleetFilter, ProjectRef};
use crate::i18n::{advisories as say, t, Key};
use crate::links;

/// Projects named on a card; the matrix link shows them all.
const NAMED: usize = 12;

/// The first [`NAMED`] projects' names, then "and N more".
fn names(projects: &[ProjectRef]) -> String {
    let mut text = projects
        .iter()
        .take(NAMED)
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    if projects.len() > NAMED {
        text = format!("{text} {}", say::more(projects.len() - NAMED));
    }
    text
}

#[component]
pub fn AdvisoriesPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_advisories());
    view! {
        <Header/>
        <section class="advisories">
            <Breadcrumbs project=None here=Some(t(Key::AdvisoriesTitle).to_string())/>
            <h1>{t(Key::AdvisoriesTitle)}</h1>
            <p class="intro">{t(Key::AdvisoriesIntro)}</p>
            {async_view(data, |found| view! { <Findings found/> })}
        </section>
    }
}

#[component]
fn Findings(found: Advisories) -> impl IntoView {
    let Advisories {
        mut findings,
        unreadable,
        alerts_unreadable,
    } = found;
    // Those that concern a project first, each group in the advisories' own order.
    findings.sort_by_key(|f| f.projects.is_empty());
    let notes = [
        (!unreadable.is_empty()).then(|| say::unreadable(&names(&unreadable))),
        (!alerts_unreadable.is_empty()).then(|| say::alerts_unreadable(&names(&alerts_unreadable))),
    ]
    .into_iter()
    .flatten()
    .map(|text| view! { <p class="notice caution" role="status">{text}</p> })
    .collect_view();
    let cards = findings
        .into_iter()
        .map(|finding| view! { <AdvisoryCard finding/> })
        .collect_view();
    view! {
        {notes}
        <ul class="cards advisory-list">{cards}</ul>
    }
}

#[component]
fn AdvisoryCard(finding: Finding) -> impl IntoView {
    let Finding { advice, projects } = finding;
    let heading_id = format!("advice-{}", advice.as_code());
    let concerned = !projects.is_empty();
    let matrix = FleetFilter {
        advice: Some(advice),
        ..FleetFilter::default()
    }
    .url(1);
    let body = if concerned {
        let more = projects.len().saturating_sub(NAMED);
        let items = projects
            .iter()
            .take(NAMED)
            .map(|p| view! { <li><a href=links::project(&p.id)>{p.name.clone()}</a></li> })
            .collect_view();
        view! {
            <p class="status">{say::projects(projects.len())}</p>
            <ul class="plain project-names" aria-labelledby=heading_id.clone()>
                {items}
                {(more > 0).then(|| view! { <li class="muted">{say::more(more)}</li> })}
            </ul>
            <p class="actions"><a class="button secondary" href=matrix>{t(Key::AdvisoriesShow)}</a></p>
        }
        .into_any()
    } else {
        view! { <p class="status">{t(Key::AdvisoriesNone)}</p> }.into_any()
    };
    let class = if concerned {
        "card advisory concerned"
    } else {
        "card advisory"
    };
    view! {
        <li class=class data-advice=advice.as_code()>
            <h2 id=heading_id>{say::title(advice)}</h2>
            <p>{say::body(advice)}</p>
            <p class="source">
                {t(Key::AdvisoriesSource)} ": "
                <a href=advice.source() rel="noopener noreferrer" target="_blank">{source_host(advice.source())}</a>
            </p>
            {body}
        </li>
    }
}

/// A source's site, as the card names it (`devblogs.microsoft.com`).
fn source_host(url: &str) -> &str {
    url.split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::fleet_advice::Advice;

    #[test]
    fn every_source_is_named_by_its_site() {
        for advice in Advice::ALL {
            let host = source_host(advice.source());
            assert!(host.contains('.') && !host.contains('/'), "{host}");
        }
    }
}
