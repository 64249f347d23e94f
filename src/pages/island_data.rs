//! An island's data without props. Leptos decodes an `#[island]`'s props in the browser with
//! serde_json, whose decoder was the largest part of a bundle (docs/benchmarks.md, "One bundle
//! per island"). An island that takes its data from here has no props: the page writes the
//! data as JSON in a `<script>` before the island ([`write`]), and the island reads it
//! ([`take`]): from the render's context on the server, from that script in the browser, with
//! `wire_json`. The data is what the page may show: it is in the page as it would be in props.

#[cfg(feature = "ssr")]
use leptos::prelude::*;
use serde::de::DeserializeOwned;

/// Server: gives `data` to the island rendered after this call, and returns the `<script>`
/// that carries it to the browser (to be placed before the island, outside it). `id` names
/// the script; one island of a kind per page.
#[cfg(feature = "ssr")]
pub fn write<T>(id: &'static str, data: T) -> impl IntoView
where
    T: serde::Serialize + Clone + Send + Sync + 'static,
{
    let json = crate::wire_json::to_script(&data);
    provide_context(data);
    view! { <script type="application/json" id=id inner_html=json></script> }
}

/// The island's data: on the server, what the page gave with [`write`]; in the browser, read
/// from the script `id`. `None` if the page wrote none (or, in the browser, it cannot be read).
pub fn take<T>(id: &'static str) -> Option<T>
where
    T: DeserializeOwned + Clone + Send + Sync + 'static,
{
    #[cfg(feature = "ssr")]
    {
        let _ = id;
        use_context::<T>()
    }
    #[cfg(not(feature = "ssr"))]
    {
        #[cfg(feature = "hydrate")]
        {
            crate::wire_json::read_script(id)
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = id;
            None
        }
    }
}
