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

/// A JSON Pointer for a message: the empty pointer (the whole document) reads `(document)`, and
/// control characters from the input are shown escaped (`escape_controls`), so a pointer to a
/// hostile key can neither colour a terminal nor start a new line of output.
pub(crate) fn at(pointer: &str) -> std::borrow::Cow<'_, str> {
    if pointer.is_empty() { std::borrow::Cow::Borrowed("(document)") } else { crate::escape::escape_controls(pointer) }
}

/// How many entries of a list a message shows before it counts the rest.
pub(crate) const LISTED: usize = 12;

/// A list for a message, capped: `a, b, c` or, past [`LISTED`] entries, `a, b, …, l and 30
/// more`. A problem message never grows with the input: 20,000 bad answers against a scale of
/// 100 long options must not copy the option list 20,000 times.
pub(crate) fn listing<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    let mut shown = 0usize;
    let mut more = 0usize;
    for item in items {
        if shown == LISTED {
            more += 1;
            continue;
        }
        if shown > 0 {
            out.push_str(", ");
        }
        out.push_str(&clip(item));
        shown += 1;
    }
    if more > 0 {
        let _ = write!(out, " and {more} more");
    }
    out
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

/// A JSON value kept exactly as it was written, without insignificant whitespace: an
/// extension field's numbers keep their text (`123456789012345678901234567890`, `-0`, `1E2`),
/// which a parsed value would round or rewrite. It serializes as that JSON value, not as a
/// string.
///
/// ```
/// use health_equity_assessment::ExtensionValue;
///
/// let value = ExtensionValue::parse("{ \"count\": 1E2, \"id\": 123456789012345678901234567890 }")?;
/// assert_eq!(value.as_json(), r#"{"count":1E2,"id":123456789012345678901234567890}"#);
/// assert_eq!(serde_json::to_string(&value)?, value.as_json());
/// assert_eq!(value.to_value()["count"], 100.0);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone)]
pub struct ExtensionValue(Box<serde_json::value::RawValue>);

impl ExtensionValue {
    /// Checks that `text` is one JSON value and keeps it without insignificant whitespace.
    ///
    /// # Errors
    /// The `serde_json` error when `text` is not one JSON value.
    pub fn parse(text: &str) -> Result<Self, serde_json::Error> {
        let raw: &serde_json::value::RawValue = serde_json::from_str(text)?;
        Self::from_raw(raw).map_err(serde::de::Error::custom)
    }

    /// The value without insignificant whitespace, or why it is refused: nested deeper than
    /// [`MAX_EXTENSION_DEPTH`] (a document holding it could no longer be read back).
    fn from_raw(raw: &serde_json::value::RawValue) -> Result<Self, String> {
        let (text, depth) = minify(raw.get());
        if depth > MAX_EXTENSION_DEPTH {
            return Err(format!("an extension value is nested more than {MAX_EXTENSION_DEPTH} levels deep"));
        }
        // Minifying valid JSON leaves valid JSON; the fallback keeps the text as given.
        Ok(match serde_json::value::RawValue::from_string(text) {
            Ok(raw) => ExtensionValue(raw),
            Err(_) => ExtensionValue(raw.to_owned()),
        })
    }

    /// A value from a parsed JSON value (its numbers as `serde_json` writes them).
    #[must_use]
    pub fn from_value(value: &Value) -> Self {
        let text = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
        match serde_json::value::RawValue::from_string(text) {
            Ok(raw) => ExtensionValue(raw),
            Err(_) => ExtensionValue(serde_json::value::RawValue::NULL.to_owned()),
        }
    }

    /// The JSON text.
    #[must_use]
    pub fn as_json(&self) -> &str {
        self.0.get()
    }

    /// The value parsed (numbers become `serde_json` numbers, so very long ones are rounded).
    #[must_use]
    pub fn to_value(&self) -> Value {
        serde_json::from_str(self.0.get()).unwrap_or(Value::Null)
    }

    /// The string, when the value is a JSON string.
    #[must_use]
    pub fn as_str(&self) -> Option<String> {
        serde_json::from_str::<String>(self.0.get()).ok()
    }
}

/// The deepest nesting of arrays and objects an [`ExtensionValue`] may have: a response
/// document holding it stays within the nesting a JSON reader accepts (128 levels).
pub const MAX_EXTENSION_DEPTH: usize = 100;

/// Removes the whitespace outside strings from valid JSON text, and measures its deepest
/// nesting of arrays and objects.
fn minify(text: &str) -> (String, usize) {
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    let (mut depth, mut deepest) = (0usize, 0usize);
    for c in text.chars() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if !matches!(c, ' ' | '\t' | '\n' | '\r') {
            match c {
                '"' => in_string = true,
                '[' | '{' => {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
            out.push(c);
        }
    }
    (out, deepest)
}

impl PartialEq for ExtensionValue {
    /// The same JSON text (so `1E2` and `100` differ, as they do in the document).
    fn eq(&self, other: &Self) -> bool {
        self.0.get() == other.0.get()
    }
}

impl std::fmt::Debug for ExtensionValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.get())
    }
}

impl From<Value> for ExtensionValue {
    fn from(value: Value) -> Self {
        ExtensionValue::from_value(&value)
    }
}

impl serde::Serialize for ExtensionValue {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for ExtensionValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = <Box<serde_json::value::RawValue>>::deserialize(deserializer)?;
        ExtensionValue::from_raw(&raw).map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for ExtensionValue {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ExtensionValue".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!(true)
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
    fn minify_keeps_strings_and_numbers() {
        assert_eq!(
            minify(" { \"a b\" : [ 1E2 , -0 ] , \"c\\\" d\": \" x[ \" } ").0,
            r#"{"a b":[1E2,-0],"c\" d":" x[ "}"#
        );
        assert_eq!(minify("[[1],{\"a\":[2]}]").1, 3);
        let deep = format!("{}{}", "[".repeat(101), "]".repeat(101));
        assert!(ExtensionValue::parse(&deep).is_err());
        assert!(ExtensionValue::parse(&format!("{}{}", "[".repeat(100), "]".repeat(100))).is_ok());
        let v = ExtensionValue::parse("123456789012345678901234567890").unwrap();
        assert_eq!(serde_json::to_string(&v).unwrap(), "123456789012345678901234567890");
        let from_value: ExtensionValue = serde_json::from_value(serde_json::json!({"a": 1})).unwrap();
        assert_eq!(from_value.as_json(), r#"{"a":1}"#);
    }

    #[test]
    fn clip_keeps_short_text() {
        assert_eq!(clip("abc"), "abc");
        assert_eq!(clip(&"x".repeat(500)).chars().count(), 121);
    }
}
