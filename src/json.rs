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

/// Limits a message that quotes input somewhere inside it (serde_json's `invalid type: string
/// "…"` and `unknown variant` quote the whole value; jiff quotes the whole text parsed): the
/// first 200 and the last 120 characters are kept, so the beginning and the `expected …` end
/// stay readable. Runs in time proportional to what is kept, not to the text.
pub(crate) fn clip_middle(text: &str) -> String {
    const HEAD: usize = 200;
    const TAIL: usize = 120;
    if text.len() <= HEAD + TAIL {
        return text.to_owned();
    }
    let head_end = text.char_indices().nth(HEAD).map_or(text.len(), |(i, _)| i);
    let tail_start = text.char_indices().rev().nth(TAIL - 1).map_or(0, |(i, _)| i);
    if head_end >= tail_start {
        return text.to_owned();
    }
    format!("{}…{}", &text[..head_end], &text[tail_start..])
}

/// The message of a serde_json error without the ` at line L column C` serde_json appends (the
/// problems carry both), clipped with [`clip_middle`]: a type error quotes the offending value
/// in full.
pub(crate) fn serde_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    clip_middle(text.strip_suffix(suffix.as_str()).unwrap_or(&text))
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
///
/// Hostile-input-proof: a key longer than [`clip`]'s limit appears clipped in the pointers, a
/// pointer is at most a few hundred characters ([`clip_middle`]), the keys returned are
/// clipped, and the pointer is kept up to date in one buffer instead of being built for every
/// value, so reading takes time proportional to the text however long the keys above a large
/// array are.
pub(crate) fn parse_value_checking_duplicates(text: &str) -> Result<(Value, Vec<(String, String)>), serde_json::Error> {
    let mut duplicates = Vec::new();
    let mut pointer = String::new();
    let mut de = serde_json::Deserializer::from_str(text);
    let value = ValueSeed { pointer: &mut pointer, duplicates: &mut duplicates }.deserialize(&mut de)?;
    de.end()?;
    Ok((value, duplicates))
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

struct ValueSeed<'a> {
    /// The JSON Pointer of the value being read: each child appends its token, and its parent
    /// truncates the buffer back.
    pointer: &'a mut String,
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
        let ValueSeed { pointer, duplicates } = self;
        let mut items = Vec::new();
        loop {
            let len = pointer.len();
            let _ = write!(pointer, "/{}", items.len());
            let next = seq.next_element_seed(ValueSeed { pointer: &mut *pointer, duplicates: &mut *duplicates });
            pointer.truncate(len);
            match next? {
                Some(v) => items.push(v),
                None => break,
            }
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let ValueSeed { pointer, duplicates } = self;
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let len = pointer.len();
            push_clipped_token(pointer, &key);
            let value = map.next_value_seed(ValueSeed { pointer: &mut *pointer, duplicates: &mut *duplicates });
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
    fn long_keys_are_clipped_in_pointers_and_keys() {
        let long = "k".repeat(1000);
        let text = format!(r#"{{"{long}": [{{"{long}": {{"{long}": 1, "{long}": 2}}}}]}}"#);
        let (_, dups) = parse_value_checking_duplicates(&text).unwrap();
        assert_eq!(dups.len(), 1);
        let (pointer, key) = &dups[0];
        assert_eq!(key, &clip(&long));
        assert!(pointer.starts_with(&format!("/{}…/0/", "k".repeat(120))), "{pointer}");
        assert!(pointer.chars().count() <= 321, "{}", pointer.len());
    }

    #[test]
    fn clip_middle_keeps_both_ends() {
        assert_eq!(clip_middle("short"), "short");
        let text = format!("start {} end", "é".repeat(1 << 20));
        let clipped = clip_middle(&text);
        assert!(clipped.starts_with("start é") && clipped.ends_with("é end"), "{clipped}");
        assert_eq!(clipped.chars().count(), 321);
        // At the limit in characters (but longer in bytes): kept whole.
        let text = "é".repeat(320);
        assert_eq!(clip_middle(&text), text);
    }

    #[test]
    fn clip_keeps_short_text() {
        assert_eq!(clip("abc"), "abc");
        assert_eq!(clip(&"x".repeat(500)).chars().count(), 121);
    }
}
