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
    /// A score summary (`score --report summary`).
    ScoreSummary,
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
    /// Every wave of each organization (`trend --format json`).
    TrendReport,
}

impl SchemaKind {
    /// Every kind, in the order the CLI lists them.
    pub const ALL: &'static [SchemaKind] = &[
        SchemaKind::Instrument,
        SchemaKind::Response,
        SchemaKind::ScoreReport,
        SchemaKind::ScoreSummary,
        SchemaKind::ProgressReport,
        SchemaKind::ItemMap,
        SchemaKind::CohortReport,
        SchemaKind::BatchLine,
        SchemaKind::Crosswalk,
        SchemaKind::Prefill,
        SchemaKind::ValidationResult,
        SchemaKind::InstrumentList,
        SchemaKind::TrendReport,
    ];

    /// The name used on the command line and in file names, e.g. `score-report`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            SchemaKind::Instrument => "instrument",
            SchemaKind::Response => "response",
            SchemaKind::ScoreReport => "score-report",
            SchemaKind::ScoreSummary => "score-summary",
            SchemaKind::ProgressReport => "progress-report",
            SchemaKind::ItemMap => "item-map",
            SchemaKind::CohortReport => "cohort-report",
            SchemaKind::BatchLine => "batch-line",
            SchemaKind::Crosswalk => "crosswalk",
            SchemaKind::Prefill => "prefill",
            SchemaKind::ValidationResult => "validation-result",
            SchemaKind::InstrumentList => "instrument-list",
            SchemaKind::TrendReport => "trend-report",
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
            SchemaKind::Instrument => input::<crate::Instrument>(),
            SchemaKind::Response => input::<crate::Response>(),
            SchemaKind::ScoreReport => output::<crate::ScoreReport>(),
            SchemaKind::ScoreSummary => output::<crate::ScoreSummary>(),
            SchemaKind::ProgressReport => output::<crate::ProgressReport>(),
            SchemaKind::ItemMap => input::<crate::ItemMap>(),
            SchemaKind::CohortReport => output::<crate::CohortReport>(),
            SchemaKind::BatchLine => output::<crate::BatchLine>(),
            SchemaKind::Crosswalk => input::<crate::Crosswalk>(),
            SchemaKind::Prefill => output::<crate::Prefill>(),
            SchemaKind::ValidationResult => output::<crate::ValidationResult>(),
            SchemaKind::InstrumentList => output::<Vec<crate::InstrumentListing>>(),
            SchemaKind::TrendReport => output::<crate::TrendReport>(),
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

/// The schema of a document the crate reads: a field with a default may be left out.
fn input<T: JsonSchema>() -> Value {
    portable(SchemaSettings::draft2020_12().into_generator().into_root_schema_for::<T>().to_value())
}

/// The schema of a document the crate writes: a field that is always written is `required`,
/// also when it may be `null`, so code generators give it a non-optional type.
fn output<T: JsonSchema>() -> Value {
    portable(SchemaSettings::draft2020_12().for_serialize().into_generator().into_root_schema_for::<T>().to_value())
}

/// A description from the Rust docs, for readers of the schema: Rust examples (fenced code)
/// are dropped, and intra-doc links (`` [`Exact`](crate::Exact) ``, `` [`Exact`] ``) become
/// their text; links to web pages are kept.
fn plain_description(text: &str) -> String {
    let prose: String = text.split("```").step_by(2).collect::<Vec<_>>().join("");
    let mut out = String::with_capacity(prose.len());
    let mut rest = prose.as_str();
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find(']') else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let label = &after[..close];
        let tail = &after[close + 1..];
        match tail.strip_prefix('(').and_then(|t| t.find(')').map(|end| (&t[..end], &t[end + 1..]))) {
            Some((target, next)) if target.starts_with("http") => {
                out.push_str(&rest[open..rest.len() - next.len()]);
                rest = next;
            }
            Some((_, next)) => {
                out.push_str(label);
                rest = next;
            }
            None => {
                out.push_str(label);
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out.trim_end().to_owned()
}

/// The schema in standard keywords only, so that strict validators (ajv in strict mode, the
/// default in Node services) compile it: schemars' own integer and float formats (`uint32`,
/// `double`, ...) are dropped (`minimum: 0` already says unsigned, and `maximum` is added
/// where it is exact and safe), and `date` gives way to the pattern, which every validator
/// checks (a validator without the format vocabulary refuses an unknown format).
fn portable(mut schema: Value) -> Value {
    fn walk(value: &mut Value) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(format)) = map.get("format") {
                    let maximum: Option<u64> = match format.as_str() {
                        "uint8" => Some(u8::MAX.into()),
                        "uint16" => Some(u16::MAX.into()),
                        "uint32" => Some(u32::MAX.into()),
                        _ => None,
                    };
                    let drop = match format.as_str() {
                        "date" => {
                            map.entry("pattern").or_insert_with(|| json!("^[0-9]{4}-[0-9]{2}-[0-9]{2}$"));
                            true
                        }
                        f => f.starts_with("uint") || f.starts_with("int") || f == "double" || f == "float",
                    };
                    if drop {
                        map.remove("format");
                    }
                    if let Some(maximum) = maximum {
                        map.entry("maximum").or_insert_with(|| json!(maximum));
                    }
                }
                if let Some(Value::String(description)) = map.get_mut("description") {
                    *description = plain_description(description);
                }
                map.values_mut().for_each(walk);
            }
            Value::Array(values) => values.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut schema);
    schema
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
    /// assert_eq!(sogi["$ref"], "#/$defs/scale.implementation");
    /// assert_eq!(schema["$defs"]["scale.implementation"]["enum"][3], "implemented");
    /// assert_eq!(schema["properties"]["answers"]["additionalProperties"], false);
    /// ```
    #[must_use]
    pub fn response_schema(&self) -> Value {
        let mut schema = SchemaKind::Response.schema();
        let mut answers = serde_json::Map::new();
        let mut notes = serde_json::Map::new();
        // Each scale once, under `$defs`: items refer to it, so a code generator makes one
        // enum per scale, not one per item.
        let definitions = &mut schema["$defs"];
        for scale in self.scales() {
            let options: Vec<&str> = scale.options.iter().map(|o| o.id.as_str()).collect();
            let title = scale.label.as_deref().unwrap_or(&scale.id);
            definitions[scale_definition(&scale.id)] = json!({
                "title": title,
                "description": format!("An option of the scale {:?}.", scale.id),
                "enum": options
            });
        }
        for (_, item) in self.items() {
            let answer = match self.scale_of(item) {
                Some(scale) => json!({
                    "description": item.text,
                    "$ref": format!("#/$defs/{}", scale_definition(&scale.id))
                }),
                None => json!({ "description": item.text, "enum": [] }),
            };
            answers.insert(item.id.clone(), answer);
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

/// The `$defs` name of a scale (scale ids are lowercase letters, digits, `-` and `_`, so the
/// name needs no escaping in a JSON Pointer or a URI fragment).
fn scale_definition(scale_id: &str) -> String {
    format!("scale.{scale_id}")
}
