//! JSON Schemas (draft 2020-12) of every document that crosses a process boundary, and the
//! instrument-specific response schema.
//!
//! The generated schemas are committed under `schemas/`; a test regenerates them and fails
//! when they drift from the code.

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::{Value, json};

use crate::Instrument;

/// A document type with a published JSON Schema.
///
/// ```
/// use health_equity_assessment::SchemaKind;
///
/// let kind = SchemaKind::from_name("score-report").unwrap();
/// assert_eq!(kind.file_name(), "score-report.schema.json");
/// let schema = kind.schema();
/// assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SchemaKind {
    /// An instrument file (`assessments/<id>/<version>.json`).
    Instrument,
    /// A response document.
    Response,
    /// A score report.
    ScoreReport,
    /// A progress report (baseline compared with follow-up).
    ProgressReport,
    /// An item map between instrument versions.
    ItemMap,
    /// A cohort analysis.
    CohortReport,
    /// One output line of batch scoring (`score --ndjson`).
    BatchLine,
    /// A crosswalk file between two instruments.
    Crosswalk,
    /// A pre-fill of one instrument from a response to another.
    Prefill,
    /// The result of validating a response (`validate --format json`).
    ValidationResult,
    /// The list of instruments (`instruments --format json`).
    InstrumentList,
}

impl SchemaKind {
    /// Every kind, in the order the CLI lists them.
    pub const ALL: &'static [SchemaKind] = &[
        SchemaKind::Instrument,
        SchemaKind::Response,
        SchemaKind::ScoreReport,
        SchemaKind::ProgressReport,
        SchemaKind::ItemMap,
        SchemaKind::CohortReport,
        SchemaKind::BatchLine,
        SchemaKind::Crosswalk,
        SchemaKind::Prefill,
        SchemaKind::ValidationResult,
        SchemaKind::InstrumentList,
    ];

    /// The name used on the command line and in file names, e.g. `score-report`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            SchemaKind::Instrument => "instrument",
            SchemaKind::Response => "response",
            SchemaKind::ScoreReport => "score-report",
            SchemaKind::ProgressReport => "progress-report",
            SchemaKind::ItemMap => "item-map",
            SchemaKind::CohortReport => "cohort-report",
            SchemaKind::BatchLine => "batch-line",
            SchemaKind::Crosswalk => "crosswalk",
            SchemaKind::Prefill => "prefill",
            SchemaKind::ValidationResult => "validation-result",
            SchemaKind::InstrumentList => "instrument-list",
        }
    }

    /// The kind with this [`name`](Self::name).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.name() == name)
    }

    /// The committed file name under `schemas/`.
    #[must_use]
    pub fn file_name(self) -> String {
        format!("{}.schema.json", self.name())
    }

    /// The schema, generated from the Rust types.
    #[must_use]
    pub fn schema(self) -> Value {
        match self {
            SchemaKind::Instrument => generate::<crate::Instrument>(),
            SchemaKind::Response => generate::<crate::Response>(),
            SchemaKind::ScoreReport => generate::<crate::ScoreReport>(),
            SchemaKind::ProgressReport => generate::<crate::progress::ProgressReport>(),
            SchemaKind::ItemMap => generate::<crate::progress::ItemMap>(),
            SchemaKind::CohortReport => generate::<crate::cohort::CohortReport>(),
            SchemaKind::BatchLine => generate::<crate::batch::BatchLine>(),
            SchemaKind::Crosswalk => generate::<crate::crosswalk::Crosswalk>(),
            SchemaKind::Prefill => generate::<crate::crosswalk::Prefill>(),
            SchemaKind::ValidationResult => generate::<crate::batch::ValidationResult>(),
            SchemaKind::InstrumentList => generate::<Vec<crate::InstrumentListing>>(),
        }
    }

    /// The schema as the committed text: pretty-printed with a final newline.
    #[must_use]
    pub fn schema_text(self) -> String {
        let mut text = serde_json::to_string_pretty(&self.schema()).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// The draft 2020-12 schema of `T`.
fn generate<T: JsonSchema>() -> Value {
    let schema = SchemaSettings::draft2020_12().into_generator().into_root_schema_for::<T>();
    schema.to_value()
}

impl Instrument {
    /// A JSON Schema (draft 2020-12) for responses to this instrument only: `answers` lists
    /// every item id as a property whose value is one of that item's option ids, and no other
    /// property; `notes` keys are item ids; `focus_categories` are category ids; `instrument`
    /// is fixed to this id and version. A form builder or a service can validate a response
    /// with it before sending. It cannot express duplicate keys, which JSON Schema validators
    /// do not see; [`validate_json`](Instrument::validate_json) reports those.
    ///
    /// ```
    /// use health_equity_assessment::Registry;
    ///
    /// let heoa = Registry::builtin().latest("heoa").unwrap();
    /// let schema = heoa.response_schema();
    /// let sogi = &schema["properties"]["answers"]["properties"]["data-collection.sogi"];
    /// assert_eq!(sogi["enum"][3], "implemented");
    /// assert_eq!(schema["properties"]["answers"]["additionalProperties"], false);
    /// ```
    #[must_use]
    pub fn response_schema(&self) -> Value {
        let mut schema = SchemaKind::Response.schema();
        let mut answers = serde_json::Map::new();
        let mut notes = serde_json::Map::new();
        for (_, item) in self.items() {
            let options: Vec<&str> =
                self.scale_of(item).map(|s| s.options.iter().map(|o| o.id.as_str()).collect()).unwrap_or_default();
            answers.insert(item.id.clone(), json!({ "description": item.text, "enum": options }));
            notes.insert(item.id.clone(), json!({ "type": "string" }));
        }
        let categories: Vec<&str> = self.categories().iter().map(|c| c.id.as_str()).collect();
        schema["title"] = json!(format!("Response to {} {}", self.id(), self.version()));
        schema["description"] = json!(format!(
            "A response document for the instrument {} ({}@{}).",
            self.title(),
            self.id(),
            self.version()
        ));
        let properties = &mut schema["properties"];
        properties["instrument"] = json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["id", "version"],
            "properties": {
                "id": { "const": self.id() },
                "version": { "const": self.version().to_string() }
            }
        });
        properties["answers"] = json!({
            "description": "Item id to option id. Items left out are unanswered.",
            "type": "object",
            "additionalProperties": false,
            "properties": answers
        });
        properties["notes"] = json!({
            "description": "Item id to free text.",
            "type": "object",
            "additionalProperties": false,
            "properties": notes
        });
        properties["focus_categories"] = json!({
            "description": "The categories the organization chose to work on.",
            "type": "array",
            "uniqueItems": true,
            "items": { "enum": categories }
        });
        schema
    }
}
