//! One organization's scored assessment: a terminal table, Markdown, and an HTML page for the
//! improvement team (the report the HEOA gives back).

use std::fmt::Write as _;

use super::format::{
    Escape, bands_sentence, code_block, code_span, column_width, escape_terminal, html, md, pad, pad_left, page_end,
    page_start, percent, t,
};
use crate::{CategoryScore, Instrument, Opportunity, OverallRuleKind, OverallScore, ScoreReport};

/// What the focus mark means, for every format.
const FOCUS_NOTE: &str = "focus category: one the organization named in `focus_categories` for its improvement program. \
The follow-up assessment after the program (within one month of its end for the HEOA) shows the progress made there.";

/// Why focus categories matter, after their names.
const FOCUS_WHY: &str = "The organization named them (<code>focus_categories</code>) for its improvement program; \
the follow-up assessment after the program (within one month of its end for the HEOA) shows the progress made there.";

/// The label of an item's option, lower case, falling back to its id.
pub(crate) fn option_label(instrument: &Instrument, item: &str, option: &str) -> String {
    instrument
        .item(item)
        .and_then(|(_, i)| instrument.scale_of(i))
        .and_then(|s| s.options.iter().find(|o| o.id == option))
        .map_or_else(|| option.to_owned(), |o| o.label.to_lowercase())
}

fn answer_label(instrument: Option<&Instrument>, o: &Opportunity) -> String {
    match (&o.answer, instrument) {
        (Some(id), Some(instrument)) => option_label(instrument, &o.item, id),
        (Some(id), None) => id.to_string(),
        (None, _) => "unanswered".to_owned(),
    }
}

/// A category's level as the reports print it, unescaped.
fn level_text(c: &CategoryScore) -> &str {
    c.level_label.as_deref().unwrap_or("— (all not applicable)")
}

/// The overall level as the reports' tables print it, unescaped.
fn overall_level_text(o: &OverallScore) -> &str {
    o.level_label.as_deref().unwrap_or("—")
}

/// A category's percent and maturity level as every score report prints them: the percent to
/// two decimals, rounded half away from zero from the exact value, and the level's label (`—`
/// and `— (all not applicable)` when every item is not applicable). For a view that must show
/// the report's own figures, such as a form's score so far.
///
/// # Example
///
/// ```
/// use health_equity_assessment::{Registry, render};
///
/// let validated = Registry::builtin().validate_json(include_str!("../../examples/heoa-baseline.json"))?;
/// let report = validated.score();
/// let (percent, level) = render::category_figures(&report.categories[1]);
/// assert_eq!((percent.as_str(), level.as_str()), ("16.67%", "Beginning"));
/// # Ok::<(), health_equity_assessment::ResponseError>(())
/// ```
#[must_use]
pub fn category_figures(category: &CategoryScore) -> (String, String) {
    (percent(category.percent_exact.as_ref()), level_text(category).to_owned())
}

/// The overall percent and maturity level as every score report's table prints them (`—` for
/// no level).
///
/// # Example
///
/// ```
/// use health_equity_assessment::{Registry, render};
///
/// let validated = Registry::builtin().validate_json(include_str!("../../examples/heoa-baseline.json"))?;
/// let (percent, level) = render::overall_figures(&validated.score().overall);
/// assert_eq!((percent.as_str(), level.as_str()), ("30.40%", "Developing"));
/// # Ok::<(), health_equity_assessment::ResponseError>(())
/// ```
#[must_use]
pub fn overall_figures(overall: &OverallScore) -> (String, String) {
    (percent(overall.percent_exact.as_ref()), overall_level_text(overall).to_owned())
}

/// The opportunities of each category that has any, in the report's order: lowest-scoring
/// categories first, lowest answers first within a category.
fn grouped(report: &ScoreReport) -> Vec<(&CategoryScore, Vec<&Opportunity>)> {
    // Maps, not scans: an instrument file may have thousands of categories.
    let categories: rustc_hash::FxHashMap<&str, &CategoryScore> =
        report.categories.iter().map(|c| (c.id.as_str(), c)).collect();
    let mut position: rustc_hash::FxHashMap<&str, usize> = rustc_hash::FxHashMap::default();
    let mut groups: Vec<(&CategoryScore, Vec<&Opportunity>)> = Vec::new();
    for o in &report.opportunities {
        let Some(&category) = categories.get(o.category.as_str()) else { continue };
        let at = *position.entry(o.category.as_str()).or_insert_with(|| {
            groups.push((category, Vec::new()));
            groups.len() - 1
        });
        if let Some((_, list)) = groups.get_mut(at) {
            list.push(o);
        }
    }
    groups
}

fn who(report: &ScoreReport, esc: Escape) -> String {
    let org = &report.organization;
    org.name.as_ref().map_or_else(|| esc(&org.id), |n| format!("{} ({})", esc(n), esc(&org.id)))
}

/// The overall result in one sentence, texts from the input escaped by `esc`.
fn overall_sentence(report: &ScoreReport, esc: Escape) -> String {
    let o = &report.overall;
    let level = o.level_label.as_deref().map_or_else(|| "no level (nothing applicable)".to_owned(), esc);
    let points = match o.rule {
        OverallRuleKind::SumOfCategoryPoints => format!(", {} of {} points", o.points, o.max_points),
        _ => format!(", the mean of {} category percents", o.categories_scored),
    };
    let groups = grouped(report).len();
    format!(
        "{level} ({}){points}. {} opportunit{} for improvement in {groups} categor{}.",
        percent(o.percent_exact.as_ref()),
        report.opportunities.len(),
        if report.opportunities.len() == 1 { "y" } else { "ies" },
        if groups == 1 { "y" } else { "ies" },
    )
}

/// The instrument's lifecycle in one sentence, when the report carries one.
fn status_sentence(report: &ScoreReport) -> Option<String> {
    let status = report.instrument_status.as_ref()?;
    let mut text = format!("Instrument status: {status}.");
    if matches!(status.status, crate::LifecycleStatus::Retired | crate::LifecycleStatus::Suspended) {
        text.push_str(" Scored for history and comparison; the program that required it no longer does.");
    }
    Some(text)
}

fn missing_sentence(report: &ScoreReport) -> Option<String> {
    let missing: usize = report.categories.iter().map(|c| c.missing.len()).sum();
    (missing > 0).then(|| format!("{missing} item{} unanswered (scored as zero).", if missing == 1 { "" } else { "s" }))
}

/// A score report as a plain-text table for a terminal: categories with points, percent and
/// level, the overall result, then the opportunities for improvement grouped by category with
/// each item's current answer.
///
/// # Example
///
/// ```
/// use health_equity_assessment::{Registry, render};
///
/// let validated = Registry::builtin().validate_json(include_str!("../../examples/heoa-baseline.json"))?;
/// let text = render::score_text(&validated.score(), validated.instrument());
/// assert!(text.starts_with("Health Equity Organizational Assessment (HEOA) (heoa@1.0.0)"));
/// assert!(text.contains("Data collection training *"));
/// # Ok::<(), health_equity_assessment::ResponseError>(())
/// ```
#[must_use]
pub fn score_text(report: &ScoreReport, instrument: &Instrument) -> String {
    score_text_with(report, Some(instrument))
}

/// The text report; without the instrument, answers are shown as option ids and the heading
/// has no instrument title.
pub(crate) fn score_text_with(report: &ScoreReport, instrument: Option<&Instrument>) -> String {
    let mut out = String::new();
    match instrument {
        Some(instrument) => {
            let _ = writeln!(out, "{} ({})", t(instrument.title()), report.instrument);
        }
        None => {
            let _ = writeln!(out, "{}", report.instrument);
        }
    }
    let _ = writeln!(out, "{}, assessed {}", who(report, escape_terminal), report.assessed_on);
    if let Some(status) = status_sentence(report) {
        let _ = writeln!(out, "{}", t(&status));
    }
    out.push('\n');

    let width = column_width(report.categories.iter().map(|c| t(&c.title).chars().count() + 2), 8);
    let _ = writeln!(out, "{}  {:>7}  {:>8}  Level", pad("Category", width), "Points", "Percent");
    for c in &report.categories {
        let title = if c.focus { format!("{} *", t(&c.title)) } else { t(&c.title).into_owned() };
        let level = t(level_text(c));
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
        t(overall_level_text(overall)),
    );
    if report.categories.iter().any(|c| c.focus) {
        let _ = writeln!(out, "\n* {}", FOCUS_NOTE.replace('`', ""));
    }
    if let Some(missing) = missing_sentence(report) {
        let _ = writeln!(out, "\n{missing}");
    }

    let _ = writeln!(out, "\nOpportunities for improvement ({})", report.opportunities.len());
    for (c, opportunities) in grouped(report) {
        let _ = writeln!(out, "  {}", t(&c.title));
        for o in opportunities {
            let _ = writeln!(out, "    - [{}] {}", t(&answer_label(instrument, o)), t(&o.text));
        }
    }
    if report.opportunities.is_empty() {
        out.push_str("  none: every applicable item is at its top option\n");
    }
    out
}

/// A text bar of `percent` in 40 cells (2.5 points each), with `┊` at the band thresholds the bar
/// does not reach.
fn text_bar(percent: Option<f64>, thresholds: &[f64]) -> String {
    let filled = percent.map_or(0, |p| (p / 2.5).round().clamp(0.0, 40.0) as usize);
    let marks: Vec<usize> = thresholds.iter().map(|b| (b / 2.5).round().clamp(0.0, 40.0) as usize).collect();
    (0..40)
        .map(|cell| {
            if cell < filled {
                '█'
            } else if marks.contains(&cell) {
                '┊'
            } else {
                ' '
            }
        })
        .collect()
}

/// A score report in Markdown for an improvement team: the overall result, a table per category
/// (points, percent, level, opportunities), a text chart with the band thresholds, and the
/// opportunities for improvement grouped by category with each item's current answer. Text from
/// the response and the instrument is literal (no HTML, links or table breaks get through).
///
/// # Example
///
/// ```
/// use health_equity_assessment::{Registry, render};
///
/// let validated = Registry::builtin().validate_json(include_str!("../../examples/heoa-baseline.json"))?;
/// let markdown = render::score_markdown(&validated.score(), validated.instrument());
/// assert!(markdown.starts_with("# Health Equity Organizational Assessment \\(HEOA\\): Example Community Hospital"));
/// assert!(markdown.contains("## Opportunities for improvement"));
/// # Ok::<(), health_equity_assessment::ResponseError>(())
/// ```
#[must_use]
pub fn score_markdown(report: &ScoreReport, instrument: &Instrument) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}: {}\n", md(instrument.title()), who(report, md));
    let _ = writeln!(out, "{}, assessed {}\n", code_span(&report.instrument.to_string()), report.assessed_on);
    if let Some(status) = status_sentence(report) {
        let _ = writeln!(out, "{}\n", md(&status));
    }
    let _ = writeln!(out, "**Overall:** {}\n", overall_sentence(report, md));
    out.push_str("| Category | Points | Percent | Level | Opportunities |\n|---|---:|---:|---|---:|\n");
    let groups = grouped(report);
    let counts: rustc_hash::FxHashMap<&str, usize> = groups.iter().map(|(c, o)| (c.id.as_str(), o.len())).collect();
    for c in &report.categories {
        let title = if c.focus { format!("{} ★ focus", md(&c.title)) } else { md(&c.title) };
        let count = counts.get(c.id.as_str()).copied().unwrap_or(0);
        let _ = writeln!(
            out,
            "| {title} | {}/{} | {} | {} | {count} |",
            c.points,
            c.max_points,
            percent(c.percent_exact.as_ref()),
            md(level_text(c)),
        );
    }
    let o = &report.overall;
    let _ = writeln!(
        out,
        "| **Overall** | {} | {} | {} | {} |\n",
        if o.rule == OverallRuleKind::SumOfCategoryPoints {
            format!("{}/{}", o.points, o.max_points)
        } else {
            String::new()
        },
        percent(o.percent_exact.as_ref()),
        md(overall_level_text(o)),
        report.opportunities.len()
    );
    if report.categories.iter().any(|c| c.focus) {
        let _ = writeln!(out, "★ {}\n", FOCUS_NOTE);
    }
    if let Some(missing) = missing_sentence(report) {
        let _ = writeln!(out, "{missing}\n");
    }

    let levels = instrument.category_levels();
    let thresholds: Vec<f64> = levels
        .levels
        .iter()
        .filter(|l| l.min_percent.sign() == std::cmp::Ordering::Greater)
        .map(|l| l.min_percent.to_f64_rounded(2))
        .collect();
    let _ = writeln!(out, "## Category percents\n\nMaturity levels: {}.\n", bands_sentence(&levels.levels, md));
    let width = column_width(report.categories.iter().map(|c| t(&c.title).chars().count() + 2), 0);
    let mut chart = String::new();
    for c in &report.categories {
        let title = if c.focus { format!("{} ★", t(&c.title)) } else { t(&c.title).into_owned() };
        let value = c.percent_exact.as_ref().map(|p| p.to_f64_rounded(2));
        let _ = writeln!(
            chart,
            "{}  |{}| {}",
            pad(&title, width),
            text_bar(value, &thresholds),
            percent(c.percent_exact.as_ref())
        );
    }
    let _ = writeln!(chart, "{}   0%{:>37}", pad("", width), "100%");
    out.push_str(&code_block("text", &chart));
    out.push_str("\nEach █ is 2.5 percentage points; ┊ marks a maturity level threshold the bar has not reached.\n");

    let _ = writeln!(
        out,
        "\n## Opportunities for improvement\n\nLowest-scoring categories first; within a category, lowest answers first.\n"
    );
    if groups.is_empty() {
        out.push_str("None: every applicable item is at its top option.\n");
    }
    for (c, opportunities) in &groups {
        let focus = if c.focus { " ★ focus" } else { "" };
        let _ = writeln!(
            out,
            "### {}{focus}\n\n{}, {}.\n\n| Key activity | Current answer | Points |\n|---|---|---:|",
            md(&c.title),
            c.level_label.as_deref().map_or_else(|| "—".to_owned(), md),
            percent(c.percent_exact.as_ref())
        );
        for o in opportunities {
            let _ = writeln!(
                out,
                "| {} | {} | {}/{} |",
                md(&o.text),
                md(&answer_label(Some(instrument), o)),
                o.points,
                o.max_points
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "_Generated by {} {}._", md(&report.engine.name), md(&report.engine.version));
    out
}

/// A score report as one self-contained HTML page for an improvement team: the overall result,
/// a bar chart of the category percents with the maturity band thresholds drawn, a table with
/// one row (`<tr class="category">`) per category, what the focus mark means, and the
/// opportunities for improvement grouped by category with the activity text and the current
/// answer's label. Inline CSS (with print rules for A4 and Letter) and an inline SVG: no
/// scripts, nothing fetched.
///
/// # Example
///
/// ```
/// use health_equity_assessment::{Registry, render};
///
/// let validated = Registry::builtin().validate_json(include_str!("../../examples/heoa-baseline.json"))?;
/// let report = validated.score();
/// let page = render::score_html(&report, validated.instrument());
/// assert_eq!(page.matches("<tr class=\"category\">").count(), report.categories.len());
/// assert!(page.contains("@media print"));
/// assert!(!page.contains("<script"));
/// # Ok::<(), health_equity_assessment::ResponseError>(())
/// ```
#[must_use]
pub fn score_html(report: &ScoreReport, instrument: &Instrument) -> String {
    let mut out = String::new();
    let title = format!("{}: {}", html(instrument.title()), who(report, html));
    page_start(&mut out, &title);
    let _ = writeln!(out, "<h1>{title}</h1>");
    let _ = writeln!(
        out,
        "<p class=\"meta\"><code>{}</code>, assessed {}</p>",
        html(&report.instrument.to_string()),
        report.assessed_on
    );
    if let Some(status) = status_sentence(report) {
        let _ = writeln!(out, "<p class=\"meta\">{}</p>", html(&status));
    }
    let _ = writeln!(out, "<div class=\"summary\"><strong>Overall:</strong> {}</div>", overall_sentence(report, html));

    let any_focus = report.categories.iter().any(|c| c.focus);
    let levels = instrument.category_levels();
    let _ = writeln!(
        out,
        "<h2>Category percents</h2>\n<figure class=\"chart\">\n{}\n<figcaption>Percent of the maximum points in each category. Dashed lines mark the maturity level thresholds: {}.{}</figcaption>\n</figure>",
        super::chart::score_chart_svg(report, instrument),
        bands_sentence(&levels.levels, html),
        if any_focus { " ★ marks a focus category (see below)." } else { "" }
    );

    let groups = grouped(report);
    let counts: rustc_hash::FxHashMap<&str, usize> = groups.iter().map(|(c, o)| (c.id.as_str(), o.len())).collect();
    out.push_str("<table>\n<thead><tr><th>Category</th><th class=\"num\">Points</th><th class=\"num\">Percent</th><th>Level</th><th class=\"num\">Opportunities</th></tr></thead>\n<tbody>\n");
    for c in &report.categories {
        let focus = if c.focus { "<span class=\"focus\">★ focus</span>" } else { "" };
        let count = counts.get(c.id.as_str()).copied().unwrap_or(0);
        let _ = writeln!(
            out,
            "<tr class=\"category\"><td>{}{focus}</td><td class=\"num\">{}/{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{count}</td></tr>",
            html(&c.title),
            c.points,
            c.max_points,
            percent(c.percent_exact.as_ref()),
            html(level_text(c)),
        );
    }
    let o = &report.overall;
    let _ = writeln!(
        out,
        "<tr class=\"overall\"><th>Overall</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th>{}</th><th class=\"num\">{}</th></tr>\n</tbody>\n</table>",
        if o.rule == OverallRuleKind::SumOfCategoryPoints {
            format!("{}/{}", o.points, o.max_points)
        } else {
            String::new()
        },
        percent(o.percent_exact.as_ref()),
        html(overall_level_text(o)),
        report.opportunities.len()
    );
    if any_focus {
        let names: Vec<String> = report.categories.iter().filter(|c| c.focus).map(|c| html(&c.title)).collect();
        let _ = writeln!(
            out,
            "<p><span class=\"focus\">★ focus</span> Focus categories: {}. {}</p>",
            names.join(", "),
            FOCUS_WHY
        );
    } else {
        out.push_str("<p class=\"meta\">No focus categories were named in this assessment (<code>focus_categories</code>): the improvement program's focus is chosen from the opportunities below.</p>\n");
    }
    if let Some(missing) = missing_sentence(report) {
        let _ = writeln!(out, "<p>{missing}</p>");
    }

    out.push_str("<h2>Opportunities for improvement</h2>\n<p class=\"meta\">Lowest-scoring categories first; within a category, lowest answers first.</p>\n");
    if groups.is_empty() {
        out.push_str("<p>None: every applicable item is at its top option.</p>\n");
    }
    for (c, opportunities) in &groups {
        let focus = if c.focus { "<span class=\"focus\">★ focus</span>" } else { "" };
        let _ = writeln!(
            out,
            "<section class=\"category\">\n<h3>{}{focus} <span class=\"meta\">{}, {}</span></h3>\n<table>\n<thead><tr><th>Key activity</th><th>Current answer</th><th class=\"num\">Points</th></tr></thead>\n<tbody>",
            html(&c.title),
            c.level_label.as_deref().map_or_else(|| "—".to_owned(), html),
            percent(c.percent_exact.as_ref())
        );
        for o in opportunities {
            let _ = writeln!(
                out,
                "<tr class=\"opportunity\"><td>{}</td><td class=\"answer\">{}</td><td class=\"num\">{}/{}</td></tr>",
                html(&o.text),
                html(&answer_label(Some(instrument), o)),
                o.points,
                o.max_points
            );
        }
        out.push_str("</tbody>\n</table>\n</section>\n");
    }
    page_end(&mut out, &report.engine);
    out
}

/// The plain-text report ([`render::score_text`](crate::render::score_text)) without the
/// instrument: answers are shown as option ids (`in_progress`) instead of their labels.
///
/// ```
/// use health_equity_assessment::Registry;
///
/// let report = Registry::builtin().validate_json(include_str!("../../examples/heoa-baseline.json"))?.score();
/// let text = report.to_string();
/// assert!(text.starts_with("heoa@1.0.0\nExample Community Hospital (org-001), assessed 2022-11-17"));
/// assert!(text.contains("- [not_started]"));
/// # Ok::<(), health_equity_assessment::ResponseError>(())
/// ```
impl std::fmt::Display for ScoreReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&score_text_with(self, None))
    }
}
