//! Argument groups shared by several commands, flattened into each, and the parsers of option
//! values.

use std::borrow::Cow;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use health_equity_assessment::{
    FollowUpWindow, Formulas, Instrument, Registry, ResponseError, SchemaKind, ValidatedResponse,
};

use crate::input;
use crate::output::Failure;

/// `--max-document-bytes`, on every command that reads documents.
#[derive(Debug, Clone, clap::Args)]
pub struct DocumentLimit {
    /// Largest document (or newline-delimited line) read, in bytes (at most 1 GiB); larger
    /// inputs are refused before being read in full.
    #[arg(
        long,
        value_name = "BYTES",
        default_value_t = input::DEFAULT_MAX_BYTES,
        value_parser = clap::value_parser!(u64).range(1..=input::MAX_MAX_BYTES)
    )]
    pub max_document_bytes: u64,
}

impl DocumentLimit {
    /// Makes the limit the one every read of this run uses.
    pub fn apply(&self) {
        input::set_max_bytes(self.max_document_bytes);
    }
}

/// `--instrument ID@VERSION` or `--instrument-file PATH`: one instrument, built in or from a
/// file.
#[derive(Debug, Clone, clap::Args)]
pub struct InstrumentChoice {
    /// The instrument, ID@VERSION (VERSION exact or a requirement such as `^1`; a bare ID
    /// means its latest version).
    #[arg(long, value_name = "ID@VERSION", conflicts_with = "instrument_file")]
    pub instrument: Option<String>,
    /// An instrument file instead of a built-in instrument.
    #[arg(long, value_name = "PATH")]
    pub instrument_file: Option<String>,
}

impl InstrumentChoice {
    /// The instrument chosen; one of the two options is required.
    pub fn required(&self) -> Result<Instrument, Failure> {
        self.optional()?
            .ok_or_else(|| Failure::Usage("give --instrument ID@VERSION or --instrument-file PATH".to_owned()))
    }

    /// The instrument chosen, if any.
    pub fn optional(&self) -> Result<Option<Instrument>, Failure> {
        match (&self.instrument, load_instrument_file(self.instrument_file.as_deref())?) {
            (_, Some(instrument)) => Ok(Some(instrument)),
            (Some(spec), None) => Ok(Some(lookup(spec)?.clone())),
            (None, None) => Ok(None),
        }
    }
}

/// `--instrument-file PATH` on commands that read one response: the instrument to check it
/// against instead of the built-in one it names.
#[derive(Debug, Clone, clap::Args)]
pub struct InstrumentFile {
    /// Check against this instrument file instead of the built-in instrument the response
    /// names.
    #[arg(long, value_name = "PATH")]
    pub instrument_file: Option<String>,
}

impl InstrumentFile {
    /// What responses are checked against.
    pub fn against(&self) -> Result<Against, Failure> {
        Ok(match load_instrument_file(self.instrument_file.as_deref())? {
            Some(instrument) => {
                let mut registry = Registry::new();
                // An empty registry refuses nothing.
                let _ = registry.insert(instrument.clone());
                Against { instrument: Some(instrument), registry: Cow::Owned(registry) }
            }
            None => Against { instrument: None, registry: Cow::Borrowed(Registry::builtin()) },
        })
    }
}

/// What responses are checked against: one instrument file, or the instrument each response
/// names in a registry.
#[derive(Debug)]
pub struct Against {
    instrument: Option<Instrument>,
    registry: Cow<'static, Registry>,
}

impl Against {
    /// Responses checked against the instrument each names in `registry`.
    pub fn registry(registry: Registry) -> Self {
        Against { instrument: None, registry: Cow::Owned(registry) }
    }

    /// Parses and checks a response document.
    pub fn validate(&self, text: &str) -> Result<ValidatedResponse<'_>, ResponseError> {
        match &self.instrument {
            Some(instrument) => instrument.validate_json_with(text, &input::limits()),
            None => self.registry.validate_json_with(text, &input::limits()),
        }
    }

    /// The instruments responses are looked up in.
    pub fn instruments(&self) -> &Registry {
        &self.registry
    }
}

/// `--instrument-file PATH`, repeatable: instruments that are not built in.
#[derive(Debug, Clone, clap::Args)]
pub struct InstrumentFiles {
    /// Instrument files for instruments that are not built in (repeatable); a file takes
    /// precedence over a built-in instrument with the same id and version.
    #[arg(long = "instrument-file", value_name = "PATH")]
    pub instrument_files: Vec<String>,
}

impl InstrumentFiles {
    /// The built-in instruments plus the files, the files taking precedence.
    pub fn registry(&self) -> Result<Registry, Failure> {
        let mut registry = Registry::new();
        let mut problems = Vec::new();
        for path in &self.instrument_files {
            match load_instrument_file(Some(path)) {
                Ok(Some(instrument)) => {
                    if let Err(e) = registry.insert(instrument) {
                        return Err(Failure::Usage(format!("{path}: {e}")));
                    }
                }
                Ok(None) => {}
                Err(Failure::Invalid(lines)) => problems.extend(lines),
                Err(other) => return Err(other),
            }
        }
        if !problems.is_empty() {
            return Err(Failure::Invalid(problems));
        }
        for instrument in Registry::builtin().iter() {
            // A file with the same id and version replaces the built-in one.
            let _ = registry.insert(instrument.clone());
        }
        Ok(registry)
    }
}

/// `--raw-csv`, on commands that write CSV.
#[derive(Debug, Clone, clap::Args)]
pub struct CsvFormulas {
    /// Write CSV text cells as they are. By default a cell that a spreadsheet would run as a
    /// formula (beginning with =, +, -, @, tab or carriage return) gets a leading ' (OWASP's
    /// advice against CSV injection); numbers are never changed.
    #[arg(long)]
    pub raw_csv: bool,
}

impl CsvFormulas {
    /// The library's setting.
    pub fn formulas(&self) -> Formulas {
        if self.raw_csv { Formulas::Raw } else { Formulas::Neutralize }
    }
}

/// Loads `--instrument-file`, or `None` to use the registry.
pub fn load_instrument_file(path: Option<&str>) -> Result<Option<Instrument>, Failure> {
    let Some(path) = path else { return Ok(None) };
    let text = input::read_file(path)?;
    Instrument::from_json(&text).map(Some).map_err(|e| {
        Failure::Invalid(e.problems().iter().map(|p| format!("{}: {p}", input::display_name(path))).collect())
    })
}

/// Resolves `ID@VERSION` (exact version or requirement) in the built-in registry.
pub fn lookup(spec: &str) -> Result<&'static Instrument, Failure> {
    lookup_in(Registry::builtin(), "--instrument", "built-in instrument", spec)
}

/// Resolves `ID@VERSION` (exact version or requirement; a bare ID means its latest version) in
/// `registry`; messages name the option `flag` and call what is looked for `what`.
pub fn lookup_in<'r>(registry: &'r Registry, flag: &str, what: &str, spec: &str) -> Result<&'r Instrument, Failure> {
    let (id, version) = spec.split_once('@').unwrap_or((spec, "*"));
    let found = match semver::Version::parse(version) {
        Ok(v) => registry.by_version(id, &v),
        Err(_) => match semver::VersionReq::parse(version) {
            Ok(req) => registry.by_requirement(id, &req),
            Err(e) => {
                return Err(Failure::Usage(format!(
                    "{flag} {spec}: {version:?} is neither a version nor a requirement: {e}"
                )));
            }
        },
    };
    found.ok_or_else(|| {
        let known: Vec<String> = registry.iter().map(|i| i.reference().to_string()).collect();
        Failure::Usage(format!("{flag} {spec}: no such {what} (known: {})", known.join(", ")))
    })
}

/// A calendar date `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<jiff::civil::Date, String> {
    health_equity_assessment::parse_date(text).map_err(|e| e.to_string())
}

/// An ISO 8601 follow-up window.
pub fn parse_window(text: &str) -> Result<FollowUpWindow, String> {
    text.parse().map_err(|e: health_equity_assessment::WindowError| e.to_string())
}

/// A probability option: a number from 0 to 1 (a value outside would silently mean "always"
/// or "never").
pub fn probability(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        Ok(p) => Err(format!("{p} is not a probability from 0 to 1")),
        Err(e) => Err(format!("{text:?} is not a number: {e}")),
    }
}

/// The values of one of the library's option enums, spelled as on the command line
/// (`two-sided`), parsed with the enum's own `FromStr`: the command never keeps a copy of the
/// library's options.
pub fn options<T>(
    all: &'static [T],
    name: fn(T) -> &'static str,
    aliases: fn(T) -> &'static [&'static str],
) -> impl TypedValueParser<Value = T>
where
    T: Copy + Send + Sync + 'static + std::str::FromStr,
{
    // Values are shown as JSON writes them (`two_sided`); the spelling with hyphens (scipy's
    // `two-sided`) and the aliases are accepted too.
    let values = all.iter().map(move |v| {
        let mut accepted: Vec<String> = aliases(*v).iter().map(|a| (*a).to_owned()).collect();
        accepted.extend(aliases(*v).iter().map(|a| a.replace('_', "-")));
        accepted.push(name(*v).replace('_', "-"));
        accepted.retain(|a| a != name(*v));
        PossibleValue::new(name(*v)).aliases(accepted)
    });
    PossibleValuesParser::new(values)
        .try_map(|text: String| text.parse::<T>().map_err(|_| format!("{text:?} is not a valid value")))
}

/// The output formats of commands that print a list or a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

/// The output formats of commands that print one report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// A table for a person.
    Text,
    /// The report's JSON form (its schema is `equity-assess schema ...`).
    Json,
}

/// The output formats of commands whose report is also a document to share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PageFormat {
    /// A table for a person.
    Text,
    /// The report's JSON form (its schema is `equity-assess schema ...`).
    Json,
    /// Markdown for a wiki, an issue or an email: text from the documents is literal.
    Markdown,
    /// One self-contained HTML page (inline CSS and SVG chart, no scripts, nothing fetched)
    /// that prints on A4 and Letter.
    Html,
}

/// The names of the schemas `schema` prints.
pub fn schema_names() -> PossibleValuesParser {
    PossibleValuesParser::new(SchemaKind::ALL.iter().map(|k| k.name()))
}

/// `--canonical-base URL`, on the FHIR commands.
#[derive(Debug, Clone, clap::Args)]
pub struct CanonicalBase {
    /// The canonical base URL of the Questionnaire, its code systems and extensions (default
    /// `https://health-equity-assessment.example/fhir`).
    #[arg(long, value_name = "URL")]
    pub canonical_base: Option<String>,
}

impl CanonicalBase {
    /// The FHIR naming options.
    pub fn options(&self) -> Result<health_equity_assessment::fhir::FhirOptions, Failure> {
        match &self.canonical_base {
            None => Ok(health_equity_assessment::fhir::FhirOptions::default()),
            Some(base) => health_equity_assessment::fhir::FhirOptions::new(base)
                .map_err(|e| Failure::Usage(format!("--canonical-base: {e}"))),
        }
    }
}
