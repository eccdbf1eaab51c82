//! A JSON writer built for score reports and summaries: the same bytes as serializing them
//! with serde_json, several times faster, because nothing general is done per report.
//!
//! Field names are byte literals; the instrument's texts (ids, titles, item texts, option ids,
//! level names) are escaped once, when a report is first written for the instrument, and
//! copied after; numbers are formatted with `itoa` and `ryu`, as serde_json does; the report is
//! written straight from its [`Sheet`] (numbers by index), never built as a value. A test
//! compares the bytes with serde_json's on every example and on property-generated responses.

use std::sync::OnceLock;

use crate::Exact;
use crate::instrument::Instrument;
use crate::response::Organization;
use crate::score::{Engine, ItemStatus, Sheet, item_state};

/// A level's id and label, each already a JSON string with its quotes.
type LevelNames = (Box<[u8]>, Box<[u8]>);

/// The instrument's texts, each already a JSON string (quotes included).
#[derive(Debug, Clone, Default)]
pub(crate) struct JsonTexts {
    /// `{"id":"heoa","version":"1.0.0"}`.
    reference: Box<[u8]>,
    category_ids: Vec<Box<[u8]>>,
    /// `"title":…,"rule":"…","focus":` after a category's id.
    category_heads: Vec<Box<[u8]>>,
    item_ids: Vec<Box<[u8]>>,
    /// Per level set, per level: (id, label).
    levels: Vec<Vec<LevelNames>>,
    /// Per item, its whole entry in `items` for each answer: `[unanswered, option 0, option 1,
    /// …]` (an item's entry depends on nothing else).
    item_entries: Vec<Vec<Box<[u8]>>>,
    /// Per item, its whole entry in `opportunities` for each answer, indexed as `item_entries`.
    opportunity_entries: Vec<Vec<Box<[u8]>>>,
    /// `"percent":…,"percent_exact":…` of a category with `points` out of `max`, by
    /// `[max][points]`, for maxima up to [`PERCENT_TABLE_MAX`].
    percents: Vec<Vec<Box<[u8]>>>,
    /// The rounded percent alone (as in a summary), indexed as `percents`.
    rounded_percents: Vec<Vec<Box<[u8]>>>,
    /// `{"rule":"…","points":`.
    overall_head: Box<[u8]>,
    /// `"engine":{"name":…,"version":…}}`.
    engine_tail: Box<[u8]>,
}

/// The largest category maximum whose percents are written from a table.
const PERCENT_TABLE_MAX: u64 = 64;

/// The instrument's texts for the writer, made on first use.
pub(crate) type JsonTextsCell = OnceLock<JsonTexts>;

fn quoted(text: &str) -> Box<[u8]> {
    let mut out = Vec::with_capacity(text.len() + 2);
    string(&mut out, text);
    out.into_boxed_slice()
}

fn texts(instrument: &Instrument) -> &JsonTexts {
    let index = instrument.index();
    index.json.get_or_init(|| {
        let names = &index.names;
        let all = |list: &[crate::SharedStr]| list.iter().map(|s| quoted(s)).collect::<Vec<_>>();
        let mut reference = b"{\"id\":".to_vec();
        string(&mut reference, &names.reference.id);
        reference.extend_from_slice(b",\"version\":");
        string(&mut reference, &names.reference.version.to_string());
        reference.push(b'}');
        // The next field of both reports, when the instrument has a lifecycle.
        if let Some(status) = crate::score::InstrumentStatus::of(instrument) {
            reference.extend_from_slice(b",\"instrument_status\":");
            let _ = serde_json::to_writer(&mut reference, &status);
        }
        let rule = instrument.scoring().category.rule.report_kind();
        let rule = serde_json::to_string(&rule).unwrap_or_default();
        let category_heads = names
            .category_titles
            .iter()
            .map(|title| {
                let mut head = b",\"title\":".to_vec();
                string(&mut head, title);
                head.extend_from_slice(b",\"rule\":");
                head.extend_from_slice(rule.as_bytes());
                head.extend_from_slice(b",\"focus\":");
                head.into_boxed_slice()
            })
            .collect();
        let overall_rule = serde_json::to_string(&instrument.scoring().overall.rule.report_kind()).unwrap_or_default();
        let engine = Engine::current();
        let mut engine_tail = b",\"engine\":{\"name\":".to_vec();
        string(&mut engine_tail, &engine.name);
        engine_tail.extend_from_slice(b",\"version\":");
        string(&mut engine_tail, &engine.version);
        engine_tail.extend_from_slice(b"}}");
        let mut item_entries = Vec::with_capacity(index.items.len());
        let mut opportunity_entries = Vec::with_capacity(index.items.len());
        for (item, entry) in index.items.iter().enumerate() {
            let options = index.scales.get(entry.scale).map_or(0, |s| s.points.len());
            let (mut items, mut opportunities) = (Vec::new(), Vec::new());
            for pick in std::iter::once(None).chain((0..options).map(|o| u8::try_from(o).ok())) {
                let state = item_state(index, item, pick);
                let answer = state.option.and_then(|o| names.option_ids.get(entry.scale)?.get(o));
                let mut out = b"{\"id\":".to_vec();
                string(&mut out, names.item_ids.get(item).map_or("", |s| s.as_str()));
                out.extend_from_slice(b",\"answer\":");
                match answer {
                    Some(a) => string(&mut out, a),
                    None => out.extend_from_slice(b"null"),
                }
                out.extend_from_slice(b",\"points\":");
                optional_integer(&mut out, state.points);
                out.extend_from_slice(b",\"max_points\":");
                integer(&mut out, state.top);
                out.extend_from_slice(match state.status {
                    ItemStatus::Met => b",\"status\":\"met\"}",
                    ItemStatus::Unmet => b",\"status\":\"unmet\"}",
                    ItemStatus::Missing => b",\"status\":\"missing\"}",
                    ItemStatus::NotApplicable => b",\"status\":\"not_applicable\"}",
                });
                items.push(out.into_boxed_slice());
                let mut out = b"{\"category\":".to_vec();
                string(&mut out, names.category_ids.get(entry.category).map_or("", |s| s.as_str()));
                out.extend_from_slice(b",\"item\":");
                string(&mut out, names.item_ids.get(item).map_or("", |s| s.as_str()));
                out.extend_from_slice(b",\"answer\":");
                match answer {
                    Some(a) => string(&mut out, a),
                    None => out.extend_from_slice(b"null"),
                }
                out.extend_from_slice(b",\"points\":");
                integer(&mut out, state.points.unwrap_or(0));
                out.extend_from_slice(b",\"max_points\":");
                integer(&mut out, state.top);
                out.extend_from_slice(b",\"text\":");
                string(&mut out, names.item_texts.get(item).map_or("", |s| s.as_str()));
                out.push(b'}');
                opportunities.push(out.into_boxed_slice());
            }
            item_entries.push(items);
            opportunity_entries.push(opportunities);
        }
        let percents = (0..=PERCENT_TABLE_MAX)
            .map(|max| {
                (0..=max)
                    .map(|points| {
                        let mut out = Vec::new();
                        percent_fields(&mut out, Exact::percent(points, max).as_ref());
                        out.into_boxed_slice()
                    })
                    .collect()
            })
            .collect();
        let rounded_percents = (0..=PERCENT_TABLE_MAX)
            .map(|max| {
                (0..=max)
                    .map(|points| {
                        let mut out = Vec::new();
                        float(&mut out, Exact::percent(points, max).map(|p| p.to_f64_rounded(2)));
                        out.into_boxed_slice()
                    })
                    .collect()
            })
            .collect();
        JsonTexts {
            item_entries,
            opportunity_entries,
            percents,
            rounded_percents,
            reference: reference.into_boxed_slice(),
            category_ids: all(&names.category_ids),
            category_heads,
            item_ids: all(&names.item_ids),
            levels: names
                .levels
                .iter()
                .map(|set| set.iter().map(|(id, label)| (quoted(id), quoted(label))).collect())
                .collect(),
            overall_head: format!("{{\"rule\":{overall_rule},\"points\":").into_bytes().into_boxed_slice(),
            engine_tail: engine_tail.into_boxed_slice(),
        }
    })
}

/// serde_json's escapes: `"`, `\` and the C0 controls (short forms where JSON has them).
const fn escape_table() -> [u8; 256] {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        table[i] = b'u';
        i += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0a] = b'n';
    table[0x0c] = b'f';
    table[0x0d] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
}

static ESCAPE: [u8; 256] = escape_table();

/// Writes `text` as a JSON string, exactly as serde_json does.
pub(crate) fn string(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    let bytes = text.as_bytes();
    let mut start = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        let escape = ESCAPE[usize::from(byte)];
        if escape == 0 {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        match escape {
            b'u' => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(byte >> 4)]);
                out.push(HEX[usize::from(byte & 0xf)]);
            }
            short => out.extend_from_slice(&[b'\\', short]),
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

fn integer(out: &mut Vec<u8>, value: impl itoa::Integer) {
    out.extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
}

/// A rounded percent as serde_json writes an `f64` (`null` when absent or not finite).
fn float(out: &mut Vec<u8>, value: Option<f64>) {
    match value {
        Some(v) if v.is_finite() => out.extend_from_slice(ryu::Buffer::new().format_finite(v).as_bytes()),
        _ => out.extend_from_slice(b"null"),
    }
}

fn exact(out: &mut Vec<u8>, value: Option<&Exact>) {
    match value {
        Some(v) => {
            out.push(b'"');
            v.write_to(out);
            out.push(b'"');
        }
        None => out.extend_from_slice(b"null"),
    }
}

/// `"percent":…,"percent_exact":…` of a percent.
fn percent_fields(out: &mut Vec<u8>, percent: Option<&Exact>) {
    out.extend_from_slice(b"\"percent\":");
    float(out, percent.map(|p| p.to_f64_rounded(2)));
    out.extend_from_slice(b",\"percent_exact\":");
    exact(out, percent);
}

fn optional(out: &mut Vec<u8>, value: Option<&[u8]>) {
    out.extend_from_slice(value.unwrap_or(b"null"));
}

fn optional_integer(out: &mut Vec<u8>, value: Option<impl itoa::Integer>) {
    match value {
        Some(v) => integer(out, v),
        None => out.extend_from_slice(b"null"),
    }
}

fn boolean(out: &mut Vec<u8>, value: bool) {
    out.extend_from_slice(if value { b"true" } else { b"false" });
}

/// `"organization":{…},"assessed_on":"…"` as the report's fields after the instrument.
fn organization_and_date(out: &mut Vec<u8>, organization: &Organization, assessed_on: jiff::civil::Date) {
    out.extend_from_slice(b",\"organization\":{\"id\":");
    string(out, &organization.id);
    if let Some(name) = &organization.name {
        out.extend_from_slice(b",\"name\":");
        string(out, name);
    }
    out.extend_from_slice(b"},\"assessed_on\":\"");
    let (year, month, day) = (assessed_on.year(), assessed_on.month(), assessed_on.day());
    if (0..=9999).contains(&year) {
        let digits = [
            year / 1000,
            year / 100 % 10,
            year / 10 % 10,
            year % 10,
            -1,
            i16::from(month / 10),
            i16::from(month % 10),
            -1,
            i16::from(day / 10),
            i16::from(day % 10),
        ];
        out.extend(digits.iter().map(|&d| if d < 0 { b'-' } else { b'0' + d as u8 }));
    } else {
        out.extend_from_slice(assessed_on.to_string().as_bytes());
    }
    out.push(b'"');
}

fn level_names(texts: &JsonTexts, set: usize, level: Option<usize>) -> Option<&LevelNames> {
    texts.levels.get(set)?.get(level?)
}

fn item_ids(texts: &JsonTexts, items: impl Iterator<Item = usize>) -> impl Iterator<Item = &[u8]> {
    items.filter_map(|i| texts.item_ids.get(i).map(|b| &b[..]))
}

fn list<'a>(out: &mut Vec<u8>, entries: impl Iterator<Item = &'a [u8]>) {
    out.push(b'[');
    for (n, entry) in entries.enumerate() {
        if n > 0 {
            out.push(b',');
        }
        out.extend_from_slice(entry);
    }
    out.push(b']');
}

/// Writes the score report of `sheet`: the bytes of `serde_json::to_writer(&report)`.
pub(crate) fn report<'a>(
    out: &mut Vec<u8>,
    instrument: &'a Instrument,
    chosen: &[Option<u8>],
    organization: &Organization,
    assessed_on: jiff::civil::Date,
    sheet: &Sheet,
) {
    let texts = texts(instrument);
    let index = instrument.index();
    // 0 unanswered, 1 + k option k: the index of an item's entries.
    let variant = |item: usize| chosen.get(item).copied().flatten().map_or(0, |o| usize::from(o) + 1);
    let excluded = |item: usize| {
        let Some(Some(o)) = chosen.get(item) else { return false };
        let scale = index.items.get(item).and_then(|e| index.scales.get(e.scale));
        scale.is_some_and(|s| s.points.get(usize::from(*o)).is_some_and(Option::is_none))
    };
    let entry = |table: &'a Vec<Vec<Box<[u8]>>>, item: usize| -> &'a [u8] {
        table.get(item).and_then(|v| v.get(variant(item))).map_or(&b"null"[..], |b| &b[..])
    };
    out.extend_from_slice(b"{\"instrument\":");
    out.extend_from_slice(&texts.reference);
    organization_and_date(out, organization, assessed_on);
    out.extend_from_slice(b",\"focus_categories\":");
    let focus = sheet.categories.iter().enumerate().filter(|(_, c)| c.focus).map(|(k, _)| k);
    list(out, focus.filter_map(|k| texts.category_ids.get(k).map(|b| &b[..])));
    out.extend_from_slice(b",\"categories\":[");
    for (k, (c, range)) in sheet.categories.iter().zip(&index.category_items).enumerate() {
        if k > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"id\":");
        optional(out, texts.category_ids.get(k).map(|b| &b[..]));
        optional(out, texts.category_heads.get(k).map(|b| &b[..]));
        boolean(out, c.focus);
        out.extend_from_slice(b",\"points\":");
        integer(out, c.points);
        out.extend_from_slice(b",\"max_points\":");
        integer(out, c.max_points);
        out.push(b',');
        let table = usize::try_from(c.max_points).ok().and_then(|m| texts.percents.get(m));
        match table.and_then(|t| t.get(usize::try_from(c.points).ok()?)).filter(|_| c.percent.is_some()) {
            Some(fields) => out.extend_from_slice(fields),
            None => percent_fields(out, c.percent.as_ref()),
        }
        let level = level_names(texts, index.category_levels, c.level);
        out.extend_from_slice(b",\"level\":");
        optional(out, level.map(|(id, _)| &id[..]));
        out.extend_from_slice(b",\"level_label\":");
        optional(out, level.map(|(_, label)| &label[..]));
        out.extend_from_slice(b",\"level_index\":");
        optional_integer(out, c.level);
        out.extend_from_slice(b",\"answered\":");
        integer(out, c.answered);
        out.extend_from_slice(b",\"missing\":");
        list(out, item_ids(texts, range.clone().filter(|&i| variant(i) == 0)));
        out.extend_from_slice(b",\"not_applicable\":");
        list(out, item_ids(texts, range.clone().filter(|&i| excluded(i))));
        out.extend_from_slice(b",\"items\":");
        list(out, range.clone().map(|item| entry(&texts.item_entries, item)));
        out.push(b'}');
    }
    let o = &sheet.overall;
    out.extend_from_slice(b"],\"overall\":");
    out.extend_from_slice(&texts.overall_head);
    integer(out, o.points);
    out.extend_from_slice(b",\"max_points\":");
    integer(out, o.max_points);
    out.extend_from_slice(b",\"categories_scored\":");
    integer(out, o.categories_scored);
    out.push(b',');
    percent_fields(out, o.percent.as_ref());
    let level = level_names(texts, index.overall_levels, o.level);
    out.extend_from_slice(b",\"level\":");
    optional(out, level.map(|(id, _)| &id[..]));
    out.extend_from_slice(b",\"level_label\":");
    optional(out, level.map(|(_, label)| &label[..]));
    out.extend_from_slice(b",\"level_index\":");
    optional_integer(out, o.level);
    out.extend_from_slice(b"},\"opportunities\":");
    list(out, sheet.opportunities.iter().map(|&(item, _)| entry(&texts.opportunity_entries, item)));
    out.extend_from_slice(&texts.engine_tail);
}

/// Writes the score summary of `sheet`: the bytes of `serde_json::to_writer(&summary)`.
pub(crate) fn summary(
    out: &mut Vec<u8>,
    instrument: &Instrument,
    organization: &Organization,
    assessed_on: jiff::civil::Date,
    sheet: &Sheet,
) {
    let texts = texts(instrument);
    let index = instrument.index();
    out.extend_from_slice(b"{\"instrument\":");
    out.extend_from_slice(&texts.reference);
    organization_and_date(out, organization, assessed_on);
    out.extend_from_slice(b",\"categories\":[");
    for (k, c) in sheet.categories.iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"id\":");
        optional(out, texts.category_ids.get(k).map(|b| &b[..]));
        let table = usize::try_from(c.max_points).ok().and_then(|m| texts.rounded_percents.get(m));
        let rounded = table.and_then(|t| t.get(usize::try_from(c.points).ok()?)).filter(|_| c.percent.is_some());
        totals(
            out,
            c.points,
            c.max_points,
            c.percent.as_ref(),
            rounded.map(|b| &b[..]),
            level_names(texts, index.category_levels, c.level),
        );
    }
    let o = &sheet.overall;
    out.extend_from_slice(b"],\"overall\":{");
    totals(out, o.points, o.max_points, o.percent.as_ref(), None, level_names(texts, index.overall_levels, o.level));
    out.extend_from_slice(b",\"opportunities\":");
    list(out, item_ids(texts, sheet.opportunities.iter().map(|&(item, _)| item)));
    out.extend_from_slice(&texts.engine_tail);
}

/// `"points":…,"max_points":…,"percent":…,"level":…}` (a leading comma after an id).
fn totals(
    out: &mut Vec<u8>,
    points: u64,
    max: u64,
    percent: Option<&Exact>,
    rounded: Option<&[u8]>,
    level: Option<&LevelNames>,
) {
    if out.last() != Some(&b'{') {
        out.push(b',');
    }
    out.extend_from_slice(b"\"points\":");
    integer(out, points);
    out.extend_from_slice(b",\"max_points\":");
    integer(out, max);
    out.extend_from_slice(b",\"percent\":");
    match rounded {
        Some(text) => out.extend_from_slice(text),
        None => float(out, percent.map(|p| p.to_f64_rounded(2))),
    }
    out.extend_from_slice(b",\"level\":");
    optional(out, level.map(|(id, _)| &id[..]));
    out.push(b'}');
}
