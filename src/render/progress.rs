//! Progress reports for people: a terminal table, Markdown, and a self-contained HTML page.

use std::fmt::Write as _;

use super::format::{
    Escape, bands_sentence, code_block, code_span, column_width, escape_terminal, html, md, pad, pad_left, page_end,
    page_start, signed, t,
};
use crate::{
    CategoryProgress, Instrument, ItemAnswer, ItemChange, LevelMovement, ProgressReport, Side, Standing, WindowCheck,
    WindowVerdict,
};

/// Where a progress report's renderers find item texts, option labels and band thresholds: the
/// instruments of both sides (a report carries ids; the texts are in the instruments).
///
/// # Example
///
/// ```
/// use health_equity_assessment::{Registry, render};
///
/// let registry = Registry::builtin();
/// let heoa = registry.latest("heoa").expect("built in");
/// let labels = render::Labels::new([heoa]);
/// // Without instruments, reports show item and option ids.
/// let bare = render::Labels::new([]);
/// # let _ = (labels, bare);
/// ```
#[derive(Debug, Clone)]
pub struct Labels<'a> {
    instruments: Vec<&'a Instrument>,
}

impl<'a> Labels<'a> {
    /// Labels from these instruments, baseline first: a text is looked up in the follow-up
    /// instrument first, and the band lines of the chart are the last instrument's.
    #[must_use]
    pub fn new(instruments: impl IntoIterator<Item = &'a Instrument>) -> Self {
        Labels { instruments: instruments.into_iter().collect() }
    }

    /// An instrument's item text and the label of one of its options (lower case), looking in
    /// the versions of instrument `id` held, newest first; `None` when none has the item.
    pub(crate) fn item_in(&self, id: &str, item: &str, option: Option<&str>) -> Option<(String, Option<String>)> {
        let mut candidates: Vec<&&Instrument> = self.instruments.iter().filter(|i| i.id() == id).collect();
        candidates.sort_by(|a, b| b.version().cmp(a.version()));
        candidates.into_iter().find_map(|i| {
            let (_, found) = i.item(item)?;
            let label = option
                .and_then(|o| i.scale_of(found)?.options.iter().find(|s| s.id == o).map(|s| s.label.to_lowercase()));
            Some((found.text.clone(), label))
        })
    }

    /// The category band thresholds of the newest version held of instrument `id`.
    pub(crate) fn levels_of(&self, id: &str) -> Option<&'a crate::LevelSet> {
        self.instruments
            .iter()
            .filter(|i| i.id() == id)
            .max_by(|a, b| a.version().cmp(b.version()))
            .map(|i| i.category_levels())
    }

    /// The category band thresholds drawn on the chart (none without an instrument).
    pub(crate) fn category_levels(&self) -> Option<&'a crate::LevelSet> {
        self.instruments.last().map(|i| i.category_levels())
    }

    fn item_text(&self, id: &str) -> String {
        self.instruments
            .iter()
            .rev()
            .find_map(|i| i.item(id))
            .map_or_else(|| id.to_owned(), |(_, item)| item.text.clone())
    }

    fn answer(&self, answer: &ItemAnswer) -> String {
        let Some(option) = &answer.answer else { return "unanswered".to_owned() };
        self.instruments
            .iter()
            .rev()
            .find_map(|i| {
                let (_, item) = i.item(&answer.id)?;
                i.scale_of(item)?.options.iter().find(|o| o.id == *option).map(|o| o.label.to_lowercase())
            })
            .unwrap_or_else(|| option.to_string())
    }

    fn side(&self, answers: &[ItemAnswer], esc: Escape) -> String {
        answers.iter().map(|a| esc(&self.answer(a))).collect::<Vec<_>>().join(" + ")
    }

    /// One changed item, `[before → after] text`, with the text from the instruments escaped
    /// for the output format by `esc`.
    fn change_text(&self, change: &ItemChange, esc: Escape) -> String {
        let texts: Vec<String> = change.follow_up.iter().map(|a| esc(&self.item_text(&a.id))).collect();
        // Plain brackets are safe in Markdown too: what follows is a space, never `(`.
        let mut line = format!(
            "[{} → {}] {}",
            self.side(&change.baseline, esc),
            self.side(&change.follow_up, esc),
            texts.join(" / ")
        );
        let matched = match change.matching {
            crate::Matching::Merged => " (merged from {n} items)",
            crate::Matching::Split => " (split into {n} items)",
            crate::Matching::Renamed => " (renamed)",
            _ => "",
        };
        let n = change.baseline.len().max(change.follow_up.len());
        line.push_str(&matched.replace("{n}", &n.to_string()));
        line
    }
}

fn level(s: Option<&Standing>) -> String {
    s.and_then(|s| s.level_label.as_ref()).map_or_else(|| "—".to_owned(), ToString::to_string)
}

fn percent(s: Option<&Standing>) -> String {
    super::format::percent(s.and_then(|s| s.percent_exact.as_ref()))
}

/// One line describing the window check, the program's name escaped by `esc`.
fn window_line(window: &WindowCheck, esc: Escape) -> String {
    let Some(program) = &window.program else {
        return "Follow-up window: not checked (no program completion date given)".to_owned();
    };
    let name = program.name.as_deref().map(|n| format!("{}, ", esc(n))).unwrap_or_default();
    let deadline = window.deadline.map_or_else(|| "beyond the calendar".to_owned(), |d| d.to_string());
    let verdict = match (window.verdict, window.days_late) {
        (WindowVerdict::Late, Some(days)) => format!("late by {days} day{}", if days == 1 { "" } else { "s" }),
        (verdict, _) => verdict.to_string(),
    };
    format!(
        "Follow-up window: {name}completed {}, window {}, deadline {deadline}; follow-up {}: {verdict}",
        program.completed_on, program.window, window.follow_up
    )
}

/// Who was assessed (organization name and id, escaped by `esc`) and what was compared
/// (instrument references, which are plain ASCII ids and versions, through `code`).
fn heading(report: &ProgressReport, esc: Escape, code: Escape) -> (String, String) {
    let org = &report.organization;
    let who = org.name.as_ref().map_or_else(|| esc(&org.id), |n| format!("{} ({})", esc(n), esc(&org.id)));
    let instruments = if report.baseline.instrument == report.follow_up.instrument {
        code(&report.baseline.instrument.to_string())
    } else {
        format!(
            "{} → {}",
            code(&report.baseline.instrument.to_string()),
            code(&report.follow_up.instrument.to_string())
        )
    };
    (
        who,
        format!("{instruments}: baseline {} → follow-up {}", report.baseline.assessed_on, report.follow_up.assessed_on),
    )
}

fn movement(m: LevelMovement) -> String {
    m.to_string()
}

/// A progress report as a plain-text table for a terminal: the window check, a row per category
/// with the levels at baseline and follow-up, the change in percentage points and the movement,
/// then the key activities that advanced and regressed, with item texts and option labels from
/// `labels`.
///
/// # Example
///
/// ```
/// use health_equity_assessment::{CompareOptions, Registry, compare, render};
///
/// let registry = Registry::builtin();
/// let baseline = registry.validate_json(include_str!("../../examples/heoa-baseline.json"))?;
/// let follow_up = registry.validate_json(include_str!("../../examples/heoa-follow-up.json"))?;
/// let report = compare(&baseline.score(), &follow_up.score(), &CompareOptions::default()).expect("comparable");
/// let labels = render::Labels::new([baseline.instrument(), follow_up.instrument()]);
/// let text = render::progress_text(&report, &labels);
/// assert!(text.starts_with("Progress: Example Community Hospital (org-001)"));
/// # Ok::<(), health_equity_assessment::ResponseError>(())
/// ```
#[must_use]
pub fn progress_text(report: &ProgressReport, labels: &Labels<'_>) -> String {
    let mut out = String::new();
    let (who, what) = heading(report, escape_terminal, escape_terminal);
    let _ = writeln!(out, "Progress: {who}\n{what}\n{}\n", window_line(&report.window, escape_terminal));
    let width = column_width(report.categories.iter().map(|c| t(&c.title).chars().count() + 2), 8);
    let _ =
        writeln!(out, "{}  {:<26}  {:>8}  Movement", pad("Category", width), "Level: baseline → follow-up", "Change");
    let row = |out: &mut String,
               title: &str,
               b: Option<&Standing>,
               f: Option<&Standing>,
               change: String,
               m: LevelMovement| {
        let levels = format!("{} → {}", t(&level(b)), t(&level(f)));
        let _ = writeln!(out, "{}  {}  {}  {}", pad(title, width), pad(&levels, 26), pad_left(&change, 8), movement(m));
    };
    for c in &report.categories {
        let title = if c.focus { format!("{} *", t(&c.title)) } else { t(&c.title).into_owned() };
        row(
            &mut out,
            &title,
            c.baseline.as_ref(),
            c.follow_up.as_ref(),
            signed(c.change_exact.as_ref()),
            c.level_movement,
        );
    }
    let o = &report.overall;
    row(&mut out, "Overall", Some(&o.baseline), Some(&o.follow_up), signed(o.change_exact.as_ref()), o.level_movement);
    let _ = writeln!(
        out,
        "\nChange is in percentage points ({} → {} overall).",
        percent(Some(&o.baseline)),
        percent(Some(&o.follow_up))
    );
    if report.categories.iter().any(|c| c.focus) {
        out.push_str("* focus category\n");
    }
    for (name, pick) in [("Advanced", 0), ("Regressed", 1)] {
        let total: usize = report.categories.iter().map(|c| items(c, pick).len()).sum();
        let _ = writeln!(out, "\n{name} ({total})");
        for c in report.categories.iter().filter(|c| !items(c, pick).is_empty()) {
            let _ = writeln!(out, "  {}", t(&c.title));
            for change in items(c, pick) {
                let newly = if pick == 0 && change.follow_up.iter().all(|a| c.newly_implemented.contains(&a.id)) {
                    " [newly implemented]"
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "    {} {}{newly}",
                    if pick == 0 { "+" } else { "-" },
                    labels.change_text(change, escape_terminal)
                );
            }
        }
    }
    unmatched_text(&mut out, report);
    out
}

/// A report section: its heading and, per category with changes, the title and one line per item
/// (both already escaped for the output format).
type Section = (&'static str, Vec<(String, Vec<String>)>);

/// The advanced and regressed sections of the leadership reports, escaped by `esc`.
fn change_sections(report: &ProgressReport, labels: &Labels<'_>, esc: Escape) -> [Section; 2] {
    [("Key activities that advanced", 0), ("Key activities that regressed", 1)].map(|(name, pick)| {
        let groups = report
            .categories
            .iter()
            .filter(|c| !items(c, pick).is_empty())
            .map(|c| (esc(&c.title), items(c, pick).iter().map(|change| labels.change_text(change, esc)).collect()))
            .collect();
        (name, groups)
    })
}

fn items(c: &CategoryProgress, pick: usize) -> &[ItemChange] {
    if pick == 0 { &c.advanced } else { &c.regressed }
}

fn unmatched_text(out: &mut String, report: &ProgressReport) {
    if report.unmatched.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nWithout a counterpart ({})", report.unmatched.len());
    for u in &report.unmatched {
        let side = match u.side {
            Side::Baseline => "baseline only",
            _ => "follow-up only",
        };
        let note = u.note.as_deref().map(|n| format!(": {}", t(n))).unwrap_or_default();
        let _ = writeln!(out, "  {} ({side}, {}){note}", t(&u.item), t(&u.reason.replace('_', " ")));
    }
}

/// The overall result in one sentence, its level names escaped for the output.
fn overall_sentence(report: &ProgressReport, esc: Escape) -> String {
    let o = &report.overall;
    format!(
        "{} ({}) → {} ({}), {} percentage points, level {}. {} key activities advanced, {} regressed, {} newly implemented.",
        esc(&level(Some(&o.baseline))),
        percent(Some(&o.baseline)),
        esc(&level(Some(&o.follow_up))),
        percent(Some(&o.follow_up)),
        signed(o.change_exact.as_ref()),
        movement(o.level_movement),
        o.activities_advanced,
        o.activities_regressed,
        o.activities_newly_implemented
    )
}

/// A progress report in Markdown for an improvement team: the overall result, a table per
/// category, a text chart of both sides, and the key activities that advanced and regressed.
/// Text from the documents is literal (no HTML, links or table breaks get through).
///
/// # Example
///
/// ```
/// use health_equity_assessment::{CompareOptions, Registry, compare, render};
///
/// let registry = Registry::builtin();
/// let baseline = registry.validate_json(include_str!("../../examples/heoa-baseline.json"))?;
/// let follow_up = registry.validate_json(include_str!("../../examples/heoa-follow-up.json"))?;
/// let report = compare(&baseline.score(), &follow_up.score(), &CompareOptions::default()).expect("comparable");
/// let labels = render::Labels::new([baseline.instrument(), follow_up.instrument()]);
/// let markdown = render::progress_markdown(&report, &labels);
/// assert!(markdown.contains("## Key activities that advanced"));
/// # Ok::<(), health_equity_assessment::ResponseError>(())
/// ```
#[must_use]
pub fn progress_markdown(report: &ProgressReport, labels: &Labels<'_>) -> String {
    let mut out = String::new();
    let (who, what) = heading(report, md, code_span);
    let _ = writeln!(out, "# Health equity progress: {who}\n");
    let _ = writeln!(out, "{what}\n\n{}\n", window_line(&report.window, md));
    let _ = writeln!(out, "**Overall:** {}\n", overall_sentence(report, md));
    out.push_str("| Category | Baseline | Follow-up | Change (points) | Level |\n|---|---|---|---|---|\n");
    for c in &report.categories {
        let title = if c.focus { format!("{} (focus)", md(&c.title)) } else { md(&c.title) };
        let _ = writeln!(
            out,
            "| {} | {} {} | {} {} | {} | {} |",
            title,
            md(&level(c.baseline.as_ref())),
            percent(c.baseline.as_ref()),
            md(&level(c.follow_up.as_ref())),
            percent(c.follow_up.as_ref()),
            signed(c.change_exact.as_ref()),
            movement(c.level_movement)
        );
    }
    out.push_str("\n## Baseline and follow-up percent by category\n\n");
    let width = column_width(report.categories.iter().map(|c| t(&c.title).chars().count()), 0);
    let mut chart = String::new();
    for c in &report.categories {
        for (i, (name, s)) in
            [("baseline ", c.baseline.as_ref()), ("follow-up", c.follow_up.as_ref())].into_iter().enumerate()
        {
            let value = s.and_then(|s| s.percent_exact.as_ref()).map(|p| p.to_f64_rounded(2));
            let bar = value.map_or_else(String::new, |v| "█".repeat((v / 2.5).round() as usize));
            let title = if i == 0 { pad(&t(&c.title), width) } else { pad("", width) };
            let shown = value.map_or_else(|| "—".to_owned(), |v| format!("{v:.1}%"));
            let _ = writeln!(chart, "{title}  {name} {bar} {shown}");
        }
    }
    out.push_str(&code_block("text", &chart));
    for (name, groups) in change_sections(report, labels, md) {
        let _ = writeln!(out, "\n## {name}\n");
        for (title, lines) in &groups {
            let _ = writeln!(out, "**{title}**\n");
            for line in lines {
                let _ = writeln!(out, "- {line}");
            }
            out.push('\n');
        }
        if groups.is_empty() {
            out.push_str("None.\n");
        }
    }
    if !report.unmatched.is_empty() {
        let mut block = String::new();
        unmatched_text(&mut block, report);
        let _ =
            write!(out, "\n## Items without a counterpart\n\n{}", code_block("text", block.trim_start_matches('\n')));
    }
    let _ = writeln!(out, "\n_Generated by {} {}._", report.engine.name, report.engine.version);
    out
}

/// A progress report as one self-contained HTML page: the window check, the overall result, a
/// grouped bar chart of baseline and follow-up percents with the maturity band thresholds drawn
/// (its caption says what the bars, lines and focus mark mean), a table with one row
/// (`<tr class="category">`) per category, and the key activities that advanced and regressed.
/// Inline CSS (with print rules) and an inline SVG: no scripts, nothing fetched.
///
/// # Example
///
/// ```
/// use health_equity_assessment::{CompareOptions, Registry, compare, render};
///
/// let registry = Registry::builtin();
/// let baseline = registry.validate_json(include_str!("../../examples/heoa-baseline.json"))?;
/// let follow_up = registry.validate_json(include_str!("../../examples/heoa-follow-up.json"))?;
/// let report = compare(&baseline.score(), &follow_up.score(), &CompareOptions::default()).expect("comparable");
/// let labels = render::Labels::new([baseline.instrument(), follow_up.instrument()]);
/// let page = render::progress_html(&report, &labels);
/// assert_eq!(page.matches("<tr class=\"category\">").count(), report.categories.len());
/// # Ok::<(), health_equity_assessment::ResponseError>(())
/// ```
#[must_use]
pub fn progress_html(report: &ProgressReport, labels: &Labels<'_>) -> String {
    let (who, what) = heading(report, html, html);
    let o = &report.overall;
    let mut out = String::new();
    page_start(&mut out, &format!("Health equity progress: {who}"));
    let _ = writeln!(out, "<h1>Health equity progress: {who}</h1>");
    let _ = writeln!(out, "<p class=\"meta\">{what}<br>{}</p>", window_line(&report.window, html));
    let _ = writeln!(out, "<div class=\"summary\"><strong>Overall:</strong> {}</div>", overall_sentence(report, html));
    let bands = match labels.category_levels().map_or(&[][..], |l| &l.levels[..]) {
        [] => String::new(),
        levels => format!(" Dashed lines mark the maturity level thresholds: {}.", bands_sentence(levels, html)),
    };
    let focus = if report.categories.iter().any(|c| c.focus) {
        " ★ marks a focus category: one the organization named for its improvement program, where the follow-up is expected to show progress."
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "<h2>Baseline and follow-up by category</h2>\n<figure class=\"chart\">\n{}\n<figcaption>Percent of the maximum points in each category at baseline (light) and follow-up (dark).{bands}{focus}</figcaption>\n</figure>",
        super::chart::progress_chart_svg(report, labels)
    );
    out.push_str("<table>\n<thead><tr><th>Category</th><th>Baseline</th><th>Follow-up</th><th>Change (points)</th><th>Level</th></tr></thead>\n<tbody>\n");
    for c in &report.categories {
        let focus = if c.focus { "<span class=\"focus\">★ focus</span>" } else { "" };
        let class = match c.level_movement {
            LevelMovement::Improved => " class=\"improved\"",
            LevelMovement::Declined => " class=\"declined\"",
            _ => "",
        };
        let _ = writeln!(
            out,
            "<tr class=\"category\"><td>{}{focus}</td><td>{} <span class=\"meta\">{}</span></td><td>{} <span class=\"meta\">{}</span></td><td class=\"num\">{}</td><td{class}>{}</td></tr>",
            html(&c.title),
            html(&level(c.baseline.as_ref())),
            percent(c.baseline.as_ref()),
            html(&level(c.follow_up.as_ref())),
            percent(c.follow_up.as_ref()),
            signed(c.change_exact.as_ref()),
            movement(c.level_movement)
        );
    }
    let _ = writeln!(
        out,
        "<tr><th>Overall</th><th>{} {}</th><th>{} {}</th><th style=\"text-align:right\">{}</th><th>{}</th></tr>\n</tbody>\n</table>",
        html(&level(Some(&o.baseline))),
        percent(Some(&o.baseline)),
        html(&level(Some(&o.follow_up))),
        percent(Some(&o.follow_up)),
        signed(o.change_exact.as_ref()),
        movement(o.level_movement)
    );
    for (name, groups) in change_sections(report, labels, html) {
        let _ = writeln!(out, "<h2>{name}</h2>");
        for (title, lines) in &groups {
            let _ = writeln!(out, "<h3>{title}</h3>\n<ul>");
            for line in lines {
                let _ = writeln!(out, "<li>{line}</li>");
            }
            out.push_str("</ul>\n");
        }
        if groups.is_empty() {
            out.push_str("<p>None.</p>\n");
        }
    }
    if !report.unmatched.is_empty() {
        out.push_str("<h2>Items without a counterpart</h2>\n<ul>\n");
        for u in &report.unmatched {
            let side = if u.side == Side::Baseline { "baseline only" } else { "follow-up only" };
            let note = u.note.as_deref().map(|n| format!(": {}", html(n))).unwrap_or_default();
            let _ = writeln!(
                out,
                "<li><code>{}</code> ({side}, {}){note}</li>",
                html(&u.item),
                html(&u.reason.replace('_', " "))
            );
        }
        out.push_str("</ul>\n");
    }
    page_end(&mut out, &report.engine);
    out
}

/// The plain-text report ([`render::progress_text`](crate::render::progress_text)) without the
/// instruments: items and answers are shown by id.
///
/// ```
/// use health_equity_assessment::{CompareOptions, Registry, compare};
///
/// let registry = Registry::builtin();
/// let baseline = registry.validate_json(include_str!("../../examples/heoa-baseline.json"))?.score();
/// let follow_up = registry.validate_json(include_str!("../../examples/heoa-follow-up.json"))?.score();
/// let report = compare(&baseline, &follow_up, &CompareOptions::default()).expect("comparable");
/// assert!(report.to_string().starts_with("Progress: Example Community Hospital (org-001)"));
/// # Ok::<(), health_equity_assessment::ResponseError>(())
/// ```
impl std::fmt::Display for ProgressReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&progress_text(self, &Labels::new([])))
    }
}
