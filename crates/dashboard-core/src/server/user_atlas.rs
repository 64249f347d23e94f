//! Atlas as the signed-in user sees it: every call made with the session's credential, every
//! answer already an [`AppError`], so server code uses `?` and is always right. The mapping
//! itself is `From<AtlasError> for AppError` (`crate::error`); what needs more than the
//! error is decided here, once:
//!
//! - a 401 means either that Atlas no longer accepts the credential or that the credential is
//!   not a member of this project's organisation (Atlas documents 401 for that too; its error
//!   code is [unverified]). One call that needs no project (the first page of projects) tells
//!   them apart: if the credential still works, the session stays and the user hears the
//!   project is out of reach (signing out would loop a deep link through login forever); if
//!   not, the session ends and the page goes to login;
//! - a 409 on create is "already configured", named by the type that was sent;
//! - a 400 on update that names secrets we left out (to keep them) means Atlas replaces the
//!   whole configuration and wants them again.
//!
//! A service account's OAuth token is kept with the session: taken up from it when the handle
//! is made (another replica may have obtained it), written back when this process obtained a
//! new one, so every replica uses one token per session and any can revoke it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use atlas_client::{AlertConfig, ApiErrorInfo, AtlasError, Credential, HeldToken, Project};
use atlas_registry::{Integration, IntegrationKind};

use super::audit;
use super::context::{app_state, optional_user, tower_session};
use super::journal::{Action, Entry, Origin};
use super::session::{self, UserSession};
use super::state::AppState;
use crate::error::AppError;

#[derive(Clone)]
pub struct UserAtlas {
    state: AppState,
    user: UserSession,
    /// The token the session holds now (it changes when this request obtains a new one).
    kept_token: Arc<Mutex<Option<HeldToken>>>,
    /// Where this handle's writes come from, for the journal.
    origin: Origin,
}

impl UserAtlas {
    /// The signed-in user's handle, or 401 [`AppError::NotSignedIn`].
    pub async fn current() -> Result<Self, AppError> {
        let state = app_state()?;
        let user = optional_user().await?.ok_or(AppError::NotSignedIn)?;
        Ok(Self::for_user(state, user).await)
    }

    /// The handle of a user already read from the session, for a handler outside the server
    /// functions (a download). A token this process obtains for it is not written back to the
    /// session there (no server-function context): the next request obtains its own.
    pub async fn for_user(state: AppState, user: UserSession) -> Self {
        if let Some(token) = user.token.clone() {
            state.atlas.adopt_token(&user.credential, token).await;
        }
        let kept_token = Arc::new(Mutex::new(user.token.clone()));
        UserAtlas {
            state,
            user,
            kept_token,
            origin: Origin::Page,
        }
    }

    /// The same handle, its writes journaled as coming from `origin` (a fleet run's).
    pub fn with_origin(mut self, origin: Origin) -> Self {
        self.origin = origin;
        self
    }

    /// Writes the token this process now holds for the session into the session, when it is
    /// not the one kept there (obtained or renewed by this request).
    async fn keep_token(&self) {
        if !matches!(self.user.credential, Credential::ServiceAccount { .. }) {
            return;
        }
        let held = self.state.atlas.held_token(&self.user.credential).await;
        let kept = self
            .kept_token
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if held.is_none() || held == kept {
            return;
        }
        let Ok(session) = tower_session().await else {
            return;
        };
        let mut user = self.user.clone();
        user.token = held.clone();
        let keys = &self.state.session_keys;
        match session::update_user(&session, &user, keys, self.state.settings.session_idle).await {
            Ok(()) => *self.kept_token.lock().unwrap_or_else(|e| e.into_inner()) = held,
            Err(err) => tracing::warn!(error = %err, "could not keep the token with the session"),
        }
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub fn user(&self) -> &UserSession {
        &self.user
    }

    pub async fn all_projects(&self) -> Result<Vec<Project>, AppError> {
        let call = self.state.atlas.list_all_projects(&self.user.credential);
        let all = self.answer(call.await).await?;
        let who = self.user.credential.public_id();
        let names = all.iter().map(|p| (p.id.as_str(), p.name.as_str()));
        self.state.project_names.remember(who, names);
        Ok(all)
    }

    /// A project's name: as the projects list said it lately (`project_names`), else from
    /// Atlas. Not a check that the project is in reach: the call that needs the project
    /// decides that.
    pub async fn project_name(&self, group_id: &str) -> Result<String, AppError> {
        let who = self.user.credential.public_id();
        if let Some(name) = self.state.project_names.get(who, group_id) {
            return Ok(name);
        }
        let project = self.project(group_id).await?;
        self.state
            .project_names
            .remember(who, [(project.id.as_str(), project.name.as_str())]);
        Ok(project.name)
    }

    /// The names of all of `ids` as the projects list said them lately, or `None` if any is
    /// not known (then list the projects again).
    pub fn known_project_names(&self, ids: &[String]) -> Option<HashMap<String, String>> {
        let who = self.user.credential.public_id();
        ids.iter()
            .map(|id| Some((id.clone(), self.state.project_names.get(who, id)?)))
            .collect()
    }

    /// Starts the integrations lists of `ids` now, each holding one of `slots` (the
    /// credential's, [`Self::lookup_slots`]) while it runs, for this credential's next lookups
    /// of them to take ([`Self::take_prefetched`]; `prefetch`).
    pub fn prefetch_integrations(
        &self,
        ids: impl IntoIterator<Item = String>,
        slots: Arc<tokio::sync::Semaphore>,
    ) {
        let who = self.user.credential.public_id();
        for id in ids {
            let (atlas, slots, group_id) = (self.clone(), slots.clone(), id.clone());
            self.state.prefetched.start(who, &id, async move {
                // The semaphore is never closed, so this is always a slot.
                let _slot = slots.acquire_owned().await;
                atlas.integrations_or_reason(&group_id).await
            });
        }
        // What was not taken by then goes (`Prefetched::sweep`).
        let table = self.state.prefetched.clone();
        tokio::spawn(async move {
            tokio::time::sleep(super::prefetch::TTL).await;
            table.sweep();
        });
    }

    /// The integrations list of `group_id` that [`Self::prefetch_integrations`] started for
    /// this credential, if any (taken: the next lookup goes to Atlas). Awaiting it holds no
    /// lookup slot: the prefetch holds one while it runs.
    pub fn take_prefetched(&self, group_id: &str) -> Option<super::prefetch::Pending> {
        let who = self.user.credential.public_id();
        self.state.prefetched.take(who, group_id)
    }

    /// The slots this credential's lookups share, `size` of them (`lookup_slots`).
    pub fn lookup_slots(&self, size: usize) -> Arc<tokio::sync::Semaphore> {
        let who = self.user.credential.public_id();
        self.state.lookup_slots.of(who, size)
    }

    pub async fn project(&self, group_id: &str) -> Result<Project, AppError> {
        let call = self
            .state
            .atlas
            .get_project(&self.user.credential, group_id);
        self.answer(call.await).await
    }

    pub async fn integrations(&self, group_id: &str) -> Result<Vec<Integration>, AppError> {
        let call = self
            .state
            .atlas
            .list_integrations(&self.user.credential, group_id);
        self.answer(call.await).await
    }

    /// The project's alert configurations, every page (docs/alerts.md).
    pub async fn alert_configs(&self, group_id: &str) -> Result<Vec<AlertConfig>, AppError> {
        let call = self
            .state
            .atlas
            .list_alert_configs(&self.user.credential, group_id);
        self.answer(call.await).await
    }

    /// `PUT` of one alert configuration as read and changed (the client leaves out read-only
    /// fields and masked secrets). Logged by ids only.
    pub async fn update_alert_config(
        &self,
        group_id: &str,
        config: &AlertConfig,
    ) -> Result<AlertConfig, AppError> {
        let call = self
            .state
            .atlas
            .update_alert_config(&self.user.credential, group_id, config);
        let answer = self.answer(call.await).await;
        tracing::info!(
            group_id,
            alert_config_id = config.id,
            ok = answer.is_ok(),
            "alert configuration written"
        );
        answer
    }

    /// The project's alert configurations, or `None` for any refusal or failure: for pages
    /// over many projects, where one project out of reach must not end the session.
    pub async fn alert_configs_if_visible(&self, group_id: &str) -> Option<Vec<AlertConfig>> {
        let answer = self
            .state
            .atlas
            .list_alert_configs(&self.user.credential, group_id)
            .await;
        self.keep_token().await;
        answer.ok()
    }

    /// The project's integrations, or `None` for any refusal: for lists of many projects,
    /// where one project out of reach must not end the session or cost a second call.
    pub async fn integrations_if_visible(&self, group_id: &str) -> Option<Vec<Integration>> {
        let answer = self
            .state
            .atlas
            .list_integrations(&self.user.credential, group_id)
            .await;
        self.keep_token().await;
        answer.ok()
    }

    /// The project's integrations, or why not, for lists of many projects: a 401 is this
    /// project out of reach ([`AppError::OutOfReach`]), never the session's end, and costs no
    /// second call (if the credential itself was dropped, the next page that needs it says so).
    pub async fn integrations_or_reason(
        &self,
        group_id: &str,
    ) -> Result<Vec<Integration>, AppError> {
        let call = self
            .state
            .atlas
            .list_integrations(&self.user.credential, group_id);
        let answer = call.await;
        self.keep_token().await;
        match answer {
            Err(AtlasError::Unauthorized(info)) => Err(AppError::OutOfReach(info.detail)),
            other => Ok(other?),
        }
    }

    pub async fn integration(
        &self,
        group_id: &str,
        kind: IntegrationKind,
    ) -> Result<Integration, AppError> {
        let call = self
            .state
            .atlas
            .get_integration(&self.user.credential, group_id, kind);
        self.answer(call.await).await
    }

    /// POST. Sent again by the client only after a 429 (Atlas applied nothing); a lost answer
    /// is [`AppError::Unconfirmed`]; 409 is [`AppError::AlreadyConfigured`].
    pub async fn create(
        &self,
        group_id: &str,
        integration: &Integration,
    ) -> Result<Vec<Integration>, AppError> {
        let sent_at = time::OffsetDateTime::now_utc().unix_timestamp();
        let call =
            self.state
                .atlas
                .create_integration(&self.user.credential, group_id, integration);
        let result = match call.await {
            Err(AtlasError::AlreadyConfigured(_)) => {
                Err(AppError::AlreadyConfigured(integration.kind))
            }
            other => self.answer_write(other).await,
        };
        self.keep_record(group_id, integration, Action::Create, sent_at, &result)
            .await;
        result
    }

    /// PUT. A 400 naming secrets `integration` left out is [`AppError::SecretsRequired`].
    pub async fn update(
        &self,
        group_id: &str,
        integration: &Integration,
    ) -> Result<Vec<Integration>, AppError> {
        let sent_at = time::OffsetDateTime::now_utc().unix_timestamp();
        let call =
            self.state
                .atlas
                .update_integration(&self.user.credential, group_id, integration);
        let result = match call.await {
            Err(AtlasError::Invalid(info)) => {
                let missing = omitted_secrets_named(integration, &info);
                if missing.is_empty() {
                    Err(AtlasError::Invalid(info).into())
                } else {
                    Err(AppError::SecretsRequired(missing))
                }
            }
            other => self.answer_write(other).await,
        };
        self.keep_record(group_id, integration, Action::Update, sent_at, &result)
            .await;
        result
    }

    pub async fn delete(&self, group_id: &str, kind: IntegrationKind) -> Result<(), AppError> {
        let sent_at = time::OffsetDateTime::now_utc().unix_timestamp();
        let call = self
            .state
            .atlas
            .delete_integration(&self.user.credential, group_id, kind);
        let result = self.answer_write(call.await).await;
        let deleted = Integration::new(kind);
        self.keep_record(group_id, &deleted, Action::Delete, sent_at, &result)
            .await;
        result
    }

    /// The audit line and journal entry of a write this handle sent (`at`: when it was sent,
    /// close to when Atlas stamps its event): every write, from a project's page or a fleet
    /// run, passes here.
    async fn keep_record<T>(
        &self,
        group_id: &str,
        integration: &Integration,
        action: Action,
        at: i64,
        result: &Result<T, AppError>,
    ) {
        // Whatever was read of the project before this write is not what it holds now.
        self.state.prefetched.forget(group_id);
        let (set, removed) = audit::field_names(integration);
        let entry = Entry {
            at,
            who: self.user.credential.public_id().to_string(),
            group_id: group_id.to_string(),
            kind: integration.kind,
            action,
            origin: self.origin,
            set,
            removed,
            outcome: audit::outcome(result),
        };
        audit::write(&entry);
        self.state.journal.record(entry).await;
    }

    /// A write's answer. With no readable answer (cut off, timed out, unreadable), Atlas may
    /// have applied it or not: the user is told so, rather than that Atlas was unreachable,
    /// so they look before they repeat it.
    async fn answer_write<T>(&self, result: Result<T, AtlasError>) -> Result<T, AppError> {
        match result {
            Err(AtlasError::Transport(m) | AtlasError::UnexpectedResponse(m)) => {
                tracing::warn!(error = %m, "Atlas did not confirm a write");
                Err(AppError::Unconfirmed)
            }
            other => self.answer(other).await,
        }
    }

    /// An Atlas answer as an [`AppError`], telling the two meanings of a 401 apart (module
    /// docs).
    async fn answer<T>(&self, result: Result<T, AtlasError>) -> Result<T, AppError> {
        self.keep_token().await;
        match result {
            Err(AtlasError::Unauthorized(info)) => {
                let still_accepted = self
                    .state
                    .atlas
                    .list_projects_page(&self.user.credential, 1, 1)
                    .await
                    .is_ok();
                if still_accepted {
                    return Err(AppError::OutOfReach(info.detail));
                }
                if let Ok(session) = tower_session().await {
                    let _ = session::end(&session).await;
                }
                Err(AppError::NotSignedIn)
            }
            other => Ok(other?),
        }
    }
}

/// Secrets we left out (to keep them) that Atlas's refusal names.
fn omitted_secrets_named(sent: &Integration, info: &ApiErrorInfo) -> Vec<String> {
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
