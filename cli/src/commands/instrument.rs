//! `equity-assess instrument check`: every problem of an instrument file.

use health_equity_assessment::Instrument;

use crate::commands::problem_lines;
use crate::input;
use crate::output::{Failure, emit_text};

/// Work with instrument files.
#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Check an instrument file: every problem, one line each (exit 1), or a one-line summary
    /// of the instrument it defines.
    Check {
        /// The instrument file (JSON, format of `schemas/instrument.schema.json`), or `-`.
        file: String,
    },
}

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
    }
}
