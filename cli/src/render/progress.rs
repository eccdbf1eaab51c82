//! Progress reports for people: a terminal table, Markdown, and a self-contained HTML page.

use std::fmt::Write as _;

use health_equity_assessment::Instrument;
use health_equity_assessment::{
    CategoryProgress, ItemAnswer, ItemChange, LevelMovement, ProgressReport, Side, Standing, WindowCheck, WindowVerdict,
};

use super::{column_width, pad, pad_left, t};

/// Item texts and option labels from the instruments of both sides.
pub struct Labels<'a> {
    instruments: Vec<&'a Instrument>,
}

impl<'a> Labels<'a> {
    /// Labels from these instruments (baseline first).
    #[must_use]
    pub fn new(instruments: Vec<&'a Instrument>) -> Self {
        Labels { instruments }
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
            health_equity_assessment::Matching::Merged => " (merged from {n} items)",
            health_equity_assessment::Matching::Split => " (split into {n} items)",
            health_equity_assessment::Matching::Renamed => " (renamed)",
            _ => "",
        };
        let n = change.baseline.len().max(change.follow_up.len());
        line.push_str(&matched.replace("{n}", &n.to_string()));
        line
    }
}

/// How text from the input is made safe for one output format.
type Escape = fn(&str) -> String;

fn escape_terminal(text: &str) -> String {
    t(text).into_owned()
}

fn level(s: Option<&Standing>) -> String {
    s.and_then(|s| s.level_label.as_ref()).map_or_else(|| "—".to_owned(), ToString::to_string)
}

fn signed(change: Option<&health_equity_assessment::Exact>) -> String {
    match change {
        None => "—".to_owned(),
        Some(c) if c.sign() == std::cmp::Ordering::Greater => format!("+{}", c.to_decimal_string(2)),
        Some(c) => c.to_decimal_string(2),
    }
}

fn percent(s: Option<&Standing>) -> String {
    super::percent(s.and_then(|s| s.percent_exact.as_ref()))
}

/// One line describing the window check, the program's name escaped by `esc`.
#[must_use]
pub fn window_line(window: &WindowCheck, esc: Escape) -> String {
    let Some(program) = &window.program else {
        return "Follow-up window: not checked (no program completion date given)".to_owned();
    };
    let name = program.name.as_deref().map(|n| format!("{}, ", esc(n))).unwrap_or_default();
    let deadline = window.deadline.map_or_else(|| "beyond the calendar".to_owned(), |d| d.to_string());
    let verdict = match (window.verdict, window.days_late) {
        (WindowVerdict::Late, Some(days)) => format!("late by {days} day{}", if days == 1 { "" } else { "s" }),
        (verdict, _) => verdict.as_str().replace('_', " "),
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

fn movement(m: LevelMovement) -> &'static str {
    match m {
        LevelMovement::Improved => "improved",
        LevelMovement::Unchanged => "unchanged",
        LevelMovement::Declined => "declined",
        _ => "not comparable",
    }
}

/// The terminal report: a table per category, then the items that advanced and regressed.
#[must_use]
pub fn text(report: &ProgressReport, labels: &Labels<'_>) -> String {
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

/// Text from the input as literal Markdown: no raw HTML, links, images or table breaks.
fn md(text: &str) -> String {
    health_equity_assessment::escape_markdown(text)
}

/// ASCII ids and versions (`heoa@1.0.0`) as a code span, which no Markdown renderer links.
fn code_span(text: &str) -> String {
    format!("`{}`", text.replace('`', ""))
}

/// A fenced code block around `body` (text from the input, control characters escaped): the
/// fence is longer than any run of backticks inside, so the body cannot close it.
fn code_block(info: &str, body: &str) -> String {
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}{info}\n{body}{fence}\n")
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

/// A Markdown report for an improvement team: summary, table, a bar chart in text, item changes.
#[must_use]
pub fn markdown(report: &ProgressReport, labels: &Labels<'_>) -> String {
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

/// Escapes text for HTML element content and attribute values. Control and bidirectional
/// characters are shown as escapes (`\u{1b}`), as on a terminal: HTML has no safe way to write
/// them, and the page may well be read with `cat`.
fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            c if health_equity_assessment::is_unsafe_char(c) => {
                out.push_str(&health_equity_assessment::escape_controls(c.encode_utf8(&mut [0; 4])));
            }
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1100px;margin:2rem auto;padding:0 1rem;color:#1d2733;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d6dde6;padding-bottom:.2rem}
.meta{color:#4a5868}.summary{background:#f2f6fa;border-left:4px solid #1f5c99;padding:.7rem 1rem;margin:1rem 0}
table{border-collapse:collapse;width:100%;font-size:.95rem}th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #e3e8ee}
th{background:#f7f9fb}td.num{text-align:right;font-variant-numeric:tabular-nums}.improved{color:#1b7a3a;font-weight:600}
.declined{color:#b3261e;font-weight:600}.focus{font-size:.8rem;background:#fff3c4;border-radius:3px;padding:0 .3rem;margin-left:.3rem}
.chart svg{max-width:100%;height:auto}li{margin:.2rem 0}footer{margin-top:2rem;color:#6b7886;font-size:.85rem}";

/// A single self-contained HTML page: inline CSS and an inline SVG chart, no scripts, no
/// external resources.
///
/// # Errors
/// A message when the chart cannot be drawn.
pub fn html_page(report: &ProgressReport, labels: &Labels<'_>) -> Result<String, String> {
    let chart = super::chart::progress_chart(report)?;
    let (who, what) = heading(report, html, html);
    let o = &report.overall;
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Health equity progress: {who}</title>\n<style>\n{STYLE}\n</style>\n</head>\n<body>\n"
    );
    let _ = writeln!(out, "<h1>Health equity progress: {who}</h1>");
    let _ = writeln!(out, "<p class=\"meta\">{what}<br>{}</p>", window_line(&report.window, html));
    let _ = writeln!(out, "<div class=\"summary\"><strong>Overall:</strong> {}</div>", overall_sentence(report, html));
    let _ = writeln!(out, "<h2>Baseline and follow-up by category</h2>\n<div class=\"chart\">\n{chart}\n</div>");
    out.push_str("<table>\n<thead><tr><th>Category</th><th>Baseline</th><th>Follow-up</th><th>Change (points)</th><th>Level</th></tr></thead>\n<tbody>\n");
    for c in &report.categories {
        let focus = if c.focus { "<span class=\"focus\">focus</span>" } else { "" };
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
    let _ = writeln!(
        out,
        "<footer>Generated by {} {}. Percents are exact values rounded to two decimals; levels are compared on the exact values.</footer>\n</body>\n</html>",
        html(&report.engine.name),
        html(&report.engine.version)
    );
    Ok(out)
}
