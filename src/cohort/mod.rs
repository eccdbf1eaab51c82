//! Cohorts: many organizations' baseline and follow-up assessments, paired per organization and
//! instrument, summarized with paired statistics researchers can cross-check in scipy and R.
//!
//! ```
//! use health_equity_assessment::Registry;
//! use health_equity_assessment::{Cohort, CohortOptions};
//! use health_equity_assessment::synthetic::{SyntheticCohort, generate};
//!
//! let heoa = Registry::builtin().latest("heoa").unwrap();
//! let mut cohort = Cohort::new();
//! for (i, response) in generate(heoa, &SyntheticCohort::new(40, 7).with_effect(0.3)).enumerate() {
//!     cohort.add(format!("synthetic:{i}"), response.validate(heoa)?.score());
//! }
//! let report = cohort.analyze(&CohortOptions::default())?;
//! let group = &report.instruments[0];
//! assert_eq!(group.pairs, 40);
//! let overall = &group.overall;
//! assert!(overall.wilcoxon.as_ref().unwrap().p_value.unwrap() < 0.001);
//! assert!(overall.median_change_exact.as_ref().unwrap() > &health_equity_assessment::Exact::zero());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Pairing
//!
//! Every document is counted once. Two documents with the same content (instrument and
//! version, organization id and name, date, and every answer) are one assessment reached twice,
//! under two names or through a link: the first by source name is kept and the other is listed
//! in [`CohortReport::duplicates`]. (A caller that knows two names are one file, such as the
//! command line after resolving paths, records the second with [`Cohort::duplicate`] instead
//! of adding it.)
//!
//! Assessments are then grouped by organization id and instrument id. By default the earliest
//! is the baseline and the latest the follow-up ([`PairedWaves`] chooses the first two or the
//! last two instead); the other assessments are kept as `intermediate` and not used. When two different assessments share the earliest or the latest date, which
//! one is the baseline (or the follow-up) is undecidable: the organization is listed in
//! [`CohortReport::ambiguous`] and left out of the statistics. Nothing depends on the order in
//! which documents were added: the report is the same for any permutation of its inputs.
//! An organization with one assessment is reported as unpaired. A pair on different major
//! versions cannot be compared and is reported as such.
//!
//! # Statistics
//!
//! For each category, and for the overall percent, over the pairs where both sides have a
//! percent: the differences `follow-up − baseline` in percentage points (exact), their mean and
//! median, level movement counts and shares, the [Wilcoxon signed-rank test](fn@crate::stats::wilcoxon)
//! (scipy's defaults unless chosen otherwise), the [sign test](crate::stats::sign_test), the
//! matched-pairs rank-biserial correlation, and the [Hodges–Lehmann](fn@crate::stats::hodges_lehmann)
//! estimate with its confidence interval. The category p-values are adjusted by Holm and by
//! Benjamini–Hochberg across the categories of the instrument. For each item: how many
//! organizations moved to, or away from, the top option, with [McNemar's test](fn@crate::stats::mcnemar).

mod record;
mod tidy;

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use record::CohortRecord;
pub use tidy::{Phase, SummaryRow, TidyRow, summary_rows};

use record::{Arena, Layouts, Record, View};

use crate::Exact;
use crate::exact::ExactSum;
use crate::progress::{LevelMovement, Program, WindowVerdict};
use crate::score::{Engine, ItemStatus, ScoreReport};
use crate::stats::{
    self, HodgesLehmannOptions, HodgesLehmannResult, McNemarOptions, McNemarResult, PAdjustMethod, PairedBinaryTable,
    SignTestResult, StatsError, WilcoxonOptions, WilcoxonResult, ZeroHandling,
};

/// How a cohort is analyzed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct CohortOptions {
    /// The program whose completion opens every pair's follow-up window.
    pub program: Option<Program>,
    /// Leave pairs whose follow-up is late out of the statistics (they are still listed).
    pub exclude_late: bool,
    /// The Wilcoxon test options (scipy's defaults by default).
    pub wilcoxon: WilcoxonOptions,
    /// The Hodges–Lehmann options. The default is R's `wilcox.test(d, conf.int = TRUE)`: 95 %,
    /// zero differences dropped (as the default Wilcoxon zero method does), continuity
    /// correction in the asymptotic interval.
    pub hodges_lehmann: HodgesLehmannOptions,
    /// The McNemar options (exact binomial by default).
    pub mcnemar: McNemarOptions,
    /// Largest number of assessments accepted (default 1,000,000).
    pub max_assessments: usize,
    /// Which two of an organization's assessments form its pair (default: the first and the
    /// last).
    #[serde(default)]
    pub waves: PairedWaves,
}

/// Which two of an organization's assessments (waves, in date order) form its pair.
///
/// ```
/// use health_equity_assessment::{CohortOptions, PairedWaves};
///
/// let options = CohortOptions::default().with_waves("last-two".parse()?);
/// assert_eq!(options.waves, PairedWaves::LastTwo);
/// assert_eq!(PairedWaves::LastTwo.to_string(), "last_two");
/// # Ok::<(), health_equity_assessment::stats::UnknownOption>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PairedWaves {
    /// The earliest and the latest (the baseline and the most recent follow-up).
    #[default]
    FirstLast,
    /// The earliest and the second (the first follow-up).
    FirstSecond,
    /// The two latest (the most recent change).
    LastTwo,
}

crate::stats::named_options!(PairedWaves { FirstLast => "first_last", FirstSecond => "first_second", LastTwo => "last_two" });

impl PairedWaves {
    /// The positions of the pair in `n ≥ 2` assessments in date order.
    fn positions(self, n: usize) -> (usize, usize) {
        match self {
            PairedWaves::FirstLast => (0, n - 1),
            PairedWaves::FirstSecond => (0, 1),
            PairedWaves::LastTwo => (n - 2, n - 1),
        }
    }

    /// What the pair is, in words.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            PairedWaves::FirstLast => "the first and the last assessment of each organization",
            PairedWaves::FirstSecond => "the first and the second assessment of each organization",
            PairedWaves::LastTwo => "the last two assessments of each organization",
        }
    }
}

impl Default for CohortOptions {
    fn default() -> Self {
        CohortOptions {
            program: None,
            exclude_late: false,
            wilcoxon: WilcoxonOptions::default(),
            hodges_lehmann: HodgesLehmannOptions::default().with_zero_handling(ZeroHandling::Drop),
            mcnemar: McNemarOptions::default(),
            max_assessments: 4_000_000,
            waves: PairedWaves::FirstLast,
        }
    }
}

impl CohortOptions {
    /// Checks every pair against this program's follow-up window.
    #[must_use]
    pub fn with_program(mut self, program: Program) -> Self {
        self.program = Some(program);
        self
    }

    /// Chooses which two assessments of each organization form its pair.
    #[must_use]
    pub fn with_waves(mut self, waves: PairedWaves) -> Self {
        self.waves = waves;
        self
    }

    /// Leaves late pairs out of the statistics.
    #[must_use]
    pub fn with_exclude_late(mut self, exclude: bool) -> Self {
        self.exclude_late = exclude;
        self
    }

    /// Sets the Wilcoxon options.
    #[must_use]
    pub fn with_wilcoxon(mut self, options: WilcoxonOptions) -> Self {
        self.wilcoxon = options;
        self
    }

    /// Sets the Hodges–Lehmann options.
    #[must_use]
    pub fn with_hodges_lehmann(mut self, options: HodgesLehmannOptions) -> Self {
        self.hodges_lehmann = options;
        self
    }

    /// Sets the McNemar options.
    #[must_use]
    pub fn with_mcnemar(mut self, options: McNemarOptions) -> Self {
        self.mcnemar = options;
        self
    }

    /// Sets the largest number of assessments accepted.
    #[must_use]
    pub fn with_max_assessments(mut self, max: usize) -> Self {
        self.max_assessments = max;
        self
    }
}

/// Why a cohort cannot be analyzed at all.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CohortError {
    /// More assessments than [`CohortOptions::max_assessments`].
    #[error("the cohort has {count} assessments, more than the limit of {limit}")]
    TooManyAssessments {
        /// Assessments given.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// A statistic could not be computed with the options chosen (for example the exact
    /// conditional Wilcoxon method on more pairs than it supports).
    #[error("category {category:?} of {instrument}: {source}")]
    Statistics {
        /// The instrument id.
        instrument: String,
        /// The category id (`overall` for the overall percent).
        category: String,
        /// The statistics error.
        #[source]
        source: StatsError,
    },
}

impl crate::problem::Problem for CohortError {
    fn code(&self) -> &'static str {
        match self {
            CohortError::TooManyAssessments { .. } => "too_many_assessments",
            CohortError::Statistics { source, .. } => source.code(),
        }
    }

    fn location(&self) -> crate::problem::Location<'_> {
        crate::problem::Location::Inputs
    }
}

/// The assessments of a cohort, and the documents that could not be read.
#[derive(Debug, Clone, Default)]
pub struct Cohort {
    /// Each assessment with its source, kept compact (see [`CohortRecord`]).
    entries: Vec<Record>,
    layouts: Layouts,
    arena: Arena,
    rejected: Vec<RejectedDocument>,
    /// Documents the caller found to be another document again (same file).
    duplicates: Vec<Duplicate>,
}

impl Cohort {
    /// An empty cohort.
    #[must_use]
    pub fn new() -> Self {
        Cohort::default()
    }

    /// Adds a scored assessment read from `source` (a file name, `file:line`, …).
    pub fn add(&mut self, source: impl Into<String>, report: ScoreReport) {
        let record = Record::of_report(&source.into(), &report, &mut self.layouts, &mut self.arena);
        self.entries.push(record);
    }

    /// Adds an assessment reduced to a [`CohortRecord`] (made from a validated response, in
    /// any thread): the same as adding its score report, without building the report.
    pub fn add_record(&mut self, source: impl Into<String>, record: CohortRecord<'_>) {
        let record = record.into_record(&source.into(), &mut self.layouts, &mut self.arena);
        self.entries.push(record);
    }

    /// Records a document that could not be read or validated, so the report lists it.
    pub fn reject(&mut self, source: impl Into<String>, problems: Vec<String>) {
        self.rejected.push(RejectedDocument { source: source.into(), problems });
    }

    /// Records that the document at `source` is the one at `same_as` again (the same file under
    /// two names, or through a link), so it is counted once and the report lists it.
    pub fn duplicate(&mut self, source: impl Into<String>, same_as: impl Into<String>) {
        self.duplicates.push(Duplicate {
            source: source.into(),
            same_as: same_as.into(),
            reason: DuplicateReason::SameFile,
        });
    }

    /// The number of assessments added.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no assessment was added.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Pairs the assessments and computes the statistics.
    ///
    /// # Errors
    /// [`CohortError`] when the cohort is over the size limit or a statistic cannot be
    /// computed with the options chosen.
    pub fn analyze(&self, options: &CohortOptions) -> Result<CohortReport, CohortError> {
        if self.entries.len() > options.max_assessments {
            return Err(CohortError::TooManyAssessments { count: self.entries.len(), limit: options.max_assessments });
        }
        let pairing = self.pair(options);
        let mut instruments = Vec::with_capacity(pairing.groups.len());
        for (instrument, pairs) in &pairing.groups {
            instruments.push(summarize(instrument, pairs, options)?);
        }
        let mut late = Vec::new();
        for (_, pairs) in &pairing.groups {
            for p in
                pairs.iter().filter(|p| p.verdict != WindowVerdict::Within && p.verdict != WindowVerdict::NotChecked)
            {
                late.push(OutsideWindow {
                    organization: p.baseline.organization_id().to_owned(),
                    instrument: p.baseline.instrument().id.to_string(),
                    follow_up: p.follow_up.assessed_on(),
                    verdict: p.verdict,
                    days_late: p.days_late,
                    included: p.included,
                });
            }
        }
        let mut rejected = self.rejected.clone();
        rejected.sort();
        let mut duplicates = self.duplicates.clone();
        duplicates.extend(pairing.duplicates);
        duplicates.sort();
        Ok(CohortReport {
            options: options.clone(),
            documents: self.entries.len() + self.rejected.len() + self.duplicates.len(),
            assessments: self.entries.len() - (duplicates.len() - self.duplicates.len()),
            organizations: pairing.organizations,
            groups: pairing.groups_seen,
            rejected,
            duplicates,
            ambiguous: pairing.ambiguous,
            unpaired: pairing.unpaired,
            not_comparable: pairing.not_comparable,
            outside_window: late,
            instruments,
            engine: Engine::current(),
        })
    }

    /// One row per organization × phase × category: tidy data for pandas and R, made as they
    /// are read (a million organizations' table need not be held whole; write it with
    /// [`CsvWriter`](crate::CsvWriter)).
    pub fn tidy_rows(&self, options: &CohortOptions) -> impl Iterator<Item = TidyRow> + '_ {
        tidy::rows(self.pair(options))
    }

    fn pair<'c>(&'c self, options: &CohortOptions) -> Pairing<'c> {
        // One sort by (instrument, organization, date, content, source) groups each
        // organization's assessments together, puts identical documents side by side and
        // fixes every choice below independently of the order documents were added in.
        let mut order: Vec<Entry<'c>> = self
            .entries
            .iter()
            .filter_map(|r| {
                let view = View::new(&self.layouts, &self.arena, r)?;
                Some(Entry { source: view.source(), view })
            })
            .collect();
        order.sort_by(|a, b| a.cmp_key(b));
        let mut pairing = Pairing::default();
        // Identical content: keep the first by source name.
        order.dedup_by(|later, first| {
            let same = later.same_content(first);
            if same {
                pairing.duplicates.push(Duplicate {
                    source: later.source.to_owned(),
                    same_as: first.source.to_owned(),
                    reason: DuplicateReason::SameContent,
                });
            }
            same
        });
        let deadline = options.program.as_ref().and_then(Program::deadline);
        let mut organizations = std::collections::HashSet::new();
        for list in order.chunk_by(|a, b| {
            a.view.instrument().id == b.view.instrument().id && a.view.organization_id() == b.view.organization_id()
        }) {
            pairing.groups_seen += 1;
            let Some(first) = list.first() else { continue };
            organizations.insert(first.view.organization_id());
            let (bi, fi) = if list.len() < 2 { (0, 0) } else { options.waves.positions(list.len()) };
            let (Some(baseline), Some(follow_up)) = (list.get(bi), list.get(fi)) else { continue };
            let (bs, b, fs, f) = (baseline.source, baseline.view, follow_up.source, follow_up.view);
            if list.len() == 1 {
                pairing.unpaired.push(Unpaired {
                    organization: b.organization_id().to_owned(),
                    instrument: b.instrument().to_string(),
                    assessed_on: b.assessed_on(),
                    source: bs.to_owned(),
                });
                pairing.singles.push((bs, b));
                continue;
            }
            // Two different assessments on the baseline's (or the follow-up's) date: which one
            // is the baseline would be decided by nothing but the order of the input.
            let tied = |date: Date| list.iter().filter(|e| e.view.assessed_on() == date).count() > 1;
            let tie = [b.assessed_on(), f.assessed_on()].into_iter().find(|d| tied(*d));
            if let Some(date) = tie {
                pairing.ambiguous.push(Ambiguous {
                    organization: b.organization_id().to_owned(),
                    instrument: b.instrument().id.to_string(),
                    assessed_on: date,
                    sources: list
                        .iter()
                        .filter(|e| e.view.assessed_on() == date)
                        .map(|e| e.source.to_owned())
                        .collect(),
                });
                pairing.excluded.extend(list.iter().map(|e| (e.source, e.view)));
                continue;
            }
            if b.instrument().version.major != f.instrument().version.major {
                pairing.not_comparable.push(NotComparable {
                    organization: b.organization_id().to_owned(),
                    baseline: b.instrument().to_string(),
                    follow_up: f.instrument().to_string(),
                    reason: "different major versions of the instrument".to_owned(),
                });
                pairing.singles.extend(list.iter().map(|e| (e.source, e.view)));
                continue;
            }
            let (verdict, days_late) = options
                .program
                .as_ref()
                .map_or((WindowVerdict::NotChecked, None), |p| p.verdict(deadline, f.assessed_on()));
            let included = !(options.exclude_late && verdict == WindowVerdict::Late);
            // The assessments not in the pair (between them, or outside them for first-second
            // and last-two) are kept and not used.
            pairing
                .intermediate
                .extend(list.iter().enumerate().filter(|(k, _)| *k != bi && *k != fi).map(|(_, e)| (e.source, e.view)));
            let pair = Pair {
                baseline_source: bs,
                follow_up_source: fs,
                baseline: b,
                follow_up: f,
                verdict,
                days_late,
                included,
            };
            match pairing.groups.last_mut() {
                Some((instrument, pairs)) if *instrument == b.instrument().id => pairs.push(pair),
                _ => pairing.groups.push((b.instrument().id.to_string(), vec![pair])),
            }
        }
        pairing.organizations = organizations.len();
        pairing
    }
}

/// An assessment and where it came from, ordered for pairing.
#[derive(Clone, Copy)]
struct Entry<'c> {
    source: &'c str,
    view: View<'c>,
}

impl Entry<'_> {
    /// Instrument id, organization, date, then content, then source: a total order, so the
    /// sort does not depend on the input order.
    fn cmp_key(&self, other: &Self) -> std::cmp::Ordering {
        let (a, b) = (&self.view, &other.view);
        (a.instrument().id.as_str(), a.organization_id(), a.assessed_on())
            .cmp(&(b.instrument().id.as_str(), b.organization_id(), b.assessed_on()))
            .then_with(|| self.content_cmp(other))
            .then_with(|| self.source.cmp(other.source))
    }

    /// Compares what the documents say beyond organization id and date: the instrument version,
    /// the organization's name and every answer.
    fn content_cmp(&self, other: &Self) -> std::cmp::Ordering {
        let (a, b) = (&self.view, &other.view);
        (&a.instrument().version, a.organization_name())
            .cmp(&(&b.instrument().version, b.organization_name()))
            .then_with(
                || if a.same_codes(b) { std::cmp::Ordering::Equal } else { a.answer_pairs().cmp(b.answer_pairs()) },
            )
    }

    fn same_content(&self, other: &Self) -> bool {
        self.view.instrument() == other.view.instrument()
            && self.view.organization_id() == other.view.organization_id()
            && self.view.organization_name() == other.view.organization_name()
            && self.view.assessed_on() == other.view.assessed_on()
            && self.content_cmp(other).is_eq()
    }
}

#[derive(Default)]
struct Pairing<'c> {
    /// Distinct organizations.
    organizations: usize,
    /// Organization × instrument groups.
    groups_seen: usize,
    /// Identical documents after the first.
    duplicates: Vec<Duplicate>,
    /// Organizations whose baseline or follow-up is ambiguous.
    ambiguous: Vec<Ambiguous>,
    /// The assessments of ambiguous organizations.
    excluded: Vec<(&'c str, View<'c>)>,
    /// Pairs per instrument id, in id order.
    groups: Vec<(String, Vec<Pair<'c>>)>,
    unpaired: Vec<Unpaired>,
    not_comparable: Vec<NotComparable>,
    /// Assessments of unpaired or not comparable organizations.
    singles: Vec<(&'c str, View<'c>)>,
    /// Assessments between an organization's first and last.
    intermediate: Vec<(&'c str, View<'c>)>,
}

struct Pair<'c> {
    baseline_source: &'c str,
    follow_up_source: &'c str,
    baseline: View<'c>,
    follow_up: View<'c>,
    verdict: WindowVerdict,
    days_late: Option<u32>,
    included: bool,
}

/// The cohort analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct CohortReport {
    /// The options used (zero method, alternative, methods, window, exclusions).
    pub options: CohortOptions,
    /// Documents given, read or not.
    pub documents: usize,
    /// Distinct assessments read and scored (a duplicate counts once).
    pub assessments: usize,
    /// Distinct organizations.
    pub organizations: usize,
    /// Organization × instrument groups (an organization assessed with two instruments is two
    /// groups).
    pub groups: usize,
    /// Documents that could not be read, with their problems, by source.
    pub rejected: Vec<RejectedDocument>,
    /// Documents that are another document again, by source: counted once.
    pub duplicates: Vec<Duplicate>,
    /// Organizations left out of the statistics because two different assessments share the
    /// baseline's or the follow-up's date.
    pub ambiguous: Vec<Ambiguous>,
    /// Organizations with a single assessment.
    pub unpaired: Vec<Unpaired>,
    /// Organizations whose first and last assessments cannot be compared.
    pub not_comparable: Vec<NotComparable>,
    /// Pairs whose follow-up is outside the program's window.
    pub outside_window: Vec<OutsideWindow>,
    /// Statistics per instrument.
    pub instruments: Vec<InstrumentSummary>,
    /// The software that produced the report.
    pub engine: Engine,
}

/// A document counted once because it is another document again.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Duplicate {
    /// Where the repeated document came from.
    pub source: String,
    /// The document kept.
    pub same_as: String,
    /// How the two were found to be one.
    pub reason: DuplicateReason,
}

/// How a duplicate was recognized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DuplicateReason {
    /// The same file under another name or through a link.
    SameFile,
    /// The same instrument, organization, date and answers.
    SameContent,
}

/// An organization whose pair cannot be formed without guessing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Ambiguous {
    /// Organization id.
    pub organization: String,
    /// Instrument id.
    pub instrument: String,
    /// The date shared by two or more different assessments.
    #[serde(with = "crate::date::serde_date")]
    #[schemars(with = "crate::date::DateSchema")]
    pub assessed_on: Date,
    /// The assessments on that date, by source.
    pub sources: Vec<String>,
}

/// A document that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct RejectedDocument {
    /// Where it came from (`file`, `file:line`).
    pub source: String,
    /// What is wrong, one problem per entry.
    pub problems: Vec<String>,
}

/// An organization with a single assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Unpaired {
    /// Organization id.
    pub organization: String,
    /// Instrument, `id@version`.
    pub instrument: String,
    /// Its date.
    #[serde(with = "crate::date::serde_date")]
    #[schemars(with = "crate::date::DateSchema")]
    pub assessed_on: Date,
    /// Where it came from.
    pub source: String,
}

/// A pair that cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct NotComparable {
    /// Organization id.
    pub organization: String,
    /// Baseline instrument, `id@version`.
    pub baseline: String,
    /// Follow-up instrument.
    pub follow_up: String,
    /// Why.
    pub reason: String,
}

/// A pair whose follow-up falls outside the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct OutsideWindow {
    /// Organization id.
    pub organization: String,
    /// Instrument id.
    pub instrument: String,
    /// Follow-up date.
    #[serde(with = "crate::date::serde_date")]
    #[schemars(with = "crate::date::DateSchema")]
    pub follow_up: Date,
    /// `late` or `before_program_end`.
    pub verdict: WindowVerdict,
    /// Days after the deadline.
    pub days_late: Option<u32>,
    /// Whether the pair is in the statistics.
    pub included: bool,
}

/// The statistics of one instrument's pairs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct InstrumentSummary {
    /// Instrument id.
    pub instrument: String,
    /// The versions seen, sorted.
    pub versions: Vec<String>,
    /// Pairs found.
    pub pairs: usize,
    /// Pairs in the statistics (pairs minus excluded late ones).
    pub pairs_included: usize,
    /// Per category, in the order of the latest version's categories.
    pub categories: Vec<CategorySummary>,
    /// The overall percent (id `overall`).
    pub overall: CategorySummary,
    /// Per item.
    pub items: Vec<ItemSummary>,
}

/// Paired statistics of one category (or of the overall percent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct CategorySummary {
    /// Category id, or `overall`.
    pub id: String,
    /// Title.
    pub title: String,
    /// Pairs where both sides have a percent.
    pub n_pairs: u64,
    /// Pairs whose percent changed.
    pub n_changed: u64,
    /// Mean change in percentage points, rounded to four decimals.
    pub mean_change: Option<f64>,
    /// Exact mean change.
    pub mean_change_exact: Option<Exact>,
    /// Median change, rounded to four decimals.
    pub median_change: Option<f64>,
    /// Exact median change.
    pub median_change_exact: Option<Exact>,
    /// Pairs whose level improved.
    pub improved: u64,
    /// Pairs whose level did not move.
    pub unchanged: u64,
    /// Pairs whose level declined.
    pub declined: u64,
    /// `improved / n_pairs`, rounded to four decimals.
    pub share_improved: Option<f64>,
    /// `unchanged / n_pairs`.
    pub share_unchanged: Option<f64>,
    /// `declined / n_pairs`.
    pub share_declined: Option<f64>,
    /// The Wilcoxon signed-rank test on the changes (with R's `V`, the rank-biserial
    /// correlation, and the method actually used); `None` without pairs.
    pub wilcoxon: Option<WilcoxonResult>,
    /// Holm-adjusted Wilcoxon p-value across the instrument's categories (`None` for overall).
    pub p_holm: Option<f64>,
    /// Benjamini–Hochberg-adjusted p-value across the categories (`None` for overall).
    pub p_bh: Option<f64>,
    /// The sign test.
    pub sign_test: SignTestResult,
    /// The Hodges–Lehmann estimate of the median change and its interval.
    pub hodges_lehmann: HodgesLehmannResult,
}

/// Movement of one item to and from its top option across the pairs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ItemSummary {
    /// Item id.
    pub item: String,
    /// Category id.
    pub category: String,
    /// Pairs where the item is applicable on both sides.
    pub n_pairs: u64,
    /// Organizations at the top option on both sides.
    pub implemented_both: u64,
    /// Organizations that moved to the top option.
    pub moved_to_implemented: u64,
    /// Organizations that moved away from it.
    pub moved_from_implemented: u64,
    /// Organizations at neither side's top option.
    pub implemented_neither: u64,
    /// McNemar's test on the discordant pairs.
    pub mcnemar: McNemarResult,
}

fn round4(value: &Exact) -> f64 {
    value.to_f64_rounded(4)
}

fn share(count: u64, n: u64) -> Option<f64> {
    Exact::new(i128::from(count), i128::from(n)).map(|s| round4(&s))
}

/// The differences and level movements of one category (or overall) over the included pairs.
struct Series {
    differences: Vec<Exact>,
    movements: [u64; 3],
    /// Σ follow-up − Σ baseline, added term by term (see [`ScoreReport::overall_percent_terms`]):
    /// the exact mean change in time linear in the pairs.
    total: ExactSum,
}

impl Series {
    fn new(capacity: usize) -> Self {
        Series { differences: Vec::with_capacity(capacity), movements: [0; 3], total: ExactSum::default() }
    }

    /// Adds a pair; `terms` are the exact parts of each side's percent (the percent itself for
    /// a category). Returns whether both sides had a percent.
    fn push(
        &mut self,
        before: Option<&Exact>,
        after: Option<&Exact>,
        levels: (Option<usize>, Option<usize>),
        terms: Option<(&[Exact], &[Exact])>,
    ) {
        let (Some(b), Some(a)) = (before, after) else { return };
        self.differences.push(a - b);
        match terms {
            Some((before_terms, after_terms)) => {
                after_terms.iter().for_each(|t| self.total.add(t));
                before_terms.iter().for_each(|t| self.total.sub(t));
            }
            None => {
                self.total.add(a);
                self.total.sub(b);
            }
        }
        match crate::progress::movement(levels.0, levels.1) {
            LevelMovement::Improved => self.movements[0] += 1,
            LevelMovement::Unchanged => self.movements[1] += 1,
            LevelMovement::Declined => self.movements[2] += 1,
            _ => {}
        }
    }
}

fn summarize(instrument: &str, pairs: &[Pair<'_>], options: &CohortOptions) -> Result<InstrumentSummary, CohortError> {
    let included: Vec<&Pair<'_>> = pairs.iter().filter(|p| p.included).collect();
    let versions: Vec<String> = pairs
        .iter()
        .flat_map(|p| [&p.baseline.instrument().version, &p.follow_up.instrument().version])
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(ToString::to_string)
        .collect();
    // Categories of the newest follow-up version, in its order.
    let Some(template) =
        pairs.iter().map(|p| p.follow_up).max_by(|a, b| a.instrument().version.cmp(&b.instrument().version))
    else {
        return Ok(InstrumentSummary {
            instrument: instrument.to_owned(),
            versions,
            pairs: 0,
            pairs_included: 0,
            categories: Vec::new(),
            overall: empty_summary("overall", "Overall", options)?,
            items: Vec::new(),
        });
    };

    let template_categories: Vec<record::CategoryView<'_>> = template.categories().collect();
    let item_count: usize = template_categories.iter().map(record::CategoryView::item_count).sum();
    // Per template item: [met both, met at baseline only, met at follow-up only, neither].
    let mut tables = vec![[0u64; 4]; item_count];
    // One category at a time (one pass over the pairs each), so only one series of a million
    // differences is held at once.
    let mut categories = Vec::with_capacity(template_categories.len());
    let mut first_item = 0;
    for (k, category) in template_categories.iter().enumerate() {
        let mut series = Series::new(included.len());
        for pair in &included {
            let (b, f) = (&pair.baseline, &pair.follow_up);
            let (Some(bc), Some(fc)) =
                (category_like(b, &template, k, category.id()), category_like(f, &template, k, category.id()))
            else {
                continue;
            };
            series.push(
                bc.percent_exact().as_ref(),
                fc.percent_exact().as_ref(),
                (bc.level_index(), fc.level_index()),
                None,
            );
            for (i, template_item) in category.item_ids().enumerate() {
                let statuses = (bc.item_status_like(i, template_item), fc.item_status_like(i, template_item));
                if let (Some(bs), Some(fs)) = statuses
                    && bs != ItemStatus::NotApplicable
                    && fs != ItemStatus::NotApplicable
                    && let Some(table) = tables.get_mut(first_item + i)
                {
                    let slot = match (bs == ItemStatus::Met, fs == ItemStatus::Met) {
                        (true, true) => 0,
                        (true, false) => 1,
                        (false, true) => 2,
                        (false, false) => 3,
                    };
                    table[slot] += 1;
                }
            }
        }
        first_item += category.item_count();
        categories.push(category_summary(instrument, category.id(), category.title(), series, options)?);
    }
    let mut overall = Series::new(included.len());
    for pair in &included {
        let (b, f) = (&pair.baseline, &pair.follow_up);
        let (bo, fo) = (b.overall_percent(), f.overall_percent());
        let terms = (b.overall_percent_terms(bo.as_ref()), f.overall_percent_terms(fo.as_ref()));
        overall.push(bo.as_ref(), fo.as_ref(), (b.overall_level(), f.overall_level()), Some((&terms.0, &terms.1)));
    }

    let p_values: Vec<Option<f64>> = categories.iter().map(|c| c.wilcoxon.as_ref().and_then(|w| w.p_value)).collect();
    let stats_error =
        |source| CohortError::Statistics { instrument: instrument.to_owned(), category: "*".to_owned(), source };
    let holm = stats::adjust_p_values(&p_values, PAdjustMethod::Holm).map_err(stats_error)?;
    let bh = stats::adjust_p_values(&p_values, PAdjustMethod::BenjaminiHochberg).map_err(stats_error)?;
    for ((c, h), b) in categories.iter_mut().zip(holm).zip(bh) {
        c.p_holm = h;
        c.p_bh = b;
    }
    let overall = category_summary(instrument, "overall", "Overall", overall, options)?;

    let items = template_categories
        .iter()
        .flat_map(|c| c.item_ids().map(move |i| (c.id().as_str(), i.as_str())))
        .zip(&tables)
        .map(|((category, item), table)| item_summary(category, item, table, &options.mcnemar))
        .collect();

    Ok(InstrumentSummary {
        instrument: instrument.to_owned(),
        versions,
        pairs: pairs.len(),
        pairs_included: included.len(),
        categories,
        overall,
        items,
    })
}

fn empty_summary(id: &str, title: &str, options: &CohortOptions) -> Result<CategorySummary, CohortError> {
    category_summary("", id, title, Series::new(0), options)
}

fn category_summary(
    instrument: &str,
    id: &str,
    title: &str,
    series: Series,
    options: &CohortOptions,
) -> Result<CategorySummary, CohortError> {
    let error = |source| CohortError::Statistics { instrument: instrument.to_owned(), category: id.to_owned(), source };
    let d = &series.differences;
    let n = d.len() as u64;
    let mean = series.total.finish().div_int(n);
    let summary = stats::describe_with_mean(d, mean);
    let wilcoxon = if d.is_empty() { None } else { Some(stats::wilcoxon(d, &options.wilcoxon).map_err(error)?) };
    let hodges_lehmann = stats::hodges_lehmann(d, &options.hodges_lehmann).map_err(error)?;
    let [improved, unchanged, declined] = series.movements;
    Ok(CategorySummary {
        id: id.to_owned(),
        title: title.to_owned(),
        n_pairs: n,
        n_changed: summary.n_positive + summary.n_negative,
        mean_change: summary.mean.as_ref().map(round4),
        mean_change_exact: summary.mean,
        median_change: summary.median.as_ref().map(round4),
        median_change_exact: summary.median,
        improved,
        unchanged,
        declined,
        share_improved: share(improved, n),
        share_unchanged: share(unchanged, n),
        share_declined: share(declined, n),
        wilcoxon,
        p_holm: None,
        p_bh: None,
        sign_test: stats::sign_test(d, options.wilcoxon.alternative),
        hodges_lehmann,
    })
}

/// The category of `report` matching category `k` of `template`: by position when both are
/// the same instrument version (same categories in the same order), else by id.
/// Category `k` of the template in another assessment: by position on the same instrument
/// version, else by id.
fn category_like<'c>(view: &View<'c>, template: &View<'_>, k: usize, id: &str) -> Option<record::CategoryView<'c>> {
    if view.instrument() == template.instrument() {
        view.category(k).filter(|c| *c.id() == *id)
    } else {
        view.category_by_id(id)
    }
}

fn item_summary(category: &str, item: &str, table: &[u64; 4], options: &McNemarOptions) -> ItemSummary {
    let [both, baseline_only, follow_up_only, neither] = *table;
    let table = PairedBinaryTable::new(both, baseline_only, follow_up_only, neither);
    ItemSummary {
        item: item.to_owned(),
        category: category.to_owned(),
        n_pairs: both + baseline_only + follow_up_only + neither,
        implemented_both: both,
        moved_to_implemented: follow_up_only,
        moved_from_implemented: baseline_only,
        implemented_neither: neither,
        mcnemar: stats::mcnemar(&table, options),
    }
}
