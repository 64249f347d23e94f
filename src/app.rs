//! The page shell and the routes.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    StaticSegment,
};
use serde::{Deserialize, Serialize};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/atlas-integrations.css"/>
        <Title text="Atlas integrations"/>
        <HydrationMarker/>
        <Router>
            <main>
                <Routes fallback=|| "Page not found.".into_view()>
                    <Route path=StaticSegment("") view=HomePage/>
                </Routes>
            </main>
        </Router>
    }
}

/// Sets `data-hydrated` on <body> once the WASM runs. Effects run only in the browser and
/// only after hydration, so end-to-end tests wait for this before they click.
#[component]
fn HydrationMarker() -> impl IntoView {
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

/// What the server says about itself; safe to show anyone.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ServerDescription {
    pub version: String,
    /// "embedded emulator" or the Atlas base URL's host.
    pub backend: String,
}

#[server(prefix = "/api", endpoint = "system/info")]
pub async fn server_info() -> Result<ServerDescription, ServerFnError> {
    let backend = crate::web::backend_label();
    Ok(ServerDescription {
        version: env!("CARGO_PKG_VERSION").to_string(),
        backend,
    })
}

#[component]
fn HomePage() -> impl IntoView {
    let check = ServerAction::<ServerInfo>::new();
    let result = check.value();
    view! {
        <h1>"Atlas integrations"</h1>
        <p>"The dashboard for MongoDB Atlas third-party service integrations."</p>
        <button on:click=move |_| { check.dispatch(ServerInfo {}); }>"Check server"</button>
        <p role="status">
            {move || match result.get() {
                None => String::new(),
                Some(Ok(info)) => format!("Server {} · backend: {}", info.version, info.backend),
                Some(Err(e)) => format!("Server check failed: {e}"),
            }}
        </p>
    }
}
