//! `equity-assess`: validate, score and compare health-equity organizational self-assessments
//! from the command line, for services in any language.
//!
//! Exit status: 0 success, 1 invalid input (a document or instrument with problems), 2 usage
//! (bad arguments, unreadable files). Every failure is reported as one line per problem on
//! standard error; the command never panics on any input.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod cohort;
pub mod input;
pub mod render;

use std::ffi::OsString;
use std::io::{self, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use health_equity_assessment::batch::{ProblemRecord, ValidationResult};
use health_equity_assessment::cohort::synthetic::{self, SyntheticCohort};
use health_equity_assessment::cohort::{CohortOptions, summary_rows};
use health_equity_assessment::progress::{CompareOptions, FollowUpWindow, ItemMap, Program, compare};
use health_equity_assessment::{
    Formulas, Instrument, InstrumentListing, Registry, ResponseError, SchemaKind, ValidatedResponse, escape_controls,
};
use health_equity_assessment::{fhir, stats};
use serde::Serialize;

/// Validate, score and compare health-equity organizational self-assessments.
///
/// Documents are JSON; FILE may be `-` for standard input. Exit status: 0 success, 1 invalid
/// input, 2 usage error.
#[derive(Debug, Parser)]
#[command(name = "equity-assess", version, about, long_about = None, max_term_width = 100)]
struct Cli {
    /// Largest document (or newline-delimited line) read, in bytes; larger inputs are refused
    /// before being read in full.
    #[arg(
        long,
        global = true,
        value_name = "BYTES",
        default_value_t = input::DEFAULT_MAX_BYTES,
        value_parser = clap::value_parser!(u64).range(1..=input::MAX_MAX_BYTES)
    )]
    max_document_bytes: u64,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the built-in instruments.
    Instruments {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// Print a JSON Schema (draft 2020-12).
    Schema {
        /// Which document: instrument, response or score-report.
        #[arg(value_parser = schema_names())]
        kind: String,
        /// With `response`: the schema for responses to this instrument only (ID@VERSION,
        /// where VERSION is exact or a requirement such as `^1`).
        #[arg(long, value_name = "ID@VERSION", conflicts_with = "instrument_file")]
        instrument: Option<String>,
        /// With `response`: the schema for responses to this instrument file.
        #[arg(long, value_name = "PATH")]
        instrument_file: Option<String>,
    },
    /// Check a response document; print every problem, one per line.
    Validate {
        /// The response document (`-` for standard input).
        file: String,
        /// Check against this instrument file instead of the built-in one the response names.
        #[arg(long, value_name = "PATH")]
        instrument_file: Option<String>,
        /// Output format: text (problems on stderr) or json (a result object on stdout).
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// Compare a baseline with a follow-up of the same organization.
    ///
    /// Both are response documents; they are validated and scored first. Give the earlier
    /// assessment first.
    Diff {
        /// The baseline response document.
        baseline: String,
        /// The follow-up response document.
        follow_up: String,
        /// The day the improvement program was completed (YYYY-MM-DD): checks that the
        /// follow-up was taken within the window after it.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        program_completed: Option<jiff::civil::Date>,
        /// The program's name, for the report.
        #[arg(long, value_name = "NAME", requires = "program_completed")]
        program_name: Option<String>,
        /// The follow-up window, an ISO 8601 duration of days, weeks, months or years
        /// [default: P1M]. The completion day and the deadline both count as within.
        #[arg(long, value_name = "DURATION", value_parser = parse_window, requires = "program_completed")]
        window: Option<FollowUpWindow>,
        /// Fail (exit 1) when the follow-up is after the window's deadline.
        #[arg(long, requires = "program_completed")]
        strict_window: bool,
        /// An item map connecting different major versions of the instrument.
        #[arg(long, value_name = "FILE")]
        item_map: Option<String>,
        /// Instrument files for versions that are not built in (repeatable); they take
        /// precedence over built-ins with the same id and version.
        #[arg(long = "instrument-file", value_name = "PATH")]
        instrument_files: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
    },
    /// Pair many organizations' assessments and summarize the change with paired statistics.
    ///
    /// Inputs are files (one document each; `.ndjson` and `.jsonl` files one per line),
    /// directories (searched recursively) or `-` (newline-delimited JSON on standard input).
    /// Per organization and instrument the earliest assessment is the baseline and the latest
    /// the follow-up. Bad documents are reported by file and line and skipped.
    Cohort {
        /// Files, directories, or `-`.
        #[arg(required = true)]
        inputs: Vec<String>,
        /// The program's completion date: checks every pair's follow-up window.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        program_completed: Option<jiff::civil::Date>,
        /// The follow-up window [default: P1M].
        #[arg(long, value_name = "DURATION", value_parser = parse_window, requires = "program_completed")]
        window: Option<FollowUpWindow>,
        /// Leave pairs with a late follow-up out of the statistics.
        #[arg(long, requires = "program_completed")]
        exclude_late: bool,
        /// Wilcoxon zero method (scipy's `zero_method`).
        #[arg(long, value_enum, default_value_t = ZeroMethodArg::Wilcox)]
        zero_method: ZeroMethodArg,
        /// Alternative hypothesis (greater: the follow-up tends to be higher).
        #[arg(long, value_enum, default_value_t = AlternativeArg::TwoSided)]
        alternative: AlternativeArg,
        /// Wilcoxon p-value method: `auto` reproduces scipy.stats.wilcoxon's default; `exact` is
        /// the exact conditional distribution, which also handles ties and zeros.
        #[arg(long, value_enum, default_value_t = MethodArg::Auto)]
        method: MethodArg,
        /// Continuity correction in the Wilcoxon normal approximation (R's default; not
        /// scipy's). The Hodges–Lehmann interval always uses R's default (corrected).
        #[arg(long)]
        correction: bool,
        /// Confidence level of the Hodges–Lehmann interval.
        #[arg(long, value_name = "LEVEL", default_value_t = 0.95)]
        confidence_level: f64,
        /// McNemar's test: exact binomial, or chi-square with continuity correction.
        #[arg(long, value_enum, default_value_t = McNemarArg::Exact)]
        mcnemar: McNemarArg,
        /// Output: text table, the JSON report, or tidy CSV (one row per organization × phase ×
        /// category).
        #[arg(long, value_enum, default_value_t = CohortFormat::Text)]
        format: CohortFormat,
        /// Also write one CSV row per category with the statistics to this file.
        #[arg(long, value_name = "FILE")]
        summary_csv: Option<String>,
        /// Stop with exit status 1 when any document is bad.
        #[arg(long)]
        strict: bool,
        /// Instrument files for instruments that are not built in (repeatable).
        #[arg(long = "instrument-file", value_name = "PATH")]
        instrument_files: Vec<String>,
        /// Write CSV text cells as they are. By default a cell that a spreadsheet would run as a
        /// formula (beginning with =, +, -, @, tab or carriage return) gets a leading ' (OWASP's
        /// advice against CSV injection); numbers are never changed.
        #[arg(long)]
        raw_csv: bool,
    },
    /// Write a synthetic cohort as newline-delimited JSON (deterministic for a seed).
    SyntheticCohort {
        /// Number of organizations.
        #[arg(long, default_value_t = 100)]
        organizations: usize,
        /// Seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Probability that an item moves up one option at follow-up (the true effect).
        #[arg(long, default_value_t = 0.25, value_parser = probability, allow_negative_numbers = true)]
        effect: f64,
        /// Probability that an item moves down one option.
        #[arg(long, default_value_t = 0.03, value_parser = probability, allow_negative_numbers = true)]
        regression: f64,
        /// Share of follow-ups after the one-month window.
        #[arg(long, default_value_t = 0.05, value_parser = probability, allow_negative_numbers = true)]
        late_share: f64,
        /// Share of organizations with a baseline only.
        #[arg(long, default_value_t = 0.0, value_parser = probability, allow_negative_numbers = true)]
        unpaired_share: f64,
        /// The instrument, ID@VERSION.
        #[arg(long, value_name = "ID@VERSION", default_value = "heoa@1.0.0")]
        instrument: String,
    },
    /// Export an instrument for other systems: a REDCap data dictionary (CSV) or a FHIR R4
    /// Questionnaire (JSON).
    Export {
        /// What to write.
        #[arg(value_enum)]
        kind: ExportKind,
        /// The instrument, ID@VERSION (VERSION exact or a requirement such as `^1`).
        #[arg(long, value_name = "ID@VERSION")]
        instrument: Option<String>,
        /// The instrument file to export instead of a built-in one.
        #[arg(long, value_name = "PATH", conflicts_with = "instrument")]
        instrument_file: Option<String>,
        /// FHIR only: the canonical base URL of the Questionnaire, its code systems and
        /// extensions (default `https://health-equity-assessment.example/fhir`).
        #[arg(long, value_name = "URL")]
        canonical_base: Option<String>,
    },
    /// Import responses from other systems: a REDCap raw record export (CSV; one response
    /// document per record, written as newline-delimited JSON) or a FHIR R4
    /// QuestionnaireResponse (JSON).
    Import {
        /// What to read.
        #[arg(value_enum)]
        kind: ImportKind,
        /// The file (`-` for standard input).
        file: String,
        /// The instrument the REDCap project was made from, ID@VERSION. With `fhir`, optional:
        /// the QuestionnaireResponse names its questionnaire; when given, it must match.
        #[arg(long, value_name = "ID@VERSION")]
        instrument: Option<String>,
        /// The instrument file instead of a built-in one.
        #[arg(long, value_name = "PATH", conflicts_with = "instrument")]
        instrument_file: Option<String>,
        /// FHIR only: the canonical base URL the Questionnaire was exported under (default
        /// `https://health-equity-assessment.example/fhir`).
        #[arg(long, value_name = "URL")]
        canonical_base: Option<String>,
    },
    /// Pre-fill another instrument from a response: which of its items the answers already
    /// support, partly support, or give no evidence for. A starting point, never an attestation.
    Crosswalk {
        /// The response document.
        file: String,
        /// The instrument to pre-fill (an id, e.g. `cms-hche`).
        #[arg(long, value_name = "ID")]
        to: String,
        /// Use this crosswalk file instead of the built-in ones.
        #[arg(long, value_name = "FILE")]
        crosswalk_file: Option<String>,
        /// Instrument files for instruments that are not built in (repeatable).
        #[arg(long = "instrument-file", value_name = "PATH")]
        instrument_files: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
    },
    /// Score a response document, or with `--ndjson` a stream of them.
    Score {
        /// The response document (`-` for standard input).
        file: String,
        /// Read newline-delimited documents and write one JSON line per input line: `{"line":
        /// N, "report": {...}}` or `{"line": N, "problems": [...]}`. Streams in constant memory;
        /// blank lines are skipped; exit status 1 when any line failed.
        #[arg(long, conflicts_with = "format")]
        ndjson: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ReportFormat::Json)]
        format: ReportFormat,
        /// Score with this instrument file instead of the built-in one the response names.
        #[arg(long, value_name = "PATH")]
        instrument_file: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ExportKind {
    /// A REDCap data dictionary (CSV).
    RedcapDictionary,
    /// A FHIR R4 Questionnaire (JSON).
    FhirQuestionnaire,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ImportKind {
    /// A REDCap raw record export (CSV).
    Redcap,
    /// A FHIR R4 QuestionnaireResponse (JSON).
    Fhir,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CohortFormat {
    Text,
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ZeroMethodArg {
    Wilcox,
    Pratt,
    Zsplit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum AlternativeArg {
    TwoSided,
    Greater,
    Less,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum MethodArg {
    /// scipy's default choice.
    Auto,
    /// The exact conditional distribution (ties and zeros included).
    Exact,
    /// The normal approximation with tie correction.
    Asymptotic,
    /// scipy's `method="exact"` (the untied distribution).
    ScipyExact,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum McNemarArg {
    Exact,
    ChiSquare,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DiffFormat {
    Text,
    Json,
    Markdown,
    Html,
}

fn parse_date(text: &str) -> Result<jiff::civil::Date, String> {
    let shape = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !shape {
        return Err(format!("{text:?} is not a date YYYY-MM-DD"));
    }
    text.parse().map_err(|e: jiff::Error| format!("{text:?} is not a calendar date: {e}"))
}

fn parse_window(text: &str) -> Result<FollowUpWindow, String> {
    text.parse().map_err(|e: health_equity_assessment::progress::WindowError| e.to_string())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReportFormat {
    Json,
    Text,
}

fn schema_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(SchemaKind::ALL.iter().map(|k| k.name()))
}

/// How a command failed.
enum Failure {
    /// Bad arguments or unreadable files: exit 2.
    Usage(String),
    /// A document or instrument with problems: exit 1, one line each.
    Invalid(Vec<String>),
    /// Standard output went away (for example `| head`): stop quietly.
    Closed,
}

impl From<input::InputError> for Failure {
    fn from(e: input::InputError) -> Self {
        // A file that was read but is too large or not UTF-8 is a bad document (exit 1); one
        // that cannot be read at all is a usage problem (exit 2).
        match e.document_problem_code() {
            Some(_) => Failure::Invalid(vec![e.to_string()]),
            None => Failure::Usage(e.to_string()),
        }
    }
}

/// Runs the command with these arguments (the first is the program name) and returns the
/// exit status.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    // A bug must still end in one line, not a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let _ = writeln!(io::stderr(), "equity-assess: internal error, please report it: {info}");
    }));
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    input::set_max_bytes(cli.max_document_bytes);
    match execute(cli.command) {
        Ok(()) | Err(Failure::Closed) => ExitCode::SUCCESS,
        // Every line on standard error shows control characters escaped: a file name or an id
        // from the input can neither drive the terminal nor forge another line.
        Err(Failure::Usage(message)) => {
            let _ = writeln!(io::stderr(), "equity-assess: {}", escape_controls(&message));
            ExitCode::from(2)
        }
        Err(Failure::Invalid(lines)) => {
            let mut err = io::stderr().lock();
            for line in lines {
                let _ = writeln!(err, "{}", escape_controls(&line));
            }
            ExitCode::from(1)
        }
    }
}

fn execute(command: Command) -> Result<(), Failure> {
    match command {
        Command::Instruments { format } => instruments(format),
        Command::Schema { kind, instrument, instrument_file } => {
            schema(&kind, instrument.as_deref(), instrument_file.as_deref())
        }
        Command::Validate { file, instrument_file, format } => validate(&file, instrument_file.as_deref(), format),
        Command::Export { kind, instrument, instrument_file, canonical_base } => {
            export(kind, instrument.as_deref(), instrument_file.as_deref(), canonical_base.as_deref())
        }
        Command::Import { kind, file, instrument, instrument_file, canonical_base } => {
            import(kind, &file, instrument.as_deref(), instrument_file.as_deref(), canonical_base.as_deref())
        }
        Command::Crosswalk { file, to, crosswalk_file, instrument_files, format } => {
            crosswalk_command(&file, &to, crosswalk_file.as_deref(), &instrument_files, format)
        }
        Command::Score { file, ndjson: true, instrument_file, .. } => score_ndjson(&file, instrument_file.as_deref()),
        Command::Score { file, format, instrument_file, .. } => score(&file, instrument_file.as_deref(), format),
        Command::Cohort {
            inputs,
            program_completed,
            window,
            exclude_late,
            zero_method,
            alternative,
            method,
            correction,
            confidence_level,
            mcnemar,
            format,
            summary_csv,
            strict,
            instrument_files,
            raw_csv,
        } => {
            let alternative = match alternative {
                AlternativeArg::TwoSided => stats::Alternative::TwoSided,
                AlternativeArg::Greater => stats::Alternative::Greater,
                AlternativeArg::Less => stats::Alternative::Less,
            };
            let wilcoxon = stats::WilcoxonOptions::default()
                .with_zero_method(match zero_method {
                    ZeroMethodArg::Wilcox => stats::ZeroMethod::Wilcox,
                    ZeroMethodArg::Pratt => stats::ZeroMethod::Pratt,
                    ZeroMethodArg::Zsplit => stats::ZeroMethod::Zsplit,
                })
                .with_alternative(alternative)
                .with_method(match method {
                    MethodArg::Auto => stats::Method::Auto,
                    MethodArg::Exact => stats::Method::ExactConditional,
                    MethodArg::Asymptotic => stats::Method::Asymptotic,
                    MethodArg::ScipyExact => stats::Method::ScipyExact,
                })
                .with_correction(correction);
            let mcnemar = match mcnemar {
                McNemarArg::Exact => stats::McNemarOptions::default(),
                McNemarArg::ChiSquare => stats::McNemarOptions::default().with_method(stats::McNemarMethod::ChiSquare),
            };
            // The interval follows R's wilcox.test(conf.int = TRUE): continuity correction on,
            // zeros dropped when the test drops them (zero method wilcox).
            let hodges_lehmann = stats::HodgesLehmannOptions::default()
                .with_confidence_level(confidence_level)
                .with_alternative(alternative)
                .with_zero_handling(match zero_method {
                    ZeroMethodArg::Wilcox => stats::ZeroHandling::Drop,
                    _ => stats::ZeroHandling::Keep,
                });
            let mut options = CohortOptions::default()
                .with_wilcoxon(wilcoxon)
                .with_mcnemar(mcnemar)
                .with_hodges_lehmann(hodges_lehmann)
                .with_exclude_late(exclude_late);
            if let Some(date) = program_completed {
                options = options.with_program(Program::new(date).with_window(window.unwrap_or_default()));
            }
            let formulas = if raw_csv { Formulas::Raw } else { Formulas::Neutralize };
            cohort_command(&inputs, &options, format, summary_csv.as_deref(), strict, &instrument_files, formulas)
        }
        Command::SyntheticCohort {
            organizations,
            seed,
            effect,
            regression,
            late_share,
            unpaired_share,
            instrument,
        } => {
            let instrument = lookup(&instrument)?;
            let spec = SyntheticCohort::new(organizations, seed)
                .with_effect(effect)
                .with_regression(regression)
                .with_late_share(late_share)
                .with_unpaired_share(unpaired_share);
            // One document at a time: any number of organizations in constant memory.
            let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
            for response in synthetic::generate(instrument, &spec) {
                let written = serde_json::to_writer(&mut out, &response)
                    .map_err(io::Error::from)
                    .and_then(|()| out.write_all(b"\n"));
                written.map_err(write_failure)?;
            }
            out.flush().map_err(write_failure)
        }
        Command::Diff {
            baseline,
            follow_up,
            program_completed,
            program_name,
            window,
            strict_window,
            item_map,
            instrument_files,
            format,
        } => {
            let program = program_completed.map(|date| {
                let program = Program::new(date).with_window(window.unwrap_or_default());
                match program_name {
                    Some(name) => program.with_name(name),
                    None => program,
                }
            });
            diff(&baseline, &follow_up, program, strict_window, item_map.as_deref(), &instrument_files, format)
        }
    }
}

/// A failed write to standard output: a closed pipe ends the command quietly.
fn write_failure(e: io::Error) -> Failure {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Failure::Closed
    } else {
        Failure::Usage(format!("cannot write to standard output: {e}"))
    }
}

/// Writes to standard output; a closed pipe ends the command quietly.
fn emit(text: &str) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(Failure::Closed),
        Err(e) => Err(Failure::Usage(format!("cannot write to standard output: {e}"))),
    }
}

/// Writes text for a person: any control character that a renderer let through is shown
/// escaped (renderers escape the text they take from input, line breaks included; this keeps
/// escape sequences out of the terminal even if one is missed).
fn emit_text(text: &str) -> Result<(), Failure> {
    if !text.chars().any(|c| c != '\n' && health_equity_assessment::is_unsafe_char(c)) {
        return emit(text);
    }
    let safe: Vec<std::borrow::Cow<'_, str>> = text.split('\n').map(escape_controls).collect();
    emit(&safe.join("\n"))
}

fn emit_json<T: Serialize>(value: &T) -> Result<(), Failure> {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| Failure::Usage(format!("cannot serialize: {e}")))?;
    text.push('\n');
    emit(&text)
}

fn instruments(format: ListFormat) -> Result<(), Failure> {
    let listing: Vec<InstrumentListing> = Registry::builtin().iter().map(InstrumentListing::of).collect();
    match format {
        ListFormat::Json => emit_json(&listing),
        ListFormat::Text => {
            let width = listing.iter().map(|l| l.id.len() + l.version.len() + 1).max().unwrap_or(0);
            let text: String = listing
                .iter()
                .map(|l| {
                    format!(
                        "{}  {:>2} categor{}  {:>3} items  {}\n",
                        render::pad(&format!("{}@{}", l.id, l.version), width),
                        l.categories,
                        if l.categories == 1 { "y  " } else { "ies" },
                        l.items,
                        l.title
                    )
                })
                .collect();
            emit_text(&text)
        }
    }
}

/// Loads `--instrument-file`, or `None` to use the registry.
fn load_instrument_file(path: Option<&str>) -> Result<Option<Instrument>, Failure> {
    let Some(path) = path else { return Ok(None) };
    let text = input::read_text(path, 16 << 20)?;
    Instrument::from_json(&text).map(Some).map_err(|e| {
        Failure::Invalid(e.problems().iter().map(|p| format!("{}: {p}", input::display_name(path))).collect())
    })
}

/// Resolves `ID@VERSION` (exact version or requirement) in the built-in registry.
fn lookup(spec: &str) -> Result<&'static Instrument, Failure> {
    let registry = Registry::builtin();
    let (id, version) = spec.split_once('@').unwrap_or((spec, "*"));
    let found = match semver::Version::parse(version) {
        Ok(v) => registry.get(id, &v),
        Err(_) => match semver::VersionReq::parse(version) {
            Ok(req) => registry.find(id, &req),
            Err(e) => {
                return Err(Failure::Usage(format!(
                    "--instrument {spec}: {version:?} is neither a version nor a requirement: {e}"
                )));
            }
        },
    };
    found.ok_or_else(|| {
        let known: Vec<String> = registry.iter().map(|i| i.reference().to_string()).collect();
        Failure::Usage(format!("--instrument {spec}: no such built-in instrument (known: {})", known.join(", ")))
    })
}

fn schema(kind: &str, instrument: Option<&str>, instrument_file: Option<&str>) -> Result<(), Failure> {
    let kind = SchemaKind::from_name(kind).ok_or_else(|| Failure::Usage(format!("unknown schema {kind:?}")))?;
    let custom = load_instrument_file(instrument_file)?;
    let instrument = match (&custom, instrument) {
        (Some(i), _) => Some(i),
        (None, Some(spec)) => Some(lookup(spec)?),
        (None, None) => None,
    };
    match (kind, instrument) {
        (SchemaKind::Response, Some(i)) => emit_json(&i.response_schema()),
        (_, Some(_)) => Err(Failure::Usage(format!(
            "--instrument and --instrument-file apply to the response schema only, not {}",
            kind.name()
        ))),
        (kind, None) => emit(&kind.schema_text()),
    }
}

/// Problem lines naming the file, as printed on standard error.
fn problem_lines(path: &str, error: &ResponseError) -> Vec<String> {
    let path = input::display_name(path);
    error.problems().iter().map(|p| format!("{path}: {p}")).collect()
}

/// Reads and validates a response against the instrument file or the one it names.
fn with_validated<T>(
    path: &str,
    instrument_file: Option<&str>,
    then: impl FnOnce(Result<ValidatedResponse<'_>, ResponseError>) -> Result<T, Failure>,
) -> Result<T, Failure> {
    read_and_validate(path, instrument_file, |read| then(read?))
}

/// [`with_validated`], handing a document that could not be read to `then` as well.
fn read_and_validate<T>(
    path: &str,
    instrument_file: Option<&str>,
    then: impl FnOnce(Result<Result<ValidatedResponse<'_>, ResponseError>, input::InputError>) -> Result<T, Failure>,
) -> Result<T, Failure> {
    let custom = load_instrument_file(instrument_file)?;
    let text = match input::read_text(path, input::max_bytes()) {
        Ok(text) => text,
        Err(e) => return then(Err(e)),
    };
    match &custom {
        Some(instrument) => then(Ok(instrument.validate_json_with(&text, &input::limits()))),
        None => then(Ok(Registry::builtin().validate_json_with(&text, &input::limits()))),
    }
}

fn validate(path: &str, instrument_file: Option<&str>, format: ListFormat) -> Result<(), Failure> {
    read_and_validate(path, instrument_file, |read| {
        let result = match read {
            Ok(result) => result,
            Err(e) => match (format, e.document_problem_code()) {
                // A service reading `--format json` gets a result for every document it sent.
                (ListFormat::Json, Some(code)) => {
                    let pointer = (code == "too_large").then(String::new);
                    emit_json(&ValidationResult::unreadable(ProblemRecord::new(code, pointer, e.reason())))?;
                    return Err(Failure::Invalid(Vec::new()));
                }
                _ => return Err(e.into()),
            },
        };
        report_validation(path, format, result)
    })
}

fn report_validation(
    path: &str,
    format: ListFormat,
    result: Result<ValidatedResponse<'_>, ResponseError>,
) -> Result<(), Failure> {
    match (format, result) {
        (ListFormat::Text, Ok(v)) => {
            let missing: Vec<&str> = v.missing().map(|i| i.id.as_str()).collect();
            let total = v.instrument().item_count();
            let mut line = format!(
                "{}: valid {} response from {} assessed {}; {} of {total} items answered",
                escape_controls(&input::display_name(path)),
                v.instrument().reference(),
                escape_controls(&v.organization().id),
                v.assessed_on(),
                total - missing.len()
            );
            if !missing.is_empty() {
                line.push_str(&format!(" (unanswered: {})", missing.join(", ")));
            }
            line.push('\n');
            emit_text(&line)
        }
        (ListFormat::Text, Err(e)) => Err(Failure::Invalid(problem_lines(path, &e))),
        (ListFormat::Json, result) => {
            let result = ValidationResult::of(&result);
            emit_json(&result)?;
            if result.valid { Ok(()) } else { Err(Failure::Invalid(Vec::new())) }
        }
    }
}

fn score(path: &str, instrument_file: Option<&str>, format: ReportFormat) -> Result<(), Failure> {
    with_validated(path, instrument_file, |result| {
        let validated = result.map_err(|e| Failure::Invalid(problem_lines(path, &e)))?;
        let report = validated.score();
        match format {
            ReportFormat::Json => emit_json(&report),
            ReportFormat::Text => emit_text(&render::score_text::render(&report, validated.instrument())),
        }
    })
}

/// The built-in instruments plus instrument files, the files taking precedence.
fn registry_with(files: &[String]) -> Result<Registry, Failure> {
    let mut registry = Registry::new();
    let mut problems = Vec::new();
    for path in files {
        match load_instrument_file(Some(path)) {
            Ok(Some(instrument)) => {
                if let Err(e) = registry.insert(instrument) {
                    return Err(Failure::Usage(format!("{path}: {e}")));
                }
            }
            Ok(None) => {}
            Err(Failure::Invalid(lines)) => problems.extend(lines),
            Err(other) => return Err(other),
        }
    }
    if !problems.is_empty() {
        return Err(Failure::Invalid(problems));
    }
    for instrument in Registry::builtin().iter() {
        // A file with the same id and version replaces the built-in one.
        let _ = registry.insert(instrument.clone());
    }
    Ok(registry)
}

fn diff(
    baseline_path: &str,
    follow_up_path: &str,
    program: Option<Program>,
    strict_window: bool,
    item_map: Option<&str>,
    instrument_files: &[String],
    format: DiffFormat,
) -> Result<(), Failure> {
    let registry = registry_with(instrument_files)?;
    let map = match item_map {
        Some(path) => {
            let text = input::read_text(path, 16 << 20)?;
            Some(ItemMap::from_json(&text).map_err(|e| {
                Failure::Invalid(e.problems().iter().map(|p| format!("{}: {p}", input::display_name(path))).collect())
            })?)
        }
        None => None,
    };
    let baseline_text = input::read_text(baseline_path, input::max_bytes())?;
    let follow_up_text = input::read_text(follow_up_path, input::max_bytes())?;
    let baseline = registry.validate_json_with(&baseline_text, &input::limits());
    let follow_up = registry.validate_json_with(&follow_up_text, &input::limits());
    let (baseline, follow_up) = match (baseline, follow_up) {
        (Ok(b), Ok(f)) => (b, f),
        (b, f) => {
            let mut lines = Vec::new();
            if let Err(e) = &b {
                lines.extend(problem_lines(baseline_path, e));
            }
            if let Err(e) = &f {
                lines.extend(problem_lines(follow_up_path, e));
            }
            return Err(Failure::Invalid(lines));
        }
    };
    let mut options = CompareOptions::new().with_strict_window(strict_window);
    if let Some(program) = program {
        options = options.with_program(program);
    }
    if let Some(map) = &map {
        options = options.with_item_map(map);
    }
    let report = compare(&baseline.score(), &follow_up.score(), &options)
        .map_err(|e| Failure::Invalid(vec![format!("cannot compare {baseline_path} with {follow_up_path}: {e}")]))?;
    let labels = render::progress::Labels::new(vec![baseline.instrument(), follow_up.instrument()]);
    match format {
        DiffFormat::Json => emit_json(&report),
        DiffFormat::Text => emit_text(&render::progress::text(&report, &labels)),
        DiffFormat::Markdown => emit(&render::progress::markdown(&report, &labels)),
        DiffFormat::Html => {
            let page = render::progress::html_page(&report, &labels)
                .map_err(|e| Failure::Usage(format!("cannot draw the chart: {e}")))?;
            emit(&page)
        }
    }
}

/// The instrument named by `--instrument` or `--instrument-file`; one is required.
fn chosen_instrument(spec: Option<&str>, file: Option<&str>) -> Result<Instrument, Failure> {
    match (spec, load_instrument_file(file)?) {
        (_, Some(instrument)) => Ok(instrument),
        (Some(spec), None) => Ok(lookup(spec)?.clone()),
        (None, None) => Err(Failure::Usage("give --instrument ID@VERSION or --instrument-file PATH".to_owned())),
    }
}

/// A probability option: a number from 0 to 1 (a value outside would silently mean "always" or
/// "never").
fn probability(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        Ok(p) => Err(format!("{p} is not a probability from 0 to 1")),
        Err(e) => Err(format!("{text:?} is not a number: {e}")),
    }
}

/// The FHIR naming options from `--canonical-base`; refused for the non-FHIR kinds so that a
/// misplaced flag is not silently ignored.
fn fhir_options(canonical_base: Option<&str>, is_fhir: bool) -> Result<fhir::FhirOptions, Failure> {
    match canonical_base {
        None => Ok(fhir::FhirOptions::default()),
        Some(_) if !is_fhir => Err(Failure::Usage("--canonical-base applies to FHIR only".to_owned())),
        Some(base) => fhir::FhirOptions::new(base).map_err(|e| Failure::Usage(format!("--canonical-base: {e}"))),
    }
}

fn export(kind: ExportKind, spec: Option<&str>, file: Option<&str>, base: Option<&str>) -> Result<(), Failure> {
    let options = fhir_options(base, kind == ExportKind::FhirQuestionnaire)?;
    let instrument = chosen_instrument(spec, file)?;
    match kind {
        ExportKind::RedcapDictionary => emit(&health_equity_assessment::redcap::data_dictionary(&instrument)),
        ExportKind::FhirQuestionnaire => emit_json(&fhir::questionnaire(&instrument, &options)),
    }
}

fn import(
    kind: ImportKind,
    path: &str,
    spec: Option<&str>,
    file: Option<&str>,
    base: Option<&str>,
) -> Result<(), Failure> {
    // FHIR text is bounded like response documents (`--max-document-bytes`).
    let options = fhir_options(base, kind == ImportKind::Fhir)?.with_limits(input::limits());
    let text = input::read_text(path, 64 << 20)?;
    match kind {
        ImportKind::Fhir => {
            let mut registry = Registry::new();
            let expected = match (spec, load_instrument_file(file)?) {
                (_, Some(instrument)) => {
                    let key = instrument.reference();
                    // The file's instrument wins over a built-in with the same id and version.
                    registry.insert(instrument).map_err(|e| Failure::Usage(e.to_string()))?;
                    Some(key)
                }
                (Some(spec), None) => {
                    let instrument = lookup(spec)?;
                    Some(instrument.reference())
                }
                (None, None) => None,
            };
            for builtin in Registry::builtin().iter() {
                // A duplicate here is the instrument file shadowing this built-in: keep the file's.
                let _ = registry.insert(builtin.clone());
            }
            let response = fhir::import_questionnaire_response(&text, &registry, &options).map_err(|e| {
                Failure::Invalid(e.problems().iter().map(|p| format!("{}: {p}", input::display_name(path))).collect())
            })?;
            if let Some(expected) = expected
                && response.instrument != expected
            {
                return Err(Failure::Invalid(vec![format!(
                    "{}: the QuestionnaireResponse answers {}@{}, not {}@{}",
                    input::display_name(path),
                    response.instrument.id,
                    response.instrument.version,
                    expected.id,
                    expected.version
                )]));
            }
            emit_json(&response)
        }
        ImportKind::Redcap => {
            let instrument = chosen_instrument(spec, file)?;
            let responses = health_equity_assessment::redcap::import_records(&instrument, &text).map_err(|e| {
                Failure::Invalid(e.problems().iter().map(|p| format!("{}: {p}", input::display_name(path))).collect())
            })?;
            let mut out = String::new();
            let mut problems = Vec::new();
            for (n, response) in responses.iter().enumerate() {
                if let Err(e) = response.validate(&instrument) {
                    problems.extend(
                        e.problems().iter().map(|p| format!("{}: record {}: {p}", input::display_name(path), n + 1)),
                    );
                }
                let line =
                    serde_json::to_string(response).map_err(|e| Failure::Usage(format!("cannot serialize: {e}")))?;
                out.push_str(&line);
                out.push('\n');
            }
            if !problems.is_empty() {
                return Err(Failure::Invalid(problems));
            }
            emit(&out)
        }
    }
}

fn crosswalk_command(
    path: &str,
    to: &str,
    crosswalk_file: Option<&str>,
    instrument_files: &[String],
    format: ReportFormat,
) -> Result<(), Failure> {
    use health_equity_assessment::crosswalk::{Crosswalk, Crosswalks};
    let registry = registry_with(instrument_files)?;
    let text = input::read_text(path, input::max_bytes())?;
    let validated =
        registry.validate_json_with(&text, &input::limits()).map_err(|e| Failure::Invalid(problem_lines(path, &e)))?;
    let report = validated.score();
    let set = match crosswalk_file {
        Some(file) => {
            let text = input::read_text(file, 16 << 20)?;
            let crosswalk = Crosswalk::from_json(&text).map_err(|e| Failure::Invalid(vec![format!("{file}: {e}")]))?;
            Crosswalks::new(vec![crosswalk])
        }
        None => Crosswalks::builtin().clone(),
    };
    // `--to` is an id, or ID@VERSION like every other instrument option.
    let (to, wanted) = match to.split_once('@') {
        None => (to, None),
        Some((id, version)) => {
            // An exact version means exactly that version, as in `--instrument`.
            let exact = semver::Version::parse(version).ok().map(|v| format!("={v}"));
            let requirement = semver::VersionReq::parse(exact.as_deref().unwrap_or(version)).map_err(|e| {
                Failure::Usage(format!("--to {to}: {version:?} is neither a version nor a requirement: {e}"))
            })?;
            (id, Some(requirement))
        }
    };
    if registry.latest(to).is_none() {
        let known: Vec<&str> =
            registry.iter().map(Instrument::id).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
        return Err(Failure::Usage(format!("--to: unknown instrument {to:?} (known: {})", known.join(", "))));
    }
    let crosswalk = set.find(&report.instrument, to).ok_or_else(|| {
        let source = if crosswalk_file.is_some() { "the --crosswalk-file" } else { "the built-in crosswalks" };
        Failure::Usage(format!(
            "no crosswalk from {} to {to} in {source}; give one with --crosswalk-file",
            report.instrument
        ))
    })?;
    let range = if crosswalk.to.id == to { &crosswalk.to } else { &crosswalk.from };
    let target = registry
        .iter()
        .filter(|i| i.id() == to && range.versions.matches(i.version()))
        .filter(|i| wanted.as_ref().is_none_or(|w| w.matches(i.version())))
        .max_by(|a, b| a.version().cmp(b.version()))
        .ok_or_else(|| {
            let wanted = wanted.as_ref().map_or_else(String::new, |w| format!(" and {w}"));
            Failure::Usage(format!("no instrument {to}@{}{wanted} is known", range.versions))
        })?;
    if let Err(problems) = crosswalk.check(validated.instrument(), target) {
        return Err(Failure::Invalid(problems.iter().map(ToString::to_string).collect()));
    }
    let prefill = crosswalk.apply(&report, target).map_err(|e| Failure::Invalid(vec![e.to_string()]))?;
    match format {
        ReportFormat::Json => emit_json(&prefill),
        ReportFormat::Text => emit_text(&render::prefill_text::render(&prefill)),
    }
}

/// Streams newline-delimited responses to one output line each.
fn score_ndjson(path: &str, instrument_file: Option<&str>) -> Result<(), Failure> {
    use health_equity_assessment::batch::{BatchLine, score_line_with};
    use std::io::BufRead;

    let custom = load_instrument_file(instrument_file)?;
    let mut registry = Registry::new();
    let registry: &Registry = match custom {
        Some(instrument) => {
            let _ = registry.insert(instrument);
            &registry
        }
        None => Registry::builtin(),
    };
    let mut reader: Box<dyn BufRead> = if path == "-" {
        Box::new(io::stdin().lock())
    } else {
        let file = std::fs::File::open(path).map_err(|e| Failure::Usage(format!("{path}: cannot read: {e}")))?;
        Box::new(io::BufReader::with_capacity(1 << 16, file))
    };
    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let (mut number, mut scored, mut failed) = (0u64, 0u64, 0u64);
    let limits = input::limits();
    let mut stopped = false;
    while let Some(line) = input::read_bounded_line(&mut reader, limits.max_document_bytes)
        .map_err(|e| Failure::Usage(format!("{}: cannot read: {e}", input::display_name(path))))?
    {
        number += 1;
        let result = match line {
            input::Line::Text(text) if text.trim().is_empty() => continue,
            input::Line::Text(text) => {
                score_line_with(registry, number, text.strip_prefix('\u{feff}').unwrap_or(&text), &limits)
            }
            input::Line::TooLong => {
                // The rest of the line may never end (/dev/zero): this line is the last read.
                stopped = true;
                BatchLine::unreadable(number, "too_large", input::too_long(limits.max_document_bytes))
            }
            input::Line::NotUtf8(offset) => BatchLine::unreadable(number, "not_utf8", input::not_utf8(offset)),
        };
        if result.is_report() {
            scored += 1;
        } else {
            failed += 1;
        }
        let written =
            serde_json::to_writer(&mut out, &result).map_err(io::Error::from).and_then(|()| out.write_all(b"\n"));
        written.map_err(write_failure)?;
        if stopped {
            break;
        }
    }
    match out.flush() {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Err(Failure::Closed),
        Err(e) => return Err(Failure::Usage(format!("cannot write to standard output: {e}"))),
        Ok(()) => {}
    }
    if stopped {
        return Err(Failure::Invalid(vec![format!(
            "{}: line {number}: {}; {scored} line(s) scored, {failed} failed",
            input::display_name(path),
            input::too_long(limits.max_document_bytes)
        )]));
    }
    if failed > 0 {
        return Err(Failure::Invalid(vec![format!(
            "{}: {scored} line(s) scored, {failed} failed (see the problems objects in the output)",
            input::display_name(path)
        )]));
    }
    Ok(())
}

fn csv_text<T: Serialize>(rows: &[T], formulas: Formulas) -> Result<String, Failure> {
    health_equity_assessment::to_csv(rows, formulas).map_err(|e| Failure::Usage(e.to_string()))
}

fn cohort_command(
    inputs: &[String],
    options: &CohortOptions,
    format: CohortFormat,
    summary_csv: Option<&str>,
    strict: bool,
    instrument_files: &[String],
    formulas: Formulas,
) -> Result<(), Failure> {
    if !(options.hodges_lehmann.confidence_level > 0.0 && options.hodges_lehmann.confidence_level < 1.0) {
        return Err(Failure::Usage(format!(
            "--confidence-level {} is not strictly between 0 and 1",
            options.hodges_lehmann.confidence_level
        )));
    }
    let registry = registry_with(instrument_files)?;
    let sources = cohort::sources(inputs).map_err(Failure::Usage)?;
    let mut problems = sources.skipped.clone();
    let cohort = cohort::load(&sources, &registry, &mut problems).map_err(Failure::Usage)?;
    if strict && !problems.is_empty() {
        return Err(Failure::Invalid(problems));
    }
    {
        let mut err = io::stderr().lock();
        for line in &problems {
            let _ = writeln!(err, "{}", escape_controls(line));
        }
    }
    let report =
        cohort.analyze(options).map_err(|e| Failure::Invalid(vec![format!("cannot analyze the cohort: {e}")]))?;
    if let Some(path) = summary_csv {
        let text = csv_text(&summary_rows(&report), formulas)?;
        std::fs::write(path, text).map_err(|e| Failure::Usage(format!("{path}: cannot write: {e}")))?;
    }
    match format {
        CohortFormat::Json => emit_json(&report),
        CohortFormat::Text => emit_text(&render::cohort_text::render(&report)),
        CohortFormat::Csv => emit(&csv_text(&cohort.tidy_rows(options), formulas)?),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
