//! `percent_of_max`: a category's points are the sum of its answers' points, out of the sum of
//! the top points of its applicable items (HEOA, IHI).

use serde_json::Value;

use super::{CategoryRule, Tally};
use crate::instrument::check::Checker;
use crate::instrument::{InstrumentProblem, InstrumentSpec};
use crate::json::reader::Reader;

pub(super) const KIND: &str = "percent_of_max";

pub(super) fn read(value: &Value, pointer: &str, r: &mut Reader<'_, InstrumentProblem>) -> Option<CategoryRule> {
    r.object(value, pointer, &["kind"]);
    Some(CategoryRule::PercentOfMax)
}

/// Nothing beyond the scales, which are checked for every rule.
pub(super) fn check(_: &InstrumentSpec, _: &mut Checker<'_>) {}

pub(super) fn points(tally: &Tally) -> (u64, u64) {
    (tally.points, tally.max_points)
}

/// `round(100*(points)/(maximum), 2)`, each item's points chosen by its code and its top points
/// left out of the maximum when it is answered with an excluded option.
#[cfg(feature = "redcap")]
pub(super) fn redcap_calc(fields: &[crate::redcap::CalcField<'_>]) -> String {
    let points: Vec<String> = fields.iter().map(crate::redcap::CalcField::points_expression).collect();
    let maxima: Vec<String> = fields.iter().map(crate::redcap::CalcField::maximum_expression).collect();
    format!("round(100*({})/({}), 2)", points.join("+"), maxima.join("+"))
}
