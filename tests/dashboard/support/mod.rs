//! A real dashboard for tests: the embedded emulator on a loopback port, the real Atlas
//! client, and the real router, driven without a socket.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;

use atlas_client::{AtlasClient, ClientConfig};
use atlas_emulator::{EmulatorOptions, RunningEmulator};
use atlas_integrations::config::{EMBEDDED_BACKEND, REAL_ATLAS};
use atlas_integrations::server::{AppState, Settings};
use atlas_integrations::web;
use axum::body::Body;
use axum::http::{header, Request, Response, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use tower::ServiceExt;

pub struct TestApp {
    pub router: Router,
    /// What the router was built from, to serve it on a socket (`web::serve`).
    pub state: AppState,
    pub emulator: Arc<RunningEmulator>,
    /// `name=value` of the session cookie, as a browser would keep it.
    pub cookie: Option<String>,
}

pub fn settings() -> Settings {
    Settings {
        backend_label: EMBEDDED_BACKEND.into(),
        atlas_ui_base: REAL_ATLAS.into(),
        session_max: time::Duration::hours(8),
        session_idle: time::Duration::minutes(30),
        cookie_secure: false,
        login_policy: Default::default(),
        trusted_proxies: Vec::new(),
    }
}

impl TestApp {
    pub async fn start() -> TestApp {
        TestApp::with_settings(settings()).await
    }

    pub async fn with_settings(settings: Settings) -> TestApp {
        TestApp::with_client(settings, |config| config).await
    }

    /// A dashboard whose Atlas client is configured by `client` (timeouts, retries).
    pub async fn with_client(
        settings: Settings,
        client: impl FnOnce(ClientConfig) -> ClientConfig,
    ) -> TestApp {
        TestApp::with_emulator(settings, EmulatorOptions::default(), client).await
    }

    /// A dashboard on an emulator started with `options` (test hooks always on), e.g. a
    /// generated fleet (`projects`).
    pub async fn with_emulator(
        settings: Settings,
        options: EmulatorOptions,
        client: impl FnOnce(ClientConfig) -> ClientConfig,
    ) -> TestApp {
        let listen: SocketAddr = "127.0.0.1:0".parse().expect("addr");
        let options = EmulatorOptions {
            test_hooks: true,
            ..options
        };
        let emulator = atlas_emulator::start_embedded(listen, options)
            .await
            .expect("emulator starts");
        let client =
            AtlasClient::new(client(ClientConfig::new(emulator.base_url()))).expect("client");
        let state = AppState::new(
            web::leptos_options("target/site", listen),
            Arc::new(client),
            settings,
        );
        TestApp {
            router: web::router(state.clone()),
            state,
            emulator: Arc::new(emulator),
            cookie: None,
        }
    }

    /// A dashboard whose sessions live in the Redis at `url` (see [`RedisServer`]).
    pub async fn with_redis(settings: Settings, url: &str) -> TestApp {
        let app = TestApp::with_settings(settings).await;
        let store = web::DashboardStore::redis(url)
            .await
            .expect("the test's Redis answers");
        TestApp {
            router: web::router_with_store(app.state.clone(), store),
            ..app
        }
    }

    /// Two replicas of the dashboard, as behind a load balancer: one emulator, one session
    /// store (in memory, shared, as Redis would be) and the same session keys, but each its own
    /// Atlas client (token cache, Digest nonces). The two share the first one's cookie jar
    /// when the test copies `cookie` across.
    pub async fn replicas() -> (TestApp, TestApp) {
        let first = TestApp::start().await;
        let store = web::memory_store(&first.state);
        let client =
            AtlasClient::new(ClientConfig::new(first.emulator.base_url())).expect("client");
        let mut state = AppState::new(
            first.state.leptos_options.clone(),
            Arc::new(client),
            settings(),
        );
        state.session_keys = first.state.session_keys.clone();
        let second = TestApp {
            router: web::router_with_store(state.clone(), store.clone()),
            state,
            emulator: first.emulator.clone(),
            cookie: None,
        };
        let first = TestApp {
            router: web::router_with_store(first.state.clone(), store),
            ..first
        };
        (first, second)
    }

    /// A sign-in with an API key from `peer` (the socket's address) carrying
    /// `X-Forwarded-For: forwarded`, from a browser of its own: what a client behind a proxy
    /// sends. Returns the status.
    pub async fn sign_in_via(
        &self,
        peer: SocketAddr,
        forwarded: &str,
        public_id: &str,
        secret: &str,
    ) -> StatusCode {
        let mut request = server_fn_request(
            "session/login",
            &[
                ("method", "api_key"),
                ("public_id", public_id),
                ("secret", secret),
            ],
        );
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(peer));
        request
            .headers_mut()
            .insert("x-forwarded-for", forwarded.parse().expect("header value"));
        self.another_browser().send(request).await.0
    }

    /// Another browser on the same dashboard and emulator, with a cookie jar of its own.
    pub fn another_browser(&self) -> TestApp {
        TestApp {
            router: self.router.clone(),
            state: self.state.clone(),
            emulator: self.emulator.clone(),
            cookie: None,
        }
    }

    /// Sends a request as the browser would from our own page, with the session cookie.
    pub async fn send(
        &mut self,
        mut request: Request<Body>,
    ) -> (StatusCode, Vec<(String, String)>, String) {
        if let Some(cookie) = &self.cookie {
            request
                .headers_mut()
                .insert(header::COOKIE, cookie.parse().expect("cookie"));
        }
        let response: Response<Body> = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("router answers");
        let status = response.status();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    v.to_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        for (k, v) in &headers {
            if k == "set-cookie" {
                let pair = v.split(';').next().unwrap_or_default().to_string();
                // An expired cookie (logout) clears it, as a browser would.
                if v.contains("Max-Age=0") || pair.ends_with('=') {
                    self.cookie = None;
                } else {
                    self.cookie = Some(pair);
                }
            }
        }
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let body = String::from_utf8_lossy(&body).into_owned();
        (status, headers, without_markers(without_texts(body)))
    }

    /// Calls a server function the way the hydrated page does (form-encoded, JSON back).
    pub async fn call(&mut self, endpoint: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
        let (status, _, body) = self.send(server_fn_request(endpoint, form)).await;
        (status, body)
    }

    /// An HTTP client for the emulator's `/_emulator/*` hooks (it sends their token).
    pub fn hooks(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .default_headers(self.emulator.hook_headers())
            .build()
            .expect("hook client")
    }

    /// `{emulator}/_emulator/{path}`.
    pub fn hook_url(&self, path: &str) -> String {
        format!("{}/_emulator/{path}", self.emulator.base_url())
    }

    /// Injects a fault rule (the emulator's fault JSON, `crates/atlas-emulator/README.md`).
    pub async fn add_fault(&self, rule: serde_json::Value) {
        let res = self
            .hooks()
            .post(self.hook_url("faults"))
            .json(&rule)
            .send()
            .await
            .expect("fault hook");
        assert!(res.status().is_success(), "fault hook: {}", res.status());
    }

    /// Removes every fault rule.
    pub async fn clear_faults(&self) {
        let res = self
            .hooks()
            .delete(self.hook_url("faults"))
            .send()
            .await
            .expect("fault hook");
        assert!(res.status().is_success(), "fault hook: {}", res.status());
    }

    /// Requests the emulator has answered on one templated route, e.g. `POST /api/oauth/token`.
    pub async fn upstream_calls_to(&self, route: &str) -> u64 {
        self.hooks()
            .get(self.hook_url("counters"))
            .send()
            .await
            .expect("counters")
            .json::<serde_json::Value>()
            .await
            .expect("json")["byRoute"][route]
            .as_u64()
            .unwrap_or(0)
    }

    /// Sets the emulator's request counters to zero.
    pub async fn reset_upstream_counters(&self) {
        let res = self
            .hooks()
            .post(self.hook_url("counters/reset"))
            .send()
            .await
            .expect("counters/reset");
        assert!(res.status().is_success());
    }

    /// Requests the emulator has answered so far (its counters hook).
    pub async fn total_upstream_calls(&self) -> u64 {
        self.hooks()
            .get(self.hook_url("counters"))
            .send()
            .await
            .expect("counters")
            .json::<serde_json::Value>()
            .await
            .expect("json")["total"]
            .as_u64()
            .expect("total")
    }

    pub async fn login_api_key(&mut self) -> (StatusCode, String) {
        self.call(
            "session/login",
            &[
                ("method", "api_key"),
                ("public_id", atlas_emulator::demo::API_PUBLIC_KEY),
                ("secret", atlas_emulator::demo::API_PRIVATE_KEY),
            ],
        )
        .await
    }

    pub async fn login_service_account(&mut self) -> (StatusCode, String) {
        self.call(
            "session/login",
            &[
                ("method", "service_account"),
                ("public_id", atlas_emulator::demo::SERVICE_ACCOUNT_CLIENT_ID),
                (
                    "secret",
                    atlas_emulator::demo::SERVICE_ACCOUNT_CLIENT_SECRET,
                ),
            ],
        )
        .await
    }

    /// What the emulator stored, secrets in clear (its inspection hook).
    pub async fn stored(&self, group_id: &str, kind: &str) -> Option<serde_json::Value> {
        let url = self.hook_url(&format!("state/groups/{group_id}/integrations/{kind}"));
        let res = self.hooks().get(url).send().await.expect("hook");
        if res.status() == reqwest::StatusCode::NOT_FOUND {
            return None;
        }
        Some(res.json().await.expect("json"))
    }
}

/// A page without the messages the shell writes for its islands (`page_texts`): they
/// are every message the islands' files name, so a test looking for a sentence on the page
/// could find it there rather than in what the page shows. The element stays, emptied.
fn without_texts(html: String) -> String {
    const OPEN: &str = "<script type=\"application/json\" id=\"texts\">";
    let Some(start) = html.find(OPEN).map(|at| at + OPEN.len()) else {
        return html;
    };
    let end = html[start..]
        .find("</script>")
        .map_or(html.len(), |at| start + at);
    format!("{}{}", &html[..start], &html[end..])
}

/// A page without Leptos's hydration markers (`<!>`, empty comments that separate text
/// nodes and stand for empty views). Where they fall depends on how the views are built
/// (`--cfg erase_components` puts them elsewhere), not on what the page says, which is what
/// the tests look at.
fn without_markers(html: String) -> String {
    html.replace("<!>", "")
}

pub fn server_fn_request(endpoint: &str, form: &[(&str, &str)]) -> Request<Body> {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    Request::post(format!("/api/{endpoint}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header("sec-fetch-site", "same-origin")
        .header(header::HOST, "127.0.0.1:3000")
        .body(Body::from(body))
        .expect("request")
}

pub fn page_request(path: &str) -> Request<Body> {
    Request::get(path)
        .header(header::ACCEPT, "text/html,application/xhtml+xml")
        .header(header::HOST, "127.0.0.1:3000")
        .body(Body::empty())
        .expect("request")
}

/// Log output captured in memory: a `tracing_subscriber` writer (`with_writer(move ||
/// captured.clone())`).
#[derive(Clone, Default)]
pub struct Captured(Arc<std::sync::Mutex<Vec<u8>>>);

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().expect("lock").clone()).expect("utf8")
    }
}

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A throwaway `redis-server` on a free loopback port, without persistence, stopped when
/// dropped: the session store replicas share in a deployment. `scripts/setup` installs it.
pub struct RedisServer {
    child: std::process::Child,
    pub url: String,
}

impl RedisServer {
    pub async fn start() -> RedisServer {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = std::process::Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server runs (scripts/setup installs it)");
        let server = RedisServer {
            child,
            url: format!("redis://127.0.0.1:{port}/0"),
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(
                std::time::Instant::now() < deadline,
                "redis-server did not listen"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        server
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
