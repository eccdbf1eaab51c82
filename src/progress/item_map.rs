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

use crate::instrument::id_problem;
use crate::json::clip;

/// The newest item-map file format this crate reads.
pub const ITEM_MAP_FORMAT_VERSION: u32 = 1;

/// A correspondence between the items of two instrument versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
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
        write!(f, "{}@{}", self.id, self.versions)
    }
}

/// A category whose id changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CategoryRename {
    /// The id in the `from` version.
    pub from: String,
    /// The id in the `to` version.
    pub to: String,
}

/// How one or more items changed between the versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
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
    /// Not JSON, or not the item-map shape (wrong type, unknown or missing field).
    #[error("line {line}, column {column}: {message}")]
    Invalid {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser found.
        message: String,
    },
    /// A key appears twice in one object.
    #[error("{}: key {key:?} appears more than once", crate::json::at(.pointer))]
    DuplicateKey {
        /// The object holding the key.
        pointer: String,
        /// The key.
        key: String,
    },
    /// The file uses a newer format than this crate reads.
    #[error("/format_version: format_version {found} is newer than this crate understands ({supported})")]
    FormatTooNew {
        /// The version in the file.
        found: u32,
        /// The newest version read.
        supported: u32,
    },
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
    /// The file or a list in it is larger than the limit.
    #[error("{what} is {size}, over the limit of {limit}")]
    TooLarge {
        /// What was measured.
        what: &'static str,
        /// The size found.
        size: usize,
        /// The limit.
        limit: usize,
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

impl ItemMapProblem {
    /// A stable machine-readable code, e.g. `mapped_twice`.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            ItemMapProblem::Invalid { .. } => "invalid",
            ItemMapProblem::DuplicateKey { .. } => "duplicate_key",
            ItemMapProblem::FormatTooNew { .. } => "format_too_new",
            ItemMapProblem::InvalidId { .. } => "invalid_id",
            ItemMapProblem::MappedTwice { .. } => "mapped_twice",
            ItemMapProblem::TooFew { .. } => "too_few",
            ItemMapProblem::TooLarge { .. } => "too_large",
        }
    }
}

/// The error returned when an item-map file is refused: every problem found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("item map: {}", problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct ItemMapError {
    problems: Vec<ItemMapProblem>,
}

impl ItemMapError {
    /// The problems found (never empty).
    #[must_use]
    pub fn problems(&self) -> &[ItemMapProblem] {
        &self.problems
    }
}

impl ItemMap {
    /// Parses and checks an item-map file.
    ///
    /// # Errors
    /// [`ItemMapError`]: invalid JSON or shape (the first such problem, with line and
    /// column), duplicate keys, a newer format, invalid ids, ids mapped twice, merges or splits
    /// of fewer than two items.
    ///
    /// ```
    /// use health_equity_assessment::progress::ItemMap;
    ///
    /// let map = ItemMap::from_json(r#"{"format_version": 1,
    ///     "from": {"id": "heoa", "versions": "^1"}, "to": {"id": "heoa", "versions": "^2"},
    ///     "items": [{"change": "renamed", "from": "data-collection.sogi", "to": "data-collection.sogi-data"}]}"#)?;
    /// assert_eq!(map.items.len(), 1);
    /// # Ok::<(), health_equity_assessment::progress::ItemMapError>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Self, ItemMapError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.len() > crate::MAX_FILE_BYTES {
            return Err(ItemMapError {
                problems: vec![ItemMapProblem::TooLarge {
                    what: "the file size in bytes",
                    size: text.len(),
                    limit: crate::MAX_FILE_BYTES,
                }],
            });
        }
        let invalid = |e: serde_json::Error| ItemMapError {
            problems: vec![ItemMapProblem::Invalid { line: e.line(), column: e.column(), message: e.to_string() }],
        };
        let (value, duplicates) = crate::json::parse_value_checking_duplicates(text).map_err(invalid)?;
        let mut problems: Vec<ItemMapProblem> = duplicates
            .into_iter()
            .map(|(pointer, key)| ItemMapProblem::DuplicateKey { pointer, key: clip(&key) })
            .collect();
        if let Some(found) = value.get("format_version").and_then(serde_json::Value::as_u64)
            && found > u64::from(ITEM_MAP_FORMAT_VERSION)
        {
            problems.push(ItemMapProblem::FormatTooNew {
                found: u32::try_from(found).unwrap_or(u32::MAX),
                supported: ITEM_MAP_FORMAT_VERSION,
            });
            return Err(ItemMapError { problems });
        }
        let map: ItemMap = serde_json::from_str(text).map_err(invalid)?;
        // The limits of an instrument file: a map lists at most every item of two versions.
        let longest = map.items.iter().map(|m| m.sources().len().max(m.targets().len())).max().unwrap_or(0);
        let mut too_large = false;
        for (what, size, limit) in [
            ("the number of item mappings", map.items.len(), 2 * crate::instrument::limits::TOTAL_ITEMS),
            ("the number of category renames", map.categories.len(), crate::instrument::limits::CATEGORIES),
            ("the number of ids in one mapping", longest, crate::instrument::limits::LIST),
        ] {
            if size > limit {
                problems.push(ItemMapProblem::TooLarge { what, size, limit });
                too_large = true;
            }
        }
        if too_large {
            return Err(ItemMapError { problems });
        }
        map.check(&mut problems);
        if problems.is_empty() { Ok(map) } else { Err(ItemMapError { problems }) }
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
