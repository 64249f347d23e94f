//! The Admin API's routes: projects, integrations, events and alert configurations, paged
//! where Atlas pages, with their paths and queries checked before anything is sent.

use super::auth::token_key;
use super::*;
use crate::AlertConfig;

pub(super) fn invalid_group_id(group_id: &str) -> AtlasError {
    // Checked here too, so a caller's mistake can never make a path like `groups/../..`.
    AtlasError::Invalid(ApiErrorInfo {
        status: 400,
        error_code: "INVALID_GROUP_ID".into(),
        detail: "A project id is 24 hexadecimal characters.".into(),
        parameters: vec![group_id.chars().take(64).collect()],
        fields: Vec::new(),
    })
}

/// listGroupEvents' query: the page, then the filter (no `includeRaw`: nothing the
/// dashboard reads is in `raw`, whose fields the spec says "may change"). An event type that is not an upper-case name is
/// refused here, so nothing odd reaches the signed path.
pub(super) fn events_query(
    query: &EventQuery,
    page_num: u32,
    items_per_page: u32,
) -> Result<String, AtlasError> {
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("pageNum", &page_num.to_string())
        .append_pair("itemsPerPage", &items_per_page.to_string())
        .append_pair("includeCount", "true");
    for t in &query.event_types {
        let name = !t.is_empty()
            && t.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        if !name {
            return Err(AtlasError::Invalid(ApiErrorInfo {
                status: 400,
                error_code: "INVALID_QUERY_PARAMETER".into(),
                detail: "An event type is an upper-case name.".into(),
                parameters: vec![t.chars().take(64).collect()],
                fields: Vec::new(),
            }));
        }
        q.append_pair("eventType", t);
    }
    if let Some(d) = &query.min_date {
        q.append_pair("minDate", d);
    }
    if let Some(d) = &query.max_date {
        q.append_pair("maxDate", d);
    }
    Ok(q.finish())
}

pub(super) fn groups_path(group_id: &str) -> Result<String, AtlasError> {
    if is_group_id(group_id) {
        Ok(format!("/api/atlas/v2/groups/{group_id}"))
    } else {
        Err(invalid_group_id(group_id))
    }
}

impl AtlasClient {
    pub(super) async fn get_page<T>(
        &self,
        credential: &Credential,
        route: &'static str,
        path: String,
        page_num: u32,
        items_per_page: u32,
        item: impl FnMut(&serde_json::Value) -> Result<Option<T>, AtlasError>,
    ) -> Result<Page<T>, AtlasError> {
        let call = Call {
            method: Method::GET,
            route,
            path_and_query: format!("{path}?pageNum={page_num}&itemsPerPage={items_per_page}"),
            body: None,
        };
        let answer = self.call(credential, &call).await?;
        wire::parse_page(&answer.body, item)
    }

    /// Every item of a paginated list, 500 at a time. Stops at the first short page, or once
    /// `totalCount` items are in (it is an estimate, so a full page alone does not stop it).
    pub(super) async fn get_all<T>(
        &self,
        credential: &Credential,
        route: &'static str,
        path: &str,
        mut item: impl FnMut(&serde_json::Value) -> Result<Option<T>, AtlasError>,
    ) -> Result<Vec<T>, AtlasError> {
        let mut all = Vec::new();
        for page_num in 1..=MAX_PAGES {
            let page = self
                .get_page(
                    credential,
                    route,
                    path.to_string(),
                    page_num,
                    MAX_ITEMS_PER_PAGE,
                    &mut item,
                )
                .await?;
            let n = page.results.len();
            all.extend(page.results);
            let complete = page.total_count.is_some_and(|t| all.len() as u64 >= t);
            if n < MAX_ITEMS_PER_PAGE as usize || complete {
                break;
            }
        }
        Ok(all)
    }

    pub(super) fn integration_call(
        method: Method,
        group_id: &str,
        kind: IntegrationKind,
        body: Option<Vec<u8>>,
    ) -> Result<Call, AtlasError> {
        Ok(Call {
            method,
            route: "/api/atlas/v2/groups/{groupId}/integrations/{integrationType}",
            path_and_query: format!("{}/integrations/{}", groups_path(group_id)?, kind.as_wire()),
            body,
        })
    }

    /// POST or PUT an integration: only the kind's fields, never `id`; Atlas answers with the
    /// project's integrations.
    pub(super) async fn write_integration(
        &self,
        method: Method,
        credential: &Credential,
        group_id: &str,
        integration: &Integration,
    ) -> Result<Vec<Integration>, AtlasError> {
        let body = serde_json::to_vec(&integration.to_request_json())
            .map_err(|e| AtlasError::UnexpectedResponse(format!("request body: {e}")))?;
        let call = Self::integration_call(method, group_id, integration.kind, Some(body))?;
        let answer = self.call(credential, &call).await?;
        Ok(wire::parse_page(&answer.body, wire::parse_integration_item)?.results)
    }
}

#[async_trait]
impl AtlasApi for AtlasClient {
    async fn list_projects_page(
        &self,
        credential: &Credential,
        page_num: u32,
        items_per_page: u32,
    ) -> Result<Page<Project>, AtlasError> {
        let route = "/api/atlas/v2/groups";
        self.get_page(
            credential,
            route,
            route.into(),
            page_num,
            items_per_page,
            wire::parse_project,
        )
        .await
    }

    async fn list_all_projects(&self, credential: &Credential) -> Result<Vec<Project>, AtlasError> {
        let route = "/api/atlas/v2/groups";
        self.get_all(credential, route, route, wire::parse_project)
            .await
    }

    /// `GET /groups/{groupId}`: one request, where the trait's default pages through every
    /// project. Atlas answers 401 for a project outside the credential's organisation.
    async fn get_project(
        &self,
        credential: &Credential,
        group_id: &str,
    ) -> Result<Project, AtlasError> {
        let call = Call {
            method: Method::GET,
            route: "/api/atlas/v2/groups/{groupId}",
            path_and_query: groups_path(group_id)?,
            body: None,
        };
        let answer = self.call(credential, &call).await?;
        wire::parse_one_project(&answer.body)
    }

    async fn list_integrations(
        &self,
        credential: &Credential,
        group_id: &str,
    ) -> Result<Vec<Integration>, AtlasError> {
        let path = format!("{}/integrations", groups_path(group_id)?);
        let route = "/api/atlas/v2/groups/{groupId}/integrations";
        self.get_all(credential, route, &path, wire::parse_integration_item)
            .await
    }

    async fn get_integration(
        &self,
        credential: &Credential,
        group_id: &str,
        kind: IntegrationKind,
    ) -> Result<Integration, AtlasError> {
        let call = Self::integration_call(Method::GET, group_id, kind, None)?;
        let answer = self.call(credential, &call).await?;
        wire::parse_integration(&answer.body)
    }

    async fn create_integration(
        &self,
        credential: &Credential,
        group_id: &str,
        integration: &Integration,
    ) -> Result<Vec<Integration>, AtlasError> {
        self.write_integration(Method::POST, credential, group_id, integration)
            .await
    }

    async fn update_integration(
        &self,
        credential: &Credential,
        group_id: &str,
        integration: &Integration,
    ) -> Result<Vec<Integration>, AtlasError> {
        self.write_integration(Method::PUT, credential, group_id, integration)
            .await
    }

    async fn delete_integration(
        &self,
        credential: &Credential,
        group_id: &str,
        kind: IntegrationKind,
    ) -> Result<(), AtlasError> {
        let call = Self::integration_call(Method::DELETE, group_id, kind, None)?;
        let answer = self.call(credential, &call).await?;
        // Atlas answers 204 with no body. A 2xx carrying something that is not JSON (a
        // proxy's error page, a cut-off answer) does not confirm the delete.
        if !answer.body.is_empty()
            && serde_json::from_slice::<serde_json::Value>(&answer.body).is_err()
        {
            return Err(AtlasError::UnexpectedResponse(
                "the answer to a delete is not JSON".into(),
            ));
        }
        Ok(())
    }

    async fn held_token(&self, credential: &Credential) -> Option<HeldToken> {
        let key = token_key(credential)?;
        self.inner.tokens.held(key).await
    }

    async fn adopt_token(&self, credential: &Credential, token: HeldToken) {
        if let Some(key) = token_key(credential) {
            self.inner.tokens.adopt(key, token).await;
        }
    }

    async fn list_events(
        &self,
        credential: &Credential,
        group_id: &str,
        query: &EventQuery,
        page_num: u32,
        items_per_page: u32,
    ) -> Result<Page<Event>, AtlasError> {
        let call = Call {
            method: Method::GET,
            route: "/api/atlas/v2/groups/{groupId}/events",
            path_and_query: format!(
                "{}/events?{}",
                groups_path(group_id)?,
                events_query(query, page_num, items_per_page)?
            ),
            body: None,
        };
        let answer = self.call(credential, &call).await?;
        wire::parse_page(&answer.body, wire::parse_event)
    }

    async fn list_alert_configs(
        &self,
        credential: &Credential,
        group_id: &str,
    ) -> Result<Vec<AlertConfig>, AtlasError> {
        let path = format!("{}/alertConfigs", groups_path(group_id)?);
        let route = "/api/atlas/v2/groups/{groupId}/alertConfigs";
        self.get_all(credential, route, &path, wire::parse_alert_config_item)
            .await
    }

    async fn update_alert_config(
        &self,
        credential: &Credential,
        group_id: &str,
        alert_config: &AlertConfig,
    ) -> Result<AlertConfig, AtlasError> {
        let group = groups_path(group_id)?;
        // The same pattern as a project id; checked so nothing odd reaches the signed path.
        if !is_group_id(&alert_config.id) {
            return Err(AtlasError::Invalid(ApiErrorInfo {
                status: 400,
                error_code: "INVALID_ALERT_CONFIG_ID".into(),
                detail: "An alert configuration id is 24 hexadecimal characters.".into(),
                parameters: vec![alert_config.id.chars().take(64).collect()],
                fields: Vec::new(),
            }));
        }
        let body = serde_json::to_vec(&alert_config.to_request_json())
            .map_err(|e| AtlasError::UnexpectedResponse(format!("request body: {e}")))?;
        let call = Call {
            method: Method::PUT,
            route: "/api/atlas/v2/groups/{groupId}/alertConfigs/{alertConfigId}",
            path_and_query: format!("{group}/alertConfigs/{}", alert_config.id),
            body: Some(body),
        };
        let answer = self.call(credential, &call).await?;
        wire::parse_alert_config(&answer.body)
    }

    async fn forget(&self, credential: &Credential) -> Result<(), AtlasError> {
        match credential {
            Credential::ApiKey { public_key, .. } => {
                self.inner.digest.forget(public_key);
                Ok(())
            }
            Credential::ServiceAccount {
                client_id,
                client_secret,
                token_scope,
            } => {
                let key = TokenKey::new(client_id, client_secret, token_scope);
                let Some(token) = self.inner.tokens.take(key).await else {
                    return Ok(());
                };
                let form = form_urlencoded::Serializer::new(String::new())
                    .append_pair("token", token.expose())
                    .append_pair("token_type_hint", "access_token")
                    .finish();
                let answer = self
                    .send_form(REVOKE_PATH, client_id, client_secret, form, 1)
                    .await?;
                if answer.status.is_success() {
                    Ok(())
                } else {
                    Err(wire::error_from_response(
                        answer.status.as_u16(),
                        &answer.headers,
                        &answer.body,
                    ))
                }
            }
        }
    }
}
