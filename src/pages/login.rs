//! The login page: one form per Atlas auth method. Works without JavaScript (the forms post
//! to the login server function, which redirects).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::server_check::ServerCheck;
use crate::api::session::{AuthMethod, Login};
use crate::error::AppError;
use crate::i18n::{error_message, t, Key};
use crate::pages::layout::outcome;

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let next = move || {
        use_query_map()
            .get_untracked()
            .get("next")
            .unwrap_or_default()
    };
    let error = move || outcome(login).and_then(Result::err);
    view! {
        <section class="login">
            <h1>{t(Key::SignInTitle)}</h1>
            <p class="intro">{t(Key::SignInIntro)}</p>
            {move || error().map(|e: AppError| view! { <p class="alert" role="alert">{error_message(&e)}</p> })}
            <div class="login-methods">
                <CredentialForm
                    login
                    method=AuthMethod::ApiKey
                    title=Key::ApiKeyTitle
                    help=Key::ApiKeyHelp
                    id_label=Key::PublicKey
                    secret_label=Key::PrivateKey
                    next=next()
                />
                <CredentialForm
                    login
                    method=AuthMethod::ServiceAccount
                    title=Key::ServiceAccountTitle
                    help=Key::ServiceAccountHelp
                    id_label=Key::ClientId
                    secret_label=Key::ClientSecret
                    next=next()
                />
            </div>
            <ServerCheck/>
        </section>
    }
}

#[component]
fn CredentialForm(
    login: ServerAction<Login>,
    method: AuthMethod,
    title: Key,
    help: Key,
    id_label: Key,
    secret_label: Key,
    next: String,
) -> impl IntoView {
    let (method_value, prefix) = match method {
        AuthMethod::ApiKey => ("api_key", "api-key"),
        AuthMethod::ServiceAccount => ("service_account", "service-account"),
    };
    let id_input = format!("{prefix}-id");
    let secret_input = format!("{prefix}-secret");
    view! {
        <ActionForm action=login attr:class="card" attr:aria-label=t(title)>
            <h2>{t(title)}</h2>
            <p class="help">{t(help)}</p>
            <input type="hidden" name="method" value=method_value/>
            <input type="hidden" name="next" value=next/>
            <label for=id_input.clone()>{t(id_label)}</label>
            <input id=id_input name="public_id" type="text" autocomplete="username" required spellcheck="false"/>
            <label for=secret_input.clone()>{t(secret_label)}</label>
            <input id=secret_input name="secret" type="password" autocomplete="current-password" required/>
            <button type="submit" disabled=move || login.pending().get()>
                {move || if login.pending().get() { t(Key::SigningIn) } else { t(Key::SignIn) }}
            </button>
        </ActionForm>
    }
}
