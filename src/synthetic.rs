//! Synthetic cohorts for tests, benchmarks and demonstrations: `N` organizations answering an
//! instrument twice, with a configurable true effect.
//!
//! Each organization has a latent maturity drawn uniformly; its baseline answer to each item is
//! that maturity plus noise, rounded to a scored option. At follow-up each item moves up one
//! option with probability `effect` and down one with probability `regression`. A share of items
//! is left unanswered or answered not applicable (when the scale allows it). Dates: baselines in
//! the 30 days from `baseline_from`; follow-ups in the window after `program_completed`, except a
//! `late_share` of them that come 1 to 14 days after the deadline.
//!
//! The stream of random numbers is SplitMix64 (Steele, Lea and Flood, 2014), written out in the
//! crate so that a seed regenerates the same cohort in every version of this crate.

use std::collections::BTreeMap;

use jiff::ToSpan;
use jiff::civil::Date;

use crate::instrument::Instrument;
use crate::response::{Organization, Response};
use crate::rng::SplitMix64;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SyntheticCohort {
    /// Number of organizations (each gets a baseline and a follow-up).
    pub organizations: usize,
    /// Seed of the random stream.
    pub seed: u64,
    /// Probability that an item moves up one option at follow-up (the true effect).
    pub effect: f64,
    /// Probability that an item moves down one option.
    pub regression: f64,
    /// Probability that an item is left unanswered (at each assessment).
    pub missing: f64,
    /// Probability that an item is not applicable (both assessments), when its scale allows it.
    pub not_applicable: f64,
    /// Share of organizations with a single (baseline) assessment.
    pub unpaired_share: f64,
    /// Share of follow-ups after the window's deadline.
    pub late_share: f64,
    /// First possible baseline date.
    pub baseline_from: Date,
    /// The program's completion date.
    pub program_completed: Date,
}

impl SyntheticCohort {
    /// `organizations` organizations from `seed`, with effect 0.25, regression 0.03, 2 % missing,
    /// 3 % not applicable, no unpaired organizations, 5 % late follow-ups, baselines from
    /// 2022-11-17 and the program completed on 2023-05-11.
    #[must_use]
    pub fn new(organizations: usize, seed: u64) -> Self {
        SyntheticCohort {
            organizations,
            seed,
            effect: 0.25,
            regression: 0.03,
            missing: 0.02,
            not_applicable: 0.03,
            unpaired_share: 0.0,
            late_share: 0.05,
            baseline_from: jiff::civil::date(2022, 11, 17),
            program_completed: jiff::civil::date(2023, 5, 11),
        }
    }

    /// Sets the true effect.
    #[must_use]
    pub fn with_effect(mut self, effect: f64) -> Self {
        self.effect = effect;
        self
    }

    /// Sets the regression probability.
    #[must_use]
    pub fn with_regression(mut self, regression: f64) -> Self {
        self.regression = regression;
        self
    }

    /// Sets the share of late follow-ups.
    #[must_use]
    pub fn with_late_share(mut self, share: f64) -> Self {
        self.late_share = share;
        self
    }

    /// Sets the share of unpaired organizations.
    #[must_use]
    pub fn with_unpaired_share(mut self, share: f64) -> Self {
        self.unpaired_share = share;
        self
    }

    /// Sets the probabilities of unanswered and not-applicable items.
    #[must_use]
    pub fn with_missing(mut self, missing: f64, not_applicable: f64) -> Self {
        self.missing = missing;
        self.not_applicable = not_applicable;
        self
    }
}

/// The random stream of a synthetic cohort. Its `below` is the remainder of a division (not
/// the multiply-shift of [`SplitMix64::below`]) so a seed keeps giving the same cohort.
#[derive(Debug, Clone)]
struct Stream(SplitMix64);

impl Stream {
    fn unit(&mut self) -> f64 {
        self.0.unit()
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Uniform integer in 0..n (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.0.next_u64() % n.max(1)
    }

    /// Approximately normal: the sum of four uniforms, centred and scaled to unit variance.
    fn gaussian(&mut self) -> f64 {
        let sum: f64 = (0..4).map(|_| self.unit()).sum();
        (sum - 2.0) * 3f64.sqrt()
    }
}

/// Generates the response documents: for each organization its baseline, then (unless
/// unpaired) its follow-up. Deterministic for a given instrument and options. The documents are
/// made one at a time, so any number of organizations streams in constant memory.
///
/// ```
/// use health_equity_assessment::Registry;
/// use health_equity_assessment::synthetic::{SyntheticCohort, generate};
///
/// let heoa = Registry::builtin().latest("heoa").unwrap();
/// let responses: Vec<_> = generate(heoa, &SyntheticCohort::new(3, 42)).collect();
/// assert_eq!(responses.len(), 6);
/// assert!(generate(heoa, &SyntheticCohort::new(3, 42)).eq(responses.iter().cloned()));
/// assert!(responses.iter().all(|r| r.validate(heoa).is_ok()));
/// // A huge cohort costs nothing until it is read.
/// assert_eq!(generate(heoa, &SyntheticCohort::new(usize::MAX, 1)).take(2).count(), 2);
/// ```
#[must_use]
pub fn generate<'i>(instrument: &'i Instrument, spec: &SyntheticCohort) -> Generator<'i> {
    let deadline = spec.program_completed.checked_add(1.month()).unwrap_or(spec.program_completed);
    let window_days = spec.program_completed.until(deadline).map(|s| i64::from(s.get_days())).unwrap_or(30);
    Generator {
        instrument,
        spec: spec.clone(),
        rng: Stream(SplitMix64::new(spec.seed)),
        width: spec.organizations.to_string().len().max(4),
        window_days,
        next: 1,
        follow_up: None,
    }
}

/// The documents of a synthetic cohort, made on demand (see [`generate`]).
#[derive(Debug)]
pub struct Generator<'i> {
    instrument: &'i Instrument,
    spec: SyntheticCohort,
    rng: Stream,
    width: usize,
    window_days: i64,
    /// The next organization's number (1-based).
    next: usize,
    /// The follow-up of the organization whose baseline was returned last.
    follow_up: Option<Response>,
}

impl Iterator for Generator<'_> {
    type Item = Response;

    fn next(&mut self) -> Option<Response> {
        if let Some(follow_up) = self.follow_up.take() {
            return Some(follow_up);
        }
        if self.next > self.spec.organizations || self.next == 0 {
            return None;
        }
        let n = self.next;
        // Past usize::MAX the stream ends (0 marks it) instead of wrapping around.
        self.next = self.next.checked_add(1).unwrap_or(0);
        let (baseline, follow_up) = self.organization(n);
        self.follow_up = follow_up;
        Some(baseline)
    }
}

impl Generator<'_> {
    /// Organization `n`'s baseline and, unless it is unpaired, its follow-up.
    fn organization(&mut self, n: usize) -> (Response, Option<Response>) {
        let (spec, rng, instrument) = (&self.spec, &mut self.rng, self.instrument);
        let organization =
            Organization::new(format!("org-{n:0w$}", w = self.width), Some(format!("Synthetic Hospital {n}")));
        let maturity = rng.unit();
        let mut baseline = BTreeMap::new();
        let mut follow_up = BTreeMap::new();
        for (_, item) in instrument.items() {
            let Some(scale) = instrument.scale_of(item) else { continue };
            let mut scored: Vec<(u32, &str)> =
                scale.options.iter().filter_map(|o| Some((o.points?, o.id.as_str()))).collect();
            scored.sort_unstable();
            let excluded = scale.options.iter().find(|o| o.excluded).map(|o| o.id.as_str());
            if let Some(na) = excluded
                && rng.chance(spec.not_applicable)
            {
                baseline.insert(item.id.clone(), na.to_owned());
                follow_up.insert(item.id.clone(), na.to_owned());
                continue;
            }
            let top = scored.len().saturating_sub(1);
            #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let start = (maturity * top as f64 + 0.8 * rng.gaussian()).round().clamp(0.0, top as f64) as usize;
            let end = if rng.chance(spec.effect) {
                (start + 1).min(top)
            } else if rng.chance(spec.regression) {
                start.saturating_sub(1)
            } else {
                start
            };
            for (answers, index) in [(&mut baseline, start), (&mut follow_up, end)] {
                if !rng.chance(spec.missing)
                    && let Some((_, id)) = scored.get(index)
                {
                    answers.insert(item.id.clone(), (*id).to_owned());
                }
            }
        }
        let baseline_on = spec
            .baseline_from
            .checked_add(i64::try_from(rng.below(30)).unwrap_or(0).days())
            .unwrap_or(spec.baseline_from);
        let offset = if rng.chance(spec.late_share) {
            self.window_days + 1 + i64::try_from(rng.below(14)).unwrap_or(0)
        } else {
            i64::try_from(rng.below(u64::try_from(self.window_days + 1).unwrap_or(1))).unwrap_or(0)
        };
        let follow_up_on = spec.program_completed.checked_add(offset.days()).unwrap_or(spec.program_completed);
        let unpaired = rng.chance(spec.unpaired_share);
        let document = |assessed_on, answers| Response {
            instrument: instrument.reference(),
            organization: organization.clone(),
            assessed_on,
            answers,
            notes: None,
            focus_categories: None,
            extensions: None,
        };
        let first = document(baseline_on, baseline);
        (first, (!unpaired).then(|| document(follow_up_on, follow_up)))
    }
}
