//! Problems found while loading an instrument file.

use std::fmt;

/// One problem in an instrument file. Every variant carries the JSON Pointer (RFC 6901) of the
/// offending value (`""` is the whole document) and the bad value itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InstrumentProblem {
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
    /// The file uses a newer JSON shape than this crate reads.
    #[error("{}: format_version {found} is newer than this crate understands (it reads format version {supported}); upgrade health-equity-assessment", crate::json::at(.pointer)
    )]
    FormatTooNew {
        /// Where.
        pointer: String,
        /// The version in the file.
        found: u64,
        /// The newest version this crate reads.
        supported: u32,
    },
    /// A field this format does not have (a typo, or data meant for `extensions`).
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
        /// The object that lacks the field.
        pointer: String,
        /// The field name.
        field: String,
    },
    /// An object key appears twice (JSON parsers disagree on which one wins).
    #[error("{}: key {key:?} appears more than once", crate::json::at(.pointer))]
    DuplicateKey {
        /// The object holding the key.
        pointer: String,
        /// The repeated key.
        key: String,
    },
    /// A value of the wrong type or out of range.
    #[error("{}: {message}", crate::json::at(.pointer))]
    InvalidValue {
        /// Where.
        pointer: String,
        /// What is wrong, naming the value.
        message: String,
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
    /// An identifier breaks the id syntax.
    #[error("{}: {what} id {id:?} is invalid: {reason}", crate::json::at(.pointer))]
    InvalidId {
        /// Where.
        pointer: String,
        /// What kind of id (`category`, `item`, `option`, …).
        what: &'static str,
        /// The id found.
        id: String,
        /// The rule it breaks.
        reason: &'static str,
    },
    /// Two things of one kind share an id.
    #[error("{}: duplicate {what} id {id:?} (first used at {first})", crate::json::at(.pointer))]
    DuplicateId {
        /// Where the second use is.
        pointer: String,
        /// What kind of id.
        what: &'static str,
        /// The id.
        id: String,
        /// Where the first use is.
        first: String,
    },
    /// An item id does not start with its category's id and a dot.
    #[error("{}: item id {item:?} must be \"{category}.<slug>\"", crate::json::at(.pointer))]
    ItemIdPrefix {
        /// Where.
        pointer: String,
        /// The item id.
        item: String,
        /// Its category's id.
        category: String,
    },
    /// An item names a scale that does not exist.
    #[error("{}: item {item:?} uses unknown scale {scale:?} (scales: {known})", crate::json::at(.pointer))]
    UnknownScale {
        /// Where.
        pointer: String,
        /// The item id.
        item: String,
        /// The scale named.
        scale: String,
        /// The scales defined, comma-separated.
        known: String,
    },
    /// The instrument has no categories.
    #[error("{}: the instrument has no categories", crate::json::at(.pointer))]
    NoCategories {
        /// Where.
        pointer: String,
    },
    /// A category has no items.
    #[error("{}: category {category:?} has no items", crate::json::at(.pointer))]
    EmptyCategory {
        /// Where.
        pointer: String,
        /// The category id.
        category: String,
    },
    /// A scale has no option with points, so nothing can be scored with it.
    #[error("{}: scale {scale:?} has no scored option (every option is excluded or the list is empty)", crate::json::at(.pointer))]
    NoScoredOption {
        /// Where.
        pointer: String,
        /// The scale id.
        scale: String,
    },
    /// The highest points of a scale's scored options is 0, so every item on it would have a
    /// maximum of 0 and could never be scored.
    #[error("{}: the top option of scale {scale:?} scores 0 points; its highest option must score at least 1", crate::json::at(.pointer))]
    ZeroTopPoints {
        /// Where.
        pointer: String,
        /// The scale id.
        scale: String,
    },
    /// A scored option without points, or an excluded option with points.
    #[error("{}: option {option:?} of scale {scale:?}: {reason}", crate::json::at(.pointer))]
    OptionPoints {
        /// Where.
        pointer: String,
        /// The scale id.
        scale: String,
        /// The option id.
        option: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// A level set has no levels.
    #[error("{}: level set {set:?} has no levels", crate::json::at(.pointer))]
    NoLevels {
        /// Where.
        pointer: String,
        /// The level set id.
        set: String,
    },
    /// The first band does not start at 0, so some percents would have no level.
    #[error("{}: level set {set:?} must start at 0 to cover 0..=100, but its first level {level:?} starts at {min}", crate::json::at(.pointer)
    )]
    BandsNotFromZero {
        /// Where.
        pointer: String,
        /// The level set id.
        set: String,
        /// The first level's id.
        level: String,
        /// Its lower bound.
        min: String,
    },
    /// A band's lower bound is not above the previous one.
    #[error("{}: level {level:?} of level set {set:?} starts at {min}, not above the previous level's {previous}", crate::json::at(.pointer)
    )]
    BandsNotIncreasing {
        /// Where.
        pointer: String,
        /// The level set id.
        set: String,
        /// The level id.
        level: String,
        /// Its lower bound.
        min: String,
        /// The previous level's lower bound.
        previous: String,
    },
    /// A band's lower bound lies outside 0..=100.
    #[error("{}: level {level:?} of level set {set:?} starts at {min}, outside 0..=100", crate::json::at(.pointer))]
    BandOutOfRange {
        /// Where.
        pointer: String,
        /// The level set id.
        set: String,
        /// The level id.
        level: String,
        /// Its lower bound.
        min: String,
    },
    /// The scoring refers to a level set that does not exist.
    #[error("{}: unknown level set {set:?} (level sets: {known})", crate::json::at(.pointer))]
    UnknownLevelSet {
        /// Where.
        pointer: String,
        /// The id named.
        set: String,
        /// The level sets defined, comma-separated.
        known: String,
    },
    /// An item's stage is missing, unknown, or set when the rule has no stages.
    #[error("{}: item {item:?}: {reason}", crate::json::at(.pointer))]
    Stage {
        /// Where.
        pointer: String,
        /// The item id.
        item: String,
        /// What is wrong, naming the stage.
        reason: String,
    },
    /// More elements than the loader accepts.
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

impl InstrumentProblem {
    /// A stable machine-readable code for the problem kind, e.g. `unknown_scale`.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            InstrumentProblem::Syntax { .. } => "syntax",
            InstrumentProblem::NotUtf8 { .. } => "not_utf8",
            InstrumentProblem::FormatTooNew { .. } => "format_too_new",
            InstrumentProblem::UnknownField { .. } => "unknown_field",
            InstrumentProblem::MissingField { .. } => "missing_field",
            InstrumentProblem::DuplicateKey { .. } => "duplicate_key",
            InstrumentProblem::InvalidValue { .. } => "invalid_value",
            InstrumentProblem::InvalidVersion { .. } => "invalid_version",
            InstrumentProblem::InvalidId { .. } => "invalid_id",
            InstrumentProblem::DuplicateId { .. } => "duplicate_id",
            InstrumentProblem::ItemIdPrefix { .. } => "item_id_prefix",
            InstrumentProblem::UnknownScale { .. } => "unknown_scale",
            InstrumentProblem::NoCategories { .. } => "no_categories",
            InstrumentProblem::EmptyCategory { .. } => "empty_category",
            InstrumentProblem::NoScoredOption { .. } => "no_scored_option",
            InstrumentProblem::ZeroTopPoints { .. } => "zero_top_points",
            InstrumentProblem::OptionPoints { .. } => "option_points",
            InstrumentProblem::NoLevels { .. } => "no_levels",
            InstrumentProblem::BandsNotFromZero { .. } => "bands_not_from_zero",
            InstrumentProblem::BandsNotIncreasing { .. } => "bands_not_increasing",
            InstrumentProblem::BandOutOfRange { .. } => "band_out_of_range",
            InstrumentProblem::UnknownLevelSet { .. } => "unknown_level_set",
            InstrumentProblem::Stage { .. } => "stage",
            InstrumentProblem::TooMany { .. } => "too_many",
        }
    }

    /// The JSON Pointer of the problem (`""` for the whole document; `None` for syntax and
    /// encoding errors, which have a line and column or a byte offset instead).
    #[must_use]
    pub fn pointer(&self) -> Option<&str> {
        match self {
            InstrumentProblem::Syntax { .. } | InstrumentProblem::NotUtf8 { .. } => None,
            InstrumentProblem::FormatTooNew { pointer, .. }
            | InstrumentProblem::UnknownField { pointer, .. }
            | InstrumentProblem::MissingField { pointer, .. }
            | InstrumentProblem::DuplicateKey { pointer, .. }
            | InstrumentProblem::InvalidValue { pointer, .. }
            | InstrumentProblem::InvalidVersion { pointer, .. }
            | InstrumentProblem::InvalidId { pointer, .. }
            | InstrumentProblem::DuplicateId { pointer, .. }
            | InstrumentProblem::ItemIdPrefix { pointer, .. }
            | InstrumentProblem::UnknownScale { pointer, .. }
            | InstrumentProblem::NoCategories { pointer }
            | InstrumentProblem::EmptyCategory { pointer, .. }
            | InstrumentProblem::NoScoredOption { pointer, .. }
            | InstrumentProblem::ZeroTopPoints { pointer, .. }
            | InstrumentProblem::OptionPoints { pointer, .. }
            | InstrumentProblem::NoLevels { pointer, .. }
            | InstrumentProblem::BandsNotFromZero { pointer, .. }
            | InstrumentProblem::BandsNotIncreasing { pointer, .. }
            | InstrumentProblem::BandOutOfRange { pointer, .. }
            | InstrumentProblem::UnknownLevelSet { pointer, .. }
            | InstrumentProblem::Stage { pointer, .. }
            | InstrumentProblem::TooMany { pointer, .. } => Some(pointer),
        }
    }
}

/// The error returned when an instrument file fails its checks: every problem found, in
/// document order as far as possible.
///
/// ```
/// use health_equity_assessment::Instrument;
///
/// let err = Instrument::from_json(r#"{"format_version": 1, "id": "Bad Id"}"#).unwrap_err();
/// assert!(err.problems().iter().any(|p| p.code() == "invalid_id"));
/// assert!(err.problems().iter().any(|p| p.code() == "missing_field"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstrumentError {
    pub(crate) instrument: Option<String>,
    pub(crate) problems: Vec<InstrumentProblem>,
}

impl InstrumentError {
    /// The problems found (never empty).
    #[must_use]
    pub fn problems(&self) -> &[InstrumentProblem] {
        &self.problems
    }

    /// `id@version` of the instrument when the file got that far.
    #[must_use]
    pub fn instrument(&self) -> Option<&str> {
        self.instrument.as_deref()
    }
}

impl fmt::Display for InstrumentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.instrument.as_deref().unwrap_or("instrument file");
        let n = self.problems.len();
        write!(f, "{name}: {n} problem{}", if n == 1 { "" } else { "s" })?;
        for p in &self.problems {
            write!(f, "\n  {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InstrumentError {}
