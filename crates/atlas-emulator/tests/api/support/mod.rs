//! Shared by the tests/emulator_*.rs files: start an emulator on a free port, and talk to it
//! over real HTTP with Digest (signed here, so tests control nonce and nc) or OAuth.
#![allow(dead_code)]

use std::net::SocketAddr;

use atlas_emulator::{demo, start_embedded, EmulatorOptions, RunningEmulator};
use md5::{Digest, Md5};
use reqwest::{Method, Response, StatusCode};
use serde_json::Value;

pub const ACCEPT: &str = "application/vnd.atlas.2023-01-01+json";
pub const MEDIA_TYPE: &str = "application/vnd.atlas.2023-01-01+json;charset=utf-8";

pub struct Emu {
    pub running: RunningEmulator,
    pub base: String,
    pub http: reqwest::Client,
}

pub async fn start(options: EmulatorOptions) -> Emu {
    let running = start_embedded(SocketAddr::from(([127, 0, 0, 1], 0)), options)
        .await
        .expect("emulator starts");
    let base = running.base_url();
    // Every request carries the hook token when the hooks are on, as a test harness would.
    let headers = running.hook_headers();
    Emu {
        running,
        base,
        http: reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .expect("http client"),
    }
}

pub async fn start_with_hooks() -> Emu {
    start(EmulatorOptions {
        test_hooks: true,
        ..Default::default()
    })
    .await
}

fn md5_hex(s: &str) -> String {
    Md5::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The `key="value"` parameters of a challenge.
pub fn challenge_params(www_authenticate: &str) -> std::collections::HashMap<String, String> {
    let rest = www_authenticate.trim_start_matches("Digest ").to_string();
    rest.split(", ")
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim_matches('"').to_string()))
        .collect()
}

/// An `Authorization: Digest` value for `method uri` with this nonce and nc.
pub fn digest_header(
    method: &str,
    uri: &str,
    user: &str,
    pass: &str,
    nonce: &str,
    nc: u32,
) -> String {
    let nc = format!("{nc:08x}");
    let cnonce = "0a4f113b";
    let ha1 = md5_hex(&format!("{user}:MMS Public API:{pass}"));
    let ha2 = md5_hex(&format!("{method}:{uri}"));
    let response = md5_hex(&format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"));
    format!(
        "Digest username=\"{user}\", realm=\"MMS Public API\", nonce=\"{nonce}\", uri=\"{uri}\", algorithm=MD5, qop=auth, nc={nc}, cnonce=\"{cnonce}\", response=\"{response}\""
    )
}

impl Emu {
    pub fn url(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.base)
    }

    /// One request, no credentials, the versioned Accept.
    pub async fn anonymous(&self, method: Method, path: &str) -> Response {
        self.http
            .request(method, self.url(path))
            .header("Accept", ACCEPT)
            .send()
            .await
            .expect("request")
    }

    /// A fresh nonce from an unauthenticated request's challenge.
    pub async fn nonce(&self) -> String {
        let resp = self.anonymous(Method::GET, "/api/atlas/v2/groups").await;
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
        let h = resp.headers()["www-authenticate"]
            .to_str()
            .expect("ascii")
            .to_string();
        challenge_params(&h)["nonce"].clone()
    }

    /// The full Digest handshake as the SDK does it: unauthenticated first, then signed.
    pub async fn digest_as(
        &self,
        user: &str,
        pass: &str,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Response {
        let nonce = self.nonce().await;
        self.signed(user, pass, &nonce, 1, method, path, body).await
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn signed(
        &self,
        user: &str,
        pass: &str,
        nonce: &str,
        nc: u32,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Response {
        let auth = digest_header(method.as_str(), path, user, pass, nonce, nc);
        self.send(Some(ACCEPT), &auth, method, path, body).await
    }

    /// One request with this `Authorization` and this `Accept` (none when `None`); a body goes
    /// out labelled with the same type (`ACCEPT` when none), as the SDK and MongoDB's
    /// TypeScript client label theirs.
    pub async fn send(
        &self,
        accept: Option<&str>,
        authorization: &str,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Response {
        let mut req = self
            .http
            .request(method, self.url(path))
            .header("Authorization", authorization);
        if let Some(a) = accept {
            req = req.header("Accept", a);
        }
        if let Some(b) = body {
            req = req
                .header("Content-Type", accept.unwrap_or(ACCEPT))
                .body(b.to_string());
        }
        req.send().await.expect("request")
    }

    /// The Digest handshake with this `Accept` on the signed request.
    pub async fn digest_accept(
        &self,
        accept: Option<&str>,
        (user, pass): (&str, &str),
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Response {
        let nonce = self.nonce().await;
        let auth = digest_header(method.as_str(), path, user, pass, &nonce, 1);
        self.send(accept, &auth, method, path, body).await
    }

    /// As the demo owner key.
    pub async fn owner(&self, method: Method, path: &str, body: Option<&Value>) -> Response {
        self.digest_as(
            demo::API_PUBLIC_KEY,
            demo::API_PRIVATE_KEY,
            method,
            path,
            body,
        )
        .await
    }

    pub async fn token(&self) -> String {
        let resp = self
            .http
            .post(self.url("/api/oauth/token"))
            .basic_auth(
                demo::SERVICE_ACCOUNT_CLIENT_ID,
                Some(demo::SERVICE_ACCOUNT_CLIENT_SECRET),
            )
            .header("Accept", "application/json")
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .expect("token request");
        assert_eq!(resp.status(), StatusCode::OK);
        let v: Value = resp.json().await.expect("json");
        v["access_token"].as_str().expect("token").to_string()
    }

    pub async fn bearer(
        &self,
        token: &str,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Response {
        self.bearer_accept(Some(ACCEPT), token, method, path, body)
            .await
    }

    /// A bearer-token request with this `Accept` (none when `None`).
    pub async fn bearer_accept(
        &self,
        accept: Option<&str>,
        token: &str,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Response {
        self.send(accept, &format!("Bearer {token}"), method, path, body)
            .await
    }

    pub async fn hook_get(&self, path: &str) -> (StatusCode, Value) {
        let resp = self.http.get(self.url(path)).send().await.expect("hook");
        let status = resp.status();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    pub async fn hook_post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let resp = self
            .http
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .expect("hook");
        let status = resp.status();
        (status, resp.json().await.unwrap_or(Value::Null))
    }
}

/// Status, then the JSON body.
pub async fn json_of(resp: Response) -> (StatusCode, Value) {
    let status = resp.status();
    let text = resp.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Asserts an ApiError: status, `application/json`, `X-Error-Code`, and the body's code.
pub async fn assert_api_error(resp: Response, status: u16, code: &str) -> Value {
    assert_eq!(resp.status().as_u16(), status, "status");
    assert_eq!(resp.headers()["content-type"], "application/json");
    assert_eq!(resp.headers()["x-error-code"], code);
    let (_, body) = json_of(resp).await;
    assert_eq!(body["error"], status, "{body}");
    assert_eq!(body["errorCode"], code, "{body}");
    assert!(
        body["reason"].is_string() && body["detail"].is_string(),
        "{body}"
    );
    body
}
