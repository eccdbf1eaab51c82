//! The native half of the Python package `health_equity_assessment`.
//!
//! Everything here is a thin call into the Rust library: documents come in as UTF-8 bytes and
//! go out as JSON bytes written by the library's own writers (the same bytes the command line
//! prints), and the Python half (`health_equity_assessment/__init__.py`) turns them into dicts
//! with `json.loads`. Errors are raised as the Python package's own exception classes with
//! every problem as a record (code, pointer, message). Work on many documents runs with the
//! interpreter released, so other Python threads go on meanwhile.

use health_equity_assessment::stats::{
    Alternative, HodgesLehmannOptions, McNemarMethod, McNemarOptions, Method, WilcoxonOptions, ZeroMethod,
};
use health_equity_assessment::{
    BatchOutput, Cohort, CohortOptions, CohortRecord, CompareOptions, CsvWriter, FollowUpWindow, Formulas, Instrument,
    InstrumentListing, ItemMap, PairedWaves, Problem, ProblemRecord, Program, Registry, ResponseLimits, SchemaKind,
    ValidatedResponse, compare, parse_date, summary_rows, write_batch_line,
};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// Raises `health_equity_assessment.<class>(message, problems)`, the package's exception with
/// every problem as a record.
fn raise(py: Python<'_>, class: &str, message: String, problems: &[ProblemRecord]) -> PyErr {
    let problems = serde_json::to_string(problems).unwrap_or_else(|_| "[]".to_owned());
    let made = py
        .import("health_equity_assessment._errors")
        .and_then(|m| m.getattr(class))
        .and_then(|c| c.call1((message.clone(), problems)));
    match made {
        Ok(exception) => PyErr::from_value(exception),
        Err(_) => PyValueError::new_err(message),
    }
}

fn one_problem(problem: &impl Problem) -> Vec<ProblemRecord> {
    vec![ProblemRecord::of(problem)]
}

fn bytes<'py>(py: Python<'py>, data: &[u8]) -> Bound<'py, PyBytes> {
    PyBytes::new(py, data)
}

fn to_json_bytes<T: serde::Serialize>(value: &T) -> PyResult<Vec<u8>> {
    serde_json::to_vec(value).map_err(|e| PyValueError::new_err(e.to_string()))
}

/// Text given as `str` or as UTF-8 `bytes`.
#[derive(FromPyObject)]
enum Text {
    Str(String),
    Bytes(Vec<u8>),
}

/// A custom instrument edition, read from its JSON file (`Instrument.from_json`), usable
/// wherever an instrument is taken. The built-in instruments need no object.
#[pyclass(frozen, module = "health_equity_assessment._native", name = "Instrument")]
struct PyInstrument {
    instrument: Instrument,
}

#[pymethods]
impl PyInstrument {
    /// Reads an instrument file's text; raises `InstrumentError` naming every problem.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: Text) -> PyResult<Self> {
        let bytes = match &text {
            Text::Str(s) => s.as_bytes(),
            Text::Bytes(b) => b.as_slice(),
        };
        let Ok(text) = std::str::from_utf8(bytes) else {
            let record = ProblemRecord::new("not_utf8", None, "instrument file: the text is not UTF-8");
            return Err(raise(py, "InstrumentError", record.message.clone(), &[record]));
        };
        match Instrument::from_json(text) {
            Ok(instrument) => Ok(PyInstrument { instrument }),
            Err(e) => Err(raise(py, "InstrumentError", e.to_string(), &e.records())),
        }
    }

    /// The instrument id.
    #[getter]
    fn id(&self) -> &str {
        self.instrument.id()
    }

    /// The edition's semantic version.
    #[getter]
    fn version(&self) -> String {
        self.instrument.version().to_string()
    }

    /// The title.
    #[getter]
    fn title(&self) -> &str {
        self.instrument.title()
    }

    /// `{"id", "version", "title", "categories", "items"}` as JSON.
    fn listing_json(&self) -> PyResult<String> {
        serde_json::to_string(&InstrumentListing::of(&self.instrument))
            .map_err(|e| PyValueError::new_err(e.to_string()))
    }

    fn __repr__(&self) -> String {
        format!("<Instrument {}>", self.instrument.reference())
    }
}

/// The instruments documents are looked up in: the given custom editions, then the built-in
/// ones (a custom edition with a built-in id and version takes its place, as on the command
/// line).
fn registry(instruments: &[PyRef<'_, PyInstrument>]) -> Registry {
    let mut registry = Registry::new();
    for custom in instruments {
        // A second file with the same id and version is the first one again.
        let _ = registry.insert(custom.instrument.clone());
    }
    for builtin in Registry::builtin().iter() {
        let _ = registry.insert(builtin.clone());
    }
    registry
}

/// Validates against `instruments` (or the built-in ones when empty).
fn validate_in<'r>(
    registry: &'r Registry,
    text: &[u8],
    limits: &ResponseLimits,
) -> Result<ValidatedResponse<'r>, health_equity_assessment::ResponseError> {
    registry.validate_slice_with(text, limits)
}

/// Applies `work` to every element of `items` on the available cores, keeping the order.
fn in_parallel<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from).min(items.len() / 64).max(1);
    if threads == 1 {
        return items.iter().map(work).collect();
    }
    let size = items.len().div_ceil(threads);
    let work = &work;
    std::thread::scope(|scope| {
        let parts: Vec<_> =
            items.chunks(size).map(|part| scope.spawn(move || part.iter().map(work).collect::<Vec<R>>())).collect();
        // A panic in a worker is a bug; it reaches Python as an exception through PyO3.
        parts.into_iter().flat_map(|p| p.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    })
}

/// The built-in instruments as a JSON list of listings.
#[pyfunction]
fn instruments_json() -> PyResult<String> {
    let listing: Vec<InstrumentListing> = Registry::builtin().iter().map(InstrumentListing::of).collect();
    serde_json::to_string(&listing).map_err(|e| PyValueError::new_err(e.to_string()))
}

/// Validates one document; returns the validated response as JSON, or raises
/// `ValidationError` with every problem.
#[pyfunction]
#[pyo3(signature = (text, instruments))]
fn validate<'py>(
    py: Python<'py>,
    text: &[u8],
    instruments: Vec<PyRef<'py, PyInstrument>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let registry = registry(&instruments);
    match validate_in(&registry, text, &ResponseLimits::default()) {
        Ok(validated) => Ok(bytes(py, &to_json_bytes(&validated.to_response())?)),
        Err(e) => Err(raise(py, "ValidationError", e.to_string(), &e.records())),
    }
}

/// Scores one document: the score report (or summary) as JSON, byte for byte what
/// `equity-assess score` prints, compact.
#[pyfunction]
#[pyo3(signature = (text, instruments, summary))]
fn score<'py>(
    py: Python<'py>,
    text: &[u8],
    instruments: Vec<PyRef<'py, PyInstrument>>,
    summary: bool,
) -> PyResult<Bound<'py, PyBytes>> {
    let registry = registry(&instruments);
    match validate_in(&registry, text, &ResponseLimits::default()) {
        Ok(validated) => {
            let mut out = Vec::with_capacity(16 << 10);
            if summary {
                validated.write_summary_json(&mut out);
            } else {
                validated.write_score_json(&mut out);
            }
            Ok(bytes(py, &out))
        }
        Err(e) => Err(raise(py, "ValidationError", e.to_string(), &e.records())),
    }
}

/// Scores a batch of documents without the interpreter: returns the batch lines
/// (`{"line", "report"|"summary"|"problems"}`, `line` from `numbers`) as a JSON array, or with
/// `array=False` as newline-delimited JSON, and how many failed.
#[pyfunction]
#[pyo3(signature = (texts, numbers, instruments, summary, array=true, lines=false))]
fn score_lines<'py>(
    py: Python<'py>,
    texts: Vec<Vec<u8>>,
    numbers: Vec<u64>,
    instruments: Vec<PyRef<'py, PyInstrument>>,
    summary: bool,
    array: bool,
    lines: bool,
) -> (Bound<'py, PyBytes>, usize) {
    let registry = registry(&instruments);
    let output = if summary { BatchOutput::Summary } else { BatchOutput::Report };
    let (out, failed) = py.detach(|| {
        let limits = ResponseLimits::default();
        let numbered: Vec<(u64, &[u8])> =
            texts.iter().enumerate().map(|(n, t)| (numbers.get(n).copied().unwrap_or(n as u64 + 1), &t[..])).collect();
        let blank_lines = lines;
        let lines = in_parallel(&numbered, |&(line, text)| {
            // A blank line of a file gives no output line, as in `score --ndjson`.
            if blank_lines
                && std::str::from_utf8(text).is_ok_and(|t| t.strip_prefix('\u{feff}').unwrap_or(t).trim().is_empty())
            {
                return (Vec::new(), true);
            }
            let mut out = Vec::with_capacity(if summary { 2 << 10 } else { 16 << 10 });
            let scored = batch_line(&mut out, &registry, line, text, &limits, output);
            (out, scored)
        });
        let mut out = Vec::with_capacity(lines.iter().map(|(l, _)| l.len() + 1).sum::<usize>() + 2);
        if array {
            out.push(b'[');
        }
        let mut failed = 0;
        let mut first = true;
        for (line, scored) in &lines {
            if line.is_empty() {
                continue;
            }
            if !first && array {
                out.push(b',');
            }
            first = false;
            // Each line ends with a newline: whitespace inside the array.
            out.extend_from_slice(line);
            failed += usize::from(!scored);
        }
        if array {
            out.push(b']');
        }
        (out, failed)
    });
    (bytes(py, &out), failed)
}

/// One batch line, as `equity-assess score --ndjson` writes it (a leading byte-order mark
/// allowed, text that is not UTF-8 reported as such).
fn batch_line(
    out: &mut Vec<u8>,
    registry: &Registry,
    line: u64,
    text: &[u8],
    limits: &ResponseLimits,
    output: BatchOutput,
) -> bool {
    match std::str::from_utf8(text) {
        Ok(text) => {
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            write_batch_line(out, registry, line, text, limits, output)
        }
        Err(e) => {
            let message = format!("not UTF-8 text: invalid byte at offset {}", e.valid_up_to());
            let record = ProblemRecord::new("not_utf8", None, message);
            let line = health_equity_assessment::BatchLine::Problems { line, problems: vec![record] };
            let _ = serde_json::to_writer(&mut *out, &line);
            out.push(b'\n');
            false
        }
    }
}

/// Compares a baseline with a follow-up: the progress report as JSON (`equity-assess diff
/// --format json`), or raises `ValidationError` (a document), `ItemMapError` or `CompareError`.
#[pyfunction]
#[pyo3(signature = (baseline, follow_up, instruments, program_completed, program_name, window, strict_window, item_map))]
#[allow(clippy::too_many_arguments)]
fn diff<'py>(
    py: Python<'py>,
    baseline: &[u8],
    follow_up: &[u8],
    instruments: Vec<PyRef<'py, PyInstrument>>,
    program_completed: Option<&str>,
    program_name: Option<String>,
    window: &str,
    strict_window: bool,
    item_map: Option<&[u8]>,
) -> PyResult<Bound<'py, PyBytes>> {
    let registry = registry(&instruments);
    let map = match item_map {
        Some(text) => {
            let text = std::str::from_utf8(text).map_err(|_| {
                let record = ProblemRecord::new("not_utf8", None, "item map: the text is not UTF-8");
                raise(py, "ItemMapError", record.message.clone(), &[record])
            })?;
            Some(ItemMap::from_json(text).map_err(|e| raise(py, "ItemMapError", e.to_string(), &e.records()))?)
        }
        None => None,
    };
    let program = program(py, program_completed, window)?;
    let limits = ResponseLimits::default();
    let (b, f) = (validate_in(&registry, baseline, &limits), validate_in(&registry, follow_up, &limits));
    let (b, f) = match (b, f) {
        (Ok(b), Ok(f)) => (b, f),
        (b, f) => {
            // Both documents' problems at once, each pointer prefixed with its document.
            let mut records = Vec::new();
            let mut messages = Vec::new();
            for (name, result) in [("baseline", &b), ("follow_up", &f)] {
                if let Err(e) = result {
                    messages.push(format!("{name}: {e}"));
                    records.extend(e.records().into_iter().map(|mut r| {
                        r.pointer = Some(format!("/{name}{}", r.pointer.unwrap_or_default()));
                        r.message = format!("{name}: {}", r.message);
                        r
                    }));
                }
            }
            return Err(raise(py, "ValidationError", messages.join("\n"), &records));
        }
    };
    let mut options = CompareOptions::new().with_strict_window(strict_window);
    if let Some(program) = program {
        options = options.with_program(match program_name {
            Some(name) => program.with_name(name),
            None => program,
        });
    }
    if let Some(map) = &map {
        options = options.with_item_map(map);
    }
    match compare(&b.score(), &f.score(), &options) {
        Ok(report) => Ok(bytes(py, &to_json_bytes(&report)?)),
        Err(e) => Err(raise(py, "CompareError", format!("cannot compare: {e}"), &one_problem(&e))),
    }
}

/// What one document gives a cohort.
enum Outcome<'r> {
    Record(CohortRecord<'r>),
    Problems(Vec<String>),
    /// A blank line of a newline-delimited file.
    Blank,
}

/// Validates `texts` on every core and adds them to the cohort in order. `lines`: the texts
/// are lines of a newline-delimited file, read as the command reads them (blank lines
/// skipped, text that is not UTF-8 named as such).
fn add_documents(
    registry: &Registry,
    cohort: &mut Cohort,
    rejected: &mut usize,
    sources: Vec<String>,
    texts: &[&[u8]],
    lines: bool,
    problems: &mut Vec<String>,
) {
    let limits = ResponseLimits::default();
    let outcomes = in_parallel(texts, |text| {
        let text = match std::str::from_utf8(text) {
            Ok(text) => text.strip_prefix('\u{feff}').unwrap_or(text),
            Err(e) if lines => {
                return Outcome::Problems(vec![format!("not UTF-8 text: invalid byte at offset {}", e.valid_up_to())]);
            }
            Err(_) => {
                return match validate_in(registry, text, &limits) {
                    Ok(validated) => Outcome::Record(CohortRecord::new(&validated)),
                    Err(e) => Outcome::Problems(e.problems().iter().map(ToString::to_string).collect()),
                };
            }
        };
        if lines && text.trim().is_empty() {
            return Outcome::Blank;
        }
        match registry.validate_json_with(text, &limits) {
            Ok(validated) => Outcome::Record(CohortRecord::new(&validated)),
            Err(e) => Outcome::Problems(e.problems().iter().map(ToString::to_string).collect()),
        }
    });
    for (source, outcome) in sources.into_iter().zip(outcomes) {
        match outcome {
            Outcome::Record(record) => cohort.add_record(source, record),
            Outcome::Problems(messages) => {
                problems.extend(messages.iter().map(|m| format!("{source}: {m}")));
                *rejected += 1;
                cohort.reject(source, messages);
            }
            Outcome::Blank => {}
        }
    }
}

/// Reads newline-delimited documents in batches of lines (see `add_lines_file`).
fn read_lines_file(
    registry: &Registry,
    cohort: &mut Cohort,
    rejected: &mut usize,
    path: &std::path::Path,
    name: &str,
) -> std::io::Result<Vec<String>> {
    use std::io::{BufRead, Read};
    const BATCH_BYTES: usize = 8 << 20;
    let limit = ResponseLimits::default().max_document_bytes;
    let mut reader = std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(path)?);
    let mut problems = Vec::new();
    let mut number = 0u64;
    let mut buffer: Vec<u8> = Vec::with_capacity(BATCH_BYTES + limit);
    let mut spans: Vec<(u64, std::ops::Range<usize>)> = Vec::new();
    let mut ended = false;
    while !ended {
        buffer.clear();
        spans.clear();
        while buffer.len() < BATCH_BYTES {
            let start = buffer.len();
            let read = reader.by_ref().take(limit as u64 + 2).read_until(b'\n', &mut buffer)?;
            if read == 0 {
                ended = true;
                break;
            }
            number += 1;
            let mut end = buffer.len();
            if buffer[end - 1] == b'\n' {
                end -= 1;
                if end > start && buffer[end - 1] == b'\r' {
                    end -= 1;
                }
            } else if read > limit {
                // No line end within the limit: report it and stop reading this source.
                let message = format!(
                    "line longer than the limit of {limit} bytes; the rest of this input was not read (its end cannot be found without reading on without bound; raise --max-document-bytes)"
                );
                let source = format!("{name}:{number}");
                problems.push(format!("{source}: {message}"));
                *rejected += 1;
                cohort.reject(source, vec![message]);
                buffer.truncate(start);
                ended = true;
                break;
            }
            spans.push((number, start..end));
        }
        let texts: Vec<&[u8]> = spans.iter().map(|(_, range)| &buffer[range.clone()]).collect();
        let sources = spans.iter().map(|(n, _)| format!("{name}:{n}")).collect();
        add_documents(registry, cohort, rejected, sources, &texts, true, &mut problems);
    }
    Ok(problems)
}

/// The program, when a completion date is given, with its follow-up window.
fn program(py: Python<'_>, completed: Option<&str>, window: &str) -> PyResult<Option<Program>> {
    let window: FollowUpWindow = window.parse().map_err(|e: health_equity_assessment::WindowError| {
        raise(py, "OptionError", format!("window: {e}"), &one_problem(&e))
    })?;
    match completed {
        Some(text) => {
            let date = parse_date(text)
                .map_err(|e| raise(py, "OptionError", format!("program_completed: {e}"), &one_problem(&e)))?;
            Ok(Some(Program::new(date).with_window(window)))
        }
        None => Ok(None),
    }
}

fn option<T: std::str::FromStr<Err = health_equity_assessment::stats::UnknownOption>>(
    py: Python<'_>,
    name: &str,
    text: &str,
) -> PyResult<T> {
    text.parse().map_err(|e: health_equity_assessment::stats::UnknownOption| {
        raise(py, "OptionError", format!("{name}: {e}"), &one_problem(&e))
    })
}

/// A cohort being read: documents are added in batches (validated and reduced to compact
/// records without the interpreter), then analyzed.
#[pyclass(module = "health_equity_assessment._native", name = "CohortBuilder")]
struct PyCohortBuilder {
    registry: Registry,
    cohort: Cohort,
    rejected: usize,
    /// The options of the last analysis, for its tidy rows.
    analyzed: Option<CohortOptions>,
}

#[pymethods]
impl PyCohortBuilder {
    #[new]
    #[pyo3(signature = (instruments))]
    fn new(instruments: Vec<PyRef<'_, PyInstrument>>) -> Self {
        PyCohortBuilder { registry: registry(&instruments), cohort: Cohort::new(), rejected: 0, analyzed: None }
    }

    /// Adds documents named by `sources`; documents with problems are recorded as rejected.
    /// Returns the problem lines (`source: message`) of this batch. `lines`: the texts are
    /// lines of a newline-delimited file (blank ones are skipped).
    #[pyo3(signature = (sources, texts, lines=false))]
    fn add(&mut self, py: Python<'_>, sources: Vec<String>, texts: Vec<Vec<u8>>, lines: bool) -> PyResult<Vec<String>> {
        if sources.len() != texts.len() {
            return Err(PyValueError::new_err("sources and texts differ in length"));
        }
        let PyCohortBuilder { registry, cohort, rejected, .. } = self;
        Ok(py.detach(move || {
            let texts: Vec<&[u8]> = texts.iter().map(|t| &t[..]).collect();
            let mut problems = Vec::new();
            add_documents(registry, cohort, rejected, sources, &texts, lines, &mut problems);
            problems
        }))
    }

    /// Reads a file of newline-delimited documents, named `name:LINE` as the command names
    /// them: blank lines skipped, a line over the document size limit ends the file (its end
    /// cannot be found without reading on without bound). Returns the problem lines.
    fn add_lines_file(&mut self, py: Python<'_>, path: std::path::PathBuf, name: String) -> PyResult<Vec<String>> {
        let PyCohortBuilder { registry, cohort, rejected, .. } = self;
        py.detach(|| read_lines_file(registry, cohort, rejected, &path, &name))
            .map_err(|e| pyo3::exceptions::PyOSError::new_err(format!("{name}: cannot read: {e}")))
    }

    /// Records `source` as rejected with these problem messages (a document that could not
    /// even be written as JSON text).
    fn reject(&mut self, source: String, messages: Vec<String>) {
        self.rejected += 1;
        self.cohort.reject(source, messages);
    }

    /// Records `source` as a duplicate of `same_as` (the same file named twice).
    fn duplicate(&mut self, source: String, same_as: String) {
        self.cohort.duplicate(source, same_as);
    }

    /// The number of assessments added.
    fn __len__(&self) -> usize {
        self.cohort.len()
    }

    /// Analyzes the cohort: `(report, summary rows)` as JSON, the report being
    /// `equity-assess cohort --format json` and the rows those of `--summary-csv`.
    #[pyo3(signature = (program_completed, window, exclude_late, zero_method, alternative, method, correction, confidence_level, mcnemar, max_assessments, pair="first_last"))]
    #[allow(clippy::too_many_arguments)]
    fn analyze<'py>(
        &mut self,
        py: Python<'py>,
        program_completed: Option<&str>,
        window: &str,
        exclude_late: bool,
        zero_method: &str,
        alternative: &str,
        method: &str,
        correction: bool,
        confidence_level: f64,
        mcnemar: &str,
        max_assessments: Option<usize>,
        pair: &str,
    ) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
        if !(confidence_level > 0.0 && confidence_level < 1.0) {
            let message = format!("confidence_level: {confidence_level} is not strictly between 0 and 1");
            let record = ProblemRecord::new("invalid_value", None, message.clone());
            return Err(raise(py, "OptionError", message, &[record]));
        }
        let wilcoxon = WilcoxonOptions::default()
            .with_zero_method(option::<ZeroMethod>(py, "zero_method", zero_method)?)
            .with_alternative(option::<Alternative>(py, "alternative", alternative)?)
            .with_method(option::<Method>(py, "method", method)?)
            .with_correction(correction);
        let hodges_lehmann = HodgesLehmannOptions::following(&wilcoxon).with_confidence_level(confidence_level);
        let mcnemar = McNemarOptions::default().with_method(option::<McNemarMethod>(py, "mcnemar", mcnemar)?);
        let mut options = CohortOptions::default()
            .with_wilcoxon(wilcoxon)
            .with_mcnemar(mcnemar)
            .with_hodges_lehmann(hodges_lehmann)
            .with_exclude_late(exclude_late)
            .with_waves(option::<PairedWaves>(py, "pair", pair)?);
        if let Some(max) = max_assessments {
            options = options.with_max_assessments(max);
        }
        if let Some(program) = program(py, program_completed, window)? {
            options = options.with_program(program);
        }
        let cohort = &self.cohort;
        let result = py.detach(|| -> Result<_, (String, Vec<ProblemRecord>)> {
            let report =
                cohort.analyze(&options).map_err(|e| (format!("cannot analyze the cohort: {e}"), one_problem(&e)))?;
            Ok((analysis_json(&report)?, analysis_json(&summary_rows(&report))?))
        });
        match result {
            Ok((report, summary)) => {
                self.analyzed = Some(options);
                Ok((bytes(py, &report), bytes(py, &summary)))
            }
            Err((message, records)) => Err(raise(py, "CohortError", message, &records)),
        }
    }

    /// The tidy rows of the last analysis as CSV (`--format csv --raw-csv`: text as written,
    /// header first), or empty bytes when there are none.
    fn tidy_csv<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let Some(options) = &self.analyzed else {
            return Err(PyValueError::new_err("analyze the cohort first"));
        };
        let cohort = &self.cohort;
        let written = py.detach(|| {
            let mut writer = CsvWriter::new(Formulas::Raw);
            for row in cohort.tidy_rows(options) {
                writer.row(&row)?;
            }
            writer.take()
        });
        match written {
            Ok(csv) => Ok(bytes(py, &csv)),
            Err(e) => Err(PyValueError::new_err(e.to_string())),
        }
    }
}

fn analysis_json<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, (String, Vec<ProblemRecord>)> {
    serde_json::to_vec(value).map_err(|e| (e.to_string(), Vec::new()))
}

/// A JSON Schema by name (`equity-assess schema KIND`), or the response schema of one
/// instrument.
#[pyfunction]
#[pyo3(signature = (kind, instrument=None))]
fn schema(py: Python<'_>, kind: &str, instrument: Option<PyRef<'_, PyInstrument>>) -> PyResult<String> {
    let Some(found) = SchemaKind::from_name(kind) else {
        let names: Vec<&str> = SchemaKind::ALL.iter().map(|k| k.name()).collect();
        let message = format!("unknown schema {kind:?} (expected one of {})", names.join(", "));
        let record = ProblemRecord::new("unknown_option", None, message.clone());
        return Err(raise(py, "OptionError", message, &[record]));
    };
    match (found, instrument) {
        (SchemaKind::Response, Some(instrument)) => serde_json::to_string(&instrument.instrument.response_schema())
            .map_err(|e| PyValueError::new_err(e.to_string())),
        (_, Some(_)) => {
            let message = format!("an instrument applies to the response schema only, not {}", found.name());
            let record = ProblemRecord::new("invalid_value", None, message.clone());
            Err(raise(py, "OptionError", message, &[record]))
        }
        (kind, None) => Ok(kind.schema_text()),
    }
}

/// The response schema of a built-in instrument given as `ID@VERSION` or `ID`.
#[pyfunction]
fn builtin_response_schema(py: Python<'_>, id: &str, version: Option<&str>) -> PyResult<String> {
    let registry = Registry::builtin();
    let found = match version {
        Some(v) => v.parse().ok().and_then(|v| registry.by_version(id, &v)),
        None => registry.latest(id),
    };
    match found {
        Some(instrument) => {
            serde_json::to_string(&instrument.response_schema()).map_err(|e| PyValueError::new_err(e.to_string()))
        }
        None => {
            let message = format!("no built-in instrument {id}@{}", version.unwrap_or("latest"));
            let record = ProblemRecord::new("unknown_instrument", None, message.clone());
            Err(raise(py, "OptionError", message, &[record]))
        }
    }
}

/// The native module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("ENGINE_VERSION", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<PyInstrument>()?;
    m.add_class::<PyCohortBuilder>()?;
    m.add_function(wrap_pyfunction!(instruments_json, m)?)?;
    m.add_function(wrap_pyfunction!(validate, m)?)?;
    m.add_function(wrap_pyfunction!(score, m)?)?;
    m.add_function(wrap_pyfunction!(score_lines, m)?)?;
    m.add_function(wrap_pyfunction!(diff, m)?)?;
    m.add_function(wrap_pyfunction!(schema, m)?)?;
    m.add_function(wrap_pyfunction!(builtin_response_schema, m)?)?;
    Ok(())
}
