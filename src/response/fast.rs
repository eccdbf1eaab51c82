//! The fast path for the common case: a well-formed, valid response document is read and
//! checked in one pass over its bytes, answers resolved to item and option indices as they are
//! read, nothing copied but the organization and the notes.
//!
//! It accepts only what the full reader accepts, and gives the same [`ValidatedResponse`]; at
//! anything unusual (an escape in a string, an unknown or repeated key, a value of another type,
//! a string over the limits, an `extensions` object, a problem of any kind) it gives up and
//! the full reader, which names every problem, reads the document instead. A property test
//! holds the two to the same result.

use std::collections::BTreeMap;

use super::ResponseLimits;
use super::validate::ValidatedResponse;
use crate::SharedStr;
use crate::instrument::Instrument;
use crate::response::Organization;

/// Reads and checks `text` against the instrument `find` gives for its id and version; `None`
/// when the full reader must do it.
pub(crate) fn validate<'i>(
    text: &str,
    limits: &ResponseLimits,
    find: impl FnOnce(&str, &semver::Version) -> Option<&'i Instrument>,
) -> Option<ValidatedResponse<'i>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.len() > limits.max_document_bytes {
        return None;
    }
    let mut s = Scanner { bytes: text.as_bytes(), at: 0, text };
    let mut find = Some(find);
    let mut instrument: Option<&'i Instrument> = None;
    let mut organization = None;
    let mut assessed_on = None;
    let mut chosen: Option<Vec<Option<u8>>> = None;
    // Answers read before the instrument is known, resolved after.
    let mut pending: Option<Vec<(&str, &str)>> = None;
    let mut notes: Option<Vec<(&str, &str)>> = None;
    let mut focus: Option<Vec<&str>> = None;
    let max = limits.max_string_chars;
    s.open(b'{')?;
    if !s.close(b'}') {
        loop {
            match s.string()? {
                "instrument" if instrument.is_none() => {
                    s.colon()?;
                    let (id, version) = s.reference()?;
                    let version = semver::Version::parse(version).ok()?;
                    let found = (find.take()?)(id, &version)?;
                    if found.id() != id || *found.version() != version {
                        return None;
                    }
                    instrument = Some(found);
                }
                "organization" if organization.is_none() => {
                    s.colon()?;
                    organization = Some(s.organization()?);
                }
                "assessed_on" if assessed_on.is_none() => {
                    s.colon()?;
                    assessed_on = Some(crate::date::parse(s.string()?).ok()?);
                }
                "answers" if chosen.is_none() && pending.is_none() => {
                    s.colon()?;
                    match instrument {
                        Some(instrument) => chosen = Some(s.answers(instrument, limits)?),
                        None => pending = Some(s.pairs(limits)?),
                    }
                }
                "notes" if notes.is_none() => {
                    s.colon()?;
                    notes = Some(s.pairs(limits)?);
                }
                "focus_categories" if focus.is_none() => {
                    s.colon()?;
                    focus = Some(s.strings(limits)?);
                }
                _ => return None,
            }
            if s.close(b'}') {
                break;
            }
            s.comma()?;
        }
    }
    s.end()?;

    let instrument = instrument?;
    let chosen = match (chosen, pending) {
        (Some(chosen), _) => chosen,
        (None, Some(pairs)) => {
            let mut chosen = vec![None; instrument.item_count()];
            for (key, value) in pairs {
                let item = instrument.item_index(key)?;
                if chosen[item].is_some() || key.len() > max || value.len() > max {
                    return None;
                }
                chosen[item] = Some(u8::try_from(instrument.option_index(item, value)?).ok()?);
            }
            chosen
        }
        (None, None) => return None,
    };
    let notes = match notes {
        None => None,
        Some(pairs) => {
            let mut map = BTreeMap::new();
            for (key, value) in pairs {
                instrument.item_index(key)?;
                if key.len() > max || value.len() > max || map.insert(key.to_owned(), value.to_owned()).is_some() {
                    return None;
                }
            }
            Some(map)
        }
    };
    let focus = match focus {
        None => None,
        Some(ids) => {
            let mut seen = vec![false; instrument.categories().len()];
            for id in &ids {
                let k = instrument.category_index(id)?;
                if std::mem::replace(&mut seen[k], true) || id.len() > max {
                    return None;
                }
            }
            Some(ids.into_iter().map(str::to_owned).collect())
        }
    };
    Some(ValidatedResponse::from_parts(instrument, organization?, assessed_on?, chosen, notes, focus))
}

/// The length of the plain part of a string: up to the closing quote, an escape or a control
/// character (which JSON does not allow in a string); `None` at the end of the input. Eight
/// bytes at a time (ids and option ids are tens of bytes: a vectorized search does not pay).
fn plain_len(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut at = 0;
    while let Some(word) = bytes.get(at..at + 8) {
        let x = u64::from_le_bytes(word.try_into().ok()?);
        // A byte below 0x20 (a byte of 0x80 or more never is, nor reports as one), or equal to
        // `"` or `\`: the classic zero-byte tests, exact for the first such byte.
        let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
        let stop = (x.wrapping_sub(ONES * 0x20) & !x & HIGH)
            | zero(x ^ (ONES * u64::from(b'"')))
            | zero(x ^ (ONES * u64::from(b'\\')));
        if stop != 0 {
            return Some(at + (stop.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    bytes[at..].iter().position(|b| *b < 0x20 || *b == b'"' || *b == b'\\').map(|i| at + i)
}

/// A cursor over the document; every method gives `None` at anything it does not expect.
struct Scanner<'t> {
    bytes: &'t [u8],
    at: usize,
    text: &'t str,
}

impl<'t> Scanner<'t> {
    fn space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    /// Consumes `byte` (after white space).
    fn open(&mut self, byte: u8) -> Option<()> {
        self.space();
        (self.bytes.get(self.at) == Some(&byte)).then(|| self.at += 1)
    }

    /// Consumes `byte` if it is next.
    fn close(&mut self, byte: u8) -> bool {
        self.open(byte).is_some()
    }

    fn colon(&mut self) -> Option<()> {
        self.open(b':')
    }

    fn comma(&mut self) -> Option<()> {
        self.open(b',')
    }

    /// Only white space to the end.
    fn end(&mut self) -> Option<()> {
        self.space();
        (self.at == self.bytes.len()).then_some(())
    }

    /// A string without escapes or control characters, borrowed from the text.
    fn string(&mut self) -> Option<&'t str> {
        self.open(b'"')?;
        let start = self.at;
        let rest = self.bytes.get(start..)?;
        let end = plain_len(rest)?;
        if rest[end] != b'"' {
            return None;
        }
        self.at = start + end + 1;
        self.text.get(start..start + end)
    }

    /// An object of at most the two string fields `first` and `second`, in any order, each
    /// at most once.
    fn two_strings(&mut self, first: &str, second: &str) -> Option<(Option<&'t str>, Option<&'t str>)> {
        let (mut a, mut b) = (None, None);
        self.open(b'{')?;
        loop {
            let key = self.string()?;
            self.colon()?;
            let slot = match key {
                k if k == first && a.is_none() => &mut a,
                k if k == second && b.is_none() => &mut b,
                _ => return None,
            };
            *slot = Some(self.string()?);
            if self.close(b'}') {
                break;
            }
            self.comma()?;
        }
        Some((a, b))
    }

    /// `{"id": …, "version": …}`, both non-blank, in any order.
    fn reference(&mut self) -> Option<(&'t str, &'t str)> {
        let (id, version) = self.two_strings("id", "version")?;
        let id = id.filter(|id| !id.trim().is_empty())?;
        Some((id, version?))
    }

    /// `{"id": …}` or `{"id": …, "name": …}`, non-blank.
    fn organization(&mut self) -> Option<Organization> {
        let (id, name) = self.two_strings("id", "name")?;
        let filled = |s: &&str| !s.trim().is_empty();
        let id = id.filter(filled)?;
        if name.as_ref().is_some_and(|n| !filled(n)) {
            return None;
        }
        Some(Organization { id: SharedStr::from(id), name: name.map(SharedStr::from) })
    }

    /// The `answers` object, each item and option found as it is read: documents list answers
    /// in instrument order or sorted by id (as a map writes them), so the item after the last
    /// one found is compared first, and the item's own options, before any lookup.
    fn answers(&mut self, instrument: &Instrument, limits: &ResponseLimits) -> Option<Vec<Option<u8>>> {
        let max = limits.max_string_chars;
        let mut chosen = vec![None; instrument.item_count()];
        self.open(b'{')?;
        if self.close(b'}') {
            return Some(chosen);
        }
        let ids = instrument.quoted_item_ids();
        let (mut next, mut next_sorted, mut count) = (0, 0, 0);
        // Which order the document follows, as far as seen: that candidate is compared first.
        let mut sorted = false;
        loop {
            self.space();
            let in_order = [Some(next), instrument.sorted_item(next_sorted)];
            let candidates = if sorted { [in_order[1], in_order[0]] } else { in_order };
            let known = candidates.into_iter().flatten().find(|&item| self.quoted(ids.get(item).map(|b| &b[..])));
            sorted = known.is_some_and(|item| item != next);
            let item = match known {
                Some(item) => item,
                None => instrument.item_index(self.string()?)?,
            };
            count += 1;
            // Quotes are not part of the length.
            if count > limits.max_answers || chosen[item].is_some() || ids.get(item)?.len() > max + 2 {
                return None;
            }
            self.colon()?;
            self.space();
            let options = instrument.quoted_option_ids(item)?;
            let option = match options.iter().position(|o| self.quoted(Some(&o[..]))) {
                Some(option) => option,
                None => instrument.option_index(item, self.string()?)?,
            };
            if options.get(option)?.len() > max + 2 {
                return None;
            }
            chosen[item] = Some(u8::try_from(option).ok()?);
            next = item + 1;
            next_sorted = instrument.sorted_position(item) + 1;
            if self.close(b'}') {
                return Some(chosen);
            }
            self.comma()?;
        }
    }

    /// Consumes `quoted` (a JSON string with its quotes) if it is next.
    fn quoted(&mut self, quoted: Option<&[u8]>) -> bool {
        let Some(quoted) = quoted else { return false };
        let end = self.at + quoted.len();
        // The closing quote first: it rules out most wrong candidates without comparing.
        let fits = self.bytes.get(end.wrapping_sub(1)) == Some(&b'"') && self.bytes.get(self.at..end) == Some(quoted);
        if fits {
            self.at += quoted.len();
        }
        fits
    }

    /// An object of strings, at most `max_answers` entries.
    fn pairs(&mut self, limits: &ResponseLimits) -> Option<Vec<(&'t str, &'t str)>> {
        let mut pairs = Vec::with_capacity(64);
        self.open(b'{')?;
        if self.close(b'}') {
            return Some(pairs);
        }
        loop {
            let key = self.string()?;
            self.colon()?;
            pairs.push((key, self.string()?));
            if pairs.len() > limits.max_answers {
                return None;
            }
            if self.close(b'}') {
                return Some(pairs);
            }
            self.comma()?;
        }
    }

    /// An array of strings, at most `max_focus_categories` entries.
    fn strings(&mut self, limits: &ResponseLimits) -> Option<Vec<&'t str>> {
        let mut list = Vec::new();
        self.open(b'[')?;
        if self.close(b']') {
            return Some(list);
        }
        loop {
            list.push(self.string()?);
            if list.len() > limits.max_focus_categories {
                return None;
            }
            if self.close(b']') {
                return Some(list);
            }
            self.comma()?;
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::*;
    use crate::Registry;

    const EXAMPLES: [&str; 5] = [
        include_str!("../../examples/heoa-baseline.json"),
        include_str!("../../examples/heoa-follow-up.json"),
        include_str!("../../examples/cms-hche.json"),
        include_str!("../../examples/ihi-five-component.json"),
        include_str!("../../examples/tjc-ld-04-03-08.json"),
    ];

    /// The fast reader gives up or agrees with the full one, exactly.
    fn agree(text: &str, limits: &ResponseLimits) -> Result<bool, TestCaseError> {
        let registry = Registry::builtin();
        let fast = validate(text, limits, |id, version| registry.by_version(id, version));
        let Some(fast) = fast else { return Ok(false) };
        let draft = super::super::parse::parse(text, limits);
        let full = super::super::validate::validate_draft(draft, fast.instrument());
        prop_assert_eq!(Ok(&fast), full.as_ref(), "{}", text);
        Ok(true)
    }

    #[test]
    fn every_example_takes_the_fast_path() {
        for text in EXAMPLES {
            assert!(agree(text, &ResponseLimits::default()).unwrap(), "{text}");
            let compact = serde_json::to_string(&serde_json::from_str::<Value>(text).unwrap()).unwrap();
            assert!(agree(&compact, &ResponseLimits::default()).unwrap());
        }
    }

    fn changes() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            Just(json!(7)),
            Just(json!("")),
            Just(json!("  ")),
            Just(json!("planning")),
            Just(json!("implemented")),
            Just(json!("data-validation")),
            Just(json!("a \"quoted\" \\ name")),
            Just(json!("tab\there")),
            Just(json!("2023-02-29")),
            Just(json!("2024-02-29")),
            Just(json!("1.0.0")),
            Just(json!("01.0.0")),
            Just(json!("1.0.0+build")),
            Just(json!([])),
            Just(json!(["data-validation", "data-validation"])),
            Just(json!({})),
            Just(json!({"id": "x"})),
            Just(json!("é😀\u{2028}")),
        ]
    }

    proptest! {
        #[test]
        fn plain_len_finds_the_first_stop(bytes in prop::collection::vec(prop_oneof![any::<u8>(), Just(b'"'), Just(b'\\'), 0x20u8..0x7f], 0..64)) {
            let naive = bytes.iter().position(|b| *b < 0x20 || *b == b'"' || *b == b'\\');
            prop_assert_eq!(plain_len(&bytes), naive);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2048, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn the_fast_reader_agrees_with_the_full_one(
            which in 0usize..EXAMPLES.len(),
            at in any::<prop::sample::Index>(),
            action in 0u8..6,
            value in changes(),
            pretty in any::<bool>(),
            small_limits in any::<bool>(),
        ) {
            let mut document: Value = serde_json::from_str(EXAMPLES[which]).unwrap();
            let pointers = crate::json::tests_support::pointers(&document);
            let pointer = pointers[at.index(pointers.len())].clone();
            match action {
                0 => { if let Some(slot) = document.pointer_mut(&pointer) { *slot = value; } }
                1 => {
                    let (parent, last) = pointer.rsplit_once('/').unwrap_or(("", ""));
                    if let Some(Value::Object(map)) = document.pointer_mut(parent) { map.remove(last); }
                }
                2 => { if let Some(Value::Object(map)) = document.pointer_mut(&pointer) { map.insert("extra".into(), value); } }
                3 => {
                    if let Some(Value::Object(map)) = document.pointer_mut(&pointer) {
                        let key = map.keys().next().cloned();
                        if let Some(key) = key { map.insert(format!("{key}x"), value); }
                    }
                }
                _ => {}
            }
            let mut text = if pretty { serde_json::to_string_pretty(&document).unwrap() } else { document.to_string() };
            if action == 4 {
                // A key written twice, which a `Value` cannot hold.
                if let Some(i) = text.find("\"answers\"") {
                    let close = text[i..].find('}').map(|j| i + j);
                    if let Some(close) = close { text.insert_str(close, ", \"data-collection.sogi\": \"planning\""); }
                }
            }
            if action == 5 {
                text.insert(0, '\u{feff}');
            }
            let limits = if small_limits {
                ResponseLimits::default().with_max_string_chars(12).with_max_answers(10).with_max_focus_categories(1)
            } else {
                ResponseLimits::default()
            };
            let taken = agree(&text, &limits)?;
            let counter = if taken { &TAKEN } else { &LEFT };
            counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    }

    static TAKEN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    static LEFT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

    #[test]
    fn the_property_test_takes_both_paths() {
        // Runs the property test's body again here, so the counts are this test's own.
        the_fast_reader_agrees_with_the_full_one();
        let (taken, left) =
            (TAKEN.load(std::sync::atomic::Ordering::Relaxed), LEFT.load(std::sync::atomic::Ordering::Relaxed));
        assert!(taken > 100 && left > 100, "fast path taken {taken} times, left {left} times");
    }
}
