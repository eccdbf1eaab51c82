//! `equity-assess instrument`: check an instrument file, or write and read it as a workbook.

use std::io::Write as _;

use health_equity_assessment::{Instrument, xlsx};

use crate::args::{InstrumentChoice, lookup};
use crate::commands::problem_lines;
use crate::input;
use crate::output::{Failure, emit_json, emit_text, write_failure};

/// Work with instrument files.
#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Check an instrument file: every problem, one line each (exit 1), or a one-line summary
    /// of the instrument it defines.
    Check {
        /// The instrument file (JSON, format of `schemas/instrument.schema.json`), or `-`.
        file: String,
    },
    /// Write an instrument as an Excel workbook (.xlsx) on standard output: one sheet per
    /// concept (instrument, provenance, scales, categories and items, levels, scoring,
    /// lifecycle, aliases), to type an official edition into and read back with `import-xlsx`.
    ExportXlsx {
        /// The instrument, ID@VERSION (VERSION exact or a requirement; a bare ID means its latest
        /// version).
        #[arg(value_name = "ID@VERSION", required_unless_present = "instrument_file")]
        instrument: Option<String>,
        /// An instrument file instead of a built-in instrument.
        #[arg(long, value_name = "PATH", conflicts_with = "instrument")]
        instrument_file: Option<String>,
    },
    /// Read a workbook written by `export-xlsx` (and edited) back into an instrument file (JSON)
    /// on standard output; every problem names its sheet and cell (exit 1).
    ImportXlsx {
        /// The workbook (.xlsx), or `-`.
        file: String,
    },
}

/// The largest workbook read: 16 MiB.
const MAX_WORKBOOK_BYTES: u64 = 16 << 20;

/// Runs the action.
pub fn run(action: Action) -> Result<(), Failure> {
    match action {
        Action::Check { file } => {
            let text = input::read_file(&file)?;
            let instrument =
                Instrument::from_json(&text).map_err(|e| Failure::Invalid(problem_lines(&file, e.problems())))?;
            emit_text(&format!(
                "{}: valid instrument {}: {} categories, {} items\n",
                input::display_name(&file),
                instrument.reference(),
                instrument.categories().len(),
                instrument.item_count()
            ))
        }
        Action::ExportXlsx { instrument, instrument_file } => {
            let chosen = InstrumentChoice { instrument: None, instrument_file };
            let instrument = match (instrument, chosen.optional()?) {
                (_, Some(from_file)) => from_file,
                (Some(spec), None) => lookup(&spec)?.clone(),
                (None, None) => return Err(Failure::Usage("give ID@VERSION or --instrument-file PATH".to_owned())),
            };
            let bytes = xlsx::export_instrument(&instrument).map_err(|e| Failure::Invalid(vec![e.to_string()]))?;
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes).and_then(|()| out.flush()).map_err(write_failure)
        }
        Action::ImportXlsx { file } => {
            let bytes = input::read_bytes(&file, MAX_WORKBOOK_BYTES)?;
            let instrument =
                xlsx::import_instrument(&bytes).map_err(|e| Failure::Invalid(problem_lines(&file, e.problems())))?;
            emit_json(instrument.spec())
        }
    }
}
