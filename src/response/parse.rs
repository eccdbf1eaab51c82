//! A lenient, borrowing parse of a response document into a [`Draft`].
//!
//! A derived `Deserialize` stops at the first problem and keeps the last of two duplicate keys;
//! this parser records every problem and every duplicate, and borrows answer keys and values
//! from the input text when they contain no escapes, so validating a large response allocates
//! little more than its report.

use crate::problem::JsonProblem;
use std::borrow::Cow;
use std::fmt;

use jiff::civil::Date;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use super::ResponseProblem;
use super::{Organization, ResponseLimits};
use crate::SharedStr;
use crate::date::parse as parse_date;
use crate::instrument::Extensions;
use crate::json::{clip, describe, push_index, push_token};

/// A string value, or a description of the non-string value found instead.
pub(crate) type Lenient<'a> = Result<Cow<'a, str>, String>;

/// What a response document holds, as far as it could be read.
#[derive(Default)]
pub(crate) struct Draft<'a> {
    pub(crate) instrument: Option<DraftRef<'a>>,
    pub(crate) organization: Option<Organization>,
    pub(crate) assessed_on: Option<Date>,
    /// Answers in document order, duplicates included.
    pub(crate) answers: Vec<(Cow<'a, str>, Lenient<'a>)>,
    pub(crate) notes: Option<Vec<(Cow<'a, str>, Lenient<'a>)>>,
    pub(crate) focus_categories: Option<Vec<String>>,
    pub(crate) extensions: Option<Extensions>,
    pub(crate) problems: Vec<ResponseProblem>,
}

/// The `instrument` object as read.
pub(crate) struct DraftRef<'a> {
    pub(crate) id: Cow<'a, str>,
    /// `None` when the version did not parse (already reported).
    pub(crate) version: Option<semver::Version>,
}

const FIELDS: [&str; 7] =
    ["instrument", "organization", "assessed_on", "answers", "notes", "focus_categories", "extensions"];

/// The text of `bytes`, or the problem that stops it (too large, not UTF-8).
#[allow(clippy::result_large_err)] // One problem per document read, moved into the error list.
pub(crate) fn text_of<'a>(bytes: &'a [u8], limits: &ResponseLimits) -> Result<&'a str, ResponseProblem> {
    if bytes.len() > limits.max_document_bytes {
        return Err(ResponseProblem::Json(JsonProblem::TooLarge {
            pointer: String::new(),
            what: "the document size in bytes",
            size: bytes.len(),
            limit: limits.max_document_bytes,
        }));
    }
    std::str::from_utf8(bytes).map_err(|e| ResponseProblem::Json(JsonProblem::NotUtf8 { offset: e.valid_up_to() }))
}

/// Parses `text`; never fails: JSON syntax errors become a [`ResponseProblem::Syntax`].
pub(crate) fn parse<'a>(text: &'a str, limits: &ResponseLimits) -> Draft<'a> {
    // RFC 8259 §8.1: a parser may ignore a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.len() > limits.max_document_bytes {
        return Draft {
            problems: vec![ResponseProblem::Json(JsonProblem::TooLarge {
                pointer: String::new(),
                what: "the document size in bytes",
                size: text.len(),
                limit: limits.max_document_bytes,
            })],
            ..Draft::default()
        };
    }
    if text.trim_ascii().is_empty() {
        // serde_json's "EOF while parsing a value at line 1 column 0" does not say the obvious.
        let line = 1 + text.matches('\n').count();
        return Draft {
            problems: vec![ResponseProblem::Json(JsonProblem::Syntax {
                line,
                column: 1,
                message: "the input is empty".to_owned(),
            })],
            ..Draft::default()
        };
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let result = de.deserialize_any(DraftVisitor { limits }).and_then(|draft| de.end().map(|()| draft));
    match result {
        Ok(draft) => draft,
        Err(e) => Draft {
            problems: vec![ResponseProblem::Json(JsonProblem::Syntax {
                line: e.line(),
                column: e.column(),
                message: crate::json::serde_message(&e),
            })],
            ..Draft::default()
        },
    }
}

/// Keys that mark a document as another kind the user may have passed by mistake.
#[derive(Default)]
struct OtherKind {
    /// A FHIR resource's `resourceType` (empty when it is not a string).
    resource_type: Option<String>,
    /// How many of an instrument file's own keys (`format_version`, `scoring`) were seen.
    instrument_keys: usize,
}

impl OtherKind {
    fn describe(self) -> Option<(String, &'static str)> {
        if let Some(resource_type) = self.resource_type {
            let found =
                if resource_type.is_empty() { "a FHIR resource".to_owned() } else { format!("a FHIR {resource_type}") };
            return Some((
                found,
                "import a QuestionnaireResponse with `fhir::import_response` (`equity-assess import fhir`)",
            ));
        }
        (self.instrument_keys == 2)
            .then(|| ("an instrument file".to_owned(), "load it with `Instrument::from_json` (`--instrument-file`)"))
    }
}

struct DraftVisitor<'l> {
    limits: &'l ResponseLimits,
}

impl<'de> Visitor<'de> for DraftVisitor<'_> {
    type Value = Draft<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a response document (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Draft<'de>, A::Error> {
        let mut draft = Draft::default();
        let mut seen = [false; FIELDS.len()];
        let mut other_kind = OtherKind::default();
        while let Some(Key(key)) = map.next_key()? {
            let Some(slot) = FIELDS.iter().position(|f| *f == key) else {
                draft.problems.push(ResponseProblem::Json(JsonProblem::UnknownField {
                    pointer: String::new(),
                    field: clip(&key),
                }));
                match &*key {
                    "resourceType" => {
                        let raw: &'de RawValue = map.next_value()?;
                        other_kind.resource_type = Some(
                            serde_json::from_str::<Cow<'_, str>>(raw.get())
                                .map_or_else(|_| String::new(), |t| clip(&t)),
                        );
                    }
                    "format_version" | "scoring" => {
                        other_kind.instrument_keys += 1;
                        map.next_value::<IgnoredAny>()?;
                    }
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                continue;
            };
            if std::mem::replace(&mut seen[slot], true) {
                draft.problems.push(ResponseProblem::Json(JsonProblem::DuplicateKey {
                    pointer: String::new(),
                    key: key.into_owned(),
                }));
            }
            match FIELDS[slot] {
                "answers" => {
                    let pairs = map.next_value_seed(PairsSeed { limit: self.limits.max_answers })?;
                    draft.answers = draft.pairs("/answers", pairs, self.limits.max_answers);
                }
                "notes" => {
                    let pairs = map.next_value_seed(PairsSeed { limit: self.limits.max_answers })?;
                    draft.notes = Some(draft.pairs("/notes", pairs, self.limits.max_answers));
                }
                field => {
                    let raw: &'de RawValue = map.next_value()?;
                    draft.read_field(field, raw, self.limits);
                }
            }
        }
        // Without an `instrument`, a FHIR resource or an instrument file would otherwise be a
        // wall of unknown and missing fields that hides the real mistake.
        if !seen[0]
            && let Some((found, hint)) = other_kind.describe()
        {
            draft.problems = vec![ResponseProblem::NotAResponse { found, hint }];
            return Ok(draft);
        }
        for (field, present) in FIELDS.iter().zip(seen).take(4) {
            if !present {
                draft.problems.push(ResponseProblem::Json(JsonProblem::MissingField {
                    pointer: String::new(),
                    field: (*field).to_owned(),
                }));
            }
        }
        draft.check_sizes(self.limits);
        Ok(draft)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Draft<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(not_an_object("an array"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Draft<'de>, E> {
        Ok(not_an_object(&format!("the string {:?}", clip(v))))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Draft<'de>, E> {
        Ok(not_an_object(&format!("the boolean {v}")))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Draft<'de>, E> {
        Ok(not_an_object(&format!("the number {v}")))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Draft<'de>, E> {
        Ok(not_an_object(&format!("the number {v}")))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Draft<'de>, E> {
        Ok(not_an_object(&format!("the number {v}")))
    }
    fn visit_unit<E>(self) -> Result<Draft<'de>, E> {
        Ok(not_an_object("null"))
    }
}

fn not_an_object(found: &str) -> Draft<'static> {
    Draft {
        problems: vec![ResponseProblem::Json(JsonProblem::InvalidValue {
            pointer: String::new(),
            message: format!("a response document is a JSON object, found {found}"),
        })],
        ..Draft::default()
    }
}

impl<'a> Draft<'a> {
    fn invalid(&mut self, pointer: impl Into<String>, message: String) {
        self.problems.push(ResponseProblem::Json(JsonProblem::InvalidValue { pointer: pointer.into(), message }));
    }

    fn pairs(
        &mut self,
        pointer: &str,
        pairs: Result<Vec<(Cow<'a, str>, Lenient<'a>)>, Pairs>,
        limit: usize,
    ) -> Vec<(Cow<'a, str>, Lenient<'a>)> {
        match pairs {
            Ok(pairs) => pairs,
            Err(Pairs::NotAnObject(found)) => {
                self.invalid(pointer, format!("expected an object mapping item ids to strings, found {found}"));
                Vec::new()
            }
            Err(Pairs::TooMany(count)) => {
                self.problems.push(ResponseProblem::Json(JsonProblem::TooLarge {
                    pointer: pointer.to_owned(),
                    what: "the number of entries",
                    size: count,
                    limit,
                }));
                Vec::new()
            }
        }
    }

    /// Reads one of the small fields from its raw JSON text: a typed, borrowing parse first;
    /// when that fails, the slower path that names every problem.
    fn read_field(&mut self, field: &str, raw: &'a RawValue, limits: &ResponseLimits) {
        if self.read_field_fast(field, raw, limits) {
            return;
        }
        let pointer = push_token("", field);
        let before = self.problems.len();
        let value = match crate::json::parse_value_checking_duplicates(raw.get()) {
            Ok((value, duplicates)) => {
                for (at, key) in duplicates {
                    self.problems.push(ResponseProblem::Json(JsonProblem::DuplicateKey {
                        pointer: format!("{pointer}{at}"),
                        key: clip(&key),
                    }));
                }
                value
            }
            // The outer parse already accepted this text, so it is valid JSON.
            Err(e) => {
                self.invalid(pointer, e.to_string());
                return;
            }
        };
        match field {
            "instrument" => self.read_instrument(&value, &pointer),
            "organization" => self.read_organization(&value, &pointer),
            "assessed_on" => match value.as_str() {
                Some(text) => match parse_date(text) {
                    Ok(date) => self.assessed_on = Some(date),
                    Err(reason) => {
                        self.problems.push(ResponseProblem::MalformedDate { pointer, value: clip(text), reason });
                    }
                },
                None => self.invalid(pointer, format!("expected a date string YYYY-MM-DD, found {}", describe(&value))),
            },
            "focus_categories" => match value {
                Value::Array(items) if items.len() > limits.max_focus_categories => {
                    self.too_many_focus(items.len(), limits);
                }
                Value::Array(items) => {
                    let mut ids = Vec::with_capacity(items.len());
                    for (i, item) in items.into_iter().enumerate() {
                        match item {
                            Value::String(s) => ids.push(s),
                            other => self.invalid(
                                push_index(&pointer, i),
                                format!("expected a category id string, found {}", describe(&other)),
                            ),
                        }
                    }
                    self.focus_categories = Some(ids);
                }
                other => {
                    self.invalid(pointer, format!("expected an array of category ids, found {}", describe(&other)))
                }
            },
            "extensions" => match value {
                // Read again from the text, so numbers keep their exact text.
                Value::Object(_) => match serde_json::from_str::<Extensions>(raw.get()) {
                    Ok(map) => self.extensions = Some(map),
                    // A duplicate key inside is already reported, with its own pointer.
                    Err(_) if self.problems.len() > before => {}
                    Err(e) => self.invalid(pointer, crate::json::serde_message(&e)),
                },
                other => self.invalid(pointer, format!("expected an object, found {}", describe(&other))),
            },
            _ => {}
        }
    }

    /// The well-formed case without building a `Value`; `false` when anything is unusual.
    fn read_field_fast(&mut self, field: &str, raw: &'a RawValue, limits: &ResponseLimits) -> bool {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Reference<'s> {
            #[serde(borrow)]
            id: Cow<'s, str>,
            #[serde(borrow)]
            version: Cow<'s, str>,
        }
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Org<'s> {
            #[serde(borrow)]
            id: Cow<'s, str>,
            // A present `name` must be a string: `null` goes to the careful path, which refuses it.
            #[serde(borrow, default, deserialize_with = "some_string")]
            name: Option<Cow<'s, str>>,
        }
        fn some_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Cow<'de, str>>, D::Error> {
            <Cow<'de, str> as serde::Deserialize>::deserialize(d).map(Some)
        }
        let text = raw.get();
        let filled = |s: &str| !s.trim().is_empty();
        match field {
            "instrument" => match serde_json::from_str::<Reference<'a>>(text) {
                Ok(r) if filled(&r.id) => match semver::Version::parse(&r.version) {
                    Ok(version) => {
                        self.instrument = Some(DraftRef { id: r.id, version: Some(version) });
                        true
                    }
                    Err(_) => false,
                },
                _ => false,
            },
            "organization" => match serde_json::from_str::<Org<'a>>(text) {
                Ok(o) if filled(&o.id) && o.name.as_deref().is_none_or(filled) => {
                    self.organization = Some(Organization {
                        id: SharedStr::from(o.id.as_ref()),
                        name: o.name.as_deref().map(SharedStr::from),
                    });
                    true
                }
                _ => false,
            },
            "assessed_on" => match serde_json::from_str::<Cow<'a, str>>(text) {
                Ok(date) => match parse_date(&date) {
                    Ok(date) => {
                        self.assessed_on = Some(date);
                        true
                    }
                    Err(_) => false,
                },
                Err(_) => false,
            },
            "focus_categories" => {
                let mut de = serde_json::Deserializer::from_str(text);
                match de.deserialize_seq(BoundedStrings { limit: limits.max_focus_categories }) {
                    Ok(Ok(ids)) => {
                        self.focus_categories = Some(ids);
                        true
                    }
                    Ok(Err(count)) => {
                        self.too_many_focus(count, limits);
                        true
                    }
                    Err(_) => false,
                }
            }
            _ => false,
        }
    }

    fn object<'v>(
        &mut self,
        value: &'v Value,
        pointer: &str,
        fields: &[&str],
    ) -> Option<&'v serde_json::Map<String, Value>> {
        let Some(object) = value.as_object() else {
            self.invalid(pointer, format!("expected an object, found {}", describe(value)));
            return None;
        };
        for key in object.keys() {
            if !fields.contains(&key.as_str()) {
                self.problems.push(ResponseProblem::Json(JsonProblem::UnknownField {
                    pointer: pointer.to_owned(),
                    field: clip(key),
                }));
            }
        }
        for field in fields.iter().take_while(|f| **f != "name") {
            if !object.contains_key(*field) {
                self.problems.push(ResponseProblem::Json(JsonProblem::MissingField {
                    pointer: pointer.to_owned(),
                    field: (*field).to_owned(),
                }));
            }
        }
        Some(object)
    }

    fn string(&mut self, object: &serde_json::Map<String, Value>, pointer: &str, field: &str) -> Option<String> {
        let value = object.get(field)?;
        match value {
            Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
            Value::String(_) => {
                self.invalid(push_token(pointer, field), "must not be empty".to_owned());
                None
            }
            other => {
                self.invalid(push_token(pointer, field), format!("expected a string, found {}", describe(other)));
                None
            }
        }
    }

    fn read_instrument(&mut self, value: &Value, pointer: &str) {
        let Some(object) = self.object(value, pointer, &["id", "version"]) else { return };
        let id = self.string(object, pointer, "id");
        let version = self.string(object, pointer, "version").and_then(|text| match semver::Version::parse(&text) {
            Ok(v) => Some(v),
            Err(e) => {
                self.problems.push(ResponseProblem::Json(JsonProblem::InvalidVersion {
                    pointer: push_token(pointer, "version"),
                    value: clip(&text),
                    reason: e.to_string(),
                }));
                None
            }
        });
        if let Some(id) = id {
            self.instrument = Some(DraftRef { id: Cow::Owned(id), version });
        }
    }

    fn read_organization(&mut self, value: &Value, pointer: &str) {
        let Some(object) = self.object(value, pointer, &["id", "name"]) else { return };
        let id = self.string(object, pointer, "id");
        let name = self.string(object, pointer, "name");
        if let Some(id) = id {
            self.organization = Some(Organization { id: SharedStr::from(id), name: name.map(SharedStr::from) });
        }
    }

    fn too_many_focus(&mut self, count: usize, limits: &ResponseLimits) {
        self.problems.push(ResponseProblem::Json(JsonProblem::TooLarge {
            pointer: "/focus_categories".to_owned(),
            what: "the number of focus categories",
            size: count,
            limit: limits.max_focus_categories,
        }));
    }

    /// The checks every response gets, however it was read: the string limits, and for a
    /// response that did not come through the JSON reader (built in code or by serde) the
    /// list limits and the blank-id rules the reader applies while reading.
    pub(crate) fn check_sizes(&mut self, limits: &ResponseLimits) {
        let max = limits.max_string_chars;
        // A string has at most as many characters as bytes: count characters only when the
        // byte length is over the limit.
        let over = |text: &str| text.len() > max && text.chars().count() > max;
        let mut long = Vec::new();
        for (pointer, list) in [("/answers", Some(&self.answers)), ("/notes", self.notes.as_ref())] {
            for (key, value) in list.into_iter().flatten() {
                if over(key) || value.as_ref().is_ok_and(|v| over(v)) {
                    let text_len = value.as_ref().map_or(0, |v| v.chars().count());
                    long.push((push_token(pointer, &clip(key)), key.chars().count().max(text_len)));
                }
            }
        }
        for (i, id) in self.focus_categories.iter().flatten().enumerate() {
            if over(id) {
                long.push((push_index("/focus_categories", i), id.chars().count()));
            }
        }
        for (pointer, size) in long {
            self.problems.push(ResponseProblem::Json(JsonProblem::TooLarge {
                pointer,
                what: "the string length in characters",
                size,
                limit: max,
            }));
        }
    }

    /// The rules the JSON reader applies while reading, for a response that was not read by it.
    pub(crate) fn check_built(&mut self, limits: &ResponseLimits) {
        for (pointer, list) in [("/answers", Some(&mut self.answers)), ("/notes", self.notes.as_mut())] {
            if let Some(list) = list
                && list.len() > limits.max_answers
            {
                self.problems.push(ResponseProblem::Json(JsonProblem::TooLarge {
                    pointer: pointer.to_owned(),
                    what: "the number of entries",
                    size: list.len(),
                    limit: limits.max_answers,
                }));
                list.clear();
            }
        }
        if let Some(count) = self.focus_categories.as_ref().map(Vec::len).filter(|n| *n > limits.max_focus_categories) {
            self.too_many_focus(count, limits);
            self.focus_categories = None;
        }
        if let Some(DraftRef { id, .. }) = &self.instrument
            && id.trim().is_empty()
        {
            self.invalid("/instrument/id", "must not be empty".to_owned());
        }
        if let Some(organization) = &self.organization {
            let blank_id = organization.id.trim().is_empty();
            let blank_name = organization.name.as_ref().is_some_and(|n| n.trim().is_empty());
            if blank_id {
                self.invalid("/organization/id", "must not be empty".to_owned());
            }
            if blank_name {
                self.invalid("/organization/name", "must not be empty".to_owned());
            }
        }
        self.check_sizes(limits);
    }
}

/// A map key, borrowed from the input when it has no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(V)
    }
}

/// A value that should be a string; anything else is consumed and described.
struct LenientValue<'a>(Lenient<'a>);

impl<'de> de::Deserialize<'de> for LenientValue<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LenientValue<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(LenientValue(Ok(Cow::Borrowed(v))))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(LenientValue(Ok(Cow::Owned(v.to_owned()))))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(LenientValue(Ok(Cow::Owned(v))))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
                Ok(LenientValue(Err(format!("the boolean {v}"))))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
                Ok(LenientValue(Err(format!("the number {v}"))))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
                Ok(LenientValue(Err(format!("the number {v}"))))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
                Ok(LenientValue(Err(format!("the number {v}"))))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(LenientValue(Err("null".to_owned())))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(LenientValue(Err("an array".to_owned())))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(LenientValue(Err("an object".to_owned())))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// Why a map of strings could not be read.
enum Pairs {
    NotAnObject(String),
    TooMany(usize),
}

/// Reads an object of string values as pairs in document order, duplicates kept.
struct PairsSeed {
    limit: usize,
}

impl<'de> DeserializeSeed<'de> for PairsSeed {
    type Value = Result<Vec<(Cow<'de, str>, Lenient<'de>)>, Pairs>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PairsSeed {
    type Value = Result<Vec<(Cow<'de, str>, Lenient<'de>)>, Pairs>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of strings")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(32).min(256));
        let mut count = 0usize;
        while let Some(Key(key)) = map.next_key()? {
            let LenientValue(value) = map.next_value()?;
            count += 1;
            // Keep reading (the JSON must still be consumed) but stop storing past the limit.
            if count <= self.limit {
                pairs.push((key, value));
            }
        }
        if count > self.limit {
            return Ok(Err(Pairs::TooMany(count)));
        }
        Ok(Ok(pairs))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Err(Pairs::NotAnObject("an array".to_owned())))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Err(Pairs::NotAnObject(format!("the string {:?}", clip(v)))))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Err(Pairs::NotAnObject(format!("the boolean {v}"))))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Err(Pairs::NotAnObject(format!("the number {v}"))))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Err(Pairs::NotAnObject(format!("the number {v}"))))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Err(Pairs::NotAnObject(format!("the number {v}"))))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Err(Pairs::NotAnObject("null".to_owned())))
    }
}

/// Reads an array of strings, storing at most `limit` of them; `Err(count)` when there are
/// more (the rest is still consumed, never stored). Anything else is a deserialization error,
/// and the careful path describes it.
struct BoundedStrings {
    limit: usize,
}

impl<'de> Visitor<'de> for BoundedStrings {
    type Value = Result<Vec<String>, usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of strings")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(8).min(self.limit).min(64));
        let mut count = 0usize;
        while let Some(text) = seq.next_element::<Cow<'de, str>>()? {
            count += 1;
            if count <= self.limit {
                out.push(text.into_owned());
            }
        }
        Ok(if count > self.limit { Err(count) } else { Ok(out) })
    }
}
