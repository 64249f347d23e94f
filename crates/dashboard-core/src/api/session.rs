//! Signing in and out. The credential goes from the login form to the server once, is
//! checked against Atlas, and then lives only in the server-side session.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::respond;

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
        Some(n) if is_local_path(n) && !n.starts_with(crate::links::LOGIN) => n.to_string(),
        _ => crate::links::PROJECTS.to_string(),
    }
}

/// A path on this site, and nothing a browser could read as another site (see `safe_next`).
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path
            .chars()
            .any(|c| c == '\\' || c.is_whitespace() || c.is_control())
}

/// Checks the credential with a real call to Atlas (the first page of projects) and only
/// then creates the session, under a new id. Redirects to `next` on success.
#[server(prefix = "/api", endpoint = "session/login", output = crate::wire_json::Post)]
pub async fn login(
    method: AuthMethod,
    public_id: String,
    // Not a String: the arguments' derived `Debug` must not show it, and it is zeroized on drop.
    secret: atlas_registry::SecretValue,
    #[server(default)] next: Option<String>,
) -> Result<SessionInfo, AppError> {
    let info = respond(ssr::sign_in(method, public_id, secret).await)?;
    leptos_axum::redirect(&safe_next(next.as_deref()));
    Ok(info)
}

/// Revokes what Atlas issued for the session (a service account's token) and ends it.
#[server(prefix = "/api", endpoint = "session/logout", output = crate::wire_json::Post)]
pub async fn logout() -> Result<(), AppError> {
    respond(ssr::sign_out().await)?;
    leptos_axum::redirect(crate::links::LOGIN);
    Ok(())
}

#[cfg(feature = "ssr")]
mod ssr {
    use atlas_client::{AtlasError, Credential, SecretValue};
    use atlas_registry::{FieldError, FieldProblem};

    use super::{AuthMethod, SessionInfo};
    use crate::error::{AppError, LoginRefusal};
    use crate::server::{self, AppState, Outcome, UserSession};

    pub async fn sign_in(
        method: AuthMethod,
        public_id: String,
        secret: SecretValue,
    ) -> Result<SessionInfo, AppError> {
        let public_id = public_id.trim().to_string();
        let secret = SecretValue::new(secret.expose().trim());
        let required = |field: &str| FieldError {
            field: field.into(),
            problem: FieldProblem::Required,
        };
        let mut problems = Vec::new();
        if public_id.is_empty() {
            problems.push(required("public_id"));
        } else if public_id.chars().any(char::is_control) {
            // No Atlas id has one, and an API key's id travels in the Digest header, where
            // the client cannot put it: found by scripts/fuzz, it was a 502 after a call to
            // Atlas. Refused here, nothing sent.
            problems.push(FieldError {
                field: "public_id".into(),
                problem: FieldProblem::WrongKind,
            });
        }
        if secret.is_empty() {
            problems.push(required("secret"));
        }
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let credential = match method {
            AuthMethod::ApiKey => Credential::ApiKey {
                public_key: public_id,
                private_key: secret,
            },
            AuthMethod::ServiceAccount => Credential::service_account_session(public_id, secret),
        };
        let state = server::app_state()?;
        let client = client_address(&state).await;
        let public_id = credential.public_id().to_string();
        // What the log may show of what was typed: a private key pasted into the id field
        // must not land in the log.
        let shown = server::audit::loggable_id(&public_id);
        // On the books before Atlas is asked, so guesses sent at once fare as guesses in a row.
        let attempt = match state.login_throttle.begin(&client, &public_id).await {
            Ok(attempt) => attempt,
            Err(wait) => {
                count_failure("throttled");
                tracing::warn!(public_id = %shown, client, "sign-in refused: too many failures");
                return Err(AppError::TooManySignIns {
                    retry_after_secs: wait.as_secs().max(1),
                });
            }
        };
        match verify_and_store(&state, credential).await {
            Ok(user) => {
                metrics::counter!("dashboard_sign_ins_total").increment(1);
                attempt.finish(Outcome::SignedIn);
                tracing::info!(public_id = %shown, client, "signed in");
                Ok(info(&user, &state))
            }
            Err(refusal) => {
                // Only a refused credential counts: a valid one without projects, or Atlas
                // being unreachable, is not a guess.
                let guess =
                    matches!(&refusal, AppError::LoginRefused(r) if *r != LoginRefusal::NoProjects);
                let outcome = if guess {
                    Outcome::Refused
                } else {
                    Outcome::NotAGuess
                };
                attempt.finish(outcome);
                count_failure(match &refusal {
                    AppError::LoginRefused(LoginRefusal::WrongCredential) => "wrong_credential",
                    AppError::LoginRefused(LoginRefusal::NoProjects) => "no_projects",
                    AppError::LoginRefused(LoginRefusal::AccessList) => "access_list",
                    AppError::LoginRefused(_) => "refused",
                    AppError::Unavailable(_) => "atlas_unavailable",
                    _ => "other",
                });
                tracing::warn!(public_id = %shown, client, error = %refusal, "sign-in failed");
                Err(refusal)
            }
        }
    }

    /// A failed sign-in for the metrics (`web::metrics`), by a fixed word, never the input.
    fn count_failure(reason: &'static str) {
        metrics::counter!("dashboard_sign_in_failures_total", "reason" => reason).increment(1);
    }

    /// The client's address (`server::proxy::client_ip`: behind a trusted proxy, the address
    /// it forwarded); `unknown` when the server was not started with connection info, as in
    /// tests that drive the router directly.
    async fn client_address(state: &AppState) -> String {
        use axum::extract::ConnectInfo;
        let peer = leptos_axum::extract::<ConnectInfo<std::net::SocketAddr>>()
            .await
            .ok()
            .map(|info| info.0);
        let headers = leptos_axum::extract::<axum::http::HeaderMap>()
            .await
            .unwrap_or_default();
        server::proxy::client_ip(&headers, peer, &state.settings.trusted_proxies)
            .map_or_else(|| "unknown".to_string(), |ip| ip.to_string())
    }

    /// Verifies the credential with one real call (the first page of projects), then stores it
    /// in a session with a new id. A refused sign-in leaves nothing behind: whatever the check
    /// obtained (a token, a nonce) is forgotten, so failed attempts cannot fill memory.
    async fn verify_and_store(
        state: &AppState,
        credential: Credential,
    ) -> Result<UserSession, AppError> {
        let refusal = match state.atlas.list_projects_page(&credential, 1, 1).await {
            Ok(page) if page.results.is_empty() => Some(LoginRefusal::NoProjects.into()),
            Ok(_) => None,
            Err(AtlasError::Unauthorized(_)) => Some(LoginRefusal::WrongCredential.into()),
            Err(AtlasError::Forbidden(info)) if info.error_code.contains("ACCESS_LIST") => {
                Some(LoginRefusal::AccessList.into())
            }
            Err(AtlasError::Forbidden(info)) => Some(LoginRefusal::Other(info.detail).into()),
            // A transport's details stay in the log (`From<AtlasError>` writes them there).
            Err(other) => Some(AppError::from(other)),
        };
        if let Some(refusal) = refusal {
            let _ = state.atlas.forget(&credential).await;
            return Err(refusal);
        }
        let mut user = UserSession::new(credential);
        // The token the check obtained, kept with the session for every replica.
        user.token = state.atlas.held_token(&user.credential).await;
        let session = server::tower_session().await?;
        let settings = &state.settings;
        server::store_user(
            &session,
            &user,
            &state.session_keys,
            settings.session_idle,
            settings.session_max,
        )
        .await
        .map_err(|_| AppError::internal("could not store the session"))?;
        Ok(user)
    }

    /// Revokes what Atlas issued for the session and ends it. Signing out twice is fine.
    pub async fn sign_out() -> Result<(), AppError> {
        let state = server::app_state()?;
        let session = server::tower_session().await?;
        if let Some(user) =
            server::load_user(&session, state.settings.session_max, &state.session_keys).await
        {
            if let Err(err) = server::revoke_tokens(state.atlas.as_ref(), &user).await {
                // The session ends regardless; a token Atlas did not revoke expires within the
                // hour.
                tracing::warn!(error = %err, "could not revoke the Atlas token at logout");
            }
            let shown = server::audit::loggable_id(user.credential.public_id());
            tracing::info!(public_id = %shown, "signed out");
        }
        server::end(&session)
            .await
            .map_err(|_| AppError::internal("could not end the session"))
    }

    fn info(user: &UserSession, state: &AppState) -> SessionInfo {
        let method = match user.credential {
            Credential::ApiKey { .. } => AuthMethod::ApiKey,
            Credential::ServiceAccount { .. } => AuthMethod::ServiceAccount,
        };
        SessionInfo {
            method,
            public_id: user.credential.public_id().to_string(),
            backend: state.settings.backend_label.clone(),
        }
    }
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
