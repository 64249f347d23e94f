//! The page shell and the routes.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};
use serde::{Deserialize, Serialize};

use crate::i18n::{t, Key};
use crate::pages::integration::{DeletePage, IntegrationPage};
use crate::pages::login::LoginPage;
use crate::pages::project::ProjectPage;
use crate::pages::projects::ProjectsPageView;

/// The HTML document around the app, rendered on the server only. It also sets the page's
/// Content-Security-Policy, whose script nonce must match the one Leptos puts on its
/// hydration script in this same response.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(response)) =
        (use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    {
        if let Ok(policy) = http::HeaderValue::from_str(&crate::web::security::page_policy(&nonce))
        {
            response.insert_header(http::header::CONTENT_SECURITY_POLICY, policy);
        }
    }
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
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
        <Title text=t(Key::AppTitle)/>
        <HydrationMarker/>
        <Router>
            <main>
                <Routes fallback=|| t(Key::NotFound).into_view()>
                    <Route path=path!("/login") view=LoginPage/>
                    // Data pages render whole on the server (Async), not streamed out of order:
                    // out-of-order streaming fills its placeholders with scripts, and the
                    // core flows must work without JavaScript.
                    <Route path=path!("/") view=ProjectsPageView ssr=SsrMode::Async/>
                    <Route path=path!("/projects/:group_id") view=ProjectPage ssr=SsrMode::Async/>
                    <Route path=path!("/projects/:group_id/integrations/:kind") view=IntegrationPage ssr=SsrMode::Async/>
                    <Route path=path!("/projects/:group_id/integrations/:kind/delete") view=DeletePage ssr=SsrMode::Async/>
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
    /// "embedded emulator" or the Atlas base URL.
    pub backend: String,
}

#[server(prefix = "/api", endpoint = "system/info")]
pub async fn server_info() -> Result<ServerDescription, crate::api::AppError> {
    let state = crate::web::context::app_state()?;
    Ok(ServerDescription {
        version: env!("CARGO_PKG_VERSION").to_string(),
        backend: state.settings.backend_label.clone(),
    })
}
