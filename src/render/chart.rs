//! Horizontal bar charts of category percents, drawn as SVG with plotters: one bar per category
//! (or one per side for a progress report), the maturity band thresholds as dashed lines with
//! the level names above them, and the legend above the plot, never over the bars.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::format::{percent_text, t};
use crate::{Instrument, LevelSet, ProgressReport, ScoreReport};

const SCORE: RGBColor = RGBColor(31, 92, 153);
const BASELINE: RGBColor = RGBColor(158, 174, 196);
pub(crate) const FOLLOW_UP: RGBColor = RGBColor(31, 92, 153);
pub(crate) const BAND: RGBColor = RGBColor(110, 120, 132);
pub(crate) const INK: RGBColor = RGBColor(29, 39, 51);

/// The font size asked of plotters, which writes 0.806 of it as the SVG `font-size`: 20 gives
/// 16.1 px text at the SVG's own size. The SVG is at most about 950 px wide, so printed on A4 or
/// Letter (about 700 CSS px of text width) its labels are still 12 px.
pub(crate) const FONT: u32 = 20;
/// The longest category label drawn, in characters; longer titles end in `…` (the table under
/// the chart has them in full).
const MAX_LABEL: usize = 44;

/// One series of bars: its legend name, colour, and per category the value and its label.
struct Series {
    name: &'static str,
    color: RGBColor,
    values: Vec<Option<(f64, String)>>,
}

/// A maturity band: where it starts and ends on the percent axis, and its level's name.
struct Band {
    from: f64,
    to: f64,
    label: String,
}

/// The bands of a level set (levels are lowest first), each up to the next one's threshold.
fn bands(levels: Option<&LevelSet>) -> Vec<Band> {
    let levels = levels.map_or(&[][..], |l| &l.levels[..]);
    let starts: Vec<f64> = levels.iter().map(|l| l.min_percent.to_f64_rounded(2).clamp(0.0, 100.0)).collect();
    levels
        .iter()
        .enumerate()
        .map(|(k, l)| Band {
            from: starts[k],
            to: starts.get(k + 1).copied().unwrap_or(100.0),
            label: t(&l.label).into_owned(),
        })
        .collect()
}

fn label(title: &str, focus: bool) -> String {
    let title = t(title);
    let mut label: String = title.chars().take(MAX_LABEL).collect();
    if title.chars().count() > MAX_LABEL {
        label.push('…');
    }
    if focus {
        label.push_str(" ★");
    }
    label
}

/// The bar chart of one organization's category percents, with the instrument's category band
/// thresholds drawn as dashed lines. Focus categories carry a `★` after their title. The SVG
/// has a `viewBox`, so it scales to the width of the page.
///
/// # Example
///
/// ```
/// use health_equity_assessment::{Registry, render};
///
/// let validated = Registry::builtin().validate_json(include_str!("../../examples/heoa-baseline.json"))?;
/// let svg = render::score_chart_svg(&validated.score(), validated.instrument());
/// assert!(svg.starts_with("<svg"));
/// assert!(svg.contains("Developing\n</text>"));
/// # Ok::<(), health_equity_assessment::ResponseError>(())
/// ```
#[must_use]
pub fn score_chart_svg(report: &ScoreReport, instrument: &Instrument) -> String {
    let labels = report.categories.iter().map(|c| label(&c.title, c.focus)).collect();
    let values = report
        .categories
        .iter()
        .map(|c| c.percent_exact.as_ref().map(|p| (p.to_f64_rounded(2), percent_text(p))))
        .collect();
    let series = [Series { name: "Percent of maximum points", color: SCORE, values }];
    bar_chart(labels, &series, &bands(Some(instrument.category_levels())), report.categories.iter().any(|c| c.focus))
}

/// The grouped bar chart of a progress report: per category the baseline and follow-up
/// percents, with the category band thresholds of the last instrument in `labels` (the
/// follow-up's) as dashed lines. A side without a percent has no bar.
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
/// let svg = render::progress_chart_svg(&report, &labels);
/// assert!(svg.contains("Baseline") && svg.contains("Follow-up"));
/// # Ok::<(), health_equity_assessment::ResponseError>(())
/// ```
#[must_use]
pub fn progress_chart_svg(report: &ProgressReport, labels: &super::Labels<'_>) -> String {
    let levels = labels.category_levels();
    let labels = report.categories.iter().map(|c| label(&c.title, c.focus)).collect();
    let side = |pick: fn(&crate::CategoryProgress) -> Option<&crate::Standing>| {
        report
            .categories
            .iter()
            .map(|c| pick(c).and_then(|s| s.percent_exact.as_ref()).map(|p| (p.to_f64_rounded(2), percent_text(p))))
            .collect()
    };
    let series = [
        Series { name: "Baseline", color: BASELINE, values: side(|c| c.baseline.as_ref()) },
        Series { name: "Follow-up", color: FOLLOW_UP, values: side(|c| c.follow_up.as_ref()) },
    ];
    bar_chart(labels, &series, &bands(levels), report.categories.iter().any(|c| c.focus))
}

/// Draws the chart; plotters cannot fail drawing into a string, but its API says it can, so a
/// failure gives an SVG that says the chart is missing rather than a panic or an error type the
/// caller cannot act on.
fn bar_chart(labels: Vec<String>, series: &[Series], bands: &[Band], any_focus: bool) -> String {
    match draw(&labels, series, bands, any_focus) {
        Ok(svg) => svg,
        Err(message) => format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 600 40\" width=\"600\" height=\"40\"><text x=\"4\" y=\"24\" font-size=\"14\">The chart could not be drawn: {}</text></svg>",
            super::format::html(&message)
        ),
    }
}

fn draw(labels: &[String], series: &[Series], bands: &[Band], any_focus: bool) -> Result<String, String> {
    let err = |e: &dyn std::fmt::Display| e.to_string();
    let rows = labels.len().max(1);
    let per_row = 24 * u32::try_from(series.len()).unwrap_or(1) + 18;
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(10);
    let label_area = u32::try_from(longest.saturating_mul(9)).unwrap_or(u32::MAX).clamp(140, 400);
    let legend_height = 40;
    let band_labels = 24;
    let width = label_area + 520;
    let height = legend_height + band_labels + 70 + per_row * u32::try_from(rows).unwrap_or(1);

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(&e))?;
        let (legend, plot) = root.split_vertically(legend_height);

        // The legend, above the plot: one swatch per series, then the band line and the focus mark.
        let font = ("sans-serif", FONT).into_font().color(&INK).pos(Pos::new(HPos::Left, VPos::Center));
        let mut x = 12;
        let y = 20;
        for s in series {
            legend.draw(&Rectangle::new([(x, y - 7), (x + 16, y + 7)], s.color.filled())).map_err(|e| err(&e))?;
            legend.draw(&Text::new(s.name.to_owned(), (x + 22, y), font.clone())).map_err(|e| err(&e))?;
            x += 34 + 9 * i32::try_from(s.name.len()).unwrap_or(20);
        }
        if bands.iter().any(|b| b.from > 0.0) {
            legend.draw(&PathElement::new(vec![(x, y - 8), (x, y + 8)], BAND.stroke_width(2))).map_err(|e| err(&e))?;
            let name = "Maturity level threshold";
            legend.draw(&Text::new(name.to_owned(), (x + 8, y), font.clone())).map_err(|e| err(&e))?;
            x += 24 + 9 * i32::try_from(name.len()).unwrap_or(20);
        }
        if any_focus {
            legend.draw(&Text::new("★ focus category".to_owned(), (x, y), font.clone())).map_err(|e| err(&e))?;
        }

        let n = rows as f64;
        let mut chart = ChartBuilder::on(&plot)
            .margin_top(band_labels)
            .margin_left(8)
            .margin_right(76)
            .margin_bottom(8)
            .x_label_area_size(44)
            .y_label_area_size(label_area)
            .build_cartesian_2d(0f64..100f64, -0.5f64..n - 0.5)
            .map_err(|e| err(&e))?;
        // The first category at the top: row i is centred on y = n - 1 - i.
        let y_label = |y: &f64| {
            let i = (n - 1.0 - y).round();
            if (n - 1.0 - y - i).abs() < 1e-6 && i >= 0.0 {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(RGBColor(227, 232, 238))
            .y_labels(rows + 1)
            .y_label_formatter(&y_label)
            .x_labels(11)
            .x_label_formatter(&|x| format!("{x:.0}%"))
            .x_desc("percent of maximum points")
            .label_style(("sans-serif", FONT).into_font().color(&INK))
            .axis_desc_style(("sans-serif", FONT).into_font().color(&INK))
            .draw()
            .map_err(|e| err(&e))?;

        // Band thresholds under the bars; each level's name above the plot, centred in its band
        // when it fits there (the caption under the chart lists every level in any case).
        let top = n - 0.5;
        let name_font = ("sans-serif", FONT).into_font().color(&BAND).pos(Pos::new(HPos::Center, VPos::Bottom));
        for band in bands {
            if band.from > 0.0 {
                // Dashes of a quarter row, gaps of an eighth.
                let dashes = (0..).map(|k| -0.5 + f64::from(k) * 0.375).take_while(|y| *y < top).map(|y| {
                    PathElement::new(vec![(band.from, y), (band.from, (y + 0.25).min(top))], BAND.stroke_width(2))
                });
                chart.draw_series(dashes).map_err(|e| err(&e))?;
            }
            let (left, py) = chart.backend_coord(&(band.from, top));
            let (right, _) = chart.backend_coord(&(band.to, top));
            let needed = 9 * i32::try_from(band.label.chars().count()).unwrap_or(i32::MAX / 16) + 8;
            if right - left >= needed {
                root.draw(&Text::new(band.label.clone(), (i32::midpoint(left, right), py - 4), name_font.clone()))
                    .map_err(|e| err(&e))?;
            }
        }

        let k = series.len() as f64;
        let slot = 0.8 / k;
        for (j, s) in series.iter().enumerate() {
            // Series j's bar in row i spans [centre + 0.4 - (j + 1) slot, centre + 0.4 - j slot].
            let offset = |y: f64| (y + 0.4 - (j as f64 + 1.0) * slot + 0.03, y + 0.4 - j as f64 * slot - 0.03);
            let bars = s.values.iter().enumerate().filter_map(|(i, v)| {
                let (value, _) = v.as_ref()?;
                let (lo, hi) = offset(n - 1.0 - i as f64);
                Some(Rectangle::new([(0.0, lo), (*value, hi)], s.color.filled()))
            });
            chart.draw_series(bars).map_err(|e| err(&e))?;
            let value_font = ("sans-serif", FONT).into_font().color(&INK).pos(Pos::new(HPos::Left, VPos::Center));
            let texts = s.values.iter().enumerate().filter_map(|(i, v)| {
                let (value, text) = v.as_ref()?;
                let (lo, hi) = offset(n - 1.0 - i as f64);
                Some(Text::new(text.clone(), (*value + 0.8, f64::midpoint(lo, hi)), value_font.clone()))
            });
            chart.draw_series(texts).map_err(|e| err(&e))?;
        }
        root.present().map_err(|e| err(&e))?;
    }
    Ok(svg)
}
