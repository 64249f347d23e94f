//! What a saved Prometheus integration shows once: the password and the scrape
//! configuration to copy.

use crate::i18n::{self, t, Key};
use crate::links;
use leptos::prelude::*;

/// Shown once after a Prometheus integration is saved: the password (Atlas never returns it)
/// and a ready-to-copy scrape configuration for HTTP service discovery.
#[component]
pub fn PrometheusDone(group_id: String, password: Option<String>) -> impl IntoView {
    let config = i18n::prometheus_scrape_config(&group_id, password.as_deref());
    let copied = RwSignal::new(false);
    let to_copy = config.clone();
    view! {
        <section class="notice prometheus-done" role="status">
            <h2>{t(Key::Saved)}</h2>
            {password.map(|p| view! { <p>{t(Key::PasswordOnce)}" "<code class="password">{p}</code></p> })}
            <p>{t(Key::ScrapeConfigIntro)}</p>
            <pre><code>{config}</code></pre>
            <button type="button" on:click=move |_| {
                #[cfg(feature = "hydrate")]
                if let Some(clipboard) = web_sys::window().map(|w| w.navigator().clipboard()) {
                    let _ = clipboard.write_text(&to_copy);
                    copied.set(true);
                }
                #[cfg(not(feature = "hydrate"))]
                let _ = &to_copy;
            }>{move || if copied.get() { t(Key::Copied) } else { t(Key::Copy) }}</button>
            <a class="button secondary" href=links::project(&group_id)>{t(Key::BackToProject)}</a>
        </section>
    }
}
