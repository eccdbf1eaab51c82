//! The endpoints. Each reads its input with the library's readers and answers with the JSON
//! the command writes for the same input.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use health_equity_assessment::stats::{
    Alternative, HodgesLehmannOptions, McNemarMethod, McNemarOptions, Method, UnknownOption, WilcoxonOptions,
    ZeroMethod,
};
use health_equity_assessment::{
    BatchLine, BatchOutput, Cohort, CohortOptions, CohortRecord, CompareOptions, FollowUpWindow, Instrument,
    InstrumentListing, ItemMap, PairedWaves, Problem, ProblemRecord, Program, Registry, ResponseError, ResponseLimits,
    SchemaKind, ValidationResult, compare, fhir, parse_date, redcap, write_batch_line,
};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::AppState;
use crate::problem::Failure;

type Shared = State<Arc<AppState>>;

pub fn router(state: Arc<AppState>) -> Router {
    let mut router = Router::new()
        .route("/", get(crate::forms::index))
        .route("/forms/style.css", get(crate::forms::style))
        .route("/forms/live.js", get(crate::forms::script))
        .route("/forms/{id}/{version}", get(crate::forms::form).post(crate::forms::submit))
        // The service's body limit bounds the whole upload (axum's default is 2 MB).
        .route(
            "/forms/{id}/{version}/prefill",
            post(crate::forms::prefill).layer(axum::extract::DefaultBodyLimit::max(state.limits.body_bytes)),
        )
        .route("/forms/{id}/{version}/live", post(crate::forms::live))
        .route("/healthz", get(healthz))
        .route("/openapi.json", get(openapi))
        .route("/v1/instruments", get(instruments))
        .route("/v1/instruments/{id}/{version}", get(instrument))
        .route("/v1/instruments/{id}/{version}/fhir-questionnaire", get(fhir_questionnaire))
        .route("/v1/instruments/{id}/{version}/redcap-dictionary", get(redcap_dictionary))
        .route("/v1/schemas/{kind}", get(schema))
        .route("/v1/validate", post(validate))
        .route("/v1/score", post(score))
        .route("/v1/diff", post(diff))
        .route("/v1/cohort", post(cohort));
    if state.test_routes {
        router = router.route("/_test/panic", get(test_panic)).route("/_test/sleep", get(test_sleep));
    }
    router.fallback(not_found).with_state(state)
}

// ---- Answers -------------------------------------------------------------------------------

/// JSON as the command prints it: pretty, with a final newline.
fn json<T: serde::Serialize>(value: &T) -> Response {
    let mut body = serde_json::to_vec_pretty(value).unwrap_or_default();
    body.push(b'\n');
    with_type(body, "application/json")
}

fn with_type(body: impl Into<Body>, content_type: &'static str) -> Response {
    let mut response = Response::new(body.into());
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

async fn not_found() -> Failure {
    Failure::one(StatusCode::NOT_FOUND, "not_found", "no such endpoint")
}

/// A method an endpoint does not take: a problem document (axum adds `Allow`).
pub(crate) async fn method_not_allowed(method: axum::http::Method) -> Failure {
    Failure::one(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", format!("{method} is not allowed here"))
}

// ---- Reading requests ----------------------------------------------------------------------

/// The media type of the request, lowercase, without parameters.
fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    Some(value.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
}

pub(crate) fn require(headers: &HeaderMap, accepted: &[&str]) -> Result<String, Failure> {
    match media_type(headers) {
        Some(found) if accepted.contains(&found.as_str()) => Ok(found),
        found => Err(Failure::one(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!(
                "the request body must be {} (Content-Type was {})",
                accepted.join(" or "),
                found.map_or_else(|| "missing".to_owned(), |f| format!("{f:?}"))
            ),
        )),
    }
}

pub(crate) async fn read_body(body: Body, limit: usize) -> Result<Bytes, Failure> {
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        let inner = e.into_inner();
        let too_large = {
            let mut source: Option<&(dyn std::error::Error + 'static)> = Some(inner.as_ref());
            let mut found = false;
            while let Some(error) = source {
                if error.is::<http_body_util::LengthLimitError>() {
                    found = true;
                    break;
                }
                source = error.source();
            }
            found
        };
        if too_large {
            Failure::one(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!("the request body is larger than the limit of {limit} bytes"),
            )
        } else {
            Failure::one(
                StatusCode::BAD_REQUEST,
                "unreadable_body",
                format!("the request body could not be read: {inner}"),
            )
        }
    })
}

/// The status for a document's problems: 400 when it is not JSON text at all, 413 when it is
/// too large, 422 when it is JSON that fails validation.
fn document_status(records: &[ProblemRecord]) -> StatusCode {
    if records.iter().any(|r| r.code == "syntax" || r.code == "not_utf8") {
        StatusCode::BAD_REQUEST
    } else if records.iter().any(|r| r.code == "too_large" && r.pointer.as_deref().unwrap_or("").is_empty()) {
        StatusCode::PAYLOAD_TOO_LARGE
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

fn document_failure(e: &ResponseError) -> Failure {
    let records = e.records();
    Failure::new(document_status(&records), e.to_string(), records)
}

fn option_failure(name: &str, problem: &impl Problem) -> Failure {
    named_failure(name, ProblemRecord::of(problem))
}

/// A bad query option: 400, the message naming the option.
fn named_failure(name: &str, mut record: ProblemRecord) -> Failure {
    record.message = format!("{name}: {}", record.message);
    Failure::new(StatusCode::BAD_REQUEST, record.message.clone(), vec![record])
}

/// The program completed on `date` with its follow-up window (default one month); `failure`
/// turns a bad value, named by its field (`program/completed_on`, `window`), into the
/// endpoint's answer.
fn program(
    date: &str,
    window: Option<&str>,
    failure: impl Fn(&str, ProblemRecord) -> Failure,
) -> Result<Program, Failure> {
    let date = parse_date(date).map_err(|e| failure("program/completed_on", ProblemRecord::of(&e)))?;
    let window: FollowUpWindow = match window {
        Some(text) => {
            text.parse().map_err(|e: health_equity_assessment::WindowError| failure("window", ProblemRecord::of(&e)))?
        }
        None => FollowUpWindow::default(),
    };
    Ok(Program::new(date).with_window(window))
}

fn query_failure(e: &QueryRejection) -> Failure {
    Failure::one(StatusCode::BAD_REQUEST, "invalid_query", format!("the query is not valid: {}", e.body_text()))
}

pub(crate) fn instrument_of<'r>(registry: &'r Registry, id: &str, version: &str) -> Result<&'r Instrument, Failure> {
    let unknown = || {
        let known: Vec<String> =
            registry.iter().map(|i| i.reference().to_string()).filter(|r| r.starts_with(&format!("{id}@"))).collect();
        Failure::one(
            StatusCode::NOT_FOUND,
            "unknown_instrument",
            format!(
                "no instrument {id}@{version}{}",
                if known.is_empty() { String::new() } else { format!(" (available: {})", known.join(", ")) }
            ),
        )
    };
    let version = version.parse().map_err(|_| unknown())?;
    registry.by_version(id, &version).ok_or_else(unknown)
}

/// `ID@VERSION`, `ID@REQUIREMENT` or `ID` (the latest).
fn instrument_spec<'r>(registry: &'r Registry, spec: &str) -> Result<&'r Instrument, Failure> {
    let (id, version) = spec.split_once('@').unwrap_or((spec, "*"));
    let found = match version.parse() {
        Ok(exact) => registry.by_version(id, &exact),
        Err(_) => match version.parse::<semver::VersionReq>() {
            Ok(requirement) => registry.by_requirement(id, &requirement),
            Err(_) => None,
        },
    };
    found.ok_or_else(|| {
        Failure::one(StatusCode::NOT_FOUND, "unknown_instrument", format!("no instrument matches {spec:?}"))
    })
}

// ---- Endpoints -----------------------------------------------------------------------------

async fn healthz() -> Response {
    json(&serde_json::json!({ "status": "ok" }))
}

async fn openapi() -> Response {
    json(&crate::openapi())
}

async fn instruments(State(state): Shared) -> Response {
    let listing: Vec<InstrumentListing> = state.registry.iter().map(InstrumentListing::of).collect();
    json(&listing)
}

async fn instrument(State(state): Shared, Path((id, version)): Path<(String, String)>) -> Result<Response, Failure> {
    Ok(json(instrument_of(&state.registry, &id, &version)?))
}

async fn fhir_questionnaire(
    State(state): Shared,
    Path((id, version)): Path<(String, String)>,
) -> Result<Response, Failure> {
    let instrument = instrument_of(&state.registry, &id, &version)?;
    Ok(json(&fhir::export_instrument(instrument, &fhir::FhirOptions::default())))
}

async fn redcap_dictionary(
    State(state): Shared,
    Path((id, version)): Path<(String, String)>,
) -> Result<Response, Failure> {
    let instrument = instrument_of(&state.registry, &id, &version)?;
    let text = redcap::export_instrument(instrument, &redcap::RedcapOptions::default());
    Ok(with_type(text, "text/csv; charset=utf-8"))
}

/// `?instrument=` of the schema endpoint.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SchemaQuery {
    instrument: Option<String>,
}

async fn schema(
    State(state): Shared,
    Path(kind): Path<String>,
    query: Result<Query<SchemaQuery>, QueryRejection>,
) -> Result<Response, Failure> {
    let Query(query) = query.map_err(|e| query_failure(&e))?;
    let Some(found) = SchemaKind::from_name(&kind) else {
        let names: Vec<&str> = SchemaKind::ALL.iter().map(|k| k.name()).collect();
        return Err(Failure::one(
            StatusCode::NOT_FOUND,
            "unknown_schema",
            format!("no schema {kind:?} (expected one of {})", names.join(", ")),
        ));
    };
    match (found, query.instrument) {
        (SchemaKind::Response, Some(spec)) => Ok(json(&instrument_spec(&state.registry, &spec)?.response_schema())),
        (_, Some(_)) => Err(Failure::one(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            format!("?instrument= applies to the response schema only, not {kind}"),
        )),
        (kind, None) => Ok(with_type(kind.schema_text(), "application/json")),
    }
}

async fn validate(State(state): Shared, headers: HeaderMap, body: Body) -> Result<Response, Failure> {
    require(&headers, &["application/json"])?;
    let bytes = read_body(body, state.limits.body_bytes).await?;
    let result = state.registry.validate_slice_with(&bytes, &ResponseLimits::default());
    match &result {
        Ok(_) => Ok(json(&ValidationResult::of(&result))),
        Err(e) => Err(document_failure(e)),
    }
}

/// `?report=` of the score endpoint.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScoreQuery {
    #[serde(default)]
    report: ReportKind,
}

#[derive(Debug, Default, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum ReportKind {
    #[default]
    Full,
    Summary,
}

async fn score(
    State(state): Shared,
    headers: HeaderMap,
    query: Result<Query<ScoreQuery>, QueryRejection>,
    body: Body,
) -> Result<Response, Failure> {
    let Query(query) = query.map_err(|e| query_failure(&e))?;
    let media = require(&headers, &["application/json", "application/x-ndjson"])?;
    if media == "application/x-ndjson" {
        let bytes = read_body(body, state.limits.ndjson_bytes).await?;
        let output = match query.report {
            ReportKind::Full => BatchOutput::Report,
            ReportKind::Summary => BatchOutput::Summary,
        };
        let lines = tokio::task::spawn_blocking(move || score_lines(&state.registry, &bytes, output))
            .await
            .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
        return Ok(with_type(lines, "application/x-ndjson"));
    }
    let bytes = read_body(body, state.limits.body_bytes).await?;
    let validated =
        state.registry.validate_slice_with(&bytes, &ResponseLimits::default()).map_err(|e| document_failure(&e))?;
    Ok(match query.report {
        ReportKind::Full => json(&validated.score()),
        ReportKind::Summary => json(&validated.score_summary()),
    })
}

/// `score --ndjson` on a request body: one line out per non-blank line in, in order.
fn score_lines(registry: &Registry, bytes: &[u8], output: BatchOutput) -> Vec<u8> {
    let limits = ResponseLimits::default();
    let mut out = Vec::with_capacity(bytes.len() * 7);
    for (index, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let number = index as u64 + 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        match std::str::from_utf8(line) {
            Ok(text) => {
                let text = text.strip_prefix('\u{feff}').unwrap_or(text);
                if text.trim().is_empty() {
                    continue;
                }
                write_batch_line(&mut out, registry, number, text, &limits, output);
            }
            Err(e) => {
                let message = format!("not UTF-8 text: invalid byte at offset {}", e.valid_up_to());
                let _ = serde_json::to_writer(&mut out, &BatchLine::unreadable(number, "not_utf8", message));
                out.push(b'\n');
            }
        }
    }
    out
}

/// The body of `POST /v1/diff`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DiffRequest {
    /// The baseline response document.
    #[schemars(with = "serde_json::Value")]
    pub baseline: Box<RawValue>,
    /// The follow-up response document.
    #[schemars(with = "serde_json::Value")]
    pub follow_up: Box<RawValue>,
    /// The improvement program: when it was completed (and its name); the follow-up window
    /// is checked when it is given.
    #[serde(default)]
    pub program: Option<ProgramRequest>,
    /// The follow-up window, an ISO 8601 duration (default `P1M`).
    #[serde(default)]
    pub window: Option<String>,
    /// Refuse a follow-up outside the window.
    #[serde(default)]
    pub strict_window: bool,
    /// An item map relating items across major versions.
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub item_map: Option<Box<RawValue>>,
}

/// The improvement program of a diff.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgramRequest {
    /// The day of its last session, `YYYY-MM-DD`.
    pub completed_on: String,
    /// Its name.
    #[serde(default)]
    pub name: Option<String>,
}

fn request_failure(e: &serde_json::Error) -> Failure {
    let (status, code) = match e.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => (StatusCode::BAD_REQUEST, "syntax"),
        serde_json::error::Category::Io | serde_json::error::Category::Data => {
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_request")
        }
    };
    Failure::one(status, code, format!("the request is not a valid diff request: {e}"))
}

async fn diff(State(state): Shared, headers: HeaderMap, body: Body) -> Result<Response, Failure> {
    require(&headers, &["application/json"])?;
    let bytes = read_body(body, state.limits.body_bytes).await?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        Failure::one(StatusCode::BAD_REQUEST, "not_utf8", format!("the request is not UTF-8 text: {e}"))
    })?;
    let request: DiffRequest = serde_json::from_str(text).map_err(|e| request_failure(&e))?;
    let map = match &request.item_map {
        Some(raw) => Some(ItemMap::from_json(raw.get()).map_err(|e| {
            let records: Vec<ProblemRecord> = e
                .records()
                .into_iter()
                .map(|mut r| {
                    r.pointer = Some(format!("/item_map{}", r.pointer.unwrap_or_default()));
                    r
                })
                .collect();
            Failure::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string(), records)
        })?),
        None => None,
    };
    let mut options = CompareOptions::new().with_strict_window(request.strict_window);
    if let Some(program) = &request.program {
        let made = self::program(&program.completed_on, request.window.as_deref(), |field, mut record| {
            record.pointer = Some(format!("/{field}"));
            Failure::new(StatusCode::UNPROCESSABLE_ENTITY, record.message.clone(), vec![record])
        })?;
        options = options.with_program(match &program.name {
            Some(name) => made.with_name(name.clone()),
            None => made,
        });
    }
    if let Some(map) = &map {
        options = options.with_item_map(map);
    }
    let limits = ResponseLimits::default();
    let baseline = state.registry.validate_json_with(request.baseline.get(), &limits);
    let follow_up = state.registry.validate_json_with(request.follow_up.get(), &limits);
    let (baseline, follow_up) = match (baseline, follow_up) {
        (Ok(b), Ok(f)) => (b, f),
        (b, f) => {
            let mut records = Vec::new();
            for (name, result) in [("baseline", &b), ("follow_up", &f)] {
                if let Err(e) = result {
                    records.extend(e.records().into_iter().map(|mut r| {
                        r.pointer = Some(format!("/{name}{}", r.pointer.unwrap_or_default()));
                        r
                    }));
                }
            }
            return Err(Failure::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("{} problem(s) in the documents", records.len()),
                records,
            ));
        }
    };
    match compare(&baseline.score(), &follow_up.score(), &options) {
        Ok(report) => Ok(json(&report)),
        Err(e) => Err(Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("cannot compare: {e}"),
            vec![ProblemRecord::of(&e)],
        )),
    }
}

/// The query of `POST /v1/cohort`: the command's options.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CohortQuery {
    /// The day the improvement program was completed, `YYYY-MM-DD`.
    pub program_completed: Option<String>,
    /// The follow-up window, an ISO 8601 duration (default `P1M`).
    pub window: Option<String>,
    /// Leave pairs outside the window out of the statistics.
    #[serde(default)]
    pub exclude_late: bool,
    /// `wilcox`, `pratt` or `zsplit`.
    pub zero_method: Option<String>,
    /// `two_sided`, `greater` or `less` (`two-sided` is accepted too).
    pub alternative: Option<String>,
    /// `auto`, `exact_conditional`, `asymptotic` or `scipy_exact` (spellings with hyphens are accepted too).
    pub method: Option<String>,
    /// Continuity correction.
    #[serde(default)]
    pub correction: bool,
    /// The Hodges–Lehmann interval's confidence level (default 0.95).
    pub confidence_level: Option<f64>,
    /// `exact` or `chi_square` (`chi-square` is accepted too).
    pub mcnemar: Option<String>,
    /// Which two assessments of each organization form its pair: `first_last` (default),
    /// `first_second` or `last_two` (hyphens accepted too).
    pub pair: Option<String>,
    /// Refuse the cohort when any line is not a valid response.
    #[serde(default)]
    pub strict: bool,
}

fn named<T: std::str::FromStr<Err = UnknownOption>>(name: &str, text: Option<&str>, default: T) -> Result<T, Failure> {
    match text {
        Some(text) => text.parse().map_err(|e: UnknownOption| option_failure(name, &e)),
        None => Ok(default),
    }
}

fn cohort_options(query: &CohortQuery) -> Result<CohortOptions, Failure> {
    let level = query.confidence_level.unwrap_or(0.95);
    if !(level > 0.0 && level < 1.0) {
        return Err(Failure::one(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            format!("confidence_level {level} is not strictly between 0 and 1"),
        ));
    }
    let wilcoxon = WilcoxonOptions::default()
        .with_zero_method(named("zero_method", query.zero_method.as_deref(), ZeroMethod::default())?)
        .with_alternative(named("alternative", query.alternative.as_deref(), Alternative::default())?)
        .with_method(named("method", query.method.as_deref(), Method::default())?)
        .with_correction(query.correction);
    let mcnemar = named("mcnemar", query.mcnemar.as_deref(), McNemarMethod::default())?;
    let mut options = CohortOptions::default()
        .with_hodges_lehmann(HodgesLehmannOptions::following(&wilcoxon).with_confidence_level(level))
        .with_wilcoxon(wilcoxon)
        .with_mcnemar(McNemarOptions::default().with_method(mcnemar))
        .with_exclude_late(query.exclude_late)
        .with_waves(named("pair", query.pair.as_deref(), PairedWaves::default())?);
    if let Some(date) = &query.program_completed {
        options = options.with_program(program(date, query.window.as_deref(), |field, record| {
            named_failure(if field == "window" { "window" } else { "program_completed" }, record)
        })?);
    }
    Ok(options)
}

async fn cohort(
    State(state): Shared,
    headers: HeaderMap,
    query: Result<Query<CohortQuery>, QueryRejection>,
    body: Body,
) -> Result<Response, Failure> {
    let Query(query) = query.map_err(|e| query_failure(&e))?;
    let media = require(&headers, &["application/x-ndjson", "application/json"])?;
    let options = cohort_options(&query)?;
    let bytes = read_body(body, state.limits.ndjson_bytes).await?;
    tokio::task::spawn_blocking(move || {
        let documents: Vec<(usize, &[u8])> = if media == "application/json" {
            let text = std::str::from_utf8(&bytes).map_err(|e| {
                Failure::one(StatusCode::BAD_REQUEST, "not_utf8", format!("the request is not UTF-8 text: {e}"))
            })?;
            let array: Vec<&RawValue> = serde_json::from_str(text).map_err(|e| {
                let status = match e.classify() {
                    serde_json::error::Category::Data => StatusCode::UNPROCESSABLE_ENTITY,
                    _ => StatusCode::BAD_REQUEST,
                };
                Failure::one(status, "syntax", format!("the request is not a JSON array of documents: {e}"))
            })?;
            // Positions are found again below from the raw texts, which borrow `bytes`.
            let base = bytes.as_ptr() as usize;
            array
                .iter()
                .enumerate()
                .map(|(n, raw)| {
                    let start = raw.get().as_ptr() as usize - base;
                    (n + 1, &bytes[start..start + raw.get().len()])
                })
                .collect()
        } else {
            bytes.split(|&b| b == b'\n').enumerate().map(|(n, line)| (n + 1, line)).collect()
        };
        analyze(&state.registry, &documents, &options, query.strict)
    })
    .await
    .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
}

/// Sources are named `<body>:LINE`, as the command names lines of standard input `<stdin>:LINE`.
/// A JSON array's documents are named `<body>:N` by position.
fn analyze(
    registry: &Registry,
    documents: &[(usize, &[u8])],
    options: &CohortOptions,
    strict: bool,
) -> Result<Response, Failure> {
    let limits = ResponseLimits::default();
    let mut cohort = Cohort::new();
    let mut problems = Vec::new();
    for &(number, line) in documents {
        let source = format!("<body>:{number}");
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let text = match std::str::from_utf8(line) {
            Ok(text) => text.strip_prefix('\u{feff}').unwrap_or(text),
            Err(e) => {
                let message = format!("not UTF-8 text: invalid byte at offset {}", e.valid_up_to());
                problems.push(ProblemRecord::new("not_utf8", None, format!("{source}: {message}")));
                cohort.reject(source, vec![message]);
                continue;
            }
        };
        if text.trim().is_empty() {
            continue;
        }
        match registry.validate_json_with(text, &limits) {
            Ok(validated) => cohort.add_record(source, CohortRecord::new(&validated)),
            Err(e) => {
                problems.extend(e.records().into_iter().map(|mut r| {
                    r.message = format!("{source}: {}", r.message);
                    r
                }));
                cohort.reject(source, e.problems().iter().map(ToString::to_string).collect());
            }
        }
    }
    if strict && !problems.is_empty() {
        return Err(Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("{} problem(s) in the cohort's documents", problems.len()),
            problems,
        ));
    }
    match cohort.analyze(options) {
        Ok(report) => Ok(json(&report)),
        Err(e) => Err(Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("cannot analyze the cohort: {e}"),
            vec![ProblemRecord::of(&e)],
        )),
    }
}

// ---- Test-only routes ----------------------------------------------------------------------

async fn test_panic() -> Response {
    panic!("a test of panic recovery")
}

#[derive(Debug, Deserialize)]
struct Sleep {
    ms: u64,
}

async fn test_sleep(Query(sleep): Query<Sleep>) -> Response {
    tokio::time::sleep(std::time::Duration::from_millis(sleep.ms)).await;
    json(&serde_json::json!({ "slept_ms": sleep.ms }))
}
