//! The Atlas client against the embedded emulator over real HTTP: how many requests each
//! call costs (counted by the emulator), Digest nonce reuse and staleness, the OAuth token
//! cache, error mapping, retries, paging, and that no secret reaches a log line.
// Helpers outside #[test] fns unwrap too: a panic there is a failed test.
#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use atlas_client::{
    AtlasApi, AtlasClient, AtlasError, ClientConfig, Credential, RetryPolicy, SecretValue,
};
use atlas_emulator::demo;
use atlas_emulator::{start_embedded, EmulatorOptions, RunningEmulator};
use atlas_registry::{FieldValue, Integration, IntegrationKind};
use serde_json::{json, Value};

// Alert configurations: a module of this binary, not a binary of its own (each links the
// emulator and the client once more).
#[path = "client/alerts.rs"]
mod alerts;

const GROUPS: &str = "GET /api/atlas/v2/groups";
const LIST: &str = "GET /api/atlas/v2/groups/{groupId}/integrations";
const ONE: &str = "/api/atlas/v2/groups/{groupId}/integrations/{integrationType}";
const TOKEN: &str = "POST /api/oauth/token";
const REVOKE: &str = "POST /api/oauth/revoke";

const PRODUCTION: &str = demo::PRODUCTION_PROJECT_ID;
const SANDBOX: &str = demo::SANDBOX_PROJECT_ID;

struct Emu {
    // Kept alive for the test's duration.
    _running: RunningEmulator,
    base: String,
    http: reqwest::Client,
}

async fn emulator_with(options: EmulatorOptions) -> Emu {
    let listen: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let running = start_embedded(
        listen,
        EmulatorOptions {
            test_hooks: true,
            ..options
        },
    )
    .await
    .expect("emulator starts");
    let base = running.base_url();
    let http = reqwest::Client::builder()
        .default_headers(running.hook_headers())
        .build()
        .expect("hook client");
    Emu {
        _running: running,
        base,
        http,
    }
}

async fn emulator() -> Emu {
    emulator_with(EmulatorOptions::default()).await
}

impl Emu {
    /// A client with fast retries, so retry tests take milliseconds (Retry-After aside).
    fn client(&self) -> AtlasClient {
        self.client_with(|c| c)
    }

    fn client_with(&self, f: impl FnOnce(ClientConfig) -> ClientConfig) -> AtlasClient {
        let config = ClientConfig::new(&self.base).with_retry(RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(20),
            retry_after_cap: Duration::from_secs(2),
        });
        AtlasClient::new(f(config)).unwrap()
    }

    async fn hook(&self, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/_emulator/{path}", self.base);
        let req = match body {
            Some(b) => self.http.post(url).json(&b),
            None => self.http.post(url),
        };
        let resp = req.send().await.unwrap();
        assert!(resp.status().is_success(), "hook {path}: {}", resp.status());
        resp.json().await.unwrap()
    }

    async fn reset_counters(&self) {
        self.hook("counters/reset", None).await;
    }

    async fn counters(&self) -> Value {
        self.hook_get("counters").await
    }

    async fn hook_get(&self, path: &str) -> Value {
        let url = format!("{}/_emulator/{path}", self.base);
        let resp = self.http.get(url).send().await.unwrap();
        assert!(resp.status().is_success(), "hook {path}: {}", resp.status());
        resp.json().await.unwrap()
    }

    /// Injects `rule` (the emulator's fault JSON) for the next matching requests.
    async fn fault(&self, rule: Value) {
        self.hook("faults", Some(rule)).await;
    }

    async fn stored(&self, group: &str, kind: &str) -> Option<Value> {
        let url = format!(
            "{}/_emulator/state/groups/{group}/integrations/{kind}",
            self.base
        );
        let resp = self.http.get(url).send().await.unwrap();
        if resp.status() == 404 {
            return None;
        }
        Some(resp.json().await.unwrap())
    }
}

/// Requests and their authentication, as the emulator counted them.
#[derive(Debug, PartialEq, Eq)]
struct Count {
    total: u64,
    digest: u64,
    challenges: u64,
    bearer: u64,
    basic: u64,
}

fn count(c: &Value) -> Count {
    let auth = |k: &str| c["byAuth"][k].as_u64().unwrap_or(0);
    Count {
        total: c["total"].as_u64().unwrap(),
        digest: auth("digest"),
        challenges: auth("digestChallenge"),
        bearer: auth("bearer"),
        basic: auth("basic"),
    }
}

fn route(c: &Value, route: &str) -> u64 {
    c["byRoute"][route].as_u64().unwrap_or(0)
}

fn owner() -> Credential {
    Credential::ApiKey {
        public_key: demo::API_PUBLIC_KEY.into(),
        private_key: SecretValue::new(demo::API_PRIVATE_KEY),
    }
}

fn read_only() -> Credential {
    Credential::ApiKey {
        public_key: demo::READONLY_PUBLIC_KEY.into(),
        private_key: SecretValue::new(demo::READONLY_PRIVATE_KEY),
    }
}

fn no_projects() -> Credential {
    Credential::ApiKey {
        public_key: demo::EMPTY_PUBLIC_KEY.into(),
        private_key: SecretValue::new(demo::EMPTY_PRIVATE_KEY),
    }
}

fn service_account() -> Credential {
    Credential::ServiceAccount {
        client_id: demo::SERVICE_ACCOUNT_CLIENT_ID.into(),
        client_secret: SecretValue::new(demo::SERVICE_ACCOUNT_CLIENT_SECRET),
        token_scope: String::new(),
    }
}

fn integration(kind: IntegrationKind, fields: &[(&str, &str)]) -> Integration {
    let mut i = Integration::new(kind);
    for (k, v) in fields {
        i.values.insert((*k).into(), FieldValue::Text((*v).into()));
    }
    i
}

fn webhook(url: &str, secret: &str) -> Integration {
    integration(
        IntegrationKind::Webhook,
        &[("url", url), ("secret", secret)],
    )
}

// ---------------------------------------------------------------- Digest

#[tokio::test]
async fn digest_costs_one_request_per_call_after_the_first_challenge() {
    let emu = emulator().await;
    let client = emu.client();
    let key = owner();

    let list = client.list_integrations(&key, PRODUCTION).await.unwrap();
    assert_eq!(list.len(), 3);
    let c = emu.counters().await;
    assert_eq!(
        count(&c),
        Count {
            total: 2,
            digest: 1,
            challenges: 1,
            bearer: 0,
            basic: 0
        }
    );

    client.list_integrations(&key, PRODUCTION).await.unwrap();
    client
        .get_integration(&key, PRODUCTION, IntegrationKind::Webhook)
        .await
        .unwrap();
    client.list_projects_page(&key, 1, 10).await.unwrap();
    client.list_all_projects(&key).await.unwrap();
    client
        .update_integration(&key, SANDBOX, &webhook("https://a.example/h", "s1"))
        .await
        .unwrap();
    client
        .delete_integration(&key, SANDBOX, IntegrationKind::Webhook)
        .await
        .unwrap();
    let c = emu.counters().await;
    assert_eq!(
        count(&c),
        Count {
            total: 8,
            digest: 7,
            challenges: 1,
            bearer: 0,
            basic: 0
        }
    );
    assert_eq!(route(&c, LIST), 3);
    assert_eq!(route(&c, GROUPS), 2);
}

#[tokio::test]
async fn a_stale_nonce_costs_exactly_one_extra_request() {
    let emu = emulator().await;
    let client = emu.client();
    client
        .list_integrations(&owner(), PRODUCTION)
        .await
        .unwrap();
    emu.hook("nonces/expire", None).await;
    emu.reset_counters().await;

    client
        .list_integrations(&owner(), PRODUCTION)
        .await
        .unwrap();
    let c = emu.counters().await;
    assert_eq!(
        count(&c),
        Count {
            total: 2,
            digest: 1,
            challenges: 1,
            bearer: 0,
            basic: 0
        }
    );

    // The fresh nonce is cached in turn: back to one request per call.
    client
        .list_integrations(&owner(), PRODUCTION)
        .await
        .unwrap();
    assert_eq!(count(&emu.counters().await).total, 3);
}

#[tokio::test]
async fn a_wrong_private_key_is_refused_after_one_signed_try() {
    let emu = emulator().await;
    let client = emu.client();
    let wrong = Credential::ApiKey {
        public_key: demo::API_PUBLIC_KEY.into(),
        private_key: SecretValue::new("00000000-0000-0000-0000-000000000000"),
    };
    let e = client.list_all_projects(&wrong).await.unwrap_err();
    assert!(
        matches!(&e, AtlasError::Unauthorized(i) if i.status == 401),
        "{e:?}"
    );
    // Unsigned, then signed once: no loop, no retry.
    assert_eq!(count(&emu.counters().await).total, 2);

    // With the right key's nonce cached, a wrong key still costs two requests, not more.
    client.list_all_projects(&owner()).await.unwrap();
    emu.reset_counters().await;
    let e = client.list_all_projects(&wrong).await.unwrap_err();
    assert!(matches!(e, AtlasError::Unauthorized(_)), "{e:?}");
    assert_eq!(count(&emu.counters().await).challenges, 2);
    // And the good key's cached nonce still works.
    emu.reset_counters().await;
    client.list_all_projects(&owner()).await.unwrap();
    assert_eq!(count(&emu.counters().await).total, 1);
}

#[tokio::test]
async fn concurrent_digest_calls_all_succeed() {
    let emu = emulator().await;
    let client = emu.client();
    client.list_all_projects(&owner()).await.unwrap();
    emu.reset_counters().await;
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            client
                .list_integrations(&owner(), PRODUCTION)
                .await
                .map(|l| l.len())
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap(), 3);
    }
    // One nonce was cached; the calls beyond it pay one challenge each, never more.
    let c = count(&emu.counters().await);
    assert_eq!(c.digest, 16, "{c:?}");
    assert!(c.challenges <= 15, "{c:?}");
}

/// Four calls at a time, each nonce held by one of them: after Atlas lets every nonce go
/// stale, each call pays exactly one re-challenge, and the fresh nonces serve the next round.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn stale_nonces_cost_each_call_in_flight_exactly_one_re_challenge() {
    let emu = emulator().await;
    // Every answer takes 150 ms, so the four calls of a round are in flight together: without
    // it, a call spawned late could take a nonce that an earlier call of its round had just
    // renewed, and the counts would depend on the scheduler (CI saw 7 requests, not 8).
    emu.fault(json!({"pathPrefix": "/api/", "latencyMs": 150}))
        .await;
    let client = emu.client();
    let round = || async {
        let calls = (0..4).map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.list_integrations(&owner(), PRODUCTION).await })
        });
        for call in calls.collect::<Vec<_>>() {
            assert_eq!(call.await.unwrap().unwrap().len(), 3);
        }
    };
    round().await;
    emu.hook("nonces/expire", None).await;
    emu.reset_counters().await;
    round().await;
    let c = count(&emu.counters().await);
    assert_eq!((c.total, c.digest, c.challenges), (8, 4, 4), "{c:?}");
    emu.reset_counters().await;
    round().await;
    assert_eq!(count(&emu.counters().await).total, 4);
}

/// Issue #28's figure: one API key, 4 calls in flight, 400 GETs. Each nonce is used by one
/// request at a time, so a challenge is paid once per slot (4), not per reordering.
/// The figure is printed: `cargo test -p atlas-client --test client requests_per_call --
/// --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn requests_per_call_with_one_key_at_4_in_flight() {
    const CALLS: usize = 400;
    const IN_FLIGHT: usize = 4;
    let emu = emulator().await;
    let client = emu.client();
    emu.reset_counters().await;
    let mut tasks = Vec::new();
    for _ in 0..IN_FLIGHT {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            for _ in 0..CALLS / IN_FLIGHT {
                let list = client.list_integrations(&owner(), PRODUCTION).await;
                assert_eq!(list.unwrap().len(), 3);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let c = count(&emu.counters().await);
    println!(
        "Digest, {CALLS} GETs at {IN_FLIGHT} in flight: {} requests, {} challenges, \
         {:.3} requests per call",
        c.total,
        c.challenges,
        c.total as f64 / CALLS as f64
    );
    assert_eq!(c.digest, CALLS as u64, "{c:?}");
    assert!(
        c.challenges <= IN_FLIGHT as u64,
        "one challenge per slot at most: {c:?}"
    );
}

// ---------------------------------------------------------------- OAuth

#[tokio::test]
async fn one_token_for_many_calls_including_concurrent_ones() {
    let emu = emulator().await;
    let client = emu.client();
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            client
                .list_integrations(&service_account(), PRODUCTION)
                .await
                .map(|l| l.len())
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap(), 3);
    }
    for _ in 0..5 {
        client.list_all_projects(&service_account()).await.unwrap();
    }
    let c = emu.counters().await;
    assert_eq!(route(&c, TOKEN), 1);
    assert_eq!(
        count(&c),
        Count {
            total: 26,
            digest: 0,
            challenges: 0,
            bearer: 25,
            basic: 1
        }
    );
}

#[tokio::test]
async fn a_token_atlas_expired_is_renewed_once_and_the_call_goes_through() {
    let emu = emulator().await;
    let client = emu.client();
    client.list_all_projects(&service_account()).await.unwrap();
    emu.hook("tokens/expire", None).await;
    emu.reset_counters().await;

    client
        .list_integrations(&service_account(), PRODUCTION)
        .await
        .unwrap();
    let c = emu.counters().await;
    // 401 on the old token, one new token, the call again.
    assert_eq!(route(&c, TOKEN), 1);
    assert_eq!(route(&c, LIST), 2);
    assert_eq!(count(&c).total, 3);

    client
        .list_integrations(&service_account(), PRODUCTION)
        .await
        .unwrap();
    assert_eq!(count(&emu.counters().await).total, 4);
}

#[tokio::test]
async fn a_token_is_renewed_before_it_expires() {
    // Tokens live 2 s; the client renews in the second half of a short life.
    let emu = emulator_with(EmulatorOptions {
        token_ttl_secs: 2,
        ..Default::default()
    })
    .await;
    let client = emu.client();
    client.list_all_projects(&service_account()).await.unwrap();
    client.list_all_projects(&service_account()).await.unwrap();
    assert_eq!(route(&emu.counters().await, TOKEN), 1);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    client.list_all_projects(&service_account()).await.unwrap();
    let c = emu.counters().await;
    assert_eq!(route(&c, TOKEN), 2);
    // Renewed ahead of time: no call met a 401.
    assert_eq!(route(&c, GROUPS), 3);
}

#[tokio::test]
async fn forget_revokes_the_token_and_the_next_call_gets_a_new_one() {
    let emu = emulator().await;
    let client = emu.client();
    // Nothing cached: nothing to revoke.
    client.forget(&service_account()).await.unwrap();
    assert_eq!(count(&emu.counters().await).total, 0);

    client.list_all_projects(&service_account()).await.unwrap();
    client.forget(&service_account()).await.unwrap();
    let c = emu.counters().await;
    assert_eq!(route(&c, REVOKE), 1);
    assert_eq!(route(&c, TOKEN), 1);

    client.list_all_projects(&service_account()).await.unwrap();
    let c = emu.counters().await;
    assert_eq!(route(&c, TOKEN), 2);
    assert_eq!(route(&c, GROUPS), 2, "the new token works at once");

    // API keys have nothing to revoke.
    client.forget(&owner()).await.unwrap();
    assert_eq!(count(&emu.counters().await).total, 5);
}

#[tokio::test]
async fn a_wrong_client_secret_is_unauthorized_and_never_gets_the_cached_token() {
    let emu = emulator().await;
    let client = emu.client();
    client.list_all_projects(&service_account()).await.unwrap();
    let wrong = Credential::ServiceAccount {
        client_id: demo::SERVICE_ACCOUNT_CLIENT_ID.into(),
        client_secret: SecretValue::new("mdb_sa_sk_wrong"),
        token_scope: String::new(),
    };
    let e = client.list_all_projects(&wrong).await.unwrap_err();
    assert!(
        matches!(&e, AtlasError::Unauthorized(i) if i.error_code == "invalid_client"),
        "{e:?}"
    );
    let c = emu.counters().await;
    assert_eq!(route(&c, TOKEN), 2);
    assert_eq!(route(&c, GROUPS), 1);
}

#[tokio::test]
async fn a_token_endpoint_503_is_retried_for_a_get_but_not_for_a_post() {
    let emu = emulator().await;
    let client = emu.client();
    let token_fault = json!({"method": "POST", "pathPrefix": "/api/oauth/token", "status": 503,
                             "count": 1});
    emu.fault(token_fault.clone()).await;
    client.list_all_projects(&service_account()).await.unwrap();
    let c = emu.counters().await;
    assert_eq!((route(&c, TOKEN), route(&c, GROUPS)), (2, 1));

    // Drop (and revoke) the token, so the create needs a new one.
    client.forget(&service_account()).await.unwrap();
    emu.reset_counters().await;
    emu.fault(token_fault).await;
    let hook = webhook("https://f.example/x", "s5");
    let e = client
        .create_integration(&service_account(), SANDBOX, &hook)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, AtlasError::Server(i) if i.status == 503),
        "{e:?}"
    );
    let c = emu.counters().await;
    assert_eq!(
        (route(&c, TOKEN), route(&c, &format!("POST {ONE}"))),
        (1, 0)
    );
}

// ---------------------------------------------------------------- errors

#[tokio::test]
async fn atlas_errors_map_to_their_variants() {
    let emu = emulator().await;
    let client = emu.client();
    let key = owner();

    // 400 with the field Atlas names.
    let bad = integration(
        IntegrationKind::Datadog,
        &[("apiKey", "not-hex"), ("region", "US")],
    );
    match client
        .create_integration(&key, SANDBOX, &bad)
        .await
        .unwrap_err()
    {
        AtlasError::Invalid(i) => {
            assert_eq!(i.status, 400);
            assert_eq!(i.error_code, "INVALID_INTEGRATION_SETTINGS");
            assert_eq!(i.fields.len(), 1);
            assert_eq!(i.fields[0].field, "apiKey");
        }
        e => panic!("{e:?}"),
    }

    // 401: a key without access to the project (no Digest challenge: no auth retry).
    client.list_all_projects(&no_projects()).await.unwrap();
    emu.reset_counters().await;
    match client
        .list_integrations(&no_projects(), PRODUCTION)
        .await
        .unwrap_err()
    {
        AtlasError::Unauthorized(i) => assert_eq!(i.error_code, "USER_UNAUTHORIZED"),
        e => panic!("{e:?}"),
    }
    assert_eq!(count(&emu.counters().await).total, 1);

    // 403: read-only key writing.
    let e = client
        .delete_integration(&read_only(), PRODUCTION, IntegrationKind::Webhook)
        .await;
    assert!(
        matches!(&e, Err(AtlasError::Forbidden(i)) if i.status == 403),
        "{e:?}"
    );

    // 404 for a project, and for a type that is not configured.
    let e = client
        .list_integrations(&key, "0123456789abcdef01234567")
        .await
        .unwrap_err();
    match e {
        AtlasError::GroupNotFound(i) => {
            assert_eq!(i.parameters, vec!["0123456789abcdef01234567".to_string()]);
        }
        e => panic!("{e:?}"),
    }
    let e = client
        .get_integration(&key, SANDBOX, IntegrationKind::OpsGenie)
        .await
        .unwrap_err();
    assert!(matches!(e, AtlasError::NotFound(_)), "{e:?}");

    // 409: Production already has PagerDuty.
    let pd = integration(
        IntegrationKind::PagerDuty,
        &[("serviceKey", "0123456789abcdef")],
    );
    match client
        .create_integration(&key, PRODUCTION, &pd)
        .await
        .unwrap_err()
    {
        AtlasError::AlreadyConfigured(i) => {
            assert_eq!(i.error_code, "INTEGRATION_ALREADY_CONFIGURED");
            assert_eq!(i.status, 409);
        }
        e => panic!("{e:?}"),
    }

    // 429 with a Retry-After beyond the cap: returned at once, with the delay.
    emu.reset_counters().await;
    emu.fault(
        json!({"method": "GET", "pathPrefix": "/api/atlas/v2/groups", "status": 429,
                     "retryAfterSecs": 30, "count": 1}),
    )
    .await;
    match client.list_all_projects(&key).await.unwrap_err() {
        AtlasError::RateLimited { info, retry_after } => {
            assert_eq!(retry_after, Some(Duration::from_secs(30)));
            assert_eq!(info.error_code, "RATE_LIMITED_TOKEN_BUCKET");
        }
        e => panic!("{e:?}"),
    }
    assert_eq!(route(&emu.counters().await, GROUPS), 1);

    // 500: not retried.
    emu.reset_counters().await;
    emu.fault(
        json!({"method": "GET", "pathPrefix": "/api/atlas/v2/groups", "status": 500,
                     "count": 1}),
    )
    .await;
    let e = client.list_all_projects(&key).await.unwrap_err();
    assert!(
        matches!(&e, AtlasError::Server(i) if i.status == 500 && i.error_code == "UNEXPECTED_ERROR"),
        "{e:?}"
    );
    assert_eq!(route(&emu.counters().await, GROUPS), 1);

    // A body that is not the JSON promised.
    emu.fault(
        json!({"method": "GET", "pathPrefix": "/api/atlas/v2/groups", "status": 200,
                     "malformedBody": true, "count": 1}),
    )
    .await;
    let e = client.list_all_projects(&key).await.unwrap_err();
    assert!(matches!(e, AtlasError::UnexpectedResponse(_)), "{e:?}");
}

#[tokio::test]
async fn nothing_listening_is_a_transport_error() {
    let config = ClientConfig::new("http://127.0.0.1:9").with_retry(RetryPolicy::none());
    let client = AtlasClient::new(config).unwrap();
    let e = client.list_all_projects(&owner()).await.unwrap_err();
    assert!(matches!(e, AtlasError::Transport(_)), "{e:?}");
}

#[tokio::test]
async fn the_request_timeout_bounds_a_call_and_is_not_retried() {
    let emu = emulator().await;
    let client =
        emu.client_with(|c| c.with_timeouts(Duration::from_secs(1), Duration::from_millis(300)));
    client.list_all_projects(&owner()).await.unwrap();
    emu.reset_counters().await;
    emu.fault(
        json!({"method": "GET", "pathPrefix": "/api/atlas/v2/groups", "latencyMs": 1500,
                     "count": 1}),
    )
    .await;
    let started = Instant::now();
    let e = client.list_all_projects(&owner()).await.unwrap_err();
    assert!(
        matches!(&e, AtlasError::Transport(t) if t.starts_with("timed out")),
        "{e:?}"
    );
    assert!(
        started.elapsed() < Duration::from_millis(1200),
        "{:?}",
        started.elapsed()
    );
    // The emulator counts a request after its injected latency, so the abandoned one is never
    // counted; a retry (which the spent fault would let through at once) would be.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(route(&emu.counters().await, GROUPS), 0);
}

// ---------------------------------------------------------------- retries

#[tokio::test]
async fn get_put_delete_are_retried_on_503_and_then_succeed() {
    let emu = emulator().await;
    let client = emu.client();
    let key = owner();
    client.list_all_projects(&key).await.unwrap();

    let cases = [
        ("GET", LIST.to_string()),
        ("PUT", format!("PUT {ONE}")),
        ("DELETE", format!("DELETE {ONE}")),
    ];
    for (method, counted) in cases {
        emu.reset_counters().await;
        emu.fault(
            json!({"method": method, "pathPrefix": "/api/atlas/v2/groups", "status": 503,
                         "count": 2}),
        )
        .await;
        match method {
            "GET" => assert_eq!(
                client
                    .list_integrations(&key, PRODUCTION)
                    .await
                    .unwrap()
                    .len(),
                3
            ),
            "PUT" => {
                let l = client
                    .update_integration(&key, SANDBOX, &webhook("https://b.example/x", "s2"))
                    .await
                    .unwrap();
                assert_eq!(l.len(), 1);
            }
            _ => client
                .delete_integration(&key, SANDBOX, IntegrationKind::Webhook)
                .await
                .unwrap(),
        }
        let c = emu.counters().await;
        assert_eq!(route(&c, &counted), 3, "{method}: two 503s then success");
        assert_eq!(count(&c).total, 3, "{method}: no extra auth round trip");
    }
    assert_eq!(emu.stored(SANDBOX, "WEBHOOK").await, None);
}

#[tokio::test]
async fn get_put_delete_are_retried_on_429_after_retry_after() {
    let emu = emulator().await;
    let client = emu.client();
    let key = service_account();
    client.list_all_projects(&key).await.unwrap();

    for method in ["GET", "PUT", "DELETE"] {
        emu.reset_counters().await;
        emu.fault(
            json!({"method": method, "pathPrefix": "/api/atlas/v2/groups", "status": 429,
                         "retryAfterSecs": 1, "count": 1}),
        )
        .await;
        let started = Instant::now();
        match method {
            "GET" => drop(client.list_integrations(&key, PRODUCTION).await.unwrap()),
            "PUT" => drop(
                client
                    .update_integration(&key, SANDBOX, &webhook("https://c.example/x", "s3"))
                    .await
                    .unwrap(),
            ),
            _ => client
                .delete_integration(&key, SANDBOX, IntegrationKind::Webhook)
                .await
                .unwrap(),
        }
        assert!(
            started.elapsed() >= Duration::from_secs(1),
            "{method}: Retry-After honoured"
        );
        assert_eq!(
            count(&emu.counters().await).bearer,
            2,
            "{method}: one 429, one success"
        );
    }
}

#[tokio::test]
async fn a_dropped_connection_is_retried_for_get() {
    let emu = emulator().await;
    let client = emu.client();
    client.list_all_projects(&owner()).await.unwrap();
    emu.reset_counters().await;
    emu.fault(
        json!({"method": "GET", "pathPrefix": "/api/atlas/v2/groups", "dropConnection": true,
                     "count": 1}),
    )
    .await;
    assert_eq!(
        client
            .list_integrations(&owner(), PRODUCTION)
            .await
            .unwrap()
            .len(),
        3
    );
    assert_eq!(route(&emu.counters().await, LIST), 2);
}

#[tokio::test]
async fn retries_stop_after_the_policy_allows() {
    let emu = emulator().await;
    let client = emu.client();
    client.list_all_projects(&owner()).await.unwrap();
    emu.reset_counters().await;
    emu.fault(
        json!({"method": "GET", "pathPrefix": "/api/atlas/v2/groups", "status": 503,
                     "count": 10}),
    )
    .await;
    let e = client.list_all_projects(&owner()).await.unwrap_err();
    assert!(
        matches!(&e, AtlasError::Server(i) if i.status == 503),
        "{e:?}"
    );
    assert_eq!(
        route(&emu.counters().await, GROUPS),
        4,
        "one try and three retries"
    );
}

/// The `INTEGRATION_CONFIGURED` events of a project: one per create or update applied.
async fn configured_events(client: &AtlasClient, group: &str) -> u64 {
    let configured = atlas_client::EventQuery {
        event_types: vec!["INTEGRATION_CONFIGURED".into()],
        ..Default::default()
    };
    let page = client
        .list_events(&owner(), group, &configured, 1, 100)
        .await
        .unwrap();
    page.total_count.unwrap()
}

/// A 429 is Atlas refusing before it applies anything, so a create is sent again after
/// `Retry-After` (the dashboard's fleet runs rely on this rather than pacing themselves).
#[tokio::test]
async fn a_post_answered_429_is_sent_again_and_creates_exactly_one_integration() {
    let emu = emulator().await;
    let client = emu.client();
    let hook = webhook("https://d.example/x", "s4");
    let post = format!("POST {ONE}");

    for (applied, key) in [owner(), service_account()].into_iter().enumerate() {
        // Nonce or token in hand, so every request counted below is the POST.
        client.list_all_projects(&key).await.unwrap();
        emu.reset_counters().await;
        emu.fault(
            json!({"method": "POST", "pathPrefix": "/api/atlas/v2/groups", "status": 429,
                   "retryAfterSecs": 1, "count": 1}),
        )
        .await;
        let started = Instant::now();
        let list = client
            .create_integration(&key, SANDBOX, &hook)
            .await
            .unwrap();
        assert!(
            started.elapsed() >= Duration::from_secs(1),
            "{key:?}: Retry-After honoured"
        );
        assert_eq!(list.len(), 1);
        // Two POSTs reached the emulator: the refused one (the fault, spent on it, answered
        // before authentication and the handler) and the applied one.
        let c = emu.counters().await;
        assert_eq!(route(&c, &post), 2, "{key:?}");
        assert_eq!(count(&c).total, 2, "{key:?}: no extra auth round trip");
        assert_eq!(emu.hook_get("faults").await["faults"], json!([]));
        // Applied once: one stored integration and one more "configured" event.
        assert!(emu.stored(SANDBOX, "WEBHOOK").await.is_some());
        assert_eq!(
            configured_events(&client, SANDBOX).await,
            applied as u64 + 1
        );
        client
            .delete_integration(&key, SANDBOX, IntegrationKind::Webhook)
            .await
            .unwrap();
    }

    // Refused every time: the retries stop where the policy says, and nothing was applied.
    emu.reset_counters().await;
    emu.fault(
        json!({"method": "POST", "pathPrefix": "/api/atlas/v2/groups", "status": 429,
                     "count": 10}),
    )
    .await;
    let e = client
        .create_integration(&owner(), SANDBOX, &hook)
        .await
        .unwrap_err();
    assert!(matches!(e, AtlasError::RateLimited { .. }), "{e:?}");
    assert_eq!(
        route(&emu.counters().await, &post),
        4,
        "one try and three retries"
    );
    assert_eq!(emu.stored(SANDBOX, "WEBHOOK").await, None);
}

/// A 503 or a lost answer may hide a create that was applied: the POST is not sent again.
#[tokio::test]
async fn a_post_answered_503_or_lost_is_not_sent_again() {
    let emu = emulator().await;
    let client = emu.client();
    let key = owner();
    client.list_all_projects(&key).await.unwrap();
    let hook = webhook("https://d.example/x", "s4");
    let post = format!("POST {ONE}");

    for rule in [
        json!({"method": "POST", "pathPrefix": "/api/atlas/v2/groups", "status": 503, "count": 1}),
        json!({"method": "POST", "pathPrefix": "/api/atlas/v2/groups", "status": 503,
               "retryAfterSecs": 1, "count": 1}),
        json!({"method": "POST", "pathPrefix": "/api/atlas/v2/groups", "dropConnection": true,
               "count": 1}),
    ] {
        emu.reset_counters().await;
        emu.fault(rule.clone()).await;
        let e = client
            .create_integration(&key, SANDBOX, &hook)
            .await
            .unwrap_err();
        assert!(
            matches!(e, AtlasError::Server(_) | AtlasError::Transport(_)),
            "{rule}: {e:?}"
        );
        assert_eq!(route(&emu.counters().await, &post), 1, "{rule}");
        assert_eq!(emu.stored(SANDBOX, "WEBHOOK").await, None);
    }

    // Without a fault the same create goes through, once.
    emu.reset_counters().await;
    let list = client
        .create_integration(&key, SANDBOX, &hook)
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(route(&emu.counters().await, &post), 1);
}

// ---------------------------------------------------------------- paging and payloads

#[tokio::test]
async fn pages_through_more_than_two_pages_of_projects() {
    let emu = emulator_with(EmulatorOptions {
        projects: 1200,
        ..Default::default()
    })
    .await;
    let client = emu.client();
    let key = service_account();
    let all = client.list_all_projects(&key).await.unwrap();
    assert_eq!(all.len(), 1200 + demo::PROJECTS.len());
    let ids: std::collections::BTreeSet<_> = all.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids.len(), all.len(), "no project twice");
    for (id, name) in demo::PROJECTS {
        assert!(all.iter().any(|p| p.id == *id && p.name == *name), "{name}");
    }
    let c = emu.counters().await;
    assert_eq!(route(&c, GROUPS), 3, "500 + 500 + 205");

    let page = client.list_projects_page(&key, 3, 500).await.unwrap();
    assert_eq!(page.results.len(), 205);
    assert_eq!(page.total_count, Some(1205));
    let prod = all.iter().find(|p| p.id == PRODUCTION).unwrap();
    assert!(!prod.org_id.is_empty() && !prod.created.is_empty());

    // One project by id is one request, however many projects there are.
    let one = client.get_project(&key, PRODUCTION).await.unwrap();
    assert_eq!(&one, prod);
    let c = emu.counters().await;
    assert_eq!(route(&c, "GET /api/atlas/v2/groups/{groupId}"), 1);
    assert_eq!(
        route(&c, GROUPS),
        4,
        "the three pages and the one page above"
    );
}

#[tokio::test]
async fn create_update_delete_send_only_the_types_fields() {
    let emu = emulator().await;
    let client = emu.client();
    let key = owner();

    // A stray field of another type would be a 400 INVALID_ATTRIBUTE if it were sent.
    let mut hook = webhook("https://hooks.example.org/new/9876", "whsec-0123456789");
    hook.values
        .insert("region".into(), FieldValue::Text("US".into()));
    hook.values
        .insert("sendDatabaseMetrics".into(), FieldValue::Bool(true));
    hook.id = Some("ffffffffffffffffffffffff".into());
    let list = client
        .create_integration(&key, SANDBOX, &hook)
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    let created = &list[0];
    assert_eq!(created.kind, IntegrationKind::Webhook);
    assert_ne!(created.id.as_deref(), Some("ffffffffffffffffffffffff"));
    // Atlas answers masked; it stored the clear values.
    assert!(created.text("secret").unwrap().starts_with('*'));
    let stored = emu.stored(SANDBOX, "WEBHOOK").await.unwrap();
    assert_eq!(stored["url"], "https://hooks.example.org/new/9876");
    assert_eq!(stored["secret"], "whsec-0123456789");
    assert!(stored.get("region").is_none());

    // PUT with the secret left out keeps it (the emulator's default merge mode).
    let update = integration(
        IntegrationKind::Webhook,
        &[("url", "https://hooks.example.org/v2/5555")],
    );
    let list = client
        .update_integration(&key, SANDBOX, &update)
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    let stored = emu.stored(SANDBOX, "WEBHOOK").await.unwrap();
    assert_eq!(stored["url"], "https://hooks.example.org/v2/5555");
    assert_eq!(stored["secret"], "whsec-0123456789");

    let got = client
        .get_integration(&key, SANDBOX, IntegrationKind::Webhook)
        .await
        .unwrap();
    assert_eq!(got.text("url").map(|u| u.ends_with("5555")), Some(true));

    client
        .delete_integration(&key, SANDBOX, IntegrationKind::Webhook)
        .await
        .unwrap();
    assert_eq!(emu.stored(SANDBOX, "WEBHOOK").await, None);
    let e = client
        .delete_integration(&key, SANDBOX, IntegrationKind::Webhook)
        .await
        .unwrap_err();
    assert!(matches!(e, AtlasError::NotFound(_)), "{e:?}");
}

#[tokio::test]
async fn lists_read_every_type_the_demo_holds() {
    let emu = emulator().await;
    let client = emu.client();
    let mut kinds = Vec::new();
    for (id, _) in demo::PROJECTS {
        for i in client
            .list_integrations(&service_account(), id)
            .await
            .unwrap()
        {
            assert!(i.id.is_some());
            kinds.push(i.kind);
        }
    }
    kinds.sort_by_key(|k| k.as_wire());
    kinds.dedup();
    assert_eq!(kinds.len(), 9, "{kinds:?}");
}

// ---------------------------------------------------------------- logs

/// A `tracing` writer into a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn no_credential_or_secret_reaches_a_log_line() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let emu = emulator().await;
    let client = emu.client();
    emu.fault(
        json!({"method": "GET", "pathPrefix": "/api/atlas/v2/groups", "status": 503, "count": 1}),
    )
    .await;
    client.list_all_projects(&owner()).await.unwrap();
    client.list_all_projects(&service_account()).await.unwrap();
    let secret = "whsec-never-logged-0123";
    client
        .update_integration(
            &owner(),
            SANDBOX,
            &webhook("https://e.example/never-logged", secret),
        )
        .await
        .unwrap();
    let wrong = Credential::ServiceAccount {
        client_id: demo::SERVICE_ACCOUNT_CLIENT_ID.into(),
        client_secret: SecretValue::new("mdb_sa_sk_wrong_never_logged"),
        token_scope: String::new(),
    };
    client.list_all_projects(&wrong).await.unwrap_err();
    client.forget(&service_account()).await.unwrap();

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("Atlas call"),
        "the client logs its calls:\n{text}"
    );
    assert!(text.contains("retrying Atlas call"), "{text}");
    assert!(
        text.contains("/api/atlas/v2/groups/{groupId}/integrations/{integrationType}"),
        "{text}"
    );
    for leak in [
        demo::API_PRIVATE_KEY,
        demo::SERVICE_ACCOUNT_CLIENT_SECRET,
        "mdb_sa_sk_wrong_never_logged",
        secret,
        "never-logged",
        "Bearer ",
        "Basic ",
        "response=",
        "cnonce",
    ] {
        assert!(!text.contains(leak), "log leaks {leak:?}:\n{text}");
    }
}

/// Retries, the waits a 429 asks for, and Digest's extra round trip all share one deadline per
/// call: a person waits on the other side.
#[tokio::test]
async fn a_call_ends_at_its_deadline_whatever_the_retries() {
    let emu = emulator().await;
    let key = owner();
    let deadline = Duration::from_millis(1500);
    let client = emu.client_with(|c| c.with_call_deadline(deadline));

    // Every GET is rate limited, each asking for a 1 s wait: without a deadline, three retries
    // would take three seconds. The wait that would pass the deadline is not taken, and the
    // caller gets Atlas's own answer rather than a timeout.
    emu.fault(json!({"method": "GET", "status": 429, "retryAfterSecs": 1}))
        .await;
    let started = Instant::now();
    let err = client
        .list_integrations(&key, PRODUCTION)
        .await
        .unwrap_err();
    assert!(matches!(err, AtlasError::RateLimited { .. }), "{err:?}");
    assert!(started.elapsed() < deadline, "{:?}", started.elapsed());
    emu.http
        .delete(format!("{}/_emulator/faults", emu.base))
        .send()
        .await
        .unwrap();

    // Each exchange is slow but within the per-request timeout: the deadline cuts the call.
    emu.fault(json!({"method": "GET", "latencyMs": 1000})).await;
    let started = Instant::now();
    let err = client
        .list_integrations(&key, PRODUCTION)
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert!(
        matches!(&err, AtlasError::Transport(text) if text.contains("deadline")),
        "{err:?}"
    );
    assert!(
        took >= deadline && took < deadline + Duration::from_millis(500),
        "{took:?}"
    );
}

#[tokio::test]
async fn a_429_pauses_the_credentials_other_calls_until_retry_after() {
    let emu = emulator().await;
    let client = emu.client();
    let key = service_account();
    client.list_all_projects(&key).await.unwrap();
    // Only Production's list answers 429; Sandbox's would answer at once.
    emu.fault(json!({"method": "GET",
        "pathPrefix": format!("/api/atlas/v2/groups/{PRODUCTION}/integrations"),
        "status": 429, "retryAfterSecs": 1, "count": 1}))
        .await;
    let first = {
        let client = client.clone();
        let key = key.clone();
        tokio::spawn(async move { client.list_integrations(&key, PRODUCTION).await })
    };
    // Production has had its 429 by now; Sandbox's call must wait out the same Retry-After.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    client.list_integrations(&key, SANDBOX).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(700),
        "the other call waited for the shared pause: {:?}",
        started.elapsed()
    );
    assert_eq!(first.await.unwrap().unwrap().len(), 3);
}

#[tokio::test]
async fn events_name_who_changed_what_and_are_retried_like_any_get() {
    use atlas_client::{Actor, EventQuery};
    let emu = emulator().await;
    let client = emu.client();
    let ops_genie = integration(IntegrationKind::OpsGenie, &[("apiKey", "client-events-01")]);
    client
        .create_integration(&owner(), SANDBOX, &ops_genie)
        .await
        .unwrap();
    client
        .delete_integration(&service_account(), SANDBOX, IntegrationKind::OpsGenie)
        .await
        .unwrap();
    let all = client
        .list_events(&owner(), SANDBOX, &EventQuery::default(), 1, 10)
        .await
        .unwrap();
    assert_eq!(all.total_count, Some(2));
    let seen: Vec<_> = all
        .results
        .iter()
        .map(|e| {
            (
                e.event_type.as_str(),
                e.actor.clone(),
                e.remote_address.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                "INTEGRATION_REMOVED",
                Actor::ServiceAccount(demo::SERVICE_ACCOUNT_CLIENT_ID.into()),
                Some("127.0.0.1")
            ),
            (
                "INTEGRATION_CONFIGURED",
                Actor::ApiKey(demo::API_PUBLIC_KEY.into()),
                Some("127.0.0.1")
            ),
        ]
    );
    let removed = EventQuery {
        event_types: vec!["INTEGRATION_REMOVED".into()],
        min_date: Some("2000-01-01T00:00:00Z".into()),
        ..Default::default()
    };
    emu.reset_counters().await;
    emu.fault(
        json!({"method": "GET", "pathPrefix": "/api/atlas/v2/groups", "status": 503,
                     "count": 1, "retryAfterSecs": 1}),
    )
    .await;
    let started = Instant::now();
    let page = client
        .list_events(&owner(), SANDBOX, &removed, 1, 10)
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "Retry-After honoured"
    );
    assert_eq!(page.results.len(), 1);
    assert_eq!(page.results[0].event_type, "INTEGRATION_REMOVED");
    let c = emu.counters().await;
    assert_eq!(route(&c, "GET /api/atlas/v2/groups/{groupId}/events"), 2);
    // A malformed event type never reaches Atlas.
    let bad = EventQuery {
        event_types: vec!["x&y=1".into()],
        ..Default::default()
    };
    emu.reset_counters().await;
    assert!(client
        .list_events(&owner(), SANDBOX, &bad, 1, 10)
        .await
        .is_err());
    assert_eq!(count(&emu.counters().await).total, 0);
}
