//! `equity-assess template`: the starting document of a follow-up assessment.

use health_equity_assessment::{Date, ItemMap, TemplateOptions, template};

use crate::args::{DocumentLimit, InstrumentFiles, lookup_in, parse_date};
use crate::commands::problem_lines;
use crate::input;
use crate::output::{Failure, emit_json};

/// Write the starting document of a follow-up assessment from a baseline.
///
/// The same organization and instrument (or its successor with `--to` and an item map), the
/// focus categories carried, answers blank unless `--carry-answers`; notes are not carried.
/// The document validates as it is (blank answers are unanswered items) and once filled in.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The baseline response document.
    #[arg(long = "from", value_name = "BASELINE")]
    from: String,
    /// Copy the baseline's answers as a starting point to review (default: blank).
    #[arg(long)]
    carry_answers: bool,
    /// The follow-up's assessment date (YYYY-MM-DD) [default: today, UTC].
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    for_date: Option<Date>,
    /// The instrument of the follow-up when it is another edition, ID@VERSION (VERSION exact or
    /// a requirement; a bare ID means its latest version) [default: the baseline's].
    #[arg(long, value_name = "ID@VERSION")]
    to: Option<String>,
    /// The item map from the baseline's edition to `--to`'s: renamed items carry their answers.
    #[arg(long, value_name = "FILE", requires = "to")]
    item_map: Option<String>,
    #[command(flatten)]
    instruments: InstrumentFiles,
    #[command(flatten)]
    limit: DocumentLimit,
}

/// Writes the template.
pub fn run(args: Args) -> Result<(), Failure> {
    args.limit.apply();
    let registry = args.instruments.registry()?;
    let text = input::read_text(&args.from, input::max_bytes())?;
    let baseline = registry
        .validate_json_with(&text, &input::limits())
        .map_err(|e| Failure::Invalid(problem_lines(&args.from, e.problems())))?;
    let target = match &args.to {
        None => baseline.instrument(),
        Some(spec) => lookup_in(&registry, "--to", "instrument", spec)?,
    };
    let map = match &args.item_map {
        Some(path) => Some(
            ItemMap::from_json(&input::read_file(path)?)
                .map_err(|e| Failure::Invalid(problem_lines(path, e.problems())))?,
        ),
        None => None,
    };
    if let Some(map) = &map {
        let (from, to) = (baseline.instrument(), target);
        if !map.from.matches(from.id(), from.version()) || !map.to.matches(to.id(), to.version()) {
            return Err(Failure::Usage(format!(
                "--item-map maps {} to {}, not {} to {}",
                map.from,
                map.to,
                from.reference(),
                to.reference()
            )));
        }
    }
    let today = || jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let mut options = TemplateOptions::default()
        .with_carry_answers(args.carry_answers)
        .with_assessed_on(args.for_date.unwrap_or_else(today));
    if let Some(map) = &map {
        options = options.with_item_map(map);
    }
    emit_json(&template(&baseline, target, &options))
}
