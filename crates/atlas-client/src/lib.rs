//! The Atlas Admin API client (server only). The dashboard's server functions call Atlas
//! through [`AtlasApi`], with the credential from the user's session.

mod alerts;
mod api;
mod client;
mod config;
mod credential;
mod digest;
mod error;
mod oauth;
mod pause;
mod retry;
mod telemetry;
mod wire;

pub use alerts::{AlertConfig, AlertMatcher, AlertNotification, AlertParseError};
pub use api::{Actor, AtlasApi, Event, EventQuery, Page, Project};
pub use client::AtlasClient;
pub use config::{ClientConfig, RetryPolicy};
pub use credential::{Credential, SecretValue};
pub use error::{ApiErrorInfo, AtlasError, FieldViolation};
pub use oauth::HeldToken;
