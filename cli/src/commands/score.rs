//! `equity-assess score`: score one response document, or a stream of them.

use std::io::{self, Read, Write};

use health_equity_assessment::{BatchLine, BatchOutput, render, write_batch_line};

use crate::args::{DocumentLimit, InstrumentFile, PageFormat};
use crate::commands::read_valid;
use crate::input;
use crate::lines::{self, Line};
use crate::output::{Failure, emit, emit_json, emit_text, write_failure};

/// Score a response document, or with `--ndjson` a stream of them.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The response document (`-` for standard input).
    file: String,
    /// Read newline-delimited documents and write one JSON line per input line: `{"line": N,
    /// "report": {...}}` (or `"summary"`) or `{"line": N, "problems": [...]}`. Streams in bounded
    /// memory; blank lines are skipped; exit status 1 when any line failed.
    #[arg(long, conflicts_with = "format")]
    ndjson: bool,
    /// Output format [default: text, or json with `--report summary`].
    #[arg(long, value_enum)]
    format: Option<PageFormat>,
    /// What to write for a valid document: the full score report, or a summary (per category
    /// points, maximum, percent and level; overall; opportunities as item ids).
    #[arg(long, value_enum, default_value_t = Report::Full)]
    report: Report,
    /// With `--ndjson`: threads scoring in parallel [default and maximum: the available cores].
    /// The output is the same for any number. Memory is bounded: 2 × JOBS chunks of 4 MiB /
    /// (2 × JOBS) of input (or one line, if longer) and their output.
    #[arg(long, value_name = "JOBS", requires = "ndjson", value_parser = clap::value_parser!(u16).range(1..=256))]
    jobs: Option<u16>,
    #[command(flatten)]
    instrument: InstrumentFile,
    #[command(flatten)]
    limit: DocumentLimit,
}

/// What `score` writes for a valid document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Report {
    Full,
    Summary,
}

/// Scores and prints.
pub fn run(args: Args) -> Result<(), Failure> {
    args.limit.apply();
    if args.ndjson {
        return score_lines(&args);
    }
    let against = args.instrument.against()?;
    let format = args.format.unwrap_or(match args.report {
        Report::Full => PageFormat::Text,
        Report::Summary => PageFormat::Json,
    });
    if args.report == Report::Summary && format != PageFormat::Json {
        return Err(Failure::Usage("--report summary is a JSON output: use it with --format json".to_owned()));
    }
    read_valid(&args.file, &against, |validated| {
        let (report, instrument) = (validated.score(), validated.instrument());
        match (format, args.report) {
            (_, Report::Summary) => emit_json(&validated.score_summary()),
            (PageFormat::Json, Report::Full) => emit_json(&report),
            (PageFormat::Text, Report::Full) => emit_text(&render::score_text(&report, instrument)),
            (PageFormat::Markdown, Report::Full) => emit(&render::score_markdown(&report, instrument)),
            (PageFormat::Html, Report::Full) => emit(&render::score_html(&report, instrument)),
        }
    })
}

/// What scoring a chunk of lines gives.
#[derive(Default)]
struct Scored {
    bytes: Vec<u8>,
    scored: u64,
    failed: u64,
    /// The line number of a line over the limit, which ends the input.
    stopped_at: Option<u64>,
}

/// Streams newline-delimited responses to one output line each, in input order.
fn score_lines(args: &Args) -> Result<(), Failure> {
    let path = args.file.as_str();
    let against = args.instrument.against()?;
    let registry = against.instruments();
    let input: Box<dyn Read + Send> = if path == "-" {
        Box::new(io::stdin())
    } else {
        Box::new(std::fs::File::open(path).map_err(|e| Failure::Usage(format!("{path}: cannot read: {e}")))?)
    };
    // More threads than cores only add memory (a buffer pool and an allocator arena each).
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let jobs = args.jobs.map_or(cores, |jobs| usize::from(jobs).min(cores));
    let limits = input::limits();
    let output = match args.report {
        Report::Full => BatchOutput::Report,
        Report::Summary => BatchOutput::Summary,
    };
    let (mut scored, mut failed, mut stopped_at) = (0u64, 0u64, None);
    let mut out = io::stdout().lock();
    let result = lines::process(
        input,
        jobs,
        limits.max_document_bytes,
        Scored::default,
        |chunk: &mut Scored, number, line| {
            let ok = match line {
                Line::Text(text) if text.trim().is_empty() => return,
                Line::Text(text) => {
                    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
                    write_batch_line(&mut chunk.bytes, registry, number, text, &limits, output)
                }
                Line::TooLong => {
                    chunk.stopped_at = Some(number);
                    let line = BatchLine::unreadable(number, "too_large", input::too_long(limits.max_document_bytes));
                    write_line(&mut chunk.bytes, &line)
                }
                Line::NotUtf8(offset) => {
                    write_line(&mut chunk.bytes, &BatchLine::unreadable(number, "not_utf8", input::not_utf8(offset)))
                }
            };
            if ok {
                chunk.scored += 1;
            } else {
                chunk.failed += 1;
            }
        },
        |chunk| {
            out.write_all(&chunk.bytes).map_err(write_failure)?;
            scored += chunk.scored;
            failed += chunk.failed;
            stopped_at = stopped_at.or(chunk.stopped_at);
            chunk.bytes.clear();
            // A buffer grown by huge reports is not kept.
            if chunk.bytes.capacity() > 64 << 20 {
                chunk.bytes = Vec::new();
            }
            (chunk.scored, chunk.failed, chunk.stopped_at) = (0, 0, None);
            Ok(())
        },
    );
    match result {
        Err(Failure::Usage(message)) => {
            return Err(Failure::Usage(format!("{}: {message}", input::display_name(path))));
        }
        other => other?,
    }
    out.flush().map_err(write_failure)?;
    if let Some(number) = stopped_at {
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

/// Appends one batch line and a newline; `false`: the line was not scored.
fn write_line(out: &mut Vec<u8>, line: &BatchLine) -> bool {
    let _ = serde_json::to_writer(&mut *out, line);
    out.push(b'\n');
    line.is_report()
}
