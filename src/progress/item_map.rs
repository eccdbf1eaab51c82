//! Item maps: how the items (and categories) of one instrument version correspond to those of
//! another, so a baseline on version 1.x can be compared with a follow-up on 2.y.
//!
//! ```json
//! {
//!   "format_version": 1,
//!   "from": { "id": "heoa", "versions": "^1" },
//!   "to": { "id": "heoa", "versions": "^2" },
//!   "categories": [ { "from": "communicate-findings", "to": "share-findings" } ],
//!   "items": [
//!     { "change": "renamed", "from": "data-collection.sogi", "to": "data-collection.sogi-data" },
//!     { "change": "merged", "from": ["data-validation.completeness-monitored", "data-validation.accuracy-audited"], "to": "data-validation.quality-audits" },
//!     { "change": "split", "from": "data-stratification.dashboard", "to": ["data-stratification.internal-dashboard", "data-stratification.public-dashboard"] },
//!     { "change": "removed", "from": "communicate-findings.community-shared", "note": "moved to a community instrument" },
//!     { "change": "added", "to": "infrastructure-and-culture.anti-racism-plan" }
//!   ]
//! }
//! ```
//!
//! Items not listed correspond to the item with the same id in the other version, if there is
//! one. Items without a counterpart are reported in the progress report, never dropped.

use std::collections::HashMap;

use schemars::JsonSchema;
use semver::{Version, VersionReq};
use serde::{Deserialize, Serialize};

use serde_json::Value;

use crate::instrument::{id_problem, limits};
use crate::json::reader::{Reader, Start};
use crate::json::{clip, describe, push_token};
use crate::problem::{JsonProblem, Location, Problems, problem_enum};

/// The newest item-map file format this crate reads.
pub const ITEM_MAP_FORMAT_VERSION: u32 = 1;

/// A correspondence between the items of two instrument versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ItemMap {
    /// The file format version ([`ITEM_MAP_FORMAT_VERSION`]).
    pub format_version: u32,
    /// The versions the baseline may be on.
    pub from: VersionRange,
    /// The versions the follow-up may be on.
    pub to: VersionRange,
    /// What changed, for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub description: Option<String>,
    /// Renamed categories (others keep their ids).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<CategoryRename>,
    /// Item changes.
    pub items: Vec<ItemMapping>,
}

/// An instrument id and a semver requirement on its version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct VersionRange {
    /// The instrument id.
    pub id: String,
    /// The versions covered, as a semver requirement (`^1`, `>=1.2, <2`).
    #[schemars(with = "String")]
    pub versions: VersionReq,
}

impl VersionRange {
    /// Whether an instrument id and version fall in this range.
    #[must_use]
    pub fn matches(&self, id: &str, version: &Version) -> bool {
        self.id == id && self.versions.matches(version)
    }
}

impl std::fmt::Display for VersionRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(&format!("{}@{}", self.id, self.versions))
    }
}

/// A category whose id changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CategoryRename {
    /// The id in the `from` version.
    pub from: String,
    /// The id in the `to` version.
    pub to: String,
}

/// How one or more items changed between the versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(tag = "change", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum ItemMapping {
    /// The same activity under a new id.
    Renamed {
        /// The id in the `from` version.
        from: String,
        /// The id in the `to` version.
        to: String,
        /// Why.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(with = "String")]
        note: Option<String>,
    },
    /// Several activities became one. The baseline side of the comparison is the mean, as a
    /// fraction of each item's top points, of the applicable sources.
    Merged {
        /// The ids in the `from` version (two or more).
        from: Vec<String>,
        /// The id in the `to` version.
        to: String,
        /// Why.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(with = "String")]
        note: Option<String>,
    },
    /// One activity became several. The follow-up side is the mean of the applicable targets.
    Split {
        /// The id in the `from` version.
        from: String,
        /// The ids in the `to` version (two or more).
        to: Vec<String>,
        /// Why.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(with = "String")]
        note: Option<String>,
    },
    /// An activity with no counterpart in the `to` version.
    Removed {
        /// The id in the `from` version.
        from: String,
        /// Why.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(with = "String")]
        note: Option<String>,
    },
    /// An activity new in the `to` version.
    Added {
        /// The id in the `to` version.
        to: String,
        /// Why.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(with = "String")]
        note: Option<String>,
    },
}

impl ItemMapping {
    /// The `from` ids.
    #[must_use]
    pub fn sources(&self) -> Vec<&str> {
        match self {
            ItemMapping::Renamed { from, .. } | ItemMapping::Split { from, .. } | ItemMapping::Removed { from, .. } => {
                vec![from.as_str()]
            }
            ItemMapping::Merged { from, .. } => from.iter().map(String::as_str).collect(),
            ItemMapping::Added { .. } => Vec::new(),
        }
    }

    /// The `to` ids.
    #[must_use]
    pub fn targets(&self) -> Vec<&str> {
        match self {
            ItemMapping::Renamed { to, .. } | ItemMapping::Merged { to, .. } | ItemMapping::Added { to, .. } => {
                vec![to.as_str()]
            }
            ItemMapping::Split { to, .. } => to.iter().map(String::as_str).collect(),
            ItemMapping::Removed { .. } => Vec::new(),
        }
    }

    /// The note, if any.
    #[must_use]
    pub fn note(&self) -> Option<&str> {
        match self {
            ItemMapping::Renamed { note, .. }
            | ItemMapping::Merged { note, .. }
            | ItemMapping::Split { note, .. }
            | ItemMapping::Removed { note, .. }
            | ItemMapping::Added { note, .. } => note.as_deref(),
        }
    }
}

/// One problem in an item-map file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ItemMapProblem {
    /// A problem of JSON structure: syntax, a newer format, an unknown, missing or duplicate
    /// field, a value of the wrong type, a list over its limit.
    #[error(transparent)]
    Json(JsonProblem),
    /// An id breaks the id syntax.
    #[error("{}: {id:?} is not a valid id: {reason}", crate::json::at(.pointer))]
    InvalidId {
        /// Where.
        pointer: String,
        /// The id.
        id: String,
        /// Why.
        reason: &'static str,
    },
    /// An item or category id is mapped by more than one entry on the same side.
    #[error("{}: {side} id {id:?} is already mapped at {}", crate::json::at(.pointer), crate::json::at(.first))]
    MappedTwice {
        /// Where the second mention is.
        pointer: String,
        /// `from` or `to`.
        side: &'static str,
        /// The id.
        id: String,
        /// Where the first mention is.
        first: String,
    },
    /// A merge with fewer than two sources or a split with fewer than two targets.
    #[error("{}: a {change} needs at least two ids, found {count}", crate::json::at(.pointer))]
    TooFew {
        /// Where.
        pointer: String,
        /// `merged` or `split`.
        change: &'static str,
        /// How many were given.
        count: usize,
    },
}

problem_enum!(ItemMapProblem {
    InvalidId { pointer } => "invalid_id", Location::Pointer(pointer);
    MappedTwice { pointer } => "mapped_twice", Location::Pointer(pointer);
    TooFew { pointer } => "too_few", Location::Pointer(pointer);
});

/// The error returned when an item-map file is refused: every problem found.
pub type ItemMapError = Problems<ItemMapProblem>;

/// The subject of an item map's problems.
const ITEM_MAP: &str = "item map";

impl ItemMap {
    /// Parses and checks an item-map file.
    ///
    /// # Errors
    /// [`ItemMapError`] with every problem: invalid JSON, unknown or missing fields, wrong
    /// types, duplicate keys, a newer format, lists over their limits, invalid ids, ids mapped
    /// twice, merges or splits of fewer than two items.
    ///
    /// ```
    /// use health_equity_assessment::ItemMap;
    ///
    /// let map = ItemMap::from_json(r#"{"format_version": 1,
    ///     "from": {"id": "heoa", "versions": "^1"}, "to": {"id": "heoa", "versions": "^2"},
    ///     "items": [{"change": "renamed", "from": "data-collection.sogi", "to": "data-collection.sogi-data"}]}"#)?;
    /// assert_eq!(map.items.len(), 1);
    /// # Ok::<(), health_equity_assessment::ItemMapError>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Self, ItemMapError> {
        match Reader::start(text, crate::MAX_FILE_BYTES) {
            Start::Stopped(problem) => Err(Problems::one(ITEM_MAP, problem)),
            Start::Read(value, mut r) => match read(&value, &mut r) {
                Some(map) => {
                    map.check(&mut r.problems);
                    Problems::or_ok(ITEM_MAP, r.problems, map)
                }
                None => Err(Problems::new(ITEM_MAP, r.problems).unwrap_or_else(|| {
                    Problems::one(
                        ITEM_MAP,
                        JsonProblem::InvalidValue {
                            pointer: String::new(),
                            message: "the file could not be read".to_owned(),
                        }
                        .into(),
                    )
                })),
            },
        }
    }

    fn check(&self, problems: &mut Vec<ItemMapProblem>) {
        let mut ids = |pointer: String, id: &str| {
            let checked = match id.split_once('.') {
                Some((category, slug)) => id_problem(category).or_else(|| id_problem(slug)),
                None => Some("an item id is <category-id>.<slug>"),
            };
            if let Some(reason) = checked {
                problems.push(ItemMapProblem::InvalidId { pointer, id: clip(id), reason });
            }
        };
        let mut seen: [HashMap<&str, String>; 2] = [HashMap::new(), HashMap::new()];
        let mut twice = Vec::new();
        for (i, mapping) in self.items.iter().enumerate() {
            let at = format!("/items/{i}");
            for (side, list) in [(0, mapping.sources()), (1, mapping.targets())] {
                let name = if side == 0 { "from" } else { "to" };
                for id in list {
                    ids(format!("{at}/{name}"), id);
                    if let Some(first) = seen[side].get(id) {
                        twice.push(ItemMapProblem::MappedTwice {
                            pointer: format!("{at}/{name}"),
                            side: name,
                            id: clip(id),
                            first: first.clone(),
                        });
                    } else {
                        seen[side].insert(id, format!("{at}/{name}"));
                    }
                }
            }
            match mapping {
                ItemMapping::Merged { from, .. } if from.len() < 2 => {
                    twice.push(ItemMapProblem::TooFew {
                        pointer: format!("{at}/from"),
                        change: "merged",
                        count: from.len(),
                    });
                }
                ItemMapping::Split { to, .. } if to.len() < 2 => {
                    twice.push(ItemMapProblem::TooFew {
                        pointer: format!("{at}/to"),
                        change: "split",
                        count: to.len(),
                    });
                }
                _ => {}
            }
        }
        problems.extend(twice);
        // A category renamed twice, or two categories renamed to one, has no single
        // counterpart: comparing either pair would report a movement that did not happen.
        let mut renamed: [HashMap<&str, String>; 2] = [HashMap::new(), HashMap::new()];
        for (i, rename) in self.categories.iter().enumerate() {
            for (side, (name, id)) in [("from", &rename.from), ("to", &rename.to)].into_iter().enumerate() {
                let pointer = format!("/categories/{i}/{name}");
                if let Some(reason) = id_problem(id) {
                    problems.push(ItemMapProblem::InvalidId { pointer: pointer.clone(), id: clip(id), reason });
                }
                match renamed[side].get(id.as_str()) {
                    Some(first) => problems.push(ItemMapProblem::MappedTwice {
                        pointer,
                        side: name,
                        id: clip(id),
                        first: first.clone(),
                    }),
                    None => {
                        renamed[side].insert(id, pointer);
                    }
                }
            }
        }
    }
}

impl<'de> Deserialize<'de> for ItemMap {
    /// The item-map reader (the one [`ItemMap::from_json`] uses), from JSON: every problem is
    /// reported at once, in the error's message.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = <Box<serde_json::value::RawValue>>::deserialize(deserializer)?;
        ItemMap::from_json(raw.get()).map_err(serde::de::Error::custom)
    }
}

type R<'t> = Reader<'t, ItemMapProblem>;

/// Reads an item map, as far as it can be read; `None` when it is not an object or uses a
/// newer format.
fn read(value: &Value, r: &mut R<'_>) -> Option<ItemMap> {
    let Some(object) = value.as_object() else {
        r.push(JsonProblem::InvalidValue {
            pointer: String::new(),
            message: format!("an item map is a JSON object, found {}", describe(value)),
        });
        return None;
    };
    let format_version = r.format_version(object, ITEM_MAP_FORMAT_VERSION)?;
    r.object(value, "", &["format_version", "from", "to", "description", "categories", "items"]);
    let from = r.required_value(object, "", "from").and_then(|v| VersionRange::read(r, v, "/from"));
    let to = r.required_value(object, "", "to").and_then(|v| VersionRange::read(r, v, "/to"));
    let description = r.optional(object, "", "description");
    let categories = if object.contains_key("categories") {
        r.each(object, "", "categories", (limits::CATEGORIES, "the category rename list"), |r, v, at| {
            let o = r.object(v, at, &["from", "to"])?;
            Some(CategoryRename { from: r.required(o, at, "from")?, to: r.required(o, at, "to")? })
        })
    } else {
        Some(Vec::new())
    };
    let items = r.each(object, "", "items", (2 * limits::TOTAL_ITEMS, "the item mapping list"), read_mapping);
    Some(ItemMap { format_version, from: from?, to: to?, description, categories: categories?, items: items? })
}

/// One entry of `items`, by its `change`.
fn read_mapping(r: &mut R<'_>, value: &Value, at: &str) -> Option<ItemMapping> {
    let o = r.object(value, at, &["change", "from", "to", "note"])?;
    let change: String = r.required(o, at, "change")?;
    let note = r.optional(o, at, "note");
    let ids = |r: &mut R<'_>, field: &str| -> Option<Vec<String>> {
        let list = r.array(o, at, field, limits::LIST, "the id list")?;
        serde_json::from_value(Value::Array(list.to_vec()))
            .map_err(|e| {
                r.push(JsonProblem::InvalidValue {
                    pointer: push_token(at, field),
                    message: crate::json::serde_message(&e),
                })
            })
            .ok()
    };
    let absent = |r: &mut R<'_>, field: &str| {
        if o.contains_key(field) {
            r.push(JsonProblem::UnknownField { pointer: at.to_owned(), field: field.to_owned() });
        }
    };
    match change.as_str() {
        "renamed" => {
            Some(ItemMapping::Renamed { from: r.required(o, at, "from")?, to: r.required(o, at, "to")?, note })
        }
        "merged" => Some(ItemMapping::Merged { from: ids(r, "from")?, to: r.required(o, at, "to")?, note }),
        "split" => Some(ItemMapping::Split { from: r.required(o, at, "from")?, to: ids(r, "to")?, note }),
        "removed" => {
            absent(r, "to");
            Some(ItemMapping::Removed { from: r.required(o, at, "from")?, note })
        }
        "added" => {
            absent(r, "from");
            Some(ItemMapping::Added { to: r.required(o, at, "to")?, note })
        }
        other => {
            r.push(JsonProblem::InvalidValue {
                pointer: push_token(at, "change"),
                message: format!(
                    "unknown change {:?} (expected renamed, merged, split, removed or added)",
                    crate::json::clip(other)
                ),
            });
            None
        }
    }
}

impl VersionRange {
    /// Reads `{"id": …, "versions": …}` at `pointer` (item maps and crosswalks).
    pub(crate) fn read<P: From<JsonProblem>>(r: &mut Reader<'_, P>, value: &Value, pointer: &str) -> Option<Self> {
        let o = r.object(value, pointer, &["id", "versions"])?;
        let id: String = r.required(o, pointer, "id")?;
        let text: String = r.required(o, pointer, "versions")?;
        match VersionReq::parse(&text) {
            Ok(versions) => Some(VersionRange { id, versions }),
            Err(e) => {
                r.push(JsonProblem::InvalidVersion {
                    pointer: push_token(pointer, "versions"),
                    value: crate::json::clip(&text),
                    reason: e.to_string(),
                });
                None
            }
        }
    }
}
