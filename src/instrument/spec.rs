//! The instrument file format: plain data with public fields, exactly as written in
//! `assessments/<id>/<version>.json`. [`Instrument`](super::Instrument) is the checked form.

use std::collections::BTreeMap;

use jiff::civil::Date;
use schemars::JsonSchema;
use semver::Version;
use serde::{Deserialize, Serialize};

use super::InstrumentRef;
use crate::rules::{CategoryRule, OverallRule};

use crate::Exact;
use crate::json::ExtensionValue;

/// Free-form data carried through unchanged: the crate keeps it and never interprets it. Each
/// value is kept as the JSON text it was written as ([`ExtensionValue`]), so numbers survive a
/// round trip exactly.
pub type Extensions = BTreeMap<String, ExtensionValue>;

/// An instrument file, as written: format version, identity, provenance, response scales,
/// ordered categories of items, and the scoring rules.
///
/// Load a file with [`Instrument::from_json`](super::Instrument::from_json), which checks it and
/// reports every problem; this type alone is unchecked. Deserializing it (from JSON text or a
/// `serde_json::Value`) runs the same reader as `from_json`, without the checks that need the
/// whole instrument, and reports every problem of structure in one error.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Instrument")]
#[non_exhaustive]
pub struct InstrumentSpec {
    /// The version of this file's JSON shape (owned by the crate, separate from `version`).
    /// This crate reads format version [`FORMAT_VERSION`](super::FORMAT_VERSION).
    pub format_version: u32,
    /// Stable identifier, lowercase ASCII letters and digits separated by `-` or `_`, e.g. `heoa`.
    #[schemars(regex(pattern = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"), length(max = 64))]
    pub id: String,
    /// The instrument's own semantic version. A change that can alter a score for the same
    /// answers is a new major version; wording fixes are patches.
    #[schemars(
        with = "String",
        regex(pattern = r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
    )]
    pub version: Version,
    /// Human-readable title.
    pub title: String,
    /// Who publishes the instrument (or this edition of it).
    pub publisher: String,
    /// What the instrument is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub description: Option<String>,
    /// Where the content comes from and what is verified (optional: empty lists by default).
    #[serde(default)]
    pub provenance: Provenance,
    /// Where the instrument stands in its life: in use, superseded, retired or suspended, with
    /// dates and the names it has had (optional: an instrument without one is active).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<Lifecycle>,
    /// Response scales shared by the items.
    pub scales: Vec<Scale>,
    /// Ordered categories (or components, domains), each with ordered items.
    pub categories: Vec<Category>,
    /// How answers become category and overall scores and levels.
    pub scoring: Scoring,
    /// Data kept and ignored by the crate.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extensions: Extensions,
}

/// Where an instrument's content comes from, and which parts are verified against a source
/// and which are this project's own wording or defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Provenance {
    /// Public sources consulted (optional, default none).
    #[serde(default)]
    pub sources: Vec<Source>,
    /// Statements about the instrument that the sources verify (optional, default none).
    #[serde(default)]
    pub verified: Vec<String>,
    /// What is this project's own: wording, scales, thresholds (optional, default none).
    #[serde(default)]
    pub original: Vec<String>,
    /// Anything else a reader should know (licensing, lineage).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub notes: Option<String>,
}

/// Where an instrument (this edition) stands in its life. Programs retire and rename
/// instruments faster than organizations stop using them: a retired or suspended instrument
/// still validates and scores (history must stay comparable), and its reports say its status.
///
/// ```
/// use health_equity_assessment::{LifecycleStatus, Registry};
///
/// let hche = Registry::builtin().latest("cms-hche").unwrap();
/// let lifecycle = hche.lifecycle().unwrap();
/// assert_eq!(lifecycle.status, LifecycleStatus::Retired);
/// assert_eq!(lifecycle.retired.map(|d| d.to_string()).as_deref(), Some("2025-10-01"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Lifecycle {
    /// `active` (the default), `superseded`, `retired` or `suspended`.
    #[serde(default)]
    pub status: LifecycleStatus,
    /// The first day the instrument (or the requirement it carries) was in effect.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    #[schemars(with = "String")]
    pub effective: Option<Date>,
    /// The day it stopped being in effect (required when `status` is `retired`).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    #[schemars(with = "String")]
    pub retired: Option<Date>,
    /// The instrument that replaces this one (required when `status` is `superseded`).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    pub superseded_by: Option<InstrumentRef>,
    /// The names the instrument (or its requirement) has had, oldest first, each with the
    /// days it was in use; the last one without `until` is the current name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<Alias>,
    /// The rule behind the status, in words (e.g. what happens to assessments already done).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    #[schemars(with = "String")]
    pub notes: Option<String>,
}

impl Lifecycle {
    /// The current name: the last alias still in use (without `until`), if any.
    #[must_use]
    pub fn current_name(&self) -> Option<&Alias> {
        self.aliases.iter().rev().find(|a| a.until.is_none())
    }
}

/// Where an instrument stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LifecycleStatus {
    /// In use.
    #[default]
    Active,
    /// Replaced by another instrument (`superseded_by`).
    Superseded,
    /// No longer in effect (since `retired`); kept so that past assessments stay scorable.
    Retired,
    /// Set aside for now, possibly to come back.
    Suspended,
}

impl LifecycleStatus {
    /// The status as written in files and reports (`retired`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            LifecycleStatus::Active => "active",
            LifecycleStatus::Superseded => "superseded",
            LifecycleStatus::Retired => "retired",
            LifecycleStatus::Suspended => "suspended",
        }
    }
}

/// `active`, `retired`, …; honours width, fill and alignment.
impl std::fmt::Display for LifecycleStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// A name an instrument (or the requirement it carries) has had.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Alias {
    /// The name, e.g. `NPSG.16.01.01`.
    pub name: String,
    /// The first day it was used.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    #[schemars(with = "String")]
    pub from: Option<Date>,
    /// The last day it was used (none: still in use).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    #[schemars(with = "String")]
    pub until: Option<Date>,
    /// Where the name and dates come from (a URL).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    #[schemars(with = "String")]
    pub source: Option<String>,
}

/// An optional field that is present: `null` is refused like any other wrong type (the
/// schema says the field is a string or an object, and the rest of the reader agrees).
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

/// One public source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Source {
    /// Address of the source.
    pub url: String,
    /// Its title.
    pub title: String,
    /// What it supports in this instrument.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub supports: Option<String>,
}

/// A response scale: ordered options. Options with `points` are scored; options flagged
/// `excluded` (such as "not applicable") leave an item out of the numerator and denominator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Scale {
    /// Identifier that items refer to.
    #[schemars(regex(pattern = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"), length(max = 64))]
    pub id: String,
    /// Human-readable name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub label: Option<String>,
    /// Options in display order.
    pub options: Vec<ScaleOption>,
}

/// One answer option of a scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ScaleOption {
    /// Identifier written in responses, e.g. `in_progress`.
    #[schemars(regex(pattern = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"), length(max = 64))]
    pub id: String,
    /// Human-readable label.
    pub label: String,
    /// Points earned; required unless `excluded`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "u32")]
    pub points: Option<u32>,
    /// The option takes the item out of scoring (e.g. not applicable); it has no points.
    #[serde(default, skip_serializing_if = "is_false")]
    pub excluded: bool,
    /// What the option means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub description: Option<String>,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_false(value: &bool) -> bool {
    !*value
}

/// A category (component, domain) and its ordered items.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Category {
    /// Identifier, e.g. `data-collection`.
    #[schemars(regex(pattern = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"), length(max = 64))]
    pub id: String,
    /// Human-readable title.
    pub title: String,
    /// What the category covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub description: Option<String>,
    /// Items (key activities, elements) in order.
    pub items: Vec<Item>,
    /// Data kept and ignored by the crate.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extensions: Extensions,
}

/// One item (key activity, element, indicator).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Item {
    /// Identifier `<category-id>.<slug>`, unique in the instrument and never reused for a
    /// different question.
    #[schemars(regex(pattern = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*\.[a-z0-9]+(?:[-_][a-z0-9]+)*$"), length(max = 129))]
    pub id: String,
    /// The statement the organization rates.
    pub text: String,
    /// The id of the scale answering this item.
    pub scale: String,
    /// For the `cumulative` rule: the id of the stage this item belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub stage: Option<String>,
    /// The instrument version that introduced this item, when it is newer than the first
    /// edition (at most this edition's version).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        with = "String",
        regex(pattern = r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
    )]
    pub introduced: Option<Version>,
    /// The instrument version that drops this item (later than this edition's version).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        with = "String",
        regex(pattern = r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
    )]
    pub retired: Option<Version>,
    /// Guidance for the person answering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub description: Option<String>,
    /// Data kept and ignored by the crate.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extensions: Extensions,
}

/// How categories and the whole instrument are scored and which levels they reach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Scoring {
    /// The rule for every category and the level set its percent is banded with.
    pub category: CategoryScoring,
    /// The rule combining category results and the level set for the overall percent.
    pub overall: OverallScoring,
    /// Named sets of levels (bands on a percent from 0 to 100).
    pub level_sets: Vec<LevelSet>,
}

/// The category rule and the level set for category percents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CategoryScoring {
    /// How a category's answers become points out of a maximum.
    pub rule: CategoryRule,
    /// The id of the level set banding the category percent.
    pub levels: String,
}

/// The overall rule and the level set for the overall percent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct OverallScoring {
    /// How category results combine.
    pub rule: OverallRule,
    /// The id of the level set banding the overall percent.
    pub levels: String,
}

/// A named set of levels: bands on a percent, lowest first.
///
/// Level `i` covers `[min_percent_i, min_percent_{i+1})` and the last level covers
/// `[min_percent_last, 100]`. The first band starts at 0 and bounds strictly increase, so the
/// bands cover 0..=100 exactly once. Comparison is exact (rational), never in floats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct LevelSet {
    /// Identifier that `scoring.category.levels` and `scoring.overall.levels` refer to.
    #[schemars(regex(pattern = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"), length(max = 64))]
    pub id: String,
    /// The levels, lowest first.
    pub levels: Vec<Level>,
}

/// One maturity level (band).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Level {
    /// Identifier written in reports, e.g. `developing`.
    #[schemars(regex(pattern = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"), length(max = 64))]
    pub id: String,
    /// Human-readable label.
    pub label: String,
    /// Inclusive lower bound of the band, an exact number from 0 to 100 (`25`, `"62.5"`,
    /// `"200/3"`; JSON floats are refused).
    pub min_percent: Exact,
    /// What the level means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub description: Option<String>,
}

impl<'de> Deserialize<'de> for InstrumentSpec {
    /// The instrument reader (the one `Instrument::from_json` uses), from JSON: every problem
    /// of structure is reported at once, in the error's message.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = <Box<serde_json::value::RawValue>>::deserialize(deserializer)?;
        super::read_spec(raw.get()).map_err(serde::de::Error::custom)
    }
}
