//! A secret's control: never pre-filled; shown or hidden on request; for a Prometheus
//! password, generated from the browser's CSPRNG (or refused without one).

use crate::i18n::{self, t, Key};
use atlas_registry::{FieldInput, FieldSpec, Secrecy, ShownValue};
use leptos::prelude::*;

/// A secret is never pre-filled. When one is set the field says so (with Atlas's last four)
/// and the input sits behind "Replace": left closed or blank, the secret is kept. `<details>`
/// makes that work without JavaScript.
#[component]
pub fn SecretControl(
    field: &'static FieldSpec,
    id: String,
    name: String,
    describedby: String,
    shown: Option<ShownValue>,
    must_reenter: Signal<bool>,
    invalid: Signal<Option<&'static str>>,
) -> impl IntoView {
    let revealed = RwSignal::new(false);
    let no_random = RwSignal::new(false);
    let input_ref = NodeRef::<leptos::html::Input>::new();
    let is_area = field.input == FieldInput::TextArea;
    let input = if is_area {
        view! { <textarea id=id.clone() name=name.clone() aria-describedby=describedby.clone() aria-invalid=invalid></textarea> }
            .into_any()
    } else {
        view! {
            <span class="secret-input">
                <input
                    node_ref=input_ref
                    type=move || if revealed.get() { "text" } else { "password" }
                    id=id.clone()
                    name=name.clone()
                    autocomplete="new-password"
                    spellcheck="false"
                    aria-describedby=describedby.clone()
                    aria-invalid=invalid
                />
                <button
                    type="button"
                    class="secondary"
                    aria-controls=id.clone()
                    aria-pressed=move || if revealed.get() { "true" } else { "false" }
                    on:click=move |_| revealed.update(|r| *r = !*r)
                >
                    {move || if revealed.get() { t(Key::Hide) } else { t(Key::Show) }}
                </button>
                {(field.name == "password" && field.secrecy == Secrecy::WriteOnly).then(|| view! {
                    <button type="button" class="secondary" on:click=move |_| {
                        let Some(input) = input_ref.get() else { return };
                        match generate_password() {
                            Some(password) => {
                                input.set_value(&password);
                                revealed.set(true);
                                no_random.set(false);
                            }
                            None => no_random.set(true),
                        }
                    }>{t(Key::Generate)}</button>
                })}
                {move || no_random.get().then(|| view! { <span class="field-error" role="alert">{t(Key::GenerateUnavailable)}</span> })}
            </span>
        }
        .into_any()
    };
    match shown {
        Some(ShownValue::Secret { hint }) => view! {
            <p class="secret-set">{i18n::secret_set(&hint)}</p>
            <details open=move || must_reenter.get()>
                <summary>{t(Key::Replace)}</summary>
                {input}
                <p class="help">{t(Key::BlankKeeps)}</p>
            </details>
        }
        .into_any(),
        _ => input,
    }
}

/// 24 characters from the browser's CSPRNG, letters and digits (Atlas accepts any string;
/// 24 × log2(62) ≈ 143 bits). None when the browser offers no CSPRNG or it fails: then no
/// password at all, never a predictable one (the buffer would stay zeros, 24 × `A`).
fn generate_password() -> Option<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let bytes = random_bytes::<24>()?;
    // Rejection-free mapping is biased by 256 % 62; negligible for a generated password.
    Some(
        bytes
            .iter()
            .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
            .collect(),
    )
}

/// `N` bytes from `window.crypto.getRandomValues`, or None.
fn random_bytes<const N: usize>() -> Option<[u8; N]> {
    #[cfg(feature = "hydrate")]
    {
        let crypto = web_sys::window()?.crypto().ok()?;
        let mut bytes = [0u8; N];
        crypto.get_random_values_with_u8_array(&mut bytes).ok()?;
        Some(bytes)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}
