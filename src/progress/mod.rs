//! Progress: a baseline and a follow-up [`ScoreReport`] of one organization become a
//! [`ProgressReport`]: per-category and overall change, level movement, the key activities that
//! advanced, regressed or became newly implemented, the focus categories, and whether the
//! follow-up fell within the program's follow-up window.
//!
//! ```
//! use health_equity_assessment::Registry;
//! use health_equity_assessment::{CompareOptions, Program, WindowVerdict, compare};
//! use health_equity_assessment::Date;
//!
//! let registry = Registry::builtin();
//! let baseline = registry.validate_json(include_str!("../../examples/heoa-baseline.json"))?.score();
//! let follow_up = registry.validate_json(include_str!("../../examples/heoa-follow-up.json"))?.score();
//!
//! // The IPRO affinity group's last session was on 2023-05-11.
//! let options = CompareOptions::new().with_program(Program::new(Date::constant(2023, 5, 11)));
//! let progress = compare(&baseline, &follow_up, &options)?;
//!
//! assert_eq!(progress.window.verdict, WindowVerdict::Within);
//! let training = progress.category("data-collection-training").unwrap();
//! assert_eq!(training.change, Some(58.33));
//! assert!(training.focus);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Matching items
//!
//! Within one major version, items and categories correspond by id. Across major versions an
//! [`ItemMap`] says what was renamed, merged, split, removed or added; items without a
//! counterpart are listed in [`ProgressReport::unmatched`], never dropped. An item's position is
//! its points as a fraction of its scale's top (unanswered counts as zero, not applicable is not
//! comparable); a merged or split group uses the mean of its applicable items.

mod item_map;
mod window;

use std::collections::{BTreeSet, HashMap};

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use item_map::{
    CategoryRename, ITEM_MAP_FORMAT_VERSION, ItemMap, ItemMapError, ItemMapProblem, ItemMapping, VersionRange,
};
pub use window::{FollowUpWindow, Program, WindowCheck, WindowError, WindowVerdict};

use crate::instrument::InstrumentRef;
use crate::response::Organization;
use crate::score::{CategoryScore, Engine, ItemScore, ItemStatus, OverallScore, ScoreReport};
use crate::{Exact, SharedStr};

/// How a comparison is made.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CompareOptions<'m> {
    /// The program whose completion opens the follow-up window; `None` skips the check.
    pub program: Option<Program>,
    /// Refuse a follow-up after the window's deadline instead of reporting it as late.
    pub strict_window: bool,
    /// The correspondence between different major versions.
    pub item_map: Option<&'m ItemMap>,
}

impl<'m> CompareOptions<'m> {
    /// No program, lenient window, no item map.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks the follow-up against this program's window.
    #[must_use]
    pub fn with_program(mut self, program: Program) -> Self {
        self.program = Some(program);
        self
    }

    /// Turns a late follow-up into [`CompareError::LateFollowUp`].
    #[must_use]
    pub fn with_strict_window(mut self, strict: bool) -> Self {
        self.strict_window = strict;
        self
    }

    /// Matches items through this map.
    #[must_use]
    pub fn with_item_map(mut self, map: &'m ItemMap) -> Self {
        self.item_map = Some(map);
        self
    }
}

/// Why two assessments cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CompareError {
    /// The assessments are from different organizations.
    #[error("the baseline is from organization {baseline:?} but the follow-up is from {follow_up:?}")]
    DifferentOrganizations {
        /// The baseline organization id.
        baseline: String,
        /// The follow-up organization id.
        follow_up: String,
    },
    /// The follow-up is dated before the baseline (perhaps the files are swapped).
    #[error(
        "the follow-up ({follow_up}) is dated before the baseline ({baseline}): are the two swapped? Give the earlier assessment first"
    )]
    FollowUpBeforeBaseline {
        /// The baseline date.
        baseline: Date,
        /// The follow-up date.
        follow_up: Date,
    },
    /// The assessments use different instruments and no item map connects them.
    #[error("the baseline uses {baseline} but the follow-up uses {follow_up}, a different instrument")]
    DifferentInstruments {
        /// The baseline instrument.
        baseline: InstrumentRef,
        /// The follow-up instrument.
        follow_up: InstrumentRef,
    },
    /// Different major versions of one instrument need an item map.
    #[error(
        "the baseline uses {baseline} and the follow-up {follow_up}: different major versions can only be compared with an item map"
    )]
    DifferentMajorVersions {
        /// The baseline instrument.
        baseline: InstrumentRef,
        /// The follow-up instrument.
        follow_up: InstrumentRef,
    },
    /// The item map is for other versions.
    #[error("the item map maps {map_from} to {map_to}, but the baseline uses {baseline} and the follow-up {follow_up}")]
    ItemMapDoesNotApply {
        /// The map's `from` range.
        map_from: String,
        /// The map's `to` range.
        map_to: String,
        /// The baseline instrument.
        baseline: InstrumentRef,
        /// The follow-up instrument.
        follow_up: InstrumentRef,
    },
    /// The item map names items or categories the instruments do not have.
    #[error("the item map does not fit these instruments: {}", problems.join("; "))]
    ItemMapMismatch {
        /// One message per unknown id.
        problems: Vec<String>,
    },
    /// The follow-up is after the window's deadline (with the strict option).
    #[error(
        "the follow-up on {follow_up} is {days_late} day(s) after the deadline {deadline} of the {window} follow-up window"
    )]
    LateFollowUp {
        /// The last day within the window.
        deadline: Date,
        /// The follow-up date.
        follow_up: Date,
        /// Days after the deadline.
        days_late: u32,
        /// The window.
        window: String,
    },
}

impl crate::problem::Problem for CompareError {
    fn code(&self) -> &'static str {
        match self {
            CompareError::DifferentOrganizations { .. } => "different_organizations",
            CompareError::FollowUpBeforeBaseline { .. } => "follow_up_before_baseline",
            CompareError::DifferentInstruments { .. } => "different_instruments",
            CompareError::DifferentMajorVersions { .. } => "different_major_versions",
            CompareError::ItemMapDoesNotApply { .. } => "item_map_does_not_apply",
            CompareError::ItemMapMismatch { .. } => "item_map_mismatch",
            CompareError::LateFollowUp { .. } => "late_follow_up",
        }
    }

    fn location(&self) -> crate::problem::Location<'_> {
        crate::problem::Location::Inputs
    }
}

/// A baseline compared with a follow-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ProgressReport {
    /// The organization.
    pub organization: Organization,
    /// The earlier assessment.
    pub baseline: Assessment,
    /// The later assessment.
    pub follow_up: Assessment,
    /// The item map used, as `from` → `to` ranges, when versions differ.
    pub item_map: Option<MapUsed>,
    /// The follow-up window check.
    pub window: WindowCheck,
    /// Follow-up categories in instrument order, then baseline categories without a counterpart.
    pub categories: Vec<CategoryProgress>,
    /// The overall change.
    pub overall: OverallProgress,
    /// Items without a counterpart in the other version.
    pub unmatched: Vec<UnmatchedItem>,
    /// The software that produced the report.
    pub engine: Engine,
}

/// Which assessment one side of the comparison is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Assessment {
    /// Instrument and version.
    pub instrument: InstrumentRef,
    /// Where the instrument stands in its life, when its file has a lifecycle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instrument_status: Option<crate::InstrumentStatus>,
    /// Completion date.
    #[serde(with = "crate::date::serde_date")]
    #[schemars(with = "crate::date::DateSchema")]
    pub assessed_on: Date,
}

/// The item map applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct MapUsed {
    /// The `from` range, `id@requirement`.
    pub from: String,
    /// The `to` range.
    pub to: String,
}

/// One side's standing in a category or overall.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Standing {
    /// Points earned.
    pub points: u64,
    /// Points possible.
    pub max_points: u64,
    /// Percent rounded to two decimals.
    pub percent: Option<f64>,
    /// Exact percent.
    pub percent_exact: Option<Exact>,
    /// Level id.
    pub level: Option<SharedStr>,
    /// Level label.
    pub level_label: Option<SharedStr>,
    /// Level position, 0 for the lowest.
    pub level_index: Option<usize>,
}

/// How the level moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LevelMovement {
    /// A higher level at follow-up.
    Improved,
    /// The same level.
    Unchanged,
    /// A lower level.
    Declined,
    /// A side has no level (all not applicable, or no counterpart).
    NotComparable,
}

impl LevelMovement {
    /// The movement as written in reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            LevelMovement::Improved => "improved",
            LevelMovement::Unchanged => "unchanged",
            LevelMovement::Declined => "declined",
            LevelMovement::NotComparable => "not_comparable",
        }
    }
}

/// The movement for people: `improved`, `unchanged`, `declined`, `not comparable`. Honours
/// width, fill and alignment.
///
/// ```
/// use health_equity_assessment::LevelMovement;
///
/// assert_eq!(format!("[{:<16}]", LevelMovement::NotComparable), "[not comparable  ]");
/// ```
impl std::fmt::Display for LevelMovement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(match self {
            LevelMovement::NotComparable => "not comparable",
            other => other.as_str(),
        })
    }
}

/// One category's progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct CategoryProgress {
    /// The follow-up category id (the baseline id for a category that no longer exists).
    pub id: SharedStr,
    /// The baseline category id when it differs or when there is no follow-up counterpart;
    /// `null` when there is no baseline counterpart.
    pub baseline_id: Option<SharedStr>,
    /// Title (follow-up version's).
    pub title: SharedStr,
    /// Whether either assessment lists it as a focus category.
    pub focus: bool,
    /// Baseline standing; `null` without a counterpart.
    pub baseline: Option<Standing>,
    /// Follow-up standing; `null` without a counterpart.
    pub follow_up: Option<Standing>,
    /// Change in percentage points, rounded to two decimals.
    pub change: Option<f64>,
    /// Exact change in percentage points.
    pub change_exact: Option<Exact>,
    /// Level movement.
    pub level_movement: LevelMovement,
    /// Items that moved up.
    pub advanced: Vec<ItemChange>,
    /// Items that moved down.
    pub regressed: Vec<ItemChange>,
    /// Follow-up items now at their top option (implemented) that were not at baseline.
    pub newly_implemented: Vec<SharedStr>,
}

/// How items were matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Matching {
    /// Same id on both sides.
    Same,
    /// Renamed by the item map.
    Renamed,
    /// Several baseline items merged into one.
    Merged,
    /// One baseline item split into several.
    Split,
}

/// One item's answer on one side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ItemAnswer {
    /// Item id.
    pub id: SharedStr,
    /// Option id, `null` when unanswered.
    pub answer: Option<SharedStr>,
    /// Item status.
    pub status: ItemStatus,
}

/// An item (or matched group) whose position changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ItemChange {
    /// How the items were matched.
    pub matching: Matching,
    /// Baseline side.
    pub baseline: Vec<ItemAnswer>,
    /// Follow-up side.
    pub follow_up: Vec<ItemAnswer>,
    /// Baseline position: points over top points (mean for a group), exact.
    pub baseline_position: Exact,
    /// Follow-up position.
    pub follow_up_position: Exact,
}

/// Overall progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct OverallProgress {
    /// Baseline standing.
    pub baseline: Standing,
    /// Follow-up standing.
    pub follow_up: Standing,
    /// Change in percentage points, rounded to two decimals.
    pub change: Option<f64>,
    /// Exact change.
    pub change_exact: Option<Exact>,
    /// Level movement.
    pub level_movement: LevelMovement,
    /// Number of items (or matched groups) that advanced.
    pub activities_advanced: usize,
    /// Number that regressed.
    pub activities_regressed: usize,
    /// Number newly implemented.
    pub activities_newly_implemented: usize,
    /// The focus categories with their change.
    pub focus_categories: Vec<FocusProgress>,
}

/// A focus category's change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct FocusProgress {
    /// Category id.
    pub id: SharedStr,
    /// Title.
    pub title: SharedStr,
    /// Change in percentage points, rounded.
    pub change: Option<f64>,
    /// Exact change.
    pub change_exact: Option<Exact>,
    /// Level movement.
    pub level_movement: LevelMovement,
}

/// Which side an unmatched item is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Side {
    /// In the baseline's instrument version only.
    Baseline,
    /// In the follow-up's instrument version only.
    FollowUp,
}

/// An item with no counterpart in the other version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct UnmatchedItem {
    /// The side it exists on.
    pub side: Side,
    /// Item id.
    pub item: SharedStr,
    /// Its answer there.
    pub answer: Option<SharedStr>,
    /// `removed` or `added` by the item map, or `no_counterpart` when the map is silent.
    pub reason: String,
    /// The item map's note.
    pub note: Option<String>,
}

impl ProgressReport {
    /// The category progress with this (follow-up) id.
    #[must_use]
    pub fn category(&self, id: &str) -> Option<&CategoryProgress> {
        self.categories.iter().find(|c| c.id == *id)
    }
}

/// Compares a baseline with a follow-up of the same organization.
///
/// # Errors
/// [`CompareError`] for different organizations, a follow-up dated before the baseline,
/// different instruments or major versions without a fitting item map, a map naming unknown
/// items, or (with [`CompareOptions::strict_window`]) a late follow-up.
// The error names both instruments in full (`InstrumentRef`s): it is made once per comparison
// that fails, so its size costs nothing worth an indirection in the public enum.
#[allow(clippy::result_large_err)]
pub fn compare(
    baseline: &ScoreReport,
    follow_up: &ScoreReport,
    options: &CompareOptions<'_>,
) -> Result<ProgressReport, CompareError> {
    if baseline.organization.id != follow_up.organization.id {
        return Err(CompareError::DifferentOrganizations {
            baseline: baseline.organization.id.to_string(),
            follow_up: follow_up.organization.id.to_string(),
        });
    }
    if follow_up.assessed_on < baseline.assessed_on {
        return Err(CompareError::FollowUpBeforeBaseline {
            baseline: baseline.assessed_on,
            follow_up: follow_up.assessed_on,
        });
    }
    let (b, f) = (&baseline.instrument, &follow_up.instrument);
    match options.item_map {
        Some(map) if !map.from.matches(&b.id, &b.version) || !map.to.matches(&f.id, &f.version) => {
            return Err(CompareError::ItemMapDoesNotApply {
                map_from: map.from.to_string(),
                map_to: map.to.to_string(),
                baseline: b.clone(),
                follow_up: f.clone(),
            });
        }
        None if b.id != f.id => {
            return Err(CompareError::DifferentInstruments { baseline: b.clone(), follow_up: f.clone() });
        }
        None if b.version.major != f.version.major => {
            return Err(CompareError::DifferentMajorVersions { baseline: b.clone(), follow_up: f.clone() });
        }
        _ => {}
    }

    let window = match &options.program {
        Some(program) => program.check(follow_up.assessed_on),
        None => WindowCheck::not_checked(follow_up.assessed_on),
    };
    if options.strict_window
        && window.verdict == WindowVerdict::Late
        && let (Some(deadline), Some(program)) = (window.deadline, &options.program)
    {
        return Err(CompareError::LateFollowUp {
            deadline,
            follow_up: follow_up.assessed_on,
            days_late: window.days_late.unwrap_or_default(),
            window: program.window.to_string(),
        });
    }

    let matched = Matched::new(baseline, follow_up, options.item_map)?;
    let focus: BTreeSet<&str> =
        baseline.focus_categories.iter().chain(&follow_up.focus_categories).map(SharedStr::as_str).collect();

    let mut categories: Vec<CategoryProgress> = Vec::new();
    for fc in &follow_up.categories {
        let bc = matched.baseline_category(&fc.id).and_then(|id| baseline.category(id));
        categories.push(category_progress(
            bc,
            Some(fc),
            focus.contains(fc.id.as_str()) || bc.is_some_and(|c| focus.contains(c.id.as_str())),
        ));
    }
    for bc in &baseline.categories {
        if !matched.has_follow_up_category(&bc.id) {
            categories.push(category_progress(Some(bc), None, focus.contains(bc.id.as_str())));
        }
    }

    let (mut advanced, mut regressed, mut newly) = (0, 0, 0);
    // The first entries of `categories` are the follow-up's categories, in its order.
    let slot: HashMap<&str, usize> = follow_up.categories.iter().enumerate().map(|(i, c)| (c.id.as_str(), i)).collect();
    for pair in &matched.pairs {
        let (b, f) = (pair.baseline.items(), pair.follow_up.items());
        let (Some(before), Some(after)) = (position(b), position(f)) else { continue };
        let Some(category) = slot.get(pair.follow_up_category).and_then(|&i| categories.get_mut(i)) else { continue };
        if f.iter().all(|i| i.status == ItemStatus::Met) && !b.iter().all(|i| i.status == ItemStatus::Met) {
            category.newly_implemented.extend(f.iter().map(|i| i.id.clone()));
            newly += 1;
        }
        let direction = after.cmp(&before);
        if direction == std::cmp::Ordering::Equal {
            continue;
        }
        let change = ItemChange {
            matching: pair.matching,
            baseline: b.iter().map(|i| answer(i)).collect(),
            follow_up: f.iter().map(|i| answer(i)).collect(),
            baseline_position: before,
            follow_up_position: after,
        };
        if direction == std::cmp::Ordering::Greater {
            category.advanced.push(change);
            advanced += 1;
        } else {
            category.regressed.push(change);
            regressed += 1;
        }
    }

    let (change, change_exact) =
        change_between(baseline.overall.percent_exact.as_ref(), follow_up.overall.percent_exact.as_ref());
    let focus_categories = categories
        .iter()
        .filter(|c| c.focus)
        .map(|c| FocusProgress {
            id: c.id.clone(),
            title: c.title.clone(),
            change: c.change,
            change_exact: c.change_exact.clone(),
            level_movement: c.level_movement,
        })
        .collect();
    let overall = OverallProgress {
        baseline: overall_standing(&baseline.overall),
        follow_up: overall_standing(&follow_up.overall),
        change,
        change_exact,
        level_movement: movement(baseline.overall.level_index, follow_up.overall.level_index),
        activities_advanced: advanced,
        activities_regressed: regressed,
        activities_newly_implemented: newly,
        focus_categories,
    };

    Ok(ProgressReport {
        organization: follow_up.organization.clone(),
        baseline: Assessment {
            instrument: b.clone(),
            instrument_status: baseline.instrument_status.clone(),
            assessed_on: baseline.assessed_on,
        },
        follow_up: Assessment {
            instrument: f.clone(),
            instrument_status: follow_up.instrument_status.clone(),
            assessed_on: follow_up.assessed_on,
        },
        item_map: options.item_map.map(|m| MapUsed { from: m.from.to_string(), to: m.to.to_string() }),
        window,
        categories,
        overall,
        unmatched: matched.unmatched,
        engine: Engine::current(),
    })
}

fn standing(c: &CategoryScore) -> Standing {
    Standing {
        points: c.points,
        max_points: c.max_points,
        percent: c.percent,
        percent_exact: c.percent_exact.clone(),
        level: c.level.clone(),
        level_label: c.level_label.clone(),
        level_index: c.level_index,
    }
}

fn overall_standing(o: &OverallScore) -> Standing {
    Standing {
        points: o.points,
        max_points: o.max_points,
        percent: o.percent,
        percent_exact: o.percent_exact.clone(),
        level: o.level.clone(),
        level_label: o.level_label.clone(),
        level_index: o.level_index,
    }
}

fn change_between(before: Option<&Exact>, after: Option<&Exact>) -> (Option<f64>, Option<Exact>) {
    match (before, after) {
        (Some(b), Some(a)) => {
            let change = a - b;
            (Some(change.to_f64_rounded(2)), Some(change))
        }
        _ => (None, None),
    }
}

pub(crate) fn movement(before: Option<usize>, after: Option<usize>) -> LevelMovement {
    match (before, after) {
        (Some(b), Some(a)) if a > b => LevelMovement::Improved,
        (Some(b), Some(a)) if a < b => LevelMovement::Declined,
        (Some(_), Some(_)) => LevelMovement::Unchanged,
        _ => LevelMovement::NotComparable,
    }
}

fn category_progress(
    baseline: Option<&CategoryScore>,
    follow_up: Option<&CategoryScore>,
    focus: bool,
) -> CategoryProgress {
    let id = follow_up.or(baseline).map_or_else(|| SharedStr::from_static(""), |c| c.id.clone());
    let title = follow_up.or(baseline).map_or_else(|| SharedStr::from_static(""), |c| c.title.clone());
    let (change, change_exact) = change_between(
        baseline.and_then(|c| c.percent_exact.as_ref()),
        follow_up.and_then(|c| c.percent_exact.as_ref()),
    );
    CategoryProgress {
        baseline_id: baseline.filter(|b| follow_up.is_none_or(|f| f.id != b.id)).map(|b| b.id.clone()),
        id,
        title,
        focus,
        baseline: baseline.map(standing),
        follow_up: follow_up.map(standing),
        change,
        change_exact,
        level_movement: movement(baseline.and_then(|c| c.level_index), follow_up.and_then(|c| c.level_index)),
        advanced: Vec::new(),
        regressed: Vec::new(),
        newly_implemented: Vec::new(),
    }
}

fn answer(item: &ItemScore) -> ItemAnswer {
    ItemAnswer { id: item.id.clone(), answer: item.answer.clone(), status: item.status }
}

/// Points over top points; unanswered is 0; `None` when not applicable.
fn item_position(item: &ItemScore) -> Option<Exact> {
    match item.status {
        ItemStatus::NotApplicable => None,
        ItemStatus::Missing => Some(Exact::zero()),
        _ => Exact::new(i128::from(item.points.unwrap_or(0)), i128::from(item.max_points)),
    }
}

/// The mean position of the applicable items of a group.
fn position(items: &[&ItemScore]) -> Option<Exact> {
    let positions: Vec<Exact> = items.iter().filter_map(|i| item_position(i)).collect();
    let n = u64::try_from(positions.len()).ok().filter(|n| *n > 0)?;
    positions.into_iter().sum::<Exact>().div_int(n)
}

/// Items and categories matched between the two reports.
struct Matched<'r> {
    pairs: Vec<Pair<'r>>,
    unmatched: Vec<UnmatchedItem>,
    /// Follow-up category id → baseline category id, for renamed categories.
    renamed: HashMap<&'r str, &'r str>,
    /// Baseline categories renamed by the map: the follow-up category that reuses one of
    /// these ids is a different category.
    renamed_away: BTreeSet<&'r str>,
    /// Baseline categories that have a follow-up counterpart.
    paired_baseline: BTreeSet<&'r str>,
}

struct Pair<'r> {
    matching: Matching,
    baseline: Group<'r>,
    follow_up: Group<'r>,
    follow_up_category: &'r str,
}

/// The items on one side of a pair: usually one, several for a merge or split.
enum Group<'r> {
    One([&'r ItemScore; 1]),
    Many(Vec<&'r ItemScore>),
}

impl<'r> Group<'r> {
    fn items(&self) -> &[&'r ItemScore] {
        match self {
            Group::One(one) => one,
            Group::Many(many) => many,
        }
    }
}

impl<'r> Matched<'r> {
    #[allow(clippy::result_large_err)] // As `compare`, whose error this is.
    fn new(
        baseline: &'r ScoreReport,
        follow_up: &'r ScoreReport,
        map: Option<&'r ItemMap>,
    ) -> Result<Self, CompareError> {
        if map.is_none()
            && let Some(same) = Self::positional(baseline, follow_up)
        {
            return Ok(same);
        }
        let index = |report: &'r ScoreReport| -> HashMap<&'r str, (&'r str, &'r ItemScore)> {
            report
                .categories
                .iter()
                .flat_map(|c| c.items.iter().map(move |i| (i.id.as_str(), (c.id.as_str(), i))))
                .collect()
        };
        let before = index(baseline);
        let after = index(follow_up);
        let mut problems = Vec::new();
        let mut renamed = HashMap::new();
        let mut renamed_away = BTreeSet::new();
        let mut mentioned_before = BTreeSet::new();
        let mut mentioned_after = BTreeSet::new();
        let mut pairs = Vec::new();
        let mut unmatched = Vec::new();

        if let Some(map) = map {
            for rename in &map.categories {
                if baseline.category(&rename.from).is_none() {
                    problems.push(format!("category {:?} is not in {}", rename.from, baseline.instrument));
                }
                if follow_up.category(&rename.to).is_none() {
                    problems.push(format!("category {:?} is not in {}", rename.to, follow_up.instrument));
                }
                // A map read by `ItemMap::from_json` has no repeats; one built otherwise may.
                if renamed.insert(rename.to.as_str(), rename.from.as_str()).is_some() {
                    problems.push(format!("category {:?} is the target of more than one rename", rename.to));
                }
                if !renamed_away.insert(rename.from.as_str()) {
                    problems.push(format!("category {:?} is renamed more than once", rename.from));
                }
            }
            for mapping in &map.items {
                let sources: Vec<_> = mapping
                    .sources()
                    .into_iter()
                    .filter_map(|id| {
                        mentioned_before.insert(id);
                        let found = before.get(id).map(|(_, i)| *i);
                        if found.is_none() {
                            problems.push(format!("item {id:?} is not in {}", baseline.instrument));
                        }
                        found
                    })
                    .collect();
                let targets: Vec<_> = mapping
                    .targets()
                    .into_iter()
                    .filter_map(|id| {
                        mentioned_after.insert(id);
                        let found = after.get(id).copied();
                        if found.is_none() {
                            problems.push(format!("item {id:?} is not in {}", follow_up.instrument));
                        }
                        found
                    })
                    .collect();
                let note = mapping.note().map(str::to_owned);
                match mapping {
                    ItemMapping::Removed { .. } => unmatched.extend(sources.iter().map(|i| UnmatchedItem {
                        side: Side::Baseline,
                        item: i.id.clone(),
                        answer: i.answer.clone(),
                        reason: "removed".to_owned(),
                        note: note.clone(),
                    })),
                    ItemMapping::Added { .. } => unmatched.extend(targets.iter().map(|(_, i)| UnmatchedItem {
                        side: Side::FollowUp,
                        item: i.id.clone(),
                        answer: i.answer.clone(),
                        reason: "added".to_owned(),
                        note: note.clone(),
                    })),
                    _ => {
                        let matching = match mapping {
                            ItemMapping::Merged { .. } => Matching::Merged,
                            ItemMapping::Split { .. } => Matching::Split,
                            _ => Matching::Renamed,
                        };
                        if let Some((category, _)) = targets.first() {
                            pairs.push(Pair {
                                matching,
                                baseline: Group::Many(sources),
                                follow_up: Group::Many(targets.iter().map(|(_, i)| *i).collect()),
                                follow_up_category: category,
                            });
                        }
                    }
                }
            }
        }
        if !problems.is_empty() {
            return Err(CompareError::ItemMapMismatch { problems });
        }

        for category in &baseline.categories {
            for item in &category.items {
                let id = item.id.as_str();
                if mentioned_before.contains(id) {
                    continue;
                }
                match after.get(id) {
                    Some((fc, fi)) if !mentioned_after.contains(id) => {
                        mentioned_after.insert(id);
                        pairs.push(Pair {
                            matching: Matching::Same,
                            baseline: Group::One([item]),
                            follow_up: Group::One([fi]),
                            follow_up_category: fc,
                        });
                    }
                    _ => unmatched.push(UnmatchedItem {
                        side: Side::Baseline,
                        item: item.id.clone(),
                        answer: item.answer.clone(),
                        reason: "no_counterpart".to_owned(),
                        note: None,
                    }),
                }
            }
        }
        for category in &follow_up.categories {
            for item in &category.items {
                if !mentioned_after.contains(item.id.as_str()) {
                    unmatched.push(UnmatchedItem {
                        side: Side::FollowUp,
                        item: item.id.clone(),
                        answer: item.answer.clone(),
                        reason: "no_counterpart".to_owned(),
                        note: None,
                    });
                }
            }
        }
        // Report order: follow-up instrument order of the first follow-up item.
        let order: HashMap<&str, usize> =
            follow_up.categories.iter().flat_map(|c| &c.items).enumerate().map(|(n, i)| (i.id.as_str(), n)).collect();
        pairs.sort_by_key(|p| p.follow_up.items().first().and_then(|i| order.get(i.id.as_str()).copied()));

        let mut matched = Matched { pairs, unmatched, renamed, renamed_away, paired_baseline: BTreeSet::new() };
        matched.paired_baseline = follow_up
            .categories
            .iter()
            .filter_map(|c| matched.baseline_category(&c.id))
            .filter(|id| baseline.category(id).is_some())
            .collect();
        Ok(matched)
    }

    /// Two reports with the same categories and items in the same order (the same instrument
    /// version, the usual case): items pair by position, without lookups. `None` otherwise.
    fn positional(baseline: &'r ScoreReport, follow_up: &'r ScoreReport) -> Option<Self> {
        if baseline.categories.len() != follow_up.categories.len() {
            return None;
        }
        let mut pairs = Vec::with_capacity(follow_up.categories.iter().map(|c| c.items.len()).sum());
        for (b, f) in baseline.categories.iter().zip(&follow_up.categories) {
            if b.id != f.id || b.items.len() != f.items.len() {
                return None;
            }
            for (bi, fi) in b.items.iter().zip(&f.items) {
                if bi.id != fi.id {
                    return None;
                }
                pairs.push(Pair {
                    matching: Matching::Same,
                    baseline: Group::One([bi]),
                    follow_up: Group::One([fi]),
                    follow_up_category: &f.id,
                });
            }
        }
        Some(Matched {
            pairs,
            unmatched: Vec::new(),
            renamed: HashMap::new(),
            renamed_away: BTreeSet::new(),
            paired_baseline: baseline.categories.iter().map(|c| c.id.as_str()).collect(),
        })
    }

    /// The baseline category matching a follow-up category: the one renamed to it, else the
    /// one with its id unless that one was renamed to another category.
    fn baseline_category(&self, follow_up: &'r str) -> Option<&'r str> {
        match self.renamed.get(follow_up) {
            Some(from) => Some(from),
            None if self.renamed_away.contains(follow_up) => None,
            None => Some(follow_up),
        }
    }

    fn has_follow_up_category(&self, baseline: &str) -> bool {
        self.paired_baseline.contains(baseline)
    }
}
