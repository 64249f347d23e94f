//! Pieces every signed-in page shares: the header with sign-out, error alerts, and the
//! return to login when the session has ended.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};

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
            <ActionForm action=logout attr:class="signout">
                <button type="submit" disabled=move || logout.pending().get()>{t(Key::SignOut)}</button>
            </ActionForm>
        </header>
    }
}

/// The login URL that brings the user back to the current page.
pub fn login_url_for_here() -> String {
    let location = use_location();
    links::login_then(&format!(
        "{}{}",
        location.pathname.get_untracked(),
        location.search.get_untracked()
    ))
}

/// Shows an error in one clear alert; an ended session goes back to login instead.
#[component]
pub fn ErrorAlert(error: AppError) -> impl IntoView {
    if error.needs_login() {
        let navigate = use_navigate();
        let target = login_url_for_here();
        Effect::new(move |_| navigate(&target, Default::default()));
    }
    view! { <p class="alert" role="alert">{error_message(&error)}</p> }
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
