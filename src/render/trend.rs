//! The trend over more than two waves: a terminal table and an HTML page with a small line
//! chart per category.

use std::fmt::Write as _;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::Labels;
use super::format::{column_width, html, pad, page_end, page_start, percent, signed, t};
use crate::{CategoryTrend, TrendReport, TrendSeries, WaveStanding};

fn cell(standing: Option<&WaveStanding>) -> String {
    match standing {
        None => "—".to_owned(),
        Some(s) => {
            let level = s.level_label.as_deref().unwrap_or("—");
            format!("{} {}", level, percent(s.percent_exact.as_ref()))
        }
    }
}

fn who(series: &TrendSeries, esc: fn(&str) -> String) -> String {
    let org = &series.organization;
    org.name.as_ref().map_or_else(|| esc(&org.id), |n| format!("{} ({})", esc(n), esc(&org.id)))
}

/// Per wave, the standing and the change since the wave before: `Advancing 66.67% (+16.67)`.
fn cells(c: &CategoryTrend) -> Vec<String> {
    c.waves
        .iter()
        .enumerate()
        .map(|(k, w)| {
            let change = k.checked_sub(1).and_then(|p| c.changes_exact.get(p)).and_then(Option::as_ref);
            match (w, change) {
                (Some(_), Some(change)) => format!("{} ({})", cell(w.as_ref()), signed(Some(change))),
                _ => cell(w.as_ref()),
            }
        })
        .collect()
}

/// A trend report as plain text for a terminal: per organization and instrument, a row per
/// category with its level and percent at every wave (and the change since the wave before in
/// parentheses), the change since the first wave, and the trajectory.
///
/// ```
/// use health_equity_assessment::{Registry, render, trend};
///
/// let registry = Registry::builtin();
/// let reports = [
///     include_str!("../../examples/heoa-baseline.json"),
///     include_str!("../../examples/heoa-follow-up.json"),
///     include_str!("../../examples/heoa-second-follow-up.json"),
/// ]
/// .map(|json| registry.validate_json(json).unwrap().score());
/// let text = render::trend_text(&trend(reports));
/// assert!(text.contains("regressed after improving"));
/// ```
#[must_use]
pub fn trend_text(report: &TrendReport) -> String {
    let mut out = String::new();
    for series in &report.series {
        let dates: Vec<String> = series.waves.iter().map(|w| format!("{} ({})", w.assessed_on, w.instrument)).collect();
        let _ = writeln!(
            out,
            "Trend: {}, {}: {} wave{}\n{}\n",
            who(series, |s| t(s).into_owned()),
            t(&series.instrument),
            series.waves.len(),
            if series.waves.len() == 1 { "" } else { "s" },
            dates.join(" → ")
        );
        let width = column_width(series.categories.iter().map(|c| t(&c.title).chars().count()), 8);
        let rows: Vec<(&CategoryTrend, Vec<String>)> =
            series.categories.iter().chain(std::iter::once(&series.overall)).map(|c| (c, cells(c))).collect();
        let cell_width =
            rows.iter().flat_map(|(_, cells)| cells.iter().map(|c| t(c).chars().count())).max().unwrap_or(8);
        let mut header = pad("Category", width);
        for w in &series.waves {
            let _ = write!(header, "  {}", pad(&w.assessed_on.to_string(), cell_width));
        }
        let _ = writeln!(out, "{header}  {:>9}  Trajectory", "Δ first");
        for (c, cells) in rows {
            let mut line = pad(&t(&c.title), width);
            for cell in cells {
                let _ = write!(line, "  {}", pad(&t(&cell), cell_width));
            }
            let _ = writeln!(out, "{line}  {:>9}  {}", signed(c.change_from_first_exact.as_ref()), c.trajectory);
        }
        out.push_str(
            "\nIn parentheses: the change in percentage points since the wave before. Δ first: since the first wave. \
The trajectory reads the maturity level at each wave.\n\n",
        );
    }
    for a in &report.ambiguous {
        let _ = writeln!(
            out,
            "Left out: {} assessments of {} ({}) on {}: which comes first is undecidable",
            a.count,
            t(&a.organization),
            t(&a.instrument),
            a.assessed_on
        );
    }
    if report.series.is_empty() {
        out.push_str("No assessments.\n");
    }
    out
}

/// A trend report as one self-contained HTML page: per organization and instrument, a table
/// like [`trend_text`]'s and a small line chart per category (percent at each wave, with the
/// maturity band thresholds of the latest instrument in `labels` as dashed lines).
///
/// ```
/// use health_equity_assessment::{Registry, render, trend};
///
/// let registry = Registry::builtin();
/// let reports = [
///     include_str!("../../examples/heoa-baseline.json"),
///     include_str!("../../examples/heoa-follow-up.json"),
///     include_str!("../../examples/heoa-second-follow-up.json"),
/// ]
/// .map(|json| registry.validate_json(json).unwrap().score());
/// let page = render::trend_html(&trend(reports), &render::Labels::new(registry.iter()));
/// assert_eq!(page.matches("<svg").count(), 8); // 7 categories and the overall result
/// ```
#[must_use]
pub fn trend_html(report: &TrendReport, labels: &Labels<'_>) -> String {
    let mut out = String::new();
    page_start(&mut out, "Health equity trend");
    out.push_str("<h1>Health equity trend</h1>\n");
    for series in &report.series {
        let _ = writeln!(
            out,
            "<h2>{}: <code>{}</code>, {} wave{}</h2>",
            who(series, html),
            html(&series.instrument),
            series.waves.len(),
            if series.waves.len() == 1 { "" } else { "s" }
        );
        out.push_str("<table>\n<thead><tr><th>Category</th>");
        for w in &series.waves {
            let _ = write!(
                out,
                "<th>{} <span class=\"meta\">{}</span></th>",
                w.assessed_on,
                html(&w.instrument.to_string())
            );
        }
        out.push_str("<th class=\"num\">Δ since first</th><th>Trajectory</th></tr></thead>\n<tbody>\n");
        for c in series.categories.iter().chain(std::iter::once(&series.overall)) {
            let class = if c.id == *"overall" { "overall" } else { "category" };
            let _ = write!(out, "<tr class=\"{class}\"><td>{}</td>", html(&c.title));
            for cell in cells(c) {
                let _ = write!(out, "<td>{}</td>", html(&cell));
            }
            let _ = writeln!(
                out,
                "<td class=\"num\">{}</td><td>{}</td></tr>",
                signed(c.change_from_first_exact.as_ref()),
                html(&c.trajectory.to_string())
            );
        }
        out.push_str("</tbody>\n</table>\n<p class=\"meta\">In parentheses: the change in percentage points since the wave before. The trajectory reads the maturity level at each wave.</p>\n<div class=\"small-multiples\">\n");
        let levels = labels.levels_of(&series.instrument);
        for c in series.categories.iter().chain(std::iter::once(&series.overall)) {
            let _ = writeln!(
                out,
                "<figure class=\"chart\">{}<figcaption>{}: {}</figcaption></figure>",
                line_chart(series, c, levels),
                html(&c.title),
                html(&c.trajectory.to_string())
            );
        }
        out.push_str("</div>\n");
    }
    for a in &report.ambiguous {
        let _ = writeln!(
            out,
            "<p>Left out: {} assessments of {} (<code>{}</code>) on {}: which comes first is undecidable.</p>",
            a.count,
            html(&a.organization),
            html(&a.instrument),
            a.assessed_on
        );
    }
    if report.series.is_empty() {
        out.push_str("<p>No assessments.</p>\n");
    }
    page_end(&mut out, &report.engine);
    out
}

use super::chart::{BAND, FOLLOW_UP as LINE, FONT, INK};

/// One category's percents at each wave as a line, the band thresholds dashed.
fn line_chart(series: &TrendSeries, c: &CategoryTrend, levels: Option<&crate::LevelSet>) -> String {
    let draw = || -> Result<String, String> {
        let err = |e: &dyn std::fmt::Display| e.to_string();
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (440, 300)).into_drawing_area();
            root.fill(&WHITE).map_err(|e| err(&e))?;
            let n = series.waves.len().max(2);
            let mut chart = ChartBuilder::on(&root)
                .margin(14)
                .margin_right(28)
                .x_label_area_size(36)
                .y_label_area_size(56)
                .build_cartesian_2d(-0.3f64..(n as f64 - 0.7), 0f64..100f64)
                .map_err(|e| err(&e))?;
            let dates: Vec<String> = series.waves.iter().map(|w| w.assessed_on.to_string()).collect();
            let x_label = |x: &f64| {
                let k = x.round();
                if (x - k).abs() < 1e-6 && k >= 0.0 {
                    dates.get(k as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            };
            chart
                .configure_mesh()
                .disable_x_mesh()
                .light_line_style(WHITE.mix(0.0))
                .bold_line_style(RGBColor(227, 232, 238))
                .x_labels(n + 1)
                .x_label_formatter(&x_label)
                .y_labels(5)
                .y_label_formatter(&|y| format!("{y:.0}%"))
                .label_style(("sans-serif", FONT).into_font().color(&INK))
                .draw()
                .map_err(|e| err(&e))?;
            for level in levels.map_or(&[][..], |l| &l.levels[..]) {
                let at = level.min_percent.to_f64_rounded(2);
                if at <= 0.0 || at >= 100.0 {
                    continue;
                }
                let dashes = (0..).map(|k| -0.3 + f64::from(k) * 0.15).take_while(|x| *x < n as f64 - 0.7).map(|x| {
                    PathElement::new(vec![(x, at), ((x + 0.09).min(n as f64 - 0.7), at)], BAND.stroke_width(1))
                });
                chart.draw_series(dashes).map_err(|e| err(&e))?;
            }
            let points: Vec<(f64, f64, String)> = c
                .waves
                .iter()
                .enumerate()
                .filter_map(|(k, w)| {
                    let p = w.as_ref()?.percent_exact.as_ref()?;
                    Some((k as f64, p.to_f64_rounded(2), percent(Some(p))))
                })
                .collect();
            chart
                .draw_series(std::iter::once(PathElement::new(
                    points.iter().map(|(x, y, _)| (*x, *y)).collect::<Vec<_>>(),
                    LINE.stroke_width(3),
                )))
                .map_err(|e| err(&e))?;
            chart
                .draw_series(points.iter().map(|(x, y, _)| Circle::new((*x, *y), 5, LINE.filled())))
                .map_err(|e| err(&e))?;
            let font = ("sans-serif", FONT).into_font().color(&INK).pos(Pos::new(HPos::Center, VPos::Bottom));
            chart
                .draw_series(
                    points.iter().map(|(x, y, text)| Text::new(text.clone(), (*x, (*y + 4.0).min(99.0)), font.clone())),
                )
                .map_err(|e| err(&e))?;
            root.present().map_err(|e| err(&e))?;
        }
        Ok(svg)
    };
    draw().unwrap_or_else(|message| {
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 440 40\" width=\"440\" height=\"40\"><text x=\"4\" y=\"24\" font-size=\"16\">The chart could not be drawn: {}</text></svg>",
            html(&message)
        )
    })
}
