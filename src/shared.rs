//! [`SharedStr`]: text that reports share with the instrument instead of copying it.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An immutable string shared instead of copied: ids, titles and item texts in reports point at
/// the instrument's copy, so scoring does not copy them. It serializes as a plain JSON string
/// and compares with `str` and `String`.
///
/// Text made at run time is reference counted; text that lives for the whole program (the
/// built-in instruments, [`from_static`](Self::from_static)) is borrowed, so cloning it costs
/// no atomic counter update. Equality, ordering and hashing look only at the text.
///
/// ```
/// use health_equity_assessment::SharedStr;
///
/// let id = SharedStr::from("data-collection");
/// assert_eq!(id, "data-collection");
/// assert_eq!(id, SharedStr::from_static("data-collection"));
/// assert_eq!(id.len(), 15);
/// assert_eq!(serde_json::to_string(&id).unwrap(), "\"data-collection\"");
/// ```
#[derive(Clone)]
pub struct SharedStr(Repr);

#[derive(Clone)]
enum Repr {
    Static(&'static str),
    Counted(Arc<str>),
}

impl SharedStr {
    /// Text that lives for the whole program, shared without a reference count.
    ///
    /// ```
    /// use health_equity_assessment::SharedStr;
    ///
    /// const EMPTY: SharedStr = SharedStr::from_static("");
    /// assert!(EMPTY.is_empty());
    /// ```
    #[must_use]
    pub const fn from_static(text: &'static str) -> Self {
        SharedStr(Repr::Static(text))
    }

    /// The text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(text) => text,
            Repr::Counted(text) => text,
        }
    }

    /// The same text with a program-long lifetime. Only for data that is kept until the
    /// program ends anyway (the built-in registry, made once), where it saves a counter update
    /// on every clone.
    pub(crate) fn leak(&self) -> SharedStr {
        match &self.0 {
            Repr::Static(text) => SharedStr(Repr::Static(text)),
            Repr::Counted(text) => SharedStr(Repr::Static(Box::leak(Box::from(&**text)))),
        }
    }
}

impl PartialEq for SharedStr {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for SharedStr {}

impl PartialOrd for SharedStr {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SharedStr {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl std::hash::Hash for SharedStr {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl Serialize for SharedStr {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for SharedStr {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(SharedStrVisitor)
    }
}

/// Copies the text once into its counted allocation, with no intermediate `String`.
struct SharedStrVisitor;

impl serde::de::Visitor<'_> for SharedStrVisitor {
    type Value = SharedStr;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<SharedStr, E> {
        Ok(SharedStr::from(text))
    }

    // Formats such as CBOR or MessagePack may hand text over as bytes, as `Arc<str>` accepts.
    fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<SharedStr, E> {
        std::str::from_utf8(bytes)
            .map(SharedStr::from)
            .map_err(|_| E::invalid_value(serde::de::Unexpected::Bytes(bytes), &self))
    }
}

impl Deref for SharedStr {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for SharedStr {
    fn from(text: &str) -> Self {
        SharedStr(Repr::Counted(Arc::from(text)))
    }
}

impl From<String> for SharedStr {
    fn from(text: String) -> Self {
        SharedStr(Repr::Counted(Arc::from(text)))
    }
}

impl From<&String> for SharedStr {
    fn from(text: &String) -> Self {
        SharedStr(Repr::Counted(Arc::from(text.as_str())))
    }
}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for SharedStr {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<SharedStr> for str {
    fn eq(&self, other: &SharedStr) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<SharedStr> for &str {
    fn eq(&self, other: &SharedStr) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<SharedStr> for String {
    fn eq(&self, other: &SharedStr) -> bool {
        self.as_str() == other.as_str()
    }
}

impl fmt::Display for SharedStr {
    /// The text, honouring width, fill and alignment (`{:<30}`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl JsonSchema for SharedStr {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        String::schema_name()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        String::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::hash_map::DefaultHasher;
    use std::hash::{Hash, Hasher};

    use super::SharedStr;

    fn hash_of<T: Hash + ?Sized>(value: &T) -> u64 {
        let mut hasher = DefaultHasher::new();
        value.hash(&mut hasher);
        hasher.finish()
    }

    #[test]
    fn static_and_counted_text_are_interchangeable() {
        let counted = SharedStr::from(String::from("data-collection"));
        let fixed = SharedStr::from_static("data-collection");
        let leaked = counted.leak();
        for other in [&fixed, &leaked] {
            assert_eq!(&counted, other);
            assert_eq!(counted.cmp(other), std::cmp::Ordering::Equal);
            // `Borrow<str>` promises the same hash as the text, whatever the representation.
            assert_eq!(hash_of(other), hash_of("data-collection"));
        }
        let (a, b) = (SharedStr::from_static("a"), SharedStr::from(String::from("b")));
        assert!(a < b);
        assert_eq!(format!("{fixed:?} {fixed}"), "\"data-collection\" data-collection");
    }

    #[test]
    fn serde_round_trip_keeps_non_ascii_text() {
        let text = SharedStr::from_static("Équité « santé » 健康");
        let json = serde_json::to_string(&text).unwrap();
        assert_eq!(json, "\"Équité « santé » 健康\"");
        let back: SharedStr = serde_json::from_str(&json).unwrap();
        assert_eq!(back, text);
        let escaped: SharedStr = serde_json::from_str(r#""tab\there \u00e9""#).unwrap();
        assert_eq!(escaped, "tab\there é");
        assert!(serde_json::from_str::<SharedStr>("42").unwrap_err().to_string().contains("a string"));
    }

    #[test]
    fn utf8_bytes_deserialize_as_text() {
        use serde::Deserialize;
        use serde::de::value::{BytesDeserializer, Error};

        let text = SharedStr::deserialize(BytesDeserializer::<Error>::new("équité".as_bytes())).unwrap();
        assert_eq!(text, "équité");
        assert!(SharedStr::deserialize(BytesDeserializer::<Error>::new(b"\xff")).is_err());
    }
}
