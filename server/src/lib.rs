//! `equity-assess-server`: the scoring service. Every endpoint is a thin call into the
//! `health-equity-assessment` library and answers with the same JSON documents, byte for byte,
//! as the `equity-assess` command; errors are RFC 9457 problem documents listing every problem.
//!
//! [`app`] builds the router (used by the binary and by the tests), [`serve`] runs it until a
//! shutdown signal and lets in-flight requests finish, [`openapi`] is the contract.

mod forms;
mod metrics;
mod openapi;
mod problem;
mod routes;

use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use health_equity_assessment::{Instrument, Registry};
use tower_http::request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};

pub use crate::openapi::openapi;
pub use crate::problem::ProblemDetails;

/// Limits of the service.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest JSON request body in bytes (default 16 MiB).
    pub body_bytes: usize,
    /// Largest NDJSON request body in bytes (`/v1/score` streams and `/v1/cohort`; default
    /// 64 MiB).
    pub ndjson_bytes: usize,
    /// Longest time a request may take (default 30 s).
    pub timeout: Duration,
    /// Requests handled at once; more wait (default 64).
    pub concurrency: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { body_bytes: 16 << 20, ndjson_bytes: 64 << 20, timeout: Duration::from_secs(30), concurrency: 64 }
    }
}

/// What the handlers share.
#[derive(Debug)]
pub struct AppState {
    registry: Registry,
    limits: Limits,
    /// Whether the test-only routes (`/_test/panic`, `/_test/sleep`) exist.
    test_routes: bool,
}

impl AppState {
    /// A service over these instruments with these limits.
    pub fn new(registry: Registry, limits: Limits) -> Self {
        AppState { registry, limits, test_routes: false }
    }

    /// Adds `/_test/panic` and `/_test/sleep?ms=N`, for tests of panic recovery, timeouts and
    /// graceful shutdown. Never in the binary.
    #[must_use]
    pub fn with_test_routes(mut self) -> Self {
        self.test_routes = true;
        self
    }
}

/// The built-in instruments plus every `*.json` instrument file in `dir` (a file takes the
/// place of a built-in instrument with the same id and version).
///
/// # Errors
/// Every problem of every file, one line each, naming the file.
pub fn load_instruments(dir: Option<&Path>) -> Result<Registry, Vec<String>> {
    let mut registry = Registry::new();
    let mut problems = Vec::new();
    if let Some(dir) = dir {
        let entries = std::fs::read_dir(dir).map_err(|e| vec![format!("{}: cannot read: {e}", dir.display())])?;
        let mut paths: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        paths.sort();
        for path in paths {
            let text = match std::fs::read_to_string(&path) {
                Ok(text) => text,
                Err(e) => {
                    problems.push(format!("{}: cannot read: {e}", path.display()));
                    continue;
                }
            };
            match Instrument::from_json(&text) {
                Ok(instrument) => {
                    if let Err(e) = registry.insert(instrument) {
                        problems.push(format!("{}: {e}", path.display()));
                    }
                }
                Err(e) => problems.extend(e.problems().iter().map(|p| format!("{}: {p}", path.display()))),
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    for builtin in Registry::builtin().iter() {
        let _ = registry.insert(builtin.clone());
    }
    Ok(registry)
}

/// Request ids: a counter, unique for the life of the process.
#[derive(Debug, Clone, Default)]
struct Counter(Arc<AtomicU64>);

impl MakeRequestId for Counter {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let n = self.0.fetch_add(1, Ordering::Relaxed) + 1;
        HeaderValue::from_str(&format!("req-{n}")).ok().map(RequestId::new)
    }
}

/// The router with every endpoint and layer: request ids, logs, metrics, the timeout, the
/// concurrency limit, and panic recovery.
pub fn app(state: AppState) -> Router {
    let timeout = state.limits.timeout;
    let concurrency = state.limits.concurrency.max(1);
    let metrics = Arc::new(metrics::Metrics::default());
    let state = Arc::new(state);
    let trace = tower_http::trace::TraceLayer::new_for_http()
        .make_span_with(|request: &Request<_>| {
            let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", id = %id, method = %request.method(), uri = %request.uri())
        })
        .on_request(tower_http::trace::DefaultOnRequest::new().level(tracing::Level::INFO))
        .on_response(tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO));
    routes::router(state)
        .route("/metrics", axum::routing::get(metrics::serve).with_state(metrics.clone()))
        // After every route: the fallback applies to the routes already added.
        .method_not_allowed_fallback(routes::method_not_allowed)
        .layer(axum::middleware::from_fn(move |request, next| deadline(timeout, request, next)))
        .layer(tower::limit::ConcurrencyLimitLayer::new(concurrency))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panicked))
        .layer(axum::middleware::from_fn_with_state(metrics, metrics::record))
        .layer(trace)
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(Counter::default()))
        .layer(axum::middleware::map_response(security_headers))
}

/// Headers for every answer, errors included (a page sets its own, stricter policy): nothing
/// sniffed, no referrer sent on, nothing loaded or framed from a JSON or error answer.
async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.entry(header::X_CONTENT_TYPE_OPTIONS).or_insert(HeaderValue::from_static("nosniff"));
    headers.entry(header::REFERRER_POLICY).or_insert(HeaderValue::from_static("no-referrer"));
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"));
    response
}

/// A request over the time limit is answered 503 with a problem (the work it started is left
/// to finish on its own).
async fn deadline(limit: Duration, request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => problem::Failure::one(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            format!("the request took longer than the limit of {} ms", limit.as_millis()),
        )
        .into_response(),
    }
}

/// A panic in a handler: logged, answered 500 with a problem; the server goes on.
fn panicked(payload: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = %what, "a handler panicked");
    problem::Failure::one(StatusCode::INTERNAL_SERVER_ERROR, "internal", "an internal error stopped this request")
        .into_response()
}

/// Serves `app` on `listener` until `shutdown` completes, then stops accepting connections
/// and lets in-flight requests finish.
///
/// # Errors
/// When the listener fails.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}
