//! `equity-assess crosswalk`: pre-fill another instrument from a response.

use std::collections::BTreeSet;

use health_equity_assessment::{Crosswalk, Crosswalks, Instrument, render};

use crate::args::{Against, DocumentLimit, InstrumentFiles, ReportFormat};
use crate::commands::{problem_lines, read_valid};
use crate::input;
use crate::output::{Failure, emit_json, emit_text};

/// Pre-fill another instrument from a response: which of its items the answers already support,
/// partly support, or give no evidence for. A starting point, never an attestation.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The response document.
    file: String,
    /// The instrument to pre-fill: an ID (`cms-hche`, its latest version) or ID@REQ with a
    /// version or semver requirement (`cms-hche@1.0.0`, `cms-hche@^1`).
    #[arg(long, value_name = "ID[@REQ]")]
    to: String,
    /// Use this crosswalk file instead of the built-in ones.
    #[arg(long, value_name = "FILE")]
    crosswalk_file: Option<String>,
    #[command(flatten)]
    instruments: InstrumentFiles,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
    #[command(flatten)]
    limit: DocumentLimit,
}

/// Pre-fills and prints.
pub fn run(args: Args) -> Result<(), Failure> {
    args.limit.apply();
    let registry = args.instruments.registry()?;
    let against = Against::registry(registry);
    read_valid(&args.file, &against, |validated| {
        let registry = against.instruments();
        let report = validated.score();
        let set = match &args.crosswalk_file {
            Some(file) => {
                let crosswalk = Crosswalk::from_json(&input::read_file(file)?)
                    .map_err(|e| Failure::Invalid(problem_lines(file, e.problems())))?;
                Crosswalks::new(vec![crosswalk])
            }
            None => Crosswalks::builtin().clone(),
        };
        let to = args.to.as_str();
        // `--to` is an id, or ID@VERSION like every other instrument option.
        let (to, wanted) = match to.split_once('@') {
            None => (to, None),
            Some((id, version)) => {
                // An exact version means exactly that version, as in `--instrument`.
                let exact = semver::Version::parse(version).ok().map(|v| format!("={v}"));
                let requirement = semver::VersionReq::parse(exact.as_deref().unwrap_or(version)).map_err(|e| {
                    Failure::Usage(format!("--to {to}: {version:?} is neither a version nor a requirement: {e}"))
                })?;
                (id, Some(requirement))
            }
        };
        if registry.latest(to).is_none() {
            let known: BTreeSet<&str> = registry.iter().map(Instrument::id).collect();
            let known: Vec<&str> = known.into_iter().collect();
            return Err(Failure::Usage(format!("--to: unknown instrument {to:?} (known: {})", known.join(", "))));
        }
        let crosswalk = set.find(&report.instrument, to).ok_or_else(|| {
            let source = if args.crosswalk_file.is_some() { "the --crosswalk-file" } else { "the built-in crosswalks" };
            Failure::Usage(format!(
                "no crosswalk from {} to {to} in {source}; give one with --crosswalk-file",
                report.instrument
            ))
        })?;
        let range = if crosswalk.to.id == to { &crosswalk.to } else { &crosswalk.from };
        let target = registry
            .iter()
            .filter(|i| i.id() == to && range.versions.matches(i.version()))
            .filter(|i| wanted.as_ref().is_none_or(|w| w.matches(i.version())))
            .max_by(|a, b| a.version().cmp(b.version()))
            .ok_or_else(|| {
                let wanted = wanted.as_ref().map_or_else(String::new, |w| format!(" and {w}"));
                Failure::Usage(format!("no instrument {to}@{}{wanted} is known", range.versions))
            })?;
        crosswalk
            .check(validated.instrument(), target)
            .map_err(|e| Failure::Invalid(e.problems().iter().map(ToString::to_string).collect()))?;
        let prefill = crosswalk.apply(&report, target).map_err(|e| Failure::Invalid(vec![e.to_string()]))?;
        match args.format {
            ReportFormat::Json => emit_json(&prefill),
            ReportFormat::Text => {
                emit_text(&render::prefill_text(&prefill, &render::Labels::new([validated.instrument()])))
            }
        }
    })
}
