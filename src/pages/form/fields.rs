//! One field of an integration form: its label, the right control for its input (text, URL,
//! select, switch, text area, or a secret's control), its help and its error.

use super::secret::SecretControl;
use crate::i18n::{self, t, Key};
use atlas_registry::{
    remove_control, value_control, FieldError, FieldInput, FieldSpec, IntegrationKind, ShownValue,
    WriteMode,
};
use leptos::prelude::*;

fn control_id(field: &FieldSpec) -> String {
    format!("field-{}", field.name)
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
pub fn Field(
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
