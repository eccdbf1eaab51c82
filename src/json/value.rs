//! Parsing JSON text into a [`Value`] while noticing what `serde_json` would hide: keys that
//! appear twice, and the exact text of extension values.

use std::fmt::{self, Write as _};

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::{clip, clip_middle};

/// Parses JSON text into a [`Value`], recording the JSON Pointer of every object key that
/// appears more than once (the last occurrence wins in the value, as in serde_json).
///
/// Hostile-input-proof: a key longer than [`clip`]'s limit appears clipped in the pointers, a
/// pointer is at most a few hundred characters ([`clip_middle`]), the keys returned are
/// clipped, and the pointer is kept up to date in one buffer instead of being built for every
/// value, so reading takes time proportional to the text however long the keys above a large
/// array are.
pub(crate) fn parse(text: &str) -> Result<Parsed<'_>, serde_json::Error> {
    let mut parsed = Parsed { value: Value::Null, duplicates: Vec::new(), extensions: Vec::new() };
    let mut pointer = String::new();
    let mut de = serde_json::Deserializer::from_str(text);
    parsed.value =
        ValueSeed { pointer: &mut pointer, duplicates: &mut parsed.duplicates, extensions: &mut parsed.extensions }
            .deserialize(&mut de)?;
    de.end()?;
    Ok(parsed)
}

/// A parsed document.
pub(crate) struct Parsed<'t> {
    /// The document (the last of two duplicate keys wins, as in `serde_json`).
    pub(crate) value: Value,
    /// `(pointer of the object, key)` of every key that appears more than once.
    pub(crate) duplicates: Vec<(String, String)>,
    /// The text of every value of a key named `extensions`, by pointer: extension values are
    /// read from it, so their numbers keep their exact text.
    pub(crate) extensions: Vec<(String, &'t RawValue)>,
}

/// Appends `/token` to a JSON Pointer in place, escaping `~` and `/` and keeping at most
/// [`clip`]'s number of characters of the token (then `…`).
fn push_clipped_token(pointer: &mut String, token: &str) {
    const MAX: usize = 120;
    pointer.push('/');
    for (n, c) in token.chars().enumerate() {
        if n == MAX {
            pointer.push('…');
            break;
        }
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

struct ValueSeed<'a, 't> {
    /// The JSON Pointer of the value being read: each child appends its token, and its parent
    /// truncates the buffer back.
    pointer: &'a mut String,
    /// (pointer of the object, duplicated key)
    duplicates: &'a mut Vec<(String, String)>,
    /// The raw text of `extensions` values.
    extensions: &'a mut Vec<(String, &'t RawValue)>,
}

impl<'de: 't, 't> DeserializeSeed<'de> for ValueSeed<'_, 't> {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de: 't, 't> Visitor<'de> for ValueSeed<'_, 't> {
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
        let ValueSeed { pointer, duplicates, extensions } = self;
        let mut items = Vec::new();
        loop {
            let len = pointer.len();
            let _ = write!(pointer, "/{}", items.len());
            let next = seq.next_element_seed(ValueSeed {
                pointer: &mut *pointer,
                duplicates: &mut *duplicates,
                extensions: &mut *extensions,
            });
            pointer.truncate(len);
            match next? {
                Some(v) => items.push(v),
                None => break,
            }
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let ValueSeed { pointer, duplicates, extensions } = self;
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let len = pointer.len();
            push_clipped_token(pointer, &key);
            let value = if key == "extensions" {
                // Kept as text too, so the numbers in it keep their exact text.
                match map.next_value::<&'de RawValue>() {
                    Ok(raw) => {
                        extensions.push((pointer.clone(), raw));
                        let mut de = serde_json::Deserializer::from_str(raw.get());
                        ValueSeed { pointer: &mut *pointer, duplicates: &mut *duplicates, extensions: &mut *extensions }
                            .deserialize(&mut de)
                            .map_err(de::Error::custom)
                    }
                    Err(e) => Err(e),
                }
            } else {
                map.next_value_seed(ValueSeed {
                    pointer: &mut *pointer,
                    duplicates: &mut *duplicates,
                    extensions: &mut *extensions,
                })
            };
            pointer.truncate(len);
            let value = value?;
            if object.contains_key(&key) {
                duplicates.push((clip_middle(pointer), clip(&key)));
            }
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_pair(text: &str) -> Result<(Value, Vec<(String, String)>), serde_json::Error> {
        parse(text).map(|p| (p.value, p.duplicates))
    }

    #[test]
    fn duplicates_are_reported_with_their_object() {
        let (value, dups) = parse_pair(r#"{"a":1,"b":{"x":1,"x":2},"a":3,"c":[{"k":1,"k":1}]}"#).unwrap();
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
    fn long_keys_are_clipped_in_pointers_and_keys() {
        let long = "k".repeat(1000);
        let text = format!(r#"{{"{long}": [{{"{long}": {{"{long}": 1, "{long}": 2}}}}]}}"#);
        let (_, dups) = parse_pair(&text).unwrap();
        assert_eq!(dups.len(), 1);
        let (pointer, key) = &dups[0];
        assert_eq!(key, &clip(&long));
        assert!(pointer.starts_with(&format!("/{}…/0/", "k".repeat(120))), "{pointer}");
        assert!(pointer.chars().count() <= 321, "{}", pointer.len());
    }

    #[test]
    fn extension_values_keep_their_text_and_their_duplicates() {
        let text = r#"{"a": {"extensions": {"n": 1E2, "x": {"k": 1, "k": 2}}}, "extensions": [ -0 ]}"#;
        let parsed = parse(text).unwrap();
        let at = |pointer: &str| parsed.extensions.iter().find(|(p, _)| p == pointer).map(|(_, raw)| raw.get());
        assert_eq!(at("/a/extensions"), Some(r#"{"n": 1E2, "x": {"k": 1, "k": 2}}"#));
        assert_eq!(at("/extensions"), Some("[ -0 ]"));
        assert_eq!(parsed.duplicates, vec![("/a/extensions/x".to_owned(), "k".to_owned())]);
        assert_eq!(parsed.value["a"]["extensions"]["n"], 100.0);
    }
}
