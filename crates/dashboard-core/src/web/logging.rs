//! Logging: one span per request with method, route, status and latency. Headers and bodies
//! are never logged (they carry session cookies and, at login, credentials).

use std::time::Duration;

use axum::extract::{MatchedPath, Request};
use axum::http::Response;
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::TraceLayer;
use tracing::Span;

use crate::config::LogFormat;

type MakeSpan = fn(&Request) -> Span;
type OnResponse<B> = fn(&Response<B>, Duration, &Span);

pub fn layer<B>(
) -> TraceLayer<SharedClassifier<ServerErrorsAsFailures>, MakeSpan, (), OnResponse<B>> {
    TraceLayer::new_for_http()
        .make_span_with(make_span as MakeSpan)
        .on_request(())
        .on_response(on_response::<B> as OnResponse<B>)
}

fn make_span(request: &Request) -> Span {
    // The matched route when there is one; otherwise the path without its query string,
    // which may carry user input.
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| request.uri().path().to_string());
    tracing::info_span!("request", method = %request.method(), route, status = tracing::field::Empty)
}

fn on_response<B>(response: &Response<B>, latency: Duration, span: &Span) {
    span.record("status", response.status().as_u16());
    tracing::info!(
        status = response.status().as_u16(),
        latency_ms = latency.as_millis() as u64,
        "answered"
    );
}

/// What is still queued for stderr is written when this is dropped: keep it until exit.
pub type LogGuard = tracing_appender::non_blocking::WorkerGuard;

/// What is logged when `RUST_LOG` does not say: info, but tower-sessions at warn. It opens an
/// info span for each session read and each request (`#[tracing::instrument]`'s default
/// level) that no line of ours uses; they were about 2 % of a server-function call
/// (docs/benchmarks.md, issue #28). Its warnings and errors (a malformed session id, a
/// failed save) are still logged.
pub const DEFAULT_FILTER: &str = "info,tower_sessions=warn,tower_sessions_core=warn";

/// Logs to stderr, as text or JSON lines; `RUST_LOG` filters (default: [`DEFAULT_FILTER`]).
/// Text is coloured only on a terminal: a log file or journal gets no escape codes.
///
/// A thread of its own writes the lines, in batches (`tracing_appender::non_blocking` over a
/// buffered stderr, flushed whenever the queue runs empty): a request formats its line and
/// goes on, rather than taking stderr's lock and making a system call of its own. That was
/// 6 % of a server-function call (docs/benchmarks.md, issue #28). Not lossy: when 128k lines
/// wait, requests wait for the writer rather than drop lines. A line still queued when the
/// process is killed outright is lost; a normal stop writes it (the guard).
pub fn init_tracing(format: LogFormat) -> LogGuard {
    // (`try_init` also routes the `log` records of dependencies into it.)
    use tracing_subscriber::util::SubscriberInitExt;
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .thread_name("log-writer")
        .finish(std::io::BufWriter::new(std::io::stderr()));
    let _ = subscriber(format, writer).try_init();
    guard
}

/// The subscriber `init_tracing` installs, writing to `writer` (tests capture it).
fn subscriber<W>(format: LogFormat, writer: W) -> Box<dyn tracing::Subscriber + Send + Sync>
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    use std::io::IsTerminal;
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(writer);
    match format {
        LogFormat::Text => Box::new(builder.finish()),
        // One object per line, the span's fields (route, status) included.
        LogFormat::Json => Box::new(builder.json().with_current_span(true).finish()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("lock").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// The default filter parses (`EnvFilter::new` would drop a bad directive silently), keeps
    /// our info lines and tower-sessions' warnings, and leaves out its info spans.
    #[test]
    fn the_default_filter_leaves_out_tower_sessions_spans_only() {
        use tracing::Level;
        let filter = tracing_subscriber::EnvFilter::try_new(DEFAULT_FILTER).expect("parses");
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::sink)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            assert!(tracing::enabled!(target: "dashboard_core::web", Level::INFO));
            assert!(tracing::enabled!(target: "atlas_client::client", Level::INFO));
            assert!(!tracing::enabled!(target: "tower_sessions_core::session", Level::INFO));
            assert!(!tracing::enabled!(target: "tower_sessions::service", Level::INFO));
            assert!(tracing::enabled!(target: "tower_sessions::service", Level::WARN));
            assert!(tracing::enabled!(target: "tower_sessions_core::session", Level::ERROR));
        });
    }

    #[test]
    fn json_logs_are_one_object_per_line() {
        let captured = Captured::default();
        let sink = captured.clone();
        let subscriber = subscriber(LogFormat::Json, move || sink.clone());
        tracing::subscriber::with_default(subscriber, || {
            let span = tracing::info_span!("request", route = "/projects/{group_id}");
            let _entered = span.enter();
            tracing::info!(status = 200u16, "answered");
        });
        let text = String::from_utf8(captured.0.lock().expect("lock").clone()).expect("utf-8");
        let line: serde_json::Value = serde_json::from_str(text.trim()).expect("one JSON object");
        assert_eq!(line["fields"]["message"], "answered");
        assert_eq!(line["fields"]["status"], 200);
        assert_eq!(line["span"]["route"], "/projects/{group_id}");
        assert_eq!(line["level"], "INFO");
    }
}
