//! Helpers for server-function bodies: the shared state, the session, input checks, and
//! Atlas errors turned into [`AppError`] with the HTTP status set to match.

use std::future::Future;

use axum::http::StatusCode;
use futures::StreamExt;
use leptos::prelude::*;
use leptos::server_fn::error::ServerFnErrorErr;
use leptos_axum::ResponseOptions;
use tower_sessions::Session;

use super::session::{self, UserSession};
use super::state::AppState;
use crate::api::projects::ProjectSummary;
use crate::api::{AppError, AtlasProblem, LoginRefusal};
use crate::atlas::{AtlasError, Credential, Project};
use crate::integrations::{
    integration_from_form, is_group_id, Availability, FormValues, Integration, IntegrationKind,
    IntegrationView, WriteMode,
};

/// How many projects' integrations are fetched from Atlas at once on the projects page.
const INTEGRATION_LOOKUPS_IN_FLIGHT: usize = 8;

/// Sets the response status for `err` and returns it, for `return Err(fail(..))`.
pub fn fail(err: AppError) -> AppError {
    // A plain form post (no JavaScript) gets the error as a redirect back to its page, with
    // the error in the URL for the page's action to show (server_fn's form redirects); a
    // status set here would replace that redirect's 302.
    if plain_form_request() {
        return err;
    }
    if let Some(options) = use_context::<ResponseOptions>() {
        options.set_status(
            StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        );
    }
    err
}

fn internal(message: &str) -> AppError {
    fail(AppError::ServerFn(ServerFnErrorErr::ServerError(
        message.to_string(),
    )))
}

pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| internal("application state missing"))
}

async fn tower_session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>()
        .await
        .map_err(|_| internal("session layer missing"))
}

pub async fn optional_session() -> Result<Option<UserSession>, AppError> {
    let state = app_state()?;
    let session = tower_session().await?;
    Ok(session::load_user(&session, state.settings.session_max).await)
}

/// The signed-in user, or 401 [`AppError::NotSignedIn`].
pub async fn require_session() -> Result<UserSession, AppError> {
    optional_session()
        .await?
        .ok_or_else(|| fail(AppError::NotSignedIn))
}

/// Verifies the credential with one real call (the first page of projects), then stores it
/// in a session with a new id. A refused sign-in leaves nothing behind: whatever the check
/// obtained (a token, a nonce) is forgotten, so failed attempts cannot fill memory.
pub async fn sign_in(state: &AppState, credential: Credential) -> Result<UserSession, AppError> {
    let refused = |r| fail(AppError::LoginRefused(r));
    let refusal = match state.atlas.list_projects_page(&credential, 1, 1).await {
        Ok(page) if page.results.is_empty() => Some(refused(LoginRefusal::NoProjects)),
        Ok(_) => None,
        Err(AtlasError::Unauthorized(_)) => Some(refused(LoginRefusal::WrongCredential)),
        Err(AtlasError::Forbidden(info)) if info.error_code.contains("ACCESS_LIST") => {
            Some(refused(LoginRefusal::AccessList))
        }
        Err(AtlasError::Forbidden(info)) => Some(refused(LoginRefusal::Other(info.detail))),
        Err(other) => Some(atlas_error(other)),
    };
    if let Some(refusal) = refusal {
        let _ = state.atlas.forget(&credential).await;
        return Err(refusal);
    }
    let user = UserSession::new(credential);
    let session = tower_session().await?;
    session::store_user(&session, &user)
        .await
        .map_err(|_| internal("could not store the session"))?;
    tracing::info!(public_id = user.credential.public_id(), "signed in");
    Ok(user)
}

/// Revokes what Atlas issued for the session and ends it. Signing out twice is fine.
pub async fn sign_out(state: &AppState) -> Result<(), AppError> {
    let session = tower_session().await?;
    if let Some(user) = session::load_user(&session, state.settings.session_max).await {
        if let Err(err) = state.atlas.forget(&user.credential).await {
            // The session ends regardless; a token Atlas did not revoke expires within the hour.
            tracing::warn!(error = %err, "could not revoke the Atlas token at logout");
        }
        tracing::info!(public_id = user.credential.public_id(), "signed out");
    }
    session::end(&session)
        .await
        .map_err(|_| internal("could not end the session"))
}

/// Awaits an Atlas call. A 401 means either that Atlas no longer accepts the session's
/// credential, or that the credential is not a member of this project's organisation (Atlas
/// documents 401 for that too; the error code is [unverified]). One call that needs no
/// project (the first page of projects) tells them apart: if the credential still works, the
/// user keeps the session and is told this project is out of reach (signing out would loop a
/// deep link through login forever); if not, the session ends and the page goes to login.
pub async fn atlas<T>(call: impl Future<Output = Result<T, AtlasError>>) -> Result<T, AppError> {
    match call.await {
        Ok(v) => Ok(v),
        Err(AtlasError::Unauthorized(info)) => {
            if credential_still_accepted().await {
                return Err(fail(AppError::OutOfReach(info.detail)));
            }
            if let Ok(session) = tower_session().await {
                let _ = session::end(&session).await;
            }
            Err(fail(AppError::NotSignedIn))
        }
        Err(other) => Err(atlas_error(other)),
    }
}

async fn credential_still_accepted() -> bool {
    let (Ok(state), Ok(Some(user))) = (app_state(), optional_session().await) else {
        return false;
    };
    state
        .atlas
        .list_projects_page(&user.credential, 1, 1)
        .await
        .is_ok()
}

fn problem(info: &crate::atlas::ApiErrorInfo) -> AtlasProblem {
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

/// Maps an Atlas error to what the page shows, with the matching status.
pub fn atlas_error(err: AtlasError) -> AppError {
    let app = match &err {
        AtlasError::Unauthorized(_) => AppError::NotSignedIn,
        AtlasError::Forbidden(info) => AppError::Forbidden(info.detail.clone()),
        AtlasError::GroupNotFound(info) | AtlasError::NotFound(info) => {
            AppError::NotFound(info.detail.clone())
        }
        AtlasError::AlreadyConfigured(info) => AppError::Atlas(problem(info)),
        AtlasError::RateLimited { retry_after, .. } => AppError::RateLimited {
            retry_after_secs: retry_after.map(|d| d.as_secs().max(1)),
        },
        AtlasError::Invalid(info) | AtlasError::Server(info) => AppError::Atlas(problem(info)),
        AtlasError::Transport(m) | AtlasError::UnexpectedResponse(m) => {
            AppError::Unavailable(m.clone())
        }
    };
    if matches!(app, AppError::Unavailable(_)) {
        tracing::warn!(error = %err, "Atlas call failed");
    }
    fail(app)
}

pub fn checked_group_id(group_id: &str) -> Result<String, AppError> {
    if is_group_id(group_id) {
        Ok(group_id.to_string())
    } else {
        Err(fail(AppError::BadRequest(format!(
            "not a project id: {group_id:?}"
        ))))
    }
}

pub fn checked_kind(kind: &str) -> Result<IntegrationKind, AppError> {
    IntegrationKind::from_wire(kind).ok_or_else(|| {
        fail(AppError::BadRequest(format!(
            "not an integration type: {kind:?}"
        )))
    })
}

/// The views of a list from Atlas, in registry order.
pub fn views(list: &[Integration]) -> Vec<IntegrationView> {
    let mut views: Vec<_> = list.iter().map(IntegrationView::from_atlas).collect();
    views.sort_by_key(|v| IntegrationKind::ALL.iter().position(|k| *k == v.kind));
    views
}

/// Summaries of `projects` with their configured types, looked up a few at a time.
pub async fn with_integrations(
    state: &AppState,
    user: &UserSession,
    projects: Vec<Project>,
) -> Vec<ProjectSummary> {
    let lookups = projects.into_iter().map(|p| {
        let atlas = state.atlas.clone();
        let credential = user.credential.clone();
        async move {
            let integrations = atlas
                .list_integrations(&credential, &p.id)
                .await
                .ok()
                .map(|list| views(&list).into_iter().map(|v| v.kind).collect());
            ProjectSummary {
                id: p.id,
                name: p.name,
                integrations,
            }
        }
    });
    futures::stream::iter(lookups)
        .buffered(INTEGRATION_LOOKUPS_IN_FLIGHT)
        .collect()
        .await
}

/// Create or update from a submitted form: checked against the registry first (nothing is
/// sent if it fails), then sent with only the type's fields.
pub async fn write(
    group_id: String,
    kind: String,
    values: FormValues,
    remove: FormValues,
    mode: WriteMode,
) -> Result<Vec<IntegrationView>, AppError> {
    let state = app_state()?;
    let user = require_session().await?;
    let group_id = checked_group_id(&group_id)?;
    let kind = checked_kind(&kind)?;
    check_availability(kind)?;
    let integration = integration_from_form(kind, &values, &remove, mode)
        .map_err(|errors| fail(AppError::Invalid(errors)))?;
    let cred = &user.credential;
    // Secrets set now and left out of this update (to keep them) are checked again afterwards:
    // an Atlas that replaces the whole configuration would silently clear them.
    let kept = match mode {
        WriteMode::Create => Vec::new(),
        WriteMode::Update => {
            let before = atlas(state.atlas.get_integration(cred, &group_id, kind)).await?;
            kept_secrets(&before, &integration)
        }
    };
    let result = match mode {
        WriteMode::Create => {
            state
                .atlas
                .create_integration(cred, &group_id, &integration)
                .await
        }
        WriteMode::Update => {
            state
                .atlas
                .update_integration(cred, &group_id, &integration)
                .await
        }
    };
    let list = match result {
        Ok(list) => list,
        Err(AtlasError::AlreadyConfigured(_)) => {
            return Err(fail(AppError::AlreadyConfigured(kind)))
        }
        Err(AtlasError::Invalid(info)) if mode == WriteMode::Update => {
            let missing = omitted_secrets_named(&integration, &info);
            if missing.is_empty() {
                return Err(atlas_error(AtlasError::Invalid(info)));
            }
            return Err(fail(AppError::SecretsRequired(missing)));
        }
        Err(other) => return atlas(async { Err::<Vec<IntegrationView>, _>(other) }).await,
    };
    tracing::info!(
        group_id,
        kind = kind.as_wire(),
        ?mode,
        "integration written"
    );
    let after = list.iter().find(|i| i.kind == kind);
    // A removal is checked like a kept secret: whether Atlas honours an explicit null on PUT
    // is [unverified], so the answer decides, and the user hears if it did not.
    let not_removed: Vec<String> = integration
        .cleared
        .iter()
        .filter(|name| after.is_some_and(|i| i.values.contains_key(name.as_str())))
        .cloned()
        .collect();
    if !not_removed.is_empty() {
        tracing::warn!(
            group_id,
            kind = kind.as_wire(),
            ?not_removed,
            "Atlas kept fields the update removed"
        );
        return Err(fail(AppError::NotRemoved(not_removed)));
    }
    let lost: Vec<String> = kept
        .into_iter()
        .filter(|name| after.is_none_or(|i| !i.values.contains_key(*name)))
        .map(str::to_string)
        .collect();
    if !lost.is_empty() {
        tracing::warn!(
            group_id,
            kind = kind.as_wire(),
            ?lost,
            "Atlas cleared secrets the update kept"
        );
        return Err(fail(AppError::SecretsLost(lost)));
    }
    redirect_plain_form(&format!("/projects/{group_id}?saved={}", kind.as_wire()));
    Ok(views(&list))
}

/// Only a type without a schema (HIP_CHAT) cannot be written; discouraged ones can, and
/// Atlas's answer decides.
fn check_availability(kind: IntegrationKind) -> Result<(), AppError> {
    if kind.spec().availability == Availability::Legacy {
        return Err(fail(AppError::BadRequest(format!(
            "{} has no schema in Atlas's API any more: it can only be deleted",
            kind.label()
        ))));
    }
    Ok(())
}

/// Secrets Atlas shows as set that `update` leaves out to keep them (not those it removes).
/// Write-only ones are never left out: validation asks for them on every save
/// (`FieldSpec::blank_keeps`).
fn kept_secrets(before: &Integration, update: &Integration) -> Vec<&'static str> {
    before
        .kind
        .spec()
        .fields
        .iter()
        .filter(|f| f.blank_keeps())
        .filter(|f| before.values.contains_key(f.name) && !update.values.contains_key(f.name))
        .filter(|f| !update.cleared.contains(f.name))
        .map(|f| f.name)
        .collect()
}

/// Secrets we left out (to keep them) that Atlas's refusal names: Atlas replaced the whole
/// configuration and wants them again.
fn omitted_secrets_named(sent: &Integration, info: &crate::atlas::ApiErrorInfo) -> Vec<String> {
    let mentioned = |name: &str| {
        info.fields.iter().any(|f| f.field == name)
            || info
                .parameters
                .iter()
                .any(|p| p == name || p.contains(name))
            || info.detail.contains(name)
    };
    sent.kind
        .spec()
        .fields
        .iter()
        .filter(|f| f.is_secret() && !sent.values.contains_key(f.name) && mentioned(f.name))
        .map(|f| f.name.to_string())
        .collect()
}

/// After a form posted without JavaScript, the browser is sent to `path`. Requests from the
/// hydrated page (which ask for JSON) get the result instead and stay where they are.
pub fn redirect_plain_form(path: &str) {
    if plain_form_request() {
        leptos_axum::redirect(path);
    }
}

/// Whether this server-fn call is a browser's plain form post: it accepts HTML, where the
/// WASM client asks for the server fn's own encoding (the test leptos_axum uses too).
fn plain_form_request() -> bool {
    use_context::<axum::http::request::Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get(axum::http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        })
        .is_some_and(|accept| accept.contains("text/html"))
}

/// The project's integrations page in the Atlas UI. Against the emulator this is real
/// Atlas's address. [unverified: the fragment path is the UI's current one, taken from its
/// documentation's navigation, not from a recorded URL.]
pub fn atlas_ui_url(state: &AppState, group_id: &str) -> String {
    format!(
        "{}/v2/{group_id}#/settings/integrations",
        state.settings.atlas_ui_base
    )
}
