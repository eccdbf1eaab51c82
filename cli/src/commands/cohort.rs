//! `equity-assess cohort`: read many response documents, pair them, and print the statistics.

use std::fs::File;
use std::io::{self, Write as _};

use health_equity_assessment::stats::{
    Alternative, HodgesLehmannOptions, McNemarMethod, McNemarOptions, Method, WilcoxonOptions, ZeroMethod,
};
use health_equity_assessment::{
    Cohort, CohortOptions, CohortRecord, FollowUpWindow, PairedWaves, Program, Registry, render, summary_rows,
};

use crate::args::{CsvFormulas, DocumentLimit, InstrumentFiles, options, parse_date, parse_window};
use crate::input;
use crate::lines::{self, Line};
use crate::output::{Failure, csv_text, emit_csv_rows, emit_json, emit_text};
use crate::sources::{self, Source, Sources, shown};

/// Pair many organizations' assessments and summarize the change with paired statistics.
///
/// Inputs are files (one document each; `.ndjson` and `.jsonl` files one per line), directories
/// (searched recursively) or `-` (newline-delimited JSON on standard input). Per organization
/// and instrument the earliest assessment is the baseline and the latest the follow-up. Bad
/// documents are reported by file and line and skipped.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files, directories, or `-`.
    #[arg(required = true)]
    inputs: Vec<String>,
    /// The program's completion date: checks every pair's follow-up window.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    program_completed: Option<jiff::civil::Date>,
    /// The follow-up window [default: P1M].
    #[arg(long, value_name = "DURATION", value_parser = parse_window, requires = "program_completed")]
    window: Option<FollowUpWindow>,
    /// Which two assessments of each organization form its pair, by date: the first and the
    /// last, the first two, or the last two (`first-last` and the like are accepted too).
    #[arg(long, value_name = "WAVES", default_value = "first_last", value_parser = options(PairedWaves::ALL, PairedWaves::name, PairedWaves::aliases))]
    pair: PairedWaves,
    /// Leave pairs with a late follow-up out of the statistics.
    #[arg(long, requires = "program_completed")]
    exclude_late: bool,
    /// Wilcoxon zero method (scipy's `zero_method`).
    #[arg(long, default_value = "wilcox", value_parser = options(ZeroMethod::ALL, ZeroMethod::name, ZeroMethod::aliases))]
    zero_method: ZeroMethod,
    /// Alternative hypothesis (greater: the follow-up tends to be higher; `two-sided`, scipy's
    /// spelling, is accepted too).
    #[arg(long, default_value = "two_sided", value_parser = options(Alternative::ALL, Alternative::name, Alternative::aliases))]
    alternative: Alternative,
    /// Wilcoxon p-value method: `auto` reproduces scipy.stats.wilcoxon's default;
    /// `exact_conditional` (or `exact`) is the exact conditional distribution, which also
    /// handles ties and zeros; `scipy_exact` is scipy's `method="exact"`. Values are spelled
    /// as in the JSON report; `exact-conditional` and the like are accepted too.
    #[arg(long, default_value = "auto", value_parser = options(Method::ALL, Method::name, Method::aliases))]
    method: Method,
    /// Continuity correction in the Wilcoxon normal approximation (R's default; not scipy's).
    /// The Hodges–Lehmann interval always uses R's default (corrected).
    #[arg(long)]
    correction: bool,
    /// Confidence level of the Hodges–Lehmann interval.
    #[arg(long, value_name = "LEVEL", default_value_t = 0.95)]
    confidence_level: f64,
    /// McNemar's test: exact binomial, or chi-square with continuity correction.
    #[arg(long, default_value = "exact", value_parser = options(McNemarMethod::ALL, McNemarMethod::name, McNemarMethod::aliases))]
    mcnemar: McNemarMethod,
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
    #[command(flatten)]
    instruments: InstrumentFiles,
    #[command(flatten)]
    csv: CsvFormulas,
    #[command(flatten)]
    limit: DocumentLimit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum CohortFormat {
    Text,
    Json,
    Csv,
}

impl Args {
    fn options(&self) -> Result<CohortOptions, Failure> {
        if !(self.confidence_level > 0.0 && self.confidence_level < 1.0) {
            return Err(Failure::Usage(format!(
                "--confidence-level {} is not strictly between 0 and 1",
                self.confidence_level
            )));
        }
        let wilcoxon = WilcoxonOptions::default()
            .with_zero_method(self.zero_method)
            .with_alternative(self.alternative)
            .with_method(self.method)
            .with_correction(self.correction);
        let hodges_lehmann = HodgesLehmannOptions::following(&wilcoxon).with_confidence_level(self.confidence_level);
        let mut options = CohortOptions::default()
            .with_wilcoxon(wilcoxon)
            .with_mcnemar(McNemarOptions::default().with_method(self.mcnemar))
            .with_hodges_lehmann(hodges_lehmann)
            .with_exclude_late(self.exclude_late)
            .with_waves(self.pair);
        if let Some(date) = self.program_completed {
            options = options.with_program(Program::new(date).with_window(self.window.unwrap_or_default()));
        }
        Ok(options)
    }
}

/// Reads the documents, analyzes the cohort and prints the report.
pub fn run(args: Args) -> Result<(), Failure> {
    args.limit.apply();
    let options = args.options()?;
    let registry = args.instruments.registry()?;
    let sources = sources::sources(&args.inputs).map_err(Failure::Usage)?;
    let mut problems = sources.skipped.clone();
    let cohort = load(&sources, &registry, &mut problems).map_err(Failure::Usage)?;
    if args.strict && !problems.is_empty() {
        return Err(Failure::Invalid(problems));
    }
    {
        let mut err = io::stderr().lock();
        for line in &problems {
            let _ = writeln!(err, "{}", crate::error_line(line));
        }
    }
    let report =
        cohort.analyze(&options).map_err(|e| Failure::Invalid(vec![format!("cannot analyze the cohort: {e}")]))?;
    let formulas = args.csv.formulas();
    if let Some(path) = &args.summary_csv {
        let text = csv_text(&summary_rows(&report), formulas)?;
        std::fs::write(path, text).map_err(|e| Failure::Usage(format!("{path}: cannot write: {e}")))?;
    }
    match args.format {
        CohortFormat::Json => emit_json(&report),
        CohortFormat::Text => emit_text(&render::cohort_text(&report, &render::Labels::new(registry.iter()))),
        CohortFormat::Csv => emit_csv_rows(cohort.tidy_rows(&options), formulas),
    }
}

/// Reads, validates and scores every document into a cohort; documents with problems are
/// recorded as rejected (by file, or file and line) with one line per problem in `problems`.
///
/// # Errors
/// A message when an input cannot be read at all.
fn load(sources: &Sources, registry: &Registry, problems: &mut Vec<String>) -> Result<Cohort, String> {
    let mut loader = Loader { registry, cohort: Cohort::new(), problems };
    for (name, same_as) in &sources.duplicates {
        loader.cohort.duplicate(name.clone(), same_as.clone());
    }
    for source in &sources.sources {
        match source {
            Source::Document(path) => {
                let name = shown(path);
                match input::read_text(&name, input::max_bytes()) {
                    Ok(text) => {
                        let outcome = read(registry, &text);
                        loader.take(name, outcome);
                    }
                    Err(e) => loader.reject(name, e.to_string()),
                }
            }
            Source::Lines(path) => {
                let name = shown(path);
                let file = File::open(path).map_err(|e| format!("{name}: cannot read: {e}"))?;
                loader.lines(&name, Box::new(file))?;
            }
            Source::Stdin => loader.lines("<stdin>", Box::new(io::stdin()))?,
        }
    }
    Ok(loader.cohort)
}

/// What one document gives the cohort.
enum Outcome<'i> {
    Record(CohortRecord<'i>),
    /// The document's problems, one message each.
    Problems(Vec<String>),
}

/// Validates a document and reduces it to a cohort record (in any thread).
fn read<'i>(registry: &'i Registry, text: &str) -> Outcome<'i> {
    match registry.validate_json_with(text, &input::limits()) {
        Ok(validated) => Outcome::Record(CohortRecord::new(&validated)),
        Err(e) => Outcome::Problems(e.problems().iter().map(ToString::to_string).collect()),
    }
}

struct Loader<'a> {
    registry: &'a Registry,
    cohort: Cohort,
    problems: &'a mut Vec<String>,
}

impl<'a> Loader<'a> {
    fn take(&mut self, source: String, outcome: Outcome<'_>) {
        match outcome {
            Outcome::Record(record) => self.cohort.add_record(source, record),
            Outcome::Problems(lines) => {
                self.problems.extend(lines.iter().map(|l| format!("{source}: {l}")));
                self.cohort.reject(source, lines);
            }
        }
    }

    fn reject(&mut self, source: String, message: String) {
        self.problems.push(format!("{source}: {message}"));
        self.cohort.reject(source, vec![message]);
    }

    /// Newline-delimited documents, read and validated on every core, added in input order.
    fn lines(&mut self, name: &str, input: Box<dyn io::Read + Send>) -> Result<(), String> {
        let limit = input::max_line_bytes();
        let registry = self.registry;
        let jobs = std::thread::available_parallelism().map_or(1, usize::from);
        let result = lines::process(
            input,
            jobs,
            limit,
            Vec::new,
            |out: &mut Vec<(u64, Outcome<'a>)>, number, line| {
                let outcome = match line {
                    Line::Text(text) => {
                        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
                        if text.trim().is_empty() {
                            return;
                        }
                        read(registry, text)
                    }
                    // The line's end is not known without reading on without bound (a source
                    // such as /dev/zero never ends one), so reading this source stops here.
                    Line::TooLong => Outcome::Problems(vec![input::too_long(limit)]),
                    Line::NotUtf8(offset) => Outcome::Problems(vec![input::not_utf8(offset)]),
                };
                out.push((number, outcome));
            },
            |out| {
                for (number, outcome) in out.drain(..) {
                    let source = format!("{name}:{number}");
                    match outcome {
                        Outcome::Problems(lines) if lines.len() == 1 => {
                            self.reject(source, lines.into_iter().next().unwrap_or_default())
                        }
                        other => self.take(source, other),
                    }
                }
                Ok(())
            },
        );
        result.map_err(|e| match e {
            crate::output::Failure::Usage(message) => format!("{name}: {message}"),
            _ => format!("{name}: cannot read"),
        })
    }
}
