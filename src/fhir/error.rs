//! [`FhirProblem`]: everything that can go wrong converting between FHIR and this crate.

use crate::problem::{JsonProblem, Listing, Location, Problems, problem_enum};

/// A problem converting between FHIR and this crate's documents.
///
/// Every variant names where the problem is — a FHIRPath-style element path such as
/// `QuestionnaireResponse.item[1].item[0].answer[0].valueCoding.code` (the form FHIR validators
/// use in `OperationOutcome.issue.expression`), a JSON Pointer, or a line and column — and the
/// offending linkId, code, status, reference or value. [`code`](crate::Problem::code) is a stable
/// machine-readable code.
///
/// Importing reports every problem it finds at once, in a [`FhirError`].
///
/// ```
/// use health_equity_assessment::Registry;
/// use health_equity_assessment::fhir::{FhirOptions, import_response};
///
/// let text = r#"{"resourceType": "QuestionnaireResponse", "status": "in-progress",
///   "questionnaire": "https://health-equity-assessment.example/fhir/Questionnaire/heoa",
///   "subject": {"reference": "Organization/org-001"}, "authored": "2023-01-05"}"#;
/// let err = import_response(text, Registry::builtin(), &FhirOptions::default()).unwrap_err();
/// assert_eq!(err.codes(), ["unsupported_status", "unversioned_questionnaire"]);
/// assert!(err.to_string().contains("\"in-progress\""));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FhirProblem {
    /// A problem of JSON structure: syntax, a key that appears twice.
    #[error(transparent)]
    Json(JsonProblem),
    /// The JSON is not a resource of the expected type.
    #[error("resourceType: expected {expected:?}, found {found}")]
    WrongResourceType {
        /// The resource type expected.
        expected: &'static str,
        /// What was found: `the string "Patient"`, `nothing`, `an array`, …
        found: String,
    },
    /// The resource does not have the FHIR JSON shape this crate reads: a wrong type, an
    /// unknown code in a required coded element, a missing required element.
    #[error("line {line}, column {column}: {message}")]
    InvalidStructure {
        /// 1-based line (0 when the resource was not read from text).
        line: usize,
        /// 1-based column (0 when the resource was not read from text).
        column: usize,
        /// What is wrong, naming the element and the value found.
        message: String,
    },
    /// An element this crate needs is absent.
    #[error("{path}: missing ({why})")]
    MissingElement {
        /// The element, e.g. `QuestionnaireResponse.authored`.
        path: String,
        /// Why it is needed.
        why: &'static str,
    },
    /// The response's status is not `completed` or `amended`: only finished responses are
    /// imported.
    #[error("QuestionnaireResponse.status: {status:?} is not a finished response (expected completed or amended)")]
    UnsupportedStatus {
        /// The status found.
        status: String,
    },
    /// `QuestionnaireResponse.questionnaire` has no `|version`: every instrument is versioned,
    /// so the reference must say which version was answered.
    #[error("QuestionnaireResponse.questionnaire: {reference:?} has no version; expected url|version, e.g. {example}")]
    UnversionedQuestionnaire {
        /// The reference found.
        reference: String,
        /// A correct reference to the same url (or to a known instrument).
        example: String,
    },
    /// `QuestionnaireResponse.questionnaire` names a url that is no instrument's canonical url.
    #[error("QuestionnaireResponse.questionnaire: unknown questionnaire {url:?} (known: {known})")]
    UnknownQuestionnaire {
        /// The url found (without the version).
        url: String,
        /// The canonical urls known.
        known: Listing,
    },
    /// The questionnaire url is known but not at this version.
    #[error(
        "QuestionnaireResponse.questionnaire: questionnaire {url:?} has no version {version:?} (available: {available})"
    )]
    UnknownQuestionnaireVersion {
        /// The url.
        url: String,
        /// The version found.
        version: String,
        /// The versions available.
        available: Listing,
    },
    /// `QuestionnaireResponse.subject` is not an Organization this crate can read.
    #[error("{path}: {value:?} {reason}")]
    InvalidSubject {
        /// The element, e.g. `QuestionnaireResponse.subject.reference`.
        path: String,
        /// The value found.
        value: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// `QuestionnaireResponse.authored` is not a FHIR dateTime with a full date.
    #[error("QuestionnaireResponse.authored: {value:?} {reason}")]
    InvalidAuthored {
        /// The value found.
        value: String,
        /// What is wrong.
        reason: String,
    },
    /// A linkId that is neither a category nor an item of the questionnaire.
    #[error("{path}: unknown linkId {link_id:?} in questionnaire {questionnaire}")]
    UnknownLinkId {
        /// Where the item is.
        path: String,
        /// The linkId.
        link_id: String,
        /// `url|version` of the questionnaire.
        questionnaire: String,
    },
    /// A known linkId in the wrong place: a question outside its category's group, or a group
    /// below the top level.
    #[error("{path}: linkId {link_id:?} is {}, but belongs {}", place(.found_in.as_deref()), place(.belongs_in.as_deref()))]
    MisplacedItem {
        /// Where the item is.
        path: String,
        /// The linkId.
        link_id: String,
        /// The group it was found in; `None` at the top level.
        found_in: Option<String>,
        /// The group it belongs in; `None` for the top level.
        belongs_in: Option<String>,
    },
    /// The same group or question appears twice (none of them repeats).
    #[error("{path}: linkId {link_id:?} appears again (first at {first}); it does not repeat")]
    RepeatedItem {
        /// Where the repetition is.
        path: String,
        /// The linkId.
        link_id: String,
        /// Where it first appeared.
        first: String,
    },
    /// A question has more than one answer (every item takes one option).
    #[error("{path}: item {link_id:?} has {count} answers; it takes one")]
    RepeatedAnswer {
        /// The question item.
        path: String,
        /// The linkId.
        link_id: String,
        /// The number of answers.
        count: usize,
    },
    /// An element where this crate's mapping has none: answers on a group, items nested in a
    /// question or an answer.
    #[error("{path}: item {link_id:?} {what}")]
    UnexpectedElement {
        /// The element.
        path: String,
        /// The linkId of the item.
        link_id: String,
        /// What is there that should not be.
        what: &'static str,
    },
    /// An answer without a `valueCoding` (every item is a `choice`).
    #[error("{path}: the answer to item {link_id:?} has no valueCoding (the item is a choice of codes)")]
    AnswerNotCoding {
        /// The answer.
        path: String,
        /// The linkId.
        link_id: String,
    },
    /// An answer coding from another code system than the item's scale.
    #[error("{path}: the answer to item {link_id:?} has system {}, expected {expected:?}", found(.system.as_deref()))]
    WrongSystem {
        /// The `system` element.
        path: String,
        /// The linkId.
        link_id: String,
        /// The system found (`None` when absent).
        system: Option<String>,
        /// The system of the item's scale.
        expected: String,
    },
    /// An answer code that is not an option of the item (`None`: the coding has no code).
    #[error("{path}: {} is not an option for item {link_id:?} (options: {allowed})", found(.code.as_deref()))]
    UnknownCode {
        /// The `code` element.
        path: String,
        /// The linkId.
        link_id: String,
        /// The code found (`None` when absent).
        code: Option<String>,
        /// The item's option codes, comma-separated.
        allowed: Listing,
    },
    /// A `modifierExtension`: it may change the meaning of the element, and this crate does not
    /// know it, so FHIR requires refusing the resource.
    #[error("{path}: modifier extension {url:?} is not understood")]
    UnsupportedModifierExtension {
        /// The extension.
        path: String,
        /// Its url.
        url: String,
    },
    /// One of this crate's own extensions in the wrong place, repeated, or with a wrong value.
    #[error("{path}: extension {url:?} {reason}")]
    InvalidExtension {
        /// The extension.
        path: String,
        /// Its url.
        url: String,
        /// What is wrong, naming the value found.
        reason: String,
    },
    /// A focus-category extension naming no category of the questionnaire.
    #[error("{path}: unknown focus category {category:?} (categories: {known})")]
    UnknownFocusCategory {
        /// The extension's value.
        path: String,
        /// The category id found.
        category: String,
        /// The category ids.
        known: Listing,
    },
    /// A focus category listed twice.
    #[error("{path}: focus category {category:?} is listed more than once")]
    RepeatedFocusCategory {
        /// The second extension's value.
        path: String,
        /// The category id.
        category: String,
    },
    /// The text, or a part of the response, is larger than the limits of
    /// [`FhirOptions::limits`](super::FhirOptions::limits).
    #[error("{path}: {what} is {size}, over the limit of {limit}")]
    TooLarge {
        /// Where: `QuestionnaireResponse` for the whole text, or the element.
        path: String,
        /// What was measured (`the document size in bytes`, …).
        what: &'static str,
        /// The size found.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// An unusable canonical base for [`FhirOptions`](super::FhirOptions).
    #[error("canonical base {base:?} {reason}")]
    InvalidCanonicalBase {
        /// The base given.
        base: String,
        /// What is wrong.
        reason: &'static str,
    },
}

fn place(group: Option<&str>) -> String {
    match group {
        Some(group) => format!("in group {group:?}"),
        None => "at the top level".to_owned(),
    }
}

fn found(value: Option<&str>) -> String {
    match value {
        Some(value) => format!("{value:?}"),
        None => "(none)".to_owned(),
    }
}

problem_enum!(FhirProblem {
    WrongResourceType => "wrong_resource_type", Location::Element("QuestionnaireResponse.resourceType");
    InvalidStructure { line, column } => "invalid_structure", Location::Text { line: *line, column: *column };
    MissingElement { path } => "missing_element", Location::Element(path);
    UnsupportedStatus => "unsupported_status", Location::Element("QuestionnaireResponse.status");
    UnversionedQuestionnaire => "unversioned_questionnaire", Location::Element("QuestionnaireResponse.questionnaire");
    UnknownQuestionnaire => "unknown_questionnaire", Location::Element("QuestionnaireResponse.questionnaire");
    UnknownQuestionnaireVersion => "unknown_questionnaire_version", Location::Element("QuestionnaireResponse.questionnaire");
    InvalidSubject { path } => "invalid_subject", Location::Element(path);
    InvalidAuthored => "invalid_authored", Location::Element("QuestionnaireResponse.authored");
    UnknownLinkId { path } => "unknown_link_id", Location::Element(path);
    MisplacedItem { path } => "misplaced_item", Location::Element(path);
    RepeatedItem { path } => "repeated_item", Location::Element(path);
    RepeatedAnswer { path } => "repeated_answer", Location::Element(path);
    UnexpectedElement { path } => "unexpected_element", Location::Element(path);
    AnswerNotCoding { path } => "answer_not_coding", Location::Element(path);
    WrongSystem { path } => "wrong_system", Location::Element(path);
    UnknownCode { path } => "unknown_code", Location::Element(path);
    UnsupportedModifierExtension { path } => "unsupported_modifier_extension", Location::Element(path);
    InvalidExtension { path } => "invalid_extension", Location::Element(path);
    UnknownFocusCategory { path } => "unknown_focus_category", Location::Element(path);
    RepeatedFocusCategory { path } => "repeated_focus_category", Location::Element(path);
    TooLarge { path } => "too_large", Location::Element(path);
    InvalidCanonicalBase => "invalid_canonical_base", Location::Inputs;
});

/// Every problem of a conversion between FHIR and this crate's documents, at once, in
/// document order.
pub type FhirError = Problems<FhirProblem>;

/// The subject of a QuestionnaireResponse's problems.
pub(crate) const RESPONSE: &str = "FHIR QuestionnaireResponse";

/// Formats a FHIRPath-style element path with an index: `QuestionnaireResponse.item[2]`.
pub(crate) fn indexed(parent: &str, element: &str, index: usize) -> String {
    format!("{parent}.{element}[{index}]")
}
