//! Loading a custom instrument reports every problem, each with its JSON Pointer.

use crate::common;

use health_equity_assessment::{FORMAT_VERSION, Instrument, InstrumentProblem, JsonProblem, Problem};
use serde_json::{Value, json};

fn problems(doc: &Value) -> Vec<(String, String)> {
    problems_text(&doc.to_string())
}

fn problems_text(text: &str) -> Vec<(String, String)> {
    let err = Instrument::from_json(text).expect_err("the instrument should be refused");
    assert!(!err.problems().is_empty());
    err.problems().iter().map(|p| (p.code().to_owned(), p.pointer().unwrap_or("").to_owned())).collect()
}

fn has(found: &[(String, String)], code: &str, pointer: &str) -> bool {
    found.iter().any(|(c, p)| c == code && p == pointer)
}

#[test]
fn the_small_test_instrument_is_valid() {
    let instrument = Instrument::from_json(&common::small_instrument().to_string()).unwrap();
    assert_eq!(instrument.item_count(), 5);
}

#[test]
fn every_problem_is_reported_at_once() {
    let mut doc = common::small_instrument();
    doc["version"] = "1.0".into();
    doc["colour"] = "blue".into();
    doc["categories"][1]["items"][1]["id"] = "b.one".into();
    doc["categories"][0]["items"][2]["scale"] = "imp2".into();
    doc["categories"][1]["items"] =
        json!([doc["categories"][1]["items"][0].clone(), doc["categories"][1]["items"][1].clone()]);
    doc["categories"].as_array_mut().unwrap().push(json!({"id": "c", "title": "Empty", "items": []}));
    doc["scoring"]["level_sets"][0]["levels"][2]["min_percent"] = "20".into();
    let found = problems(&doc);
    assert!(has(&found, "invalid_version", "/version"), "{found:?}");
    assert!(has(&found, "unknown_field", ""), "{found:?}");
    assert!(has(&found, "duplicate_id", "/categories/1/items/1/id"), "{found:?}");
    assert!(has(&found, "unknown_scale", "/categories/0/items/2/scale"), "{found:?}");
    assert!(has(&found, "empty_category", "/categories/2/items"), "{found:?}");
    assert!(has(&found, "bands_not_increasing", "/scoring/level_sets/0/levels/2/min_percent"), "{found:?}");
    assert_eq!(found.len(), 6, "{found:?}");
}

#[test]
fn errors_name_the_instrument_and_the_bad_value() {
    let mut doc = common::small_instrument();
    doc["categories"][0]["items"][2]["scale"] = "imp2".into();
    let err = Instrument::from_json(&doc.to_string()).unwrap_err();
    assert_eq!(err.subject(), "instrument small@1.0.0");
    let text = err.to_string();
    assert!(text.contains("small@1.0.0: 1 problem"), "{text}");
    assert!(text.contains("\"a.three\" uses unknown scale \"imp2\" (scales: imp)"), "{text}");
}

#[test]
fn bands_must_cover_0_to_100() {
    let mut doc = common::small_instrument();
    doc["scoring"]["level_sets"][0]["levels"][0]["min_percent"] = "5".into();
    doc["scoring"]["level_sets"][0]["levels"][3]["min_percent"] = "101".into();
    let found = problems(&doc);
    assert!(has(&found, "bands_not_from_zero", "/scoring/level_sets/0/levels/0/min_percent"), "{found:?}");
    assert!(has(&found, "band_out_of_range", "/scoring/level_sets/0/levels/3/min_percent"), "{found:?}");

    let mut doc = common::small_instrument();
    doc["scoring"]["level_sets"][0]["levels"] = json!([]);
    assert!(has(&problems(&doc), "no_levels", "/scoring/level_sets/0/levels"));

    let mut doc = common::small_instrument();
    doc["scoring"]["level_sets"][0]["levels"][1]["min_percent"] = json!(25.5);
    let found = problems(&doc);
    assert!(has(&found, "invalid_value", "/scoring/level_sets/0/levels/1/min_percent"), "{found:?}");

    // Exact fractions are fine.
    let mut doc = common::small_instrument();
    doc["scoring"]["level_sets"][0]["levels"][2]["min_percent"] = "200/3".into();
    assert!(Instrument::from_json(&doc.to_string()).is_ok());
}

#[test]
fn a_newer_format_version_is_one_clear_problem() {
    let mut doc = common::small_instrument();
    doc["format_version"] = json!(FORMAT_VERSION + 1);
    doc["a_field_from_the_future"] = json!({"x": 1});
    let err = Instrument::from_json(&doc.to_string()).unwrap_err();
    assert_eq!(err.problems().len(), 1);
    assert!(matches!(
        err.problems()[0],
        InstrumentProblem::Json(JsonProblem::FormatTooNew { found: 2, supported: 1, .. })
    ));
    assert!(err.to_string().contains("newer than this crate understands"));
}

#[test]
fn ids_follow_the_syntax_and_items_their_category() {
    let mut doc = common::small_instrument();
    doc["id"] = "Small Instrument".into();
    doc["categories"][0]["id"] = "a".into();
    doc["categories"][0]["items"][0]["id"] = "b.one-in-a".into();
    doc["categories"][0]["items"][1]["id"] = "a.Two".into();
    doc["categories"][1]["id"] = "a".into();
    doc["scales"][0]["options"][1]["id"] = "none".into();
    let found = problems(&doc);
    assert!(has(&found, "invalid_id", "/id"), "{found:?}");
    assert!(has(&found, "item_id_prefix", "/categories/0/items/0/id"), "{found:?}");
    assert!(has(&found, "invalid_id", "/categories/0/items/1/id"), "{found:?}");
    assert!(has(&found, "duplicate_id", "/categories/1/id"), "{found:?}");
    assert!(has(&found, "duplicate_id", "/scales/0/options/1/id"), "{found:?}");
}

#[test]
fn option_points_and_scored_options() {
    let mut doc = common::small_instrument();
    doc["scales"][0]["options"][4]["points"] = json!(0);
    doc["scales"][0]["options"][0].as_object_mut().unwrap().remove("points");
    let found = problems(&doc);
    assert!(has(&found, "option_points", "/scales/0/options/4"), "{found:?}");
    assert!(has(&found, "option_points", "/scales/0/options/0"), "{found:?}");

    let mut doc = common::small_instrument();
    doc["scales"][0]["options"] = json!([{"id": "na", "label": "N/A", "excluded": true}]);
    assert!(has(&problems(&doc), "no_scored_option", "/scales/0/options"));
}

#[test]
fn missing_and_mistyped_fields_and_duplicate_keys() {
    let mut doc = common::small_instrument();
    doc.as_object_mut().unwrap().remove("title");
    doc["categories"][0]["items"][0]["text"] = json!(3);
    doc["categories"][1]["items"][0]["colour"] = json!("red");
    let found = problems(&doc);
    assert!(has(&found, "missing_field", ""), "{found:?}");
    assert!(has(&found, "invalid_value", "/categories/0/items/0/text"), "{found:?}");
    assert!(has(&found, "unknown_field", "/categories/1/items/0"), "{found:?}");

    let text = common::small_instrument().to_string().replacen('{', "{\"title\":\"x\",", 1);
    assert!(has(&problems_text(&text), "duplicate_key", ""));
}

#[test]
fn references_to_level_sets_and_stages() {
    let mut doc = common::small_instrument();
    doc["scoring"]["overall"]["levels"] = "nope".into();
    doc["categories"][0]["items"][0]["stage"] = "one".into();
    let found = problems(&doc);
    assert!(has(&found, "unknown_level_set", "/scoring/overall/levels"), "{found:?}");
    assert!(has(&found, "stage", "/categories/0/items/0/stage"), "{found:?}");

    let mut doc = common::small_instrument();
    doc["scoring"]["category"]["rule"] = json!({"kind": "cumulative", "stages": [{"id": "one", "label": "One"}]});
    doc["categories"][0]["items"][0]["stage"] = "two".into();
    let found = problems(&doc);
    assert!(has(&found, "stage", "/categories/0/items/0/stage"), "{found:?}");
    assert!(has(&found, "stage", "/categories/0/items/1/stage"), "{found:?}");

    let mut doc = common::small_instrument();
    doc["scoring"]["category"]["rule"] = json!({"kind": "best_guess"});
    assert!(has(&problems(&doc), "invalid_value", "/scoring/category/rule/kind"));
    doc["scoring"]["category"]["rule"] = json!({"kind": "all_of", "points": 0});
    assert!(has(&problems(&doc), "invalid_value", "/scoring/category/rule/points"));
}

#[test]
fn not_json_and_not_an_object() {
    let found = problems_text("{\"format_version\": 1,");
    assert_eq!(found[0].0, "syntax");
    assert_eq!(problems_text("[1, 2]")[0].0, "invalid_value");
    assert_eq!(problems_text("")[0].0, "syntax");
    let found = problems_text("{}");
    assert!(found.iter().filter(|(c, _)| c == "missing_field").count() >= 7, "{found:?}");
}

#[test]
fn limits_bound_the_work() {
    let mut doc = common::small_instrument();
    let item = doc["categories"][0]["items"][0].clone();
    let many: Vec<Value> = (0..10_001)
        .map(|i| {
            let mut it = item.clone();
            it["id"] = format!("a.i{i}").into();
            it
        })
        .collect();
    doc["categories"][0]["items"] = Value::Array(many);
    assert!(has(&problems(&doc), "too_many", "/categories/0/items"));

    // 11 categories of 10,000 items each: under the per-category limit, over the total.
    let mut doc = common::small_instrument();
    let categories: Vec<Value> = (0..11)
        .map(|k| {
            let items: Vec<Value> =
                (0..10_000).map(|i| json!({"id": format!("c{k}.i{i}"), "text": "t", "scale": "imp"})).collect();
            json!({"id": format!("c{k}"), "title": "C", "items": items})
        })
        .collect();
    doc["categories"] = Value::Array(categories);
    assert!(has(&problems(&doc), "too_many", "/categories"));
}

/// Replaces every value of the HEOA file, one at a time, with each of several bad values: the
/// result either loads or names at least one problem (found by a property test: an explicitly
/// empty `"scale": ""` once failed with no problem listed).
#[test]
fn every_single_value_replacement_loads_or_names_a_problem() {
    fn walk(v: &Value, at: String, out: &mut Vec<String>) {
        out.push(at.clone());
        match v {
            Value::Object(m) => m.iter().for_each(|(k, x)| walk(x, format!("{at}/{k}"), out)),
            Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| walk(x, format!("{at}/{i}"), out)),
            _ => {}
        }
    }
    let doc: Value = serde_json::from_str(&common::read("assessments/heoa/1.0.0.json")).unwrap();
    let mut all = Vec::new();
    walk(&doc, String::new(), &mut all);
    for pointer in all {
        for bad in [json!(""), json!(null), json!(-1), json!([]), json!({}), json!("Bad Id")] {
            let mut d = doc.clone();
            *d.pointer_mut(&pointer).unwrap() = bad.clone();
            if let Err(e) = Instrument::from_json(&d.to_string()) {
                assert!(!e.problems().is_empty(), "{pointer} = {bad}: an error without problems");
            }
        }
    }
    let mut d = doc.clone();
    d["categories"][0]["items"][0]["scale"] = json!("");
    assert!(problems(&d).iter().any(|(c, p)| c == "unknown_scale" && p == "/categories/0/items/0/scale"));
}
