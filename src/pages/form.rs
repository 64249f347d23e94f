//! The integration form, generated from the registry: one input per field of the type, the
//! right control for each (text, URL, select, switch, text area, password), the registry's
//! validation run in the browser before anything is sent, and the server's verdict put on
//! the fields it names. Without JavaScript it is a plain form posting to the server
//! function, which validates the same way and redirects back.

use std::collections::BTreeSet;

use super::layout::{go_to, outcome, ErrorAlert};
use crate::api::integrations::{CreateIntegration, UpdateIntegration};
use crate::error::AppError;
use crate::i18n::{self, t, Key};
use crate::links;
use atlas_registry::{
    remove_control, template_over_limit, value_control, FieldError, FieldInput, FieldSpec,
    FormValues, IntegrationKind, IntegrationView, Secrecy, ShownValue, WriteMode,
};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

fn control_id(field: &FieldSpec) -> String {
    format!("field-{}", field.name)
}

/// An island: the browser hydrates it (live checks, secret controls, the save without a page
/// load); its props travel in the page as JSON, so they hold only what the page may show.
#[island]
pub fn IntegrationForm(
    group_id: String,
    kind: IntegrationKind,
    current: Option<IntegrationView>,
) -> impl IntoView {
    let mode = if current.is_some() {
        WriteMode::Update
    } else {
        WriteMode::Create
    };
    let create = ServerAction::<CreateIntegration>::new();
    let update = ServerAction::<UpdateIntegration>::new();
    let pending = Signal::derive(move || create.pending().get() || update.pending().get());
    let result = Signal::derive(move || match mode {
        WriteMode::Create => outcome(create),
        WriteMode::Update => outcome(update),
    });
    // Errors of the browser's own check, and of the server's when it answers Invalid.
    let client_errors = RwSignal::new(Vec::<FieldError>::new());
    let touched = RwSignal::new(BTreeSet::<String>::new());
    let submitted = RwSignal::new(false);
    // A Prometheus password as typed, kept in the page only, to show it once after saving.
    let saved_password = RwSignal::new(None::<String>);
    // The form's values as last read, for the notes that follow what is typed.
    let typed = RwSignal::new(FormValues::new());

    let server_field_errors = move || match result.get() {
        Some(Err(AppError::Invalid(errs))) => errs,
        Some(Err(AppError::SecretsRequired(fields) | AppError::SecretsLost(fields))) => fields
            .into_iter()
            .map(|field| FieldError {
                field,
                problem: atlas_registry::FieldProblem::Required,
            })
            .collect(),
        _ => Vec::new(),
    };
    let error_for = move |name: &'static str| {
        Signal::derive(move || {
            let shown = submitted.get() || touched.with(|t| t.contains(name));
            let own = client_errors.with(|errs| {
                errs.iter()
                    .find(|e| e.field == name)
                    .map(|e| e.problem.clone())
            });
            let server = server_field_errors()
                .into_iter()
                .find(|e| e.field == name)
                .map(|e| e.problem);
            own.filter(|_| shown).or(server)
        })
    };
    let secrets_required = move || match result.get() {
        Some(Err(AppError::SecretsRequired(fields) | AppError::SecretsLost(fields))) => fields,
        _ => Vec::new(),
    };

    let project_href = links::project(&group_id);
    let after_save = links::saved(&group_id, kind);
    let this_page = links::integration(&group_id, kind);
    let group_for_done = group_id.clone();
    Effect::new(move |_| {
        if let Some(Ok(())) = result.get() {
            if kind != IntegrationKind::Prometheus {
                go_to(&after_save);
            }
        }
    });

    #[cfg(feature = "hydrate")]
    let group_id_for_submit = group_id.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            ev.prevent_default();
            let Some((values, remove)) = browser::form_values(&ev) else {
                return;
            };
            submitted.set(true);
            match atlas_registry::integration_from_form(kind, &values, &remove, mode) {
                Err(errors) => client_errors.set(errors),
                Ok(_) => {
                    client_errors.set(Vec::new());
                    if kind == IntegrationKind::Prometheus {
                        saved_password
                            .set(values.get("password").filter(|p| !p.is_empty()).cloned());
                    }
                    let group_id = group_id_for_submit.clone();
                    let kind = kind.as_wire().to_string();
                    match mode {
                        WriteMode::Create => create.dispatch(CreateIntegration {
                            group_id,
                            kind,
                            values,
                            remove,
                        }),
                        WriteMode::Update => update.dispatch(UpdateIntegration {
                            group_id,
                            kind,
                            values,
                            remove,
                        }),
                    };
                }
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    // Leaving a field (change, focusout) marks it touched, so its problem shows; typing
    // (input) re-checks, so a shown problem goes away as soon as it is fixed.
    let check = move |ev: &leptos::ev::Event, touch: bool| {
        #[cfg(feature = "hydrate")]
        {
            if touch {
                if let Some(name) = browser::changed_field(ev) {
                    touched.update(|t| {
                        t.insert(name);
                    });
                }
            }
            if let Some((values, remove)) = browser::form_values_of_event(ev) {
                let errors = atlas_registry::integration_from_form(kind, &values, &remove, mode)
                    .err()
                    .unwrap_or_default();
                client_errors.set(errors);
                typed.set(values);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, touch);
    };
    let action = match mode {
        WriteMode::Create => CreateIntegration::PATH,
        WriteMode::Update => UpdateIntegration::PATH,
    };
    let fields = kind
        .spec()
        .fields
        .iter()
        .map(|field| {
            let shown = current
                .as_ref()
                .and_then(|c| c.values.get(field.name).cloned());
            let must_reenter =
                Signal::derive(move || secrets_required().iter().any(|f| f == field.name));
            let note = Signal::derive(move || {
                typed.with(|v| {
                    v.get(field.name)
                        .and_then(|text| template_over_limit(field, text))
                })
            });
            view! { <Field kind field shown error=error_for(field.name) must_reenter note mode/> }
        })
        .collect_view();
    let submit_label = match mode {
        WriteMode::Create => t(Key::Create),
        WriteMode::Update => t(Key::SaveChanges),
    };
    view! {
        {move || match result.get() {
            Some(Err(AppError::Invalid(_))) => Some(view! { <p class="alert" role="alert">{t(Key::FixFields)}</p> }.into_any()),
            // The browser's own check stopped the submit: say so, not only on the fields.
            _ if submitted.get() && !client_errors.with(Vec::is_empty) => Some(view! { <p class="alert" role="alert">{t(Key::FixFields)}</p> }.into_any()),
            Some(Err(AppError::AlreadyConfigured(kind))) => Some(view! {
                <div class="alert" role="alert">
                    <p>{i18n::already_configured(kind)}</p>
                    <a href=this_page.clone() rel="external">{t(Key::EditExisting)}</a>
                </div>
            }.into_any()),
            Some(Err(error)) => Some(view! { <ErrorAlert error/> }.into_any()),
            _ => None,
        }}
        {move || (result.get() == Some(Ok(())) && kind == IntegrationKind::Prometheus).then(|| view! {
            <PrometheusDone group_id=group_for_done.clone() password=saved_password.get_untracked()/>
        })}
        <form
            method="post"
            action=action
            class="integration-form"
            aria-label=i18n::kind_label(kind)
            novalidate
            on:submit=on_submit
            on:change=move |ev| check(&ev, true)
            on:focusout=move |ev| check(&ev, true)
            on:input=move |ev| check(&ev, false)
        >
            <input type="hidden" name="group_id" value=group_id.clone()/>
            <input type="hidden" name="kind" value=kind.as_wire()/>
            {fields}
            {(kind == IntegrationKind::Webhook).then(|| view! { <p class="notice">{t(Key::WebhookSignatureNote)}</p> })}
            <div class="actions">
                <button type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { t(Key::Saving) } else { submit_label }}
                </button>
                <a class="button secondary" href=project_href.clone()>{t(Key::Cancel)}</a>
            </div>
        </form>
    }
}

/// The type's fields as a plain form's controls, for forms that post elsewhere (the fleet
/// pages): the same controls, labels, help and checks as the integration form, nothing
/// pre-filled; `errors` are the server's verdict on the last post.
#[component]
pub fn FieldControls(
    kind: IntegrationKind,
    mode: WriteMode,
    errors: Vec<FieldError>,
) -> impl IntoView {
    kind.spec()
        .fields
        .iter()
        .map(|field| {
            let problem = errors
                .iter()
                .find(|e| e.field == field.name)
                .map(|e| e.problem.clone());
            let error = Signal::derive(move || problem.clone());
            let quiet = Signal::derive(|| false);
            view! { <Field kind field shown=None error must_reenter=quiet note=Signal::derive(|| None) mode/> }
        })
        .collect_view()
}

#[component]
fn Field(
    kind: IntegrationKind,
    field: &'static FieldSpec,
    shown: Option<ShownValue>,
    error: Signal<Option<atlas_registry::FieldProblem>>,
    must_reenter: Signal<bool>,
    /// Over Atlas's limit for a template's rendered output: a warning, not an error.
    note: Signal<Option<usize>>,
    mode: WriteMode,
) -> impl IntoView {
    let id = control_id(field);
    let name = value_control(field.name);
    // A set optional value can be removed, distinct from leaving it as it is.
    let removable = mode == WriteMode::Update && field.removable() && shown.is_some();
    let remove_id = format!("{id}-remove");
    let help_id = format!("{id}-help");
    let error_id = format!("{id}-error");
    let describedby = format!("{help_id} {error_id}");
    let invalid = move || error.get().is_some().then_some("true");
    let required = field.required()
        && !field.is_toggle()
        && !(field.blank_keeps() && mode == WriteMode::Update);
    let label = view! {
        <label for=id.clone()>
            {i18n::field_label(kind, field)}
            {required.then(|| view! { <span class="required" aria-hidden="true">" *"</span> })}
        </label>
    };
    let control = if field.is_secret() {
        view! { <SecretControl field id=id.clone() name describedby shown must_reenter invalid=Signal::derive(invalid)/> }
            .into_any()
    } else {
        plain_control(
            field,
            id.clone(),
            name,
            describedby,
            shown,
            required,
            Signal::derive(invalid),
        )
    };
    view! {
        <div class="field" class:toggle=field.is_toggle()>
            {label}
            {control}
            {removable.then(|| view! {
                <label class="remove" for=remove_id.clone()>
                    <input type="checkbox" id=remove_id.clone() name=remove_control(field.name) value="on"/>
                    " " {t(Key::Remove)}
                    <span class="muted">" " {t(Key::RemoveHelp)}</span>
                </label>
            })}
            <p class="help" id=help_id>
                {i18n::field_help(kind, field)}
                {(mode == WriteMode::Update && field.is_secret() && !field.blank_keeps())
                    .then(|| view! { " " {t(Key::WriteOnlyAgain)} })}
            </p>
            {move || note.get().map(|limit| view! { <p class="note" role="status">{i18n::template_over_limit(limit)}</p> })}
            <p class="field-error" id=error_id aria-live="polite">
                {move || error.get().map(|p| i18n::field_problem(&p))}
            </p>
        </div>
    }
}

fn plain_control(
    field: &'static FieldSpec,
    id: String,
    name: String,
    describedby: String,
    shown: Option<ShownValue>,
    required: bool,
    invalid: Signal<Option<&'static str>>,
) -> AnyView {
    let text = match &shown {
        Some(ShownValue::Text(s)) => Some(s.clone()),
        _ => None,
    };
    match field.input {
        FieldInput::Toggle { default } => {
            let on = match shown {
                Some(ShownValue::Bool(b)) => b,
                _ => default,
            };
            view! {
                <input type="checkbox" role="switch" id=id name=name value="on" checked=on aria-describedby=describedby/>
            }
            .into_any()
        }
        FieldInput::Choice { options, default } => {
            let selected = text.or(default.map(str::to_string));
            let choices = options
                .iter()
                .map(|o| view! { <option value=*o selected=selected.as_deref() == Some(*o)>{*o}</option> })
                .collect_view();
            view! {
                <select id=id name=name required=required aria-describedby=describedby aria-invalid=invalid>
                    {selected.is_none().then(|| view! { <option value="">{t(Key::Choose)}</option> })}
                    {choices}
                </select>
            }
            .into_any()
        }
        FieldInput::TextArea => view! {
            <textarea id=id name=name aria-describedby=describedby aria-invalid=invalid>{text}</textarea>
        }
        .into_any(),
        FieldInput::Text | FieldInput::Url => {
            let kind = if field.input == FieldInput::Url { "url" } else { "text" };
            view! {
                <input
                    type=kind
                    id=id
                    name=name
                    value=text
                    required=required
                    spellcheck="false"
                    autocomplete="off"
                    aria-describedby=describedby
                    aria-invalid=invalid
                />
            }
            .into_any()
        }
    }
}

/// A secret is never pre-filled. When one is set the field says so (with Atlas's last four)
/// and the input sits behind "Replace": left closed or blank, the secret is kept. `<details>`
/// makes that work without JavaScript.
#[component]
fn SecretControl(
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

/// Shown once after a Prometheus integration is saved: the password (Atlas never returns it)
/// and a ready-to-copy scrape configuration for HTTP service discovery.
#[component]
fn PrometheusDone(group_id: String, password: Option<String>) -> impl IntoView {
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

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::wasm_bindgen::JsCast;

    use atlas_registry::{control_field, FormValues};

    /// The form's field values and its ticked "remove" boxes, as the server function gets them.
    fn values_of(form: &web_sys::HtmlFormElement) -> Option<(FormValues, FormValues)> {
        let data = web_sys::FormData::new_with_form(form).ok()?;
        let (mut values, mut remove) = (FormValues::new(), FormValues::new());
        for entry in data.entries() {
            let pair: js_sys::Array = entry.ok()?.unchecked_into();
            let key = pair.get(0).as_string()?;
            let value = pair.get(1).as_string().unwrap_or_default();
            match control_field(&key) {
                Some((name, false)) => values.insert(name.to_string(), value),
                Some((name, true)) => remove.insert(name.to_string(), value),
                None => None,
            };
        }
        Some((values, remove))
    }

    pub fn form_values(ev: &leptos::ev::SubmitEvent) -> Option<(FormValues, FormValues)> {
        let form: web_sys::HtmlFormElement = ev.target()?.dyn_into().ok()?;
        values_of(&form)
    }

    pub fn form_values_of_event(ev: &leptos::ev::Event) -> Option<(FormValues, FormValues)> {
        let form: web_sys::HtmlFormElement = ev.current_target()?.dyn_into().ok()?;
        values_of(&form)
    }

    pub fn changed_field(ev: &leptos::ev::Event) -> Option<String> {
        let el: web_sys::Element = ev.target()?.dyn_into().ok()?;
        let name = el.get_attribute("name")?;
        control_field(&name).map(|(field, _)| field.to_string())
    }
}
