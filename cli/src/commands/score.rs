//! `equity-assess score`: score one response document, or a stream of them.

use std::io::{self, BufRead, Write};

use health_equity_assessment::{BatchLine, score_line_with};

use crate::args::{DocumentLimit, InstrumentFile, ReportFormat};
use crate::commands::read_valid;
use crate::input::{self, Line};
use crate::output::{Failure, emit_json, emit_text, write_failure};
use crate::render;

/// Score a response document, or with `--ndjson` a stream of them.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The response document (`-` for standard input).
    file: String,
    /// Read newline-delimited documents and write one JSON line per input line: `{"line": N,
    /// "report": {...}}` or `{"line": N, "problems": [...]}`. Streams in constant memory; blank
    /// lines are skipped; exit status 1 when any line failed.
    #[arg(long, conflicts_with = "format")]
    ndjson: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Json)]
    format: ReportFormat,
    #[command(flatten)]
    instrument: InstrumentFile,
    #[command(flatten)]
    limit: DocumentLimit,
}

/// Scores and prints.
pub fn run(args: Args) -> Result<(), Failure> {
    args.limit.apply();
    if args.ndjson {
        return score_lines(&args);
    }
    let against = args.instrument.against()?;
    read_valid(&args.file, &against, |validated| {
        let report = validated.score();
        match args.format {
            ReportFormat::Json => emit_json(&report),
            ReportFormat::Text => emit_text(&render::score_text::render(&report, validated.instrument())),
        }
    })
}

/// Streams newline-delimited responses to one output line each.
fn score_lines(args: &Args) -> Result<(), Failure> {
    let path = args.file.as_str();
    let against = args.instrument.against()?;
    let registry = against.instruments();
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
            Line::Text(text) if text.trim().is_empty() => continue,
            Line::Text(text) => {
                score_line_with(registry, number, text.strip_prefix('\u{feff}').unwrap_or(&text), &limits)
            }
            Line::TooLong => {
                // The rest of the line may never end (/dev/zero): this line is the last read.
                stopped = true;
                BatchLine::unreadable(number, "too_large", input::too_long(limits.max_document_bytes))
            }
            Line::NotUtf8(offset) => BatchLine::unreadable(number, "not_utf8", input::not_utf8(offset)),
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
    out.flush().map_err(write_failure)?;
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
