//! `equity-assess synthetic-cohort`: a synthetic cohort for trying the statistics.

use health_equity_assessment::synthetic::{self, SyntheticCohort};

use crate::args::{lookup, probability};
use crate::output::{Failure, emit_lines};

/// Write a synthetic cohort as newline-delimited JSON (deterministic for a seed).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Number of organizations.
    #[arg(long, default_value_t = 100)]
    organizations: usize,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Probability that an item moves up one option at follow-up (the true effect).
    #[arg(long, default_value_t = 0.25, value_parser = probability, allow_negative_numbers = true)]
    effect: f64,
    /// Probability that an item moves down one option.
    #[arg(long, default_value_t = 0.03, value_parser = probability, allow_negative_numbers = true)]
    regression: f64,
    /// Share of follow-ups after the one-month window.
    #[arg(long, default_value_t = 0.05, value_parser = probability, allow_negative_numbers = true)]
    late_share: f64,
    /// Share of organizations with a baseline only.
    #[arg(long, default_value_t = 0.0, value_parser = probability, allow_negative_numbers = true)]
    unpaired_share: f64,
    /// The instrument, ID@VERSION.
    #[arg(long, value_name = "ID@VERSION", default_value = "heoa@1.0.0")]
    instrument: String,
}

/// Writes the documents, one at a time: any number of organizations in constant memory.
pub fn run(args: Args) -> Result<(), Failure> {
    let instrument = lookup(&args.instrument)?;
    let spec = SyntheticCohort::new(args.organizations, args.seed)
        .with_effect(args.effect)
        .with_regression(args.regression)
        .with_late_share(args.late_share)
        .with_unpaired_share(args.unpaired_share);
    emit_lines(synthetic::generate(instrument, &spec))
}
