//! Pieces every signed-in page shares: the header with sign-out, error alerts, and the
//! return to login when the session has ended.

use leptos::prelude::*;

use crate::api::session::Logout;
use crate::error::AppError;
use crate::i18n::{error_message, t, Key};
use crate::links;

#[component]
pub fn Header() -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    view! {
        <header class="top">
            <a class="brand" href=links::PROJECTS>{t(Key::AppTitle)}</a>
            <a class="nav" href=links::FLEET>{t(Key::FleetLink)}</a>
            <ActionForm action=logout attr:class="signout">
                <button type="submit" disabled=move || logout.pending().get()>{t(Key::SignOut)}</button>
            </ActionForm>
        </header>
    }
}

/// The current page's path and query. In the browser from `window.location`: islands have
/// no router to ask.
pub fn here() -> String {
    #[cfg(feature = "hydrate")]
    {
        let location = web_sys::window().map(|w| w.location());
        let part = |f: fn(&web_sys::Location) -> Result<String, _>| {
            location
                .as_ref()
                .and_then(|l| f(l).ok())
                .unwrap_or_default()
        };
        links::path_and_query(
            &part(web_sys::Location::pathname),
            &part(web_sys::Location::search),
        )
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let location = leptos_router::hooks::use_location();
        links::path_and_query(
            &location.pathname.get_untracked(),
            &location.search.get_untracked(),
        )
    }
}

/// Loads `href` as a new page (islands have no client-side router). No-op on the server.
pub fn go_to(href: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(href);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = href;
}

/// Shows an error in one clear alert; an ended session goes back to login instead: a page
/// rendered on the server answers with the redirect, an island in the browser goes there.
#[component]
pub fn ErrorAlert(error: AppError) -> impl IntoView {
    if error.needs_login() {
        let target = links::login_then(&here());
        #[cfg(feature = "ssr")]
        leptos_axum::redirect(&target);
        Effect::new(move |_| go_to(&target));
    }
    view! { <p class="alert" role="alert">{error_message(&error)}</p> }
}

/// An action's outcome as a page may show it. Before the action has run in this page, its
/// value can only have come from the page's URL (server_fn's redirect after a form posted
/// without JavaScript), which anyone can write: only the kind of error is kept
/// ([`AppError::from_url`]).
pub fn outcome<S>(action: ServerAction<S>) -> Option<Result<(), AppError>>
where
    S: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    let ran = action.version().get() > 0;
    action.value().with(|value| {
        value.as_ref().map(|result| match result {
            Ok(_) => Ok(()),
            Err(error) if ran => Err(error.clone()),
            Err(error) => Err(error.clone().from_url()),
        })
    })
}

/// A page's data as it arrives: "Loading…" until it does, then what `ready` draws of it, or
/// the error in one alert ([`ErrorAlert`]: an ended session goes back to login instead). How
/// every page waits for its server function.
pub fn async_view<T, V, F>(data: Resource<Result<T, AppError>>, ready: F) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
{
    async_view_or(data, ready, |error| view! { <ErrorAlert error/> })
}

/// [`async_view`] for a page whose error shows more than the alert (its heading, or a form
/// to try again): `failed` draws it.
pub fn async_view_or<T, V, E, F, G>(
    data: Resource<Result<T, AppError>>,
    ready: F,
    failed: G,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
    E: IntoView + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
    G: Fn(AppError) -> E + Clone + Send + Sync + 'static,
{
    view! {
        <Suspense fallback=|| view! { <Loading/> }>
            {move || {
                let (ready, failed) = (ready.clone(), failed.clone());
                Suspend::new(async move {
                    match data.await {
                        Ok(value) => ready(value).into_any(),
                        Err(error) => failed(error).into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading" aria-busy="true">{t(Key::Loading)}</p> }
}

/// Projects › project › here. The last crumb is the current page.
#[component]
pub fn Breadcrumbs(project: Option<(String, String)>, here: Option<String>) -> impl IntoView {
    let project_crumb = project.map(|(id, name)| {
        let current = here.is_none();
        view! {
            <li>
                {if current {
                    view! { <span aria-current="page">{name}</span> }.into_any()
                } else {
                    view! { <a href=links::project(&id)>{name}</a> }.into_any()
                }}
            </li>
        }
    });
    view! {
        <nav class="breadcrumbs" aria-label=t(Key::Breadcrumbs)>
            <ol>
                <li><a href=links::PROJECTS>{t(Key::Projects)}</a></li>
                {project_crumb}
                {here.map(|h| view! { <li><span aria-current="page">{h}</span></li> })}
            </ol>
        </nav>
    }
}
