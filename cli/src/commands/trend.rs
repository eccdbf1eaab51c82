//! `equity-assess trend`: every wave of each organization, in date order.

use std::io::Write as _;

use health_equity_assessment::{ScoreReport, render, trend};

use crate::args::{DocumentLimit, InstrumentFiles};
use crate::input;
use crate::output::{Failure, emit, emit_json, emit_text};
use crate::sources::{self, Source, shown};

/// Follow organizations over more than two assessments.
///
/// Per organization and instrument: every assessment in date order with category percents and
/// levels, the change between consecutive waves and since the first, and the trajectory of
/// each category's level (improved, sustained, regressed after improving, …). Inputs are
/// files (`.ndjson` and `.jsonl` one document per line), directories (searched recursively) or
/// `-`. Bad documents are reported on standard error and skipped.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files, directories, or `-`.
    #[arg(required = true)]
    inputs: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TrendFormat::Text)]
    format: TrendFormat,
    /// Stop with exit status 1 when any document is bad.
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    instruments: InstrumentFiles,
    #[command(flatten)]
    limit: DocumentLimit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum TrendFormat {
    /// A table per organization for a person.
    Text,
    /// The trend report's JSON form (schema `trend-report`).
    Json,
    /// One self-contained HTML page with a line chart per category.
    Html,
}

/// The largest newline-delimited input read: 256 MiB.
const MAX_LINES_BYTES: u64 = 256 << 20;

/// Reads, scores and prints the trend.
pub fn run(args: Args) -> Result<(), Failure> {
    args.limit.apply();
    let registry = args.instruments.registry()?;
    let found = sources::sources(&args.inputs).map_err(Failure::Usage)?;
    let mut problems = found.skipped.clone();
    let mut reports: Vec<ScoreReport> = Vec::new();
    let mut take = |source: String, text: &str, problems: &mut Vec<String>| {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        match registry.validate_json_with(text, &input::limits()) {
            Ok(validated) => reports.push(validated.score()),
            Err(e) => problems.extend(e.problems().iter().map(|p| format!("{source}: {p}"))),
        }
    };
    for source in &found.sources {
        match source {
            Source::Document(path) => {
                let name = shown(path);
                match input::read_text(&name, input::max_bytes()) {
                    Ok(text) => take(name, &text, &mut problems),
                    Err(e) => problems.push(e.to_string()),
                }
            }
            Source::Lines(path) => {
                let name = shown(path);
                let text = input::read_text(&name, MAX_LINES_BYTES)?;
                for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
                    take(format!("{name}:{}", n + 1), line, &mut problems);
                }
            }
            Source::Stdin => {
                let text = input::read_text("-", MAX_LINES_BYTES)?;
                for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
                    take(format!("<stdin>:{}", n + 1), line, &mut problems);
                }
            }
        }
    }
    if args.strict && !problems.is_empty() {
        return Err(Failure::Invalid(problems));
    }
    {
        let mut err = std::io::stderr().lock();
        for line in &problems {
            let _ = writeln!(err, "{}", crate::error_line(line));
        }
    }
    let report = trend(reports);
    match args.format {
        TrendFormat::Json => emit_json(&report),
        TrendFormat::Text => emit_text(&render::trend_text(&report)),
        TrendFormat::Html => emit(&render::trend_html(&report, &render::Labels::new(registry.iter()))),
    }
}
