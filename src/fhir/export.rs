//! Instrument → `Questionnaire`, validated response → `QuestionnaireResponse`.

use super::model::{
    AnswerOption, Coding, Extension, Identifier, ItemType, PublicationStatus, Questionnaire, QuestionnaireItem,
    QuestionnaireResponse, QuestionnaireResponseAnswer, QuestionnaireResponseItem, Reference, ResponseStatus,
};
use super::{FhirOptions, ITEM_WEIGHT_URL, ORDINAL_VALUE_URL};
use crate::instrument::{Instrument, ScaleOption};
use crate::response::ValidatedResponse;

/// The FHIR R4 `Questionnaire` of an instrument.
///
/// - `url` is `{base}/Questionnaire/{instrument id}`, `version` the instrument's semantic
///   version, `name` a computable name ([`computable_name`]), `status` `active` (`retired`
///   for an instrument whose lifecycle is retired or superseded),
///   `subjectType` `["Organization"]`; `title`, `publisher` and `description` are the
///   instrument's.
/// - One `group` item per category (linkId = category id, text = title), in order, holding
///   one `choice` item per key activity (linkId = item id, text = item text), in order, shown
///   as radio buttons (the SDC `questionnaire-itemControl` extension, `radio-button`).
/// - Last, the focus-categories question: linkId [`FOCUS_CATEGORIES_LINK_ID`](super::FOCUS_CATEGORIES_LINK_ID),
///   type `choice`, `repeats`, check boxes, one option per category (system
///   [`FhirOptions::category_system_url`], code = category id, display = title), so a generic
///   form filler collects the focus categories with the answers.
/// - Each choice item lists its scale's options as `answerOption.valueCoding`: system
///   `{base}/CodeSystem/{instrument id}.{scale id}`, code = option id, display = option label.
///   A scored option's coding carries its points as the `itemWeight` extension and, for older
///   tools, the `ordinalValue` extension (both `valueDecimal`); an excluded (not applicable)
///   option carries neither, so FHIR tools do not count it as zero.
///
/// LinkIds are unique across the whole questionnaire (FHIR invariant `que-2`): category ids
/// are unique, item ids are unique, and an item id always contains a `.` (`<category>.<slug>`)
/// while a category id never does, so no item can share a category's linkId; neither can
/// begin with the `_` of the focus question's linkId.
///
/// ```
/// use health_equity_assessment::Registry;
/// use health_equity_assessment::fhir::{FhirOptions, ITEM_WEIGHT_URL, export_instrument};
///
/// let heoa = Registry::builtin().latest("heoa").unwrap();
/// let q = export_instrument(heoa, &FhirOptions::default());
/// assert_eq!(q.url.as_deref(), Some("https://health-equity-assessment.example/fhir/Questionnaire/heoa"));
/// assert_eq!(q.version.as_deref(), Some("1.0.0"));
/// assert_eq!(q.name.as_deref(), Some("Heoa"));
/// assert_eq!(q.item.len(), 8); // one group per category, then the focus question
///
/// let item = q.find_item("data-validation.targets-set").unwrap();
/// let planning = item.answer_option[1].value_coding.as_ref().unwrap();
/// assert_eq!(planning.code.as_deref(), Some("planning"));
/// assert_eq!(planning.extension[0].url, ITEM_WEIGHT_URL);
/// assert_eq!(planning.extension[0].value_decimal, Some(1.into()));
/// let not_applicable = item.answer_option[4].value_coding.as_ref().unwrap();
/// assert!(not_applicable.extension.is_empty());
/// ```
#[must_use]
pub fn export_instrument(instrument: &Instrument, options: &FhirOptions) -> Questionnaire {
    // A retired or superseded instrument is a `retired` Questionnaire: still readable, no
    // longer for new use.
    let status = match instrument.status() {
        crate::LifecycleStatus::Retired | crate::LifecycleStatus::Superseded => PublicationStatus::Retired,
        _ => PublicationStatus::Active,
    };
    let mut q = Questionnaire::new(status);
    q.url = Some(options.questionnaire_url(instrument.id()));
    q.version = Some(instrument.version().to_string());
    q.name = Some(computable_name(instrument.id()));
    q.title = Some(instrument.title().to_owned());
    q.subject_type = vec!["Organization".to_owned()];
    q.publisher = Some(instrument.spec().publisher.clone()).filter(|p| !p.is_empty());
    q.description = instrument.spec().description.clone().filter(|d| !d.is_empty());
    q.item = instrument
        .categories()
        .iter()
        .map(|category| {
            let mut group = QuestionnaireItem::new(category.id.as_str(), ItemType::Group);
            group.text = Some(category.title.clone());
            group.item = category
                .items
                .iter()
                .map(|item| {
                    let mut question = QuestionnaireItem::new(item.id.as_str(), ItemType::Choice);
                    question.text = Some(item.text.clone());
                    question.extension = vec![Extension::item_control("radio-button")];
                    let system = options.code_system_url(instrument.id(), &item.scale);
                    if let Some(scale) = instrument.scale_of(item) {
                        question.answer_option = scale
                            .options
                            .iter()
                            .map(|option| AnswerOption::coding(option_coding(&system, option, true)))
                            .collect();
                    }
                    question
                })
                .collect();
            group
        })
        .collect();
    // Focus categories are answers too: a generic form filler collects them with this question.
    let system = options.category_system_url(instrument.id());
    let mut focus = QuestionnaireItem::new(super::FOCUS_CATEGORIES_LINK_ID, ItemType::Choice);
    focus.text = Some("Focus categories for the improvement program (optional)".to_owned());
    focus.repeats = Some(true);
    focus.extension = vec![Extension::item_control("check-box")];
    focus.answer_option = instrument
        .categories()
        .iter()
        .map(|c| AnswerOption::coding(Coding::new(system.as_str(), c.id.as_str()).with_display(c.title.as_str())))
        .collect();
    q.item.push(focus);
    q
}

/// The coding of an option; with `weights`, a scored option carries `itemWeight` and
/// `ordinalValue`.
fn option_coding(system: &str, option: &ScaleOption, weights: bool) -> Coding {
    let mut coding = Coding::new(system, option.id.as_str()).with_display(option.label.as_str());
    if weights && let (false, Some(points)) = (option.excluded, option.points) {
        coding.extension =
            vec![Extension::decimal(ITEM_WEIGHT_URL, points), Extension::decimal(ORDINAL_VALUE_URL, points)];
    }
    coding
}

/// The FHIR R4 `QuestionnaireResponse` of a validated response.
///
/// - `status` `completed`; `questionnaire` the canonical `url|version` of the instrument's
///   [`export_instrument`](super::export_instrument); `authored` the assessment date as a FHIR date
///   (`2022-11-17`: a dateTime may be a bare date).
/// - `subject` is the organization: `{"reference": "Organization/{id}", "display": name}` when
///   the id is a valid FHIR logical id (`[A-Za-z0-9\-.]{1,64}`); otherwise a logical reference
///   by `identifier` with system [`FhirOptions::organization_identifier_system`] and the id as
///   value.
/// - Items mirror the questionnaire: one group per category that has an answered or annotated
///   item, holding those items in instrument order, each with its text and one
///   `answer.valueCoding` {system, code, display}. Unanswered items are left out, except that an
///   unanswered item with a note appears with the note and no answer.
/// - A note is the item's [`FhirOptions::note_extension_url`] extension (`valueString`); each
///   focus category is a [`FhirOptions::focus_category_extension_url`] extension (`valueCode`)
///   on the resource, in order; the response's free-form `extensions` object is one
///   [`FhirOptions::response_extensions_url`] extension holding its JSON text.
///
/// FHIR has no empty strings, lists or objects, so an empty note, an empty `notes` object and
/// an empty `focus_categories` list are left out (importing gives them back as absent), as is
/// an empty organization name. Everything else comes back exactly from
/// [`import_response`](super::import_response).
///
/// ```
/// use health_equity_assessment::Registry;
/// use health_equity_assessment::fhir::{FhirOptions, export_response};
///
/// let validated = Registry::builtin().validate_json(include_str!("../../examples/heoa-baseline.json"))?;
/// let qr = export_response(&validated, &FhirOptions::default());
/// assert_eq!(qr.questionnaire.as_deref(), Some("https://health-equity-assessment.example/fhir/Questionnaire/heoa|1.0.0"));
/// assert_eq!(qr.authored.as_deref(), Some("2022-11-17"));
/// let subject = qr.subject.as_ref().unwrap();
/// assert_eq!(subject.reference.as_deref(), Some("Organization/org-001"));
/// assert_eq!(subject.display.as_deref(), Some("Example Community Hospital"));
/// let answer = qr.item[0].item[0].answer[0].value_coding.as_ref().unwrap();
/// assert_eq!(answer.code.as_deref(), Some("in_progress"));
/// # Ok::<(), health_equity_assessment::ResponseError>(())
/// ```
#[must_use]
pub fn export_response(response: &ValidatedResponse<'_>, options: &FhirOptions) -> QuestionnaireResponse {
    let instrument = response.instrument();
    let document = response.to_response();
    let notes = response.notes();
    let mut qr = QuestionnaireResponse::new(ResponseStatus::Completed);
    qr.questionnaire = Some(options.questionnaire_reference(instrument));
    qr.subject = Some(subject(response, options));
    qr.authored = Some(response.assessed_on().to_string());

    let focus_url = options.focus_category_extension_url();
    qr.extension =
        response.focus_categories().iter().map(|c| Extension::code(focus_url.as_str(), c.as_str())).collect();
    if let Some(extensions) = &document.extensions
        && let Ok(text) = serde_json::to_string(extensions)
    {
        qr.extension.push(Extension::string(options.response_extensions_url(), text));
    }

    let note_url = options.note_extension_url();
    let mut groups: Vec<QuestionnaireResponseItem> = Vec::new();
    for (category, item, option) in response.answers() {
        let note = notes.and_then(|n| n.get(&item.id)).filter(|n| !n.is_empty());
        if option.is_none() && note.is_none() {
            continue;
        }
        let mut answer_item = QuestionnaireResponseItem::new(item.id.as_str());
        answer_item.text = Some(item.text.clone());
        if let Some(note) = note {
            answer_item.extension.push(Extension::string(note_url.as_str(), note.as_str()));
        }
        if let Some(option) = option {
            let system = options.code_system_url(instrument.id(), &item.scale);
            answer_item.answer.push(QuestionnaireResponseAnswer::coding(option_coding(&system, option, false)));
        }
        match groups.last_mut() {
            Some(group) if group.link_id == category.id => group.item.push(answer_item),
            _ => {
                let mut group = QuestionnaireResponseItem::new(category.id.as_str());
                group.text = Some(category.title.clone());
                group.item.push(answer_item);
                groups.push(group);
            }
        }
    }
    qr.item = groups;
    qr
}

fn subject(response: &ValidatedResponse<'_>, options: &FhirOptions) -> Reference {
    let organization = response.organization();
    let mut reference = if is_fhir_id(&organization.id) {
        Reference::to(format!("Organization/{}", organization.id))
    } else {
        Reference::by_identifier(Identifier::new(options.organization_identifier_system(), organization.id.as_str()))
    };
    reference.display = organization.name.as_ref().filter(|n| !n.is_empty()).map(ToString::to_string);
    reference
}

/// Whether `text` is a FHIR logical id: `[A-Za-z0-9\-.]{1,64}`.
pub(crate) fn is_fhir_id(text: &str) -> bool {
    (1..=64).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// The computable `Questionnaire.name` of an instrument id: PascalCase, matching FHIR's
/// `^[A-Z]([A-Za-z0-9_]){0,254}$`.
///
/// `-` separates words and is dropped; `_` is kept (it is allowed) and also starts a word; an id
/// that starts with a digit is prefixed with `Instrument`.
///
/// ```
/// use health_equity_assessment::fhir::computable_name;
///
/// assert_eq!(computable_name("heoa"), "Heoa");
/// assert_eq!(computable_name("ihi-five-component"), "IhiFiveComponent");
/// assert_eq!(computable_name("cms_hche"), "Cms_Hche");
/// assert_eq!(computable_name("5-star"), "Instrument5Star");
/// ```
#[must_use]
pub fn computable_name(id: &str) -> String {
    let mut name = String::with_capacity(id.len() + 10);
    let mut capital = true;
    for c in id.chars() {
        match c {
            '-' => capital = true,
            '_' => {
                name.push('_');
                capital = true;
            }
            c if c.is_ascii_alphanumeric() => {
                name.push(if capital { c.to_ascii_uppercase() } else { c });
                capital = false;
            }
            _ => capital = true,
        }
    }
    if !name.starts_with(|c: char| c.is_ascii_uppercase()) {
        name.insert_str(0, "Instrument");
    }
    name.truncate(255);
    name
}
