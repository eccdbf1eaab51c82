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

use crate::Exact;
use crate::instrument::{CategoryRule, InstrumentRef, Level, LevelSet, OverallRule};
use crate::response::{DateSchema, Organization, ValidatedResponse};

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
    #[serde(with = "date_serde")]
    #[schemars(with = "DateSchema")]
    pub assessed_on: Date,
    /// The categories the organization chose to work on.
    pub focus_categories: Vec<String>,
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

/// The kind of category rule applied (see [`CategoryRule`]).
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
    pub id: String,
    /// Category title.
    pub title: String,
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
    pub level: Option<String>,
    /// The level's label.
    pub level_label: Option<String>,
    /// The level's position in its level set, 0 for the lowest.
    pub level_index: Option<usize>,
    /// Items with an answer (not applicable included).
    pub answered: usize,
    /// Items without an answer; they score zero and stay in the maximum.
    pub missing: Vec<String>,
    /// Items answered with an excluded option (not applicable); left out of points and maximum.
    pub not_applicable: Vec<String>,
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
    pub id: String,
    /// The option id chosen, `null` when unanswered.
    pub answer: Option<String>,
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
    pub level: Option<String>,
    /// The level's label.
    pub level_label: Option<String>,
    /// The level's position in its level set, 0 for the lowest.
    pub level_index: Option<usize>,
}

/// A key activity below its top option: an opportunity for improvement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Opportunity {
    /// Category id.
    pub category: String,
    /// Item id.
    pub item: String,
    /// The option chosen, `null` when unanswered.
    pub answer: Option<String>,
    /// Points of the answer (zero when unanswered).
    pub points: u32,
    /// Top points of the item's scale.
    pub max_points: u32,
    /// The item's statement.
    pub text: String,
}

/// The software that produced a report, for reproducibility.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Engine {
    /// Crate name.
    pub name: String,
    /// Crate version.
    pub version: String,
}

impl Engine {
    /// This crate.
    #[must_use]
    pub fn current() -> Self {
        Engine { name: env!("CARGO_PKG_NAME").to_owned(), version: env!("CARGO_PKG_VERSION").to_owned() }
    }
}

/// The level of `percent` in `set` and its position: the last level whose lower bound is at
/// or below it.
#[must_use]
pub fn level_for<'s>(set: &'s LevelSet, percent: &Exact) -> Option<(usize, &'s Level)> {
    set.levels.iter().enumerate().rev().find(|(_, l)| l.min_percent <= *percent)
}

pub(crate) mod date_serde {
    use jiff::civil::Date;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(date: &Date, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(date)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        crate::response::parse_date(&text).map_err(serde::de::Error::custom)
    }
}

/// Per-category working values before the report is assembled.
struct Tally {
    points: u64,
    max_points: u64,
    percent: Option<Exact>,
}

pub(crate) fn score(response: &ValidatedResponse<'_>) -> ScoreReport {
    let instrument = response.instrument();
    let index = instrument.index();
    let rule = &instrument.scoring().category.rule;
    let category_levels = instrument.category_levels();
    let chosen = response.option_indices();
    let focus = response.focus_categories();

    let mut categories = Vec::with_capacity(instrument.categories().len());
    let mut tallies = Vec::with_capacity(instrument.categories().len());
    // (category index, item global index, points, top) of every opportunity.
    let mut open: Vec<(usize, usize, u32, u32)> = Vec::new();

    for (k, category) in instrument.categories().iter().enumerate() {
        let range = index.category_items.get(k).cloned().unwrap_or_default();
        let mut items = Vec::with_capacity(range.len());
        let (mut points, mut max_points, mut applicable, mut answered, mut all_met) =
            (0u64, 0u64, 0usize, 0usize, true);
        let mut missing = Vec::new();
        let mut not_applicable = Vec::new();
        let mut stage_met = match rule {
            CategoryRule::Cumulative { stages } => vec![true; stages.len()],
            _ => Vec::new(),
        };
        for (item, entry) in category.items.iter().zip(&index.items[range.clone()]) {
            let global = range.start + items.len();
            let scale = &index.scales[entry.scale];
            let option = chosen.get(global).copied().flatten().map(usize::from);
            let (answer, earned) = match option {
                None => (None, None),
                Some(o) => {
                    (response.answer_at(global).map(|opt| opt.id.clone()), scale.points.get(o).copied().flatten())
                }
            };
            let status = match (option, earned) {
                (None, _) => ItemStatus::Missing,
                (Some(_), None) => ItemStatus::NotApplicable,
                (Some(_), Some(p)) if p >= scale.top => ItemStatus::Met,
                (Some(_), Some(_)) => ItemStatus::Unmet,
            };
            if option.is_some() {
                answered += 1;
            }
            match status {
                ItemStatus::NotApplicable => not_applicable.push(item.id.clone()),
                _ => {
                    applicable += 1;
                    points += u64::from(earned.unwrap_or(0));
                    max_points += u64::from(scale.top);
                    if status != ItemStatus::Met {
                        all_met = false;
                        if let Some(met) = entry.stage.and_then(|s| stage_met.get_mut(s)) {
                            *met = false;
                        }
                        open.push((k, global, earned.unwrap_or(0), scale.top));
                    }
                    if status == ItemStatus::Missing {
                        missing.push(item.id.clone());
                    }
                }
            }
            items.push(ItemScore { id: item.id.clone(), answer, points: earned, max_points: scale.top, status });
        }
        let (points, max_points) = match rule {
            CategoryRule::PercentOfMax => (points, max_points),
            CategoryRule::AllOf { points: award } => (if all_met { u64::from(*award) } else { 0 }, u64::from(*award)),
            CategoryRule::Cumulative { stages } => {
                let reached = stage_met.iter().take_while(|met| **met).count();
                (reached as u64, stages.len() as u64)
            }
        };
        let percent = if applicable == 0 { None } else { Exact::percent(points, max_points) };
        let level = percent.as_ref().and_then(|p| level_for(category_levels, p));
        tallies.push(Tally { points, max_points, percent: percent.clone() });
        categories.push(CategoryScore {
            id: category.id.clone(),
            title: category.title.clone(),
            rule: match rule {
                CategoryRule::PercentOfMax => CategoryRuleKind::PercentOfMax,
                CategoryRule::AllOf { .. } => CategoryRuleKind::AllOf,
                CategoryRule::Cumulative { .. } => CategoryRuleKind::Cumulative,
            },
            focus: focus.contains(&category.id),
            points,
            max_points,
            percent: percent.as_ref().map(|p| p.to_f64_rounded(2)),
            percent_exact: percent,
            level: level.map(|(_, l)| l.id.clone()),
            level_label: level.map(|(_, l)| l.label.clone()),
            level_index: level.map(|(i, _)| i),
            answered,
            missing,
            not_applicable,
            items,
        });
    }

    let overall = overall(instrument.scoring().overall.rule, instrument.overall_levels(), &tallies);

    // Lowest category percent first (instrument order on ties), then the lowest answer as a
    // fraction of its top, then instrument order.
    open.sort_by(|a, b| {
        let pa = tallies.get(a.0).and_then(|t| t.percent.as_ref());
        let pb = tallies.get(b.0).and_then(|t| t.percent.as_ref());
        pa.cmp(&pb)
            .then(a.0.cmp(&b.0))
            .then((u64::from(a.2) * u64::from(b.3)).cmp(&(u64::from(b.2) * u64::from(a.3))))
            .then(a.1.cmp(&b.1))
    });
    let opportunities = open
        .into_iter()
        .filter_map(|(_, global, points, top)| {
            let (category, item) = instrument.item_at(global)?;
            Some(Opportunity {
                category: category.id.clone(),
                item: item.id.clone(),
                answer: response.answer_at(global).map(|o| o.id.clone()),
                points,
                max_points: top,
                text: item.text.clone(),
            })
        })
        .collect();

    ScoreReport {
        instrument: instrument.reference(),
        organization: response.organization().clone(),
        assessed_on: response.assessed_on(),
        focus_categories: focus.to_vec(),
        categories,
        overall,
        opportunities,
        engine: Engine::current(),
    }
}

fn overall(rule: OverallRule, levels: &LevelSet, tallies: &[Tally]) -> OverallScore {
    let scored: Vec<&Tally> = tallies.iter().filter(|t| t.percent.is_some()).collect();
    let points = scored.iter().map(|t| t.points).sum();
    let max_points = scored.iter().map(|t| t.max_points).sum();
    let percent = match rule {
        OverallRule::MeanOfCategoryPercents => {
            let sum: Exact = scored.iter().filter_map(|t| t.percent.as_ref()).sum();
            sum.div_int(scored.len() as u64)
        }
        OverallRule::SumOfCategoryPoints if scored.is_empty() => None,
        OverallRule::SumOfCategoryPoints => Exact::percent(points, max_points),
    };
    let level = percent.as_ref().and_then(|p| level_for(levels, p));
    OverallScore {
        rule: match rule {
            OverallRule::MeanOfCategoryPercents => OverallRuleKind::MeanOfCategoryPercents,
            OverallRule::SumOfCategoryPoints => OverallRuleKind::SumOfCategoryPoints,
        },
        points,
        max_points,
        categories_scored: scored.len(),
        percent: percent.as_ref().map(|p| p.to_f64_rounded(2)),
        percent_exact: percent,
        level: level.map(|(_, l)| l.id.clone()),
        level_label: level.map(|(_, l)| l.label.clone()),
        level_index: level.map(|(i, _)| i),
    }
}

impl ScoreReport {
    /// The category result with this id.
    #[must_use]
    pub fn category(&self, id: &str) -> Option<&CategoryScore> {
        self.categories.iter().find(|c| c.id == id)
    }
}
