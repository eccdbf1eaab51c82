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
//! use health_equity_assessment::crosswalk::{Crosswalks, EvidenceStatus};
//!
//! let registry = Registry::builtin();
//! let report = registry.validate_json(include_str!("../examples/heoa-follow-up.json"))?.score();
//! let hche = registry.latest("cms-hche").unwrap();
//! let crosswalk = Crosswalks::builtin().find(&report.instrument, "cms-hche").unwrap();
//! let prefill = crosswalk.apply(&report, hche);
//! let structured = prefill.items.iter().find(|i| i.item == "data-collection.structured-ehr").unwrap();
//! assert_eq!(structured.status, EvidenceStatus::Supported);
//! let plan_review = prefill.items.iter().find(|i| i.item == "leadership-engagement.annual-plan-review").unwrap();
//! assert_eq!(plan_review.status, EvidenceStatus::NoEvidence);
//! # Ok::<(), health_equity_assessment::ResponseError>(())
//! ```

use std::collections::HashMap;
use std::sync::OnceLock;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::instrument::{Instrument, InstrumentRef};
use crate::json::clip;
use crate::progress::VersionRange;
use crate::response::{DateSchema, Organization};
use crate::score::{Engine, ItemStatus, ScoreReport, date_serde};
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
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
    /// Why the rows correspond.
    pub rationale: String,
    /// The published source, for `official` rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub source: Option<String>,
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

/// Why a crosswalk file is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CrosswalkError {
    /// Not JSON, or not the crosswalk shape.
    #[error("crosswalk: line {line}, column {column}: {message}")]
    Invalid {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser found.
        message: String,
    },
    /// The file uses a newer format.
    #[error("crosswalk: format_version {found} is newer than this crate understands ({supported})")]
    FormatTooNew {
        /// The version in the file.
        found: u32,
        /// The newest version read.
        supported: u32,
    },
    /// A row names an id that the instrument it refers to does not have.
    #[error("crosswalk {crosswalk}: /rows/{row}/{side}: {id:?} is not an item or category of {instrument}")]
    UnknownId {
        /// `from → to` of the crosswalk.
        crosswalk: String,
        /// The row index.
        row: usize,
        /// `from` or `to`.
        side: &'static str,
        /// The id.
        id: String,
        /// The instrument checked against.
        instrument: String,
    },
    /// An `official` row without a source.
    #[error("crosswalk {crosswalk}: /rows/{row}: an official row needs a \"source\"")]
    MissingSource {
        /// `from → to` of the crosswalk.
        crosswalk: String,
        /// The row index.
        row: usize,
    },
}

impl CrosswalkError {
    /// A stable machine-readable code, e.g. `unknown_crosswalk_id`.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            CrosswalkError::Invalid { .. } => "invalid_crosswalk",
            CrosswalkError::FormatTooNew { .. } => "format_too_new",
            CrosswalkError::UnknownId { .. } => "unknown_crosswalk_id",
            CrosswalkError::MissingSource { .. } => "missing_source",
        }
    }
}

impl Crosswalk {
    /// Parses a crosswalk file. Ids are checked against instruments by [`check`](Self::check).
    ///
    /// # Errors
    /// [`CrosswalkError`] for invalid JSON or shape (with line and column), or a newer format.
    pub fn from_json(text: &str) -> Result<Self, CrosswalkError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let crosswalk: Crosswalk = serde_json::from_str(text).map_err(|e| CrosswalkError::Invalid {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        if crosswalk.format_version > CROSSWALK_FORMAT_VERSION {
            return Err(CrosswalkError::FormatTooNew {
                found: crosswalk.format_version,
                supported: CROSSWALK_FORMAT_VERSION,
            });
        }
        Ok(crosswalk)
    }

    /// Checks every id against the two instruments.
    ///
    /// # Errors
    /// Every [`CrosswalkError::UnknownId`] and [`CrosswalkError::MissingSource`] found.
    pub fn check(&self, from: &Instrument, to: &Instrument) -> Result<(), Vec<CrosswalkError>> {
        let name = format!("{} → {}", self.from, self.to);
        let known = |i: &Instrument, id: &str| i.item(id).is_some() || i.category(id).is_some();
        let mut problems = Vec::new();
        for (row, r) in self.rows.iter().enumerate() {
            for id in &r.from {
                if !known(from, id) {
                    problems.push(CrosswalkError::UnknownId {
                        crosswalk: name.clone(),
                        row,
                        side: "from",
                        id: clip(id),
                        instrument: from.reference().to_string(),
                    });
                }
            }
            if !known(to, &r.to) {
                problems.push(CrosswalkError::UnknownId {
                    crosswalk: name.clone(),
                    row,
                    side: "to",
                    id: clip(&r.to),
                    instrument: to.reference().to_string(),
                });
            }
            if r.basis == Basis::Official && r.source.as_deref().is_none_or(|s| s.trim().is_empty()) {
                problems.push(CrosswalkError::MissingSource { crosswalk: name.clone(), row });
            }
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
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
    #[must_use]
    pub fn apply(&self, report: &ScoreReport, target: &Instrument) -> Prefill {
        // Item statuses and answers of the response, by item id and by category id.
        let mut items: HashMap<&str, (&SharedStr, Option<&SharedStr>, ItemStatus)> = HashMap::new();
        let mut categories: HashMap<&str, Vec<&str>> = HashMap::new();
        for c in &report.categories {
            for i in &c.items {
                items.insert(i.id.as_str(), (&c.id, i.answer.as_ref(), i.status));
                categories.entry(c.id.as_str()).or_default().push(i.id.as_str());
            }
        }
        let mut out = Vec::new();
        for (category, item) in target.items() {
            let rows = self.rows.iter().filter(|r| r.to == item.id || r.to == category.id);
            let mut evidence = Vec::new();
            for row in rows {
                for id in &row.from {
                    let ids: Vec<&str> = match categories.get(id.as_str()) {
                        Some(members) => members.clone(),
                        None => vec![id.as_str()],
                    };
                    for source in ids {
                        let (answer, status) =
                            items.get(source).map_or((None, None), |(_, a, s)| (a.cloned(), Some(*s)));
                        evidence.push(Evidence {
                            item: SharedStr::from(source),
                            answer,
                            status,
                            basis: row.basis,
                            rationale: row.rationale.clone(),
                        });
                    }
                }
            }
            let met = evidence.iter().filter(|e| e.status == Some(ItemStatus::Met)).count();
            let progress = evidence.iter().any(|e| {
                e.status == Some(ItemStatus::Met)
                    || (e.status == Some(ItemStatus::Unmet) && report_points(report, &e.item).is_some_and(|p| p > 0))
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
        Prefill {
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
            items: out,
            engine: Engine::current(),
        }
    }
}

fn report_points(report: &ScoreReport, item: &str) -> Option<u32> {
    report.categories.iter().flat_map(|c| &c.items).find(|i| i.id == *item).and_then(|i| i.points)
}

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
    /// The row's rationale.
    pub rationale: String,
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
    #[serde(with = "date_serde")]
    #[schemars(with = "DateSchema")]
    pub assessed_on: jiff::civil::Date,
    /// Target items with full support.
    pub supported: usize,
    /// Target items with partial support.
    pub partial: usize,
    /// Target items without evidence.
    pub no_evidence: usize,
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
