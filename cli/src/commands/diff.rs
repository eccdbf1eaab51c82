//! `equity-assess diff`: compare a baseline with a follow-up.

use health_equity_assessment::{CompareOptions, FollowUpWindow, ItemMap, Program, compare, render};

use crate::args::{DocumentLimit, InstrumentFiles, PageFormat, parse_date, parse_window};
use crate::commands::problem_lines;
use crate::input;
use crate::output::{Failure, emit, emit_json, emit_text};

/// Compare a baseline with a follow-up of the same organization.
///
/// Both are response documents; they are validated and scored first. Give the earlier
/// assessment first.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The baseline response document.
    baseline: String,
    /// The follow-up response document.
    follow_up: String,
    /// The day the improvement program was completed (YYYY-MM-DD): checks that the follow-up
    /// was taken within the window after it.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    program_completed: Option<jiff::civil::Date>,
    /// The program's name, for the report.
    #[arg(long, value_name = "NAME", requires = "program_completed")]
    program_name: Option<String>,
    /// The follow-up window, an ISO 8601 duration of days, weeks, months or years [default:
    /// P1M]. The completion day and the deadline both count as within.
    #[arg(long, value_name = "DURATION", value_parser = parse_window, requires = "program_completed")]
    window: Option<FollowUpWindow>,
    /// Fail (exit 1) when the follow-up is after the window's deadline.
    #[arg(long, requires = "program_completed")]
    strict_window: bool,
    /// An item map connecting different major versions of the instrument.
    #[arg(long, value_name = "FILE")]
    item_map: Option<String>,
    /// Instead of the progress report, label every item: new, removed, improved, regressed,
    /// unchanged, modified (wording changed between editions) or not_comparable (text: a
    /// line per item; json: a list of {item, category, label, before, after}).
    #[arg(long)]
    item_changes: bool,
    #[command(flatten)]
    instruments: InstrumentFiles,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PageFormat::Text)]
    format: PageFormat,
    #[command(flatten)]
    limit: DocumentLimit,
}

/// Compares and prints the progress report.
pub fn run(args: Args) -> Result<(), Failure> {
    args.limit.apply();
    let registry = args.instruments.registry()?;
    let map = match &args.item_map {
        Some(path) => Some(
            ItemMap::from_json(&input::read_file(path)?)
                .map_err(|e| Failure::Invalid(problem_lines(path, e.problems())))?,
        ),
        None => None,
    };
    let (baseline_path, follow_up_path) = (args.baseline.as_str(), args.follow_up.as_str());
    let baseline_text = input::read_text(baseline_path, input::max_bytes())?;
    let follow_up_text = input::read_text(follow_up_path, input::max_bytes())?;
    let baseline = registry.validate_json_with(&baseline_text, &input::limits());
    let follow_up = registry.validate_json_with(&follow_up_text, &input::limits());
    let (baseline, follow_up) = match (baseline, follow_up) {
        (Ok(b), Ok(f)) => (b, f),
        (b, f) => {
            let mut lines = Vec::new();
            if let Err(e) = &b {
                lines.extend(problem_lines(baseline_path, e.problems()));
            }
            if let Err(e) = &f {
                lines.extend(problem_lines(follow_up_path, e.problems()));
            }
            return Err(Failure::Invalid(lines));
        }
    };
    if args.item_changes {
        let changes = health_equity_assessment::item_changes(&baseline, &follow_up);
        return match args.format {
            PageFormat::Json => emit_json(&changes),
            PageFormat::Text | PageFormat::Markdown | PageFormat::Html => {
                let width = changes.iter().map(|c| c.item.chars().count()).max().unwrap_or(4);
                let text: String = changes
                    .iter()
                    .map(|c| {
                        let answer = |a: &Option<health_equity_assessment::SharedStr>| {
                            a.as_deref().unwrap_or("unanswered").to_owned()
                        };
                        let label = serde_json::to_value(c.label)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default();
                        format!("{:<width$}  {:<14}  {} → {}\n", c.item, label, answer(&c.before), answer(&c.after))
                    })
                    .collect();
                emit_text(&text)
            }
        };
    }
    let mut options = CompareOptions::new().with_strict_window(args.strict_window);
    if let Some(date) = args.program_completed {
        let program = Program::new(date).with_window(args.window.unwrap_or_default());
        options = options.with_program(match args.program_name {
            Some(name) => program.with_name(name),
            None => program,
        });
    }
    if let Some(map) = &map {
        options = options.with_item_map(map);
    }
    let report = compare(&baseline.score(), &follow_up.score(), &options)
        .map_err(|e| Failure::Invalid(vec![format!("cannot compare {baseline_path} with {follow_up_path}: {e}")]))?;
    let labels = render::Labels::new([baseline.instrument(), follow_up.instrument()]);
    match args.format {
        PageFormat::Json => emit_json(&report),
        PageFormat::Text => emit_text(&render::progress_text(&report, &labels)),
        PageFormat::Markdown => emit(&render::progress_markdown(&report, &labels)),
        PageFormat::Html => emit(&render::progress_html(&report, &labels)),
    }
}
