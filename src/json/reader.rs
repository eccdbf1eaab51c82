//! The collecting reader shared by every document format read from a parsed value (instrument
//! files, item maps, crosswalks): it walks the document, takes what it can, and records every
//! problem of structure with its JSON Pointer instead of stopping at the first one as a derived
//! `Deserialize` would. Each format's reader calls it with its own field lists and limits, so
//! duplicate keys, unknown and missing fields, wrong types and over-long lists are handled the
//! same way everywhere.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::{Parsed, clip, describe, push_index, push_token};
use crate::problem::JsonProblem;

/// Collects problems of type `P` while walking a document.
pub(crate) struct Reader<'t, P> {
    pub(crate) problems: Vec<P>,
    /// The exact text of the document's `extensions` values, by pointer.
    extensions: Vec<(String, &'t serde_json::value::RawValue)>,
}

/// A document read far enough to walk, or the problem that stops it.
pub(crate) enum Start<'t, P> {
    /// The parsed document and a reader holding its duplicate keys.
    Read(Value, Reader<'t, P>),
    /// Too large or not JSON.
    Stopped(P),
}

impl<'t, P: From<JsonProblem>> Reader<'t, P> {
    /// Parses `text` (a leading byte-order mark ignored, as RFC 8259 allows), refusing text
    /// over `max_bytes`; duplicate keys are recorded as problems.
    pub(crate) fn start(text: &'t str, max_bytes: usize) -> Start<'t, P> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.len() > max_bytes {
            return Start::Stopped(JsonProblem::too_large_document(text.len(), max_bytes).into());
        }
        match super::parse(text) {
            Err(e) => Start::Stopped(JsonProblem::syntax(&e).into()),
            Ok(Parsed { value, duplicates, extensions }) => {
                let problems = duplicates
                    .into_iter()
                    .map(|(pointer, key)| JsonProblem::DuplicateKey { pointer, key: clip(&key) }.into())
                    .collect();
                Start::Read(value, Reader { problems, extensions })
            }
        }
    }

    /// Records a problem.
    pub(crate) fn push(&mut self, problem: impl Into<P>) {
        self.problems.push(problem.into());
    }

    /// The object at `pointer`, reporting a wrong type and every field not in `fields`.
    pub(crate) fn object<'v>(
        &mut self,
        value: &'v Value,
        pointer: &str,
        fields: &[&str],
    ) -> Option<&'v Map<String, Value>> {
        let Some(object) = value.as_object() else {
            self.push(JsonProblem::InvalidValue {
                pointer: pointer.to_owned(),
                message: format!("expected an object, found {}", describe(value)),
            });
            return None;
        };
        for key in object.keys() {
            if !fields.contains(&key.as_str()) {
                self.push(JsonProblem::UnknownField { pointer: pointer.to_owned(), field: clip(key) });
            }
        }
        Some(object)
    }

    /// An optional field deserialized to `T`; a wrong value is reported and read as absent.
    pub(crate) fn optional<T: DeserializeOwned>(
        &mut self,
        object: &Map<String, Value>,
        pointer: &str,
        field: &str,
    ) -> Option<T> {
        let value = object.get(field)?;
        match T::deserialize(value) {
            Ok(v) => Some(v),
            Err(e) => {
                self.push(JsonProblem::InvalidValue {
                    pointer: push_token(pointer, field),
                    message: format!("{} (found {})", super::clip_middle(&e.to_string()), describe(value)),
                });
                None
            }
        }
    }

    /// A required field deserialized to `T`; absence and wrong values are reported.
    pub(crate) fn required<T: DeserializeOwned>(
        &mut self,
        object: &Map<String, Value>,
        pointer: &str,
        field: &str,
    ) -> Option<T> {
        if !object.contains_key(field) {
            self.missing(pointer, field);
            return None;
        }
        self.optional(object, pointer, field)
    }

    /// A required field's raw value; absence is reported.
    pub(crate) fn required_value<'v>(
        &mut self,
        object: &'v Map<String, Value>,
        pointer: &str,
        field: &str,
    ) -> Option<&'v Value> {
        let value = object.get(field);
        if value.is_none() {
            self.missing(pointer, field);
        }
        value
    }

    /// Reports a missing required field.
    pub(crate) fn missing(&mut self, pointer: &str, field: &str) {
        self.push(JsonProblem::MissingField { pointer: pointer.to_owned(), field: field.to_owned() });
    }

    /// A required array field of at most `limit` elements (`what` names the list in the
    /// problem). An absent field is reported as missing.
    pub(crate) fn array<'v>(
        &mut self,
        object: &'v Map<String, Value>,
        pointer: &str,
        field: &str,
        limit: usize,
        what: &'static str,
    ) -> Option<&'v [Value]> {
        let Some(value) = object.get(field) else {
            self.missing(pointer, field);
            return None;
        };
        self.elements(value, &push_token(pointer, field), limit, what)
    }

    /// The elements of an array value of at most `limit` elements.
    pub(crate) fn elements<'v>(
        &mut self,
        value: &'v Value,
        pointer: &str,
        limit: usize,
        what: &'static str,
    ) -> Option<&'v [Value]> {
        let Some(items) = value.as_array() else {
            self.push(JsonProblem::InvalidValue {
                pointer: pointer.to_owned(),
                message: format!("expected an array, found {}", describe(value)),
            });
            return None;
        };
        if items.len() > limit {
            self.push(JsonProblem::TooMany { pointer: pointer.to_owned(), what, count: items.len(), limit });
            return None;
        }
        Some(items)
    }

    /// The optional `extensions` object of `object`, its values read from the document's text
    /// so their numbers keep their exact text.
    pub(crate) fn extensions(
        &mut self,
        object: &Map<String, Value>,
        pointer: &str,
    ) -> Option<crate::instrument::Extensions> {
        let value = object.get("extensions")?;
        let at = push_token(pointer, "extensions");
        if !value.is_object() {
            self.push(JsonProblem::InvalidValue {
                pointer: at,
                message: format!("expected an object, found {}", describe(value)),
            });
            return None;
        }
        let raw = self.extensions.iter().find(|(p, _)| *p == at).map(|(_, raw)| *raw);
        let read = match raw {
            Some(raw) => serde_json::from_str(raw.get()),
            None => serde_json::from_value(value.clone()),
        };
        match read {
            Ok(map) => Some(map),
            Err(e) => {
                self.push(JsonProblem::InvalidValue { pointer: at, message: super::serde_message(&e) });
                None
            }
        }
    }

    /// The `format_version` field: `None` when it is newer than `supported` (reported; a newer
    /// format may have fields this crate does not know, so nothing else is read), the version
    /// otherwise (a missing or bad one reported, and read as `supported`).
    pub(crate) fn format_version(&mut self, object: &Map<String, Value>, supported: u32) -> Option<u32> {
        match object.get("format_version") {
            None => {
                self.missing("", "format_version");
                Some(supported)
            }
            Some(v) => match v.as_u64() {
                Some(found) if found > u64::from(supported) => {
                    self.push(JsonProblem::FormatTooNew { pointer: "/format_version".to_owned(), found, supported });
                    None
                }
                Some(found) if found >= 1 => Some(u32::try_from(found).unwrap_or(supported)),
                _ => {
                    self.push(JsonProblem::InvalidValue {
                        pointer: "/format_version".to_owned(),
                        message: format!("expected a positive integer format version, found {}", describe(v)),
                    });
                    Some(supported)
                }
            },
        }
    }

    /// Reads each element of the array field `field` with `read`, each at its own pointer.
    pub(crate) fn each<T>(
        &mut self,
        object: &Map<String, Value>,
        pointer: &str,
        field: &str,
        (limit, what): (usize, &'static str),
        mut read: impl FnMut(&mut Self, &Value, &str) -> Option<T>,
    ) -> Option<Vec<T>> {
        let list = self.array(object, pointer, field, limit, what)?;
        let at = push_token(pointer, field);
        Some(list.iter().enumerate().filter_map(|(i, v)| read(self, v, &push_index(&at, i))).collect())
    }
}
