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

use crate::instrument::{InstrumentRef, Level, LevelSet, ScaleEntry};
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

pub(crate) fn score(response: &ValidatedResponse<'_>) -> ScoreReport {
    let instrument = response.instrument();
    let index = instrument.index();
    let names = &index.names;
    let rule = &instrument.scoring().category.rule;
    let category_levels = instrument.category_levels();
    let level_names = names.levels.get(index.category_levels).map(Vec::as_slice).unwrap_or_default();
    let chosen = response.option_indices();
    let focus_ids = response.focus_categories();

    let mut categories = Vec::with_capacity(instrument.categories().len());
    let mut open: Vec<u128> = Vec::with_capacity(index.items.len());

    for (k, range) in index.category_items.iter().enumerate() {
        let (mut applicable, mut answered) = (0usize, 0usize);
        let mut tally = rule.tally();
        let mut missing = Vec::new();
        let mut not_applicable = Vec::new();
        // One pass over parallel slices; `collect` writes each entry in place.
        let entries = index.items.get(range.clone()).unwrap_or_default();
        let ids = names.item_ids.get(range.clone()).unwrap_or_default();
        let picks = chosen.get(range.clone()).unwrap_or_default();
        let items: Vec<ItemScore> = entries
            .iter()
            .zip(ids)
            .zip(picks)
            .zip(range.clone())
            .map(|(((entry, id), pick), global)| {
                let scale = index.scales.get(entry.scale).unwrap_or(&NO_SCALE);
                let option = pick.map(usize::from);
                let earned = option.and_then(|o| scale.points.get(o).copied().flatten());
                let answer = option.and_then(|o| names.option_ids.get(entry.scale)?.get(o).cloned());
                let status = match (option, earned) {
                    (None, _) => ItemStatus::Missing,
                    (Some(_), None) => ItemStatus::NotApplicable,
                    (Some(_), Some(p)) if p >= scale.top => ItemStatus::Met,
                    (Some(_), Some(_)) => ItemStatus::Unmet,
                };
                if option.is_some() {
                    answered += 1;
                }
                if status == ItemStatus::NotApplicable {
                    not_applicable.push(id.clone());
                } else {
                    applicable += 1;
                    tally.points += u64::from(earned.unwrap_or(0));
                    tally.max_points += u64::from(scale.top);
                    if status != ItemStatus::Met {
                        tally.all_met = false;
                        if let Some(met) = entry.stage.and_then(|s| tally.stages_met.get_mut(s)) {
                            *met = false;
                        }
                        open.push(open_key(k, earned.unwrap_or(0), global));
                    }
                    if status == ItemStatus::Missing {
                        missing.push(id.clone());
                    }
                }
                ItemScore { id: id.clone(), answer, points: earned, max_points: scale.top, status }
            })
            .collect();
        let (points, max_points) = rule.points(&tally);
        let percent = if applicable == 0 { None } else { Exact::percent(points, max_points) };
        let level = percent.as_ref().and_then(|p| level_for(category_levels, p)).map(|(i, _)| i);
        let level_name = level.and_then(|i| level_names.get(i));
        let id = names.category_ids.get(k).cloned().unwrap_or_else(|| SharedStr::from_static(""));
        categories.push(CategoryScore {
            focus: focus_ids.iter().any(|f| *f == *id),
            id,
            title: names.category_titles.get(k).cloned().unwrap_or_else(|| SharedStr::from_static("")),
            rule: rule.report_kind(),
            points,
            max_points,
            percent: percent.as_ref().map(|p| p.to_f64_rounded(2)),
            percent_exact: percent,
            level: level_name.map(|(id, _)| id.clone()),
            level_label: level_name.map(|(_, label)| label.clone()),
            level_index: level,
            answered,
            missing,
            not_applicable,
            items,
        });
    }

    let overall = overall(
        instrument.scoring().overall.rule,
        instrument.overall_levels(),
        names.levels.get(index.overall_levels).map(Vec::as_slice).unwrap_or_default(),
        &categories,
    );

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
    let empty = SharedStr::from_static("");
    let opportunities = open
        .into_iter()
        .map(|key| {
            let (_, points, item) = key_parts(key);
            let category = index.items.get(item).map_or(0, |e| e.category);
            let start = index.category_items.get(category).map_or(0, |r| r.start);
            Opportunity {
                category: names.category_ids.get(category).cloned().unwrap_or_else(|| empty.clone()),
                item: names.item_ids.get(item).cloned().unwrap_or_else(|| empty.clone()),
                answer: categories.get(category).and_then(|c| c.items.get(item - start)).and_then(|i| i.answer.clone()),
                points,
                max_points: top_of(item),
                text: names.item_texts.get(item).cloned().unwrap_or_else(|| empty.clone()),
            }
        })
        .collect();

    ScoreReport {
        instrument: names.reference.clone(),
        organization: response.organization().clone(),
        assessed_on: response.assessed_on(),
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
fn percent_order(a: &CategoryScore, b: &CategoryScore) -> std::cmp::Ordering {
    match (a.percent_exact.is_some(), b.percent_exact.is_some()) {
        (true, true) => {
            (u128::from(a.points) * u128::from(b.max_points)).cmp(&(u128::from(b.points) * u128::from(a.max_points)))
        }
        (x, y) => x.cmp(&y),
    }
}

fn overall(
    rule: OverallRule,
    levels: &LevelSet,
    names: &[(SharedStr, SharedStr)],
    categories: &[CategoryScore],
) -> OverallScore {
    let parts: Vec<(u64, u64, Option<&Exact>)> =
        categories.iter().map(|c| (c.points, c.max_points, c.percent_exact.as_ref())).collect();
    let scored = || categories.iter().filter(|c| c.percent_exact.is_some());
    let percent = rule.percent(&parts);
    let level = percent.as_ref().and_then(|p| level_for(levels, p)).map(|(i, _)| i);
    let name = level.and_then(|i| names.get(i));
    OverallScore {
        rule: rule.report_kind(),
        points: scored().map(|c| c.points).sum(),
        max_points: scored().map(|c| c.max_points).sum(),
        categories_scored: scored().count(),
        percent: percent.as_ref().map(|p| p.to_f64_rounded(2)),
        percent_exact: percent,
        level: name.map(|(id, _)| id.clone()),
        level_label: name.map(|(_, label)| label.clone()),
        level_index: level,
    }
}

impl ScoreReport {
    /// The category result with this id.
    #[must_use]
    pub fn category(&self, id: &str) -> Option<&CategoryScore> {
        self.categories.iter().find(|c| c.id == *id)
    }

    /// Exact terms that add up to the overall percent, each with a small denominator: the
    /// scored category percents over their count (mean rule), or the percent itself (sum
    /// rule). A cohort adds these instead of the overall percents, whose denominators differ
    /// from organization to organization, so its sums stay linear in the organizations.
    pub(crate) fn overall_percent_terms(&self) -> Vec<Exact> {
        let rule = match self.overall.rule {
            OverallRuleKind::MeanOfCategoryPercents => OverallRule::MeanOfCategoryPercents,
            OverallRuleKind::SumOfCategoryPoints => OverallRule::SumOfCategoryPoints,
        };
        let categories: Vec<Option<&Exact>> = self.categories.iter().map(|c| c.percent_exact.as_ref()).collect();
        rule.percent_terms(self.overall.percent_exact.as_ref(), &categories)
    }
}
