//! Checks an [`InstrumentSpec`] for problems that the JSON shape alone cannot catch: id
//! syntax and uniqueness, references between parts, level bands covering 0..=100.

use std::collections::{HashMap, HashSet};

use super::error::InstrumentProblem;
use super::spec::{InstrumentSpec, LevelSet};
use crate::Exact;
use crate::json::{clip, push_index, push_token};
use crate::problem::{JsonProblem, Listing, Problem};

/// Why `id` breaks the id syntax, or `None` when it is valid.
///
/// Ids are 1 to 64 lowercase ASCII letters and digits, separated by single `-` or `_`. ASCII
/// only, so look-alike characters from other scripts can never pass as a known id.
pub(crate) fn id_problem(id: &str) -> Option<&'static str> {
    if id.is_empty() {
        return Some("it is empty");
    }
    if id.len() > 64 {
        return Some("it is longer than 64 characters");
    }
    let bytes = id.as_bytes();
    if !bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-' || *b == b'_') {
        return Some("only lowercase ASCII letters, digits, '-' and '_' are allowed");
    }
    let sep = |b: &u8| *b == b'-' || *b == b'_';
    if bytes.first().is_some_and(sep) || bytes.last().is_some_and(sep) {
        return Some("it must start and end with a letter or digit");
    }
    if bytes.windows(2).any(|w| sep(&w[0]) && sep(&w[1])) {
        return Some("separators must not be doubled");
    }
    None
}

/// Collects the problems of an instrument beyond its JSON shape; the rule modules check their
/// parts with it.
pub(crate) struct Checker<'a> {
    problems: &'a mut Vec<InstrumentProblem>,
    /// Pointers already reported by the loader: no second problem for the same value. A set,
    /// so checking a file full of problems stays linear in its size.
    reported: HashSet<String>,
}

impl Checker<'_> {
    /// Records a problem, unless the reader already reported one at its pointer.
    pub(crate) fn push(&mut self, problem: InstrumentProblem) {
        if let Some(p) = problem.pointer()
            && self.reported.contains(p)
        {
            return;
        }
        self.problems.push(problem);
    }

    /// Checks an id's syntax; `false` (and a problem) when it is invalid.
    pub(crate) fn id(&mut self, pointer: String, what: &'static str, id: &str) -> bool {
        match id_problem(id) {
            None => true,
            Some(reason) => {
                self.push(InstrumentProblem::InvalidId { pointer, what, id: clip(id), reason });
                false
            }
        }
    }

    /// Reports blank text.
    pub(crate) fn text(&mut self, pointer: String, text: &str) {
        if text.trim().is_empty() {
            self.push(InstrumentProblem::Json(JsonProblem::InvalidValue {
                pointer,
                message: "must not be empty".to_owned(),
            }));
        }
    }

    /// Records `id` at `pointer`; reports a duplicate naming the first use.
    pub(crate) fn unique<'s>(
        &mut self,
        seen: &mut HashMap<&'s str, String>,
        id: &'s str,
        pointer: String,
        what: &'static str,
    ) {
        if id.is_empty() {
            return;
        }
        if let Some(first) = seen.get(id) {
            let first = first.clone();
            self.push(InstrumentProblem::DuplicateId { pointer, what, id: clip(id), first });
        } else {
            seen.insert(id, pointer);
        }
    }
}

/// Appends to `problems` everything wrong with `spec` beyond its JSON shape.
pub(crate) fn check(spec: &InstrumentSpec, problems: &mut Vec<InstrumentProblem>) {
    // A missing field counts as reported at the field's own pointer, so an explicitly empty
    // value is still checked but an absent one is not reported twice.
    let reported = problems
        .iter()
        .filter_map(|p| match p {
            InstrumentProblem::Json(JsonProblem::MissingField { pointer, field }) => Some(push_token(pointer, field)),
            other => other.pointer().map(str::to_owned),
        })
        .collect();
    let mut c = Checker { problems, reported };

    c.id("/id".to_owned(), "instrument", &spec.id);
    c.text("/title".to_owned(), &spec.title);
    c.text("/publisher".to_owned(), &spec.publisher);
    if let Some(lifecycle) = &spec.lifecycle {
        check_lifecycle(&mut c, spec, lifecycle);
    }
    for (k, category) in spec.categories.iter().enumerate() {
        for (i, item) in category.items.iter().enumerate() {
            let at = push_index(&push_token(&push_index("/categories", k), "items"), i);
            if let Some(introduced) = item.introduced.as_ref().filter(|v| **v > spec.version) {
                c.push(invalid(
                    push_token(&at, "introduced"),
                    format!("item {:?} is introduced in {introduced}, after this edition ({})", item.id, spec.version),
                ));
            }
            if let Some(retired) = item.retired.as_ref().filter(|v| **v <= spec.version) {
                c.push(invalid(
                    push_token(&at, "retired"),
                    format!(
                        "item {:?} is retired in {retired}, yet this edition ({}) has it: an edition lists only its own items",
                        item.id, spec.version
                    ),
                ));
            }
        }
    }

    // Scales and their options.
    let mut scale_ids = HashMap::new();
    for (s, scale) in spec.scales.iter().enumerate() {
        let at = push_index("/scales", s);
        if c.id(push_token(&at, "id"), "scale", &scale.id) {
            c.unique(&mut scale_ids, &scale.id, push_token(&at, "id"), "scale");
        }
        let mut option_ids = HashMap::new();
        for (o, option) in scale.options.iter().enumerate() {
            let oat = push_index(&push_token(&at, "options"), o);
            if c.id(push_token(&oat, "id"), "option", &option.id) {
                c.unique(&mut option_ids, &option.id, push_token(&oat, "id"), "option");
            }
            c.text(push_token(&oat, "label"), &option.label);
            let reason = match (option.excluded, option.points) {
                (true, Some(_)) => Some("an excluded option has no points: remove \"points\" or \"excluded\""),
                (false, None) => Some("a scored option needs \"points\" (or \"excluded\": true)"),
                _ => None,
            };
            if let Some(reason) = reason {
                c.push(InstrumentProblem::OptionPoints {
                    pointer: oat,
                    scale: clip(&scale.id),
                    option: clip(&option.id),
                    reason,
                });
            }
        }
        let top = scale.options.iter().filter(|o| !o.excluded).filter_map(|o| o.points).max();
        match top {
            None => c.push(InstrumentProblem::NoScoredOption {
                pointer: push_token(&at, "options"),
                scale: clip(&scale.id),
            }),
            // Every item on the scale would have a maximum of 0, and its category no percent:
            // "all not applicable" for a category that was answered.
            Some(0) => {
                c.push(InstrumentProblem::ZeroTopPoints { pointer: push_token(&at, "options"), scale: clip(&scale.id) })
            }
            Some(_) => {}
        }
    }
    let scale_ids: HashSet<&str> = spec.scales.iter().map(|s| s.id.as_str()).collect();
    let known_scales = Listing::of(spec.scales.iter().map(|s| s.id.as_str()));

    // The category rule's own checks (stages, points).
    spec.scoring.category.rule.check(spec, &mut c);
    let stages: Option<Vec<&str>> =
        spec.scoring.category.rule.stages().map(|s| s.iter().map(|s| s.id.as_str()).collect());
    let stage_set: Option<HashSet<&str>> = stages.as_ref().map(|s| s.iter().copied().collect());
    let known_stages = stages.as_ref().map(|s| Listing::of(s.iter().copied())).unwrap_or_default();

    // Categories and items.
    if spec.categories.is_empty() && !c.reported.contains("/categories") {
        c.push(InstrumentProblem::NoCategories { pointer: "/categories".to_owned() });
    }
    let total: usize = spec.categories.iter().map(|c| c.items.len()).sum();
    if total > super::limits::TOTAL_ITEMS {
        c.push(InstrumentProblem::Json(JsonProblem::TooMany {
            pointer: "/categories".to_owned(),
            what: "the instrument's item total",
            count: total,
            limit: super::limits::TOTAL_ITEMS,
        }));
    }
    let mut category_ids = HashMap::new();
    let mut item_ids = HashMap::new();
    for (k, category) in spec.categories.iter().enumerate() {
        let at = push_index("/categories", k);
        let category_ok = c.id(push_token(&at, "id"), "category", &category.id);
        if category_ok {
            c.unique(&mut category_ids, &category.id, push_token(&at, "id"), "category");
        }
        c.text(push_token(&at, "title"), &category.title);
        if category.items.is_empty() && !c.reported.contains(&push_token(&at, "items")) {
            c.push(InstrumentProblem::EmptyCategory {
                pointer: push_token(&at, "items"),
                category: clip(&category.id),
            });
        }
        for (i, item) in category.items.iter().enumerate() {
            let iat = push_index(&push_token(&at, "items"), i);
            let id_at = push_token(&iat, "id");
            match item.id.split_once('.') {
                Some((prefix, slug)) if prefix == category.id && c.id(id_at.clone(), "item", slug) => {
                    c.unique(&mut item_ids, &item.id, id_at, "item");
                }
                _ if item.id.is_empty() => {
                    c.id(id_at, "item", "");
                }
                _ if category_ok => c.push(InstrumentProblem::ItemIdPrefix {
                    pointer: id_at,
                    item: clip(&item.id),
                    category: category.id.clone(),
                }),
                _ => {}
            }
            c.text(push_token(&iat, "text"), &item.text);
            if !scale_ids.contains(item.scale.as_str()) {
                c.push(InstrumentProblem::UnknownScale {
                    pointer: push_token(&iat, "scale"),
                    item: clip(&item.id),
                    scale: clip(&item.scale),
                    known: known_scales.clone(),
                });
            }
            let stage_problem = match (&stage_set, &item.stage) {
                (Some(_), None) => Some("the cumulative rule needs a \"stage\" on every item".to_owned()),
                (Some(stages), Some(stage)) if !stages.contains(stage.as_str()) => {
                    Some(format!("unknown stage {:?} (stages: {known_stages})", clip(stage)))
                }
                (None, Some(stage)) => Some(format!(
                    "stage {:?} is set but the category rule {:?} has no stages",
                    clip(stage),
                    spec.scoring.category.rule.kind()
                )),
                _ => None,
            };
            if let Some(reason) = stage_problem {
                c.push(InstrumentProblem::Stage { pointer: push_token(&iat, "stage"), item: clip(&item.id), reason });
            }
        }
    }

    // Level sets and the references to them.
    let mut set_ids = HashMap::new();
    for (s, set) in spec.scoring.level_sets.iter().enumerate() {
        let at = push_index("/scoring/level_sets", s);
        if c.id(push_token(&at, "id"), "level set", &set.id) {
            c.unique(&mut set_ids, &set.id, push_token(&at, "id"), "level set");
        }
        check_bands(&mut c, set, &at);
    }
    // A scoring part that could not be read (or is missing: the reader's placeholder has no
    // level sets and empty references) was reported already; its references are not news.
    let level_sets_unreadable = c.reported.iter().any(|p| p.starts_with("/scoring"))
        || (spec.scoring.level_sets.is_empty()
            && spec.scoring.category.levels.is_empty()
            && spec.scoring.overall.levels.is_empty());
    let known_sets = Listing::of(spec.scoring.level_sets.iter().map(|s| s.id.as_str()));
    for (pointer, set) in [
        ("/scoring/category/levels", &spec.scoring.category.levels),
        ("/scoring/overall/levels", &spec.scoring.overall.levels),
    ] {
        if !level_sets_unreadable && !spec.scoring.level_sets.iter().any(|s| s.id == *set) {
            c.push(InstrumentProblem::UnknownLevelSet {
                pointer: pointer.to_owned(),
                set: clip(set),
                known: known_sets.clone(),
            });
        }
    }
}

fn check_bands(c: &mut Checker<'_>, set: &LevelSet, at: &str) {
    let levels_at = push_token(at, "levels");
    let Some(first) = set.levels.first() else {
        c.push(InstrumentProblem::NoLevels { pointer: levels_at, set: clip(&set.id) });
        return;
    };
    let mut seen = HashMap::new();
    for (l, level) in set.levels.iter().enumerate() {
        let lat = push_index(&levels_at, l);
        if c.id(push_token(&lat, "id"), "level", &level.id) {
            c.unique(&mut seen, &level.id, push_token(&lat, "id"), "level");
        }
        c.text(push_token(&lat, "label"), &level.label);
        if level.min_percent < Exact::zero() || level.min_percent > Exact::from(100) {
            c.push(InstrumentProblem::BandOutOfRange {
                pointer: push_token(&lat, "min_percent"),
                set: clip(&set.id),
                level: clip(&level.id),
                min: level.min_percent.to_string(),
            });
        }
    }
    if !first.min_percent.is_zero() {
        c.push(InstrumentProblem::BandsNotFromZero {
            pointer: push_token(&push_index(&levels_at, 0), "min_percent"),
            set: clip(&set.id),
            level: clip(&first.id),
            min: first.min_percent.to_string(),
        });
    }
    for (l, pair) in set.levels.windows(2).enumerate() {
        if pair[1].min_percent <= pair[0].min_percent {
            c.push(InstrumentProblem::BandsNotIncreasing {
                pointer: push_token(&push_index(&levels_at, l + 1), "min_percent"),
                set: clip(&set.id),
                level: clip(&pair[1].id),
                min: pair[1].min_percent.to_string(),
                previous: pair[0].min_percent.to_string(),
            });
        }
    }
}

fn invalid(pointer: String, message: String) -> InstrumentProblem {
    InstrumentProblem::Json(JsonProblem::InvalidValue { pointer, message })
}

/// A lifecycle must be consistent: the dates it needs are there and in order.
fn check_lifecycle(c: &mut Checker<'_>, spec: &InstrumentSpec, lifecycle: &super::spec::Lifecycle) {
    use super::spec::LifecycleStatus;
    if lifecycle.status == LifecycleStatus::Retired && lifecycle.retired.is_none() {
        c.push(invalid("/lifecycle/retired".to_owned(), "a retired instrument needs its \"retired\" date".to_owned()));
    }
    if lifecycle.status == LifecycleStatus::Superseded && lifecycle.superseded_by.is_none() {
        c.push(invalid(
            "/lifecycle/superseded_by".to_owned(),
            "a superseded instrument needs \"superseded_by\" (the instrument that replaces it)".to_owned(),
        ));
    }
    if let (Some(effective), Some(retired)) = (lifecycle.effective, lifecycle.retired)
        && retired < effective
    {
        c.push(invalid(
            "/lifecycle/retired".to_owned(),
            format!("retired on {retired}, before it took effect ({effective})"),
        ));
    }
    if let Some(successor) = &lifecycle.superseded_by
        && *successor.id == *spec.id
        && successor.version == spec.version
    {
        c.push(invalid("/lifecycle/superseded_by".to_owned(), "an instrument cannot supersede itself".to_owned()));
    }
    for (k, alias) in lifecycle.aliases.iter().enumerate() {
        let at = push_index("/lifecycle/aliases", k);
        c.text(push_token(&at, "name"), &alias.name);
        if let (Some(from), Some(until)) = (alias.from, alias.until)
            && until < from
        {
            c.push(invalid(
                push_token(&at, "until"),
                format!("the name {:?} ends on {until}, before it starts ({from})", alias.name),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::id_problem;

    #[test]
    fn id_syntax() {
        for ok in ["heoa", "data-collection", "not_started", "a1", "0", "ihi-five-component"] {
            assert_eq!(id_problem(ok), None, "{ok}");
        }
        for bad in ["", "Heoa", "a b", "-a", "a-", "a--b", "a_-b", "dаta", "a.b", &"x".repeat(65)] {
            assert!(id_problem(bad).is_some(), "{bad}");
        }
    }
}
