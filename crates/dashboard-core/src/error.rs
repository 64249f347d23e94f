//! The one error type every server function returns. It crosses the wire (JSON), so the
//! page can react to each case: send the user to login, put problems on their fields, offer
//! to edit on a conflict, say when to retry. It never carries a credential or a secret.

use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use atlas_registry::{FieldError, IntegrationKind};

/// Atlas's own words about a refused request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AtlasProblem {
    pub status: u16,
    pub error_code: String,
    pub detail: String,
    /// Per-field complaints from `badRequestDetail` (field, description).
    pub fields: Vec<(String, String)>,
}

/// Why Atlas gave no usable answer, as the page explains it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unreachable {
    /// No answer within the timeout or the call's deadline.
    TimedOut,
    /// No connection, or it broke before the answer.
    Connection,
    /// An answer that cannot be read: malformed, cut off or too large.
    Unreadable,
}

/// Why Atlas would not let a credential in, in terms the login page can explain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LoginRefusal {
    /// 401: unknown key or client id, or a wrong secret.
    WrongCredential,
    /// The caller's IP address is not on the credential's access list.
    AccessList,
    /// Valid, but the credential belongs to no project.
    NoProjects,
    /// Some other refusal, in Atlas's words.
    Other(String),
}

impl From<LoginRefusal> for AppError {
    fn from(refusal: LoginRefusal) -> Self {
        AppError::LoginRefused(refusal)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// No session, or it ended (idle or absolute timeout, logout).
    #[error("not signed in")]
    NotSignedIn,
    /// Login failed: Atlas refused the credential, or it sees no project.
    #[error("sign-in refused: {0:?}")]
    LoginRefused(LoginRefusal),
    /// The request came from another site.
    #[error("cross-site request refused")]
    CrossSite,
    /// Our own checks failed; nothing was sent to Atlas.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// Not a known integration type or project id; nothing was sent to Atlas.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// A create met an existing integration of this type: offer to edit it.
    #[error("{0} is already configured in this project")]
    AlreadyConfigured(IntegrationKind),
    /// Atlas replaces the whole configuration on update and wants these secrets again.
    #[error("re-enter: {}", .0.join(", "))]
    SecretsRequired(Vec<String>),
    /// The update went through, but Atlas cleared these secrets we meant to keep (it replaced
    /// the whole configuration): they must be entered again.
    #[error("cleared by Atlas: {}", .0.join(", "))]
    SecretsLost(Vec<String>),
    /// The update went through, but Atlas still has these fields we asked it to remove.
    #[error("not removed by Atlas: {}", .0.join(", "))]
    NotRemoved(Vec<String>),
    /// The credential may not do this in this project (e.g. read-only).
    #[error("not allowed: {0}")]
    Forbidden(String),
    /// The credential works, but this project is not one of its projects (Atlas answers 401
    /// for that, as for a bad credential; the session is kept).
    #[error("project out of reach: {0}")]
    OutOfReach(String),
    /// The project or integration does not exist (any more) or is not visible.
    #[error("not found: {0}")]
    NotFound(String),
    /// Too many failed sign-ins from this address or for this id; try again after this many
    /// seconds.
    #[error("too many failed sign-ins")]
    TooManySignIns { retry_after_secs: u64 },
    /// Atlas's rate limit; try again after this many seconds when Atlas said.
    #[error("Atlas is rate limiting requests")]
    RateLimited { retry_after_secs: Option<u64> },
    /// Atlas refused the request for another reason, in its own words.
    #[error("Atlas error {}: {}", .0.error_code, .0.detail)]
    Atlas(AtlasProblem),
    /// Atlas could not be reached or answered nonsense. The technical details go to the log
    /// only (`From<AtlasError>`); the page says which of these it was.
    #[error("Atlas is unavailable: {0:?}")]
    Unavailable(Unreachable),
    /// A write got no readable answer (cut off, timed out, unreadable): it may have been
    /// applied or not.
    #[error("Atlas did not confirm the change")]
    Unconfirmed,
    /// The request's body is larger than a server function takes; nothing was read.
    #[error("request body over {limit_bytes} bytes")]
    TooLarge { limit_bytes: u64 },
    /// Transport or encoding trouble between browser and server.
    #[error("{0}")]
    ServerFn(ServerFnErrorErr),
}

impl FromServerFnError for AppError {
    // JSON, read in the browser without serde_json (`wire_json`).
    type Encoder = crate::wire_json::Encoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::ServerFn(value)
    }
}

impl AppError {
    /// The HTTP status the server function answers with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotSignedIn | AppError::LoginRefused(_) => 401,
            AppError::CrossSite | AppError::Forbidden(_) | AppError::OutOfReach(_) => 403,
            AppError::Invalid(_) | AppError::BadRequest(_) | AppError::SecretsRequired(_) => 400,
            AppError::SecretsLost(_) | AppError::NotRemoved(_) => 409,
            AppError::NotFound(_) => 404,
            AppError::AlreadyConfigured(_) => 409,
            AppError::RateLimited { .. } | AppError::TooManySignIns { .. } => 429,
            AppError::Atlas(p) => p.status,
            AppError::Unavailable(_) | AppError::Unconfirmed => 502,
            AppError::TooLarge { .. } => 413,
            // Arguments the server function could not read: the request was at fault.
            AppError::ServerFn(
                ServerFnErrorErr::Args(_)
                | ServerFnErrorErr::MissingArg(_)
                | ServerFnErrorErr::Deserialization(_),
            ) => 400,
            AppError::ServerFn(ServerFnErrorErr::UnsupportedRequestMethod(_)) => 405,
            AppError::ServerFn(_) => 500,
        }
    }

    /// True when the user must sign in (again) before going on.
    pub fn needs_login(&self) -> bool {
        matches!(self, AppError::NotSignedIn)
    }

    /// What may be shown of an error that arrived in the page's URL. server_fn sends a form
    /// posted without JavaScript back to its page with the error in the query string, and any
    /// page renders it: so anyone who sends a link could put their own words on the real
    /// login page. Only what selects a fixed, translated message is kept: the kind of error,
    /// numbers, types and field names the registry knows; every free text is dropped.
    pub fn from_url(self) -> Self {
        let known = |names: Vec<String>| names.into_iter().filter(|n| is_field_name(n)).collect();
        match self {
            AppError::LoginRefused(LoginRefusal::Other(_)) => {
                AppError::LoginRefused(LoginRefusal::Other(String::new()))
            }
            AppError::Invalid(errors) => AppError::Invalid(
                errors
                    .into_iter()
                    .filter(|e| is_field_name(&e.field))
                    .collect(),
            ),
            AppError::BadRequest(_) => AppError::BadRequest(String::new()),
            AppError::SecretsRequired(names) => AppError::SecretsRequired(known(names)),
            AppError::SecretsLost(names) => AppError::SecretsLost(known(names)),
            AppError::NotRemoved(names) => AppError::NotRemoved(known(names)),
            AppError::Forbidden(_) => AppError::Forbidden(String::new()),
            AppError::OutOfReach(_) => AppError::OutOfReach(String::new()),
            AppError::NotFound(_) => AppError::NotFound(String::new()),
            AppError::Atlas(p) => AppError::Atlas(AtlasProblem {
                status: p.status,
                error_code: if p.error_code.len() <= 64
                    && p.error_code
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
                {
                    p.error_code
                } else {
                    String::new()
                },
                detail: String::new(),
                fields: Vec::new(),
            }),
            AppError::ServerFn(_) => {
                AppError::ServerFn(ServerFnErrorErr::ServerError(String::new()))
            }
            fixed @ (AppError::NotSignedIn
            | AppError::LoginRefused(_)
            | AppError::CrossSite
            | AppError::AlreadyConfigured(_)
            | AppError::RateLimited { .. }
            | AppError::Unconfirmed
            | AppError::Unavailable(_)
            | AppError::TooManySignIns { .. }
            | AppError::TooLarge { .. }) => fixed,
        }
    }

    /// Something on our side went wrong (a missing layer or state); the user sees a 500.
    pub fn internal(message: &str) -> Self {
        AppError::ServerFn(ServerFnErrorErr::ServerError(message.to_string()))
    }
}

/// How an Atlas refusal reads to the dashboard's user. The one mapping: server code uses `?`.
/// A 401 arrives as [`AppError::NotSignedIn`]; whether the session is really over or only
/// this project is out of reach, the signed-in user's handle on Atlas decides
/// (`server::UserAtlas`), as it decides "already configured", which needs the type.
/// A field of some integration type, or of the login form.
fn is_field_name(name: &str) -> bool {
    matches!(name, "public_id" | "secret")
        || IntegrationKind::ALL
            .iter()
            .any(|k| k.spec().fields.iter().any(|f| f.name == name))
}

#[cfg(feature = "ssr")]
impl From<atlas_client::AtlasError> for AppError {
    fn from(err: atlas_client::AtlasError) -> Self {
        use atlas_client::AtlasError;
        let timed_out = err.is_timeout();
        match err {
            AtlasError::Unauthorized(_) => AppError::NotSignedIn,
            AtlasError::Forbidden(info) => AppError::Forbidden(info.detail),
            AtlasError::GroupNotFound(info) | AtlasError::NotFound(info) => {
                AppError::NotFound(info.detail)
            }
            AtlasError::RateLimited { retry_after, .. } => AppError::RateLimited {
                retry_after_secs: retry_after.map(|d| d.as_secs().max(1)),
            },
            AtlasError::AlreadyConfigured(info)
            | AtlasError::Invalid(info)
            | AtlasError::Server(info) => AppError::Atlas(AtlasProblem::from(&info)),
            AtlasError::Transport(m) if timed_out => {
                tracing::warn!(error = %m, "Atlas call failed");
                AppError::Unavailable(Unreachable::TimedOut)
            }
            AtlasError::Transport(m) => {
                tracing::warn!(error = %m, "Atlas call failed");
                AppError::Unavailable(Unreachable::Connection)
            }
            AtlasError::UnexpectedResponse(m) => {
                tracing::warn!(error = %m, "Atlas call failed");
                AppError::Unavailable(Unreachable::Unreadable)
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<&atlas_client::ApiErrorInfo> for AtlasProblem {
    fn from(info: &atlas_client::ApiErrorInfo) -> Self {
        AtlasProblem {
            status: info.status,
            error_code: info.error_code.clone(),
            detail: info.detail.clone(),
            fields: info
                .fields
                .iter()
                .map(|f| (f.field.clone(), f.description.clone()))
                .collect(),
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use atlas_registry::{FieldError, FieldProblem, IntegrationKind};
    use leptos::server_fn::error::ServerFnErrorErr;

    use super::*;
    use crate::wire_json::tests::reads_back;

    /// The browser reads every error as the server wrote it (`wire_json`, not serde_json).
    #[test]
    fn every_error_the_server_sends_reads_back() {
        let errors = [
            AppError::NotSignedIn,
            AppError::LoginRefused(LoginRefusal::AccessList),
            AppError::LoginRefused(LoginRefusal::Other("Atlas says \"no\"".into())),
            AppError::CrossSite,
            AppError::Invalid(vec![
                FieldError {
                    field: "url".into(),
                    problem: FieldProblem::NotHttpUrl,
                },
                FieldError {
                    field: "apiKey".into(),
                    problem: FieldProblem::TooShort { min: 32 },
                },
            ]),
            AppError::BadRequest("bad kind".into()),
            AppError::AlreadyConfigured(IntegrationKind::PagerDuty),
            AppError::SecretsRequired(vec!["apiKey".into(), "secret".into()]),
            AppError::NotFound(String::new()),
            AppError::TooManySignIns {
                retry_after_secs: 900,
            },
            AppError::RateLimited {
                retry_after_secs: None,
            },
            AppError::RateLimited {
                retry_after_secs: Some(u64::MAX),
            },
            AppError::Atlas(AtlasProblem {
                status: 400,
                error_code: "INVALID_ATTRIBUTE".into(),
                detail: "Invalid attribute url specified.".into(),
                fields: vec![("url".into(), "must be https".into())],
            }),
            AppError::Unavailable(Unreachable::TimedOut),
            AppError::Unconfirmed,
            AppError::TooLarge { limit_bytes: 65536 },
            AppError::ServerFn(ServerFnErrorErr::Deserialization("x".into())),
            AppError::ServerFn(ServerFnErrorErr::Request("é ✓ 😀".into())),
        ];
        for error in errors {
            reads_back(error);
        }
    }
}
