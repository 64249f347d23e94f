//! [`AtlasClient`]: the Admin API v2 over one shared `reqwest::Client`, authenticated per
//! call with the session's credential (Digest for API keys, OAuth bearer tokens for service
//! accounts), with typed errors, retries (`retry.rs` says which), and paging.
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

use crate::config::ClientConfig;
use crate::digest::{self, DigestSessions};
use crate::oauth::{TokenCache, TokenKey};
use crate::pause::SharedPause;
use crate::retry::{Failure, RetryPolicy};
use crate::telemetry::{self, Outcome};
use crate::wire::{self, ATLAS_MEDIA_TYPE};
use crate::{
    ApiErrorInfo, AtlasApi, AtlasError, Credential, Event, EventQuery, HeldToken, Page, Project,
    SecretValue,
};
use atlas_registry::{is_group_id, Integration, IntegrationKind};

/// Atlas's maximum page size, used when reading everything.
const MAX_ITEMS_PER_PAGE: u32 = 500;
/// A bound on paging, should a server keep answering full pages forever.
const MAX_PAGES: u32 = 10_000;
/// The most pages of one list asked for at once, once its count is known (`read_all`).
/// Atlas's rate limits count requests, not requests at once; this keeps a large fleet's list
/// from holding many connections at once. 10,000 projects, 20 pages: the first, then 19 in
/// five round trips, then the empty 21st that ends the list.
const PAGES_AT_ONCE: u8 = 4;

use crate::error::TIMED_OUT;

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
    /// The same, parsed once: each call's URL is this with its path and query set, rather
    /// than the joined string parsed again (reqwest still parses each URL itself, twice;
    /// docs/benchmarks.md, "Instructions per call").
    base: reqwest::Url,
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

mod auth;
mod routes;
mod transport;

use transport::{Answer, Call, Failed};

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
                base: parsed,
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
}

#[cfg(test)]
mod tests {
    use super::transport::MAX_ANSWER_BYTES;
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

    /// A call's URL is the base and the call's path joined, as the string would parse: with
    /// a base path (a proxy's prefix), a query, escapes.
    #[test]
    fn a_calls_url_is_the_base_and_the_path_joined() {
        let bases = [
            "https://cloud.mongodb.com",
            "https://cloud.mongodb.com/",
            "http://127.0.0.1:8080",
            "https://proxy.example/atlas/",
            "https://proxy.example/a%20b",
        ];
        let paths = [
            "/api/atlas/v2/groups",
            "/api/atlas/v2/groups?pageNum=2&itemsPerPage=500",
            "/api/atlas/v2/groups/5f1a/integrations/PAGER_DUTY",
            "/api/oauth/token",
            "/api/x%2Fy?q=a%20b&r=",
        ];
        for base in bases {
            let client = AtlasClient::new(ClientConfig::new(base)).unwrap();
            for path in paths {
                let expected =
                    reqwest::Url::parse(&format!("{}{path}", client.base_url())).unwrap();
                assert_eq!(client.url(path), expected, "{base} + {path}");
            }
        }
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
