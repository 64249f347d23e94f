//! The login page's [`ServerCheck`] island, in a file of its own: the page around it is
//! compiled for the server only (`pages`), so a change to the page's markup does not rebuild
//! the browser's WASM.

use leptos::prelude::*;

use crate::api::system::ServerInfo;
use crate::i18n::{error_message, server_version, t, Key};

/// What [`ServerCheck`] needs from its page: its bundle (`island-…` feature), and
/// the messages its browser code shows (`page_texts`).
#[cfg(feature = "ssr")]
pub(crate) static ISLAND_NEEDS: crate::page_texts::IslandNeeds =
    crate::page_texts::IslandNeeds::new("server-check", &[include_str!("server_check.rs")], false);

/// Asks the server for its version and backend: a public server-function round trip that
/// also tells the user where the dashboard points. An island: it needs the browser.
#[island]
pub fn ServerCheck() -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::page_texts::uses(&ISLAND_NEEDS);
    let check = ServerAction::<ServerInfo>::new();
    view! {
        <footer class="server-check">
            <button type="button" on:click=move |_| { check.dispatch(ServerInfo {}); }>{t(Key::CheckServer)}</button>
            <p role="status">
                {move || match check.value().get() {
                    None => String::new(),
                    Some(Ok(info)) => server_version(&info.version, &info.backend),
                    Some(Err(e)) => error_message(&e),
                }}
            </p>
        </footer>
    }
}
