//! The one source of truth about Atlas's ten integration types: their fields, which are
//! secret, the rules a value must follow, and how Atlas masks them. The form, the validation
//! in browser and server, the Atlas client and the emulator all read this module.

mod form;
mod masking;
mod model;
mod registry;
mod secret;
mod url;
mod validate;
mod view;

pub use form::{
    control_field, integration_from_form, read_form, remove_control, value_control, FormValues,
};
pub use masking::{
    display_secret, hint_of_shown, last_four, looks_masked, mask_secret, mask_url, masked_for_read,
    parse_hint, rotatable, HintError, SecretHint,
};
pub use model::{FieldValue, Integration, IntegrationParseError};
pub use registry::{
    Availability, Caution, FieldInput, FieldSpec, IntegrationKind, KindSpec, Presence, Rule,
    Secrecy, WhenUnset, DATADOG_REGIONS, US_EU_REGIONS,
};
pub use secret::SecretValue;
pub use validate::{
    check_value, template_over_limit, validate_for_write, FieldError, FieldProblem, WriteMode,
};
pub use view::{IntegrationView, ShownValue};

/// Atlas's project id pattern, `^([a-f0-9]{24})$`.
pub fn is_group_id(s: &str) -> bool {
    s.len() == 24 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_id_pattern() {
        assert!(is_group_id("6a79404f2c88faeba59beea6"));
        assert!(!is_group_id("6A79404F2C88FAEBA59BEEA6"));
        assert!(!is_group_id("6a79404f2c88faeba59beea"));
        assert!(!is_group_id("6a79404f2c88faeba59beeag"));
        assert!(!is_group_id("../../etc/passwd0000000000"));
    }
}
