//! Instruments as data: the file format, its checks, and the checked [`Instrument`].
//!
//! An instrument file (format version [`FORMAT_VERSION`]) names its response scales, its
//! ordered categories of items, and its scoring: a category rule, an overall rule, and level
//! sets (bands on a percent). See [`InstrumentSpec`] for every field and `assessments/` for the
//! built-in files.

pub(crate) mod check;
mod error;
mod read;
mod spec;

use rustc_hash::FxHashMap;
use std::fmt;
use std::ops::Range;

use schemars::JsonSchema;
use semver::Version;
use serde::{Deserialize, Serialize};

use crate::SharedStr;

pub use error::{InstrumentError, InstrumentProblem};

use crate::problem::{JsonProblem, Problems};

/// The subject of an instrument file's problems.
const INSTRUMENT: &str = "instrument";

/// Reads an instrument file with the one reader of the format: the spec as far as it could be
/// read and the problems found so far, or every problem when nothing usable was read.
fn read_with_problems(text: &str) -> Result<(InstrumentSpec, Vec<InstrumentProblem>), InstrumentError> {
    use crate::json::reader::{Reader, Start};
    match Reader::start(text, crate::MAX_FILE_BYTES) {
        Start::Stopped(problem) => Err(Problems::one(INSTRUMENT, problem)),
        Start::Read(value, mut reader) => match read::read(&value, &mut reader) {
            Some(spec) => Ok((spec, reader.problems)),
            None => {
                let mut problems = reader.problems;
                problems.dedup();
                Err(refused(INSTRUMENT, problems))
            }
        },
    }
}

/// The structure of an instrument file, every problem of structure at once (for
/// `Deserialize`).
pub(crate) fn read_spec(text: &str) -> Result<InstrumentSpec, InstrumentError> {
    let (spec, problems) = read_with_problems(text)?;
    Problems::or_ok(INSTRUMENT, problems, spec)
}

/// The error of a file refused with these problems (never empty: a reader always says why).
fn refused(subject: impl Into<String>, problems: Vec<InstrumentProblem>) -> InstrumentError {
    let subject = subject.into();
    Problems::new(subject.clone(), problems).unwrap_or_else(|| {
        Problems::one(
            subject,
            JsonProblem::InvalidValue { pointer: String::new(), message: "the file could not be read".to_owned() }
                .into(),
        )
    })
}
pub use spec::{
    Alias, Category, CategoryScoring, Extensions, InstrumentSpec, Item, Level, LevelSet, Lifecycle, LifecycleStatus,
    OverallScoring, Provenance, Scale, ScaleOption, Scoring, Source,
};

pub(crate) use check::id_problem;

/// The newest instrument file format this crate reads (the `format_version` field).
pub const FORMAT_VERSION: u32 = 1;

/// Size limits applied while loading an instrument file.
pub(crate) mod limits {
    /// Categories in one instrument.
    pub(crate) const CATEGORIES: usize = 1_000;
    /// Items in one category.
    pub(crate) const ITEMS: usize = 10_000;
    /// Items over all categories.
    pub(crate) const TOTAL_ITEMS: usize = 100_000;
    /// Scales in one instrument.
    pub(crate) const SCALES: usize = 100;
    /// Options in one scale.
    pub(crate) const OPTIONS: usize = 100;
    /// Any other list (sources, level sets, levels, stages).
    pub(crate) const LIST: usize = 1_000;
}

/// Names one version of one instrument: `{"id": "heoa", "version": "1.0.0"}`, written
/// `heoa@1.0.0`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct InstrumentRef {
    /// The instrument id.
    pub id: SharedStr,
    /// The exact instrument version.
    #[schemars(
        with = "String",
        regex(pattern = r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
    )]
    pub version: Version,
}

impl InstrumentRef {
    /// A reference to `id` at `version`.
    #[must_use]
    pub fn new(id: impl Into<SharedStr>, version: Version) -> Self {
        InstrumentRef { id: id.into(), version }
    }
}

impl fmt::Display for InstrumentRef {
    /// `id@version`, honouring width, fill and alignment (`{:<20}`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.width().is_none() && f.precision().is_none() {
            return write!(f, "{}@{}", self.id, self.version);
        }
        f.pad(&format!("{}@{}", self.id, self.version))
    }
}

/// Text that is not `ID@VERSION` with an exact semantic version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not an instrument reference ID@VERSION with an exact version, such as heoa@1.0.0: {reason}")]
pub struct ParseInstrumentRefError {
    text: String,
    reason: String,
}

impl crate::problem::Problem for ParseInstrumentRefError {
    fn code(&self) -> &'static str {
        "invalid_instrument_ref"
    }

    fn location(&self) -> crate::problem::Location<'_> {
        crate::problem::Location::Inputs
    }
}

impl std::str::FromStr for InstrumentRef {
    type Err = ParseInstrumentRefError;

    /// `heoa@1.0.0`, as the command line writes references.
    ///
    /// ```
    /// use health_equity_assessment::InstrumentRef;
    ///
    /// let reference: InstrumentRef = "heoa@1.0.0".parse()?;
    /// assert_eq!(reference.id.as_str(), "heoa");
    /// assert_eq!(format!("[{reference:<12}]"), "[heoa@1.0.0  ]");
    /// assert!("heoa".parse::<InstrumentRef>().is_err());
    /// # Ok::<(), health_equity_assessment::ParseInstrumentRefError>(())
    /// ```
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = |reason: String| ParseInstrumentRefError { text: crate::json::clip(text), reason };
        let (id, version) = text.split_once('@').ok_or_else(|| error("no @".to_owned()))?;
        if id.is_empty() {
            return Err(error("the id is empty".to_owned()));
        }
        let version = version.parse::<Version>().map_err(|e| error(e.to_string()))?;
        Ok(InstrumentRef::new(id.to_owned(), version))
    }
}

/// A checked instrument: its file content plus lookup tables for validation and scoring.
///
/// Build one with [`from_json`](Self::from_json) or [`from_spec`](Self::from_spec), or take a
/// built-in one from the [`Registry`](crate::Registry). It serializes to, and deserializes from,
/// the instrument file format (deserializing runs the same checks).
///
/// ```
/// use health_equity_assessment::Registry;
///
/// let heoa = Registry::builtin().latest("heoa").unwrap();
/// assert_eq!(heoa.categories().len(), 7);
/// assert_eq!(heoa.item_count(), 33);
/// let (category, item) = heoa.item("data-validation.targets-set").unwrap();
/// assert_eq!(category.id, "data-validation");
/// assert!(item.text.contains("targets"));
/// ```
#[derive(Clone)]
pub struct Instrument {
    spec: InstrumentSpec,
    index: Index,
}

/// Lookup tables derived from the spec once, at load.
#[derive(Clone)]
pub(crate) struct Index {
    /// Every item in instrument order.
    pub(crate) items: Vec<ItemEntry>,
    // FxHash: the tables are fixed at load, so untrusted keys can only look up, never insert.
    item_lookup: FxHashMap<Box<str>, usize>,
    /// Items sorted by id, and each item's place in that order.
    sorted_items: Vec<usize>,
    sorted_position: Vec<usize>,
    /// Each item id, and each option id per scale, between quotes as JSON writes it (ids need
    /// no escapes): what the fast reader compares input bytes with.
    quoted_item_ids: Vec<Box<[u8]>>,
    quoted_option_ids: Vec<Vec<Box<[u8]>>>,
    /// A category's percent and level for `points` out of `max`, by `[max][points]`, for
    /// maxima up to [`SMALL_MAX`]: scoring looks them up instead of reducing fractions.
    pub(crate) small_percents: Vec<Vec<(Option<crate::Exact>, Option<usize>)>>,
    category_lookup: FxHashMap<Box<str>, usize>,
    /// Shared copies of the texts reports carry, so scoring does not copy strings.
    pub(crate) names: Names,
    /// Range of `items` per category.
    pub(crate) category_items: Vec<Range<usize>>,
    pub(crate) scales: Vec<ScaleEntry>,
    pub(crate) category_levels: usize,
    pub(crate) overall_levels: usize,
    /// The texts above as JSON strings, for the report writer (made on first use).
    pub(crate) json: crate::writer::JsonTextsCell,
}

/// Shared texts of an instrument, by index.
#[derive(Clone)]
pub(crate) struct Names {
    /// Item ids, instrument order.
    pub(crate) item_ids: Vec<SharedStr>,
    /// Item texts, instrument order.
    pub(crate) item_texts: Vec<SharedStr>,
    /// Category ids.
    pub(crate) category_ids: Vec<SharedStr>,
    /// Category titles.
    pub(crate) category_titles: Vec<SharedStr>,
    /// Option ids per scale.
    pub(crate) option_ids: Vec<Vec<SharedStr>>,
    /// (id, label) of each level, per level set.
    pub(crate) levels: Vec<Vec<(SharedStr, SharedStr)>>,
    /// `id@version`.
    pub(crate) reference: InstrumentRef,
}

impl Names {
    /// The same names with program-long text, so clones into reports update no counters.
    fn leak(&self) -> Names {
        let all = |list: &[SharedStr]| list.iter().map(SharedStr::leak).collect();
        Names {
            item_ids: all(&self.item_ids),
            item_texts: all(&self.item_texts),
            category_ids: all(&self.category_ids),
            category_titles: all(&self.category_titles),
            option_ids: self.option_ids.iter().map(|ids| all(ids)).collect(),
            levels: self
                .levels
                .iter()
                .map(|set| set.iter().map(|(id, label)| (id.leak(), label.leak())).collect())
                .collect(),
            reference: InstrumentRef::new(self.reference.id.leak(), self.reference.version.clone()),
        }
    }
}

#[derive(Clone, Copy)]
pub(crate) struct ItemEntry {
    pub(crate) category: usize,
    pub(crate) position: usize,
    pub(crate) scale: usize,
    /// Stage index for the cumulative rule.
    pub(crate) stage: Option<usize>,
}

#[derive(Clone)]
pub(crate) struct ScaleEntry {
    /// The highest points of any scored option: an item is met at this value.
    pub(crate) top: u32,
    /// `None` for excluded options.
    pub(crate) points: Vec<Option<u32>>,
    /// Prefix of each option id, for matching answers.
    pub(crate) prefixes: Vec<IdPrefix>,
}

/// The length and first eight bytes of an id. Matching an answer against a scale compares
/// these integers, so only a likely match is compared byte by byte (and none when the id is at
/// most eight bytes, which the prefix then holds whole).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct IdPrefix {
    len: usize,
    head: u64,
}

impl IdPrefix {
    pub(crate) fn of(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut head = [0u8; 8];
        let n = bytes.len().min(8);
        head[..n].copy_from_slice(&bytes[..n]);
        IdPrefix { len: bytes.len(), head: u64::from_le_bytes(head) }
    }

    /// Whether the prefix is the whole id.
    fn is_whole(self) -> bool {
        self.len <= 8
    }
}

impl Instrument {
    /// Parses and checks an instrument file, reporting every problem found.
    ///
    /// # Errors
    /// [`InstrumentError`] listing each problem with its JSON Pointer: invalid JSON, duplicate
    /// keys, unknown or missing fields, wrong types, bad semver, a newer `format_version`,
    /// invalid or duplicate ids, unknown scales or level sets, empty categories, bands that do
    /// not start at 0 or do not increase, and more (see [`InstrumentProblem`]).
    ///
    /// ```
    /// use health_equity_assessment::Instrument;
    ///
    /// let text = include_str!("../../assessments/heoa/1.0.0.json");
    /// let heoa = Instrument::from_json(text)?;
    /// assert_eq!(heoa.reference().to_string(), "heoa@1.0.0");
    /// # Ok::<(), health_equity_assessment::InstrumentError>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Self, InstrumentError> {
        let (spec, problems) = read_with_problems(text)?;
        Self::checked(spec, problems)
    }

    /// [`from_json`](Self::from_json) for an instrument kept until the program ends (the
    /// built-in registry, made once per process): its names are leaked on purpose, so every
    /// report that clones them skips an atomic counter update and its matching release.
    pub(crate) fn from_json_for_program(text: &str) -> Result<Self, InstrumentError> {
        let mut instrument = Self::from_json(text)?;
        instrument.index.names = instrument.index.names.leak();
        Ok(instrument)
    }

    /// [`from_json`](Self::from_json) on bytes: invalid UTF-8 is a
    /// `not_utf8` problem; a leading byte-order mark is ignored.
    ///
    /// # Errors
    /// As for [`from_json`](Self::from_json).
    pub fn from_slice(bytes: &[u8]) -> Result<Self, InstrumentError> {
        match std::str::from_utf8(bytes) {
            Ok(text) => Self::from_json(text),
            Err(e) => Err(InstrumentError::one(INSTRUMENT, JsonProblem::NotUtf8 { offset: e.valid_up_to() }.into())),
        }
    }

    /// Checks an instrument specification changed in code.
    ///
    /// Instruments are written as JSON: an [`InstrumentSpec`] comes from deserializing a file
    /// (or from [`spec`](Self::spec) of a loaded instrument, cloned) and has no constructor of
    /// its own (it is `#[non_exhaustive]`), but its fields are public, so code can derive an
    /// edition from another and check it here with every check of [`from_json`](Self::from_json).
    ///
    /// ```
    /// use health_equity_assessment::{Instrument, Registry, Version};
    ///
    /// let mut spec = Registry::builtin().latest("heoa").unwrap().spec().clone();
    /// spec.version = Version::new(1, 0, 1);
    /// spec.title = "Health Equity Organizational Assessment, local edition".to_owned();
    /// let edition = Instrument::from_spec(spec.clone())?;
    /// assert_eq!(edition.reference().to_string(), "heoa@1.0.1");
    ///
    /// // A broken edition is refused with every problem.
    /// spec.categories.clear();
    /// assert!(Instrument::from_spec(spec).is_err());
    /// # Ok::<(), health_equity_assessment::InstrumentError>(())
    /// ```
    ///
    /// # Errors
    /// [`InstrumentError`] as for [`from_json`](Self::from_json), without the JSON-level
    /// problems.
    pub fn from_spec(spec: InstrumentSpec) -> Result<Self, InstrumentError> {
        let mut problems = Vec::new();
        if spec.format_version == 0 || spec.format_version > FORMAT_VERSION {
            problems.push(InstrumentProblem::Json(JsonProblem::InvalidValue {
                pointer: "/format_version".to_owned(),
                message: format!(
                    "format_version {} is not supported (this crate reads {FORMAT_VERSION})",
                    spec.format_version
                ),
            }));
        }
        Self::checked(spec, problems)
    }

    fn checked(spec: InstrumentSpec, mut problems: Vec<InstrumentProblem>) -> Result<Self, InstrumentError> {
        check::check(&spec, &mut problems);
        if problems.is_empty() {
            match Index::build(&spec) {
                Some(index) => return Ok(Instrument { spec, index }),
                // The checks above catch every dangling reference; never fail silently.
                None => problems.push(InstrumentProblem::Json(JsonProblem::InvalidValue {
                    pointer: String::new(),
                    message: "the instrument refers to a scale, stage or level set it does not define".to_owned(),
                })),
            }
        }
        let subject = if !spec.id.is_empty() && id_problem(&spec.id).is_none() {
            format!("{INSTRUMENT} {}@{}", spec.id, spec.version)
        } else {
            INSTRUMENT.to_owned()
        };
        Err(refused(subject, problems))
    }

    /// The file content.
    #[must_use]
    pub fn spec(&self) -> &InstrumentSpec {
        &self.spec
    }

    /// The instrument id.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.spec.id
    }

    /// The instrument version.
    #[must_use]
    pub fn version(&self) -> &Version {
        &self.spec.version
    }

    /// `id@version`.
    #[must_use]
    pub fn reference(&self) -> InstrumentRef {
        self.index.names.reference.clone()
    }

    /// The title.
    #[must_use]
    pub fn title(&self) -> &str {
        &self.spec.title
    }

    /// The categories in order.
    #[must_use]
    pub fn categories(&self) -> &[Category] {
        &self.spec.categories
    }

    /// The scales.
    #[must_use]
    pub fn scales(&self) -> &[Scale] {
        &self.spec.scales
    }

    /// The scoring rules and level sets.
    #[must_use]
    pub fn scoring(&self) -> &Scoring {
        &self.spec.scoring
    }

    /// The number of items over all categories.
    #[must_use]
    pub fn item_count(&self) -> usize {
        self.index.items.len()
    }

    /// The category with this id.
    #[must_use]
    pub fn category(&self, id: &str) -> Option<&Category> {
        self.index.category_lookup.get(id).and_then(|&k| self.spec.categories.get(k))
    }

    /// The item with this id and its category.
    #[must_use]
    pub fn item(&self, id: &str) -> Option<(&Category, &Item)> {
        let entry = self.index.items.get(*self.index.item_lookup.get(id)?)?;
        let category = self.spec.categories.get(entry.category)?;
        Some((category, category.items.get(entry.position)?))
    }

    /// The scale answering an item.
    #[must_use]
    pub fn scale_of(&self, item: &Item) -> Option<&Scale> {
        self.spec.scales.iter().find(|s| s.id == item.scale)
    }

    /// Items in instrument order, each with its category.
    pub fn items(&self) -> impl Iterator<Item = (&Category, &Item)> {
        self.spec.categories.iter().flat_map(|c| c.items.iter().map(move |i| (c, i)))
    }

    /// Where the instrument stands in its life, when its file says (none: active).
    #[must_use]
    pub fn lifecycle(&self) -> Option<&Lifecycle> {
        self.spec.lifecycle.as_ref()
    }

    /// The instrument's status: its lifecycle's, or `active` without one.
    ///
    /// ```
    /// use health_equity_assessment::{LifecycleStatus, Registry};
    ///
    /// let registry = Registry::builtin();
    /// assert_eq!(registry.latest("heoa").unwrap().status(), LifecycleStatus::Active);
    /// assert_eq!(registry.latest("cms-hche").unwrap().status(), LifecycleStatus::Retired);
    /// ```
    #[must_use]
    pub fn status(&self) -> LifecycleStatus {
        self.spec.lifecycle.as_ref().map_or(LifecycleStatus::Active, |l| l.status)
    }

    /// The level set banding category percents.
    #[must_use]
    pub fn category_levels(&self) -> &LevelSet {
        &self.spec.scoring.level_sets[self.index.category_levels]
    }

    /// The level set banding the overall percent.
    #[must_use]
    pub fn overall_levels(&self) -> &LevelSet {
        &self.spec.scoring.level_sets[self.index.overall_levels]
    }

    pub(crate) fn index(&self) -> &Index {
        &self.index
    }

    /// Global index of an item id (instrument order).
    pub(crate) fn item_index(&self, id: &str) -> Option<usize> {
        self.index.item_lookup.get(id).copied()
    }

    /// The item at position `position` of the items sorted by id.
    pub(crate) fn sorted_item(&self, position: usize) -> Option<usize> {
        self.index.sorted_items.get(position).copied()
    }

    /// The item ids between quotes, instrument order.
    pub(crate) fn quoted_item_ids(&self) -> &[Box<[u8]>] {
        &self.index.quoted_item_ids
    }

    /// The option ids of item `item`'s scale, between quotes.
    pub(crate) fn quoted_option_ids(&self, item: usize) -> Option<&[Box<[u8]>]> {
        self.index.quoted_option_ids.get(self.index.items.get(item)?.scale).map(Vec::as_slice)
    }

    /// The position of item `item` among the items sorted by id.
    pub(crate) fn sorted_position(&self, item: usize) -> usize {
        self.index.sorted_position.get(item).copied().unwrap_or(usize::MAX - 1)
    }

    /// Index of a category id.
    pub(crate) fn category_index(&self, id: &str) -> Option<usize> {
        self.index.category_lookup.get(id).copied()
    }

    /// The option index of `option` in the scale of item `item` (global index).
    pub(crate) fn option_index(&self, item: usize, option: &str) -> Option<usize> {
        let at = self.index.items.get(item)?.scale;
        let (options, prefixes) = (&self.spec.scales.get(at)?.options, &self.index.scales.get(at)?.prefixes);
        let wanted = IdPrefix::of(option);
        prefixes.iter().zip(options).position(|(p, o)| *p == wanted && (wanted.is_whole() || o.id == option))
    }
}

/// The largest category maximum whose percents and levels are tabulated.
pub(crate) const SMALL_MAX: u64 = 64;

impl Index {
    /// Builds the tables; `None` only if the spec was not checked (a reference is dangling).
    fn build(spec: &InstrumentSpec) -> Option<Index> {
        let scale_pos = |id: &str| spec.scales.iter().position(|s| s.id == id);
        let stages = spec.scoring.category.rule.stages();
        let mut items = Vec::new();
        let mut item_lookup = FxHashMap::default();
        let mut category_lookup = FxHashMap::default();
        let mut category_items = Vec::new();
        for (k, category) in spec.categories.iter().enumerate() {
            category_lookup.insert(category.id.clone().into_boxed_str(), k);
            let start = items.len();
            for (position, item) in category.items.iter().enumerate() {
                let stage = match (stages, &item.stage) {
                    (Some(stages), Some(stage)) => Some(stages.iter().position(|s| s.id == *stage)?),
                    _ => None,
                };
                item_lookup.insert(item.id.clone().into_boxed_str(), items.len());
                items.push(ItemEntry { category: k, position, scale: scale_pos(&item.scale)?, stage });
            }
            category_items.push(start..items.len());
        }
        let scales = spec
            .scales
            .iter()
            .map(|s| {
                let points: Vec<Option<u32>> =
                    s.options.iter().map(|o| if o.excluded { None } else { o.points }).collect();
                let prefixes = s.options.iter().map(|o| IdPrefix::of(&o.id)).collect();
                Some(ScaleEntry { top: points.iter().flatten().copied().max()?, points, prefixes })
            })
            .collect::<Option<Vec<_>>>()?;
        let set = |id: &str| spec.scoring.level_sets.iter().position(|s| s.id == id);
        let all_items = || spec.categories.iter().flat_map(|c| &c.items);
        let names = Names {
            item_ids: all_items().map(|i| SharedStr::from(&i.id)).collect(),
            item_texts: all_items().map(|i| SharedStr::from(&i.text)).collect(),
            category_ids: spec.categories.iter().map(|c| SharedStr::from(&c.id)).collect(),
            category_titles: spec.categories.iter().map(|c| SharedStr::from(&c.title)).collect(),
            option_ids: spec
                .scales
                .iter()
                .map(|s| s.options.iter().map(|o| SharedStr::from(&o.id)).collect())
                .collect(),
            levels: spec
                .scoring
                .level_sets
                .iter()
                .map(|s| s.levels.iter().map(|l| (SharedStr::from(&l.id), SharedStr::from(&l.label))).collect())
                .collect(),
            reference: InstrumentRef::new(spec.id.as_str(), spec.version.clone()),
        };
        let quote = |id: &SharedStr| format!("\"{id}\"").into_bytes().into_boxed_slice();
        let quoted_item_ids = names.item_ids.iter().map(quote).collect();
        let quoted_option_ids = names.option_ids.iter().map(|ids| ids.iter().map(quote).collect()).collect();
        let category_set = spec.scoring.level_sets.get(set(&spec.scoring.category.levels)?)?;
        let small_percents = (0..=SMALL_MAX)
            .map(|max| {
                (0..=max)
                    .map(|points| {
                        let percent = crate::Exact::percent(points, max);
                        let level = percent.as_ref().and_then(|p| crate::level_for(category_set, p)).map(|(i, _)| i);
                        (percent, level)
                    })
                    .collect()
            })
            .collect();
        let mut sorted_items: Vec<usize> = (0..names.item_ids.len()).collect();
        sorted_items.sort_by(|a, b| names.item_ids[*a].as_str().cmp(names.item_ids[*b].as_str()));
        let mut sorted_position = vec![0; sorted_items.len()];
        for (position, item) in sorted_items.iter().enumerate() {
            sorted_position[*item] = position;
        }
        Some(Index {
            items,
            item_lookup,
            sorted_items,
            sorted_position,
            quoted_item_ids,
            quoted_option_ids,
            small_percents,
            category_lookup,
            names,
            category_items,
            scales,
            category_levels: set(&spec.scoring.category.levels)?,
            overall_levels: set(&spec.scoring.overall.levels)?,
            json: crate::writer::JsonTextsCell::new(),
        })
    }
}

impl fmt::Debug for Instrument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Instrument")
            .field("id", &self.spec.id)
            .field("version", &self.spec.version.to_string())
            .field("categories", &self.spec.categories.len())
            .field("items", &self.index.items.len())
            .finish_non_exhaustive()
    }
}

impl PartialEq for Instrument {
    fn eq(&self, other: &Self) -> bool {
        self.spec == other.spec
    }
}

impl Serialize for Instrument {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.spec.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Instrument {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spec = InstrumentSpec::deserialize(deserializer)?;
        Instrument::from_spec(spec).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Instrument {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        InstrumentSpec::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        InstrumentSpec::json_schema(generator)
    }
}
