//! Small JSON helpers shared by the loaders: JSON Pointers for error locations, a `Value`
//! parser that notices duplicate keys (serde_json keeps the last one silently), and short
//! descriptions of values for error messages.

use std::fmt::{self, Write as _};

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Appends one reference token to a JSON Pointer (RFC 6901), escaping `~` and `/`.
pub(crate) fn push_token(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

/// A JSON Pointer to array element `index` below `pointer`.
pub(crate) fn push_index(pointer: &str, index: usize) -> String {
    let mut out = String::with_capacity(pointer.len() + 4);
    out.push_str(pointer);
    let _ = write!(out, "/{index}");
    out
}

/// A JSON Pointer for a message: the empty pointer (the whole document) reads `(document)`.
pub(crate) fn at(pointer: &str) -> &str {
    if pointer.is_empty() { "(document)" } else { pointer }
}

/// Limits error messages: a hostile 1 MB id is shown by its first characters only.
pub(crate) fn clip(text: &str) -> String {
    const MAX: usize = 120;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        let mut s: String = text.chars().take(MAX).collect();
        s.push('…');
        s
    }
}

/// A short description of a JSON value for messages: `a string "x"`, `the number 3`, `an array`.
pub(crate) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {}", clip(&n.to_string())),
        Value::String(s) => format!("the string {:?}", clip(s)),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

/// Parses JSON text into a [`Value`], recording the JSON Pointer of every object key that
/// appears more than once (the last occurrence wins in the value, as in serde_json).
pub(crate) fn parse_value_checking_duplicates(text: &str) -> Result<(Value, Vec<(String, String)>), serde_json::Error> {
    let mut duplicates = Vec::new();
    let mut de = serde_json::Deserializer::from_str(text);
    let value = ValueSeed { pointer: String::new(), duplicates: &mut duplicates }.deserialize(&mut de)?;
    de.end()?;
    Ok((value, duplicates))
}

struct ValueSeed<'a> {
    pointer: String,
    /// (pointer of the object, duplicated key)
    duplicates: &'a mut Vec<(String, String)>,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            let seed = ValueSeed { pointer: push_index(&self.pointer, items.len()), duplicates: &mut *self.duplicates };
            match seq.next_element_seed(seed)? {
                Some(v) => items.push(v),
                None => break,
            }
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let seed = ValueSeed { pointer: push_token(&self.pointer, &key), duplicates: &mut *self.duplicates };
            let value = map.next_value_seed(seed)?;
            if object.insert(key.clone(), value).is_some() {
                self.duplicates.push((self.pointer.clone(), key));
            }
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_tokens_are_escaped() {
        assert_eq!(push_token("/answers", "a/b~c"), "/answers/a~1b~0c");
        assert_eq!(push_index("/categories", 3), "/categories/3");
    }

    #[test]
    fn duplicates_are_reported_with_their_object() {
        let (value, dups) =
            parse_value_checking_duplicates(r#"{"a":1,"b":{"x":1,"x":2},"a":3,"c":[{"k":1,"k":1}]}"#).unwrap();
        assert_eq!(value["a"], 3);
        assert_eq!(value["b"]["x"], 2);
        assert_eq!(
            dups,
            vec![
                ("/b".to_owned(), "x".to_owned()),
                (String::new(), "a".to_owned()),
                ("/c/0".to_owned(), "k".to_owned())
            ]
        );
    }

    #[test]
    fn clip_keeps_short_text() {
        assert_eq!(clip("abc"), "abc");
        assert_eq!(clip(&"x".repeat(500)).chars().count(), 121);
    }
}
