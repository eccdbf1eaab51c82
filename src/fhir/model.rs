//! Hand-written serde types for the subset of FHIR R4 this crate reads and writes: the
//! `Questionnaire` and `QuestionnaireResponse` resources and the data types they use.
//!
//! JSON field names are FHIR's (camelCase). Fields this crate does not model are accepted and
//! ignored when reading; everything the crate writes reads back equal. Empty lists and absent
//! values are left out when writing, as FHIR requires (no empty arrays, no `null`).

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Declares a zero-sized `resourceType` tag that serializes as a fixed string and refuses any
/// other string when deserializing.
macro_rules! resource_tag {
    ($tag:ident, $name:literal) => {
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
        pub(crate) struct $tag;

        impl Serialize for $tag {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str($name)
            }
        }

        impl<'de> Deserialize<'de> for $tag {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                if text == $name {
                    Ok($tag)
                } else {
                    Err(serde::de::Error::custom(format_args!(
                        "resourceType must be {:?}, found {:?}",
                        $name,
                        crate::json::clip(&text)
                    )))
                }
            }
        }

        impl JsonSchema for $tag {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                concat!($name, "ResourceType").into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "string", "const": $name })
            }
        }
    };
}

resource_tag!(QuestionnaireTag, "Questionnaire");
resource_tag!(QuestionnaireResponseTag, "QuestionnaireResponse");

/// A FHIR `Extension`: a `url` naming what it means and one `value[x]` (or nested
/// extensions). Only the value types this crate uses are modelled; others are ignored on read.
///
/// ```
/// use health_equity_assessment::fhir::{Extension, ITEM_WEIGHT_URL};
///
/// let weight = Extension::decimal(ITEM_WEIGHT_URL, 3);
/// assert_eq!(
///     serde_json::to_string(&weight).unwrap(),
///     r#"{"url":"http://hl7.org/fhir/StructureDefinition/itemWeight","valueDecimal":3}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Extension {
    /// What the extension means (an absolute URL, usually of a StructureDefinition).
    pub url: String,
    /// A `decimal` value, kept as the JSON number written (`3`, `2.5`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_decimal: Option<serde_json::Number>,
    /// An `integer` value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_integer: Option<i64>,
    /// A `string` value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_string: Option<String>,
    /// A `code` value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_code: Option<String>,
    /// A `boolean` value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_boolean: Option<bool>,
    /// A `uri` value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_uri: Option<String>,
    /// A `CodeableConcept` value (the `questionnaire-itemControl` extension has one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_codeable_concept: Option<CodeableConcept>,
    /// Nested extensions (complex extensions have these instead of a value).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
}

impl Extension {
    /// An extension without a value yet.
    #[must_use]
    pub fn new(url: impl Into<String>) -> Self {
        Extension {
            url: url.into(),
            value_decimal: None,
            value_integer: None,
            value_string: None,
            value_code: None,
            value_boolean: None,
            value_uri: None,
            value_codeable_concept: None,
            extension: Vec::new(),
        }
    }

    /// The SDC `questionnaire-itemControl` extension: how a form filler shows the item
    /// (`radio-button`, `check-box`, `drop-down`, …).
    ///
    /// ```
    /// use health_equity_assessment::fhir::Extension;
    ///
    /// let radio = Extension::item_control("radio-button");
    /// assert_eq!(radio.url, "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl");
    /// ```
    #[must_use]
    pub fn item_control(code: &str) -> Self {
        let display = match code {
            "radio-button" => "Radio Button",
            "check-box" => "Check-box",
            "drop-down" => "Drop down",
            other => other,
        };
        let coding = Coding::new(ITEM_CONTROL_SYSTEM, code).with_display(display);
        Extension {
            value_codeable_concept: Some(CodeableConcept { coding: vec![coding], text: None }),
            ..Extension::new(ITEM_CONTROL_URL)
        }
    }

    /// An extension with a `valueDecimal`.
    #[must_use]
    pub fn decimal(url: impl Into<String>, value: impl Into<serde_json::Number>) -> Self {
        Extension { value_decimal: Some(value.into()), ..Extension::new(url) }
    }

    /// An extension with a `valueString`.
    #[must_use]
    pub fn string(url: impl Into<String>, value: impl Into<String>) -> Self {
        Extension { value_string: Some(value.into()), ..Extension::new(url) }
    }

    /// An extension with a `valueCode`.
    #[must_use]
    pub fn code(url: impl Into<String>, value: impl Into<String>) -> Self {
        Extension { value_code: Some(value.into()), ..Extension::new(url) }
    }

    /// An extension with a `valueBoolean`.
    #[must_use]
    pub fn boolean(url: impl Into<String>, value: bool) -> Self {
        Extension { value_boolean: Some(value), ..Extension::new(url) }
    }

    /// The names of the `value[x]` fields that are set, e.g. `["valueString"]`.
    #[must_use]
    pub fn value_kinds(&self) -> Vec<&'static str> {
        let mut kinds = Vec::new();
        let mut add = |set: bool, name: &'static str| {
            if set {
                kinds.push(name);
            }
        };
        add(self.value_decimal.is_some(), "valueDecimal");
        add(self.value_integer.is_some(), "valueInteger");
        add(self.value_string.is_some(), "valueString");
        add(self.value_code.is_some(), "valueCode");
        add(self.value_boolean.is_some(), "valueBoolean");
        add(self.value_uri.is_some(), "valueUri");
        add(self.value_codeable_concept.is_some(), "valueCodeableConcept");
        kinds
    }
}

/// A FHIR `Coding`: a code from a code system, with its display text.
///
/// ```
/// use health_equity_assessment::fhir::Coding;
///
/// let coding = Coding::new("https://example.org/CodeSystem/s", "yes").with_display("Yes");
/// assert_eq!(coding.code.as_deref(), Some("yes"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Coding {
    /// Extensions (this crate writes `itemWeight` and `ordinalValue` here).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    /// The code system's canonical URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// The code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Human-readable text for the code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

impl Coding {
    /// A coding with a system and a code.
    #[must_use]
    pub fn new(system: impl Into<String>, code: impl Into<String>) -> Self {
        Coding { extension: Vec::new(), system: Some(system.into()), code: Some(code.into()), display: None }
    }

    /// Sets the display text.
    #[must_use]
    pub fn with_display(mut self, display: impl Into<String>) -> Self {
        self.display = Some(display.into());
        self
    }
}

/// The SDC extension saying how a form filler shows an item.
pub const ITEM_CONTROL_URL: &str = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl";

/// The code system of [`ITEM_CONTROL_URL`]'s codes.
pub const ITEM_CONTROL_SYSTEM: &str = "http://hl7.org/fhir/questionnaire-item-control";

/// A FHIR `CodeableConcept`: codings for one concept, and text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CodeableConcept {
    /// The codings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub coding: Vec<Coding>,
    /// Plain text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// A FHIR `Identifier` (a business identifier: a system and a value).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Identifier {
    /// The namespace of the value (an absolute URI).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// The identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl Identifier {
    /// An identifier with a system and a value.
    #[must_use]
    pub fn new(system: impl Into<String>, value: impl Into<String>) -> Self {
        Identifier { system: Some(system.into()), value: Some(value.into()) }
    }
}

/// A FHIR `Reference` to another resource: a literal `reference` (`Organization/org-001`),
/// or a logical one by `identifier`, plus display text.
///
/// ```
/// use health_equity_assessment::fhir::Reference;
///
/// let subject = Reference::to("Organization/org-001").with_display("Example Community Hospital");
/// assert_eq!(subject.reference.as_deref(), Some("Organization/org-001"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Reference {
    /// A literal reference: a relative (`Organization/org-001`) or absolute URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// A logical reference, for targets without a FHIR logical id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<Identifier>,
    /// Text for the target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

impl Reference {
    /// A literal reference.
    #[must_use]
    pub fn to(reference: impl Into<String>) -> Self {
        Reference { reference: Some(reference.into()), identifier: None, display: None }
    }

    /// A logical reference by identifier.
    #[must_use]
    pub fn by_identifier(identifier: Identifier) -> Self {
        Reference { reference: None, identifier: Some(identifier), display: None }
    }

    /// Sets the display text.
    #[must_use]
    pub fn with_display(mut self, display: impl Into<String>) -> Self {
        self.display = Some(display.into());
        self
    }
}

/// `Questionnaire.status` (FHIR `PublicationStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PublicationStatus {
    /// Not ready for use.
    Draft,
    /// Ready for use.
    Active,
    /// Withdrawn.
    Retired,
    /// Not known.
    Unknown,
}

/// `Questionnaire.item.type` (FHIR R4 `QuestionnaireItemType`, the full R4 list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ItemType {
    /// `group`: holds other items.
    Group,
    /// `display`: text only, no answer.
    Display,
    /// `boolean`.
    Boolean,
    /// `decimal`.
    Decimal,
    /// `integer`.
    Integer,
    /// `date`.
    Date,
    /// `dateTime`.
    DateTime,
    /// `time`.
    Time,
    /// `string`: a short text answer.
    String,
    /// `text`: a long text answer.
    Text,
    /// `url`.
    Url,
    /// `choice`: one of the `answerOption`s (what this crate writes for every item).
    Choice,
    /// `open-choice`: an option or free text.
    #[serde(rename = "open-choice")]
    OpenChoice,
    /// `attachment`.
    Attachment,
    /// `reference`.
    Reference,
    /// `quantity`.
    Quantity,
}

/// A FHIR R4 `Questionnaire` (the elements this crate uses).
///
/// Made by [`export_instrument`](super::export_instrument); it reads back from its JSON unchanged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Questionnaire {
    /// Always `"Questionnaire"`.
    resource_type: QuestionnaireTag,
    /// The logical id on a server, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Extensions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    /// The canonical URL (without version).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The business version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// A computer-friendly name (`^[A-Z]([A-Za-z0-9_]){0,254}$`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A human-friendly title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The publication status.
    pub status: PublicationStatus,
    /// The resource types that can be the subject of a response.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subject_type: Vec<String>,
    /// The publisher.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// A natural-language description (markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The items (groups and questions), in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item: Vec<QuestionnaireItem>,
}

impl Questionnaire {
    /// An empty questionnaire with a status.
    #[must_use]
    pub fn new(status: PublicationStatus) -> Self {
        Questionnaire {
            resource_type: QuestionnaireTag,
            id: None,
            extension: Vec::new(),
            url: None,
            version: None,
            name: None,
            title: None,
            status,
            subject_type: Vec::new(),
            publisher: None,
            description: None,
            item: Vec::new(),
        }
    }

    /// `"Questionnaire"`.
    #[must_use]
    pub fn resource_type(&self) -> &'static str {
        "Questionnaire"
    }

    /// The canonical reference `url|version` (or `url` alone when there is no version).
    #[must_use]
    pub fn canonical(&self) -> Option<String> {
        let url = self.url.as_deref()?;
        Some(match &self.version {
            Some(version) => format!("{url}|{version}"),
            None => url.to_owned(),
        })
    }

    /// Every item at any depth, parents before their children.
    pub fn all_items(&self) -> impl Iterator<Item = &QuestionnaireItem> {
        let mut stack: Vec<&QuestionnaireItem> = self.item.iter().rev().collect();
        std::iter::from_fn(move || {
            let next = stack.pop()?;
            stack.extend(next.item.iter().rev());
            Some(next)
        })
    }

    /// The item with this `linkId`, at any depth.
    #[must_use]
    pub fn find_item(&self, link_id: &str) -> Option<&QuestionnaireItem> {
        self.all_items().find(|i| i.link_id == link_id)
    }
}

/// One `Questionnaire.item`: a group or a question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct QuestionnaireItem {
    /// Extensions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    /// The item's id, unique in the questionnaire (invariant que-2).
    pub link_id: String,
    /// The question or group heading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The item type.
    #[serde(rename = "type")]
    pub item_type: ItemType,
    /// Whether an answer is required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// Whether the item may repeat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeats: Option<bool>,
    /// The permitted answers of a `choice` item.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answer_option: Vec<AnswerOption>,
    /// Nested items.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item: Vec<QuestionnaireItem>,
}

impl QuestionnaireItem {
    /// An item with a linkId and a type.
    #[must_use]
    pub fn new(link_id: impl Into<String>, item_type: ItemType) -> Self {
        QuestionnaireItem {
            extension: Vec::new(),
            link_id: link_id.into(),
            text: None,
            item_type,
            required: None,
            repeats: None,
            answer_option: Vec::new(),
            item: Vec::new(),
        }
    }
}

/// One `Questionnaire.item.answerOption` (this crate writes `valueCoding` options).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AnswerOption {
    /// Extensions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    /// The option as a coding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_coding: Option<Coding>,
}

impl AnswerOption {
    /// An option with a coding.
    #[must_use]
    pub fn coding(coding: Coding) -> Self {
        AnswerOption { extension: Vec::new(), value_coding: Some(coding) }
    }
}

/// `QuestionnaireResponse.status` (FHIR `QuestionnaireResponseStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ResponseStatus {
    /// Being filled in.
    InProgress,
    /// Finished.
    Completed,
    /// Finished, then changed.
    Amended,
    /// Made in error.
    EnteredInError,
    /// Abandoned before completion.
    Stopped,
}

impl ResponseStatus {
    /// The FHIR code, e.g. `in-progress`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseStatus::InProgress => "in-progress",
            ResponseStatus::Completed => "completed",
            ResponseStatus::Amended => "amended",
            ResponseStatus::EnteredInError => "entered-in-error",
            ResponseStatus::Stopped => "stopped",
        }
    }
}

impl fmt::Display for ResponseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A FHIR R4 `QuestionnaireResponse` (the elements this crate uses).
///
/// Made by [`export_response`](super::export_response) and read by
/// [`import_response`](super::import_response); it reads back from
/// its JSON unchanged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct QuestionnaireResponse {
    /// Always `"QuestionnaireResponse"`.
    resource_type: QuestionnaireResponseTag,
    /// The logical id on a server, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Extensions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    /// Extensions that change the meaning of the resource; the importer refuses any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    /// The canonical reference `url|version` of the questionnaire answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub questionnaire: Option<String>,
    /// The status.
    pub status: ResponseStatus,
    /// Who or what the answers are about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Reference>,
    /// Who gave the answers (the importer takes the organization from here when `subject` is
    /// absent and this references an Organization).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<Reference>,
    /// When the answers were gathered: a FHIR `dateTime` (`YYYY-MM-DD` or with a time and
    /// zone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authored: Option<String>,
    /// The items, mirroring the questionnaire by linkId.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item: Vec<QuestionnaireResponseItem>,
}

impl QuestionnaireResponse {
    /// An empty response with a status.
    #[must_use]
    pub fn new(status: ResponseStatus) -> Self {
        QuestionnaireResponse {
            resource_type: QuestionnaireResponseTag,
            id: None,
            extension: Vec::new(),
            modifier_extension: Vec::new(),
            questionnaire: None,
            status,
            subject: None,
            author: None,
            authored: None,
            item: Vec::new(),
        }
    }

    /// `"QuestionnaireResponse"`.
    #[must_use]
    pub fn resource_type(&self) -> &'static str {
        "QuestionnaireResponse"
    }
}

/// One `QuestionnaireResponse.item`: a group holding items, or a question holding answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct QuestionnaireResponseItem {
    /// Extensions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    /// Extensions that change the meaning of the item; the importer refuses any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    /// The questionnaire item this answers.
    pub link_id: String,
    /// The question or group text, for readers without the questionnaire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The answers of a question.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answer: Vec<QuestionnaireResponseAnswer>,
    /// The items of a group.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item: Vec<QuestionnaireResponseItem>,
}

impl QuestionnaireResponseItem {
    /// An item with a linkId.
    #[must_use]
    pub fn new(link_id: impl Into<String>) -> Self {
        QuestionnaireResponseItem {
            extension: Vec::new(),
            modifier_extension: Vec::new(),
            link_id: link_id.into(),
            text: None,
            answer: Vec::new(),
            item: Vec::new(),
        }
    }
}

/// One `QuestionnaireResponse.item.answer` (this crate reads and writes `valueCoding`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct QuestionnaireResponseAnswer {
    /// Extensions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    /// Extensions that change the meaning of the answer; the importer refuses any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    /// The answer as a coding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_coding: Option<Coding>,
    /// Items nested under the answer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item: Vec<QuestionnaireResponseItem>,
}

impl QuestionnaireResponseAnswer {
    /// An answer with a coding.
    #[must_use]
    pub fn coding(coding: Coding) -> Self {
        QuestionnaireResponseAnswer {
            extension: Vec::new(),
            modifier_extension: Vec::new(),
            value_coding: Some(coding),
            item: Vec::new(),
        }
    }
}
