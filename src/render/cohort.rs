//! The `cohort --format text` report: counts, then a table per instrument.

use std::fmt::Write as _;

use super::Labels;
use super::format::{column_width, pad, pad_left, t};
use crate::stats::Alternative;
use crate::{CategorySummary, CohortReport, DuplicateReason};

/// The fewest pairs with a change for which the Wilcoxon signed-rank test can give p < 0.05:
/// its smallest p is 2/2ⁿ two-sided and 1/2ⁿ one-sided.
fn fewest_pairs(alternative: Alternative) -> u64 {
    if alternative == Alternative::TwoSided { 6 } else { 5 }
}

fn p(value: Option<f64>) -> String {
    match value {
        None => "—".to_owned(),
        Some(v) if v < 0.0001 => "<0.0001".to_owned(),
        Some(v) => format!("{v:.4}"),
    }
}

fn row(out: &mut String, width: usize, c: &CategorySummary, fewest: u64) {
    let median = c.median_change_exact.as_ref().map_or_else(|| "—".to_owned(), |m| m.to_decimal_string(2));
    let improved = c.share_improved.map_or_else(|| "—".to_owned(), |s| format!("{:.1}%", s * 100.0));
    let w = c.wilcoxon.as_ref();
    let r = w.and_then(|w| w.rank_biserial).map_or_else(|| "—".to_owned(), |r| format!("{r:+.3}"));
    // Too few changed pairs for the test to say anything: no p-values that look like results.
    let too_few = c.n_changed < fewest && c.n_pairs > 0;
    let p = |value: Option<f64>| if too_few { "too few".to_owned() } else { p(value) };
    let _ = writeln!(
        out,
        "{}  {}  {}  {}  {}  {}  {}  {}",
        pad(&t(&c.title), width),
        pad_left(&c.n_pairs.to_string(), 6),
        pad_left(&median, 8),
        pad_left(&improved, 10),
        pad_left(&p(w.and_then(|w| w.p_value)), 8),
        pad_left(&p(c.p_holm), 8),
        pad_left(&p(c.p_bh), 8),
        pad_left(&r, 7),
    );
}

/// `1 pair`, `2 pairs`.
fn counted(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// A cohort report as plain text for a terminal: the counts (documents, pairs, unpaired,
/// duplicates, ambiguous), the statistical options, then per instrument a table of categories
/// with the number of pairs, median change, share whose level rose, Wilcoxon p (raw, Holm,
/// Benjamini–Hochberg) and rank-biserial r.
///
/// # Example
///
/// ```
/// use health_equity_assessment::{Cohort, CohortOptions, Registry, render};
///
/// let registry = Registry::builtin();
/// let mut cohort = Cohort::new();
/// for (source, json) in [
///     ("baseline.json", include_str!("../../examples/heoa-baseline.json")),
///     ("follow-up.json", include_str!("../../examples/heoa-follow-up.json")),
/// ] {
///     cohort.add(source, registry.validate_json(json)?.score());
/// }
/// let report = cohort.analyze(&CohortOptions::default()).expect("within the limits");
/// let text = render::cohort_text(&report, &render::Labels::new(registry.iter()));
/// assert!(text.starts_with("Cohort: 2 documents"));
/// # Ok::<(), health_equity_assessment::ResponseError>(())
/// ```
#[must_use]
pub fn cohort_text(report: &CohortReport, labels: &Labels<'_>) -> String {
    let mut out = String::new();
    let pairs: usize = report.instruments.iter().map(|i| i.pairs).sum();
    let included: usize = report.instruments.iter().map(|i| i.pairs_included).sum();
    let _ = writeln!(
        out,
        "Cohort: {}, {}, {}; {} ({included} in the statistics), {} unpaired, {} not comparable, {} ambiguous, {} rejected, {}",
        counted(report.documents, "document"),
        counted(report.assessments, "assessment"),
        counted(report.organizations, "organization"),
        counted(pairs, "pair"),
        report.unpaired.len(),
        report.not_comparable.len(),
        report.ambiguous.len(),
        report.rejected.len(),
        counted(report.duplicates.len(), "duplicate"),
    );
    let _ = writeln!(out, "Pairs: {} ({})", report.options.waves.describe(), report.options.waves);
    for d in &report.duplicates {
        let how = match d.reason {
            DuplicateReason::SameFile => "the same file",
            _ => "the same content",
        };
        let _ = writeln!(out, "Duplicate, counted once: {} is {how} as {}", t(&d.source), t(&d.same_as));
    }
    for a in &report.ambiguous {
        let sources: Vec<String> = a.sources.iter().map(|s| t(s).into_owned()).collect();
        let _ = writeln!(
            out,
            "Ambiguous, left out of the statistics: {} ({}) has {} different assessments on {}: {}",
            t(&a.organization),
            a.instrument,
            a.sources.len(),
            a.assessed_on,
            sources.join(", ")
        );
    }
    if let Some(program) = &report.options.program {
        let late = report.outside_window.iter().filter(|o| o.days_late.is_some()).count();
        let early = report.outside_window.len() - late;
        let _ = writeln!(
            out,
            "Follow-up window: {} after {}; {late} late{}, {early} before the program ended",
            program.window,
            program.completed_on,
            if report.options.exclude_late { " (excluded)" } else { " (included)" }
        );
    }
    let w = &report.options.wilcoxon;
    let _ = writeln!(
        out,
        "Wilcoxon signed-rank: zero method {}, {}, method {}{}; p adjusted across categories (Holm, Benjamini–Hochberg)",
        text(&w.zero_method),
        text(&w.alternative),
        text(&w.method),
        if w.correction { ", continuity correction" } else { "" }
    );
    for group in &report.instruments {
        let _ = writeln!(
            out,
            "\n{} ({}): {}",
            group.instrument,
            group.versions.join(", "),
            counted(group.pairs_included, "pair")
        );
        let width = column_width(group.categories.iter().map(|c| t(&c.title).chars().count()), 8);
        let _ = writeln!(
            out,
            "{}  {:>6}  {:>8}  {:>10}  {:>8}  {:>8}  {:>8}  {:>7}",
            pad("Category", width),
            "n",
            "median Δ",
            "level rose",
            "p",
            "p Holm",
            "p BH",
            "r"
        );
        let fewest = fewest_pairs(report.options.wilcoxon.alternative);
        for c in &group.categories {
            row(&mut out, width, c, fewest);
        }
        row(&mut out, width, &group.overall, fewest);
        if group.categories.iter().chain(std::iter::once(&group.overall)).any(|c| c.n_pairs > 0 && c.n_changed < fewest)
        {
            let _ = writeln!(
                out,
                "too few: fewer than {fewest} pairs with a change, so the Wilcoxon signed-rank test cannot reach p < 0.05 ({} p ≥ {}); no p-value is shown",
                text(&report.options.wilcoxon.alternative),
                if fewest == 6 { "2/2ⁿ" } else { "1/2ⁿ" }
            );
        }
        let methods: Vec<String> = group
            .categories
            .iter()
            .chain(std::iter::once(&group.overall))
            .filter_map(|c| c.wilcoxon.as_ref().map(|w| text(&w.method)))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let _ = writeln!(
            out,
            "median Δ: median change in percentage points; level rose: share of pairs whose maturity level rose; r: matched-pairs rank-biserial (positive = follow-up higher); p method: {}",
            methods.join(", ")
        );
        let moved: Vec<_> = group.items.iter().filter(|i| i.moved_to_implemented > 0).collect();
        if !moved.is_empty() {
            let mut top = moved.clone();
            top.sort_by(|a, b| b.moved_to_implemented.cmp(&a.moved_to_implemented).then(a.item.cmp(&b.item)));
            let _ = writeln!(out, "Most often newly implemented (McNemar exact p):");
            for i in top.iter().take(5) {
                let text = labels
                    .item_in(&group.instrument, &i.item, None)
                    .map_or_else(|| t(&i.item).into_owned(), |(text, _)| format!("{} ({})", t(&text), t(&i.item)));
                let _ = writeln!(
                    out,
                    "  {text}: {} moved to implemented, {} away ({})",
                    i.moved_to_implemented,
                    i.moved_from_implemented,
                    // McNemar's exact p is at least 2/2ⁿ over the n discordant pairs.
                    if i.moved_to_implemented + i.moved_from_implemented < 6 {
                        "too few changes for p < 0.05".to_owned()
                    } else {
                        match p(i.mcnemar.p_value) {
                            small if small.starts_with('<') => small.replacen('<', "p < ", 1),
                            other => format!("p = {other}"),
                        }
                    }
                );
            }
        }
    }
    out
}

/// A serde enum as its JSON string (`two_sided`): one spelling per value in every output.
fn text<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// The plain-text report, as [`render::cohort_text`](crate::render::cohort_text) writes it
/// without instruments (items by id).
impl std::fmt::Display for CohortReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&cohort_text(self, &Labels::new([])))
    }
}
