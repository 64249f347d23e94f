//! The Atlas Admin API client (server only). The dashboard's server functions call Atlas
//! through [`AtlasApi`], with the credential from the user's session.

mod api;
mod credential;
mod error;

pub use api::{AtlasApi, Page, Project};
pub use credential::{Credential, SecretValue};
pub use error::{ApiErrorInfo, AtlasError, FieldViolation};
