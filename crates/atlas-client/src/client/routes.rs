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
        let body = self
            .get_page_body(credential, route, &path, page_num, items_per_page)
            .await?;
        wire::parse_page(&body, item)
    }

    async fn get_page_body(
        &self,
        credential: &Credential,
        route: &'static str,
        path: &str,
        page_num: u32,
        items_per_page: u32,
    ) -> Result<Bytes, AtlasError> {
        let call = Call {
            method: Method::GET,
            route,
            path_and_query: format!("{path}?pageNum={page_num}&itemsPerPage={items_per_page}"),
            body: None,
        };
        Ok(self.call(credential, &call).await?.body)
    }

    /// Every item of a paginated list, 500 at a time: [`read_all`].
    pub(super) async fn get_all<T>(
        &self,
        credential: &Credential,
        route: &'static str,
        path: &str,
        item: impl FnMut(&serde_json::Value) -> Result<Option<T>, AtlasError>,
    ) -> Result<Vec<T>, AtlasError> {
        let page =
            |page_num| self.get_page_body(credential, route, path, page_num, MAX_ITEMS_PER_PAGE);
        read_all(page, MAX_ITEMS_PER_PAGE, item).await
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

/// Every item of a paginated list, `per_page` at a time, each page's body from `page(n)`,
/// to the first short page. `totalCount` does not end the list: the spec calls it "an
/// estimate" that "may not be exact", and a low one would leave projects out of the fleet
/// silently. It costs one empty page when the list is a whole number of pages.
///
/// The count decides how many pages to ask for at once: once a page has said how many items
/// there are, the pages that count still needs are asked for [`PAGES_AT_ONCE`] at a time
/// rather than one after another (at 1,005 projects the list takes two round trips instead of
/// three), then one at a time. The items come out in page order. A count too high costs at
/// most the rest of one batch asked for in vain after a short page; one too low, a page at a
/// time past it.
async fn read_all<T, F, Fut>(
    page: F,
    per_page: u32,
    mut item: impl FnMut(&serde_json::Value) -> Result<Option<T>, AtlasError>,
) -> Result<Vec<T>, AtlasError>
where
    F: Fn(u32) -> Fut,
    Fut: std::future::Future<Output = Result<Bytes, AtlasError>>,
{
    let mut all = Vec::new();
    let mut total = None;
    let mut next = 1;
    while next <= MAX_PAGES {
        let still_counted = total.map_or(1, |t: u64| {
            t.saturating_sub(all.len() as u64).div_ceil(per_page.into())
        });
        let at_once = still_counted.clamp(1, PAGES_AT_ONCE.into()) as u32;
        let last = next.saturating_add(at_once - 1).min(MAX_PAGES);
        let bodies = futures::future::try_join_all((next..=last).map(&page)).await?;
        for body in bodies {
            let page = wire::parse_page(&body, &mut item)?;
            let n = page.results.len();
            all.extend(page.results);
            total = page.total_count.or(total);
            if n < per_page as usize {
                return Ok(all);
            }
        }
        next = last + 1;
    }
    Ok(all)
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// A list of `actual` items whose pages all claim `claimed` as their `totalCount`
    /// (Atlas's estimate), `per_page` a page.
    struct Pages {
        actual: u64,
        claimed: Option<u64>,
        per_page: u64,
        seen: Mutex<Seen>,
    }

    /// The pages asked for, how many are being answered now, and the most at once.
    #[derive(Default)]
    struct Seen {
        asked: Vec<u32>,
        now: usize,
        most: usize,
    }

    impl Pages {
        fn new(actual: u64, claimed: Option<u64>) -> Self {
            let seen = Mutex::default();
            Pages {
                actual,
                claimed,
                per_page: 3,
                seen,
            }
        }

        async fn page(&self, n: u32) -> Result<Bytes, AtlasError> {
            {
                let mut s = self.seen.lock().unwrap();
                s.asked.push(n);
                s.now += 1;
                s.most = s.most.max(s.now);
            }
            // Lets the other pages of a batch start before this one answers.
            tokio::task::yield_now().await;
            self.seen.lock().unwrap().now -= 1;
            let first = (u64::from(n) - 1) * self.per_page;
            let items: Vec<serde_json::Value> = (first..(first + self.per_page).min(self.actual))
                .map(|id| serde_json::json!({ "id": id }))
                .collect();
            let mut body = serde_json::json!({ "results": items });
            if let Some(c) = self.claimed {
                body["totalCount"] = c.into();
            }
            Ok(serde_json::to_vec(&body).unwrap().into())
        }

        async fn read(&self) -> (Vec<u64>, Vec<u32>, usize) {
            let all = read_all(
                |n| self.page(n),
                self.per_page as u32,
                |v| Ok(v["id"].as_u64()),
            )
            .await
            .unwrap();
            let s = self.seen.lock().unwrap();
            let mut asked = s.asked.clone();
            asked.sort();
            (all, asked, s.most)
        }
    }

    #[tokio::test]
    async fn pages_after_the_first_are_asked_for_together_once_the_count_is_known() {
        // 14 items, 3 a page: pages 2-5 (4 at once); page 5 is short.
        let (all, asked, most) = Pages::new(14, Some(14)).read().await;
        assert_eq!(all, (0..14).collect::<Vec<_>>(), "in page order");
        assert_eq!(asked, vec![1, 2, 3, 4, 5]);
        assert_eq!(most, 4, "pages 2 to 5 at once");
        // 29 items: pages 2-5, then 6-9, then 10 (short).
        let (all, asked, most) = Pages::new(29, Some(29)).read().await;
        assert_eq!(all, (0..29).collect::<Vec<_>>());
        assert_eq!(asked, (1..=10).collect::<Vec<_>>());
        assert_eq!(most, usize::from(PAGES_AT_ONCE));
    }

    #[tokio::test]
    async fn a_list_of_whole_pages_ends_at_an_empty_one() {
        // 12 items, 4 full pages: the count is reached, but only a short page ends the list.
        let (all, asked, _) = Pages::new(12, Some(12)).read().await;
        assert_eq!(all, (0..12).collect::<Vec<_>>());
        assert_eq!(asked, vec![1, 2, 3, 4, 5]);
    }

    #[tokio::test]
    async fn without_a_count_pages_are_read_one_after_another_to_the_first_short_one() {
        let (all, asked, most) = Pages::new(7, None).read().await;
        assert_eq!(all, (0..7).collect::<Vec<_>>());
        assert_eq!(asked, vec![1, 2, 3]);
        assert_eq!(most, 1);
    }

    #[tokio::test]
    async fn an_estimate_too_high_stops_at_the_short_page_and_keeps_the_order() {
        // 7 items claimed as 20: pages 2-5 asked together, page 3 is short, 4 and 5 (empty)
        // were asked for in vain and add nothing.
        let (all, asked, _) = Pages::new(7, Some(20)).read().await;
        assert_eq!(all, (0..7).collect::<Vec<_>>());
        assert_eq!(asked, vec![1, 2, 3, 4, 5]);
    }

    #[tokio::test]
    async fn an_estimate_too_low_leaves_nothing_out() {
        // 13 items claimed as 5: page 2 is all the count asks for; past it, a page at a time
        // to the short page 5. Every item is in.
        let (all, asked, most) = Pages::new(13, Some(5)).read().await;
        assert_eq!(all, (0..13).collect::<Vec<_>>());
        assert_eq!(asked, vec![1, 2, 3, 4, 5]);
        assert_eq!(most, 1);
    }
}
