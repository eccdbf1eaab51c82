//! Scoring rules as data: how a category's answers become points out of a maximum, and how the
//! categories combine into the overall result.
//!
//! Each rule kind is a module that owns everything about it: reading it from an instrument file,
//! checking it, scoring with it, and writing it as a REDCap calculated field. Every dispatch on
//! a rule kind below is an exhaustive `match`, so a new kind cannot silently borrow another
//! kind's behaviour anywhere; `CONTRIBUTING.md` walks through adding one.

mod all_of;
mod cumulative;
mod mean_of_category_percents;
mod percent_of_max;
mod sum_of_category_points;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Exact;
use crate::instrument::check::Checker;
use crate::instrument::{InstrumentProblem, InstrumentSpec};
use crate::json::reader::Reader;
use crate::json::{describe, push_token};
use crate::problem::JsonProblem;

/// How a category's answers become `points` out of `max_points`; its percent is
/// `100 × points / max_points`.
///
/// In every rule an item is *met* when its answer is worth the top points of its scale, an item
/// answered with an `excluded` option does not count, and an unanswered item counts as unmet
/// with zero points: leaving items blank never raises a score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum CategoryRule {
    /// Points are the sum of the answers' points; the maximum is the sum of the top points of
    /// the applicable items (HEOA, IHI).
    PercentOfMax,
    /// The category earns `points` only when every applicable item is met, else 0
    /// (CMS Hospital Commitment to Health Equity domains).
    AllOf {
        /// Points for a fully met category (at least 1).
        points: u32,
    },
    /// Items belong to ordered stages; the category reaches a stage only when every item of
    /// that stage and of all earlier stages is met. Points are the number of stages reached,
    /// out of the number of stages (AHA-style cumulative staging, no partial credit).
    Cumulative {
        /// Stages in order, lowest first.
        stages: Vec<Stage>,
    },
}

/// A stage of the `cumulative` rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Stage {
    /// Identifier that items refer to.
    #[schemars(regex(pattern = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"), length(max = 64))]
    pub id: String,
    /// Human-readable label.
    pub label: String,
}

impl Stage {
    /// A stage with this id and label.
    #[must_use]
    pub fn new(id: impl Into<String>, label: impl Into<String>) -> Self {
        Stage { id: id.into(), label: label.into() }
    }
}

/// How category results combine into the overall result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum OverallRule {
    /// The mean of the category percents that exist (categories weigh the same; a category
    /// whose items are all not applicable has no percent and is left out).
    MeanOfCategoryPercents,
    /// `100 × Σ points / Σ max_points` over the categories that have a percent (for example
    /// HCHE: domains met out of five).
    SumOfCategoryPoints,
}

/// What scoring a category's items tells its rule.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tally {
    /// Points of the applicable items' answers (unanswered items count 0).
    pub(crate) points: u64,
    /// Top points of the applicable items.
    pub(crate) max_points: u64,
    /// Whether every applicable item is met.
    pub(crate) all_met: bool,
    /// Per stage (cumulative rule only): whether every applicable item of the stage is met.
    pub(crate) stages_met: Vec<bool>,
}

impl CategoryRule {
    /// Every rule kind as written in files, in declaration order.
    pub const KINDS: [&'static str; 3] = ["percent_of_max", "all_of", "cumulative"];

    /// The rule's `kind` as written in the file.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            CategoryRule::PercentOfMax => percent_of_max::KIND,
            CategoryRule::AllOf { .. } => all_of::KIND,
            CategoryRule::Cumulative { .. } => cumulative::KIND,
        }
    }

    /// The stages, for the cumulative rule.
    #[must_use]
    pub fn stages(&self) -> Option<&[Stage]> {
        match self {
            CategoryRule::Cumulative { stages } => Some(stages),
            CategoryRule::PercentOfMax | CategoryRule::AllOf { .. } => None,
        }
    }

    /// Reads a rule object (`{"kind": …, …}`) at `pointer`.
    pub(crate) fn read(value: &Value, pointer: &str, r: &mut Reader<'_, InstrumentProblem>) -> Option<Self> {
        let (object, kind) = rule_kind(value, pointer, r)?;
        match kind {
            percent_of_max::KIND => percent_of_max::read(value, pointer, r),
            all_of::KIND => all_of::read(value, object, pointer, r),
            cumulative::KIND => cumulative::read(value, object, pointer, r),
            other => {
                unknown_kind(r, pointer, "category rule", other, &Self::KINDS);
                None
            }
        }
    }

    /// Checks the rule beyond its shape.
    pub(crate) fn check(&self, spec: &InstrumentSpec, c: &mut Checker<'_>) {
        match self {
            CategoryRule::PercentOfMax => percent_of_max::check(spec, c),
            CategoryRule::AllOf { points } => all_of::check(*points, c),
            CategoryRule::Cumulative { stages } => cumulative::check(stages, c),
        }
    }

    /// A new tally for a category scored with this rule.
    pub(crate) fn tally(&self) -> Tally {
        Tally { all_met: true, stages_met: vec![true; self.stages().map_or(0, <[Stage]>::len)], ..Tally::default() }
    }

    /// The category's points and maximum.
    pub(crate) fn points(&self, tally: &Tally) -> (u64, u64) {
        match self {
            CategoryRule::PercentOfMax => percent_of_max::points(tally),
            CategoryRule::AllOf { points } => all_of::points(*points, tally),
            CategoryRule::Cumulative { stages } => cumulative::points(stages, tally),
        }
    }

    /// The kind as reported in score reports.
    pub(crate) fn report_kind(&self) -> crate::CategoryRuleKind {
        match self {
            CategoryRule::PercentOfMax => crate::CategoryRuleKind::PercentOfMax,
            CategoryRule::AllOf { .. } => crate::CategoryRuleKind::AllOf,
            CategoryRule::Cumulative { .. } => crate::CategoryRuleKind::Cumulative,
        }
    }

    /// The REDCap calculation of a category's percent under this rule.
    #[cfg(feature = "redcap")]
    pub(crate) fn redcap_calc(&self, fields: &[crate::redcap::CalcField<'_>]) -> String {
        match self {
            CategoryRule::PercentOfMax => percent_of_max::redcap_calc(fields),
            CategoryRule::AllOf { .. } => all_of::redcap_calc(fields),
            CategoryRule::Cumulative { stages } => cumulative::redcap_calc(stages, fields),
        }
    }
}

impl OverallRule {
    /// Every overall rule kind as written in files, in declaration order.
    pub const KINDS: [&'static str; 2] = ["mean_of_category_percents", "sum_of_category_points"];

    /// The rule's `kind` as written in the file.
    #[must_use]
    pub fn kind(self) -> &'static str {
        match self {
            OverallRule::MeanOfCategoryPercents => mean_of_category_percents::KIND,
            OverallRule::SumOfCategoryPoints => sum_of_category_points::KIND,
        }
    }

    /// Reads a rule object (`{"kind": …}`) at `pointer`.
    pub(crate) fn read(value: &Value, pointer: &str, r: &mut Reader<'_, InstrumentProblem>) -> Option<Self> {
        let (_, kind) = rule_kind(value, pointer, r)?;
        let rule = match kind {
            mean_of_category_percents::KIND => OverallRule::MeanOfCategoryPercents,
            sum_of_category_points::KIND => OverallRule::SumOfCategoryPoints,
            other => {
                unknown_kind(r, pointer, "overall rule", other, &Self::KINDS);
                return None;
            }
        };
        r.object(value, pointer, &["kind"]);
        Some(rule)
    }

    /// The overall percent of categories given as `(points, max_points, percent)`, the
    /// percent `None` for a category whose items are all not applicable.
    pub(crate) fn percent(self, categories: &[(u64, u64, Option<&Exact>)]) -> Option<Exact> {
        match self {
            OverallRule::MeanOfCategoryPercents => mean_of_category_percents::percent(categories),
            OverallRule::SumOfCategoryPoints => sum_of_category_points::percent(categories),
        }
    }

    /// Exact terms that add up to the overall percent, each with a small denominator (see
    /// [`ScoreReport::overall_percent_terms`](crate::ScoreReport)).
    pub(crate) fn percent_terms(self, overall: Option<&Exact>, categories: &[Option<&Exact>]) -> Vec<Exact> {
        match self {
            OverallRule::MeanOfCategoryPercents => mean_of_category_percents::percent_terms(categories),
            OverallRule::SumOfCategoryPoints => sum_of_category_points::percent_terms(overall),
        }
    }

    /// The kind as reported in score reports.
    pub(crate) fn report_kind(self) -> crate::OverallRuleKind {
        match self {
            OverallRule::MeanOfCategoryPercents => crate::OverallRuleKind::MeanOfCategoryPercents,
            OverallRule::SumOfCategoryPoints => crate::OverallRuleKind::SumOfCategoryPoints,
        }
    }
}

/// The object and `kind` of a rule, reporting a rule that is not an object or has no string
/// `kind`.
fn rule_kind<'v>(
    value: &'v Value,
    pointer: &str,
    r: &mut Reader<'_, InstrumentProblem>,
) -> Option<(&'v serde_json::Map<String, Value>, &'v str)> {
    let Some(object) = value.as_object() else {
        r.push(JsonProblem::InvalidValue {
            pointer: pointer.to_owned(),
            message: format!("expected a rule object with a \"kind\", found {}", describe(value)),
        });
        return None;
    };
    match object.get("kind").map(|k| (k, k.as_str())) {
        Some((_, Some(kind))) => Some((object, kind)),
        Some((k, None)) => {
            r.push(JsonProblem::InvalidValue {
                pointer: push_token(pointer, "kind"),
                message: format!("expected a string, found {}", describe(k)),
            });
            None
        }
        None => {
            r.missing(pointer, "kind");
            None
        }
    }
}

fn unknown_kind(r: &mut Reader<'_, InstrumentProblem>, pointer: &str, what: &str, found: &str, kinds: &[&str]) {
    let expected = match kinds {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    };
    r.push(JsonProblem::InvalidValue {
        pointer: push_token(pointer, "kind"),
        message: format!("unknown {what} {:?} (expected {expected})", crate::json::clip(found)),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind is listed once, in declaration order: the match has no wildcard, so a new
    /// variant fails to compile here until it is listed.
    #[test]
    fn every_kind_is_listed() {
        let category = |rule: &CategoryRule| match rule {
            CategoryRule::PercentOfMax => 0,
            CategoryRule::AllOf { .. } => 1,
            CategoryRule::Cumulative { .. } => 2,
        };
        for (i, rule) in
            [CategoryRule::PercentOfMax, CategoryRule::AllOf { points: 1 }, CategoryRule::Cumulative { stages: vec![] }]
                .iter()
                .enumerate()
        {
            assert_eq!(category(rule), i);
            assert_eq!(CategoryRule::KINDS[i], rule.kind());
        }
        let overall = |rule: OverallRule| match rule {
            OverallRule::MeanOfCategoryPercents => 0,
            OverallRule::SumOfCategoryPoints => 1,
        };
        for (i, rule) in [OverallRule::MeanOfCategoryPercents, OverallRule::SumOfCategoryPoints].into_iter().enumerate()
        {
            assert_eq!(overall(rule), i);
            assert_eq!(OverallRule::KINDS[i], rule.kind());
        }
    }
}
