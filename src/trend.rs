//! More than two waves: every assessment of an organization on an instrument, in date order,
//! with the change between consecutive waves, the change since the first, and the trajectory of
//! each category's maturity level.
//!
//! ```
//! use health_equity_assessment::{Registry, Trajectory, trend};
//!
//! let registry = Registry::builtin();
//! let reports = [
//!     include_str!("../examples/heoa-baseline.json"),
//!     include_str!("../examples/heoa-follow-up.json"),
//!     include_str!("../examples/heoa-second-follow-up.json"),
//! ]
//! .map(|json| registry.validate_json(json).map(|v| v.score()));
//! let report = trend(reports.into_iter().collect::<Result<Vec<_>, _>>()?);
//!
//! let series = &report.series[0];
//! assert_eq!(series.waves.len(), 3);
//! let validation = series.category("data-validation").unwrap();
//! assert_eq!(validation.trajectory, Trajectory::RegressedAfterImproving);
//! let stratification = series.category("data-stratification").unwrap();
//! assert_eq!(stratification.trajectory, Trajectory::Improved);
//! # Ok::<(), health_equity_assessment::ResponseError>(())
//! ```

use std::collections::BTreeMap;

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::score::{Engine, InstrumentStatus, ScoreReport};
use crate::{Exact, InstrumentRef, Organization, SharedStr};

/// Every organization's waves, per instrument.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct TrendReport {
    /// One series per organization and instrument id, by organization id then instrument id.
    pub series: Vec<TrendSeries>,
    /// Assessments left out because another assessment of the same organization and instrument
    /// has the same date (which comes first is undecidable).
    pub ambiguous: Vec<AmbiguousWave>,
    /// The software that produced the report.
    pub engine: Engine,
}

/// Two or more different assessments of one organization on one instrument on the same day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct AmbiguousWave {
    /// The organization id.
    pub organization: String,
    /// The instrument id.
    pub instrument: String,
    /// The shared date.
    #[serde(with = "crate::date::serde_date")]
    #[schemars(with = "crate::date::DateSchema")]
    pub assessed_on: Date,
    /// How many assessments share it.
    pub count: usize,
}

/// One organization's assessments on one instrument (any versions of it), in date order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct TrendSeries {
    /// The organization (the latest wave's name).
    pub organization: Organization,
    /// The instrument id.
    pub instrument: String,
    /// The waves, earliest first.
    pub waves: Vec<Wave>,
    /// Per category (the latest wave's categories, in its order, then categories only earlier
    /// waves had), its standing at every wave.
    pub categories: Vec<CategoryTrend>,
    /// The overall result at every wave.
    pub overall: CategoryTrend,
}

impl TrendSeries {
    /// The trend of the category with this id.
    #[must_use]
    pub fn category(&self, id: &str) -> Option<&CategoryTrend> {
        self.categories.iter().find(|c| c.id == *id)
    }
}

/// One assessment of a series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Wave {
    /// When it was completed.
    #[serde(with = "crate::date::serde_date")]
    #[schemars(with = "crate::date::DateSchema")]
    pub assessed_on: Date,
    /// The instrument version answered.
    pub instrument: InstrumentRef,
    /// Where the instrument stood in its life, when its file says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instrument_status: Option<InstrumentStatus>,
}

/// A category's (or the overall) standing at every wave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct CategoryTrend {
    /// The category id (`overall` for the overall result).
    pub id: SharedStr,
    /// Its title (the latest wave's).
    pub title: SharedStr,
    /// Per wave: the standing, or `null` when that wave's instrument has no such category.
    pub waves: Vec<Option<WaveStanding>>,
    /// Per wave after the first: the change in percentage points since the wave before
    /// (rounded to two decimals; `null` when either side has no percent).
    pub changes: Vec<Option<f64>>,
    /// The same changes, exact.
    pub changes_exact: Vec<Option<Exact>>,
    /// The change from the first wave with a percent to the last (rounded to two decimals).
    pub change_from_first: Option<f64>,
    /// The same, exact.
    pub change_from_first_exact: Option<Exact>,
    /// What the maturity level did over the waves.
    pub trajectory: Trajectory,
}

/// A category's standing at one wave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct WaveStanding {
    /// Percent of the maximum points, rounded to two decimals (`null`: nothing applicable).
    pub percent: Option<f64>,
    /// The exact percent.
    pub percent_exact: Option<Exact>,
    /// The maturity level id.
    pub level: Option<SharedStr>,
    /// The maturity level label.
    pub level_label: Option<SharedStr>,
    /// The level's position, lowest first.
    pub level_index: Option<usize>,
}

/// What a maturity level did over the waves, read from the level at each wave that has one
/// (levels are compared exactly, never percents by rounding).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Trajectory {
    /// The same level at every wave.
    Unchanged,
    /// Never lower than the wave before, higher at the last wave than at the one before it.
    Improved,
    /// Rose earlier and held: never lower than the wave before, the last two waves at the
    /// same level, above the first.
    Sustained,
    /// Rose, then fell below its best (the last wave is below the highest).
    RegressedAfterImproving,
    /// Never higher than the wave before, lower at the end than at the start.
    Declined,
    /// Fell, then rose above its lowest without ever rising above the first wave first.
    RecoveredAfterDeclining,
    /// Fewer than two waves with a level.
    TooFewWaves,
}

impl Trajectory {
    /// The trajectory as written in reports (`regressed_after_improving`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Trajectory::Unchanged => "unchanged",
            Trajectory::Improved => "improved",
            Trajectory::Sustained => "sustained",
            Trajectory::RegressedAfterImproving => "regressed_after_improving",
            Trajectory::Declined => "declined",
            Trajectory::RecoveredAfterDeclining => "recovered_after_declining",
            Trajectory::TooFewWaves => "too_few_waves",
        }
    }

    /// The trajectory of these levels (waves without a level skipped).
    #[must_use]
    pub fn of(levels: &[Option<usize>]) -> Trajectory {
        let levels: Vec<usize> = levels.iter().flatten().copied().collect();
        let (Some(&first), Some(&last)) = (levels.first(), levels.last()) else { return Trajectory::TooFewWaves };
        if levels.len() < 2 {
            return Trajectory::TooFewWaves;
        }
        let rising = levels.windows(2).all(|w| w[1] >= w[0]);
        let falling = levels.windows(2).all(|w| w[1] <= w[0]);
        let best = levels.iter().copied().max().unwrap_or(first);
        let worst = levels.iter().copied().min().unwrap_or(first);
        let before_last = levels[levels.len() - 2];
        match () {
            () if rising && falling => Trajectory::Unchanged,
            () if rising && last > before_last => Trajectory::Improved,
            () if rising => Trajectory::Sustained,
            () if falling => Trajectory::Declined,
            // Rose above where it started at some point, and is below that best now.
            () if best > first && last < best => Trajectory::RegressedAfterImproving,
            () if worst < first && last > worst => Trajectory::RecoveredAfterDeclining,
            () => Trajectory::Unchanged,
        }
    }
}

/// `regressed after improving`; honours width, fill and alignment.
impl std::fmt::Display for Trajectory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(&self.as_str().replace('_', " "))
    }
}

/// Groups score reports into series (per organization id and instrument id), orders each by
/// date, and computes the changes and trajectories. The result does not depend on the order of
/// the reports. Reports of one organization and instrument on the same date are left out and
/// listed in [`TrendReport::ambiguous`] (which of them comes first is undecidable); identical
/// duplicates count once.
#[must_use]
pub fn trend(reports: impl IntoIterator<Item = ScoreReport>) -> TrendReport {
    let mut groups: BTreeMap<(String, String), Vec<ScoreReport>> = BTreeMap::new();
    for report in reports {
        groups.entry((report.organization.id.to_string(), report.instrument.id.to_string())).or_default().push(report);
    }
    let mut ambiguous = Vec::new();
    let mut series = Vec::new();
    for ((organization, instrument), list) in groups {
        // An order that does not depend on the input's: by date, then by the report's JSON
        // (which also makes identical duplicates neighbours, counted once).
        let mut keyed: Vec<(Date, String, ScoreReport)> =
            list.into_iter().map(|r| (r.assessed_on, serde_json::to_string(&r).unwrap_or_default(), r)).collect();
        keyed.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        keyed.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
        let mut kept: Vec<ScoreReport> = Vec::with_capacity(keyed.len());
        for day in keyed.chunk_by(|a, b| a.0 == b.0) {
            match day {
                [one] => kept.push(one.2.clone()),
                many => ambiguous.push(AmbiguousWave {
                    organization: organization.clone(),
                    instrument: instrument.clone(),
                    assessed_on: many[0].0,
                    count: many.len(),
                }),
            }
        }
        if !kept.is_empty() {
            series.push(one_series(instrument, &kept));
        }
    }
    TrendReport { series, ambiguous, engine: Engine::current() }
}

fn standing(
    percent_exact: Option<&Exact>,
    level: Option<&SharedStr>,
    label: Option<&SharedStr>,
    index: Option<usize>,
) -> WaveStanding {
    WaveStanding {
        percent: percent_exact.map(|p| p.to_f64_rounded(2)),
        percent_exact: percent_exact.cloned(),
        level: level.cloned(),
        level_label: label.cloned(),
        level_index: index,
    }
}

fn one_series(instrument: String, waves: &[ScoreReport]) -> TrendSeries {
    let latest = &waves[waves.len() - 1];
    // The latest wave's categories in its order, then ones only earlier waves had.
    let mut ids: Vec<(SharedStr, SharedStr)> =
        latest.categories.iter().map(|c| (c.id.clone(), c.title.clone())).collect();
    for wave in waves.iter().rev() {
        for c in &wave.categories {
            if !ids.iter().any(|(id, _)| *id == c.id) {
                ids.push((c.id.clone(), c.title.clone()));
            }
        }
    }
    let categories = ids
        .into_iter()
        .map(|(id, title)| {
            let standings = waves
                .iter()
                .map(|w| {
                    w.category(&id).map(|c| {
                        standing(c.percent_exact.as_ref(), c.level.as_ref(), c.level_label.as_ref(), c.level_index)
                    })
                })
                .collect();
            category_trend(id, title, standings)
        })
        .collect();
    let overall = waves
        .iter()
        .map(|w| {
            let o = &w.overall;
            Some(standing(o.percent_exact.as_ref(), o.level.as_ref(), o.level_label.as_ref(), o.level_index))
        })
        .collect();
    TrendSeries {
        organization: latest.organization.clone(),
        instrument,
        waves: waves
            .iter()
            .map(|w| Wave {
                assessed_on: w.assessed_on,
                instrument: w.instrument.clone(),
                instrument_status: w.instrument_status.clone(),
            })
            .collect(),
        categories,
        overall: category_trend(SharedStr::from_static("overall"), SharedStr::from_static("Overall"), overall),
    }
}

fn category_trend(id: SharedStr, title: SharedStr, waves: Vec<Option<WaveStanding>>) -> CategoryTrend {
    let percent = |w: &Option<WaveStanding>| w.as_ref().and_then(|s| s.percent_exact.clone());
    let changes_exact: Vec<Option<Exact>> = waves
        .windows(2)
        .map(|pair| match (percent(&pair[0]), percent(&pair[1])) {
            (Some(before), Some(after)) => Some(after - before),
            _ => None,
        })
        .collect();
    let percents: Vec<Exact> = waves.iter().filter_map(percent).collect();
    let change_from_first_exact = match (percents.first(), percents.last()) {
        (Some(first), Some(last)) if percents.len() > 1 => Some(last.clone() - first.clone()),
        _ => None,
    };
    let levels: Vec<Option<usize>> = waves.iter().map(|w| w.as_ref().and_then(|s| s.level_index)).collect();
    CategoryTrend {
        id,
        title,
        changes: changes_exact.iter().map(|c| c.as_ref().map(|c| c.to_f64_rounded(2))).collect(),
        changes_exact,
        change_from_first: change_from_first_exact.as_ref().map(|c| c.to_f64_rounded(2)),
        change_from_first_exact,
        trajectory: Trajectory::of(&levels),
        waves,
    }
}

#[cfg(test)]
mod tests {
    use super::Trajectory::{self, *};

    #[test]
    fn trajectories() {
        let of = |levels: &[usize]| Trajectory::of(&levels.iter().map(|l| Some(*l)).collect::<Vec<_>>());
        assert_eq!(of(&[1]), TooFewWaves);
        assert_eq!(of(&[1, 1, 1]), Unchanged);
        assert_eq!(of(&[0, 1, 2]), Improved);
        assert_eq!(of(&[0, 0, 1]), Improved);
        assert_eq!(of(&[0, 2, 2]), Sustained);
        assert_eq!(of(&[0, 2, 1]), RegressedAfterImproving);
        assert_eq!(of(&[1, 2, 0]), RegressedAfterImproving);
        assert_eq!(of(&[2, 1, 0]), Declined);
        assert_eq!(of(&[2, 0, 1]), RecoveredAfterDeclining);
        assert_eq!(of(&[1, 0, 1]), RecoveredAfterDeclining);
        assert_eq!(Trajectory::of(&[None, Some(1), None, Some(2)]), Improved);
        assert_eq!(Trajectory::of(&[None, None]), TooFewWaves);
    }
}
