//! Signing in and out. The credential goes from the login form to the server once, is
//! checked against Atlas, and then lives only in the server-side session.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::AppError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    ApiKey,
    ServiceAccount,
}

/// Who is signed in, as the page may know it: never the secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub method: AuthMethod,
    /// The API key's public key or the service account's client id.
    pub public_id: String,
    /// "embedded emulator" or Atlas's URL.
    pub backend: String,
}

/// Only paths inside the dashboard are followed after login: `next` comes from the URL and
/// must not become an open redirect. Browsers drop tabs and newlines from a `Location` and
/// read `\` as `/`, so `/<tab>/evil.example` or `/\evil.example` would mean `//evil.example`:
/// whitespace, control characters and backslashes are refused outright.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n
                    .chars()
                    .any(|c| c == '\\' || c.is_whitespace() || c.is_control())
                && !n.starts_with("/login") =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

#[server(prefix = "/api", endpoint = "session/status")]
pub async fn session_status() -> Result<Option<SessionInfo>, AppError> {
    use crate::web::context;
    let state = context::app_state()?;
    Ok(context::optional_session()
        .await?
        .map(|user| user.info(&state)))
}

/// Checks the credential with a real call to Atlas (the first page of projects) and only
/// then creates the session, under a new id. Redirects to `next` on success.
#[server(prefix = "/api", endpoint = "session/login")]
pub async fn login(
    method: AuthMethod,
    public_id: String,
    secret: String,
    #[server(default)] next: Option<String>,
) -> Result<SessionInfo, AppError> {
    use crate::atlas::{Credential, SecretValue};
    use crate::web::context;

    let public_id = public_id.trim().to_string();
    let secret = SecretValue::new(secret.trim());
    let mut problems = Vec::new();
    if public_id.is_empty() {
        problems.push(crate::integrations::FieldError {
            field: "public_id".into(),
            problem: crate::integrations::FieldProblem::Required,
        });
    }
    if secret.is_empty() {
        problems.push(crate::integrations::FieldError {
            field: "secret".into(),
            problem: crate::integrations::FieldProblem::Required,
        });
    }
    if !problems.is_empty() {
        return Err(context::fail(AppError::Invalid(problems)));
    }
    let credential = match method {
        AuthMethod::ApiKey => Credential::ApiKey {
            public_key: public_id,
            private_key: secret,
        },
        AuthMethod::ServiceAccount => Credential::service_account_session(public_id, secret),
    };
    let state = context::app_state()?;
    let user = context::sign_in(&state, credential).await?;
    leptos_axum::redirect(&safe_next(next.as_deref()));
    Ok(user.info(&state))
}

/// Revokes what Atlas issued for the session (a service account's token) and ends it.
#[server(prefix = "/api", endpoint = "session/logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::web::context;
    let state = context::app_state()?;
    context::sign_out(&state).await?;
    leptos_axum::redirect("/login");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_inside_the_dashboard() {
        assert_eq!(safe_next(Some("/projects/abc")), "/projects/abc");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/");
        assert_eq!(safe_next(Some("/\n/evil.example")), "/");
        assert_eq!(safe_next(Some("/ /evil.example")), "/");
        assert_eq!(safe_next(Some("/login?next=/x")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
