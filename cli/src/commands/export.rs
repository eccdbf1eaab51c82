//! `equity-assess export`: an instrument in another system's format.

use health_equity_assessment::{fhir, redcap};

use crate::args::{CanonicalBase, CsvFormulas, DocumentLimit, InstrumentChoice, InstrumentFiles};
use crate::input;
use crate::output::{Failure, emit, emit_json};

/// Export for other systems: an instrument as a REDCap data dictionary (CSV) or a FHIR R4
/// Questionnaire (JSON), or response documents as a REDCap record import (CSV).
#[derive(Debug, clap::Subcommand)]
pub enum Format {
    /// A REDCap data dictionary (CSV).
    RedcapDictionary {
        #[command(flatten)]
        instrument: InstrumentChoice,
        #[command(flatten)]
        csv: CsvFormulas,
    },
    /// Response documents as a REDCap raw record CSV (for REDCap's data import, into a project
    /// made from `export redcap-dictionary`); record ids are 1, 2, … in input order. Every
    /// response must answer the same instrument.
    RedcapRecords {
        /// Response files (one document each; `.ndjson` and `.jsonl` files one per line) or
        /// `-` (newline-delimited JSON on standard input).
        #[arg(required = true)]
        inputs: Vec<String>,
        #[command(flatten)]
        instruments: InstrumentFiles,
        #[command(flatten)]
        csv: CsvFormulas,
        #[command(flatten)]
        limit: DocumentLimit,
    },
    /// A FHIR R4 Questionnaire (JSON).
    FhirQuestionnaire {
        #[command(flatten)]
        instrument: InstrumentChoice,
        #[command(flatten)]
        base: CanonicalBase,
    },
}

/// Writes the export.
pub fn run(format: Format) -> Result<(), Failure> {
    match format {
        Format::RedcapDictionary { instrument, csv } => {
            let options = redcap::RedcapOptions::default().with_formulas(csv.formulas());
            emit(&redcap::export_instrument(&instrument.required()?, &options))
        }
        Format::RedcapRecords { inputs, instruments, csv, limit } => {
            limit.apply();
            redcap_records(&inputs, &instruments, &csv)
        }
        Format::FhirQuestionnaire { instrument, base } => {
            let options = base.options()?;
            emit_json(&fhir::export_instrument(&instrument.required()?, &options))
        }
    }
}

/// Validates every response (all must answer one instrument) and writes the records CSV; any
/// bad document stops the export with every problem listed (a partial import file would be
/// loaded into REDCap as if it were whole).
fn redcap_records(inputs: &[String], instruments: &InstrumentFiles, csv: &CsvFormulas) -> Result<(), Failure> {
    let registry = instruments.registry()?;
    let documents = read_documents(inputs)?;
    let mut problems = Vec::new();
    let mut responses = Vec::new();
    let mut instrument = None;
    for (source, text) in &documents {
        match registry.validate_json(text) {
            Ok(validated) => {
                let reference = validated.instrument().reference();
                match &instrument {
                    None => instrument = Some(reference),
                    Some(first) if *first != reference => problems.push(format!(
                        "{source}: answers {reference}, not {first} like the first document (one REDCap project per instrument)"
                    )),
                    Some(_) => {}
                }
                responses.push(validated.to_response());
            }
            Err(e) => problems.extend(e.problems().iter().map(|p| format!("{source}: {p}"))),
        }
    }
    if !problems.is_empty() {
        return Err(Failure::Invalid(problems));
    }
    let Some(reference) = instrument else {
        return Err(Failure::Usage("no response documents in the input".to_owned()));
    };
    let instrument =
        registry.by_reference(&reference).ok_or_else(|| Failure::Usage(format!("unknown instrument {reference}")))?;
    let options = redcap::RedcapOptions::default().with_formulas(csv.formulas());
    emit(&redcap::export_responses(instrument, &responses, &options))
}

/// The largest input of newline-delimited responses read for one export: 64 MiB.
const MAX_LINES_BYTES: u64 = 64 << 20;

/// `(source, text)` of every document: a file is one document unless it ends in `.ndjson` or
/// `.jsonl`; those and standard input are one per non-blank line (`file:line`).
fn read_documents(inputs: &[String]) -> Result<Vec<(String, String)>, Failure> {
    let mut documents = Vec::new();
    for path in inputs {
        let lines = path == "-" || path.ends_with(".ndjson") || path.ends_with(".jsonl");
        if !lines {
            documents.push((input::display_name(path), input::read_text(path, input::max_bytes())?));
            continue;
        }
        let text = input::read_text(path, MAX_LINES_BYTES)?;
        let name = input::display_name(path);
        for (n, line) in text.lines().enumerate() {
            if !line.trim().is_empty() {
                documents.push((format!("{name}:{}", n + 1), line.to_owned()));
            }
        }
    }
    Ok(documents)
}
