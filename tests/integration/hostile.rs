//! Hostile input: every public entry point returns a value or a typed error on arbitrary bytes,
//! arbitrary JSON and structure-aware mutations of valid documents. Never a panic.
//!
//! Case counts are modest so CI stays fast; raise them with `PROPTEST_CASES`.

use crate::common;

use health_equity_assessment::{Cohort, CohortOptions};
use health_equity_assessment::{CompareOptions, ItemMap, compare};
use health_equity_assessment::{Instrument, Problem, Registry, Response, ResponseLimits};
use proptest::prelude::*;
use serde_json::{Value, json};

fn cases(default: u32) -> ProptestConfig {
    let n = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    ProptestConfig { cases: n, failure_persistence: None, ..ProptestConfig::default() }
}

/// Any JSON value, a few levels deep.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e308f64..1e308).prop_map(Value::from),
        ".{0,24}".prop_map(Value::String),
        prop_oneof![Just("NaN"), Just("Infinity"), Just("-0"), Just("1e999"), Just("\u{0}"), Just("\u{feff}")]
            .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec(("[a-z_.-]{0,12}", inner), 0..8)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

/// Calls every entry point on the text; each must return (the assertion is that nothing panics
/// and every error carries at least one problem with a code).
fn exercise(text: &str) {
    let registry = Registry::builtin();
    match registry.validate_json(text) {
        Ok(validated) => {
            let report = validated.score();
            let _ = serde_json::to_string(&report).unwrap();
            let progress = compare(&report, &report, &CompareOptions::new()).unwrap();
            assert!(progress.categories.iter().all(|c| c.advanced.is_empty() && c.regressed.is_empty()));
        }
        Err(e) => assert!(e.problems().iter().all(|p| !p.code().is_empty())),
    }
    if let Err(e) = Response::from_json(text) {
        assert!(!e.problems().is_empty());
    }
    if let Err(e) = Instrument::from_json(text) {
        assert!(e.problems().iter().all(|p| !p.code().is_empty()));
    }
    if let Err(e) = ItemMap::from_json(text) {
        assert!(e.problems().iter().all(|p| !p.code().is_empty()));
    }
    let heoa = registry.latest("heoa").unwrap();
    let _ = heoa.validate_json_with(text, &ResponseLimits::default().with_max_answers(5).with_max_string_chars(16));
}

fn exercise_bytes(bytes: &[u8]) {
    let registry = Registry::builtin();
    if let Ok(v) = registry.validate_slice(bytes) {
        let _ = v.score();
    }
    let _ = Instrument::from_slice(bytes);
    let _ = Response::from_slice(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        exercise(text);
    }
}

/// Places in a document where a mutation can land.
#[derive(Debug, Clone)]
enum Mutation {
    DropField(usize),
    Replace(usize, Value),
    Nest(usize, usize),
    HugeString(usize),
    DuplicateKey(usize),
    Bom,
    InvalidByte(usize),
    LookAlike(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let hostile = prop_oneof![
        json_value(),
        Just(json!(1e308)),
        Just(json!(u64::MAX)),
        Just(json!(-1)),
        Just(json!(1.5)),
        Just(json!("NaN")),
        Just(json!("")),
        Just(json!([])),
        Just(json!({})),
    ];
    prop_oneof![
        any::<usize>().prop_map(Mutation::DropField),
        (any::<usize>(), hostile).prop_map(|(i, v)| Mutation::Replace(i, v)),
        (any::<usize>(), 1usize..300).prop_map(|(i, d)| Mutation::Nest(i, d)),
        any::<usize>().prop_map(Mutation::HugeString),
        any::<usize>().prop_map(Mutation::DuplicateKey),
        Just(Mutation::Bom),
        any::<usize>().prop_map(Mutation::InvalidByte),
        any::<usize>().prop_map(Mutation::LookAlike),
    ]
}

fn apply(doc: &Value, m: &Mutation) -> Vec<u8> {
    let mut doc = doc.clone();
    let all = common::pointers(&doc);
    let pick = |i: usize| all[i % all.len()].clone();
    match m {
        Mutation::DropField(i) => {
            let p = pick(*i);
            if let Some((parent, key)) = p.rsplit_once('/')
                && let Some(Value::Object(map)) = doc.pointer_mut(parent)
            {
                map.remove(&key.replace("~1", "/").replace("~0", "~"));
            }
        }
        Mutation::Replace(i, v) => {
            if let Some(slot) = doc.pointer_mut(&pick(*i)) {
                *slot = v.clone();
            }
        }
        Mutation::Nest(i, depth) => {
            if let Some(slot) = doc.pointer_mut(&pick(*i)) {
                let mut nested = json!(1);
                for _ in 0..*depth {
                    nested = json!([nested]);
                }
                *slot = nested;
            }
        }
        Mutation::HugeString(i) => {
            if let Some(slot) = doc.pointer_mut(&pick(*i)) {
                *slot = Value::String("x".repeat(1 << 20));
            }
        }
        Mutation::DuplicateKey(i) => {
            let text = doc.to_string();
            let keys: Vec<usize> = text.match_indices("\":").map(|(at, _)| at).collect();
            if let Some(&end) = keys.get(i % keys.len().max(1)) {
                let start = text[..end].rfind('"').unwrap_or(0);
                let key = &text[start..=end];
                // Insert `"key": null,` right after the opening brace before this key.
                if let Some(brace) = text[..start].rfind('{') {
                    let mut out = text.clone();
                    out.insert_str(brace + 1, &format!("{key}: null,"));
                    return out.into_bytes();
                }
            }
            return text.into_bytes();
        }
        Mutation::Bom => {
            let mut out = "\u{feff}".as_bytes().to_vec();
            out.extend(doc.to_string().into_bytes());
            return out;
        }
        Mutation::InvalidByte(i) => {
            let mut out = doc.to_string().into_bytes();
            let at = i % out.len();
            out.insert(at, 0xff);
            return out;
        }
        Mutation::LookAlike(i) => {
            if let Some(Value::Object(answers)) = doc.get_mut("answers") {
                let keys: Vec<String> = answers.keys().cloned().collect();
                if let Some(key) = keys.get(i % keys.len().max(1)) {
                    let value = answers.remove(key).unwrap_or(Value::Null);
                    // Cyrillic а, е, о, с look like the Latin letters they replace.
                    let fake = key.replacen('a', "\u{430}", 1).replacen('e', "\u{435}", 1).replacen('o', "\u{43e}", 1);
                    answers.insert(fake, value);
                }
            }
        }
    }
    doc.to_string().into_bytes()
}

fn example_docs() -> Vec<Value> {
    common::json_files("examples")
        .iter()
        .map(|f| serde_json::from_str(&common::read(&format!("examples/{f}"))).unwrap())
        .collect()
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        exercise_bytes(&bytes);
    }

    #[test]
    fn arbitrary_json_never_panics(value in json_value()) {
        exercise(&value.to_string());
        let _ = serde_json::from_value::<Response>(value.clone());
        let _ = serde_json::from_value::<Instrument>(value);
    }

    #[test]
    fn mutated_documents_never_panic(which in 0usize..3, m in mutation()) {
        let docs = example_docs();
        let bytes = apply(&docs[which % docs.len()], &m);
        exercise_bytes(&bytes);
        if let Mutation::LookAlike(_) = m {
            let err = Registry::builtin().validate_slice(&bytes).unwrap_err();
            prop_assert!(err.problems().iter().any(|p| p.code() == "unknown_item"), "{err}");
        }
        if let Mutation::Bom = m {
            prop_assert!(Registry::builtin().validate_slice(&bytes).is_ok());
        }
    }

    #[test]
    fn mutated_instruments_never_panic(m in mutation()) {
        let doc: Value = serde_json::from_str(&common::read("assessments/heoa/1.0.0.json")).unwrap();
        let bytes = apply(&doc, &m);
        match Instrument::from_slice(&bytes) {
            Ok(instrument) => {
                // A mutation that still loads gives a working instrument.
                let _ = instrument.response_schema();
                let _ = instrument.validate_json(&common::read("examples/heoa-baseline.json")).map(|v| v.score());
            }
            Err(e) => prop_assert!(!e.problems().is_empty()),
        }
    }

    #[test]
    fn cohorts_of_arbitrary_shapes_never_panic(
        shape in prop::collection::vec((0u8..6, 0u32..800, any::<bool>()), 0..40)
    ) {
        let registry = Registry::builtin();
        let base = registry.validate_json(&common::read("examples/heoa-baseline.json")).unwrap().score();
        let ihi = registry.validate_json(&common::read("examples/ihi-five-component.json")).unwrap().score();
        let mut cohort = Cohort::new();
        for (i, (org, days, use_ihi)) in shape.iter().enumerate() {
            let mut r = if *use_ihi { ihi.clone() } else { base.clone() };
            r.organization.id = format!("o{org}").into();
            r.assessed_on = jiff::civil::date(2022, 1, 1).checked_add(jiff::Span::new().days(i64::from(*days))).unwrap();
            cohort.add(format!("s{i}"), r);
        }
        let report = cohort.analyze(&CohortOptions::default()).unwrap();
        let pairs: usize = report.instruments.iter().map(|i| i.pairs).sum();
        prop_assert_eq!(
            pairs + report.unpaired.len() + report.not_comparable.len() + report.ambiguous.len(),
            report.groups
        );
        let _ = cohort.tidy_rows(&CohortOptions::default()).count();
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    exercise(&deep);
    let deep_answers = format!(
        r#"{{"instrument": {{"id": "heoa", "version": "1.0.0"}}, "organization": {{"id": "o"}}, "assessed_on": "2023-01-01", "answers": {{"data-collection.sogi": {}1{}}}}}"#,
        "[".repeat(50_000),
        "]".repeat(50_000)
    );
    // serde_json skips an ignored value without recursion: a typed error, no stack overflow.
    let err = Registry::builtin().validate_json(&deep_answers).unwrap_err();
    assert_eq!(err.problems()[0].code(), "invalid_value", "{err}");
}

#[test]
fn invalid_utf8_and_oversized_documents_are_typed_errors() {
    assert_eq!(Registry::builtin().validate_slice(b"{\"a\": \"\xff\"}").unwrap_err().problems()[0].code(), "not_utf8");
    assert_eq!(Instrument::from_slice(b"\xc3\x28").unwrap_err().problems()[0].code(), "not_utf8");
    assert_eq!(Response::from_slice(b"\xed\xa0\x80").unwrap_err().problems()[0].code(), "not_utf8");
    let big = vec![b' '; (4 << 20) + 1];
    assert_eq!(Registry::builtin().validate_slice(&big).unwrap_err().problems()[0].code(), "too_large");
}
