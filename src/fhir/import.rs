//! `QuestionnaireResponse` → response document.

use std::collections::BTreeMap;

use jiff::civil::Date;
use semver::Version;

use super::error::RESPONSE;
use super::error::indexed;
use super::export::is_fhir_id;
use super::model::{Extension, QuestionnaireResponse, QuestionnaireResponseItem, Reference, ResponseStatus};
use super::{FhirError, FhirOptions, FhirProblem};
use crate::instrument::{Category, Extensions, Instrument, Item};
use crate::json::{clip, clip_middle, describe, serde_message};
use crate::problem::{JsonProblem, Listing, Problems};
use crate::registry::Registry;
use crate::response::{Organization, Response};

const ROOT: &str = "QuestionnaireResponse";

/// Reads a FHIR R4 `QuestionnaireResponse` (JSON text) into a response document for an
/// instrument of `registry`, reporting every problem found.
///
/// The text is checked for JSON syntax, duplicate keys and `resourceType`, read into
/// [`QuestionnaireResponse`], then converted by [`import_parsed_response`] (see
/// there for the rules). A leading byte-order mark is ignored. Text longer than
/// [`FhirOptions::limits`]' `max_document_bytes` is refused unread.
///
/// # Errors
/// [`FhirError`] listing every problem found, in document order.
///
/// ```
/// use health_equity_assessment::Registry;
/// use health_equity_assessment::fhir::{FhirOptions, import_response, export_response};
///
/// let registry = Registry::builtin();
/// let options = FhirOptions::default();
/// let validated = registry.validate_json(include_str!("../../examples/heoa-baseline.json"))?;
/// let text = serde_json::to_string(&export_response(&validated, &options))?;
///
/// let response = import_response(&text, registry, &options)?;
/// assert_eq!(response, validated.to_response());
/// let instrument = registry.by_reference(&response.instrument).unwrap();
/// assert_eq!(response.validate(instrument)?.score(), validated.score());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn import_response(text: &str, registry: &Registry, options: &FhirOptions) -> Result<Response, FhirError> {
    let limit = options.limits().max_document_bytes;
    let size = text.strip_prefix('\u{feff}').unwrap_or(text).len();
    if size > limit {
        return Err(Problems::one(
            RESPONSE,
            FhirProblem::TooLarge { path: ROOT.to_owned(), what: "the document size in bytes", size, limit },
        ));
    }
    let resource = parse_response(text)?;
    import_parsed_response(&resource, registry, options)
}

/// Parses a `QuestionnaireResponse` from JSON text without converting it: syntax, duplicate
/// keys, `resourceType` and the shape of the elements this crate reads are checked. Unknown
/// elements are ignored. No size limit is applied: bound the text before reading it (or use
/// [`import_response`], which checks [`FhirOptions::limits`]). Nesting deeper
/// than 128 arrays and objects is a `syntax` problem, never a stack overflow.
///
/// # Errors
/// `syntax`, `duplicate_key` (every one found),
/// [`FhirProblem::WrongResourceType`] or [`FhirProblem::InvalidStructure`].
///
/// ```
/// use health_equity_assessment::fhir::parse_response;
///
/// let err = parse_response(r#"{"resourceType": "Patient"}"#).unwrap_err();
/// assert_eq!(err.codes(), ["wrong_resource_type"]);
/// assert_eq!(
///     err.to_string(),
///     "FHIR QuestionnaireResponse: 1 problem\n  resourceType: expected \"QuestionnaireResponse\", found the string \"Patient\""
/// );
/// ```
pub fn parse_response(text: &str) -> Result<QuestionnaireResponse, FhirError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (value, duplicates) = crate::json::parse_value_checking_duplicates(text)
        .map_err(|e| Problems::one(RESPONSE, JsonProblem::syntax(&e).into()))?;
    let found = match value.get("resourceType") {
        Some(serde_json::Value::String(s)) if s == ROOT => None,
        Some(other) => Some(describe(other)),
        None if value.is_object() => Some("nothing".to_owned()),
        None => Some(describe(&value)),
    };
    if let Some(found) = found {
        return Err(Problems::one(RESPONSE, FhirProblem::WrongResourceType { expected: ROOT, found }));
    }
    let problems: Vec<FhirProblem> = duplicates
        .into_iter()
        .map(|(pointer, key)| JsonProblem::DuplicateKey { pointer, key: clip(&key) }.into())
        .collect();
    if let Some(error) = Problems::new(RESPONSE, problems) {
        return Err(error);
    }
    serde_json::from_str(text).map_err(|e| {
        Problems::one(
            RESPONSE,
            FhirProblem::InvalidStructure { line: e.line(), column: e.column(), message: serde_message(&e) },
        )
    })
}

/// Converts a parsed FHIR R4 `QuestionnaireResponse` into a response document for an
/// instrument of `registry`, reporting every problem found.
///
/// Accepted:
/// - `status` `completed` or `amended`;
/// - `questionnaire` = `{base}/Questionnaire/{instrument id}|{version}` naming an instrument
///   and exact version of the registry (`base` from `options`);
/// - `subject` a reference to an Organization: `Organization/{id}` (or an absolute URL ending
///   in `/Organization/{id}`), or a logical reference whose identifier has the system
///   [`FhirOptions::organization_identifier_system`]; its `display` becomes the organization's
///   name. Without a `subject`, an `author` that references an Organization the same way;
///   without either, [`FhirOptions::organization`] (a form filler such as LHC-Forms sets
///   neither);
/// - `authored` a FHIR dateTime with at least a full date: `YYYY-MM-DD`, or
///   `YYYY-MM-DDThh:mm:ss[.fff](Z|±hh:mm)`. The assessment date is the calendar date **in the
///   offset written**, never converted: `2022-11-17T22:30:00-05:00` is 17 November, and the
///   same moment written in UTC as form fillers such as LHC-Forms do, `2022-11-18T03:30:00Z`,
///   is 18 November;
/// - the focus-categories question ([`FOCUS_CATEGORIES_LINK_ID`](super::FOCUS_CATEGORIES_LINK_ID)),
///   each answer a `valueCoding` of [`FhirOptions::category_system_url`] naming a category;
/// - top-level items are groups whose linkId is a category id, each holding question items
///   whose linkId is an item of that category, each with at most one
///   `answer.valueCoding` whose system is the item's code system and whose code is one of the
///   item's options (`display` is not checked: labels may be reworded in patch versions). A
///   question without an answer is unanswered;
/// - this crate's extensions (notes, focus categories, response extensions) where
///   [`export_response`](super::export_response) writes them; an empty note (FHIR
///   has no empty strings) is no note. Other extensions and elements are ignored.
///
/// Refused, each naming the element path and the value: any other status; a missing,
/// unversioned, unknown or unknown-version questionnaire; a subject that is not an
/// Organization; a partial or malformed `authored`; unknown linkIds; questions outside their
/// category's group and groups below the top level; a group or question that appears twice; a
/// question with several answers, or answers that are not codings, or that have the wrong
/// system or an unknown or missing code; answers on groups and items nested under questions or
/// answers; any `modifierExtension`; this crate's extensions in the wrong place, repeated or
/// with the wrong value type; unknown or repeated focus categories; a note longer, more
/// answers or notes, or a response document larger than [`FhirOptions::limits`] allow.
///
/// The response returned always passes [`Response::validate`] against its instrument, and
/// exporting it again with the same options and importing that gives it back.
///
/// # Errors
/// [`FhirError`] listing every problem found, in document order.
///
/// ```
/// use health_equity_assessment::Registry;
/// use health_equity_assessment::fhir::{
///     FhirOptions, import_parsed_response, export_response,
/// };
///
/// let registry = Registry::builtin();
/// let options = FhirOptions::default();
/// let validated = registry.validate_json(include_str!("../../examples/heoa-baseline.json"))?;
/// let mut qr = export_response(&validated, &options);
/// qr.item[0].item[0].link_id = "data-collection.eye-colour".to_owned();
///
/// let err = import_parsed_response(&qr, registry, &options).unwrap_err();
/// assert_eq!(err.codes(), ["unknown_link_id"]);
/// assert!(err.problems()[0].to_string().starts_with("QuestionnaireResponse.item[0].item[0]: unknown linkId \"data-collection.eye-colour\""));
/// # Ok::<(), health_equity_assessment::ResponseError>(())
/// ```
pub fn import_parsed_response(
    resource: &QuestionnaireResponse,
    registry: &Registry,
    options: &FhirOptions,
) -> Result<Response, FhirError> {
    let mut problems = Vec::new();
    modifier_extensions(&resource.modifier_extension, ROOT, &mut problems);

    if !matches!(resource.status, ResponseStatus::Completed | ResponseStatus::Amended) {
        problems.push(FhirProblem::UnsupportedStatus { status: resource.status.as_str().to_owned() });
    }
    let instrument = find_instrument(resource.questionnaire.as_deref(), registry, options, &mut problems);
    let organization = organization(resource, options, &mut problems);
    let assessed_on = match resource.authored.as_deref() {
        None => {
            problems.push(FhirProblem::MissingElement {
                path: format!("{ROOT}.authored"),
                why: "the assessment date is required",
            });
            None
        }
        Some(text) => match authored_date(text) {
            Ok(date) => Some(date),
            Err(reason) => {
                problems.push(FhirProblem::InvalidAuthored { value: clip(text), reason: clip_middle(&reason) });
                None
            }
        },
    };

    let Some(instrument) = instrument else {
        return Err(
            Problems::new(RESPONSE, problems).unwrap_or_else(|| Problems::one(RESPONSE, missing_questionnaire()))
        );
    };
    let mut walk = Walk::new(instrument, options);
    walk.root_extensions(&resource.extension);
    walk.items(&resource.item);
    problems.append(&mut walk.problems);
    let max_answers = options.limits().max_answers;
    for (what, size) in [("the number of answers", walk.answers.len()), ("the number of notes", walk.notes.len())] {
        if size > max_answers {
            problems.push(FhirProblem::TooLarge { path: format!("{ROOT}.item"), what, size, limit: max_answers });
        }
    }

    let response = match (organization, assessed_on, Problems::new(RESPONSE, problems)) {
        (Some(organization), Some(assessed_on), None) => Response {
            instrument: instrument.reference(),
            organization,
            assessed_on,
            answers: walk.answers,
            notes: (!walk.notes.is_empty()).then_some(walk.notes),
            focus_categories: (!walk.focus.is_empty()).then_some(walk.focus),
            extensions: walk.extensions,
        },
        (_, _, Some(error)) => return Err(error),
        // Every `None` above pushed a problem; never succeed without the data.
        (_, _, None) => return Err(Problems::one(RESPONSE, missing_questionnaire())),
    };
    // The response document must load under the same limits (it is never larger than the
    // resource in practice: its extension values keep their text; this stays as a guard).
    let size = json_size(&response);
    let limit = options.limits().max_document_bytes;
    if size > limit {
        return Err(Problems::one(
            RESPONSE,
            FhirProblem::TooLarge {
                path: ROOT.to_owned(),
                what: "the size in bytes of the response document it gives",
                size,
                limit,
            },
        ));
    }
    Ok(response)
}

/// The length of the JSON text of a response, without writing it.
fn json_size(response: &Response) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    // Writing to a counter cannot fail, nor can serializing a response (string keys only).
    let _ = serde_json::to_writer(&mut count, response);
    count.0
}

fn missing_questionnaire() -> FhirProblem {
    FhirProblem::MissingElement { path: format!("{ROOT}.questionnaire"), why: "it names the instrument and version" }
}

/// Resolves `url|version` to an instrument, or pushes the precise problem.
fn find_instrument<'r>(
    reference: Option<&str>,
    registry: &'r Registry,
    options: &FhirOptions,
    problems: &mut Vec<FhirProblem>,
) -> Option<&'r Instrument> {
    let Some(reference) = reference else {
        problems.push(missing_questionnaire());
        return None;
    };
    let (url, version) = match reference.split_once('|') {
        Some((url, version)) if !version.is_empty() => (url, Some(version)),
        Some((url, _)) => (url, None),
        None => (reference, None),
    };
    let id = url.strip_prefix(options.canonical_base()).and_then(|rest| rest.strip_prefix("/Questionnaire/"));
    let known = id.filter(|id| registry.versions(id).next().is_some());
    let Some(version) = version else {
        let example = match known.and_then(|id| registry.latest(id)).or_else(|| registry.iter().next()) {
            Some(instrument) => options.questionnaire_reference(instrument),
            None => format!("{}|1.0.0", options.questionnaire_url("instrument-id")),
        };
        problems.push(FhirProblem::UnversionedQuestionnaire { reference: clip(reference), example });
        return None;
    };
    let Some(id) = known else {
        let mut urls: Vec<String> = registry.iter().map(|i| options.questionnaire_url(i.id())).collect();
        urls.dedup();
        problems.push(FhirProblem::UnknownQuestionnaire { url: clip(url), known: Listing::of(&urls) });
        return None;
    };
    let instrument = Version::parse(version).ok().and_then(|v| registry.by_version(id, &v));
    if instrument.is_none() {
        problems.push(FhirProblem::UnknownQuestionnaireVersion {
            url: clip(url),
            version: clip(version),
            available: Listing::of(registry.versions(id).map(ToString::to_string)),
        });
    }
    instrument
}

/// What a missing organization's problem says is accepted.
const ORGANIZATION_SHAPES: &str = "the organization assessed is required: a `subject` (or an `author`) that is \
{\"reference\": \"Organization/{id}\", \"display\": \"{name}\"} or {\"identifier\": {\"system\": \
\"{canonical base}/NamingSystem/organization-id\", \"value\": \"{id}\"}}, or the organization given on import \
(`import fhir --organization ID`, `FhirOptions::with_organization`)";

/// The organization: from `subject`; without one, from an `author` that references an
/// Organization; without either, the one the options give.
fn organization(
    resource: &QuestionnaireResponse,
    options: &FhirOptions,
    problems: &mut Vec<FhirProblem>,
) -> Option<Organization> {
    if let Some(subject) = &resource.subject {
        return referenced_organization(subject, "subject", options, problems);
    }
    if let Some(author) = resource.author.as_ref().filter(|a| references_organization(a, options)) {
        return referenced_organization(author, "author", options, problems);
    }
    if let Some(organization) = options.organization() {
        return Some(organization.clone());
    }
    problems.push(FhirProblem::MissingElement { path: format!("{ROOT}.subject"), why: ORGANIZATION_SHAPES });
    None
}

/// Whether a reference (an `author`) is to an Organization: `Organization/{id}`, an absolute URL
/// with `/Organization/`, or an identifier in this deployment's organization system. An author
/// that is a Practitioner or a Patient is not the organization assessed.
fn references_organization(reference: &Reference, options: &FhirOptions) -> bool {
    match (&reference.reference, &reference.identifier) {
        (Some(r), _) => r.starts_with("Organization/") || (r.contains("://") && r.contains("/Organization/")),
        (None, Some(identifier)) => {
            identifier.system.as_deref() == Some(options.organization_identifier_system().as_str())
        }
        (None, None) => false,
    }
}

/// The organization a `subject` or `author` reference names.
fn referenced_organization(
    subject: &Reference,
    element: &str,
    options: &FhirOptions,
    problems: &mut Vec<FhirProblem>,
) -> Option<Organization> {
    let id = if let Some(reference) = &subject.reference {
        let id = reference.strip_prefix("Organization/").or_else(|| {
            reference.contains("://").then(|| reference.rsplit_once("/Organization/")).flatten().map(|(_, id)| id)
        });
        match id {
            Some(id) if is_fhir_id(id) => Some(id.to_owned()),
            Some(_) => {
                problems.push(FhirProblem::InvalidSubject {
                    path: format!("{ROOT}.{element}.reference"),
                    value: clip(reference),
                    reason: "does not end in a valid Organization id ([A-Za-z0-9-.]{1,64})",
                });
                None
            }
            None => {
                problems.push(FhirProblem::InvalidSubject {
                    path: format!("{ROOT}.{element}.reference"),
                    value: clip(reference),
                    reason: "is not a reference to an Organization (Organization/{id})",
                });
                None
            }
        }
    } else if let Some(identifier) = &subject.identifier {
        let system = options.organization_identifier_system();
        match (identifier.system.as_deref(), identifier.value.as_deref()) {
            (Some(s), Some(value)) if s == system && !value.trim().is_empty() => Some(value.to_owned()),
            (Some(s), Some(_)) if s == system => {
                problems.push(FhirProblem::InvalidSubject {
                    path: format!("{ROOT}.{element}.identifier.value"),
                    value: String::new(),
                    reason: "is not an organization id (it is blank)",
                });
                None
            }
            (s, _) => {
                problems.push(FhirProblem::InvalidSubject {
                    path: format!("{ROOT}.{element}.identifier.system"),
                    value: clip(s.unwrap_or_default()),
                    reason: "is not this deployment's organization identifier system",
                });
                None
            }
        }
    } else {
        problems.push(FhirProblem::MissingElement {
            path: format!("{ROOT}.{element}.reference"),
            why: ORGANIZATION_SHAPES,
        });
        None
    };
    let name = subject.display.as_deref().filter(|d| !d.trim().is_empty()).map(str::to_owned);
    id.map(|id| Organization::new(id, name))
}

/// The date part of a FHIR dateTime with a full date, as written.
fn authored_date(text: &str) -> Result<Date, String> {
    let (day, time) = match text.split_once('T') {
        Some((day, time)) => (day, Some(time)),
        None => (text, None),
    };
    let is_partial = (day.len() == 4 || day.len() == 7) && day.bytes().all(|b| b.is_ascii_digit() || b == b'-');
    if is_partial && time.is_none() {
        return Err("is a partial date; the assessment date needs year, month and day".to_owned());
    }
    let date = crate::date::parse(day).map_err(|reason| format!("is not a FHIR dateTime: {reason}"))?;
    if let Some(time) = time {
        // A time needs seconds and a zone (FHIR dateTime); the zone is checked, not applied.
        let shape = time.get(2..3) == Some(":") && time.get(5..6) == Some(":");
        if !shape || !time.bytes().all(|b| b.is_ascii_digit() || b":.+-Z".contains(&b)) {
            return Err("is not a FHIR dateTime: a time needs hours, minutes and seconds (hh:mm:ss)".to_owned());
        }
        text.parse::<jiff::Timestamp>().map_err(|e| format!("is not a FHIR dateTime with time and zone: {e}"))?;
    }
    Ok(date)
}

/// Pushes one problem per modifier extension.
fn modifier_extensions(extensions: &[Extension], path: &str, problems: &mut Vec<FhirProblem>) {
    for (k, extension) in extensions.iter().enumerate() {
        problems.push(FhirProblem::UnsupportedModifierExtension {
            path: indexed(path, "modifierExtension", k),
            url: clip(&extension.url),
        });
    }
}

/// The state of the walk over the items of one response.
struct Walk<'i> {
    instrument: &'i Instrument,
    reference: String,
    note_url: String,
    focus_url: String,
    /// The code system of the focus-categories question's codings.
    category_system: String,
    extensions_url: String,
    /// The longest note, in characters.
    max_note_chars: usize,
    /// Code system per scale id.
    systems: BTreeMap<&'i str, String>,
    /// First path of each category group and each item, by id.
    seen: BTreeMap<&'i str, String>,
    answers: BTreeMap<String, String>,
    notes: BTreeMap<String, String>,
    focus: Vec<String>,
    /// The focus categories seen, for repeats.
    focus_seen: std::collections::HashSet<String>,
    extensions: Option<Extensions>,
    problems: Vec<FhirProblem>,
}

impl<'i> Walk<'i> {
    fn new(instrument: &'i Instrument, options: &FhirOptions) -> Self {
        let systems = instrument
            .scales()
            .iter()
            .map(|s| (s.id.as_str(), options.code_system_url(instrument.id(), &s.id)))
            .collect();
        Walk {
            instrument,
            reference: options.questionnaire_reference(instrument),
            note_url: options.note_extension_url(),
            focus_url: options.focus_category_extension_url(),
            category_system: options.category_system_url(instrument.id()),
            extensions_url: options.response_extensions_url(),
            max_note_chars: options.limits().max_string_chars,
            systems,
            seen: BTreeMap::new(),
            answers: BTreeMap::new(),
            notes: BTreeMap::new(),
            focus: Vec::new(),
            focus_seen: std::collections::HashSet::new(),
            extensions: None,
            problems: Vec::new(),
        }
    }

    /// Focus categories and the response's extensions object, on the resource.
    fn root_extensions(&mut self, extensions: &[Extension]) {
        for (k, extension) in extensions.iter().enumerate() {
            let path = indexed(ROOT, "extension", k);
            if extension.url == self.focus_url {
                let Some(category) = self.single_value(extension, &path, "valueCode", extension.value_code.as_deref())
                else {
                    continue;
                };
                let value_path = format!("{path}.valueCode");
                if self.instrument.category(category).is_none() {
                    self.problems.push(FhirProblem::UnknownFocusCategory {
                        path: value_path,
                        category: clip(category),
                        known: Listing::of(self.instrument.categories().iter().map(|c| c.id.as_str())),
                    });
                } else if !self.focus_seen.insert(category.to_owned()) {
                    self.problems
                        .push(FhirProblem::RepeatedFocusCategory { path: value_path, category: clip(category) });
                } else {
                    self.focus.push(category.to_owned());
                }
            } else if extension.url == self.extensions_url {
                let Some(text) = self.single_value(extension, &path, "valueString", extension.value_string.as_deref())
                else {
                    continue;
                };
                if self.extensions.is_some() {
                    self.problems.push(self.invalid(&path, extension, "appears more than once".to_owned()));
                    continue;
                }
                match serde_json::from_str::<Extensions>(text) {
                    Ok(map) => self.extensions = Some(map),
                    Err(e) => self.problems.push(self.invalid(
                        &path,
                        extension,
                        clip_middle(&format!("must hold the text of a JSON object: {e}")),
                    )),
                }
            } else if extension.url == self.note_url {
                self.problems.push(self.invalid(&path, extension, "belongs on a question item".to_owned()));
            }
        }
    }

    /// The value of one of this crate's extensions, which must be exactly `kind`.
    fn single_value<'e>(
        &mut self,
        extension: &'e Extension,
        path: &str,
        kind: &str,
        value: Option<&'e str>,
    ) -> Option<&'e str> {
        let kinds = extension.value_kinds();
        match value {
            Some(value) if kinds.len() == 1 && extension.extension.is_empty() => Some(value),
            _ => {
                let found = if kinds.is_empty() { "no value".to_owned() } else { kinds.join(" and ") };
                self.problems.push(self.invalid(path, extension, format!("must have a {kind} only, found {found}")));
                None
            }
        }
    }

    fn invalid(&self, path: &str, extension: &Extension, reason: String) -> FhirProblem {
        FhirProblem::InvalidExtension { path: path.to_owned(), url: clip(&extension.url), reason }
    }

    /// Notes in the wrong place (groups).
    fn no_notes(&mut self, extensions: &[Extension], path: &str) {
        for (k, extension) in extensions.iter().enumerate() {
            if extension.url == self.note_url || extension.url == self.focus_url || extension.url == self.extensions_url
            {
                let where_ = if extension.url == self.note_url { "a question item" } else { "the resource" };
                self.problems.push(self.invalid(
                    &indexed(path, "extension", k),
                    extension,
                    format!("belongs on {where_}"),
                ));
            }
        }
    }

    /// Records the first path of `id`; pushes `RepeatedItem` and returns false when seen.
    fn first_time(&mut self, id: &'i str, path: &str) -> bool {
        if let Some(first) = self.seen.get(id) {
            self.problems.push(FhirProblem::RepeatedItem {
                path: path.to_owned(),
                link_id: clip(id),
                first: first.clone(),
            });
            return false;
        }
        self.seen.insert(id, path.to_owned());
        true
    }

    /// The top-level items: category groups.
    fn items(&mut self, items: &[QuestionnaireResponseItem]) {
        let instrument = self.instrument;
        for (g, group) in items.iter().enumerate() {
            let path = indexed(ROOT, "item", g);
            if group.link_id == super::FOCUS_CATEGORIES_LINK_ID {
                self.focus_question(group, &path);
            } else if let Some(category) = instrument.category(&group.link_id) {
                self.group(category, group, &path);
            } else if let Some((category, _)) = instrument.item(&group.link_id) {
                self.problems.push(FhirProblem::MisplacedItem {
                    path,
                    link_id: clip(&group.link_id),
                    found_in: None,
                    belongs_in: Some(category.id.clone()),
                });
            } else {
                self.unknown(&path, &group.link_id);
            }
        }
    }

    /// The focus-categories question: each answer a coding of one category, in order.
    fn focus_question(&mut self, question: &QuestionnaireResponseItem, path: &str) {
        modifier_extensions(&question.modifier_extension, path, &mut self.problems);
        if !self.first_time(super::FOCUS_CATEGORIES_LINK_ID, path) {
            return;
        }
        self.no_notes(&question.extension, path);
        let link_id = super::FOCUS_CATEGORIES_LINK_ID;
        if !question.item.is_empty() {
            self.problems.push(FhirProblem::UnexpectedElement {
                path: indexed(path, "item", 0),
                link_id: link_id.to_owned(),
                what: "is a question: it has answers, not items",
            });
        }
        for (k, answer) in question.answer.iter().enumerate() {
            let path = indexed(path, "answer", k);
            modifier_extensions(&answer.modifier_extension, &path, &mut self.problems);
            let Some(coding) = &answer.value_coding else {
                self.problems.push(FhirProblem::AnswerNotCoding { path, link_id: link_id.to_owned() });
                continue;
            };
            if coding.system.as_deref() != Some(self.category_system.as_str()) {
                self.problems.push(FhirProblem::WrongSystem {
                    path: format!("{path}.valueCoding.system"),
                    link_id: link_id.to_owned(),
                    system: coding.system.as_deref().map(clip),
                    expected: self.category_system.clone(),
                });
                continue;
            }
            let value_path = format!("{path}.valueCoding.code");
            match coding.code.as_deref().and_then(|code| self.instrument.category(code)) {
                None => self.problems.push(FhirProblem::UnknownFocusCategory {
                    path: value_path,
                    category: clip(coding.code.as_deref().unwrap_or_default()),
                    known: Listing::of(self.instrument.categories().iter().map(|c| c.id.as_str())),
                }),
                Some(category) if !self.focus_seen.insert(category.id.clone()) => self
                    .problems
                    .push(FhirProblem::RepeatedFocusCategory { path: value_path, category: clip(&category.id) }),
                Some(category) => self.focus.push(category.id.clone()),
            }
        }
    }

    fn unknown(&mut self, path: &str, link_id: &str) {
        self.problems.push(FhirProblem::UnknownLinkId {
            path: path.to_owned(),
            link_id: clip(link_id),
            questionnaire: self.reference.clone(),
        });
    }

    fn group(&mut self, category: &'i Category, group: &QuestionnaireResponseItem, path: &str) {
        modifier_extensions(&group.modifier_extension, path, &mut self.problems);
        if !self.first_time(&category.id, path) {
            return;
        }
        self.no_notes(&group.extension, path);
        if !group.answer.is_empty() {
            self.problems.push(FhirProblem::UnexpectedElement {
                path: indexed(path, "answer", 0),
                link_id: clip(&group.link_id),
                what: "is a group: it has items, not answers",
            });
        }
        let instrument = self.instrument;
        for (q, question) in group.item.iter().enumerate() {
            let path = indexed(path, "item", q);
            match instrument.item(&question.link_id) {
                Some((c, item)) if c.id == category.id => self.question(item, question, &path),
                Some((c, _)) => self.problems.push(FhirProblem::MisplacedItem {
                    path,
                    link_id: clip(&question.link_id),
                    found_in: Some(category.id.clone()),
                    belongs_in: Some(c.id.clone()),
                }),
                None if instrument.category(&question.link_id).is_some() => {
                    self.problems.push(FhirProblem::MisplacedItem {
                        path,
                        link_id: clip(&question.link_id),
                        found_in: Some(category.id.clone()),
                        belongs_in: None,
                    });
                }
                None => self.unknown(&path, &question.link_id),
            }
        }
    }

    fn question(&mut self, item: &'i Item, question: &QuestionnaireResponseItem, path: &str) {
        modifier_extensions(&question.modifier_extension, path, &mut self.problems);
        if !self.first_time(&item.id, path) {
            return;
        }
        if !question.item.is_empty() {
            self.problems.push(FhirProblem::UnexpectedElement {
                path: indexed(path, "item", 0),
                link_id: clip(&item.id),
                what: "is a question: it has answers, not items",
            });
        }
        self.note(item, &question.extension, path);
        match question.answer.as_slice() {
            [] => {}
            [answer] => {
                let path = indexed(path, "answer", 0);
                modifier_extensions(&answer.modifier_extension, &path, &mut self.problems);
                if !answer.item.is_empty() {
                    self.problems.push(FhirProblem::UnexpectedElement {
                        path: indexed(&path, "item", 0),
                        link_id: clip(&item.id),
                        what: "has no items nested under its answer",
                    });
                }
                match &answer.value_coding {
                    None => self.problems.push(FhirProblem::AnswerNotCoding { path, link_id: clip(&item.id) }),
                    Some(coding) => self.coding(item, coding, &format!("{path}.valueCoding")),
                }
            }
            answers => self.problems.push(FhirProblem::RepeatedAnswer {
                path: path.to_owned(),
                link_id: clip(&item.id),
                count: answers.len(),
            }),
        }
    }

    fn coding(&mut self, item: &'i Item, coding: &super::model::Coding, path: &str) {
        let expected = self.systems.get(item.scale.as_str()).cloned().unwrap_or_default();
        if coding.system.as_deref() != Some(expected.as_str()) {
            self.problems.push(FhirProblem::WrongSystem {
                path: format!("{path}.system"),
                link_id: clip(&item.id),
                system: coding.system.as_deref().map(clip),
                expected,
            });
            return;
        }
        let options = self.instrument.scale_of(item).map(|s| s.options.as_slice()).unwrap_or_default();
        match coding.code.as_deref() {
            Some(code) if options.iter().any(|o| o.id == code) => {
                self.answers.insert(item.id.clone(), code.to_owned());
            }
            code => self.problems.push(FhirProblem::UnknownCode {
                path: format!("{path}.code"),
                link_id: clip(&item.id),
                code: code.map(clip),
                allowed: Listing::of(options.iter().map(|o| o.id.as_str())),
            }),
        }
    }

    fn note(&mut self, item: &Item, extensions: &[Extension], path: &str) {
        let mut found = false;
        for (k, extension) in extensions.iter().enumerate() {
            let path = indexed(path, "extension", k);
            if extension.url == self.note_url {
                let Some(text) = self.single_value(extension, &path, "valueString", extension.value_string.as_deref())
                else {
                    continue;
                };
                // A string has at most as many characters as bytes: count only long ones.
                let chars = if text.len() > self.max_note_chars { text.chars().count() } else { 0 };
                if std::mem::replace(&mut found, true) {
                    self.problems.push(self.invalid(&path, extension, "appears more than once".to_owned()));
                } else if chars > self.max_note_chars {
                    self.problems.push(FhirProblem::TooLarge {
                        path: format!("{path}.valueString"),
                        what: "the note length in characters",
                        size: chars,
                        limit: self.max_note_chars,
                    });
                } else if !text.is_empty() {
                    // FHIR has no empty strings; an empty note is no note, as on export.
                    self.notes.insert(item.id.clone(), text.to_owned());
                }
            } else if extension.url == self.focus_url || extension.url == self.extensions_url {
                self.problems.push(self.invalid(&path, extension, "belongs on the resource".to_owned()));
            }
        }
    }
}
