//! The `score --format text` report: a table of categories, then the opportunities.

use std::fmt::Write as _;

use health_equity_assessment::OverallRuleKind;
use health_equity_assessment::{Instrument, ScoreReport};

use super::{column_width, pad, pad_left, percent, t};

/// Renders a score report as a plain-text table for a person.
#[must_use]
pub fn render(report: &ScoreReport, instrument: &Instrument) -> String {
    let mut out = String::new();
    let org = &report.organization;
    let _ = writeln!(out, "{} ({})", t(instrument.title()), report.instrument);
    match &org.name {
        Some(name) => {
            let _ = writeln!(out, "{} ({}), assessed {}", t(name), t(&org.id), report.assessed_on);
        }
        None => {
            let _ = writeln!(out, "{}, assessed {}", t(&org.id), report.assessed_on);
        }
    }
    out.push('\n');

    let width = column_width(report.categories.iter().map(|c| t(&c.title).chars().count() + 2), 8);
    let _ = writeln!(out, "{}  {:>7}  {:>8}  Level", pad("Category", width), "Points", "Percent");
    for c in &report.categories {
        let title = if c.focus { format!("{} *", t(&c.title)) } else { t(&c.title).into_owned() };
        let level = c.level_label.as_deref().map_or(std::borrow::Cow::Borrowed("— (all not applicable)"), t);
        let _ = writeln!(
            out,
            "{}  {}  {}  {level}",
            pad(&title, width),
            pad_left(&format!("{}/{}", c.points, c.max_points), 7),
            pad_left(&percent(c.percent_exact.as_ref()), 8),
        );
    }
    let overall = &report.overall;
    // Under the mean rule the overall percent is not points over maximum, so no points shown.
    let points = match overall.rule {
        OverallRuleKind::SumOfCategoryPoints => format!("{}/{}", overall.points, overall.max_points),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "{}  {}  {}  {}",
        pad("Overall", width),
        pad_left(&points, 7),
        pad_left(&percent(overall.percent_exact.as_ref()), 8),
        overall.level_label.as_deref().map_or(std::borrow::Cow::Borrowed("—"), t),
    );
    if report.categories.iter().any(|c| c.focus) {
        out.push_str("\n* focus category\n");
    }

    let missing: usize = report.categories.iter().map(|c| c.missing.len()).sum();
    if missing > 0 {
        let _ = writeln!(out, "\n{missing} item{} unanswered (scored as zero).", if missing == 1 { "" } else { "s" });
    }

    let _ = writeln!(out, "\nOpportunities for improvement ({})", report.opportunities.len());
    let mut current = None;
    for o in &report.opportunities {
        if current != Some(&o.category) {
            current = Some(&o.category);
            let title = report.category(&o.category).map_or(o.category.as_str(), |c| c.title.as_str());
            let _ = writeln!(out, "  {}", t(title));
        }
        let answer = match &o.answer {
            Some(id) => option_label(instrument, &o.item, id),
            None => "unanswered".to_owned(),
        };
        let _ = writeln!(out, "    - [{}] {}", t(&answer), t(&o.text));
    }
    if report.opportunities.is_empty() {
        out.push_str("  none: every applicable item is at its top option\n");
    }
    out
}

/// The label of an item's option, falling back to its id.
pub(crate) fn option_label(instrument: &Instrument, item: &str, option: &str) -> String {
    instrument
        .item(item)
        .and_then(|(_, i)| instrument.scale_of(i))
        .and_then(|s| s.options.iter().find(|o| o.id == option))
        .map_or_else(|| option.to_owned(), |o| o.label.to_lowercase())
}
