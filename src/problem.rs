//! One problem model for the whole crate.
//!
//! Every kind of problem (a response that does not fit its instrument, an instrument file with
//! a bad band, a REDCap column nobody knows) is an enum implementing [`Problem`]: a stable
//! [`code`](Problem::code), a [`Location`], and a message (its `Display`). When a reader
//! reports every problem at once, it returns them in one container, [`Problems`], with one
//! `Display` for all. [`JsonProblem`] holds the problems of JSON structure (syntax, unknown,
//! missing or duplicate keys, wrong values), declared once and shared by every document reader.
//! [`ProblemRecord`] is any problem as data, for JSON output.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Where a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Location<'a> {
    /// A JSON Pointer (RFC 6901) into the document; `""` is the whole document.
    Pointer(&'a str),
    /// A line and column of the text (1-based): for text that is not well-formed.
    Text {
        /// Line.
        line: usize,
        /// Column.
        column: usize,
    },
    /// A byte offset into the input (for bytes that are not UTF-8).
    Offset(usize),
    /// A FHIRPath-style element path, such as `QuestionnaireResponse.item[0].answer[0]`.
    Element(&'a str),
    /// A column of a table, and the record when the problem is in one (REDCap).
    Cell {
        /// The record id, when the problem is in a record.
        record: Option<&'a str>,
        /// The column name.
        column: &'a str,
    },
    /// No place in a document: the problem is with the inputs as a whole or how they relate
    /// (two organizations compared, a statistic that cannot be computed).
    Inputs,
}

/// A problem found in an input, with a stable machine-readable code.
///
/// ```
/// use health_equity_assessment::{Location, Problem, Registry};
///
/// let err = Registry::builtin().validate_json(r#"{"instrument": 3}"#).unwrap_err();
/// let first = &err.problems()[0];
/// assert_eq!(first.code(), "invalid_value");
/// assert_eq!(first.location(), Location::Pointer("/instrument"));
/// assert_eq!(first.pointer(), Some("/instrument"));
/// ```
pub trait Problem: fmt::Display + fmt::Debug {
    /// A stable snake_case code, such as `unknown_item`; `docs/errors.md` lists them all.
    fn code(&self) -> &'static str;

    /// Where the problem is.
    fn location(&self) -> Location<'_>;

    /// The JSON Pointer of the problem, when its location is one.
    fn pointer(&self) -> Option<&str> {
        match self.location() {
            Location::Pointer(pointer) => Some(pointer),
            _ => None,
        }
    }

    /// What the value was probably meant to be, for a near miss of an id or option (`"Implemented"`
    /// → `implemented`). Only ever shown: nothing is corrected.
    fn suggestion(&self) -> Option<&str> {
        None
    }
}

/// Every problem found at once in one input: never empty, in the order found (document order
/// where there is one).
///
/// Its `Display` names the input and counts the problems, then gives each on its own line:
///
/// ```
/// use health_equity_assessment::Registry;
///
/// let err = Registry::builtin()
///     .validate_json(r#"{"instrument": {"id": "heoa", "version": "1.0.0"}, "organization": {"id": "o"},
///         "assessed_on": "2023-02-30", "answers": {"data-collection.sogi": "yes"}}"#)
///     .unwrap_err();
/// assert_eq!(err.len(), 2);
/// assert_eq!(
///     err.to_string(),
///     "response: 2 problems\n  /assessed_on: \"2023-02-30\" is not a calendar date YYYY-MM-DD: \
///      parsed date is not valid: parameter 'day' for `2023-02` is invalid, must be in range `1..=28`\n  \
///      /answers/data-collection.sogi: \"yes\" is not an option for item \"data-collection.sogi\" \
///      (options: not_started, planning, in_progress, implemented, not_applicable)"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems<P> {
    subject: String,
    problems: Vec<P>,
}

impl<P> Problems<P> {
    /// The problems of `subject` (`response`, `instrument heoa@1.0.0`, …); `None` when there
    /// are none.
    pub(crate) fn new(subject: impl Into<String>, problems: Vec<P>) -> Option<Self> {
        (!problems.is_empty()).then(|| Problems { subject: subject.into(), problems })
    }

    /// The problems found so far, when the caller knows there is at least one.
    pub(crate) fn one_of(subject: impl Into<String>, problems: Vec<P>) -> Self {
        Problems { subject: subject.into(), problems }
    }

    /// One problem.
    pub(crate) fn one(subject: impl Into<String>, problem: P) -> Self {
        Problems { subject: subject.into(), problems: vec![problem] }
    }

    /// `Ok(value)` when `problems` is empty, else the problems of `subject`.
    pub(crate) fn or_ok<T>(subject: impl Into<String>, problems: Vec<P>, value: T) -> Result<T, Self> {
        match Self::new(subject, problems) {
            None => Ok(value),
            Some(problems) => Err(problems),
        }
    }

    /// What the problems are in: `response`, `instrument heoa@1.0.0`, `item map`, …
    #[must_use]
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The problems (at least one).
    #[must_use]
    pub fn problems(&self) -> &[P] {
        &self.problems
    }

    /// The number of problems (at least one).
    #[must_use]
    pub fn len(&self) -> usize {
        self.problems.len()
    }

    /// Always `false`: there is at least one problem.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }

    /// The first problem.
    #[must_use]
    pub fn first(&self) -> Option<&P> {
        self.problems.first()
    }

    /// Consumes the container, returning the problems.
    #[must_use]
    pub fn into_problems(self) -> Vec<P> {
        self.problems
    }

    /// The problems, each mapped to another problem type (for example into a wider enum).
    #[must_use]
    pub fn map<Q>(self, f: impl FnMut(P) -> Q) -> Problems<Q> {
        Problems { subject: self.subject, problems: self.problems.into_iter().map(f).collect() }
    }
}

impl<P: Problem> Problems<P> {
    /// The codes of the problems, in order.
    #[must_use]
    pub fn codes(&self) -> Vec<&'static str> {
        self.problems.iter().map(Problem::code).collect()
    }

    /// The problems as data.
    #[must_use]
    pub fn records(&self) -> Vec<ProblemRecord> {
        self.problems.iter().map(ProblemRecord::of).collect()
    }
}

impl<'a, P> IntoIterator for &'a Problems<P> {
    type Item = &'a P;
    type IntoIter = std::slice::Iter<'a, P>;

    fn into_iter(self) -> Self::IntoIter {
        self.problems.iter()
    }
}

impl<P: fmt::Display> fmt::Display for Problems<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(f, "{}: {n} problem{}", self.subject, if n == 1 { "" } else { "s" })?;
        for p in &self.problems {
            write!(f, "\n  {p}")?;
        }
        Ok(())
    }
}

impl<P: fmt::Display + fmt::Debug> std::error::Error for Problems<P> {}

/// A list quoted in a problem: at most a dozen entries, and how many there are in all, so a
/// message never grows with the input (20,000 bad answers against a scale of 100 long options
/// must not copy the option list 20,000 times). Displayed `a, b, c`, or `a, b, …, l and 30 more`.
///
/// ```
/// use health_equity_assessment::Listing;
///
/// let list = Listing::of((1..=15).map(|n| n.to_string()));
/// assert_eq!((list.entries.len(), list.total), (12, 15));
/// assert_eq!(list.to_string(), "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 and 3 more");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct Listing {
    /// The first entries (at most [`Listing::MAX`]), each clipped to a readable length.
    pub entries: Vec<String>,
    /// How many entries the list has in all.
    pub total: usize,
}

impl Listing {
    /// The most entries a listing keeps.
    pub const MAX: usize = 12;

    /// The listing of `items`.
    pub fn of<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Self {
        let mut listing = Listing::default();
        for item in items {
            if listing.entries.len() < Self::MAX {
                listing.entries.push(crate::json::clip(item.as_ref()));
            }
            listing.total += 1;
        }
        listing
    }
}

impl fmt::Display for Listing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = self.entries.join(", ");
        let more = self.total.saturating_sub(self.entries.len());
        if more > 0 {
            text.push_str(&format!(" and {more} more"));
        }
        f.pad(&text)
    }
}

/// A problem as data: its stable code, JSON Pointer and message, as the command line's
/// `validate --format json`, batch scoring and every JSON interface write it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ProblemRecord {
    /// Stable machine-readable code, e.g. `unknown_item`.
    pub code: String,
    /// JSON Pointer of the bad value, when there is one.
    pub pointer: Option<String>,
    /// Human-readable message.
    pub message: String,
    /// What the value was probably meant to be (a near miss of an item or option id); absent
    /// when there is no single close match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

impl ProblemRecord {
    /// A problem with this code, pointer and message.
    #[must_use]
    pub fn new(code: impl Into<String>, pointer: Option<String>, message: impl Into<String>) -> Self {
        ProblemRecord { code: code.into(), pointer, message: message.into(), suggestion: None }
    }

    /// Any problem as a record.
    #[must_use]
    pub fn of(problem: &(impl Problem + ?Sized)) -> Self {
        ProblemRecord {
            code: problem.code().to_owned(),
            pointer: problem.pointer().map(str::to_owned),
            message: problem.to_string(),
            suggestion: problem.suggestion().map(str::to_owned),
        }
    }
}

/// A problem of JSON structure, the same in every document this crate reads (response,
/// instrument, item map, crosswalk, FHIR resource).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JsonProblem {
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
    /// The document uses a newer version of its format than this crate reads.
    #[error(
        "{}: format_version {found} is newer than this crate understands (it reads format version {supported}); upgrade health-equity-assessment",
        crate::json::at(.pointer)
    )]
    FormatTooNew {
        /// Where.
        pointer: String,
        /// The version in the document.
        found: u64,
        /// The newest version this crate reads.
        supported: u32,
    },
    /// A field the format does not have (a typo, or data meant for `extensions`).
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
    /// A version is not a semantic version.
    #[error("{}: {value:?} is not a semantic version (major.minor.patch): {reason}", crate::json::at(.pointer))]
    InvalidVersion {
        /// Where.
        pointer: String,
        /// The text found.
        value: String,
        /// Why it does not parse.
        reason: String,
    },
    /// The document, or a string or list in it, is larger than the limit.
    #[error("{}: {what} is {size}, over the limit of {limit}", crate::json::at(.pointer))]
    TooLarge {
        /// Where.
        pointer: String,
        /// What was measured (`the document size in bytes`, `the number of entries`, …).
        what: &'static str,
        /// The size found.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// A list has more entries than the format allows.
    #[error("{}: {what} has {count} entries, more than the limit of {limit}", crate::json::at(.pointer))]
    TooMany {
        /// Where.
        pointer: String,
        /// What is counted.
        what: &'static str,
        /// How many were found.
        count: usize,
        /// The limit.
        limit: usize,
    },
}

impl Problem for JsonProblem {
    fn code(&self) -> &'static str {
        match self {
            JsonProblem::Syntax { .. } => "syntax",
            JsonProblem::NotUtf8 { .. } => "not_utf8",
            JsonProblem::FormatTooNew { .. } => "format_too_new",
            JsonProblem::UnknownField { .. } => "unknown_field",
            JsonProblem::MissingField { .. } => "missing_field",
            JsonProblem::DuplicateKey { .. } => "duplicate_key",
            JsonProblem::InvalidValue { .. } => "invalid_value",
            JsonProblem::InvalidVersion { .. } => "invalid_version",
            JsonProblem::TooLarge { .. } => "too_large",
            JsonProblem::TooMany { .. } => "too_many",
        }
    }

    fn location(&self) -> Location<'_> {
        match self {
            JsonProblem::Syntax { line, column, .. } => Location::Text { line: *line, column: *column },
            JsonProblem::NotUtf8 { offset } => Location::Offset(*offset),
            JsonProblem::FormatTooNew { pointer, .. }
            | JsonProblem::UnknownField { pointer, .. }
            | JsonProblem::MissingField { pointer, .. }
            | JsonProblem::DuplicateKey { pointer, .. }
            | JsonProblem::InvalidValue { pointer, .. }
            | JsonProblem::InvalidVersion { pointer, .. }
            | JsonProblem::TooLarge { pointer, .. }
            | JsonProblem::TooMany { pointer, .. } => Location::Pointer(pointer),
        }
    }
}

impl JsonProblem {
    /// A syntax error from `serde_json`, its message without the position it repeats, and
    /// clipped so a hostile value never makes a huge message.
    pub(crate) fn syntax(e: &serde_json::Error) -> Self {
        JsonProblem::Syntax { line: e.line(), column: e.column(), message: crate::json::serde_message(e) }
    }

    /// The problem of text over a size limit.
    pub(crate) fn too_large_document(size: usize, limit: usize) -> Self {
        JsonProblem::TooLarge { pointer: String::new(), what: "the document size in bytes", size, limit }
    }
}

/// Implements [`Problem`] for a problem enum whose `Json` variant wraps a [`JsonProblem`]:
/// codes and locations of the JSON problems come from [`JsonProblem`], the others from the
/// match arms given (`Variant => "code", location-expression`).
macro_rules! problem_enum {
    ($ty:ident { $($variant:ident $({ $($field:ident),* $(,)? })? => $code:literal, $loc:expr;)* }
     $(suggestions { $($suggests:ident),* $(,)? })?) => {
        impl $crate::problem::Problem for $ty {
            fn code(&self) -> &'static str {
                match self {
                    $ty::Json(p) => $crate::problem::Problem::code(p),
                    $($ty::$variant { .. } => $code,)*
                }
            }

            #[allow(unused_variables)]
            fn location(&self) -> $crate::problem::Location<'_> {
                match self {
                    $ty::Json(p) => $crate::problem::Problem::location(p),
                    $($ty::$variant { $($($field,)*)? .. } => $loc,)*
                }
            }

            $(
                fn suggestion(&self) -> Option<&str> {
                    match self {
                        $($ty::$suggests { suggestion, .. } => suggestion.as_deref(),)*
                        _ => None,
                    }
                }
            )?
        }

        impl From<$crate::problem::JsonProblem> for $ty {
            fn from(p: $crate::problem::JsonProblem) -> Self {
                $ty::Json(p)
            }
        }
    };
}

pub(crate) use problem_enum;
