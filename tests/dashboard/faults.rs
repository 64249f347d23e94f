//! The fault matrix (issue #13): every fault the emulator can inject × every dashboard
//! operation, through the real router, session, Atlas client and emulator. For each pair the
//! user gets a clear message (a known error, never the generic "could not answer") within a
//! bound, a create is never sent twice, Atlas's state afterwards is whole (the change applied
//! entirely or not at all, and repeating it works), and the session survives.
//!
//! `scripts/fault-matrix` runs this with `FAULT_MATRIX_REPORT=1`, which prints the table.

use std::time::{Duration, Instant};

use atlas_client::RetryPolicy;
use atlas_emulator::demo;
use atlas_integrations::error::AppError;
use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::support::TestApp;

/// One exchange may take this long...
const REQUEST_TIMEOUT: Duration = Duration::from_secs(1);
/// ...and a whole call this long, retries included.
const CALL_DEADLINE: Duration = Duration::from_secs(3);
/// What a person may wait for an answer: the deadline, plus the update's read before its
/// write (its own call), plus scheduling slack on a loaded 2-core machine.
const BOUND: Duration = Duration::from_secs(2 * 3 + 2);

const PROJECT: &str = demo::SANDBOX_PROJECT_ID;
const GROUPS: &str = "/api/atlas/v2/groups";

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    SignIn,
    ListProjects,
    ListIntegrations,
    Create,
    Update,
    Delete,
}

const OPS: [Op; 6] = [
    Op::SignIn,
    Op::ListProjects,
    Op::ListIntegrations,
    Op::Create,
    Op::Update,
    Op::Delete,
];

impl Op {
    /// The method of the Atlas request the fault is aimed at.
    fn method(self) -> &'static str {
        match self {
            Op::SignIn | Op::ListProjects | Op::ListIntegrations => "GET",
            Op::Create => "POST",
            Op::Update => "PUT",
            Op::Delete => "DELETE",
        }
    }

    fn is_write(self) -> bool {
        matches!(self, Op::Create | Op::Update | Op::Delete)
    }
}

/// The faults, as the emulator's hook takes them; each hits every matching request.
fn faults() -> Vec<(&'static str, Value)> {
    let past_timeout = REQUEST_TIMEOUT.as_millis() as u64 + 500;
    vec![
        (
            "latency past the timeout",
            json!({ "latencyMs": past_timeout }),
        ),
        ("500", json!({ "status": 500 })),
        ("503", json!({ "status": 503 })),
        (
            "429 + Retry-After",
            json!({ "status": 429, "retryAfterSecs": 1 }),
        ),
        ("malformed body", json!({ "malformedBody": true })),
        ("dropped connection", json!({ "dropConnection": true })),
        ("huge body", json!({ "hugeBody": true })),
    ]
}

/// What one cell of the matrix saw.
struct Cell {
    status: StatusCode,
    error: Option<AppError>,
    took: Duration,
}

async fn app() -> TestApp {
    TestApp::with_client(crate::support::settings(), |c| {
        c.with_timeouts(Duration::from_secs(1), REQUEST_TIMEOUT)
            .with_call_deadline(CALL_DEADLINE)
            .with_retry(RetryPolicy {
                max_retries: 3,
                base_delay: Duration::from_millis(50),
                max_delay: Duration::from_millis(200),
                retry_after_cap: Duration::from_secs(2),
            })
    })
    .await
}

const OPS_GENIE_KEY: &str = "00000000-aaaa-4bbb-8ccc-000000000001";
const NEW_OPS_GENIE_KEY: &str = "00000000-aaaa-4bbb-8ccc-000000000002";

fn write_form(key: &str) -> Vec<(&'static str, String)> {
    vec![
        ("group_id", PROJECT.to_string()),
        ("kind", "OPS_GENIE".to_string()),
        ("values[apiKey]", key.to_string()),
        ("values[region]", "EU".to_string()),
    ]
}

async fn call(app: &mut TestApp, endpoint: &str, form: &[(&str, String)]) -> (StatusCode, String) {
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.call(endpoint, &form).await
}

/// Runs `op` once, as the page would.
async fn run(app: &mut TestApp, op: Op) -> (StatusCode, String) {
    match op {
        Op::SignIn => app.login_api_key().await,
        Op::ListProjects => app.call("projects/list", &[]).await,
        Op::ListIntegrations => {
            app.call("integrations/list", &[("group_id", PROJECT)])
                .await
        }
        Op::Create => call(app, "integrations/create", &write_form(OPS_GENIE_KEY)).await,
        Op::Update => call(app, "integrations/update", &write_form(NEW_OPS_GENIE_KEY)).await,
        Op::Delete => {
            app.call(
                "integrations/delete",
                &[("group_id", PROJECT), ("kind", "OPS_GENIE")],
            )
            .await
        }
    }
}

async fn posts_sent(app: &TestApp) -> u64 {
    let res = app
        .hooks()
        .get(app.hook_url("counters"))
        .send()
        .await
        .expect("counters");
    let counters: Value = res.json().await.expect("json");
    counters["byRoute"]
        .as_object()
        .map(|routes| {
            routes
                .iter()
                .filter(|(route, _)| route.starts_with("POST /api/atlas/v2/groups/"))
                .filter_map(|(_, n)| n.as_u64())
                .sum()
        })
        .unwrap_or(0)
}

/// One cell: set up, inject, run, clear, then check what Atlas holds and that the session
/// and the operation work again.
async fn cell(fault_name: &str, fault: &Value, op: Op) -> Cell {
    let mut app = app().await;
    let before_key = match op {
        Op::Update | Op::Delete => Some(OPS_GENIE_KEY),
        _ => None,
    };
    if op != Op::SignIn {
        assert_eq!(app.login_api_key().await.0, StatusCode::OK);
    }
    if before_key.is_some() {
        let (status, body) =
            call(&mut app, "integrations/create", &write_form(OPS_GENIE_KEY)).await;
        assert_eq!(status, StatusCode::OK, "set-up: {body}");
    }
    let posts_before = posts_sent(&app).await;

    let mut rule = fault.clone();
    rule["method"] = json!(op.method());
    rule["pathPrefix"] = json!(GROUPS);
    app.add_fault(rule).await;
    let started = Instant::now();
    let (status, body) = run(&mut app, op).await;
    let took = started.elapsed();
    app.clear_faults().await;
    // A delayed request is still on its way to the handler after the client gave up: let it
    // land before counting what Atlas received and holds.
    let latency = Duration::from_millis(fault["latencyMs"].as_u64().unwrap_or(0));
    tokio::time::sleep_until((started + latency + Duration::from_millis(300)).into()).await;

    let what = format!("{fault_name} × {op:?}");
    assert!(!status.is_success(), "{what}: the fault must show: {body}");
    let error: Option<AppError> = serde_json::from_str(&body).ok();
    let error_ref = error.as_ref();
    assert!(
        error_ref.is_some(),
        "{what}: answer is not an error the page reads: {body}"
    );
    assert!(
        !matches!(error_ref, Some(AppError::ServerFn(_))),
        "{what}: a generic failure, not a clear message: {body}"
    );
    assert!(took <= BOUND, "{what}: took {took:?}");
    if op == Op::Create {
        // A delayed request is counted when its delay ends, and the emulator drops it unseen
        // when the client hangs up first: at most once then, exactly once otherwise.
        // A POST refused with 429 was applied to nothing: the client sends it again, within
        // its retries (one policy for every call, atlas-client's retry.rs).
        let posts = posts_sent(&app).await - posts_before;
        let delayed = !latency.is_zero();
        let rate_limited = fault["status"] == json!(429);
        let resends = atlas_client::RetryPolicy::default().max_retries as u64;
        assert!(
            posts == 1
                || (delayed && posts == 0)
                || (rate_limited && (1..=1 + resends).contains(&posts)),
            "{what}: a create is sent once, never twice (429: refused, sent again): {posts}"
        );
    }
    if op.is_write() {
        // A write Atlas did not answer readably is said to be unconfirmed, not "unreachable".
        let unreadable = [
            "latency past the timeout",
            "malformed body",
            "dropped connection",
            "huge body",
        ];
        if unreadable.contains(&fault_name) {
            assert!(
                matches!(error_ref, Some(AppError::Unconfirmed)),
                "{what}: {body}"
            );
        }
    }

    // The session survives (sign-in has none yet: it must simply work now, not be throttled).
    if op == Op::SignIn {
        assert_eq!(
            app.login_api_key().await.0,
            StatusCode::OK,
            "{what}: sign in after"
        );
    } else {
        let (status, body) = app.call("projects/list", &[]).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "{what}: the session survives: {body}"
        );
    }

    // Atlas holds a whole state: before or after, never a mix; repeating the change works.
    let stored = app.stored(PROJECT, "OPS_GENIE").await;
    let stored_key = stored
        .as_ref()
        .and_then(|s| s["apiKey"].as_str().map(str::to_owned));
    match op {
        Op::Create => {
            assert!(
                stored_key.is_none() || stored_key.as_deref() == Some(OPS_GENIE_KEY),
                "{what}: {stored:?}"
            );
            let (status, body) = run(&mut app, op).await;
            let created = status == StatusCode::OK;
            let already = matches!(
                serde_json::from_str::<AppError>(&body),
                Ok(AppError::AlreadyConfigured(_))
            );
            assert!(
                created || (stored_key.is_some() && already),
                "{what}: again: {body}"
            );
        }
        Op::Update => {
            assert!(
                matches!(
                    stored_key.as_deref(),
                    Some(OPS_GENIE_KEY | NEW_OPS_GENIE_KEY)
                ),
                "{what}: {stored:?}"
            );
            assert_eq!(run(&mut app, op).await.0, StatusCode::OK, "{what}: again");
            let after = app.stored(PROJECT, "OPS_GENIE").await;
            assert_eq!(
                after.as_ref().map(|s| &s["apiKey"]),
                Some(&json!(NEW_OPS_GENIE_KEY))
            );
        }
        Op::Delete => {
            assert!(
                stored_key.is_none() || stored_key.as_deref() == before_key,
                "{what}: {stored:?}"
            );
            let (status, body) = run(&mut app, op).await;
            let gone = matches!(
                serde_json::from_str::<AppError>(&body),
                Ok(AppError::NotFound(_))
            );
            assert!(
                status == StatusCode::OK || (stored_key.is_none() && gone),
                "{what}: {body}"
            );
            assert_eq!(
                app.stored(PROJECT, "OPS_GENIE").await,
                None,
                "{what}: deleted"
            );
        }
        Op::SignIn | Op::ListProjects | Op::ListIntegrations => {
            assert_eq!(stored_key, None, "{what}: a read wrote nothing");
            assert_eq!(run(&mut app, op).await.0, StatusCode::OK, "{what}: again");
        }
    }
    Cell {
        status,
        error,
        took,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_fault_on_every_operation_ends_clearly() {
    let started = Instant::now();
    let mut cells = Vec::new();
    for (fault_name, fault) in faults() {
        // The operations of one fault run side by side, each on a dashboard of its own.
        let row = futures::future::join_all(OPS.iter().map(|&op| {
            let fault = fault.clone();
            async move { (op, cell(fault_name, &fault, op).await) }
        }))
        .await;
        cells.push((fault_name, row));
    }
    if std::env::var_os("FAULT_MATRIX_REPORT").is_some() {
        println!(
            "\n{:<26} {:<18} {:>6} {:>8}  what the user is told",
            "fault", "operation", "status", "ms"
        );
        for (fault_name, row) in &cells {
            for (op, c) in row {
                let told = c
                    .error
                    .as_ref()
                    .map(atlas_integrations::i18n::error_message)
                    .unwrap_or_default();
                println!(
                    "{fault_name:<26} {:<18} {:>6} {:>8}  {told}",
                    format!("{op:?}"),
                    c.status.as_u16(),
                    c.took.as_millis()
                );
            }
        }
        let slowest = cells
            .iter()
            .flat_map(|(_, row)| row.iter().map(|(_, c)| c.took))
            .max()
            .unwrap_or_default();
        println!(
            "\n{} cells, slowest answer {} ms (bound {} ms), matrix in {:.1} s",
            cells.iter().map(|(_, r)| r.len()).sum::<usize>(),
            slowest.as_millis(),
            BOUND.as_millis(),
            started.elapsed().as_secs_f64()
        );
    }
}
