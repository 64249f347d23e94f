//! The page shell and the routes.

use crate::i18n::{t, Key, Lang};
use crate::links;
use crate::pages::advisories::AdvisoriesPage;
use crate::pages::alert_switch::AlertSwitchPage;
use crate::pages::fleet::FleetPageView;
use crate::pages::fleet_apply::ApplyPage;
use crate::pages::fleet_export::ExportPage;
use crate::pages::fleet_rotate::RotatePage;
use crate::pages::fleet_run::RunPage;
use crate::pages::history::{FleetHistoryPage, ProjectHistoryPage};
use crate::pages::integration::{DeletePage, IntegrationPage};
use crate::pages::login::LoginPage;
use crate::pages::project::ProjectPage;
use crate::pages::projects::ProjectsPageView;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// The HTML document around the app, rendered on the server only. It also sets the page's
/// Content-Security-Policy, whose script nonce must match the one Leptos puts on its
/// hydration script in this same response.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The request's language (read from its headers here), for everything rendered below.
    let lang = crate::i18n::current_lang();
    #[cfg(feature = "ssr")]
    crate::i18n::provide_lang(lang);
    // What the page's islands register as they render: their messages, and that the page
    // needs the hydration scripts at all (`page_texts`).
    #[cfg(feature = "ssr")]
    provide_context(crate::page_texts::PageTexts::default());
    // `HydrationScripts` turns hydration markers off for what is not an island before the
    // body renders; it now comes after the body (`island_scripts`), so that is done here.
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    #[cfg(feature = "ssr")]
    let tail = island_scripts(options.clone(), lang).into_any();
    #[cfg(not(feature = "ssr"))]
    let tail = ().into_any();
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(response)) =
        (use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    {
        if let Ok(policy) = http::HeaderValue::from_str(&page_policy(&nonce)) {
            response.insert_header(http::header::CONTENT_SECURITY_POLICY, policy);
        }
    }
    view! {
        <!DOCTYPE html>
        <html lang=lang.html_lang()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="stylesheet" id="leptos" href=format!("/{}/{}.css", options.site_pkg_dir, options.output_name)/>
                <AutoReload options=options.clone()/>
                <MetaTags/>
            </head>
            <body>
                <App/>
                {tail}
            </body>
        </html>
    }
}

/// After the body: the page's messages and the hydration scripts, on a page with islands only
/// (`page_texts`); a page without them downloads no JS and no WASM. The stream renders
/// this when its turn comes, after everything above it, so every island has registered.
#[cfg(feature = "ssr")]
fn island_scripts(options: LeptosOptions, lang: Lang) -> impl IntoView {
    use crate::page_texts::{after_what_precedes, PageTexts};
    let page = expect_context::<PageTexts>();
    Suspend::new(async move {
        after_what_precedes().await;
        let options = match page.bundle() {
            Some(bundle) => island_bundle(options, bundle),
            None => options,
        };
        page.script_json(lang).map(|texts| {
            view! {
                <script type="application/json" id=crate::i18n::ELEMENT_ID inner_html=texts></script>
                <HydrationScripts options islands=true/>
            }
        })
    })
}

/// The options naming the bundle that holds `bundle`'s island: `{output-name}-{bundle}` when
/// scripts/build-site built one bundle per island (it says so to this build through
/// `ATLAS_BUNDLE_PER_ISLAND`); otherwise the one bundle with every island that cargo-leptos
/// builds.
#[cfg(feature = "ssr")]
fn island_bundle(mut options: LeptosOptions, bundle: &str) -> LeptosOptions {
    if option_env!("ATLAS_BUNDLE_PER_ISLAND").is_some() {
        options.output_name = format!("{}-{bundle}", options.output_name).into();
    }
    options
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title text=t(Key::AppTitle)/>
        <Router>
            <LanguageLinks/>
            <main>
                <Routes fallback=|| t(Key::NotFound).into_view()>
                    <Route path=path!("/login") view=LoginPage/>
                    // Data pages render whole on the server (Async), not streamed out of order:
                    // out-of-order streaming fills its placeholders with scripts, and the
                    // core flows must work without JavaScript.
                    <Route path=path!("/") view=ProjectsPageView ssr=SsrMode::Async/>
                    <Route path=path!("/fleet") view=FleetPageView ssr=SsrMode::Async/>
                    <Route path=path!("/projects/:group_id") view=ProjectPage ssr=SsrMode::Async/>
                    <Route path=path!("/projects/:group_id/integrations/:kind") view=IntegrationPage ssr=SsrMode::Async/>
                    <Route path=path!("/projects/:group_id/integrations/:kind/delete") view=DeletePage ssr=SsrMode::Async/>
                    <Route path=path!("/history") view=FleetHistoryPage ssr=SsrMode::Async/>
                    <Route path=path!("/projects/:group_id/history") view=ProjectHistoryPage ssr=SsrMode::Async/>
                    // Fleet operations (`links::FLEET_APPLY`, `links::FLEET_ROTATE`,
                    // `links::fleet_run`).
                    <Route path=path!("/fleet/apply") view=ApplyPage ssr=SsrMode::Async/>
                    <Route path=path!("/fleet/rotate") view=RotatePage ssr=SsrMode::Async/>
                    <Route path=path!("/fleet/rotate/alerts") view=AlertSwitchPage ssr=SsrMode::Async/>
                    <Route path=path!("/fleet/advisories") view=AdvisoriesPage ssr=SsrMode::Async/>
                    <Route path=path!("/fleet/runs/:run_id") view=RunPage ssr=SsrMode::Async/>
                    // Export as code: the page; its file is `links::FLEET_EXPORT_DOWNLOAD`
                    // (`web::export`), outside the pages.
                    <Route path=path!("/fleet/export") view=ExportPage/>
                </Routes>
            </main>
        </Router>
    }
}

/// The four languages, each named in itself, on every page; each link returns to this page.
#[component]
fn LanguageLinks() -> impl IntoView {
    let here = crate::pages::layout::here();
    let current = crate::i18n::current_lang();
    view! {
        <nav class="languages" aria-label=t(Key::Language)>
            {Lang::ALL
                .into_iter()
                .map(|lang| {
                    view! {
                        <a
                            href=links::language(lang, &here)
                            hreflang=lang.html_lang()
                            lang=lang.html_lang()
                            aria-current=(lang == current).then_some("true")
                        >
                            {lang.endonym()}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}

/// The policy for HTML pages. Scripts run only from our origin or with the per-response
/// nonce Leptos puts on its hydration script; WASM needs `'wasm-unsafe-eval'`, nothing needs
/// `'unsafe-inline'` or `'unsafe-eval'`.
#[cfg(feature = "ssr")]
fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}
