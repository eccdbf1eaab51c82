//! FHIR R4 interoperability (feature `fhir`): instruments as `Questionnaire`s, responses as
//! `QuestionnaireResponse`s, and the way back.
//!
//! Hospitals' systems speak HL7 FHIR. This module writes an [`Instrument`] as a FHIR R4
//! [`Questionnaire`] that form renderers (SDC, LHC-Forms, EHR apps) can display and score, writes
//! a [`ValidatedResponse`] as a [`QuestionnaireResponse`], and reads a
//! `QuestionnaireResponse` back into a [`Response`] document, refusing anything that does not
//! fit the instrument. The types are hand-written serde structs for the elements used here (no
//! FHIR model crate); unknown elements are ignored on read.
//!
//! # The mapping
//!
//! | this crate | FHIR R4 |
//! |---|---|
//! | instrument `id`, `version` | `Questionnaire.url` = `{base}/Questionnaire/{id}`, `Questionnaire.version` = the semver |
//! | instrument `title`, `publisher`, `description` | the same elements; `name` = [`computable_name`] of the id; `status` = `active`; `subjectType` = `Organization` |
//! | category | `item` of type `group`, linkId = category id, text = title |
//! | item (key activity) | `item` of type `choice` in its category's group, linkId = item id, text = item text, shown as radio buttons (`questionnaire-itemControl` `radio-button`) |
//! | focus categories (question) | a last top-level `choice` item, linkId [`FOCUS_CATEGORIES_LINK_ID`], `repeats`, check boxes, one `answerOption.valueCoding` per category: system [`FhirOptions::category_system_url`], code = category id, display = title |
//! | scale option | `answerOption.valueCoding`: system `{base}/CodeSystem/{instrument id}.{scale id}`, code = option id, display = label |
//! | option `points` | `itemWeight` and `ordinalValue` extensions (`valueDecimal`) on that coding; none on excluded (not applicable) options |
//! | response `instrument` | `QuestionnaireResponse.questionnaire` = `{base}/Questionnaire/{id}\|{version}` |
//! | `organization` {id, name} | `subject` = `{"reference": "Organization/{id}", "display": name}` (by `identifier` when the id is not a FHIR id); on import also an `author` that references an Organization, or [`FhirOptions::with_organization`] when the resource names none |
//! | `assessed_on` | `authored` = the date, `YYYY-MM-DD`; on import, the date in the offset written |
//! | `answers` | one group item per category with answers, holding `{linkId, text, answer: [{valueCoding: {system, code, display}}]}`; unanswered items are left out |
//! | `notes` | a `{base}/StructureDefinition/item-note` extension (`valueString`) on the item |
//! | `focus_categories` | `{base}/StructureDefinition/focus-category` extensions (`valueCode`) on the resource, in order; on import also the answers (codings) of the focus-categories question, as a form filler writes them |
//! | `extensions` | one `{base}/StructureDefinition/response-extensions` extension (`valueString`: the JSON object) |
//!
//! `{base}` is [`FhirOptions::canonical_base`], by default
//! `https://health-equity-assessment.example/fhir` ([`DEFAULT_CANONICAL_BASE`]). The `.example`
//! top-level domain is reserved (RFC 2606) and resolves nowhere: **a deployment sets its own
//! base**, a URL it controls, with [`FhirOptions::new`], and uses the same base to export and to
//! import. The code system and extension URLs are identifiers; nothing is fetched from them.
//!
//! Exporting then importing gives back the same response document and the same
//! [`ScoreReport`](crate::ScoreReport), with one exception forced by FHIR (which has no empty
//! strings, lists or objects): empty notes, an empty `notes` object, an empty
//! `focus_categories` list and an empty organization name come back absent.
//!
//! On import, `authored` may be a full date or a dateTime with time and zone; the assessment
//! date is the calendar date in the offset written, never converted to another zone. A form
//! filler that writes UTC (LHC-Forms does) dates an evening entry in New York the next day:
//! `2022-11-18T03:30:00Z` (22:30 on 17 November in New York) is 18 November, while
//! `2022-11-17T22:30:00-05:00` is 17 November. Importing checks
//! the resource against the instrument and reports every problem at once
//! ([`import_parsed_response`] lists what is refused); the imported response
//! always passes [`Response::validate`].
//!
//! # Example
//!
//! ```
//! use health_equity_assessment::Registry;
//! use health_equity_assessment::fhir::{FhirOptions, import_response, export_instrument, export_response};
//!
//! let registry = Registry::builtin();
//! let options = FhirOptions::new("https://fhir.example-qio.org/equity")?;
//!
//! // An instrument as a Questionnaire, for a form renderer.
//! let heoa = registry.latest("heoa").unwrap();
//! let q = export_instrument(heoa, &options);
//! assert_eq!(q.canonical().as_deref(), Some("https://fhir.example-qio.org/equity/Questionnaire/heoa|1.0.0"));
//!
//! // A scored response as a QuestionnaireResponse, and back.
//! let validated = registry.validate_json(include_str!("../../examples/heoa-baseline.json"))?;
//! let json = serde_json::to_string_pretty(&export_response(&validated, &options))?;
//! assert!(json.contains(r#""questionnaire": "https://fhir.example-qio.org/equity/Questionnaire/heoa|1.0.0""#));
//!
//! let response = import_response(&json, registry, &options)?;
//! assert_eq!(response, validated.to_response());
//!
//! // A response for a questionnaire version the registry does not hold is refused.
//! let other = json.replace("heoa|1.0.0", "heoa|2.0.0");
//! let err = import_response(&other, registry, &options).unwrap_err();
//! assert_eq!(err.codes(), ["unknown_questionnaire_version"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod export;
mod import;
mod model;

pub use error::{FhirError, FhirProblem};
pub use export::{computable_name, export_instrument, export_response};
pub use import::{import_parsed_response, import_response, parse_response};
pub use model::{
    AnswerOption, CodeableConcept, Coding, Extension, ITEM_CONTROL_SYSTEM, ITEM_CONTROL_URL, Identifier, ItemType,
    PublicationStatus, Questionnaire, QuestionnaireItem, QuestionnaireResponse, QuestionnaireResponseAnswer,
    QuestionnaireResponseItem, Reference, ResponseStatus,
};

use crate::ResponseLimits;
#[cfg(doc)]
use crate::{Instrument, Response, ValidatedResponse};

/// The linkId of the questionnaire's focus-categories question (a top-level `choice` item that
/// repeats, one option per category): `_focus-categories`. No category or item id can begin
/// with `_`, so it never names one.
pub const FOCUS_CATEGORIES_LINK_ID: &str = "_focus-categories";

/// The FHIR extension holding an answer option's score (a decimal):
/// `http://hl7.org/fhir/StructureDefinition/itemWeight`.
pub const ITEM_WEIGHT_URL: &str = "http://hl7.org/fhir/StructureDefinition/itemWeight";

/// The former name of [`ITEM_WEIGHT_URL`], still read by older tools:
/// `http://hl7.org/fhir/StructureDefinition/ordinalValue`.
pub const ORDINAL_VALUE_URL: &str = "http://hl7.org/fhir/StructureDefinition/ordinalValue";

/// The default canonical base, `https://health-equity-assessment.example/fhir`: a reserved
/// `.example` domain (RFC 2606) that resolves nowhere. Deployments set their own.
pub const DEFAULT_CANONICAL_BASE: &str = "https://health-equity-assessment.example/fhir";

/// How FHIR resources are named: the canonical base under which questionnaires, code systems
/// and this crate's extensions get their URLs.
///
/// Every URL is `{base}/…` (see the [module documentation](self) for the list). Use the same
/// options to export and to import: a response written under one base does not import under
/// another.
///
/// ```
/// use health_equity_assessment::Problem;
/// use health_equity_assessment::fhir::FhirOptions;
///
/// let options = FhirOptions::default();
/// assert_eq!(options.canonical_base(), "https://health-equity-assessment.example/fhir");
///
/// let ours = FhirOptions::new("https://fhir.example-qio.org/equity/")?;
/// assert_eq!(ours.questionnaire_url("heoa"), "https://fhir.example-qio.org/equity/Questionnaire/heoa");
/// assert_eq!(ours.code_system_url("heoa", "implementation"), "https://fhir.example-qio.org/equity/CodeSystem/heoa.implementation");
///
/// assert_eq!(FhirOptions::new("fhir.example.org").unwrap_err().code(), "invalid_canonical_base");
/// # Ok::<(), health_equity_assessment::fhir::FhirProblem>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct FhirOptions {
    canonical_base: String,
    limits: ResponseLimits,
    organization: Option<crate::Organization>,
}

impl Default for FhirOptions {
    fn default() -> Self {
        FhirOptions {
            canonical_base: DEFAULT_CANONICAL_BASE.to_owned(),
            limits: ResponseLimits::default(),
            organization: None,
        }
    }
}

impl FhirOptions {
    /// Options with a canonical base: an absolute `http` or `https` URL, without query,
    /// fragment, `|` or white space (canonical references use `url|version`). A trailing `/` is
    /// dropped.
    ///
    /// # Errors
    /// [`FhirProblem::InvalidCanonicalBase`] naming the base and what is wrong.
    pub fn new(canonical_base: &str) -> Result<Self, FhirProblem> {
        let invalid = |reason| FhirProblem::InvalidCanonicalBase { base: crate::json::clip(canonical_base), reason };
        let rest = canonical_base.strip_prefix("https://").or_else(|| canonical_base.strip_prefix("http://"));
        let Some(rest) = rest else {
            return Err(invalid("is not an absolute http:// or https:// URL"));
        };
        let base = canonical_base.trim_end_matches('/');
        if rest.is_empty() || rest.starts_with('/') {
            return Err(invalid("has no host"));
        }
        if base.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid("contains white space or control characters"));
        }
        if base.contains(['|', '#', '?']) {
            return Err(invalid("contains '|', '#' or '?' (canonical URLs may not)"));
        }
        Ok(FhirOptions { canonical_base: base.to_owned(), limits: ResponseLimits::default(), organization: None })
    }

    /// Sets the limits checked when importing (default [`ResponseLimits::default`]): the size
    /// in bytes of the `QuestionnaireResponse` text and of the response document it gives, the
    /// number of answers and of notes, and the length of a note in characters. They are the
    /// limits of response documents, so a response imported under some limits also loads as a
    /// response document under them.
    ///
    /// ```
    /// use health_equity_assessment::{Registry, ResponseLimits};
    /// use health_equity_assessment::fhir::{FhirOptions, import_response};
    ///
    /// let options = FhirOptions::default().with_limits(ResponseLimits::default().with_max_document_bytes(1024));
    /// let text = include_str!("../../examples/fhir/heoa-baseline.questionnaire-response.json");
    /// let err = import_response(text, Registry::builtin(), &options).unwrap_err();
    /// assert_eq!(err.codes(), ["too_large"]);
    /// ```
    #[must_use]
    pub fn with_limits(mut self, limits: ResponseLimits) -> Self {
        self.limits = limits;
        self
    }

    /// The organization assessed, for importing responses that name none: a generic form
    /// filler such as LHC-Forms sets no `subject`. A response's own `subject` (or an `author`
    /// that references an Organization) still comes first.
    ///
    /// ```
    /// use health_equity_assessment::Organization;
    /// use health_equity_assessment::fhir::FhirOptions;
    ///
    /// let options = FhirOptions::default().with_organization(Organization::new("org-001", Some("Example Community Hospital".to_owned())));
    /// assert_eq!(options.organization().map(|o| o.id.as_str()), Some("org-001"));
    /// ```
    #[must_use]
    pub fn with_organization(mut self, organization: crate::Organization) -> Self {
        self.organization = Some(organization);
        self
    }

    /// The organization given with [`with_organization`](Self::with_organization).
    #[must_use]
    pub fn organization(&self) -> Option<&crate::Organization> {
        self.organization.as_ref()
    }

    /// `{base}/CodeSystem/{instrument id}-categories`: the code system of the focus-categories
    /// question's options (category ids). No scale's system (`{id}.{scale}`) can be the same.
    #[must_use]
    pub fn category_system_url(&self, instrument_id: &str) -> String {
        format!("{}/CodeSystem/{instrument_id}-categories", self.canonical_base)
    }

    /// The limits checked when importing.
    #[must_use]
    pub fn limits(&self) -> &ResponseLimits {
        &self.limits
    }

    /// The canonical base, without a trailing `/`.
    #[must_use]
    pub fn canonical_base(&self) -> &str {
        &self.canonical_base
    }

    /// `{base}/Questionnaire/{instrument id}`: the canonical URL of an instrument's
    /// questionnaire (all versions share it; `Questionnaire.version` tells them apart).
    #[must_use]
    pub fn questionnaire_url(&self, instrument_id: &str) -> String {
        format!("{}/Questionnaire/{instrument_id}", self.canonical_base)
    }

    /// `{base}/Questionnaire/{id}|{version}`: the canonical reference to one instrument version.
    #[must_use]
    pub fn questionnaire_reference(&self, instrument: &crate::Instrument) -> String {
        format!("{}|{}", self.questionnaire_url(instrument.id()), instrument.version())
    }

    /// `{base}/CodeSystem/{instrument id}.{scale id}`: the code system of a scale's options.
    /// The `.` cannot occur in either id, so distinct (instrument, scale) pairs never share a
    /// system.
    #[must_use]
    pub fn code_system_url(&self, instrument_id: &str, scale_id: &str) -> String {
        format!("{}/CodeSystem/{instrument_id}.{scale_id}", self.canonical_base)
    }

    /// `{base}/StructureDefinition/item-note`: the extension on a `QuestionnaireResponse.item`
    /// holding the item's note (`valueString`).
    #[must_use]
    pub fn note_extension_url(&self) -> String {
        format!("{}/StructureDefinition/item-note", self.canonical_base)
    }

    /// `{base}/StructureDefinition/focus-category`: an extension on the
    /// `QuestionnaireResponse` naming one focus category (`valueCode`), repeated in order.
    #[must_use]
    pub fn focus_category_extension_url(&self) -> String {
        format!("{}/StructureDefinition/focus-category", self.canonical_base)
    }

    /// `{base}/StructureDefinition/response-extensions`: the extension on the
    /// `QuestionnaireResponse` holding the response's free-form `extensions` object as JSON
    /// text (`valueString`).
    #[must_use]
    pub fn response_extensions_url(&self) -> String {
        format!("{}/StructureDefinition/response-extensions", self.canonical_base)
    }

    /// `{base}/NamingSystem/organization-id`: the identifier system of organization ids that
    /// are not FHIR logical ids (used in `subject.identifier`).
    #[must_use]
    pub fn organization_identifier_system(&self) -> String {
        format!("{}/NamingSystem/organization-id", self.canonical_base)
    }
}
