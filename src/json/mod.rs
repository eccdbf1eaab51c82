//! JSON for every reader of the crate: JSON Pointers for problem locations, a `Value` parser
//! that notices duplicate keys (serde_json keeps the last one silently) and keeps extension
//! values as written ([`value`]), the collecting reader that walks a document and records every
//! problem ([`reader`]), exact extension values ([`extension`]), and short descriptions of
//! values for messages.

mod extension;
pub(crate) mod reader;
mod value;

pub use extension::{ExtensionValue, MAX_EXTENSION_DEPTH};
pub(crate) use value::{Parsed, parse};

/// A document's value and the pointers of its duplicate keys.
pub(crate) fn parse_value_checking_duplicates(text: &str) -> Result<(Value, Vec<(String, String)>), serde_json::Error> {
    parse(text).map(|p| (p.value, p.duplicates))
}

use std::fmt::Write as _;

use serde_json::Value;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_tokens_are_escaped() {
        assert_eq!(push_token("/answers", "a/b~c"), "/answers/a~1b~0c");
        assert_eq!(push_index("/categories", 3), "/categories/3");
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

/// Test helpers.
#[cfg(test)]
pub(crate) mod tests_support {
    use serde_json::Value;

    /// Every JSON Pointer in `value`, the document itself first.
    pub(crate) fn pointers(value: &Value) -> Vec<String> {
        fn walk(value: &Value, at: String, out: &mut Vec<String>) {
            out.push(at.clone());
            match value {
                Value::Object(map) => {
                    for (k, v) in map {
                        walk(v, super::push_token(&at, k), out);
                    }
                }
                Value::Array(items) => {
                    for (i, v) in items.iter().enumerate() {
                        walk(v, super::push_index(&at, i), out);
                    }
                }
                _ => {}
            }
        }
        let mut out = Vec::new();
        walk(value, String::new(), &mut out);
        out
    }
}
