//! One project's row of the matrix and its cells: drawn the same way in the server's first
//! page and in the rows the island asks for later (`rows_html`).

use leptos::prelude::*;

use crate::api::fleet::{Cell, RowState};
use crate::i18n::{self, error_message, t, Key};
use crate::links;
use atlas_registry::{Availability, IntegrationKind};

/// A row as HTML, for `fleet/rows-html`.
#[cfg(feature = "ssr")]
pub fn row_html(index: u32, id: String, name: String, state: RowState) -> String {
    view! { <MatrixRow index id name state/> }.to_html()
}

/// One project's row. `index` is its place in the name-sorted fleet, so the island can put
/// rows loaded later in order.
#[component]
pub fn MatrixRow(index: u32, id: String, name: String, state: RowState) -> impl IntoView {
    let cells = match state {
        RowState::Loaded(cells) => IntegrationKind::ALL
            .into_iter()
            .map(|kind| {
                let cell = cells.iter().find(|c| c.kind == kind).cloned();
                view! { <MatrixCell group_id=id.clone() kind cell/> }
            })
            .collect_view()
            .into_any(),
        RowState::OutOfReach => view! {
            <td class="row-problem out-of-reach" colspan=IntegrationKind::ALL.len()>{t(Key::OutOfReachRow)}</td>
        }
        .into_any(),
        RowState::Failed(error) => {
            // Without JavaScript, the retry is this project's own matrix (looked up afresh);
            // with it, the island asks for this row alone.
            let alone = links::fleet(&id, None, None, None, None, false, 1);
            view! {
                <td class="row-problem failed" colspan=IntegrationKind::ALL.len()>
                    <span role="alert">{error_message(&error)}</span>
                    " "
                    <a class="button secondary retry" href=alone data-retry=id.clone()>{t(Key::RetryRow)}</a>
                </td>
            }
            .into_any()
        }
    };
    view! {
        <tr data-id=id.clone() data-index=index>
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
                    {(!settings.is_empty()).then(|| {
                        let joined = settings.join(" · ");
                        let whole = joined.clone();
                        view! { <span class="settings" title=whole>{joined}</span> }
                    })}
                    {badge.map(|b| view! { <span class="badge">{b}</span> })}
                    {cell.alerts.map(|a| view! { <span class="alert-count">{i18n::alerts::cell_counts(a)}</span> })}
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
