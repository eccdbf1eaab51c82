//! The one reader of the instrument file format, used by [`Instrument::from_json`] and by
//! `Deserialize`: it reads an [`InstrumentSpec`] and collects every structural problem (unknown
//! or missing fields, wrong types, duplicate keys, lists over their limits) with its JSON
//! Pointer, instead of stopping at the first one.
//!
//! [`Instrument::from_json`]: super::Instrument::from_json

use serde_json::Value;

use super::error::InstrumentProblem;
use super::spec::{
    Category, CategoryScoring, InstrumentSpec, Item, Level, LevelSet, OverallScoring, Provenance, Scale, ScaleOption,
    Scoring, Source,
};
use super::{FORMAT_VERSION, limits};
use crate::json::reader::Reader;
use crate::json::{describe, push_token};
use crate::problem::JsonProblem;
use crate::rules::{CategoryRule, OverallRule};

type R<'t> = Reader<'t, InstrumentProblem>;

/// What the reader could read; `None` when the document is not an object at all or uses a
/// newer format.
pub(crate) fn read(value: &Value, r: &mut R<'_>) -> Option<InstrumentSpec> {
    const FIELDS: &[&str] = &[
        "format_version",
        "id",
        "version",
        "title",
        "publisher",
        "description",
        "provenance",
        "lifecycle",
        "scales",
        "categories",
        "scoring",
        "extensions",
    ];
    let Some(object) = value.as_object() else {
        r.push(JsonProblem::InvalidValue {
            pointer: String::new(),
            message: format!("an instrument is a JSON object, found {}", describe(value)),
        });
        return None;
    };
    // A newer format may have fields this crate does not know: say so and nothing else.
    let format_version = r.format_version(object, FORMAT_VERSION)?;
    r.object(value, "", FIELDS);

    let id: String = r.required(object, "", "id").unwrap_or_default();
    let version = match r.required::<String>(object, "", "version") {
        Some(text) => match semver::Version::parse(&text) {
            Ok(v) => v,
            Err(e) => {
                r.push(JsonProblem::InvalidVersion {
                    pointer: "/version".to_owned(),
                    value: crate::json::clip(&text),
                    reason: e.to_string(),
                });
                semver::Version::new(0, 0, 0)
            }
        },
        None => semver::Version::new(0, 0, 0),
    };
    let title = r.required(object, "", "title").unwrap_or_default();
    let publisher = r.required(object, "", "publisher").unwrap_or_default();
    let description = r.optional(object, "", "description");
    // Optional: a minimal custom instrument needs no empty lists.
    let provenance = object.get("provenance").and_then(|v| read_provenance(v, "/provenance", r)).unwrap_or_default();
    let lifecycle = object.get("lifecycle").and_then(|v| read_lifecycle(v, r));
    let scales = r.each(object, "", "scales", (limits::SCALES, "the scale list"), read_scale).unwrap_or_default();
    let categories =
        r.each(object, "", "categories", (limits::CATEGORIES, "the category list"), read_category).unwrap_or_default();
    let scoring = r.required_value(object, "", "scoring").and_then(|v| read_scoring(v, "/scoring", r));
    let extensions = r.extensions(object, "").unwrap_or_default();
    Some(InstrumentSpec {
        format_version,
        id,
        version,
        title,
        publisher,
        description,
        provenance,
        lifecycle,
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

fn read_provenance(value: &Value, pointer: &str, r: &mut R<'_>) -> Option<Provenance> {
    let object = r.object(value, pointer, &["sources", "verified", "original", "notes"])?;
    let sources = if !object.contains_key("sources") {
        Vec::new()
    } else {
        r.each(object, pointer, "sources", (limits::LIST, "the list"), |r, v, at| {
            let o = r.object(v, at, &["url", "title", "supports"])?;
            Some(Source {
                url: r.required(o, at, "url").unwrap_or_default(),
                title: r.required(o, at, "title").unwrap_or_default(),
                supports: r.optional(o, at, "supports"),
            })
        })
        .unwrap_or_default()
    };
    Some(Provenance {
        sources,
        verified: r.optional(object, pointer, "verified").unwrap_or_default(),
        original: r.optional(object, pointer, "original").unwrap_or_default(),
        notes: r.optional(object, pointer, "notes"),
    })
}

fn read_scale(r: &mut R<'_>, value: &Value, pointer: &str) -> Option<Scale> {
    let object = r.object(value, pointer, &["id", "label", "options"])?;
    let options = r
        .each(object, pointer, "options", (limits::OPTIONS, "the option list"), |r, v, at| {
            let o = r.object(v, at, &["id", "label", "points", "excluded", "description"])?;
            Some(ScaleOption {
                id: r.required(o, at, "id").unwrap_or_default(),
                label: r.required(o, at, "label").unwrap_or_default(),
                points: r.optional(o, at, "points"),
                excluded: r.optional(o, at, "excluded").unwrap_or(false),
                description: r.optional(o, at, "description"),
            })
        })
        .unwrap_or_default();
    Some(Scale {
        id: r.required(object, pointer, "id").unwrap_or_default(),
        label: r.optional(object, pointer, "label"),
        options,
    })
}

fn read_category(r: &mut R<'_>, value: &Value, pointer: &str) -> Option<Category> {
    let object = r.object(value, pointer, &["id", "title", "description", "items", "extensions"])?;
    let items = r
        .each(object, pointer, "items", (limits::ITEMS, "the item list"), |r, v, at| {
            let o = r.object(
                v,
                at,
                &["id", "text", "scale", "stage", "introduced", "retired", "description", "extensions"],
            )?;
            Some(Item {
                id: r.required(o, at, "id").unwrap_or_default(),
                text: r.required(o, at, "text").unwrap_or_default(),
                scale: r.required(o, at, "scale").unwrap_or_default(),
                stage: r.optional(o, at, "stage"),
                introduced: read_version(r, o, at, "introduced"),
                retired: read_version(r, o, at, "retired"),
                description: r.optional(o, at, "description"),
                extensions: r.extensions(o, at).unwrap_or_default(),
            })
        })
        .unwrap_or_default();
    Some(Category {
        id: r.required(object, pointer, "id").unwrap_or_default(),
        title: r.required(object, pointer, "title").unwrap_or_default(),
        description: r.optional(object, pointer, "description"),
        items,
        extensions: r.extensions(object, pointer).unwrap_or_default(),
    })
}

fn read_scoring(value: &Value, pointer: &str, r: &mut R<'_>) -> Option<Scoring> {
    let object = r.object(value, pointer, &["category", "overall", "level_sets"])?;
    let category = r.required_value(object, pointer, "category").and_then(|v| {
        let at = push_token(pointer, "category");
        let o = r.object(v, &at, &["rule", "levels"])?;
        let rule = r.required_value(o, &at, "rule").and_then(|v| CategoryRule::read(v, &push_token(&at, "rule"), r));
        Some(CategoryScoring {
            rule: rule.unwrap_or(CategoryRule::PercentOfMax),
            levels: r.required(o, &at, "levels").unwrap_or_default(),
        })
    });
    let overall = r.required_value(object, pointer, "overall").and_then(|v| {
        let at = push_token(pointer, "overall");
        let o = r.object(v, &at, &["rule", "levels"])?;
        let rule = r.required_value(o, &at, "rule").and_then(|v| OverallRule::read(v, &push_token(&at, "rule"), r));
        Some(OverallScoring {
            rule: rule.unwrap_or(OverallRule::MeanOfCategoryPercents),
            levels: r.required(o, &at, "levels").unwrap_or_default(),
        })
    });
    let level_sets =
        r.each(object, pointer, "level_sets", (limits::LIST, "the level set list"), read_level_set).unwrap_or_default();
    Some(Scoring { category: category?, overall: overall?, level_sets })
}

fn read_level_set(r: &mut R<'_>, value: &Value, pointer: &str) -> Option<LevelSet> {
    let object = r.object(value, pointer, &["id", "levels"])?;
    let id = r.required(object, pointer, "id").unwrap_or_default();
    let mut complete = true;
    let levels = r.each(object, pointer, "levels", (limits::LIST, "the level list"), |r, v, at| {
        let Some(o) = r.object(v, at, &["id", "label", "min_percent", "description"]) else {
            complete = false;
            return None;
        };
        let min_percent = r.required(o, at, "min_percent");
        complete &= min_percent.is_some();
        Some(Level {
            id: r.required(o, at, "id").unwrap_or_default(),
            label: r.required(o, at, "label").unwrap_or_default(),
            min_percent: min_percent.unwrap_or_default(),
            description: r.optional(o, at, "description"),
        })
    })?;
    // Band checks on a partly read list would report phantom gaps; the read problems suffice.
    complete.then_some(LevelSet { id, levels })
}

/// An optional semantic version field (`"1.2.0"`); a bad one is reported with its pointer.
fn read_version(
    r: &mut R<'_>,
    object: &serde_json::Map<String, Value>,
    pointer: &str,
    field: &str,
) -> Option<semver::Version> {
    let text: String = r.optional(object, pointer, field)?;
    match semver::Version::parse(&text) {
        Ok(version) => Some(version),
        Err(e) => {
            r.push(JsonProblem::InvalidVersion {
                pointer: push_token(pointer, field),
                value: crate::json::clip(&text),
                reason: e.to_string(),
            });
            None
        }
    }
}

/// The lifecycle: its shape (objects where objects belong, no unknown fields) checked field by
/// field with pointers, then its values read as the types say (one problem each).
fn read_lifecycle(value: &Value, r: &mut R<'_>) -> Option<super::spec::Lifecycle> {
    const FIELDS: &[&str] = &["status", "effective", "retired", "superseded_by", "aliases", "notes"];
    const ALIAS: &[&str] = &["name", "from", "until", "source"];
    let before = r.problems.len();
    let object = r.object(value, "/lifecycle", FIELDS)?;
    let mut known = object.clone();
    known.retain(|k, _| FIELDS.contains(&k.as_str()));
    let mut values_ok = true;
    if let Some(successor) = object.get("superseded_by") {
        values_ok &= r.object(successor, "/lifecycle/superseded_by", &["id", "version"]).is_some();
    }
    if let Some(aliases) = object.get("aliases") {
        match aliases.as_array() {
            Some(list) => {
                let mut cleaned = Vec::with_capacity(list.len());
                for (k, alias) in list.iter().enumerate() {
                    let at = crate::json::push_index("/lifecycle/aliases", k);
                    match r.object(alias, &at, ALIAS) {
                        Some(o) => {
                            let mut o = o.clone();
                            o.retain(|k, _| ALIAS.contains(&k.as_str()));
                            cleaned.push(Value::Object(o));
                        }
                        None => values_ok = false,
                    }
                }
                known.insert("aliases".to_owned(), Value::Array(cleaned));
            }
            None => {
                r.push(JsonProblem::InvalidValue {
                    pointer: "/lifecycle/aliases".to_owned(),
                    message: format!("expected a list of names, found {}", describe(aliases)),
                });
                values_ok = false;
            }
        }
    }
    if !values_ok {
        return None;
    }
    match serde_json::from_value::<super::spec::Lifecycle>(Value::Object(known)) {
        Ok(lifecycle) if r.problems.len() == before => Some(lifecycle),
        Ok(_) => None,
        Err(e) => {
            r.push(JsonProblem::InvalidValue {
                pointer: "/lifecycle".to_owned(),
                message: crate::json::clip_middle(&e.to_string()),
            });
            None
        }
    }
}
