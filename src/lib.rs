//! Health-equity organizational self-assessments as versioned data: validate responses, score
//! them into per-category and overall maturity levels, and list the opportunities for
//! improvement.
//!
//! Hospitals and health systems in US quality-improvement programs assess themselves on health
//! equity: the **HEOA** (Health Equity Organizational Assessment) used by IPRO and other CMS
//! quality-improvement contractors, and the **IHI five-component framework** used by IHI's
//! Pursuing Equity network. This crate defines such instruments as data (JSON files with a
//! semantic version, built in or loaded at run time), checks responses against them, and scores
//! them exactly.
//!
//! Data flows one way:
//!
//! ```text
//! instrument file --Instrument::from_json--> Instrument --(Registry: id + version)
//! response JSON --validate_json--> ValidatedResponse --score--> ScoreReport
//! (baseline ScoreReport, follow-up ScoreReport) + program window --progress::compare--> ProgressReport
//! many ScoreReports --Cohort::analyze--> CohortReport (paired statistics in `stats`)
//! ```
//!
//! # Example
//!
//! ```
//! use health_equity_assessment::Registry;
//!
//! let response = r#"{
//!   "instrument": { "id": "heoa", "version": "1.0.0" },
//!   "organization": { "id": "org-001", "name": "Example Community Hospital" },
//!   "assessed_on": "2022-11-17",
//!   "answers": {
//!     "data-validation.completeness-monitored": "implemented",
//!     "data-validation.accuracy-audited": "in_progress",
//!     "data-validation.feedback-to-staff": "planning",
//!     "data-validation.targets-set": "not_applicable"
//!   }
//! }"#;
//!
//! let validated = Registry::builtin().validate_json(response)?;
//! let report = validated.score();
//!
//! // Data validation: 3 + 2 + 1 of 9 points (targets-set is not applicable) = 66.67 %.
//! let validation = report.category("data-validation").unwrap();
//! assert_eq!(validation.percent, Some(66.67));
//! assert_eq!(validation.level.as_deref(), Some("advancing"));
//!
//! // Unanswered items score zero and are listed, never silently dropped.
//! let collection = report.category("data-collection").unwrap();
//! assert_eq!(collection.missing.len(), 6);
//! assert_eq!(collection.level.as_deref(), Some("beginning"));
//!
//! // Opportunities for improvement: lowest categories first.
//! assert_eq!(report.opportunities[0].category, "data-collection");
//! # Ok::<(), health_equity_assessment::ResponseError>(())
//! ```
//!
//! # Exactness
//!
//! Points are integers and percents are exact rationals ([`Exact`]); band thresholds are
//! compared exactly. A category at 74.99…% is `advancing`, never `leading` by rounding. JSON
//! reports carry each percent rounded to two decimals for display and the exact value as a
//! string.
//!
//! # Errors
//!
//! Loading an instrument or validating a response reports every problem at once, each with a
//! stable [`code`](ResponseProblem::code) and a JSON Pointer to the bad value. Library code
//! never panics on input.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

// Implementation modules are private; everything public is re-exported once below, so each
// item has exactly one path. `fhir`, `redcap`, `render`, `stats` and `synthetic` are namespaces of their
// own (many functions whose names only make sense with the module's name before them).
mod batch;
mod cohort;
mod crosswalk;
mod date;
#[cfg(test)]
mod error_catalog;
mod escape;
mod exact;
#[cfg(feature = "fhir")]
pub mod fhir;
mod instrument;
mod json;
mod problem;
mod progress;
mod reassess;
#[cfg(feature = "redcap")]
pub mod redcap;
mod registry;
#[cfg(feature = "render")]
pub mod render;
mod response;
mod rng;
mod rules;
mod schema;
mod score;
mod shared;
pub mod stats;
mod suggest;
pub mod synthetic;
mod table;
mod trend;
mod writer;
#[cfg(feature = "xlsx")]
pub mod xlsx;

pub use batch::{
    BatchLine, BatchOutput, ValidationResult, score_line, score_line_with, summarize_line_with, write_batch_line,
};
pub use cohort::{
    Ambiguous, CategorySummary, Cohort, CohortError, CohortOptions, CohortRecord, CohortReport, Duplicate,
    DuplicateReason, InstrumentSummary, ItemSummary, NotComparable, OutsideWindow, PairedWaves, Phase,
    RejectedDocument, SummaryRow, TidyRow, Unpaired, summary_rows,
};
pub use crosswalk::{
    BUILTIN_CROSSWALK_FILES, Basis, CROSSWALK_FORMAT_VERSION, Crosswalk, CrosswalkError, CrosswalkProblem,
    CrosswalkRow, Crosswalks, Evidence, EvidenceStatus, MAX_EVIDENCE, Prefill, PrefillItem,
};
pub use date::{DateError, parse_date};
pub use escape::{escape_controls, escape_markdown, is_unsafe_char, neutralize_formula, restore_formula};
pub use exact::{Exact, ParseExactError};
pub use instrument::{
    Alias, Category, CategoryScoring, Extensions, FORMAT_VERSION, Instrument, InstrumentError, InstrumentProblem,
    InstrumentRef, InstrumentSpec, Item, Level, LevelSet, Lifecycle, LifecycleStatus, OverallScoring,
    ParseInstrumentRefError, Provenance, Scale, ScaleOption, Scoring, Source,
};
pub use json::{ExtensionValue, MAX_EXTENSION_DEPTH};
pub use problem::{JsonProblem, Listing, Location, Problem, ProblemRecord, Problems};
pub use progress::{
    Assessment, CategoryProgress, CategoryRename, CompareError, CompareOptions, FocusProgress, FollowUpWindow,
    ITEM_MAP_FORMAT_VERSION, ItemAnswer, ItemChange, ItemMap, ItemMapError, ItemMapProblem, ItemMapping, LevelMovement,
    MapUsed, Matching, OverallProgress, Program, ProgressReport, Side, Standing, UnmatchedItem, VersionRange,
    WindowCheck, WindowError, WindowVerdict, compare,
};
pub use reassess::{ChangeLabel, ItemDelta, TemplateOptions, item_changes, template};
pub use registry::{BUILTIN_FILES, DuplicateInstrument, InstrumentListing, Registry};
pub use response::{
    Organization, Response, ResponseBuilder, ResponseError, ResponseLimits, ResponseProblem, ValidatedResponse,
};
pub use rules::{CategoryRule, OverallRule, Stage};
pub use schema::SchemaKind;
pub use score::{
    CategoryRuleKind, CategoryScore, Engine, InstrumentStatus, ItemScore, ItemStatus, Opportunity, OverallRuleKind,
    OverallScore, ScoreReport, ScoreSummary, SummaryCategory, SummaryTotal, level_for,
};
pub use shared::SharedStr;
pub use table::{CsvError, CsvWriter, Formulas, to_csv};
pub use trend::{AmbiguousWave, CategoryTrend, Trajectory, TrendReport, TrendSeries, Wave, WaveStanding, trend};

/// The calendar date the API takes and reports carry (`assessed_on`, program completion), from
/// `jiff`: re-exported so a user needs no dependency of their own.
pub use jiff::civil::Date;
/// Instrument versions and version requirements, from `semver`: re-exported so a user needs no
/// dependency of their own.
pub use semver::{Error as SemverError, Version, VersionReq};

/// The largest instrument, item-map or crosswalk file read: 16 MiB.
pub const MAX_FILE_BYTES: usize = 16 << 20;

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
