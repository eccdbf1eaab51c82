//! Problems found in a response document.

use std::fmt;

/// One problem in a response document. Every variant names where it is (a JSON Pointer such as
/// `/answers/data-collection.sogi`, RFC 6901) and the bad value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResponseProblem {
    /// The text is not JSON.
    #[error("line {line}, column {column}: not valid JSON: {message}")]
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser found.
        message: String,
    },
    /// The bytes are not UTF-8 text.
    #[error("not UTF-8 text: invalid byte at offset {offset}")]
    NotUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The document is another kind of document (a FHIR resource, an instrument file), reported
    /// once instead of as one unknown field per key.
    #[error("the document is {found}, not a response document: {hint}")]
    NotAResponse {
        /// What it is, e.g. `a FHIR QuestionnaireResponse`.
        found: String,
        /// What to do instead.
        hint: &'static str,
    },
    /// A field the response format does not have.
    #[error("{}: unknown field {field:?} (put extra data under \"extensions\")", crate::json::at(.pointer))]
    UnknownField {
        /// The object holding the field.
        pointer: String,
        /// The field name.
        field: String,
    },
    /// A required field is absent.
    #[error("{}: missing required field {field:?}", crate::json::at(.pointer))]
    MissingField {
        /// The object lacking the field.
        pointer: String,
        /// The field name.
        field: String,
    },
    /// A key appears twice in one object; JSON parsers silently keep one of them, so the
    /// document is ambiguous.
    #[error("{}: key {key:?} appears more than once", crate::json::at(.pointer))]
    DuplicateKey {
        /// The object holding the key.
        pointer: String,
        /// The repeated key.
        key: String,
    },
    /// A value of the wrong type or shape.
    #[error("{}: {message}", crate::json::at(.pointer))]
    InvalidValue {
        /// Where.
        pointer: String,
        /// What is wrong, naming the value found.
        message: String,
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
    /// The instrument version is not a semantic version.
    #[error("{}: {value:?} is not a semantic version (major.minor.patch): {reason}", crate::json::at(.pointer))]
    InvalidVersion {
        /// Where.
        pointer: String,
        /// The text found.
        value: String,
        /// Why it does not parse.
        reason: String,
    },
    /// No instrument with this id is known.
    #[error("/instrument/id: unknown instrument {id:?} (known: {known})")]
    UnknownInstrument {
        /// The id named by the response.
        id: String,
        /// The ids known, comma-separated.
        known: String,
    },
    /// The instrument is known but not at this version.
    #[error("/instrument/version: instrument {id:?} has no version {version} (available: {available})")]
    UnknownVersion {
        /// The instrument id.
        id: String,
        /// The version named by the response.
        version: String,
        /// The versions available, comma-separated.
        available: String,
    },
    /// The response names a different instrument than the one it is validated against.
    #[error("/instrument: the response is for {found}, but it is being checked against {expected}")]
    InstrumentMismatch {
        /// The instrument used for validation.
        expected: String,
        /// The instrument the response names.
        found: String,
    },
    /// An answer or note for an item the instrument does not have.
    #[error("{}: unknown item {item:?} in instrument {instrument}", crate::json::at(.pointer))]
    UnknownItem {
        /// Where.
        pointer: String,
        /// The item id.
        item: String,
        /// `id@version` of the instrument.
        instrument: String,
    },
    /// An answer that is not an option of the item's scale.
    #[error("{}: {value:?} is not an option for item {item:?} (options: {allowed})", crate::json::at(.pointer))]
    InvalidOption {
        /// Where.
        pointer: String,
        /// The item id.
        item: String,
        /// The answer found.
        value: String,
        /// The item's options, comma-separated.
        allowed: String,
    },
    /// A focus category the instrument does not have.
    #[error("{}: unknown focus category {category:?} (categories: {known})", crate::json::at(.pointer))]
    UnknownFocusCategory {
        /// Where.
        pointer: String,
        /// The category id.
        category: String,
        /// The instrument's category ids, comma-separated.
        known: String,
    },
    /// A focus category listed twice.
    #[error("{}: focus category {category:?} is listed more than once", crate::json::at(.pointer))]
    DuplicateFocusCategory {
        /// Where.
        pointer: String,
        /// The category id.
        category: String,
    },
    /// The document, or a part of it, is larger than the configured limit.
    #[error("{}: {what} is {size}, over the limit of {limit}", crate::json::at(.pointer))]
    TooLarge {
        /// Where.
        pointer: String,
        /// What was measured (`the document`, `the answer count`, …).
        what: &'static str,
        /// The size found.
        size: usize,
        /// The limit.
        limit: usize,
    },
}

impl ResponseProblem {
    /// A stable machine-readable code for the problem kind, e.g. `unknown_item`.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            ResponseProblem::Syntax { .. } => "syntax",
            ResponseProblem::NotUtf8 { .. } => "not_utf8",
            ResponseProblem::NotAResponse { .. } => "not_a_response",
            ResponseProblem::UnknownField { .. } => "unknown_field",
            ResponseProblem::MissingField { .. } => "missing_field",
            ResponseProblem::DuplicateKey { .. } => "duplicate_key",
            ResponseProblem::InvalidValue { .. } => "invalid_value",
            ResponseProblem::MalformedDate { .. } => "malformed_date",
            ResponseProblem::InvalidVersion { .. } => "invalid_version",
            ResponseProblem::UnknownInstrument { .. } => "unknown_instrument",
            ResponseProblem::UnknownVersion { .. } => "unknown_version",
            ResponseProblem::InstrumentMismatch { .. } => "instrument_mismatch",
            ResponseProblem::UnknownItem { .. } => "unknown_item",
            ResponseProblem::InvalidOption { .. } => "invalid_option",
            ResponseProblem::UnknownFocusCategory { .. } => "unknown_focus_category",
            ResponseProblem::DuplicateFocusCategory { .. } => "duplicate_focus_category",
            ResponseProblem::TooLarge { .. } => "too_large",
        }
    }

    /// The JSON Pointer of the problem (`None` for syntax errors, which have a line and
    /// column instead).
    #[must_use]
    pub fn pointer(&self) -> Option<&str> {
        match self {
            ResponseProblem::Syntax { .. } | ResponseProblem::NotUtf8 { .. } => None,
            ResponseProblem::NotAResponse { .. } => Some(""),
            ResponseProblem::UnknownInstrument { .. } => Some("/instrument/id"),
            ResponseProblem::UnknownVersion { .. } => Some("/instrument/version"),
            ResponseProblem::InstrumentMismatch { .. } => Some("/instrument"),
            ResponseProblem::UnknownField { pointer, .. }
            | ResponseProblem::MissingField { pointer, .. }
            | ResponseProblem::DuplicateKey { pointer, .. }
            | ResponseProblem::InvalidValue { pointer, .. }
            | ResponseProblem::MalformedDate { pointer, .. }
            | ResponseProblem::InvalidVersion { pointer, .. }
            | ResponseProblem::UnknownItem { pointer, .. }
            | ResponseProblem::InvalidOption { pointer, .. }
            | ResponseProblem::UnknownFocusCategory { pointer, .. }
            | ResponseProblem::DuplicateFocusCategory { pointer, .. }
            | ResponseProblem::TooLarge { pointer, .. } => Some(pointer),
        }
    }
}

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
/// let codes: Vec<_> = err.problems().iter().map(|p| p.code()).collect();
/// assert_eq!(codes, ["malformed_date", "invalid_option", "unknown_item"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseError {
    pub(crate) problems: Vec<ResponseProblem>,
}

impl ResponseError {
    /// The problems found (never empty).
    #[must_use]
    pub fn problems(&self) -> &[ResponseProblem] {
        &self.problems
    }

    /// Consumes the error, returning its problems.
    #[must_use]
    pub fn into_problems(self) -> Vec<ResponseProblem> {
        self.problems
    }
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(f, "the response has {n} problem{}", if n == 1 { "" } else { "s" })?;
        for p in &self.problems {
            write!(f, "\n  {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ResponseError {}
