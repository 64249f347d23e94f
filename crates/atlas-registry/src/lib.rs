//! The one source of truth about Atlas's ten integration types: their fields, which are
//! secret, the rules a value must follow, and how Atlas masks them; and about the alert
//! notifications that use them (`notifications`). The form, the validation
//! in browser and server, the Atlas client and the emulator all read this module.

mod form;
mod ids;
mod masking;
mod model;
mod notifications;
mod registry;
mod secret;
mod url;
mod validate;
mod view;

pub use form::{
    control_field, integration_from_form, read_form, remove_control, value_control, FormValues,
};
pub use ids::is_group_id;
pub use masking::{
    display_secret, hint_for, hint_of_shown, last_four, looks_masked, mask_secret, mask_url,
    masked_for_read, parse_hint, rotatable, shown_for, HintError, SecretHint,
};
pub use model::{FieldValue, Integration, IntegrationParseError};
pub use notifications::{
    NotificationField, NotificationKind, NotificationProblem, NotificationSpec, NotificationValue,
    COMMON_FIELDS, INTEGRATION_ID, ORG_ROLES,
};
pub use registry::{
    Availability, Caution, FieldInput, FieldSpec, IntegrationKind, KindSpec, Presence, Rule,
    Secrecy, WhenUnset, DATADOG_REGIONS, US_EU_REGIONS,
};
pub use secret::SecretValue;
pub use validate::{
    check_value, template_over_limit, validate_for_write, FieldError, FieldProblem, WriteMode,
};
pub use view::{IntegrationView, ShownValue};
