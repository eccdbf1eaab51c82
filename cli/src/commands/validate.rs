//! `equity-assess validate`: check a response document.

use health_equity_assessment::{ProblemRecord, ResponseError, ValidatedResponse, ValidationResult, escape_controls};

use crate::args::{DocumentLimit, InstrumentFile, ListFormat};
use crate::commands::{invalid, read_and_validate};
use crate::input;
use crate::output::{Failure, emit_json, emit_text};

/// Check a response document; print every problem, one per line.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The response document (`-` for standard input).
    file: String,
    #[command(flatten)]
    instrument: InstrumentFile,
    /// Output format: text (problems on stderr) or json (a result object on stdout).
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    format: ListFormat,
    #[command(flatten)]
    limit: DocumentLimit,
}

/// Checks the document and reports the outcome.
pub fn run(args: Args) -> Result<(), Failure> {
    args.limit.apply();
    let against = args.instrument.against()?;
    let (path, format) = (args.file.as_str(), args.format);
    read_and_validate(path, &against, |read| {
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
        report(path, format, result)
    })
}

fn report(path: &str, format: ListFormat, result: Result<ValidatedResponse<'_>, ResponseError>) -> Result<(), Failure> {
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
        (ListFormat::Text, Err(e)) => Err(invalid(path, &e)),
        (ListFormat::Json, result) => {
            let result = ValidationResult::of(&result);
            emit_json(&result)?;
            if result.valid { Ok(()) } else { Err(Failure::Invalid(Vec::new())) }
        }
    }
}
