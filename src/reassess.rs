//! Re-assessment: the starting document of a follow-up made from a baseline, and what changed
//! per item between any two waves.

use std::collections::BTreeMap;

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::progress::ItemMapping;
use crate::{Instrument, ItemMap, Response, SharedStr, ValidatedResponse};

/// How [`template`] makes a follow-up's starting document.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct TemplateOptions<'m> {
    /// Copy the baseline's answers (as a starting point to review) instead of leaving them blank.
    pub carry_answers: bool,
    /// The follow-up's assessment date (default: the baseline's; callers usually set today).
    pub assessed_on: Option<Date>,
    /// The item map from the baseline's instrument to the target, when it is another edition:
    /// renamed items carry their answers to the new id; merged, split and removed items are
    /// left blank to be answered afresh.
    pub item_map: Option<&'m ItemMap>,
}

impl<'m> TemplateOptions<'m> {
    /// Copy the baseline's answers.
    #[must_use]
    pub fn with_carry_answers(mut self, carry: bool) -> Self {
        self.carry_answers = carry;
        self
    }

    /// The follow-up's date.
    #[must_use]
    pub fn with_assessed_on(mut self, date: Date) -> Self {
        self.assessed_on = Some(date);
        self
    }

    /// The item map to the target edition.
    #[must_use]
    pub fn with_item_map(mut self, map: &'m ItemMap) -> Self {
        self.item_map = Some(map);
        self
    }
}

/// The starting document of a follow-up assessment: the target instrument (the baseline's, or
/// its successor), the same organization, the focus categories that still exist, and answers
/// blank unless `carry_answers` (then every baseline answer whose item exists in the target,
/// under its id there, with an option the target's scale has). Notes and extensions belong to
/// the baseline and are not carried. The template validates against `target` as it is (blank
/// answers are unanswered items) and once its answers are filled.
///
/// ```
/// use health_equity_assessment::{Date, Registry, TemplateOptions, template};
///
/// let registry = Registry::builtin();
/// let baseline = registry.validate_json(include_str!("../examples/heoa-baseline.json"))?;
/// let options = TemplateOptions::default().with_assessed_on(Date::constant(2023, 6, 8));
/// let follow_up = template(&baseline, baseline.instrument(), &options);
/// assert!(follow_up.answers.is_empty());
/// assert_eq!(follow_up.focus_categories, baseline.to_response().focus_categories);
/// assert!(follow_up.validate(baseline.instrument()).is_ok());
///
/// let carried = template(&baseline, baseline.instrument(), &options.with_carry_answers(true));
/// assert_eq!(carried.answers, baseline.to_response().answers);
/// # Ok::<(), health_equity_assessment::ResponseError>(())
/// ```
#[must_use]
pub fn template(baseline: &ValidatedResponse<'_>, target: &Instrument, options: &TemplateOptions<'_>) -> Response {
    let source = baseline.to_response();
    let renamed: BTreeMap<&str, &str> = options
        .item_map
        .map(|map| {
            map.items
                .iter()
                .filter_map(|m| match m {
                    ItemMapping::Renamed { from, to, .. } => Some((from.as_str(), to.as_str())),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let dropped: Vec<&str> = options
        .item_map
        .map(|map| {
            map.items
                .iter()
                .filter(|m| !matches!(m, ItemMapping::Renamed { .. } | ItemMapping::Added { .. }))
                .flat_map(ItemMapping::sources)
                .collect()
        })
        .unwrap_or_default();
    let mut answers = BTreeMap::new();
    if options.carry_answers {
        for (item, option) in &source.answers {
            if dropped.contains(&item.as_str()) {
                continue;
            }
            let id = renamed.get(item.as_str()).copied().unwrap_or(item.as_str());
            let Some((_, target_item)) = target.item(id) else { continue };
            let known = target.scale_of(target_item).is_some_and(|s| s.options.iter().any(|o| o.id == *option));
            if known {
                answers.insert(id.to_owned(), option.clone());
            }
        }
    }
    let focus: Vec<String> =
        source.focus_categories.unwrap_or_default().into_iter().filter(|c| target.category(c).is_some()).collect();
    let mut response = Response::builder(
        target.reference(),
        source.organization.id.clone(),
        options.assessed_on.unwrap_or(source.assessed_on),
    );
    if let Some(name) = &source.organization.name {
        response = response.name(name.clone());
    }
    for category in focus {
        response = response.focus(category);
    }
    for (item, option) in answers {
        response = response.answer(item, option);
    }
    response.build()
}

/// What happened to one item between two waves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChangeLabel {
    /// Only the later wave's instrument has the item.
    New,
    /// Only the earlier wave's instrument has the item.
    Removed,
    /// A higher answer (by the share of the item's top points; unanswered counts as zero).
    Improved,
    /// A lower answer.
    Regressed,
    /// The same answer (or the same standing on the scale).
    Unchanged,
    /// The item's wording changed between the editions: the answers are shown, but the item
    /// asks something else now, so its answers are not compared.
    Modified,
    /// One side is not applicable and the other is not: there is nothing to compare.
    NotComparable,
}

/// One item's change between two waves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ItemDelta {
    /// The item id (the later wave's when both have it).
    pub item: SharedStr,
    /// Its category id.
    pub category: SharedStr,
    /// What happened.
    pub label: ChangeLabel,
    /// The earlier wave's answer (an option id; `null`: unanswered or no such item).
    pub before: Option<SharedStr>,
    /// The later wave's answer.
    pub after: Option<SharedStr>,
}

/// Where an answer stands on its item's scale, as a fraction of the top points; `None` for an
/// excluded (not applicable) answer. Unanswered is zero, as in scoring.
fn position(instrument: &Instrument, item: &str, answer: Option<&str>) -> Option<(u64, u64)> {
    let (_, item) = instrument.item(item)?;
    let scale = instrument.scale_of(item)?;
    let top = u64::from(scale.options.iter().filter_map(|o| o.points).max().unwrap_or(0)).max(1);
    match answer {
        None => Some((0, top)),
        Some(answer) => {
            let option = scale.options.iter().find(|o| o.id == answer)?;
            option.points.map(|p| (u64::from(p), top))
        }
    }
}

/// Labels every item of two waves: `new`, `removed`, `improved`, `regressed`, `unchanged`,
/// `modified` (the wording changed between editions) or `not_comparable` (applicability
/// changed). Items are matched by id; the list is in the later instrument's order, then the
/// items only the earlier one has.
///
/// ```
/// use health_equity_assessment::{ChangeLabel, Registry, item_changes};
///
/// let registry = Registry::builtin();
/// let before = registry.validate_json(include_str!("../examples/heoa-follow-up.json"))?;
/// let after = registry.validate_json(include_str!("../examples/heoa-second-follow-up.json"))?;
/// let changes = item_changes(&before, &after);
/// let audit = changes.iter().find(|c| c.item == "data-validation.accuracy-audited").unwrap();
/// assert_eq!(audit.label, ChangeLabel::Regressed);
/// # Ok::<(), health_equity_assessment::ResponseError>(())
/// ```
#[must_use]
pub fn item_changes(before: &ValidatedResponse<'_>, after: &ValidatedResponse<'_>) -> Vec<ItemDelta> {
    let (early, late) = (before.instrument(), after.instrument());
    let answer_of = |v: &ValidatedResponse<'_>, id: &str| v.answer(id).map(|o| SharedStr::from(o.id.as_str()));
    let mut out = Vec::new();
    for (category, item) in late.items() {
        let now = answer_of(after, &item.id);
        let delta = |label, before| ItemDelta {
            item: SharedStr::from(item.id.as_str()),
            category: SharedStr::from(category.id.as_str()),
            label,
            before,
            after: now.clone(),
        };
        let Some((_, old)) = early.item(&item.id) else {
            out.push(delta(ChangeLabel::New, None));
            continue;
        };
        let then = answer_of(before, &item.id);
        if old.text.trim() != item.text.trim() {
            out.push(delta(ChangeLabel::Modified, then));
            continue;
        }
        let label = match (position(early, &item.id, then.as_deref()), position(late, &item.id, now.as_deref())) {
            _ if then == now => ChangeLabel::Unchanged,
            (Some((a, at)), Some((b, bt))) => {
                match (u128::from(b) * u128::from(at)).cmp(&(u128::from(a) * u128::from(bt))) {
                    std::cmp::Ordering::Greater => ChangeLabel::Improved,
                    std::cmp::Ordering::Less => ChangeLabel::Regressed,
                    std::cmp::Ordering::Equal => ChangeLabel::Unchanged,
                }
            }
            _ => ChangeLabel::NotComparable,
        };
        out.push(delta(label, then));
    }
    for (category, item) in early.items() {
        if late.item(&item.id).is_none() {
            out.push(ItemDelta {
                item: SharedStr::from(item.id.as_str()),
                category: SharedStr::from(category.id.as_str()),
                label: ChangeLabel::Removed,
                before: answer_of(before, &item.id),
                after: None,
            });
        }
    }
    out
}
