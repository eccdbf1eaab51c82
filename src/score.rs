//! Scoring: a [`ValidatedResponse`] becomes a [`ScoreReport`] with per-category and overall
//! percents and levels, and the opportunities for improvement.
//!
//! The rules are data in the instrument (see [`CategoryRule`] and [`OverallRule`]); this module
//! has one code path per *rule kind*, never per instrument. All arithmetic is exact: points are
//! integers, percents are [`Exact`] rationals compared with band thresholds exactly. The JSON
//! `percent` fields are those exact values rounded to two decimals (halves away from zero) for
//! display; `percent_exact` keeps the exact value.

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::instrument::{Index, Instrument, InstrumentRef, Level, LevelSet, LifecycleStatus, ScaleEntry};
use crate::response::{Organization, ValidatedResponse};
use crate::rules::OverallRule;
use crate::{Exact, SharedStr};

/// The scored result of one response.
///
/// Field order and list order are stable: categories and items in instrument order,
/// opportunities in the documented order. Scoring the same response twice gives byte-identical
/// JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ScoreReport {
    /// The instrument and version scored.
    pub instrument: InstrumentRef,
    /// Where the instrument stands in its life (retired, superseded, its current name), when
    /// its file has a lifecycle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instrument_status: Option<InstrumentStatus>,
    /// Who answered.
    pub organization: Organization,
    /// When the assessment was completed.
    #[serde(with = "crate::date::serde_date")]
    #[schemars(with = "crate::date::DateSchema")]
    pub assessed_on: Date,
    /// The categories the organization chose to work on, in instrument order.
    pub focus_categories: Vec<SharedStr>,
    /// One entry per category, in instrument order.
    pub categories: Vec<CategoryScore>,
    /// The instrument-level result.
    pub overall: OverallScore,
    /// Every applicable item below its top option (unanswered ones included): lowest-scoring
    /// categories first (ties in instrument order), then lowest answers first (an unanswered
    /// item counts as zero), then instrument order.
    pub opportunities: Vec<Opportunity>,
    /// The software that produced the report.
    pub engine: Engine,
}

/// The kind of category rule applied (see [`CategoryRule`](crate::CategoryRule)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CategoryRuleKind {
    /// Sum of points out of the maximum.
    PercentOfMax,
    /// All applicable items met, or nothing.
    AllOf,
    /// Cumulative stages.
    Cumulative,
}

/// The kind of overall rule applied (see [`OverallRule`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OverallRuleKind {
    /// Mean of the category percents.
    MeanOfCategoryPercents,
    /// Sum of category points out of the sum of their maxima.
    SumOfCategoryPoints,
}

/// One category's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct CategoryScore {
    /// Category id.
    pub id: SharedStr,
    /// Category title.
    pub title: SharedStr,
    /// The rule applied.
    pub rule: CategoryRuleKind,
    /// Whether the organization listed it as a focus category.
    pub focus: bool,
    /// Points earned.
    pub points: u64,
    /// Points possible over the applicable items.
    pub max_points: u64,
    /// `100 × points / max_points` rounded to two decimals; `null` when every item is not
    /// applicable.
    pub percent: Option<f64>,
    /// The exact percent (`"200/3"`), `null` as for `percent`.
    pub percent_exact: Option<Exact>,
    /// The level id reached, `null` when there is no percent.
    pub level: Option<SharedStr>,
    /// The level's label.
    pub level_label: Option<SharedStr>,
    /// The level's position in its level set, 0 for the lowest.
    pub level_index: Option<usize>,
    /// Items with an answer (not applicable included).
    pub answered: usize,
    /// Items without an answer; they score zero and stay in the maximum.
    pub missing: Vec<SharedStr>,
    /// Items answered with an excluded option (not applicable); left out of points and maximum.
    pub not_applicable: Vec<SharedStr>,
    /// Every item of the category in instrument order.
    pub items: Vec<ItemScore>,
}

/// How an item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ItemStatus {
    /// Answered with the top option of its scale.
    Met,
    /// Answered below the top option.
    Unmet,
    /// Not answered.
    Missing,
    /// Answered with an excluded option.
    NotApplicable,
}

/// One item's answer and points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ItemScore {
    /// Item id.
    pub id: SharedStr,
    /// The option id chosen, `null` when unanswered.
    pub answer: Option<SharedStr>,
    /// Points of the answer; `null` when unanswered or not applicable.
    pub points: Option<u32>,
    /// Top points of the item's scale.
    pub max_points: u32,
    /// How the item stands.
    pub status: ItemStatus,
}

/// The instrument-level result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct OverallScore {
    /// The rule applied.
    pub rule: OverallRuleKind,
    /// Sum of points over the categories that have a percent.
    pub points: u64,
    /// Sum of their maxima.
    pub max_points: u64,
    /// Number of categories with a percent (the others are all not applicable).
    pub categories_scored: usize,
    /// The overall percent rounded to two decimals; `null` when no category has a percent.
    pub percent: Option<f64>,
    /// The exact overall percent.
    pub percent_exact: Option<Exact>,
    /// The level id reached.
    pub level: Option<SharedStr>,
    /// The level's label.
    pub level_label: Option<SharedStr>,
    /// The level's position in its level set, 0 for the lowest.
    pub level_index: Option<usize>,
}

/// A key activity below its top option: an opportunity for improvement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Opportunity {
    /// Category id.
    pub category: SharedStr,
    /// Item id.
    pub item: SharedStr,
    /// The option chosen, `null` when unanswered.
    pub answer: Option<SharedStr>,
    /// Points of the answer (zero when unanswered).
    pub points: u32,
    /// Top points of the item's scale.
    pub max_points: u32,
    /// The item's statement.
    pub text: SharedStr,
}

/// A score report cut to what pipelines use: per category its points, maximum, percent and
/// level; the overall result; the opportunities for improvement as item ids, in report order.
/// About a tenth of the size of the report (`equity-assess score --report summary`).
///
/// ```
/// use health_equity_assessment::Registry;
///
/// let validated = Registry::builtin().validate_json(include_str!("../examples/heoa-baseline.json"))?;
/// let summary = validated.score_summary();
/// let report = validated.score();
/// assert_eq!(summary.categories[0].percent, report.categories[0].percent);
/// assert_eq!(summary.opportunities.len(), report.opportunities.len());
/// assert_eq!(summary.opportunities[0], report.opportunities[0].item);
/// # Ok::<(), health_equity_assessment::ResponseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ScoreSummary {
    /// The instrument and version scored.
    pub instrument: InstrumentRef,
    /// Where the instrument stands in its life, as in the full report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instrument_status: Option<InstrumentStatus>,
    /// Who answered.
    pub organization: Organization,
    /// When the assessment was completed.
    #[serde(with = "crate::date::serde_date")]
    #[schemars(with = "crate::date::DateSchema")]
    pub assessed_on: Date,
    /// One entry per category, in instrument order.
    pub categories: Vec<SummaryCategory>,
    /// The instrument-level result.
    pub overall: SummaryTotal,
    /// The ids of the items below their top option, in the report's order (lowest-scoring
    /// categories first, then lowest answers, then instrument order).
    pub opportunities: Vec<SharedStr>,
    /// The software that produced the summary.
    pub engine: Engine,
}

/// One category in a [`ScoreSummary`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct SummaryCategory {
    /// Category id.
    pub id: SharedStr,
    /// Points earned.
    pub points: u64,
    /// Points possible over the applicable items.
    pub max_points: u64,
    /// The percent rounded to two decimals; `null` when every item is not applicable.
    pub percent: Option<f64>,
    /// The level id reached, `null` when there is no percent.
    pub level: Option<SharedStr>,
}

/// The overall result in a [`ScoreSummary`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct SummaryTotal {
    /// Sum of points over the categories that have a percent.
    pub points: u64,
    /// Sum of their maxima.
    pub max_points: u64,
    /// The overall percent rounded to two decimals; `null` when no category has a percent.
    pub percent: Option<f64>,
    /// The level id reached.
    pub level: Option<SharedStr>,
}

/// The software that produced a report, for reproducibility.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Engine {
    /// Crate name.
    pub name: SharedStr,
    /// Crate version.
    pub version: SharedStr,
}

impl Engine {
    /// This crate.
    #[must_use]
    pub fn current() -> Self {
        Engine {
            name: SharedStr::from_static(env!("CARGO_PKG_NAME")),
            version: SharedStr::from_static(env!("CARGO_PKG_VERSION")),
        }
    }
}

/// The level of `percent` in `set` and its position: the last level whose lower bound is at
/// or below it.
#[must_use]
pub fn level_for<'s>(set: &'s LevelSet, percent: &Exact) -> Option<(usize, &'s Level)> {
    set.levels.iter().enumerate().rev().find(|(_, l)| l.min_percent <= *percent)
}

/// An item below its top option as one sortable key: category (later its rank), points, item.
fn open_key(category: usize, points: u32, item: usize) -> u128 {
    (category as u128) << 96 | u128::from(points) << 64 | item as u128
}

fn key_parts(key: u128) -> (usize, u32, usize) {
    let low = |bits: u128| usize::try_from(bits).unwrap_or(usize::MAX);
    (low(key >> 96), u32::try_from((key >> 64) & u128::from(u32::MAX)).unwrap_or(0), low(key & u128::from(u64::MAX)))
}

/// Stands in for a scale the index lacks, which a checked instrument never does.
static NO_SCALE: ScaleEntry = ScaleEntry { top: 0, points: Vec::new(), prefixes: Vec::new() };

/// How one item stands: the option chosen, its points and the status.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ItemState {
    /// Index of the option chosen in the item's scale.
    pub(crate) option: Option<usize>,
    /// Points of the answer (`None` unanswered or excluded).
    pub(crate) points: Option<u32>,
    /// Top points of the item's scale.
    pub(crate) top: u32,
    pub(crate) status: ItemStatus,
}

/// The state of item `item` (instrument order) answered with `pick`.
pub(crate) fn item_state(index: &Index, item: usize, pick: Option<u8>) -> ItemState {
    let scale = index.items.get(item).and_then(|e| index.scales.get(e.scale)).unwrap_or(&NO_SCALE);
    let option = pick.map(usize::from);
    let points = option.and_then(|o| scale.points.get(o).copied().flatten());
    let status = match (option, points) {
        (None, _) => ItemStatus::Missing,
        (Some(_), None) => ItemStatus::NotApplicable,
        (Some(_), Some(p)) if p >= scale.top => ItemStatus::Met,
        (Some(_), Some(_)) => ItemStatus::Unmet,
    };
    ItemState { option, points, top: scale.top, status }
}

/// The numbers of a score report, by index, before any text is attached: what the report, the
/// report writer and the cohort all start from. The texts come from the instrument.
#[derive(Debug, Clone)]
pub(crate) struct Sheet {
    pub(crate) categories: Vec<CategorySheet>,
    pub(crate) overall: OverallSheet,
    /// Items below their top option in report order: (item index, points earned).
    pub(crate) opportunities: Vec<(usize, u32)>,
}

/// One category's numbers.
#[derive(Debug, Clone)]
pub(crate) struct CategorySheet {
    pub(crate) focus: bool,
    pub(crate) points: u64,
    pub(crate) max_points: u64,
    pub(crate) percent: Option<Exact>,
    pub(crate) level: Option<usize>,
    pub(crate) answered: usize,
}

/// The overall numbers.
#[derive(Debug, Clone)]
pub(crate) struct OverallSheet {
    pub(crate) points: u64,
    pub(crate) max_points: u64,
    pub(crate) categories_scored: usize,
    pub(crate) percent: Option<Exact>,
    pub(crate) level: Option<usize>,
}

/// Scores option indices (one per item, instrument order) with focus categories by index.
pub(crate) fn sheet(instrument: &Instrument, chosen: &[Option<u8>], focus: impl Fn(usize) -> bool) -> Sheet {
    let index = instrument.index();
    let rule = &instrument.scoring().category.rule;
    let category_levels = instrument.category_levels();
    let mut categories = Vec::with_capacity(index.category_items.len());
    let mut open: Vec<u128> = Vec::with_capacity(index.items.len());
    for (k, range) in index.category_items.iter().enumerate() {
        let (mut applicable, mut answered) = (0usize, 0usize);
        let mut tally = rule.tally();
        for item in range.clone() {
            let state = item_state(index, item, chosen.get(item).copied().flatten());
            if state.option.is_some() {
                answered += 1;
            }
            if state.status == ItemStatus::NotApplicable {
                continue;
            }
            applicable += 1;
            tally.points += u64::from(state.points.unwrap_or(0));
            tally.max_points += u64::from(state.top);
            if state.status != ItemStatus::Met {
                tally.all_met = false;
                let stage = index.items.get(item).and_then(|e| e.stage);
                if let Some(met) = stage.and_then(|s| tally.stages_met.get_mut(s)) {
                    *met = false;
                }
                open.push(open_key(k, state.points.unwrap_or(0), item));
            }
        }
        let (points, max_points) = rule.points(&tally);
        let small = usize::try_from(max_points)
            .ok()
            .and_then(|m| index.small_percents.get(m)?.get(usize::try_from(points).ok()?));
        let (percent, level) = match (applicable, small) {
            (0, _) => (None, None),
            (_, Some((percent, level))) => (percent.clone(), *level),
            (_, None) => {
                let percent = Exact::percent(points, max_points);
                let level = percent.as_ref().and_then(|p| level_for(category_levels, p)).map(|(i, _)| i);
                (percent, level)
            }
        };
        categories.push(CategorySheet { focus: focus(k), points, max_points, percent, level, answered });
    }
    let overall = overall(instrument.scoring().overall.rule, instrument.overall_levels(), &categories);

    // Rank the categories once (lowest percent first, instrument order on ties), then sort the
    // packed keys as integers: rank, the answer's points (as a fraction of the item's top when
    // scales differ), instrument order.
    let mut order: Vec<usize> = (0..categories.len()).collect();
    order.sort_by(|a, b| percent_order(&categories[*a], &categories[*b]).then(a.cmp(b)));
    let mut rank = vec![0usize; categories.len()];
    for (r, k) in order.into_iter().enumerate() {
        rank[k] = r;
    }
    for key in &mut open {
        let (category, points, item) = key_parts(*key);
        *key = open_key(rank[category], points, item);
    }
    let top_of = |item: usize| index.items.get(item).and_then(|e| index.scales.get(e.scale)).map_or(1, |s| s.top);
    let tops_differ = open.windows(2).any(|w| top_of(key_parts(w[0]).2) != top_of(key_parts(w[1]).2));
    if tops_differ {
        open.sort_unstable_by(|a, b| {
            let ((ra, pa, ia), (rb, pb, ib)) = (key_parts(*a), key_parts(*b));
            ra.cmp(&rb)
                .then((u64::from(pa) * u64::from(top_of(ib))).cmp(&(u64::from(pb) * u64::from(top_of(ia)))))
                .then(ia.cmp(&ib))
        });
    } else {
        open.sort_unstable();
    }
    let opportunities = open
        .into_iter()
        .map(|key| {
            let (_, points, item) = key_parts(key);
            (item, points)
        })
        .collect();
    Sheet { categories, overall, opportunities }
}

/// Which categories a validated response chose as focus, by index.
pub(crate) fn focus_of<'r>(response: &'r ValidatedResponse<'_>) -> impl Fn(usize) -> bool + 'r {
    let ids = &response.instrument().index().names.category_ids;
    let focus = response.focus_categories();
    move |k: usize| ids.get(k).is_some_and(|id| focus.iter().any(|f| *f == **id))
}

pub(crate) fn score(response: &ValidatedResponse<'_>) -> ScoreReport {
    let instrument = response.instrument();
    let sheet = sheet(instrument, response.option_indices(), focus_of(response));
    report(instrument, response.option_indices(), response.organization().clone(), response.assessed_on(), &sheet)
}

/// The summary of a sheet.
pub(crate) fn summary(
    instrument: &Instrument,
    organization: Organization,
    assessed_on: Date,
    sheet: &Sheet,
) -> ScoreSummary {
    let index = instrument.index();
    let names = &index.names;
    let level = |set: usize, level: Option<usize>| Some(names.levels.get(set)?.get(level?)?.0.clone());
    let empty = SharedStr::from_static("");
    ScoreSummary {
        instrument: names.reference.clone(),
        instrument_status: InstrumentStatus::of(instrument),
        organization,
        assessed_on,
        categories: sheet
            .categories
            .iter()
            .enumerate()
            .map(|(k, c)| SummaryCategory {
                id: names.category_ids.get(k).cloned().unwrap_or_else(|| empty.clone()),
                points: c.points,
                max_points: c.max_points,
                percent: c.percent.as_ref().map(|p| p.to_f64_rounded(2)),
                level: level(index.category_levels, c.level),
            })
            .collect(),
        overall: SummaryTotal {
            points: sheet.overall.points,
            max_points: sheet.overall.max_points,
            percent: sheet.overall.percent.as_ref().map(|p| p.to_f64_rounded(2)),
            level: level(index.overall_levels, sheet.overall.level),
        },
        opportunities: sheet
            .opportunities
            .iter()
            .map(|&(item, _)| names.item_ids.get(item).cloned().unwrap_or_else(|| empty.clone()))
            .collect(),
        engine: Engine::current(),
    }
}

/// The score report of a sheet: the numbers with the instrument's texts.
pub(crate) fn report(
    instrument: &Instrument,
    chosen: &[Option<u8>],
    organization: Organization,
    assessed_on: Date,
    sheet: &Sheet,
) -> ScoreReport {
    let index = instrument.index();
    let names = &index.names;
    let rule = instrument.scoring().category.rule.report_kind();
    let level_names = names.levels.get(index.category_levels).map(Vec::as_slice).unwrap_or_default();
    let empty = SharedStr::from_static("");
    let text = |list: &[SharedStr], i: usize| list.get(i).cloned().unwrap_or_else(|| empty.clone());
    let answer_of = |item: usize, option: Option<usize>| {
        let scale = index.items.get(item)?.scale;
        names.option_ids.get(scale)?.get(option?).cloned()
    };
    let categories: Vec<CategoryScore> = sheet
        .categories
        .iter()
        .zip(&index.category_items)
        .enumerate()
        .map(|(k, (c, range))| {
            let mut missing = Vec::new();
            let mut not_applicable = Vec::new();
            let items = range
                .clone()
                .map(|item| {
                    let state = item_state(index, item, chosen.get(item).copied().flatten());
                    let id = text(&names.item_ids, item);
                    match state.status {
                        ItemStatus::Missing => missing.push(id.clone()),
                        ItemStatus::NotApplicable => not_applicable.push(id.clone()),
                        ItemStatus::Met | ItemStatus::Unmet => {}
                    }
                    ItemScore {
                        id,
                        answer: answer_of(item, state.option),
                        points: state.points,
                        max_points: state.top,
                        status: state.status,
                    }
                })
                .collect();
            let level_name = c.level.and_then(|i| level_names.get(i));
            CategoryScore {
                id: text(&names.category_ids, k),
                title: text(&names.category_titles, k),
                rule,
                focus: c.focus,
                points: c.points,
                max_points: c.max_points,
                percent: c.percent.as_ref().map(|p| p.to_f64_rounded(2)),
                percent_exact: c.percent.clone(),
                level: level_name.map(|(id, _)| id.clone()),
                level_label: level_name.map(|(_, label)| label.clone()),
                level_index: c.level,
                answered: c.answered,
                missing,
                not_applicable,
                items,
            }
        })
        .collect();
    let o = &sheet.overall;
    let overall_names = names.levels.get(index.overall_levels).map(Vec::as_slice).unwrap_or_default();
    let overall_name = o.level.and_then(|i| overall_names.get(i));
    let overall = OverallScore {
        rule: instrument.scoring().overall.rule.report_kind(),
        points: o.points,
        max_points: o.max_points,
        categories_scored: o.categories_scored,
        percent: o.percent.as_ref().map(|p| p.to_f64_rounded(2)),
        percent_exact: o.percent.clone(),
        level: overall_name.map(|(id, _)| id.clone()),
        level_label: overall_name.map(|(_, label)| label.clone()),
        level_index: o.level,
    };
    let opportunities = sheet
        .opportunities
        .iter()
        .map(|&(item, points)| {
            let category = index.items.get(item).map_or(0, |e| e.category);
            let state = item_state(index, item, chosen.get(item).copied().flatten());
            Opportunity {
                category: text(&names.category_ids, category),
                item: text(&names.item_ids, item),
                answer: answer_of(item, state.option),
                points,
                max_points: state.top,
                text: text(&names.item_texts, item),
            }
        })
        .collect();
    ScoreReport {
        instrument: names.reference.clone(),
        instrument_status: InstrumentStatus::of(instrument),
        organization,
        assessed_on,
        // Instrument order, so the report does not depend on how the response listed them.
        focus_categories: categories.iter().filter(|c| c.focus).map(|c| c.id.clone()).collect(),
        categories,
        overall,
        opportunities,
        engine: Engine::current(),
    }
}

/// Orders two categories by exact percent (none first), as `percent_exact` would, but by
/// cross-multiplying the points they are computed from: `100·p/m` vs `100·q/n` is `p·n` vs `q·m`.
fn percent_order(a: &CategorySheet, b: &CategorySheet) -> std::cmp::Ordering {
    match (a.percent.is_some(), b.percent.is_some()) {
        (true, true) => {
            (u128::from(a.points) * u128::from(b.max_points)).cmp(&(u128::from(b.points) * u128::from(a.max_points)))
        }
        (x, y) => x.cmp(&y),
    }
}

fn overall(rule: OverallRule, levels: &LevelSet, categories: &[CategorySheet]) -> OverallSheet {
    let parts: Vec<(u64, u64, Option<&Exact>)> =
        categories.iter().map(|c| (c.points, c.max_points, c.percent.as_ref())).collect();
    let scored = || categories.iter().filter(|c| c.percent.is_some());
    let percent = rule.percent(&parts);
    let level = percent.as_ref().and_then(|p| level_for(levels, p)).map(|(i, _)| i);
    OverallSheet {
        points: scored().map(|c| c.points).sum(),
        max_points: scored().map(|c| c.max_points).sum(),
        categories_scored: scored().count(),
        percent,
        level,
    }
}

/// Where a scored instrument stands in its life, as reports carry it: a retired or suspended
/// instrument still scores (history stays comparable), and the report says so.
///
/// ```
/// use health_equity_assessment::{LifecycleStatus, Registry};
///
/// let report = Registry::builtin().validate_json(include_str!("../examples/cms-hche.json"))?.score();
/// let status = report.instrument_status.as_ref().unwrap();
/// assert_eq!(status.status, LifecycleStatus::Retired);
/// assert_eq!(status.to_string(), "retired on 2025-10-01");
/// # Ok::<(), health_equity_assessment::ResponseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct InstrumentStatus {
    /// `active`, `superseded`, `retired` or `suspended`.
    pub status: LifecycleStatus,
    /// The first day the instrument was in effect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub effective: Option<Date>,
    /// The day it stopped being in effect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub retired: Option<Date>,
    /// The instrument that replaces it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub superseded_by: Option<InstrumentRef>,
    /// The name the instrument's requirement goes by now, when it was renamed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub current_name: Option<String>,
}

impl InstrumentStatus {
    /// The status of an instrument whose file has a lifecycle; `None` without one.
    #[must_use]
    pub fn of(instrument: &Instrument) -> Option<Self> {
        let lifecycle = instrument.lifecycle()?;
        Some(InstrumentStatus {
            status: lifecycle.status,
            effective: lifecycle.effective,
            retired: lifecycle.retired,
            superseded_by: lifecycle.superseded_by.clone(),
            current_name: lifecycle.current_name().map(|a| a.name.clone()),
        })
    }
}

/// `retired on 2025-10-01`, `superseded by cms-x@2.0.0`, `active, now named …`.
impl std::fmt::Display for InstrumentStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut text = self.status.as_str().to_owned();
        if let Some(retired) = self.retired {
            text.push_str(&format!(" on {retired}"));
        }
        if let Some(successor) = &self.superseded_by {
            text.push_str(&format!(" by {successor}"));
        }
        if let Some(name) = &self.current_name {
            text.push_str(&format!(", now named {name}"));
        }
        f.pad(&text)
    }
}

impl ScoreReport {
    /// The category result with this id.
    #[must_use]
    pub fn category(&self, id: &str) -> Option<&CategoryScore> {
        self.categories.iter().find(|c| c.id == *id)
    }
}
