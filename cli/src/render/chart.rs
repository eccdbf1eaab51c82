//! The baseline-versus-follow-up bar chart, drawn as SVG with plotters.

use health_equity_assessment::ProgressReport;
use plotters::prelude::*;

const BASELINE: RGBColor = RGBColor(158, 174, 196);
const FOLLOW_UP: RGBColor = RGBColor(31, 92, 153);

/// A horizontal grouped bar chart: for each category, the baseline and follow-up percent.
/// Categories without a percent on a side get no bar on that side.
///
/// # Errors
/// A message when plotters fails to draw (it does not for in-memory SVG, but its API can).
pub fn progress_chart(report: &ProgressReport) -> Result<String, String> {
    let rows: Vec<(String, Option<f64>, Option<f64>)> = report
        .categories
        .iter()
        .map(|c| {
            let label = if c.focus { format!("{} *", c.title) } else { c.title.to_string() };
            (
                label,
                c.baseline.as_ref().and_then(|s| s.percent_exact.as_ref()).map(|p| p.to_f64_rounded(2)),
                c.follow_up.as_ref().and_then(|s| s.percent_exact.as_ref()).map(|p| p.to_f64_rounded(2)),
            )
        })
        .collect();
    let n = rows.len().max(1);
    let label_width = rows.iter().map(|(l, _, _)| l.chars().count()).max().unwrap_or(10);
    let label_area = u32::try_from(label_width.saturating_mul(7).clamp(120, 420)).unwrap_or(420);
    let height = 110 + 56 * u32::try_from(n).unwrap_or(1);
    let width = label_area + 620;

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let err = |e: &dyn std::fmt::Display| e.to_string();
        root.fill(&WHITE).map_err(|e| err(&e))?;
        let top = n as f64 - 0.5;
        let mut chart = ChartBuilder::on(&root)
            .caption("Percent of maximum points, baseline and follow-up", ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(label_area)
            .build_cartesian_2d(0f64..100f64, -0.5f64..top)
            .map_err(|e| err(&e))?;
        // The first category at the top: row i sits at y = n - 1 - i.
        let labels: Vec<String> = rows.iter().map(|(l, _, _)| l.clone()).collect();
        let y_label = |y: &f64| {
            let i = (n as f64 - 1.0 - y).round();
            if (n as f64 - 1.0 - y - i).abs() < 1e-6 && i >= 0.0 {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(WHITE.mix(0.0))
            .y_labels(n + 1)
            .y_label_formatter(&y_label)
            .x_labels(11)
            .x_label_formatter(&|x| format!("{x:.0}%"))
            .x_desc("percent of maximum points")
            .label_style(("sans-serif", 13))
            .draw()
            .map_err(|e| err(&e))?;
        for (band, color, name) in [(0usize, BASELINE, "Baseline"), (1usize, FOLLOW_UP, "Follow-up")] {
            let bars: Vec<Rectangle<(f64, f64)>> = rows
                .iter()
                .enumerate()
                .filter_map(|(i, row)| {
                    let value = if band == 0 { row.1 } else { row.2 }?;
                    let y = n as f64 - 1.0 - i as f64;
                    let (lo, hi) = if band == 0 { (y + 0.04, y + 0.36) } else { (y - 0.36, y - 0.04) };
                    Some(Rectangle::new([(0.0, lo), (value, hi)], color.filled()))
                })
                .collect();
            chart
                .draw_series(bars)
                .map_err(|e| err(&e))?
                .label(name)
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], color.filled()));
            let values: Vec<Text<'_, (f64, f64), String>> = rows
                .iter()
                .enumerate()
                .filter_map(|(i, row)| {
                    let value = if band == 0 { row.1 } else { row.2 }?;
                    let y = n as f64 - 1.0 - i as f64 + if band == 0 { 0.2 } else { -0.2 };
                    Some(Text::new(format!("{value:.1}%"), (value + 1.0, y + 0.1), ("sans-serif", 11).into_font()))
                })
                .collect();
            chart.draw_series(values).map_err(|e| err(&e))?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK.mix(0.3))
            .label_font(("sans-serif", 13))
            .draw()
            .map_err(|e| err(&e))?;
        root.present().map_err(|e| err(&e))?;
    }
    Ok(svg)
}
