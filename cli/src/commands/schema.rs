//! `equity-assess schema`: the JSON Schemas of the documents.

use health_equity_assessment::SchemaKind;

use crate::args::{InstrumentChoice, schema_names};
use crate::output::{Failure, emit, emit_json};

/// Print a JSON Schema (draft 2020-12).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which document.
    #[arg(value_parser = schema_names())]
    kind: String,
    /// With `response`: the schema for responses to this instrument only.
    #[command(flatten)]
    instrument: InstrumentChoice,
}

/// Prints the schema.
pub fn run(args: Args) -> Result<(), Failure> {
    let kind =
        SchemaKind::from_name(&args.kind).ok_or_else(|| Failure::Usage(format!("unknown schema {:?}", args.kind)))?;
    match (kind, args.instrument.optional()?) {
        (SchemaKind::Response, Some(instrument)) => emit_json(&instrument.response_schema()),
        (_, Some(_)) => Err(Failure::Usage(format!(
            "--instrument and --instrument-file apply to the response schema only, not {}",
            kind.name()
        ))),
        (kind, None) => emit(&kind.schema_text()),
    }
}
