//! Crosswalks between instruments: which items (or whole categories) of one instrument bear on
//! which items of another, each row marked `official` or `inferred` with its rationale.
//!
//! Applied to a scored response, a crosswalk gives a **pre-fill** of the other instrument: for
//! each of its items, the evidence the response already holds and a status (`supported` when
//! every mapped activity is at its top option, `partial` when some progress shows,
//! `no_evidence` otherwise). It is a starting point for a conversation, never a claim of
//! attestation.
//!
//! ```
//! use health_equity_assessment::Registry;
//! use health_equity_assessment::{Crosswalks, EvidenceStatus};
//!
//! let registry = Registry::builtin();
//! let report = registry.validate_json(include_str!("../examples/heoa-follow-up.json"))?.score();
//! let hche = registry.latest("cms-hche").unwrap();
//! let crosswalk = Crosswalks::builtin().find(&report.instrument, "cms-hche").unwrap();
//! let prefill = crosswalk.apply(&report, hche)?;
//! let structured = prefill.items.iter().find(|i| i.item == "data-collection.structured-ehr").unwrap();
//! assert_eq!(structured.status, EvidenceStatus::Supported);
//! let plan_review = prefill.items.iter().find(|i| i.item == "leadership-engagement.annual-plan-review").unwrap();
//! assert_eq!(plan_review.status, EvidenceStatus::NoEvidence);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashMap;
use std::sync::OnceLock;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::instrument::limits;
use crate::instrument::{Instrument, InstrumentRef};
use crate::json::clip;
use crate::json::reader::{Reader, Start};
use crate::problem::{JsonProblem, Location, Problems, problem_enum};
use crate::progress::VersionRange;
use crate::response::Organization;
use crate::score::{Engine, ItemStatus, ScoreReport};
use crate::shared::SharedStr;

/// The newest crosswalk file format this crate reads.
pub const CROSSWALK_FORMAT_VERSION: u32 = 1;

/// The crosswalk files embedded in the crate, by path under `assessments/crosswalks/`.
pub const BUILTIN_CROSSWALK_FILES: &[(&str, &str)] = &[
    ("cms-hche--tjc-ld-04-03-08.json", include_str!("../assessments/crosswalks/cms-hche--tjc-ld-04-03-08.json")),
    ("heoa--cms-hche.json", include_str!("../assessments/crosswalks/heoa--cms-hche.json")),
    ("heoa--ihi-five-component.json", include_str!("../assessments/crosswalks/heoa--ihi-five-component.json")),
    ("heoa--tjc-ld-04-03-08.json", include_str!("../assessments/crosswalks/heoa--tjc-ld-04-03-08.json")),
    ("ihi-five-component--cms-hche.json", include_str!("../assessments/crosswalks/ihi-five-component--cms-hche.json")),
];

/// A crosswalk file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Crosswalk {
    /// The file format version ([`CROSSWALK_FORMAT_VERSION`]).
    pub format_version: u32,
    /// The instrument (and versions) the evidence comes from.
    pub from: VersionRange,
    /// The instrument (and versions) the rows point to.
    pub to: VersionRange,
    /// What the crosswalk is for and how it was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub description: Option<String>,
    /// The rows.
    pub rows: Vec<CrosswalkRow>,
}

/// One correspondence: these `from` items or categories bear on the `to` item or category.
///
/// (Its `Deserialize` reads the rows a [`Prefill`] carries; crosswalk files are read by
/// [`Crosswalk::from_json`].)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CrosswalkRow {
    /// Item ids or category ids of the `from` instrument.
    pub from: Vec<String>,
    /// An item id or category id of the `to` instrument (a category applies to all its items).
    pub to: String,
    /// Whether a published source makes this correspondence, or this project inferred it.
    pub basis: Basis,
    /// Why the rows correspond (shared: reading a crosswalk in reverse never copies it).
    pub rationale: SharedStr,
    /// The published source, for `official` rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub source: Option<SharedStr>,
}

/// Where a row comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Basis {
    /// Made by a published source (named in `source`).
    Official,
    /// This project's judgment from the items' content.
    Inferred,
}

/// One problem in a crosswalk file, or between a crosswalk and the instruments it joins.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CrosswalkProblem {
    /// A problem of JSON structure: syntax, a newer format, an unknown, missing or duplicate
    /// field, a value of the wrong type, a list over its limit; and a pre-fill over its limit.
    #[error(transparent)]
    Json(JsonProblem),
    /// A row names an id that the instrument it refers to does not have.
    #[error("{}: {id:?} is not an item or category of {instrument}", crate::json::at(.pointer))]
    UnknownId {
        /// Where (`/rows/3/from/0`, `/rows/3/to`).
        pointer: String,
        /// The id.
        id: String,
        /// The instrument checked against.
        instrument: InstrumentRef,
    },
    /// An `official` row without a source.
    #[error("{}: an official row needs a \"source\"", crate::json::at(.pointer))]
    MissingSource {
        /// The row.
        pointer: String,
    },
}

problem_enum!(CrosswalkProblem {
    UnknownId { pointer } => "unknown_crosswalk_id", Location::Pointer(pointer);
    MissingSource { pointer } => "missing_source", Location::Pointer(pointer);
});

/// Every problem of a crosswalk file, or of a crosswalk with two instruments.
pub type CrosswalkError = Problems<CrosswalkProblem>;

/// The subject of a crosswalk file's problems.
const CROSSWALK: &str = "crosswalk";

type R<'t> = Reader<'t, CrosswalkProblem>;

impl Crosswalk {
    /// Parses a crosswalk file. Ids are checked against instruments by [`check`](Self::check).
    ///
    /// A crosswalk file has the size limits of an instrument file: at most
    /// [`MAX_FILE_BYTES`](crate::MAX_FILE_BYTES) of text, 100,000 rows, and 1,000 ids in a row.
    ///
    /// # Errors
    /// [`CrosswalkError`] with every problem: invalid JSON, unknown or missing fields, wrong
    /// types, duplicate keys, a newer format, a file or list over its limit.
    pub fn from_json(text: &str) -> Result<Self, CrosswalkError> {
        match Reader::start(text, crate::MAX_FILE_BYTES) {
            Start::Stopped(problem) => Err(Problems::one(CROSSWALK, problem)),
            Start::Read(value, mut r) => match read(&value, &mut r) {
                Some(crosswalk) => Problems::or_ok(CROSSWALK, r.problems, crosswalk),
                None => Err(Problems::new(CROSSWALK, r.problems).unwrap_or_else(|| {
                    Problems::one(
                        CROSSWALK,
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

    /// Checks every id against the two instruments.
    ///
    /// # Errors
    /// Every unknown id and every `official` row without a source, at once.
    pub fn check(&self, from: &Instrument, to: &Instrument) -> Result<(), CrosswalkError> {
        let known = |i: &Instrument, id: &str| i.item(id).is_some() || i.category(id).is_some();
        let mut problems = Vec::new();
        for (row, r) in self.rows.iter().enumerate() {
            for (k, id) in r.from.iter().enumerate() {
                if !known(from, id) {
                    problems.push(CrosswalkProblem::UnknownId {
                        pointer: format!("/rows/{row}/from/{k}"),
                        id: clip(id),
                        instrument: from.reference(),
                    });
                }
            }
            if !known(to, &r.to) {
                problems.push(CrosswalkProblem::UnknownId {
                    pointer: format!("/rows/{row}/to"),
                    id: clip(&r.to),
                    instrument: to.reference(),
                });
            }
            if r.basis == Basis::Official && r.source.as_deref().is_none_or(|s| s.trim().is_empty()) {
                problems.push(CrosswalkProblem::MissingSource { pointer: format!("/rows/{row}") });
            }
        }
        Problems::or_ok(format!("{CROSSWALK} {} → {}", self.from, self.to), problems, ())
    }

    /// The same correspondences read the other way: each `from` id becomes the target of a row
    /// whose evidence is the original target.
    #[must_use]
    pub fn reversed(&self) -> Crosswalk {
        let rows = self
            .rows
            .iter()
            .flat_map(|r| {
                r.from.iter().map(move |f| CrosswalkRow {
                    from: vec![r.to.clone()],
                    to: f.clone(),
                    basis: r.basis,
                    rationale: r.rationale.clone(),
                    source: r.source.clone(),
                })
            })
            .collect();
        Crosswalk {
            format_version: self.format_version,
            from: self.to.clone(),
            to: self.from.clone(),
            description: self.description.as_ref().map(|d| format!("Reversed: {d}")),
            rows,
        }
    }

    /// The pre-fill of `target` from a scored response to the `from` instrument.
    ///
    /// Each evidence entry names its row in [`Prefill::rows`], where the row's rationale is
    /// written once. Rows are found by target id, so the work is proportional to the evidence
    /// produced, which is at most [`MAX_EVIDENCE`] entries.
    ///
    /// # Errors
    /// A `too_large` problem ([`JsonProblem::TooLarge`](crate::JsonProblem::TooLarge)) when the pre-fill would hold more than [`MAX_EVIDENCE`]
    /// evidence entries (rows that map large categories onto large categories).
    pub fn apply(&self, report: &ScoreReport, target: &Instrument) -> Result<Prefill, CrosswalkError> {
        // Item statuses, answers and points of the response, by item id; items by category.
        let mut items: HashMap<&str, (Option<&SharedStr>, ItemStatus, Option<u32>)> = HashMap::new();
        let mut categories: HashMap<&str, Vec<&SharedStr>> = HashMap::new();
        for c in &report.categories {
            for i in &c.items {
                items.insert(i.id.as_str(), (i.answer.as_ref(), i.status, i.points));
                categories.entry(c.id.as_str()).or_default().push(&i.id);
            }
        }
        let mut by_target: HashMap<&str, Vec<usize>> = HashMap::new();
        for (k, row) in self.rows.iter().enumerate() {
            by_target.entry(row.to.as_str()).or_default().push(k);
        }
        // Evidence entries a row expands to: a category stands for all its items.
        let expanded: Vec<usize> = self
            .rows
            .iter()
            .map(|r| r.from.iter().map(|id| categories.get(id.as_str()).map_or(1, Vec::len)).sum())
            .collect();
        let none: Vec<usize> = Vec::new();
        let rows_of = |id: &str| by_target.get(id).unwrap_or(&none);
        let entries = |rows: &[usize]| rows.iter().map(|&k| expanded.get(k).copied().unwrap_or(0)).sum::<usize>();
        // Counted per item for its own rows and per category for the rows of the whole
        // category, so counting is linear even when many rows target one large category.
        let mut total = 0usize;
        for category in target.categories() {
            let whole = entries(rows_of(&category.id)).saturating_mul(category.items.len());
            total = total.saturating_add(whole);
            for item in &category.items {
                total = total.saturating_add(entries(rows_of(&item.id)));
            }
        }
        if total > MAX_EVIDENCE {
            return Err(Problems::one(
                format!("{CROSSWALK} {} → {}", self.from, self.to),
                JsonProblem::TooLarge {
                    pointer: String::new(),
                    what: "the number of evidence entries in the pre-fill",
                    size: total,
                    limit: MAX_EVIDENCE,
                }
                .into(),
            ));
        }
        // Each row's evidence is the same for every target item it applies to: made once.
        let mut made: HashMap<usize, Vec<Evidence>> = HashMap::new();
        let mut evidence_of = |k: usize| -> Vec<Evidence> {
            made.entry(k)
                .or_insert_with(|| {
                    let Some(row) = self.rows.get(k) else { return Vec::new() };
                    let mut out = Vec::new();
                    for id in &row.from {
                        let ids: Vec<SharedStr> = match categories.get(id.as_str()) {
                            Some(members) => members.iter().map(|m| (*m).clone()).collect(),
                            None => vec![SharedStr::from(id.as_str())],
                        };
                        for source in ids {
                            let (answer, status) =
                                items.get(source.as_str()).map_or((None, None), |(a, s, _)| (a.cloned(), Some(*s)));
                            out.push(Evidence { item: source, answer, status, basis: row.basis, row: k });
                        }
                    }
                    out
                })
                .clone()
        };
        let mut out = Vec::new();
        for (category, item) in target.items() {
            // The item's own rows and its category's, in the order written in the file.
            let (direct, whole) = (rows_of(&item.id), rows_of(&category.id));
            let mut rows = Vec::with_capacity(direct.len() + whole.len());
            let (mut a, mut b) = (direct.iter().peekable(), whole.iter().peekable());
            while let Some(&k) = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) if x <= y => a.next(),
                (Some(_), Some(_)) | (None, Some(_)) => b.next(),
                (Some(_), None) => a.next(),
                (None, None) => None,
            } {
                rows.push(k);
            }
            let mut evidence = Vec::new();
            for k in rows {
                evidence.extend(evidence_of(k));
            }
            let met = evidence.iter().filter(|e| e.status == Some(ItemStatus::Met)).count();
            let progress = evidence.iter().any(|e| {
                e.status == Some(ItemStatus::Met)
                    || (e.status == Some(ItemStatus::Unmet)
                        && items.get(e.item.as_str()).and_then(|(_, _, p)| *p).is_some_and(|p| p > 0))
            });
            let applicable = evidence.iter().filter(|e| e.status != Some(ItemStatus::NotApplicable)).count();
            let status = if applicable > 0 && met == applicable {
                EvidenceStatus::Supported
            } else if progress {
                EvidenceStatus::Partial
            } else {
                EvidenceStatus::NoEvidence
            };
            let top = target.scale_of(item).and_then(|s| {
                s.options.iter().filter(|o| !o.excluded).max_by_key(|o| o.points.unwrap_or(0)).map(|o| o.id.clone())
            });
            out.push(PrefillItem {
                category: SharedStr::from(&category.id),
                category_title: SharedStr::from(&category.title),
                item: SharedStr::from(&item.id),
                text: SharedStr::from(&item.text),
                status,
                suggested_answer: if status == EvidenceStatus::Supported { top.map(SharedStr::from) } else { None },
                evidence,
            });
        }
        let count = |s| out.iter().filter(|i| i.status == s).count();
        Ok(Prefill {
            notice: "A pre-fill from another instrument's answers, to start a review: never a claim of attestation. \
                     Confirm every item against the target instrument's own requirements."
                .to_owned(),
            from: report.instrument.clone(),
            to: target.reference(),
            organization: report.organization.clone(),
            assessed_on: report.assessed_on,
            supported: count(EvidenceStatus::Supported),
            partial: count(EvidenceStatus::Partial),
            no_evidence: count(EvidenceStatus::NoEvidence),
            rows: self.rows.clone(),
            items: out,
            engine: Engine::current(),
        })
    }
}

/// The most evidence entries a pre-fill holds (see [`Crosswalk::apply`]).
pub const MAX_EVIDENCE: usize = 1_000_000;

/// How much evidence a target item has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EvidenceStatus {
    /// Every mapped activity is at its top option.
    Supported,
    /// Some mapped activity shows progress, not all are at their top.
    Partial,
    /// No mapped activity, or none beyond the lowest option.
    NoEvidence,
}

/// One piece of evidence: a source item and how it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Evidence {
    /// The source item id.
    pub item: SharedStr,
    /// Its answer, `null` when unanswered.
    pub answer: Option<SharedStr>,
    /// Its status; `null` when the response's instrument has no such item.
    pub status: Option<ItemStatus>,
    /// The row's basis.
    pub basis: Basis,
    /// The row that gives this evidence: an index into the pre-fill's `rows`, where its
    /// rationale is written once.
    pub row: usize,
}

/// The pre-fill of one target item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct PrefillItem {
    /// Target category id.
    pub category: SharedStr,
    /// Target category title.
    pub category_title: SharedStr,
    /// Target item id.
    pub item: SharedStr,
    /// Target item statement.
    pub text: SharedStr,
    /// How much evidence there is.
    pub status: EvidenceStatus,
    /// The target's top option, only when supported: a suggestion to review, not an answer.
    pub suggested_answer: Option<SharedStr>,
    /// The evidence, row by row.
    pub evidence: Vec<Evidence>,
}

/// A pre-fill of one instrument from a response to another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Prefill {
    /// What this is and is not.
    pub notice: String,
    /// The instrument answered.
    pub from: InstrumentRef,
    /// The instrument pre-filled.
    pub to: InstrumentRef,
    /// The organization.
    pub organization: Organization,
    /// The date of the response used.
    #[serde(with = "crate::date::serde_date")]
    #[schemars(with = "crate::date::DateSchema")]
    pub assessed_on: jiff::civil::Date,
    /// Target items with full support.
    pub supported: usize,
    /// Target items with partial support.
    pub partial: usize,
    /// Target items without evidence.
    pub no_evidence: usize,
    /// The crosswalk rows, in the direction applied; evidence entries refer to them by index.
    pub rows: Vec<CrosswalkRow>,
    /// Every target item, in the target's order.
    pub items: Vec<PrefillItem>,
    /// The software that produced it.
    pub engine: Engine,
}

/// The built-in crosswalks, and lookup by instrument pair (either direction).
#[derive(Debug, Clone, Default)]
pub struct Crosswalks {
    all: Vec<Crosswalk>,
}

impl Crosswalks {
    /// The built-in crosswalks, parsed once.
    #[must_use]
    pub fn builtin() -> &'static Crosswalks {
        static BUILTIN: OnceLock<Crosswalks> = OnceLock::new();
        BUILTIN.get_or_init(|| Crosswalks {
            // Tests load and check every built-in file, so none is skipped here in practice.
            all: BUILTIN_CROSSWALK_FILES.iter().filter_map(|(_, text)| Crosswalk::from_json(text).ok()).collect(),
        })
    }

    /// A set holding these crosswalks.
    #[must_use]
    pub fn new(all: Vec<Crosswalk>) -> Self {
        Crosswalks { all }
    }

    /// Every crosswalk, as written.
    #[must_use]
    pub fn all(&self) -> &[Crosswalk] {
        &self.all
    }

    /// The crosswalk from the response's instrument to `to` (an instrument id), written in that
    /// direction or reversed.
    #[must_use]
    pub fn find(&self, from: &InstrumentRef, to: &str) -> Option<Crosswalk> {
        let forward = self.all.iter().find(|c| c.from.matches(&from.id, &from.version) && c.to.id == to);
        forward.cloned().or_else(|| {
            self.all.iter().find(|c| c.to.matches(&from.id, &from.version) && c.from.id == to).map(Crosswalk::reversed)
        })
    }
}

impl<'de> Deserialize<'de> for Crosswalk {
    /// The crosswalk reader (the one [`Crosswalk::from_json`] uses), from JSON: every problem
    /// is reported at once, in the error's message.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = <Box<serde_json::value::RawValue>>::deserialize(deserializer)?;
        Crosswalk::from_json(raw.get()).map_err(serde::de::Error::custom)
    }
}

/// Reads a crosswalk file, as far as it can be read; `None` when it is not an object or uses a
/// newer format.
fn read(value: &serde_json::Value, r: &mut R<'_>) -> Option<Crosswalk> {
    let Some(object) = value.as_object() else {
        r.push(JsonProblem::InvalidValue {
            pointer: String::new(),
            message: format!("a crosswalk is a JSON object, found {}", crate::json::describe(value)),
        });
        return None;
    };
    let format_version = r.format_version(object, CROSSWALK_FORMAT_VERSION)?;
    r.object(value, "", &["format_version", "from", "to", "description", "rows"]);
    let from = r.required_value(object, "", "from").and_then(|v| VersionRange::read(r, v, "/from"));
    let to = r.required_value(object, "", "to").and_then(|v| VersionRange::read(r, v, "/to"));
    let description = r.optional(object, "", "description");
    let rows = r.each(object, "", "rows", (limits::TOTAL_ITEMS, "the row list"), |r, v, at| {
        let o = r.object(v, at, &["from", "to", "basis", "rationale", "source"])?;
        let from = r.array(o, at, "from", limits::LIST, "the id list").map(<[serde_json::Value]>::to_vec);
        let from: Option<Vec<String>> = from.and_then(|list| {
            serde_json::from_value(serde_json::Value::Array(list))
                .map_err(|e| {
                    r.push(JsonProblem::InvalidValue {
                        pointer: crate::json::push_token(at, "from"),
                        message: crate::json::serde_message(&e),
                    })
                })
                .ok()
        });
        if from.as_ref().is_some_and(Vec::is_empty) {
            r.push(JsonProblem::InvalidValue {
                pointer: crate::json::push_token(at, "from"),
                message: "a row needs at least one item or category id".to_owned(),
            });
        }
        Some(CrosswalkRow {
            from: from?,
            to: r.required(o, at, "to")?,
            basis: r.required(o, at, "basis")?,
            rationale: r.required(o, at, "rationale")?,
            source: r.optional(o, at, "source"),
        })
    });
    let rows = rows?;
    let ids: usize = rows.iter().map(|row| row.from.len()).sum();
    if ids > MAX_CROSSWALK_IDS {
        r.push(JsonProblem::TooMany {
            pointer: "/rows".to_owned(),
            what: "the ids of all rows",
            count: ids,
            limit: MAX_CROSSWALK_IDS,
        });
    }
    Some(Crosswalk { format_version, from: from?, to: to?, description, rows })
}

/// The most `from` ids a crosswalk file lists over all its rows: reading it in reverse makes
/// one row of each.
const MAX_CROSSWALK_IDS: usize = 1_000_000;
