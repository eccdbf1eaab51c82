//! `equity-assess export`: an instrument in another system's format.

use health_equity_assessment::{fhir, redcap};

use crate::args::{CanonicalBase, CsvFormulas, InstrumentChoice};
use crate::output::{Failure, emit, emit_json};

/// Export an instrument for other systems: a REDCap data dictionary (CSV) or a FHIR R4
/// Questionnaire (JSON).
#[derive(Debug, clap::Subcommand)]
pub enum Format {
    /// A REDCap data dictionary (CSV).
    RedcapDictionary {
        #[command(flatten)]
        instrument: InstrumentChoice,
        #[command(flatten)]
        csv: CsvFormulas,
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
        Format::FhirQuestionnaire { instrument, base } => {
            let options = base.options()?;
            emit_json(&fhir::export_instrument(&instrument.required()?, &options))
        }
    }
}
