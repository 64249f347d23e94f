//! [`AtlasClient`]: the Admin API v2 over one shared `reqwest::Client`, authenticated per
//! call with the session's credential (Digest for API keys, OAuth bearer tokens for service
//! accounts), with typed errors, retries of idempotent calls, and paging.
//!
//! Logs carry the method, the templated route, the status, the latency and the attempt;
//! never a credential, a token, a header value or a body.

use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;
use base64::Engine;
use bytes::Bytes;
use rand::Rng;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, StatusCode};

use super::config::ClientConfig;
use super::digest::{self, DigestSessions};
use super::oauth::{TokenCache, TokenKey};
use super::pause::SharedPause;
use super::retry::{Failure, RetryPolicy};
use super::telemetry::{self, Outcome};
use super::wire::{self, ATLAS_MEDIA_TYPE};
use super::{
    ApiErrorInfo, AtlasApi, AtlasError, Credential, Event, EventQuery, HeldToken, Page, Project,
    SecretValue,
};
use atlas_registry::{is_group_id, Integration, IntegrationKind};

/// Atlas's maximum page size, used when reading everything.
const MAX_ITEMS_PER_PAGE: u32 = 500;
/// A bound on paging, should a server keep answering full pages forever.
const MAX_PAGES: u32 = 10_000;

use super::error::TIMED_OUT;

const TOKEN_PATH: &str = "/api/oauth/token";
const REVOKE_PATH: &str = "/api/oauth/revoke";

/// The Atlas Admin API client. Cheap to clone; clones share the connection pool, the Digest
/// nonces and the token cache.
#[derive(Clone)]
pub struct AtlasClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    retry: RetryPolicy,
    call_deadline: std::time::Duration,
    digest: DigestSessions,
    tokens: TokenCache,
    /// A 429 seen by one call pauses the credential's other calls too ([`SharedPause`]).
    pause: SharedPause,
}

impl std::fmt::Debug for AtlasClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AtlasClient")
            .field("base_url", &self.inner.base_url)
            .finish_non_exhaustive()
    }
}

/// One API call, before authentication.
struct Call {
    method: Method,
    /// The templated route, for logs (`/api/atlas/v2/groups/{groupId}/integrations`).
    route: &'static str,
    /// Path and query, as signed by Digest.
    path_and_query: String,
    /// A JSON body, sent as the versioned media type.
    body: Option<Vec<u8>>,
}

/// An HTTP answer, read to the end.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

/// An attempt that failed, with what the retry policy needs to know about it.
struct Failed {
    error: AtlasError,
    failure: Failure,
}

/// The largest answer read from Atlas. A page of 500 projects is about 200 KB; anything far
/// past that is not an answer this client asked for, and is not held in memory.
pub const MAX_ANSWER_BYTES: usize = 4 * 1024 * 1024;

/// Reads the body chunk by chunk, refusing it (never retried) once it passes `limit`.
async fn read_limited(mut response: reqwest::Response, limit: usize) -> Result<Bytes, Failed> {
    let too_large = || {
        Failed::other(AtlasError::UnexpectedResponse(format!(
            "answer over {limit} bytes"
        )))
    };
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| Failed::transport(&e))? {
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(body))
}

impl Failed {
    fn from_answer(answer: &Answer) -> Self {
        let status = answer.status.as_u16();
        Failed {
            error: wire::error_from_response(status, &answer.headers, &answer.body),
            failure: Failure::Status {
                status,
                retry_after: wire::retry_after(&answer.headers),
            },
        }
    }

    fn transport(e: &reqwest::Error) -> Self {
        Failed {
            error: AtlasError::Transport(describe(e)),
            failure: Failure::Transport {
                timed_out: e.is_timeout(),
            },
        }
    }

    fn other(error: AtlasError) -> Self {
        Failed {
            error,
            failure: Failure::Unreadable,
        }
    }

    /// A failure to obtain a token: as transient as the same failure of the call itself.
    fn token(error: AtlasError) -> Self {
        let failure = match &error {
            AtlasError::RateLimited { retry_after, .. } => Failure::Status {
                status: 429,
                retry_after: *retry_after,
            },
            AtlasError::Server(info) => Failure::Status {
                status: info.status,
                retry_after: None,
            },
            AtlasError::Transport(text) => Failure::Transport {
                timed_out: text.starts_with(TIMED_OUT),
            },
            _ => Failure::Unreadable,
        };
        Failed { error, failure }
    }
}

/// A transport error's chain of causes, without the URL.
fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        TIMED_OUT
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "answer cut short"
    } else {
        "request failed"
    };
    let mut text = kind.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// A service account's key in the token cache; API keys have no token.
fn token_key(credential: &Credential) -> Option<TokenKey> {
    match credential {
        Credential::ApiKey { .. } => None,
        Credential::ServiceAccount {
            client_id,
            client_secret,
            token_scope,
        } => Some(TokenKey::new(client_id, client_secret, token_scope)),
    }
}

fn invalid_group_id(group_id: &str) -> AtlasError {
    // Checked here too, so a caller's mistake can never make a path like `groups/../..`.
    AtlasError::Invalid(ApiErrorInfo {
        status: 400,
        error_code: "INVALID_GROUP_ID".into(),
        detail: "A project id is 24 hexadecimal characters.".into(),
        parameters: vec![group_id.chars().take(64).collect()],
        fields: Vec::new(),
    })
}

/// listGroupEvents' query: the page, `includeRaw=true` (the integration type is only in
/// `raw`, [unverified]), then the filter. An event type that is not an upper-case name is
/// refused here, so nothing odd reaches the signed path.
fn events_query(
    query: &EventQuery,
    page_num: u32,
    items_per_page: u32,
) -> Result<String, AtlasError> {
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("pageNum", &page_num.to_string())
        .append_pair("itemsPerPage", &items_per_page.to_string())
        .append_pair("includeCount", "true")
        .append_pair("includeRaw", "true");
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

fn groups_path(group_id: &str) -> Result<String, AtlasError> {
    if is_group_id(group_id) {
        Ok(format!("/api/atlas/v2/groups/{group_id}"))
    } else {
        Err(invalid_group_id(group_id))
    }
}

/// How long a 429 pauses the credential's other calls: this call's own wait before its
/// retry, or, when it is not retried, what `Retry-After` asked (at most the policy's cap).
/// Other failures pause nothing: a 503 or a dropped connection says nothing about the bucket.
fn shared_wait(
    policy: &RetryPolicy,
    failure: Failure,
    own_delay: Option<std::time::Duration>,
) -> Option<std::time::Duration> {
    match failure {
        Failure::Status {
            status: 429,
            retry_after,
        } => own_delay.or(retry_after.map(|after| after.min(policy.retry_after_cap))),
        _ => None,
    }
}

impl AtlasClient {
    /// Builds the client and its one connection pool. Fails on a base URL that is not an
    /// absolute http(s) URL, carries `user:password@`, or is plain http to anything but
    /// loopback (the credential would cross the network readable) unless
    /// [`ClientConfig::allow_plain_http`] says so.
    pub fn new(config: ClientConfig) -> anyhow::Result<Self> {
        let base_url = config.base_url.trim_end_matches('/').to_string();
        let parsed = reqwest::Url::parse(&base_url)
            .map_err(|e| anyhow::anyhow!("Atlas base URL {base_url:?}: {e}"))?;
        anyhow::ensure!(
            matches!(parsed.scheme(), "http" | "https") && parsed.host().is_some(),
            "Atlas base URL {base_url:?} must be an http(s) URL with a host"
        );
        anyhow::ensure!(
            parsed.query().is_none() && parsed.fragment().is_none(),
            "Atlas base URL {base_url:?} must not carry a query or fragment"
        );
        anyhow::ensure!(
            parsed.username().is_empty() && parsed.password().is_none(),
            "Atlas base URL must not carry a user name or password"
        );
        let host = parsed.host_str().unwrap_or_default();
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let loopback = host.eq_ignore_ascii_case("localhost")
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        anyhow::ensure!(
            parsed.scheme() == "https" || loopback || config.allow_plain_http,
            "Atlas base URL {base_url:?} is plain http to another machine: the credential \
             would cross the network readable. Use https, or allow it explicitly"
        );
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .user_agent(concat!(
                env!("CARGO_PKG_NAME"),
                "/",
                env!("CARGO_PKG_VERSION")
            ))
            // Atlas does not redirect API calls; following one would re-send credentials.
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(AtlasClient {
            inner: Arc::new(Inner {
                http,
                base_url,
                retry: config.retry,
                call_deadline: config.call_deadline,
                digest: DigestSessions::default(),
                tokens: TokenCache::new(config.token_renew_margin),
                pause: SharedPause::default(),
            }),
        })
    }

    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Runs a call to success or a final error, retrying what the policy allows, all within
    /// the call deadline.
    async fn call(&self, credential: &Credential, call: &Call) -> Result<Answer, AtlasError> {
        let deadline = tokio::time::Instant::now() + self.inner.call_deadline;
        match tokio::time::timeout_at(deadline, self.attempts(credential, call, deadline)).await {
            Ok(result) => result,
            Err(_) => {
                tracing::warn!(
                    method = %call.method,
                    route = call.route,
                    deadline_ms = self.inner.call_deadline.as_millis() as u64,
                    "Atlas call ended at its deadline"
                );
                // An exchange cut off in flight: for a write, Atlas may have applied it.
                Err(AtlasError::Transport(format!(
                    "{TIMED_OUT}: no answer within the {} s deadline of this call",
                    self.inner.call_deadline.as_secs_f32()
                )))
            }
        }
    }

    async fn attempts(
        &self,
        credential: &Credential,
        call: &Call,
        deadline: tokio::time::Instant,
    ) -> Result<Answer, AtlasError> {
        let mut retry = 0;
        let key = credential.public_id();
        loop {
            // Another call of this credential was told to wait: so is this one. A pause past
            // the deadline ends the call there (the caller's `timeout_at`).
            if let Some(until) = self.inner.pause.until(key) {
                tokio::time::sleep_until(until).await;
            }
            let failed = match self.authenticated(credential, call, retry + 1).await {
                Ok(answer) if answer.status.is_success() => return Ok(answer),
                Ok(answer) => Failed::from_answer(&answer),
                Err(failed) => failed,
            };
            let unit = rand::thread_rng().gen::<f64>();
            let delay = self
                .inner
                .retry
                .delay_for(&call.method, failed.failure, retry, unit)
                // A wait that would end past the deadline only delays the same answer.
                .filter(|delay| tokio::time::Instant::now() + *delay < deadline);
            if let Some(wait) = shared_wait(&self.inner.retry, failed.failure, delay) {
                self.inner
                    .pause
                    .extend(key, tokio::time::Instant::now() + wait);
            }
            match delay {
                Some(delay) => {
                    let rate_limited =
                        matches!(failed.failure, Failure::Status { status: 429, .. });
                    telemetry::retry(&call.method, call.route, rate_limited, delay);
                    tracing::info!(
                        method = %call.method,
                        route = call.route,
                        failure = ?failed.failure,
                        delay_ms = delay.as_millis() as u64,
                        retry = retry + 1,
                        "retrying Atlas call"
                    );
                    tokio::time::sleep(delay).await;
                    retry += 1;
                }
                None => return Err(failed.error),
            }
        }
    }

    /// One attempt, with whatever authentication round trips the credential needs.
    async fn authenticated(
        &self,
        credential: &Credential,
        call: &Call,
        attempt: u32,
    ) -> Result<Answer, Failed> {
        match credential {
            Credential::ApiKey {
                public_key,
                private_key,
            } => {
                self.with_digest(public_key, private_key, call, attempt)
                    .await
            }
            Credential::ServiceAccount {
                client_id,
                client_secret,
                token_scope,
            } => {
                let key = TokenKey::new(client_id, client_secret, token_scope);
                self.with_bearer(key, client_id, client_secret, call, attempt)
                    .await
            }
        }
    }

    /// Digest: the cached nonce first; a 401 challenge is answered once (twice if the fresh
    /// nonce is itself reported stale). A 401 to a signature on a fresh nonce is final.
    async fn with_digest(
        &self,
        public_key: &str,
        private_key: &SecretValue,
        call: &Call,
        attempt: u32,
    ) -> Result<Answer, Failed> {
        let method = call.method.as_str();
        let uri = call.path_and_query.as_str();
        let digest = &self.inner.digest;
        let mut authorization = digest
            .sign_cached(public_key, private_key.expose(), method, uri)
            .transpose()
            .map_err(Failed::other)?;
        // The challenge this call received and signed with, shared only once it has worked.
        let mut own_challenge = None;
        let mut challenges = 0;
        loop {
            let answer = self.send(call, authorization.as_deref(), attempt).await?;
            let challenge = (answer.status == StatusCode::UNAUTHORIZED)
                .then(|| digest::challenge_in(&answer.headers))
                .flatten();
            let Some(mut challenge) = challenge else {
                if let Some(c) = own_challenge {
                    digest.publish(public_key, c);
                }
                return Ok(answer);
            };
            challenges += 1;
            // Signed with a nonce received for this very call and refused: the key is wrong,
            // unless the server says the nonce went stale in between. At most 3 requests.
            if (own_challenge.is_some() && !challenge.stale) || challenges == 3 {
                return Ok(answer);
            }
            let header = digest::sign(
                &mut challenge,
                public_key,
                private_key.expose(),
                method,
                uri,
            )
            .map_err(Failed::other)?;
            authorization = Some(header);
            own_challenge = Some(challenge);
        }
    }

    /// OAuth: the cached token. A 401 drops that token and the call is tried once more with a
    /// new one before the 401 counts: Atlas revokes or expires tokens on its own, and a token
    /// fetched a moment ago can have been revoked in between, so being fresh proves nothing.
    async fn with_bearer(
        &self,
        key: TokenKey,
        client_id: &str,
        client_secret: &SecretValue,
        call: &Call,
        attempt: u32,
    ) -> Result<Answer, Failed> {
        let tokens = &self.inner.tokens;
        let fetch = || self.fetch_token(client_id, client_secret, attempt);
        let token = tokens.token(key, fetch).await.map_err(Failed::token)?;
        let answer = self.send(call, Some(&bearer(&token)), attempt).await?;
        if answer.status != StatusCode::UNAUTHORIZED {
            return Ok(answer);
        }
        tokens.invalidate(key, &token).await;
        let fetch = || self.fetch_token(client_id, client_secret, attempt);
        let token = tokens.token(key, fetch).await.map_err(Failed::token)?;
        self.send(call, Some(&bearer(&token)), attempt).await
    }

    /// `POST /api/oauth/token` with HTTP Basic client authentication.
    async fn fetch_token(
        &self,
        client_id: &str,
        client_secret: &SecretValue,
        attempt: u32,
    ) -> Result<wire::TokenAnswer, AtlasError> {
        let answer = self
            .send_form(
                TOKEN_PATH,
                client_id,
                client_secret,
                "grant_type=client_credentials".into(),
                attempt,
            )
            .await?;
        if !answer.status.is_success() {
            return Err(wire::error_from_response(
                answer.status.as_u16(),
                &answer.headers,
                &answer.body,
            ));
        }
        wire::parse_token(&answer.body)
    }

    /// A form POST to the OAuth endpoints (never retried here: `call` retries the API call
    /// that needed the token, if that call may be retried).
    async fn send_form(
        &self,
        path: &'static str,
        client_id: &str,
        client_secret: &SecretValue,
        form: String,
        attempt: u32,
    ) -> Result<Answer, AtlasError> {
        // RFC 6749 §2.3.1: each half form-encoded before Basic, as Go's oauth2 does.
        let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let pair = format!("{}:{}", enc(client_id), enc(client_secret.expose()));
        let basic = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(pair)
        );
        let mut auth = HeaderValue::from_str(&basic)
            .map_err(|_| AtlasError::Transport("client id not sendable in a header".into()))?;
        auth.set_sensitive(true);
        let request = self
            .inner
            .http
            .post(format!("{}{path}", self.inner.base_url))
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(AUTHORIZATION, auth)
            .body(form);
        self.exchange(request, &Method::POST, path, attempt)
            .await
            .map_err(|f| f.error)
    }

    /// One HTTP exchange of an API call.
    async fn send(
        &self,
        call: &Call,
        authorization: Option<&str>,
        attempt: u32,
    ) -> Result<Answer, Failed> {
        let url = format!("{}{}", self.inner.base_url, call.path_and_query);
        let mut request = self
            .inner
            .http
            .request(call.method.clone(), url)
            .header(ACCEPT, ATLAS_MEDIA_TYPE);
        if let Some(body) = &call.body {
            request = request
                .header(CONTENT_TYPE, ATLAS_MEDIA_TYPE)
                .body(body.clone());
        }
        if let Some(value) = authorization {
            let mut value = HeaderValue::from_str(value).map_err(|_| {
                Failed::other(AtlasError::Transport(
                    "credential not sendable in a header".into(),
                ))
            })?;
            value.set_sensitive(true);
            request = request.header(AUTHORIZATION, value);
        }
        self.exchange(request, &call.method, call.route, attempt)
            .await
    }

    async fn exchange(
        &self,
        request: reqwest::RequestBuilder,
        method: &Method,
        route: &'static str,
        attempt: u32,
    ) -> Result<Answer, Failed> {
        let started = Instant::now();
        let latency_ms = || started.elapsed().as_millis() as u64;
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => {
                let failed = Failed::transport(&e);
                telemetry::exchange(method, route, Outcome::Transport, started.elapsed());
                tracing::info!(%method, route, attempt, latency_ms = latency_ms(), error = %failed.error, "Atlas call failed");
                return Err(failed);
            }
        };
        let status = response.status();
        let headers = response.headers().clone();
        let body = match read_limited(response, MAX_ANSWER_BYTES).await {
            Ok(b) => b,
            Err(failed) => {
                telemetry::exchange(method, route, Outcome::Unreadable, started.elapsed());
                tracing::info!(%method, route, attempt, status = status.as_u16(), latency_ms = latency_ms(), error = %failed.error, "Atlas answer cut short or too large");
                return Err(failed);
            }
        };
        telemetry::exchange(method, route, Outcome::Status(status), started.elapsed());
        tracing::debug!(%method, route, attempt, status = status.as_u16(), latency_ms = latency_ms(), "Atlas call");
        Ok(Answer {
            status,
            headers,
            body,
        })
    }

    async fn get_page<T>(
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
    async fn get_all<T>(
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

    fn integration_call(
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
    async fn write_integration(
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

fn bearer(token: &SecretValue) -> String {
    format!("Bearer {}", token.expose())
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

    #[test]
    fn base_url_is_checked() {
        assert!(AtlasClient::new(ClientConfig::new("https://cloud.mongodb.com/")).is_ok());
        assert_eq!(
            AtlasClient::new(ClientConfig::new("http://127.0.0.1:8080/"))
                .unwrap()
                .base_url(),
            "http://127.0.0.1:8080"
        );
        assert!(AtlasClient::new(ClientConfig::new("cloud.mongodb.com")).is_err());
        assert!(AtlasClient::new(ClientConfig::new("ftp://cloud.mongodb.com")).is_err());
        assert!(AtlasClient::new(ClientConfig::new("https://x.test/?a=b")).is_err());
        assert!(AtlasClient::new(ClientConfig::new("https://u:p@x.test")).is_err());
    }

    #[test]
    fn plain_http_only_to_loopback_unless_allowed() {
        for ok in ["http://127.0.0.1:1", "http://[::1]:1", "http://localhost:1"] {
            assert!(AtlasClient::new(ClientConfig::new(ok)).is_ok(), "{ok}");
        }
        let remote = ClientConfig::new("http://atlas.internal.example");
        let err = AtlasClient::new(remote.clone()).expect_err("refused");
        assert!(err.to_string().contains("plain http"), "{err}");
        assert!(AtlasClient::new(remote.allowing_plain_http()).is_ok());
    }

    #[test]
    fn debug_shows_only_the_base_url() {
        let c = AtlasClient::new(ClientConfig::new("https://cloud.mongodb.com")).unwrap();
        assert_eq!(
            format!("{c:?}"),
            "AtlasClient { base_url: \"https://cloud.mongodb.com\", .. }"
        );
    }

    #[tokio::test]
    async fn a_bad_group_id_never_reaches_the_network() {
        // Port 9 on loopback: nothing listens; a request would be a Transport error.
        let c = AtlasClient::new(ClientConfig::new("http://127.0.0.1:9")).unwrap();
        let cred = Credential::ApiKey {
            public_key: "k".into(),
            private_key: SecretValue::new("s"),
        };
        for bad in ["../../../admin/x", "6A79404F2C88FAEBA59BEEA6", ""] {
            let e = c.list_integrations(&cred, bad).await.unwrap_err();
            assert!(
                matches!(&e, AtlasError::Invalid(i) if i.error_code == "INVALID_GROUP_ID"),
                "{e:?}"
            );
            let e = c
                .delete_integration(&cred, bad, IntegrationKind::Webhook)
                .await
                .unwrap_err();
            assert!(matches!(e, AtlasError::Invalid(_)));
        }
    }

    #[tokio::test]
    async fn unreachable_atlas_is_a_transport_error() {
        let config = ClientConfig::new("http://127.0.0.1:9").with_retry(RetryPolicy::none());
        let c = AtlasClient::new(config).unwrap();
        let cred = Credential::ApiKey {
            public_key: "k".into(),
            private_key: SecretValue::new("s"),
        };
        let e = c.list_projects_page(&cred, 1, 10).await.unwrap_err();
        assert!(
            matches!(&e, AtlasError::Transport(t) if t.starts_with("could not connect")),
            "{e:?}"
        );
    }
    /// A server that answers every request with a body of `size` bytes, chunked (no length
    /// declared) or with a `Content-Length`.
    async fn serving_a_body_of(size: usize, chunked: bool) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut request = [0u8; 4096];
                    let _ = socket.read(&mut request).await;
                    let head = if chunked {
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n".to_string()
                    } else {
                        format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {size}\r\n\r\n")
                    };
                    let _ = socket.write_all(head.as_bytes()).await;
                    let chunk = vec![b' '; 64 * 1024];
                    let mut sent = 0;
                    while sent < size {
                        let n = chunk.len().min(size - sent);
                        let written = if chunked {
                            let mut framed = format!("{n:x}\r\n").into_bytes();
                            framed.extend_from_slice(&chunk[..n]);
                            framed.extend_from_slice(b"\r\n");
                            socket.write_all(&framed).await
                        } else {
                            socket.write_all(&chunk[..n]).await
                        };
                        if written.is_err() {
                            return; // the client stopped reading: what we want
                        }
                        sent += n;
                    }
                    let _ = socket
                        .write_all(if chunked { b"0\r\n\r\n" } else { b"" })
                        .await;
                });
            }
        });
        format!("http://{addr}")
    }

    #[tokio::test]
    async fn an_answer_past_the_size_limit_is_refused_not_held() {
        let cred = Credential::ApiKey {
            public_key: "k".into(),
            private_key: SecretValue::new("s"),
        };
        for chunked in [true, false] {
            let base = serving_a_body_of(MAX_ANSWER_BYTES + 1, chunked).await;
            let client = AtlasClient::new(ClientConfig::new(base)).unwrap();
            let e = client.list_projects_page(&cred, 1, 10).await.unwrap_err();
            assert!(
                matches!(&e, AtlasError::UnexpectedResponse(m) if m.contains("over")),
                "chunked {chunked}: {e:?}"
            );
        }
    }
}
