//! The integration form, generated from the registry: one input per field of the type, the
//! right control for each (text, URL, select, switch, text area, password), the registry's
//! validation run in the browser before anything is sent, and the server's verdict put on
//! the fields it names. Without JavaScript it is a plain form posting to the server
//! function, which validates the same way and redirects back.
//!
//! - this file: the [`IntegrationForm`] island (live checks, the save without a page load);
//! - `fields`: one field's label, control, help and error, and [`FieldControls`] for the
//!   fleet pages' forms;
//! - `secret`: a secret's control (show, generate, replace);
//! - `prometheus`: what a saved Prometheus integration shows once.

mod fields;
mod prometheus;
mod secret;

use std::collections::BTreeSet;

use super::layout::{go_to, outcome, ErrorAlert};
use crate::api::integrations::{CreateIntegration, UpdateIntegration};
use crate::error::AppError;
use crate::i18n::{self, t, Key};
use crate::links;
use atlas_registry::{
    template_over_limit, FieldError, FormValues, IntegrationKind, IntegrationView, WriteMode,
};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use fields::Field;
pub use fields::FieldControls;
use prometheus::PrometheusDone;

/// What [`IntegrationForm`] needs from its page: its bundle (`island-…` feature), and
/// the messages its browser code shows (`page_texts`).
#[cfg(feature = "ssr")]
pub(crate) static ISLAND_NEEDS: crate::page_texts::IslandNeeds =
    crate::page_texts::IslandNeeds::new(
        "form",
        &[
            include_str!("mod.rs"),
            include_str!("fields.rs"),
            include_str!("prometheus.rs"),
            include_str!("secret.rs"),
        ],
        true,
    );

/// The id of the `<script>` that carries the form's data to the browser.
const DATA_ID: &str = "form-data";

/// What the form shows: the project, the type, and the integration as configured (masked),
/// if it is. It travels in the page as JSON (`island_data`), so it holds only what the page
/// may show.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct FormData {
    pub group_id: String,
    pub kind: IntegrationKind,
    pub current: Option<IntegrationView>,
}

/// The form with its data: the script that carries the data, then the island.
#[cfg(feature = "ssr")]
pub fn integration_form(data: FormData) -> impl IntoView {
    let script = super::island_data::write(DATA_ID, data);
    view! { {script} <IntegrationForm/> }
}

/// An island: the browser hydrates it (live checks, secret controls, the save without a page
/// load). It has no props: it reads its [`FormData`] from the page (`island_data`).
#[island]
pub fn IntegrationForm() -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::page_texts::uses(&ISLAND_NEEDS);
    let FormData {
        group_id,
        kind,
        current,
    } = super::island_data::take::<FormData>(DATA_ID)
        .expect("the page writes the form's data before the form");
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
