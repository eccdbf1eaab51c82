//! Hostile input to the FHIR import (`fhir::import_response`,
//! `fhir::parse_response`): arbitrary bytes, arbitrary JSON, structure-aware
//! mutations of the committed example QuestionnaireResponse (deleted, replaced, duplicated and
//! wrongly typed nodes, 1 MB strings, long arrays, deep nesting, NaN-like numbers, invalid UTF-16
//! escapes, a byte-order mark, look-alike linkIds, codes and URLs). Every input gives a response
//! that validates and round-trips, or a typed error with short messages; never a panic or a
//! stack overflow. The invariants are `common::check_fhir_import`'s.
//!
//! Case counts are modest so CI stays fast; raise them with `PROPTEST_CASES`. Needs the `fhir`
//! feature: `cargo test --features fhir --test integration fhir_hostile`.
#![cfg(feature = "fhir")]

use crate::common;

use std::time::{Duration, Instant};

use health_equity_assessment::JsonProblem;
use health_equity_assessment::fhir::{FhirError, FhirOptions, FhirProblem};
use health_equity_assessment::{Registry, Response, ResponseLimits};
use proptest::prelude::*;
use serde_json::{Value, json};

fn cases(default: u32) -> ProptestConfig {
    let n = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    ProptestConfig { cases: n, failure_persistence: None, ..ProptestConfig::default() }
}

const BASE: &str = "https://health-equity-assessment.example/fhir";
const EXAMPLE: &str = "examples/fhir/heoa-baseline.questionnaire-response.json";

/// The committed example QuestionnaireResponse (the HEOA baseline).
fn example() -> Value {
    serde_json::from_str(&common::read(EXAMPLE)).unwrap()
}

/// Imports with the default options, checking every invariant.
fn check(text: &str) -> Result<Response, FhirError> {
    common::check_fhir_import(text, Registry::builtin(), &FhirOptions::default())
}

fn codes(err: &FhirError) -> Vec<&'static str> {
    err.codes()
}

/// Any JSON value, a few levels deep, with FHIR's keys among the random ones.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e308f64..1e308).prop_map(Value::from),
        ".{0,24}".prop_map(Value::String),
        prop_oneof![
            Just("NaN"),
            Just("Infinity"),
            Just("-0"),
            Just("1e999"),
            Just("\u{0}"),
            Just("\u{feff}"),
            Just("completed"),
            Just("QuestionnaireResponse"),
            Just("data-collection"),
            Just("data-collection.sogi"),
            Just("in_progress"),
            Just("2022-11-17"),
            Just("Organization/org-001"),
            Just("https://health-equity-assessment.example/fhir/Questionnaire/heoa|1.0.0"),
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    let key = prop_oneof![
        "[a-zA-Z_.-]{0,12}",
        prop::sample::select(vec![
            "resourceType",
            "status",
            "questionnaire",
            "subject",
            "reference",
            "identifier",
            "authored",
            "item",
            "linkId",
            "answer",
            "valueCoding",
            "system",
            "code",
            "extension",
            "modifierExtension",
            "url",
            "valueString",
            "valueCode",
        ])
        .prop_map(str::to_owned),
    ];
    leaf.prop_recursive(4, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..8)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

/// A value of a wrong type (or shape) for almost any element.
fn hostile_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        json_value(),
        Just(json!(null)),
        Just(json!(true)),
        Just(json!(0)),
        Just(json!(-1)),
        Just(json!(1.5)),
        Just(json!(1e308)),
        Just(json!(u64::MAX)),
        Just(json!(i64::MIN)),
        Just(json!("")),
        Just(json!(" ")),
        Just(json!("NaN")),
        Just(json!([])),
        Just(json!([null])),
        Just(json!({})),
        Just(json!({"url": ""})),
        Just(json!({"linkId": "data-collection"})),
    ]
}

/// Raw JSON text put in place of a value: numbers JSON does not have or that overflow, invalid
/// UTF-16 escapes, and a few valid oddities.
const RAW_TOKENS: &[&str] = &[
    "NaN",
    "-NaN",
    "Infinity",
    "-Infinity",
    "1e999",
    "-1e999",
    "1e-999",
    "-0",
    "-0.0e-0",
    "1E400",
    "123456789012345678901234567890",
    "0x10",
    "+1",
    ".5",
    "01",
    "\"\\ud800\"",
    "\"\\udc00\"",
    "\"\\ud800\\u0041\"",
    "\"\\ud800\\ud800\"",
    "\"\\udbff\\udfff\"",
    "\"\\u0000\"",
    "\"\\uZZZZ\"",
    "\"\\u00e9\\u0301\"",
    "'single'",
    "undefined",
];

/// Look-alikes: each changes a string so that it still looks the same, or almost.
const LOOK_ALIKES: &[(&str, &str)] = &[
    ("a", "\u{430}"),   // Cyrillic а
    ("e", "\u{435}"),   // Cyrillic е
    ("o", "\u{43e}"),   // Cyrillic о
    ("c", "\u{441}"),   // Cyrillic с
    ("p", "\u{440}"),   // Cyrillic р
    ("i", "\u{131}"),   // dotless ı
    ("-", "\u{2010}"),  // hyphen
    ("-", "\u{2011}"),  // non-breaking hyphen
    (".", "\u{2024}"),  // one dot leader
    ("/", "\u{2215}"),  // division slash
    ("_", "\u{ff3f}"),  // fullwidth low line
    ("1", "\u{ff11}"),  // fullwidth 1
    ("0", "\u{1d7ce}"), // mathematical bold 0
    ("l", "\u{217c}"),  // small roman numeral fifty
];

/// How a look-alike is made from a string.
#[derive(Debug, Clone)]
enum Disguise {
    /// Replace the first occurrence of a character with its look-alike (`LOOK_ALIKES[k]`).
    Confusable(usize),
    TrailingSpace,
    LeadingSpace,
    /// A zero-width space, non-breaking space or soft hyphen after character `n`.
    Invisible(usize, char),
    /// The first ASCII letter in the other case.
    Case,
    /// A combining acute accent after the first character.
    Combining,
}

fn disguise() -> impl Strategy<Value = Disguise> {
    prop_oneof![
        (0..LOOK_ALIKES.len()).prop_map(Disguise::Confusable),
        Just(Disguise::TrailingSpace),
        Just(Disguise::LeadingSpace),
        (any::<usize>(), prop::sample::select(vec!['\u{200b}', '\u{a0}', '\u{ad}', '\u{feff}', '\t']))
            .prop_map(|(n, c)| Disguise::Invisible(n, c)),
        Just(Disguise::Case),
        Just(Disguise::Combining),
    ]
}

/// The disguised string, or the original when the disguise does not apply (no such character).
fn disguised(text: &str, how: &Disguise) -> String {
    match how {
        Disguise::Confusable(k) => {
            let (from, to) = LOOK_ALIKES[*k];
            text.replacen(from, to, 1)
        }
        Disguise::TrailingSpace => format!("{text} "),
        Disguise::LeadingSpace => format!(" {text}"),
        Disguise::Invisible(n, c) => {
            let at = text.char_indices().map(|(i, _)| i).nth(n % text.chars().count().max(1)).unwrap_or(0);
            let mut out = text.to_owned();
            out.insert(at, *c);
            out
        }
        Disguise::Case => match text.find(|c: char| c.is_ascii_alphabetic()) {
            Some(at) => {
                let mut out = text.to_owned();
                let c = out.as_bytes()[at] as char;
                let other = if c.is_ascii_lowercase() { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() };
                out.replace_range(at..=at, &other.to_string());
                out
            }
            None => text.to_owned(),
        },
        Disguise::Combining => {
            let first = text.chars().next().map_or(0, char::len_utf8);
            let mut out = text.to_owned();
            out.insert(first, '\u{301}');
            out
        }
    }
}

/// The identifying strings of the example a look-alike must not pass for, each with the
/// problem codes a disguise of it may give.
fn identifiers(doc: &Value) -> Vec<(String, &'static [&'static str])> {
    let mut out: Vec<(String, &'static [&'static str])> = vec![
        ("/status".to_owned(), &["invalid_structure"]),
        ("/questionnaire".to_owned(), &["unknown_questionnaire", "unknown_questionnaire_version"]),
        ("/subject/reference".to_owned(), &["invalid_subject"]),
        ("/resourceType".to_owned(), &["wrong_resource_type"]),
    ];
    for (g, group) in doc["item"].as_array().unwrap().iter().enumerate() {
        out.push((format!("/item/{g}/linkId"), &["unknown_link_id"]));
        for (q, question) in group["item"].as_array().unwrap().iter().enumerate() {
            out.push((format!("/item/{g}/item/{q}/linkId"), &["unknown_link_id"]));
            if question.get("answer").is_some() {
                let coding = format!("/item/{g}/item/{q}/answer/0/valueCoding");
                out.push((format!("{coding}/code"), &["unknown_code"]));
                out.push((format!("{coding}/system"), &["wrong_system"]));
            }
        }
    }
    for (k, extension) in doc["extension"].as_array().unwrap().iter().enumerate() {
        if extension.get("valueCode").is_some() {
            out.push((format!("/extension/{k}/valueCode"), &["unknown_focus_category"]));
        }
    }
    out
}

/// Places in a document where a mutation can land (by index into its JSON Pointers).
#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize),
    Replace(usize, Value),
    /// A copy of the node next to it (arrays) or a repeated key (objects).
    Duplicate(usize),
    /// A ~1 MB string; `true`: non-ASCII.
    HugeString(usize, bool),
    /// An array of `n` copies of the node in its place.
    LongArray(usize, usize),
    /// The node wrapped in `depth` arrays or objects.
    Nest(usize, usize, bool),
    /// Raw JSON text (`RAW_TOKENS[k]`) in place of the node.
    Raw(usize, usize),
    Bom,
    InvalidByte(usize),
    /// A look-alike of one of the example's identifiers.
    LookAlike(usize, Disguise),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Delete),
        (any::<usize>(), hostile_value()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        any::<usize>().prop_map(Mutation::Duplicate),
        (any::<usize>(), any::<bool>()).prop_map(|(i, wide)| Mutation::HugeString(i, wide)),
        (any::<usize>(), prop_oneof![2usize..10, 1_000usize..2_000]).prop_map(|(i, n)| Mutation::LongArray(i, n)),
        (any::<usize>(), 1usize..300, any::<bool>()).prop_map(|(i, d, o)| Mutation::Nest(i, d, o)),
        (any::<usize>(), 0..RAW_TOKENS.len()).prop_map(|(i, k)| Mutation::Raw(i, k)),
        Just(Mutation::Bom),
        any::<usize>().prop_map(Mutation::InvalidByte),
        (any::<usize>(), disguise()).prop_map(|(i, d)| Mutation::LookAlike(i, d)),
    ]
}

/// A placeholder string put in a node, then replaced by raw text in the serialized document.
const MARK: &str = "\u{1}raw-token\u{1}";

fn apply(doc: &Value, m: &Mutation) -> Vec<u8> {
    let mut doc = doc.clone();
    let all = common::pointers(&doc);
    // Not the root: replacing the whole document is what the arbitrary-JSON property does.
    let pick = |i: usize| all[1 + i % (all.len() - 1)].clone();
    match m {
        Mutation::Delete(i) => {
            let p = pick(*i);
            let (parent, key) = p.rsplit_once('/').unwrap();
            match doc.pointer_mut(parent) {
                Some(Value::Object(map)) => {
                    map.remove(&key.replace("~1", "/").replace("~0", "~"));
                }
                Some(Value::Array(items)) => {
                    items.remove(key.parse::<usize>().unwrap());
                }
                _ => {}
            }
        }
        Mutation::Replace(i, v) => *doc.pointer_mut(&pick(*i)).unwrap() = v.clone(),
        Mutation::Duplicate(i) => {
            let p = pick(*i);
            let (parent, key) = p.rsplit_once('/').unwrap();
            let node = doc.pointer(&p).unwrap().clone();
            if let Some(Value::Array(items)) = doc.pointer_mut(parent) {
                items.insert(key.parse::<usize>().unwrap(), node);
            } else {
                // A repeated key: `"key": <copy>, "key": <copy>`.
                let key = key.replace("~1", "/").replace("~0", "~");
                *doc.pointer_mut(&p).unwrap() = Value::String(MARK.to_owned());
                let marked = format!("{}:{}", json!(key), json!(MARK));
                let copy = format!("{}:{}", json!(key), node);
                return doc.to_string().replacen(&marked, &format!("{copy},{copy}"), 1).into_bytes();
            }
        }
        Mutation::HugeString(i, wide) => {
            let huge = if *wide { "é漢".repeat(1 << 18) } else { "x".repeat(1 << 20) };
            *doc.pointer_mut(&pick(*i)).unwrap() = Value::String(huge);
        }
        Mutation::LongArray(i, n) => {
            let slot = doc.pointer_mut(&pick(*i)).unwrap();
            *slot = Value::Array(vec![slot.clone(); *n]);
        }
        Mutation::Nest(i, depth, object) => {
            let slot = doc.pointer_mut(&pick(*i)).unwrap();
            let mut nested = slot.clone();
            for _ in 0..*depth {
                nested = if *object { json!({ "item": nested }) } else { json!([nested]) };
            }
            *slot = nested;
        }
        Mutation::Raw(i, k) => {
            *doc.pointer_mut(&pick(*i)).unwrap() = Value::String(MARK.to_owned());
            return doc.to_string().replacen(&json!(MARK).to_string(), RAW_TOKENS[*k], 1).into_bytes();
        }
        Mutation::Bom => return format!("\u{feff}{doc}").into_bytes(),
        Mutation::InvalidByte(i) => {
            let mut out = doc.to_string().into_bytes();
            let at = i % out.len();
            out.insert(at, 0xff);
            return out;
        }
        Mutation::LookAlike(i, how) => {
            let targets = identifiers(&doc);
            let (pointer, _) = &targets[i % targets.len()];
            let slot = doc.pointer_mut(pointer).unwrap();
            *slot = Value::String(disguised(slot.as_str().unwrap(), how));
        }
    }
    doc.to_string().into_bytes()
}

proptest! {
    #![proptest_config(cases(96))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = check(&String::from_utf8_lossy(&bytes));
        // Past the resourceType check too.
        let text = format!(r#"{{"resourceType": "QuestionnaireResponse", {}"#, String::from_utf8_lossy(&bytes));
        let _ = check(&text);
    }

    #[test]
    fn arbitrary_json_never_panics(value in json_value(), custom_base in any::<bool>()) {
        let options = if custom_base {
            FhirOptions::new("http://fhir.example.org/r4/equity/").unwrap()
        } else {
            FhirOptions::default()
        };
        let _ = common::check_fhir_import(&value.to_string(), Registry::builtin(), &options);
        // The same value as a QuestionnaireResponse, so that the rest of it is read.
        let mut resource = match value {
            Value::Object(map) => map,
            other => [("item".to_owned(), other)].into_iter().collect(),
        };
        resource.insert("resourceType".to_owned(), "QuestionnaireResponse".into());
        let _ = common::check_fhir_import(&Value::Object(resource).to_string(), Registry::builtin(), &options);
    }

    #[test]
    fn arbitrary_json_anywhere_in_the_example_never_panics(at in any::<usize>(), value in json_value()) {
        let bytes = apply(&example(), &Mutation::Replace(at, value));
        let _ = check(std::str::from_utf8(&bytes).unwrap());
    }

    #[test]
    fn mutated_examples_never_panic(m in mutation()) {
        let doc = example();
        let bytes = apply(&doc, &m);
        let result = check(&String::from_utf8_lossy(&bytes));
        match &m {
            Mutation::Bom => prop_assert_eq!(result, check(&doc.to_string())),
            Mutation::LookAlike(i, how) => {
                let targets = identifiers(&doc);
                let (pointer, expected) = &targets[i % targets.len()];
                let original = doc.pointer(pointer).unwrap().as_str().unwrap();
                if disguised(original, how) != original {
                    let err = result.unwrap_err();
                    prop_assert!(
                        codes(&err).iter().any(|c| expected.contains(c)),
                        "{pointer}: {:?} passed for {original:?}: {err}", disguised(original, how)
                    );
                }
            }
            Mutation::HugeString(..) => {
                if let Err(err) = &result {
                    // The whole error, not only each problem, stays small.
                    prop_assert!(err.to_string().len() < 64 * 1024, "{} bytes", err.to_string().len());
                }
            }
            _ => {}
        }
    }
}

#[test]
fn the_example_imports_and_every_invariant_holds() {
    let response = check(&common::read(EXAMPLE)).unwrap();
    assert_eq!(response, Response::from_json(&common::read("examples/heoa-baseline.json")).unwrap());
    // With a byte-order mark, and as bytes read lossily.
    assert_eq!(check(&format!("\u{feff}{}", common::read(EXAMPLE))), Ok(response));
    assert_eq!(check(&format!("\u{feff}\u{feff}{}", common::read(EXAMPLE))).unwrap_err().codes(), ["syntax"]);
}

/// How many of the wrong values each path gets in the exhaustive tests below: 3 by default (in
/// turn, so every value lands on a third of the paths), all of them with `PROPTEST_CASES` of
/// 1000 or more.
fn per_path(all: usize) -> usize {
    let cases: u32 = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
    if cases >= 1000 { all } else { 3.min(all) }
}

#[test]
fn a_wrong_type_at_every_path_is_a_typed_error_or_harmless() {
    let doc = example();
    let all = common::pointers(&doc);
    let wrong = [json!(null), json!(true), json!(7), json!(-1.5), json!(""), json!("x"), json!([]), json!({})];
    let (mut tried, mut refused) = (0, 0);
    for (n, pointer) in all.iter().enumerate().skip(1) {
        for k in 0..per_path(wrong.len()) {
            let mut mutated = doc.clone();
            *mutated.pointer_mut(pointer).unwrap() = wrong[(n + k) % wrong.len()].clone();
            tried += 1;
            if check(&mutated.to_string()).is_err() {
                refused += 1;
            }
        }
    }
    // Most replacements break the resource; the rest land on text the import ignores.
    assert!(refused > tried / 2, "{refused} of {tried}");
}

#[test]
fn every_node_can_be_deleted_or_duplicated() {
    let doc = example();
    let n = common::pointers(&doc).len() - 1;
    let every = per_path(2) == 2;
    for i in 0..n {
        if every || i % 2 == 0 {
            let _ = check(&String::from_utf8(apply(&doc, &Mutation::Delete(i))).unwrap());
        }
        if every || i % 2 == 1 {
            let _ = check(&String::from_utf8(apply(&doc, &Mutation::Duplicate(i))).unwrap());
        }
    }
}

#[test]
fn a_one_megabyte_value_gives_a_short_message() {
    let doc = example();
    let huge = "x".repeat(1 << 20);
    let wide = "é漢🙂".repeat(1 << 16);
    let places = [
        ("/status", "invalid_structure"),
        ("/questionnaire", "unversioned_questionnaire"),
        ("/authored", "invalid_authored"),
        ("/subject/reference", "invalid_subject"),
        ("/item/0/linkId", "unknown_link_id"),
        ("/item/0/item/0/linkId", "unknown_link_id"),
        ("/item/0/item/0/answer/0/valueCoding/code", "unknown_code"),
        ("/item/0/item/0/answer/0/valueCoding/system", "wrong_system"),
        ("/item/0/item/0/extension/0/valueString", "too_large"),
        ("/extension/0/valueCode", "unknown_focus_category"),
        ("/resourceType", "wrong_resource_type"),
        // A string where an array or object belongs: serde_json quotes it in full.
        ("/item", "invalid_structure"),
        ("/item/0/item/0/answer", "invalid_structure"),
        ("/subject", "invalid_structure"),
    ];
    for (n, (pointer, code)) in places.into_iter().enumerate() {
        // ASCII and (in turn) multi-byte text, clipped on character boundaries.
        for value in [&huge, &wide].into_iter().skip(n % 2) {
            let mut mutated = doc.clone();
            *mutated.pointer_mut(pointer).unwrap() = value.clone().into();
            let err = check(&mutated.to_string()).unwrap_err();
            assert!(codes(&err).contains(&code), "{pointer}: {err}");
            assert!(err.to_string().len() < 4096, "{pointer}: {} bytes", err.to_string().len());
        }
    }
    // In a version, a time, an identifier system, a url and the response extensions' JSON.
    let mut mutated = doc.clone();
    mutated["questionnaire"] = format!("{BASE}/Questionnaire/heoa|{huge}").into();
    let err = check(&mutated.to_string()).unwrap_err();
    assert_eq!(codes(&err), ["unknown_questionnaire_version"], "{err}");
    assert!(err.to_string().len() < 4096, "{} bytes", err.to_string().len());
    // (Half a megabyte each: the document stays under the 4 MiB limit.)
    let half = "x".repeat(1 << 19);
    let mut mutated = doc.clone();
    mutated["authored"] = format!("2022-11-17T10:00:00.{}Z", "1".repeat(1 << 19)).into();
    mutated["subject"] = json!({"identifier": {"system": half, "value": "x"}});
    mutated["item"][0]["modifierExtension"] = json!([{"url": half}]);
    mutated["extension"] = json!([{
        "url": format!("{BASE}/StructureDefinition/response-extensions"),
        "valueString": json!(half).to_string(),
    }]);
    let err = check(&mutated.to_string()).unwrap_err();
    assert_eq!(
        codes(&err),
        ["invalid_subject", "invalid_authored", "invalid_extension", "unsupported_modifier_extension"],
        "{err}"
    );
    assert!(err.to_string().len() < 4096, "{} bytes", err.to_string().len());
    // A 1 MB key, repeated below another 1 MB key.
    let text = format!(r#"{{"resourceType": "QuestionnaireResponse", "{huge}": {{"{wide}": 1, "{wide}": 2}}}}"#);
    let err = check(&text).unwrap_err();
    assert_eq!(codes(&err), ["duplicate_key"]);
    assert!(err.to_string().len() < 4096, "{} bytes", err.to_string().len());
}

#[test]
fn long_values_that_are_not_errors_import_and_round_trip() {
    let mut doc = example();
    let long = "é".repeat(200_000);
    doc["subject"]["display"] = long.clone().into();
    doc["item"][0]["text"] = long.clone().into();
    doc["item"][0]["item"][0]["extension"][0]["valueString"] = "n".repeat(65_536).into();
    let response = check(&doc.to_string()).unwrap();
    assert_eq!(response.organization.name.as_deref(), Some(long.as_str()));
    // One character more than the note limit (default 65,536) is refused, as in response documents.
    doc["item"][0]["item"][0]["extension"][0]["valueString"] = "n".repeat(65_537).into();
    let err = check(&doc.to_string()).unwrap_err();
    assert_eq!(codes(&err), ["too_large"]);
    assert!(err.problems()[0].to_string().starts_with("QuestionnaireResponse.item[0].item[0].extension[0].valueString: the note length in characters is 65537, over the limit of 65536"), "{err}");
}

#[test]
fn limits_are_checked_and_configurable() {
    let registry = Registry::builtin();
    let text = common::read(EXAMPLE);
    let tight = |limits: ResponseLimits| FhirOptions::default().with_limits(limits);

    let options = tight(ResponseLimits::default().with_max_document_bytes(text.len() - 1));
    let err = common::check_fhir_import(&text, registry, &options).unwrap_err();
    assert_eq!(
        err.problems(),
        [FhirProblem::TooLarge {
            path: "QuestionnaireResponse".into(),
            what: "the document size in bytes",
            size: text.len(),
            limit: text.len() - 1
        }]
    );
    // The byte-order mark does not count.
    let options = tight(ResponseLimits::default().with_max_document_bytes(text.len()));
    assert!(common::check_fhir_import(&format!("\u{feff}{text}"), registry, &options).is_ok());

    let response = common::check_fhir_import(&text, registry, &FhirOptions::default()).unwrap();
    let (answers, notes) = (response.answers.len(), response.notes.as_ref().map_or(0, |n| n.len()));
    assert!(answers > notes && notes > 1, "{answers} answers, {notes} notes");
    let options = tight(ResponseLimits::default().with_max_answers(notes - 1));
    let err = common::check_fhir_import(&text, registry, &options).unwrap_err();
    assert_eq!(
        err.problems(),
        [
            FhirProblem::TooLarge {
                path: "QuestionnaireResponse.item".into(),
                what: "the number of answers",
                size: answers,
                limit: notes - 1
            },
            FhirProblem::TooLarge {
                path: "QuestionnaireResponse.item".into(),
                what: "the number of notes",
                size: notes,
                limit: notes - 1
            },
        ]
    );

    let options = tight(ResponseLimits::default().with_max_string_chars(10));
    let err = common::check_fhir_import(&text, registry, &options).unwrap_err();
    assert!(codes(&err).iter().all(|c| *c == "too_large"), "{err}");
    // The imported response loads under the same limits.
    let options = tight(ResponseLimits::default().with_max_string_chars(200));
    let response = common::check_fhir_import(&text, registry, &options).unwrap();
    let limits = ResponseLimits::default().with_max_string_chars(200);
    assert!(registry.validate_json_with(&serde_json::to_string(&response).unwrap(), &limits).is_ok());
}

#[test]
fn an_imported_response_is_never_too_large_to_load() {
    // The response extensions' JSON keeps its exact text (`1e15` stays `1e15`, never
    // `1000000000000000.0`), so the response document is never larger than the resource that
    // carried it: a resource under the size limit gives a response document under it, which
    // loads (checked by `check`).
    let numbers = |n: usize| vec!["1e15"; n].join(",");
    let with_numbers = |n: usize| {
        let mut doc = example();
        doc["extension"].as_array_mut().unwrap().push(json!({
            "url": format!("{BASE}/StructureDefinition/response-extensions"),
            "valueString": format!("{{\"n\": [{}]}}", numbers(n)),
        }));
        doc.to_string()
    };
    let text = with_numbers(300_000);
    assert!(text.len() < 4 << 20, "{}", text.len());
    let response = check(&text).unwrap();
    let document = serde_json::to_string(&response).unwrap();
    assert!(document.len() < text.len(), "{} vs {}", document.len(), text.len());
    let n = response.extensions.as_ref().unwrap()["n"].as_json();
    assert!(n.starts_with("[1e15,1e15,") && n.len() == 300_000 * 5 + 1, "{}", &n[..40]);
}

#[test]
fn an_empty_note_is_no_note() {
    let mut doc = example();
    let id = doc["item"][0]["item"][0]["linkId"].as_str().unwrap().to_owned();
    doc["item"][0]["item"][0]["extension"][0]["valueString"] = "".into();
    let response = check(&doc.to_string()).unwrap();
    assert!(!response.notes.unwrap_or_default().contains_key(&id));
}

#[test]
fn long_arrays_give_one_problem_per_element_quickly() {
    let doc = example();
    let start = Instant::now();
    // (Small elements: the document stays under the 4 MiB limit.)
    let mut mutated = doc.clone();
    mutated["item"] = Value::Array(vec![json!({"linkId": "data-collection"}); 5_000]);
    let err = check(&mutated.to_string()).unwrap_err();
    assert_eq!(err.problems().len(), 4_999);
    assert!(codes(&err).iter().all(|c| *c == "repeated_item"));

    let mut mutated = doc.clone();
    mutated["item"][0]["item"][0]["answer"] = Value::Array(vec![json!({"valueCoding": {"code": "x"}}); 20_000]);
    let err = check(&mutated.to_string()).unwrap_err();
    assert_eq!(
        err.problems(),
        [FhirProblem::RepeatedAnswer {
            path: "QuestionnaireResponse.item[0].item[0]".into(),
            link_id: "data-collection.real-self-reported".into(),
            count: 20_000
        }]
    );

    let mut mutated = doc.clone();
    mutated["modifierExtension"] = Value::Array(vec![json!({"url": "https://example.org/x"}); 5_000]);
    let err = check(&mutated.to_string()).unwrap_err();
    assert_eq!(err.problems().len(), 5_000);

    // Unknown elements are read and ignored however long.
    let mut mutated = doc;
    mutated["contained"] = Value::Array(vec![json!({"resourceType": "Organization", "id": "x"}); 20_000]);
    assert!(check(&mutated.to_string()).is_ok());
    assert!(start.elapsed() < Duration::from_secs(60), "{:?}", start.elapsed());
}

#[test]
fn long_keys_above_a_long_array_are_read_in_linear_time() {
    // Each array element once built its JSON Pointer from the keys above it: 1 MB keys over
    // 500,000 elements took minutes. Now the pointer is one buffer, clipped in messages.
    let key = "k".repeat(1 << 20);
    let text = format!(
        r#"{{"resourceType": "QuestionnaireResponse", "{key}": {{"{key}": [{}0, {{"a": 1, "a": 2}}]}}}}"#,
        "0,".repeat(500_000)
    );
    let start = Instant::now();
    let err = check(&text).unwrap_err();
    assert_eq!(codes(&err), ["duplicate_key"]);
    let FhirProblem::Json(JsonProblem::DuplicateKey { pointer, key }) = &err.problems()[0] else { panic!("{err}") };
    assert_eq!(key, "a");
    assert!(pointer.ends_with("kk…/500001"), "{pointer}");
    assert!(pointer.chars().count() <= 321, "{}", pointer.len());
    assert!(start.elapsed() < Duration::from_secs(30), "{:?}", start.elapsed());
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    // 10,000 levels of `item`, where the items are read. (Written as text: serde_json's `Value`
    // serializes and drops recursively.)
    let deep_item = format!(
        r#"{}{{"linkId": "data-collection.sogi"}}{}"#,
        r#"{"linkId": "data-collection", "item": ["#.repeat(10_000),
        "]}".repeat(10_000)
    );
    let text = common::read(EXAMPLE).replacen("\"item\": [", &format!("\"item\": [{deep_item},"), 1);
    let err = check(&text).unwrap_err();
    assert_eq!(err.codes(), ["syntax"], "{err}");
    assert!(err.to_string().contains("recursion limit exceeded"), "{err}");

    // Deep arbitrary JSON: at the top, in an ignored element, in an extension, in the
    // response extensions' JSON text.
    let deep = |open: &str, close: &str, n: usize| format!("{}{}", open.repeat(n), close.repeat(n));
    let text = common::read(EXAMPLE);
    for text in [
        deep("[", "]", 100_000),
        deep("{\"item\":", "}", 100_000),
        text.replacen('{', &format!("{{\"contained\": {},", deep("[", "]", 100_000)), 1),
        text.replacen("\"extension\": [", &format!("\"extension\": [{},", deep("{\"extension\":[", "]}", 50_000)), 1),
    ] {
        let err = check(&text).unwrap_err();
        assert_eq!(err.codes(), ["syntax"], "{err}");
    }
    let mut doc = example();
    doc["extension"] = json!([{
        "url": format!("{BASE}/StructureDefinition/response-extensions"),
        "valueString": format!("{{\"a\":{}}}", deep("[", "]", 100_000)),
    }]);
    let err = check(&doc.to_string()).unwrap_err();
    assert_eq!(err.codes(), ["invalid_extension"], "{err}");
    assert!(err.to_string().contains("nested more than 100 levels deep"), "{err}");
}

#[test]
fn nan_like_numbers_and_invalid_escapes_are_typed_errors() {
    let doc = example();
    let places = [
        "/status",
        "/authored",
        "/item/0/linkId",
        "/item/0/item/0/answer/0/valueCoding/code",
        "/extension/0/valueCode",
        "/item/0/text",
        "/subject/display",
    ];
    for place in places {
        for (k, token) in RAW_TOKENS.iter().enumerate() {
            let all = common::pointers(&doc);
            let i = all.iter().position(|p| p == place).unwrap() - 1;
            let text = String::from_utf8(apply(&doc, &Mutation::Raw(i, k))).unwrap();
            let result = check(&text);
            // Only valid JSON strings can pass, and only where text is free.
            let free = place.ends_with("/text") || place.ends_with("/display");
            let valid_string = ["\"\\udbff\\udfff\"", "\"\\u0000\"", "\"\\u00e9\\u0301\""].contains(token);
            if !(free && valid_string) {
                let err = result.expect_err(&format!("{place} = {token}"));
                if !valid_string && !["123456789012345678901234567890", "-0", "-0.0e-0", "1e-999"].contains(token) {
                    assert_eq!(err.codes(), ["syntax"], "{place} = {token}: {err}");
                }
            }
        }
    }
}
