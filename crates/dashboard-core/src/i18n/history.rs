//! The history pages' sentences: who made a change, where from, and what the dashboard's
//! journal says the write did.

use atlas_registry::IntegrationKind;

use super::{count, current, t, tf, Key};

/// Who made a change: the public key, key id, user name, client id or application, and what
/// kind of principal.
pub fn api_key_author(public_key: &str) -> String {
    tf(Key::MsgApiKeyAuthor, &[("id", public_key)])
}

pub fn api_key_id_author(key_id: &str) -> String {
    tf(Key::MsgApiKeyIdAuthor, &[("id", key_id)])
}

pub fn service_account_author(client_id: &str) -> String {
    tf(Key::MsgServiceAccountAuthor, &[("id", client_id)])
}

pub fn delegate_author(name: &str, on_behalf_of: Option<&str>) -> String {
    match on_behalf_of {
        Some(user) => tf(Key::MsgDelegateFor, &[("name", name), ("user", user)]),
        None => tf(Key::MsgDelegate, &[("name", name)]),
    }
}

/// The address a change came from (`remoteAddress`).
pub fn from_address(address: &str) -> String {
    tf(Key::MsgFromAddress, &[("address", address)])
}

/// "set: API key, Region": `fields` already labelled and joined.
pub fn fields_set(fields: &str) -> String {
    tf(Key::MsgFieldsSet, &[("fields", fields)])
}

pub fn fields_removed(fields: &str) -> String {
    tf(Key::MsgFieldsRemoved, &[("fields", fields)])
}

/// The form's label of the field Atlas calls `name` in `kind`; the name itself when unknown.
pub fn field_label(kind: IntegrationKind, name: &str) -> String {
    current()
        .field(kind, name)
        .map_or(name, |(label, _)| label)
        .to_string()
}

pub fn count_line(page: u32, projects: usize) -> String {
    let page = count(page as usize);
    if projects == 1 {
        tf(Key::MsgHistoryPageOneProject, &[("page", &page)])
    } else {
        tf(
            Key::MsgHistoryPageProjects,
            &[("page", &page), ("count", &count(projects))],
        )
    }
}

/// The type filter's caveat, shown while a type is chosen.
pub fn type_filter_note() -> &'static str {
    t(Key::HistoryTypeFilterNote)
}
