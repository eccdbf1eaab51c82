//! Problems found in a response document.

use crate::instrument::InstrumentRef;
use crate::problem::{JsonProblem, Listing, Location, Problems, problem_enum};

/// One problem in a response document. Every variant names where it is (a JSON Pointer such as
/// `/answers/data-collection.sogi`, RFC 6901) and the bad value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResponseProblem {
    /// A problem of JSON structure: syntax, encoding, an unknown, missing or duplicate field, a
    /// value of the wrong type, a bad version, a size over a limit.
    #[error(transparent)]
    Json(JsonProblem),
    /// The document is another kind of document (a FHIR resource, an instrument file), reported
    /// once instead of as one unknown field per key.
    #[error("the document is {found}, not a response document: {hint}")]
    NotAResponse {
        /// What it is, e.g. `a FHIR QuestionnaireResponse`.
        found: String,
        /// What to do instead.
        hint: &'static str,
    },
    /// `assessed_on` is not an ISO 8601 calendar date `YYYY-MM-DD`.
    #[error("{}: {value:?} is not a calendar date YYYY-MM-DD: {reason}", crate::json::at(.pointer))]
    MalformedDate {
        /// Where.
        pointer: String,
        /// The text found.
        value: String,
        /// Why it is not a date.
        reason: String,
    },
    /// No instrument with this id is known.
    #[error("/instrument/id: unknown instrument {id:?} (known: {known})")]
    UnknownInstrument {
        /// The id named by the response.
        id: String,
        /// The ids known.
        known: Listing,
    },
    /// The instrument is known but not at this version.
    #[error("/instrument/version: instrument {id:?} has no version {version} (available: {available})")]
    UnknownVersion {
        /// The instrument id.
        id: String,
        /// The version named by the response.
        version: String,
        /// The versions available.
        available: Listing,
    },
    /// The response names a different instrument than the one it is validated against.
    #[error("/instrument: the response is for {found}, but it is being checked against {expected}")]
    InstrumentMismatch {
        /// The instrument used for validation.
        expected: InstrumentRef,
        /// The instrument the response names.
        found: InstrumentRef,
    },
    /// An answer or note for an item the instrument does not have.
    #[error("{}: unknown item {item:?} in instrument {instrument}{}", crate::json::at(.pointer), crate::suggest::hint(.suggestion))]
    UnknownItem {
        /// Where.
        pointer: String,
        /// The item id.
        item: String,
        /// The instrument.
        instrument: InstrumentRef,
        /// The item id it is a near miss of, if any.
        suggestion: Option<String>,
    },
    /// An answer that is not an option of the item's scale.
    #[error("{}: {value:?} is not an option for item {item:?} (options: {allowed}){}", crate::json::at(.pointer), crate::suggest::hint(.suggestion))]
    InvalidOption {
        /// Where.
        pointer: String,
        /// The item id.
        item: String,
        /// The answer found.
        value: String,
        /// The item's options.
        allowed: Listing,
        /// The option id it is a near miss of, if any.
        suggestion: Option<String>,
    },
    /// A focus category the instrument does not have.
    #[error("{}: unknown focus category {category:?} (categories: {known})", crate::json::at(.pointer))]
    UnknownFocusCategory {
        /// Where.
        pointer: String,
        /// The category id.
        category: String,
        /// The instrument's category ids.
        known: Listing,
    },
    /// A focus category listed twice.
    #[error("{}: focus category {category:?} is listed more than once", crate::json::at(.pointer))]
    DuplicateFocusCategory {
        /// Where.
        pointer: String,
        /// The category id.
        category: String,
    },
}

problem_enum!(ResponseProblem {
    NotAResponse => "not_a_response", Location::Pointer("");
    MalformedDate { pointer } => "malformed_date", Location::Pointer(pointer);
    UnknownInstrument => "unknown_instrument", Location::Pointer("/instrument/id");
    UnknownVersion => "unknown_version", Location::Pointer("/instrument/version");
    InstrumentMismatch => "instrument_mismatch", Location::Pointer("/instrument");
    UnknownItem { pointer } => "unknown_item", Location::Pointer(pointer);
    InvalidOption { pointer } => "invalid_option", Location::Pointer(pointer);
    UnknownFocusCategory { pointer } => "unknown_focus_category", Location::Pointer(pointer);
    DuplicateFocusCategory { pointer } => "duplicate_focus_category", Location::Pointer(pointer);
} suggestions { UnknownItem, InvalidOption });

/// The error returned when a response document is malformed or does not fit its instrument:
/// every problem found, in document order.
///
/// ```
/// use health_equity_assessment::Registry;
///
/// let text = r#"{
///   "instrument": {"id": "heoa", "version": "1.0.0"},
///   "organization": {"id": "org-1"},
///   "assessed_on": "2023-02-30",
///   "answers": {"data-collection.sogi": "yes", "data-collection.nope": "planning"}
/// }"#;
/// let err = Registry::builtin().validate_json(text).unwrap_err();
/// assert_eq!(err.codes(), ["malformed_date", "invalid_option", "unknown_item"]);
/// ```
pub type ResponseError = Problems<ResponseProblem>;

/// The subject of a response's problems.
pub(crate) const RESPONSE: &str = "response";

/// The error of a response refused with these problems. A reader always records why it
/// refuses; the fallback problem only keeps the error from ever being empty.
pub(crate) fn refused(problems: Vec<ResponseProblem>) -> ResponseError {
    Problems::new(RESPONSE, problems).unwrap_or_else(|| {
        Problems::one(
            RESPONSE,
            JsonProblem::InvalidValue { pointer: String::new(), message: "the document could not be read".to_owned() }
                .into(),
        )
    })
}
