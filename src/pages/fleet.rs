//! The fleet matrix page: one row per project, one column per integration type. The filter
//! lives in the URL (`/fleet?q=&has=&lacks=&region=&page=`), so it can be shared and
//! bookmarked. The server renders one page of rows (every flow works without JavaScript);
//! the [`FleetMatrix`] island then loads the whole filtered fleet in chunks, showing its
//! progress, and retries a failed row on its own.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::layout::{ErrorAlert, Header, Loading};
use crate::api::fleet::{load_fleet_page, regions, Cell, FleetFilter, FleetPage, RowState};
use crate::error::AppError;
use crate::i18n::{self, error_message, t, Key};
use crate::links::{self, fleet_param as param};
use atlas_registry::{Availability, IntegrationKind};

/// Projects per `fleet/rows` request while the island loads the fleet: one request's
/// lookups run `LOOKUPS_IN_FLIGHT` at a time on the server, and the requests go one after
/// another, so a whole multiple of it keeps every lookup slot busy to a request's end.
#[cfg(feature = "hydrate")]
const CHUNK: usize = 6 * crate::api::LOOKUPS_IN_FLIGHT;

#[component]
pub fn FleetPageView() -> impl IntoView {
    let query = use_query_map();
    let raw = move |name: &str| query.get().get(name).unwrap_or_default();
    let parsed = move || {
        FleetFilter::from_url(
            &raw(param::Q),
            &raw(param::HAS),
            &raw(param::LACKS),
            &raw(param::REGION),
        )
    };
    // A page number that is not one is page 1.
    let page = move || raw(param::PAGE).parse::<u32>().unwrap_or(1).max(1);
    let wire = |k: Option<IntegrationKind>| k.map(|k| k.as_wire().to_string()).unwrap_or_default();
    let data = Resource::new(
        move || (parsed().0, page()),
        move |(f, page)| {
            load_fleet_page(
                f.q,
                wire(f.has),
                wire(f.lacks),
                f.region.unwrap_or_default(),
                page,
            )
        },
    );
    let ignored = move || {
        parsed()
            .1
            .into_iter()
            .map(|name| view! { <p class="notice" role="status">{i18n::fleet_ignored(name)}</p> })
            .collect_view()
    };
    view! {
        <Header/>
        <section class="fleet">
            <h1>{t(Key::Fleet)}</h1>
            <p class="intro">{t(Key::FleetIntro)}</p>
            // The fleet operations start from here.
            <p class="links">
                <a href=links::FLEET_APPLY>{t(Key::FleetApplyTitle)}</a>
                " "
                <a href=links::FLEET_ROTATE>{t(Key::FleetRotateTitle)}</a>
            </p>
            {move || view! { <FilterForm filter=parsed().0/> }}
            {ignored}
            <Suspense fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(fleet) => view! { <FleetMatrix fleet/> }.into_any(),
                        Err(error) => view! { <ErrorAlert error/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// A plain GET form: its fields are the URL's parameters.
#[component]
fn FilterForm(filter: FleetFilter) -> impl IntoView {
    let kinds = move |chosen: Option<IntegrationKind>| {
        IntegrationKind::ALL
            .into_iter()
            .map(|k| view! { <option value=k.as_wire() selected=chosen == Some(k)>{i18n::kind_label(k)}</option> })
            .collect_view()
    };
    let region_options = regions()
        .into_iter()
        .map(
            |r| view! { <option value=r selected=filter.region.as_deref() == Some(r)>{r}</option> },
        )
        .collect_view();
    view! {
        <form method="GET" action=links::FLEET class="filters" role="search">
            <label>{t(Key::FilterSearch)}
                <input type="search" name=param::Q value=filter.q.clone() placeholder=t(Key::SearchPlaceholder)/>
            </label>
            <label>{t(Key::FilterHas)}
                <select name=param::HAS><option value="">{t(Key::AnyType)}</option>{kinds(filter.has)}</select>
            </label>
            <label>{t(Key::FilterLacks)}
                <select name=param::LACKS><option value="">{t(Key::AnyType)}</option>{kinds(filter.lacks)}</select>
            </label>
            <label>{t(Key::FilterRegion)}
                <select name=param::REGION><option value="">{t(Key::AnyRegion)}</option>{region_options}</select>
            </label>
            <button type="submit">{t(Key::ApplyFilters)}</button>
            <a href=links::FLEET>{t(Key::ClearFilters)}</a>
        </form>
    }
}

/// A row once loaded: how many times it was (re)loaded (the row's key, so a retried row is
/// drawn again and the others are kept), and its state; `None` when the server looked it up
/// and it does not match the filter (its cells were not sent).
type Slot = Option<(u32, Option<RowState>)>;

/// The matrix. Rendered on the server with one page of rows; in the browser it loads the
/// rest of the filtered fleet, `CHUNK` projects a request, one request at a time.
#[island]
pub fn FleetMatrix(fleet: FleetPage) -> impl IntoView {
    let FleetPage {
        filter,
        projects,
        rows,
        not_matching,
        page,
        next,
        total: _,
    } = fleet;
    let index: HashMap<String, usize> = projects
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.clone(), i))
        .collect();
    let mut slots: Vec<Slot> = vec![None; projects.len()];
    let mut first_page = Vec::new();
    for row in rows {
        if let Some(&i) = index.get(&row.id) {
            slots[i] = Some((0, Some(row.state)));
            first_page.push(i);
        }
    }
    for id in not_matching {
        if let Some(&i) = index.get(&id) {
            slots[i] = Some((0, None));
        }
    }
    let slots = RwSignal::new(slots);
    let live = RwSignal::new(false);
    let ended = RwSignal::new(None::<AppError>);
    let projects = StoredValue::new(projects);
    let index = StoredValue::new(index);
    let filter = StoredValue::new(filter);

    // Without JavaScript (and until the island runs): the server's page. Then: every loaded
    // row that matches, in name order.
    let visible = Memo::new(move |_| -> Vec<(usize, u32)> {
        slots.with(|slots| {
            let shown = |i: usize| {
                let (generation, Some(state)) = slots[i].as_ref()? else {
                    return None;
                };
                filter
                    .with_value(|f| f.matches(state))
                    .then_some((i, *generation))
            };
            if live.get() {
                (0..slots.len()).filter_map(shown).collect()
            } else {
                first_page.iter().filter_map(|&i| shown(i)).collect()
            }
        })
    });
    let loaded = move || slots.with(|s| s.iter().filter(|s| s.is_some()).count());
    let counts = Memo::new(move |_| {
        let mut counts = [0usize; IntegrationKind::ALL.len()];
        slots.with(|slots| {
            for (i, _) in visible.get() {
                if let Some((_, Some(RowState::Loaded(cells)))) = &slots[i] {
                    for cell in cells {
                        counts[cell.kind as usize] += 1;
                    }
                }
            }
        });
        counts
    });

    let set_rows = move |rows: Vec<crate::api::fleet::FleetRow>| {
        slots.update(|slots| {
            for row in rows {
                if let Some(i) = index.with_value(|x| x.get(&row.id).copied()) {
                    let generation = slots[i].as_ref().map_or(0, |(g, _)| g + 1);
                    slots[i] = Some((generation, Some(row.state)));
                }
            }
        })
    };
    let fail_rows = move |ids: &[String], error: AppError| {
        if error.needs_login() {
            ended.set(Some(error));
            return;
        }
        let rows = ids
            .iter()
            .map(|id| crate::api::fleet::FleetRow {
                id: id.clone(),
                state: RowState::Failed(error.clone()),
            })
            .collect();
        set_rows(rows);
    };
    let retry = move |id: String| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match crate::api::fleet::load_fleet_rows(vec![id.clone()]).await {
                Ok(rows) => set_rows(rows),
                Err(error) => fail_rows(&[id], error),
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (id, fail_rows);
    };

    // In the browser only (effects do not run on the server): load the rest of the fleet.
    Effect::new(move |_| {
        live.set(true);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let missing: Vec<String> = slots.with_untracked(|slots| {
                projects.with_value(|projects| {
                    projects
                        .iter()
                        .zip(slots)
                        .filter(|(_, slot)| slot.is_none())
                        .map(|(p, _)| p.id.clone())
                        .collect()
                })
            });
            for chunk in missing.chunks(CHUNK) {
                if ended.get_untracked().is_some() {
                    return;
                }
                match crate::api::fleet::load_fleet_rows(chunk.to_vec()).await {
                    Ok(rows) => set_rows(rows),
                    Err(error) => fail_rows(chunk, error),
                }
            }
        });
    });

    let total = projects.with_value(Vec::len);
    let status = move || {
        if live.get() {
            i18n::fleet_progress(loaded(), total, visible.with(Vec::len))
        } else {
            i18n::fleet_page_count(page, visible.with(Vec::len), total)
        }
    };
    let pager = move || {
        (!live.get()).then(|| {
            let link = move |p: u32| {
                filter.with_value(|f| links::fleet(&f.q, f.has, f.lacks, f.region.as_deref(), p))
            };
            let prev = (page > 1).then(|| link(page - 1));
            let following = next.then(|| link(page + 1));
            view! {
                <nav class="pager" aria-label=t(Key::PagerLabel)>
                    <span class="muted">{t(Key::FleetWithoutScript)}</span>
                    {prev.map(|href| view! { <a href=href rel="prev">{t(Key::PreviousPage)}</a> })}
                    {following.map(|href| view! { <a href=href rel="next">{t(Key::NextPage)}</a> })}
                </nav>
            }
        })
    };
    let headers = IntegrationKind::ALL
        .into_iter()
        .map(|k| view! { <th scope="col" data-type=k.as_wire()>{i18n::kind_label(k)}</th> })
        .collect_view();
    let count_cells = IntegrationKind::ALL
        .into_iter()
        .map(|k| view! { <td class="column-count" data-type=k.as_wire()>{move || counts.get()[k as usize]}</td> })
        .collect_view();
    view! {
        {move || ended.get().map(|error| view! { <ErrorAlert error/> })}
        <p class="count" role="status" aria-live="polite" data-loaded=loaded data-total=total>{status}</p>
        <div class="matrix-scroll">
            <table class="matrix">
                <thead>
                    <tr><th scope="col">{t(Key::ProjectName)}</th>{headers}</tr>
                    <tr class="counts"><th scope="row">{t(Key::ColumnCounts)}</th>{count_cells}</tr>
                </thead>
                <tbody>
                    <For each=move || visible.get() key=|key| *key let:key>
                        {
                            let (i, _) = key;
                            let project = projects.with_value(|p| p[i].clone());
                            let state = slots.with_untracked(|s| s[i].as_ref().and_then(|(_, st)| st.clone()));
                            view! { <MatrixRow id=project.id name=project.name state retry/> }
                        }
                    </For>
                </tbody>
            </table>
        </div>
        {move || visible.with(Vec::is_empty).then(|| view! { <p class="empty">{t(Key::NoFleetRows)}</p> })}
        {pager}
    }
}

#[component]
fn MatrixRow(
    id: String,
    name: String,
    state: Option<RowState>,
    retry: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let cells = match state {
        Some(RowState::Loaded(cells)) => IntegrationKind::ALL
            .into_iter()
            .map(|kind| {
                let cell = cells.iter().find(|c| c.kind == kind).cloned();
                view! { <MatrixCell group_id=id.clone() kind cell/> }
            })
            .collect_view()
            .into_any(),
        Some(RowState::OutOfReach) => view! {
            <td class="row-problem out-of-reach" colspan=IntegrationKind::ALL.len()>{t(Key::OutOfReachRow)}</td>
        }
        .into_any(),
        Some(RowState::Failed(error)) => {
            let again = id.clone();
            // Without JavaScript, the retry is this project's own matrix (looked up afresh).
            let alone = links::fleet(&id, None, None, None, 1);
            view! {
                <td class="row-problem failed" colspan=IntegrationKind::ALL.len()>
                    <span role="alert">{error_message(&error)}</span>
                    " "
                    <a class="button secondary retry" href=alone on:click=move |ev| {
                        ev.prevent_default();
                        retry(again.clone());
                    }>{t(Key::RetryRow)}</a>
                </td>
            }
            .into_any()
        }
        None => view! { <td colspan=IntegrationKind::ALL.len()><Loading/></td> }.into_any(),
    };
    view! {
        <tr data-id=id.clone()>
            <th scope="row"><a href=links::project(&id)>{name}</a><br/><code>{id.clone()}</code></th>
            {cells}
        </tr>
    }
}

#[component]
fn MatrixCell(group_id: String, kind: IntegrationKind, cell: Option<Cell>) -> impl IntoView {
    let href = links::integration(&group_id, kind);
    let wire = kind.as_wire();
    match cell {
        Some(cell) => {
            let settings: Vec<String> = cell.settings.into_iter().map(|(_, v)| v).collect();
            let badge = i18n::kind_badge(kind);
            view! {
                <td class="cell configured" data-type=wire data-state="configured">
                    <a href=href title=t(Key::Configured)>{cell.hint.unwrap_or_else(|| t(Key::Configured).to_string())}</a>
                    {(!settings.is_empty()).then(|| view! { <span class="settings">{settings.join(" · ")}</span> })}
                    {badge.map(|b| view! { <span class="badge">{b}</span> })}
                </td>
            }
            .into_any()
        }
        // A legacy type cannot be configured: nothing to link to.
        None if kind.spec().availability == Availability::Legacy => view! {
            <td class="cell empty" data-type=wire data-state="absent"><span class="muted" title=t(Key::NotConfiguredShort)>"–"</span></td>
        }
        .into_any(),
        None => view! {
            <td class="cell empty" data-type=wire data-state="absent">
                <a class="muted" href=href title=t(Key::NotConfiguredShort) aria-label=t(Key::NotConfiguredShort)>"–"</a>
            </td>
        }
        .into_any(),
    }
}
