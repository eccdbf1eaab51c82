//! Problems found while loading an instrument file.

use crate::problem::{JsonProblem, Listing, Location, Problems, problem_enum};

/// One problem in an instrument file. Every variant carries the JSON Pointer (RFC 6901) of the
/// offending value (`""` is the whole document) and the bad value itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InstrumentProblem {
    /// A problem of JSON structure: syntax, encoding, a newer format, an unknown, missing or
    /// duplicate field, a value of the wrong type, a bad version, a list over its limit.
    #[error(transparent)]
    Json(JsonProblem),
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
        /// The scales defined.
        known: Listing,
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
        /// The level sets defined.
        known: Listing,
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
}

problem_enum!(InstrumentProblem {
    InvalidId { pointer } => "invalid_id", Location::Pointer(pointer);
    DuplicateId { pointer } => "duplicate_id", Location::Pointer(pointer);
    ItemIdPrefix { pointer } => "item_id_prefix", Location::Pointer(pointer);
    UnknownScale { pointer } => "unknown_scale", Location::Pointer(pointer);
    NoCategories { pointer } => "no_categories", Location::Pointer(pointer);
    EmptyCategory { pointer } => "empty_category", Location::Pointer(pointer);
    NoScoredOption { pointer } => "no_scored_option", Location::Pointer(pointer);
    ZeroTopPoints { pointer } => "zero_top_points", Location::Pointer(pointer);
    OptionPoints { pointer } => "option_points", Location::Pointer(pointer);
    NoLevels { pointer } => "no_levels", Location::Pointer(pointer);
    BandsNotFromZero { pointer } => "bands_not_from_zero", Location::Pointer(pointer);
    BandsNotIncreasing { pointer } => "bands_not_increasing", Location::Pointer(pointer);
    BandOutOfRange { pointer } => "band_out_of_range", Location::Pointer(pointer);
    UnknownLevelSet { pointer } => "unknown_level_set", Location::Pointer(pointer);
    Stage { pointer } => "stage", Location::Pointer(pointer);
});

/// The error returned when an instrument file fails its checks: every problem found, in
/// document order as far as possible. Its subject names the instrument (`instrument
/// heoa@1.0.0`) when the file got that far.
///
/// ```
/// use health_equity_assessment::{Instrument, Problem};
///
/// let err = Instrument::from_json(r#"{"format_version": 1, "id": "Bad Id"}"#).unwrap_err();
/// assert!(err.problems().iter().any(|p| p.code() == "invalid_id"));
/// assert!(err.problems().iter().any(|p| p.code() == "missing_field"));
/// assert_eq!(err.subject(), "instrument");
/// ```
pub type InstrumentError = Problems<InstrumentProblem>;
