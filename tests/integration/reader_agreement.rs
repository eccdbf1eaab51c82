//! One reader per document format: for instruments, responses, item maps and crosswalks,
//! `from_json`, serde's `Deserialize` (from text and from a `serde_json::Value`) and the
//! committed JSON Schema agree on which documents are accepted, and the readers give the same
//! value. Documents are valid files with one random change each (a field removed, replaced by
//! a value of another type, or an unknown field added), so most are near misses.

use std::fmt::Debug;

use health_equity_assessment::{Crosswalk, Instrument, ItemMap, Response, SchemaKind};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::common;

/// Valid documents of each format to start from.
fn seeds(dir: &str, filter: impl Fn(&str) -> bool) -> Vec<Value> {
    common::json_files(dir)
        .into_iter()
        .filter(|p| filter(p))
        .map(|p| serde_json::from_str(&common::read(&format!("{dir}/{p}"))).unwrap())
        .collect()
}

/// One change at the JSON Pointer `at`.
#[derive(Debug, Clone)]
enum Change {
    Remove,
    Replace(Value),
    AddUnknownField,
}

fn changes() -> impl Strategy<Value = Change> {
    prop_oneof![
        Just(Change::Remove),
        Just(Change::AddUnknownField),
        prop_oneof![
            Just(Value::Null),
            Just(json!(7)),
            Just(json!(-1)),
            Just(json!(1.5)),
            Just(json!("")),
            Just(json!("x y")),
            Just(json!("2023-02-30")),
            Just(json!(true)),
            Just(json!([])),
            Just(json!({})),
        ]
        .prop_map(Change::Replace),
    ]
}

fn apply(document: &Value, at: &str, change: &Change) -> Value {
    let mut changed = document.clone();
    let (parent, last) = at.rsplit_once('/').unwrap_or(("", ""));
    match change {
        Change::AddUnknownField => {
            if let Some(Value::Object(map)) = changed.pointer_mut(at) {
                map.insert("unexpected_field".to_owned(), json!(1));
            }
        }
        Change::Remove => match changed.pointer_mut(parent) {
            Some(Value::Object(map)) => {
                map.remove(&last.replace("~1", "/").replace("~0", "~"));
            }
            Some(Value::Array(items)) => {
                if let Ok(i) = last.parse::<usize>()
                    && i < items.len()
                {
                    items.remove(i);
                }
            }
            _ => {}
        },
        Change::Replace(value) => {
            if let Some(slot) = changed.pointer_mut(at) {
                *slot = value.clone();
            }
        }
    }
    changed
}

/// Checks the readers of one format on `document`.
fn agree<T: DeserializeOwned + PartialEq + Debug, E: Debug>(
    document: &Value,
    from_json: impl Fn(&str) -> Result<T, E>,
    schema: &jsonschema::Validator,
) -> Result<(), TestCaseError> {
    let text = document.to_string();
    let read = from_json(&text);
    let from_text = serde_json::from_str::<T>(&text);
    let from_value = serde_json::from_value::<T>(document.clone());
    prop_assert_eq!(read.is_ok(), from_text.is_ok(), "from_json {:?} but Deserialize {:?}", read, from_text);
    prop_assert_eq!(read.is_ok(), from_value.is_ok(), "from_json {:?} but from_value {:?}", read, from_value);
    if let (Ok(a), Ok(b), Ok(c)) = (&read, &from_text, &from_value) {
        prop_assert_eq!(a, b);
        prop_assert_eq!(a, c);
    }
    // The schema cannot express every rule (unique ids, references between parts), so it may
    // accept what the reader refuses; it never refuses what the reader accepts.
    if read.is_ok() {
        let errors: Vec<String> = schema.iter_errors(document).map(|e| e.to_string()).collect();
        prop_assert!(errors.is_empty(), "accepted by from_json, refused by the schema: {:?}", errors);
    }
    Ok(())
}

fn check_format<T: DeserializeOwned + PartialEq + Debug, E: Debug>(
    kind: SchemaKind,
    documents: Vec<Value>,
    from_json: impl Fn(&str) -> Result<T, E>,
) {
    assert!(!documents.is_empty(), "{}: no seed documents", kind.name());
    let schema = jsonschema::validator_for(&kind.schema()).unwrap();
    for document in &documents {
        agree(document, &from_json, &schema).unwrap();
        assert!(from_json(&document.to_string()).is_ok(), "{}: a seed document is invalid", kind.name());
    }
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256);
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    let strategy = (0..documents.len(), any::<prop::sample::Index>(), changes());
    let (accepted, refused) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
    runner
        .run(&strategy, |(which, index, change)| {
            let document = &documents[which];
            let pointers = common::pointers(document);
            let at = &pointers[index.index(pointers.len())];
            let changed = apply(document, at, &change);
            let counter = if from_json(&changed.to_string()).is_ok() { &accepted } else { &refused };
            counter.set(counter.get() + 1);
            agree(&changed, &from_json, &schema)
        })
        .unwrap();
    // Both outcomes must occur, or the agreement says nothing.
    assert!(
        accepted.get() > 0 && refused.get() > 0,
        "{}: {} accepted, {} refused",
        kind.name(),
        accepted.get(),
        refused.get()
    );
}

#[test]
fn instrument_readers_and_schema_agree() {
    let mut documents = seeds("assessments", |p| !p.starts_with("crosswalks/"));
    documents
        .extend(seeds("tests/data", |p| !p.contains("item-map") && !p.contains("follow-up") && !p.contains("invalid")));
    documents.push(common::small_instrument());
    check_format(SchemaKind::Instrument, documents, Instrument::from_json);
}

#[test]
fn response_readers_and_schema_agree() {
    let mut documents = seeds("examples", |_| true);
    documents.extend(seeds("tests/data", |p| p.contains("follow-up")));
    check_format(SchemaKind::Response, documents, Response::from_json);
}

#[test]
fn item_map_readers_and_schema_agree() {
    let mut documents = seeds("tests/data", |p| p.contains("item-map"));
    documents.extend(seeds("tests/fuzz-regressions/mappings", |p| p.contains("item-map")));
    check_format(SchemaKind::ItemMap, documents, ItemMap::from_json);
}

#[test]
fn crosswalk_readers_and_schema_agree() {
    let documents = seeds("assessments/crosswalks", |_| true);
    check_format(SchemaKind::Crosswalk, documents, Crosswalk::from_json);
}
