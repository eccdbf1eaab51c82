//! Instruments by id and version: the built-in ones, embedded in the crate, plus any loaded at
//! run time.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use semver::{Version, VersionReq};

use crate::instrument::{Instrument, InstrumentRef};

/// The instrument files embedded in the crate, by path under `assessments/`.
///
/// Every file under `assessments/` must be listed here (a test checks), and every entry must
/// load without problems (another test checks), so [`Registry::builtin`] cannot fail.
pub const BUILTIN_FILES: &[(&str, &str)] = &[
    ("cms-hche/1.0.0.json", include_str!("../assessments/cms-hche/1.0.0.json")),
    ("heoa/1.0.0.json", include_str!("../assessments/heoa/1.0.0.json")),
    ("ihi-five-component/1.0.0.json", include_str!("../assessments/ihi-five-component/1.0.0.json")),
    ("tjc-ld-04-03-08/1.0.0.json", include_str!("../assessments/tjc-ld-04-03-08/1.0.0.json")),
];

/// A set of instruments, at most one per id and exact version, iterated by id then version.
///
/// ```
/// use health_equity_assessment::Registry;
/// use health_equity_assessment::{Version, VersionReq};
///
/// let registry = Registry::builtin();
/// let exact = registry.by_version("heoa", &Version::new(1, 0, 0)).unwrap();
/// let newest_1x = registry.by_requirement("heoa", &VersionReq::parse("^1").unwrap()).unwrap();
/// assert_eq!(exact.version(), newest_1x.version());
/// assert!(registry.by_version("heoa", &Version::new(9, 0, 0)).is_none());
/// ```
#[derive(Debug, Clone, Default)]
pub struct Registry {
    instruments: BTreeMap<String, BTreeMap<Version, Instrument>>,
}

/// Returned by [`Registry::insert`] when the registry already holds that id and version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the registry already holds instrument {instrument}")]
pub struct DuplicateInstrument {
    /// The instrument that was not inserted.
    pub instrument: InstrumentRef,
}

impl crate::problem::Problem for DuplicateInstrument {
    fn code(&self) -> &'static str {
        "duplicate_instrument"
    }

    fn location(&self) -> crate::problem::Location<'_> {
        crate::problem::Location::Inputs
    }
}

/// One instrument as `equity-assess instruments --format json` lists it.
///
/// ```
/// use health_equity_assessment::{InstrumentListing, Registry};
///
/// let listing: Vec<InstrumentListing> = Registry::builtin().iter().map(InstrumentListing::of).collect();
/// assert_eq!(listing[1].id, "heoa");
/// assert_eq!((listing[1].categories, listing[1].items), (7, 33));
/// assert_eq!(listing[0].status.as_str(), "retired"); // cms-hche
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct InstrumentListing {
    /// Instrument id.
    pub id: String,
    /// Version.
    pub version: String,
    /// Title.
    pub title: String,
    /// Number of categories.
    pub categories: usize,
    /// Number of items.
    pub items: usize,
    /// `active`, `superseded`, `retired` or `suspended` (`active` without a lifecycle).
    #[serde(default)]
    pub status: crate::LifecycleStatus,
    /// The lifecycle details (dates, successor, current name), when the file has a lifecycle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<crate::InstrumentStatus>,
}

impl InstrumentListing {
    /// The listing of one instrument.
    #[must_use]
    pub fn of(instrument: &Instrument) -> Self {
        InstrumentListing {
            id: instrument.id().to_owned(),
            version: instrument.version().to_string(),
            title: instrument.title().to_owned(),
            categories: instrument.categories().len(),
            items: instrument.item_count(),
            status: instrument.status(),
            lifecycle: crate::InstrumentStatus::of(instrument),
        }
    }
}

impl Registry {
    /// An empty registry.
    #[must_use]
    pub fn new() -> Self {
        Registry::default()
    }

    /// The built-in instruments, parsed once on first use.
    #[must_use]
    pub fn builtin() -> &'static Registry {
        static BUILTIN: OnceLock<Registry> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            let mut registry = Registry::new();
            for (path, text) in BUILTIN_FILES {
                // The tests load every built-in file, so a failure here is a build defect.
                match Instrument::from_json_for_program(text) {
                    Ok(instrument) => {
                        let _ = registry.insert(instrument);
                    }
                    Err(e) => unreachable!("built-in instrument {path} is invalid: {e}"),
                }
            }
            registry
        })
    }

    /// Adds an instrument.
    ///
    /// # Errors
    /// [`DuplicateInstrument`] when the same id and version is already present (instruments are
    /// immutable once released: a changed file needs a new version).
    pub fn insert(&mut self, instrument: Instrument) -> Result<(), DuplicateInstrument> {
        let versions = self.instruments.entry(instrument.id().to_owned()).or_default();
        if versions.contains_key(instrument.version()) {
            return Err(DuplicateInstrument { instrument: instrument.reference() });
        }
        versions.insert(instrument.version().clone(), instrument);
        Ok(())
    }

    /// The instrument with this id and exact version.
    ///
    /// ```
    /// use health_equity_assessment::{Registry, Version};
    ///
    /// let heoa = Registry::builtin().by_version("heoa", &Version::new(1, 0, 0)).unwrap();
    /// assert_eq!(heoa.reference().to_string(), "heoa@1.0.0");
    /// ```
    #[must_use]
    pub fn by_version(&self, id: &str, version: &Version) -> Option<&Instrument> {
        self.instruments.get(id)?.get(version)
    }

    /// The instrument a reference (`heoa@1.0.0`, as in a response's `instrument`) names.
    ///
    /// ```
    /// use health_equity_assessment::{InstrumentRef, Registry};
    ///
    /// let reference: InstrumentRef = "heoa@1.0.0".parse()?;
    /// assert!(Registry::builtin().by_reference(&reference).is_some());
    /// # Ok::<(), health_equity_assessment::ParseInstrumentRefError>(())
    /// ```
    #[must_use]
    pub fn by_reference(&self, reference: &InstrumentRef) -> Option<&Instrument> {
        self.by_version(&reference.id, &reference.version)
    }

    /// The highest version of `id` matching a semver requirement (`^1`, `>=1.2, <2`).
    ///
    /// ```
    /// use health_equity_assessment::{Registry, VersionReq};
    ///
    /// let newest_1x = Registry::builtin().by_requirement("heoa", &VersionReq::parse("^1")?).unwrap();
    /// assert_eq!(newest_1x.version().major, 1);
    /// # Ok::<(), health_equity_assessment::SemverError>(())
    /// ```
    #[must_use]
    pub fn by_requirement(&self, id: &str, requirement: &VersionReq) -> Option<&Instrument> {
        self.instruments.get(id)?.iter().rev().find(|(v, _)| requirement.matches(v)).map(|(_, i)| i)
    }

    /// The highest version of `id`.
    ///
    /// ```
    /// use health_equity_assessment::Registry;
    ///
    /// assert!(Registry::builtin().latest("ihi-five-component").is_some());
    /// ```
    #[must_use]
    pub fn latest(&self, id: &str) -> Option<&Instrument> {
        self.instruments.get(id)?.values().next_back()
    }

    /// Renamed [`by_version`](Self::by_version).
    #[deprecated(since = "0.3.0", note = "renamed `by_version`: the lookup names say what they take")]
    #[must_use]
    pub fn get(&self, id: &str, version: &Version) -> Option<&Instrument> {
        self.by_version(id, version)
    }

    /// Renamed [`by_reference`](Self::by_reference).
    #[deprecated(since = "0.3.0", note = "renamed `by_reference`: the lookup names say what they take")]
    #[must_use]
    pub fn resolve(&self, reference: &InstrumentRef) -> Option<&Instrument> {
        self.by_reference(reference)
    }

    /// Renamed [`by_requirement`](Self::by_requirement).
    #[deprecated(since = "0.3.0", note = "renamed `by_requirement`: the lookup names say what they take")]
    #[must_use]
    pub fn find(&self, id: &str, requirement: &VersionReq) -> Option<&Instrument> {
        self.by_requirement(id, requirement)
    }

    /// The versions held for `id`, lowest first.
    pub fn versions(&self, id: &str) -> impl Iterator<Item = &Version> {
        self.instruments.get(id).into_iter().flat_map(BTreeMap::keys)
    }

    /// Every instrument, by id then version.
    pub fn iter(&self) -> impl Iterator<Item = &Instrument> {
        self.instruments.values().flat_map(BTreeMap::values)
    }

    /// The number of instruments.
    #[must_use]
    pub fn len(&self) -> usize {
        self.instruments.values().map(BTreeMap::len).sum()
    }

    /// Whether the registry is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.instruments.is_empty()
    }
}
