//! One sentence for each error the pages show: the dashboard's refusals in the page's
//! language, with Atlas's own words kept as Atlas wrote them.

use leptos::server_fn::error::ServerFnErrorErr;

use super::{count, labels_of_names, t, tf, with_kind, Key};
use crate::error::{AppError, LoginRefusal, Unreachable};

/// One sentence for an error, for the page's alert. Atlas's own `detail` stays as Atlas
/// wrote it, inside the translated sentence.
pub fn error_message(err: &AppError) -> String {
    let fields = |key: Key, names: &[String]| tf(key, &[("fields", &labels_of_names(names))]);
    match err {
        AppError::NotSignedIn => t(Key::ErrorNotSignedIn).into(),
        AppError::LoginRefused(LoginRefusal::WrongCredential) => {
            t(Key::ErrorWrongCredential).into()
        }
        AppError::LoginRefused(LoginRefusal::AccessList) => t(Key::ErrorAccessList).into(),
        AppError::LoginRefused(LoginRefusal::NoProjects) => t(Key::ErrorNoProjects).into(),
        AppError::LoginRefused(LoginRefusal::Other(detail)) => {
            said(t(Key::ErrorSignInRefused), detail)
        }
        AppError::CrossSite => t(Key::ErrorCrossSite).into(),
        AppError::Invalid(_) => t(Key::ErrorInvalid).into(),
        AppError::BadRequest(detail) if detail.is_empty() => t(Key::ErrorBadRequest).into(),
        AppError::BadRequest(detail) => tf(Key::ErrorBadRequestDetail, &[("detail", detail)]),
        AppError::AlreadyConfigured(kind) => with_kind(Key::ErrorAlreadyConfigured, *kind),
        AppError::SecretsRequired(names) => fields(Key::ErrorSecretsRequired, names),
        AppError::SecretsLost(names) => fields(Key::ErrorSecretsLost, names),
        AppError::NotRemoved(names) => fields(Key::ErrorNotRemoved, names),
        AppError::Forbidden(detail) => said(t(Key::ErrorForbidden), detail),
        AppError::OutOfReach(detail) => said(t(Key::ErrorOutOfReach), detail),
        AppError::NotFound(detail) => said(t(Key::ErrorNotFound), detail),
        AppError::RateLimited {
            retry_after_secs: Some(s),
        } => tf(Key::ErrorRateLimitedFor, &[("wait", &seconds(*s))]),
        AppError::TooManySignIns { retry_after_secs } => tf(
            Key::ErrorTooManySignIns,
            &[("wait", &seconds(*retry_after_secs))],
        ),
        AppError::RateLimited {
            retry_after_secs: None,
        } => t(Key::ErrorRateLimited).into(),
        AppError::Atlas(p) => said(
            &tf(
                Key::ErrorAtlasAnswered,
                &[("status", &p.status.to_string()), ("code", &p.error_code)],
            ),
            &p.detail,
        ),
        AppError::Unavailable(Unreachable::TimedOut) => t(Key::ErrorTimedOut).into(),
        AppError::Unavailable(Unreachable::Connection) => t(Key::ErrorConnection).into(),
        AppError::Unavailable(Unreachable::Unreadable) => t(Key::ErrorUnreadable).into(),
        AppError::Unconfirmed => t(Key::ErrorUnconfirmed).into(),
        AppError::TooLarge { limit_bytes } => tf(
            Key::ErrorTooLarge,
            &[("kb", &count((*limit_bytes / 1024) as usize))],
        ),
        AppError::ServerFn(ServerFnErrorErr::ServerError(m)) if m.is_empty() => {
            t(Key::ErrorServer).into()
        }
        AppError::ServerFn(e) => tf(Key::ErrorServerDetail, &[("detail", &e.to_string())]),
    }
}

/// "1 second", "30 seconds".
fn seconds(n: u64) -> String {
    if n == 1 {
        t(Key::ErrorOneSecond).into()
    } else {
        tf(Key::ErrorSeconds, &[("count", &count(n as usize))])
    }
}

/// A fixed sentence, then Atlas's (or the server's) own words when there are any.
fn said(sentence: &str, detail: &str) -> String {
    if detail.is_empty() {
        sentence.to_string()
    } else {
        tf(
            Key::ErrorAtlasSaid,
            &[("sentence", sentence), ("detail", detail)],
        )
    }
}
