//! `all_of`: a category earns its points only when every applicable item is met, else nothing
//! (yes/no attestations such as the CMS Hospital Commitment to Health Equity domains).

use serde_json::{Map, Value};

use super::{CategoryRule, Tally};
use crate::instrument::InstrumentProblem;
use crate::instrument::check::Checker;
use crate::json::push_token;
use crate::json::reader::Reader;
use crate::problem::JsonProblem;

pub(super) const KIND: &str = "all_of";

const POINTS: &str = "/scoring/category/rule/points";

pub(super) fn read(
    value: &Value,
    object: &Map<String, Value>,
    pointer: &str,
    r: &mut Reader<'_, InstrumentProblem>,
) -> Option<CategoryRule> {
    r.object(value, pointer, &["kind", "points"]);
    let points: u32 = r.required(object, pointer, "points")?;
    if points == 0 {
        r.push(JsonProblem::InvalidValue {
            pointer: push_token(pointer, "points"),
            message: "an all_of category must award at least 1 point, found 0".to_owned(),
        });
    }
    Some(CategoryRule::AllOf { points })
}

/// A rule awarding 0 points would make every category read "all not applicable".
pub(super) fn check(points: u32, c: &mut Checker<'_>) {
    if points == 0 {
        c.push(
            JsonProblem::InvalidValue {
                pointer: POINTS.to_owned(),
                message: "an all_of category must award at least 1 point, or every category would read as \"all not applicable\"".to_owned(),
            }
            .into(),
        );
    }
}

pub(super) fn points(award: u32, tally: &Tally) -> (u64, u64) {
    (if tally.all_met { u64::from(award) } else { 0 }, u64::from(award))
}

/// `if(every item met or not applicable, 100, 0)`.
#[cfg(feature = "redcap")]
pub(super) fn redcap_calc(fields: &[crate::redcap::CalcField<'_>]) -> String {
    format!("if({}, 100, 0)", crate::redcap::CalcField::all_met(fields.iter()))
}
