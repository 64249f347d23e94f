//! What can go wrong calling Atlas, typed from Atlas's `ApiError` body (docs/atlas-facts.md, Errors).

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// One entry of Atlas's `badRequestDetail.fields`: which field, and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldViolation {
    pub field: String,
    pub description: String,
}

/// The parts of an Atlas error the dashboard shows: `errorCode` (or `X-Error-Code`), `detail`,
/// `parameters` and per-field `badRequestDetail`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiErrorInfo {
    pub status: u16,
    pub error_code: String,
    pub detail: String,
    pub parameters: Vec<String>,
    pub fields: Vec<FieldViolation>,
}

#[derive(Clone, Debug, thiserror::Error)]
pub enum AtlasError {
    /// 401: wrong key or secret, expired token, or (for API keys) the IP access list.
    #[error("Atlas refused the credential: {}", .0.detail)]
    Unauthorized(ApiErrorInfo),
    /// 403: the credential may not do this (e.g. read-only on the project).
    #[error("not allowed: {}", .0.detail)]
    Forbidden(ApiErrorInfo),
    /// 404 GROUP_NOT_FOUND: no such project, or not visible to this credential.
    #[error("project not found: {}", .0.detail)]
    GroupNotFound(ApiErrorInfo),
    /// Any other 404, e.g. the integration type is not configured.
    #[error("not found: {}", .0.detail)]
    NotFound(ApiErrorInfo),
    /// 409 INTEGRATION_ALREADY_CONFIGURED on create: the page offers to edit instead.
    #[error("already configured: {}", .0.detail)]
    AlreadyConfigured(ApiErrorInfo),
    /// 400 (and other 4xx): Atlas rejected the request; `fields` names the culprits.
    #[error("Atlas rejected the request ({}): {}", .0.error_code, .0.detail)]
    Invalid(ApiErrorInfo),
    /// 429: retry after the given delay (when Atlas said).
    #[error("rate limited by Atlas")]
    RateLimited {
        info: ApiErrorInfo,
        retry_after: Option<Duration>,
    },
    /// 5xx from Atlas.
    #[error("Atlas failed ({}): {}", .0.status, .0.detail)]
    Server(ApiErrorInfo),
    /// No HTTP answer: connection refused, reset, timeout, TLS.
    #[error("could not reach Atlas: {0}")]
    Transport(String),
    /// An answer we cannot read (malformed body, unexpected status or shape).
    #[error("unexpected answer from Atlas: {0}")]
    UnexpectedResponse(String),
}

/// How a timed-out exchange's `Transport` text starts.
pub(crate) const TIMED_OUT: &str = "timed out";

impl AtlasError {
    /// No answer in time: the exchange's timeout or the call's deadline.
    pub fn is_timeout(&self) -> bool {
        matches!(self, AtlasError::Transport(text) if text.starts_with(TIMED_OUT))
    }

    /// The Atlas error details, when Atlas answered with an error body.
    pub fn info(&self) -> Option<&ApiErrorInfo> {
        match self {
            AtlasError::Unauthorized(i)
            | AtlasError::Forbidden(i)
            | AtlasError::GroupNotFound(i)
            | AtlasError::NotFound(i)
            | AtlasError::AlreadyConfigured(i)
            | AtlasError::Invalid(i)
            | AtlasError::Server(i) => Some(i),
            AtlasError::RateLimited { info, .. } => Some(info),
            AtlasError::Transport(_) | AtlasError::UnexpectedResponse(_) => None,
        }
    }
}
