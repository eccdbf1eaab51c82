//! `equity-assess import`: responses from another system's format.

use health_equity_assessment::{Organization, Registry, fhir, redcap};

use crate::args::{CanonicalBase, DocumentLimit, InstrumentChoice};
use crate::commands::problem_lines;
use crate::input;
use crate::output::{Failure, emit, emit_json};

/// Import responses from other systems: a REDCap raw record export (CSV; one response document
/// per record, written as newline-delimited JSON) or a FHIR R4 QuestionnaireResponse (JSON).
#[derive(Debug, clap::Subcommand)]
pub enum Format {
    /// A REDCap raw record export (CSV) of a project made from the instrument's data
    /// dictionary.
    Redcap {
        /// The file (`-` for standard input).
        file: String,
        #[command(flatten)]
        instrument: InstrumentChoice,
    },
    /// A FHIR R4 QuestionnaireResponse (JSON). The instrument is optional: the
    /// QuestionnaireResponse names its questionnaire; when given, it must match.
    Fhir {
        /// The file (`-` for standard input).
        file: String,
        /// The organization assessed, when the QuestionnaireResponse names none (a form filler
        /// such as LHC-Forms sets no `subject`); a `subject`, or an `author` that references an
        /// Organization, still comes first.
        #[arg(long, value_name = "ID")]
        organization: Option<String>,
        /// The organization's name, with `--organization`.
        #[arg(long, value_name = "NAME", requires = "organization")]
        organization_name: Option<String>,
        #[command(flatten)]
        instrument: InstrumentChoice,
        #[command(flatten)]
        base: CanonicalBase,
        #[command(flatten)]
        limit: DocumentLimit,
    },
}

/// The largest REDCap record export read: 64 MiB (many records in one file).
const MAX_RECORDS_BYTES: u64 = 64 << 20;

/// Converts and writes the responses.
pub fn run(format: Format) -> Result<(), Failure> {
    match format {
        Format::Fhir { file, organization, organization_name, instrument, base, limit } => {
            limit.apply();
            let organization = organization.map(|id| Organization::new(id, organization_name));
            fhir_response(&file, &instrument, &base, organization)
        }
        Format::Redcap { file, instrument } => redcap_records(&file, &instrument),
    }
}

fn fhir_response(
    path: &str,
    choice: &InstrumentChoice,
    base: &CanonicalBase,
    organization: Option<Organization>,
) -> Result<(), Failure> {
    let mut options = base.options()?.with_limits(input::limits());
    if let Some(organization) = organization {
        options = options.with_organization(organization);
    }
    let chosen = choice.optional()?;
    let text = input::read_text(path, input::max_bytes())?;
    let mut registry = Registry::new();
    let expected = chosen.map(|instrument| {
        let key = instrument.reference();
        // The chosen instrument wins over a built-in one with the same id and version.
        let _ = registry.insert(instrument);
        key
    });
    for builtin in Registry::builtin().iter() {
        // A duplicate here is the instrument file shadowing this built-in: keep the file's.
        let _ = registry.insert(builtin.clone());
    }
    let response = fhir::import_response(&text, &registry, &options)
        .map_err(|e| Failure::Invalid(problem_lines(path, e.problems())))?;
    if let Some(expected) = expected
        && response.instrument != expected
    {
        return Err(Failure::Invalid(vec![format!(
            "{}: the QuestionnaireResponse answers {}, not {}",
            input::display_name(path),
            response.instrument,
            expected
        )]));
    }
    emit_json(&response)
}

/// Writes one response per good record and keeps going past bad ones: each is reported with
/// its record id, and the exit status is 1 when any was bad.
fn redcap_records(path: &str, choice: &InstrumentChoice) -> Result<(), Failure> {
    let instrument = choice.required()?;
    let text = input::read_text(path, MAX_RECORDS_BYTES)?;
    let imported = redcap::import_records(&text, &instrument, &redcap::RedcapOptions::default())
        .map_err(|e| Failure::Invalid(problem_lines(path, e.problems())))?;
    let name = input::display_name(path);
    let mut out = String::new();
    let mut problems = Vec::new();
    for rejected in &imported.rejected {
        problems.extend(rejected.problems.iter().map(|p| format!("{name}: {p}")));
    }
    let mut written = 0usize;
    for (record, response) in &imported.responses {
        if let Err(e) = response.validate(&instrument) {
            problems.extend(e.problems().iter().map(|p| format!("{name}: record {record}: {p}")));
            continue;
        }
        let line = serde_json::to_string(response).map_err(|e| Failure::Usage(format!("cannot serialize: {e}")))?;
        out.push_str(&line);
        out.push('\n');
        written += 1;
    }
    emit(&out)?;
    if problems.is_empty() {
        return Ok(());
    }
    let bad = imported.rejected.len() + imported.responses.len() - written;
    problems.push(format!("{name}: {written} record(s) imported, {bad} skipped"));
    Err(Failure::Invalid(problems))
}
