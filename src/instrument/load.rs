//! Reads an instrument file into an [`InstrumentSpec`], collecting every structural problem
//! (unknown or missing fields, wrong types, duplicate keys) with its JSON Pointer instead of
//! stopping at the first one as a derived `Deserialize` would.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::error::InstrumentProblem;
use super::spec::{
    Category, CategoryRule, CategoryScoring, InstrumentSpec, Item, Level, LevelSet, OverallRule, OverallScoring,
    Provenance, Scale, ScaleOption, Scoring, Source, Stage,
};
use super::{FORMAT_VERSION, limits};
use crate::json::{describe, push_index, push_token};

/// Collects problems while walking a JSON document.
#[derive(Default)]
pub(crate) struct Walker {
    pub(crate) problems: Vec<InstrumentProblem>,
}

impl Walker {
    /// The object at `pointer`, reporting a wrong type and every field not in `fields`.
    fn object<'v>(&mut self, value: &'v Value, pointer: &str, fields: &[&str]) -> Option<&'v Map<String, Value>> {
        let Some(object) = value.as_object() else {
            self.problems.push(InstrumentProblem::InvalidValue {
                pointer: pointer.to_owned(),
                message: format!("expected an object, found {}", describe(value)),
            });
            return None;
        };
        for key in object.keys() {
            if !fields.contains(&key.as_str()) {
                self.problems.push(InstrumentProblem::UnknownField {
                    pointer: pointer.to_owned(),
                    field: crate::json::clip(key),
                });
            }
        }
        Some(object)
    }

    /// An optional field deserialized to `T`; a wrong value is reported and read as absent.
    fn optional<T: DeserializeOwned>(&mut self, object: &Map<String, Value>, pointer: &str, field: &str) -> Option<T> {
        let value = object.get(field)?;
        match T::deserialize(value) {
            Ok(v) => Some(v),
            Err(e) => {
                self.problems.push(InstrumentProblem::InvalidValue {
                    pointer: push_token(pointer, field),
                    message: format!("{e} (found {})", describe(value)),
                });
                None
            }
        }
    }

    /// A required field deserialized to `T`; absence and wrong values are reported.
    fn required<T: DeserializeOwned>(&mut self, object: &Map<String, Value>, pointer: &str, field: &str) -> Option<T> {
        if !object.contains_key(field) {
            self.missing(pointer, field);
            return None;
        }
        self.optional(object, pointer, field)
    }

    /// A required field's raw value; absence is reported.
    fn required_value<'v>(&mut self, object: &'v Map<String, Value>, pointer: &str, field: &str) -> Option<&'v Value> {
        let value = object.get(field);
        if value.is_none() {
            self.missing(pointer, field);
        }
        value
    }

    fn missing(&mut self, pointer: &str, field: &str) {
        self.problems.push(InstrumentProblem::MissingField { pointer: pointer.to_owned(), field: field.to_owned() });
    }

    /// A required array field, its elements checked against `limit`.
    fn array<'v>(
        &mut self,
        object: &'v Map<String, Value>,
        pointer: &str,
        field: &str,
        limit: usize,
    ) -> Option<&'v [Value]> {
        let Some(value) = object.get(field) else {
            self.missing(pointer, field);
            return None;
        };
        let at = push_token(pointer, field);
        let Some(items) = value.as_array() else {
            self.problems.push(InstrumentProblem::InvalidValue {
                pointer: at,
                message: format!("expected an array, found {}", describe(value)),
            });
            return None;
        };
        if items.len() > limit {
            self.problems.push(InstrumentProblem::TooMany {
                pointer: at,
                what: field_what(field),
                count: items.len(),
                limit,
            });
            return None;
        }
        Some(items)
    }
}

fn field_what(field: &str) -> &'static str {
    match field {
        "categories" => "the category list",
        "items" => "the item list",
        "scales" => "the scale list",
        "options" => "the option list",
        "level_sets" => "the level set list",
        "levels" => "the level list",
        "stages" => "the stage list",
        _ => "the list",
    }
}

/// What the loader could read; `None` when the document is not an object at all or uses a
/// newer format.
pub(crate) fn read(value: &Value, walker: &mut Walker) -> Option<InstrumentSpec> {
    const FIELDS: &[&str] = &[
        "format_version",
        "id",
        "version",
        "title",
        "publisher",
        "description",
        "provenance",
        "scales",
        "categories",
        "scoring",
        "extensions",
    ];
    let Some(object) = value.as_object() else {
        walker.problems.push(InstrumentProblem::InvalidValue {
            pointer: String::new(),
            message: format!("an instrument is a JSON object, found {}", describe(value)),
        });
        return None;
    };
    // A newer format may have fields this crate does not know: say so and nothing else.
    let format_version = match object.get("format_version") {
        None => {
            walker.missing("", "format_version");
            FORMAT_VERSION
        }
        Some(v) => match v.as_u64() {
            Some(found) if found > u64::from(FORMAT_VERSION) => {
                walker.problems.push(InstrumentProblem::FormatTooNew {
                    pointer: "/format_version".to_owned(),
                    found,
                    supported: FORMAT_VERSION,
                });
                return None;
            }
            Some(found) if found >= 1 => u32::try_from(found).unwrap_or(FORMAT_VERSION),
            _ => {
                walker.problems.push(InstrumentProblem::InvalidValue {
                    pointer: "/format_version".to_owned(),
                    message: format!("expected a positive integer format version, found {}", describe(v)),
                });
                FORMAT_VERSION
            }
        },
    };
    walker.object(value, "", FIELDS);

    let id: String = walker.required(object, "", "id").unwrap_or_default();
    let version = match walker.required::<String>(object, "", "version") {
        Some(text) => match semver::Version::parse(&text) {
            Ok(v) => v,
            Err(e) => {
                walker.problems.push(InstrumentProblem::InvalidVersion {
                    pointer: "/version".to_owned(),
                    value: crate::json::clip(&text),
                    reason: e.to_string(),
                });
                semver::Version::new(0, 0, 0)
            }
        },
        None => semver::Version::new(0, 0, 0),
    };
    let title = walker.required(object, "", "title").unwrap_or_default();
    let publisher = walker.required(object, "", "publisher").unwrap_or_default();
    let description = walker.optional(object, "", "description");
    let provenance = walker
        .required_value(object, "", "provenance")
        .and_then(|v| read_provenance(v, "/provenance", walker))
        .unwrap_or_else(|| Provenance { sources: Vec::new(), verified: Vec::new(), original: Vec::new(), notes: None });
    let scales = walker
        .array(object, "", "scales", limits::SCALES)
        .map(|list| {
            list.iter().enumerate().filter_map(|(i, v)| read_scale(v, &push_index("/scales", i), walker)).collect()
        })
        .unwrap_or_default();
    let categories = walker
        .array(object, "", "categories", limits::CATEGORIES)
        .map(|list| {
            list.iter()
                .enumerate()
                .filter_map(|(i, v)| read_category(v, &push_index("/categories", i), walker))
                .collect()
        })
        .unwrap_or_default();
    let scoring = walker.required_value(object, "", "scoring").and_then(|v| read_scoring(v, "/scoring", walker));
    let extensions = walker.optional(object, "", "extensions").unwrap_or_default();
    Some(InstrumentSpec {
        format_version,
        id,
        version,
        title,
        publisher,
        description,
        provenance,
        scales,
        categories,
        scoring: scoring.unwrap_or_else(|| Scoring {
            category: CategoryScoring { rule: CategoryRule::PercentOfMax, levels: String::new() },
            overall: OverallScoring { rule: OverallRule::MeanOfCategoryPercents, levels: String::new() },
            level_sets: Vec::new(),
        }),
        extensions,
    })
}

fn read_provenance(value: &Value, pointer: &str, w: &mut Walker) -> Option<Provenance> {
    let object = w.object(value, pointer, &["sources", "verified", "original", "notes"])?;
    let sources = w
        .array(object, pointer, "sources", limits::LIST)
        .map(|list| {
            list.iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    let at = push_index(&push_token(pointer, "sources"), i);
                    let o = w.object(v, &at, &["url", "title", "supports"])?;
                    Some(Source {
                        url: w.required(o, &at, "url").unwrap_or_default(),
                        title: w.required(o, &at, "title").unwrap_or_default(),
                        supports: w.optional(o, &at, "supports"),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Some(Provenance {
        sources,
        verified: w.required(object, pointer, "verified").unwrap_or_default(),
        original: w.required(object, pointer, "original").unwrap_or_default(),
        notes: w.optional(object, pointer, "notes"),
    })
}

fn read_scale(value: &Value, pointer: &str, w: &mut Walker) -> Option<Scale> {
    let object = w.object(value, pointer, &["id", "label", "options"])?;
    let options = w
        .array(object, pointer, "options", limits::OPTIONS)
        .map(|list| {
            list.iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    let at = push_index(&push_token(pointer, "options"), i);
                    let o = w.object(v, &at, &["id", "label", "points", "excluded", "description"])?;
                    Some(ScaleOption {
                        id: w.required(o, &at, "id").unwrap_or_default(),
                        label: w.required(o, &at, "label").unwrap_or_default(),
                        points: w.optional(o, &at, "points"),
                        excluded: w.optional(o, &at, "excluded").unwrap_or(false),
                        description: w.optional(o, &at, "description"),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Some(Scale {
        id: w.required(object, pointer, "id").unwrap_or_default(),
        label: w.optional(object, pointer, "label"),
        options,
    })
}

fn read_category(value: &Value, pointer: &str, w: &mut Walker) -> Option<Category> {
    let object = w.object(value, pointer, &["id", "title", "description", "items", "extensions"])?;
    let items = w
        .array(object, pointer, "items", limits::ITEMS)
        .map(|list| {
            list.iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    let at = push_index(&push_token(pointer, "items"), i);
                    let o = w.object(v, &at, &["id", "text", "scale", "stage", "description", "extensions"])?;
                    Some(Item {
                        id: w.required(o, &at, "id").unwrap_or_default(),
                        text: w.required(o, &at, "text").unwrap_or_default(),
                        scale: w.required(o, &at, "scale").unwrap_or_default(),
                        stage: w.optional(o, &at, "stage"),
                        description: w.optional(o, &at, "description"),
                        extensions: w.optional(o, &at, "extensions").unwrap_or_default(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Some(Category {
        id: w.required(object, pointer, "id").unwrap_or_default(),
        title: w.required(object, pointer, "title").unwrap_or_default(),
        description: w.optional(object, pointer, "description"),
        items,
        extensions: w.optional(object, pointer, "extensions").unwrap_or_default(),
    })
}

fn read_scoring(value: &Value, pointer: &str, w: &mut Walker) -> Option<Scoring> {
    let object = w.object(value, pointer, &["category", "overall", "level_sets"])?;
    let category = w.required_value(object, pointer, "category").and_then(|v| {
        let at = push_token(pointer, "category");
        let o = w.object(v, &at, &["rule", "levels"])?;
        let rule = w.required_value(o, &at, "rule").and_then(|r| read_category_rule(r, &push_token(&at, "rule"), w));
        Some(CategoryScoring {
            rule: rule.unwrap_or(CategoryRule::PercentOfMax),
            levels: w.required(o, &at, "levels").unwrap_or_default(),
        })
    });
    let overall = w.required_value(object, pointer, "overall").and_then(|v| {
        let at = push_token(pointer, "overall");
        let o = w.object(v, &at, &["rule", "levels"])?;
        let rule = w.required_value(o, &at, "rule").and_then(|r| read_overall_rule(r, &push_token(&at, "rule"), w));
        Some(OverallScoring {
            rule: rule.unwrap_or(OverallRule::MeanOfCategoryPercents),
            levels: w.required(o, &at, "levels").unwrap_or_default(),
        })
    });
    let level_sets = w
        .array(object, pointer, "level_sets", limits::LIST)
        .map(|list| {
            list.iter()
                .enumerate()
                .filter_map(|(i, v)| read_level_set(v, &push_index(&push_token(pointer, "level_sets"), i), w))
                .collect()
        })
        .unwrap_or_default();
    Some(Scoring { category: category?, overall: overall?, level_sets })
}

fn rule_kind<'v>(value: &'v Value, pointer: &str, w: &mut Walker) -> Option<(&'v Map<String, Value>, &'v str)> {
    let Some(object) = value.as_object() else {
        w.problems.push(InstrumentProblem::InvalidValue {
            pointer: pointer.to_owned(),
            message: format!("expected a rule object with a \"kind\", found {}", describe(value)),
        });
        return None;
    };
    match object.get("kind").map(|k| (k, k.as_str())) {
        Some((_, Some(kind))) => Some((object, kind)),
        Some((k, None)) => {
            w.problems.push(InstrumentProblem::InvalidValue {
                pointer: push_token(pointer, "kind"),
                message: format!("expected a string, found {}", describe(k)),
            });
            None
        }
        None => {
            w.missing(pointer, "kind");
            None
        }
    }
}

fn read_category_rule(value: &Value, pointer: &str, w: &mut Walker) -> Option<CategoryRule> {
    let (object, kind) = rule_kind(value, pointer, w)?;
    match kind {
        "percent_of_max" => {
            w.object(value, pointer, &["kind"]);
            Some(CategoryRule::PercentOfMax)
        }
        "all_of" => {
            w.object(value, pointer, &["kind", "points"]);
            let points: u32 = w.required(object, pointer, "points")?;
            if points == 0 {
                w.problems.push(InstrumentProblem::InvalidValue {
                    pointer: push_token(pointer, "points"),
                    message: "an all_of category must award at least 1 point, found 0".to_owned(),
                });
            }
            Some(CategoryRule::AllOf { points })
        }
        "cumulative" => {
            w.object(value, pointer, &["kind", "stages"]);
            let stages = w.array(object, pointer, "stages", limits::LIST)?;
            let stages = stages
                .iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    let at = push_index(&push_token(pointer, "stages"), i);
                    let o = w.object(v, &at, &["id", "label"])?;
                    Some(Stage {
                        id: w.required(o, &at, "id").unwrap_or_default(),
                        label: w.required(o, &at, "label").unwrap_or_default(),
                    })
                })
                .collect();
            Some(CategoryRule::Cumulative { stages })
        }
        other => {
            w.problems.push(InstrumentProblem::InvalidValue {
                pointer: push_token(pointer, "kind"),
                message: format!(
                    "unknown category rule {:?} (expected percent_of_max, all_of or cumulative)",
                    crate::json::clip(other)
                ),
            });
            None
        }
    }
}

fn read_overall_rule(value: &Value, pointer: &str, w: &mut Walker) -> Option<OverallRule> {
    let (_, kind) = rule_kind(value, pointer, w)?;
    let rule = match kind {
        "mean_of_category_percents" => OverallRule::MeanOfCategoryPercents,
        "sum_of_category_points" => OverallRule::SumOfCategoryPoints,
        other => {
            w.problems.push(InstrumentProblem::InvalidValue {
                pointer: push_token(pointer, "kind"),
                message: format!(
                    "unknown overall rule {:?} (expected mean_of_category_percents or sum_of_category_points)",
                    crate::json::clip(other)
                ),
            });
            return None;
        }
    };
    w.object(value, pointer, &["kind"]);
    Some(rule)
}

fn read_level_set(value: &Value, pointer: &str, w: &mut Walker) -> Option<LevelSet> {
    let object = w.object(value, pointer, &["id", "levels"])?;
    let id = w.required(object, pointer, "id").unwrap_or_default();
    let list = w.array(object, pointer, "levels", limits::LIST)?;
    let mut levels = Vec::with_capacity(list.len());
    let mut complete = true;
    for (i, v) in list.iter().enumerate() {
        let at = push_index(&push_token(pointer, "levels"), i);
        let Some(o) = w.object(v, &at, &["id", "label", "min_percent", "description"]) else {
            complete = false;
            continue;
        };
        let min_percent = w.required(o, &at, "min_percent");
        complete &= min_percent.is_some();
        levels.push(Level {
            id: w.required(o, &at, "id").unwrap_or_default(),
            label: w.required(o, &at, "label").unwrap_or_default(),
            min_percent: min_percent.unwrap_or_default(),
            description: w.optional(o, &at, "description"),
        });
    }
    // Band checks on a partly read list would report phantom gaps; the read problems suffice.
    complete.then_some(LevelSet { id, levels })
}
