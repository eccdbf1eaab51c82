//! Response documents: one organization's answers to one instrument version on one date.
//!
//! The JSON shape is the public contract:
//!
//! ```json
//! {
//!   "instrument": { "id": "heoa", "version": "1.0.0" },
//!   "organization": { "id": "org-001", "name": "Example Community Hospital" },
//!   "assessed_on": "2022-11-17",
//!   "answers": { "data-collection.real-self-reported": "in_progress" },
//!   "notes": { "data-collection.real-self-reported": "optional free text per item" },
//!   "focus_categories": ["data-validation"],
//!   "extensions": { "anything": "kept and ignored" }
//! }
//! ```
//!
//! `organization.name`, `notes`, `focus_categories` and `extensions` are optional. Unanswered
//! items are allowed: they are reported as missing and score zero.

mod builder;
mod error;
mod fast;
mod parse;
mod validate;

use crate::problem::JsonProblem;
use std::collections::BTreeMap;

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use builder::ResponseBuilder;
pub(crate) use error::{RESPONSE, refused};
pub use error::{ResponseError, ResponseProblem};
pub use validate::ValidatedResponse;

use crate::SharedStr;
use crate::instrument::{Extensions, InstrumentRef};

/// The organization that answered.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Organization {
    /// A stable identifier chosen by the program (not necessarily a public one).
    #[schemars(with = "String", length(min = 1), regex(pattern = r"\S"))]
    pub id: SharedStr,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", length(min = 1), regex(pattern = r"\S"))]
    pub name: Option<SharedStr>,
}

impl Organization {
    /// An organization with an id and optional name.
    #[must_use]
    pub fn new(id: impl Into<SharedStr>, name: Option<String>) -> Self {
        Organization { id: id.into(), name: name.map(SharedStr::from) }
    }
}

/// A response document. [`Response::from_json`] and serde's `Deserialize` (from JSON) are the
/// same reader: every problem of structure is reported at once.
///
/// ```
/// use health_equity_assessment::{Registry, Response};
///
/// let text = include_str!("../../examples/heoa-baseline.json");
/// let response = Response::from_json(text)?;
/// assert_eq!(response.organization.id, "org-001");
/// let instrument = Registry::builtin().by_reference(&response.instrument).unwrap();
/// let validated = response.validate(instrument)?;
/// assert_eq!(validated.to_response(), response);
/// # Ok::<(), health_equity_assessment::ResponseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    description = "One organization's answers to one instrument version on one date. Items left out of `answers` are unanswered; they score zero and are reported as missing."
)]
#[non_exhaustive]
pub struct Response {
    /// The instrument and exact version answered.
    pub instrument: InstrumentRef,
    /// Who answered.
    pub organization: Organization,
    /// The day the assessment was completed (ISO 8601 calendar date).
    #[serde(with = "crate::date::serde_date")]
    #[schemars(with = "crate::date::DateSchema")]
    pub assessed_on: Date,
    /// Item id to option id. Items left out are unanswered.
    pub answers: BTreeMap<String, String>,
    /// Item id to free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "BTreeMap<String, String>")]
    pub notes: Option<BTreeMap<String, String>>,
    /// The categories the organization chose to work on (for example in an improvement program).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Vec<String>", extend("uniqueItems" = true))]
    pub focus_categories: Option<Vec<String>>,
    /// Data kept and ignored by the crate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Extensions")]
    pub extensions: Option<Extensions>,
}

/// Limits checked while reading a response, before the work is done. The defaults suit any
/// real instrument; services facing untrusted input can lower them.
///
/// ```
/// use health_equity_assessment::{Problem, Registry, ResponseLimits};
///
/// let limits = ResponseLimits::default().with_max_document_bytes(64);
/// let err = Registry::builtin()
///     .validate_json_with(include_str!("../../examples/heoa-baseline.json"), &limits)
///     .unwrap_err();
/// assert_eq!(err.problems()[0].code(), "too_large");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ResponseLimits {
    /// Largest document in bytes (default 4 MiB).
    pub max_document_bytes: usize,
    /// Most entries in `answers`, and in `notes` (default 20,000).
    pub max_answers: usize,
    /// Longest answer key, answer, note or focus category in characters (default 65,536).
    pub max_string_chars: usize,
    /// Most entries in `focus_categories` (default 1,000, the most categories an instrument
    /// may have).
    pub max_focus_categories: usize,
}

impl Default for ResponseLimits {
    fn default() -> Self {
        ResponseLimits {
            max_document_bytes: 4 << 20,
            max_answers: 20_000,
            max_string_chars: 65_536,
            max_focus_categories: crate::instrument::limits::CATEGORIES,
        }
    }
}

impl ResponseLimits {
    /// Sets [`max_document_bytes`](Self::max_document_bytes).
    #[must_use]
    pub fn with_max_document_bytes(mut self, bytes: usize) -> Self {
        self.max_document_bytes = bytes;
        self
    }

    /// Sets [`max_answers`](Self::max_answers).
    #[must_use]
    pub fn with_max_answers(mut self, answers: usize) -> Self {
        self.max_answers = answers;
        self
    }

    /// Sets [`max_string_chars`](Self::max_string_chars).
    #[must_use]
    pub fn with_max_string_chars(mut self, chars: usize) -> Self {
        self.max_string_chars = chars;
        self
    }

    /// Sets [`max_focus_categories`](Self::max_focus_categories).
    #[must_use]
    pub fn with_max_focus_categories(mut self, count: usize) -> Self {
        self.max_focus_categories = count;
        self
    }
}

impl Response {
    /// Parses a response document, reporting every structural problem: invalid JSON, unknown
    /// or missing fields, duplicate keys, wrong types, malformed dates and versions.
    /// Checking the answers against the instrument is [`validate`](Self::validate)'s job.
    ///
    /// # Errors
    /// [`ResponseError`] with every problem found.
    pub fn from_json(text: &str) -> Result<Self, ResponseError> {
        Self::from_json_with(text, &ResponseLimits::default())
    }

    /// [`from_json`](Self::from_json) on bytes (invalid UTF-8 is a problem; a leading
    /// byte-order mark is ignored).
    ///
    /// # Errors
    /// [`ResponseError`] with every problem found.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, ResponseError> {
        match parse::text_of(bytes, &ResponseLimits::default()) {
            Ok(text) => Self::from_json(text),
            Err(problem) => Err(ResponseError::one(RESPONSE, problem)),
        }
    }

    /// [`from_json`](Self::from_json) with explicit limits.
    ///
    /// # Errors
    /// [`ResponseError`] with every problem found.
    pub fn from_json_with(text: &str, limits: &ResponseLimits) -> Result<Self, ResponseError> {
        let mut draft = parse::parse(text, limits);
        let answers = unique_pairs(&mut draft.problems, "/answers", std::mem::take(&mut draft.answers));
        let notes = draft.notes.take().map(|n| unique_pairs(&mut draft.problems, "/notes", n));
        match (draft.instrument, draft.organization, draft.assessed_on) {
            (Some(parse::DraftRef { id, version: Some(version) }), Some(organization), Some(assessed_on))
                if draft.problems.is_empty() =>
            {
                Ok(Response {
                    instrument: InstrumentRef::new(id.as_ref(), version),
                    organization,
                    assessed_on,
                    answers,
                    notes,
                    focus_categories: draft.focus_categories,
                    extensions: draft.extensions,
                })
            }
            _ => Err(refused(draft.problems)),
        }
    }

    /// Checks the answers against `instrument` (which should be the one the response names).
    ///
    /// A response built in code or deserialized with serde is held to the same rules as one
    /// read by [`from_json`](Self::from_json): blank ids and names, the default
    /// [`ResponseLimits`], unknown items and options, focus categories.
    ///
    /// # Errors
    /// [`ResponseError`] naming every unknown item, option outside an item's scale, unknown
    /// focus category, instrument mismatch, blank id or name, and limit exceeded.
    pub fn validate<'i>(&self, instrument: &'i crate::Instrument) -> Result<ValidatedResponse<'i>, ResponseError> {
        self.validate_with(instrument, &ResponseLimits::default())
    }

    /// [`validate`](Self::validate) with explicit limits.
    ///
    /// # Errors
    /// As for [`validate`](Self::validate).
    pub fn validate_with<'i>(
        &self,
        instrument: &'i crate::Instrument,
        limits: &ResponseLimits,
    ) -> Result<ValidatedResponse<'i>, ResponseError> {
        validate::validate_response(self, instrument, limits)
    }
}

/// Collects pairs into a map, reporting duplicates and values that are not strings.
fn unique_pairs(
    problems: &mut Vec<ResponseProblem>,
    pointer: &str,
    pairs: Vec<(std::borrow::Cow<'_, str>, parse::Lenient<'_>)>,
) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for (key, value) in pairs {
        let at = crate::json::push_token(pointer, &key);
        match value {
            Ok(value) => {
                if map.insert(key.clone().into_owned(), value.into_owned()).is_some() {
                    problems.push(ResponseProblem::Json(JsonProblem::DuplicateKey {
                        pointer: pointer.to_owned(),
                        key: crate::json::clip(&key),
                    }));
                }
            }
            Err(found) => problems.push(ResponseProblem::Json(JsonProblem::InvalidValue {
                pointer: at,
                message: format!("expected a string, found {found}"),
            })),
        }
    }
    map
}

impl<'de> Deserialize<'de> for Response {
    /// The response reader (the one [`Response::from_json`] uses, with the default limits),
    /// from JSON: every structural problem is reported at once, in the error's message.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = <Box<serde_json::value::RawValue>>::deserialize(deserializer)?;
        Response::from_json(raw.get()).map_err(serde::de::Error::custom)
    }
}
