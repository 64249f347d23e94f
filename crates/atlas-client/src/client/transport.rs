//! One request on the wire: what is sent (`Call`), what came back (`Answer`), why a call
//! failed (`Failed`), and sending it with the size limit and the telemetry.

use super::*;

/// One API call, before authentication.
pub(super) struct Call {
    pub(super) method: Method,
    /// The templated route, for logs (`/api/atlas/v2/groups/{groupId}/integrations`).
    pub(super) route: &'static str,
    /// Path and query, as signed by Digest.
    pub(super) path_and_query: String,
    /// A JSON body, sent as the versioned media type.
    pub(super) body: Option<Vec<u8>>,
}

/// An HTTP answer, read to the end.
pub(super) struct Answer {
    pub(super) status: StatusCode,
    pub(super) headers: HeaderMap,
    pub(super) body: Bytes,
}

/// An attempt that failed, with what the retry policy needs to know about it.
pub(super) struct Failed {
    pub(super) error: AtlasError,
    pub(super) failure: Failure,
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
    pub(super) fn from_answer(answer: &Answer) -> Self {
        let status = answer.status.as_u16();
        Failed {
            error: wire::error_from_response(status, &answer.headers, &answer.body),
            failure: Failure::Status {
                status,
                retry_after: wire::retry_after(&answer.headers),
            },
        }
    }

    pub(super) fn transport(e: &reqwest::Error) -> Self {
        Failed {
            error: AtlasError::Transport(describe(e)),
            failure: Failure::Transport {
                timed_out: e.is_timeout(),
            },
        }
    }

    pub(super) fn other(error: AtlasError) -> Self {
        Failed {
            error,
            failure: Failure::Unreadable,
        }
    }

    /// A failure to obtain a token: as transient as the same failure of the call itself.
    pub(super) fn token(error: AtlasError) -> Self {
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
pub(super) fn describe(e: &reqwest::Error) -> String {
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

impl AtlasClient {
    /// A form POST to the OAuth endpoints (never retried here: `call` retries the API call
    /// that needed the token, if that call may be retried).
    pub(super) async fn send_form(
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
            .post(self.url(path))
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(AUTHORIZATION, auth)
            .body(form);
        self.exchange(request, &Method::POST, path, attempt)
            .await
            .map_err(|f| f.error)
    }

    /// The base URL with `path_and_query` after its own path: the same URL as the two strings
    /// joined, without parsing the scheme and host again.
    pub(super) fn url(&self, path_and_query: &str) -> reqwest::Url {
        let (path, query) = match path_and_query.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (path_and_query, None),
        };
        let mut url = self.inner.base.clone();
        // The base has no trailing slash (`new` trims it) unless its path is just "/".
        let base_path = url.path().trim_end_matches('/');
        let full = format!("{base_path}{path}");
        url.set_path(&full);
        url.set_query(query);
        url
    }

    /// One HTTP exchange of an API call.
    pub(super) async fn send(
        &self,
        call: &Call,
        authorization: Option<&str>,
        attempt: u32,
    ) -> Result<Answer, Failed> {
        let url = self.url(&call.path_and_query);
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

    pub(super) async fn exchange(
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
}
