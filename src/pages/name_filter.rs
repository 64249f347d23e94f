//! The "apply to many projects" page's [`NameFilter`] island, apart from the page
//! (`pages::fleet_apply`), which is the server's alone: a change to the page's markup does not
//! rebuild the WASM.

use leptos::prelude::*;

/// What the name filter looks in: the project's name and id, in lower case.
pub fn search_text(name: &str, id: &str) -> String {
    format!("{} {id}", name.to_lowercase())
}

/// Whether a row's [`search_text`] matches what was typed (blank matches all).
pub fn matches(search: &str, typed: &str) -> bool {
    search.contains(typed.trim().to_lowercase().as_str())
}

/// What [`NameFilter`] needs from its page: its bundle (`island-…` feature), and
/// the messages its browser code shows (`page_texts`).
#[cfg(feature = "ssr")]
pub(crate) static ISLAND_NEEDS: crate::page_texts::IslandNeeds =
    crate::page_texts::IslandNeeds::new(
        "name-filter",
        &[
            include_str!("name_filter.rs"),
            include_str!("fleet_apply.rs"),
        ],
        false,
    );

/// The name filter in the browser: typing (or "Filter") hides the projects whose name and id
/// do not match, in place, so nothing ticked or typed in the form below is lost, as it was
/// when the filter loaded the page again; a ticked project always stays in view. Without
/// JavaScript the filter is the plain GET form it wraps. Rows are found by their
/// `data-search`, which the apply page's form writes from [`search_text`].
#[island]
pub fn NameFilter(children: Children) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::page_texts::uses(&ISLAND_NEEDS);
    let root = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        use leptos::wasm_bindgen::{closure::Closure, JsCast};
        let Some(root) = root.get() else { return };
        let root: web_sys::Element = root.unchecked_into();
        let apply = {
            let root = root.clone();
            move || {
                let typed = root
                    .query_selector("input[type=search]")
                    .ok()
                    .flatten()
                    .and_then(|i| i.dyn_into::<web_sys::HtmlInputElement>().ok())
                    .map(|i| i.value())
                    .unwrap_or_default();
                let Ok(rows) = root.query_selector_all("tr[data-search]") else {
                    return;
                };
                for i in 0..rows.length() {
                    let Some(row) = rows
                        .item(i)
                        .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
                    else {
                        continue;
                    };
                    let ticked = row
                        .query_selector("input[type=checkbox]")
                        .ok()
                        .flatten()
                        .and_then(|c| c.dyn_into::<web_sys::HtmlInputElement>().ok())
                        .is_some_and(|c| c.checked());
                    let search = row.get_attribute("data-search").unwrap_or_default();
                    let _ = row.toggle_attribute_with_force(
                        "hidden",
                        !ticked && !matches(&search, &typed),
                    );
                }
            }
        };
        let on_event = Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
            let from_filter = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|t| t.closest("form.search").ok().flatten().is_some());
            if !from_filter {
                return;
            }
            if event.type_() == "submit" {
                event.prevent_default();
            }
            apply();
        });
        for kind in ["input", "submit"] {
            let _ = root.add_event_listener_with_callback(kind, on_event.as_ref().unchecked_ref());
        }
        // The listener lives as long as the page.
        on_event.forget();
    });
    view! { <div class="name-filter" node_ref=root>{children()}</div> }
}
