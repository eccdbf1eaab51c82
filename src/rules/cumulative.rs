//! `cumulative`: items belong to ordered stages, and a category reaches a stage only when every
//! item of that stage and of all earlier stages is met; points are the stages reached, out of
//! the number of stages (cumulative staging, no partial credit).

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::{CategoryRule, Stage, Tally};
use crate::instrument::check::Checker;
use crate::instrument::{InstrumentProblem, limits};
use crate::json::reader::Reader;
use crate::json::{push_index, push_token};
use crate::problem::JsonProblem;

pub(super) const KIND: &str = "cumulative";

const STAGES: &str = "/scoring/category/rule/stages";

pub(super) fn read(
    value: &Value,
    object: &Map<String, Value>,
    pointer: &str,
    r: &mut Reader<'_, InstrumentProblem>,
) -> Option<CategoryRule> {
    r.object(value, pointer, &["kind", "stages"]);
    let stages = r.each(object, pointer, "stages", (limits::LIST, "the stage list"), |r, v, at| {
        let o = r.object(v, at, &["id", "label"])?;
        Some(Stage {
            id: r.required(o, at, "id").unwrap_or_default(),
            label: r.required(o, at, "label").unwrap_or_default(),
        })
    })?;
    Some(CategoryRule::Cumulative { stages })
}

/// Stage ids valid and unique, labels not blank, at least one stage. (That every item names a
/// known stage is checked with the items.)
pub(super) fn check(stages: &[Stage], c: &mut Checker<'_>) {
    let mut seen = HashMap::new();
    for (i, stage) in stages.iter().enumerate() {
        let at = push_index(STAGES, i);
        if c.id(push_token(&at, "id"), "stage", &stage.id) {
            c.unique(&mut seen, &stage.id, push_token(&at, "id"), "stage");
        }
        c.text(push_token(&at, "label"), &stage.label);
    }
    if stages.is_empty() {
        c.push(
            JsonProblem::InvalidValue {
                pointer: STAGES.to_owned(),
                message: "a cumulative rule needs at least one stage".to_owned(),
            }
            .into(),
        );
    }
}

pub(super) fn points(stages: &[Stage], tally: &Tally) -> (u64, u64) {
    let reached = tally.stages_met.iter().take_while(|met| **met).count();
    (reached as u64, stages.len() as u64)
}

/// `round(100*(reached)/stages, 2)`, a stage reached when every item of it and of the stages
/// below is met or not applicable.
#[cfg(feature = "redcap")]
pub(super) fn redcap_calc(stages: &[Stage], fields: &[crate::redcap::CalcField<'_>]) -> String {
    let position = |stage: Option<&String>| stage.and_then(|s| stages.iter().position(|st| st.id == *s));
    let terms: Vec<String> = (0..stages.len())
        .map(|k| {
            let upto = fields.iter().filter(|f| position(f.item.stage.as_ref()).is_some_and(|p| p <= k));
            format!("if({}, 1, 0)", crate::redcap::CalcField::all_met(upto))
        })
        .collect();
    format!("round(100*({})/{}, 2)", terms.join("+"), stages.len().max(1))
}
