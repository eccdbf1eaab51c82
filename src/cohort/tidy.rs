//! Tidy tables for pandas and R: one row per organization × phase × category, and one row per
//! category with the statistics. Column names are snake_case; missing values are empty.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::record::View;
use super::{CategorySummary, CohortReport, Pairing};
use crate::progress::WindowVerdict;

/// Which assessment of an organization a row comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Phase {
    /// The earliest assessment of a pair.
    Baseline,
    /// The latest assessment of a pair.
    FollowUp,
    /// An assessment between an organization's first and last (not used in the statistics).
    Intermediate,
    /// The only assessment of an unpaired organization, or one of a pair that cannot be compared.
    Single,
    /// An assessment of an organization left out because its pair is ambiguous (two different
    /// assessments on the baseline's or the follow-up's date).
    Ambiguous,
}

/// One organization × phase × category, as a CSV row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct TidyRow {
    /// Organization id.
    pub organization_id: String,
    /// Organization name (empty when not given).
    pub organization_name: Option<String>,
    /// Instrument id.
    pub instrument_id: String,
    /// Instrument version.
    pub instrument_version: String,
    /// `baseline`, `follow_up`, `intermediate`, `single` or `ambiguous`.
    pub phase: Phase,
    /// Assessment date, YYYY-MM-DD.
    pub assessed_on: String,
    /// Category id.
    pub category_id: String,
    /// Category title.
    pub category_title: String,
    /// Whether the organization listed the category as a focus category.
    pub focus: bool,
    /// Points earned.
    pub points: u64,
    /// Points possible.
    pub max_points: u64,
    /// Percent rounded to two decimals (empty when all items are not applicable).
    pub percent: Option<f64>,
    /// Exact percent, `n/d`.
    pub percent_exact: Option<String>,
    /// Level id.
    pub level: Option<String>,
    /// Level position, 0 for the lowest.
    pub level_index: Option<usize>,
    /// Items answered.
    pub answered: usize,
    /// Items unanswered.
    pub missing: usize,
    /// Items not applicable.
    pub not_applicable: usize,
    /// Whether the row's pair is in the statistics.
    pub in_statistics: bool,
    /// The pair's window verdict (`within`, `late`, …), empty outside pairs.
    pub window_verdict: Option<WindowVerdict>,
    /// Days after the window's deadline.
    pub days_late: Option<u32>,
    /// Where the assessment came from.
    pub source: String,
}

fn push_rows(
    out: &mut Vec<TidyRow>,
    source: &str,
    view: &View<'_>,
    phase: Phase,
    in_statistics: bool,
    window: Option<(WindowVerdict, Option<u32>)>,
) {
    for c in view.categories() {
        let percent = c.percent_exact();
        out.push(TidyRow {
            organization_id: view.organization_id().to_owned(),
            organization_name: view.organization_name().map(str::to_owned),
            instrument_id: view.instrument().id.to_string(),
            instrument_version: view.instrument().version.to_string(),
            phase,
            assessed_on: view.assessed_on().to_string(),
            category_id: c.id().to_string(),
            category_title: c.title().to_string(),
            focus: c.focus(),
            points: c.points(),
            max_points: c.max_points(),
            percent: percent.as_ref().map(|p| p.to_f64_rounded(2)),
            percent_exact: percent.as_ref().map(ToString::to_string),
            level: c.level_id().map(ToString::to_string),
            level_index: c.level_index(),
            answered: c.answered(),
            missing: c.missing(),
            not_applicable: c.not_applicable(),
            in_statistics,
            window_verdict: window.map(|w| w.0),
            days_late: window.and_then(|w| w.1),
            source: source.to_owned(),
        });
    }
}

/// The rows, made as they are read: one assessment's categories at a time.
pub(super) fn rows<'c>(pairing: Pairing<'c>) -> impl Iterator<Item = TidyRow> + 'c {
    type Phased<'c> = (&'c str, View<'c>, Phase, bool, Option<(WindowVerdict, Option<u32>)>);
    let mut assessments: Vec<Phased<'c>> = Vec::new();
    for (_, pairs) in &pairing.groups {
        for p in pairs {
            let window = Some((p.verdict, p.days_late));
            assessments.push((p.baseline_source, p.baseline, Phase::Baseline, p.included, window));
            assessments.push((p.follow_up_source, p.follow_up, Phase::FollowUp, p.included, window));
        }
    }
    let rest = [
        (&pairing.intermediate, Phase::Intermediate),
        (&pairing.singles, Phase::Single),
        (&pairing.excluded, Phase::Ambiguous),
    ];
    for (list, phase) in rest {
        assessments.extend(list.iter().map(|(source, view)| (*source, *view, phase, false, None)));
    }
    assessments.into_iter().flat_map(|(source, view, phase, in_statistics, window)| {
        let mut rows = Vec::new();
        push_rows(&mut rows, source, &view, phase, in_statistics, window);
        rows
    })
}

/// One category's statistics, flattened for a CSV row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct SummaryRow {
    /// Instrument id.
    pub instrument_id: String,
    /// Category id, or `overall`.
    pub category_id: String,
    /// Category title.
    pub category_title: String,
    /// Pairs with a percent on both sides.
    pub n_pairs: u64,
    /// Pairs whose percent changed.
    pub n_changed: u64,
    /// Mean change (percentage points).
    pub mean_change: Option<f64>,
    /// Median change.
    pub median_change: Option<f64>,
    /// Pairs whose level improved.
    pub improved: u64,
    /// Pairs whose level did not move.
    pub unchanged: u64,
    /// Pairs whose level declined.
    pub declined: u64,
    /// Share improved.
    pub share_improved: Option<f64>,
    /// Share unchanged.
    pub share_unchanged: Option<f64>,
    /// Share declined.
    pub share_declined: Option<f64>,
    /// Wilcoxon zero method.
    pub zero_method: Option<String>,
    /// Alternative hypothesis.
    pub alternative: Option<String>,
    /// Method actually used for the p-value.
    pub method: Option<String>,
    /// Whether the continuity correction was requested.
    pub correction: Option<bool>,
    /// Differences ranked.
    pub n_used: Option<u64>,
    /// Zero differences.
    pub n_zero: Option<u64>,
    /// Sum of positive ranks.
    pub r_plus: Option<f64>,
    /// Sum of negative ranks.
    pub r_minus: Option<f64>,
    /// scipy's statistic.
    pub statistic: Option<f64>,
    /// R's V.
    pub v: Option<f64>,
    /// Tie term Σ(t³ − t).
    pub tie_correction: Option<f64>,
    /// z, when the normal approximation was used.
    pub z: Option<f64>,
    /// Wilcoxon p-value.
    pub p_value: Option<f64>,
    /// Holm-adjusted p-value.
    pub p_holm: Option<f64>,
    /// Benjamini–Hochberg-adjusted p-value.
    pub p_bh: Option<f64>,
    /// Matched-pairs rank-biserial correlation (positive: follow-up higher).
    pub rank_biserial: Option<f64>,
    /// Sign test: positive differences.
    pub sign_n_positive: u64,
    /// Sign test: negative differences.
    pub sign_n_negative: u64,
    /// Sign test p-value.
    pub sign_p_value: Option<f64>,
    /// Hodges–Lehmann estimate of the median change, rounded to four decimals.
    pub hl_estimate: Option<f64>,
    /// Lower confidence bound.
    pub hl_ci_lower: Option<f64>,
    /// Upper confidence bound.
    pub hl_ci_upper: Option<f64>,
    /// Confidence level.
    pub hl_confidence_level: Option<f64>,
}

fn enum_text<T: Serialize>(value: &T) -> Option<String> {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned))
}

fn summary_row(instrument: &str, c: &CategorySummary) -> SummaryRow {
    let w = c.wilcoxon.as_ref();
    let ci = c.hodges_lehmann.interval.as_ref();
    SummaryRow {
        instrument_id: instrument.to_owned(),
        category_id: c.id.to_string(),
        category_title: c.title.to_string(),
        n_pairs: c.n_pairs,
        n_changed: c.n_changed,
        mean_change: c.mean_change,
        median_change: c.median_change,
        improved: c.improved,
        unchanged: c.unchanged,
        declined: c.declined,
        share_improved: c.share_improved,
        share_unchanged: c.share_unchanged,
        share_declined: c.share_declined,
        zero_method: w.and_then(|w| enum_text(&w.zero_method)),
        alternative: w.and_then(|w| enum_text(&w.alternative)),
        method: w.and_then(|w| enum_text(&w.method)),
        correction: w.map(|w| w.correction),
        n_used: w.map(|w| w.n_used),
        n_zero: w.map(|w| w.n_zero),
        r_plus: w.map(|w| w.r_plus),
        r_minus: w.map(|w| w.r_minus),
        statistic: w.and_then(|w| w.statistic),
        v: w.map(|w| w.r_v),
        tie_correction: w.map(|w| w.tie_correction),
        z: w.and_then(|w| w.z),
        p_value: w.and_then(|w| w.p_value),
        p_holm: c.p_holm,
        p_bh: c.p_bh,
        rank_biserial: w.and_then(|w| w.rank_biserial),
        sign_n_positive: c.sign_test.n_positive,
        sign_n_negative: c.sign_test.n_negative,
        sign_p_value: c.sign_test.p_value,
        hl_estimate: c.hodges_lehmann.estimate.as_ref().map(|e| e.to_f64_rounded(4)),
        hl_ci_lower: ci.and_then(|i| i.lower.as_ref()).map(|e| e.to_f64_rounded(4)),
        hl_ci_upper: ci.and_then(|i| i.upper.as_ref()).map(|e| e.to_f64_rounded(4)),
        hl_confidence_level: ci.map(|i| i.confidence_level),
    }
}

/// One row per category and one `overall` row per instrument, with the statistics.
#[must_use]
pub fn summary_rows(report: &CohortReport) -> Vec<SummaryRow> {
    report
        .instruments
        .iter()
        .flat_map(|i| {
            i.categories.iter().chain(std::iter::once(&i.overall)).map(move |c| summary_row(&i.instrument, c))
        })
        .collect()
}
