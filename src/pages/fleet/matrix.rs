//! The matrix as the server draws it: its heading, column counts and one page of rows
//! (`row`), inside the island that loads the rest (`loader`).

use std::collections::HashMap;

use leptos::prelude::*;

use super::row::MatrixRow;
use crate::api::fleet::{FleetPage, RowState};
use crate::i18n::{self, t, Key};
use crate::links;
use crate::pages::matrix_loader::rows_html::RowRequest;
use crate::pages::matrix_loader::{matrix_loader, part, MatrixLoad};
use atlas_registry::IntegrationKind;

/// The matrix: drawn on the server with one page of rows (all a browser without JavaScript
/// sees), inside the [`MatrixLoader`] island, which loads the rest.
/// `shown`: the types whose columns are shown (none: all). The others are drawn and hidden
/// by the table's class (`hide-<TYPE>`, style/main.css), so the rows the island loads later
/// need not know the choice.
#[component]
pub fn FleetMatrix(fleet: FleetPage, shown: Vec<IntegrationKind>) -> impl IntoView {
    let columns = shown;
    // The island loads the rest (`FleetPage::not_looked_up`, as `fleet/page` prefetches it).
    let missing: Vec<String> = fleet.not_looked_up().map(|p| p.id.clone()).collect();
    let FleetPage {
        filter,
        projects,
        rows,
        page,
        next,
        ..
    } = fleet;
    let index: HashMap<&str, u32> = projects
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i as u32))
        .collect();
    let names: HashMap<&str, &str> = projects
        .iter()
        .map(|p| (p.id.as_str(), p.name.as_str()))
        .collect();
    let mut counts = vec![0usize; IntegrationKind::ALL.len()];
    for row in &rows {
        if let RowState::Loaded(cells) = &row.state {
            for cell in cells {
                counts[cell.kind as usize] += 1;
            }
        }
    }
    let (total, shown) = (projects.len(), rows.len());
    let loaded = total - missing.len();
    let load = MatrixLoad {
        missing: missing
            .into_iter()
            .map(|id| RowRequest {
                index: index[id.as_str()],
                id,
            })
            .collect(),
        filter: filter.clone(),
        total,
        loaded,
        shown,
        counts: counts.clone(),
    };
    let body = rows
        .into_iter()
        .map(|row| {
            let name = names
                .get(row.id.as_str())
                .copied()
                .unwrap_or_default()
                .to_string();
            let i = index.get(row.id.as_str()).copied().unwrap_or_default();
            view! { <MatrixRow index=i id=row.id name state=row.state/> }
        })
        .collect_view();
    let table_class = IntegrationKind::ALL
        .into_iter()
        .filter(|k| !columns.is_empty() && !columns.contains(k))
        .fold("matrix".to_string(), |class, k| {
            format!("{class} hide-{}", k.as_wire())
        });
    let link = move |p: u32| links::with_columns(filter.url(p), &columns);
    let prev = (page > 1).then(|| link(page - 1));
    let following = next.then(|| link(page + 1));
    let headers = IntegrationKind::ALL
        .into_iter()
        .map(|k| view! { <th scope="col" data-type=k.as_wire()>{i18n::kind_label(k)}</th> })
        .collect_view();
    let count_cells = IntegrationKind::ALL
        .into_iter()
        .map(|k| view! { <td class="column-count" data-part=part::COLUMN_COUNT data-type=k.as_wire()>{counts[k as usize]}</td> })
        .collect_view();
    let matrix = view! {
        <p class="count" data-part=part::COUNT role="status" aria-live="polite" data-loaded=loaded data-total=total>
            {i18n::fleet_page_count(page, shown, total)}
        </p>
        <div class="matrix-scroll">
            <table class=table_class>
                <thead>
                    <tr><th scope="col">{t(Key::ProjectName)}</th>{headers}</tr>
                    <tr class="counts"><th scope="row">{t(Key::ColumnCounts)}</th>{count_cells}</tr>
                </thead>
                <tbody data-part=part::ROWS>{body}</tbody>
            </table>
        </div>
        <p class="empty" data-part=part::EMPTY hidden=shown != 0>{t(Key::NoFleetRows)}</p>
        <nav class="pager" data-part=part::PAGER aria-label=t(Key::PagerLabel)>
            <span class="muted">{t(Key::FleetWithoutScript)}</span>
            {prev.map(|href| view! { <a href=href rel="prev">{t(Key::PreviousPage)}</a> })}
            {following.map(|href| view! { <a href=href rel="next">{t(Key::NextPage)}</a> })}
        </nav>
    };
    matrix_loader(load, matrix)
}
