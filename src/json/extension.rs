//! [`ExtensionValue`]: free-form JSON kept exactly as written.

use serde_json::Value;

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
        // Parsed once whole: a key twice or a string a JSON reader refuses (a lone surrogate
        // escape) is refused here, so a document holding the value always reads back.
        let parsed = super::parse(raw.get()).map_err(|e| super::serde_message(&e))?;
        if let Some((pointer, key)) = parsed.duplicates.first() {
            return Err(format!("{}: key {:?} appears more than once", super::at(pointer), super::clip(key)));
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
}
